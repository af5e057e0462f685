"""GatesService: certifications, passes, order codes, the gate check and its log, each
call in its own transaction."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.session import single_statement_sessions, transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.accounts.instance_secrets import get_or_create_secret
from gigcity.services.day_clock import DayClock
from gigcity.services.errors import Forbidden
from gigcity.services.estates.guide import EstateCache
from gigcity.services.gates import certifications, log, order_codes, passes
from gigcity.services.gates.check import Checker, label_of
from gigcity.services.gates.reasons import Reason, reason_text
from gigcity.services.gates.schemas import (
    CertificationIn,
    CertificationOut,
    CheckIn,
    CheckOut,
    CountOut,
    DecisionOut,
    OrderCodeIn,
    OrderCodeOut,
    PassCodeOut,
    PassesOut,
)
from gigcity.services.ratelimit import make_limiter

PEPPER = "gates_pepper"  # keys order-code hashes and riders' pseudonymous labels
DECISIONS_KEPT = timedelta(days=30)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class GatesService:
    def __init__(
        self,
        factory: sessionmaker[Session],
        timezone: str,
        *,
        rate_limit_store: str = "auto",
        clock: Callable[[], datetime] = _utcnow,
        estates: EstateCache | None = None,
    ) -> None:
        self.factory = factory
        self.day_clock = DayClock(timezone)
        self.clock = clock
        self.limiter = make_limiter(rate_limit_store, factory)
        # The estates service's cache when the platform builds it (one per worker).
        self.checker = Checker(self.limiter, estates or EstateCache())
        self._single_statements = single_statement_sessions(factory)
        self._pepper = ""
        self.decisions_kept = DECISIONS_KEPT
        self._pepper_lock = threading.Lock()

    @property
    def pepper(self) -> str:
        """This installation's own key, made on first use and kept in the database."""
        if not self._pepper:
            with self._pepper_lock:
                if not self._pepper:
                    self._pepper = get_or_create_secret(
                        self.factory, PEPPER, lambda: secrets.token_urlsafe(32)
                    )
        return self._pepper

    # -- certifications ----------------------------------------------------------------

    def certify(self, principal: Principal, data: CertificationIn) -> CertificationOut:
        with transaction(self.factory) as session:
            return certifications.certify(session, principal, data, self.day_clock, self.clock())

    def certifications(
        self,
        principal: Principal,
        *,
        rider: str | None = None,
        in_force_only: bool = False,
        limit: int = 200,
    ) -> list[CertificationOut]:
        with self.factory() as session:
            return certifications.list_certifications(
                session, principal, self.clock(), rider=rider, in_force_only=in_force_only,
                limit=limit,
            )  # fmt: skip

    def revoke_certification(self, principal: Principal, certification_id: int) -> CertificationOut:
        with transaction(self.factory) as session:
            return certifications.revoke(session, principal, certification_id, self.clock())

    # -- passes and codes ----------------------------------------------------------------

    def passes(self, principal: Principal) -> PassesOut:
        rider_id = _rider(principal)
        pepper = self.pepper  # before the transaction: it may be made in one of its own
        with self.factory() as session:
            return passes.list_passes(session, rider_id, pepper, self.clock())

    def current_code(self, principal: Principal, estate_id: int) -> PassCodeOut:
        rider_id = _rider(principal)
        pepper = self.pepper
        with transaction(self.factory) as session:
            return passes.current_code(session, rider_id, estate_id, pepper, self.clock())

    def revoke_pass(self, principal: Principal, pass_id: int) -> None:
        with transaction(self.factory) as session:
            passes.revoke_pass(session, principal, pass_id, self.clock())

    def issue_order_code(self, principal: Principal, data: OrderCodeIn) -> OrderCodeOut:
        pepper = self.pepper
        with transaction(self.factory) as session:
            return order_codes.issue(session, principal, data, pepper, self.clock())

    # -- the check and its log -------------------------------------------------------------

    def check(self, principal: Principal, data: CheckIn, locale: str) -> CheckOut:
        if principal.estate_id is None:
            raise Forbidden(N_("This key is not bound to an estate; it cannot open gates."))
        pepper = self.pepper
        now = self.clock()
        with self._check_session() as session:
            verdict, decision_id = self.checker.decide(
                session, principal, principal.estate_id, data, pepper, now
            )
        return CheckOut(
            allow=verdict.allow,
            reason=verdict.reason.value,
            reason_text=reason_text(verdict.reason, locale),
            rider_label=label_of(pepper, principal.estate_id, verdict),
            order_ref=verdict.order_ref,
            decision_id=decision_id,
            at=now,
        )

    def decisions(
        self,
        principal: Principal,
        locale: str,
        *,
        estate_id: int | None = None,
        gate: str | None = None,
        allowed: bool | None = None,
        reason: Reason | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> list[DecisionOut]:
        since = self.day_clock.to_utc(since) if since is not None else None
        until = self.day_clock.to_utc(until) if until is not None else None
        pepper = self.pepper
        with self.factory() as session:
            return log.list_decisions(
                session, principal, pepper, locale, estate_id=estate_id, gate=gate,
                allowed=allowed, reason=reason, since=since, until=until, limit=limit,
            )  # fmt: skip

    def counts(
        self, principal: Principal, *, estate_id: int | None, first: date, last: date
    ) -> list[CountOut]:
        with self.factory() as session:
            return log.counts(
                session, principal, self.day_clock, estate_id=estate_id, first=first, last=last
            )

    @contextmanager
    def _check_session(self) -> Iterator[Session]:
        """Where a check runs. On PostgreSQL every statement commits on its own (no BEGIN
        and COMMIT round trips): the check writes its decision, with the code's single use,
        in one statement (`Checker.decide`). On SQLite a writing transaction."""
        if self._single_statements is self.factory:
            with transaction(self.factory) as session:
                yield session
        else:
            with self._single_statements() as session:
                yield session

    # -- retention ---------------------------------------------------------------------------

    def purge_decisions(self, kept: timedelta) -> int:
        """Roll decisions older than `kept` into daily counts and delete them; how many."""
        cutoff = self.clock() - kept
        total = 0
        while True:
            with transaction(self.factory) as session:
                done = log.roll_up_batch(session, self.day_clock, cutoff)
            total += done
            if done < log.ROLLUP_BATCH:
                return total

    def purge_order_codes(self, kept: timedelta) -> int:
        with transaction(self.factory) as session:
            return log.purge_order_codes(session, self.clock() - kept)


def _rider(principal: Principal) -> int:
    if principal.role != Role.rider or principal.account_id is None:
        raise Forbidden(N_("Only riders have gate passes."))
    return principal.account_id
