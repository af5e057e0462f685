"""Concerns raised with platforms at the Tuesday meetings (周二见, issue 20): agenda,
concerns, owners, due dates, the platform's answer, and a concern priced on the
negotiation workbench.

Who does what: riders raise concerns with a platform committee (by default the one above
their own organisation) and say "me too" once each; every signed-in account (and platforms
by API key) reads the board; the committee's officers (`org_officers`) and district admins
put concerns on a Tuesday meeting's agenda, set owner, due date and status and record the
answer; platforms may record their answer too; those who start workbench runs (admins,
platforms) turn a concern into a proposal priced on a Putuo day.

Nobody is answered who raised a concern (personal data minimised): the board shows "a
rider" and the count of riders who share it.

Atomicity across workers: a change names the version it saw (`updated_at`) and is one
conditional UPDATE on that version and the status read, so two officers cannot overwrite
each other (the second gets 409); "me too" is unique per rider and concern; a proposal
claims the concern's version before starting its run and links the run only while none is
linked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import (
    Concern,
    ConcernMeeting,
    ConcernSupport,
    Membership,
    Organisation,
    WorkbenchRun,
    utcnow,
)
from gigcity.db.session import transaction
from gigcity.i18n import DEFAULT_LOCALE, N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.organisation.concerns_schemas import (
    FINAL,
    TRANSITIONS,
    WAITING,
    AnswerIn,
    CommitteeOut,
    ConcernChange,
    ConcernIn,
    ConcernOut,
    ConcernStatus,
    MeetingChange,
    MeetingIn,
    MeetingOut,
    ProposalIn,
    RunLink,
    Topic,
)
from gigcity.services.organisation.schemas import OrgKind
from gigcity.services.organisation.sealing import MemberSeal
from gigcity.services.organisation.service import officer_orgs, require_officer
from gigcity.services.types import as_utc
from gigcity.services.workbench import STARTERS, RunCreate, WorkbenchService

N_NO_CONCERN = N_("No such concern.")
N_NO_MEETING = N_("No such meeting.")
N_NOT_COMMITTEE = N_("Concerns and meetings belong to a platform's Party committee; this is none.")
N_NO_COMMITTEE = N_(
    "Your organisation has no platform committee above it: choose the committee to raise it with."
)
N_ONLY_RIDERS = N_("Only riders raise concerns and say me too, for themselves.")
N_NOT_OFFICER = N_("Only the committee's officers and district admins change its concerns and meetings.")  # fmt: skip
N_NOT_STARTER = N_("Only district admins and platforms turn a concern into a workbench proposal.")
N_CHANGED = N_("Someone changed this concern meanwhile: reload it and try again.")
N_FINAL = N_("A closed or declined concern stays as it is.")
N_FROM_OPEN = N_("An open concern goes on the agenda, is answered or declined; it is closed once answered.")  # fmt: skip
N_FROM_AGENDA = N_("A concern on the agenda is answered, declined, moved to another meeting or taken off the agenda.")  # fmt: skip
N_FROM_ANSWERED = N_("An answered concern is closed, or put on the agenda again.")
N_NEEDS_MEETING = N_("Choose the Tuesday meeting to put the concern on.")
N_OTHER_MEETING = N_("That meeting is another committee's.")
N_NEEDS_ANSWER = N_("Write the answer (or the reason it was declined).")
N_ANSWER_STATUS = N_("An answer goes with the status answered or declined.")
N_NOT_TUESDAY = N_("The meetings are held on Tuesdays; {day} is not a Tuesday.")
N_MEETING_EXISTS = N_("The committee has a meeting on {day} already.")
N_PROPOSED = N_("This concern has a workbench proposal already (run {run}).")
N_PROPOSED_MEANWHILE = N_(
    "Another proposal was linked to this concern meanwhile; your run stays on the workbench."
)
REFUSED_FROM = {
    ConcernStatus.open: N_FROM_OPEN,
    ConcernStatus.on_agenda: N_FROM_AGENDA,
    ConcernStatus.answered: N_FROM_ANSWERED,
    ConcernStatus.closed: N_FINAL,
    ConcernStatus.declined: N_FINAL,
}
COMMITTEE = OrgKind.platform_committee.value
TUESDAY = 1  # date.weekday()
BOARD_LIMIT = 500
MEETINGS_LIMIT = 100
# Managed organisations: every one (an admin) or these ids.
Managed = frozenset[int] | None


class ConcernsService:
    """Meetings and concerns on the database."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        workbench: WorkbenchService,
        clock: DayClock,
        members: MemberSeal,
    ) -> None:
        self._factory = factory
        self._workbench = workbench
        self._clock = clock
        self._members = members  # the rider's committee is found by their membership

    # -- committees --------------------------------------------------------------------

    def committees(self, caller: Principal) -> list[CommitteeOut]:
        """The platform committees a concern may be raised with."""
        with self._factory() as session:
            managed = _managed(session, caller)
            rows = session.scalars(
                select(Organisation).where(Organisation.kind == COMMITTEE).order_by(Organisation.id)
            )
            return [
                CommitteeOut(id=o.id, name=o.name, may_manage=_may(managed, o.id)) for o in rows
            ]

    # -- concerns ----------------------------------------------------------------------

    def raise_concern(self, caller: Principal, body: ConcernIn) -> ConcernOut:
        """A rider raises a concern; they count as its first supporter."""
        account = _rider(caller)
        key = self._members.key(account)  # before the transaction: a dev key may be made
        with transaction(self._factory) as session:
            committee = _committee_for(session, key, body.organisation_id)
            now = utcnow()
            row = Concern(
                organisation_id=committee, title=body.title.strip(), detail=body.detail.strip(),
                topic=body.topic.value, raised_by_id=account, status=ConcernStatus.open.value,
                created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(row)
            session.flush()
            session.add(ConcernSupport(concern_id=row.id, account_id=account))
            concern_id = row.id
        return self.concern(caller, concern_id)

    def concerns(
        self,
        caller: Principal,
        *,
        status: ConcernStatus | None = None,
        topic: Topic | None = None,
        organisation_id: int | None = None,
        limit: int = BOARD_LIMIT,
    ) -> list[ConcernOut]:
        """The board, newest first: every committee's concerns, without who raised them."""
        with self._factory() as session:
            query = _board_query(caller).order_by(Concern.id.desc()).limit(limit)
            if status is not None:
                query = query.where(Concern.status == status.value)
            if topic is not None:
                query = query.where(Concern.topic == topic.value)
            if organisation_id is not None:
                query = query.where(Concern.organisation_id == organisation_id)
            managed = _managed(session, caller)
            today = self._clock.today()
            return [_concern_out(r, caller, managed, today) for r in session.execute(query)]

    def concern(self, caller: Principal, concern_id: int) -> ConcernOut:
        with self._factory() as session:
            found = session.execute(_board_query(caller).where(Concern.id == concern_id)).first()
            if found is None:
                raise NotFound(N_NO_CONCERN)
            managed = _managed(session, caller)
            return _concern_out(found, caller, managed, self._clock.today())

    def support(self, caller: Principal, concern_id: int, *, on: bool = True) -> ConcernOut:
        """A rider says "me too" (once: saying it again changes nothing) or takes it back."""
        account = _rider(caller)
        with transaction(self._factory) as session:
            row = session.get(Concern, concern_id)
            if row is None:
                raise NotFound(N_NO_CONCERN)
            if on:
                if ConcernStatus(row.status) in FINAL:
                    raise Conflict(N_FINAL)
                try:
                    with session.begin_nested():
                        session.add(ConcernSupport(concern_id=concern_id, account_id=account))
                except IntegrityError:  # said already (perhaps on another worker just now)
                    pass
            else:
                session.execute(
                    delete(ConcernSupport).where(
                        ConcernSupport.concern_id == concern_id,
                        ConcernSupport.account_id == account,
                    )
                )
        return self.concern(caller, concern_id)

    def change(self, caller: Principal, concern_id: int, body: ConcernChange) -> ConcernOut:
        """An officer's change: status, meeting, owner, due date, answer (fields sent only)."""
        self._change(caller, concern_id, body, platform_may=False)
        return self.concern(caller, concern_id)

    def answer(self, caller: Principal, concern_id: int, body: AnswerIn) -> ConcernOut:
        """The platform's answer, recorded by an officer, an admin or the platform itself."""
        change = ConcernChange(
            updated_at=body.updated_at, status=ConcernStatus.answered, answer=body.answer
        )
        self._change(caller, concern_id, change, platform_may=True)
        return self.concern(caller, concern_id)

    def _change(
        self, caller: Principal, concern_id: int, body: ConcernChange, *, platform_may: bool
    ) -> None:
        with transaction(self._factory) as session:
            row = session.get(Concern, concern_id)
            if row is None:
                raise NotFound(N_NO_CONCERN)
            if not (platform_may and caller.role == Role.platform):
                require_officer(session, caller, row.organisation_id, N_NOT_OFFICER)
            values = _changes(session, row, body)
            done = session.execute(
                update(Concern)
                .where(
                    Concern.id == concern_id,
                    Concern.status == row.status,
                    Concern.updated_at == body.updated_at,
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_CHANGED)

    def propose(
        self, caller: Principal, concern_id: int, body: ProposalIn, locale: str = DEFAULT_LOCALE
    ) -> ConcernOut:
        """Start a workbench run comparing the rulebook now (A) with the change asked for
        (B) on a Putuo day, and link it to the concern (only if none is linked yet)."""
        if caller.role not in STARTERS:
            raise Forbidden(N_NOT_STARTER)
        with transaction(self._factory) as session:
            row = session.get(Concern, concern_id)
            if row is None:
                raise NotFound(N_NO_CONCERN)
            if row.workbench_run_id is not None:
                raise Conflict(N_PROPOSED, run=row.workbench_run_id)
            if ConcernStatus(row.status) in FINAL:
                raise Conflict(N_FINAL)
            # Claim the version read, so that of two proposals made at once one starts a run.
            claimed = session.execute(
                update(Concern)
                .where(
                    Concern.id == concern_id,
                    Concern.workbench_run_id.is_(None),
                    Concern.updated_at == row.updated_at,
                )
                .values(updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_CHANGED)
        request = RunCreate(
            rules_a=body.rules_a, rules_b=body.rules_b, scenario=body.scenario,
            orders=body.orders, attribution=True,
        )  # fmt: skip
        run = self._workbench.start(caller, request, locale)
        with transaction(self._factory) as session:
            linked = session.execute(
                update(Concern)
                .where(Concern.id == concern_id, Concern.workbench_run_id.is_(None))
                .values(workbench_run_id=run.id, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            if linked.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_PROPOSED_MEANWHILE)
        return self.concern(caller, concern_id)

    # -- meetings ----------------------------------------------------------------------

    def meetings(self, caller: Principal, organisation_id: int | None = None) -> list[MeetingOut]:
        """The committees' Tuesday meetings, latest first, with how many concerns each has."""
        with self._factory() as session:
            query = _meetings_query().order_by(ConcernMeeting.held_on.desc()).limit(MEETINGS_LIMIT)
            if organisation_id is not None:
                query = query.where(ConcernMeeting.organisation_id == organisation_id)
            managed = _managed(session, caller)
            return [_meeting_out(r, managed) for r in session.execute(query)]

    def create_meeting(self, caller: Principal, body: MeetingIn) -> MeetingOut:
        if body.held_on.weekday() != TUESDAY:
            raise InvalidInput(N_NOT_TUESDAY, field="held_on", day=body.held_on.isoformat())
        with transaction(self._factory) as session:
            org = session.get(Organisation, body.organisation_id)
            if org is None or org.kind != COMMITTEE:
                raise InvalidInput(N_NOT_COMMITTEE, field="organisation_id")
            require_officer(session, caller, org.id, N_NOT_OFFICER)
            try:
                with session.begin_nested():
                    row = ConcernMeeting(
                        organisation_id=org.id, held_on=body.held_on, agenda=body.agenda.strip()
                    )
                    session.add(row)
            except IntegrityError:  # unique (committee, day), whichever worker came first
                raise Conflict(N_MEETING_EXISTS, day=body.held_on.isoformat()) from None
            meeting_id = row.id
        return self._meeting(caller, meeting_id)

    def change_meeting(self, caller: Principal, meeting_id: int, body: MeetingChange) -> MeetingOut:
        """The agenda and (after the meeting) its minutes; fields sent only."""
        with transaction(self._factory) as session:
            row = session.get(ConcernMeeting, meeting_id)
            if row is None:
                raise NotFound(N_NO_MEETING)
            require_officer(session, caller, row.organisation_id, N_NOT_OFFICER)
            values: dict[str, Any] = {}
            if body.agenda is not None:
                values["agenda"] = body.agenda.strip()
            if "minutes" in body.model_fields_set:
                values["minutes"] = (body.minutes or "").strip() or None
            if values:
                session.execute(
                    update(ConcernMeeting).where(ConcernMeeting.id == meeting_id).values(**values)
                )
        return self._meeting(caller, meeting_id)

    def _meeting(self, caller: Principal, meeting_id: int) -> MeetingOut:
        with self._factory() as session:
            found = session.execute(
                _meetings_query().where(ConcernMeeting.id == meeting_id)
            ).first()
            if found is None:
                raise NotFound(N_NO_MEETING)
            return _meeting_out(found, _managed(session, caller))


# -- who may ------------------------------------------------------------------------------


def _rider(caller: Principal) -> int:
    if caller.role != Role.rider or caller.account_id is None:
        raise Forbidden(N_ONLY_RIDERS)
    return caller.account_id


def _managed(session: Session, caller: Principal) -> Managed:
    return None if caller.role == Role.admin else officer_orgs(session, caller)


def _may(managed: Managed, org_id: int | None) -> bool:
    return managed is None or (org_id is not None and org_id in managed)


def _committee_for(session: Session, member_key: str, wanted: int | None) -> int:
    """The committee asked for, or the first platform committee above the rider's own
    organisation (their membership found by its blind index, `member_key`)."""
    if wanted is not None:
        org = session.get(Organisation, wanted)
        if org is None or org.kind != COMMITTEE:
            raise InvalidInput(N_NOT_COMMITTEE, field="organisation_id")
        return org.id
    org_id = session.scalar(
        select(Membership.organisation_id).where(Membership.account_key == member_key)
    )
    seen: set[int] = set()
    while org_id is not None and org_id not in seen:  # parents could loop: stop if they do
        seen.add(org_id)
        org = session.get(Organisation, org_id)
        if org is None:
            break
        if org.kind == COMMITTEE:
            return org.id
        org_id = org.parent_id
    raise InvalidInput(N_NO_COMMITTEE, field="organisation_id")


# -- changes ------------------------------------------------------------------------------


def _target(row: Concern, body: ConcernChange) -> ConcernStatus:
    """The status asked for: as sent, or implied by an answer (answered) or a meeting (on
    the agenda) sent without one."""
    current = ConcernStatus(row.status)
    sent = body.model_fields_set
    if body.status is not None:
        return body.status
    if "answer" in sent and (body.answer or "").strip() and current not in FINAL:
        return ConcernStatus.answered if current != ConcernStatus.answered else current
    if "meeting_id" in sent and body.meeting_id is not None and current == ConcernStatus.open:
        return ConcernStatus.on_agenda
    return current


def _changes(session: Session, row: Concern, body: ConcernChange) -> dict[str, Any]:
    current, target = ConcernStatus(row.status), _target(row, body)
    if target not in TRANSITIONS[current]:
        raise Conflict(REFUSED_FROM[current])
    sent = body.model_fields_set
    now = utcnow()
    values: dict[str, Any] = {"status": target.value, "updated_at": now}
    meeting = body.meeting_id if "meeting_id" in sent and body.meeting_id is not None else None
    if target == ConcernStatus.on_agenda:
        meeting = meeting or row.meeting_id
        if meeting is None:
            raise InvalidInput(N_NEEDS_MEETING, field="meeting_id")
    elif target == ConcernStatus.open:
        values["meeting_id"] = None  # taken off the agenda
    if meeting is not None:
        held = session.get(ConcernMeeting, meeting)
        if held is None:
            raise InvalidInput(N_NO_MEETING, field="meeting_id")
        if held.organisation_id != row.organisation_id:
            raise InvalidInput(N_OTHER_MEETING, field="meeting_id")
        values["meeting_id"] = meeting
    if "owner" in sent:
        values["owner"] = (body.owner or "").strip() or None
    if "due_on" in sent:
        values["due_on"] = body.due_on
    answer = (body.answer or "").strip()
    answering = target in (ConcernStatus.answered, ConcernStatus.declined)
    if answer and not answering:
        raise InvalidInput(N_ANSWER_STATUS, field="answer")
    if answering and (answer or target != current):
        if not answer:
            raise InvalidInput(N_NEEDS_ANSWER, field="answer")
        values["answer"], values["answered_at"] = answer, now
    if target in FINAL:
        values["closed_at"] = now
    return values


# -- answers ------------------------------------------------------------------------------


def _board_query(caller: Principal) -> Any:
    supporters = (
        select(ConcernSupport.concern_id, func.count().label("n"))
        .group_by(ConcernSupport.concern_id)
        .subquery()
    )
    account = caller.account_id or 0
    supported = (
        exists()
        .where(ConcernSupport.concern_id == Concern.id, ConcernSupport.account_id == account)
        .label("supported")
    )
    return (
        select(
            Concern,
            Organisation.name,
            ConcernMeeting.held_on,
            WorkbenchRun.status,
            WorkbenchRun.progress,
            func.coalesce(supporters.c.n, 0),
            supported,
        )
        .outerjoin(Organisation, Organisation.id == Concern.organisation_id)
        .outerjoin(ConcernMeeting, ConcernMeeting.id == Concern.meeting_id)
        .outerjoin(WorkbenchRun, WorkbenchRun.id == Concern.workbench_run_id)
        .outerjoin(supporters, supporters.c.concern_id == Concern.id)
    )


def _concern_out(
    found: Sequence[Any], caller: Principal, managed: Managed, today: date
) -> ConcernOut:
    row, org_name, held_on, run_status, run_progress, count, supported = found
    status = ConcernStatus(row.status)
    return ConcernOut(
        id=row.id,
        organisation_id=row.organisation_id,
        organisation_name=org_name or "",
        meeting_id=row.meeting_id,
        meeting_on=held_on,
        title=row.title,
        detail=row.detail,
        topic=Topic(row.topic),
        owner=row.owner,
        due_on=row.due_on,
        status=status,
        answer=row.answer,
        answered_at=_utc(row.answered_at),
        created_at=as_utc(row.created_at),
        closed_at=_utc(row.closed_at),
        updated_at=as_utc(row.updated_at),
        supporters=int(count),
        supported=bool(supported),
        mine=caller.account_id is not None and row.raised_by_id == caller.account_id,
        overdue=status in WAITING and row.due_on is not None and row.due_on < today,
        may_manage=caller.role != Role.platform and _may(managed, row.organisation_id),
        run=_run_link(row.workbench_run_id, run_status, run_progress),
    )


def _run_link(run_id: int | None, status: str | None, progress: float | None) -> RunLink | None:
    if run_id is None or status is None:
        return None
    return RunLink(
        id=run_id,
        status=status,
        progress=round(progress or 0.0, 4),
        page_url=f"/workbench?run={run_id}",
        report_url=f"/api/workbench/runs/{run_id}/report" if status == "done" else None,
    )


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def _meetings_query() -> Any:
    on_agenda = (
        select(Concern.meeting_id, func.count().label("n"))
        .where(Concern.meeting_id.is_not(None))
        .group_by(Concern.meeting_id)
        .subquery()
    )
    return (
        select(ConcernMeeting, Organisation.name, func.coalesce(on_agenda.c.n, 0))
        .join(Organisation, Organisation.id == ConcernMeeting.organisation_id)
        .outerjoin(on_agenda, on_agenda.c.meeting_id == ConcernMeeting.id)
    )


def _meeting_out(found: Sequence[Any], managed: Managed) -> MeetingOut:
    row, org_name, count = found
    return MeetingOut(
        id=row.id, organisation_id=row.organisation_id, organisation_name=org_name,
        held_on=row.held_on, agenda=row.agenda, minutes=row.minutes, concerns=int(count),
        may_manage=_may(managed, row.organisation_id),
    )  # fmt: skip
