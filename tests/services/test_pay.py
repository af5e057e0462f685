"""Riders' pay: idempotent reports, statements under the pinned rulebook version, guarantees."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gigcity.config import Settings
from gigcity.db.models import ActivityReport, DeliveryReport, PayDay
from gigcity.db.session import transaction
from gigcity.services.accounts import AccountCreate, Principal, Role, create_account
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.pay import ActivityIn, DeliveryIn, SpanIn
from gigcity.services.platform import Platform
from services.pay_support import (
    DAY,
    at,
    delivery,
    platform_key,
    putuo_version,
    shipped_text,
    spans,
)
from support import ADMIN, PASSWORD, World


def rider(world: World, name: str = "rider") -> Principal:
    return Principal(role=Role.rider, account_id=world.ids[name], label=name)


def count(platform: Platform, model: Any) -> int:
    with platform.factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run `calls` in threads released at the same moment; their results (or errors)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# -- reports -----------------------------------------------------------------------------------


def test_a_delivery_is_stored_once_and_priced_under_the_days_rulebook(
    platform: Platform, world: World
) -> None:
    _, key = platform_key(platform)
    report = delivery("A1", floor=6, has_lift=False)
    first = platform.pay.report_delivery(key, "rider", report)
    again = platform.pay.report_delivery(key, "rider", report)
    assert (first.created, again.created) == (True, False)
    assert first.model_dump(exclude={"created"}) == again.model_dump(exclude={"created"})
    assert first.rulebook.ref == "putuo-2025@1"
    assert first.day == DAY
    assert [line.clause for line in first.lines] == [
        "pricing.base_fare_fen",
        "pricing.distance_tiers",
        "pricing.stairs",
    ]
    assert first.total_fen == 740
    assert count(platform, DeliveryReport) == 1
    statement = platform.pay.statement(rider(world), world.ids["rider"], DAY)
    assert [d.order_id for d in statement.deliveries] == ["A1"]
    assert statement.order_pay_fen == 740


def test_the_same_order_id_with_other_facts_is_a_conflict(platform: Platform, world: World) -> None:
    _, key = platform_key(platform)
    platform.pay.report_delivery(key, "rider", delivery("A1"))
    for changed in (
        delivery("A1", distance_m=5000),
        delivery("A1", delivered="12:30"),
        delivery("A1", late_cause="merchant_delay", delivered="12:30"),
    ):
        with pytest.raises(Conflict) as refused:
            platform.pay.report_delivery(key, "rider", changed)
        assert refused.value.field == "order.order_id"
    with pytest.raises(Conflict):  # the same order for another rider
        platform.pay.report_delivery(key, "rider2", delivery("A1"))
    # Order ids are the platform's own: another platform may use the same id.
    _, other = platform_key(platform, "meituan")
    assert platform.pay.report_delivery(other, "rider", delivery("A1")).created
    assert count(platform, DeliveryReport) == 2


def test_concurrent_retries_of_one_delivery_store_it_once(platform: Platform, world: World) -> None:
    _, key = platform_key(platform)
    for attempt in range(3):
        report = delivery(f"RACE-{attempt}")
        results = run_together(
            [lambda r=report: platform.pay.report_delivery(key, "rider", r) for _ in range(4)]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        assert sorted(r.created for r in results) == [False, False, False, True]
    assert count(platform, DeliveryReport) == 3
    assert count(platform, PayDay) == 1
    statement = platform.pay.statement(ADMIN, world.ids["rider"], DAY)
    assert len(statement.deliveries) == 3
    assert statement.order_pay_fen == 3 * 590


def test_concurrent_first_reports_of_a_day_pin_one_version(
    platform: Platform, world: World
) -> None:
    _, key = platform_key(platform)
    reports = [delivery(f"D{i}") for i in range(4)]
    results = run_together(
        [lambda r=report: platform.pay.report_delivery(key, "rider", r) for report in reports]
    )
    assert all(r.created for r in results), results
    assert count(platform, PayDay) == 1


def test_reports_are_for_riders_from_platforms(platform: Platform, world: World) -> None:
    _, key = platform_key(platform)
    for caller in (ADMIN, rider(world)):
        with pytest.raises(Forbidden):
            platform.pay.report_delivery(caller, "rider", delivery("X"))
        with pytest.raises(Forbidden):
            platform.pay.report_activity(caller, "rider", spans(DAY, ("10:00", "11:00", "waiting")))
    with pytest.raises(NotFound) as unknown:
        platform.pay.report_delivery(key, "nobody", delivery("X"))
    assert unknown.value.field == "username"
    with pytest.raises(InvalidInput) as staff:
        platform.pay.report_delivery(key, "staff", delivery("X"))
    assert staff.value.field == "username"


@pytest.mark.parametrize(
    ("report", "field"),
    [
        (delivery("T1", accepted="12:00", promised="11:50"), "promised_at"),
        (delivery("T2", accepted="12:00", delivered="11:59"), "delivered_at"),
        (delivery("T3", day=date(2025, 1, 10)), "order.at"),  # before any rulebook
    ],
)
def test_impossible_delivery_times_are_refused_by_field(
    platform: Platform, world: World, report: DeliveryIn, field: str
) -> None:
    _, key = platform_key(platform)
    with pytest.raises(InvalidInput) as refused:
        platform.pay.report_delivery(key, "rider", report)
    assert refused.value.field == field
    assert count(platform, DeliveryReport) == 0
    assert count(platform, PayDay) == 0


def test_deliveries_and_spans_in_the_future_are_refused(platform: Platform, world: World) -> None:
    _, key = platform_key(platform)
    tomorrow = platform.pay.clock.today() + timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        platform.pay.report_delivery(key, "rider", delivery("F1", day=tomorrow))
    assert refused.value.field == "delivered_at"
    with pytest.raises(InvalidInput) as span:
        platform.pay.report_activity(key, "rider", spans(tomorrow, ("10:00", "11:00", "waiting")))
    assert span.value.field == "spans.0.end"


def test_activity_is_cut_at_midnight_and_stored_once(platform: Platform, world: World) -> None:
    _, key = platform_key(platform)
    night = spans(DAY, ("22:00", "02:00", "on_order"), ("20:00", "21:00", "waiting"))
    first = platform.pay.report_activity(key, "rider", night)
    assert (first.stored, first.already_reported) == (3, 0)
    assert first.days == [DAY, DAY + timedelta(days=1)]
    again = platform.pay.report_activity(key, "rider", night)
    assert (again.stored, again.already_reported) == (0, 3)
    assert count(platform, ActivityReport) == 3
    statement = platform.pay.statement(ADMIN, world.ids["rider"], DAY)
    next_day = platform.pay.statement(ADMIN, world.ids["rider"], DAY + timedelta(days=1))
    assert (statement.active_s, next_day.active_s) == (2 * 3600, 2 * 3600)  # on_order only
    assert statement.top_up_fen == statement.guaranteed_fen == 5000


def test_bad_spans_are_refused_by_index(platform: Platform, world: World) -> None:
    _, key = platform_key(platform)
    backwards = ActivityIn(
        spans=[
            SpanIn(start=at(DAY, "10:00"), end=at(DAY, "11:00"), kind="waiting"),
            SpanIn(start=at(DAY, "12:00"), end=at(DAY, "12:00"), kind="waiting"),
        ]
    )
    with pytest.raises(InvalidInput) as refused:
        platform.pay.report_activity(key, "rider", backwards)
    assert refused.value.field == "spans.1.end"
    too_long = ActivityIn(
        spans=[SpanIn(start=at(DAY, "10:00"), end=at(DAY, "10:01", days_later=1), kind="waiting")]
    )
    with pytest.raises(InvalidInput, match="at most 24 hours"):
        platform.pay.report_activity(key, "rider", too_long)
    assert count(platform, ActivityReport) == 0


# -- statements --------------------------------------------------------------------------------


def test_riders_read_only_their_own_statement(platform: Platform, world: World) -> None:
    with pytest.raises(Forbidden):
        platform.pay.statement(rider(world), world.ids["rider2"], DAY)
    assert platform.pay.statement(rider(world, "rider2"), world.ids["rider2"], DAY).total_fen == 0
    assert platform.pay.statement(ADMIN, world.ids["rider2"], DAY).username == "rider2"
    with pytest.raises(NotFound):
        platform.pay.statement(ADMIN, world.ids["staff"], DAY)
    with pytest.raises(NotFound, match="No rulebook is in force"):
        platform.pay.statement(ADMIN, world.ids["rider"], date(2025, 1, 1))


def test_a_version_published_later_never_changes_a_reported_day(
    platform: Platform, world: World
) -> None:
    _, key = platform_key(platform)
    platform.pay.report_delivery(key, "rider", delivery("A1"))
    platform.pay.report_activity(key, "rider", spans(DAY, ("11:00", "13:00", "on_order")))
    before = platform.pay.statement(ADMIN, world.ids["rider"], DAY)
    assert before.pinned_at is not None
    # Version 2 raises the hourly minimum and takes effect that very day.
    raised = putuo_version(2, hourly_minimum_fen="hourly_minimum_fen: 3000")
    platform.rulebooks.publish(ADMIN, raised, effective_from=DAY)
    after = platform.pay.statement(ADMIN, world.ids["rider"], DAY)
    assert after.rulebook.ref == "putuo-2025@1"
    assert after.model_dump() == before.model_dump()
    # A day with nothing reported follows the rulebook in force on it...
    next_day = DAY + timedelta(days=1)
    assert (
        platform.pay.statement(ADMIN, world.ids["rider"], next_day).rulebook.ref == "putuo-2025@2"
    )
    # ...and is pinned to it by its first report.
    platform.pay.report_delivery(key, "rider", delivery("B1", day=next_day))
    platform.rulebooks.publish(ADMIN, putuo_version(3), effective_from=next_day)
    pinned = platform.pay.statement(ADMIN, world.ids["rider"], next_day)
    assert pinned.rulebook.ref == "putuo-2025@2"
    assert pinned.hourly_minimum_fen == 3000


def test_todays_statement_keeps_todays_rulebook_when_tomorrows_is_published(
    platform: Platform, world: World
) -> None:
    today = platform.pay.clock.today()
    platform.rulebooks.publish(ADMIN, putuo_version(2), effective_from=today + timedelta(days=1))
    statement = platform.pay.statement(rider(world), world.ids["rider"], today)
    assert (statement.rulebook.id, statement.rulebook.version) == ("putuo-2025", 1)


def test_baseline_fines_appear_as_negative_lines_naming_their_clause(
    platform: Platform, world: World
) -> None:
    platform.rulebooks.publish(ADMIN, shipped_text("baseline-2024"))
    _, key = platform_key(platform)
    day = date(2024, 6, 3)
    platform.pay.report_delivery(key, "rider", delivery("L1", day=day, delivered="12:20"))
    platform.pay.report_delivery(
        key, "rider", delivery("L2", day=day, delivered="12:20", late_cause="traffic_control")
    )
    statement = platform.pay.statement(ADMIN, world.ids["rider"], day)
    assert statement.rulebook.ref == "baseline-2024@1"
    fines = [line for line in statement.lines if line.amount_fen < 0]
    assert [line.order_id for line in fines] == ["L1", "L2"]  # no excused causes before 2025
    assert fines[0].clause.startswith("service_score.late_fine")
    assert fines[0].amount_yuan.startswith("-")
    assert statement.total_fen == statement.order_pay_fen - statement.fines_fen
    assert statement.total_fen == sum(line.amount_fen for line in statement.lines)
    # Under putuo-2025 the same lateness costs nothing.
    platform.pay.report_delivery(key, "rider", delivery("L3", delivered="12:20"))
    platform.pay.report_delivery(
        key, "rider", delivery("L4", delivered="12:21", late_cause="traffic_control")
    )
    putuo = platform.pay.statement(ADMIN, world.ids["rider"], DAY)
    assert putuo.fines_fen == 0
    assert [d.score.kind for d in putuo.deliveries] == ["late_delivery", "exempt_late_delivery"]


# -- the guarantee, for any timeline ---------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """One SQLite platform for the property test (a new rider for every example)."""
    path: Path = tmp_path_factory.mktemp("pay") / "pay.db"
    platform = Platform.from_settings(Settings(mode="dev", database_url=f"sqlite:///{path}"))
    platform.upgrade_database()
    yield platform
    platform.close()


RIDERS = iter(range(1_000_000))


def new_rider(platform: Platform) -> tuple[str, int]:
    """A rider with an empty record, so no example sees another's spans or orders."""
    username = f"prop-{next(RIDERS)}"
    account = AccountCreate(
        username=username, password=PASSWORD, display_name=username, role=Role.rider
    )
    with transaction(platform.factory) as session:
        return username, create_account(session, account, platform.district).id


