"""Legal aid at the stations' windows: volunteer lawyers sit on a roster (a slot: a day,
a start and an end, a lawyer); a driver books a slot for a topic (freight payment,
insurance claim, traffic fine, other). A slot is booked once only: one conditional UPDATE
(`booked_by IS NULL`) whose row count says who got it.

A lawyer is an account of its own role, `lawyer`, bound to no station (volunteers sit at
several windows): the station's staff (and district admins) keep the roster, and a slot
names an active lawyer account, never staff, who would otherwise get the desk's powers.
A lawyer cannot sit at two windows at once. Case notes on a booked slot are encrypted at
field level (the platform's FieldCipher) and read and written only by that slot's lawyer
and the driver who booked it: every other caller, district admins and the station's staff
included, gets a 403."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, aliased

from gigcity.db.models import Account, Place, StationCaseNote, StationLawyerSlot
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.stations.base import (
    StationsBase,
    get_station,
    require_driver,
)
from gigcity.services.care.stations.schemas import (
    BookingIn,
    LawyerOut,
    LawyerSlotOut,
    NoteIn,
    NoteOut,
    SlotIn,
    SlotOut,
    Topic,
)
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.places.access import check_station_staff
from gigcity.services.types import as_utc

ROSTER_DAYS = 28  # a roster is read this many days ahead
MAX_SLOT = timedelta(hours=8)


def _slot_out(row: StationLawyerSlot, lawyer_name: str, caller: int | None) -> SlotOut:
    party = caller is not None and caller in (row.booked_by, row.lawyer_id)
    return SlotOut(
        id=row.id,
        place_id=row.place_id,
        lawyer_id=row.lawyer_id,
        lawyer_name=lawyer_name,
        starts_at=as_utc(row.starts_at),
        ends_at=as_utc(row.ends_at),
        booked=row.booked_by is not None,
        mine=caller is not None and row.booked_by == caller,
        topic=Topic(row.topic) if party and row.topic else None,
    )


class Legal(StationsBase):
    def _local(self, day: date, clock: str) -> datetime:
        hours, minutes = (int(p) for p in clock.split(":"))
        return self.local_at(day, time(hours, minutes))

    def add_slot(self, principal: Principal, place_id: int, data: SlotIn) -> SlotOut:
        check_station_staff(principal, place_id)
        starts, ends = self._local(data.day, data.start), self._local(data.day, data.end)
        if ends <= starts:
            raise InvalidInput(N_("A slot ends after it starts."), field="end")
        if ends - starts > MAX_SLOT:
            raise InvalidInput(N_("A slot is at most 8 hours long."), field="end")
        if starts <= self.clock():
            raise InvalidInput(N_("A slot starts in the future."), field="start")
        with transaction(self.factory) as session:
            get_station(session, place_id)
            # The lawyer's row locked: two desks rostering one lawyer for overlapping
            # times (at two stations) check for a clash one after the other.
            lawyer = session.get(Account, data.lawyer_id, with_for_update=True)
            if lawyer is None or not lawyer.active or lawyer.role != Role.lawyer.value:
                raise InvalidInput(
                    N_(
                        "Account {id} is not an active lawyer: only lawyer accounts sit on "
                        "the roster."
                    ),
                    field="lawyer_id",
                    id=data.lawyer_id,
                )
            clash = session.scalar(
                select(StationLawyerSlot.id).where(
                    StationLawyerSlot.lawyer_id == lawyer.id,
                    StationLawyerSlot.starts_at < ends,
                    StationLawyerSlot.ends_at > starts,
                )
            )
            if clash is not None:
                raise Conflict(N_("This lawyer already has a slot at that time."))
            row = StationLawyerSlot(
                place_id=place_id,
                lawyer_id=lawyer.id,
                starts_at=starts,
                ends_at=ends,
                created_by=principal.account_id,
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return _slot_out(row, lawyer.display_name, principal.account_id)

    def remove_slot(self, principal: Principal, slot_id: int) -> None:
        """Take an unbooked slot off the roster (a booked one: 409; the driver cancels)."""
        with transaction(self.factory) as session:
            row = self._slot(session, slot_id)
            check_station_staff(principal, row.place_id)
            if row.booked_by is not None:
                raise Conflict(N_("This slot is booked; the driver must cancel it first."))
            session.delete(row)

    def roster(self, principal: Principal | None, place_id: int, since: date) -> list[SlotOut]:
        """The station's slots from `since` for four weeks, soonest first: free or booked
        (never by whom); `mine` and the topic for the caller's own."""
        start = self.local_at(since, time(0), field="since")
        caller = principal.account_id if principal is not None else None
        with self.factory() as session:
            get_station(session, place_id)
            rows = session.execute(
                select(StationLawyerSlot, Account.display_name)
                .join(Account, Account.id == StationLawyerSlot.lawyer_id)
                .where(
                    StationLawyerSlot.place_id == place_id,
                    StationLawyerSlot.starts_at >= start,
                    StationLawyerSlot.starts_at < start + timedelta(days=ROSTER_DAYS),
                )
                .order_by(StationLawyerSlot.starts_at, StationLawyerSlot.id)
            )
            return [_slot_out(slot, name, caller) for slot, name in rows]

    def lawyers(self, principal: Principal) -> list[LawyerOut]:
        """The active lawyer accounts, to put on a roster: for station staff and admins."""
        if principal.role not in (Role.staff, Role.admin):
            raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)
        with self.factory() as session:
            rows = session.execute(
                select(Account.id, Account.display_name)
                .where(Account.role == Role.lawyer.value, Account.active.is_(True))
                .order_by(Account.display_name, Account.id)
            )
            return [LawyerOut(id=i, display_name=name) for i, name in rows]

    def lawyer_slots(self, principal: Principal) -> list[LawyerSlotOut]:
        """A lawyer's own slots from today on, at every station, booked or free; a booked
        one with its topic and the driver's display name (the lawyer's home page)."""
        if principal.role != Role.lawyer or principal.account_id is None:
            raise Forbidden(N_("Only volunteer lawyers may do this."))
        since = self.local_at(self.local_now().date(), time(0))
        driver = aliased(Account)
        with self.factory() as session:
            rows = session.execute(
                select(StationLawyerSlot, Place.name, driver.display_name)
                .join(Place, Place.id == StationLawyerSlot.place_id)
                .outerjoin(driver, driver.id == StationLawyerSlot.booked_by)
                .where(
                    StationLawyerSlot.lawyer_id == principal.account_id,
                    StationLawyerSlot.starts_at >= since,
                )
                .order_by(StationLawyerSlot.starts_at, StationLawyerSlot.id)
            )
            name = session.scalar(
                select(Account.display_name).where(Account.id == principal.account_id)
            )
            return [
                LawyerSlotOut(
                    **_slot_out(slot, name or "", principal.account_id).model_dump(),
                    station_name=station,
                    driver_name=booker if slot.booked_by is not None else None,
                )
                for slot, station, booker in rows
            ]

    def my_cases(self, principal: Principal) -> list[SlotOut]:
        """A driver's bookings, or a lawyer's booked slots, from today on."""
        if principal.account_id is None:
            raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)
        since = self.local_at(self.local_now().date(), time(0))
        with self.factory() as session:
            rows = session.execute(
                select(StationLawyerSlot, Account.display_name)
                .join(Account, Account.id == StationLawyerSlot.lawyer_id)
                .where(
                    or_(
                        StationLawyerSlot.booked_by == principal.account_id,
                        (StationLawyerSlot.lawyer_id == principal.account_id)
                        & StationLawyerSlot.booked_by.is_not(None),
                    ),
                    StationLawyerSlot.starts_at >= since,
                )
                .order_by(StationLawyerSlot.starts_at, StationLawyerSlot.id)
            )
            return [_slot_out(slot, name, principal.account_id) for slot, name in rows]

    def book_slot(self, principal: Principal, slot_id: int, data: BookingIn) -> SlotOut:
        """One conditional UPDATE: a slot already booked, or started, is a 409."""
        now = self.clock()
        with transaction(self.factory) as session:
            driver = require_driver(session, principal)
            took = session.execute(
                update(StationLawyerSlot)
                .where(
                    StationLawyerSlot.id == slot_id,
                    StationLawyerSlot.booked_by.is_(None),
                    StationLawyerSlot.starts_at > now,
                )
                .values(booked_by=driver, topic=data.topic.value, booked_at=now)
            )
            row = self._slot(session, slot_id)
            if took.rowcount != 1:  # type: ignore[attr-defined]
                if row.booked_by is not None:
                    raise Conflict(N_("This slot is already booked."))
                raise Conflict(N_("This slot has already started."))
            session.refresh(row)
            return self._with_name(session, row, driver)

    def cancel_booking(self, principal: Principal, slot_id: int) -> None:
        """The driver gives the slot back before it starts (its notes go with it)."""
        now = self.clock()
        with transaction(self.factory) as session:
            row = self._slot(session, slot_id)
            if principal.account_id is None or row.booked_by != principal.account_id:
                raise Forbidden(N_("This is not your booking."))
            done = session.execute(
                update(StationLawyerSlot)
                .where(
                    StationLawyerSlot.id == slot_id,
                    StationLawyerSlot.booked_by == principal.account_id,
                    StationLawyerSlot.starts_at > now,
                )
                .values(booked_by=None, topic=None, booked_at=None)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_("This slot has already started."))
            session.execute(delete(StationCaseNote).where(StationCaseNote.slot_id == slot_id))

    # -- case notes --------------------------------------------------------------------

    def _party(self, principal: Principal, row: StationLawyerSlot) -> str:
        """ "lawyer" or "driver": who the caller is to this case; 403 for anyone else."""
        if principal.account_id is not None and row.booked_by is not None:
            if principal.account_id == row.lawyer_id and principal.role == Role.lawyer:
                return "lawyer"
            if principal.account_id == row.booked_by and principal.role == Role.rider:
                return "driver"
        raise Forbidden(N_("Only the lawyer and the driver of a case read its notes."))

    def add_note(self, principal: Principal, slot_id: int, data: NoteIn) -> NoteOut:
        now = self.clock()
        cipher = self.cipher  # before the transaction: it may store the dev key
        with transaction(self.factory) as session:
            row = self._slot(session, slot_id)
            party = self._party(principal, row)
            note = StationCaseNote(
                slot_id=row.id,
                author_id=principal.account_id,
                body=cipher.encrypt(data.text),
                at=now,
            )
            session.add(note)
            session.flush()
            return NoteOut(id=note.id, slot_id=row.id, by=party, text=data.text, at=as_utc(now))

    def notes(self, principal: Principal, slot_id: int) -> list[NoteOut]:
        cipher = self.cipher
        with self.factory() as session:
            row = self._slot(session, slot_id)
            self._party(principal, row)
            notes = session.scalars(
                select(StationCaseNote)
                .where(StationCaseNote.slot_id == slot_id)
                .order_by(StationCaseNote.at, StationCaseNote.id)
            )
            return [
                NoteOut(
                    id=n.id,
                    slot_id=row.id,
                    by="lawyer" if n.author_id == row.lawyer_id else "driver",
                    text=cipher.decrypt(n.body),
                    at=as_utc(n.at),
                )
                for n in notes
            ]

    # -- retention ---------------------------------------------------------------------

    def purge_cases(self, kept: timedelta) -> int:
        """Delete the case notes of slots that ended more than `kept` ago and forget who
        booked them (the slot, its topic and lawyer stay, for the window's statistics);
        how many slots were cleared."""
        cutoff = self.clock() - kept
        old = select(StationLawyerSlot.id).where(StationLawyerSlot.ends_at < cutoff)
        with transaction(self.factory) as session:
            session.execute(delete(StationCaseNote).where(StationCaseNote.slot_id.in_(old)))
            done = session.execute(
                update(StationLawyerSlot)
                .where(StationLawyerSlot.ends_at < cutoff, StationLawyerSlot.booked_by.is_not(None))
                .values(booked_by=None)
            )
            return int(done.rowcount)  # type: ignore[attr-defined]

    # -- helpers -----------------------------------------------------------------------

    @staticmethod
    def _slot(session: Session, slot_id: int) -> StationLawyerSlot:
        row = session.get(StationLawyerSlot, slot_id)
        if row is None:
            raise NotFound(N_("No legal-aid slot {id}."), id=slot_id)
        return row

    @staticmethod
    def _with_name(session: Session, row: StationLawyerSlot, caller: int) -> SlotOut:
        name = session.scalar(select(Account.display_name).where(Account.id == row.lawyer_id))
        return _slot_out(row, name or "", caller)
