"""The district's overview of organisation work (issue 20): check-ins per point, theme-day
attendance by month, concerns opened and closed, volunteer hours. (Being written.)"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from gigcity.geo.district import District
from gigcity.services.day_clock import DayClock


class OrganisationOverview:
    """The overview's figures, read from the database."""

    def __init__(self, factory: sessionmaker[Session], district: District, clock: DayClock) -> None:
        self._factory = factory
        self._district = district
        self._clock = clock
