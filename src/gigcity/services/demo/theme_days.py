"""The demo's theme days (issue 20): this month's and the next at the demo stations."""

from __future__ import annotations

from sqlalchemy.orm import Session


def seed_theme_days(session: Session) -> None:
    """This month's theme day at the staff's station, with attendance. (Being written.)"""
