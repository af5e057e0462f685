"""meals for the elderly: canteens, menus, older people, contacts, reads, subscriptions,
pauses, changes, meals, alerts and their steps, the funders' ledger, volunteer tasks

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 13:41:27.782046

Names, doors, health and contacts of older people are stored encrypted (`*_enc`, text
tokens). A meal is unique per older person, day and meal, so generating a day twice adds
nothing; a funder's ledger line is unique per meal and funder.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eldercare_canteens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lunch_capacity", sa.Integer(), nullable=False),
        sa.Column("dinner_capacity", sa.Integer(), nullable=False),
        sa.Column("lunch_cutoff", sa.String(length=5), nullable=False),
        sa.Column("dinner_cutoff", sa.String(length=5), nullable=False),
        sa.Column("lunch_ready", sa.String(length=5), nullable=False),
        sa.Column("dinner_ready", sa.String(length=5), nullable=False),
        sa.Column("price_fen", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_canteens")),
    )
    with op.batch_alter_table("eldercare_canteens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eldercare_canteens_subdistrict"), ["subdistrict"], unique=False
        )

    op.create_table(
        "eldercare_menus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canteen_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("meal", sa.String(length=8), nullable=False),
        sa.Column("dishes", sa.JSON(), nullable=False),
        sa.Column("price_fen", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["canteen_id"],
            ["eldercare_canteens.id"],
            name=op.f("fk_eldercare_menus_canteen_id_eldercare_canteens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_menus")),
        sa.UniqueConstraint(
            "canteen_id", "day", "meal", name="uq_eldercare_menus_canteen_day_meal"
        ),
    )
    op.create_table(
        "eldercare_elders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("canteen_id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=True),
        sa.Column("building", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("floor", sa.Integer(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("subsidy_category", sa.String(length=32), nullable=False),
        sa.Column("name_enc", sa.Text(), nullable=False),
        sa.Column("first_name_enc", sa.Text(), nullable=False),
        sa.Column("door_enc", sa.Text(), nullable=False),
        sa.Column("care_enc", sa.Text(), nullable=False),
        sa.Column("primary_rider_id", sa.Integer(), nullable=True),
        sa.Column("backup_rider_id", sa.Integer(), nullable=True),
        sa.Column("consent_by", sa.String(length=16), nullable=False),
        sa.Column("consent_note_enc", sa.Text(), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enrolled_by", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["backup_rider_id"],
            ["accounts.id"],
            name=op.f("fk_eldercare_elders_backup_rider_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["canteen_id"],
            ["eldercare_canteens.id"],
            name=op.f("fk_eldercare_elders_canteen_id_eldercare_canteens"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["enrolled_by"],
            ["accounts.id"],
            name=op.f("fk_eldercare_elders_enrolled_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"],
            ["estates.id"],
            name=op.f("fk_eldercare_elders_estate_id_estates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["primary_rider_id"],
            ["accounts.id"],
            name=op.f("fk_eldercare_elders_primary_rider_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_elders")),
    )
    with op.batch_alter_table("eldercare_elders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eldercare_elders_backup_rider_id"), ["backup_rider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_eldercare_elders_canteen_id"), ["canteen_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_eldercare_elders_primary_rider_id"), ["primary_rider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_eldercare_elders_subdistrict"), ["subdistrict"], unique=False
        )

    op.create_table(
        "eldercare_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("meal", sa.String(length=8), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_eldercare_changes_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["eldercare_elders.id"],
            name=op.f("fk_eldercare_changes_elder_id_eldercare_elders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_changes")),
        sa.UniqueConstraint("elder_id", "day", "meal", name="uq_eldercare_changes_elder_day_meal"),
    )
    op.create_table(
        "eldercare_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("name_enc", sa.Text(), nullable=False),
        sa.Column("phone_enc", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["eldercare_elders.id"],
            name=op.f("fk_eldercare_contacts_elder_id_eldercare_elders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_contacts")),
        sa.UniqueConstraint("elder_id", "position", name="uq_eldercare_contacts_elder_position"),
    )
    op.create_table(
        "eldercare_meals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("canteen_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("meal", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("subsidy_category", sa.String(length=32), nullable=False),
        sa.Column("funding_rule", sa.String(length=64), nullable=False),
        sa.Column("price_fen", sa.Integer(), nullable=False),
        sa.Column("subsidy_fen", sa.Integer(), nullable=False),
        sa.Column("enterprise_fen", sa.Integer(), nullable=False),
        sa.Column("charity_fen", sa.Integer(), nullable=False),
        sa.Column("copay_fen", sa.Integer(), nullable=False),
        sa.Column("rider_id", sa.Integer(), nullable=True),
        sa.Column("trip", sa.Integer(), nullable=True),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("plan_note", sa.JSON(), nullable=True),
        sa.Column("by_primary", sa.Boolean(), nullable=True),
        sa.Column("left_kitchen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("door_check", sa.String(length=16), nullable=True),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["canteen_id"],
            ["eldercare_canteens.id"],
            name=op.f("fk_eldercare_meals_canteen_id_eldercare_canteens"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["eldercare_elders.id"],
            name=op.f("fk_eldercare_meals_elder_id_eldercare_elders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rider_id"],
            ["accounts.id"],
            name=op.f("fk_eldercare_meals_rider_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_meals")),
        sa.UniqueConstraint("elder_id", "day", "meal", name="uq_eldercare_meals_elder_day_meal"),
    )
    with op.batch_alter_table("eldercare_meals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_eldercare_meals_canteen_day", ["canteen_id", "day", "meal"], unique=False
        )
        batch_op.create_index("ix_eldercare_meals_day_state", ["day", "state"], unique=False)
        batch_op.create_index(
            "ix_eldercare_meals_day_totals",
            ["day"],
            unique=False,
            postgresql_include=[
                "state", "subsidy_category", "funding_rule", "price_fen", "subsidy_fen",
                "enterprise_fen", "charity_fen", "copay_fen", "elder_id", "canteen_id",
            ],
        )  # fmt: skip

    op.create_table(
        "eldercare_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_eldercare_pauses_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["eldercare_elders.id"],
            name=op.f("fk_eldercare_pauses_elder_id_eldercare_elders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_pauses")),
    )
    with op.batch_alter_table("eldercare_pauses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eldercare_pauses_elder_id"), ["elder_id"], unique=False
        )

    op.create_table(
        "eldercare_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_eldercare_reads_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["eldercare_elders.id"],
            name=op.f("fk_eldercare_reads_elder_id_eldercare_elders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_reads")),
    )
    with op.batch_alter_table("eldercare_reads", schema=None) as batch_op:
        batch_op.create_index("ix_eldercare_reads_elder_at", ["elder_id", "at"], unique=False)

    op.create_table(
        "eldercare_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("lunch_days", sa.Integer(), nullable=False),
        sa.Column("dinner_days", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["eldercare_elders.id"],
            name=op.f("fk_eldercare_subscriptions_elder_id_eldercare_elders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_subscriptions")),
        sa.UniqueConstraint("elder_id", name=op.f("uq_eldercare_subscriptions_elder_id")),
    )
    op.create_table(
        "eldercare_volunteer_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team", sa.String(length=120), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_eldercare_volunteer_tasks_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["eldercare_elders.id"],
            name=op.f("fk_eldercare_volunteer_tasks_elder_id_eldercare_elders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["taken_by"],
            ["accounts.id"],
            name=op.f("fk_eldercare_volunteer_tasks_taken_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_volunteer_tasks")),
    )
    op.create_table(
        "eldercare_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("meal_id", sa.Integer(), nullable=True),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("door_check", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["accounts.id"],
            name=op.f("fk_eldercare_alerts_closed_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["eldercare_elders.id"],
            name=op.f("fk_eldercare_alerts_elder_id_eldercare_elders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meal_id"],
            ["eldercare_meals.id"],
            name=op.f("fk_eldercare_alerts_meal_id_eldercare_meals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"],
            ["accounts.id"],
            name=op.f("fk_eldercare_alerts_opened_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_alerts")),
        sa.UniqueConstraint("meal_id", name=op.f("uq_eldercare_alerts_meal_id")),
    )
    with op.batch_alter_table("eldercare_alerts", schema=None) as batch_op:
        batch_op.create_index("ix_eldercare_alerts_open", ["closed_at", "opened_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_eldercare_alerts_subdistrict"), ["subdistrict"], unique=False
        )

    op.create_table(
        "eldercare_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meal_id", sa.Integer(), nullable=False),
        sa.Column("funder", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meal_id"],
            ["eldercare_meals.id"],
            name=op.f("fk_eldercare_ledger_meal_id_eldercare_meals"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_ledger")),
        sa.UniqueConstraint("meal_id", "funder", name="uq_eldercare_ledger_meal_funder"),
    )
    with op.batch_alter_table("eldercare_ledger", schema=None) as batch_op:
        batch_op.create_index("ix_eldercare_ledger_funder_day", ["funder", "day"], unique=False)
        batch_op.create_index(
            "ix_eldercare_ledger_day_funder",
            ["day", "funder"],
            unique=False,
            postgresql_include=["amount_fen", "meal_id"],
        )

    op.create_table(
        "eldercare_alert_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("contact_position", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["eldercare_alerts.id"],
            name=op.f("fk_eldercare_alert_steps_alert_id_eldercare_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["taken_by"],
            ["accounts.id"],
            name=op.f("fk_eldercare_alert_steps_taken_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_alert_steps")),
        sa.UniqueConstraint("alert_id", "seq", name="uq_eldercare_alert_steps_alert_seq"),
    )


def downgrade() -> None:
    op.drop_table("eldercare_alert_steps")
    with op.batch_alter_table("eldercare_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_eldercare_ledger_day_funder")
        batch_op.drop_index("ix_eldercare_ledger_funder_day")

    op.drop_table("eldercare_ledger")
    with op.batch_alter_table("eldercare_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eldercare_alerts_subdistrict"))
        batch_op.drop_index("ix_eldercare_alerts_open")

    op.drop_table("eldercare_alerts")
    op.drop_table("eldercare_volunteer_tasks")
    op.drop_table("eldercare_subscriptions")
    with op.batch_alter_table("eldercare_reads", schema=None) as batch_op:
        batch_op.drop_index("ix_eldercare_reads_elder_at")

    op.drop_table("eldercare_reads")
    with op.batch_alter_table("eldercare_pauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eldercare_pauses_elder_id"))

    op.drop_table("eldercare_pauses")
    with op.batch_alter_table("eldercare_meals", schema=None) as batch_op:
        batch_op.drop_index("ix_eldercare_meals_day_totals")
        batch_op.drop_index("ix_eldercare_meals_day_state")
        batch_op.drop_index("ix_eldercare_meals_canteen_day")

    op.drop_table("eldercare_meals")
    op.drop_table("eldercare_contacts")
    op.drop_table("eldercare_changes")
    with op.batch_alter_table("eldercare_elders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eldercare_elders_subdistrict"))
        batch_op.drop_index(batch_op.f("ix_eldercare_elders_primary_rider_id"))
        batch_op.drop_index(batch_op.f("ix_eldercare_elders_canteen_id"))
        batch_op.drop_index(batch_op.f("ix_eldercare_elders_backup_rider_id"))

    op.drop_table("eldercare_elders")
    op.drop_table("eldercare_menus")
    with op.batch_alter_table("eldercare_canteens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eldercare_canteens_subdistrict"))

    op.drop_table("eldercare_canteens")
