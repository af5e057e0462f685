"""Every home's beds and free beds for a night, by section, as "free beds near me" reads
them: one grouped query over all homes (a district has tens of homes, a few thousand
beds), kept in the process for at most a second and forgotten at once when this process
commits a change of a home's bookings or beds. Another worker's booking shows within that
second; the booking itself is always decided by the database, never by these counts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import Place, StayBed, StayBooking
from gigcity.services.stays.schemas import ACTIVE_STATES

FRESH_S = 1.0
ACTIVE = [state.value for state in ACTIVE_STATES]


@dataclass(frozen=True, slots=True)
class SectionRow:
    place_id: int
    name: str
    lon: float
    lat: float
    section: str
    beds: int
    free: int


def busy_beds(start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    """The beds held by an active booking overlapping [start, end) (a subquery)."""
    return (
        select(StayBooking.bed_id)
        .where(
            StayBooking.state.in_(ACTIVE),
            StayBooking.starts_at < end,
            StayBooking.ends_at > start,
        )
        .distinct()
    )


def read_counts(session: Session, start: datetime, end: datetime) -> list[SectionRow]:
    """Each home's active beds and those free over [start, end), by section."""
    busy = busy_beds(start, end).subquery()
    # Counted by (home, section) alone, then named: the grouping keys stay small.
    counts = (
        select(
            StayBed.place_id,
            StayBed.section,
            func.count(StayBed.id).label("beds"),
            func.sum(case((busy.c.bed_id.is_(None), 1), else_=0)).label("free"),
        )
        .outerjoin(busy, busy.c.bed_id == StayBed.id)
        .where(StayBed.active)
        .group_by(StayBed.place_id, StayBed.section)
        .subquery()
    )
    query = select(
        counts.c.place_id,
        Place.name,
        Place.lon,
        Place.lat,
        counts.c.section,
        counts.c.beds,
        counts.c.free,
    ).join(Place, Place.id == counts.c.place_id)
    return [
        SectionRow(place_id, name, lon, lat, section, int(beds), int(free or 0))
        for place_id, name, lon, lat, section, beds, free in session.execute(query)
    ]


class NightCounts:
    """`read_counts` for a night, read again when a second old or forgotten."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        night_range: Callable[[date], tuple[datetime, datetime]],
        *,
        fresh_s: float = FRESH_S,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._factory = factory
        self._night_range = night_range
        self._fresh_s = fresh_s
        self._now = now
        self._kept: dict[date, tuple[float, list[SectionRow]]] = {}  # night: (read at, rows)
        self._generation = 0  # moves at each forget: a read begun before it is not kept
        self._lock = threading.Lock()

    def get(self, night: date) -> list[SectionRow]:
        with self._lock:
            kept = self._kept.get(night)
            generation = self._generation
        if kept is not None and self._now() - kept[0] < self._fresh_s:
            return kept[1]
        read_at = self._now()
        with self._factory() as session:
            rows = read_counts(session, *self._night_range(night))
        with self._lock:
            if generation == self._generation:
                self._kept = {n: k for n, k in self._kept.items() if n >= night} | {
                    night: (read_at, rows)
                }
        return rows

    def forget(self) -> None:
        with self._lock:
            self._kept = {}
            self._generation += 1
