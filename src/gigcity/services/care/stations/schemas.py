"""Truck-driver stations' public shapes: services, visits, queues, parking, legal aid."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from gigcity.i18n import N_
from gigcity.services.errors import refusal
from gigcity.services.places.hours import OpeningHours
from gigcity.services.places.schemas import Hours, Lat, Lon
from gigcity.services.types import UtcDatetime

Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


class ServiceKind(StrEnum):
    shower = "shower"
    washer = "washer"  # washing machines
    dryer = "dryer"
    recliner = "recliner"
    repair = "repair"  # simple vehicle repairs


# The services drivers queue for (the others are used as found).
QUEUED = frozenset({ServiceKind.shower, ServiceKind.washer})
# The machines that run a programme chosen at their start (the others have none).
PROGRAMMED = frozenset({ServiceKind.washer, ServiceKind.dryer})
MAX_PROGRAMMES = 6


class ProgrammeIn(BaseModel):
    """A programme of a machine: its name as the machine shows it and its run time."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    minutes: Annotated[int, Field(ge=1, le=600)] = Field(description="Its run time, minutes.")


class ServiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    units: Annotated[int, Field(ge=0, le=200)] = Field(description="How many (0: none now).")
    typical_minutes: Annotated[int, Field(ge=1, le=600)] = Field(
        description="How long one use usually takes, in minutes."
    )
    hours: Hours | None = Field(
        default=None, description="Hours as text ('06:00-23:00'); empty: the station's hours."
    )
    active: bool = True
    programmes: Annotated[list[ProgrammeIn], Field(max_length=MAX_PROGRAMMES)] | None = Field(
        default=None,
        description="Washing machines and dryers: the programmes, in the order shown (at most "
        "6, names unique). Omitted: unchanged; []: none.",
    )

    @field_validator("programmes")
    @classmethod
    def _names_once(cls, value: list[ProgrammeIn] | None) -> list[ProgrammeIn] | None:
        if value is not None and len({p.name.casefold() for p in value}) != len(value):
            raise refusal(N_("Name each programme once."))
        return value


class ProgrammeOut(BaseModel):
    id: int
    name: str
    minutes: int = Field(description="Its nominal run time.")


class ServiceOut(BaseModel):
    id: int
    place_id: int
    kind: ServiceKind
    units: int
    typical_minutes: int
    hours: str = Field(description="The hours in force (the station's when it has none).")
    open_now: bool
    active: bool
    queued: bool = Field(description="Drivers queue for it (showers, washing machines).")
    programmes: list[ProgrammeOut] = Field(
        default_factory=list, description="Its machines' programmes (washing machines, dryers)."
    )


class StationOut(BaseModel):
    id: int
    name: str
    address: str | None
    lon: Lon
    lat: Lat
    hours: str
    open_now: bool
    services: list[ServiceOut]


# -- visits -------------------------------------------------------------------------------

Plate = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=5, max_length=10),
]


class VisitIn(BaseModel):
    """A visit: by the driver's code (the QR on their phone) or by plate with consent."""

    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = Field(
        default=None, description="The code of the driver's QR (GET /api/stations/me/code)."
    )
    plate: Plate | None = Field(default=None, description="The vehicle's plate, with consent.")
    plate_consent: bool = Field(
        default=False, description="The driver agreed to the plate being kept (30 days)."
    )
    services: Annotated[list[ServiceKind], Field(max_length=5)] = Field(default_factory=list)

    @field_validator("services")
    @classmethod
    def _once_each(cls, value: list[ServiceKind]) -> list[ServiceKind]:
        if len(set(value)) != len(value):
            raise refusal(N_("Name each service once."))
        return value


class VisitOut(BaseModel):
    id: int
    place_id: int
    at: UtcDatetime
    by: str = Field(description="code (a driver's account) or plate")
    plate: str | None
    services: list[ServiceKind]


class VisitDay(BaseModel):
    day: date
    visits: int
    services: dict[str, int]
    listed: list[VisitOut] = Field(description="The day's visits (none once rolled up).")


class DriverCode(BaseModel):
    code: str = Field(description="Shown as a QR code; the desk logs a visit with it.")
    expires_at: UtcDatetime
    qr_svg: str = Field(default="", description="The code as an SVG QR code, for the phone.")


# -- queues -------------------------------------------------------------------------------


class EntryState(StrEnum):
    waiting = "waiting"
    called = "called"
    in_use = "in_use"
    done = "done"
    left = "left"


class Origin(StrEnum):
    road = "road"  # joined from the driver's phone, on the way
    desk = "desk"  # added at the desk


class JoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    programme_id: Id | None = Field(
        default=None,
        description="The programme the machine will run (one of the service's); none: not "
        "chosen yet (the service's learned duration is assumed).",
    )


class DeskJoinIn(JoinIn):
    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = Field(
        default=None, description="The driver's QR code; none: a walk-in with a ticket only."
    )


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    programme_id: Id | None = Field(
        default=None, description="The programme started, if other than the one chosen."
    )


