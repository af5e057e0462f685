"""The demo's "three ones" (issue 20): a letter, a learning library, a book handed out."""

from __future__ import annotations

from sqlalchemy.orm import Session


def seed_three_ones(session: Session) -> None:
    """A letter, learning resources and a book. (Being written.)"""
