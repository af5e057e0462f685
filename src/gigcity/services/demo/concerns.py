"""The demo's concerns raised with the platform (周二见, issue 20): last Tuesday's meeting
(with minutes) and next Tuesday's (with an agenda) of the platform committee, and the three
questions that led to the 2025 agreement — one answered, one on next Tuesday's agenda, one
open with riders saying "me too". The demo staff is the committee's officer, so the board's
officer controls can be tried. In the seeding transaction, a handful of rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import (
    Account,
    Concern,
    ConcernMeeting,
    ConcernSupport,
    Organisation,
    OrgOfficer,
    utcnow,
)

COMMITTEE = "某即时零售平台上海区域党委"
DISTRICT_TZ = ZoneInfo("Asia/Shanghai")
STAIRS = (
    "老旧小区爬楼费",
    "无电梯的老公房送六楼、七楼，一单要多花十多分钟，希望按楼层给爬楼补贴。",
    "stairs_weight",
)
DETOURS = (
    "交通管制绕行谁来承担",
    "道路临时管制、小区大门关闭时被迫绕行，超时算骑手的，希望系统按实际路况延长时限。",
    "detours",
)
LATENESS = (
    "取消超时扣款",
    "恶劣天气和电梯排队造成的超时也被扣款，希望取消超时扣款，改为提醒和申诉。",
    "deductions",
)
STAIRS_ANSWER = (
    "平台同意自 2025 年起对无电梯住宅四层以上订单按楼层加价，写入《普陀区骑手劳动规则协议》，"
    "详见协商工作台普陀 2025 规则。"
)


def _tuesday_on_or_after(day: date) -> date:
    return day + timedelta(days=(1 - day.weekday()) % 7)


def seed_concerns(session: Session) -> None:
    """Seed unless a concern meeting exists already (in the caller's transaction)."""
    if session.scalar(select(ConcernMeeting.id).limit(1)) is not None:
        return
    committee = session.scalar(select(Organisation.id).where(Organisation.name == COMMITTEE))
    if committee is None:
        return
    named = select(Account.username, Account.id).where(
        Account.username.in_(["rider", "rider2", "driver", "staff"])
    )
    people: dict[str, int] = dict(session.execute(named).all())
    officer = select(OrgOfficer.id).where(
        OrgOfficer.organisation_id == committee, OrgOfficer.account_id == people.get("staff")
    )
    if "staff" in people and session.scalar(officer) is None:
        session.add(OrgOfficer(organisation_id=committee, account_id=people["staff"]))
    now = utcnow()
    today = datetime.now(DISTRICT_TZ).date()
    upcoming = _tuesday_on_or_after(today)
    last = _meeting(
        session,
        committee,
        upcoming - timedelta(days=7),
        "通报上周诉求办理情况；研究老旧小区爬楼费。",
    )
    last.minutes = "平台答复爬楼费：同意按楼层加价。交通管制绕行问题下周继续讨论。"
    nxt = _meeting(
        session, committee, upcoming, "一、交通管制绕行的时限与费用；二、超时扣款意见征集。"
    )
    stairs = _concern(session, committee, STAIRS, people.get("rider2"), now - timedelta(days=20))
    stairs.status, stairs.meeting_id, stairs.owner = "answered", last.id, "平台骑手服务部"
    stairs.answer, stairs.answered_at = STAIRS_ANSWER, now - timedelta(days=6)
    detours = _concern(session, committee, DETOURS, people.get("driver"), now - timedelta(days=9))
    detours.status, detours.meeting_id = "on_agenda", nxt.id
    detours.owner, detours.due_on = "平台调度算法组", upcoming + timedelta(days=14)
    lateness = _concern(session, committee, LATENESS, people.get("rider"), now - timedelta(days=3))
    lateness.due_on = today - timedelta(days=1)  # overdue: shows the flag
    session.flush()
    for concern, supporters in (
        (stairs, ("rider", "driver")),
        (detours, ("rider2",)),
        (lateness, ("rider2", "driver")),
    ):
        for name in supporters:
            if name in people:
                session.add(ConcernSupport(concern_id=concern.id, account_id=people[name]))


def _meeting(session: Session, committee: int, day: date, agenda: str) -> ConcernMeeting:
    meeting = ConcernMeeting(organisation_id=committee, held_on=day, agenda=agenda)
    session.add(meeting)
    session.flush()
    return meeting


def _concern(
    session: Session,
    committee: int,
    text: tuple[str, str, str],
    raised_by: int | None,
    at: datetime,
) -> Concern:
    title, detail, topic = text
    concern = Concern(
        organisation_id=committee, title=title, detail=detail, topic=topic,
        raised_by_id=raised_by, status="open", created_at=at, updated_at=at,
    )  # fmt: skip
    session.add(concern)
    session.flush()
    if raised_by is not None:
        session.add(ConcernSupport(concern_id=concern.id, account_id=raised_by))
    return concern
