"""What a service point is: kinds, amenities, and the shapes used to create, edit and show one."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from gigcity.i18n import N_
from gigcity.services.places.hours import OpeningHours, parse_opening_hours
from gigcity.services.types import UtcDatetime


class PlaceKind(StrEnum):
    rider_station = "rider_station"  # 骑手驿站 / 户外职工爱心驿站
    warm_kiosk = "warm_kiosk"  # 暖心驿站岗亭
    convenience_rest_point = "convenience_rest_point"  # 便利店歇脚点
    party_service_center = "party_service_center"  # 党群服务中心
    driver_home = "driver_home"  # 司机之家
    truck_driver_station = "truck_driver_station"  # 货车司机驿站
    canteen = "canteen"  # 爱心食堂
    charging_swap = "charging_swap"  # 充电 / 换电
    toilet = "toilet"
    water = "water"
    health_center = "health_center"  # 社区卫生服务中心


KIND_LABELS: dict[PlaceKind, str] = {
    PlaceKind.rider_station: N_("Rider station"),
    PlaceKind.warm_kiosk: N_("Warm kiosk"),
    PlaceKind.convenience_rest_point: N_("Convenience-store rest point"),
    PlaceKind.party_service_center: N_("Party-service center"),
    PlaceKind.driver_home: N_("Driver home"),
    PlaceKind.truck_driver_station: N_("Truck-driver station"),
    PlaceKind.canteen: N_("Canteen"),
    PlaceKind.charging_swap: N_("Charging / battery swap"),
    PlaceKind.toilet: N_("Toilet"),
    PlaceKind.water: N_("Drinking water"),
    PlaceKind.health_center: N_("Community health center"),
}


class Amenity(StrEnum):
    """Filterable amenities; the order fixes each one's bit in the stored mask (append only)."""

    drinking_water = "drinking_water"
    charging = "charging"
    microwave = "microwave"
    fridge = "fridge"
    toilet = "toilet"
    seats = "seats"
    beds = "beds"
    shower = "shower"
    laundry = "laundry"
    first_aid_kit = "first_aid_kit"
    tyre_pump = "tyre_pump"
    toolkit = "toolkit"
    legal_aid = "legal_aid"
    discounted_meals = "discounted_meals"
    free_beds = "free_beds"  # beds with at least one free now

    @property
    def bit(self) -> int:
        return 1 << list(Amenity).index(self)


AMENITY_LABELS: dict[Amenity, str] = {
    Amenity.drinking_water: N_("Drinking water"),
    Amenity.charging: N_("Charging"),
    Amenity.microwave: N_("Microwave"),
    Amenity.fridge: N_("Fridge"),
    Amenity.toilet: N_("Toilet"),
    Amenity.seats: N_("Seats"),
    Amenity.beds: N_("Beds"),
    Amenity.shower: N_("Shower"),
    Amenity.laundry: N_("Laundry"),
    Amenity.first_aid_kit: N_("First-aid kit"),
    Amenity.tyre_pump: N_("Tyre pump"),
    Amenity.toolkit: N_("Toolkit"),
    Amenity.legal_aid: N_("Legal aid"),
    Amenity.discounted_meals: N_("Discounted meals"),
    Amenity.free_beds: N_("Free beds now"),
}

_FLAGS = (
    Amenity.drinking_water,
    Amenity.charging,
    Amenity.microwave,
    Amenity.fridge,
    Amenity.toilet,
    Amenity.seats,
    Amenity.shower,
    Amenity.laundry,
    Amenity.first_aid_kit,
    Amenity.tyre_pump,
    Amenity.toolkit,
    Amenity.legal_aid,
)


class Beds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: Annotated[int, Field(ge=1, le=10_000)]
    free: Annotated[int, Field(ge=0)]
    # A driver home open to stays counts its beds from the bookings at its desk; a figure
    # entered by hand there would be overwritten at the next booking, so none is taken.
    counted: Annotated[
        bool,
        Field(
            description="Counted from the bookings at the home's desk (stays); read-only: "
            "such figures are not changed by hand or by an import."
        ),
    ] = False

    @model_validator(mode="after")
    def _free_within_count(self) -> Beds:
        if self.free > self.count:
            raise ValueError(f"free beds ({self.free}) cannot exceed the bed count ({self.count})")
        return self


class Meals(BaseModel):
    model_config = ConfigDict(extra="forbid")
    price_fen: Annotated[int, Field(ge=0, le=100_000, description="Discounted meal price in fen.")]
    note: Annotated[str, Field(max_length=200)] = ""


class Amenities(BaseModel):
    model_config = ConfigDict(extra="forbid")
    drinking_water: bool = False
    charging: bool = False
    microwave: bool = False
    fridge: bool = False
    toilet: bool = False
    seats: bool = False
    shower: bool = False
    laundry: bool = False
    first_aid_kit: bool = False
    tyre_pump: bool = False
    toolkit: bool = False
    legal_aid: bool = False
    beds: Beds | None = None
    discounted_meals: Meals | None = None

    @property
    def mask(self) -> int:
        bits = sum(a.bit for a in _FLAGS if getattr(self, a.value))
        if self.beds is not None:
            bits |= Amenity.beds.bit
            if self.beds.free > 0:
                bits |= Amenity.free_beds.bit
        if self.discounted_meals is not None:
            bits |= Amenity.discounted_meals.bit
        return bits

    def names(self) -> list[Amenity]:
        return [a for a in Amenity if self.mask & a.bit]


