"""Signing up with a family doctor: a worker (role `rider`: riders, couriers, drivers)
signs up at any centre, with a doctor they choose or the one with the most room; one
active sign-up per worker, so signing up elsewhere ends the old one.

Atomic on both databases: every sign-up, move and end takes the service's named lock
first (`lock_named`; on SQLite the writing transaction's lock), and the centre's and the
doctor's counts move by conditional UPDATEs (`taken < capacity`, `taken < list_size`)
whose row counts say whether there was room, backed by check constraints. The active
sign-up carries the worker's id in a unique column: a second one cannot be stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gigcity.db.models import Doctor, DoctorCentre, DoctorSignup, DoctorSlot, Place
from gigcity.db.session import lock_named, transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.care.doctors.base import DoctorsBase, centre_at, require_worker
from gigcity.services.care.doctors.schemas import SignupIn, SignupOut
from gigcity.services.errors import Conflict, NotFound
from gigcity.services.types import as_utc

LOCK = "doctors.signups"


def _count(session: Session, model: type[DoctorCentre] | type[Doctor], row_id: int, by: int) -> int:
    """Move `taken` of one centre or doctor by `by`, within its limit; the row count."""
    limit = DoctorCentre.capacity if model is DoctorCentre else Doctor.list_size
    statement = update(model).where(model.id == row_id)
    if by > 0:
        statement = statement.where(model.taken + by <= limit)
        if model is Doctor:
            statement = statement.where(Doctor.active)
    done = session.execute(
        statement.values(taken=model.taken + by).execution_options(synchronize_session=False)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def current_signup(session: Session, worker_id: int) -> DoctorSignup | None:
    return session.scalar(select(DoctorSignup).where(DoctorSignup.current == worker_id))


def end_signup(session: Session, signup: DoctorSignup, at: datetime) -> None:
    """End `signup` and give its places back (under the lock), and the doctor's coming
    check-up slots the worker had booked."""
    signup.current = None
    signup.ended_at = at
    session.flush()
    _count(session, DoctorCentre, signup.centre_id, -1)
    _count(session, Doctor, signup.doctor_id, -1)
    session.execute(
        update(DoctorSlot)
        .where(
            DoctorSlot.booked_by == signup.account_id,
            DoctorSlot.doctor_id == signup.doctor_id,
            DoctorSlot.starts_at > at,
        )
        .values(booked_by=None, booked_at=None, reminded_at=None)
        .execution_options(synchronize_session=False)
    )


def _take_doctor(
    session: Session, place: Place, centre: DoctorCentre, doctor_id: int | None
) -> Doctor:
    if doctor_id is not None:
        doctor = session.get(Doctor, doctor_id)
        if doctor is None or doctor.centre_id != centre.id or not doctor.active:
            raise NotFound(
                N_("{centre} has no doctor {id}."),
                field="doctor_id",
                centre=place.name,
                id=doctor_id,
            )
        if _count(session, Doctor, doctor.id, 1) != 1:
            raise Conflict(N_("{doctor}'s list is full."), doctor=doctor.name)
        return doctor
    # the doctor with the most room (then the first added)
    candidates = session.scalars(
        select(Doctor)
        .where(Doctor.centre_id == centre.id, Doctor.active, Doctor.taken < Doctor.list_size)
        .order_by((Doctor.list_size - Doctor.taken).desc(), Doctor.id)
    )
    for doctor in candidates:
        if _count(session, Doctor, doctor.id, 1) == 1:
            return doctor
    raise Conflict(N_("No doctor at {centre} has room on their list."), centre=place.name)


def signup_out(session: Session, signup: DoctorSignup) -> SignupOut:
    doctor = session.get(Doctor, signup.doctor_id)
    centre = session.get(DoctorCentre, signup.centre_id)
    assert doctor is not None
    assert centre is not None
    place = session.get(Place, centre.place_id)
    assert place is not None
    return SignupOut(
        place_id=place.id,
        centre=place.name,
        doctor_id=doctor.id,
        doctor=doctor.name,
        started_at=as_utc(signup.started_at),
    )


class Signups(DoctorsBase):
    def sign_up(self, principal: Principal, data: SignupIn) -> SignupOut:
        """Sign up at a centre (ending any sign-up elsewhere); a full centre or doctor is a
        409 naming it, and then nothing changes (the old sign-up stays)."""
        worker = require_worker(principal)
        with transaction(self.factory) as session:
            lock_named(session, LOCK)
            place, centre = centre_at(session, data.place_id)
            now = self.clock()
            old = current_signup(session, worker)
            if (
                old is not None
                and old.centre_id == centre.id
                and (data.doctor_id is None or data.doctor_id == old.doctor_id)
            ):
                raise Conflict(N_("You are already signed up at {centre}."), centre=place.name)
            if old is not None:
                end_signup(session, old, now)
            if _count(session, DoctorCentre, centre.id, 1) != 1:
                raise Conflict(N_("{centre} has no room for more sign-ups."), centre=place.name)
            doctor = _take_doctor(session, place, centre, data.doctor_id)
            signup = DoctorSignup(
                account_id=worker,
                centre_id=centre.id,
                doctor_id=doctor.id,
                current=worker,
                started_at=now,
            )
            session.add(signup)
            session.flush()
            return signup_out(session, signup)

    def my_signup(self, principal: Principal) -> SignupOut:
        worker = require_worker(principal)
        with self.factory() as session:
            signup = current_signup(session, worker)
            if signup is None:
                raise NotFound(N_("You are not signed up with a family doctor."))
            return signup_out(session, signup)

    def end_my_signup(self, principal: Principal) -> None:
        worker = require_worker(principal)
        with transaction(self.factory) as session:
            lock_named(session, LOCK)
            signup = current_signup(session, worker)
            if signup is None:
                raise NotFound(N_("You are not signed up with a family doctor."))
            end_signup(session, signup, self.clock())
