"""An in-memory snapshot of all service points with a spatial index, kept in step with the DB.

Every write bumps the `places` counter in the same transaction. Readers compare the counter
(at most once per `refresh_interval_s`; at once after a write in this process) and refresh
only rows whose version changed, so a 100,000-point map stays fast to query and to update.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import Counter, Place
from gigcity.geo.spatial_index import PointIndex
from gigcity.services.places.hours import OpeningHours
from gigcity.services.places.schemas import Amenities

COUNTER = "places"


@dataclass(frozen=True, slots=True)
class Entry:
    row: Place  # detached copy
    amenities: Amenities
    hours: OpeningHours


class Snapshot:
    def __init__(self, revision: int, entries: dict[int, Entry]) -> None:
        self.revision = revision
        self.entries = entries
        self.ids = np.array(sorted(entries), dtype=np.int64)
        rows = [entries[int(i)].row for i in self.ids]
        self.kinds = np.array([r.kind for r in rows], dtype=object)
        self.index = PointIndex(
            np.array([r.lon for r in rows], dtype=np.float64),
            np.array([r.lat for r in rows], dtype=np.float64),
            np.array([r.amenity_mask for r in rows], dtype=np.int64),
        )

    def entry_at(self, position: int) -> Entry:
        return self.entries[int(self.ids[position])]


def current_revision(session: Session) -> int:
    value = session.scalar(select(Counter.value).where(Counter.name == COUNTER))
    return int(value or 0)


def bump_revision(session: Session) -> None:
    counter = session.get(Counter, COUNTER, with_for_update=True)
    if counter is None:
        session.add(Counter(name=COUNTER, value=1))
    else:
        counter.value += 1


def _entry(row: Place) -> Entry:
    return Entry(
        row=row,
        amenities=Amenities.model_validate(row.amenities or {}),
        hours=OpeningHours.model_validate(row.hours or {}),
    )


class PlaceIndex:
    """The process-wide snapshot; thread-safe, refreshed lazily."""

    def __init__(self, factory: sessionmaker[Session], refresh_interval_s: float = 1.0) -> None:
        self._factory = factory
        self._interval = refresh_interval_s
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0
        self._dirty = True

    def mark_dirty(self) -> None:
        self._dirty = True

    def get(self) -> Snapshot:
        snap = self._snapshot
        if (
            snap is not None
            and not self._dirty
            and time.monotonic() - self._checked_at < self._interval
        ):
            return snap
        with self._lock:
            return self._refresh()

    def _refresh(self) -> Snapshot:
        with self._factory() as session:
            revision = current_revision(session)
            old = self._snapshot
            self._checked_at = time.monotonic()
            if old is not None and old.revision == revision and not self._dirty:
                return old
            self._dirty = False
            versions = {pid: v for pid, v in session.execute(select(Place.id, Place.version))}
            previous = old.entries if old is not None else {}
            entries = {
                pid: previous[pid]
                for pid, version in versions.items()
                if pid in previous and previous[pid].row.version == version
            }
            stale = [pid for pid in versions if pid not in entries]
            for start in range(0, len(stale), 500):
                chunk = stale[start : start + 500]
                for row in session.scalars(select(Place).where(Place.id.in_(chunk))):
                    session.expunge(row)
                    entries[row.id] = _entry(row)
            snap = Snapshot(revision, entries)
            self._snapshot = snap
            return snap


def is_open(entry: Entry, at: datetime) -> bool:
    return entry.hours.is_open(at)
