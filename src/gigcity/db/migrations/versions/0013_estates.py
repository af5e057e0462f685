"""estates: the last hundred metres' estates and their audit; accounts and API keys bound
to an estate

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 08:30:00.000000

An estate is kept as one validated document (gates, buildings, walkways, hand-off points,
measures) with an optimistic-concurrency version; `estate_audit` records every change.
Property staff and community couriers are bound to an estate (`accounts.estate_id`), and so
is a gate controller's API key (`api_keys.estate_id`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "estates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=True),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estates")),
        sa.UniqueConstraint("external_id", name=op.f("uq_estates_external_id")),
    )
    op.create_index(op.f("ix_estates_name"), "estates", ["name"])
    op.create_index(op.f("ix_estates_subdistrict"), "estates", ["subdistrict"])
    op.create_table(
        "estate_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["accounts.id"],
            name=op.f("fk_estate_audit_actor_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estate_audit")),
    )
    op.create_index(op.f("ix_estate_audit_estate_id"), "estate_audit", ["estate_id"])
    op.create_index(op.f("ix_estate_audit_at"), "estate_audit", ["at"])
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("estate_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_accounts_estate_id_estates"),
            "estates",
            ["estate_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_accounts_estate_id"), ["estate_id"])
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("estate_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_api_keys_estate_id_estates"),
            "estates",
            ["estate_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint(op.f("fk_api_keys_estate_id_estates"), type_="foreignkey")
        batch.drop_column("estate_id")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_index(op.f("ix_accounts_estate_id"))
        batch.drop_constraint(op.f("fk_accounts_estate_id_estates"), type_="foreignkey")
        batch.drop_column("estate_id")
    op.drop_table("estate_audit")
    op.drop_table("estates")
