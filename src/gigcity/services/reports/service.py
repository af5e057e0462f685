"""Snap-and-report (随手拍): the service the platform and the API use, assembled from its
three jobs (intake, officers' work, the admin's settings) and the reads every caller shares:
the reporter's own reports and the public (Open311) view; and the retention of photos.

Each write is one transaction: a report, its credits, photos, trail entry and rollup count
are stored together or not at all; so are a verification and its reward.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from gigcity.db.models import Report, ReportReporter
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal
from gigcity.services.reports import public, stats
from gigcity.services.reports.admin import ReportsAdmin
from gigcity.services.reports.categories import Category
from gigcity.services.reports.intake import Receipt, ReportIntake
from gigcity.services.reports.officer import OfficerWork, QueueScope
from gigcity.services.reports.retention import PhotoRetention
from gigcity.services.reports.schemas import ReportOut


class ReportsService(ReportIntake, OfficerWork, ReportsAdmin, PhotoRetention):
    """Snap-and-report, whole: filing, the officers' work, the admin's settings, the reads,
    and the retention of photos."""

    # -- reading ---------------------------------------------------------------------------

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


__all__ = ["QueueScope", "Receipt", "ReportsService"]
