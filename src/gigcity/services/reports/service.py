"""Snap-and-report (随手拍): intake, duplicates, routing, lifecycle and the reporter's view.

Each write is one transaction: a report, its credits, photos, trail entry and rollup count
are stored together or not at all; so are a verification and its reward.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gigcity.config import Settings
from gigcity.db.models import (
    Account,
    Place,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportReporter,
    utcnow,
)
from gigcity.db.session import single_statement_sessions, transaction
from gigcity.geo.coords import validate_lon_lat
from gigcity.geo.district import District
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.ratelimit import Limiter, Rate, make_limiter
from gigcity.services.reports import (
    duplicates,
    intake_sql,
    phash,
    public,
    stats,
    workflow,
)
from gigcity.services.reports.access import can_view, check_admin, check_can_act, is_staff
from gigcity.services.reports.categories import (
    CATEGORY_DESCRIPTIONS,
    CATEGORY_LABELS,
    REFERENCE_REQUIRED,
    Category,
    reference_hint,
)
from gigcity.services.reports.dashboard import ReportsDashboard
from gigcity.services.reports.lifecycle import UNRESOLVED, Action, RejectReason, Status
from gigcity.services.reports.photos import PhotoLimits, PhotoStore, process_photo
from gigcity.services.reports.policy import ReportPolicy
from gigcity.services.reports.rewards import RewardsService, pay_for_report
from gigcity.services.reports.schemas import (
    AssignIn,
    BanIn,
    BanOut,
    CategoryOut,
    CategoryRuleIn,
    DispatchIn,
    JoinIn,
    MergeIn,
    NoteIn,
    PhotoOut,
    Queue,
    RejectIn,
    ReportCreate,
    ReportOut,
    ResolveIn,
    RouteIn,
    RouteOut,
    SimilarReport,
)
from gigcity.services.reports.views import ViewBuilder, first_thumbs, photo_out, queue_item
from gigcity.services.types import as_utc

QueueScope = Literal["mine", "subdistrict", "district", "held", "all"]
MAX_QUEUE = 1000
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


@dataclass(frozen=True, slots=True)
class Rates:
    reports_per_account: Rate
    reports_per_ip: Rate
    photos_per_account: Rate
    open311_reads_per_ip: Rate

    @classmethod
    def from_settings(cls, settings: Settings) -> Rates:
        return cls(
            reports_per_account=Rate(settings.report_rate_account_per_hour, 3600.0),
            reports_per_ip=Rate(settings.report_rate_ip_per_hour, 3600.0),
            photos_per_account=Rate(settings.report_photo_rate_account_per_hour, 3600.0),
            open311_reads_per_ip=Rate(settings.open311_rate_ip_per_minute, 60.0),
        )


def _now() -> datetime:
    return utcnow()


class ReportsService:
    def __init__(self, factory: sessionmaker[Session], district: District, settings: Settings):
        self.factory = factory
        # A report without photos is filed in one statement on PostgreSQL (intake_sql).
        self._one_statement = single_statement_sessions(factory)
        self.district = district
        self.tz = ZoneInfo(settings.timezone)
        self.clock: Callable[[], datetime] = _now  # aware, in UTC (tests set their own)
        self.photos = PhotoStore(settings.data_dir / "reports" / "photos")
        self.photo_limits = PhotoLimits(
            max_bytes=settings.report_photo_max_bytes,
            max_pixels=settings.report_photo_max_pixels,
            max_side=settings.report_photo_max_side,
        )
        self.policy = ReportPolicy(district)
        self.rates = Rates.from_settings(settings)
        self.limiter: Limiter = make_limiter(settings.rate_limit_store, factory)
        self.rewards = RewardsService(factory, lambda: self.clock())
        self.dashboard = ReportsDashboard(factory, district, self.tz, lambda: self.clock())

    # -- reference -------------------------------------------------------------------------

    def categories(self, locale: str) -> list[CategoryOut]:
        with self.factory() as session:
            rules = self.policy.rules(session)
        return [
            CategoryOut(
                code=c,
                label=gettext(locale, CATEGORY_LABELS[c]),
                description=gettext(locale, CATEGORY_DESCRIPTIONS[c]),
                reward_fen=rules[c].reward_fen,
                sla_hours=rules[c].sla_hours,
                duplicate_radius_m=rules[c].duplicate_radius_m,
                reference_required=c in REFERENCE_REQUIRED,
                reference_hint=gettext(locale, reference_hint(c)),
            )
            for c in Category
        ]

    # -- photos ----------------------------------------------------------------------------

    def stage_photo(self, principal: Principal, data: bytes) -> PhotoOut:
        """Check, rebuild and store an uploaded photo; it waits for a report to use it."""
        if principal.account_id is None:
            raise Forbidden(N_("Photos are uploaded by signed-in accounts."))
        processed = process_photo(data, self.photo_limits)  # slow part: outside the database
        name = self.photos.save(processed)
        unsigned = processed.dhash
        try:
            with transaction(self.factory) as session:
                near_id = duplicates.near_photo(session, unsigned)
                band = phash.bands(unsigned)
                photo = ReportPhoto(
                    report_id=None,
                    kind="report",
                    name=name,
                    width=processed.width,
                    height=processed.height,
                    bytes=len(processed.data),
                    sha256=processed.source_sha256,
                    dhash=phash.to_signed(unsigned),
                    band0=band[0],
                    band1=band[1],
                    band2=band[2],
                    band3=band[3],
                    near_photo_id=near_id,
                    uploaded_by=principal.account_id,
                    created_at=self.clock(),
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
            self.photos.delete(name)
            raise

    def photo_file(self, name: str) -> bytes | None:
        return self.photos.read(name)

    def purge_staged_photos(self, older_than: timedelta = STAGED_PHOTO_TTL) -> int:
        """Delete photos uploaded but never used by a report; how many."""
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
            self.photos.delete(name)
        return len(names)

    # -- intake ----------------------------------------------------------------------------

    def _locate(self, lon: float, lat: float) -> str:
        try:
            validate_lon_lat(lon, lat)
        except ValueError as exc:
            raise InvalidInput(N_("The position is not valid: {reason}."), reason=str(exc)) from exc
        sub = self.district.locate(lon, lat)
        if sub is None:
            raise InvalidInput(
                N_("This position is outside {district}; reports are for places inside it."),
                field="lat",
                district=self.district.name,
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
            return duplicates.similar_reports(session, category, lon, lat, radius, near)

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
        # Attaching photos is more writes: then a transaction is needed.
        sessions = self.factory if data.photo_ids else self._one_statement
        try:
            with transaction(sessions) as session:
                filed = self._create(session, principal, data, source="app")
                builder = ViewBuilder(session, self.district, principal)
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
        reference = (data.reference or "").strip() or None
        if data.category in REFERENCE_REQUIRED and reference is None:
            raise InvalidInput(
                N_("Name the merchant or building this is about."), field="reference"
            )
        if data.place_id is not None and session.get(Place, data.place_id) is None:
            raise InvalidInput(
                N_("Service point {id} does not exist."), field="place_id", id=data.place_id
            )
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
        report = Report(id=report_id, **values)  # transient: what was written, for the answer
        credits = [ReportReporter(report_id=report_id, **credit)] if credit else []
        events = [ReportEvent(report_id=report_id, **row) for row in trail]
        photos = (
            workflow.attach_photos(session, report, principal, data.photo_ids, "report")
            if data.photo_ids
            else []
        )
        return _Filed(report, sorted(photos, key=lambda p: p.id), events, credits)

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
        if body.reason == RejectReason.duplicate:
            if body.duplicate_of is None:
                raise InvalidInput(
                    N_("Say which report this one duplicates."), field="duplicate_of"
                )
            merge = MergeIn(into=body.duplicate_of, note=body.note, public_note=body.public_note)
            return self.merge(principal, report_id, merge)

        def change(session: Session, report: Report, now: datetime) -> None:
            self._step(session, report, principal, Action.reject, now, body)
            report.reject_reason = RejectReason.invalid.value

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

    # -- reading ---------------------------------------------------------------------------

    def _views(
        self, session: Session, principal: Principal, reports: list[Report]
    ) -> list[ReportOut]:
        return ViewBuilder(session, self.district, principal).build(reports, self.clock())

    def get(self, principal: Principal, report_id: int) -> ReportOut:
        with self.factory() as session:
            report = session.get(Report, report_id)
            if report is None:
                raise NotFound(N_("Report {id} does not exist."), id=report_id)
            credited = principal.account_id is not None and (
                session.scalar(
                    select(ReportReporter.id).where(
                        ReportReporter.report_id == report_id,
                        ReportReporter.account_id == principal.account_id,
                    )
                )
                is not None
            )
            if not can_view(principal, report, credited):
                raise Forbidden(N_("You may only see your own reports."))
            return self._views(session, principal, [report])[0]

    def mine(
        self, principal: Principal, limit: int = 50, before_id: int | None = None
    ) -> list[ReportOut]:
        """The caller's reports (filed, joined or merged in), newest first, with their trail."""
        if principal.account_id is None:
            return []
        query = (
            select(Report)
            .join(ReportReporter, ReportReporter.report_id == Report.id)
            .where(ReportReporter.account_id == principal.account_id)
            .order_by(Report.id.desc())
            .limit(limit)
        )
        if before_id is not None:
            query = query.where(Report.id < before_id)
        with self.factory() as session:
            reports = list(session.scalars(query))
            return self._views(session, principal, reports)

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

    # -- the district's settings -----------------------------------------------------------

    def set_rule(
        self, principal: Principal, category: Category, data: CategoryRuleIn
    ) -> CategoryOut:
        check_admin(principal)
        with transaction(self.factory) as session:
            self.policy.set_rule(session, category, data, principal.account_id)
        return next(c for c in self.categories("en") if c.code == category)

    def routes(self, principal: Principal) -> list[RouteOut]:
        check_admin(principal)
        with self.factory() as session:
            return self.policy.routes(session)

    def set_route(self, principal: Principal, data: RouteIn) -> RouteOut:
        check_admin(principal)
        with transaction(self.factory) as session:
            return self.policy.set_route(session, data)

    def delete_route(self, principal: Principal, route_id: int) -> None:
        check_admin(principal)
        with transaction(self.factory) as session:
            self.policy.delete_route(session, route_id)

    def bans(self, principal: Principal) -> list[BanOut]:
        check_admin(principal)
        with self.factory() as session:
            return self.policy.bans(session)

    def ban(self, principal: Principal, data: BanIn) -> BanOut:
        check_admin(principal)
        with transaction(self.factory) as session:
            return self.policy.ban(session, data, principal.account_id)

    def unban(self, principal: Principal, ban_id: int) -> None:
        check_admin(principal)
        with transaction(self.factory) as session:
            self.policy.unban(session, ban_id)

    # -- the public (Open311) ----------------------------------------------------------------

    def public_requests(
        self,
        *,
        ids: list[int] | None = None,
        categories: list[Category] | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        statuses: list[str] | None = None,
        limit: int = public.MAX_RESULTS,
    ) -> list[public.PublicReport]:
        with self.factory() as session:
            return public.find(
                session,
                ids=ids or [],
                categories=categories or [],
                start=start,
                end=end,
                open311_statuses=statuses or [],
                limit=limit,
            )

    def public_request(self, report_id: int) -> public.PublicReport | None:
        with self.factory() as session:
            return public.one(session, report_id)

    def token(self, token: str) -> tuple[str, int | None] | None:
        with self.factory() as session:
            return public.by_token(session, token)

    def recount(self) -> int:
        """Rebuild the dashboard's daily counts from the reports (after a bulk load)."""
        with transaction(self.factory) as session:
            return stats.recount(session, self.tz)

    def local_now(self) -> datetime:
        return as_utc(self.clock()).astimezone(self.tz)
