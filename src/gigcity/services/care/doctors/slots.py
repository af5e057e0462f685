"""Check-up slots that fit shift work: a centre's slots lie in three bands of local time,
early morning (06:00-09:00), mid-afternoon between the lunch and dinner peaks (14:00-16:30)
and late evening (19:30-22:00). A worker books a slot with their own doctor, one coming
check-up at a time; a slot is booked once (a conditional UPDATE `booked_by IS NULL`).

Reminders (`doctors.remind`, daily in the evening): a notice the day before a check-up,
and one when a yearly check-up is due (no check-up in the past year, none booked),
at most every 30 days. Each is marked sent by a conditional UPDATE first, so two runs at
once send it once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Doctor, DoctorCentre, DoctorSignup, DoctorSlot, Place
from gigcity.db.session import lock_named, transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.care.doctors.base import (
    DoctorsBase,
    centre_at,
    doctor_of,
    require_slot_keeper,
    require_worker,
)
from gigcity.services.care.doctors.schemas import AppointmentOut, Band, SlotIn, SlotOut
from gigcity.services.care.doctors.signups import current_signup
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.notify import Notice, queue_notice
from gigcity.services.types import as_utc

BANDS: dict[Band, tuple[time, time]] = {
    Band.early: (time(6, 0), time(9, 0)),
    Band.afternoon: (time(14, 0), time(16, 30)),
    Band.evening: (time(19, 30), time(22, 0)),
}
YEAR = timedelta(days=365)
DUE_AGAIN = timedelta(days=30)  # a due check-up is told again after this
LIST_DAYS = 28  # how far ahead a worker sees free slots
LIST_LIMIT = 200


def band_of(start: datetime, minutes: int) -> Band | None:
    """The band a slot from `start` (local time) for `minutes` lies in, if one."""
    end = start + timedelta(minutes=minutes)
    if end.date() != start.date():
        return None
    for band, (first, last) in BANDS.items():
        if start.time() >= first and end.time() <= last:
            return band
    return None


def _slot_out(slot: DoctorSlot, place_id: int, doctor: str, worker: int | None) -> SlotOut:
    return SlotOut(
        id=slot.id,
        place_id=place_id,
        doctor_id=slot.doctor_id,
        doctor=doctor,
        starts_at=as_utc(slot.starts_at),
        minutes=slot.minutes,
        band=Band(slot.band),
        booked=slot.booked_by is not None,
        mine=worker is not None and slot.booked_by == worker,
    )


def _slots(session: Session, *where: object, worker: int | None = None) -> list[SlotOut]:
    rows = session.execute(
        select(DoctorSlot, Doctor.name, DoctorCentre.place_id)
        .join(Doctor, Doctor.id == DoctorSlot.doctor_id)
        .join(DoctorCentre, DoctorCentre.id == DoctorSlot.centre_id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(DoctorSlot.starts_at, DoctorSlot.id)
        .limit(LIST_LIMIT)
    ).all()
    return [_slot_out(slot, place_id, name, worker) for slot, name, place_id in rows]


class Slots(DoctorsBase):
    def local_day(self, at: datetime) -> date:
        return as_utc(at).astimezone(self.tz).date()

    def create_slot(self, principal: Principal, place_id: int, data: SlotIn) -> SlotOut:
        local = data.starts_at.astimezone(self.tz)
        band = band_of(local, data.minutes)
        if band is None:
            raise InvalidInput(
                N_("A check-up slot lies within 06:00-09:00, 14:00-16:30 or 19:30-22:00."),
                field="starts_at",
            )
        if data.starts_at <= self.clock():
            raise InvalidInput(N_("A check-up slot starts in the future."), field="starts_at")
        try:
            with transaction(self.factory) as session:
                place, centre = centre_at(session, place_id)
                require_slot_keeper(principal, place)
                doctor = session.get(Doctor, data.doctor_id)
                if doctor is None or doctor.centre_id != centre.id or not doctor.active:
                    raise NotFound(
                        N_("{centre} has no doctor {id}."),
                        field="doctor_id",
                        centre=place.name,
                        id=data.doctor_id,
                    )
                slot = DoctorSlot(
                    centre_id=centre.id,
                    doctor_id=doctor.id,
                    # in UTC: SQLite keeps the wall time and drops the offset
                    starts_at=data.starts_at.astimezone(UTC),
                    minutes=data.minutes,
                    band=band.value,
                )
                session.add(slot)
                session.flush()
                return _slot_out(slot, place.id, doctor.name, None)
        except IntegrityError:
            raise Conflict(N_("The doctor already has a slot at that time.")) from None

    def centre_slots(self, principal: Principal, place_id: int) -> list[SlotOut]:
        """A centre's coming slots, booked or not (never by whom), for its keepers."""
        with self.factory() as session:
            place, centre = centre_at(session, place_id)
            require_slot_keeper(principal, place)
            return _slots(
                session, DoctorSlot.centre_id == centre.id, DoctorSlot.starts_at > self.clock()
            )

    def my_slots(self, principal: Principal) -> list[SlotOut]:
        """The worker's doctor's free slots of the coming four weeks and the worker's own
        bookings (`mine`); none without a sign-up."""
        worker = require_worker(principal)
        now = self.clock()
        with self.factory() as session:
            signup = current_signup(session, worker)
            if signup is None:
                return []
            return _slots(
                session,
                DoctorSlot.doctor_id == signup.doctor_id,
                DoctorSlot.starts_at > now,
                DoctorSlot.starts_at < now + timedelta(days=LIST_DAYS),
                (DoctorSlot.booked_by.is_(None)) | (DoctorSlot.booked_by == worker),
                worker=worker,
            )

    def book(self, principal: Principal, slot_id: int) -> SlotOut:
        worker = require_worker(principal)
        now = self.clock()
        with transaction(self.factory) as session:
            lock_named(session, f"doctors.book.{worker}")
            slot = session.get(DoctorSlot, slot_id)
            if slot is None or as_utc(slot.starts_at) <= now:
                raise NotFound(N_("No coming check-up slot {id}."), id=slot_id)
            signup = current_signup(session, worker)
            if signup is None or signup.doctor_id != slot.doctor_id:
                raise Conflict(N_("You may book check-ups only with your own family doctor."))
            if slot.booked_by == worker:
                raise Conflict(N_("You have booked this slot already."))
            coming = session.scalar(
                select(DoctorSlot.id).where(
                    DoctorSlot.booked_by == worker, DoctorSlot.starts_at > now
                )
            )
            if coming is not None:
                raise Conflict(N_("You have a check-up booked already: cancel it first."))
            done = session.execute(
                update(DoctorSlot)
                .where(DoctorSlot.id == slot.id, DoctorSlot.booked_by.is_(None))
                .values(booked_by=worker, booked_at=now, reminded_at=None)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_("Someone else has just booked this slot."))
            session.refresh(slot)
            doctor = session.get(Doctor, slot.doctor_id)
            centre = session.get(DoctorCentre, slot.centre_id)
            assert doctor is not None
            assert centre is not None
            return _slot_out(slot, centre.place_id, doctor.name, worker)

    def cancel_booking(self, principal: Principal, slot_id: int) -> None:
        worker = require_worker(principal)
        with transaction(self.factory) as session:
            done = session.execute(
                update(DoctorSlot)
                .where(
                    DoctorSlot.id == slot_id,
                    DoctorSlot.booked_by == worker,
                    DoctorSlot.starts_at > self.clock(),
                )
                .values(booked_by=None, booked_at=None, reminded_at=None)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound(N_("You have no coming booking of slot {id}."), id=slot_id)

    def appointments(self, principal: Principal) -> list[AppointmentOut]:
        """A doctor's coming booked slots and who comes (their display names)."""
        with self.factory() as session:
            doctor = doctor_of(session, principal)
            rows = session.execute(
                select(DoctorSlot, Account.display_name)
                .join(Account, Account.id == DoctorSlot.booked_by)
                .where(DoctorSlot.doctor_id == doctor.id, DoctorSlot.starts_at > self.clock())
                .order_by(DoctorSlot.starts_at, DoctorSlot.id)
                .limit(LIST_LIMIT)
            ).all()
            return [
                AppointmentOut(
                    slot_id=slot.id,
                    starts_at=as_utc(slot.starts_at),
                    minutes=slot.minutes,
                    band=Band(slot.band),
                    patient_id=int(slot.booked_by or 0),
                    patient=name,
                )
                for slot, name in rows
            ]

    # -- reminders ------------------------------------------------------------------------

    def send_reminders(self) -> tuple[int, int]:
        """Queue the day-before reminders and the yearly-check-up-due notices; how many of
        each."""
        now = self.clock()
        tomorrow = self.local_day(now) + timedelta(days=1)
        start = datetime.combine(tomorrow, time(0), self.tz)
        end = start + timedelta(days=1)
        day_before = 0
        with transaction(self.factory) as session:
            rows = session.execute(
                select(DoctorSlot, Doctor.name, Place.name)
                .join(Doctor, Doctor.id == DoctorSlot.doctor_id)
                .join(DoctorCentre, DoctorCentre.id == DoctorSlot.centre_id)
                .join(Place, Place.id == DoctorCentre.place_id)
                .where(
                    DoctorSlot.booked_by.is_not(None),
                    DoctorSlot.reminded_at.is_(None),
                    DoctorSlot.starts_at >= start,
                    DoctorSlot.starts_at < end,
                )
            ).all()
            for slot, doctor, centre in rows:
                marked = session.execute(
                    update(DoctorSlot)
                    .where(DoctorSlot.id == slot.id, DoctorSlot.reminded_at.is_(None))
                    .values(reminded_at=now)
                    .execution_options(synchronize_session=False)
                )
                if marked.rowcount != 1 or slot.booked_by is None:  # type: ignore[attr-defined]
                    continue
                at = as_utc(slot.starts_at).astimezone(self.tz).strftime("%H:%M")
                queue_notice(
                    session,
                    self.jobs,
                    Notice(
                        account_id=slot.booked_by,
                        kind="doctors.reminder",
                        message=N_(
                            "Reminder: your check-up with {doctor} at {centre} is tomorrow "
                            "at {time}."
                        ),
                        params={"doctor": doctor, "centre": centre, "time": at},
                        url="/doctors",
                    ),
                )
                day_before += 1
        return day_before, self._due_notices(now)

    def _due_notices(self, now: datetime) -> int:
        seen = and_(
            DoctorSlot.booked_by == DoctorSignup.account_id,
            DoctorSlot.doctor_id == DoctorSignup.doctor_id,
            DoctorSlot.starts_at > now - YEAR,
        )
        sent = 0
        with transaction(self.factory) as session:
            rows = session.execute(
                select(DoctorSignup.id, DoctorSignup.account_id, Doctor.name)
                .join(Doctor, Doctor.id == DoctorSignup.doctor_id)
                .where(
                    DoctorSignup.current.is_not(None),
                    (DoctorSignup.due_noticed_at.is_(None))
                    | (DoctorSignup.due_noticed_at < now - DUE_AGAIN),
                    ~exists(select(DoctorSlot.id).where(seen)),
                )
                .order_by(DoctorSignup.id)
                .limit(1000)
            ).all()
            for signup_id, worker, doctor in rows:
                marked = session.execute(
                    update(DoctorSignup)
                    .where(
                        DoctorSignup.id == signup_id,
                        (DoctorSignup.due_noticed_at.is_(None))
                        | (DoctorSignup.due_noticed_at < now - DUE_AGAIN),
                    )
                    .values(due_noticed_at=now)
                    .execution_options(synchronize_session=False)
                )
                if marked.rowcount != 1:  # type: ignore[attr-defined]
                    continue
                queue_notice(
                    session,
                    self.jobs,
                    Notice(
                        account_id=worker,
                        kind="doctors.reminder",
                        message=N_(
                            "Your yearly check-up with {doctor} is due: book a slot that fits "
                            "your shifts."
                        ),
                        params={"doctor": doctor},
                        url="/doctors",
                    ),
                )
                sent += 1
        return sent