stretch = st.tuples(
    st.integers(0, 23 * 60), st.integers(1, 180), st.sampled_from(["waiting", "on_order"])
)
order = st.tuples(
    st.integers(6 * 60, 20 * 60),  # accepted, minutes after midnight
    st.integers(10, 60),  # promised after, minutes
    st.integers(5, 120),  # delivered after, minutes
    st.integers(0, 12_000),  # distance, m
    st.sampled_from([None, "traffic_control", "merchant_delay"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stretches=st.lists(stretch, max_size=6), orders=st.lists(order, max_size=5))
def test_the_hourly_minimum_holds_for_any_reported_timeline(
    sqlite_platform: Platform,
    stretches: list[tuple[int, int, str]],
    orders: list[tuple[int, int, int, int, str | None]],
) -> None:
    platform = sqlite_platform
    username, account_id = new_rider(platform)
    day = DAY
    _, key = platform_key(platform, username)
    activity = (
        ActivityIn(
            spans=[
                SpanIn(
                    start=at(day, "00:00") + timedelta(minutes=start),
                    end=at(day, "00:00") + timedelta(minutes=start + length),
                    kind=kind,  # type: ignore[arg-type]
                )
                for start, length, kind in stretches
            ]
        )
        if stretches
        else None
    )
    reports = [
        DeliveryIn.model_validate(
            {
                "order": {
                    "order_id": f"{username}-{n}",
                    "distance_m": distance,
                    "at": at(day, "00:00") + timedelta(minutes=accepted),
                },
                "promised_at": at(day, "00:00") + timedelta(minutes=accepted + promise),
                "delivered_at": at(day, "00:00") + timedelta(minutes=accepted + took),
                "late_cause": cause,
            }
        )
        for n, (accepted, promise, took, distance, cause) in enumerate(orders)
    ]

    def report_all() -> None:
        if activity is not None:
            platform.pay.report_activity(key, username, activity)
        for report in reports:
            platform.pay.report_delivery(key, username, report)

    report_all()
    statement = platform.pay.statement(ADMIN, account_id, day)
    # Independently: on-order seconds, overlaps and spans past midnight counted once.
    covered: set[int] = set()
    for start, length, kind in stretches:
        if kind == "on_order":
            covered.update(range(start * 60, min(start + length, 24 * 60) * 60))
    guaranteed = -(-len(covered) * 2500 // 3600)
    assert statement.guaranteed_fen == guaranteed
    assert statement.fines_fen == 0  # lateness never costs money under putuo-2025
    assert statement.total_fen == max(statement.order_pay_fen, guaranteed)
    assert statement.total_fen >= guaranteed
    assert statement.total_fen == sum(line.amount_fen for line in statement.lines)
    # Retrying every report changes nothing.
    report_all()
    assert platform.pay.statement(ADMIN, account_id, day) == statement


# -- rest stretches and days with work ------------------------------------------------------


def test_deliveries_alone_make_the_days_stretches(platform: Platform, world: World) -> None:
    """Without activity reports, each delivery from acceptance to drop-off is work: nine
    back-to-back 30-minute orders from 09:00 (5-minute gaps count) make a 5 h 10 min stretch."""
    _, key = platform_key(platform)
    start = 9 * 60
    for n in range(9):
        begin = start + n * 35
        accepted = f"{begin // 60:02d}:{begin % 60:02d}"
        done = f"{(begin + 30) // 60:02d}:{(begin + 30) % 60:02d}"
        platform.pay.report_delivery(
            key, "rider", delivery(f"D{n}", accepted=accepted, promised=done, delivered=done)
        )
    statement = platform.pay.statement(rider(world), world.ids["rider"], DAY)
    (stretch,) = statement.stretches
    assert stretch.start == at(DAY, "09:00")
    assert stretch.end == at(DAY, "14:10")
    assert (stretch.minutes, stretch.breach, stretch.over_minutes) == (310, True, 70)
    assert stretch.rest_due_at == at(DAY, "13:00")
    assert stretch.rest_owed is True
    assert statement.breaches == 1
    owed = stretch.in_locale("zh_CN").reasons[-1]
    assert (owed.clause, owed.clause_title, owed.text) == (
        "fatigue.min_rest_min",
        "强制休息时长",
        "现在应休息20分钟",
    )


def test_days_with_work_are_the_riders_own(platform: Platform, world: World) -> None:
    _, key = platform_key(platform)
    for offset in (0, 2, 9):
        platform.pay.report_delivery(key, "rider", delivery(f"K{offset}", DAY + timedelta(offset)))
    platform.pay.report_delivery(key, "rider2", delivery("X1", DAY + timedelta(days=20)))
    days = platform.pay.work_days(rider(world), world.ids["rider"])
    assert days.days == [DAY + timedelta(days=n) for n in (9, 2, 0)]
    assert days.latest == DAY + timedelta(days=9)
    assert platform.pay.work_days(ADMIN, world.ids["rider"], limit=2).days == days.days[:2]
    with pytest.raises(Forbidden):
        platform.pay.work_days(rider(world), world.ids["rider2"])
    staff = next(name for name in world.ids if name.startswith("staff"))
    with pytest.raises(NotFound):
        platform.pay.work_days(ADMIN, world.ids[staff])
