"""Volunteer teams on both databases: an admin makes a team and its leader, riders join and
sign up within the places there are (the last place goes to one of two at once), hours are
recorded after the start and count once a leader other than the volunteer confirms them;
the certificate carries a code the public verifies; a hazard report filed on a patrol is
credited to the team in the report's transaction, and refused (422) otherwise."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gigcity.db.models import Report, VolunteerReportCredit, VolunteerSignup
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from gigcity.services.organisation.schemas import Sector
from gigcity.services.platform import Platform
from gigcity.services.reports import ReportCreate
from gigcity.services.volunteers.schemas import ActivityIn, ActivityKind, HoursState, TeamIn
from support import ADMIN, Clock, World, add_account, principal

WANLI = (121.3995, 31.2713)  # lon, lat inside wanli
START = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@dataclass
class Team:
    id: int
    leader: Principal  # rider2 (Li)
    rider: Principal  # rider (Wang), a member
    clock: Clock


@pytest.fixture
def team(platform: Platform, world: World) -> Team:
    clock = Clock(START - timedelta(days=1))
    platform.volunteers.now = clock
    platform.reports.clock = clock
    vol = platform.volunteers
    body = TeamIn(
        name="新杨网约车司机流动志愿服务队", sector=Sector.ride_hailing, subdistrict="taopu"
    )
    made = vol.create_team(ADMIN, body)
    vol.appoint_leader(ADMIN, made.id, world.ids["rider2"])
    rider = principal(platform, "rider")
    vol.join(rider, made.id)
    return Team(made.id, principal(platform, "rider2"), rider, clock)


def _patrol(
    platform: Platform, team: Team, capacity: int = 5, hours: int = 2, later: int = 0
) -> int:
    """A patrol from START (`later` hours after it) lasting `hours`."""
    starts = START + timedelta(hours=later)
    body = ActivityIn(
        kind=ActivityKind.patrol, title="新杨园区道路巡查", where_text="新杨园区",
        starts_at=starts, ends_at=starts + timedelta(hours=hours), capacity=capacity,
    )  # fmt: skip
    return platform.volunteers.schedule(team.leader, team.id, body).id


def test_riders_join_and_sign_up_within_the_places_and_only_leaders_schedule(
    platform: Platform, world: World, team: Team
) -> None:
    vol = platform.volunteers
    with pytest.raises(Forbidden):  # only riders join themselves
        vol.join(principal(platform, "officer"), team.id)
    assert vol.join(team.rider, team.id).role == "member"  # again: the same membership
    with pytest.raises(Forbidden):  # a member does not schedule
        vol.schedule(
            team.rider, team.id,
            ActivityIn(kind=ActivityKind.visit, title="x", starts_at=START,
                       ends_at=START + timedelta(hours=1)),
        )  # fmt: skip
    with pytest.raises(InvalidInput) as bad:
        vol.schedule(
            team.leader, team.id,
            ActivityIn(kind=ActivityKind.visit, title="x", starts_at=START,
                       ends_at=START + timedelta(hours=25)),
        )  # fmt: skip
    assert bad.value.field == "ends_at"
    activity = _patrol(platform, team, capacity=1)

    first = vol.sign_up(team.rider, activity)
    assert vol.sign_up(team.rider, activity).id == first.id  # twice is once
    late = add_account(platform, "rider3", Role.rider)
    with pytest.raises(Forbidden):  # not in the team yet
        vol.sign_up(late, activity)
    vol.join(late, team.id)
    with pytest.raises(Conflict):  # the one place is taken
        vol.sign_up(late, activity)
    vol.withdraw(team.rider, activity)
    assert vol.sign_up(late, activity).display_name == "rider3"

    mine = vol.me(late)
    assert [a.places_left for a in mine.activities] == [0]
    assert mine.activities[0].i_signed_up
    team.clock.now = START + timedelta(minutes=1)
    with pytest.raises(Conflict):  # started: no taking it back, no signing up
        vol.withdraw(late, activity)
    with pytest.raises(Conflict):
        vol.sign_up(team.rider, activity)

    detail = vol.team(team.rider, team.id)
    assert detail.team.leaders == ["Li"]
    assert detail.members is not None
    assert [m.display_name for m in detail.members] == ["Li", "Wang", "rider3"]
    assert vol.team(principal(platform, "staff"), team.id).members is None  # not theirs
    with pytest.raises(Forbidden):  # a leader is removed by an admin only
        vol.remove_member(team.leader, team.id, world.ids["rider2"])
    vol.remove_member(team.leader, team.id, late.account_id or 0)
    with pytest.raises(NotFound):
        vol.remove_member(team.leader, team.id, late.account_id or 0)


def test_hours_count_once_another_leader_confirms_them(
    platform: Platform, world: World, team: Team
) -> None:
    vol = platform.volunteers
    activity = _patrol(platform, team)
    mine = vol.sign_up(team.rider, activity)
    leaders = vol.sign_up(team.leader, activity)
    with pytest.raises(Conflict):  # not begun
        vol.record(team.rider, mine.id, 30)
    team.clock.now = START + timedelta(hours=3)
    with pytest.raises(InvalidInput) as bad:  # longer than the patrol
        vol.record(team.rider, mine.id, 121)
    assert bad.value.field == "minutes"
    with pytest.raises(Forbidden):  # someone else's hours
        vol.record(principal(platform, "staff"), mine.id, 60)
    assert vol.record(team.rider, mine.id, 100).state == HoursState.waiting
    with pytest.raises(Forbidden):  # a member confirms nothing
        vol.confirm(team.rider, mine.id)
    done = vol.confirm(team.leader, mine.id)
    assert (done.state, done.minutes, done.confirmed_by) == (HoursState.confirmed, 100, "Li")
    with pytest.raises(Conflict):
        vol.confirm(team.leader, mine.id)
    with pytest.raises(Conflict):  # confirmed hours stay as they are
        vol.record(team.rider, mine.id, 110)

    vol.record(team.leader, leaders.id, 120)
    with pytest.raises(Forbidden):  # never one's own
        vol.confirm(team.leader, leaders.id)
    assert [s.id for s in vol.team_hours(team.leader, team.id, HoursState.waiting)] == [leaders.id]
    vol.confirm(ADMIN, leaders.id)

    hours = vol.me(team.rider).hours
    assert (hours.confirmed_minutes, hours.waiting_minutes) == (100, 0)
    assert vol.me(team.leader).hours.confirmed_minutes == 120


def test_two_riders_for_the_last_place_one_gets_it(
    platform: Platform, world: World, team: Team
) -> None:
    vol = platform.volunteers
    activity = _patrol(platform, team, capacity=2)
    vol.sign_up(team.leader, activity)
    riders = [team.rider, add_account(platform, "rider3", Role.rider)]
    vol.join(riders[1], team.id)

    def attempt(rider: Principal) -> str:
        try:
            vol.sign_up(rider, activity)
        except ServiceError as error:
            return type(error).__name__
        return "ok"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(attempt, riders))
    assert outcomes == ["Conflict", "ok"]
    with platform.factory() as session:
        taken = session.scalar(select(func.count()).where(VolunteerSignup.activity_id == activity))
    assert taken == 2


def test_a_certificate_carries_confirmed_hours_and_a_code_the_public_verifies(
    platform: Platform, world: World, team: Team
) -> None:
    vol = platform.volunteers
    first, second = _patrol(platform, team), _patrol(platform, team, hours=1, later=2)
    a = vol.sign_up(team.rider, first)
    b = vol.sign_up(team.rider, second)  # right after the first: no overlap
    with pytest.raises(Conflict):  # one patrol at a time
        vol.sign_up(team.rider, _patrol(platform, team, later=1))
    team.clock.now = START + timedelta(hours=3)
    vol.record(team.rider, a.id, 90)
    vol.record(team.rider, b.id, 45)
    vol.confirm(team.leader, a.id)  # b waits: it does not count

    pdf, code = vol.certificate(team.rider, None, None, None, "https://x.test/", "zh_CN")
    assert pdf.startswith(b"%PDF")
    checked = vol.verify(code.lower().replace("-", ""))
    assert (checked.volunteer, checked.confirmed_minutes, checked.activities) == ("Wang", 90, 1)
    assert checked.confirmed_hours == "1.50"
    assert checked.teams == ["新杨网约车司机流动志愿服务队"]
    assert checked.code == code
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(NotFound):
        vol.verify(tampered)
    with pytest.raises(InvalidInput) as bad:
        vol.certificate(team.rider, date(2026, 12, 5), date(2026, 1, 1), None, "https://x", "en")
    assert bad.value.field == "from"
    with pytest.raises(NotFound):  # in no team: no certificate
        vol.certificate(principal(platform, "staff"), None, None, None, "https://x", "en")


def _report(activity: int | None) -> ReportCreate:
    return ReportCreate(
        category="road_hazard", description="井盖缺失", lon=WANLI[0], lat=WANLI[1],
        volunteer_activity_id=activity,
    )  # fmt: skip


def test_a_hazard_report_on_patrol_is_credited_to_the_team_in_its_transaction(
    platform: Platform, world: World, team: Team
) -> None:
    vol = platform.volunteers
    activity = _patrol(platform, team)
    vol.sign_up(team.rider, activity)
    team.clock.now = START + timedelta(minutes=20)

    filed = platform.reports.submit(team.rider, _report(activity))
    detail = vol.team(team.rider, team.id)
    assert detail.team.reports == 1
    assert [(r.report_id, r.activity_title) for r in detail.reports] == [
        (filed.id, "新杨园区道路巡查")
    ]

    def reports() -> int:
        with platform.factory() as session:
            return session.scalar(select(func.count()).select_from(Report)) or 0

    before = reports()
    for who, when in (
        (principal(platform, "rider2"), START + timedelta(minutes=20)),  # not signed up
        (team.rider, START + timedelta(hours=3, minutes=1)),  # long after the patrol
        (team.rider, START - timedelta(minutes=31)),  # well before it
    ):
        team.clock.now = when
        with pytest.raises(InvalidInput) as refused:
            platform.reports.submit(who, _report(activity))
        assert refused.value.field == "volunteer_activity_id"
    with pytest.raises(InvalidInput):
        platform.reports.submit(team.rider, _report(999_999))
    assert reports() == before  # nothing stored of a refused report
    platform.reports.submit(team.rider, _report(None))  # without: as always
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(VolunteerReportCredit)) == 1
