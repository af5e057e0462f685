"""organisation: memberships, their read log and letter receipts name the member sealed

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 21:00:00

`org_memberships.account_id`, `org_member_reads.member_id` and `org_letter_reads.account_id`
(plain account ids) become a blind index (`account_key` / `member_key`: HMAC-SHA256 of the
account id, unique on memberships) and a token (`account_enc` / `member_enc`: the account id
under the field cipher). `org_memberships.transfer_from_id` says where a transferred
membership came from.

Existing rows are sealed here, in the migration's transaction, with the keys the platform
uses: the seal comes from the caller (`Platform.upgrade_database` hands it in as the Alembic
attribute `member_seal`, a function of the connection; db code never imports services). A
database with membership rows cannot be upgraded (or downgraded) without it: the migration
stops, naming `gigcity db upgrade`, and nothing is changed.
"""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa
from alembic import context, op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

# (table, plain column, its prefix now, the plain column's index, its unique constraint)
TABLES = [
    ("org_memberships", "account_id", "account", None, "uq_org_memberships_account_id"),
    ("org_member_reads", "member_id", "member", "ix_org_member_reads_member_id", None),
    ("org_letter_reads", "account_id", "account", "ix_org_letter_reads_account_id", None),
]


class Seal(Protocol):
    def key(self, account_id: int) -> str: ...
    def seal(self, account_id: int) -> str: ...
    def open(self, token: str) -> int: ...


def _seal(connection: sa.Connection) -> Seal:
    make: Any = context.config.attributes.get("member_seal")
    if make is None:
        raise RuntimeError(
            "migration 0029 seals the existing memberships with the platform's keys: run it "
            "with `gigcity db upgrade` (or the server's start), which hands the keys in"
        )
    seal: Seal = make(connection)
    return seal


def _any_rows(connection: sa.Connection) -> bool:
    return any(
        connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
        for table, *_ in TABLES
    )


def upgrade() -> None:
    bind = op.get_bind()
    seal = _seal(bind) if _any_rows(bind) else None
    for table, plain, prefix, _, _ in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(f"{prefix}_key", sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column(f"{prefix}_enc", sa.Text(), nullable=True))
        if seal is not None:
            rows = bind.execute(sa.text(f"SELECT id, {plain} FROM {table}")).all()
            update = sa.text(
                f"UPDATE {table} SET {prefix}_key = :key, {prefix}_enc = :enc WHERE id = :id"
            )
            for row_id, account in rows:
                bind.execute(
                    update, {"key": seal.key(account), "enc": seal.seal(account), "id": row_id}
                )
    with op.batch_alter_table("org_memberships", schema=None) as batch_op:
        batch_op.drop_constraint("uq_org_memberships_account_id", type_="unique")
        batch_op.drop_constraint("fk_org_memberships_account_id_accounts", type_="foreignkey")
        batch_op.drop_column("account_id")
        batch_op.alter_column("account_key", existing_type=sa.String(64), nullable=False)
        batch_op.alter_column("account_enc", existing_type=sa.Text(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_org_memberships_account_key"), ["account_key"]
        )
        batch_op.add_column(sa.Column("transfer_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_org_memberships_transfer_from_id_org_organisations"),
            "org_organisations",
            ["transfer_from_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("org_member_reads", schema=None) as batch_op:
        batch_op.drop_index("ix_org_member_reads_member_id")
        batch_op.drop_constraint("fk_org_member_reads_member_id_accounts", type_="foreignkey")
        batch_op.drop_column("member_id")
        batch_op.alter_column("member_key", existing_type=sa.String(64), nullable=False)
        batch_op.alter_column("member_enc", existing_type=sa.Text(), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_org_member_reads_member_key"), ["member_key"], unique=False
        )
    with op.batch_alter_table("org_letter_reads", schema=None) as batch_op:
        batch_op.drop_constraint("uq_org_letter_reads_letter_id", type_="unique")
        batch_op.drop_index("ix_org_letter_reads_account_id")
        batch_op.drop_constraint("fk_org_letter_reads_account_id_accounts", type_="foreignkey")
        batch_op.drop_column("account_id")
        batch_op.alter_column("account_key", existing_type=sa.String(64), nullable=False)
        batch_op.alter_column("account_enc", existing_type=sa.Text(), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_org_letter_reads_account_key"), ["account_key"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_org_letter_reads_letter_id"), ["letter_id", "account_key"]
        )


def downgrade() -> None:
    bind = op.get_bind()
    seal = _seal(bind) if _any_rows(bind) else None
    with op.batch_alter_table("org_letter_reads", schema=None) as batch_op:
        batch_op.drop_constraint("uq_org_letter_reads_letter_id", type_="unique")
        batch_op.drop_index("ix_org_letter_reads_account_key")
    with op.batch_alter_table("org_member_reads", schema=None) as batch_op:
        batch_op.drop_index("ix_org_member_reads_member_key")
    with op.batch_alter_table("org_memberships", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_org_memberships_transfer_from_id_org_organisations", type_="foreignkey"
        )
        batch_op.drop_column("transfer_from_id")
        batch_op.drop_constraint("uq_org_memberships_account_key", type_="unique")
    for table, plain, prefix, _, _ in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(plain, sa.Integer(), nullable=True))
        if seal is not None:
            rows = bind.execute(sa.text(f"SELECT id, {prefix}_enc FROM {table}")).all()
            update = sa.text(f"UPDATE {table} SET {plain} = :account WHERE id = :id")
            for row_id, token in rows:
                bind.execute(update, {"account": seal.open(token), "id": row_id})
            # Rows of accounts deleted meanwhile could not keep their foreign key.
            bind.execute(
                sa.text(f"DELETE FROM {table} WHERE {plain} NOT IN (SELECT id FROM accounts)")
            )
    for table, plain, prefix, index, unique in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(f"{prefix}_key")
            batch_op.drop_column(f"{prefix}_enc")
            batch_op.alter_column(plain, existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(
                f"fk_{table}_{plain}_accounts", "accounts", [plain], ["id"], ondelete="CASCADE"
            )
            if index is not None:
                batch_op.create_index(index, [plain], unique=False)
            if unique is not None:
                batch_op.create_unique_constraint(unique, [plain])
    with op.batch_alter_table("org_letter_reads", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_org_letter_reads_letter_id", ["letter_id", "account_id"]
        )
