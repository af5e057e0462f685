"""The street state every worker shares, in the database: closures, live signal phases and a
version per street network.

Each change is one transaction (`gigcity.db.session.transaction`) that begins by moving the
network's version row on (`_change`). On PostgreSQL that UPDATE holds the row's lock until
commit, so the writers of one network take turns (on SQLite BEGIN IMMEDIATE already made
them), and what a change checks next (the next closure id, whether a closure is still the
one an officer checked) cannot change under it before it commits. The same transaction
sends `NOTIFY gigcity_streets, '<network>'`: PostgreSQL delivers it at commit (never after a
rollback), and every worker's listener then re-reads the network (`listener`).

Closure ids are "c<N>" from a counter in the version row: never handed out twice, also not
after the closure with the highest number is lifted. Live phases are keyed by the junction's
OSM id (stable when the graph is imported again); a junction keeps the newest observation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gigcity.db.models import StreetClosure, StreetPhase, StreetVersion
from gigcity.geo import Closure, ClosureSpec, SignalPlan
from gigcity.geo.streets.signals import LivePhase
from gigcity.services.types import as_utc

CHANNEL = "gigcity_streets"
_SERIAL_ID = re.compile(r"^c([0-9]{1,9})$")


@dataclass(frozen=True)
class StoredState:
    version: int
    closures: tuple[Closure, ...]  # every stored closure, ended ones too, by id
    phases: dict[int, LivePhase]  # by junction OSM id, those not yet expired


@dataclass
class ClosuresImport:
    """What `import_closures` did with each closure of the file, by its id in the file."""

    added: list[str] = field(default_factory=list)  # stored under the same id
    renumbered: dict[str, str] = field(default_factory=dict)  # id taken: stored under another
    unchanged: list[str] = field(default_factory=list)  # already stored
    ended: list[str] = field(default_factory=list)  # over already: left out


class ClosureChanged(Exception):
    """The closure under an id is no longer the one the caller checked."""

    def __init__(self, closure_id: str) -> None:
        super().__init__(f"closure {closure_id} changed since it was read")
        self.closure_id = closure_id


# ---- reading ---------------------------------------------------------------------------


def read_version(session: Session, network: str) -> int:
    found = session.scalar(select(StreetVersion.version).where(StreetVersion.network == network))
    return int(found or 0)


def read_state(session: Session, network: str, now_s: float, tz: tzinfo) -> StoredState:
    """The network's state; times in `tz`. The version is read first, so the closures and
    phases are at least as new as it (on PostgreSQL each statement sees the latest commit)."""
    version = read_version(session, network)
    return StoredState(
        version,
        tuple(read_closures(session, network, tz)),
        {
            row.junction: LivePhase(
                SignalPlan(
                    cycle_s=row.cycle_s,
                    major_green_s=row.major_green_s,
                    lost_s=row.lost_s,
                    offset_s=row.offset_s,
                ),
                row.observed_at_s,
                row.valid_for_s,
            )
            for row in session.scalars(
                select(StreetPhase).where(
                    StreetPhase.network == network,
                    StreetPhase.observed_at_s + StreetPhase.valid_for_s >= now_s,
                )
            )
        },
    )


def read_closures(session: Session, network: str, tz: tzinfo) -> list[Closure]:
    """Every closure stored for the network, ended ones too, by id number."""
    rows = session.scalars(select(StreetClosure).where(StreetClosure.network == network))
    return sorted((_closure(row, tz) for row in rows), key=_id_order)


def _closure(row: StreetClosure, tz: tzinfo) -> Closure:
    # Always in the service's zone: equal closures then have equal JSON, which the routers
    # use to cache what a set of closures cuts.
    return Closure(
        id=row.closure_id,
        starts_at=as_utc(row.starts_at).astimezone(tz),
        ends_at=as_utc(row.ends_at).astimezone(tz),
        polygon=row.polygon,
        way_ids=row.way_ids,
        reason=row.reason,
    )


def _id_order(closure: Closure) -> tuple[int, str]:
    serial = _SERIAL_ID.match(closure.id)
    return (int(serial.group(1)) if serial else 0, closure.id)


# ---- changing --------------------------------------------------------------------------


def _dialect_insert(session: Session, table: Any) -> Any:
    """INSERT with ON CONFLICT clauses, in the session's SQL dialect (both spell it alike)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _change(session: Session, network: str, new_ids: int = 0) -> int:
    """Begin a change of `network`: lock and move on its version row (hand out `new_ids`
    closure numbers) and notify the workers at commit. Returns the last number handed out."""
    session.execute(
        _dialect_insert(session, StreetVersion)
        .values(network=network, version=0, closure_serial=0)
        .on_conflict_do_nothing(index_elements=[StreetVersion.network])
    )
    serial = session.execute(
        update(StreetVersion)
        .where(StreetVersion.network == network)
        .values(
            version=StreetVersion.version + 1,
            closure_serial=StreetVersion.closure_serial + new_ids,
        )
        .returning(StreetVersion.closure_serial)
    ).scalar_one()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(CHANNEL, network)))
    return int(serial)


