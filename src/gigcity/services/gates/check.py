"""The gate check: a gate controller (an API key with the `gates` scope, bound to one
estate) asks whether the rider in front of gate `ref` may pass, showing a pass's rotating
code or a one-time order code. Every answer is logged in the transaction that decides it.

Nothing that can withdraw a pass is cached: the pass, the rider's certifications and the
code's use are read from the database at every check, and each code opens once (a
conditional UPDATE whose row count says whether this check was the first). A worker keeps
only what never changes or is checked at every use: the estate (the estates' per-worker
cache, by the version each check reads) and each pass's secret (which no one changes; the
check's statement compares it with the stored one). With both at hand, a rotating code is
judged before the database is asked, and on PostgreSQL one statement reads the pass's
standing, claims the step and logs the decision, when the standing confirms the judgement
(else the standing read decides, as without them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    Row,
    Select,
    bindparam,
    case,
    func,
    insert,
    select,
    text,
    update,
)
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


# Pass secrets a worker keeps (about 200 bytes each); past this many it starts afresh.
SECRETS_KEPT = 200_000
_GUESSES = (Reason.code_wrong, Reason.code_expired)


class Checker:
    def __init__(self, limiter: Limiter, estates: EstateCache) -> None:
        self.limiter = limiter
        self.estates = estates
        # pass id -> secret, and estate id -> the version last read: never trusted alone,
        # every check's statement compares both with what is stored.
        self._secrets: dict[int, str] = {}
        self._versions: dict[int, int] = {}
        self._estates_read: set[int] = set()  # whose passes' secrets were read at once

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
        row = {
            "at": now,
            "estate_id": estate_id,
            "gate_ref": data.gate,
            "order_ref": data.order_ref,
            "api_key_id": principal.api_key_id,
        }
        parsed = codes.parse_payload(data.payload) if data.payload is not None else None
        if parsed is not None and _postgres(session):  # the busiest path
            return self._pass_at_once(session, row, estate_id, data.gate, *parsed, now)
        if parsed is not None:
            found = session.execute(
                _pass_query(), {"estate_id": estate_id, "pass_id": parsed[0], "now": now}
            ).first()
            verdict = self._pass(session, estate_id, data.gate, *parsed, now, found)
        elif data.payload is not None:
            verdict = self._not_a_code(session, estate_id, data.gate)
        else:
            verdict = self._order_code(session, estate_id, data, pepper, now)
        return self._log(session, row, verdict)

    def _log(self, session: Session, row: dict[str, Any], verdict: Verdict) -> tuple[Verdict, int]:
        """Claim what an allowing verdict uses and log the decision: the verdict (`code_used`
        if another check claimed it first) and the log row's id."""
        row = {
            **row,
            "rider_id": verdict.rider_id,
            "pass_id": verdict.pass_id,
            "order_ref": verdict.order_ref or row["order_ref"],
        }
        use = verdict.use
        if use is not None and _postgres(session):
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
        if use is not None and not self._claim(session, use, row["gate_ref"], row["at"]):
            verdict = replace(verdict, reason=Reason.code_used, use=None)
        decision_id = session.execute(
            insert(GateDecision)
            .values(**row, allowed=verdict.allow, reason=verdict.reason.value)
            .returning(GateDecision.id)
        ).scalar_one()
        return verdict, int(decision_id)

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

    def _gates(
        self, session: Session, estate_id: int, version: int | None
    ) -> dict[str, bool] | None:
        if version is not None:
            self._versions[estate_id] = version
        return gate_table(self.estates, session, estate_id, version)

    def _not_a_code(self, session: Session, estate_id: int, gate: str) -> Verdict:
        gates = gate_table(self.estates, session, estate_id)
        if gates is None or gate not in gates:
            return Verdict(Reason.unknown_gate)
        if not gates[gate]:
            return Verdict(Reason.gate_not_for_riders)
        return Verdict(Reason.malformed)

    def _pass_at_once(
        self,
        session: Session,
        row: dict[str, Any],
        estate_id: int,
        gate: str,
        pass_id: int,
        code: str,
        now: datetime,
    ) -> tuple[Verdict, int]:
        """PostgreSQL: judge the code with the secret and the gates this worker holds, then
        one statement reads the standing, claims the step and logs the judgement if the
        standing confirms it. Otherwise (or holding neither) the standing read decides, and
        a second statement claims and logs as `_log` does."""
        if estate_id not in self._estates_read:
            self._read_secrets(session, estate_id)
        version = self._versions.get(estate_id)
        gates = self.estates.get(estate_id, version) if version is not None else None
        secret = self._secrets.get(pass_id)
        judged: Reason | None = None
        step: int | None = None
        gate_only = False
        if gates is not None:
            riders_pass = {g.ref: g.riders_pass for g in gates.estate.gates}.get(gate)
            if riders_pass is None or not riders_pass:
                judged = Reason.unknown_gate if riders_pass is None else Reason.gate_not_for_riders
                gate_only = True
            elif secret is not None:
                step, expired = codes.matching_step(secret, code, now.timestamp())
                if step is not None:
                    judged = Reason.pass_ok
                else:
                    judged = Reason.code_expired if expired else Reason.code_wrong
        found = session.execute(
            _PASS_AT_ONCE,
            {
                **row,
                "pass_id": pass_id,
                "now": now,
                "judged": judged is not None,
                "version": version if version is not None else -1,
                "gate_only": gate_only,
                "secret": secret or "",
                "claim": judged == Reason.pass_ok,
                "step": step or 0,
                "allowed": judged in ALLOWING,
                "reason": judged.value if judged is not None else "",
            },
        ).first()
        if found is not None and found[3] is not None and found[3] != secret:
            if len(self._secrets) >= SECRETS_KEPT:
                self._secrets.clear()
                self._estates_read.clear()
            self._secrets[pass_id] = found[3]
        if found is not None and found[10] is not None:  # the judgement stood, and is logged
            assert judged is not None
            self._versions[estate_id] = found[0]
            verdict = Verdict(judged) if gate_only else Verdict(judged, found[1], pass_id)
            if judged in _GUESSES:
                self._count_guess(session, pass_id, now)
            return verdict, int(found[10])
        verdict = self._pass(session, estate_id, gate, pass_id, code, now, found)
        return self._log(session, row, verdict)

    def _read_secrets(self, session: Session, estate_id: int) -> None:
        """The secrets of the estate's passes, read once per worker at its first check there
        (a pass made later is held from its first check on)."""
        self._estates_read.add(estate_id)
        room = SECRETS_KEPT - len(self._secrets)
        if room > 0:
            found = session.execute(
                select(GatePass.id, GatePass.secret)
                .where(GatePass.estate_id == estate_id)
                .limit(room)
            )
            self._secrets.update((pass_id, secret) for pass_id, secret in found)

    def _pass(
        self,
        session: Session,
        estate_id: int,
        gate: str,
        pass_id: int,
        code: str,
        now: datetime,
        found: Row[Any] | None,
    ) -> Verdict:
        """A pass's rotating code, judged on `found`: the estate's version, the pass, its
        rider and the rider's certifications, read at once (`_pass_query`)."""
        if found is None:  # the estate is gone
            return Verdict(Reason.unknown_gate)
        fields: tuple[Any, ...] = tuple(found)
        version, rider_id, pass_estate, secret, revoked_at, blocked_until, active = fields[:7]
        until, any_revoked, any_expired = fields[7:10]
        gates = self._gates(session, estate_id, version)
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
        """An order code: the estate's version, the code and its rider's pass and standing
        in one query; then, at an open gate, the guessing limit and the verdict."""
        assert data.code is not None
        code = codes.clean_order_code(data.code)
        code_hash = codes.order_code_hash(pepper, code) if code is not None else ""
        found = session.execute(
            _order_query(), {"estate_id": estate_id, "code_hash": code_hash, "now": now}
        ).first()
        gates = self._gates(session, estate_id, found[0] if found is not None else None)
        if found is None or gates is None or data.gate not in gates:
            return Verdict(Reason.unknown_gate)
        if not gates[data.gate]:
            return Verdict(Reason.gate_not_for_riders)
        bucket = [("gate-order-guess", f"{estate_id}:{data.gate}", ORDER_GUESSES)]
        if self.limiter.take_all(bucket) > 0:
            return Verdict(Reason.too_many_attempts)
        verdict = _order_verdict(estate_id, data, code, found, now)
        if verdict.allow:
            self.limiter.give_back(bucket)  # only codes that did not open count
        return verdict


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _order_verdict(
    estate_id: int, data: CheckIn, code: str | None, found: Row[Any], now: datetime
) -> Verdict:
    """An order code judged on `_order_query`'s row."""
    if code is None:
        return Verdict(Reason.malformed)
    fields: tuple[Any, ...] = tuple(found)
    _, code_id, code_estate, rider_id, order_ref, used_at, expires_at = fields[:7]
    pass_id, revoked_at, active, until, any_revoked, any_expired = fields[7:13]
    if code_id is None:
        return Verdict(Reason.code_wrong)
    if code_estate != estate_id:
        return Verdict(Reason.wrong_estate)
    if data.order_ref is not None and data.order_ref != order_ref:
        return Verdict(Reason.order_mismatch, rider_id, None, order_ref)
    if used_at is not None:
        return Verdict(Reason.code_used, rider_id, None, order_ref)
    if as_utc(expires_at) <= now:
        return Verdict(Reason.code_expired, rider_id, None, order_ref)
    if revoked_at is not None:
        return Verdict(Reason.pass_revoked, rider_id, pass_id, order_ref)
    if not active or (until is None and any_revoked):
        return Verdict(Reason.certification_revoked, rider_id, pass_id, order_ref)
    if until is None:
        reason = Reason.certification_expired if any_expired else Reason.not_certified
        return Verdict(reason, rider_id, pass_id, order_ref)
    return Verdict(Reason.order_code_ok, rider_id, pass_id, order_ref, Use(code_id=code_id))


