"""Volunteer teams on the database. (Being written.)"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from gigcity.geo.district import District
from gigcity.services.day_clock import DayClock


class VolunteersService:
    """Teams, activities, sign-ups and hours."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        district: District,
        clock: DayClock,
        *,
        signing_secret: str,
    ) -> None:
        self._factory = factory
        self._district = district
        self._clock = clock
        self._signing_secret = signing_secret
