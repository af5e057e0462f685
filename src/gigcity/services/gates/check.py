"""The gate check: a gate controller (an API key with the `gates` scope, bound to one
estate) asks whether the rider in front of gate `ref` may pass, showing a pass's rotating
code or a one-time order code. Every answer is logged in the transaction that decides it.

Nothing that can withdraw a pass is cached: the pass, the rider's certifications and the
code's use are read from the database at every check, and each code opens once (a
conditional UPDATE whose row count says whether this check was the first). Only the
estate is kept in memory (the estates' per-worker cache), by its version read at every
check.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import DateTime, Select, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from gigcity.db.models import (
    Account,
    Estate,
    GateDecision,
    GateOrderCode,
    GatePass,
    RiderCertification,
)
from gigcity.services.accounts import Principal
from gigcity.services.day_clock import as_utc
from gigcity.services.errors import NotFound
from gigcity.services.estates.guide import EstateCache
from gigcity.services.gates import codes
from gigcity.services.gates.certifications import standing
from gigcity.services.gates.order_codes import find
from gigcity.services.gates.passes import rider_label
from gigcity.services.gates.reasons import ALLOWING, Reason
from gigcity.services.gates.schemas import CheckIn
from gigcity.services.ratelimit import Limiter, Rate

# Wrong codes for one pass: the sixth within a minute locks the pass for LOCKOUT, right
# codes included (a guesser gets about 5 tries in 6 minutes, 1 in 10^6 each).
PASS_GUESSES = Rate(5, 60.0)
LOCKOUT = timedelta(minutes=5)
# Order-code attempts at one gate that did not open it: the eleventh within a minute is
# refused until the bucket refills (about 14,400 tries a day against 10^8 codes).
ORDER_GUESSES = Rate(10, 60.0)

_CERT_REASONS = {
    "revoked": Reason.certification_revoked,
    "expired": Reason.certification_expired,
    "none": Reason.not_certified,
}


@dataclass(frozen=True, slots=True)
class Use:
    """What an allowing verdict still has to claim, atomically with its log row: a pass's
    time step (`step`) or an order code (`code_id`)."""

    pass_id: int | None = None
    step: int | None = None
    code_id: int | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    reason: Reason
    rider_id: int | None = None
    pass_id: int | None = None
    order_ref: str | None = None
    use: Use | None = None

    @property
    def allow(self) -> bool:
        return self.reason in ALLOWING


def gate_table(
    estates: EstateCache, session: Session, estate_id: int, version: int | None = None
) -> dict[str, bool] | None:
    """The estate's gates (ref -> riders may pass) from the per-worker estate cache that the
    guide and relay share: at `version` without a read when it is held, else as stored
    now. None if the estate is gone."""
    held = estates.get(estate_id, version) if version is not None else None
    if held is None:
        try:
            held = estates.read(session, estate_id)
        except NotFound:
            return None
    return {g.ref: g.riders_pass for g in held.estate.gates}


class Checker:
    def __init__(self, limiter: Limiter, estates: EstateCache) -> None:
        self.limiter = limiter
        self.estates = estates

    def decide(
        self,
        session: Session,
        principal: Principal,
        estate_id: int,
        data: CheckIn,
        pepper: str,
        now: datetime,
    ) -> tuple[Verdict, int]:
        """The verdict and the id of its log row. Each writing step is one statement (on
        PostgreSQL the code's single use and the log row are one statement, so `session`
        may commit each on its own); on SQLite `session` is a writing transaction."""
        verdict = self._verdict(session, estate_id, data, pepper, now)
        row = {
            "at": now,
            "estate_id": estate_id,
            "gate_ref": data.gate,
            "rider_id": verdict.rider_id,
            "pass_id": verdict.pass_id,
            "order_ref": verdict.order_ref or data.order_ref,
            "api_key_id": principal.api_key_id,
        }
        use = verdict.use
        if use is not None and session.get_bind().dialect.name == "postgresql":
            # The first check to claim the step (or code) wins; a replay, or a second gate
            # at the same moment, finds nothing left to claim: exactly one is allowed.
            sql = _CLAIM_STEP if use.code_id is None else _CLAIM_CODE
            found = session.execute(
                sql,
                {**row, "reason": verdict.reason.value, "step": use.step, "code_id": use.code_id},
            ).one()
            if not found[1]:
                verdict = replace(verdict, reason=Reason.code_used, use=None)
            return verdict, int(found[0])
        if use is not None and not self._claim(session, use, data.gate, now):
            verdict = replace(verdict, reason=Reason.code_used, use=None)
        decision_id = session.execute(
            insert(GateDecision)
            .values(**row, allowed=verdict.allow, reason=verdict.reason.value)
            .returning(GateDecision.id)
        ).scalar_one()
        return verdict, decision_id

    def _claim(self, session: Session, use: Use, gate: str, now: datetime) -> bool:
        """Claim the step or code with a conditional UPDATE: did this check get it?"""
        if use.code_id is None:
            claim = (
                update(GatePass)
                .where(GatePass.id == use.pass_id, GatePass.last_used_step < use.step)
                .values(last_used_step=use.step)
            )
        else:
            claim = (
                update(GateOrderCode)
                .where(GateOrderCode.id == use.code_id, GateOrderCode.used_at.is_(None))
                .values(used_at=now, used_gate=gate)
            )
        return bool(session.execute(claim).rowcount == 1)  # type: ignore[attr-defined]

    def _verdict(
        self, session: Session, estate_id: int, data: CheckIn, pepper: str, now: datetime
    ) -> Verdict:
        parsed = codes.parse_payload(data.payload) if data.payload is not None else None
        if parsed is not None:  # the busiest path: everything it needs read at once
            return self._pass(session, estate_id, data.gate, *parsed, now)
        gates = gate_table(self.estates, session, estate_id)
        if gates is None or data.gate not in gates:
            return Verdict(Reason.unknown_gate)
        if not gates[data.gate]:
            return Verdict(Reason.gate_not_for_riders)
        if data.payload is not None:
            return Verdict(Reason.malformed)
        assert data.code is not None
        return self._order_code(session, estate_id, data, pepper, now)

    def _pass(
        self, session: Session, estate_id: int, gate: str, pass_id: int, code: str, now: datetime
    ) -> Verdict:
        """A pass's rotating code: the estate's version, the pass, its rider and the rider's
        certifications in one query, then the step's single use and the log row."""
        found = session.execute(
            _pass_query(), {"estate_id": estate_id, "pass_id": pass_id, "now": now}
        ).first()
        if found is None:  # the estate is gone
            return Verdict(Reason.unknown_gate)
        version, rider_id, pass_estate, secret, revoked_at, blocked_until, active = found[:7]
        until, any_revoked, any_expired = found[7:]
        gates = gate_table(self.estates, session, estate_id, version)
        if gates is None or gate not in gates:
            return Verdict(Reason.unknown_gate)
        if not gates[gate]:
            return Verdict(Reason.gate_not_for_riders)
        if rider_id is None:
            return Verdict(Reason.unknown_pass)
        if pass_estate != estate_id:
            return Verdict(Reason.wrong_estate, rider_id, pass_id)
        if revoked_at is not None:
            return Verdict(Reason.pass_revoked, rider_id, pass_id)
        if blocked_until is not None and as_utc(blocked_until) > now:
            return Verdict(Reason.too_many_attempts, rider_id, pass_id)
        if not active or (until is None and any_revoked):
            return Verdict(Reason.certification_revoked, rider_id, pass_id)
        if until is None:
            reason = Reason.certification_expired if any_expired else Reason.not_certified
            return Verdict(reason, rider_id, pass_id)
        step, expired = codes.matching_step(secret, code, now.timestamp())
        if step is None:
            self._count_guess(session, pass_id, now)
            reason = Reason.code_expired if expired else Reason.code_wrong
            return Verdict(reason, rider_id, pass_id)
        return Verdict(Reason.pass_ok, rider_id, pass_id, use=Use(pass_id=pass_id, step=step))

    def _count_guess(self, session: Session, pass_id: int, now: datetime) -> None:
        if self.limiter.take("gate-pass-guess", str(pass_id), PASS_GUESSES) > 0:
            session.execute(
                update(GatePass).where(GatePass.id == pass_id).values(blocked_until=now + LOCKOUT)
            )

    def _order_code(
        self, session: Session, estate_id: int, data: CheckIn, pepper: str, now: datetime
    ) -> Verdict:
        assert data.code is not None
        bucket = [("gate-order-guess", f"{estate_id}:{data.gate}", ORDER_GUESSES)]
        if self.limiter.take_all(bucket) > 0:
            return Verdict(Reason.too_many_attempts)
        verdict = self._order_verdict(session, estate_id, data, pepper, now)
        if verdict.allow:
            self.limiter.give_back(bucket)  # only codes that did not open count
        return verdict

    def _order_verdict(
        self,
        session: Session,
        estate_id: int,
        data: CheckIn,
        pepper: str,
        now: datetime,
    ) -> Verdict:
        assert data.code is not None
        code = codes.clean_order_code(data.code)
        if code is None:
            return Verdict(Reason.malformed)
        row, elsewhere = find(session, estate_id, codes.order_code_hash(pepper, code))
        if row is None:
            return Verdict(Reason.wrong_estate if elsewhere else Reason.code_wrong)
        if data.order_ref is not None and data.order_ref != row.order_ref:
            return Verdict(Reason.order_mismatch, row.rider_id, None, row.order_ref)
        if row.used_at is not None:
            return Verdict(Reason.code_used, row.rider_id, None, row.order_ref)
        if as_utc(row.expires_at) <= now:
            return Verdict(Reason.code_expired, row.rider_id, None, row.order_ref)
        held = session.execute(
            select(GatePass.id, GatePass.revoked_at, Account.active)
            .select_from(Account)
            .outerjoin(
                GatePass, (GatePass.rider_id == Account.id) & (GatePass.estate_id == estate_id)
            )
            .where(Account.id == row.rider_id)
        ).first()
        pass_id, revoked_at, active = held if held is not None else (None, None, False)
        if revoked_at is not None:
            return Verdict(Reason.pass_revoked, row.rider_id, pass_id, row.order_ref)
        state = standing(session, row.rider_id, now)[0] if active else "revoked"
        if state != "ok":
            return Verdict(_CERT_REASONS[state], row.rider_id, pass_id, row.order_ref)
        use = Use(code_id=row.id)
        return Verdict(Reason.order_code_ok, row.rider_id, pass_id, row.order_ref, use)


