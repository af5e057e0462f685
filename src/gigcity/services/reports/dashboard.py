"""The district dashboard: counts over time, time to resolution, overdue reports, a heatmap
and CSV exports, for a window of local days (at most a year).

Counts come from the daily rollup (a few rows per day however many reports there are); the
heatmap and time to resolution from rollups by day and month (a year is a dozen months and
the days at its ends), the exact quantiles from the few reports of the buckets that hold
them; overdue reports from an indexed range of the open ones.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import ARRAY, Float, and_, func, literal, or_, select, text, tuple_
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from gigcity.db import rollups
from gigcity.db.models import Report, ReportDailyCount, ReportHeatCount, ReportResolutionCount
from gigcity.db.rollups import ALL
from gigcity.geo.district import District
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.reports.access import is_staff
from gigcity.services.reports.categories import Category
from gigcity.services.reports.lifecycle import UNRESOLVED, Status
from gigcity.services.reports.schemas import QueueItem
from gigcity.services.reports.views import first_thumbs, queue_item
from gigcity.services.types import as_utc

Bucket = Literal["day", "week", "month"]
MAX_DAYS = 366
DEFAULT_DAYS = 30
OVERDUE_SHOWN = 50
HEAT_CELL_DEG = rollups.CELL_DEG
QUANTILES = [0.5, 0.9]  # median and 90th percentile, interpolated (percentile_cont)
_UNRESOLVED = [s.value for s in UNRESOLVED]


class Window(BaseModel):
    since: date
    until: date  # inclusive
    subdistrict: str | None = None
    category: Category | None = None


class Period(BaseModel):
    period: date
    total: int
    by_status: dict[str, int]
    by_category: dict[str, int]


class SubdistrictCount(BaseModel):
    code: str
    name: str
    count: int


class Resolution(BaseModel):
    resolved: int
    median_hours: float | None
    p90_hours: float | None
    within_sla_share: float | None


class DashboardSummary(BaseModel):
    since: date
    until: date
    bucket: Bucket
    total: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    by_subdistrict: list[SubdistrictCount]
    series: list[Period]
    resolution: Resolution
    overdue_total: int
    overdue: list[QueueItem]


class Heatmap(BaseModel):
    since: date
    until: date
    cell_deg: float
    max: int
    cells: list[tuple[float, float, int]]


def _period_start(day: date, bucket: Bucket) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def csv_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class ReportsDashboard:
    def __init__(
        self,
        factory: sessionmaker[Session],
        district: District,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
    ) -> None:
        self.factory = factory
        self.district = district
        self.tz = tz
        self.clock = clock

    # -- the window ------------------------------------------------------------------------

    def window(
        self,
        since: date | None,
        until: date | None,
        subdistrict: str | None = None,
        category: Category | None = None,
    ) -> Window:
        today = as_utc(self.clock()).astimezone(self.tz).date()
        until = until or today
        since = since or until - timedelta(days=DEFAULT_DAYS - 1)
        if since > until:
            raise InvalidInput(N_("since must not be after until."), field="since")
        if (until - since).days + 1 > MAX_DAYS:
            raise InvalidInput(
                N_("The window may span at most {max} days."), field="since", max=MAX_DAYS
            )
        if subdistrict is not None and self.district.get(subdistrict) is None:
            raise InvalidInput(
                N_("Unknown sub-district '{code}'; known: {codes}."),
                field="subdistrict",
                code=subdistrict,
                codes=", ".join(s.code for s in self.district.subdistricts),
            )
        return Window(since=since, until=until, subdistrict=subdistrict, category=category)

    def _instants(self, window: Window) -> tuple[datetime, datetime]:
        """The window as [start, end) instants (local midnights)."""
        start = datetime.combine(window.since, time(), self.tz)
        end = datetime.combine(window.until + timedelta(days=1), time(), self.tz)
        # In UTC, as stored: SQLite keeps the clock time and drops the offset.
        return as_utc(start), as_utc(end)

    def _report_filters(self, window: Window) -> list[ColumnElement[bool]]:
        filters: list[ColumnElement[bool]] = []
        if window.subdistrict:
            filters.append(Report.subdistrict == window.subdistrict)
        if window.category:
            filters.append(Report.category == window.category.value)
        return filters

    def _count_filters(self, window: Window) -> list[ColumnElement[bool]]:
        filters: list[ColumnElement[bool]] = [
            ReportDailyCount.day.between(window.since, window.until)
        ]
        if window.subdistrict:
            filters.append(ReportDailyCount.subdistrict == window.subdistrict)
        if window.category:
            filters.append(ReportDailyCount.category == window.category.value)
        return filters

    # -- the summary -----------------------------------------------------------------------

    def summary(
        self, principal: Principal, window: Window, bucket: Bucket = "day"
    ) -> DashboardSummary:
        _require_staff(principal)
        with self.factory() as session:
            if session.get_bind().dialect.name == "postgresql":
                # One snapshot: the rollup and the reports read after it agree.
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            by_day_status, by_day_category, by_sub = self._counts(session, window)
            resolution = self._resolution(session, window)
            overdue_total, overdue = self._overdue(session, window)
        series: dict[date, Period] = {}

        def period(day: date) -> Period:
            start = _period_start(day, bucket)
            if start not in series:
                series[start] = Period(period=start, total=0, by_status={}, by_category={})
            return series[start]

        by_status: Counter[str] = Counter()
        by_category: Counter[str] = Counter()
        for day, status, n in by_day_status:
            if n:
                p = period(day)
                p.by_status[status] = p.by_status.get(status, 0) + int(n)
                p.total += int(n)
                by_status[status] += int(n)
        for day, category, n in by_day_category:
            if n:
                p = period(day)
                p.by_category[category] = p.by_category.get(category, 0) + int(n)
                by_category[category] += int(n)
        subs = [
            SubdistrictCount(code=s.code, name=s.name, count=int(by_sub.get(s.code) or 0))
            for s in self.district.subdistricts
        ]
        return DashboardSummary(
            since=window.since,
            until=window.until,
            bucket=bucket,
            total=sum(by_status.values()),
            by_status={s.value: by_status.get(s.value, 0) for s in Status},
            by_category={c.value: by_category.get(c.value, 0) for c in Category},
            by_subdistrict=subs,
            series=[series[k] for k in sorted(series)],
            resolution=resolution,
            overdue_total=overdue_total,
            overdue=overdue,
        )

    def _counts(
        self, session: Session, window: Window
    ) -> tuple[list[tuple[date, str, int]], list[tuple[date, str, int]], dict[str, int]]:
        """Sums of the rollup by (day, status), (day, category) and sub-district."""
        filters = self._count_filters(window)
        total = func.sum(ReportDailyCount.count)
        day, status = ReportDailyCount.day, ReportDailyCount.status
        category, sub = ReportDailyCount.category, ReportDailyCount.subdistrict
        if session.get_bind().dialect.name == "postgresql":
            # One scan for the three sums; GROUPING() tells which set a row belongs to.
            which = func.grouping(day, status, category, sub)
            rows: Any = session.execute(
                select(day, status, category, sub, total, which)
                .where(*filters)
                .group_by(
                    func.grouping_sets(tuple_(day, status), tuple_(day, category), tuple_(sub))
                )
            ).all()
            return (
                [(d, st, int(n)) for d, st, _, _, n, w in rows if w == 0b0011],
                [(d, c, int(n)) for d, _, c, _, n, w in rows if w == 0b0101],
                {code: int(n) for _, _, _, code, n, w in rows if w == 0b1110},
            )
        query = select(total).where(*filters)
        return (
            [
                (d, st, int(n))
                for d, st, n in session.execute(
                    query.with_only_columns(day, status, total).group_by(day, status)
                )
            ],
            [
                (d, c, int(n))
                for d, c, n in session.execute(
                    query.with_only_columns(day, category, total).group_by(day, category)
                )
            ],
            {
                code: int(n)
                for code, n in session.execute(query.with_only_columns(sub, total).group_by(sub))
            },
        )

    def _rollup_periods(
        self, table: Any, window: Window, all_subdistricts: bool
    ) -> list[ColumnElement[bool]]:
        """Rows of a day/month rollup that make up the window, with its filters: the months
        it covers whole and the days at either end, for the window's category (or all)
        and sub-district (or all, as one row if the rollup keeps one)."""
        months, days = rollups.split_window(window.since, window.until)
        spans = [and_(table.grain == rollups.DAY, table.period.between(a, b)) for a, b in days]
        if months is not None:
            spans.append(and_(table.grain == rollups.MONTH, table.period.between(*months)))
        filters: list[ColumnElement[bool]] = [or_(*spans)]
        filters.append(table.category == (window.category.value if window.category else ALL))
        if window.subdistrict:
            filters.append(table.subdistrict == window.subdistrict)
        elif all_subdistricts:
            filters.append(table.subdistrict == ALL)
        else:
            filters.append(table.subdistrict != ALL)
        return filters

    def _resolution(self, session: Session, window: Window) -> Resolution:
        """Time from filing to resolution of the reports resolved in the window, exact:
        the rollup's histogram tells which bucket holds each quantile's neighbouring ranks
        and how far into it, and those few values are read from the reports of that bucket
        (percentile_cont's interpolation between them)."""
        table = ReportResolutionCount
        rows = session.execute(
            select(table.bucket, func.sum(table.count), func.sum(table.within_sla))
            .where(*self._rollup_periods(table, window, all_subdistricts=True))
            .group_by(table.bucket)
            .order_by(table.bucket)
        ).all()
        histogram = [(int(b), int(n)) for b, n, _ in rows if n]
        count = sum(n for _, n in histogram)
        if count == 0:
            return Resolution(resolved=0, median_hours=None, p90_hours=None, within_sla_share=None)
        within = sum(int(w or 0) for _, _, w in rows)
        start, end = self._instants(window)
        in_window = [
            Report.resolved_at >= start,
            Report.resolved_at < end,
            *self._report_filters(window),
        ]
        quantiles = []
        for q in QUANTILES:
            position = q * (count - 1)
            below = math.floor(position)
            low = self._ranked(session, histogram, below, in_window)
            high = self._ranked(session, histogram, min(below + 1, count - 1), in_window)
            if low is None or high is None:  # the reports moved on between the two reads
                return self.resolution_from_reports(session, window)
            quantiles.append(low + (high - low) * (position - below))
        median_s, p90_s = quantiles
        return Resolution(
            resolved=count,
            median_hours=round(median_s / 3600, 2),
            p90_hours=round(p90_s / 3600, 2),
            within_sla_share=round(within / count, 4),
        )

    def _ranked(
        self,
        session: Session,
        histogram: list[tuple[int, int]],
        rank: int,
        in_window: list[ColumnElement[bool]],
    ) -> int | None:
        """The resolution time of the given rank (0 = shortest) in the window."""
        before = 0
        for bucket, n in histogram:
            if rank < before + n:
                low, high = rollups.bucket_range(bucket)
                value = session.scalar(
                    select(Report.resolution_s)
                    .where(Report.resolution_s >= low, Report.resolution_s < high, *in_window)
                    .order_by(Report.resolution_s)
                    .offset(rank - before)
                    .limit(1)
                )
                return None if value is None else int(value)
            before += n
        return None

    def resolution_from_reports(self, session: Session, window: Window) -> Resolution:
        """Time from filing to resolution of the reports resolved in the window, from the
        reports alone (the rollup's answer must equal this)."""
        start, end = self._instants(window)
        filters = [
            Report.resolved_at >= start,
            Report.resolved_at < end,
            Report.resolution_s.is_not(None),
            *self._report_filters(window),
        ]
        counts = [func.count(), func.count().filter(Report.resolved_at <= Report.due_at)]
        if session.get_bind().dialect.name == "postgresql":
            # One pass over the covering index and one in-memory sort for both quantiles.
            session.execute(text("SET LOCAL work_mem = '64MB'"))
            row: Any = session.execute(
                select(
                    *counts,
                    func.percentile_cont(literal(QUANTILES, ARRAY(Float))).within_group(
                        Report.resolution_s
                    ),
                ).where(*filters)
            ).one()
            count, within, quantiles = row
        else:
            totals: Any = session.execute(select(*counts).where(*filters)).one()
            count, within = totals
            quantiles = [self._quantile(session, filters, int(count), q) for q in QUANTILES]
        count = int(count or 0)
        if count == 0 or not quantiles:
            return Resolution(resolved=0, median_hours=None, p90_hours=None, within_sla_share=None)
        median_s, p90_s = (float(q) for q in quantiles)
        return Resolution(
            resolved=count,
            median_hours=round(median_s / 3600, 2),
            p90_hours=round(p90_s / 3600, 2),
            within_sla_share=round(int(within or 0) / count, 4),
        )

    def _quantile(
        self, session: Session, filters: list[ColumnElement[bool]], count: int, q: float
    ) -> float:
        """The q-quantile interpolated between neighbouring ranks, as percentile_cont."""
        if count == 0:
            return 0.0
        position = q * (count - 1)
        below = math.floor(position)
        values = [
            int(v or 0)
            for v in session.scalars(
                select(Report.resolution_s)
                .where(*filters)
                .order_by(Report.resolution_s)
                .offset(below)
                .limit(2)
            )
        ]
        if len(values) == 1:
            return float(values[0])
        return values[0] + (values[1] - values[0]) * (position - below)

    def _overdue(self, session: Session, window: Window) -> tuple[int, list[QueueItem]]:
        """Reports past their deadline and not resolved, now (whenever they were filed)."""
        now = self.clock()
        filters = [
            Report.is_open.is_(True),
            Report.due_at < now,
            Report.status.in_(_UNRESOLVED),
            *self._report_filters(window),
        ]
        total = session.scalar(select(func.count()).select_from(Report).where(*filters))
        reports = list(
            session.scalars(
                select(Report)
                .where(*filters)
                .order_by(Report.due_at, Report.id)
                .limit(OVERDUE_SHOWN)
            )
        )
        thumbs = first_thumbs(session, [r.id for r in reports])
        return int(total or 0), [queue_item(r, thumbs.get(r.id), now) for r in reports]

    # -- the heatmap -----------------------------------------------------------------------

    def heatmap(self, principal: Principal, window: Window) -> Heatmap:
        """Reports filed in the window, counted per cell of a grid over the district."""
        _require_staff(principal)
        table = ReportHeatCount
        with self.factory() as session:
            rows = session.execute(
                select(table.cx, table.cy, func.sum(table.count))
                .where(*self._rollup_periods(table, window, all_subdistricts=False))
                .group_by(table.cx, table.cy)
            ).all()
        cells = [(*rollups.cell_centre(int(x), int(y)), int(n)) for x, y, n in rows if n]
        cells.sort(key=lambda c: (c[1], c[0]))
        return Heatmap(
            since=window.since,
            until=window.until,
            cell_deg=HEAT_CELL_DEG,
            max=max((c[2] for c in cells), default=0),
            cells=cells,
        )

    # -- exports ---------------------------------------------------------------------------

    def reports_csv(self, principal: Principal, window: Window) -> Iterator[str]:
        """Every report filed in the window, one row each (no reporter identities)."""
        _require_staff(principal)
        start, end = self._instants(window)
        header = [
            "id", "created_at", "category", "status", "reject_reason", "subdistrict", "lon",
            "lat", "address", "reference", "description", "due_at", "resolved_at", "closed_at",
            "overdue", "resolution_hours", "source", "merged_into_id",
        ]  # fmt: skip
        now = self.clock()
        tz = self.tz

        def local(at: datetime | None) -> str:
            return as_utc(at).astimezone(tz).isoformat(timespec="seconds") if at else ""

        def rows() -> Iterator[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(header)
            yield buffer.getvalue()
            with self.factory() as session:
                result = session.execute(
                    select(Report)
                    .where(Report.created_at >= start, Report.created_at < end)
                    .where(*self._report_filters(window))
                    .order_by(Report.created_at, Report.id)
                    .execution_options(yield_per=2000)
                )
                for chunk in result.scalars().partitions():
                    buffer.seek(0)
                    buffer.truncate()
                    for r in chunk:
                        overdue = r.status in _UNRESOLVED and as_utc(r.due_at) < now
                        writer.writerow(
                            [
                                r.id, local(r.created_at), r.category, r.status,
                                r.reject_reason or "", r.subdistrict, r.lon, r.lat,
                                csv_safe(r.address or ""), csv_safe(r.reference or ""),
                                csv_safe(r.description), local(r.due_at), local(r.resolved_at),
                                local(r.closed_at), "yes" if overdue else "no",
                                round(r.resolution_s / 3600, 2) if r.resolution_s is not None else "",
                                r.source, r.merged_into_id or "",
                            ]
                        )  # fmt: skip
                    yield buffer.getvalue()

        return rows()

    def counts_csv(self, principal: Principal, window: Window) -> str:
        """The daily counts of the window: day, sub-district, category, status, count."""
        _require_staff(principal)
        with self.factory() as session:
            rows = session.execute(
                select(
                    ReportDailyCount.day,
                    ReportDailyCount.subdistrict,
                    ReportDailyCount.category,
                    ReportDailyCount.status,
                    ReportDailyCount.count,
                )
                .where(*self._count_filters(window), ReportDailyCount.count > 0)
                .order_by(
                    ReportDailyCount.day,
                    ReportDailyCount.subdistrict,
                    ReportDailyCount.category,
                    ReportDailyCount.status,
                )
            ).all()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["day", "subdistrict", "category", "status", "count"])
        for day, sub, category, status, n in rows:
            writer.writerow([day.isoformat(), sub, category, status, n])
        return buffer.getvalue()


def _require_staff(principal: Principal) -> None:
    if not is_staff(principal):
        raise Forbidden(N_("Only grid officers and district admins see the dashboard."))
