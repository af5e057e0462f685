"""The district dashboard: counts over time, time to resolution, overdue reports, a heatmap
and CSV exports, for a window of local days (at most a year).

Counts come from the daily rollup (a few rows per day however many reports there are); the
heatmap and time to resolution from rollups by day and month (a year is a dozen months and
the days at its ends), the exact quantiles from the few reports of the buckets that hold
them; overdue reports from an indexed range of the open ones.

Who asks decides what is counted (`scope`): a grid officer sees their own sub-district only,
and never a held report (the rollups count held reports too, so the few held reports of the
window are read and taken off); a district admin sees everything.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, WithJsonSchema
from sqlalchemy import ARRAY, Float, and_, func, literal, or_, select, text, tuple_
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from gigcity.db import rollups
from gigcity.db.models import Report, ReportDailyCount, ReportHeatCount, ReportResolutionCount
from gigcity.db.rollups import ALL
from gigcity.geo.district import District
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.reports.categories import Category
from gigcity.services.reports.lifecycle import UNRESOLVED, Status
from gigcity.services.reports.schemas import QueueItem
from gigcity.services.reports.views import first_thumbs, queue_item
from gigcity.services.spreadsheets import csv_safe
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
    # Set by `ReportsDashboard.scope` from the caller: only admins see held reports.
    with_held: bool = True


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


# A cell is `[lon, lat, count]`. Described as an array of three numbers rather than as a
# tuple: tools that turn JSON Schema 2020-12 `prefixItems` into draft-7 `items: [...]`
# (schemathesis among them) reject the tuple form.
HeatCell = Annotated[
    tuple[float, float, int],
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 3,
            "maxItems": 3,
            "description": "[lon, lat, count] of a cell's centre (WGS-84) and its reports",
        }
    ),
]


class Heatmap(BaseModel):
    since: date
    until: date
    cell_deg: float
    max: int
    cells: list[HeatCell]


def _period_start(day: date, bucket: Bucket) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


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

    def scope(self, principal: Principal, window: Window) -> Window:
        """The window as `principal` may see it. Officers: their own sub-district (asking
        for none means theirs; asking for another is refused rather than answered with
        theirs, so no figure is ever shown under the wrong name), held reports left out.
        Admins: as asked."""
        if principal.role == Role.admin:
            return window.model_copy(update={"with_held": True})
        if principal.role != Role.officer:
            raise Forbidden(N_("Only grid officers and district admins see the dashboard."))
        own = principal.subdistrict
        if own is None:
            raise Forbidden(N_("Your account has no sub-district; ask a district admin."))
        if window.subdistrict not in (None, own):
            sub = self.district.get(own)
            raise Forbidden(
                N_("Grid officers see the dashboard of their own sub-district ({own}) only."),
                field="subdistrict",
                own=sub.name if sub else own,
            )
        return window.model_copy(update={"subdistrict": own, "with_held": False})

    def _local_day(self, at: datetime) -> date:
        return as_utc(at).astimezone(self.tz).date()

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
        if not window.with_held:
            filters.append(Report.held.is_(False))
        return filters

    def _held_filed(self, session: Session, window: Window) -> list[Any]:
        """The held reports filed in the window (few: only accounts under review file
        them), to take off the rollups' counts when the reader may not see them."""
        if window.with_held:
            return []
        start, end = self._instants(window)
        everything = window.model_copy(update={"with_held": True})
        return list(
            session.execute(
                select(
                    Report.created_at,
                    Report.subdistrict,
                    Report.category,
                    Report.status,
                    Report.lon,
                    Report.lat,
                ).where(
                    Report.held,  # as the partial index ix_reports_held says it
                    Report.created_at >= start,
                    Report.created_at < end,
                    *self._report_filters(everything),
                )
            )
        )

    def _held_resolved(self, session: Session, window: Window) -> list[tuple[int, int]]:
        """(bucket, within its SLA) of the held reports resolved in the window, likewise."""
        if window.with_held:
            return []
        start, end = self._instants(window)
        everything = window.model_copy(update={"with_held": True})
        rows: Any = session.execute(
            select(Report.resolution_s, Report.resolved_at, Report.due_at).where(
                Report.held,
                Report.resolved_at >= start,
                Report.resolved_at < end,
                Report.resolution_s.is_not(None),
                *self._report_filters(everything),
            )
        )
        return [
            (rollups.resolution_bucket(int(s)), int(as_utc(at) <= as_utc(due)))
            for s, at, due in rows
        ]

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
        window = self.scope(principal, window)
        with self.factory() as session:
            if session.get_bind().dialect.name == "postgresql":
                # One snapshot: the rollup and the reports read after it agree.
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            by_day_status, by_day_category, by_sub = self._counts(session, window)
            held = self._held_filed(session, window)
            resolution = self._resolution(session, window)
            overdue_total, overdue = self._overdue(session, window)
        status_counts: Counter[tuple[date, str]] = Counter()
        category_counts: Counter[tuple[date, str]] = Counter()
        sub_counts: Counter[str] = Counter(by_sub)
        for day, status, n in by_day_status:
            status_counts[(day, status)] += n
        for day, category, n in by_day_category:
            category_counts[(day, category)] += n
        for created_at, sub, category, status, _, _ in held:
            day = self._local_day(created_at)
            status_counts[(day, status)] -= 1
            category_counts[(day, category)] -= 1
            sub_counts[sub] -= 1
        series, by_status, by_category = _periods(status_counts, category_counts, bucket)
        subs = [
            SubdistrictCount(code=s.code, name=s.name, count=sub_counts[s.code])
            for s in self.district.subdistricts
            if window.subdistrict in (None, s.code)
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
        held: Counter[int] = Counter()
        held_within = 0
        for bucket, on_time in self._held_resolved(session, window):
            held[bucket] += 1
            held_within += on_time
        histogram = [(int(b), int(n) - held[int(b)]) for b, n, _ in rows if int(n) - held[int(b)]]
        count = sum(n for _, n in histogram)
        if count == 0:
            return Resolution(resolved=0, median_hours=None, p90_hours=None, within_sla_share=None)
        within = sum(int(w or 0) for _, _, w in rows) - held_within
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
        window = self.scope(principal, window)
        table = ReportHeatCount
        with self.factory() as session:
            rows = session.execute(
                select(table.cx, table.cy, func.sum(table.count))
                .where(*self._rollup_periods(table, window, all_subdistricts=False))
                .group_by(table.cx, table.cy)
            ).all()
            held = self._held_filed(session, window)
        counts: Counter[tuple[int, int]] = Counter({(int(x), int(y)): int(n) for x, y, n in rows})
        for *_, lon, lat in held:
            counts[rollups.heat_cell(lon, lat)] -= 1
        cells = [(*rollups.cell_centre(x, y), n) for (x, y), n in counts.items() if n]
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
        window = self.scope(principal, window)  # now, not when the rows are first read
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
        window = self.scope(principal, window)
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
            held = self._held_filed(session, window)
        counts: Counter[tuple[date, str, str, str]] = Counter(
            {(day, sub, category, status): int(n) for day, sub, category, status, n in rows}
        )
        for created_at, sub, category, status, _, _ in held:
            counts[(self._local_day(created_at), sub, category, status)] -= 1
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["day", "subdistrict", "category", "status", "count"])
        for (day, sub, category, status), n in counts.items():  # in the query's order
            if n > 0:
                writer.writerow([day.isoformat(), sub, category, status, n])
        return buffer.getvalue()


def _periods(
    status_counts: Counter[tuple[date, str]],
    category_counts: Counter[tuple[date, str]],
    bucket: Bucket,
) -> tuple[dict[date, Period], Counter[str], Counter[str]]:
    """The day counts gathered into periods of `bucket`, and the totals by status and by
    category."""
    series: dict[date, Period] = {}

    def period(day: date) -> Period:
        start = _period_start(day, bucket)
        if start not in series:
            series[start] = Period(period=start, total=0, by_status={}, by_category={})
        return series[start]

    by_status: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    for (day, status), n in sorted(status_counts.items()):
        if n:
            p = period(day)
            p.by_status[status] = p.by_status.get(status, 0) + int(n)
            p.total += int(n)
            by_status[status] += int(n)
    for (day, category), n in sorted(category_counts.items()):
        if n:
            p = period(day)
            p.by_category[category] = p.by_category.get(category, 0) + int(n)
            by_category[category] += int(n)
    return series, by_status, by_category
