"""Health centres and their doctors: a centre is a place of kind health_center with a
sign-up capacity; its doctors have list sizes. Admins keep them everywhere, grid officers
in their own sub-district. A capacity or list size never goes below the sign-ups already
there: the change is a conditional UPDATE (`taken <= new`) whose row count says."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Doctor, DoctorCentre, Place
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.doctors.base import (
    DoctorsBase,
    centre_at,
    centre_place,
    doctor_of,
    require_centre_keeper,
)
from gigcity.services.care.doctors.schemas import (
    CentreIn,
    CentreOut,
    DoctorIn,
    DoctorOut,
    DoctorUpdate,
    MyDoctorOut,
)
from gigcity.services.errors import Conflict, InvalidInput, NotFound


def doctor_out(doctor: Doctor) -> DoctorOut:
    return DoctorOut(
        id=doctor.id,
        name=doctor.name,
        list_size=doctor.list_size,
        taken=doctor.taken,
        free=doctor.list_size - doctor.taken,
        active=doctor.active,
    )


def centre_out(session: Session, place: Place, centre: DoctorCentre) -> CentreOut:
    doctors = session.scalars(
        select(Doctor).where(Doctor.centre_id == centre.id).order_by(Doctor.id)
    )
    return CentreOut(
        place_id=place.id,
        name=place.name,
        subdistrict=place.subdistrict,
        address=place.address,
        capacity=centre.capacity,
        taken=centre.taken,
        free=centre.capacity - centre.taken,
        doctors=[doctor_out(d) for d in doctors],
    )


def _check_doctor_account(session: Session, account_id: int, place: Place) -> None:
    account = session.get(Account, account_id)
    if (
        account is None
        or not account.active
        or account.role != Role.staff.value
        or account.station_id != place.id
    ):
        raise InvalidInput(
            N_("A doctor signs in with an active staff account of {centre}."),
            field="account_id",
            centre=place.name,
        )
    taken = session.scalar(select(Doctor.id).where(Doctor.account_id == account_id))
    if taken is not None:
        raise Conflict(N_("That account is already another doctor's sign-in."))


class Centres(DoctorsBase):
    def set_centre(self, principal: Principal, place_id: int, data: CentreIn) -> CentreOut:
        """Make the place a centre that signs workers up, or change its capacity."""
        with transaction(self.factory) as session:
            place = centre_place(session, place_id)
            require_centre_keeper(principal, place)
            now = self.clock()
            centre = session.scalar(select(DoctorCentre).where(DoctorCentre.place_id == place.id))
            if centre is None:
                centre = DoctorCentre(
                    place_id=place.id,
                    capacity=data.capacity,
                    taken=0,
                    updated_by=principal.account_id,
                    updated_at=now,
                )
                session.add(centre)
                session.flush()
            else:
                done = session.execute(
                    update(DoctorCentre)
                    .where(DoctorCentre.id == centre.id, DoctorCentre.taken <= data.capacity)
                    .values(capacity=data.capacity, updated_by=principal.account_id, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
                if done.rowcount != 1:  # type: ignore[attr-defined]
                    raise Conflict(
                        N_("{centre} has more sign-ups than {capacity}: end some first."),
                        centre=place.name,
                        capacity=data.capacity,
                    )
                session.refresh(centre)
            return centre_out(session, place, centre)

    def centres(self) -> list[CentreOut]:
        """Every centre that signs workers up, with its doctors and their free places."""
        with self.factory() as session:
            rows = session.execute(
                select(Place, DoctorCentre)
                .join(DoctorCentre, DoctorCentre.place_id == Place.id)
                .order_by(Place.name, Place.id)
            ).all()
            return [centre_out(session, place, centre) for place, centre in rows]

    def centre(self, place_id: int) -> CentreOut:
        with self.factory() as session:
            place, centre = centre_at(session, place_id)
            return centre_out(session, place, centre)

    def my_doctor(self, principal: Principal) -> MyDoctorOut:
        """The doctor whose sign-in `principal` is, with their centre (403 for anyone else)."""
        with self.factory() as session:
            doctor = doctor_of(session, principal)
            centre = session.get(DoctorCentre, doctor.centre_id)
            assert centre is not None
            place = session.get(Place, centre.place_id)
            assert place is not None
            return MyDoctorOut(
                **doctor_out(doctor).model_dump(), place_id=place.id, centre=place.name
            )

    def add_doctor(self, principal: Principal, place_id: int, data: DoctorIn) -> DoctorOut:
        try:
            with transaction(self.factory) as session:
                place, centre = centre_at(session, place_id)
                require_centre_keeper(principal, place)
                if data.account_id is not None:
                    _check_doctor_account(session, data.account_id, place)
                doctor = Doctor(
                    centre_id=centre.id,
                    name=data.name,
                    list_size=data.list_size,
                    taken=0,
                    account_id=data.account_id,
                    active=True,
                )
                session.add(doctor)
                session.flush()
                return doctor_out(doctor)
        except IntegrityError:  # the same account named by two at once
            raise Conflict(N_("That account is already another doctor's sign-in.")) from None

    def update_doctor(self, principal: Principal, doctor_id: int, data: DoctorUpdate) -> DoctorOut:
        try:
            with transaction(self.factory) as session:
                doctor = session.get(Doctor, doctor_id)
                if doctor is None:
                    raise NotFound(N_("No doctor {id}."), id=doctor_id)
                centre = session.get(DoctorCentre, doctor.centre_id)
                assert centre is not None
                place = session.get(Place, centre.place_id)
                assert place is not None
                require_centre_keeper(principal, place)
                values: dict[str, object] = {}
                guard = []
                if data.name is not None:
                    values["name"] = data.name
                if data.account_id is not None and data.account_id != doctor.account_id:
                    _check_doctor_account(session, data.account_id, place)
                    values["account_id"] = data.account_id
                elif data.account_id is None and "account_id" in data.model_fields_set:
                    values["account_id"] = None  # the sign-in is taken away
                if data.list_size is not None:
                    values["list_size"] = data.list_size
                    guard.append(Doctor.taken <= data.list_size)
                if data.active is not None:
                    values["active"] = data.active
                    if not data.active:
                        guard.append(Doctor.taken == 0)
                if values:
                    done = session.execute(
                        update(Doctor)
                        .where(Doctor.id == doctor.id, *guard)
                        .values(**values)
                        .execution_options(synchronize_session=False)
                    )
                    if done.rowcount != 1:  # type: ignore[attr-defined]
                        raise Conflict(
                            N_("{doctor} has {taken} patients: a smaller list or leaving "
                               "must wait until they move."),
                            doctor=doctor.name,
                            taken=doctor.taken,
                        )  # fmt: skip
                    session.refresh(doctor)
                return doctor_out(doctor)
        except IntegrityError:
            raise Conflict(N_("That account is already another doctor's sign-in.")) from None
