"""What the meals-for-the-elderly API takes and gives: canteens, menus, enrolment,
subscriptions, pauses and one-off changes, meals."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gigcity.i18n import N_
from gigcity.services.errors import refusal

Lon = Annotated[float, Field(ge=-180, le=180)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Fen = Annotated[int, Field(ge=0, le=1_000_000, description="Money in fen (1 yuan = 100 fen)")]
ClockTime = Annotated[
    str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="Local time, HH:MM")
]
Short = Annotated[str, Field(min_length=1, max_length=60)]
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
Phone = Annotated[
    str,
    Field(
        pattern=r"^\+?[0-9][0-9 \-]{4,18}[0-9]$",
        description="Digits, spaces and dashes, optionally starting with +",
    ),
]


class Meal(StrEnum):
    lunch = "lunch"
    dinner = "dinner"


class Diet(StrEnum):
    """What a dish suits, and what an older person needs."""

    soft = "soft"  # soft or minced texture
    low_salt = "low_salt"
    diabetic = "diabetic"
    low_fat = "low_fat"
    vegetarian = "vegetarian"
    halal = "halal"


class Mobility(StrEnum):
    walks = "walks"
    wheelchair = "wheelchair"
    bedridden = "bedridden"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- canteens and menus ----------------------------------------------------------------


class CanteenIn(_In):
    name: Short
    subdistrict: Annotated[str, Field(min_length=1, max_length=64)]
    lon: Lon
    lat: Lat
    lunch_capacity: Annotated[int, Field(ge=0, le=10_000)]
    dinner_capacity: Annotated[int, Field(ge=0, le=10_000)] = 0
    lunch_cutoff: ClockTime = "09:00"
    dinner_cutoff: ClockTime = "14:00"
    lunch_ready: ClockTime = "10:30"
    dinner_ready: ClockTime = "16:30"
    price_fen: Fen

    @model_validator(mode="after")
    def _cut_off_before_ready(self) -> CanteenIn:
        for meal in Meal:
            cutoff, ready = getattr(self, f"{meal}_cutoff"), getattr(self, f"{meal}_ready")
            if cutoff >= ready:
                raise refusal(
                    N_(
                        "{meal}_cutoff ({cutoff}) must come before {meal}_ready ({ready}): "
                        "changes close before the kitchen hands the meals out."
                    ),
                    meal=meal.value,
                    cutoff=cutoff,
                    ready=ready,
                )
        return self


class CanteenOut(BaseModel):
    id: int
    name: str
    subdistrict: str
    lon: float
    lat: float
    lunch_capacity: int
    dinner_capacity: int
    lunch_cutoff: str
    dinner_cutoff: str
    lunch_ready: str
    dinner_ready: str
    price_fen: int
    active: bool


class Dish(_In):
    name: Short
    suits: list[Diet] = Field(default_factory=list, max_length=len(Diet))
    allergens: list[Short] = Field(default_factory=list, max_length=12)


class MenuIn(_In):
    dishes: list[Dish] = Field(min_length=1, max_length=12)
    price_fen: Fen | None = Field(None, description="This meal's price; default the canteen's")


class MenuOut(BaseModel):
    canteen_id: int
    day: date
    meal: Meal
    dishes: list[Dish]
    price_fen: int


# -- enrolment -------------------------------------------------------------------------


class ContactIn(_In):
    relation: Annotated[str, Field(pattern=r"^(family|neighbour|committee|other)$")]
    name: Short
    phone: Phone


class CareIn(_In):
    mobility: Mobility = Mobility.walks
    lives_alone: bool = False
    diet: list[Diet] = Field(default_factory=list, max_length=len(Diet))
    allergies: list[Short] = Field(default_factory=list, max_length=12)
    notes: Annotated[str, Field(max_length=500)] = ""


class ElderIn(_In):
    name: Short
    first_name: Short = Field(description="What today's rider is shown (e.g. 王阿婆)")
    subdistrict: Annotated[str, Field(min_length=1, max_length=64)]
    canteen_id: Id
    estate_id: Id | None = None
    building: Annotated[str, Field(max_length=40)] = ""
    unit: Annotated[str, Field(max_length=40)] = ""
    floor: Annotated[int, Field(ge=-5, le=120)] | None = None
    door: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="The address down to the room, as the rider needs it"
    )
    lon: Lon
    lat: Lat
    subsidy_category: Annotated[str, Field(min_length=1, max_length=32)]
    care: CareIn = Field(default_factory=CareIn)
    contacts: list[ContactIn] = Field(
        min_length=1, max_length=5, description="In the order they are called"
    )
    primary_rider_id: Id | None = None
    backup_rider_id: Id | None = None
    consent_by: Annotated[str, Field(pattern=r"^(self|family)$")] = Field(
        description="The older person agreed (self), or a family member with their consent"
    )
    consent_note: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="How and when consent was given (signed form, phone call ...)"
    )

    @field_validator("contacts")
    @classmethod
    def _distinct_phones(cls, value: list[ContactIn]) -> list[ContactIn]:
        phones = [c.phone.replace(" ", "").replace("-", "") for c in value]
        if len(set(phones)) != len(phones):
            raise refusal(N_("Each emergency contact needs a phone number of their own."))
        return value

    @model_validator(mode="after")
    def _two_riders(self) -> ElderIn:
        if self.primary_rider_id is not None and self.primary_rider_id == self.backup_rider_id:
            raise refusal(N_("The backup rider must be another rider than the primary."))
        return self


class ContactOut(BaseModel):
    position: int
    relation: str
    name: str
    phone: str


class ElderOut(BaseModel):
    """The whole record, for managers; reading it is logged."""

    id: int
    name: str
    first_name: str
    subdistrict: str
    canteen_id: int
    estate_id: int | None
    building: str
    unit: str
    floor: int | None
    door: str
    lon: float
    lat: float
    subsidy_category: str
    subsidy_title: str
    care: CareIn
    contacts: list[ContactOut]
    primary_rider_id: int | None
    backup_rider_id: int | None
    consent_by: str
    consent_note: str
    consented_at: datetime
    enrolled_at: datetime
    ended_at: datetime | None
    version: int


class ElderSummary(BaseModel):
    """A line of the list: no health, no contacts, nothing but what finds the record."""

    id: int
    first_name: str
    subdistrict: str
    canteen_id: int
    building: str
    subsidy_category: str
    primary_rider_id: int | None
    backup_rider_id: int | None
    active: bool


class ReadOut(BaseModel):
    at: datetime
    account_id: int | None
    role: str
    fields: list[str]
    purpose: str


class RidersIn(_In):
    primary_rider_id: Id | None
    backup_rider_id: Id | None

    @model_validator(mode="after")
    def _two_riders(self) -> RidersIn:
        if self.primary_rider_id is not None and self.primary_rider_id == self.backup_rider_id:
            raise refusal(N_("The backup rider must be another rider than the primary."))
        return self


# -- subscriptions, pauses, changes ----------------------------------------------------

Weekday = Annotated[int, Field(ge=0, le=6, description="Monday 0 ... Sunday 6")]


class SubscriptionIn(_In):
    lunch: list[Weekday] = Field(default_factory=list, max_length=7)
    dinner: list[Weekday] = Field(default_factory=list, max_length=7)
    starts_on: date


class SubscriptionOut(BaseModel):
    elder_id: int
    lunch: list[int]
    dinner: list[int]
    starts_on: date


class PauseIn(_In):
    first_day: date
    last_day: date
    reason: Annotated[str, Field(pattern=r"^(hospital|travel|family|other)$")]

    @model_validator(mode="after")
    def _ordered(self) -> PauseIn:
        if self.last_day < self.first_day:
            raise refusal(N_("last_day must be on or after first_day."))
        if (self.last_day - self.first_day).days > 366:
            raise refusal(N_("A pause lasts at most a year; end the enrolment instead."))
        return self


class PauseOut(BaseModel):
    id: int
    elder_id: int
    first_day: date
    last_day: date
    resumes_on: date
    reason: str
    cancelled: bool


class ChangeIn(_In):
    day: date
    meal: Meal
    action: Annotated[str, Field(pattern=r"^(skip|add)$")]


class ChangeOut(BaseModel):
    elder_id: int
    day: date
    meal: Meal
    action: str


class PlannedMeal(BaseModel):
    """One of an older person's coming meals, as the family sees it."""

    day: date
    meal: Meal
    status: str  # subscribed, added, skipped, paused, generated:<state>
    changeable_until: datetime | None


