"""care: psychological support (group sessions, call-backs) and meal and water offers

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 23:00:00.000000

The anonymous self-check keeps only a count per day, questionnaire and band
(`care_self_check_counts`). A call-back keeps an encrypted number and a time window, linked
to no account; every read of a number by a person is logged (`care_callback_reads`, which
outlives the call-back). Group sessions count their sign-ups in `taken`, checked against
`capacity` by the database. Offers are rider set meals and free-water fridges at a place.
Counsellors (role `counsellor`) need no new column: `accounts.role` is free text.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_self_check_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("instrument", sa.String(length=8), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "instrument", "band", name=op.f("pk_care_self_check_counts")
        ),
    )
    op.create_table(
        "care_callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_enc", sa.Text(), nullable=False),
        sa.Column("window", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["done_by"],
            ["accounts.id"],
            name=op.f("fk_care_callbacks_done_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_callbacks")),
    )
    with op.batch_alter_table("care_callbacks") as batch:
        batch.create_index(batch.f("ix_care_callbacks_state"), ["state"], unique=False)
        batch.create_index(batch.f("ix_care_callbacks_done_at"), ["done_at"], unique=False)
    op.create_table(
        "care_callback_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("callback_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_care_callback_reads_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_callback_reads")),
    )
    with op.batch_alter_table("care_callback_reads") as batch:
        batch.create_index(batch.f("ix_care_callback_reads_at"), ["at"], unique=False)
        batch.create_index(
            batch.f("ix_care_callback_reads_callback_id"), ["callback_id"], unique=False
        )
    op.create_table(
        "care_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= capacity",
            name=op.f("ck_care_sessions_taken_within_capacity"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_care_sessions_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_sessions")),
    )
    with op.batch_alter_table("care_sessions") as batch:
        batch.create_index(batch.f("ix_care_sessions_starts_at"), ["starts_at"], unique=False)
    op.create_table(
        "care_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_care_signups_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["care_sessions.id"],
            name=op.f("fk_care_signups_session_id_care_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_signups")),
        sa.UniqueConstraint("session_id", "account_id", name="uq_care_signups_session_account"),
    )
    with op.batch_alter_table("care_signups") as batch:
        batch.create_index(batch.f("ix_care_signups_account_id"), ["account_id"], unique=False)
        batch.create_index(batch.f("ix_care_signups_session_id"), ["session_id"], unique=False)
    op.create_table(
        "care_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("price_fen", sa.Integer(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_care_offers_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["accounts.id"],
            name=op.f("fk_care_offers_updated_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_offers")),
    )
    with op.batch_alter_table("care_offers") as batch:
        batch.create_index(batch.f("ix_care_offers_kind"), ["kind"], unique=False)
        batch.create_index(batch.f("ix_care_offers_place_id"), ["place_id"], unique=False)


def downgrade() -> None:
    op.drop_table("care_offers")
    op.drop_table("care_signups")
    op.drop_table("care_sessions")
    op.drop_table("care_callback_reads")
    op.drop_table("care_callbacks")
    op.drop_table("care_self_check_counts")
