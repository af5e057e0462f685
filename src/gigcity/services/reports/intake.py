"""Snap-and-report intake: photos staged, reports filed (app and Open311), "same as this
one" joins. Each write is one transaction: a report, its credits, photos, trail entry and
rollup count are stored together or not at all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gigcity.db.models import Place, Report, ReportEvent, ReportPhoto, ReportReporter
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput
from gigcity.services.positions import check_position
from gigcity.services.reports import duplicates, intake_sql, phash, stats, workflow
from gigcity.services.reports.access import is_staff
from gigcity.services.reports.base import ReportsBase
from gigcity.services.reports.categories import REFERENCE_REQUIRED, Category
from gigcity.services.reports.lifecycle import UNRESOLVED, Action, Status
from gigcity.services.reports.photos import ProcessedPhoto, process_photo
from gigcity.services.reports.schemas import (
    JoinIn,
    PhotoOut,
    ReportCreate,
    ReportOut,
    SimilarReport,
)
from gigcity.services.reports.views import ViewBuilder, photo_out
from gigcity.services.volunteers.credit import credit_report

# How far a rider may stand from a report to say "same as this one" (or the category's
# duplicate radius, if an admin set it wider: what is offered nearby can be joined). A
# few hundred metres allow for GPS error in streets of tall buildings.
JOIN_RADIUS_M = 300.0
STAGED_PHOTO_TTL = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Receipt:
    """What an integrator learns of a report it filed (Open311 POST)."""

    id: int
    token: str
    held: bool


@dataclass(frozen=True, slots=True)
class _Filed:
    """A report just written, with what was written along with it."""

    report: Report
    photos: list[ReportPhoto]
    events: list[ReportEvent]
    credits: list[ReportReporter]


def _checked_reference(session: Session, data: ReportCreate) -> str | None:
    """The report's reference (merchant or building), refused if its category needs one, and
    its service point, refused if it does not exist."""
    reference = (data.reference or "").strip() or None
    if data.category in REFERENCE_REQUIRED and reference is None:
        raise InvalidInput(N_("Name the merchant or building this is about."), field="reference")
    if data.place_id is not None and session.get(Place, data.place_id) is None:
        raise InvalidInput(
            N_("Service point {id} does not exist."), field="place_id", id=data.place_id
        )
    return reference


def _filing_trail(
    principal: Principal, values: dict[str, Any], now: datetime, *, held: bool
) -> list[dict[str, Any]]:
    """The new report's event rows: submitted, then held by the system if the filer is banned."""
    submitted = {
        "at": now,
        "actor_id": principal.account_id,
        "actor_role": principal.role.value,
        "action": Action.submit.value,
        "from_status": None,
        "to_status": Status.submitted.value,
        "note": None,
        "data": {"assignee_id": values["assignee_id"]} if values["assignee_id"] else None,
    }
    trail = [submitted]
    if held:
        trail.append(
            submitted
            | {"actor_id": None, "actor_role": "system", "action": Action.hold.value}
            | {"to_status": None, "data": None}
        )
    return trail


def _written(
    session: Session,
    principal: Principal,
    data: ReportCreate,
    report_id: int,
    values: dict[str, Any],
    credit: dict[str, Any] | None,
    trail: list[dict[str, Any]],
) -> _Filed:
    """What was written, for the answer (transient rows), with the staged photos attached."""
    report = Report(id=report_id, **values)  # transient: what was written, for the answer
    credits = [ReportReporter(report_id=report_id, **credit)] if credit else []
    events = [ReportEvent(report_id=report_id, **row) for row in trail]
    photos = (
        workflow.attach_photos(session, report, principal, data.photo_ids, "report")
        if data.photo_ids
        else []
    )
    return _Filed(report, sorted(photos, key=lambda p: p.id), events, credits)


