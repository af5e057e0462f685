"""Theme days on both databases: the month's theme day exists once at every station however
many workers ask for it (moved off a weekend), its code stays out of the public answer, a
rider checks in once a month (a second try answers the first, even after the window), only
within the day's window, at the station by its code or online; the station's staff add
make-up sessions in the 14 days after and read who came; nobody else does."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gigcity.db.models import ThemeAttendance, ThemeDay
from gigcity.db.session import transaction
from gigcity.services.demo.theme_days import seed_theme_days
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.organisation.theme_schemas import MakeupIn, Mode, SessionKind
from gigcity.services.organisation.theme_service import ThemeDayService, theme_rows
from gigcity.services.platform import Platform
from support import ADMIN, Clock, World, principal

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 17 October 2026 is a Saturday: the theme day is Monday the 19th.
NOW = datetime(2026, 10, 19, 10, 0, tzinfo=SHANGHAI).astimezone(UTC)
BASE = "http://testserver/"


@pytest.fixture
def themes(platform: Platform, world: World) -> ThemeDayService:
    platform.theme_days.now = Clock(NOW)
    return platform.theme_days


def _code(platform: Platform, station_id: int, kind: str = "theme") -> str:
    with platform.factory() as session:
        code = session.scalar(
            select(ThemeDay.code).where(ThemeDay.place_id == station_id, ThemeDay.kind == kind)
        )
    assert code is not None
    return code


def test_the_month_is_generated_once_at_every_station_and_moved_off_the_weekend(
    platform: Platform, world: World, themes: ThemeDayService
) -> None:
    with ThreadPoolExecutor(4) as pool:  # four workers open the page at once
        list(pool.map(lambda _: themes.ensure_month("2026-10"), range(4)))
    days = themes.month("2026-10")
    assert sorted(d.station_id for d in days) == sorted([world.station_id, world.home_id])
    assert {(d.held_on, d.moved_from, d.kind) for d in days} == {
        (date(2026, 10, 19), date(2026, 10, 17), SessionKind.theme)
    }
    assert all(d.open_now for d in days)
    assert days[0].opens_at == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)  # 06:00 local
    assert "code" not in days[0].model_dump()
    with platform.factory() as session:
        codes = session.scalars(select(ThemeDay.code)).all()
    assert len(codes) == len(set(codes)) == 2
    assert all(len(c) >= 22 for c in codes)
    assert themes.ensure_month("2026-10") == 0  # the second ask writes nothing
    assert [d.station_id for d in themes.month(None, world.home_id)] == [world.home_id]
    with pytest.raises(InvalidInput) as bad:
        themes.month("2026-10", world.other_station_id)  # a warm kiosk holds none
    assert bad.value.field == "station"
    with pytest.raises(InvalidInput) as far:
        themes.month("2031-01")  # more than a year ahead: not generated
    assert far.value.field == "month"


def test_a_rider_checks_in_once_a_month_within_the_window_only(
    platform: Platform, world: World, themes: ThemeDayService
) -> None:
    themes.ensure_month("2026-10")
    code = _code(platform, world.station_id)
    rider = principal(platform, "rider")
    clock = Clock(datetime(2026, 10, 19, 5, 59, tzinfo=SHANGHAI))
    themes.now = clock
    with pytest.raises(Conflict) as early:
        themes.check_in(rider, code)
    assert early.value.params == {"day": "2026-10-19", "opens": "06:00", "closes": "24:00"}

    clock.now = datetime(2026, 10, 19, 6, 0, tzinfo=SHANGHAI)
    first = themes.check_in(rider, code)
    assert (first.mode, first.already, first.station_id) == (Mode.station, False, world.station_id)
    clock.now = datetime(2026, 10, 19, 23, 59, tzinfo=SHANGHAI)
    again = themes.check_in(rider, code)
    assert (again.id, again.already, again.at) == (first.id, True, first.at)
    clock.now = datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI)  # the day after: still answered
    assert themes.check_in(rider, code).id == first.id

    rider2 = principal(platform, "rider2")
    with pytest.raises(Conflict):  # closed at midnight for whoever had not come
        themes.check_in(rider2, code)
    with pytest.raises(NotFound):
        themes.check_in(rider2, "no-such-code-at-all")
    with pytest.raises(Forbidden):
        themes.check_in(principal(platform, "staff"), code)
    assert [(a.month, a.station_name) for a in themes.mine(rider)] == [("2026-10", "万里驿站")]
    assert themes.mine(rider2) == []


def test_checking_in_at_once_on_many_workers_stores_one_attendance(
    platform: Platform, world: World, themes: ThemeDayService
) -> None:
    themes.ensure_month("2026-10")
    code = _code(platform, world.station_id)
    rider = principal(platform, "rider")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: themes.check_in(rider, code), range(6)))
    assert len({a.id for a in answers}) == 1
    assert sum(not a.already for a in answers) == 1
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(ThemeAttendance)) == 1


def test_online_on_shift_then_the_qr_code_is_the_same_attendance(
    platform: Platform, world: World, themes: ThemeDayService
) -> None:
    day = next(d for d in themes.month("2026-10") if d.station_id == world.home_id)
    rider = principal(platform, "rider")
    online = themes.check_in_online(rider, day.id)
    assert (online.mode, online.station_id) == (Mode.online, world.home_id)
    again = themes.check_in(rider, _code(platform, world.station_id))
    assert (again.id, again.mode, again.already) == (online.id, Mode.online, True)
    with pytest.raises(NotFound):
        themes.check_in_online(rider, 999_999)


def test_staff_add_make_up_sessions_that_riders_who_missed_attend(
    platform: Platform, world: World, themes: ThemeDayService
) -> None:
    day = next(d for d in themes.month("2026-10") if d.station_id == world.station_id)
    staff, rider, rider2 = (principal(platform, n) for n in ("staff", "rider", "rider2"))
    themes.check_in(rider, _code(platform, world.station_id))  # came on the day

    other = next(d for d in themes.month("2026-10") if d.station_id == world.home_id)
    with pytest.raises(Forbidden):  # another station's theme day
        themes.add_makeup(staff, other.id, MakeupIn(held_on=date(2026, 10, 22)), BASE)
    with pytest.raises(Forbidden):
        themes.add_makeup(rider, day.id, MakeupIn(held_on=date(2026, 10, 22)), BASE)
    for outside in (date(2026, 10, 19), date(2026, 11, 3)):  # the day itself; day 15
        with pytest.raises(InvalidInput) as bad:
            themes.add_makeup(staff, day.id, MakeupIn(held_on=outside), BASE)
        assert bad.value.field == "held_on"
    makeup = themes.add_makeup(
        staff, day.id, MakeupIn(held_on=date(2026, 11, 2), title="补课"), BASE
    )
    assert (makeup.kind, makeup.month, makeup.moved_from) == (SessionKind.makeup, "2026-10", None)
    assert makeup.checkin_url == f"http://testserver/theme-day?code={makeup.code}"
    assert makeup.qr_svg.startswith("<svg")
    same = themes.add_makeup(staff, day.id, MakeupIn(held_on=date(2026, 11, 2)), BASE)
    assert same.id == makeup.id  # the same day twice is one session
    with pytest.raises(Conflict):
        themes.add_makeup(ADMIN, makeup.id, MakeupIn(held_on=date(2026, 11, 3)), BASE)

    themes.now = Clock(datetime(2026, 11, 2, 19, 30, tzinfo=SHANGHAI))
    late = themes.check_in(rider2, makeup.code)
    assert (late.kind, late.month, late.already) == (SessionKind.makeup, "2026-10", False)
    assert themes.check_in(rider, makeup.code).already  # came on the day: counted once
    with pytest.raises(InvalidInput):  # 1 Nov has passed by now
        themes.add_makeup(staff, day.id, MakeupIn(held_on=date(2026, 11, 1)), BASE)

    came = themes.attendance(staff, day.id)
    assert came.count == 2
    assert [(a.display_name, a.kind) for a in came.attendees] == [
        ("Wang", SessionKind.theme),
        ("Li", SessionKind.makeup),
    ]
    assert [a.display_name for a in themes.attendance(ADMIN, makeup.id).attendees] == ["Li"]
    with pytest.raises(Forbidden):
        themes.attendance(rider, day.id)
    month = themes.station_month(staff, world.station_id, "2026-10", BASE)
    assert [(s.kind, s.attendance) for s in month.sessions] == [
        (SessionKind.theme, 1),
        (SessionKind.makeup, 1),
    ]
    assert (month.makeup_from, month.makeup_until) == (date(2026, 10, 20), date(2026, 11, 2))
    with pytest.raises(Forbidden):
        themes.station_month(staff, world.home_id, "2026-10", BASE)
    poster = themes.poster(staff, day.id, BASE, "zh_CN")
    assert "万里驿站" in poster
    assert f"code={day_code(platform, day.id)}" in poster


def day_code(platform: Platform, theme_day_id: int) -> str:
    with platform.factory() as session:
        day = session.get(ThemeDay, theme_day_id)
        assert day is not None
        return day.code


@dataclass(frozen=True)
class DaysOff:
    """A district's own calendar: weekdays work, but for the days off given."""

    off: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.off