def _store(
    session: Session, network: str, closure: Closure, created_by: str, created_at: datetime
) -> None:
    session.execute(
        insert(StreetClosure).values(
            network=network,
            closure_id=closure.id,
            # In UTC: SQLite keeps the wall time and drops the zone.
            starts_at=closure.starts_at.astimezone(UTC),
            ends_at=closure.ends_at.astimezone(UTC),
            polygon=[list(point) for point in closure.polygon] if closure.polygon else None,
            way_ids=closure.way_ids,
            reason=closure.reason,
            created_by=created_by[:120],
            created_at=created_at.astimezone(UTC),
        )
    )


def add_closure(
    session: Session, network: str, spec: ClosureSpec, created_by: str, created_at: datetime
) -> Closure:
    """Store `spec` under the next closure id."""
    closure = Closure.from_spec(spec, f"c{_change(session, network, new_ids=1)}")
    _store(session, network, closure, created_by, created_at)
    return closure


def remove_closure(
    session: Session, network: str, closure_id: str, tz: tzinfo, expected: Closure | None
) -> bool:
    """Delete the closure with this id; False if there is none. With `expected`, only if the
    stored closure still equals it (else ClosureChanged), decided under the network's lock."""
    _change(session, network)
    row = session.get(StreetClosure, (network, closure_id))
    if row is None:
        return False
    if expected is not None and _closure(row, tz) != expected:
        raise ClosureChanged(closure_id)
    session.delete(row)
    return True


def store_phases(
    session: Session, network: str, phases: Mapping[int, LivePhase], now_s: float
) -> None:
    """Keep each junction's phase (by OSM id) unless a newer observation is stored already
    (feeds may arrive out of order); drop the expired ones of the network meanwhile."""
    _change(session, network)
    session.execute(
        delete(StreetPhase).where(
            StreetPhase.network == network,
            StreetPhase.observed_at_s + StreetPhase.valid_for_s < now_s,
        )
    )
    if not phases:
        return
    upsert = _dialect_insert(session, StreetPhase)
    kept = ("cycle_s", "major_green_s", "lost_s", "offset_s", "observed_at_s", "valid_for_s")
    upsert = upsert.on_conflict_do_update(
        index_elements=[StreetPhase.network, StreetPhase.junction],
        set_={name: upsert.excluded[name] for name in kept},
        where=StreetPhase.observed_at_s <= upsert.excluded.observed_at_s,
    )
    rows = [
        {
            "network": network,
            "junction": junction,
            "cycle_s": phase.plan.cycle_s,
            "major_green_s": phase.plan.major_green_s,
            "lost_s": phase.plan.lost_s,
            "offset_s": phase.plan.offset_s or 0.0,
            "observed_at_s": phase.observed_at_s,
            "valid_for_s": phase.valid_for_s,
        }
        for junction, phase in sorted(phases.items())
    ]
    session.connection().execute(upsert, rows)


def import_closures(
    session: Session,
    network: str,
    closures: Iterable[Closure],
    tz: tzinfo,
    created_by: str,
    created_at: datetime,
) -> ClosuresImport:
    """Store the closures of a closures file that have not ended: under their own id where it
    is free, else under a new one; one already stored (the same closure, under any id) is
    left as it is, so importing a file twice stores it once."""
    report = ClosuresImport()
    serial = _change(session, network)
    stored = {c.id: c for c in read_closures(session, network, tz)}
    specs = [_spec(c) for c in stored.values()]
    renumber: list[Closure] = []
    for closure in closures:
        if closure.ends_at <= created_at:
            report.ended.append(closure.id)
        elif _spec(closure) in specs:
            report.unchanged.append(closure.id)
        elif closure.id in stored:
            renumber.append(closure)
        else:
            _store(session, network, closure, created_by, created_at)
            stored[closure.id] = closure
            specs.append(_spec(closure))
            report.added.append(closure.id)
    numbers = [int(m.group(1)) for i in stored if (m := _SERIAL_ID.match(i))]
    serial = max([serial, *numbers])
    for closure in renumber:
        if _spec(closure) in specs:  # the file held it twice
            report.unchanged.append(closure.id)
            continue
        specs.append(_spec(closure))
        serial += 1
        new = closure.model_copy(update={"id": f"c{serial}"})
        _store(session, network, new, created_by, created_at)
        report.renumbered[closure.id] = new.id
    session.execute(
        update(StreetVersion).where(StreetVersion.network == network).values(closure_serial=serial)
    )
    return report


def _spec(closure: Closure) -> dict[str, Any]:
    return closure.model_dump(exclude={"id"})
