"""The organisation overview on both databases: known counts from a small seeded set, each
figure in the local month it happened in (a check-in at 00:30 on the 1st in Shanghai is the
previous month in UTC), unconfirmed volunteer hours never counted, and only the district's
social-work staff (admins) may see it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.db.models import (
    CheckinPoint,
    Concern,
    Membership,
    ThemeAttendance,
    ThemeDay,
    VolunteerActivity,
    VolunteerSignup,
    VolunteerTeam,
)
from gigcity.db.session import transaction
from gigcity.geo.district import load_district
from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.organisation.overview import OrganisationOverview, overview_rows
from gigcity.services.platform import Platform
from services.organisation.org_support import StoppedClock
from support import ADMIN, World, principal

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUTUO = load_district()


def local(*args: int) -> datetime:
    """A Shanghai wall-clock time as the UTC instant stored."""
    return datetime(*args, tzinfo=SHANGHAI).astimezone(UTC)  # type: ignore[misc]


NOW = local(2026, 6, 10, 12, 0)


def seed(platform: Platform, world: World) -> None:
    ids = world.ids
    seal = platform.organisation.seal
    seal.warm()  # before the transaction: the dev keys are made on first use

    def sealed(who: str) -> dict[str, str]:
        return {"account_key": seal.key(ids[who]), "account_enc": seal.seal(ids[who])}

    with transaction(platform.factory) as session:
        wanli = CheckinPoint(subdistrict="wanli", place_id=world.station_id)
        changzheng = CheckinPoint(subdistrict="changzheng", place_id=world.other_station_id)
        session.add_all([wanli, changzheng])
        session.flush()
        session.add_all(
            [
                # 00:30 on 1 March in Shanghai: still February in UTC.
                Membership(
                    **sealed("rider"), checkin_point_id=wanli.id,
                    checked_in_at=local(2026, 3, 1, 0, 30),
                ),
                Membership(  # long ago: a member, not a check-in of the window
                    **sealed("rider2"), checkin_point_id=wanli.id,
                    checked_in_at=local(2024, 5, 1, 9, 0),
                ),
                Membership(
                    **sealed("staff"), checkin_point_id=changzheng.id,
                    checked_in_at=local(2026, 5, 31, 23, 30),
                ),
                Membership(**sealed("officer"), checked_in_at=local(2026, 6, 2, 9, 0)),
            ]
        )  # fmt: skip
        days = {
            month: ThemeDay(
                place_id=world.station_id, month=month, kind="theme",
                held_on=date(int(month[:4]), int(month[5:]), 17), code=f"code-{month}",
            )
            for month in ("2025-12", "2026-03", "2026-04")
        }  # fmt: skip
        session.add_all(days.values())
        session.flush()
        session.add_all(
            ThemeAttendance(
                theme_day_id=days[month].id, account_id=ids[who], month=month, mode=mode
            )
            for who, month, mode in [
                ("rider", "2026-03", "station"),
                ("rider2", "2026-03", "online"),
                ("staff", "2026-04", "station"),
                ("rider", "2025-12", "station"),  # before the window
            ]
        )
        session.add_all(
            [
                Concern(
                    title="老小区爬楼费", topic="pay", created_at=local(2026, 3, 1, 0, 10),
                    closed_at=local(2026, 5, 1, 0, 5), status="closed",
                ),
                Concern(title="交通管制绕行谁承担", topic="detours", created_at=local(2026, 4, 8, 10)),
                Concern(
                    title="取消超时扣款", topic="deductions", created_at=local(2025, 10, 2, 10),
                    closed_at=local(2026, 6, 1, 8), status="closed",
                ),
            ]
        )  # fmt: skip
        team = VolunteerTeam(
            name="新杨网约车流动志愿队", sector="ride_hailing", subdistrict="wanli"
        )
        idle = VolunteerTeam(name="桃浦车轮上的志愿队", sector="trucking", subdistrict="taopu")
        session.add_all([team, idle])
        session.flush()
        patrol = VolunteerActivity(
            team_id=team.id, kind="patrol", title="安全巡逻",
            starts_at=local(2026, 5, 1, 0, 30), ends_at=local(2026, 5, 1, 2, 0),
        )  # fmt: skip
        old = VolunteerActivity(
            team_id=team.id, kind="visit", title="探访",
            starts_at=local(2025, 11, 5, 9), ends_at=local(2025, 11, 5, 11),
        )  # fmt: skip
        session.add_all([patrol, old])
        session.flush()
        confirmed = local(2026, 5, 2, 9)
        session.add_all(
            [
                VolunteerSignup(activity_id=patrol.id, account_id=ids["rider"], minutes=90, confirmed_at=confirmed),
                VolunteerSignup(activity_id=patrol.id, account_id=ids["staff"], minutes=30, confirmed_at=confirmed),
                VolunteerSignup(activity_id=patrol.id, account_id=ids["rider2"], minutes=60),  # not confirmed
                VolunteerSignup(activity_id=old.id, account_id=ids["rider"], minutes=120, confirmed_at=confirmed),
            ]
        )  # fmt: skip


@pytest.fixture
def overview(platform: Platform, world: World) -> OrganisationOverview:
    seed(platform, world)
    return OrganisationOverview(platform.factory, platform.district, StoppedClock(NOW))


def test_the_overview_counts_each_figure_in_its_local_month(
    overview: OrganisationOverview,
) -> None:
    answer = overview.overview(ADMIN, months=6)
    assert (answer.since, answer.until, answer.today) == ("2026-01", "2026-06", date(2026, 6, 10))
    by_month = {m.month: m for m in answer.months}
    assert list(by_month) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    figures = {
        name: [getattr(m, name) for m in answer.months]
        for name in (
            "checkins", "attendance_station", "attendance_online", "concerns_opened",
            "concerns_closed", "volunteer_minutes", "volunteer_signups",
        )
    }  # fmt: skip
    assert figures == {
        "checkins": [0, 0, 1, 0, 1, 1],  # 1 March 00:30 is March; 31 May 23:30 is May
        "attendance_station": [0, 0, 1, 1, 0, 0],
        "attendance_online": [0, 0, 1, 0, 0, 0],
        "concerns_opened": [0, 0, 1, 1, 0, 0],
        "concerns_closed": [0, 0, 0, 0, 1, 1],
        "volunteer_minutes": [0, 0, 0, 0, 120, 0],  # the unconfirmed hour is not counted
        "volunteer_signups": [0, 0, 0, 0, 2, 0],
    }
    totals = answer.totals
    assert (totals.members, totals.checkins, totals.concerns_open_now) == (4, 3, 1)
    assert (totals.attendance_station, totals.attendance_online) == (2, 1)
    assert totals.volunteer_minutes == 120
    points = {p.subdistrict: (p.members, p.checkins) for p in answer.points}
    assert points == {"wanli": (2, 1), "changzheng": (1, 1)}
    names = {p.subdistrict: p.subdistrict_name for p in answer.points}
    assert names["wanli"] == "万里街道"
    assert [(t.name, t.volunteer_minutes, t.volunteers) for t in answer.teams] == [
        ("新杨网约车流动志愿队", 120, 2),
        ("桃浦车轮上的志愿队", 0, 0),
    ]


def test_a_shorter_window_and_the_exports_hold_the_same_numbers(
    overview: OrganisationOverview,
) -> None:
    answer = overview.overview(ADMIN, months=1, locale="en")
    assert [m.month for m in answer.months] == ["2026-06"]
    assert answer.totals.checkins == 1
    assert answer.totals.concerns_closed == 1
    assert answer.points[0].subdistrict_name == "Changzheng Town"  # in the reader's language
    rows = list(overview_rows(answer, "zh_CN"))
    assert ["month", "2026-06", "", "", "checkins", "报到点报到人数", 1] in rows
    assert ["total", "total", "", "", "members", "在册党员", 4] in rows
    csv = overview.overview_file(ADMIN, "csv", 1).body.decode("utf-8-sig")
    assert csv.splitlines()[0] == "section,month,key,name,figure,figure_name,value"
    assert len(csv.splitlines()) == len(rows) + 1
    assert overview.overview_file(ADMIN, "xlsx", 1).body[:2] == b"PK"


def test_only_the_districts_social_work_staff_see_it(
    platform: Platform, overview: OrganisationOverview
) -> None:
    for who in ("officer", "staff", "rider"):
        with pytest.raises(Forbidden):
            overview.overview(principal(platform, who))
        with pytest.raises(Forbidden):
            overview.overview_file(principal(platform, who), "csv")
    for months in (0, 25):
        with pytest.raises(InvalidInput) as refused:
            overview.overview(ADMIN, months=months)
        assert refused.value.field == "months"


@given(
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31)),
    months=st.integers(1, 24),
)
def test_the_window_is_whole_local_months_ending_with_the_current_one(
    at: datetime, months: int
) -> None:
    clock = StoppedClock(at.replace(tzinfo=UTC))
    overview = OrganisationOverview(None, PUTUO, clock)  # type: ignore[arg-type]
    labels, edges = overview.window(months)
    today = at.replace(tzinfo=UTC).astimezone(SHANGHAI)
    assert len(labels) == months
    assert len(edges) == months + 1
    assert labels[-1] == today.strftime("%Y-%m")
    assert edges[-2] <= at.replace(tzinfo=UTC) < edges[-1]
    for label, start, end in zip(labels, edges, edges[1:], strict=False):
        wall = start.astimezone(SHANGHAI)
        assert (wall.day, wall.hour, wall.strftime("%Y-%m")) == (1, 0, label)
        assert timedelta(days=28) <= end - start <= timedelta(days=31)
