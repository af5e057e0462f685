"""token generations and instance secrets

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 21:00:00.000000

accounts.token_generation is written into each bearer token and moved on when an account
is deactivated or its password changes, so older tokens stop working for good (a
reactivation no longer revives them). Existing accounts start at 0; tokens issued before
this migration carry no generation and are refused: everyone signs in once more.

instance_secrets holds what an installation makes for itself on first use: in dev and demo
mode the key tokens are signed with, and the demo platform API key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "accounts",
        sa.Column("token_generation", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_table(
        "instance_secrets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_instance_secrets")),
    )


def downgrade() -> None:
    op.drop_table("instance_secrets")
    op.drop_column("accounts", "token_generation")
