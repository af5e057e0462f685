"""Where a survey or a consultation is: a map place, an estate, or a point with a name; its
sub-district always from the district's map (never from what the caller says)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from gigcity.db.models import Estate, Place
from gigcity.geo.district import District
from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput
from gigcity.services.governance.voices_schemas import Where


@dataclass(frozen=True, slots=True)
class Located:
    place_id: int | None
    estate_id: int | None
    name: str
    lat: float
    lon: float
    subdistrict: str


def locate(
    session: Session, district: District, where: Where, estate_id: int | None = None
) -> Located:
    if estate_id is not None:
        estate = session.get(Estate, estate_id)
        if estate is None:
            raise InvalidInput(N_("No estate has id {id}."), field="estate_id", id=estate_id)
        # The estate is the place: a place id sent alongside is not kept (nor checked).
        return _placed(district, None, estate_id, estate.name, estate.lat, estate.lon)
    if where.place_id is not None:
        place = session.get(Place, where.place_id)
        if place is None:
            raise InvalidInput(N_("No map place has id {id}."), field="place_id", id=where.place_id)
        name = where.place_name or place.name
        return _placed(district, place.id, None, name, place.lat, place.lon)
    if where.lon is None or where.lat is None:
        raise InvalidInput(
            N_("Say where: a map place, an estate, or a point (lon and lat) with a name."),
            field="place_id",
        )
    if not where.place_name:
        raise InvalidInput(N_("A point needs the name of the place."), field="place_name")
    return _placed(district, None, None, where.place_name, where.lat, where.lon)


def _placed(
    district: District,
    place_id: int | None,
    estate_id: int | None,
    name: str,
    lat: float,
    lon: float,
) -> Located:
    sub = district.locate(lon, lat)
    if sub is None:
        raise InvalidInput(
            N_("The place ({lon}, {lat}) is outside the district."), field="lon", lon=lon, lat=lat
        )
    return Located(place_id, estate_id, name[:200], lat, lon, sub.code)
