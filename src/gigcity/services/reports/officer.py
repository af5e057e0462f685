"""Snap-and-report, the officers' work: the queue, and each step of a report's lifecycle
(accept and reward, reject, dispatch, start, resolve, close, merge; assign and release by
admins). Each step is one transaction, a verification together with its reward.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Report, ReportPhoto
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.reports import workflow
from gigcity.services.reports.access import check_admin, check_can_act, is_staff
from gigcity.services.reports.base import ReportsBase
from gigcity.services.reports.categories import Category
from gigcity.services.reports.lifecycle import UNRESOLVED, Action, RejectReason, Status
from gigcity.services.reports.rewards import pay_for_report
from gigcity.services.reports.schemas import (
    AssignIn,
    DispatchIn,
    MergeIn,
    NoteIn,
    Queue,
    RejectIn,
    ReportOut,
    ResolveIn,
)
from gigcity.services.reports.views import first_thumbs, queue_item

QueueScope = Literal["mine", "subdistrict", "district", "held", "all"]
MAX_QUEUE = 1000


class OfficerWork(ReportsBase):
    """The queue and the lifecycle of a report."""

    # -- the lifecycle ---------------------------------------------------------------------

    def _act(
        self,
        principal: Principal,
        report_id: int,
        change: Callable[[Session, Report, datetime], None],
    ) -> ReportOut:
        now = self.clock()
        with transaction(self.factory) as session:
            report = workflow.load_locked(session, report_id)
            check_can_act(principal, report)
            change(session, report, now)
            session.flush()
            return self._views(session, principal, [report])[0]

    def _step(
        self,
        session: Session,
        report: Report,
        principal: Principal,
        action: Action,
        now: datetime,
        body: NoteIn,
        data: dict[str, Any] | None = None,
    ) -> None:
        workflow.step(
            session,
            report,
            principal,
            action,
            now,
            self.tz,
            note=body.note,
            public_note=body.public_note,
            data=data,
        )

    def accept(self, principal: Principal, report_id: int, body: NoteIn) -> ReportOut:
        """Verify a report: it is accepted, and its reporter is rewarded (once)."""

        def change(session: Session, report: Report, now: datetime) -> None:
            self._step(session, report, principal, Action.accept, now, body)
            rule = self.policy.rules(session)[Category(report.category)]
            reason = pay_for_report(session, report, rule, principal.account_id, now)
            workflow.record(
                session,
                report,
                principal,
                Action.reward,
                now,
                note=reason,
                data={"status": report.reward_status, "fen": report.reward_fen},
            )

        return self._act(principal, report_id, change)

    def reject(self, principal: Principal, report_id: int, body: RejectIn) -> ReportOut:
        """Rejected for the reason given; a duplicate is merged into the report it repeats."""
        text = (body.reason_text or "").strip() or None
        if body.reason == RejectReason.other and text is None:
            raise InvalidInput(
                N_('Say why the report is rejected (the reason "other" needs words).'),
                field="reason_text",
            )
        if body.reason != RejectReason.other and text is not None:
            raise InvalidInput(
                N_('Words for the reason are given with the reason "other" only.'),
                field="reason_text",
            )
        if body.reason == RejectReason.duplicate:
            if body.duplicate_of is None:
                raise InvalidInput(
                    N_("Say which report this one duplicates."), field="duplicate_of"
                )
            merge = MergeIn(into=body.duplicate_of, note=body.note, public_note=body.public_note)
            return self.merge(principal, report_id, merge)

        def change(session: Session, report: Report, now: datetime) -> None:
            data: dict[str, Any] = {"reason": body.reason.value}
            if text is not None:
                data["reason_text"] = text
            self._step(session, report, principal, Action.reject, now, body, data)
            report.reject_reason = body.reason.value
            report.reject_text = text

        return self._act(principal, report_id, change)

    def dispatch(self, principal: Principal, report_id: int, body: DispatchIn) -> ReportOut:
        def change(session: Session, report: Report, now: datetime) -> None:
            self._step(session, report, principal, Action.dispatch, now, body, {"to": body.to})
            report.dispatched_to = body.to

        return self._act(principal, report_id, change)

    def start(self, principal: Principal, report_id: int, body: NoteIn) -> ReportOut:
        def change(session: Session, report: Report, now: datetime) -> None:
            self._step(session, report, principal, Action.start, now, body)

        return self._act(principal, report_id, change)

    def resolve(self, principal: Principal, report_id: int, body: ResolveIn) -> ReportOut:
        """Resolved, with at least one photo taken after the fix."""

        def change(session: Session, report: Report, now: datetime) -> None:
            after = {"after_photos": len(body.photo_ids)}
            self._step(session, report, principal, Action.resolve, now, body, after)
            workflow.attach_photos(session, report, principal, body.photo_ids, "after")

        return self._act(principal, report_id, change)

    def publish_photo(
        self, principal: Principal, report_id: int, photo_id: int, published: bool = True
    ) -> ReportOut:
        """Publish an "after" photo of the report (the public then sees it, through signed,
        short-lived URLs), or take it back. Photos riders took are never published: they
        may show faces and number plates, and nothing is blurred."""

        def change(session: Session, report: Report, now: datetime) -> None:
            photo = session.get(ReportPhoto, photo_id)
            if photo is None or photo.report_id != report.id:
                raise NotFound(
                    N_("Report {id} has no photo {photo}."), id=report.id, photo=photo_id
                )
            if photo.kind != "after":
                raise InvalidInput(
                    N_("Only photos taken after the fix may be published, not the reporter's."),
                    field="photo_id",
                )
            if (photo.published_at is not None) == published:
                return  # as asked already: nothing changes, nothing is recorded
            photo.published_at = now if published else None
            report.updated_at = now
            action = Action.publish if published else Action.unpublish
            workflow.record(session, report, principal, action, now, data={"photo": photo.id})

        return self._act(principal, report_id, change)

    def close(self, principal: Principal, report_id: int, body: NoteIn) -> ReportOut:
        def change(session: Session, report: Report, now: datetime) -> None:
            self._step(session, report, principal, Action.close, now, body)

        return self._act(principal, report_id, change)

    def merge(self, principal: Principal, report_id: int, body: MergeIn) -> ReportOut:
        """Merge a duplicate into the report it repeats; every reporter keeps their credit."""
        now = self.clock()
        with transaction(self.factory) as session:
            # Lock both in id order, so two opposite merges cannot deadlock.
            first, second = sorted((report_id, body.into))
            locked = {first: workflow.load_locked(session, first)}
            if second != first:
                locked[second] = workflow.load_locked(session, second)
            duplicate, keeper = locked[report_id], locked[body.into]
            check_can_act(principal, duplicate)
            check_can_act(principal, keeper)
            workflow.merge(
                session, duplicate, keeper, principal, now, self.tz, body.note, body.public_note
            )
            session.flush()
            return self._views(session, principal, [duplicate])[0]

    def assign(self, principal: Principal, report_id: int, body: AssignIn) -> ReportOut:
        """Send a report to an officer (or back to the district admins' queue)."""
        check_admin(principal)

        def change(session: Session, report: Report, now: datetime) -> None:
            if body.officer_id is not None:
                officer = session.get(Account, body.officer_id)
                if officer is None or officer.role != Role.officer.value or not officer.active:
                    raise InvalidInput(
                        N_("Account {id} is not an active grid officer."),
                        field="officer_id",
                        id=body.officer_id,
                    )
                if officer.subdistrict != report.subdistrict:
                    raise InvalidInput(
                        N_("Grid officers handle reports of their own sub-district only."),
                        field="officer_id",
                    )
            if not report.is_open:
                raise Conflict(N_("Report {id} is not open."), id=report.id)
            report.assignee_id = body.officer_id
            report.updated_at = now
            workflow.record(
                session, report, principal, Action.assign, now, data={"to": body.officer_id}
            )

        return self._act(principal, report_id, change)

    def release(self, principal: Principal, report_id: int) -> ReportOut:
        """An admin reviewed a held report and lets it go to its officer."""
        check_admin(principal)

        def change(session: Session, report: Report, now: datetime) -> None:
            if not report.held:
                raise Conflict(N_("Report {id} is not held."), id=report.id)
            report.held = False
            report.assignee_id = self.policy.officer_for(
                session, report.subdistrict, Category(report.category)
            )
            report.updated_at = now
            workflow.record(session, report, principal, Action.release, now)

        return self._act(principal, report_id, change)

    def queue(
        self,
        principal: Principal,
        scope: QueueScope | None = None,
        *,
        subdistrict: str | None = None,
        status: Status | None = None,
        category: Category | None = None,
        overdue_only: bool = False,
        limit: int = 500,
    ) -> Queue:
        """Open reports to act on, most urgent (earliest deadline) first."""
        if not is_staff(principal):
            raise Forbidden(N_("Only grid officers and district admins handle reports."))
        if not 1 <= limit <= MAX_QUEUE:
            raise InvalidInput(
                N_("limit must be between 1 and {max}."), field="limit", max=MAX_QUEUE
            )
        chosen, conditions = _scope_conditions(principal, scope, subdistrict)
        if subdistrict is not None:
            conditions.append(Report.subdistrict == subdistrict)
        if status is not None:
            conditions.append(Report.status == status.value)
        if category is not None:
            conditions.append(Report.category == category.value)
        now = self.clock()
        overdue_condition = [
            Report.due_at < now,
            Report.status.in_([s.value for s in UNRESOLVED]),
        ]
        if overdue_only:
            conditions += overdue_condition
        with self.factory() as session:
            total = session.scalar(select(func.count()).select_from(Report).where(*conditions))
            overdue = session.scalar(
                select(func.count()).select_from(Report).where(*conditions, *overdue_condition)
            )
            reports = list(
                session.scalars(
                    select(Report)
                    .where(*conditions)
                    .order_by(Report.due_at, Report.id)
                    .limit(limit)
                )
            )
            thumbs = first_thumbs(session, [r.id for r in reports])
        return Queue(
            scope=chosen,
            total=int(total or 0),
            overdue=int(overdue or 0),
            items=[queue_item(r, thumbs.get(r.id), now) for r in reports],
        )


def _scope_conditions(
    principal: Principal, scope: QueueScope | None, subdistrict: str | None
) -> tuple[QueueScope, list[Any]]:
    """The queue's scope for this caller (officers: theirs or their sub-district's; admins:
    the district's unassigned, the held, or a sub-district's) and its conditions."""
    chosen: QueueScope = scope or ("mine" if principal.role == Role.officer else "district")
    conditions: list[Any] = [Report.is_open.is_(True)]
    if principal.role == Role.officer:
        if chosen not in ("mine", "subdistrict"):
            raise Forbidden(N_("Grid officers may only act within their own sub-district."))
        if chosen == "mine":
            conditions.append(Report.assignee_id == principal.account_id)
        else:
            conditions.append(Report.subdistrict == principal.subdistrict)
        conditions.append(Report.held.is_(False))
    else:
        if chosen == "mine":
            chosen = "district"
        if chosen == "district":
            conditions += [Report.assignee_id.is_(None), Report.held.is_(False)]
        elif chosen == "held":
            conditions.append(Report.held.is_(True))
        elif chosen == "subdistrict" and subdistrict is None:
            raise InvalidInput(N_("Name the sub-district."), field="subdistrict")
    return chosen, conditions
