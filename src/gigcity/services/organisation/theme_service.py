"""Theme days at every station (issue 20): generated from the 17th of each month, QR and
online check-in, make-up sessions, attendance. (Being written.)"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from gigcity.geo.district import District
from gigcity.services.day_clock import DayClock


class ThemeDayService:
    """Theme days and their attendance on the database."""

    def __init__(self, factory: sessionmaker[Session], district: District, clock: DayClock) -> None:
        self._factory = factory
        self._district = district
        self._clock = clock
