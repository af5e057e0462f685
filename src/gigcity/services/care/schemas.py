"""The care service's public shapes: the self-check, call-backs, group sessions, offers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from gigcity.services.care.screening import Band, Instrument
from gigcity.services.places.schemas import Hours, Lat, Lon
from gigcity.services.types import UtcDatetime

Answer = Annotated[int, Field(ge=0, le=3)]
TwoAnswers = Annotated[list[Answer], Field(min_length=2, max_length=2)]


class SelfCheckIn(BaseModel):
    """The answers, each 0 (not at all) to 3 (nearly every day). Never stored."""

    model_config = ConfigDict(extra="forbid")
    phq2: TwoAnswers = Field(description="PHQ-2: the two answers, in question order.")
    gad2: TwoAnswers = Field(description="GAD-2: the two answers, in question order.")


class ScoreOut(BaseModel):
    instrument: Instrument
    total: int
    band: Band
    suggests_assessment: bool


class SelfCheckOut(BaseModel):
    scores: list[ScoreOut]
    suggests_assessment: bool = Field(description="Either total is 3 or more.")
    hotline: str = Field(description="The 24-hour psychological assistance hotline.")
    callback_offered: bool = True


class SelfCheckCountOut(BaseModel):
    """How many self-checks fell in a band on a day (district time): all that is kept."""

    day: date
    instrument: Instrument
    band: Band
    count: int


class Window(StrEnum):
    """When the worker would like to be called."""

    now = "now"
    this_evening = "this_evening"
    tomorrow_morning = "tomorrow_morning"
    tomorrow_afternoon = "tomorrow_afternoon"
    tomorrow_evening = "tomorrow_evening"


Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=5, max_length=24, pattern=r"^\+?[0-9 -]+$"),
]


class CallbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: Phone = Field(description="The number to call back (digits, spaces, dashes).")
    when: Window = Field(description="The time window for the call.")

    @field_validator("phone")
    @classmethod
    def _enough_digits(cls, value: str) -> str:
        digits = sum(c.isdigit() for c in value)
        if not 5 <= digits <= 15:
            raise ValueError("a phone number has 5 to 15 digits")
        return value


class CallbackAccepted(BaseModel):
    when: Window
    hotline: str


class CallbackOut(BaseModel):
    id: int
    phone: str
    when: Window
    state: str
    created_at: UtcDatetime


class Outcome(StrEnum):
    called = "called"
    not_reached = "not_reached"


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Outcome


class CallbackDone(BaseModel):
    id: int
    state: Outcome
    done_at: UtcDatetime
    deleted_after: UtcDatetime = Field(description="When the number is deleted.")


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title
    starts_at: datetime = Field(description="When it starts (with a time zone).")
    minutes: Annotated[int, Field(ge=15, le=480)] = 60
    venue: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = Field(
        default="", description="Where it is held, or the online room's name."
    )
    online: bool = False
    capacity: Annotated[int, Field(ge=1, le=500)]

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give the time with its zone, e.g. 2026-12-05T19:00:00+08:00")
        return value


class SessionOut(BaseModel):
    id: int
    title: str
    starts_at: UtcDatetime
    minutes: int
    venue: str
    online: bool
    capacity: int
    taken: int
    free: int
    mine: bool = Field(default=False, description="The caller has a place.")


class OfferKind(StrEnum):
    meal = "meal"
    water = "water"


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
PriceFen = Annotated[int, Field(ge=0, le=100_000)]


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    place_id: Annotated[int, Field(ge=1, le=2_147_483_647)]
    kind: OfferKind
    name: Name
    price_fen: PriceFen = Field(default=0, description="Price in fen (0: free, as water is).")
    hours: Hours | None = Field(
        default=None, description="Hours as text ('10:30-14:00'); empty: the place's hours."
    )


class OfferUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    price_fen: PriceFen | None = None
    hours: Hours | None = None
    active: bool | None = None


class OfferOut(BaseModel):
    id: int
    place_id: int
    place_name: str
    kind: OfferKind
    name: str
    price_fen: int
    hours: str = Field(description="The hours in force (the place's when the offer has none).")
    active: bool
    lon: Lon
    lat: Lat
    open_now: bool | None = None
    distance_m: float | None = None
