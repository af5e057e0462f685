"""Booking beds: nights and naps, the check-in code, the desk's check-in and check-out,
cancelling, the no-show release and the waiting list whose next person is offered a
released bed for 30 minutes.

Every change takes the home's lock and then the person's (`base.lock_home`,
`base.lock_person`): on SQLite the writing transaction holds the whole database already,
on PostgreSQL the advisory locks make the check and the write one step. Beneath it, on
PostgreSQL, two exclusion constraints refuse any overlapping active booking of one bed or
one person whatever the code does (migration 0019)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Place, StayBed, StayBooking, StayHome, StayRoom, StayWait
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.jobs import JobSpec
from gigcity.services.notify import Notice, queue_notice
from gigcity.services.qr import qr_svg
from gigcity.services.stays.base import (
    EARLY_CHECKIN,
    NAP_GRACE,
    OFFER_HOLD,
    get_bed,
    get_home,
    lock_home,
    lock_person,
    require_keeper,
    require_rider,
)
from gigcity.services.stays.counts import ACTIVE, busy_beds
from gigcity.services.stays.homes import Homes
from gigcity.services.stays.map_figures import mark_home
from gigcity.services.stays.schemas import (
    DAYS_AHEAD,
    BookIn,
    BookingOut,
    BookingState,
    StayIn,
    StayKind,
    SweepOut,
    WaitIn,
    WaitOut,
    WaitState,
)
from gigcity.services.types import as_utc

# Every five minutes: bookings not checked in by the latest check-in are released, offers
# not accepted in time lapse, and each released bed goes to the next in line.
SWEEP_JOB = JobSpec("stays.sweep", cron="*/5 * * * *")
OFFER_UNTIL_BEFORE_END = timedelta(hours=2)  # a night is not offered in its last two hours
HISTORY = timedelta(days=2)  # a rider's list shows stays ended this recently

TAKEN = N_("That bed is taken for that time.")
NO_FREE_BED = N_("No free bed of that kind at this home for that time.")
YOURS_ALREADY = N_("You already hold a bed for that time.")


class Booked(Conflict):
    """The database refused an overlapping booking (the exclusion constraint)."""


@contextmanager
def refused_overlap(message: str, *, holds: str = YOURS_ALREADY) -> Iterator[None]:
    """An overlapping booking the database refused, as a clear 409: `holds` when it was
    the person's, else `message`."""
    try:
        yield
    except IntegrityError as error:
        if "ex_stays_bookings_person" in str(error.orig):
            raise Booked(holds) from error
        raise Booked(message) from error


