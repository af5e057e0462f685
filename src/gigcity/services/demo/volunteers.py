"""The demo's volunteer teams (issue 20): 新杨's ride-hailing drivers' mobile team (leader
骑手小李, the demo rider a member) and 桃浦's truck drivers' "team on wheels" (leader
货车司机老张); past activities with hours confirmed and waiting, a patrol under way now
(the demo rider on it, to report a hazard from), activities to come, and one of the demo
rider's hazard reports credited to the patrol team. A dozen rows in the seeding transaction;
nothing when a team exists already."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import (
    Account,
    Organisation,
    Report,
    VolunteerActivity,
    VolunteerMember,
    VolunteerReportCredit,
    VolunteerSignup,
    VolunteerTeam,
    utcnow,
)

XINYANG = "新杨网约车司机流动志愿服务队"
TAOPU = "桃浦货车司机“车轮上的志愿服务队”"
# (team, kind, title, where, day from today (None: under way now), local hour, hours, places)
ACTIVITIES = [
    (XINYANG, "patrol", "新杨园区道路安全巡查", "新杨园区真南路沿线", -7, 19, 2, 8),
    (XINYANG, "traffic_guidance", "晚高峰路口交通疏导", "真南路·武威路口", -3, 17, 2, 6),
    (XINYANG, "patrol", "道路隐患巡查", "新杨园区", None, 0, 3, 8),
    (XINYANG, "patrol", "园区主干道安全巡逻", "新杨园区主干道", 2, 9, 2, 8),
    (XINYANG, "visit", "“爱心基金”走访日托中心", "桃浦镇社区日间照料中心", 5, 14, 2, 6),
    (TAOPU, "carry", "为独居老人搬运大件", "桃浦新村", -10, 9, 2, 4),
    (TAOPU, "patrol", "园区夜间安全巡逻", "桃浦智创城园区", 2, 20, 2, 10),
    (TAOPU, "traffic_guidance", "园区出入口交通引导", "桃浦智创城南门", 4, 8, 2, 4),
]
DISTRICT_TZ = timezone(timedelta(hours=8))  # the demo district (Putuo, Shanghai)
# (activity index, username, minutes, confirmed by)
SIGNUPS = [
    (0, "rider", 120, "rider2"),
    (0, "rider2", 120, "admin"),
    (1, "rider", 90, None),
    (2, "rider", None, None),
    (3, "rider2", None, None),
    (5, "driver", 100, "admin"),
]


def seed_volunteers(session: Session) -> None:
    """Seed unless a volunteer team exists already (in the caller's transaction)."""
    if session.scalar(select(VolunteerTeam.id).limit(1)) is not None:
        return
    people: dict[str, int] = dict(session.execute(select(Account.username, Account.id)).all())
    if "rider" not in people:
        return
    branch = session.scalar(select(Organisation.id).where(Organisation.subdistrict == "taopu"))
    teams = {
        XINYANG: VolunteerTeam(
            name=XINYANG, sector="ride_hailing", subdistrict="taopu", organisation_id=branch,
            description="网约车司机流动志愿服务队：上报道路隐患，参加平安巡逻。",
        ),
        TAOPU: VolunteerTeam(
            name=TAOPU, sector="trucking", subdistrict="taopu",
            description="货车司机组成的志愿服务队：园区巡逻、交通引导，为独居老人搬运大件。",
        ),
    }  # fmt: skip
    session.add_all(teams.values())
    session.flush()
    roster = [(XINYANG, "rider2", "leader"), (XINYANG, "rider", "member"),
              (TAOPU, "driver", "leader")]  # fmt: skip
    for team, username, role in roster:
        if username in people:
            session.add(
                VolunteerMember(team_id=teams[team].id, account_id=people[username], role=role)
            )
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    today = now.astimezone(DISTRICT_TZ).date()
    activities = []
    for t, kind, title, where, day, hour, hours, cap in ACTIVITIES:
        if day is None:  # under way: begun an hour ago
            starts = now - timedelta(hours=1)
        else:
            starts = datetime.combine(today + timedelta(days=day), time(hour), DISTRICT_TZ)
        activities.append(_activity(teams[t].id, starts, kind, title, where, hours, cap))
    session.add_all(activities)
    session.flush()
    for index, username, minutes, by in SIGNUPS:
        if username not in people:
            continue
        activity = activities[index]
        confirmed = by is not None and by in people
        session.add(
            VolunteerSignup(
                activity_id=activity.id, account_id=people[username],
                signed_at=activity.starts_at - timedelta(days=1), minutes=minutes,
                recorded_at=activity.ends_at if minutes else None,
                confirmed_by_id=people[by] if confirmed and by else None,
                confirmed_at=activity.ends_at + timedelta(hours=2) if confirmed else None,
            )
        )  # fmt: skip
    _credit_a_report(session, people["rider"], activities[0])


def _activity(
    team_id: int, starts: datetime, kind: str, title: str, where: str, hours: int, cap: int
) -> VolunteerActivity:
    starts = starts.astimezone(UTC)
    return VolunteerActivity(
        team_id=team_id, kind=kind, title=title, where_text=where, starts_at=starts,
        ends_at=starts + timedelta(hours=hours), capacity=cap,
    )  # fmt: skip


def _credit_a_report(session: Session, rider: int, patrol: VolunteerActivity) -> None:
    """One of the demo rider's road-hazard reports, credited to the patrol team."""
    report = session.scalar(
        select(Report.id)
        .where(Report.reporter_id == rider, Report.category == "road_hazard")
        .order_by(Report.id)
        .limit(1)
    )
    if report is not None:
        session.add(
            VolunteerReportCredit(report_id=report, team_id=patrol.team_id, activity_id=patrol.id)
        )
