"""reports: a partial index of the held reports

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 21:00:00.000000

A grid officer's dashboard leaves held reports out, and the rollups count them: the few
held reports of the window are read and taken off. Without this index that read scanned
the window's reports of every sub-district (~200 ms a year on 2M reports); with it, it
reads the held ones only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_reports_held",
        "reports",
        ["created_at"],
        postgresql_where=sa.text("held"),
        sqlite_where=sa.text("held = 1"),
    )


def downgrade() -> None:
    op.drop_index("ix_reports_held", table_name="reports")
