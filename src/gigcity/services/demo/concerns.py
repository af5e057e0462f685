"""The demo's concerns raised with the platform (周二见, issue 20)."""

from __future__ import annotations

from sqlalchemy.orm import Session


def seed_concerns(session: Session) -> None:
    """A Tuesday meeting and the concerns that led to the 2025 agreement. (Being written.)"""