class Bookings(Homes):
    def _local(self, moment: datetime) -> str:
        return self.day_clock.local(as_utc(moment)).strftime("%m-%d %H:%M")

    # -- booking -----------------------------------------------------------------------

    def book(self, principal: Principal, body: BookIn) -> BookingOut:
        """Book a bed for one or more nights from tonight to a week ahead, or a nap slot
        today: the bed named, or the cheapest free bed of the section and kind asked."""
        account_id = require_rider(principal)
        now = self.clock()
        self.code_key  # noqa: B018  (made before the transaction: it may write it)
        message = TAKEN if body.bed_id is not None else NO_FREE_BED
        with refused_overlap(message), transaction(self.factory) as session:
            booking, code = self._take(session, account_id, body.place_id, body, now)
            out = self._out(session, booking, code=code)
            self._tell_booked(session, out)
            return out

    def _take(
        self,
        session: Session,
        account_id: int,
        place_id: int,
        body: StayIn,
        now: datetime,
        *,
        check_in: bool = False,
        holds: str = YOURS_ALREADY,
    ) -> tuple[StayBooking, str | None]:
        """Hold a bed for `account_id` under the home's and the person's locks: booked with
        its check-in code, or (the desk, the guest before it) checked in at once."""
        lock_home(session, place_id)
        lock_person(session, account_id)
        home = get_home(session, place_id)
        self._lapse_offers(session, home, now)
        starts, ends, check_by = self._range(home, body, now, late_ok=check_in)
        if check_in and now < starts - EARLY_CHECKIN:
            raise Conflict(
                N_("Too early to check in: the stay starts at {starts}."),
                starts=self._local(starts),
            )
        if self._holds(session, account_id, starts, ends):
            raise Conflict(holds)
        bed = self._pick_bed(session, home, body, starts, ends)
        booking = StayBooking(
            bed_id=bed.id,
            place_id=home.place_id,
            account_id=account_id,
            kind=body.kind.value,
            starts_at=starts,
            ends_at=ends,
            state=(BookingState.checked_in if check_in else BookingState.booked).value,
            check_by=check_by,
            checked_in_at=now if check_in else None,
            created_at=now,
        )
        code = None if check_in else self._give_code(booking)
        session.add(booking)
        session.flush()
        if body.kind == StayKind.night:
            session.execute(
                update(StayWait)
                .where(
                    StayWait.place_id == home.place_id,
                    StayWait.account_id == account_id,
                    StayWait.night == self.night_of(starts),
                    StayWait.state == WaitState.waiting.value,
                )
                .values(state=WaitState.booked.value, booking_id=booking.id)
            )
        return booking, code

    def _range(
        self, home: StayHome, body: StayIn, now: datetime, *, late_ok: bool = False
    ) -> tuple[datetime, datetime, datetime]:
        """The stay's [starts, ends) and its latest check-in; `late_ok`: the guest is at
        the desk, so tonight's latest check-in having passed does not matter."""
        if body.kind == StayKind.night:
            assert body.night is not None
            first = self.tonight(now)
            last = body.night + timedelta(days=body.nights - 1)
            if body.night < first or last > first + timedelta(days=DAYS_AHEAD):
                raise InvalidInput(
                    N_("Book from tonight to {days} nights ahead."), field="night", days=DAYS_AHEAD
                )
            starts, ends = self.night_range(body.night, body.nights)
            check_by = self.cutoff_of(home, body.night)
            if now >= check_by and not late_ok:
                raise Conflict(
                    N_("The latest check-in for that night ({cutoff}) has passed."),
                    cutoff=home.checkin_cutoff,
                )
            return starts, ends, check_by
        for slot_starts, slot_ends in home.nap_slots:
            if slot_starts == body.nap_starts:
                today = self.day_clock.local(now).date()
                starts = self.at_local(today, _clock(slot_starts))
                ends = self.at_local(today, _clock(slot_ends))
                if now >= ends:
                    raise Conflict(N_("That nap slot is over for today."))
                return starts, ends, starts + NAP_GRACE
        raise InvalidInput(
            N_("This home has no nap slot starting at {starts}."),
            field="nap_starts",
            starts=body.nap_starts or "",
        )

    @staticmethod
    def _holds(
        session: Session, account_id: int, starts: datetime, ends: datetime, *, but: int = 0
    ) -> bool:
        return (
            session.scalar(
                select(StayBooking.id)
                .where(
                    StayBooking.account_id == account_id,
                    StayBooking.state.in_(ACTIVE),
                    StayBooking.starts_at < ends,
                    StayBooking.ends_at > starts,
                    StayBooking.id != but,
                )
                .limit(1)
            )
            is not None
        )

    def _pick_bed(
        self, session: Session, home: StayHome, body: StayIn, starts: datetime, ends: datetime
    ) -> StayBed:
        busy = busy_beds(starts, ends)
        if body.bed_id is not None:
            bed = get_bed(session, body.bed_id)
            if bed.place_id != home.place_id:
                raise InvalidInput(N_("Bed {id} is in another home."), field="bed_id", id=bed.id)
            if not bed.active:
                raise Conflict(N_("That bed is out of use."))
            if session.scalar(busy.where(StayBooking.bed_id == bed.id).limit(1)) is not None:
                raise Conflict(TAKEN)
            return bed
        query = select(StayBed).where(
            StayBed.place_id == home.place_id, StayBed.active, StayBed.id.not_in(busy)
        )
        if body.section is not None:
            query = query.where(StayBed.section == body.section.value)
        if body.bed_kind is not None:
            query = query.where(StayBed.kind == body.bed_kind.value)
        picked = session.scalar(query.order_by(StayBed.price_fen, StayBed.id).limit(1))
        if picked is None:
            raise Conflict(NO_FREE_BED)
        return picked

    def _give_code(self, booking: StayBooking) -> str:
        code = self.code_of(
            booking.account_id, booking.bed_id, booking.starts_at, booking.created_at
        )
        booking.code_hash = self.code_hash(code)
        return code

    # -- reading -----------------------------------------------------------------------

    def _out(
        self,
        session: Session,
        booking: StayBooking,
        *,
        code: str | None = None,
        guest: str | None = None,
    ) -> BookingOut:
        row = session.execute(
            select(StayBed, StayRoom.name, Place.name)
            .join(StayRoom, StayRoom.id == StayBed.room_id)
            .join(Place, Place.id == StayBed.place_id)
            .where(StayBed.id == booking.bed_id)
        ).one()
        bed, room_name, home_name = row
        state = booking.state
        if state == BookingState.offered.value and _expired(booking, self.clock()):
            state = BookingState.lapsed.value  # shown as it is; the sweep writes it
        return BookingOut.model_validate(
            {
                "id": booking.id,
                "place_id": booking.place_id,
                "home_name": home_name,
                "bed_id": bed.id,
                "bed_label": bed.label,
                "room_name": room_name,
                "section": bed.section,
                "bed_kind": bed.kind,
                "price_fen": bed.price_fen,
                "kind": booking.kind,
                "state": state,
                "starts_at": as_utc(booking.starts_at),
                "ends_at": as_utc(booking.ends_at),
                "check_by": as_utc(booking.check_by),
                "offer_expires_at": _utc(booking.offer_expires_at),
                "checked_in_at": _utc(booking.checked_in_at),
                "ended_at": _utc(booking.ended_at),
                "code": code,
                "qr_svg": qr_svg(code) if code else None,
                "guest": guest,
            }
        )

    def _booking(self, session: Session, booking_id: int) -> StayBooking:
        booking = session.get(StayBooking, booking_id)
        if booking is None:
            raise NotFound(N_("No booking {id}."), id=booking_id)
        return booking

    def _may_see(self, principal: Principal, booking: StayBooking) -> bool:
        """True for the booker, False for the home's staff and admins; else refused."""
        if principal.role == Role.rider:
            if principal.account_id != booking.account_id:
                raise Forbidden(N_("Riders may see and change only their own bookings."))
            return True
        require_keeper(principal, booking.place_id)
        return False

    def booking(self, principal: Principal, booking_id: int) -> BookingOut:
        """One booking: its booker sees the check-in code while it can be used; the home's
        staff see the guest's name."""
        with self.factory() as session:
            booking = self._booking(session, booking_id)
            return self._shown(session, booking, self._may_see(principal, booking))

    def _shown(self, session: Session, booking: StayBooking, booker: bool) -> BookingOut:
        if booker:
            code = (
                self.code_of(
                    booking.account_id, booking.bed_id, booking.starts_at, booking.created_at
                )
                if booking.state == BookingState.booked.value and booking.code_hash
                else None
            )
            return self._out(session, booking, code=code)
        guest = session.scalar(select(Account.display_name).where(Account.id == booking.account_id))
        return self._out(session, booking, guest=guest)

    def my_bookings(self, principal: Principal) -> list[BookingOut]:
        """The rider's stays to come, under way and ended in the last two days."""
        account_id = require_rider(principal)
        since = self.clock() - HISTORY
        with self.factory() as session:
            bookings = session.scalars(
                select(StayBooking)
                .where(StayBooking.account_id == account_id, StayBooking.ends_at > since)
                .order_by(StayBooking.starts_at, StayBooking.id)
            )
            return [self._shown(session, b, True) for b in bookings]

    def desk(self, principal: Principal, place_id: int, night: date | None) -> list[BookingOut]:
        """The desk's list: the home's bookings of `night` (default tonight) and of that
        day's naps, with each guest's name and no codes."""
        require_keeper(principal, place_id)
        night = night or self.tonight(self.clock())
        starts = self.at_local(night, _clock("00:00"))
        _, ends = self.night_range(night)
        with self.factory() as session:
            get_home(session, place_id)
            rows = session.execute(
                select(StayBooking, Account.display_name)
                .join(Account, Account.id == StayBooking.account_id)
                .where(
                    StayBooking.place_id == place_id,
                    StayBooking.starts_at < ends,
                    StayBooking.ends_at > starts,
                )
                .order_by(StayBooking.starts_at, StayBooking.bed_id, StayBooking.id)
            ).all()
            return [self._out(session, b, guest=name) for b, name in rows]

    # -- the offer, cancel, the desk ---------------------------------------------------

    def _locked(self, session: Session, booking_id: int, *, person: bool = True) -> StayBooking:
        """The booking, read again under its home's lock (and its person's)."""
        found = session.execute(
            select(StayBooking.place_id, StayBooking.account_id).where(StayBooking.id == booking_id)
        ).one_or_none()
        if found is None:
            raise NotFound(N_("No booking {id}."), id=booking_id)
        lock_home(session, found.place_id)
        if person:
            lock_person(session, found.account_id)
        booking = session.scalar(
            select(StayBooking)
            .where(StayBooking.id == booking_id)
            .execution_options(populate_existing=True)
        )
        assert booking is not None
        return booking

    def accept(self, principal: Principal, booking_id: int) -> BookingOut:
        """Take the bed offered from the waiting list (within its 30 minutes)."""
        account_id = require_rider(principal)
        now = self.clock()
        self.code_key  # noqa: B018  (made before the transaction: it may write it)
        with transaction(self.factory) as session:
            booking = self._locked(session, booking_id)
            self._may_see(principal, booking)
            if booking.state != BookingState.offered.value:
                raise Conflict(N_("Only an offered bed can be accepted."))
            assert booking.offer_expires_at is not None
            if as_utc(booking.offer_expires_at) <= now:
                raise Conflict(N_("This offer has lapsed."))
            booking.state = BookingState.booked.value
            booking.created_at = now
            code = self._give_code(booking)
            session.execute(
                update(StayWait)
                .where(StayWait.booking_id == booking.id, StayWait.account_id == account_id)
                .values(state=WaitState.booked.value)
            )
            out = self._out(session, booking, code=code)
            self._tell_booked(session, out)
            return out

    def cancel(self, principal: Principal, booking_id: int) -> BookingOut:
        """Cancel a booking (the booker before check-in; the home's staff any time before
        check-out) or decline an offer; the bed goes to the next in line."""
        now = self.clock()
        with transaction(self.factory) as session:
            booking = self._locked(session, booking_id, person=False)
            booker = self._may_see(principal, booking)
            if booking.state not in ACTIVE:
                raise Conflict(N_("This booking has ended already."))
            if booker and booking.state == BookingState.checked_in.value:
                raise Conflict(N_("A guest who has checked in is checked out at the desk."))
            booking.state = BookingState.cancelled.value
            self._end(session, booking, principal, now)
            return self._shown(session, booking, booker)

    def check_in(self, principal: Principal, place_id: int, code: str) -> BookingOut:
        """Check a guest in at the desk by their booking's code (QR or typed)."""
        require_keeper(principal, place_id)
        now = self.clock()
        with transaction(self.factory) as session:
            lock_home(session, place_id)
            booking = session.scalar(
                select(StayBooking).where(
                    StayBooking.code_hash == self.code_hash(code),
                    StayBooking.place_id == place_id,
                )
            )
            if booking is None:
                raise NotFound(N_("No booking with that code at this home."), field="code")
            if booking.state == BookingState.checked_in.value:
                raise Conflict(N_("This guest has checked in already."))
            if booking.state != BookingState.booked.value or as_utc(booking.ends_at) <= now:
                raise Conflict(N_("This booking has ended already."))
            if now < as_utc(booking.starts_at) - EARLY_CHECKIN:
                raise Conflict(
                    N_("Too early to check in: the stay starts at {starts}."),
                    starts=self._local(booking.starts_at),
                )
            booking.state = BookingState.checked_in.value
            booking.checked_in_at = now
            return self._shown(session, booking, False)

    def check_out(self, principal: Principal, booking_id: int) -> BookingOut:
        """Check a guest out; the nights they leave early go to the waiting list."""
        now = self.clock()
        with transaction(self.factory) as session:
            booking = self._locked(session, booking_id, person=False)
            if self._may_see(principal, booking):
                raise Forbidden(N_("Guests are checked out at the desk."))
            if booking.state != BookingState.checked_in.value:
                raise Conflict(N_("Only a guest who has checked in can be checked out."))
            booking.state = BookingState.checked_out.value
            self._end(session, booking, principal, now)
            return self._shown(session, booking, False)

    def _end(
        self, session: Session, booking: StayBooking, by: Principal | None, now: datetime
    ) -> None:
        booking.ended_at = now
        booking.ended_by = by.account_id if by is not None else None
        booking.code_hash = None  # an ended booking's code opens nothing
        session.execute(
            update(StayWait)
            .where(StayWait.booking_id == booking.id, StayWait.state == WaitState.offered.value)
            .values(state=WaitState.lapsed.value)
        )
        session.flush()
        self._release(session, booking, now)

    # -- releasing beds to the waiting list --------------------------------------------

    def _release(self, session: Session, booking: StayBooking, now: datetime) -> int:
        """Offer each night of an ended booking still to come to the next in line."""
        if booking.kind != StayKind.night.value:
            return 0
        home = get_home(session, booking.place_id)
        bed = get_bed(session, booking.bed_id)
        night = self.night_of(as_utc(booking.starts_at))
        offered = 0
        while self.night_range(night)[0] < as_utc(booking.ends_at):
            offered += self._offer_night(session, home, bed, night, now)
            night += timedelta(days=1)
        return offered

    def _offer_night(
        self, session: Session, home: StayHome, bed: StayBed, night: date, now: datetime
    ) -> int:
        starts, ends = self.night_range(night)
        if not bed.active or now >= ends - OFFER_UNTIL_BEFORE_END:
            return 0
        if session.scalar(busy_beds(starts, ends).where(StayBooking.bed_id == bed.id).limit(1)):
            return 0
        waits = session.scalars(
            select(StayWait)
            .where(
                StayWait.place_id == home.place_id,
                StayWait.night == night,
                StayWait.state == WaitState.waiting.value,
                (StayWait.section.is_(None)) | (StayWait.section == bed.section),
            )
            .order_by(StayWait.created_at, StayWait.id)
        )
        for wait in waits:
            lock_person(session, wait.account_id)
            if self._holds(session, wait.account_id, starts, ends):
                continue  # has a bed that night already (booked elsewhere meanwhile)
            expires = now + OFFER_HOLD
            booking = StayBooking(
                bed_id=bed.id,
                place_id=home.place_id,
                account_id=wait.account_id,
                kind=StayKind.night.value,
                starts_at=starts,
                ends_at=ends,
                state=BookingState.offered.value,
                check_by=max(self.cutoff_of(home, night), expires + timedelta(hours=1)),
                offer_expires_at=expires,
                created_at=now,
            )
            session.add(booking)
            session.flush()
            wait.state, wait.booking_id = WaitState.offered.value, booking.id
            place_name = session.scalar(select(Place.name).where(Place.id == home.place_id))
            queue_notice(
                session,
                self.jobs,
                Notice(
                    account_id=wait.account_id,
                    kind="stays.offered",
                    message=N_(
                        "A bed at {home} was released to you for the night of {night}. "
                        "Accept it by {until}."
                    ),
                    params={
                        "home": place_name or "",
                        "night": night.isoformat(),
                        "until": self._local(expires),
                    },
                    url="/stays",
                ),
            )
            return 1
        return 0

    def _lapse_offers(self, session: Session, home: StayHome, now: datetime) -> tuple[int, int]:
        """Offers of `home` not accepted in time lapse; each bed goes to the next in line.
        Returns (lapsed, offered anew)."""
        lapsed = offered = 0
        for _ in range(100):  # each round lapses at least one offer
            due = list(
                session.scalars(
                    select(StayBooking).where(
                        StayBooking.place_id == home.place_id,
                        StayBooking.state == BookingState.offered.value,
                        StayBooking.offer_expires_at <= now,
                    )
                )
            )
            if not due:
                break
            for booking in due:
                booking.state = BookingState.lapsed.value
                booking.ended_at = now
                session.execute(
                    update(StayWait)
                    .where(StayWait.booking_id == booking.id)
                    .values(state=WaitState.lapsed.value)
                )
                lapsed += 1
            session.flush()
            for booking in due:
                offered += self._offer_night(
                    session,
                    home,
                    get_bed(session, booking.bed_id),
                    self.night_of(as_utc(booking.starts_at)),
                    now,
                )
        return lapsed, offered

    def sweep(self) -> SweepOut:
        """Release the bookings not checked in by their latest check-in (no-show) and lapse
        the offers not accepted in time; each freed bed goes to the next in line. One
        transaction per home."""
        now = self.clock()
        with self.factory() as session:
            places = set(
                session.scalars(
                    select(StayBooking.place_id).where(
                        (
                            (StayBooking.state == BookingState.booked.value)
                            & (StayBooking.check_by <= now)
                        )
                        | (
                            (StayBooking.state == BookingState.offered.value)
                            & (StayBooking.offer_expires_at <= now)
                        )
                    )
                )
            )
        totals = SweepOut(no_shows=0, lapsed=0, offered=0)
        for place_id in sorted(places):
            with transaction(self.factory) as session:
                lock_home(session, place_id)
                home = get_home(session, place_id)
                lapsed, offered = self._lapse_offers(session, home, now)
                totals.lapsed += lapsed
                totals.offered += offered
                late = list(
                    session.scalars(
                        select(StayBooking).where(
                            StayBooking.place_id == place_id,
                            StayBooking.state == BookingState.booked.value,
                            StayBooking.check_by <= now,
                        )
                    )
                )
                for booking in late:
                    booking.state = BookingState.no_show.value
                    booking.code_hash = None
                    self._tell_no_show(session, booking)
                    booking.ended_at = now
                    session.flush()
                    totals.no_shows += 1
                    totals.offered += self._release(session, booking, now)
        with transaction(self.factory) as session:  # the night may have turned over
            for place_id in session.scalars(select(StayHome.place_id)):
                mark_home(session, place_id)
        return totals

    # -- the waiting list --------------------------------------------------------------

    def join_wait(self, principal: Principal, place_id: int, body: WaitIn) -> WaitOut:
        """Join a home's waiting list for a night (and section); when a bed of that night
        is released, the first in line is offered it for 30 minutes."""
        account_id = require_rider(principal)
        now = self.clock()
        first = self.tonight(now)
        if not first <= body.night <= first + timedelta(days=DAYS_AHEAD):
            raise InvalidInput(
                N_("Book from tonight to {days} nights ahead."), field="night", days=DAYS_AHEAD
            )
        with transaction(self.factory) as session:
            lock_home(session, place_id)
            lock_person(session, account_id)
            home = get_home(session, place_id)
            self._lapse_offers(session, home, now)
            starts, ends = self.night_range(body.night)
            if self._holds(session, account_id, starts, ends):
                raise Conflict(YOURS_ALREADY)
            free = select(StayBed.id).where(
                StayBed.place_id == place_id,
                StayBed.active,
                StayBed.id.not_in(busy_beds(starts, ends)),
            )
            if body.section is not None:
                free = free.where(StayBed.section == body.section.value)
            if session.scalar(free.limit(1)) is not None:
                raise Conflict(N_("A bed is free that night: book it."))
            wait = session.scalar(
                select(StayWait).where(
                    StayWait.place_id == place_id,
                    StayWait.night == body.night,
                    StayWait.account_id == account_id,
                )
            )
            if wait is not None and wait.state in (WaitState.waiting, WaitState.offered):
                raise Conflict(N_("You are on this waiting list already."))
            if wait is None:
                wait = StayWait(place_id=place_id, account_id=account_id, night=body.night)
                session.add(wait)
            wait.section = body.section.value if body.section else None
            wait.state, wait.booking_id, wait.created_at = WaitState.waiting.value, None, now
            session.flush()
            return self._wait_out(session, wait)

    def _wait_out(self, session: Session, wait: StayWait) -> WaitOut:
        position = None
        if wait.state == WaitState.waiting.value:
            position = 1 + (
                session.scalar(
                    select(func.count())
                    .select_from(StayWait)
                    .where(
                        StayWait.place_id == wait.place_id,
                        StayWait.night == wait.night,
                        StayWait.state == WaitState.waiting.value,
                        (StayWait.created_at < wait.created_at)
                        | ((StayWait.created_at == wait.created_at) & (StayWait.id < wait.id)),
                    )
                )
                or 0
            )
        return WaitOut.model_validate(
            {
                "id": wait.id,
                "place_id": wait.place_id,
                "night": wait.night,
                "section": wait.section,
                "state": wait.state,
                "position": position,
                "booking_id": wait.booking_id,
            }
        )

    def my_waits(self, principal: Principal) -> list[WaitOut]:
        account_id = require_rider(principal)
        since = self.tonight(self.clock())
        with self.factory() as session:
            waits = session.scalars(
                select(StayWait)
                .where(StayWait.account_id == account_id, StayWait.night >= since)
                .order_by(StayWait.night, StayWait.id)
            )
            return [self._wait_out(session, w) for w in waits]

    def leave_wait(self, principal: Principal, wait_id: int) -> WaitOut:
        account_id = require_rider(principal)
        with transaction(self.factory) as session:
            wait = session.get(StayWait, wait_id)
            if wait is None or wait.account_id != account_id:
                raise NotFound(N_("No waiting-list entry {id}."), id=wait_id)
            if wait.state != WaitState.waiting.value:
                raise Conflict(N_("This waiting-list entry is no longer waiting."))
            wait.state = WaitState.left.value
            return self._wait_out(session, wait)

    # -- notices -----------------------------------------------------------------------

    def _tell_booked(self, session: Session, out: BookingOut) -> None:
        booking = session.get(StayBooking, out.id)
        assert booking is not None
        queue_notice(
            session,
            self.jobs,
            Notice(
                account_id=booking.account_id,
                kind="stays.booked",
                message=N_(
                    "Your bed at {home} is booked: {bed} from {starts}. Check in by {check_by}."
                ),
                params={
                    "home": out.home_name,
                    "bed": out.bed_label,
                    "starts": self._local(out.starts_at),
                    "check_by": self._local(out.check_by),
                },
                url="/stays",
            ),
        )

    def _tell_no_show(self, session: Session, booking: StayBooking) -> None:
        home = session.scalar(select(Place.name).where(Place.id == booking.place_id))
        queue_notice(
            session,
            self.jobs,
            Notice(
                account_id=booking.account_id,
                kind="stays.no_show",
                message=N_(
                    "Your bed at {home} was released: you had not checked in by {check_by}."
                ),
                params={"home": home or "", "check_by": self._local(booking.check_by)},
                url="/stays",
            ),
        )


def _clock(value: str) -> time:
    hours, minutes = (int(part) for part in value.split(":"))
    return time(hours, minutes)


def _expired(booking: StayBooking, now: datetime) -> bool:
    return booking.offer_expires_at is not None and as_utc(booking.offer_expires_at) <= now


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)
