"""Volunteers for the elderly: one register of tasks for older people (carry a large item,
a visit, a repair), posted by staff and taken by riders and drivers, such as the truck
drivers' "volunteer team on wheels" or station riders visiting day-care centres.

Staff of the older person's sub-district post a task (what, for whom, which day, and
optionally for which team) and see who did what. A rider looking for a task sees the open
ones of an area with the minimum: the older person's first name, building and the day;
once they have taken one, its door too, until it is done. Taking is one conditional UPDATE
(`... WHERE taken_by IS NULL`): of two riders taking the same task at once exactly one wins,
the other is told it is taken (409). Taking, giving back and finishing follow one rule
(`after`), which also says what a refused step was refused for; taking or finishing again
what one has taken or finished (a retry on a poor connection) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Elder, VolunteerTask
from gigcity.db.session import transaction
from gigcity.i18n import DEFAULT_LOCALE, N_, gettext
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare.base import (
    EldercareBase,
    log_reads,
    require_manager,
    scope_subdistrict,
)
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.positions import check_position
from gigcity.services.types import as_utc

DAYS_AHEAD_MAX = 90  # a task is posted for a day within this many days
LIST_LIMIT = 200  # tasks listed at most at once


class TaskKind(StrEnum):
    carry_large_item = "carry_large_item"
    visit = "visit"
    repair = "repair"
    other = "other"


KIND_TEXTS: dict[TaskKind, str] = {
    TaskKind.carry_large_item: N_("Carry a large item"),
    TaskKind.visit: N_("Visit"),
    TaskKind.repair: N_("Repair"),
    TaskKind.other: N_("Other help"),
}


class TaskState(StrEnum):
    open = "open"
    taken = "taken"
    done = "done"


class TaskAction(StrEnum):
    take = "take"
    give_back = "give_back"
    finish = "finish"


# -- the rule ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Holding:
    """Where a task stands: who holds it (None: nobody) and whether it is done."""

    taken_by: int | None = None
    done: bool = False

    @property
    def state(self) -> TaskState:
        if self.done:
            return TaskState.done
        return TaskState.open if self.taken_by is None else TaskState.taken


def after(holding: Holding, action: TaskAction, actor: int) -> Holding:
    """The task after `actor` does `action` (pure). A task is taken by one volunteer at a
    time, given back or finished only by them, and stays done; taking or finishing again
    changes nothing. Conflict when the task's state stands in the way, Forbidden when it
    is another volunteer's."""
    mine = holding.taken_by == actor
    if action is TaskAction.take:
        if mine:
            return holding  # taken or done by them already: a retry
        if holding.done:
            raise Conflict(N_("This task is done already."))
        if holding.taken_by is not None:
            raise Conflict(N_("Another volunteer has taken this task."))
        return Holding(actor)
    if holding.taken_by is None:
        raise Conflict(N_("Take this task first."))
    if not mine:
        raise Forbidden(N_("This task was taken by another volunteer."))
    if action is TaskAction.give_back:
        if holding.done:
            raise Conflict(N_("This task is done already."))
        return Holding()
    return Holding(actor, done=True)


# -- what the API takes and gives ---------------------------------------------------------


class TaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    elder_id: Annotated[int, Field(ge=1, le=2_147_483_647)]
    kind: TaskKind
    title: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="What to do, e.g. 搬一台旧冰箱下楼"
    )
    day: date = Field(description="The day it is to be done (district local)")
    team: Annotated[str, Field(max_length=120)] = Field(
        "", description="The team it is meant for, e.g. 货车司机爱心车队 (optional)"
    )


class DoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: Annotated[str, Field(max_length=500)] = Field("", description="What was done")


class VolunteerTaskOut(BaseModel):
    """What a volunteer sees: the older person's first name and building, and the door
    only on a task they hold."""

    id: int
    kind: TaskKind
    kind_text: str
    title: str
    day: date
    team: str
    state: TaskState
    subdistrict: str
    first_name: str
    building: str
    door: str | None = Field(None, description="Only on a task you have taken and not done")
    mine: bool
    done_at: datetime | None
    note: str


