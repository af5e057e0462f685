"""The bonus pool: a verified report is paid its category's reward exactly once, the pool
never goes negative, every movement is in a ledger that sums to the balance; shown under
concurrent verification requests on PostgreSQL too."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from gigcity.db.models import Report, RewardLedgerEntry, RewardPool
from gigcity.services.errors import Conflict, Forbidden
from gigcity.services.platform import Platform
from gigcity.services.reports import BanIn, Category, NoteIn
from gigcity.services.reports.rewards import payout_key
from services.reports.reports_support import ADMIN, jpeg, new_report, scene, setup_district
from support import World, make_world, principal


def ledger_invariants(platform: Platform) -> RewardPool:
    """Balance >= 0, ledger sum = balance, budget = top-ups, at most one payout a report."""
    with platform.factory() as session:
        pool = session.scalar(select(RewardPool))
        assert pool is not None
        total = session.scalar(select(func.sum(RewardLedgerEntry.amount_fen)))
        top_ups = session.scalar(
            select(func.sum(RewardLedgerEntry.amount_fen)).where(RewardLedgerEntry.kind == "top_up")
        )
        assert pool.balance_fen >= 0
        assert total == pool.balance_fen
        assert top_ups == pool.budget_fen
        payouts = Counter(
            session.scalars(
                select(RewardLedgerEntry.report_id).where(RewardLedgerEntry.kind == "payout")
            )
        )
        assert all(n == 1 for n in payouts.values())
        paid = set(session.scalars(select(Report.id).where(Report.reward_status == "paid")))
        assert paid == set(payouts)
        return pool


def test_a_verified_report_is_paid_its_categorys_reward_once(
    platform: Platform, ready: World
) -> None:
    officer = principal(platform, "officer")
    report = new_report(platform, category="fire_hazard")
    accepted = platform.reports.accept(officer, report, NoteIn())
    assert accepted.reward_status == "paid"
    assert accepted.reward_fen == 5000
    with pytest.raises(Conflict):
        platform.reports.accept(officer, report, NoteIn())
    pool = platform.reports.rewards.pool(ADMIN)
    assert (pool.balance_fen, pool.paid_fen, pool.payouts) == (1_000_000 - 5000, 5000, 1)
    mine = platform.reports.rewards.mine(principal(platform, "rider"))
    assert mine.total_fen == 5000
    assert [e.report_id for e in mine.entries] == [report]
    assert platform.reports.rewards.mine(principal(platform, "rider2")).total_fen == 0
    # Paying again (a retried call, a bug) changes nothing: the ledger key is taken.
    from gigcity.services.reports.rewards import pay_for_report

    with platform.factory() as session, session.begin():
        row = session.get(Report, report)
        assert row is not None
        row.reward_status = "none"
        pay_for_report(
            session,
            row,
            platform.reports.policy.rules(session)[Category.fire_hazard],
            None,
            row.created_at,
        )
        assert row.reward_status == "paid"
    assert ledger_invariants(platform).balance_fen == 995_000


def test_a_short_pool_leaves_rewards_pending_until_topped_up(
    platform: Platform, world: World
) -> None:
    setup_district(platform, world, budget_fen=6000)
    officer = principal(platform, "officer")
    first = new_report(platform, category="fire_hazard")  # 5000
    second = new_report(platform, category="road_hazard")  # 2000
    third = new_report(platform, category="other")  # 500
    out = [
        platform.reports.accept(officer, r, NoteIn()).reward_status for r in (first, second, third)
    ]
    assert out == ["paid", "pending", "paid"]
    assert platform.reports.rewards.pool(ADMIN).balance_fen == 500
    assert platform.reports.rewards.mine(principal(platform, "rider")).pending_fen == 2000
    with pytest.raises(Conflict):
        platform.reports.rewards.top_up(ADMIN, 999, "initial-budget")  # same key, other amount
    again = platform.reports.rewards.top_up(ADMIN, 6000, "initial-budget")  # a retry: nothing
    assert again.budget_fen == 6000
    topped = platform.reports.rewards.top_up(ADMIN, 3000, "second-budget")
    assert (topped.balance_fen, topped.pending) == (1500, 0)
    assert platform.reports.get(officer, second).reward_status == "paid"
    ledger_invariants(platform)


def test_who_earns_nothing(platform: Platform, ready: World) -> None:
    officer = principal(platform, "officer")
    staff_report = new_report(platform, "staff")
    assert platform.reports.accept(officer, staff_report, NoteIn()).reward_status == "not_eligible"
    platform.reports.ban(ADMIN, BanIn(account_id=ready.ids["rider2"], reason="abuse"))
    held = new_report(platform, "rider2")
    platform.reports.release(ADMIN, held)
    out = platform.reports.accept(officer, held, NoteIn())
    assert out.reward_status == "not_eligible"
    assert "under review" in (out.events[-1].note or "")
    # One hazard, photographed once, rewarded once: the same photo again earns nothing.
    rider = principal(platform, "rider")
    picture = scene(640, 480, seed=11)
    first_photo = platform.reports.stage_photo(rider, jpeg(picture))
    first = new_report(platform, category="road_hazard", photo_ids=[first_photo.id])
    assert platform.reports.accept(officer, first, NoteIn()).reward_status == "paid"
    second_photo = platform.reports.stage_photo(rider, jpeg(picture, quality=55))
    assert second_photo.near_report_id == first
    second = new_report(
        platform, category="road_hazard", at=(121.41, 31.275), photo_ids=[second_photo.id]
    )
    reused = platform.reports.accept(officer, second, NoteIn())
    assert reused.reward_status == "not_eligible"
    ledger_invariants(platform)


def test_only_admins_see_and_fill_the_pool(platform: Platform, ready: World) -> None:
    for who in ("rider", "officer"):
        with pytest.raises(Forbidden):
            platform.reports.rewards.pool(principal(platform, who))
        with pytest.raises(Forbidden):
            platform.reports.rewards.top_up(principal(platform, who), 100, "sneaky-top-up")
    with pytest.raises(Forbidden):
        platform.reports.rewards.mine(principal(platform, "officer"))
    entries = platform.reports.rewards.ledger(ADMIN)
    assert [(e.kind, e.amount_fen, e.balance_after_fen) for e in entries] == [
        ("top_up", 1_000_000, 1_000_000)
    ]


def test_the_database_itself_refuses_a_negative_balance(platform: Platform, ready: World) -> None:
    with (
        pytest.raises(IntegrityError, match=r"(?i)check|constraint"),
        platform.factory() as session,
        session.begin(),
    ):
        session.execute(update(RewardPool).values(balance_fen=-1))


@pytest.fixture(scope="module")
def property_platform(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from gigcity.config import Settings

    path = tmp_path_factory.mktemp("rewards")
    platform = Platform.from_settings(
        Settings(mode="dev", database_url=f"sqlite:///{path / 'r.db'}", data_dir=path)
    )
    platform.upgrade_database()
    world = make_world(platform)
    setup_district(platform, world, budget_fen=0)
    yield platform
    platform.close()


operations = st.lists(
    st.one_of(
        st.tuples(st.just("top_up"), st.integers(1, 20_000), st.integers(0, 5)),
        st.tuples(st.just("verify"), st.sampled_from(list(Category)), st.integers(0, 1)),
    ),
    max_size=12,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations, run=st.uuids())
def test_any_sequence_of_top_ups_and_verifications_keeps_the_books(
    property_platform: Platform, ops: list[tuple[str, object, int]], run: object
) -> None:
    platform = property_platform
    officer = principal(platform, "officer")
    for op, value, extra in ops:
        if op == "top_up":
            assert isinstance(value, int)
            # A key used before with another amount is refused: nothing moves.
            with contextlib.suppress(Conflict):
                platform.reports.rewards.top_up(ADMIN, value, f"k-{run}-{extra}")
        else:
            reporter = ("rider", "staff")[extra]
            report = new_report(platform, reporter, category=str(value), reference="shop No. 5")
            platform.reports.accept(officer, report, NoteIn())
        pool = ledger_invariants(platform)
        with platform.factory() as session:
            oldest_pending = session.scalar(
                select(Report.reward_fen)
                .where(Report.reward_status == "pending")
                .order_by(Report.id)
                .limit(1)
            )
        if op == "top_up" and oldest_pending is not None:
            assert oldest_pending > pool.balance_fen  # whatever fits was paid


# -- races, on PostgreSQL -------------------------------------------------------------------


def _race(workers: int, work) -> list[object]:  # type: ignore[no-untyped-def]
    """Run `work(i)` in `workers` threads released at once; each result or exception."""
    barrier = threading.Barrier(workers)
    results: list[object] = [None] * workers

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
def test_concurrent_verifications_of_one_report_pay_once(
    pg_platform: Platform, pg_world: World
) -> None:
    platform = pg_platform
    platform.reports.rewards.top_up(ADMIN, 1_000_000, "race-budget")
    officer = principal(platform, "officer")
    report = new_report(platform, category="fire_passage_blocked")
    results = _race(
        12, lambda i: platform.reports.accept(ADMIN if i % 2 else officer, report, NoteIn())
    )
    successes = [r for r in results if not isinstance(r, Exception)]
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(successes) == 1
    assert all(isinstance(f, Conflict) for f in failures), failures
    with platform.factory() as session:
        payouts = session.scalar(
            select(func.count()).where(RewardLedgerEntry.key == payout_key(report))
        )
    assert payouts == 1
    assert ledger_invariants(platform).balance_fen == 1_000_000 - 5000


@pytest.mark.postgres
def test_concurrent_verifications_never_overdraw_the_pool(
    pg_platform: Platform, pg_world: World
) -> None:
    platform = pg_platform
    platform.reports.rewards.top_up(ADMIN, 5000 * 7 + 1234, "tight-budget")  # seven rewards
    reports = [new_report(platform, category="fire_hazard", description=f"#{i}") for i in range(16)]
    results = _race(16, lambda i: platform.reports.accept(ADMIN, reports[i], NoteIn()))
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = Counter(getattr(r, "reward_status", None) for r in results)
    assert statuses == {"paid": 7, "pending": 9}
    pool = ledger_invariants(platform)
    assert pool.balance_fen == 1234
    # Top-ups racing with more verifications still keep the books.
    more = [new_report(platform, category="other", description=f"more {i}") for i in range(6)]

    def work(i: int) -> object:
        if i < 3:
            return platform.reports.rewards.top_up(ADMIN, 20_000, f"race-top-up-{i}")
        return platform.reports.accept(ADMIN, more[i - 3], NoteIn())

    assert not [r for r in _race(6, work) if isinstance(r, Exception)]
    ledger_invariants(platform)
