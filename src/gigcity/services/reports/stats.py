"""The dashboard's rollups. The daily counts: reports filed per local day, sub-district,
category and status. The heatmap cells and resolution-time buckets per local day and month
(keys in `gigcity.db.rollups`), counted at intake and at resolution.

Every intake adds one to its row; every status change moves one from the old status's row
to the new one's, in the same transaction as the change. `recount` rebuilds the rollup from
the reports themselves (after a bulk load, or to check it).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gigcity.db import rollups
from gigcity.db.models import Report, ReportDailyCount, ReportHeatCount, ReportResolutionCount
from gigcity.services.types import as_utc

CountKey = tuple[date, str, str, str]  # day, sub-district, category, status


def local_day(at: datetime, tz: ZoneInfo) -> date:
    return as_utc(at).astimezone(tz).date()


def bump(session: Session, key: CountKey, delta: int) -> None:
    """Add `delta` to the count of `key` (creating the row), atomically on both databases."""
    day, subdistrict, category, status = key
    values = {
        "day": day,
        "subdistrict": subdistrict,
        "category": category,
        "status": status,
        "count": delta,
    }
    _add(session, cast(Table, ReportDailyCount.__table__), [values], ("count",))


def _add(session: Session, table: Table, rows: list[dict[str, Any]], sums: tuple[str, ...]) -> None:
    """Insert `rows` into a rollup, or add their `sums` columns to the rows already there."""
    index = [c.name for c in table.primary_key.columns]
    statement: Any
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql.insert(table).values(rows)
    else:
        statement = sqlite.insert(table).values(rows)
    added = {c: table.c[c] + statement.excluded[c] for c in sums}
    session.execute(statement.on_conflict_do_update(index_elements=index, set_=added))


def periods(day: date) -> tuple[tuple[str, date], tuple[str, date]]:
    """The rollup periods a local day counts in: the day and its month."""
    return (rollups.DAY, day), (rollups.MONTH, rollups.month_of(day))


def count_resolved(session: Session, report: Report, tz: ZoneInfo) -> None:
    """Count a report just resolved in the resolution-time rollup."""
    if report.resolved_at is None or report.resolution_s is None:
        return
    bucket = rollups.resolution_bucket(report.resolution_s)
    on_time = int(as_utc(report.resolved_at) <= as_utc(report.due_at))
    rows = [
        {
            "grain": grain,
            "period": period,
            "subdistrict": sub,
            "category": category,
            "bucket": bucket,
            "count": 1,
            "within_sla": on_time,
        }
        for grain, period in periods(local_day(report.resolved_at, tz))
        for sub, category in rollups.resolution_keys(report.subdistrict, report.category)
    ]
    _add(session, cast(Table, ReportResolutionCount.__table__), rows, ("count", "within_sla"))


def heat_rows(
    day: date, subdistrict: str, category: str, lon: float, lat: float
) -> list[dict[str, Any]]:
    """The heatmap rollup rows a report filed on `day` adds one to."""
    cx, cy = rollups.heat_cell(lon, lat)
    return [
        {
            "grain": grain,
            "period": period,
            "subdistrict": sub,
            "category": which,
            "cx": cx,
            "cy": cy,
            "count": 1,
        }
        for grain, period in periods(day)
        for sub, which in rollups.heat_keys(subdistrict, category)
    ]


def count_filed(session: Session, rows: list[dict[str, Any]]) -> None:
    """Count a report just filed in the heatmap rollup (`heat_rows`)."""
    _add(session, cast(Table, ReportHeatCount.__table__), rows, ("count",))


def move(session: Session, report: Report, old_status: str, tz: ZoneInfo) -> None:
    """Move `report` from `old_status`'s count to its current status's."""
    if old_status == report.status:
        return
    day = local_day(report.created_at, tz)
    bump(session, (day, report.subdistrict, report.category, old_status), -1)
    bump(session, (day, report.subdistrict, report.category, report.status), 1)


def counted(session: Session, tz: ZoneInfo) -> Counter[CountKey]:
    """The counts as the reports themselves say (slow on big tables: for checks and rebuilds)."""
    counts: Counter[CountKey] = Counter()
    rows = session.execute(
        select(Report.created_at, Report.subdistrict, Report.category, Report.status)
    ).yield_per(10_000)
    for created_at, subdistrict, category, status in rows:
        counts[(local_day(created_at, tz), subdistrict, category, status)] += 1
    return counts


def stored(session: Session) -> Counter[CountKey]:
    rows = session.execute(
        select(
            ReportDailyCount.day,
            ReportDailyCount.subdistrict,
            ReportDailyCount.category,
            ReportDailyCount.status,
            ReportDailyCount.count,
        ).where(ReportDailyCount.count != 0)
    )
    return Counter({(d, s, c, st): n for d, s, c, st, n in rows})


def recount(session: Session, tz: ZoneInfo) -> int:
    """Rebuild the rollups from the reports; the number of daily-count rows written."""
    counts = counted(session, tz)
    session.execute(delete(ReportDailyCount))
    rows = [
        {"day": d, "subdistrict": s, "category": c, "status": st, "count": n}
        for (d, s, c, st), n in counts.items()
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(ReportDailyCount), rows[start : start + 5000])
    heat, resolution = dashboard_rollups(session, tz)
    for table, found in ((ReportHeatCount, heat), (ReportResolutionCount, resolution)):
        session.execute(delete(table))
        for start in range(0, len(found), 5000):
            session.execute(insert(table), found[start : start + 5000])
    return len(rows)


def dashboard_rollups(
    session: Session, tz: ZoneInfo
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The heatmap and resolution-time rollups as the reports themselves say."""
    heat: Counter[tuple[Any, ...]] = Counter()
    resolved: Counter[tuple[Any, ...]] = Counter()
    within: Counter[tuple[Any, ...]] = Counter()
    rows = session.execute(
        select(
            Report.created_at, Report.subdistrict, Report.category, Report.lon, Report.lat,
            Report.resolved_at, Report.resolution_s, Report.due_at,
        )
    ).yield_per(10_000)  # fmt: skip
    for created, sub, category, lon, lat, resolved_at, resolution_s, due in rows:
        cx, cy = rollups.heat_cell(lon, lat)
        for grain, period in periods(local_day(created, tz)):
            for s, c in rollups.heat_keys(sub, category):
                heat[(grain, period, s, c, cx, cy)] += 1
        if resolved_at is not None and resolution_s is not None:
            bucket = rollups.resolution_bucket(resolution_s)
            on_time = int(as_utc(resolved_at) <= as_utc(due))
            for grain, period in periods(local_day(resolved_at, tz)):
                for s, c in rollups.resolution_keys(sub, category):
                    resolved[(grain, period, s, c, bucket)] += 1
                    within[(grain, period, s, c, bucket)] += on_time
    heat_keys = ("grain", "period", "subdistrict", "category", "cx", "cy", "count")
    resolution_keys = (
        "grain",
        "period",
        "subdistrict",
        "category",
        "bucket",
        "count",
        "within_sla",
    )
    return (
        [dict(zip(heat_keys, (*k, n), strict=True)) for k, n in heat.items()],
        [dict(zip(resolution_keys, (*k, n, within[k]), strict=True)) for k, n in resolved.items()],
    )
