"""relay delivery: consents, items, custody, couriers' pay, alerts, webhooks

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 08:30:00.000000

Residents' consents per address (at most one in force: `active_address` is unique and NULL
once revoked), relay items with the hashes of their codes, the hash-chained custody steps,
the couriers' pay ledger (one row per courier, item and kind), alerts (one per item and
kind), platforms' webhooks and the calls queued to them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "relay_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("building", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("room", sa.String(length=40), nullable=False),
        sa.Column("active_address", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        _at("consented_at"),
        sa.Column("recorded_by_account", sa.Integer(), nullable=True),
        sa.Column("recorded_by_key", sa.Integer(), nullable=True),
        _at("revoked_at", nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["estate_id"],
            ["estates.id"],
            name=op.f("fk_relay_consents_estate_id_estates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_account"],
            ["accounts.id"],
            name=op.f("fk_relay_consents_recorded_by_account_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_key"],
            ["api_keys.id"],
            name=op.f("fk_relay_consents_recorded_by_key_api_keys"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_consents")),
        sa.UniqueConstraint("active_address", name=op.f("uq_relay_consents_active_address")),
    )
    op.create_index(op.f("ix_relay_consents_estate_id"), "relay_consents", ["estate_id"])
    op.create_table(
        "relay_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("order_ref", sa.String(length=120), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("point_ref", sa.String(length=40), nullable=False),
        sa.Column("building", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("room", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("handoff_code_hash", sa.String(length=64), nullable=False),
        sa.Column("confirm_code_hash", sa.String(length=64), nullable=False),
        sa.Column("code_failures", sa.Integer(), nullable=False),
        sa.Column("courier_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("announced_at"),
        _at("dropped_at", nullable=True),
        _at("claimed_at", nullable=True),
        _at("finished_at", nullable=True),
        _at("claim_due_at", nullable=True),
        _at("deliver_due_at", nullable=True),
        _at("updated_at"),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_relay_items_api_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"],
            ["estates.id"],
            name=op.f("fk_relay_items_estate_id_estates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["courier_id"],
            ["accounts.id"],
            name=op.f("fk_relay_items_courier_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_items")),
        sa.UniqueConstraint("api_key_id", "order_ref", name="uq_relay_items_key_order"),
    )
    op.create_index(
        "ix_relay_items_point_state", "relay_items", ["estate_id", "point_ref", "state"]
    )
    op.create_index(op.f("ix_relay_items_state"), "relay_items", ["state"])
    op.create_index(op.f("ix_relay_items_courier_id"), "relay_items", ["courier_id"])
    op.create_table(
        "relay_custody",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        _at("at"),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=16), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["relay_items.id"],
            name=op.f("fk_relay_custody_item_id_relay_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_custody")),
        sa.UniqueConstraint("item_id", "seq", name="uq_relay_custody_item_seq"),
    )
    op.create_table(
        "relay_pay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("courier_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _at("at"),
        sa.ForeignKeyConstraint(
            ["courier_id"],
            ["accounts.id"],
            name=op.f("fk_relay_pay_courier_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["relay_items.id"],
            name=op.f("fk_relay_pay_item_id_relay_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_pay")),
        sa.UniqueConstraint("courier_id", "item_id", "kind", name="uq_relay_pay_courier_item_kind"),
    )
    op.create_index("ix_relay_pay_courier_day", "relay_pay", ["courier_id", "day"])
    op.create_table(
        "relay_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        _at("raised_at"),
        _at("cleared_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["relay_items.id"],
            name=op.f("fk_relay_alerts_item_id_relay_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_alerts")),
        sa.UniqueConstraint("item_id", "kind", name="uq_relay_alerts_item_kind"),
    )
    op.create_index(op.f("ix_relay_alerts_estate_id"), "relay_alerts", ["estate_id"])
    op.create_table(
        "relay_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=80), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_relay_webhooks_api_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_webhooks")),
        sa.UniqueConstraint("api_key_id", name=op.f("uq_relay_webhooks_api_key_id")),
    )
    op.create_table(
        "relay_webhook_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        _at("created_at"),
        _at("sent_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["relay_webhooks.id"],
            name=op.f("fk_relay_webhook_calls_webhook_id_relay_webhooks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["relay_items.id"],
            name=op.f("fk_relay_webhook_calls_item_id_relay_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_webhook_calls")),
        sa.UniqueConstraint("item_id", "seq", name="uq_relay_webhook_calls_item_seq"),
    )


def downgrade() -> None:
    op.drop_table("relay_webhook_calls")
    op.drop_table("relay_webhooks")
    op.drop_table("relay_alerts")
    op.drop_table("relay_pay")
    op.drop_table("relay_custody")
    op.drop_table("relay_items")
    op.drop_table("relay_consents")
