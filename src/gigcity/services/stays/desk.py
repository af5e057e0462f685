"""The desk's own changes of bookings: a walk-in booked (and, the guest being at the desk,
checked in at once) for a rider or driver named by their desk code or their username, and a
guest moved to another free bed of the home in one step.

A walk-in is a booking like any other (`Bookings._take`: the home's lock, then the
person's, the overlap checks, the exclusion constraints beneath). A move takes the home's
lock and the guest's, checks the target bed free for the rest of the stay, and frees the
old bed and takes the new one in the same transaction: a booked guest's booking changes its
bed (and its check-in code, which names the bed); a guest already checked in ends the old
booking as `moved` at this moment and holds the new bed from it, so the record says who
slept where. Two desks moving two guests to one bed are served one after the other: the
second gets a 409 naming the bed, and the exclusion constraints refuse an overlap written
past this code. The guest is told in the same transaction."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gigcity.db.models import Account, StayBed, StayBooking, StayHome
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput
from gigcity.services.notify import Notice, queue_notice
from gigcity.services.qr import qr_svg
from gigcity.services.stays.base import get_bed, get_home, require_keeper, require_rider
from gigcity.services.stays.bookings import (
    NO_FREE_BED,
    TAKEN,
    Booked,
    Bookings,
    refused_overlap,
)
from gigcity.services.stays.counts import busy_beds
from gigcity.services.stays.schemas import (
    BookingOut,
    BookingState,
    GuestCode,
    MoveIn,
    StayKind,
    WalkInIn,
)
from gigcity.services.types import as_utc

GUEST_CODE_TTL = timedelta(minutes=15)  # a photo of the code is useless after this
GUEST_HOLDS = N_("This guest already holds a bed for that time.")
BED_TAKEN = N_("Bed {bed} is taken for that time.")
NOT_A_GUEST = N_("No rider or driver has that code or username.")
MOVABLE = (BookingState.booked.value, BookingState.checked_in.value)


class Desk(Bookings):
    # -- who the walk-in is ------------------------------------------------------------

    def _guest_mac(self, body: str) -> str:
        return hmac.new(self.code_key, f"desk|{body}".encode(), hashlib.sha256).hexdigest()[:16]

    def guest_code(self, principal: Principal) -> GuestCode:
        """The code a rider's or driver's page shows the desk for a walk-in: their account,
        an expiry and a MAC with the instance's key (nothing else about them)."""
        account_id = require_rider(principal)
        expires = self.clock() + GUEST_CODE_TTL
        body = f"{account_id}.{int(expires.timestamp())}"
        code = f"{body}.{self._guest_mac(body)}"
        return GuestCode(code=code, expires_at=expires, qr_svg=qr_svg(code))

    def _guest(self, session: Session, guest: str) -> Account:
        """The active rider or driver a desk code or a username names (422 on `guest`)."""
        text = guest.strip()
        parts = text.split(".")
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            body = f"{parts[0]}.{parts[1]}"
            if not hmac.compare_digest(parts[2].encode(), self._guest_mac(body).encode()):
                raise InvalidInput(NOT_A_GUEST, field="guest")  # (so the id is one we wrote)
            if int(parts[1]) < self.clock().timestamp():
                raise InvalidInput(
                    N_("This code has expired; ask the guest to open it again."), field="guest"
                )
            account = session.get(Account, int(parts[0]))
        else:
            account = session.scalar(select(Account).where(Account.username == text))
        if account is None or not account.active or account.role != Role.rider.value:
            raise InvalidInput(NOT_A_GUEST, field="guest")
        return account

    # -- a walk-in ---------------------------------------------------------------------

    def walk_in(self, principal: Principal, place_id: int, body: WalkInIn) -> BookingOut:
        """Book a free bed for a rider or driver at the desk (the bed named, or the
        cheapest of the section and kind asked) and, unless asked not to, check them in."""
        require_keeper(principal, place_id)
        now = self.clock()
        self.code_key  # noqa: B018  (made before the transaction: it may write it)
        message = TAKEN if body.bed_id is not None else NO_FREE_BED
        with (
            refused_overlap(message, holds=GUEST_HOLDS),
            transaction(self.factory) as session,
        ):
            guest = self._guest(session, body.guest)
            booking, _ = self._take(
                session, guest.id, place_id, body, now, check_in=body.check_in, holds=GUEST_HOLDS
            )
            out = self._out(session, booking, guest=guest.display_name)
            self._tell_guest(
                session,
                booking,
                "stays.walk_in",
                N_("The desk of {home} gave you {bed} ({room}) from {starts} to {ends}."),
                out,
            )
            return out

    # -- a move ------------------------------------------------------------------------

    def move(self, principal: Principal, booking_id: int, body: MoveIn) -> BookingOut:
        """Move a booked or checked-in guest to another free bed of the home: the old bed
        freed and the new one taken in one transaction; 409 naming the bed if it is taken."""
        if principal.role == Role.rider:
            raise Forbidden(N_("Guests are moved at the desk."))
        now = self.clock()
        self.code_key  # noqa: B018  (made before the transaction: it may write it)
        bed_name = str(body.bed_id)
        try:
            with transaction(self.factory) as session:
                booking = self._locked(session, booking_id)  # the home's lock, the guest's
                require_keeper(principal, booking.place_id)
                if booking.state not in MOVABLE or as_utc(booking.ends_at) <= now:
                    raise Conflict(N_("Only a guest booked or checked in can be moved."))
                target = get_bed(session, body.bed_id)
                if target.place_id != booking.place_id:
                    raise InvalidInput(
                        N_("Bed {id} is in another home."), field="bed_id", id=target.id
                    )
                bed_name = target.label
                if target.id == booking.bed_id:
                    raise InvalidInput(
                        N_("The guest is in bed {bed} already."), field="bed_id", bed=bed_name
                    )
                if not target.active:
                    raise Conflict(N_("Bed {bed} is out of use."), bed=bed_name)
                moved = self._move(session, principal, booking, target, now)
                guest = session.scalar(
                    select(Account.display_name).where(Account.id == moved.account_id)
                )
                out = self._out(session, moved, guest=guest)
                self._tell_guest(
                    session,
                    moved,
                    "stays.moved",
                    N_("At {home} you were moved to {bed} ({room}) from {starts} to {ends}."),
                    out,
                )
                return out
        except IntegrityError as error:  # the exclusion constraint: someone was faster
            raise Booked(BED_TAKEN, bed=bed_name) from error

    def _move(
        self,
        session: Session,
        principal: Principal,
        booking: StayBooking,
        target: StayBed,
        now: datetime,
    ) -> StayBooking:
        """The guest's booking on `target` for the rest of the stay; the old bed's nights
        from then on go to the waiting list."""
        starts, ends = as_utc(booking.starts_at), as_utc(booking.ends_at)
        split = booking.state == BookingState.checked_in.value and now > starts
        frees_from = now if split else starts
        busy = busy_beds(frees_from, ends).where(StayBooking.bed_id == target.id).limit(1)
        if session.scalar(busy) is not None:
            raise Conflict(BED_TAKEN, bed=target.label)
        old_bed = get_bed(session, booking.bed_id)
        if split:  # slept in the old bed until now: that part stays on record
            booking.state = BookingState.moved.value
            booking.ends_at = now
            booking.ended_at = now
            booking.ended_by = principal.account_id
            booking.code_hash = None
            session.flush()
            moved = StayBooking(
                bed_id=target.id,
                place_id=booking.place_id,
                account_id=booking.account_id,
                kind=booking.kind,
                starts_at=now,
                ends_at=ends,
                state=BookingState.checked_in.value,
                check_by=booking.check_by,
                checked_in_at=now,
                created_at=now,
            )
            session.add(moved)
        else:
            booking.bed_id = target.id
            if booking.state == BookingState.booked.value:
                self._give_code(booking)  # the code names the bed: the old one opens nothing
            moved = booking
        session.flush()
        if booking.kind == StayKind.night.value:
            home = get_home(session, booking.place_id)
            self._offer_freed(session, home, old_bed, frees_from, ends, now)
        return moved

    def _offer_freed(
        self,
        session: Session,
        home: StayHome,
        bed: StayBed,
        starts: datetime,
        ends: datetime,
        now: datetime,
    ) -> None:
        """Offer each night of `bed` from `starts` to `ends` to the next in line."""
        night = self.night_of(starts)
        while self.night_range(night)[0] < ends:
            self._offer_night(session, home, bed, night, now)
            night += timedelta(days=1)

    # -- telling the guest -------------------------------------------------------------

    def _tell_guest(
        self, session: Session, booking: StayBooking, kind: str, message: str, out: BookingOut
    ) -> None:
        queue_notice(
            session,
            self.jobs,
            Notice(
                account_id=booking.account_id,
                kind=kind,
                message=message,
                params={
                    "home": out.home_name,
                    "bed": out.bed_label,
                    "room": out.room_name,
                    "starts": self._local(out.starts_at),
                    "ends": self._local(out.ends_at),
                },
                url="/stays",
            ),
        )
