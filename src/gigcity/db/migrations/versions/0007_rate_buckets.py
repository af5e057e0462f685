"""rate buckets: rate limits shared by every worker

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 10:00:00.000000

One row per (rule, key) in use: a token bucket stored as the time it is full again. Rows
whose time has passed are full buckets and are deleted now and then.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("tat", sa.Float(), nullable=False),
        sa.Column("period_s", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("rule", "key", name=op.f("pk_rate_buckets")),
    )


def downgrade() -> None:
    op.drop_table("rate_buckets")
