"""api key scopes: what each platform key may do

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 09:00:00.000000

Keys that exist when this runs get every scope of this version, so running integrations
keep working; an admin should re-issue them with only the scopes each integrator needs.
New keys get their scopes when they are issued (a key with none may do nothing).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Every scope at the time of this migration, in the stored form (a frozen copy on purpose:
# scopes added later are not granted to old keys by this migration).
ALL_SCOPES = "open311,deliveries,signals,workbench"


def upgrade() -> None:
    op.add_column(
        "api_keys",
        sa.Column("scopes", sa.String(length=200), server_default="", nullable=False),
    )
    api_keys = sa.table("api_keys", sa.column("scopes", sa.String(length=200)))
    op.execute(api_keys.update().values(scopes=ALL_SCOPES))


def downgrade() -> None:
    op.drop_column("api_keys", "scopes")
