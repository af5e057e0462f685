"""Moving reports along their lifecycle inside a transaction: the step, its trail entry and
the rollup move together. Reports are locked (`FOR UPDATE`) before their status is read, so
two officers pressing the same button at once get one step and one "it moved on"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Report, ReportEvent, ReportPhoto, ReportReporter
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.reports import stats
from gigcity.services.reports.lifecycle import Action, Status, is_open, next_status
from gigcity.services.types import as_utc


def load_locked(session: Session, report_id: int) -> Report:
    report = session.scalar(
        select(Report)
        .where(Report.id == report_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if report is None:
        raise NotFound(N_("Report {id} does not exist."), id=report_id)
    return report


def record(
    session: Session,
    report: Report,
    principal: Principal | None,
    action: Action,
    now: datetime,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> ReportEvent:
    event = ReportEvent(
        report_id=report.id,
        at=now,
        actor_id=principal.account_id if principal else None,
        actor_role=principal.role.value if principal else "system",
        action=action.value,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )
    session.add(event)
    return event


def step(
    session: Session,
    report: Report,
    principal: Principal,
    action: Action,
    now: datetime,
    tz: ZoneInfo,
    *,
    note: str | None = None,
    public_note: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Take `action` on the (locked) report, or Conflict when its status does not allow it.

    `note` is internal (the trail, for staff); `public_note`, when given, becomes the
    report's status note, which the reporter and the public (Open311) see."""
    current = Status(report.status)
    target = next_status(action, current)
    if target is None:
        raise Conflict(
            N_("Report {id} is {status} now; the step '{action}' is not possible from there."),
            id=report.id,
            status=current.value,
            action=action.value,
        )
    report.status = target.value
    report.is_open = is_open(target)
    report.updated_at = now
    public = (public_note or "").strip() or None
    if public:
        report.status_note = public
        data = (data or {}) | {"public_note": public}
    if target == Status.resolved:
        report.resolved_at = now
        report.resolution_s = max(0, int((now - as_utc(report.created_at)).total_seconds()))
        stats.count_resolved(session, report, tz)
    if target == Status.closed:
        report.closed_at = now
    stats.move(session, report, current.value, tz)
    record(
        session,
        report,
        principal,
        action,
        now,
        from_status=current.value,
        to_status=target.value,
        note=note,
        data=data,
    )


def attach_photos(
    session: Session,
    report: Report,
    principal: Principal,
    photo_ids: Sequence[int],
    kind: str,
) -> list[ReportPhoto]:
    """Attach photos the caller staged (uploaded and not yet used) to `report`."""
    if not photo_ids:
        return []
    unique = list(dict.fromkeys(photo_ids))
    photos = list(
        session.scalars(
            select(ReportPhoto)
            .where(ReportPhoto.id.in_(unique))
            .where(ReportPhoto.report_id.is_(None))
            .where(ReportPhoto.uploaded_by == principal.account_id)
            .with_for_update()
        )
    )
    found = {p.id for p in photos}
    missing = [i for i in unique if i not in found]
    if missing:
        raise InvalidInput(
            N_("Photo {id} is not one you uploaded, or it is used already."),
            field="photo_ids",
            id=missing[0],
        )
    for photo in photos:
        photo.report_id = report.id
        photo.kind = kind
    return photos


def credit(session: Session, report_id: int, account_id: int, how: str, now: datetime) -> bool:
    """Credit `account_id` with the report unless credited already; True when added."""
    exists = session.scalar(
        select(ReportReporter.id).where(
            ReportReporter.report_id == report_id, ReportReporter.account_id == account_id
        )
    )
    if exists is not None:
        return False
    session.add(ReportReporter(report_id=report_id, account_id=account_id, how=how, joined_at=now))
    return True


def merge(
    session: Session,
    duplicate: Report,
    keeper: Report,
    principal: Principal,
    now: datetime,
    tz: ZoneInfo,
    note: str | None,
    public_note: str | None = None,
) -> None:
    """Merge `duplicate` into `keeper`: it is rejected as a duplicate, and everyone credited
    with it is credited with the keeper too. The notes go with the duplicate's step; the
    keeper's trail gets the internal one only."""
    if duplicate.id == keeper.id:
        raise InvalidInput(N_("A report cannot be merged into itself."), field="into")
    if not keeper.is_open or keeper.held or keeper.merged_into_id is not None:
        raise Conflict(
            N_("Report {id} is not open, so nothing can be merged into it."), id=keeper.id
        )
    step(
        session,
        duplicate,
        principal,
        Action.merge,
        now,
        tz,
        note=note,
        public_note=public_note,
        data={"into": keeper.id},
    )
    duplicate.reject_reason = "duplicate"
    duplicate.merged_into_id = keeper.id
    credits = session.scalars(
        select(ReportReporter).where(ReportReporter.report_id == duplicate.id)
    ).all()
    added = [
        c.account_id for c in credits if credit(session, keeper.id, c.account_id, "merged", now)
    ]
    keeper.updated_at = now
    record(
        session,
        keeper,
        principal,
        Action.absorb,
        now,
        note=note,
        data={"from": duplicate.id, "credited": len(added)},
    )
