"""The demo's organisations (issue 20): a platform committee, a company branch and the demo
station's group; a check-in point in each sub-district at a place of the map; the demo
rider registered; the demo staff's station with its 1+1+N roster and plan. In the seeding
transaction, a handful of rows (well under 0.1 s)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import (
    Account,
    CheckinPoint,
    Membership,
    Organisation,
    Place,
    PlanAction,
    StationPlan,
    StationTeamMember,
    utcnow,
)
from gigcity.services.organisation.sealing import MemberSeal
from gigcity.services.places import PlaceKind

# Where a sub-district's check-in point is, by preference.
POINT_KINDS = (PlaceKind.party_service_center, PlaceKind.rider_station, PlaceKind.warm_kiosk)
TEAM = [
    ("master", None, "驿站站长 张师傅", "13900000101", "每天 08:00-22:00"),
    ("resident_instructor", None, "社区党总支书记 陈老师", "13900000102", "周二、周四 14:00-17:00"),
    ("sector", "police_safety", "派出所民警 李警官", "13900000103", "周三 15:00-17:00"),
    ("sector", "market_supervision_food", "市场监管所 王老师", "13900000104", "每月 17 日上午"),
    ("sector", "enterprise_liaison", "平台站点联络员 赵经理", "13900000105", "工作日 10:00-18:00"),
]
GOALS = "骑手每月参加主题党日；驿站安全、食品安全零事故；收集骑手诉求，周二见会议上反映。"
ACTIONS = [
    ("电动车充电安全培训", -10, True),
    ("主题党日：食品安全知识", 7, False),
    ("走访长者食堂", 20, False),
]


def seed_organisation(session: Session, members: MemberSeal | None = None) -> None:
    """Seed unless an organisation exists already (in the caller's transaction). `members`:
    the platform's seal of memberships (None: the database's dev keys)."""
    if session.scalar(select(Organisation.id).limit(1)) is not None:
        return
    seal = members or MemberSeal.on(session.connection())
    staff = session.scalar(select(Account).where(Account.username == "staff"))
    station = session.get(Place, staff.station_id) if staff and staff.station_id else None
    committee = Organisation(
        name="某即时零售平台上海区域党委", kind="platform_committee", sector="instant_retail",
        contact_name="党建专员", contact_phone="021-00000001",
    )  # fmt: skip
    branch = Organisation(
        name="桃浦某汽车租赁公司党支部", kind="company_branch", sector="ride_hailing",
        subdistrict="taopu", contact_name="支部书记", contact_phone="021-00000002",
    )  # fmt: skip
    session.add_all([committee, branch])
    session.flush()
    group: Organisation | None = None
    if station is not None:
        group = Organisation(
            name=f"{station.name}骑手联合党支部", kind="station_group", sector="instant_retail",
            parent_id=committee.id, subdistrict=station.subdistrict, contact_name="驿站站长",
        )  # fmt: skip
        session.add(group)
        session.flush()
    _points(session, group, branch, seal)
    if station is not None:
        _team_and_plan(session, station)


def _points(
    session: Session, group: Organisation | None, branch: Organisation, seal: MemberSeal
) -> None:
    codes = session.scalars(
        select(Place.subdistrict).where(Place.subdistrict.is_not(None)).distinct()
    ).all()
    holders = {o.subdistrict: o.id for o in (branch, group) if o is not None and o.subdistrict}
    points: dict[str, int] = {}
    for code in sorted(c for c in codes if c):
        place_id = None
        for kind in POINT_KINDS:
            place_id = session.scalar(
                select(Place.id)
                .where(Place.subdistrict == code, Place.kind == kind.value)
                .order_by(Place.id)
                .limit(1)
            )
            if place_id is not None:
                break
        if place_id is None:
            continue
        point = CheckinPoint(subdistrict=code, place_id=place_id, organisation_id=holders.get(code))
        session.add(point)
        session.flush()
        points[code] = point.id
    rider = session.scalar(select(Account.id).where(Account.username == "rider"))
    if group is not None and rider is not None and group.subdistrict in points:
        session.add(
            Membership(
                account_key=seal.key(rider), account_enc=seal.seal(rider),
                organisation_id=group.id, checkin_point_id=points[group.subdistrict],
            )
        )  # fmt: skip


def _team_and_plan(session: Session, station: Place) -> None:
    for position, sector, name, phone, hours in TEAM:
        session.add(
            StationTeamMember(
                place_id=station.id, position=position, sector_kind=sector, name=name,
                phone=phone, duty_hours=hours,
            )
        )  # fmt: skip
    session.add(StationPlan(place_id=station.id, goals=GOALS))
    now = utcnow()
    for title, days, done in ACTIONS:
        due = (now + timedelta(days=days)).date()
        session.add(
            PlanAction(place_id=station.id, title=title, due=due, done_at=now if done else None)
        )
