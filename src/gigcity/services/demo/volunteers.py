"""The demo's volunteer teams (issue 20)."""

from __future__ import annotations

from sqlalchemy.orm import Session


def seed_volunteers(session: Session) -> None:
    """Two volunteer teams with activities and confirmed hours. (Being written.)"""
