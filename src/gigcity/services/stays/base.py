"""The stays service's shared base: its clock and local times, who may do what, the check-in
codes and the locks every booking change takes (the home's, then the person's)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import Place, StayBed, StayHome
from gigcity.db.session import lock_named
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock
from gigcity.services.errors import Forbidden, NotFound
from gigcity.services.field_keys import CodeKey
from gigcity.services.jobs import JobQueue
from gigcity.services.places.access import check_station_staff
from gigcity.services.stays.counts import NightCounts
from gigcity.services.stays.map_figures import MARKED, mark_home, publisher
from gigcity.services.types import as_utc

NIGHT_STARTS = time(18, 0)  # night D: D 18:00 local ...
NIGHT_ENDS = time(10, 0)  # ... to D+1 10:00 local
NAP_GRACE = timedelta(minutes=30)  # a nap not checked in 30 minutes into its slot is released
EARLY_CHECKIN = timedelta(hours=2)  # the desk may check a guest in this long before the start
OFFER_HOLD = timedelta(minutes=30)  # a released bed is held for the next in line this long
CODE_KEY = "stays_code_key"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class StaysBase:
    def __init__(
        self,
        factory: sessionmaker[Session],
        day_clock: DayClock,
        jobs: JobQueue,
        *,
        signing_secret: str = "",
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.factory = factory
        self.day_clock = day_clock
        self.jobs = jobs
        self.clock = clock
        self._code_key = CodeKey(factory, signing_secret, dev_key=CODE_KEY, purpose="stays-code")
        # Every home's counts for "free beds near me", at most a second old.
        self.night_counts = NightCounts(factory, self.night_range)
        # The marked homes' beds on the map, written as each transaction commits; the
        # counts are read again after such a change.
        publish = publisher(lambda: self.night_range(self.tonight(self.clock())))

        def publish_and_forget(session: Session) -> None:
            if session.info.get(MARKED):
                self.night_counts.forget()
            publish(session)

        self._publish = publish_and_forget
        event.listen(factory, "before_commit", self._publish)

    def close(self) -> None:
        if event.contains(self.factory, "before_commit", self._publish):
            event.remove(self.factory, "before_commit", self._publish)

    # -- local times -------------------------------------------------------------------

    def at_local(self, day: date, clock: time) -> datetime:
        """`day` at the wall-clock time `clock` in the district, as a UTC instant."""
        return datetime.combine(day, clock, tzinfo=self.day_clock.tz).astimezone(UTC)

    def night_range(self, night: date, nights: int = 1) -> tuple[datetime, datetime]:
        return (
            self.at_local(night, NIGHT_STARTS),
            self.at_local(night + timedelta(days=nights), NIGHT_ENDS),
        )

    def tonight(self, now: datetime) -> date:
        """The night under way or to come: before 10:00 local, last night is still on."""
        local = self.day_clock.local(now)
        return local.date() if local.time() >= NIGHT_ENDS else local.date() - timedelta(days=1)

    def cutoff_of(self, home: StayHome, night: date) -> datetime:
        """The latest check-in of `night` (a cut-off before 10:00 is after midnight)."""
        hours, minutes = (int(part) for part in home.checkin_cutoff.split(":"))
        cutoff = time(hours, minutes)
        day = night + timedelta(days=1) if cutoff < NIGHT_ENDS else night
        return self.at_local(day, cutoff)

    def night_of(self, moment: datetime) -> date:
        """The night that starts at `moment` (a night booking's start)."""
        return self.day_clock.local(moment).date()

    # -- check-in codes ----------------------------------------------------------------

    @property
    def code_key(self) -> bytes:
        return self._code_key.key

    def code_of(self, account_id: int, bed_id: int, starts_at: datetime, issued: datetime) -> str:
        """A booking's check-in code: ten letters and digits derived with the instance's key
        from who holds which bed from when, issued when (known before the row is written),
        so only its hash is stored and the booker can see it again."""
        stamps = [int(as_utc(t).timestamp() * 1_000_000) for t in (starts_at, issued)]
        message = f"{account_id}|{bed_id}|{stamps[0]}|{stamps[1]}".encode()
        mac = hmac.new(self.code_key, message, hashlib.sha256)
        return base64.b32encode(mac.digest()[:10]).decode()[:10]

    @staticmethod
    def code_hash(code: str) -> str:
        return hashlib.sha256(code.strip().upper().encode()).hexdigest()


# -- who may do what -------------------------------------------------------------------
# Admins everywhere; station staff for the service point they work at (their station is
# the home); riders book, wait and read.


def require_keeper(principal: Principal, place_id: int) -> None:
    check_station_staff(principal, place_id, N_("Staff may keep only the home they work at."))


def require_rider(principal: Principal) -> int:
    if principal.role != Role.rider or principal.account_id is None:
        raise Forbidden(N_("Only riders and drivers book beds."))
    return principal.account_id


def get_home(session: Session, place_id: int) -> StayHome:
    home = session.get(StayHome, place_id)
    if home is None:
        raise NotFound(N_("Service point {id} takes no stays."), id=place_id)
    return home


def get_place(session: Session, place_id: int) -> Place:
    place = session.get(Place, place_id)
    if place is None:
        raise NotFound(N_("No service point {id}."), id=place_id)
    return place


def get_bed(session: Session, bed_id: int) -> StayBed:
    bed = session.get(StayBed, bed_id)
    if bed is None:
        raise NotFound(N_("No bed {id}."), id=bed_id)
    return bed


def lock_home(session: Session, place_id: int) -> None:
    """Bookings of one home change one at a time (the home's lock first, then a person's:
    always in that order). The home's figures on the map are written before the commit."""
    lock_named(session, f"stays.home.{place_id}")
    mark_home(session, place_id)


def lock_person(session: Session, account_id: int) -> None:
    lock_named(session, f"stays.person.{account_id}")
