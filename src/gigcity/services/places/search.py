"""An in-memory snapshot of all service points with a spatial index, kept in step with the DB.

Every write bumps the `places` counter in the same transaction. Readers compare the counter
(at most once per `refresh_interval_s`; at once after a write in this process) and refresh
only rows whose version changed, so a 100,000-point map stays fast to query and to update.
Rows are read as plain tuples, identical hours/amenities are parsed once, and the public
shape of a point is built on first use and reused until the point changes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import Counter, Place
from gigcity.geo.district import District
from gigcity.geo.spatial_index import PointIndex
from gigcity.services.places.freezer import SnapshotFreezer
from gigcity.services.places.hours import OpeningHours
from gigcity.services.places.records import place_out
from gigcity.services.places.schemas import Amenities, PlaceOut

COUNTER = "places"
_COLUMNS = (
    Place.id,
    Place.version,
    Place.name,
    Place.kind,
    Place.lon,
    Place.lat,
    Place.subdistrict,
    Place.address,
    # Raw JSON text: identical values are parsed once (most points share their hours).
    cast(Place.amenities, Text).label("amenities_json"),
    Place.amenity_mask,
    cast(Place.hours, Text).label("hours_json"),
    Place.capacity,
    Place.operator,
    Place.contact,
    Place.notes,
    Place.external_id,
    Place.updated_at,
)


@dataclass(slots=True)
class PlaceRow:
    """A stored point's columns, detached from any session."""

    id: int
    version: int
    name: str
    kind: str
    lon: float
    lat: float
    subdistrict: str | None
    address: str | None
    amenities_json: str
    amenity_mask: int
    hours_json: str
    capacity: int | None
    operator: str | None
    contact: str | None
    notes: str | None
    external_id: str | None
    updated_at: datetime


class Entry:
    __slots__ = ("_out", "amenities", "hours", "row")

    def __init__(self, row: PlaceRow, amenities: Amenities, hours: OpeningHours) -> None:
        self.row = row
        self.amenities = amenities
        self.hours = hours
        self._out: PlaceOut | None = None

    def out(self, district: District) -> PlaceOut:
        if self._out is None:
            self._out = place_out(self.row, district, self.amenities, self.hours)
        return self._out


class Snapshot:
    def __init__(self, revision: int, entries: dict[int, Entry]) -> None:
        self.revision = revision
        self.entries = entries
        self.ids = np.array(sorted(entries), dtype=np.int64)
        rows = [entries[int(i)].row for i in self.ids]
        self.kinds = np.array([r.kind for r in rows], dtype=object)
        self.subdistricts = np.array([r.subdistrict for r in rows], dtype=object)
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


class _Parser:
    """Parses amenities and hours, once per distinct JSON value."""

    def __init__(self) -> None:
        self.amenities: dict[str, Amenities] = {}
        self.hours: dict[str, OpeningHours] = {}

    def entry(self, row: PlaceRow) -> Entry:
        amenities = self.amenities.get(row.amenities_json)
        if amenities is None:
            amenities = Amenities.model_validate_json(row.amenities_json or "{}")
            self.amenities[row.amenities_json] = amenities
        hours = self.hours.get(row.hours_json)
        if hours is None:
            hours = OpeningHours.model_validate_json(row.hours_json or "{}")
            self.hours[row.hours_json] = hours
        return Entry(row, amenities, hours)


class PlaceIndex:
    """The process-wide snapshot; thread-safe, refreshed lazily."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        refresh_interval_s: float = 1.0,
        freezer: SnapshotFreezer | None = None,
    ) -> None:
        self._factory = factory
        self._interval = refresh_interval_s
        self._freezer = freezer or SnapshotFreezer()
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0
        self._dirty = True

    def mark_dirty(self) -> None:
        self._dirty = True

    def get(self) -> Snapshot:
        snap = self._snapshot
        fresh = time.monotonic() - self._checked_at < self._interval
        if snap is not None and not self._dirty and fresh:
            return snap
        with self._lock:
            before = self._snapshot
            current = self._refresh()
            if current is not before:
                # The snapshot lives long: keep the cyclic collector off it. Here, once the
                # refresh's session (cycles) is gone: frozen with it, it would stay.
                self._freezer.settle()
            return current

    def _refresh(self) -> Snapshot:
        with self._factory() as session:
            revision = current_revision(session)
            old = self._snapshot
            self._checked_at = time.monotonic()
            if old is not None and old.revision == revision and not self._dirty:
                return old
            self._dirty = False
            # A point is kept by (version, updated_at): SQLite reuses the id of a deleted
            # point, and the new one starts again at version 1.
            versions = {
                pid: (version, updated_at)
                for pid, version, updated_at in session.execute(
                    select(Place.id, Place.version, Place.updated_at)
                )
            }
            previous = old.entries if old is not None else {}
            entries = {
                pid: previous[pid]
                for pid, seen in versions.items()
                if pid in previous
                and (previous[pid].row.version, previous[pid].row.updated_at) == seen
            }
            stale = [pid for pid in versions if pid not in entries]
            parser = _Parser()
            query = select(*_COLUMNS)
            if len(stale) < len(versions) // 2:  # a few changed: fetch just those
                chunks = [stale[i : i + 500] for i in range(0, len(stale), 500)]
                results = (session.execute(query.where(Place.id.in_(c))) for c in chunks)
                rows = (row for result in results for row in result)
            else:
                rows = (row for row in session.execute(query) if row[0] not in entries)
            for values in rows:
                entry = parser.entry(PlaceRow(**values._mapping))
                entries[entry.row.id] = entry
            snap = Snapshot(revision, entries)
            self._snapshot = snap
            return snap