def mask_of(amenities: list[Amenity]) -> int:
    return sum({Amenity(a).bit for a in amenities})


Name = Annotated[str, Field(min_length=1, max_length=200)]
Lon = Annotated[float, Field(ge=-180, le=180, description="WGS-84 longitude")]
Lat = Annotated[float, Field(ge=-90, le=90, description="WGS-84 latitude")]


def _coerce_hours(value: Any) -> Any:
    return parse_opening_hours(value) if isinstance(value, str) else value


# Hours as the structured model or as opening_hours text ("24/7", "Mo-Fr 08:00-20:00").
Hours = Annotated[OpeningHours, BeforeValidator(_coerce_hours)]


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


# A blank external id is no id: stored as NULL (many may be), not as "" (unique, so a second
# point without one was a database error).
ExternalId = Annotated[
    Annotated[str, Field(max_length=120)] | None, BeforeValidator(_blank_is_none)
]


class PlaceBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    kind: PlaceKind
    lon: Lon
    lat: Lat
    address: Annotated[str, Field(max_length=300)] | None = None
    amenities: Amenities = Field(default_factory=Amenities)
    hours: Hours = Field(
        default_factory=OpeningHours.open_24h,
        description="Structured hours, or text such as '24/7' or 'Mo-Fr 08:00-20:00'.",
    )
    capacity: Annotated[int, Field(ge=0, le=100_000)] | None = None
    operator: Annotated[str, Field(max_length=200)] | None = None
    contact: Annotated[str, Field(max_length=120)] | None = None
    notes: Annotated[str, Field(max_length=2000)] | None = None
    external_id: ExternalId = None


class PlaceCreate(PlaceBase):
    """A new service point. The sub-district is derived from the location."""


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("null_not_allowed", "may not be null; leave it out to keep it")
    return value


T = TypeVar("T")
# A field a partial change may leave out but not set to null (the point needs it): the
# schema does not offer null, and an explicit null is refused naming the field.
Kept = Annotated[T | SkipJsonSchema[None], BeforeValidator(_refuse_null)]


class PlaceUpdate(BaseModel):
    """A partial change; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")
    name: Kept[Name] = None
    kind: Kept[PlaceKind] = None
    lon: Kept[Lon] = None
    lat: Kept[Lat] = None
    address: Annotated[str, Field(max_length=300)] | None = None
    amenities: Kept[Amenities] = None
    hours: Kept[Hours] = None
    capacity: Annotated[int, Field(ge=0, le=100_000)] | None = None
    operator: Annotated[str, Field(max_length=200)] | None = None
    contact: Annotated[str, Field(max_length=120)] | None = None
    notes: Annotated[str, Field(max_length=2000)] | None = None
    version: int | None = Field(
        default=None,
        description="If given, the change is refused when the point was changed since.",
    )


class PlaceStatus(BaseModel):
    """What station staff keep current day to day."""

    model_config = ConfigDict(extra="forbid")
    closed_today: bool | None = None
    closed_note: Annotated[str, Field(max_length=200)] = ""
    beds_free: Annotated[int, Field(ge=0)] | None = None
    hours: Hours | None = None


class NavLinks(BaseModel):
    amap_ride: str
    amap_walk: str
    baidu: str  # Baidu Maps (BD-09)
    tencent: str  # Tencent (QQ) Maps, cycling (GCJ-02)
    geo: str
    osm: str


class TimeRangeOut(BaseModel):
    start: str
    end: str


class DayHours(BaseModel):
    """One day's opening ranges, as they fall on that date."""

    day: date
    ranges: list[TimeRangeOut]
    holiday: str | None = Field(
        default=None, description="The public holiday's name in the reader's language"
    )


class PlaceOut(PlaceBase):
    id: int
    subdistrict: str | None
    subdistrict_name: str | None
    hours_text: str
    open_now: bool | None = None
    next_change_at: datetime | None = Field(
        default=None,
        description="When open_now next flips (district local time): the closing time of "
        "an open point, the opening time of a closed one; null when open round the clock "
        "or not changing within a week.",
    )
    distance_m: float | None = None
    days_ahead: list[DayHours] | None = Field(
        default=None,
        description="One point's answer only: its hours on each of the next 7 days (today "
        "first), holidays and OSM rules applied — what a reader can check a plan against.",
    )
    navigation: NavLinks
    version: int
    updated_at: UtcDatetime


class AuditEntry(BaseModel):
    id: int
    place_id: int
    actor: str
    action: str
    at: UtcDatetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed: list[str]


class Markers(BaseModel):
    """Points for a map layer: `[id, lon, lat, kind, open_now]` each, evenly spread when
    there are more than asked for (`truncated`)."""

    total: int
    truncated: bool
    markers: list[tuple[int, float, float, str, bool]]
