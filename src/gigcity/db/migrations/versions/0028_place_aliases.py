"""governance: other names of map places; indexes for the district dashboard

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 17:33:40.168746

The dashboard counts delivered relay items, booked nights and done volunteer tasks by month:
each read by an index on its state/kind and time instead of a scan.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gov_place_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_gov_place_aliases_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_gov_place_aliases_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_place_aliases")),
        sa.UniqueConstraint("key", name=op.f("uq_gov_place_aliases_key")),
    )
    with op.batch_alter_table("gov_place_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gov_place_aliases_place_id"), ["place_id"], unique=False
        )

    op.create_index("ix_relay_items_state_finished", "relay_items", ["state", "finished_at"])
    op.create_index("ix_stays_bookings_kind_starts", "stays_bookings", ["kind", "starts_at"])
    op.create_index(
        "ix_eldercare_volunteer_tasks_done_at", "eldercare_volunteer_tasks", ["done_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_eldercare_volunteer_tasks_done_at", "eldercare_volunteer_tasks")
    op.drop_index("ix_stays_bookings_kind_starts", "stays_bookings")
    op.drop_index("ix_relay_items_state_finished", "relay_items")
    with op.batch_alter_table("gov_place_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_place_aliases_place_id"))

    op.drop_table("gov_place_aliases")
