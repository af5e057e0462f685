"""Queues for showers and washing machines. A driver joins from the road (their phone) or
is added at the desk; the station's staff call the next, start and finish each use. The
expected wait is shown before anyone walks over (`estimate`), and the wait promised at
joining is kept beside the truth.

Calling the next is one conditional UPDATE (`state = 'waiting'`) whose row count says
whether this caller got that driver: two staff pressing "next" at once call two different
people, never one twice. Starting a use counts the units in use under the service's lock.
When a driver becomes the first in line, a notice ("your shower is next") is queued in the
same transaction, once (a conditional UPDATE of `next_notified_at`).

A washing machine's ticket may name the programme it will run (chosen by the driver when
joining, or by the desk when adding them or at the start): its use is then estimated by
that programme's run time, learned from the programme's recent uses in the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gigcity.db.models import Place, StationProgramme, StationQueueEntry, StationService
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
from gigcity.services.care.stations.estimate import (
    RECENT_USES,
    Estimate,
    UseModel,
    plays,
    programme_model,
    use_model,
)
from gigcity.services.care.stations.programmes import active_programmes, chosen_programme
from gigcity.services.care.stations.schemas import (
    QUEUED,
    EntryOut,
    EntryState,
    Origin,
    ProgrammeRun,
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


@dataclass(frozen=True, slots=True)
class QueueState:
    """What the estimates of one service's queue are made from, worked out once."""

    known: list[Estimate] | None  # the waits by people ahead (None: no units)
    in_use: int
    service_law: UseModel  # a use without a programme
    laws: dict[tuple[int, int], UseModel]  # (programme, its minutes then) -> run time
    programmes: list[StationProgramme]  # the programmes to choose from now

    def law_of(self, entry: StationQueueEntry) -> UseModel:
        key = _programme_key(entry)
        return self.laws[key] if key is not None else self.service_law


def _programme_key(entry: StationQueueEntry) -> tuple[int, int] | None:
    if entry.programme_id is None or entry.programme_minutes is None:
        return None
    return entry.programme_id, entry.programme_minutes


