"""Programmes of a station's machines (washing machines, dryers): the staff keep the list
with the service's other settings; a driver (or the desk) names one on a queue ticket.

A programme is matched by its name when the list is set again: one kept keeps its id (its
learned run times stay with it), one left out is made inactive rather than deleted, since
tickets name it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import StationProgramme, StationService
from gigcity.i18n import N_
from gigcity.services.care.stations.schemas import (
    PROGRAMMED,
    ProgrammeIn,
    ProgrammeOut,
    ServiceKind,
)
from gigcity.services.errors import InvalidInput


def active_programmes(
    session: Session, service_ids: Iterable[int]
) -> dict[int, list[StationProgramme]]:
    """Each service's active programmes in the order shown."""
    ids = list(service_ids)
    found: dict[int, list[StationProgramme]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.scalars(
        select(StationProgramme)
        .where(StationProgramme.service_id.in_(ids), StationProgramme.active.is_(True))
        .order_by(StationProgramme.position, StationProgramme.id)
    )
    for row in rows:
        found[row.service_id].append(row)
    return found


def programme_out(row: StationProgramme) -> ProgrammeOut:
    return ProgrammeOut(id=row.id, name=row.name, minutes=row.minutes)


def set_programmes(
    session: Session, service: StationService, wanted: Sequence[ProgrammeIn]
) -> None:
    """Make `wanted` the service's programmes (the service is flushed); 422 naming
    `programmes` for a service whose units run none."""
    if wanted and ServiceKind(service.kind) not in PROGRAMMED:
        raise InvalidInput(
            N_("Only washing machines and dryers have programmes."), field="programmes"
        )
    existing = {
        row.name.casefold(): row
        for row in session.scalars(
            select(StationProgramme).where(StationProgramme.service_id == service.id)
        )
    }
    kept = set()
    for position, programme in enumerate(wanted):
        row = existing.get(programme.name.casefold())
        if row is None:
            row = StationProgramme(service_id=service.id, name=programme.name)
            session.add(row)
        row.name = programme.name
        row.minutes = programme.minutes
        row.position = position
        row.active = True
        kept.add(programme.name.casefold())
    for key, row in existing.items():
        if key not in kept:
            row.active = False


def chosen_programme(
    session: Session, service_id: int, programme_id: int | None
) -> StationProgramme | None:
    """The active programme `programme_id` of the service; 422 naming `programme_id` when
    it is not one of them."""
    if programme_id is None:
        return None
    row = session.get(StationProgramme, programme_id)
    if row is None or row.service_id != service_id or not row.active:
        raise InvalidInput(
            N_("Programme {id} is not one of this service's programmes."),
            field="programme_id",
            id=programme_id,
        )
    return row
