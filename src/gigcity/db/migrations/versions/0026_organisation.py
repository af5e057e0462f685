"""organisation: organisations, check-in points, memberships, stations' 1+1+N

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 15:05:19.785336

Memberships are sensitive personal information: one per rider (a unique account), every
read of one by a person written to org_member_reads. A station's roster and plan hang on
its place of the friendly map.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("sector", sa.String(length=24), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=True),
        sa.Column("contact_name", sa.String(length=120), nullable=True),
        sa.Column("contact_phone", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_organisations_parent_id_org_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_organisations")),
    )
    with op.batch_alter_table("org_organisations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_organisations_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_org_organisations_subdistrict"), ["subdistrict"], unique=False
        )

    op.create_table(
        "org_checkin_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_checkin_points_organisation_id_org_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_org_checkin_points_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_checkin_points")),
        sa.UniqueConstraint("subdistrict", name=op.f("uq_org_checkin_points_subdistrict")),
    )
    with op.batch_alter_table("org_checkin_points", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_checkin_points_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_org_checkin_points_place_id"), ["place_id"], unique=False
        )

    op.create_table(
        "org_plan_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_org_plan_actions_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_plan_actions")),
    )
    with op.batch_alter_table("org_plan_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_plan_actions_place_id"), ["place_id"], unique=False
        )

    op.create_table(
        "org_station_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_org_station_plans_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_station_plans")),
        sa.UniqueConstraint("place_id", name=op.f("uq_org_station_plans_place_id")),
    )
    op.create_table(
        "org_station_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=24), nullable=False),
        sa.Column("sector_kind", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("duty_hours", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_org_station_team_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_station_team")),
    )
    with op.batch_alter_table("org_station_team", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_station_team_place_id"), ["place_id"], unique=False
        )

    op.create_table(
        "org_member_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reader_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["accounts.id"],
            name=op.f("fk_org_member_reads_member_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reader_id"],
            ["accounts.id"],
            name=op.f("fk_org_member_reads_reader_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_member_reads")),
    )
    with op.batch_alter_table("org_member_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_member_reads_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_org_member_reads_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "org_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("checkin_point_id", sa.Integer(), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transfer_status", sa.String(length=24), nullable=False),
        sa.Column("transfer_to_id", sa.Integer(), nullable=True),
        sa.Column("transfer_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_org_memberships_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checkin_point_id"],
            ["org_checkin_points.id"],
            name=op.f("fk_org_memberships_checkin_point_id_org_checkin_points"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_memberships_organisation_id_org_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["transfer_to_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_memberships_transfer_to_id_org_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_memberships")),
        sa.UniqueConstraint("account_id", name=op.f("uq_org_memberships_account_id")),
    )
    with op.batch_alter_table("org_memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_memberships_checkin_point_id"), ["checkin_point_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_org_memberships_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "org_officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_org_officers_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_officers_organisation_id_org_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_officers")),
        sa.UniqueConstraint(
            "organisation_id", "account_id", name=op.f("uq_org_officers_organisation_id")
        ),
    )
    with op.batch_alter_table("org_officers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_officers_account_id"), ["account_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("org_officers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_officers_account_id"))

    op.drop_table("org_officers")
    with op.batch_alter_table("org_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_memberships_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_org_memberships_checkin_point_id"))

    op.drop_table("org_memberships")
    with op.batch_alter_table("org_member_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_member_reads_member_id"))
        batch_op.drop_index(batch_op.f("ix_org_member_reads_at"))

    op.drop_table("org_member_reads")
    with op.batch_alter_table("org_station_team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_station_team_place_id"))

    op.drop_table("org_station_team")
    op.drop_table("org_station_plans")
    with op.batch_alter_table("org_plan_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_plan_actions_place_id"))

    op.drop_table("org_plan_actions")
    with op.batch_alter_table("org_checkin_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_checkin_points_place_id"))
        batch_op.drop_index(batch_op.f("ix_org_checkin_points_organisation_id"))

    op.drop_table("org_checkin_points")
    with op.batch_alter_table("org_organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_organisations_subdistrict"))
        batch_op.drop_index(batch_op.f("ix_org_organisations_parent_id"))

    op.drop_table("org_organisations")
