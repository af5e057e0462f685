"""The "three ones" (issue 20): the monthly letter with read receipts, the learning library
with each member's progress, and the book handed out. (Being written.)"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from gigcity.services.day_clock import DayClock


class ThreeOnesService:
    """Letters, the learning library and books on the database."""

    def __init__(self, factory: sessionmaker[Session], clock: DayClock) -> None:
        self._factory = factory
        self._clock = clock
