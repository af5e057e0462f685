"""Group sessions: counsellors (and district admins) put them on; riders and drivers take
a place and give it back. A place is taken by one atomic step on both databases: a
conditional UPDATE (`taken < capacity`) whose row count says whether there was room, and
the sign-up row in the same transaction (unique per person), so a full session refuses
and no session is ever over capacity (a check constraint backs it)."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from gigcity.db.models import CareSession, CareSignup
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.base import CareBase, require_session_keeper
from gigcity.services.care.schemas import SessionIn, SessionOut
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.notify import Notice, queue_notice
from gigcity.services.types import as_utc

LIST_LIMIT = 100


def _out(row: CareSession, mine: bool = False) -> SessionOut:
    return SessionOut(
        id=row.id,
        title=row.title,
        starts_at=as_utc(row.starts_at),
        minutes=row.minutes,
        venue=row.venue,
        online=row.online,
        capacity=row.capacity,
        taken=row.taken,
        free=row.capacity - row.taken,
        mine=mine,
    )


def _require_worker(principal: Principal) -> int:
    if principal.role != Role.rider or principal.account_id is None:
        raise Forbidden(N_("Only riders and drivers sign up for group sessions."))
    return principal.account_id


class Sessions(CareBase):
    def create_session(self, principal: Principal, data: SessionIn) -> SessionOut:
        require_session_keeper(principal)
        if data.starts_at <= self.clock():
            raise InvalidInput(N_("A session starts in the future."), field="starts_at")
        with transaction(self.factory) as session:
            row = CareSession(
                title=data.title,
                starts_at=data.starts_at,
                minutes=data.minutes,
                venue=data.venue,
                online=data.online,
                capacity=data.capacity,
                taken=0,
                created_by=principal.account_id,
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return _out(row)

    def upcoming_sessions(self, principal: Principal) -> list[SessionOut]:
        """Sessions not yet over and not cancelled, soonest first; `mine` for a rider's own."""
        now = self.clock()
        with self.factory() as session:
            rows = list(
                session.scalars(
                    select(CareSession)
                    .where(CareSession.cancelled_at.is_(None), CareSession.starts_at > now)
                    .order_by(CareSession.starts_at, CareSession.id)
                    .limit(LIST_LIMIT)
                )
            )
            mine: set[int] = set()
            if principal.role == Role.rider and principal.account_id is not None and rows:
                mine = set(
                    session.scalars(
                        select(CareSignup.session_id).where(
                            CareSignup.account_id == principal.account_id,
                            CareSignup.session_id.in_([r.id for r in rows]),
                        )
                    )
                )
            return [_out(r, r.id in mine) for r in rows]

    def cancel_session(self, principal: Principal, session_id: int) -> None:
        require_session_keeper(principal)
        with transaction(self.factory) as session:
            done = session.execute(
                update(CareSession)
                .where(CareSession.id == session_id, CareSession.cancelled_at.is_(None))
                .values(cancelled_at=self.clock())
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                if session.get(CareSession, session_id) is None:
                    raise NotFound(N_("No group session {id}."), id=session_id)
                raise Conflict(N_("This group session was already cancelled."))

    def sign_up(self, principal: Principal, session_id: int) -> SessionOut:
        """Take a place: 409 when the session is full, cancelled, over, or the caller has a
        place already; one conditional UPDATE and one INSERT in one transaction."""
        account_id = _require_worker(principal)
        now = self.clock()
        try:
            with transaction(self.factory) as session:
                took = session.execute(
                    update(CareSession)
                    .where(
                        CareSession.id == session_id,
                        CareSession.taken < CareSession.capacity,
                        CareSession.cancelled_at.is_(None),
                        CareSession.starts_at > now,
                    )
                    .values(taken=CareSession.taken + 1)
                )
                if took.rowcount != 1:  # type: ignore[attr-defined]
                    raise _refusal(session.get(CareSession, session_id), session_id)
                session.add(CareSignup(session_id=session_id, account_id=account_id, at=now))
                session.flush()
                row = session.get(CareSession, session_id)
                assert row is not None
                session.refresh(row)
                if self.jobs is not None:  # told in the same transaction as the place
                    starts = as_utc(row.starts_at).astimezone(self.tz)
                    notice = Notice(
                        account_id=account_id,
                        kind="care.session_place",
                        message=N_(
                            "Your place in the group session “{title}” on {when} is confirmed."
                        ),
                        params={"title": row.title[:100], "when": f"{starts:%Y-%m-%d %H:%M}"},
                        url="/care",
                    )
                    queue_notice(session, self.jobs, notice)
                return _out(row, mine=True)
        except IntegrityError:  # the unique sign-up: this person has a place already
            raise Conflict(N_("You already have a place in this group session.")) from None

    def give_back(self, principal: Principal, session_id: int) -> None:
        """Give a place back (before the session starts): the sign-up and the count go in
        one transaction."""
        account_id = _require_worker(principal)
        with transaction(self.factory) as session:
            row = session.get(CareSession, session_id)
            if row is None:
                raise NotFound(N_("No group session {id}."), id=session_id)
            gone = session.execute(
                delete(CareSignup).where(
                    CareSignup.session_id == session_id, CareSignup.account_id == account_id
                )
            )
            if gone.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFound(N_("You have no place in this group session."))
            session.execute(
                update(CareSession)
                .where(CareSession.id == session_id)
                .values(taken=CareSession.taken - 1)
            )


def _refusal(row: CareSession | None, session_id: int) -> Exception:
    if row is None:
        return NotFound(N_("No group session {id}."), id=session_id)
    if row.cancelled_at is not None:
        return Conflict(N_("This group session was cancelled."))
    if row.taken >= row.capacity:
        return Conflict(N_("This group session is full."))
    return Conflict(N_("This group session has already started."))
