"""The daily counts rollup: reports filed per local day, sub-district, category and status.

Every intake adds one to its row; every status change moves one from the old status's row
to the new one's, in the same transaction as the change. `recount` rebuilds the rollup from
the reports themselves (after a bulk load, or to check it).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gigcity.db.models import Report, ReportDailyCount
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
    table = cast(Table, ReportDailyCount.__table__)
    index = ["day", "subdistrict", "category", "status"]
    if session.get_bind().dialect.name == "postgresql":
        pg = postgresql.insert(table).values(values)
        session.execute(
            pg.on_conflict_do_update(
                index_elements=index, set_={"count": table.c.count + pg.excluded.count}
            )
        )
    else:
        lite = sqlite.insert(table).values(values)
        session.execute(
            lite.on_conflict_do_update(
                index_elements=index, set_={"count": table.c.count + lite.excluded.count}
            )
        )


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
    """Rebuild the rollup from the reports; the number of rows written."""
    counts = counted(session, tz)
    session.execute(delete(ReportDailyCount))
    rows = [
        {"day": d, "subdistrict": s, "category": c, "status": st, "count": n}
        for (d, s, c, st), n in counts.items()
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(ReportDailyCount), rows[start : start + 5000])
    return len(rows)
