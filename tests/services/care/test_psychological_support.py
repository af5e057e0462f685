"""The self-check keeps only a count per day, questionnaire and band; call-back numbers are
encrypted, every read by a counsellor is logged, and numbers go 30 days after the call;
group sessions never pass their capacity. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from gigcity.db.models import (
    CareCallback,
    CareCallbackRead,
    CareSelfCheckCount,
    CareSession,
    CareSignup,
)
from gigcity.services.accounts import Role
from gigcity.services.care import CallbackIn, OutcomeIn, SelfCheckIn, Window
from gigcity.services.care.retention import purge_callbacks, purge_reads
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.platform import Platform
from services.care.care_support import NOW, counsellor, session_in, with_clock
from support import ADMIN, Notices, add_account


def test_a_self_check_is_scored_and_only_counted(platform: Platform) -> None:
    with_clock(platform)
    out = platform.care.self_check(SelfCheckIn(phq2=[1, 1], gad2=[2, 1]))
    assert [(s.instrument, s.total, s.band) for s in out.scores] == [
        ("phq2", 2, "low"),
        ("gad2", 3, "assess"),
    ]
    assert out.suggests_assessment
    assert out.hotline == "021-962525"
    platform.care.self_check(SelfCheckIn(phq2=[0, 0], gad2=[0, 0]))
    with platform.factory() as session:
        rows = session.execute(
            select(CareSelfCheckCount.day, CareSelfCheckCount.instrument,
                   CareSelfCheckCount.band, CareSelfCheckCount.count)
            .order_by(CareSelfCheckCount.instrument, CareSelfCheckCount.band)
        ).all()  # fmt: skip
    day = date(2026, 12, 2)  # the district's day (Shanghai)
    assert [tuple(r) for r in rows] == [
        (day, "gad2", "assess", 1), (day, "gad2", "low", 1), (day, "phq2", "low", 2)
    ]  # fmt: skip
    [*_, last] = platform.care.self_check_counts(ADMIN, day, day)
    assert (last.day, last.instrument, last.band, last.count) == (day, "phq2", "low", 2)
    with pytest.raises(Forbidden):
        platform.care.self_check_counts(add_account(platform, "rider", Role.rider), day, day)
    with pytest.raises(InvalidInput):
        platform.care.self_check_counts(ADMIN, day, day - timedelta(days=1))
    with pytest.raises(InvalidInput):
        platform.care.self_check_counts(ADMIN, day, day + timedelta(days=366))


def test_a_callback_number_is_encrypted_and_each_read_logged(platform: Platform) -> None:
    clock = with_clock(platform)
    care = platform.care
    care.request_callback(CallbackIn(phone="138 0013 8000", when=Window.this_evening))
    with platform.factory() as session:
        stored = session.scalars(select(CareCallback)).one()
    assert "13800138000" not in stored.phone_enc
    assert stored.window == "this_evening"
    me = counsellor(platform)
    [seen] = care.callback_queue(me)
    assert (seen.phone, seen.when, seen.state) == ("13800138000", "this_evening", "waiting")
    with platform.factory() as session:
        [read] = session.scalars(select(CareCallbackRead)).all()
    assert (read.callback_id, read.account_id, read.role) == (seen.id, me.account_id, "counsellor")

    clock.move(timedelta(hours=3))
    done = care.mark_callback(me, seen.id, OutcomeIn(outcome="called"))
    assert done.deleted_after == NOW + timedelta(hours=3, days=30)
    with pytest.raises(Conflict):
        care.mark_callback(me, seen.id, OutcomeIn(outcome="not_reached"))
    with pytest.raises(NotFound):
        care.mark_callback(me, 999, OutcomeIn(outcome="called"))
    assert care.callback_queue(me) == []

    # Kept 30 days after the call, then deleted; the read log stays (three years).
    clock.move(timedelta(days=30) - timedelta(minutes=1))
    assert purge_callbacks(care) == 0
    clock.move(timedelta(minutes=2))
    assert purge_callbacks(care) == 1
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(CareCallback)) == 0
        assert session.scalar(select(func.count()).select_from(CareCallbackRead)) == 1
    clock.move(timedelta(days=3 * 365))
    assert purge_reads(care) == 1


def test_a_callback_never_marked_goes_too(platform: Platform) -> None:
    clock = with_clock(platform)
    platform.care.request_callback(CallbackIn(phone="13800138000", when=Window.now))
    clock.move(timedelta(days=59))
    assert purge_callbacks(platform.care) == 0
    clock.move(timedelta(days=2))
    assert purge_callbacks(platform.care) == 1


def test_only_counsellors_read_numbers(platform: Platform) -> None:
    rider = add_account(platform, "rider", Role.rider)
    for who in (ADMIN, rider):
        with pytest.raises(Forbidden):
            platform.care.callback_queue(who)


def test_a_session_fills_up_and_refuses_clearly(platform: Platform) -> None:
    clock = with_clock(platform)
    care = platform.care
    made = care.create_session(counsellor(platform), session_in(capacity=2))
    riders = [add_account(platform, f"rider{n}", Role.rider) for n in range(3)]
    notices = Notices()
    care.jobs = notices  # type: ignore[assignment]
    assert care.sign_up(riders[0], made.id).free == 1
    [notice] = notices.sent  # the place is confirmed to the rider, in the same transaction
    assert (notice["account_id"], notice["kind"], notice["url"]) == (
        riders[0].account_id, "care.session_place", "/care"
    )  # fmt: skip
    assert notice["params"] == {"title": "夜班骑手减压小组", "when": "2026-12-04 12:00"}
    with pytest.raises(Conflict, match="already have a place"):
        care.sign_up(riders[0], made.id)
    assert care.sign_up(riders[1], made.id).free == 0
    with pytest.raises(Conflict, match="full"):
        care.sign_up(riders[2], made.id)
    assert len(notices.sent) == 2  # none for a refusal
    assert [s.mine for s in care.upcoming_sessions(riders[1])] == [True]
    assert [s.mine for s in care.upcoming_sessions(riders[2])] == [False]
    care.give_back(riders[1], made.id)
    with pytest.raises(NotFound):
        care.give_back(riders[1], made.id)
    assert care.sign_up(riders[2], made.id).taken == 2
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(CareSignup)) == 2
        assert session.get(CareSession, made.id).taken == 2  # type: ignore[union-attr]
    # Cancelled, or started: no more places.
    care.cancel_session(ADMIN, made.id)
    with pytest.raises(Conflict):
        care.cancel_session(ADMIN, made.id)
    care.give_back(riders[2], made.id)
    with pytest.raises(Conflict, match="cancelled"):
        care.sign_up(riders[1], made.id)
    later = care.create_session(ADMIN, session_in(capacity=5))
    clock.move(timedelta(days=3))
    with pytest.raises(Conflict, match="started"):
        care.sign_up(riders[0], later.id)
    assert care.upcoming_sessions(riders[0]) == []


def test_who_may_run_and_join_sessions(platform: Platform) -> None:
    with_clock(platform)
    care = platform.care
    rider = add_account(platform, "rider", Role.rider)
    with pytest.raises(Forbidden):
        care.create_session(rider, session_in())
    made = care.create_session(ADMIN, session_in())
    with pytest.raises(Forbidden):
        care.sign_up(counsellor(platform), made.id)
    with pytest.raises(NotFound):
        care.sign_up(rider, 999)
    with pytest.raises(InvalidInput):
        care.create_session(ADMIN, session_in(starts_at=NOW - timedelta(hours=1)))


def test_the_platforms_retention_job_applies_the_care_rules(platform: Platform) -> None:
    from gigcity.services.retention import apply_retention, retention_rules

    clock = with_clock(platform)
    platform.care.request_callback(CallbackIn(phone="13800138000", when=Window.now))
    clock.move(timedelta(days=61))
    removed = apply_retention(
        retention_rules(platform.settings, platform.reports, care=platform.care)
    )
    assert removed["call-back numbers (after the call)"] == 1
    assert removed["read log of call-back numbers"] == 0
