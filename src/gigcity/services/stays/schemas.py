"""What the stays API takes and gives: homes (profile, rooms, beds), bookings, the waiting
list and the free beds of the homes near a point."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from itertools import pairwise
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
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
MAX_NIGHTS = 7  # one booking covers at most a week
DAYS_AHEAD = 7  # tonight or one of the next seven nights


class Section(StrEnum):
    men = "men"
    women = "women"
    mixed = "mixed"


class BedKind(StrEnum):
    single = "single"
    bunk_lower = "bunk_lower"
    bunk_upper = "bunk_upper"
    recliner = "recliner"


class StayKind(StrEnum):
    night = "night"  # 18:00 local to 10:00 the next morning, one or more nights
    nap = "nap"  # one of the home's daytime nap slots, today


class BookingState(StrEnum):
    offered = "offered"  # released to the next in the waiting list, held 30 minutes
    booked = "booked"
    checked_in = "checked_in"
    checked_out = "checked_out"
    cancelled = "cancelled"
    no_show = "no_show"  # not checked in by the home's latest check-in
    lapsed = "lapsed"  # an offer not accepted in time
    moved = "moved"  # a checked-in guest moved to another bed: this part ended then


ACTIVE_STATES = (BookingState.offered, BookingState.booked, BookingState.checked_in)


class WaitState(StrEnum):
    waiting = "waiting"
    offered = "offered"
    booked = "booked"
    lapsed = "lapsed"
    left = "left"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _clock_minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class NapSlot(_In):
    starts: ClockTime
    ends: ClockTime

    @model_validator(mode="after")
    def _ordered(self) -> NapSlot:
        if _clock_minutes(self.ends) <= _clock_minutes(self.starts):
            raise refusal(N_("A nap slot must end after it starts."))
        if not (self.starts >= "10:00" and self.ends <= "18:00"):
            raise refusal(N_("Nap slots lie between 10:00 and 18:00, outside the nights."))
        return self


class HomeIn(_In):
    """A home's stays profile, kept by its staff."""

    house_rules: str = Field("", max_length=2000)
    checkin_cutoff: ClockTime = Field(
        "23:00",
        description="The latest check-in, local HH:MM (before 10:00 means after midnight); "
        "a night booking not checked in by then is released",
    )
    nap_slots: list[NapSlot] = Field(default_factory=list, max_length=6)

    @field_validator("nap_slots")
    @classmethod
    def _apart(cls, slots: list[NapSlot]) -> list[NapSlot]:
        ordered = sorted(slots, key=lambda s: s.starts)
        for before, after in pairwise(ordered):
            if _clock_minutes(after.starts) < _clock_minutes(before.ends):
                raise refusal(N_("Nap slots must not overlap."))
        return ordered

    @field_validator("checkin_cutoff")
    @classmethod
    def _cutoff(cls, value: str) -> str:
        if "10:00" <= value < "18:00":
            raise refusal(N_("The latest check-in lies in the night, from 18:00 to 10:00."))
        return value


class RoomIn(_In):
    name: str = Field(min_length=1, max_length=60)
    section: Section


class BedIn(_In):
    label: str = Field(min_length=1, max_length=40)
    kind: BedKind = BedKind.single
    price_fen: Fen = 0
    active: bool = True


class BedOut(BaseModel):
    id: int
    room_id: int
    label: str
    kind: BedKind
    section: Section
    price_fen: int
    active: bool
    free: bool | None = Field(None, description="Free for the night asked about (if asked)")


class RoomOut(BaseModel):
    id: int
    name: str
    section: Section
    beds: list[BedOut]


class HomeOut(BaseModel):
    place_id: int
    name: str
    lon: float
    lat: float
    house_rules: str
    checkin_cutoff: str
    nap_slots: list[NapSlot]
    rooms: list[RoomOut]


class SectionCount(BaseModel):
    section: Section
    beds: int
    free: int


class HomeNearby(BaseModel):
    """A home near the point asked about, with its free beds tonight by section."""

    place_id: int
    name: str
    lon: float
    lat: float
    distance_m: int
    night: date
    beds: int
    free: int
    sections: list[SectionCount]


class StayIn(_In):
    """What is booked: a night booking (`night`, `nights`) or a nap (`nap_starts`: one of
    the home's slots, today); a bed named, or a section and bed kind and the home picks."""

    kind: StayKind = StayKind.night
    night: date | None = Field(None, description="The first night (night of this date)")
    nights: int = Field(1, ge=1, le=MAX_NIGHTS)
    nap_starts: ClockTime | None = Field(None, description="The nap slot's start, today")
    bed_id: Id | None = None
    section: Section | None = None
    bed_kind: BedKind | None = None

    @model_validator(mode="after")
    def _complete(self) -> StayIn:
        if self.kind == StayKind.night and self.night is None:
            raise refusal(N_("Say which night to book."))
        if self.kind == StayKind.nap and self.nap_starts is None:
            raise refusal(N_("Say which nap slot to book."))
        return self


class BookIn(StayIn):
    """A rider's or driver's booking at a home (see `StayIn`)."""

    place_id: Id


class WalkInIn(StayIn):
    """The desk books a bed for a rider or driver who walked in, named by the code their
    stays page shows for the desk or by their username (nothing else is asked of them)."""

    guest: str = Field(
        min_length=1,
        max_length=64,
        description="The guest's desk code (their /stays page, 'My code for the desk') or "
        "their username",
    )
    check_in: bool = Field(
        True, description="Check the guest in at once (they are at the desk); else only booked"
    )


class MoveIn(_In):
    bed_id: Id = Field(description="The free bed of the same home the guest moves to")


class GuestCode(BaseModel):
    """A rider's or driver's code for a home's desk (walk-in bookings): the account, an
    expiry and a MAC with the instance's key; no booking needed."""

    code: str
    expires_at: datetime
    qr_svg: str


class CodeIn(_In):
    code: str = Field(min_length=4, max_length=20, description="The booking's check-in code")


class BookingOut(BaseModel):
    id: int
    place_id: int
    home_name: str
    bed_id: int
    bed_label: str
    room_name: str
    section: Section
    bed_kind: BedKind
    price_fen: int = Field(description="Per night or nap")
    kind: StayKind
    state: BookingState
    starts_at: datetime
    ends_at: datetime
    check_by: datetime = Field(description="Not checked in by then, the bed is released")
    offer_expires_at: datetime | None = None
    checked_in_at: datetime | None = None
    ended_at: datetime | None = None
    code: str | None = Field(
        None, description="The check-in code (QR), shown to the booker while it can be used"
    )
    qr_svg: str | None = Field(
        None, description="The check-in code as an SVG QR code, for the desk's scanner"
    )
    guest: str | None = Field(None, description="The guest's name, for the home's staff")


class WaitIn(_In):
    night: date
    section: Section | None = None


class WaitOut(BaseModel):
    id: int
    place_id: int
    night: date
    section: Section | None
    state: WaitState
    position: int | None = Field(None, description="1 = next in line (while waiting)")
    booking_id: int | None = None


class SweepOut(BaseModel):
    no_shows: int
    lapsed: int
    offered: int