def _standing(rider: Any) -> tuple[Any, Any, Any]:
    """A rider's standing as columns of a query (as `certifications.standing` decides it):
    the end of the certification in force that lasts longest, and whether any was revoked
    or has ended."""
    cert = RiderCertification
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
    return until, revoked, ended


@cache
def _pass_query() -> Select[*tuple[Any, ...]]:
    """The estate's version (the row is always there while the estate is), the pass named
    in the payload (NULLs if none), its rider's standing."""
    return (
        select(
            Estate.version,
            GatePass.rider_id,
            GatePass.estate_id,
            GatePass.secret,
            GatePass.revoked_at,
            GatePass.blocked_until,
            Account.active,
            *_standing(GatePass.rider_id),
        )
        .select_from(Estate)
        .outerjoin(GatePass, GatePass.id == bindparam("pass_id"))
        .outerjoin(Account, Account.id == GatePass.rider_id)
        .where(Estate.id == bindparam("estate_id"))
    )


@cache
def _order_query() -> Select[*tuple[Any, ...]]:
    """The estate's version; the order code with this hash, here if there is one here,
    else at another estate (NULLs if none); its rider's pass here and standing."""
    code = GateOrderCode
    estate_id = bindparam("estate_id", type_=Integer())
    return (
        select(
            Estate.version,
            code.id,
            code.estate_id,
            code.rider_id,
            code.order_ref,
            code.used_at,
            code.expires_at,
            GatePass.id,
            GatePass.revoked_at,
            Account.active,
            *_standing(code.rider_id),
        )
        .select_from(Estate)
        .outerjoin(code, code.code_hash == bindparam("code_hash"))
        .outerjoin(Account, Account.id == code.rider_id)
        .outerjoin(
            GatePass, (GatePass.rider_id == code.rider_id) & (GatePass.estate_id == estate_id)
        )
        .where(Estate.id == estate_id)
        .order_by(case((code.estate_id == estate_id, 0), else_=1))
        .limit(1)
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

# PostgreSQL, a pass's code judged in the worker (`judged`, with the step to claim): read
# what `_pass_query` reads; if the estate is still at `version` and (unless the judgement
# is about the gate alone) the pass, its secret and its rider's standing are as a check that
# reaches the code needs them, claim the step (`claim`) and log the judgement, all in one
# statement. The last column is the log row's id, NULL when nothing was logged.
_NOW = "CAST(:now AS TIMESTAMPTZ)"
_PASS_AT_ONCE = text(
    "WITH f AS (SELECT e.version, p.rider_id, p.estate_id, p.secret, p.revoked_at, "
    "p.blocked_until, a.active, "
    "(SELECT max(c.valid_until) FROM rider_certifications c WHERE c.rider_id = p.rider_id "
    f"AND c.revoked_at IS NULL AND c.valid_from <= {_NOW} AND c.valid_until > {_NOW}) AS until, "
    "EXISTS (SELECT 1 FROM rider_certifications c WHERE c.rider_id = p.rider_id "
    "AND c.revoked_at IS NOT NULL) AS any_revoked, "
    "EXISTS (SELECT 1 FROM rider_certifications c WHERE c.rider_id = p.rider_id "
    f"AND c.revoked_at IS NULL AND c.valid_until <= {_NOW}) AS any_ended "
    "FROM estates e LEFT JOIN gate_passes p ON p.id = CAST(:pass_id AS INTEGER) "
    "LEFT JOIN accounts a ON a.id = p.rider_id WHERE e.id = :estate_id), "
    "ok AS (SELECT f.rider_id FROM f WHERE CAST(:judged AS BOOLEAN) "
    "AND f.version = CAST(:version AS INTEGER) AND (CAST(:gate_only AS BOOLEAN) OR ("
    "f.rider_id IS NOT NULL AND f.estate_id = :estate_id AND f.secret = CAST(:secret AS VARCHAR) "
    f"AND f.revoked_at IS NULL AND (f.blocked_until IS NULL OR f.blocked_until <= {_NOW}) "
    "AND f.active AND f.until IS NOT NULL))), "
    "used AS (UPDATE gate_passes SET last_used_step = CAST(:step AS BIGINT) "
    "WHERE CAST(:claim AS BOOLEAN) AND id = CAST(:pass_id AS INTEGER) "
    "AND last_used_step < CAST(:step AS BIGINT) AND EXISTS (SELECT 1 FROM ok) RETURNING id), "
    f"logged AS (INSERT INTO gate_decisions ({_LOG_COLUMNS}) "
    "SELECT CAST(:at AS TIMESTAMPTZ), :estate_id, :gate_ref, "
    "CASE WHEN CAST(:gate_only AS BOOLEAN) THEN NULL ELSE ok.rider_id END, "
    "CASE WHEN CAST(:gate_only AS BOOLEAN) THEN NULL ELSE CAST(:pass_id AS INTEGER) END, "
    "CAST(:order_ref AS VARCHAR), CAST(:api_key_id AS INTEGER), CAST(:allowed AS BOOLEAN), "
    "CAST(:reason AS VARCHAR) FROM ok "
    "WHERE NOT CAST(:claim AS BOOLEAN) OR EXISTS (SELECT 1 FROM used) RETURNING id) "
    "SELECT f.*, (SELECT id FROM logged) FROM f"
)


def label_of(pepper: str, estate_id: int, verdict: Verdict) -> str | None:
    if verdict.rider_id is None:
        return None
    return rider_label(pepper, estate_id, verdict.rider_id)
