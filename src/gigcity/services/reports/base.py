"""Snap-and-report's shared state: the database, the district, the clock, the photo store,
the routing policy and rate limits; reference data (categories) and views of reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.config import Settings
from gigcity.db.models import Report, ReportPhoto, ReportReporter, utcnow
from gigcity.db.session import single_statement_sessions
from gigcity.geo.district import District
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal
from gigcity.services.errors import Forbidden, NotFound
from gigcity.services.ratelimit import Limiter, Rate, make_limiter
from gigcity.services.reports.access import can_view
from gigcity.services.reports.categories import (
    CATEGORY_DESCRIPTIONS,
    CATEGORY_LABELS,
    REFERENCE_REQUIRED,
    Category,
    reference_hint,
)
from gigcity.services.reports.dashboard import ReportsDashboard
from gigcity.services.reports.photo_access import PhotoSigner, may_see
from gigcity.services.reports.photos import NAME_PATTERN, PHOTO_PREFIX, PhotoLimits, PhotoStore
from gigcity.services.reports.policy import ReportPolicy
from gigcity.services.reports.rewards import RewardsService
from gigcity.services.reports.schemas import CategoryOut, ReportOut
from gigcity.services.reports.views import ViewBuilder
from gigcity.services.storage import FileStore
from gigcity.services.types import as_utc


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


class ReportsBase:
    """What the intake, the officers' work and the admin's settings share."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        district: District,
        settings: Settings,
        files: FileStore,
    ):
        self.factory = factory
        # A report without photos is filed in one statement on PostgreSQL (intake_sql).
        self._one_statement = single_statement_sessions(factory)
        self.district = district
        self.tz = ZoneInfo(settings.timezone)
        self.clock: Callable[[], datetime] = _now  # aware, in UTC (tests set their own)
        # The platform's file store, shared by every worker: a photo stored by one is served
        # by any other.
        self.photos = PhotoStore(files, PHOTO_PREFIX)
        # Signed, short-lived URLs of published "after" photos (the key is in the database).
        self.photo_signer = PhotoSigner(factory, lambda: self.clock())
        self.resolved_photo_retention = timedelta(
            days=settings.retention_resolved_report_photos_days
        )
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

    # -- views ------------------------------------------------------------------------------

    def _views(
        self, session: Session, principal: Principal, reports: list[Report]
    ) -> list[ReportOut]:
        builder = ViewBuilder(session, self.district, principal, self.photo_signer)
        return builder.build(reports, self.clock())

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

    # -- photos ----------------------------------------------------------------------------

    def serve_photo(
        self,
        principal: Principal | None,
        name: str,
        expires: int | None = None,
        signature: str | None = None,
    ) -> bytes | None:
        """A photo's (or thumbnail's) bytes for this caller; None, as for a photo that does
        not exist, when they may not see it (`photo_access`): a published "after" photo
        with a valid signature, or a caller who may see the report's photos."""
        match = NAME_PATTERN.match(name)
        if match is None:
            return None
        with self.factory() as session:
            photo = session.scalar(
                select(ReportPhoto).where(ReportPhoto.name == match["stem"] + ".jpg")
            )
            if photo is None:
                return None
            published = photo.kind == "after" and photo.published_at is not None
            if not (published and self.photo_signer.check(name, expires, signature)):
                report = session.get(Report, photo.report_id) if photo.report_id else None
                keeper = (
                    session.get(Report, report.merged_into_id)
                    if report is not None and report.merged_into_id
                    else None
                )
                if not may_see(principal, photo, report, keeper):
                    return None
        return self.photos.read(name)

    def local_now(self) -> datetime:
        return as_utc(self.clock()).astimezone(self.tz)