class GenerateOut(BaseModel):
    day: date
    meal: Meal
    canteens: int
    created: int
    already: int
    over_capacity: dict[int, int]  # canteen id -> meals beyond its capacity


class RiderMealOut(BaseModel):
    """What today's rider sees of a meal: the minimum to bring it and to act at the door."""

    meal_id: int
    day: date
    meal: Meal
    state: str
    canteen_id: int
    first_name: str
    door: str
    building: str
    floor: int | None
    lon: float
    lat: float
    diet: list[Diet]
    allergies: list[str]
    clashes: list[str] = Field(description="Dishes of this meal's menu that do not suit")
    call_first: ContactOut | None
    primary: bool


class RoundStopOut(BaseModel):
    meal_id: int
    rider_id: int | None
    trip: int | None = Field(description="The rider's trip from the kitchen (1, 2, ...)")
    at_door: datetime | None
    by: str | None = Field(description="primary, backup or other; none when unassigned")
    note: str | None = Field(description="Why not the familiar rider, or why unassigned")
    note_id: str | None


class RoundsOut(BaseModel):
    canteen_id: int
    day: date
    meal: Meal
    rulebook: str
    meals: int
    planned: int
    unassigned: int
    primary_share: float
    worst_minutes_from_kitchen: float
    stops: list[RoundStopOut]
