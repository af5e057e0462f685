"""Health-monitoring visits: readings (blood pressure, heart rate, blood glucose, weight)
taken at a service point by its staff or by the worker's doctor, ONLY while the worker's
consent stands (granted and not withdrawn; withdrawing stops new readings at once: the
recording transaction locks the consent row first).

The values are one field encrypted with the platform's field cipher. They are shown ONLY
to the worker and to their current family doctor: everyone else, district admins and the
staff who took them included, gets a 403. Every read by a person is logged in the reading
transaction (`doctors_reads`), and the worker sees that log."""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gigcity.db.models import (
    Account,
    DoctorConsent,
    DoctorRead,
    DoctorReading,
    DoctorSignup,
    Place,
)
from gigcity.db.session import lock_named, transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.doctors.base import DoctorsBase, doctor_of, log_read, require_worker
from gigcity.services.care.doctors.schemas import (
    VALUES,
    ConsentOut,
    PatientOut,
    ReadingIn,
    ReadingOut,
    ReadingRecorded,
    ReadLogOut,
)
from gigcity.services.cipher import FieldCipher
from gigcity.services.errors import Conflict, Forbidden, NotFound
from gigcity.services.types import as_utc

READINGS_LIMIT = 100
LOG_LIMIT = 100


class Readings(DoctorsBase):
    # -- consent ----------------------------------------------------------------------------

    def consent(self, principal: Principal) -> ConsentOut:
        worker = require_worker(principal)
        with self.factory() as session:
            row = session.scalar(select(DoctorConsent).where(DoctorConsent.current == worker))
            if row is None:
                return ConsentOut(granted=False)
            return ConsentOut(granted=True, granted_at=as_utc(row.granted_at))

    def grant_consent(self, principal: Principal) -> ConsentOut:
        """Consent to readings (a standing consent stays as it is)."""
        worker = require_worker(principal)
        with transaction(self.factory) as session:
            lock_named(session, f"doctors.consent.{worker}")
            row = session.scalar(select(DoctorConsent).where(DoctorConsent.current == worker))
            if row is None:
                row = DoctorConsent(account_id=worker, current=worker, granted_at=self.clock())
                session.add(row)
                session.flush()
            return ConsentOut(granted=True, granted_at=as_utc(row.granted_at))

    def withdraw_consent(self, principal: Principal) -> None:
        """No new readings from now; those taken stay (for the worker and their doctor)
        until the retention period deletes them."""
        worker = require_worker(principal)
        with transaction(self.factory) as session:
            done = session.execute(
                update(DoctorConsent)
                .where(DoctorConsent.current == worker)
                .values(current=None, withdrawn_at=self.clock())
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound(N_("You have not consented to health readings."))

    # -- readings ---------------------------------------------------------------------------

    def record(self, principal: Principal, data: ReadingIn) -> ReadingRecorded:
        """Staff of a service point (a centre's doctors are its staff) record a visit's
        readings; the answer does not repeat them."""
        if principal.role != Role.staff or principal.station_id is None:
            raise Forbidden(N_("Only the staff of a service point record health readings."))
        cipher = self.cipher  # before the transaction: in dev its key may be written first
        with transaction(self.factory) as session:
            worker = session.scalar(
                select(Account).where(
                    Account.username == data.worker,
                    Account.role == Role.rider.value,
                    Account.active,
                )
            )
            if worker is None:
                raise NotFound(N_("No rider or driver {name}."), field="worker", name=data.worker)
            consent = session.scalar(
                select(DoctorConsent).where(DoctorConsent.current == worker.id).with_for_update()
            )
            if consent is None:
                raise Conflict(N_("This worker has not consented to health readings."))
            values = {
                name: getattr(data, name) for name in VALUES if getattr(data, name) is not None
            }
            reading = DoctorReading(
                account_id=worker.id,
                consent_id=consent.id,
                place_id=principal.station_id,
                taken_by=principal.account_id,
                taken_at=self.clock(),
                values_enc=cipher.encrypt(json.dumps(values, sort_keys=True)),
            )
            session.add(reading)
            session.flush()
            return ReadingRecorded(id=reading.id, taken_at=as_utc(reading.taken_at))

    def _readings(self, session: Session, cipher: FieldCipher, worker_id: int) -> list[ReadingOut]:
        rows = session.execute(
            select(DoctorReading, Place.name)
            .outerjoin(Place, Place.id == DoctorReading.place_id)
            .where(DoctorReading.account_id == worker_id)
            .order_by(DoctorReading.taken_at.desc(), DoctorReading.id.desc())
            .limit(READINGS_LIMIT)
        ).all()
        out = []
        for reading, place in rows:
            values = json.loads(cipher.decrypt(reading.values_enc))
            out.append(
                ReadingOut(id=reading.id, taken_at=as_utc(reading.taken_at), place=place, **values)
            )
        return out

    def my_readings(self, principal: Principal) -> list[ReadingOut]:
        worker = require_worker(principal)
        cipher = self.cipher
        with transaction(self.factory) as session:
            log_read(session, principal, worker, "own", self.clock())
            return self._readings(session, cipher, worker)

    def my_read_log(self, principal: Principal) -> list[ReadLogOut]:
        """Who read the worker's readings (by role and purpose), newest first."""
        worker = require_worker(principal)
        with self.factory() as session:
            rows = session.scalars(
                select(DoctorRead)
                .where(DoctorRead.worker_id == worker)
                .order_by(DoctorRead.at.desc(), DoctorRead.id.desc())
                .limit(LOG_LIMIT)
            )
            return [ReadLogOut(at=as_utc(r.at), role=r.role, purpose=r.purpose) for r in rows]

    def patients(self, principal: Principal) -> list[PatientOut]:
        """A doctor's current patients."""
        with self.factory() as session:
            doctor = doctor_of(session, principal)
            rows = session.execute(
                select(DoctorSignup, Account)
                .join(Account, Account.id == DoctorSignup.account_id)
                .where(DoctorSignup.doctor_id == doctor.id, DoctorSignup.current.is_not(None))
                .order_by(Account.display_name, Account.id)
            ).all()
            return [
                PatientOut(
                    account_id=account.id,
                    name=account.display_name,
                    worker_type=account.worker_type,
                    since=as_utc(signup.started_at),
                )
                for signup, account in rows
            ]

    def patient_readings(self, principal: Principal, worker_id: int) -> list[ReadingOut]:
        """A worker's readings, for their current family doctor only (logged)."""
        cipher = self.cipher
        with transaction(self.factory) as session:
            doctor = doctor_of(session, principal)
            signup = session.scalar(
                select(DoctorSignup.id).where(
                    DoctorSignup.current == worker_id, DoctorSignup.doctor_id == doctor.id
                )
            )
            if signup is None:
                raise Forbidden(
                    N_("Only the worker and their family doctor may read these readings.")
                )
            log_read(session, principal, worker_id, "patient", self.clock())
            return self._readings(session, cipher, worker_id)
