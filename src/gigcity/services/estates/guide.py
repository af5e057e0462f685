"""The seven-colour guide on the platform: compiled guides kept per worker for the version
they were built from, the ride to each gate timed on the streets (or, without a street
network here, by straight-line distance at e-bike speed), and the answer in words."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Estate as EstateRow
from gigcity.geo.estates import ZONE_HEX, Estate, Gate, LonLat
from gigcity.geo.estates.wayfinding import EstateGuide, GuideRoute
from gigcity.i18n import N_
from gigcity.services.errors import NotFound
from gigcity.services.estates.hours import open_at
from gigcity.services.estates.schemas import Approach, GuideAnswer, GuidePoint, GuideZone
from gigcity.services.estates.wording import step_text, zone_name
from gigcity.services.streets import StreetsService, StreetsUnavailable

# Farther than this from every street, the rider's position is not on the network.
SNAP_LIMIT_M = 500.0
# After the street network proved unavailable, ask again only after this many seconds.
STREETS_RETRY_S = 60.0
CACHED_ESTATES = 64


@dataclass
class Compiled:
    """One estate as of one version: its document and (once asked for) its guide."""

    version: int
    estate: Estate
    updated_at: datetime
    _guide: EstateGuide | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def guide(self) -> EstateGuide:
        with self._lock:  # compiled once, however many requests ask at the same moment
            if self._guide is None:
                self._guide = EstateGuide(self.estate, is_open=open_at)
            return self._guide


class EstateCache:
    """The last version read of recently used estates, in this worker. Each use checks the
    stored version first, so a change made by another worker is seen on the next request."""

    def __init__(self, size: int = CACHED_ESTATES) -> None:
        self._items: OrderedDict[int, Compiled] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def get(self, estate_id: int, version: int) -> Compiled | None:
        with self._lock:
            item = self._items.get(estate_id)
            if item is None or item.version != version:
                return None
            self._items.move_to_end(estate_id)
            return item

    def put(self, estate_id: int, item: Compiled) -> Compiled:
        with self._lock:
            held = self._items.get(estate_id)
            if held is not None and held.version >= item.version:
                return held  # another request stored this version (or a newer one) first
            self._items[estate_id] = item
            self._items.move_to_end(estate_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return item

    def forget(self, estate_id: int) -> None:
        with self._lock:
            self._items.pop(estate_id, None)

    def read(self, session: Session, estate_id: int) -> Compiled:
        """The estate as stored now, in `session`: from this worker's memory when the stored
        version is the one held (one small read), else read, validated and kept. Every
        service that reads estates (the guide, relay points) shares one cache."""
        version = session.scalar(select(EstateRow.version).where(EstateRow.id == estate_id))
        if version is None:
            raise NotFound(N_("Estate {id} does not exist."), field="estate_id", id=estate_id)
        held = self.get(estate_id, version)
        if held is not None:
            return held
        row = session.execute(
            select(EstateRow.version, EstateRow.document, EstateRow.updated_at).where(
                EstateRow.id == estate_id
            )
        ).one_or_none()
        if row is None:
            raise NotFound(N_("Estate {id} does not exist."), field="estate_id", id=estate_id)
        estate = Estate.model_validate(row.document)
        return self.put(estate_id, Compiled(row.version, estate, row.updated_at))


class Approaches:
    """Seconds by e-bike from a position to each gate: on the streets when a street network
    here covers the position, else the guide's straight-line estimate."""

    def __init__(self, streets: StreetsService | None) -> None:
        self.streets = streets
        self._down_until = -math.inf

    def _on_streets(self, position: LonLat, gates: Sequence[Gate]) -> dict[str, float] | None:
        if self.streets is None or not gates or time.monotonic() < self._down_until:
            return None
        try:
            travel = self.streets.travel
        except StreetsUnavailable:  # no network here: not asked again for a while
            self._down_until = time.monotonic() + STREETS_RETRY_S
            return None
        if not travel.snap_distance_m(position) <= SNAP_LIMIT_M:
            return None
        seconds = travel.travel_seconds_many(position, [g.at for g in gates], time.time())
        if not all(math.isfinite(s) for s in seconds):
            return None
        return {g.ref: float(s) for g, s in zip(gates, seconds, strict=True)}

    def times(self, guide: EstateGuide, position: LonLat) -> tuple[dict[str, float], Approach]:
        on_streets = self._on_streets(position, guide.gate_candidates())
        if on_streets is not None:
            return on_streets, "streets"
        return guide.straight_approach_s(position), "straight_line"


def _point(ref: str, name: str, at: LonLat) -> GuidePoint:
    return GuidePoint(ref=ref, name=name, lon=at[0], lat=at[1])


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60)) if seconds > 0 else 0


def answer(
    estate_id: int,
    compiled: Compiled,
    route: GuideRoute,
    approach: Approach | None,
    locale: str,
) -> GuideAnswer:
    """The guide's answer to "find building N", in `locale`."""
    estate = compiled.estate
    zone = (
        GuideZone(
            colour=route.zone.colour.value,
            hex=ZONE_HEX[route.zone.colour],
            name=zone_name(route.zone, estate, locale),
        )
        if route.zone is not None
        else None
    )
    gate, parking, entrance = route.gate, route.parking, route.entrance
    return GuideAnswer(
        estate_id=estate_id,
        version=compiled.version,
        building=route.building_ref,
        number=route.number,
        zone=zone,
        gate=_point(gate.ref, gate.name, gate.at),
        parking=_point(parking.ref, parking.name, parking.at) if parking else None,
        entrance=_point(entrance.ref, entrance.name, entrance.at) if entrance else None,
        path=[(lon, lat) for lon, lat in route.path],
        walk_m=round(route.walk_m, 1),
        walk_min=_minutes(route.walk_s),
        ride_m=round(route.ride_m, 1),
        trolley=route.trolley,
        ebikes_inside=estate.ebikes_inside,
        steps=[step_text(step, locale) for step in route.steps],
        total_min=_minutes(route.total_s),
        approach=approach,
    )
