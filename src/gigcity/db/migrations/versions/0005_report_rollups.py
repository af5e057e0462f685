"""report rollups: resolution times and heatmap cells by local day and month

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 02:10:00.000000
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from gigcity.db.rollups import (
    DAY,
    MONTH,
    heat_cell,
    heat_keys,
    month_of,
    resolution_bucket,
    resolution_keys,
)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_resolution_counts",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("within_sla", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "grain", "period", "subdistrict", "category", "bucket",
            name=op.f("pk_report_resolution_counts"),
        ),
    )  # fmt: skip
    op.create_table(
        "report_heat_counts",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "grain", "period", "subdistrict", "category", "cx", "cy",
            name=op.f("pk_report_heat_counts"),
        ),
    )  # fmt: skip
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_resolution_bucket",
            ["resolution_s", "resolved_at", "category", "subdistrict"],
            unique=False,
            postgresql_where=sa.text("resolution_s IS NOT NULL"),
            sqlite_where=sa.text("resolution_s IS NOT NULL"),
        )
    _backfill(op.get_bind())


def _aware(at: datetime) -> datetime:
    # SQLite keeps UTC clock times without the offset.
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _local_day(at: datetime, tz: ZoneInfo) -> date:
    return _aware(at).astimezone(tz).date()


def _backfill(bind: sa.Connection) -> None:
    """Count the reports already stored (the app keeps the counts from now on)."""
    tz = ZoneInfo(os.environ.get("GIGCITY_TIMEZONE", "Asia/Shanghai"))
    when = sa.DateTime(timezone=True)
    reports = sa.table(
        "reports",
        sa.column("created_at", when),
        sa.column("subdistrict", sa.String()),
        sa.column("category", sa.String()),
        sa.column("lon", sa.Float()),
        sa.column("lat", sa.Float()),
        sa.column("resolved_at", when),
        sa.column("resolution_s", sa.Integer()),
        sa.column("due_at", when),
    )
    heat: Counter[tuple[str, date, str, str, int, int]] = Counter()
    resolved: Counter[tuple[str, date, str, str, int]] = Counter()
    within: Counter[tuple[str, date, str, str, int]] = Counter()
    rows = bind.execute(
        sa.select(
            reports.c.created_at, reports.c.subdistrict, reports.c.category, reports.c.lon,
            reports.c.lat, reports.c.resolved_at, reports.c.resolution_s, reports.c.due_at,
        ).execution_options(yield_per=20_000)
    )  # fmt: skip
    for created, sub, category, lon, lat, resolved_at, resolution_s, due in rows:
        day = _local_day(created, tz)
        cx, cy = heat_cell(lon, lat)
        for grain, period in ((DAY, day), (MONTH, month_of(day))):
            for s, c in heat_keys(sub, category):
                heat[(grain, period, s, c, cx, cy)] += 1
        if resolved_at is not None and resolution_s is not None:
            day = _local_day(resolved_at, tz)
            bucket = resolution_bucket(resolution_s)
            on_time = int(_aware(resolved_at) <= _aware(due))
            for grain, period in ((DAY, day), (MONTH, month_of(day))):
                for s, c in resolution_keys(sub, category):
                    resolved[(grain, period, s, c, bucket)] += 1
                    within[(grain, period, s, c, bucket)] += on_time
    heat_table = sa.table("report_heat_counts", *(sa.column(c) for c in _HEAT))
    resolution_table = sa.table("report_resolution_counts", *(sa.column(c) for c in _RESOLUTION))
    _insert(bind, heat_table, [dict(zip(_HEAT, (*k, n), strict=True)) for k, n in heat.items()])
    _insert(
        bind,
        resolution_table,
        [dict(zip(_RESOLUTION, (*k, n, within[k]), strict=True)) for k, n in resolved.items()],
    )


_HEAT = ("grain", "period", "subdistrict", "category", "cx", "cy", "count")
_RESOLUTION = ("grain", "period", "subdistrict", "category", "bucket", "count", "within_sla")


def _insert(bind: sa.Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        bind.execute(sa.insert(table), rows[start : start + 5000])


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_resolution_bucket")
    op.drop_table("report_heat_counts")
    op.drop_table("report_resolution_counts")
