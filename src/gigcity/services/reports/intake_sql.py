"""Writing a new report with its credit, trail, daily count and heatmap cells in as few round trips as the
database allows: on PostgreSQL one statement (data-modifying CTEs, whose constraints are
checked together at its end), elsewhere one plain INSERT each. Intake is the platform's
busiest write, so the statement is built once per shape and reused with new parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, TextClause, bindparam, insert, text
from sqlalchemy.orm import Session

from gigcity.db.models import Report, ReportEvent, ReportReporter
from gigcity.services.reports import stats

EVENT_COLUMNS = (
    "at", "actor_id", "actor_role", "action", "from_status", "to_status", "note", "data",
)  # fmt: skip
JSON_COLUMNS = frozenset({"contact"})


@lru_cache(maxsize=64)
def _statement(
    report_columns: tuple[str, ...], credited: bool, events: int, heat_rows: int
) -> TextClause:
    """The one-statement intake for PostgreSQL, for this shape of report."""
    placeholders = ", ".join(f":r_{c}" for c in report_columns)
    parts = [
        f"filed AS (INSERT INTO reports ({', '.join(report_columns)}) VALUES ({placeholders})"
        " RETURNING id)"
    ]
    if credited:
        parts.append(
            "credited AS (INSERT INTO report_reporters (report_id, account_id, how, joined_at)"
            " SELECT id, :c_account_id, :c_how, :c_joined_at FROM filed)"
        )
    for n in range(events):
        values = ", ".join(f":e{n}_{c}" for c in EVENT_COLUMNS)
        parts.append(
            f"trail{n} AS (INSERT INTO report_events (report_id, {', '.join(EVENT_COLUMNS)})"
            f" SELECT id, {values} FROM filed)"
        )
    parts.append(
        "counted AS (INSERT INTO report_daily_counts (day, subdistrict, category, status, count)"
        " VALUES (:k_day, :k_subdistrict, :k_category, :k_status, 1)"
        " ON CONFLICT (day, subdistrict, category, status)"
        " DO UPDATE SET count = report_daily_counts.count + 1)"
    )
    heat = "grain, period, subdistrict, category, cx, cy"
    cells = ", ".join(
        f"(:h{n}_grain, :h{n}_period, :k_subdistrict, :h{n}_category, :h_cx, :h_cy, 1)"
        for n in range(heat_rows)
    )
    parts.append(
        f"mapped AS (INSERT INTO report_heat_counts ({heat}, count) VALUES {cells}"
        f" ON CONFLICT ({heat}) DO UPDATE SET count = report_heat_counts.count + 1)"
    )
    statement = text("WITH " + ",\n".join(parts) + "\nSELECT id FROM filed")
    json_params = [bindparam(f"r_{c}", type_=JSON) for c in report_columns if c in JSON_COLUMNS]
    json_params += [bindparam(f"e{n}_data", type_=JSON) for n in range(events)]
    return statement.bindparams(*json_params)


def insert_filed(
    session: Session,
    values: Mapping[str, Any],
    credit: Mapping[str, Any] | None,
    trail: Sequence[Mapping[str, Any]],
    count_key: stats.CountKey,
) -> int:
    """Insert the report, its credit (if any), its trail (report_id filled in) and count it
    (daily counts and heatmap cells); the new report's id."""
    day, subdistrict, category, status = count_key
    heat = stats.heat_rows(day, subdistrict, category, values["lon"], values["lat"])
    if session.get_bind().dialect.name != "postgresql":
        report_id: int = session.execute(
            insert(Report).values(dict(values)).returning(Report.id)
        ).scalar_one()
        if credit is not None:
            session.execute(insert(ReportReporter).values({**credit, "report_id": report_id}))
        session.execute(insert(ReportEvent), [{**row, "report_id": report_id} for row in trail])
        stats.bump(session, count_key, 1)
        stats.count_filed(session, heat)
        return report_id
    params: dict[str, Any] = {f"r_{c}": v for c, v in values.items()}
    if credit is not None:
        params.update({f"c_{c}": v for c, v in credit.items()})
    for n, row in enumerate(trail):
        params.update({f"e{n}_{c}": row[c] for c in EVENT_COLUMNS})
    params.update(k_day=day, k_subdistrict=subdistrict, k_category=category, k_status=status)
    params.update(h_cx=heat[0]["cx"], h_cy=heat[0]["cy"])
    for n, row in enumerate(heat):
        params.update({f"h{n}_{c}": row[c] for c in ("grain", "period", "category")})
    statement = _statement(tuple(values), credit is not None, len(trail), len(heat))
    new_id: int = session.execute(statement, params).scalar_one()
    return new_id
