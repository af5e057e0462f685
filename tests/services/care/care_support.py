"""Care tests' shared set-up: a counsellor account, a clock the tests move, a session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gigcity.services.accounts import Principal, Role
from gigcity.services.care import SessionIn
from gigcity.services.platform import Platform
from support import Clock, add_account

# Wednesday 2 December 2026, 12:00 in Shanghai (04:00 UTC).
NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)


def with_clock(platform: Platform, at: datetime = NOW) -> Clock:
    clock = Clock(at)
    platform.care.clock = clock
    return clock


def counsellor(platform: Platform, username: str = "counsellor") -> Principal:
    return add_account(platform, username, Role.counsellor)


def session_in(capacity: int = 3, **changes: object) -> SessionIn:
    data: dict[str, object] = {
        "title": "夜班骑手减压小组",
        "starts_at": NOW + timedelta(days=2),
        "minutes": 90,
        "venue": "万里街道社区中心 3 楼",
        "capacity": capacity,
    }
    data.update(changes)
    return SessionIn.model_validate(data)
