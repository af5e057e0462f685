"""The demo's rest and care: `counsellor`, a hotline counsellor (home: the call-backs and
group sessions page), two group sessions in the coming days, and at the demo station a
rider set meal and a free-water fridge, open round the clock so the demo always shows
them. With the demo password."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, CareOffer, CareSession
from gigcity.services.accounts import Role, hash_password
from gigcity.services.demo.accounts import DEMO_PASSWORD
from gigcity.services.places import OpeningHours

COUNSELLOR_USERNAME = "counsellor"


def seed_care(session: Session, now: datetime | None = None) -> None:
    """Make the demo's counsellor, sessions and offers unless there (in the caller's
    transaction)."""
    now = now or datetime.now(UTC)
    if session.scalar(select(Account.id).where(Account.username == COUNSELLOR_USERNAME)) is None:
        session.add(
            Account(
                username=COUNSELLOR_USERNAME,
                display_name="心理热线咨询师小周",
                password_hash=hash_password(DEMO_PASSWORD),
                role=Role.counsellor.value,
                active=True,
            )
        )
    if session.scalar(select(CareSession.id).limit(1)) is None:
        tomorrow = (now + timedelta(days=1)).replace(hour=11, minute=0, second=0, microsecond=0)
        session.add_all(
            [
                CareSession(
                    title="夜班骑手减压小组", starts_at=tomorrow, minutes=90,
                    venue="万里街道党群服务中心 3 楼", online=False, capacity=12, taken=0,
                ),
                CareSession(
                    title="货车司机睡眠与情绪", starts_at=tomorrow + timedelta(days=2), minutes=60,
                    venue="线上会议室 962525", online=True, capacity=30, taken=0,
                ),
            ]
        )  # fmt: skip
    station_id = session.scalar(select(Account.station_id).where(Account.username == "staff"))
    if station_id is not None and session.scalar(select(CareOffer.id).limit(1)) is None:
        always = OpeningHours.open_24h().model_dump(mode="json")
        session.add_all(
            [
                CareOffer(place_id=station_id, kind="meal", name="骑手套餐（两荤一素）",
                          price_fen=1290, hours=always, active=True),
                CareOffer(place_id=station_id, kind="water", name="爱“新”冰箱",
                          price_fen=0, hours=always, active=True),
            ]
        )  # fmt: skip
    session.flush()
