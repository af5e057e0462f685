"""Demo reports: a month of snap-and-report in the demo district, deterministic in the seed.

The demo officer gets every category of their sub-district (food safety excepted, which
goes to the district admins' queue, as where market regulators take it); the pool gets
the 2025 programme's ten million yuan; reports are spread over the last 30 days in every
status, some overdue, the accepted ones rewarded. Filing counts each report where real
intake does (the daily counts and the dashboard's heatmap cells), and, given the platform's
photo store, most reports get a generated photo of their scene stored as uploads are.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shapely.geometry import Point
from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Report, ReportRoute, utcnow
from gigcity.geo.district import District
from gigcity.services.accounts import Principal, Role, principal_for
from gigcity.services.demo.photos import attach_demo_photo
from gigcity.services.reports import PhotoLimits, PhotoStore, stats, workflow
from gigcity.services.reports.categories import DEFAULT_RULES, Category
from gigcity.services.reports.lifecycle import Action, Status
from gigcity.services.reports.rewards import _ledger_row, locked_pool, pay_for_report

DEMO_BUDGET_FEN = 10_000_000 * 100  # ten million yuan

_WHAT: dict[Category, tuple[str, ...]] = {
    Category.fire_passage_blocked: (
        "楼道里堆满纸箱和旧家具，消防通道被堵死了",
        "安全出口被铁链锁住，里面还有人住",
        "消防车道上长期停着三辆车",
    ),
    Category.fire_hazard: (
        "电动车推进楼道里充电，插线板发烫",
        "老小区电线乱拉，挂在晾衣杆上",
        "饭店后门堆放液化气罐",
    ),
    Category.food_safety: (
        "后厨地面油污很重，看到有老鼠",
        "取餐时看到食材直接放在地上",
    ),
    Category.road_hazard: (
        "路口窨井盖缺失，晚上很危险",
        "非机动车道上有个大坑，积水看不见",
        "红绿灯坏了，路口很乱",
    ),
    Category.broken_facility: (
        "路灯不亮已经三天了",
        "人行道护栏倒了",
        "公共厕所的门锁坏了",
    ),
    Category.elder_needs_help: (
        "一位老人在路边坐了很久，说找不到家",
        "独居老人家门口的外卖好几天没人拿",
    ),
    Category.other: ("共享单车倒了一片，挡住了人行道",),
}
_MERCHANTS = ("老王面馆", "好味道快餐", "小杨生煎", "阿娘黄鱼面")
# How far demo reports got (weights): most are done, a few still waiting.
_FATES = (
    (Status.closed, 30),
    (Status.resolved, 8),
    (Status.in_progress, 6),
    (Status.dispatched, 5),
    (Status.accepted, 5),
    (Status.submitted, 8),
    (Status.rejected, 4),
)
_PATH = (Action.accept, Action.dispatch, Action.start, Action.resolve, Action.close)
_REACHES = {
    Status.submitted: 0,
    Status.accepted: 1,
    Status.dispatched: 2,
    Status.in_progress: 3,
    Status.resolved: 4,
    Status.closed: 5,
}


def _point_in(district: District, code: str, rnd: random.Random) -> tuple[float, float]:
    sub = district.get(code)
    assert sub is not None
    cell = district.cells.get(code)
    for _ in range(50):
        lon = round(sub.lon + rnd.gauss(0, 0.004), 6)
        lat = round(sub.lat + rnd.gauss(0, 0.0035), 6)
        if cell is None or cell.contains(Point(lon, lat)):
            return lon, lat
    return sub.lon, sub.lat


# The share of demo reports that come with a photo (riders usually take one).
PHOTO_SHARE = 0.8


def seed_demo_reports(
    session: Session,
    district: District,
    timezone: str = "Asia/Shanghai",
    seed: int = 2025,
    *,
    photos: tuple[PhotoStore, PhotoLimits] | None = None,
    saved: list[str] | None = None,
) -> int:
    """Seed demo routes, the pool and ~60 reports unless reports exist; how many were made.

    With `photos` (the platform's photo store and limits) most reports get a photo; the
    stored files' names are appended to `saved`, so a caller whose transaction fails can
    remove them."""
    if session.scalar(select(Report.id).limit(1)) is not None:
        return 0
    people = {a.username: a for a in session.scalars(select(Account))}
    officer, admin = people.get("officer"), people.get("admin")
    riders = [people[name] for name in ("rider", "rider2", "driver") if name in people]
    if officer is None or admin is None or not riders or officer.subdistrict is None:
        return 0
    tz = ZoneInfo(timezone)
    rnd = random.Random(seed)
    now = utcnow()
    home = officer.subdistrict
    session.add(ReportRoute(subdistrict=home, category="*", officer_id=officer.id))
    session.flush()
    _fill_pool(session, admin, now)
    acting = {home: principal_for(officer)}
    admin_principal = principal_for(admin)
    fates = [status for status, weight in _FATES for _ in range(weight)]
    codes = [s.code for s in district.subdistricts]
    made = 0
    for number in range(len(fates)):
        category = rnd.choice(list(_WHAT))
        # Half the reports come from the officer's own sub-district, so the demo queue is full.
        code = home if rnd.random() < 0.5 else rnd.choice(codes)
        lon, lat = _point_in(district, code, rnd)
        created = now - timedelta(hours=rnd.uniform(2, 30 * 24))
        rider = rnd.choice(riders)
        assignee = officer.id if code == home and category != Category.food_safety else None
        report = _demo_report(
            rnd, category, (lon, lat, code), rider, f"demo-{seed}-{number}", assignee, created
        )
        _file(session, report, rider, tz)
        # Photos draw from their own seed, so the reports are the same with or without them.
        picture_seed = seed * 1000 + number
        if photos is not None and random.Random(picture_seed).random() < PHOTO_SHARE:
            attach_demo_photo(
                session, report, *photos, picture_seed, [] if saved is None else saved
            )
        _play(session, report, fates[number], acting.get(code, admin_principal), rnd, now, tz)
        made += 1
    return made


def _fill_pool(session: Session, admin: Account, now: datetime) -> None:
    """Top the pool up with the 2025 programme's budget, a month ago."""
    pool = locked_pool(session, now - timedelta(days=31))
    _ledger_row(
        session,
        pool,
        key="top-up:demo-2025-programme",
        kind="top_up",
        amount_fen=DEMO_BUDGET_FEN,
        now=now - timedelta(days=31),
        actor_id=admin.id,
        note="2025 snap-and-report bonus pool (demo)",
    )


def _demo_report(
    rnd: random.Random,
    category: Category,
    where: tuple[float, float, str],
    rider: Account,
    client_key: str,
    assignee: int | None,
    created: datetime,
) -> Report:
    """A submitted report by `rider`, its text (and merchant) drawn from `rnd`."""
    lon, lat, code = where
    rule = DEFAULT_RULES[category]
    return Report(
        token=secrets.token_urlsafe(12),
        category=category.value,
        description=rnd.choice(_WHAT[category]),
        lon=lon,
        lat=lat,
        subdistrict=code,
        reference=rnd.choice(_MERCHANTS) if category == Category.food_safety else None,
        status=Status.submitted.value,
        is_open=True,
        held=False,
        source="app",
        reporter_id=rider.id,
        client_key=client_key,
        assignee_id=assignee,
        reward_status="none",
        reward_fen=0,
        created_at=created,
        updated_at=created,
        due_at=created + timedelta(hours=rule.sla_hours),
    )


def _file(session: Session, report: Report, rider: Account, tz: ZoneInfo) -> None:
    """Write the report as filed: its original reporter, the submit event, the day's count."""
    created = report.created_at
    session.add(report)
    session.flush()
    workflow.credit(session, report.id, rider.id, "original", created)
    reporter = Principal(role=Role.rider, account_id=rider.id, label=rider.username)
    workflow.record(
        session, report, reporter, Action.submit, created, to_status=Status.submitted.value
    )
    day = stats.local_day(created, tz)
    stats.bump(session, (day, report.subdistrict, report.category, Status.submitted.value), 1)
    # The dashboard's heatmap counts filed reports as intake does (`intake_sql.insert_filed`).
    stats.count_filed(
        session, stats.heat_rows(day, report.subdistrict, report.category, report.lon, report.lat)
    )


def _play(
    session: Session,
    report: Report,
    fate: Status,
    actor: Principal,
    rnd: random.Random,
    now: datetime,
    tz: ZoneInfo,
) -> None:
    """Walk the report along its lifecycle to `fate`, at plausible times before now."""
    at = report.created_at
    if fate == Status.rejected:
        at = min(now, at + timedelta(minutes=rnd.uniform(10, 240)))
        workflow.step(
            session,
            report,
            actor,
            Action.reject,
            at,
            tz,
            note="与举报人电话核实未果",  # internal: officers only
            public_note="照片看不清，无法核实",
        )
        report.reject_reason = "invalid"
        return
    rule = DEFAULT_RULES[Category(report.category)]
    for action in _PATH[: _REACHES[fate]]:
        # Most steps well within the SLA, some late (the demo needs overdue ones too).
        share = rnd.uniform(0.05, 0.35) if rnd.random() < 0.85 else rnd.uniform(0.4, 0.9)
        at = min(now - timedelta(minutes=1), at + timedelta(hours=rule.sla_hours * share))
        public_note = {Action.resolve: "已清理完毕"}.get(action)
        note = {Action.dispatch: "已电话通知城运中心"}.get(action)  # internal: officers only
        workflow.step(session, report, actor, action, at, tz, note=note, public_note=public_note)
        if action == Action.dispatch:
            report.dispatched_to = "街道城运中心"
        if action == Action.accept:
            pay_for_report(session, report, rule, actor.account_id, at)
            workflow.record(
                session,
                report,
                actor,
                Action.reward,
                at,
                data={"status": report.reward_status, "fen": report.reward_fen},
            )
