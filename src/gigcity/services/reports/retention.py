"""Retention: the photos of reports finished long ago (closed after the fix, or rejected) are
deleted, files and rows, by a daily job. The report itself stays, and shows no photo.

A report merged into another is rejected at once, but its photos are shown on the report it
joined; they go only when that one is finished before the cutoff too.

Order: each batch's files are removed first, then the rows of the photos whose files are
gone, in one transaction. The database is what finds a photo again: had the rows gone
first, a file the store failed to remove would have no row left to find it by and would be
kept for good, against the retention promised. This way the failure leaves the row, and the
next run removes the file and the row (deleting is idempotent). The price is a photo whose
files are gone while its row stays (the store failed halfway, or the commit did): its link
answers 404 until that next run, on a report finished a year ago. Photos of a finished
report never change again (nothing attaches to it, moves or merges it), so removing its
files before the rows cannot race a reader into losing anything it still needs.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from gigcity.db.models import Report, ReportPhoto
from gigcity.db.session import transaction
from gigcity.services.reports.base import ReportsBase
from gigcity.services.reports.lifecycle import Status

log = logging.getLogger("gigcity.reports")
PURGE_BATCH = 500


def _finished_before(
    report: type[Report] | AliasedClass[Report], cutoff: datetime
) -> ColumnElement[bool]:
    """Closed before `cutoff` (fixed, confirmed), or rejected before it (the step's time,
    which is the last change a rejected report gets)."""
    return or_(
        and_(report.status == Status.closed.value, report.closed_at < cutoff),
        and_(report.status == Status.rejected.value, report.updated_at < cutoff),
    )


class PhotoRetention(ReportsBase):
    """Deleting the photos of reports finished longer ago than the retention period."""

    def purge_resolved_photos(
        self, older_than: timedelta | None = None, *, batch: int = PURGE_BATCH
    ) -> int:
        """Delete the photos (and thumbnails) of reports closed or rejected longer ago than
        `older_than` (default: the `retention_resolved_report_photos_days` setting); how
        many. A photo whose files cannot be removed now is logged and kept for the next run."""
        if older_than is None:
            older_than = self.resolved_photo_retention
        cutoff = self.clock() - older_than
        joined = aliased(Report)  # the report this one was merged into, if any
        chosen = (
            select(ReportPhoto.id, ReportPhoto.name)
            .join(Report, Report.id == ReportPhoto.report_id)
            .outerjoin(joined, joined.id == Report.merged_into_id)
            .where(_finished_before(Report, cutoff))
            .where(or_(joined.id.is_(None), _finished_before(joined, cutoff)))
            .order_by(ReportPhoto.id)
            .limit(batch)
        )
        purged = 0
        after = 0  # each photo is tried once a run, so a failing store cannot spin it
        while True:
            with self.factory() as session:
                found = session.execute(chosen.where(ReportPhoto.id > after)).all()
            if not found:
                return purged
            after = found[-1][0]
            gone = [photo_id for photo_id, name in found if self.photos.discard(name)]
            if gone:
                with transaction(self.factory) as session:
                    session.execute(delete(ReportPhoto).where(ReportPhoto.id.in_(gone)))
                purged += len(gone)
            if len(gone) < len(found):
                log.warning(
                    "retention: %d photos of finished reports stay until the next run",
                    len(found) - len(gone),
                )
