"""The names a hotline address is matched against, read from the platform's own data: the
friendly map's named places (and the other names people remembered for them, `aliases`),
the estates, and the roads the places' addresses are on. A
road's point is the median of its places' points — coarse, and said to be so — and a road
whose places are spread too widely (a long road) gives no point at all."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Estate, GovPlaceAlias, Place
from gigcity.geo.district import District
from gigcity.services.governance.addresses import Gazetteer, Known, parse_address
from gigcity.services.governance.base import METRES_PER_DEGREE

# Generic names a place may carry that would match half the district's addresses.
MIN_NAME_CHARS = 3
# A road's places must lie this close (median distance) to their median point.
ROAD_SPREAD_M = 1200.0


def read_gazetteer(session: Session, district: District) -> Gazetteer:
    entries: list[Known] = []
    road_points: dict[str, list[tuple[float, float, str | None]]] = defaultdict(list)
    aliases: dict[int, list[str]] = defaultdict(list)
    for place_id, alias in session.execute(select(GovPlaceAlias.place_id, GovPlaceAlias.alias)):
        aliases[place_id].append(alias)
    for place_id, name, lat, lon, subdistrict, address in session.execute(
        select(Place.id, Place.name, Place.lat, Place.lon, Place.subdistrict, Place.address)
    ):
        if len(name) >= MIN_NAME_CHARS or place_id in aliases:
            entries.append(
                Known(
                    kind="place",
                    ref=f"place:{place_id}",
                    name=name,
                    aliases=tuple(aliases.get(place_id, ())),
                    lat=lat,
                    lon=lon,
                    subdistrict=subdistrict,
                )
            )
        if address:
            road = parse_address(address).road
            if road:
                road_points[road].append((lat, lon, subdistrict))
    for estate_id, name, lat, lon, subdistrict in session.execute(
        select(Estate.id, Estate.name, Estate.lat, Estate.lon, Estate.subdistrict)
    ):
        entries.append(
            Known(
                kind="estate",
                ref=f"estate:{estate_id}",
                name=name,
                aliases=(),
                lat=lat,
                lon=lon,
                subdistrict=subdistrict,
            )
        )
    for road, points in road_points.items():
        lat = statistics.median(p[0] for p in points)
        lon = statistics.median(p[1] for p in points)
        kx = math.cos(math.radians(lat))
        spread = statistics.median(
            math.hypot(p[0] - lat, (p[1] - lon) * kx) * METRES_PER_DEGREE for p in points
        )
        if spread > ROAD_SPREAD_M:
            continue
        found = district.locate(lon, lat)
        entries.append(
            Known(
                kind="road",
                ref=f"road:{road}"[:40],
                name=road,
                aliases=(),
                lat=lat,
                lon=lon,
                subdistrict=found.code if found else None,
            )
        )
    return Gazetteer(entries)
