"""station programmes: a timed service's programmes and the programme a ticket chose

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 10:00:00

A washing machine runs the programme chosen at its start; the queue learns run times per
programme. Tickets from before have no programme (the service's learned duration applies).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_station_programmes_minutes_positive")),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["station_services.id"],
            name=op.f("fk_station_programmes_service_id_station_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_programmes")),
        sa.UniqueConstraint("service_id", "name", name="uq_station_programmes_service_name"),
    )
    op.create_index(
        op.f("ix_station_programmes_service_id"),
        "station_programmes",
        ["service_id"],
        unique=False,
    )
    with op.batch_alter_table("station_queue") as batch:
        batch.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("programme_minutes", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_station_queue_programme_id_station_programmes"),
            "station_programmes",
            ["programme_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(
            "ix_station_queue_programme_finished", ["programme_id", "finished_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("station_queue") as batch:
        batch.drop_index("ix_station_queue_programme_finished")
        batch.drop_constraint(
            op.f("fk_station_queue_programme_id_station_programmes"), type_="foreignkey"
        )
        batch.drop_column("programme_minutes")
        batch.drop_column("programme_id")
    op.drop_index(op.f("ix_station_programmes_service_id"), table_name="station_programmes")
    op.drop_table("station_programmes")