class EntryOut(BaseModel):
    id: int = Field(description="Also the ticket number called at the desk.")
    service_id: int
    kind: ServiceKind
    station_id: int
    state: EntryState
    origin: Origin
    joined_at: UtcDatetime
    position: int | None = Field(description="1: next to be called; none once called.")
    estimate_minutes: int | None = Field(
        description="Expected wait from now until a unit is free for this driver (the median)."
    )
    estimate_low: int | None = Field(
        None, description="With estimate_high: the range of 8 in 10 waits, when it is wide."
    )
    estimate_high: int | None = None
    estimate_at_join: int
    programme_id: int | None = Field(None, description="The programme chosen, if any.")
    programme_name: str | None = None
    left_minutes: int | None = Field(
        None, description="In use: the expected minutes left (the median), by its programme."
    )
    called_at: UtcDatetime | None = None
    started_at: UtcDatetime | None = None
    finished_at: UtcDatetime | None = None


class ProgrammeRun(ProgrammeOut):
    """A programme with the run time the estimate assumes for it."""

    run_minutes: float = Field(description="Its median run time, learned or nominal.")
    from_recent: bool = Field(description="Learned from its recent uses.")


class QueueOut(BaseModel):
    service_id: int
    station_id: int
    kind: ServiceKind
    units: int
    in_use: int
    free: int
    waiting: int = Field(description="Waiting or called, not yet started.")
    use_minutes: float = Field(description="The mean duration of one use the estimate assumes.")
    from_recent: bool = Field(description="That duration is learned from recent uses.")
    estimate_minutes: int | None = Field(
        description="The expected (median) wait of a driver joining now (none: no units)."
    )
    estimate_low: int | None = Field(
        None,
        description="With estimate_high: the range of 8 in 10 waits of a driver joining now, "
        "given when it is wider than 10 minutes (none: the one figure is close enough).",
    )
    estimate_high: int | None = None
    open_now: bool
    mine: EntryOut | None = None
    programmes: list[ProgrammeRun] = Field(
        default_factory=list, description="The programmes to choose from, with their run times."
    )


# -- parking ------------------------------------------------------------------------------

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Fen = Annotated[int, Field(ge=0, le=100_000)]


class ParkingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    place_id: Id = Field(description="The station whose drivers it serves.")
    name: Name
    lon: Lon
    lat: Lat
    hours: Hours = Field(description="When it is open, e.g. '24/7'.")
    price_per_hour_fen: Fen
    offpeak_text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    offpeak_hours: Hours | None = Field(default=None, description="When the discount applies.")
    offpeak_price_per_hour_fen: Fen | None = None


class ParkingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    hours: Hours | None = None
    price_per_hour_fen: Fen | None = None
    offpeak_text: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None
    ) = None
    offpeak_hours: Hours | None = None
    offpeak_price_per_hour_fen: Fen | None = None
    active: bool | None = None


class ParkingOut(BaseModel):
    id: int
    place_id: int | None
    name: str
    lon: Lon
    lat: Lat
    hours: str
    hours_form: OpeningHours = Field(description="The hours as a form, for pages to word them.")
    price_per_hour_fen: int
    offpeak_text: str
    offpeak_hours: str | None
    offpeak_hours_form: OpeningHours | None = None
    offpeak_price_per_hour_fen: int | None
    active: bool
    open_now: bool | None = None
    offpeak_now: bool | None = None
    price_now_fen: int | None = Field(default=None, description="The hour's price right now.")
    distance_m: float | None = None


# -- legal aid ----------------------------------------------------------------------------


class Topic(StrEnum):
    freight_payment = "freight_payment"
    insurance_claim = "insurance_claim"
    traffic_fine = "traffic_fine"
    other = "other"


ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class SlotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lawyer_id: Id = Field(description="The volunteer lawyer's account (role `lawyer`).")
    day: date
    start: ClockTime = Field(description="Local time, HH:MM.")
    end: ClockTime = Field(description="Local time, HH:MM, after the start.")


class SlotOut(BaseModel):
    id: int
    place_id: int
    lawyer_id: int
    lawyer_name: str
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    booked: bool
    mine: bool = Field(default=False, description="Booked by the caller.")
    topic: Topic | None = Field(default=None, description="Shown to the driver and the lawyer.")


class LawyerSlotOut(SlotOut):
    """A lawyer's own slot, at any station: where, and for a booked one who booked it."""

    station_name: str
    driver_name: str | None = Field(
        default=None, description="The booking driver's display name; only to the lawyer."
    )


class LawyerOut(BaseModel):
    """A volunteer lawyer a station's staff may put on its roster."""

    id: int
    display_name: str


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    topic: Topic


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class NoteOut(BaseModel):
    id: int
    slot_id: int
    by: str = Field(description="lawyer or driver")
    text: str
    at: UtcDatetime
