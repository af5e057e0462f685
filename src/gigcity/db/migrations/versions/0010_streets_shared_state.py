"""streets: closures and live signal phases shared by every worker

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 23:30:00.000000

Closures were a JSON file beside the street graph and live phases lived in one process's
memory; with several workers on several hosts both are now rows: `street_closures` per
network, `street_phases` (the newest observation per junction), and `street_versions`, a
row per network moved on with every change (writers lock it first; on SQLite readers poll
it). Closures in an existing closures.json are not read any more: import them with
`gigcity streets closures import` (see docs/streets.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "street_versions",
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("closure_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("network", name=op.f("pk_street_versions")),
    )
    op.create_table(
        "street_closures",
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("closure_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("polygon", sa.JSON(), nullable=True),
        sa.Column("way_ids", sa.JSON(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("network", "closure_id", name=op.f("pk_street_closures")),
    )
    op.create_table(
        "street_phases",
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("junction", sa.BigInteger(), nullable=False),
        sa.Column("cycle_s", sa.Float(), nullable=False),
        sa.Column("major_green_s", sa.Float(), nullable=False),
        sa.Column("lost_s", sa.Float(), nullable=False),
        sa.Column("offset_s", sa.Float(), nullable=False),
        sa.Column("observed_at_s", sa.Float(), nullable=False),
        sa.Column("valid_for_s", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("network", "junction", name=op.f("pk_street_phases")),
    )


def downgrade() -> None:
    op.drop_table("street_phases")
    op.drop_table("street_closures")
    op.drop_table("street_versions")
