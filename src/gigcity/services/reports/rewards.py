"""The bonus pool and its ledger: top-ups in, rewards for verified reports out.

Every movement is a ledger row with a unique key (`payout:report:<id>`, `top-up:<key>`), so
each happens at most once however often it is retried or raced; the pool row is locked
(`SELECT ... FOR UPDATE`) while its balance changes, and the database refuses a negative
balance. The ledger's amounts always add up to the pool's balance.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import Account, Report, ReportBan, ReportPhoto, RewardLedgerEntry, RewardPool
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden
from gigcity.services.idempotent import insert_unless_present
from gigcity.services.reports.categories import Category, CategoryRule
from gigcity.services.reports.schemas import LedgerEntryOut, MyRewards, PoolOut

POOL_NAME = "snap-and-report"

# Why a verified report earns nothing; stored in the report's trail.
NOT_ELIGIBLE_NO_ACCOUNT = N_("Reports filed through integrations earn no reward.")
NOT_ELIGIBLE_BANNED = N_("The reporter's account is under review; no reward.")
NOT_ELIGIBLE_REUSED = N_("A near-identical photo already earned a reward for this reporter.")
NOT_ELIGIBLE_ZERO = N_("This category carries no reward.")
NOT_ELIGIBLE_ROLE = N_("Only riders and drivers earn report rewards.")


def payout_key(report_id: int) -> str:
    return f"payout:report:{report_id}"


def locked_pool(session: Session, now: datetime) -> RewardPool:
    """The pool row, locked for this transaction (created at first use)."""
    query = (
        select(RewardPool)
        .where(RewardPool.name == POOL_NAME)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    pool = session.scalar(query)
    if pool is None:
        insert_unless_present(
            session,
            RewardPool,
            {
                "name": POOL_NAME,
                "budget_fen": 0,
                "balance_fen": 0,
                "created_at": now,
                "updated_at": now,
            },
            key=["name"],
        )
        pool = session.scalar(query)
    assert pool is not None
    return pool


def _ledger_row(
    session: Session,
    pool: RewardPool,
    *,
    key: str,
    kind: str,
    amount_fen: int,
    now: datetime,
    report_id: int | None = None,
    account_id: int | None = None,
    actor_id: int | None = None,
    note: str | None = None,
) -> bool:
    """Move `amount_fen` into (+) or out of (-) the locked pool once per `key`."""
    new_balance = pool.balance_fen + amount_fen
    if new_balance < 0:
        return False
    stored = insert_unless_present(
        session,
        RewardLedgerEntry,
        {
            "pool_id": pool.id,
            "key": key,
            "kind": kind,
            "amount_fen": amount_fen,
            "balance_after_fen": new_balance,
            "report_id": report_id,
            "account_id": account_id,
            "actor_id": actor_id,
            "note": note,
            "at": now,
        },
        key=["key"],
    )
    if stored:
        pool.balance_fen = new_balance
        if amount_fen > 0:
            pool.budget_fen += amount_fen
        pool.updated_at = now
    return stored


def _reused_photo(session: Session, report: Report) -> bool:
    """Whether a photo of `report` is near-identical to one of a report already paid to the
    same reporter (one hazard, photographed once, rewarded once)."""
    if report.reporter_id is None:
        return False
    near = (
        select(ReportPhoto.id)
        .join(RewardLedgerEntry, RewardLedgerEntry.report_id == ReportPhoto.report_id)
        .where(RewardLedgerEntry.account_id == report.reporter_id)
        .where(RewardLedgerEntry.kind == "payout")
    )
    hit = session.scalar(
        select(ReportPhoto.id)
        .where(ReportPhoto.report_id == report.id)
        .where(ReportPhoto.near_photo_id.in_(near))
        .limit(1)
    )
    return hit is not None


def ineligible_reason(session: Session, report: Report, rule: CategoryRule) -> str | None:
    if report.reporter_id is None:
        return NOT_ELIGIBLE_NO_ACCOUNT
    if rule.reward_fen <= 0:
        return NOT_ELIGIBLE_ZERO
    role = session.scalar(select(Account.role).where(Account.id == report.reporter_id))
    if role != Role.rider.value:
        return NOT_ELIGIBLE_ROLE
    banned = session.scalar(select(ReportBan.id).where(ReportBan.account_id == report.reporter_id))
    if banned is not None:
        return NOT_ELIGIBLE_BANNED
    if _reused_photo(session, report):
        return NOT_ELIGIBLE_REUSED
    return None


def pay_for_report(
    session: Session, report: Report, rule: CategoryRule, actor_id: int | None, now: datetime
) -> str | None:
    """Reward the verified `report` once: paid, pending (pool short) or not eligible.

    Returns the reason when it is not eligible. Safe to call again: a paid report is not
    paid twice (the ledger key), even by a concurrent transaction.
    """
    if report.reward_status == "paid":
        return None
    reason = ineligible_reason(session, report, rule)
    if reason is not None:
        report.reward_status = "not_eligible"
        report.reward_fen = 0
        return reason
    pool = locked_pool(session, now)
    key = payout_key(report.id)
    if session.scalar(select(RewardLedgerEntry.id).where(RewardLedgerEntry.key == key)):
        report.reward_status = "paid"
        return None
    report.reward_fen = rule.reward_fen
    paid = _ledger_row(
        session,
        pool,
        key=key,
        kind="payout",
        amount_fen=-rule.reward_fen,
        now=now,
        report_id=report.id,
        account_id=report.reporter_id,
        actor_id=actor_id,
        note=f"{Category(report.category).value} #{report.id}",
    )
    report.reward_status = "paid" if paid else "pending"
    return None


def _pay_pending(session: Session, pool: RewardPool, actor_id: int | None, now: datetime) -> int:
    """Pay waiting rewards, oldest first, while the pool has the money; how many were paid."""
    paid = 0
    pending = session.scalars(
        select(Report)
        .where(Report.reward_status == "pending")
        .order_by(Report.id)
        .with_for_update()
    ).all()
    for report in pending:
        if report.reward_fen > pool.balance_fen:
            break
        if _ledger_row(
            session,
            pool,
            key=payout_key(report.id),
            kind="payout",
            amount_fen=-report.reward_fen,
            now=now,
            report_id=report.id,
            account_id=report.reporter_id,
            actor_id=actor_id,
            note=f"{report.category} #{report.id}",
        ):
            paid += 1
        report.reward_status = "paid"
    return paid


def pool_out(session: Session) -> PoolOut:
    pool = session.scalar(select(RewardPool).where(RewardPool.name == POOL_NAME))
    if pool is None:
        return PoolOut(
            name=POOL_NAME,
            budget_fen=0,
            balance_fen=0,
            paid_fen=0,
            payouts=0,
            pending=0,
            ledger_sum_fen=0,
        )
    total, payouts, paid = session.execute(
        select(
            func.coalesce(func.sum(RewardLedgerEntry.amount_fen), 0),
            func.count().filter(RewardLedgerEntry.kind == "payout"),
            func.coalesce(
                func.sum(RewardLedgerEntry.amount_fen).filter(RewardLedgerEntry.kind == "payout"),
                0,
            ),
        ).where(RewardLedgerEntry.pool_id == pool.id)
    ).one()
    pending = session.scalar(
        select(func.count()).select_from(Report).where(Report.reward_status == "pending")
    )
    return PoolOut(
        name=pool.name,
        budget_fen=pool.budget_fen,
        balance_fen=pool.balance_fen,
        paid_fen=-int(paid),
        payouts=int(payouts),
        pending=int(pending or 0),
        ledger_sum_fen=int(total),
    )


def _entry_out(row: RewardLedgerEntry) -> LedgerEntryOut:
    return LedgerEntryOut.model_validate(row, from_attributes=True)


class RewardsService:
    def __init__(self, factory: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self.factory = factory
        self.clock = clock

    def pool(self, principal: Principal) -> PoolOut:
        _require_admin(principal)
        with self.factory() as session:
            return pool_out(session)

    def top_up(
        self, principal: Principal, amount_fen: int, key: str, note: str | None = None
    ) -> PoolOut:
        """Put money into the pool once per `key`, then pay rewards that were waiting for it."""
        _require_admin(principal)
        now = self.clock()
        ledger_key = f"top-up:{key}"
        with transaction(self.factory) as session:
            pool = locked_pool(session, now)
            existing = session.scalar(
                select(RewardLedgerEntry).where(RewardLedgerEntry.key == ledger_key)
            )
            if existing is not None:
                if existing.amount_fen != amount_fen:
                    raise Conflict(
                        N_("Top-up '{key}' was already made with a different amount."),
                        field="key",
                        key=key,
                    )
            else:
                _ledger_row(
                    session,
                    pool,
                    key=ledger_key,
                    kind="top_up",
                    amount_fen=amount_fen,
                    now=now,
                    actor_id=principal.account_id,
                    note=note,
                )
            _pay_pending(session, pool, principal.account_id, now)
            session.flush()
            return pool_out(session)

    def ledger(
        self, principal: Principal, *, limit: int = 100, before_id: int | None = None
    ) -> list[LedgerEntryOut]:
        _require_admin(principal)
        query = select(RewardLedgerEntry).order_by(RewardLedgerEntry.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(RewardLedgerEntry.id < before_id)
        with self.factory() as session:
            return [_entry_out(r) for r in session.scalars(query)]

    def mine(self, principal: Principal, limit: int = 100) -> MyRewards:
        if principal.account_id is None or principal.role != Role.rider:
            raise Forbidden(NOT_ELIGIBLE_ROLE)
        with self.factory() as session:
            rows = session.scalars(
                select(RewardLedgerEntry)
                .where(RewardLedgerEntry.account_id == principal.account_id)
                .where(RewardLedgerEntry.kind == "payout")
                .order_by(RewardLedgerEntry.id.desc())
            ).all()
            pending = session.scalar(
                select(func.coalesce(func.sum(Report.reward_fen), 0))
                .where(Report.reporter_id == principal.account_id)
                .where(Report.reward_status == "pending")
            )
        return MyRewards(
            total_fen=-sum(r.amount_fen for r in rows),
            pending_fen=int(pending or 0),
            entries=[_entry_out(r) for r in rows[:limit]],
        )


def _require_admin(principal: Principal) -> None:
    if principal.role != Role.admin:
        raise Forbidden(N_("Only district admins may do this."))
