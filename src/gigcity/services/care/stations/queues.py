"""Queues for showers and washing machines. A driver joins from the road (their phone) or
is added at the desk; the station's staff call the next, start and finish each use. The
expected wait is shown before anyone walks over (`estimate`), and the wait promised at
joining is kept beside the truth.

Calling the next is one conditional UPDATE (`state = 'waiting'`) whose row count says
whether this caller got that driver: two staff pressing "next" at once call two different
people, never one twice. Starting a use counts the units in use under the service's lock.
When a driver becomes the first in line, a notice ("your shower is next") is queued in the
same transaction, once (a conditional UPDATE of `next_notified_at`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gigcity.db.models import Place, StationQueueEntry, StationService
from gigcity.db.session import lock_named, transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.stations.base import (
    StationsBase,
    get_service,
    get_station,
    require_driver,
    service_hours,
)
from gigcity.services.care.stations.estimate import RECENT_USES, Estimate, use_model, waits
from gigcity.services.care.stations.schemas import (
    QUEUED,
    EntryOut,
    EntryState,
    Origin,
    QueueOut,
    ServiceKind,
)
from gigcity.services.errors import Conflict, Forbidden, NotFound
from gigcity.services.notify import Notice, queue_notice
from gigcity.services.places.access import check_station_staff
from gigcity.services.types import as_utc

AHEAD = (EntryState.waiting.value, EntryState.called.value)
ACTIVE = (*AHEAD, EntryState.in_use.value)
NEXT_MESSAGES = {
    ServiceKind.shower: N_("Your shower at {station} is next."),
    ServiceKind.washer: N_("Your washing machine at {station} is next."),
}
CALLED_MESSAGES = {
    ServiceKind.shower: N_("Your shower at {station} is ready: ticket {ticket}, please come."),
    ServiceKind.washer: N_(
        "Your washing machine at {station} is ready: ticket {ticket}, please come."
    ),
}


def _minutes(later: datetime, earlier: datetime) -> float:
    return (as_utc(later) - as_utc(earlier)).total_seconds() / 60


def lock_service(session: Session, service_id: int) -> None:
    lock_named(session, f"stations.queue.{service_id}")


def _queued_service(session: Session, service_id: int) -> tuple[StationService, Place]:
    service = get_service(session, service_id)
    if ServiceKind(service.kind) not in QUEUED:
        raise NotFound(N_("There is no queue for this service."))
    place = get_station(session, service.place_id)
    return service, place


def _get_entry(session: Session, entry_id: int) -> StationQueueEntry:
    entry = session.get(StationQueueEntry, entry_id)
    if entry is None:
        raise NotFound(N_("No queue ticket {id}."), id=entry_id)
    return entry


class Queues(StationsBase):
    # -- the estimate ------------------------------------------------------------------

    def _recent_uses(self, session: Session, service_id: int) -> list[float]:
        rows = session.execute(
            select(StationQueueEntry.started_at, StationQueueEntry.finished_at)
            .where(
                StationQueueEntry.service_id == service_id,
                StationQueueEntry.state == EntryState.done.value,
                StationQueueEntry.finished_at.is_not(None),
            )
            .order_by(StationQueueEntry.finished_at.desc(), StationQueueEntry.id.desc())
            .limit(RECENT_USES)
        )
        return [_minutes(done, started) for started, done in rows if started and done]

    def _estimates(
        self, session: Session, service: StationService, ahead: int, now: datetime
    ) -> tuple[list[Estimate] | None, int]:
        """The waits of someone with 0, 1, ... `ahead` people before them (None: no units);
        and how many units are in use."""
        started = list(
            session.scalars(
                select(StationQueueEntry.started_at).where(
                    StationQueueEntry.service_id == service.id,
                    StationQueueEntry.state == EntryState.in_use.value,
                )
            )
        )
        units = service.units if service.active else 0
        if units <= 0:
            return None, len(started)
        found = waits(
            units=units,
            in_use_elapsed=[_minutes(now, s) for s in started if s is not None],
            ahead=max(ahead, 0),
            model=use_model(self._recent_uses(session, service.id), service.typical_minutes),
        )
        return found, len(started)

    def _estimate(
        self, session: Session, service: StationService, ahead: int, now: datetime
    ) -> tuple[Estimate | None, int]:
        """The wait of someone with `ahead` people before them; and how many units are in use."""
        found, in_use = self._estimates(session, service, ahead, now)
        return (found[-1] if found else None), in_use

    def _ahead_of(self, session: Session, service_id: int, entry_id: int | None) -> int:
        """People waiting or called, not started, before `entry_id` (None: everyone)."""
        query = select(func.count()).where(
            StationQueueEntry.service_id == service_id, StationQueueEntry.state.in_(AHEAD)
        )
        if entry_id is not None:
            query = query.where(StationQueueEntry.id < entry_id)
        return int(session.scalar(query) or 0)

    def _entry_out(
        self,
        session: Session,
        entry: StationQueueEntry,
        service: StationService,
        now: datetime,
        known: list[Estimate] | None = None,
    ) -> EntryOut:
        """A ticket as shown; `known`: the queue's waits by people ahead, if worked out."""
        position = found = None
        estimate: int | None = None
        if entry.state == EntryState.waiting.value:
            ahead = self._ahead_of(session, service.id, entry.id)
            waiting_ahead = int(
                session.scalar(
                    select(func.count()).where(
                        StationQueueEntry.service_id == service.id,
                        StationQueueEntry.state == EntryState.waiting.value,
                        StationQueueEntry.id < entry.id,
                    )
                )
                or 0
            )
            position = waiting_ahead + 1
            if known is not None and ahead < len(known):
                found = known[ahead]
            else:
                found, _ = self._estimate(session, service, ahead, now)
            estimate = found.minutes if found else None
        elif entry.state == EntryState.called.value:
            estimate = 0
        return EntryOut(
            id=entry.id,
            service_id=service.id,
            kind=ServiceKind(service.kind),
            station_id=service.place_id,
            state=EntryState(entry.state),
            origin=Origin(entry.origin),
            joined_at=as_utc(entry.joined_at),
            position=position,
            estimate_minutes=estimate,
            estimate_low=found.low if found and found.wide else None,
            estimate_high=found.high if found and found.wide else None,
            estimate_at_join=entry.estimate_minutes,
            called_at=as_utc(entry.called_at) if entry.called_at else None,
            started_at=as_utc(entry.started_at) if entry.started_at else None,
            finished_at=as_utc(entry.finished_at) if entry.finished_at else None,
        )

    # -- reading -----------------------------------------------------------------------

    def queue(self, principal: Principal | None, service_id: int) -> QueueOut:
        """The queue as a driver sees it before walking over: units free, people waiting,
        the expected wait of someone joining now, and the caller's own place."""
        now = self.clock()
        with self.factory() as session:
            service, place = _queued_service(session, service_id)
            ahead = self._ahead_of(session, service.id, None)
            known, in_use = self._estimates(session, service, ahead, now)
            estimate = known[-1] if known else None
            mine = None
            if principal is not None and principal.role == Role.rider:
                entry = session.scalar(
                    select(StationQueueEntry).where(
                        StationQueueEntry.service_id == service.id,
                        StationQueueEntry.account_id == principal.account_id,
                        StationQueueEntry.state.in_(ACTIVE),
                    )
                )
                if entry is not None:
                    mine = self._entry_out(session, entry, service, now, known)
            units = service.units if service.active else 0
            duration = estimate.use_minutes if estimate else float(service.typical_minutes)
            return QueueOut(
                service_id=service.id,
                station_id=place.id,
                kind=ServiceKind(service.kind),
                units=units,
                in_use=in_use,
                free=max(units - in_use, 0),
                waiting=ahead,
                use_minutes=round(duration, 1),
                from_recent=estimate.from_recent if estimate else False,
                estimate_minutes=estimate.minutes if estimate else None,
                estimate_low=estimate.low if estimate and estimate.wide else None,
                estimate_high=estimate.high if estimate and estimate.wide else None,
                open_now=service_hours(service, place).is_open(now.astimezone(self.tz)),
                mine=mine,
            )

    def live_entries(self, principal: Principal, service_id: int) -> list[EntryOut]:
        """The desk's view: everyone waiting, called or in a use, oldest first."""
        now = self.clock()
        with self.factory() as session:
            service, place = _queued_service(session, service_id)
            check_station_staff(principal, place.id)
            rows = list(
                session.scalars(
                    select(StationQueueEntry)
                    .where(
                        StationQueueEntry.service_id == service.id,
                        StationQueueEntry.state.in_(ACTIVE),
                    )
                    .order_by(StationQueueEntry.id)
                )
            )
            ahead = sum(1 for r in rows if r.state in AHEAD)
            known, _ = self._estimates(session, service, ahead, now)  # one set of plays for all
            return [self._entry_out(session, r, service, now, known) for r in rows]

    # -- joining -----------------------------------------------------------------------

    def _join(
        self, session: Session, service_id: int, account_id: int | None, origin: Origin
    ) -> EntryOut:
        now = self.clock()
        service, place = _queued_service(session, service_id)
        lock_service(session, service.id)
        if not service.active or service.units <= 0:
            raise Conflict(N_("This service is not available now."))
        if not service_hours(service, place).is_open(now.astimezone(self.tz)):
            raise Conflict(N_("This service is closed now."))
        if account_id is not None:
            already = session.scalar(
                select(StationQueueEntry.id).where(
                    StationQueueEntry.service_id == service.id,
                    StationQueueEntry.account_id == account_id,
                    StationQueueEntry.state.in_(ACTIVE),
                )
            )
            if already is not None:
                raise Conflict(N_("You are already in this queue (ticket {id})."), id=already)
        ahead = self._ahead_of(session, service.id, None)
        known, _ = self._estimates(session, service, ahead, now)
        estimate = known[-1] if known else None
        entry = StationQueueEntry(
            service_id=service.id,
            account_id=account_id,
            origin=origin.value,
            state=EntryState.waiting.value,
            joined_at=now,
            estimate_minutes=estimate.minutes if estimate else 0,
        )
        session.add(entry)
        session.flush()
        return self._entry_out(session, entry, service, now, known)

    def join(self, principal: Principal, service_id: int) -> EntryOut:
        """A driver joins from the road: the answer has the place and the expected wait."""
        with transaction(self.factory) as session:
            account_id = require_driver(session, principal)
            return self._join(session, service_id, account_id, Origin.road)

    def desk_join(self, principal: Principal, service_id: int, code: str | None) -> EntryOut:
        """The desk adds a driver: by their code (then notices reach them), or a walk-in
        with a ticket number only."""
        account_id = self.account_of_code(code) if code else None
        with transaction(self.factory) as session:
            service = get_service(session, service_id)
            check_station_staff(principal, service.place_id)
            return self._join(session, service_id, account_id, Origin.desk)

    # -- the desk's buttons ------------------------------------------------------------

    def call_next(self, principal: Principal, service_id: int) -> EntryOut:
        """Call the first waiting driver: a conditional UPDATE per candidate, so two staff
        pressing at once get two different people; 409 when nobody waits."""
        now = self.clock()
        with transaction(self.factory) as session:
            service, place = _queued_service(session, service_id)
            check_station_staff(principal, place.id)
            while True:
                candidate = session.scalar(
                    select(StationQueueEntry.id)
                    .where(
                        StationQueueEntry.service_id == service.id,
                        StationQueueEntry.state == EntryState.waiting.value,
                    )
                    .order_by(StationQueueEntry.id)
                    .limit(1)
                )
                if candidate is None:
                    raise Conflict(N_("Nobody is waiting for this service."))
                took = session.execute(
                    update(StationQueueEntry)
                    .where(
                        StationQueueEntry.id == candidate,
                        StationQueueEntry.state == EntryState.waiting.value,
                    )
                    .values(
                        state=EntryState.called.value, called_at=now, called_by=principal.account_id
                    )
                )
                if took.rowcount == 1:  # type: ignore[attr-defined]
                    break
            entry = _get_entry(session, candidate)
            session.refresh(entry)
            kind = ServiceKind(service.kind)
            if entry.account_id is not None:
                queue_notice(
                    session,
                    self.jobs,
                    Notice(
                        account_id=entry.account_id,
                        kind="stations.called",
                        message=CALLED_MESSAGES[kind],
                        params={"station": place.name, "ticket": entry.id},
                        url=f"/stations?station={place.id}",
                    ),
                )
            self._tell_next(session, service, place, now)
            return self._entry_out(session, entry, service, now)

    def _tell_next(
        self, session: Session, service: StationService, place: Place, now: datetime
    ) -> None:
        """Queue "your shower is next" for the first in line, once."""
        first = session.scalar(
            select(StationQueueEntry)
            .where(
                StationQueueEntry.service_id == service.id,
                StationQueueEntry.state == EntryState.waiting.value,
            )
            .order_by(StationQueueEntry.id)
            .limit(1)
        )
        if first is None or first.account_id is None:
            return
        told = session.execute(
            update(StationQueueEntry)
            .where(StationQueueEntry.id == first.id, StationQueueEntry.next_notified_at.is_(None))
            .values(next_notified_at=now)
        )
        if told.rowcount == 1:  # type: ignore[attr-defined]
            queue_notice(
                session,
                self.jobs,
                Notice(
                    account_id=first.account_id,
                    kind="stations.next",
                    message=NEXT_MESSAGES[ServiceKind(service.kind)],
                    params={"station": place.name},
                    url=f"/stations?station={place.id}",
                ),
            )

    def _move(
        self,
        principal: Principal,
        entry_id: int,
        from_states: Sequence[str],
        to_state: EntryState,
        refusal: str,
        *,
        check_units: bool = False,
    ) -> EntryOut:
        now = self.clock()
        with transaction(self.factory) as session:
            entry = _get_entry(session, entry_id)
            service, place = _queued_service(session, entry.service_id)
            check_station_staff(principal, place.id)
            if check_units:
                lock_service(session, service.id)
                in_use = int(
                    session.scalar(
                        select(func.count()).where(
                            StationQueueEntry.service_id == service.id,
                            StationQueueEntry.state == EntryState.in_use.value,
                        )
                    )
                    or 0
                )
                if in_use >= service.units:
                    raise Conflict(
                        N_("All {units} units are in use; finish one first."), units=service.units
                    )
            stamp = {
                EntryState.in_use: {"started_at": now},
                EntryState.done: {"finished_at": now},
                EntryState.left: {"left_at": now},
            }[to_state]
            moved = session.execute(
                update(StationQueueEntry)
                .where(StationQueueEntry.id == entry_id, StationQueueEntry.state.in_(from_states))
                .values(state=to_state.value, **stamp)
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(refusal)
            session.refresh(entry)
            if to_state == EntryState.left:
                self._tell_next(session, service, place, now)
            return self._entry_out(session, entry, service, now)

    def start_use(self, principal: Principal, entry_id: int) -> EntryOut:
        """The called driver takes a unit (409 when every unit is in use)."""
        return self._move(
            principal,
            entry_id,
            (EntryState.called.value,),
            EntryState.in_use,
            N_("This ticket has not been called."),
            check_units=True,
        )

    def finish_use(self, principal: Principal, entry_id: int) -> EntryOut:
        return self._move(
            principal,
            entry_id,
            (EntryState.in_use.value,),
            EntryState.done,
            N_("This ticket is not in use."),
        )

    def no_show(self, principal: Principal, entry_id: int) -> EntryOut:
        """The desk takes a ticket out of the queue (the driver did not come)."""
        return self._move(
            principal,
            entry_id,
            AHEAD,
            EntryState.left,
            N_("This ticket is no longer waiting."),
        )

    def leave(self, principal: Principal, entry_id: int) -> None:
        """A driver leaves the queue (before their use starts)."""
        now = self.clock()
        with transaction(self.factory) as session:
            entry = _get_entry(session, entry_id)
            if principal.account_id is None or entry.account_id != principal.account_id:
                raise Forbidden(N_("This is not your queue ticket."))
            service, place = _queued_service(session, entry.service_id)
            moved = session.execute(
                update(StationQueueEntry)
                .where(StationQueueEntry.id == entry_id, StationQueueEntry.state.in_(AHEAD))
                .values(state=EntryState.left.value, left_at=now)
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_("This ticket is no longer waiting."))
            self._tell_next(session, service, place, now)

    # -- retention ---------------------------------------------------------------------

    def purge_queue_people(self, kept: timedelta) -> int:
        """Forget who held queue tickets older than `kept` (the durations stay for the
        estimates); how many."""
        cutoff = self.clock() - kept
        with transaction(self.factory) as session:
            done = session.execute(
                update(StationQueueEntry)
                .where(
                    StationQueueEntry.joined_at < cutoff,
                    StationQueueEntry.account_id.is_not(None),
                )
                .values(account_id=None, called_by=None)
            )
            return int(done.rowcount)  # type: ignore[attr-defined]
