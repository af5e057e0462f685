"""Converting stored rows to the shapes callers see, and back."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from gigcity.db.models import Place
from gigcity.geo.district import District
from gigcity.geo.navigation import (
    amap_navigation_urls,
    baidu_navigation_url,
    geo_uri,
    osm_url,
    tencent_navigation_url,
)
from gigcity.services.places.hours import OpeningHours
from gigcity.services.places.schemas import Amenities, NavLinks, PlaceBase, PlaceKind, PlaceOut
from gigcity.services.types import as_utc

AUDITED_FIELDS = (
    "name",
    "kind",
    "lon",
    "lat",
    "subdistrict",
    "address",
    "amenities",
    "hours",
    "capacity",
    "operator",
    "contact",
    "notes",
    "external_id",
)


def snapshot(place: Place) -> dict[str, Any]:
    """The stored facts of a point as plain JSON-able data (for the audit trail)."""
    return {name: getattr(place, name) for name in AUDITED_FIELDS}


def navigation(lon: float, lat: float, name: str) -> NavLinks:
    ride, walk = amap_navigation_urls(lon, lat, name, ("ride", "walk"))
    return NavLinks.model_construct(
        amap_ride=ride,
        amap_walk=walk,
        baidu=baidu_navigation_url(lon, lat, name),
        tencent=tencent_navigation_url(lon, lat, name),
        geo=geo_uri(lon, lat, name),
        osm=osm_url(lon, lat),
    )


class StoredPlace(Protocol):
    """What `place_out` reads: a `Place` row or a detached copy of its columns."""

    id: int
    version: int
    name: str
    kind: str
    lon: float
    lat: float
    subdistrict: str | None
    address: str | None
    capacity: int | None
    operator: str | None
    contact: str | None
    notes: str | None
    external_id: str | None
    updated_at: datetime


def row_out(place: Place, district: District) -> PlaceOut:
    """The public shape of a stored row."""
    return place_out(
        place,
        district,
        Amenities.model_validate(place.amenities or {}),
        OpeningHours.model_validate(place.hours or {}),
    )


def place_out(
    place: StoredPlace,
    district: District,
    amenities: Amenities,
    hours: OpeningHours,
    *,
    open_now: bool | None = None,
    distance_m: float | None = None,
) -> PlaceOut:
    sub = district.get(place.subdistrict) if place.subdistrict else None
    # Every part is validated already (stored rows, parsed amenities and hours): build the
    # answer without validating it again, which is most of a map query's cost.
    return PlaceOut.model_construct(
        id=place.id,
        name=place.name,
        kind=PlaceKind(place.kind),
        lon=place.lon,
        lat=place.lat,
        address=place.address,
        amenities=amenities,
        hours=hours,
        capacity=place.capacity,
        operator=place.operator,
        contact=place.contact,
        notes=place.notes,
        external_id=place.external_id,
        subdistrict=place.subdistrict,
        subdistrict_name=sub.name if sub else None,
        hours_text=hours.to_text(),
        open_now=open_now,
        distance_m=None if distance_m is None else round(distance_m, 1),
        navigation=navigation(place.lon, place.lat, place.name),
        version=place.version,
        updated_at=as_utc(place.updated_at),
    )


def apply_fields(place: Place, data: PlaceBase | dict[str, Any], district: District) -> None:
    """Write validated fields onto a row, deriving the mask and the sub-district."""
    values = data.model_dump(exclude_unset=False) if isinstance(data, PlaceBase) else data
    for name, value in values.items():
        if name == "version":
            continue
        if name == "amenities":
            amenities = value if isinstance(value, Amenities) else Amenities.model_validate(value)
            place.amenities = amenities.model_dump(mode="json", exclude_defaults=True)
            place.amenity_mask = amenities.mask
        elif name == "hours":
            hours = value if isinstance(value, OpeningHours) else OpeningHours.model_validate(value)
            place.hours = hours.model_dump(mode="json", exclude_defaults=True)
        elif name == "kind":
            place.kind = str(getattr(value, "value", value))
        else:
            setattr(place, name, value)
    if "lon" in values or "lat" in values:
        sub = district.locate(place.lon, place.lat)
        place.subdistrict = sub.code if sub else None
