"""Concerns raised with platforms at the Tuesday meetings (周二见, issue 20): agenda,
concerns, owners, due dates, the platform's answer, and a concern priced on the
negotiation workbench. (Being written.)"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from gigcity.services.day_clock import DayClock
from gigcity.services.workbench import WorkbenchService


class ConcernsService:
    """Meetings and concerns on the database."""

    def __init__(
        self, factory: sessionmaker[Session], workbench: WorkbenchService, clock: DayClock
    ) -> None:
        self._factory = factory
        self._workbench = workbench
        self._clock = clock
