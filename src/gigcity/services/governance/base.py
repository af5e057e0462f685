"""The governance service's shared base: its settings and the one rule every number and
export of it obeys — district admins see the whole district, a grid officer only their
own sub-district (asking for another is refused, never answered with theirs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from gigcity.geo.district import District
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.governance.map_use import MapUseCounter
from gigcity.services.jobs import JobQueue
from gigcity.services.storage import FileStore
from gigcity.services.types import as_utc

STAFF = (Role.officer, Role.admin)
# Distances near the district: one degree of latitude (longitude: times cos(latitude)).
METRES_PER_DEGREE = 111_320.0
# The days governance reads and writes: the hotline's records start long after the first,
# and both keep every date sum (a year before, a week after) a real date.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class GovernanceBase:
    def __init__(
        self,
        factory: sessionmaker[Session],
        district: District,
        files: FileStore,
        jobs: JobQueue | None = None,
        *,
        timezone: str = "Asia/Shanghai",
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.factory = factory
        self.district = district
        self.files = files
        self.jobs = jobs
        self.tz = ZoneInfo(timezone)
        self.clock = clock
        # The friendly map's use per sub-district (counted by the map, read by the overview).
        self.map_uses = MapUseCounter(factory, self.tz, lambda: self.clock())

    def close(self) -> None:
        """Write what this process still holds (the map's use counts)."""
        self.map_uses.close()

    # -- who sees what -------------------------------------------------------------------

    def area(self, principal: Principal, asked: str | None = None) -> str | None:
        """The sub-district `principal` may see when asking for `asked` (None: the whole
        district, for admins only). Every governance read goes through this."""
        if asked is not None and self.district.get(asked) is None:
            # Not echoed back: the district's sub-districts and their codes are public
            # (GET /api/district), and a code is no word for a Chinese reader.
            raise InvalidInput(
                N_("There is no such sub-district in the district."), field="subdistrict"
            )
        if principal.role == Role.admin:
            return asked
        if principal.role != Role.officer:
            raise Forbidden(N_("Only grid officers and district admins see governance data."))
        own = principal.subdistrict
        if own is None:
            raise Forbidden(N_("Your account has no sub-district; ask a district admin."))
        if asked not in (None, own):
            sub = self.district.get(own)
            raise Forbidden(
                N_("Grid officers see the data of their own sub-district ({own}) only."),
                field="subdistrict",
                own=sub.name if sub else own,
            )
        return own

    def require_in_area(self, principal: Principal, subdistrict: str | None) -> None:
        """Refuse acting on a record outside the caller's area (officers: a record not yet
        placed belongs to no sub-district and is the district's to place)."""
        area = self.area(principal)
        if area is not None and subdistrict != area:
            sub = self.district.get(area)
            raise Forbidden(
                N_("Grid officers see the data of their own sub-district ({own}) only."),
                own=sub.name if sub else area,
            )

    def require_admin(self, principal: Principal) -> None:
        if principal.role != Role.admin:
            raise Forbidden(N_("Only district admins may do this."))

    # -- time ------------------------------------------------------------------------------

    @staticmethod
    def check_day(day: date | None, field: str) -> None:
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput(
                N_("A day from {first} to {last}, please."),
                field=field,
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            )

    def today(self) -> date:
        return as_utc(self.clock()).astimezone(self.tz).date()

    def day_start(self, day: date) -> datetime:
        """Local midnight of `day` as a UTC instant (as stored)."""
        return as_utc(datetime.combine(day, time(), self.tz))

    def day_end(self, day: date) -> datetime:
        return self.day_start(day + timedelta(days=1))
