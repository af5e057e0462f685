"""governance: pickup times from platforms; the friendly map's use per sub-district and day

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 21:00:00

`gov_pickups`: how long pickups took (time, point, minutes; no rider), unique by the
platform's own id. `gov_map_uses`: counts of map use by local day, sub-district and kind.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gov_pickups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("pickup_id", sa.String(length=64), nullable=False),
        sa.Column("picked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Float(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_gov_pickups_place_id_places"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_pickups")),
        sa.UniqueConstraint("source", "pickup_id", name="uq_gov_pickups_source_pickup"),
    )
    op.create_index("ix_gov_pickups_time_point", "gov_pickups", ["picked_at", "lat", "lon"])
    op.create_table(
        "gov_map_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_map_uses")),
        sa.UniqueConstraint("day", "subdistrict", "kind", name="uq_gov_map_uses_day_sub_kind"),
    )


def downgrade() -> None:
    op.drop_table("gov_map_uses")
    op.drop_index("ix_gov_pickups_time_point", "gov_pickups")
    op.drop_table("gov_pickups")
