"""The stations service's shared base: its clock and local time, the field cipher for case
notes, the key of drivers' QR codes, and who may do what."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import Account, Place, StationService
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role, WorkerType
from gigcity.services.cipher import FieldCipher
from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.field_keys import CodeKey, KeyRing
from gigcity.services.jobs import JobQueue
from gigcity.services.places import OpeningHours, PlaceKind

FIELD_KEY = "stations_field_key"  # dev and demo: the database's own random field key
CODE_KEY = "stations_code_key"  # dev and demo: the key of drivers' QR codes
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the days a station plans for
PURPOSE = "station case notes"  # keeps this service's derived key apart from the others'


def _utcnow() -> datetime:
    return datetime.now(UTC)


class StationsBase:
    def __init__(
        self,
        factory: sessionmaker[Session],
        jobs: JobQueue,
        *,
        timezone: str = "Asia/Shanghai",
        keys: str = "",
        signing_secret: str = "",
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.factory = factory
        self.jobs = jobs
        self.tz = ZoneInfo(timezone)
        self.clock = clock
        self.keys = KeyRing(factory, keys, signing_secret, dev_key=FIELD_KEY, purpose=PURPOSE)
        self._code_key = CodeKey(factory, signing_secret, dev_key=CODE_KEY, purpose="stations-code")

    def local_now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    def local_at(self, day: date, clock: time, field: str = "day") -> datetime:
        """`day` at the wall-clock time `clock` in the district, as a UTC instant; a day
        outside the years 2000-2100 is refused naming `field`."""
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise InvalidInput(
                N_("Give a day between the years {first} and {last}."),
                field=field,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        return datetime.combine(day, clock, tzinfo=self.tz).astimezone(UTC)

    @property
    def cipher(self) -> FieldCipher:
        """Case notes' cipher (`gigcity.services.field_keys`)."""
        return self.keys.cipher

    @property
    def code_key(self) -> bytes:
        return self._code_key.key

    def mac(self, text: str) -> str:
        return hmac.new(self.code_key, text.encode(), hashlib.sha256).hexdigest()[:16]

    def account_of_code(self, code: str, field: str = "code") -> int:
        """The truck driver's account a code names; InvalidInput when it is not one this
        instance signed, has expired, or names no active truck driver."""
        parts = code.strip().split(".")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            raise InvalidInput(N_("This is not a driver's code."), field=field)
        body = f"{parts[0]}.{parts[1]}"
        if parts[2] != self.mac(body):
            raise InvalidInput(N_("This is not a driver's code."), field=field)
        if int(parts[1]) < self.clock().timestamp():
            raise InvalidInput(
                N_("This code has expired; ask the driver to open it again."), field=field
            )
        with self.factory() as session:
            account = session.get(Account, int(parts[0]))
            if (
                account is None
                or not account.active
                or account.worker_type != WorkerType.truck_driver.value
            ):
                raise InvalidInput(N_("This is not a driver's code."), field=field)
            return account.id


# -- who may do what -------------------------------------------------------------------
# Admins everywhere; station staff for the station they work at; truck drivers (rider
# accounts of worker type truck_driver) queue, book and show their code.


def require_driver(session: Session, principal: Principal) -> int:
    """The caller's account id, if a truck driver's."""
    if principal.role != Role.rider or principal.account_id is None:
        raise Forbidden(N_("Only truck drivers may do this."))
    kind = session.scalar(select(Account.worker_type).where(Account.id == principal.account_id))
    if kind != WorkerType.truck_driver.value:
        raise Forbidden(N_("Only truck drivers may do this."))
    return principal.account_id


def get_station(session: Session, place_id: int) -> Place:
    place = session.get(Place, place_id)
    if place is None or place.kind != PlaceKind.truck_driver_station.value:
        raise NotFound(N_("No truck-driver station {id}."), id=place_id)
    return place


def get_service(session: Session, service_id: int) -> StationService:
    row = session.get(StationService, service_id)
    if row is None:
        raise NotFound(N_("No station service {id}."), id=service_id)
    return row


def service_hours(service: StationService, place: Place) -> OpeningHours:
    """The service's own hours, else the station's."""
    return OpeningHours.model_validate(service.hours or place.hours or {})