@cache
def _pass_query() -> Select[*tuple[Any, ...]]:
    """The estate's version (the row is always there while the estate is), the pass named
    in the payload (NULLs if none), its rider's standing: the end of the certification in
    force that lasts longest, and whether any was revoked or has ended."""
    cert = RiderCertification
    rider = GatePass.rider_id
    now = bindparam("now", type_=DateTime(timezone=True))
    until = (
        select(func.max(cert.valid_until))
        .where(cert.rider_id == rider, cert.revoked_at.is_(None))
        .where(cert.valid_from <= now, cert.valid_until > now)
        .scalar_subquery()
    )
    revoked = select(cert.id).where(cert.rider_id == rider, cert.revoked_at.is_not(None)).exists()
    ended = (
        select(cert.id)
        .where(cert.rider_id == rider, cert.revoked_at.is_(None), cert.valid_until <= now)
        .exists()
    )
    return (
        select(
            Estate.version,
            GatePass.rider_id,
            GatePass.estate_id,
            GatePass.secret,
            GatePass.revoked_at,
            GatePass.blocked_until,
            Account.active,
            until,
            revoked,
            ended,
        )
        .select_from(Estate)
        .outerjoin(GatePass, GatePass.id == bindparam("pass_id"))
        .outerjoin(Account, Account.id == GatePass.rider_id)
        .where(Estate.id == bindparam("estate_id"))
    )


