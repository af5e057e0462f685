"""Reports as the public sees them (Open311 GET): what, where, when and how far along, never
who reported it. Held reports and reports rejected as not valid are not public."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, not_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from gigcity.db.models import Report, ReportPhoto
from gigcity.services.reports.categories import Category
from gigcity.services.reports.lifecycle import UNRESOLVED, Status
from gigcity.services.types import as_utc

MAX_RESULTS = 1000


@dataclass(frozen=True, slots=True)
class PublicReport:
    id: int
    category: Category
    status: Status
    reject_reason: str | None
    reject_text: str | None
    merged_into_id: int | None
    status_note: str | None
    description: str
    subdistrict: str
    address: str | None
    lon: float
    lat: float
    created_at: datetime
    updated_at: datetime
    due_at: datetime
    # The first "after" photo an officer published (its stored name): the only photo of ours
    # the public sees, through a signed URL. Riders' photos are never public.
    after_photo: str | None
    external_media_url: str | None


def visible() -> ColumnElement[bool]:
    return and_(
        Report.held.is_(False),
        not_(and_(Report.status == Status.rejected.value, Report.reject_reason == "invalid")),
    )


def published_photos(session: Session, report_ids: Sequence[int]) -> dict[int, str]:
    """The name of each report's first published "after" photo."""
    if not report_ids:
        return {}
    rows = session.execute(
        select(ReportPhoto.report_id, ReportPhoto.name)
        .where(
            ReportPhoto.report_id.in_(list(report_ids)),
            ReportPhoto.kind == "after",
            ReportPhoto.published_at.is_not(None),
        )
        .order_by(ReportPhoto.id)
    )
    found: dict[int, str] = {}
    for report_id, name in rows:
        if report_id is not None:
            found.setdefault(report_id, name)
    return found


def _out(report: Report, photo: str | None) -> PublicReport:
    return PublicReport(
        id=report.id,
        category=Category(report.category),
        status=Status(report.status),
        reject_reason=report.reject_reason,
        reject_text=report.reject_text,
        merged_into_id=report.merged_into_id,
        status_note=report.status_note,
        description=report.description,
        subdistrict=report.subdistrict,
        address=report.address,
        lon=report.lon,
        lat=report.lat,
        created_at=report.created_at,
        updated_at=report.updated_at,
        due_at=report.due_at,
        after_photo=photo,
        external_media_url=report.external_media_url,
    )


def find(
    session: Session,
    *,
    ids: Sequence[int] = (),
    categories: Sequence[Category] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    open311_statuses: Sequence[str] = (),
    limit: int = MAX_RESULTS,
) -> list[PublicReport]:
    """Public reports, newest first. With `ids`, exactly those (the other filters are off)."""
    query = select(Report).where(visible())
    if ids:
        query = query.where(Report.id.in_(list(ids))).order_by(Report.id)
    else:
        if categories:
            query = query.where(Report.category.in_([c.value for c in categories]))
        # Bounds in UTC, as stored (SQLite keeps the clock time and drops the offset).
        if start is not None:
            query = query.where(Report.created_at >= as_utc(start))
        if end is not None:
            query = query.where(Report.created_at <= as_utc(end))
        wanted = set(open311_statuses)
        unresolved = [s.value for s in UNRESOLVED]
        if wanted == {"open"}:
            query = query.where(Report.status.in_(unresolved))
        elif wanted == {"closed"}:
            query = query.where(Report.status.not_in(unresolved))
        query = query.order_by(Report.created_at.desc(), Report.id.desc())
    reports = list(session.scalars(query.limit(limit)))
    photos = published_photos(session, [r.id for r in reports])
    return [_out(r, photos.get(r.id)) for r in reports]


def one(session: Session, report_id: int) -> PublicReport | None:
    found = find(session, ids=[report_id])
    return found[0] if found else None


def by_token(session: Session, token: str) -> tuple[str, int | None] | None:
    """The token and the report id it stands for (None while the report is held)."""
    row = session.execute(
        select(Report.id, Report.held, Report.status, Report.reject_reason).where(
            Report.token == token
        )
    ).first()
    if row is None:
        return None
    report_id, held, status, reason = row
    hidden = held or (status == Status.rejected.value and reason == "invalid")
    return token, None if hidden else int(report_id)
