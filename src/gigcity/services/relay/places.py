"""The estates and hand-off points relay items go through, read from the estates table
(each estate's validated document, kept per version so a busy point does not re-read it)."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Estate as EstateRow
from gigcity.geo.estates import Building, Estate, HandoffPoint
from gigcity.i18n import N_
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.places import parse_opening_hours


class EstateCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[int, tuple[int, Estate]] = {}

    def get(self, session: Session, estate_id: int) -> Estate:
        version = session.scalar(select(EstateRow.version).where(EstateRow.id == estate_id))
        if version is None:
            raise NotFound(N_("Estate {id} does not exist."), field="estate_id", id=estate_id)
        with self._lock:
            known = self._known.get(estate_id)
        if known is not None and known[0] == version:
            return known[1]
        row = session.get(EstateRow, estate_id)
        assert row is not None
        estate = Estate.model_validate(row.document)
        with self._lock:
            self._known[estate_id] = (row.version, estate)
        return estate


def building_of(estate: Estate, building: str) -> Building:
    found = estate.building(building.strip())
    if found is None:
        raise InvalidInput(
            N_("The estate has no building '{building}'."), field="building", building=building
        )
    return found


def point_of(estate: Estate, ref: str | None) -> HandoffPoint:
    if not estate.handoffs:
        raise Conflict(N_("This estate has no hand-off point for relay delivery."))
    if ref is None:
        return estate.handoffs[0]
    point = estate.handoff(ref)
    if point is None:
        raise InvalidInput(
            N_("The estate has no hand-off point '{point}'."), field="point", point=ref
        )
    return point


def is_open(point: HandoffPoint, local_now: datetime) -> bool:
    """Open at local time `local_now`; empty hours mean always."""
    if not point.hours.strip():
        return True
    try:
        return parse_opening_hours(point.hours).is_open(local_now)
    except ValueError:
        return True  # hours nobody can read close nothing (the estate's editor says so)