# PostgreSQL: claim a pass's step (or an order code) and log the decision in one statement.
_LOG_COLUMNS = "at, estate_id, gate_ref, rider_id, pass_id, order_ref, api_key_id, allowed, reason"
_LOG_VALUES = (
    "CAST(:at AS TIMESTAMPTZ), :estate_id, :gate_ref, CAST(:rider_id AS INTEGER), "
    "CAST(:pass_id AS INTEGER), CAST(:order_ref AS VARCHAR), CAST(:api_key_id AS INTEGER), "
    "EXISTS (SELECT 1 FROM used), "
    "CASE WHEN EXISTS (SELECT 1 FROM used) THEN :reason ELSE 'code_used' END"
)
_CLAIM_STEP = text(
    "WITH used AS (UPDATE gate_passes SET last_used_step = :step "
    "WHERE id = :pass_id AND last_used_step < :step RETURNING id) "
    f"INSERT INTO gate_decisions ({_LOG_COLUMNS}) SELECT {_LOG_VALUES} RETURNING id, allowed"
)
_CLAIM_CODE = text(
    "WITH used AS (UPDATE gate_order_codes SET used_at = CAST(:at AS TIMESTAMPTZ), "
    "used_gate = :gate_ref WHERE id = :code_id AND used_at IS NULL RETURNING id) "
    f"INSERT INTO gate_decisions ({_LOG_COLUMNS}) SELECT {_LOG_VALUES} RETURNING id, allowed"
)


def label_of(pepper: str, estate_id: int, verdict: Verdict) -> str | None:
    if verdict.rider_id is None:
        return None
    return rider_label(pepper, estate_id, verdict.rider_id)