class ReportIntake(ReportsBase):
    """Filing, joining and photos."""

    # -- photos ----------------------------------------------------------------------------

    def stage_photo(self, principal: Principal, data: bytes) -> PhotoOut:
        """Check, rebuild and store an uploaded photo; it waits for a report to use it."""
        if principal.account_id is None:
            raise Forbidden(N_("Photos are uploaded by signed-in accounts."))
        processed = process_photo(data, self.photo_limits)  # slow part: outside the database
        name = self.photos.save(processed)
        try:
            with transaction(self.factory) as session:
                near_id = duplicates.near_photo(session, processed.dhash)
                photo = photo_row(
                    processed,
                    name,
                    report_id=None,
                    uploaded_by=principal.account_id,
                    created_at=self.clock(),
                    near_photo_id=near_id,
                )
                session.add(photo)
                session.flush()
                near_report = (
                    session.scalar(select(ReportPhoto.report_id).where(ReportPhoto.id == near_id))
                    if near_id
                    else None
                )
                return photo_out(photo, near_report)
        except BaseException:
            self.photos.discard(name)
            raise

    def photo_file(self, name: str) -> bytes | None:
        return self.photos.read(name)

    def purge_staged_photos(self, older_than: timedelta = STAGED_PHOTO_TTL) -> int:
        """Delete photos uploaded but never used by a report; how many.

        The rows go first: deleting them is what stops a late report from attaching the
        photo. A file that cannot be removed then is logged and stays in the store."""
        cutoff = self.clock() - older_than
        with transaction(self.factory) as session:
            rows = session.scalars(
                select(ReportPhoto)
                .where(ReportPhoto.report_id.is_(None))
                .where(ReportPhoto.created_at < cutoff)
            ).all()
            names = [r.name for r in rows]
            for row in rows:
                session.delete(row)
        for name in names:
            self.photos.discard(name)
        return len(names)

    # -- intake ----------------------------------------------------------------------------

    def _locate(self, lon: float, lat: float) -> str:
        check_position(lon, lat)
        sub = self.district.locate(lon, lat)
        if sub is None:
            raise InvalidInput(
                N_("This position is outside {district}; reports are for places inside it."),
                field="lat",
                district=self.district,  # named in the reader's language
            )
        return sub.code

    def similar(
        self,
        principal: Principal,
        category: Category,
        lon: float,
        lat: float,
        photo_ids: list[int] | None = None,
    ) -> list[SimilarReport]:
        """Open reports a new one may repeat, to offer "same as this one?" before filing."""
        category = Category(category)
        self._locate(lon, lat)
        with self.factory() as session:
            radius = self.policy.rules(session)[category].duplicate_radius_m
            own = self._own_staged(session, principal, photo_ids or [])
            near = duplicates.staged_near_reports(session, own)
            return duplicates.similar_reports(
                session, category, lon, lat, radius, near, with_thumbs=is_staff(principal)
            )

    def _own_staged(
        self, session: Session, principal: Principal, photo_ids: list[int]
    ) -> list[int]:
        if not photo_ids or principal.account_id is None:
            return []
        return list(
            session.scalars(
                select(ReportPhoto.id)
                .where(ReportPhoto.id.in_(photo_ids))
                .where(ReportPhoto.uploaded_by == principal.account_id)
            )
        )

    def submit(self, principal: Principal, data: ReportCreate) -> ReportOut:
        """File a report from the app (any signed-in account; riders earn rewards)."""
        if principal.account_id is None:
            raise Forbidden(N_("Reports are filed by signed-in accounts; integrators use Open311."))
        if not data.description.strip() and not data.photo_ids:
            raise InvalidInput(
                N_("Add a photo or a few words about what you saw."), field="description"
            )
        # Attaching photos or crediting a volunteer team is more writes: then a transaction
        # is needed.
        more = data.photo_ids or data.volunteer_activity_id is not None
        sessions = self.factory if more else self._one_statement
        try:
            with transaction(sessions) as session:
                filed = self._create(session, principal, data, source="app")
                if data.volunteer_activity_id is not None:
                    credit_report(
                        session,
                        principal.account_id,
                        data.volunteer_activity_id,
                        filed.report.id,
                        filed.report.created_at,
                    )
                builder = ViewBuilder(session, self.district, principal, self.photo_signer)
                return builder.fresh(
                    filed.report, filed.photos, filed.events, filed.credits, self.clock()
                )
        except IntegrityError:
            # A retry with the same client key (the unique key refused it): answer with the
            # report stored the first time.
            if data.client_key is None:
                raise
            existing = self._by_client_key(principal.account_id, data.client_key)
            if existing is None:
                raise
            return self.get(principal, existing)

    def submit_open311(
        self,
        principal: Principal,
        data: ReportCreate,
        contact: dict[str, str],
        media_url: str | None,
    ) -> Receipt:
        """File a report an integrator sent over Open311 (no reporter account, no reward)."""
        if principal.role != Role.platform or principal.api_key_id is None:
            raise Forbidden(N_("Only platforms (API keys) file reports over Open311."))
        with transaction(self._one_statement) as session:  # no photos: one statement
            report = self._create(
                session,
                principal,
                data,
                source="open311",
                contact=contact or None,
                media_url=media_url,
            ).report
            return Receipt(report.id, report.token, report.held)

    def _by_client_key(self, account_id: int, client_key: str) -> int | None:
        with self.factory() as session:
            return session.scalar(
                select(Report.id).where(
                    Report.reporter_id == account_id, Report.client_key == client_key
                )
            )

    def _create(
        self,
        session: Session,
        principal: Principal,
        data: ReportCreate,
        *,
        source: str,
        contact: dict[str, str] | None = None,
        media_url: str | None = None,
    ) -> _Filed:
        subdistrict = self._locate(data.lon, data.lat)
        reference = _checked_reference(session, data)
        now = self.clock()
        rule = self.policy.rules(session)[data.category]
        account_id = principal.account_id if source == "app" else None
        held = self.policy.is_banned(session, account_id, principal.api_key_id)
        values: dict[str, Any] = {
            "token": secrets.token_urlsafe(12),
            "category": data.category.value,
            "description": data.description.strip(),
            "lon": data.lon,
            "lat": data.lat,
            "subdistrict": subdistrict,
            "address": (data.address or "").strip() or None,
            "reference": reference,
            "place_id": data.place_id,
            "status": Status.submitted.value,
            "is_open": True,
            "held": held,
            "source": source,
            "reporter_id": account_id,
            "client_key": data.client_key if account_id is not None else None,
            "api_key_id": principal.api_key_id,
            "contact": contact,
            "external_media_url": media_url,
            "assignee_id": None
            if held
            else self.policy.officer_for(session, subdistrict, data.category),
            "reward_status": "none",
            "reward_fen": 0,
            "created_at": now,
            "updated_at": now,
            "due_at": now + timedelta(hours=rule.sla_hours),
        }
        trail = _filing_trail(principal, values, now, held=held)
        credit = (
            {"account_id": account_id, "how": "original", "joined_at": now}
            if account_id is not None
            else None
        )
        day = stats.local_day(now, self.tz)
        report_id = intake_sql.insert_filed(
            session,
            values,
            credit,
            trail,
            (day, subdistrict, values["category"], values["status"]),
        )
        return _written(session, principal, data, report_id, values, credit, trail)

    def join(self, principal: Principal, report_id: int, data: JoinIn) -> ReportOut:
        """ "Same as this one": credit the caller with an open report, adding their photos."""
        if principal.account_id is None:
            raise Forbidden(N_("Reports are filed by signed-in accounts; integrators use Open311."))
        now = self.clock()
        with transaction(self.factory) as session:
            report = workflow.load_locked(session, report_id)
            if report.held or Status(report.status) not in UNRESOLVED:
                raise Conflict(
                    N_("Report {id} is no longer open; file a new report instead."), id=report_id
                )
            self._check_joinable(session, report, data)
            if workflow.credit(session, report.id, principal.account_id, "same", now):
                workflow.attach_photos(session, report, principal, data.photo_ids, "report")
                report.updated_at = now
                workflow.record(
                    session,
                    report,
                    principal,
                    Action.same,
                    now,
                    note=data.description.strip() or None,
                    data={"photos": len(data.photo_ids)} if data.photo_ids else None,
                )
            session.flush()
            return self._views(session, principal, [report])[0]

    def _check_joinable(self, session: Session, report: Report, data: JoinIn) -> None:
        """Joining lets the rider follow the report: only from near it, about the same."""
        category = Category(report.category)
        if data.category is not None and data.category != category:
            raise InvalidInput(
                N_("Report {id} is about something else; file a new report instead."),
                field="category",
                id=report.id,
            )
        radius = max(JOIN_RADIUS_M, self.policy.rules(session)[category].duplicate_radius_m)
        distance = duplicates.distance_m(report, data.lon, data.lat)
        if distance > radius:
            raise InvalidInput(
                N_(
                    "You are {distance} m from report {id}; join only a report within {max} m "
                    "of where you are, or file a new one."
                ),
                field="lat",
                distance=round(distance),
                id=report.id,
                max=round(radius),
            )


def photo_row(
    processed: ProcessedPhoto,
    name: str,
    *,
    report_id: int | None,
    uploaded_by: int | None,
    created_at: datetime,
    near_photo_id: int | None = None,
) -> ReportPhoto:
    """The database row of a reporter's photo stored under `name`, with its hash split into
    the bands the near-duplicate search looks up."""
    band = phash.bands(processed.dhash)
    return ReportPhoto(
        report_id=report_id,
        kind="report",
        name=name,
        width=processed.width,
        height=processed.height,
        bytes=len(processed.data),
        sha256=processed.source_sha256,
        dhash=phash.to_signed(processed.dhash),
        band0=band[0],
        band1=band[1],
        band2=band[2],
        band3=band[3],
        near_photo_id=near_photo_id,
        uploaded_by=uploaded_by,
        created_at=created_at,
    )
