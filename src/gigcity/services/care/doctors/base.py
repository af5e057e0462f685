"""The family-doctor service's shared base: its settings, the field cipher for readings,
who may do what, and the log of every read of a worker's readings by a person.

A doctor signs in with a `staff` account bound to the centre's place (`Account.station_id`)
and named on the doctor's row (`Doctor.account_id`): no new role, and a centre's doctor
keeps its opening hours like any station's staff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import Doctor, DoctorCentre, DoctorRead, Place
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.cipher import FieldCipher
from gigcity.services.errors import Forbidden, NotFound
from gigcity.services.field_keys import KeyRing
from gigcity.services.jobs import JobQueue
from gigcity.services.places.schemas import PlaceKind

DEV_KEY = "doctors_field_key"  # dev and demo: the database's own random field key
PURPOSE = "doctors fields"  # keeps this service's derived key apart from the others'


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DoctorsBase:
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
        self.keys = KeyRing(factory, keys, signing_secret, dev_key=DEV_KEY, purpose=PURPOSE)
        self.clock = clock

    @property
    def cipher(self) -> FieldCipher:
        return self.keys.cipher


# -- who may do what -------------------------------------------------------------------


def require_worker(principal: Principal) -> int:
    """Riders, couriers and drivers (role `rider`): their account id."""
    if principal.role != Role.rider or principal.account_id is None:
        raise Forbidden(N_("Only riders, couriers and drivers sign up with a family doctor."))
    return principal.account_id


def require_centre_keeper(principal: Principal, place: Place) -> None:
    """District admins, and grid officers of the centre's sub-district."""
    if principal.role == Role.admin:
        return
    if principal.role == Role.officer and principal.subdistrict == place.subdistrict:
        return
    if principal.role == Role.officer:
        raise Forbidden(N_("Grid officers may only act within their own sub-district."))
    raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)


def require_slot_keeper(principal: Principal, place: Place) -> None:
    """Centre keepers, and the staff of the centre's own place (its doctors among them)."""
    if principal.role == Role.staff and principal.station_id == place.id:
        return
    require_centre_keeper(principal, place)


def doctor_of(session: Session, principal: Principal) -> Doctor:
    """The active doctor whose sign-in `principal` is; 403 for anyone else."""
    doctor = None
    if principal.role == Role.staff and principal.account_id is not None:
        doctor = session.scalar(
            select(Doctor).where(Doctor.account_id == principal.account_id, Doctor.active)
        )
    if doctor is None:
        raise Forbidden(N_("Only a family doctor may do this."))
    return doctor


def centre_place(session: Session, place_id: int) -> Place:
    """The place `place_id`, which must be a community health centre."""
    place = session.get(Place, place_id)
    if place is None or place.kind != PlaceKind.health_center.value:
        raise NotFound(N_("No community health centre {id}."), id=place_id)
    return place


def centre_at(session: Session, place_id: int) -> tuple[Place, DoctorCentre]:
    """The health centre at place `place_id` that signs workers up; 404 if it does not."""
    place = centre_place(session, place_id)
    centre = session.scalar(select(DoctorCentre).where(DoctorCentre.place_id == place.id))
    if centre is None:
        raise NotFound(N_("{centre} does not sign workers up yet."), centre=place.name)
    return place, centre


def log_read(
    session: Session, principal: Principal, worker_id: int, purpose: str, at: datetime
) -> None:
    """Record that `principal` read `worker_id`'s readings (in the reading transaction: a
    read that is not logged does not happen)."""
    session.execute(
        insert(DoctorRead),
        [
            {
                "at": at,
                "worker_id": worker_id,
                "account_id": principal.account_id,
                "role": principal.role.value,
                "purpose": purpose,
            }
        ],
    )
