"""Reports as each reader sees them, loaded in batches (photos, trail, credits per page).

Three readings: staff see everything, internal notes included. Whoever filed the report (its
original reporter, or the platform key that sent it) sees what they sent, every photo and
the trail with the public notes. Everyone else credited with it (who said "same as this
one", or whose report was merged into it) sees it as the public does (Open311): no
reference, the first photo only, status changes with their public notes; plus what they
themselves added."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Report, ReportEvent, ReportPhoto, ReportReporter
from gigcity.geo.district import District
from gigcity.services.accounts import Principal
from gigcity.services.reports.access import is_public, is_staff
from gigcity.services.reports.lifecycle import RejectReason, Status, is_overdue
from gigcity.services.reports.photo_access import PhotoSigner, filed
from gigcity.services.reports.photos import thumb_name
from gigcity.services.reports.schemas import (
    EventOut,
    PhotoOut,
    QueueItem,
    ReporterOut,
    ReportOut,
)
from gigcity.services.types import as_utc

PHOTO_PATH = "/api/reports/photos/"
SNIPPET = 140


def photo_url(name: str) -> str:
    return PHOTO_PATH + name


def thumb_url(name: str) -> str:
    return PHOTO_PATH + thumb_name(name)


def photo_out(
    photo: ReportPhoto, near_report_id: int | None = None, signer: PhotoSigner | None = None
) -> PhotoOut:
    """The photo with its URLs: plain ones (served to those who may see it, signed in), or
    with `signer` URLs anyone may open until they expire (published "after" photos)."""
    url, thumb = photo_url(photo.name), thumb_url(photo.name)
    if signer is not None:
        url += "?" + signer.query(photo.name)
        thumb += "?" + signer.query(thumb_name(photo.name))
    return PhotoOut(
        id=photo.id,
        kind="after" if photo.kind == "after" else "report",
        url=url,
        thumb_url=thumb,
        width=photo.width,
        height=photo.height,
        near_report_id=near_report_id,
        published=photo.published_at is not None,
    )


def _other_report(event: ReportEvent) -> int | None:
    data = event.data or {}
    other = data.get("into", data.get("from")) if event.action in ("merge", "absorb") else None
    return int(other) if isinstance(other, int) else None


def snippet(text: str) -> str:
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def first_thumbs(session: Session, report_ids: Sequence[int]) -> dict[int, str]:
    """The thumbnail of each report's first photo."""
    if not report_ids:
        return {}
    rows = session.execute(
        select(ReportPhoto.report_id, ReportPhoto.name)
        .where(ReportPhoto.report_id.in_(report_ids), ReportPhoto.kind == "report")
        .order_by(ReportPhoto.id)
    )
    thumbs: dict[int, str] = {}
    for report_id, name in rows:
        if report_id is not None and report_id not in thumbs:
            thumbs[report_id] = thumb_url(name)
    return thumbs


def queue_item(report: Report, thumb: str | None, now: datetime) -> QueueItem:
    return QueueItem(
        id=report.id,
        category=report.category,
        status=report.status,
        lon=report.lon,
        lat=report.lat,
        subdistrict=report.subdistrict,
        description=snippet(report.description),
        created_at=report.created_at,
        due_at=report.due_at,
        overdue=is_overdue(Status(report.status), as_utc(report.due_at), now),
        held=report.held,
        assignee_id=report.assignee_id,
        thumb_url=thumb,
    )


