"""The gate decision log: who may read it (admins; property staff of the estate; officers
of its sub-district), its daily counts, and retention (rows older than the period are
rolled into `gate_decision_counts` and deleted in the same transaction)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gigcity.db.models import Estate, GateDecision, GateDecisionCount, GateOrderCode
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock, as_utc
from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.gates.passes import rider_label
from gigcity.services.gates.reasons import Reason, reason_text
from gigcity.services.gates.schemas import CountOut, DecisionOut

ROLLUP_BATCH = 5000
MAX_COUNT_DAYS = 400


def readable_estate(session: Session, principal: Principal, estate_id: int | None) -> int | None:
    """The estate whose log `principal` asks for (None: every estate, admins only)."""
    if principal.role == Role.property:
        if estate_id is not None and estate_id != principal.estate_id:
            raise Forbidden(N_("Property staff may only read their own estate's gate log."))
        return principal.estate_id
    if estate_id is None:
        if principal.role == Role.admin:
            return None
        raise InvalidInput(N_("Name the estate (estate_id)."), field="estate_id")
    subdistrict = session.execute(select(Estate.subdistrict).where(Estate.id == estate_id)).first()
    if subdistrict is None:
        raise NotFound(N_("Estate {id} does not exist."), id=estate_id)
    if principal.role == Role.officer and subdistrict[0] != principal.subdistrict:
        raise Forbidden(N_("Officers may only read gate logs within their sub-district."))
    if principal.role not in (Role.admin, Role.officer):
        raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)
    return estate_id


def list_decisions(
    session: Session,
    principal: Principal,
    pepper: str,
    locale: str,
    *,
    estate_id: int | None,
    gate: str | None = None,
    allowed: bool | None = None,
    reason: Reason | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[DecisionOut]:
    estate = readable_estate(session, principal, estate_id)
    query = select(GateDecision)
    if estate is not None:
        query = query.where(GateDecision.estate_id == estate)
    if gate is not None:
        query = query.where(GateDecision.gate_ref == gate)
    if allowed is not None:
        query = query.where(GateDecision.allowed == allowed)
    if reason is not None:
        query = query.where(GateDecision.reason == reason.value)
    if since is not None:
        query = query.where(GateDecision.at >= since)
    if until is not None:
        query = query.where(GateDecision.at < until)
    rows = session.scalars(
        query.order_by(GateDecision.at.desc(), GateDecision.id.desc()).limit(limit)
    )
    return [
        DecisionOut(
            id=row.id,
            at=as_utc(row.at),
            estate_id=row.estate_id,
            gate=row.gate_ref,
            allow=row.allowed,
            reason=row.reason,
            reason_text=reason_text(Reason(row.reason), locale),
            rider_label=(
                rider_label(pepper, row.estate_id, row.rider_id) if row.rider_id else None
            ),
            order_ref=row.order_ref,
        )
        for row in rows
    ]


def counts(
    session: Session,
    principal: Principal,
    clock: DayClock,
    *,
    estate_id: int | None,
    first: date,
    last: date,
) -> list[CountOut]:
    """Decisions per local day, gate, answer and reason: the rolled-up days and the days
    still in the log, alike."""
    estate = readable_estate(session, principal, estate_id)
    if estate is None:
        raise InvalidInput(N_("Name the estate (estate_id)."), field="estate_id")
    if last < first or (last - first).days > MAX_COUNT_DAYS:
        raise InvalidInput(
            N_("Choose at most {days} days, the first before the last."),
            field="from",
            days=MAX_COUNT_DAYS,
        )
    tally: Counter[tuple[date, str, bool, str]] = Counter()
    for row in session.scalars(
        select(GateDecisionCount).where(
            GateDecisionCount.estate_id == estate,
            GateDecisionCount.day >= first,
            GateDecisionCount.day <= last,
        )
    ):
        tally[(row.day, row.gate_ref, row.allowed, row.reason)] += row.count
    start = datetime.combine(first, datetime.min.time(), clock.tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), clock.tz)
    live = session.execute(
        select(
            GateDecision.at, GateDecision.gate_ref, GateDecision.allowed, GateDecision.reason
        ).where(GateDecision.estate_id == estate, GateDecision.at >= start, GateDecision.at < end)
    )
    for at, gate, allowed, reason in live:
        tally[(clock.day_of(as_utc(at)), gate, allowed, reason)] += 1
    return [
        CountOut(day=day, gate=gate, allow=allowed, reason=reason, count=n)
        for (day, gate, allowed, reason), n in sorted(tally.items())
    ]


def roll_up_batch(session: Session, clock: DayClock, cutoff: datetime) -> int:
    """Count and delete up to ROLLUP_BATCH decisions older than `cutoff`; how many."""
    rows = session.execute(
        select(
            GateDecision.id,
            GateDecision.at,
            GateDecision.estate_id,
            GateDecision.gate_ref,
            GateDecision.allowed,
            GateDecision.reason,
        )
        .where(GateDecision.at < cutoff)
        .order_by(GateDecision.id)
        .limit(ROLLUP_BATCH)
    ).all()
    if not rows:
        return 0
    tally: Counter[tuple[date, int, str, bool, str]] = Counter(
        (clock.day_of(as_utc(at)), estate, gate, allowed, reason)
        for _, at, estate, gate, allowed, reason in rows
    )
    for (day, estate, gate, allowed, reason), n in tally.items():
        _add_count(
            session,
            {
                "day": day,
                "estate_id": estate,
                "gate_ref": gate,
                "allowed": allowed,
                "reason": reason,
            },
            n,
        )
    session.execute(delete(GateDecision).where(GateDecision.id.in_([r[0] for r in rows])))
    return len(rows)


def _add_count(session: Session, key: dict[str, Any], n: int) -> None:
    table = cast(Table, GateDecisionCount.__table__)
    statement: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql.insert(table)
    else:
        statement = sqlite.insert(table)
    statement = statement.values(**key, count=n)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(key), set_={"count": table.c.count + statement.excluded.count}
        )
    )


def purge_order_codes(session: Session, cutoff: datetime) -> int:
    """Delete one-time codes that ended before `cutoff` (they name a rider and an order)."""
    result: Any = session.execute(delete(GateOrderCode).where(GateOrderCode.expires_at < cutoff))
    return int(result.rowcount)