class TaskRecordOut(BaseModel):
    """A line of the staff's register: the task, the older person's first name, and who
    did it."""

    id: int
    elder_id: int
    first_name: str
    building: str
    subdistrict: str
    kind: TaskKind
    kind_text: str
    title: str
    day: date
    team: str
    state: TaskState
    created_by: int | None
    taken_by: int | None
    taken_by_name: str | None
    taken_by_worker_type: str | None
    done_at: datetime | None
    note: str


# -- the service --------------------------------------------------------------------------


class VolunteerTasks:
    """The register of volunteer tasks, on the eldercare service's database, cipher and
    clock."""

    def __init__(self, care: EldercareBase) -> None:
        self.care = care

    def _today(self) -> date:
        return self.care.day_clock.day_of(self.care.clock())

    # -- staff ----------------------------------------------------------------------------

    def post(
        self, principal: Principal, data: TaskIn, locale: str = DEFAULT_LOCALE
    ) -> TaskRecordOut:
        """Post a task for an older person of the manager's sub-district."""
        require_manager(principal)
        today = self._today()
        if not today <= data.day <= today + timedelta(days=DAYS_AHEAD_MAX):
            raise InvalidInput(
                N_("A task's day is from today to {most} days ahead."),
                field="day",
                most=DAYS_AHEAD_MAX,
            )
        with transaction(self.care.factory) as session:
            elder = session.get(Elder, data.elder_id)
            if elder is None:
                raise InvalidInput(
                    N_("No older person {id} is enrolled."), field="elder_id", id=data.elder_id
                )
            require_manager(principal, elder.subdistrict)
            if elder.ended_at is not None:
                raise InvalidInput(
                    N_("This older person's enrolment has ended already."), field="elder_id"
                )
            task = VolunteerTask(
                elder_id=elder.id,
                kind=data.kind.value,
                title=data.title,
                day=data.day,
                team=data.team,
                created_by=principal.account_id,
            )
            session.add(task)
            session.flush()
            log_reads(
                session, principal, [elder.id], ["first_name"], "volunteer", self.care.clock()
            )
            return self._records(session, [(task, elder)], locale)[0]

    def register(
        self,
        principal: Principal,
        *,
        subdistrict: str | None = None,
        state: TaskState | None = None,
        first: date | None = None,
        last: date | None = None,
        locale: str = DEFAULT_LOCALE,
    ) -> list[TaskRecordOut]:
        """The register, latest day first: what, for whom, which day, who did it."""
        if subdistrict is not None:
            require_manager(principal, subdistrict)
            scope: str | None = subdistrict
        else:
            scope = scope_subdistrict(principal)
        query = _tasks_with_elders()
        if scope is not None:
            query = query.where(Elder.subdistrict == scope)
        if first is not None:
            query = query.where(VolunteerTask.day >= first)
        if last is not None:
            query = query.where(VolunteerTask.day <= last)
        query = _in_state(query, state).order_by(VolunteerTask.day.desc(), VolunteerTask.id)
        with transaction(self.care.factory) as session:  # writing: the reads are logged
            found = _pairs(session, query.limit(LIST_LIMIT))
            elder_ids = [elder.id for _, elder in found]
            log_reads(session, principal, elder_ids, ["first_name"], "volunteer", self.care.clock())
            return self._records(session, found, locale)

    def _records(
        self, session: Session, found: list[tuple[VolunteerTask, Elder]], locale: str
    ) -> list[TaskRecordOut]:
        takers = {t.taken_by for t, _ in found if t.taken_by is not None}
        who = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(takers)))}
        decrypt = self.care.cipher.decrypt
        out = []
        for task, elder in found:
            taker = who.get(task.taken_by) if task.taken_by is not None else None
            out.append(
                TaskRecordOut(
                    **_common(task, locale),
                    elder_id=elder.id,
                    first_name=decrypt(elder.first_name_enc),
                    building=elder.building,
                    subdistrict=elder.subdistrict,
                    created_by=task.created_by,
                    taken_by=task.taken_by,
                    taken_by_name=taker.display_name if taker else None,
                    taken_by_worker_type=taker.worker_type if taker else None,
                )
            )
        return out

    # -- volunteers -----------------------------------------------------------------------

    def area(
        self,
        principal: Principal,
        subdistrict: str | None = None,
        lon: float | None = None,
        lat: float | None = None,
    ) -> str:
        """The sub-district a volunteer looks in: the one named, else where they are, else
        their account's."""
        district = self.care.district
        if subdistrict is not None:
            if district.get(subdistrict) is None:
                raise InvalidInput(
                    N_("No sub-district '{code}' in this district (one of: {codes})."),
                    field="subdistrict",
                    code=subdistrict,
                    codes=", ".join(s.code for s in district.subdistricts),
                )
            return subdistrict
        if (lon is None) != (lat is None):
            raise InvalidInput(N_("Give both lon and lat, or neither."), field="lon")
        if lon is not None and lat is not None:
            check_position(lon, lat, field="lon")
            found = district.locate(lon, lat)
            if found is None:
                raise InvalidInput(N_("This position is outside the district."), field="lon")
            return found.code
        if principal.subdistrict:
            return principal.subdistrict
        raise InvalidInput(
            N_("Say where to look: a sub-district, or your position (lon and lat)."),
            field="subdistrict",
        )

    def open_tasks(
        self,
        principal: Principal,
        subdistrict: str,
        *,
        kind: TaskKind | None = None,
        team: str | None = None,
        locale: str = DEFAULT_LOCALE,
    ) -> list[VolunteerTaskOut]:
        """The open tasks of a sub-district from today on, soonest first: first names and
        buildings only (reading them is logged)."""
        _require_volunteer(principal)
        query = _in_state(_tasks_with_elders(), TaskState.open).where(
            Elder.subdistrict == subdistrict,
            Elder.ended_at.is_(None),
            VolunteerTask.day >= self._today(),
        )
        if kind is not None:
            query = query.where(VolunteerTask.kind == kind.value)
        if team:
            query = query.where(VolunteerTask.team == team)
        query = query.order_by(VolunteerTask.day, VolunteerTask.id).limit(LIST_LIMIT)
        with transaction(self.care.factory) as session:
            found = _pairs(session, query)
            self._log(session, principal, found, with_door=False)
            return [self._for_volunteer(task, elder, principal, locale) for task, elder in found]

    def my_tasks(
        self, principal: Principal, locale: str = DEFAULT_LOCALE
    ) -> list[VolunteerTaskOut]:
        """The tasks a volunteer holds or has done, latest day first; the door of those not
        done yet."""
        _require_volunteer(principal)
        query = (
            _tasks_with_elders()
            .where(VolunteerTask.taken_by == principal.account_id)
            .order_by(VolunteerTask.day.desc(), VolunteerTask.id)
            .limit(LIST_LIMIT)
        )
        with transaction(self.care.factory) as session:
            found = _pairs(session, query)
            self._log(session, principal, found, with_door=True)
            return [self._for_volunteer(task, elder, principal, locale) for task, elder in found]

    def take(
        self, principal: Principal, task_id: int, locale: str = DEFAULT_LOCALE
    ) -> VolunteerTaskOut:
        """Take an open task: of volunteers taking it at once exactly one wins."""
        return self._step(principal, task_id, TaskAction.take, locale)

    def give_back(
        self, principal: Principal, task_id: int, locale: str = DEFAULT_LOCALE
    ) -> VolunteerTaskOut:
        """Give a task one holds back to the register, open for others."""
        return self._step(principal, task_id, TaskAction.give_back, locale)

    def finish(
        self, principal: Principal, task_id: int, data: DoneIn, locale: str = DEFAULT_LOCALE
    ) -> VolunteerTaskOut:
        """Mark a task one holds done, with a note of what was done."""
        return self._step(principal, task_id, TaskAction.finish, locale, note=data.note)

    def _step(
        self,
        principal: Principal,
        task_id: int,
        action: TaskAction,
        locale: str,
        note: str | None = None,
    ) -> VolunteerTaskOut:
        """One step of a task as one conditional UPDATE (the task still as the step needs
        it: open to take, or held by the caller and not done). When no row changed, the
        task as it is now says why (`after` raises: taken by another, not theirs, done) or
        that this was a retry of a step already made."""
        me = _require_volunteer(principal)
        with transaction(self.care.factory) as session:
            task, elder = self._get(session, task_id)
            if action is TaskAction.take and task.done_at is None and task.taken_by is None:
                if task.day < self._today():
                    raise Conflict(N_("The day of this task has passed."))
                if elder.ended_at is not None:
                    raise Conflict(N_("This older person's enrolment has ended already."))
            holder = (
                VolunteerTask.taken_by.is_(None)
                if action is TaskAction.take
                else (VolunteerTask.taken_by == me)
            )
            values: dict[str, Any]
            if action is TaskAction.take:
                values = {"taken_by": me}
            elif action is TaskAction.give_back:
                values = {"taken_by": None}
            else:
                values = {"done_at": self.care.clock(), "note": note}
            changed = session.execute(
                update(VolunteerTask)
                .where(VolunteerTask.id == task_id, holder, VolunteerTask.done_at.is_(None))
                .values(**values)
            )
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                session.refresh(task)
                after(_holding(task), action, me)
            return self._done_step(session, task, elder, principal, locale)

    # -- shared ---------------------------------------------------------------------------

    def _get(self, session: Session, task_id: int) -> tuple[VolunteerTask, Elder]:
        task = session.get(VolunteerTask, task_id)
        if task is None:
            raise NotFound(N_("No volunteer task {id}."), id=task_id)
        elder = session.get(Elder, task.elder_id)
        assert elder is not None  # CASCADE: a task goes with its older person
        return task, elder

    def _done_step(
        self,
        session: Session,
        task: VolunteerTask,
        elder: Elder,
        principal: Principal,
        locale: str,
    ) -> VolunteerTaskOut:
        session.refresh(task)
        self._log(session, principal, [(task, elder)], with_door=True)
        return self._for_volunteer(task, elder, principal, locale)

    def _log(
        self,
        session: Session,
        principal: Principal,
        found: list[tuple[VolunteerTask, Elder]],
        *,
        with_door: bool,
    ) -> None:
        now = self.care.clock()
        held = {e.id for t, e in found if with_door and _holds(t, principal)}
        rest = {e.id for _, e in found} - held
        log_reads(session, principal, held, ["first_name", "door"], "volunteer", now)
        log_reads(session, principal, rest, ["first_name"], "volunteer", now)

    def _for_volunteer(
        self, task: VolunteerTask, elder: Elder, principal: Principal, locale: str
    ) -> VolunteerTaskOut:
        decrypt = self.care.cipher.decrypt
        return VolunteerTaskOut(
            **_common(task, locale),
            subdistrict=elder.subdistrict,
            first_name=decrypt(elder.first_name_enc),
            building=elder.building,
            door=decrypt(elder.door_enc) if _holds(task, principal) else None,
            mine=task.taken_by is not None and task.taken_by == principal.account_id,
        )


