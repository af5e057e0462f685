"""The demo's volunteer tasks for older people: two open tasks for the demo's older people
(a large item to carry for one, a visit for another), in the days ahead, so the riders'
and truck drivers' volunteer page has something to take."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Elder, VolunteerTask
from gigcity.services.day_clock import DayClock
from gigcity.services.demo.eldercare import EldercareDemo

# (which older person, in enrolment order; kind; what; days from today; team)
_TASKS = (
    (0, "carry_large_item", "演示：把旧冰箱搬下楼，换一台新的搬上去", 1, "货车司机爱心车队"),
    (4, "visit", "演示：陪刘老伯聊聊天，看看家里有没有要帮忙的", 2, ""),
)


def seed_volunteer_tasks(
    session: Session, demo: EldercareDemo | None = None, *, now: datetime | None = None
) -> int:
    """Post the demo's open tasks (in the caller's transaction) unless each is there from
    today on; the number added. Nothing without the demo's older people."""
    elders = list(
        session.scalars(select(Elder.id).where(Elder.ended_at.is_(None)).order_by(Elder.id))
    )
    if not elders:
        return 0
    today = DayClock((demo or EldercareDemo()).timezone).day_of(now or datetime.now(UTC))
    officer = session.scalar(select(Account.id).where(Account.username == "officer"))
    added = 0
    for index, kind, title, ahead, team in _TASKS:
        if index >= len(elders):
            continue
        there = session.scalar(
            select(VolunteerTask.id)
            .where(
                VolunteerTask.elder_id == elders[index],
                VolunteerTask.title == title,
                VolunteerTask.day >= today,
            )
            .limit(1)
        )
        if there is not None:
            continue
        session.add(
            VolunteerTask(
                elder_id=elders[index], kind=kind, title=title,
                day=today + timedelta(days=ahead), team=team, created_by=officer,
            )
        )  # fmt: skip
        added += 1
    session.flush()
    return added
