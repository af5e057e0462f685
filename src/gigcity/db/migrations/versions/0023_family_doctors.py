"""family doctors: health centres, sign-ups, check-up slots, consented health readings

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 23:00:00.000000

A centre is a place of kind health_center with a sign-up capacity; its doctors have list
sizes. Both count their sign-ups in `taken`, checked against the limit by the database. A
worker's active sign-up and standing consent carry the account id in a unique `current`
column (NULL once ended or withdrawn): one of each per worker. Readings keep their values
in one encrypted field; every read of them by a person is logged (`doctors_reads`). A
doctor signs in with a `staff` account of the centre's place: no new role or column on
accounts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "doctors_centres",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= capacity",
            name=op.f("ck_doctors_centres_taken_within_capacity"),
        ),
        _fk("doctors_centres", "place_id", "places", "CASCADE"),
        _fk("doctors_centres", "updated_by", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doctors_centres")),
        sa.UniqueConstraint("place_id", name=op.f("uq_doctors_centres_place_id")),
    )
    op.create_table(
        "doctors_doctors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("list_size", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= list_size",
            name=op.f("ck_doctors_doctors_taken_within_list"),
        ),
        _fk("doctors_doctors", "centre_id", "doctors_centres", "CASCADE"),
        _fk("doctors_doctors", "account_id", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doctors_doctors")),
        sa.UniqueConstraint("account_id", name=op.f("uq_doctors_doctors_account_id")),
    )
    with op.batch_alter_table("doctors_doctors") as batch:
        batch.create_index(batch.f("ix_doctors_doctors_centre_id"), ["centre_id"], unique=False)
    op.create_table(
        "doctors_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("doctor_id", sa.Integer(), nullable=False),
        sa.Column("current", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_noticed_at", sa.DateTime(timezone=True), nullable=True),
        _fk("doctors_signups", "account_id", "accounts", "CASCADE"),
        _fk("doctors_signups", "centre_id", "doctors_centres", "CASCADE"),
        _fk("doctors_signups", "doctor_id", "doctors_doctors", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doctors_signups")),
        sa.UniqueConstraint("current", name=op.f("uq_doctors_signups_current")),
    )
    with op.batch_alter_table("doctors_signups") as batch:
        batch.create_index(batch.f("ix_doctors_signups_account_id"), ["account_id"], unique=False)
        batch.create_index(batch.f("ix_doctors_signups_centre_id"), ["centre_id"], unique=False)
        batch.create_index(batch.f("ix_doctors_signups_doctor_id"), ["doctor_id"], unique=False)
        batch.create_index(batch.f("ix_doctors_signups_ended_at"), ["ended_at"], unique=False)
    op.create_table(
        "doctors_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("doctor_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("booked_by", sa.Integer(), nullable=True),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        _fk("doctors_slots", "centre_id", "doctors_centres", "CASCADE"),
        _fk("doctors_slots", "doctor_id", "doctors_doctors", "CASCADE"),
        _fk("doctors_slots", "booked_by", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doctors_slots")),
        sa.UniqueConstraint("doctor_id", "starts_at", name="uq_doctors_slots_doctor_starts"),
    )
    with op.batch_alter_table("doctors_slots") as batch:
        batch.create_index(batch.f("ix_doctors_slots_centre_id"), ["centre_id"], unique=False)
        batch.create_index(batch.f("ix_doctors_slots_starts_at"), ["starts_at"], unique=False)
        batch.create_index(batch.f("ix_doctors_slots_booked_by"), ["booked_by"], unique=False)
    op.create_table(
        "doctors_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("current", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        _fk("doctors_consents", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doctors_consents")),
        sa.UniqueConstraint("current", name=op.f("uq_doctors_consents_current")),
    )
    with op.batch_alter_table("doctors_consents") as batch:
        batch.create_index(batch.f("ix_doctors_consents_account_id"), ["account_id"], unique=False)
    op.create_table(
        "doctors_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("values_enc", sa.Text(), nullable=False),
        _fk("doctors_readings", "account_id", "accounts", "CASCADE"),
        _fk("doctors_readings", "consent_id", "doctors_consents", "SET NULL"),
        _fk("doctors_readings", "place_id", "places", "SET NULL"),
        _fk("doctors_readings", "taken_by", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doctors_readings")),
    )
    with op.batch_alter_table("doctors_readings") as batch:
        batch.create_index(batch.f("ix_doctors_readings_account_id"), ["account_id"], unique=False)
        batch.create_index(batch.f("ix_doctors_readings_taken_at"), ["taken_at"], unique=False)
    op.create_table(
        "doctors_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        _fk("doctors_reads", "worker_id", "accounts", "CASCADE"),
        _fk("doctors_reads", "account_id", "accounts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doctors_reads")),
    )
    with op.batch_alter_table("doctors_reads") as batch:
        batch.create_index(batch.f("ix_doctors_reads_at"), ["at"], unique=False)
        batch.create_index(batch.f("ix_doctors_reads_worker_id"), ["worker_id"], unique=False)


def downgrade() -> None:
    for table in (
        "doctors_reads",
        "doctors_readings",
        "doctors_consents",
        "doctors_slots",
        "doctors_signups",
        "doctors_doctors",
        "doctors_centres",
    ):
        op.drop_table(table)