def test_the_districts_calendar_moves_the_day_and_the_window_is_its_local_day(
    platform: Platform, world: World, themes: ThemeDayService
) -> None:
    themes.calendar = DaysOff(frozenset({date(2026, 11, 17)}))  # a Tuesday off
    days = themes.month("2026-11")
    assert {(d.held_on, d.moved_from) for d in days} == {(date(2026, 11, 18), date(2026, 11, 17))}
    opens = datetime(2026, 11, 18, 6, 0, tzinfo=SHANGHAI)
    assert {(d.opens_at, d.closes_at - d.opens_at) for d in days} == {(opens, timedelta(hours=18))}
    assert not any(d.open_now for d in days)


@pytest.mark.one_database
@settings(max_examples=60, deadline=None)
@given(st.integers(2020, 2032), st.integers(1, 12))
def test_a_months_rows_hold_the_day_in_the_month_with_a_secret_code_each(
    year: int, month: int
) -> None:
    rows = theme_rows(f"{year:04d}-{month:02d}", [1, 2, 3])
    held = rows[0]["held_on"]
    assert (held.year, held.month) == (year, month)
    assert rows[0]["moved_from"] == (None if held.day == 17 else date(year, month, 17))
    assert len({r["code"] for r in rows}) == 3
    assert all(len(r["code"]) == 22 for r in rows)  # 16 random bytes


def test_the_demo_seed_is_idempotent_and_has_no_attendance_before_the_day(
    platform: Platform, world: World
) -> None:
    for now in (datetime(2026, 10, 16, 12, tzinfo=SHANGHAI), NOW, NOW):
        with transaction(platform.factory) as session:
            seed_theme_days(session, now)
    with platform.factory() as session:
        days = session.execute(select(ThemeDay.month, ThemeDay.place_id)).all()
        came = session.execute(
            select(ThemeAttendance.month, ThemeAttendance.account_id).order_by(
                ThemeAttendance.month, ThemeAttendance.account_id
            )
        ).all()
    assert sorted(days) == sorted(
        (m, p) for m in ("2026-09", "2026-10") for p in (world.station_id, world.home_id)
    )
    rider, rider2 = world.ids["rider"], world.ids["rider2"]
    assert [tuple(r) for r in came] == [
        ("2026-09", rider),
        ("2026-09", rider2),
        ("2026-10", rider2),
    ]