def _require_volunteer(principal: Principal) -> int:
    """Riders and drivers of every kind take tasks (truck drivers are riders too)."""
    if principal.role != Role.rider or principal.account_id is None:
        raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)
    return principal.account_id


def _holds(task: VolunteerTask, principal: Principal) -> bool:
    """The volunteer holds the task: taken by them and not done (they need the door)."""
    return (
        task.done_at is None and task.taken_by is not None and task.taken_by == principal.account_id
    )


def _holding(task: VolunteerTask) -> Holding:
    return Holding(task.taken_by, task.done_at is not None)


def _state(task: VolunteerTask) -> TaskState:
    return _holding(task).state


def _common(task: VolunteerTask, locale: str) -> dict[str, Any]:
    kind = TaskKind(task.kind)
    return {
        "id": task.id,
        "kind": kind,
        "kind_text": gettext(locale, KIND_TEXTS[kind]),
        "title": task.title,
        "day": task.day,
        "team": task.team,
        "state": _state(task),
        "done_at": as_utc(task.done_at) if task.done_at is not None else None,
        "note": task.note,
    }


def _tasks_with_elders() -> Select[VolunteerTask, Elder]:
    return select(VolunteerTask, Elder).join(Elder, Elder.id == VolunteerTask.elder_id)


def _in_state(
    query: Select[VolunteerTask, Elder], state: TaskState | None
) -> Select[VolunteerTask, Elder]:
    if state is TaskState.open:
        return query.where(VolunteerTask.taken_by.is_(None), VolunteerTask.done_at.is_(None))
    if state is TaskState.taken:
        return query.where(VolunteerTask.taken_by.is_not(None), VolunteerTask.done_at.is_(None))
    if state is TaskState.done:
        return query.where(VolunteerTask.done_at.is_not(None))
    return query


def _pairs(
    session: Session, query: Select[VolunteerTask, Elder]
) -> list[tuple[VolunteerTask, Elder]]:
    return [(task, elder) for task, elder in session.execute(query)]
