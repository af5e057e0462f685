"""meals for the elderly: family accounts linked to the older people they may act for

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 17:30:00.000000

A link records the older person's consent (encrypted, like the enrolment's consent note),
who granted it and when; unlinking sets `revoked_at` and keeps the row. At most one link
in force per account and older person (a partial unique index, on both databases).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eldercare_family_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=60), nullable=False),
        sa.Column("consent_note_enc", sa.Text(), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_eldercare_family_links_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["eldercare_elders.id"],
            name=op.f("fk_eldercare_family_links_elder_id_eldercare_elders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["granted_by"],
            ["accounts.id"],
            name=op.f("fk_eldercare_family_links_granted_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"],
            ["accounts.id"],
            name=op.f("fk_eldercare_family_links_revoked_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_family_links")),
    )
    with op.batch_alter_table("eldercare_family_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eldercare_family_links_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_eldercare_family_links_elder_id"), ["elder_id"], unique=False
        )
        batch_op.create_index(
            "uq_eldercare_family_links_in_force",
            ["account_id", "elder_id"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("eldercare_family_links", schema=None) as batch_op:
        batch_op.drop_index("uq_eldercare_family_links_in_force")
        batch_op.drop_index(batch_op.f("ix_eldercare_family_links_elder_id"))
        batch_op.drop_index(batch_op.f("ix_eldercare_family_links_account_id"))

    op.drop_table("eldercare_family_links")
