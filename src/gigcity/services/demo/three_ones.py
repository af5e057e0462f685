"""The demo's "three ones" (issue 20): this month's letter to all members (not yet opened by
the demo rider) and one to the staff's station group (opened), a learning library of four
resources with the demo rider part-way through, and a book handed to the demo rider at the
staff's station. In the seeding transaction, a dozen rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import (
    Account,
    BookHandout,
    LearningProgress,
    LearningResource,
    Membership,
    OrgLetter,
    OrgLetterRead,
    utcnow,
)
from gigcity.services.organisation.sealing import MemberSeal

LETTER_ALL = (
    "致全区新就业群体党员的一封信",
    "各位骑手、司机党员同志：\n\n本月 17 日是主题党日。请在驿站扫码签到，值班的同志可以线上"
    "签到，错过的可参加补课。天冷路滑，送单注意安全。\n\n区委社会工作部",
)
LETTER_GROUP = (
    "驿站联合党支部本月安排",
    "本月组织生活会安排在主题党日当天下午，地点在驿站二楼活动室。欢迎大家带着意见和建议来。",
)
# (title, kind, url, body, minutes, the demo rider's percent or None)
RESOURCES = [
    (
        "党的二十届三中全会精神学习读本",
        "article",
        None,
        "一、进一步全面深化改革的重要意义……",
        20,
        100,
    ),
    (
        "微党课：新就业群体怎样发挥先锋作用",
        "video",
        None,
        "本片讲述区内骑手党员的先锋故事……",
        12,
        40,
    ),
    ("骑手交通安全十讲", "course", None, "第一讲：路口减速……", 45, None),
    ("听党史：上海的红色足迹", "audio", None, "中共一大会址、渔阳里……", 15, None),
]
BOOK = "新就业群体党员学习手册"


def seed_three_ones(session: Session, members: MemberSeal | None = None) -> None:
    """Seed unless the learning library has a resource already (in the caller's
    transaction). `members`: the platform's seal of memberships (None: the dev keys)."""
    if session.scalar(select(LearningResource.id).limit(1)) is not None:
        return
    rider = session.scalar(select(Account.id).where(Account.username == "rider"))
    staff = session.scalar(select(Account).where(Account.username == "staff"))
    now = utcnow()
    _letters(session, rider, members or MemberSeal.on(session.connection()))
    for title, kind, url, body, minutes, percent in RESOURCES:
        resource = LearningResource(title=title, kind=kind, url=url, body=body, minutes=minutes)
        session.add(resource)
        session.flush()
        if rider is not None and percent is not None:
            session.add(
                LearningProgress(
                    resource_id=resource.id, account_id=rider, percent=percent, updated_at=now,
                    completed_at=now if percent == 100 else None,
                )
            )  # fmt: skip
    if rider is not None:
        session.add(
            BookHandout(
                account_id=rider, title=BOOK, place_id=staff.station_id if staff else None,
                given_by_id=staff.id if staff else None, given_at=now - timedelta(days=3),
            )
        )  # fmt: skip


def _letters(session: Session, rider: int | None, seal: MemberSeal) -> None:
    group = None
    if rider is not None:
        group = session.scalar(
            select(Membership.organisation_id).where(Membership.account_key == seal.key(rider))
        )
    session.add(OrgLetter(organisation_id=None, title=LETTER_ALL[0], body=LETTER_ALL[1]))
    if group is None:
        return
    letter = OrgLetter(organisation_id=group, title=LETTER_GROUP[0], body=LETTER_GROUP[1])
    session.add(letter)
    session.flush()
    assert rider is not None  # a group letter only when the rider is a member
    session.add(
        OrgLetterRead(
            letter_id=letter.id, account_key=seal.key(rider), account_enc=seal.seal(rider)
        )
    )