class ViewBuilder:
    """Builds `ReportOut`s for one reader, loading what a page of reports needs at once."""

    def __init__(
        self,
        session: Session,
        district: District,
        principal: Principal,
        signer: PhotoSigner | None = None,
    ) -> None:
        self.session = session
        self.district = district
        self.principal = principal
        self.staff = is_staff(principal)
        self.signer = signer

    def build(self, reports: Sequence[Report], now: datetime) -> list[ReportOut]:
        if not reports:
            return []
        ids = [r.id for r in reports]
        merged = self._merged(ids)
        merged_ids = {m for ms in merged.values() for m in ms}
        photos = self._photos(sorted(set(ids) | merged_ids))
        events = self._events(ids)
        credits = self._credits(ids)
        names = self._names(reports, events, credits)
        out = []
        for report in reports:
            # A report shows its own photos and those of the reports merged into it.
            owners = {report.id, *merged.get(report.id, [])}
            own = [p for p in photos if p.report_id in owners]
            out.append(
                self._one(report, own, events[report.id], credits[report.id], merged, names, now)
            )
        return out

    def fresh(
        self,
        report: Report,
        photos: list[ReportPhoto],
        events: list[ReportEvent],
        credits: list[ReportReporter],
        now: datetime,
    ) -> ReportOut:
        """A report just filed, from what was written (nothing is merged into it yet)."""
        names = self._names([report], {report.id: events}, {report.id: credits})
        return self._one(report, photos, events, credits, {}, names, now)

    def _merged(self, ids: list[int]) -> dict[int, list[int]]:
        rows = self.session.execute(
            select(Report.merged_into_id, Report.id).where(Report.merged_into_id.in_(ids))
        )
        merged: dict[int, list[int]] = defaultdict(list)
        for into, report_id in rows:
            if into is not None:
                merged[into].append(report_id)
        return merged

    def _photos(self, report_ids: list[int]) -> list[ReportPhoto]:
        return list(
            self.session.scalars(
                select(ReportPhoto)
                .where(ReportPhoto.report_id.in_(report_ids))
                .order_by(ReportPhoto.id)
            )
        )

    def _events(self, ids: list[int]) -> dict[int, list[ReportEvent]]:
        events: dict[int, list[ReportEvent]] = defaultdict(list)
        rows = self.session.scalars(
            select(ReportEvent).where(ReportEvent.report_id.in_(ids)).order_by(ReportEvent.id)
        )
        for event in rows:
            events[event.report_id].append(event)
        return events

    def _credits(self, ids: list[int]) -> dict[int, list[ReportReporter]]:
        credits: dict[int, list[ReportReporter]] = defaultdict(list)
        rows = self.session.scalars(
            select(ReportReporter)
            .where(ReportReporter.report_id.in_(ids))
            .order_by(ReportReporter.id)
        )
        for credit in rows:
            credits[credit.report_id].append(credit)
        return credits

    def _names(
        self,
        reports: Sequence[Report],
        events: dict[int, list[ReportEvent]],
        credits: dict[int, list[ReportReporter]],
    ) -> dict[int, str]:
        if not self.staff:
            return {}
        wanted = {r.assignee_id for r in reports if r.assignee_id}
        wanted |= {e.actor_id for es in events.values() for e in es if e.actor_id}
        wanted |= {c.account_id for cs in credits.values() for c in cs}
        if not wanted:
            return {}
        rows = self.session.execute(
            select(Account.id, Account.display_name).where(Account.id.in_(wanted))
        )
        return dict(rows.all())

    def _near_reports(self, photos: list[ReportPhoto]) -> dict[int, int]:
        near_ids = [p.near_photo_id for p in photos if p.near_photo_id]
        if not near_ids or not self.staff:
            return {}
        rows = self.session.execute(
            select(ReportPhoto.id, ReportPhoto.report_id).where(ReportPhoto.id.in_(near_ids))
        )
        return {pid: rid for pid, rid in rows if rid is not None}

    def _filed(self, report: Report) -> bool:
        """Whether the reader filed `report` (its original reporter or platform key)."""
        return filed(self.principal, report)

    def _own(self, event: ReportEvent) -> bool:
        return event.actor_id is not None and event.actor_id == self.principal.account_id

    def _event(self, event: ReportEvent, names: dict[int, str]) -> EventOut:
        public_note = (event.data or {}).get("public_note")
        return EventOut(
            at=event.at,
            action=event.action,
            from_status=event.from_status,
            to_status=event.to_status,
            actor_role=event.actor_role,
            actor_name=names.get(event.actor_id or 0) if self.staff else None,
            # Internal notes are for staff; a reader sees the words of their own entries.
            note=event.note if self.staff or self._own(event) else None,
            public_note=public_note if isinstance(public_note, str) else None,
            other_report_id=_other_report(event),
        )

    def _visible_photos(
        self, report: Report, photos: list[ReportPhoto], full: bool
    ) -> tuple[list[ReportPhoto], set[int]]:
        """The photos this reader sees (as `photo_access.may_see` serves them), and which of
        them they see only because they are published (given signed URLs). Staff see every
        photo; whoever filed the report its own photos (the officer's "after" ones too);
        everyone their own uploads; and the published "after" photos."""
        if self.staff:
            return photos, set()
        me = self.principal.account_id
        shown: list[ReportPhoto] = []
        signed: set[int] = set()
        for p in photos:
            if (full and p.report_id == report.id) or (me is not None and p.uploaded_by == me):
                shown.append(p)
            elif p.kind == "after" and p.published_at is not None:
                shown.append(p)
                signed.add(p.id)
        return shown, signed

    def _one(
        self,
        report: Report,
        photos: list[ReportPhoto],
        events: list[ReportEvent],
        credits: list[ReportReporter],
        merged: dict[int, list[int]],
        names: dict[int, str],
        now: datetime,
    ) -> ReportOut:
        me = self.principal.account_id
        mine = next((c for c in credits if c.account_id == me), None)
        original = report.reporter_id is not None and report.reporter_id == me
        full = self.staff or self._filed(report)
        public = full or is_public(report)
        photos, signed = self._visible_photos(report, photos, full)
        if not full:
            events = [e for e in events if e.to_status is not None or self._own(e)]
        near = self._near_reports(photos)

        def with_near(photo: ReportPhoto) -> PhotoOut:
            near_report = near.get(photo.near_photo_id or 0)
            signer = self.signer if photo.id in signed else None
            return photo_out(photo, near_report if near_report != report.id else None, signer)

        sub = self.district.get(report.subdistrict)
        out = ReportOut(
            id=report.id,
            category=report.category,
            description=report.description if public else "",
            lon=report.lon,
            lat=report.lat,
            subdistrict=report.subdistrict,
            subdistrict_name=sub.name if sub else report.subdistrict,
            address=report.address if public else None,
            reference=report.reference if full else None,
            status=Status(report.status),
            is_open=report.is_open,
            overdue=is_overdue(Status(report.status), as_utc(report.due_at), now),
            held=report.held,
            reject_reason=RejectReason(report.reject_reason) if report.reject_reason else None,
            reject_text=report.reject_text if public else None,
            merged_into_id=report.merged_into_id,
            status_note=report.status_note if public else None,
            created_at=report.created_at,
            updated_at=report.updated_at,
            due_at=report.due_at,
            resolved_at=report.resolved_at,
            closed_at=report.closed_at,
            photos=[with_near(p) for p in photos if p.kind != "after"],
            after_photos=[with_near(p) for p in photos if p.kind == "after"],
            events=[self._event(e, names) for e in events],
            reporters_count=len(credits),
            my_part=mine.how if mine else None,
        )
        if self.staff or original:
            out.reward_status = report.reward_status  # type: ignore[assignment]
            out.reward_fen = report.reward_fen
        if self.staff:
            _add_staff_fields(out, report, credits, merged, names)
        return out


def _add_staff_fields(
    out: ReportOut,
    report: Report,
    credits: list[ReportReporter],
    merged: dict[int, list[int]],
    names: dict[int, str],
) -> None:
    """What staff see besides: source, assignee, dispatch, merged reports, every reporter."""
    out.source = report.source
    out.assignee_id = report.assignee_id
    out.assignee_name = names.get(report.assignee_id or 0)
    out.dispatched_to = report.dispatched_to
    out.merged_reports = sorted(merged.get(report.id, []))
    out.reporters = [
        ReporterOut(
            account_id=c.account_id,
            display_name=names.get(c.account_id, ""),
            how=c.how,
            joined_at=c.joined_at,
        )
        for c in credits
    ]
