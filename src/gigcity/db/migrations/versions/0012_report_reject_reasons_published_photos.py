"""reports: the officer's reject reason in words; officers publish "after" photos

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 05:30:00.000000

`reports.reject_text` is the officer's own words when a report is rejected for "another
reason" (the reason itself stays in `reject_reason`, now one of duplicate, out_of_scope,
not_found, other, or the older invalid). `report_photos.published_at` is set when an
officer publishes an "after" photo: only such photos are shown to the public, through
signed, short-lived URLs.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("reject_text", sa.String(length=300), nullable=True))
    with op.batch_alter_table("report_photos") as batch:
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_photos") as batch:
        batch.drop_column("published_at")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("reject_text")