class Queues(StationsBase):
    # -- the estimate ------------------------------------------------------------------

    def _recent_uses(
        self, session: Session, service_id: int, programme: tuple[int, int] | None = None
    ) -> list[float]:
        """The last finished uses, minutes, newest first: the service's, or one programme's
        run at the same nominal minutes."""
        query = select(StationQueueEntry.started_at, StationQueueEntry.finished_at).where(
            StationQueueEntry.state == EntryState.done.value,
            StationQueueEntry.finished_at.is_not(None),
        )
        if programme is None:
            query = query.where(StationQueueEntry.service_id == service_id)
        else:
            query = query.where(
                StationQueueEntry.programme_id == programme[0],
                StationQueueEntry.programme_minutes == programme[1],
            )
        rows = session.execute(
            query.order_by(StationQueueEntry.finished_at.desc(), StationQueueEntry.id.desc()).limit(
                RECENT_USES
            )
        )
        return [_minutes(done, started) for started, done in rows if started and done]

    def _state(self, session: Session, service: StationService, now: datetime) -> QueueState:
        """The queue now: the waits of someone with 0, 1, ... of the people in line before
        them, each use under way and each person ahead taking their programme's law."""
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
        programmes = active_programmes(session, [service.id])[service.id]
        keys = {key for key in map(_programme_key, rows) if key is not None}
        keys |= {(p.id, p.minutes) for p in programmes}
        laws = {
            key: programme_model(self._recent_uses(session, service.id, key), key[1])
            for key in keys
        }
        service_law = use_model(self._recent_uses(session, service.id), service.typical_minutes)
        running = [r for r in rows if r.state == EntryState.in_use.value]
        state = QueueState(None, len(running), service_law, laws, programmes)
        units = service.units if service.active else 0
        if units <= 0:
            return state
        known = plays(
            units=units,
            under_way=[
                (_minutes(now, r.started_at), state.law_of(r))
                for r in running
                if r.started_at is not None
            ],
            ahead=[state.law_of(r) for r in rows if r.state in AHEAD],
            model=service_law,
        )
        return QueueState(known, len(running), service_law, laws, programmes)

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
        state: QueueState | None = None,
    ) -> EntryOut:
        """A ticket as shown; `state`: the queue's, if worked out already."""
        position = found = None
        estimate: int | None = None
        left: int | None = None
        if entry.state in (EntryState.waiting.value, EntryState.in_use.value) and state is None:
            state = self._state(session, service, now)
        if entry.state == EntryState.waiting.value and state is not None:
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
            if state.known is not None and ahead < len(state.known):
                found = state.known[ahead]
            estimate = found.minutes if found else None
        elif entry.state == EntryState.called.value:
            estimate = 0
        elif (
            entry.state == EntryState.in_use.value
            and state is not None
            and entry.started_at is not None
        ):
            left = round(state.law_of(entry).left(_minutes(now, entry.started_at)))
        programme = (
            session.get(StationProgramme, entry.programme_id) if entry.programme_id else None
        )
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
            programme_id=entry.programme_id,
            programme_name=programme.name if programme else None,
            left_minutes=left,
            called_at=as_utc(entry.called_at) if entry.called_at else None,
            started_at=as_utc(entry.started_at) if entry.started_at else None,
            finished_at=as_utc(entry.finished_at) if entry.finished_at else None,
        )

    # -- reading -----------------------------------------------------------------------

    def queue(self, principal: Principal | None, service_id: int) -> QueueOut:
        """The queue as a driver sees it before walking over: units free, people waiting,
        the expected wait of someone joining now, the programmes to choose from with their
        run times, and the caller's own place."""
        now = self.clock()
        with self.factory() as session:
            service, place = _queued_service(session, service_id)
            state = self._state(session, service, now)
            estimate = state.known[-1] if state.known else None
            ahead = (
                len(state.known) - 1 if state.known else self._ahead_of(session, service.id, None)
            )
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
                    mine = self._entry_out(session, entry, service, now, state)
            units = service.units if service.active else 0
            duration = estimate.use_minutes if estimate else float(service.typical_minutes)
            return QueueOut(
                service_id=service.id,
                station_id=place.id,
                kind=ServiceKind(service.kind),
                units=units,
                in_use=state.in_use,
                free=max(units - state.in_use, 0),
                waiting=ahead,
                use_minutes=round(duration, 1),
                from_recent=estimate.from_recent if estimate else False,
                estimate_minutes=estimate.minutes if estimate else None,
                estimate_low=estimate.low if estimate and estimate.wide else None,
                estimate_high=estimate.high if estimate and estimate.wide else None,
                open_now=service_hours(service, place).is_open(now.astimezone(self.tz)),
                mine=mine,
                programmes=[
                    ProgrammeRun(
                        id=p.id,
                        name=p.name,
                        minutes=p.minutes,
                        run_minutes=round(state.laws[p.id, p.minutes].median, 1),
                        from_recent=state.laws[p.id, p.minutes].from_recent,
                    )
                    for p in state.programmes
                ],
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
            state = self._state(session, service, now)  # one set of plays for all
            return [self._entry_out(session, r, service, now, state) for r in rows]

    # -- joining -----------------------------------------------------------------------

    def _join(
        self,
        session: Session,
        service_id: int,
        account_id: int | None,
        origin: Origin,
        programme_id: int | None = None,
    ) -> EntryOut:
        now = self.clock()
        service, place = _queued_service(session, service_id)
        programme = chosen_programme(session, service.id, programme_id)
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
        # the newcomer's wait: after everyone in line now (their own programme does not
        # change when a machine frees up for them)
        state = self._state(session, service, now)
        estimate = state.known[-1] if state.known else None
        entry = StationQueueEntry(
            service_id=service.id,
            account_id=account_id,
            origin=origin.value,
            state=EntryState.waiting.value,
            joined_at=now,
            estimate_minutes=estimate.minutes if estimate else 0,
            programme_id=programme.id if programme else None,
            programme_minutes=programme.minutes if programme else None,
        )
        session.add(entry)
        session.flush()
        return self._entry_out(session, entry, service, now, state)

    def join(
        self, principal: Principal, service_id: int, programme_id: int | None = None
    ) -> EntryOut:
        """A driver joins from the road, with the programme they will run if they chose one:
        the answer has the place and the expected wait."""
        with transaction(self.factory) as session:
            account_id = require_driver(session, principal)
            return self._join(session, service_id, account_id, Origin.road, programme_id)

    def desk_join(
        self,
        principal: Principal,
        service_id: int,
        code: str | None,
        programme_id: int | None = None,
    ) -> EntryOut:
        """The desk adds a driver: by their code (then notices reach them), or a walk-in
        with a ticket number only; with a programme if the driver named one."""
        account_id = self.account_of_code(code) if code else None
        with transaction(self.factory) as session:
            service = get_service(session, service_id)
            check_station_staff(principal, service.place_id)
            return self._join(session, service_id, account_id, Origin.desk, programme_id)

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
        programme_id: int | None = None,
    ) -> EntryOut:
        now = self.clock()
        with transaction(self.factory) as session:
            entry = _get_entry(session, entry_id)
            service, place = _queued_service(session, entry.service_id)
            check_station_staff(principal, place.id)
            programme = chosen_programme(session, service.id, programme_id)
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
            column = {
                EntryState.in_use: "started_at",
                EntryState.done: "finished_at",
                EntryState.left: "left_at",
            }[to_state]
            stamp: dict[str, object] = {column: now}
            if programme is not None:  # the desk names the programme the machine runs
                stamp |= {"programme_id": programme.id, "programme_minutes": programme.minutes}
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

    def start_use(
        self, principal: Principal, entry_id: int, programme_id: int | None = None
    ) -> EntryOut:
        """The called driver takes a unit (409 when every unit is in use); `programme_id`:
        the programme the machine runs, set or changed at the start."""
        return self._move(
            principal,
            entry_id,
            (EntryState.called.value,),
            EntryState.in_use,
            N_("This ticket has not been called."),
            check_units=True,
            programme_id=programme_id,
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
