"""audit: decision logs audited against the rulebook in force

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 14:00:00.000000

One row per uploaded log: its SHA-256 and the rulebook version checked tie a report to
exactly what was checked. The log itself lives in the file store only until the job has
read it (it names riders by the platform's ids); the report and the findings kept are
pseudonymised.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_params", sa.JSON(), nullable=True),
        sa.Column("rules_asked", sa.String(length=80), nullable=True),
        sa.Column("rulebook_id", sa.String(length=64), nullable=True),
        sa.Column("rulebook_version", sa.Integer(), nullable=True),
        sa.Column("eta_tolerance_s", sa.Float(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("riders", sa.Integer(), nullable=False),
        sa.Column("checks_failed", sa.Integer(), nullable=False),
        sa.Column("checks_applicable", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=True),
        sa.Column("report_key", sa.String(length=200), nullable=True),
        sa.Column("findings_key", sa.String(length=200), nullable=True),
        sa.Column("by_account_id", sa.Integer(), nullable=True),
        sa.Column("by_api_key_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_account_id"],
            ["accounts.id"],
            name=op.f("fk_audit_runs_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["by_api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_audit_runs_by_api_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_runs")),
    )
    with op.batch_alter_table("audit_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_runs_sha256"), ["sha256"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_runs_by_api_key_id"), ["by_api_key_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_runs_by_api_key_id"))
        batch_op.drop_index(batch_op.f("ix_audit_runs_sha256"))
    op.drop_table("audit_runs")
