"""stays: homes, rooms, beds and bookings

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 23:00:00.000000

A home is a service point with a stays profile (house rules, latest check-in, nap slots);
its rooms are in a section (men, women, mixed) and hold beds. A booking holds one bed for
[starts_at, ends_at). On PostgreSQL two exclusion constraints (btree_gist) make sure no bed
and no person is ever held twice for overlapping time by bookings in an active state
(offered, booked, checked_in); on SQLite the service checks under the write lock.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ACTIVE = "state IN ('offered', 'booked', 'checked_in')"


def upgrade() -> None:
    op.create_table(
        "stays_homes",
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("house_rules", sa.Text(), nullable=False),
        sa.Column("checkin_cutoff", sa.String(length=5), nullable=False),
        sa.Column("nap_slots", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_stays_homes_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("place_id", name=op.f("pk_stays_homes")),
    )  # fmt: skip
    op.create_table(
        "stays_rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("section", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"], ["stays_homes.place_id"],
            name=op.f("fk_stays_rooms_place_id_stays_homes"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stays_rooms")),
    )  # fmt: skip
    op.create_index(op.f("ix_stays_rooms_place_id"), "stays_rooms", ["place_id"], unique=False)
    op.create_table(
        "stays_beds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=8), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("price_fen", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"], ["stays_homes.place_id"],
            name=op.f("fk_stays_beds_place_id_stays_homes"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["stays_rooms.id"], name=op.f("fk_stays_beds_room_id_stays_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stays_beds")),
    )  # fmt: skip
    op.create_index(
        "ix_stays_beds_place_section", "stays_beds", ["place_id", "section"], unique=False
    )
    op.create_index(op.f("ix_stays_beds_room_id"), "stays_beds", ["room_id"], unique=False)
    op.create_table(
        "stays_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bed_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("check_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_stays_bookings_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["bed_id"], ["stays_beds.id"], name=op.f("fk_stays_bookings_bed_id_stays_beds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ended_by"], ["accounts.id"], name=op.f("fk_stays_bookings_ended_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["stays_homes.place_id"],
            name=op.f("fk_stays_bookings_place_id_stays_homes"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stays_bookings")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_stays_bookings_code_hash")),
    )  # fmt: skip
    op.create_index(
        "ix_stays_bookings_account_starts", "stays_bookings", ["account_id", "starts_at"]
    )
    op.create_index("ix_stays_bookings_bed_starts", "stays_bookings", ["bed_id", "starts_at"])
    op.create_index("ix_stays_bookings_place_starts", "stays_bookings", ["place_id", "starts_at"])
    op.create_index(op.f("ix_stays_bookings_state"), "stays_bookings", ["state"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for name, column in (("bed", "bed_id"), ("person", "account_id")):
            op.execute(
                f"ALTER TABLE stays_bookings ADD CONSTRAINT ex_stays_bookings_{name} "
                f"EXCLUDE USING gist ({column} WITH =, "
                f"tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE ({ACTIVE})"
            )
    op.create_table(
        "stays_waits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("section", sa.String(length=8), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_stays_waits_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["stays_bookings.id"],
            name=op.f("fk_stays_waits_booking_id_stays_bookings"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["stays_homes.place_id"],
            name=op.f("fk_stays_waits_place_id_stays_homes"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stays_waits")),
        sa.UniqueConstraint(
            "place_id", "night", "account_id", name=op.f("uq_stays_waits_place_id")
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_stays_waits_account_id"), "stays_waits", ["account_id"])
    op.create_index("ix_stays_waits_place_night", "stays_waits", ["place_id", "night", "state"])


def downgrade() -> None:
    op.drop_table("stays_waits")
    op.drop_table("stays_bookings")  # its indexes and constraints go with it
    op.drop_table("stays_beds")
    op.drop_table("stays_rooms")
    op.drop_table("stays_homes")
