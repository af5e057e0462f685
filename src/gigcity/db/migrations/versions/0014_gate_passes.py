"""gate passes: certifications, passes, one-time codes, the decision log

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 08:30:00.000000

`rider_certifications` records who vouched for a rider (a station's staff, a platform's key
or an admin) and for how long; `gate_passes` holds each rider's pass per estate with its
RFC 6238 secret (server-side only) and the last time step used; `gate_order_codes` keeps a
keyed hash of each one-time order code; `gate_decisions` logs every answer to a gate
controller for 30 days, after which only `gate_decision_counts` remain. Nothing biometric.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rider_certifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rider_id", sa.Integer(), nullable=False),
        sa.Column("vouched_by_account_id", sa.Integer(), nullable=True),
        sa.Column("vouched_by_key_id", sa.Integer(), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("voucher", sa.String(length=120), nullable=False),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.CheckConstraint(
            "(vouched_by_account_id IS NULL) OR (vouched_by_key_id IS NULL)",
            name=op.f("ck_rider_certifications_one_voucher"),
        ),
        sa.ForeignKeyConstraint(
            ["rider_id"],
            ["accounts.id"],
            name=op.f("fk_rider_certifications_rider_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vouched_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_rider_certifications_vouched_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vouched_by_key_id"],
            ["api_keys.id"],
            name=op.f("fk_rider_certifications_vouched_by_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["places.id"],
            name=op.f("fk_rider_certifications_station_id_places"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rider_certifications")),
    )
    op.create_index(op.f("ix_rider_certifications_rider_id"), "rider_certifications", ["rider_id"])
    op.create_index(
        op.f("ix_rider_certifications_vouched_by_key_id"),
        "rider_certifications",
        ["vouched_by_key_id"],
    )
    op.create_index(
        op.f("ix_rider_certifications_station_id"), "rider_certifications", ["station_id"]
    )
    op.create_table(
        "gate_passes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rider_id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["rider_id"],
            ["accounts.id"],
            name=op.f("fk_gate_passes_rider_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"],
            ["estates.id"],
            name=op.f("fk_gate_passes_estate_id_estates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_passes")),
        sa.UniqueConstraint("rider_id", "estate_id", name=op.f("uq_gate_passes_rider_id")),
    )
    op.create_index(op.f("ix_gate_passes_estate_id"), "gate_passes", ["estate_id"])
    op.create_table(
        "gate_order_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("rider_id", sa.Integer(), nullable=False),
        sa.Column("order_ref", sa.String(length=120), nullable=False),
        sa.Column("issued_by_key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_gate", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["estate_id"],
            ["estates.id"],
            name=op.f("fk_gate_order_codes_estate_id_estates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rider_id"],
            ["accounts.id"],
            name=op.f("fk_gate_order_codes_rider_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_key_id"],
            ["api_keys.id"],
            name=op.f("fk_gate_order_codes_issued_by_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_order_codes")),
        sa.UniqueConstraint("estate_id", "code_hash", name=op.f("uq_gate_order_codes_estate_id")),
    )
    op.create_index(op.f("ix_gate_order_codes_code_hash"), "gate_order_codes", ["code_hash"])
    op.create_index(op.f("ix_gate_order_codes_rider_id"), "gate_order_codes", ["rider_id"])
    op.create_index(op.f("ix_gate_order_codes_expires_at"), "gate_order_codes", ["expires_at"])
    op.create_table(
        "gate_decisions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("gate_ref", sa.String(length=40), nullable=False),
        sa.Column("rider_id", sa.Integer(), nullable=True),
        sa.Column("pass_id", sa.Integer(), nullable=True),
        sa.Column("order_ref", sa.String(length=120), nullable=True),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["rider_id"],
            ["accounts.id"],
            name=op.f("fk_gate_decisions_rider_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_gate_decisions_api_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_decisions")),
    )
    op.create_index(op.f("ix_gate_decisions_at"), "gate_decisions", ["at"])
    op.create_index(op.f("ix_gate_decisions_rider_id"), "gate_decisions", ["rider_id"])
    op.create_index("ix_gate_decisions_estate_at", "gate_decisions", ["estate_id", "at"])
    op.create_table(
        "gate_decision_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("gate_ref", sa.String(length=40), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day",
            "estate_id",
            "gate_ref",
            "allowed",
            "reason",
            name=op.f("pk_gate_decision_counts"),
        ),
    )


def downgrade() -> None:
    op.drop_table("gate_decision_counts")
    op.drop_table("gate_decisions")
    op.drop_table("gate_order_codes")
    op.drop_table("gate_passes")
    op.drop_table("rider_certifications")
