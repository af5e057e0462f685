"""truck-driver stations: services, visits, queues, parking offers, legal aid

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 23:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("typical_minutes", sa.Integer(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "typical_minutes > 0", name=op.f("ck_station_services_typical_minutes_positive")
        ),
        sa.CheckConstraint("units >= 0", name=op.f("ck_station_services_units_not_negative")),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_station_services_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["accounts.id"],
            name=op.f("fk_station_services_updated_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_services")),
        sa.UniqueConstraint("place_id", "kind", name="uq_station_services_place_kind"),
    )
    op.create_index(
        op.f("ix_station_services_place_id"), "station_services", ["place_id"], unique=False
    )
    op.create_table(
        "station_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("plate", sa.String(length=16), nullable=True),
        sa.Column("plate_consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("logged_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "plate IS NULL OR plate_consent_at IS NOT NULL",
            name=op.f("ck_station_visits_plate_only_with_consent"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_station_visits_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["logged_by"],
            ["accounts.id"],
            name=op.f("fk_station_visits_logged_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_station_visits_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_visits")),
    )
    op.create_index(
        op.f("ix_station_visits_account_id"), "station_visits", ["account_id"], unique=False
    )
    op.create_index(op.f("ix_station_visits_at"), "station_visits", ["at"], unique=False)
    op.create_index(
        op.f("ix_station_visits_place_id"), "station_visits", ["place_id"], unique=False
    )
    op.create_table(
        "station_visit_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_station_visit_counts_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_visit_counts")),
        sa.UniqueConstraint("place_id", "day", name="uq_station_visit_counts_place_day"),
    )
    op.create_index(
        op.f("ix_station_visit_counts_place_id"), "station_visit_counts", ["place_id"], unique=False
    )
    op.create_table(
        "station_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("estimate_minutes", sa.Integer(), nullable=False),
        sa.Column("next_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("called_by", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_station_queue_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["called_by"],
            ["accounts.id"],
            name=op.f("fk_station_queue_called_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["station_services.id"],
            name=op.f("fk_station_queue_service_id_station_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_queue")),
    )
    op.create_index(
        op.f("ix_station_queue_account_id"), "station_queue", ["account_id"], unique=False
    )
    op.create_index(
        "ix_station_queue_service_finished",
        "station_queue",
        ["service_id", "finished_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_station_queue_service_id"), "station_queue", ["service_id"], unique=False
    )
    op.create_index(
        "ix_station_queue_service_state",
        "station_queue",
        ["service_id", "state", "id"],
        unique=False,
    )
    op.create_table(
        "station_parking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("price_per_hour_fen", sa.Integer(), nullable=False),
        sa.Column("offpeak_text", sa.String(length=200), nullable=False),
        sa.Column("offpeak_hours", sa.JSON(), nullable=False),
        sa.Column("offpeak_price_per_hour_fen", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_station_parking_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["accounts.id"],
            name=op.f("fk_station_parking_updated_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_parking")),
    )
    op.create_index(
        op.f("ix_station_parking_place_id"), "station_parking", ["place_id"], unique=False
    )
    op.create_table(
        "station_lawyer_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("lawyer_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booked_by", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=16), nullable=True),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_station_lawyer_slots_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["booked_by"],
            ["accounts.id"],
            name=op.f("fk_station_lawyer_slots_booked_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_station_lawyer_slots_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lawyer_id"],
            ["accounts.id"],
            name=op.f("fk_station_lawyer_slots_lawyer_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_station_lawyer_slots_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_lawyer_slots")),
        sa.UniqueConstraint("lawyer_id", "starts_at", name="uq_station_lawyer_slots_lawyer_start"),
    )
    op.create_index(
        op.f("ix_station_lawyer_slots_booked_by"),
        "station_lawyer_slots",
        ["booked_by"],
        unique=False,
    )
    op.create_index(
        op.f("ix_station_lawyer_slots_lawyer_id"),
        "station_lawyer_slots",
        ["lawyer_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_station_lawyer_slots_place_id"), "station_lawyer_slots", ["place_id"], unique=False
    )
    op.create_index(
        op.f("ix_station_lawyer_slots_starts_at"),
        "station_lawyer_slots",
        ["starts_at"],
        unique=False,
    )
    op.create_table(
        "station_case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["accounts.id"],
            name=op.f("fk_station_case_notes_author_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["station_lawyer_slots.id"],
            name=op.f("fk_station_case_notes_slot_id_station_lawyer_slots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_case_notes")),
    )
    op.create_index(
        op.f("ix_station_case_notes_slot_id"), "station_case_notes", ["slot_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_station_case_notes_slot_id"), table_name="station_case_notes")
    op.drop_table("station_case_notes")
    op.drop_index(op.f("ix_station_lawyer_slots_starts_at"), table_name="station_lawyer_slots")
    op.drop_index(op.f("ix_station_lawyer_slots_place_id"), table_name="station_lawyer_slots")
    op.drop_index(op.f("ix_station_lawyer_slots_lawyer_id"), table_name="station_lawyer_slots")
    op.drop_index(op.f("ix_station_lawyer_slots_booked_by"), table_name="station_lawyer_slots")
    op.drop_table("station_lawyer_slots")
    op.drop_index(op.f("ix_station_parking_place_id"), table_name="station_parking")
    op.drop_table("station_parking")
    op.drop_index("ix_station_queue_service_state", table_name="station_queue")
    op.drop_index(op.f("ix_station_queue_service_id"), table_name="station_queue")
    op.drop_index("ix_station_queue_service_finished", table_name="station_queue")
    op.drop_index(op.f("ix_station_queue_account_id"), table_name="station_queue")
    op.drop_table("station_queue")
    op.drop_index(op.f("ix_station_visit_counts_place_id"), table_name="station_visit_counts")
    op.drop_table("station_visit_counts")
    op.drop_index(op.f("ix_station_visits_place_id"), table_name="station_visits")
    op.drop_index(op.f("ix_station_visits_at"), table_name="station_visits")
    op.drop_index(op.f("ix_station_visits_account_id"), table_name="station_visits")
    op.drop_table("station_visits")
    op.drop_index(op.f("ix_station_services_place_id"), table_name="station_services")
    op.drop_table("station_services")
