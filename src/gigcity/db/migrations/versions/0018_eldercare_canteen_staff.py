"""meals for the elderly: canteen staff bound to their canteen

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 18:00:00.000000

Canteen staff (role `canteen`) work for one community canteen for the elderly
(`accounts.canteen_id`), as property staff work for one estate. Neighbourhood-committee staff
(role `committee`) are bound to a sub-district in the existing `accounts.subdistrict`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("canteen_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_accounts_canteen_id_eldercare_canteens"),
            "eldercare_canteens",
            ["canteen_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_accounts_canteen_id"), ["canteen_id"])


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_index(op.f("ix_accounts_canteen_id"))
        batch.drop_constraint(op.f("fk_accounts_canteen_id_eldercare_canteens"), type_="foreignkey")
        batch.drop_column("canteen_id")
