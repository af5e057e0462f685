"""organisation: theme days, the three ones, concerns, volunteer teams

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 17:04:59.866618

Theme days at every station with one attendance per rider and month (unique), the "three
ones" (letters with read receipts, the learning library with progress, books handed out),
the Tuesday meetings' concerns (a concern may point at the workbench run that priced it),
and volunteer teams: activities, sign-ups with hours (only confirmed hours count) and the
hazard reports credited to a team.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_learning_resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_learning_resources")),
    )
    op.create_table(
        "org_concern_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_concern_meetings_organisation_id_org_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_concern_meetings")),
        sa.UniqueConstraint(
            "organisation_id", "held_on", name=op.f("uq_org_concern_meetings_organisation_id")
        ),
    )
    with op.batch_alter_table("org_concern_meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_concern_meetings_held_on"), ["held_on"], unique=False
        )

    op.create_table(
        "org_theme_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("moved_from", sa.Date(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_org_theme_days_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_theme_days")),
        sa.UniqueConstraint("code", name=op.f("uq_org_theme_days_code")),
        sa.UniqueConstraint(
            "place_id", "month", "kind", "held_on", name=op.f("uq_org_theme_days_place_id")
        ),
    )
    with op.batch_alter_table("org_theme_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_theme_days_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_org_theme_days_place_id"), ["place_id"], unique=False)

    op.create_table(
        "vol_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=24), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["org_organisations.id"],
            name=op.f("fk_vol_teams_organisation_id_org_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vol_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_vol_teams_name")),
    )
    with op.batch_alter_table("vol_teams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vol_teams_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vol_teams_subdistrict"), ["subdistrict"], unique=False)

    op.create_table(
        "org_book_handouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("given_by_id", sa.Integer(), nullable=True),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_org_book_handouts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["given_by_id"],
            ["accounts.id"],
            name=op.f("fk_org_book_handouts_given_by_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_org_book_handouts_place_id_places"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_book_handouts")),
        sa.UniqueConstraint("account_id", "title", name=op.f("uq_org_book_handouts_account_id")),
    )
    with op.batch_alter_table("org_book_handouts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_book_handouts_given_at"), ["given_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_org_book_handouts_place_id"), ["place_id"], unique=False
        )

    op.create_table(
        "org_learning_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_org_learning_progress_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["org_learning_resources.id"],
            name=op.f("fk_org_learning_progress_resource_id_org_learning_resources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_learning_progress")),
        sa.UniqueConstraint(
            "resource_id", "account_id", name=op.f("uq_org_learning_progress_resource_id")
        ),
    )
    with op.batch_alter_table("org_learning_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_learning_progress_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "org_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_letters_organisation_id_org_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["accounts.id"],
            name=op.f("fk_org_letters_sent_by_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_letters")),
    )
    with op.batch_alter_table("org_letters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_letters_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_org_letters_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "org_theme_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_day_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_org_theme_attendance_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_day_id"],
            ["org_theme_days.id"],
            name=op.f("fk_org_theme_attendance_theme_day_id_org_theme_days"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_theme_attendance")),
        sa.UniqueConstraint("account_id", "month", name=op.f("uq_org_theme_attendance_account_id")),
    )
    with op.batch_alter_table("org_theme_attendance", schema=None) as batch_op:
        batch_op.create_index("ix_org_theme_attendance_day", ["theme_day_id", "at"], unique=False)
        # The overview counts a year's attendance by month and mode from this index alone.
        batch_op.create_index("ix_org_theme_attendance_month_mode", ["month", "mode"], unique=False)

    op.create_table(
        "vol_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("where_text", sa.String(length=300), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["accounts.id"],
            name=op.f("fk_vol_activities_created_by_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["vol_teams.id"],
            name=op.f("fk_vol_activities_team_id_vol_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vol_activities")),
    )
    with op.batch_alter_table("vol_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vol_activities_starts_at"), ["starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_vol_activities_team_starts", ["team_id", "starts_at"], unique=False
        )

    op.create_table(
        "vol_team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_vol_team_members_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["vol_teams.id"],
            name=op.f("fk_vol_team_members_team_id_vol_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vol_team_members")),
        sa.UniqueConstraint("team_id", "account_id", name=op.f("uq_vol_team_members_team_id")),
    )
    with op.batch_alter_table("vol_team_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vol_team_members_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "org_concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(length=24), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=120), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("workbench_run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["org_concern_meetings.id"],
            name=op.f("fk_org_concerns_meeting_id_org_concern_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["org_organisations.id"],
            name=op.f("fk_org_concerns_organisation_id_org_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"],
            ["accounts.id"],
            name=op.f("fk_org_concerns_raised_by_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workbench_run_id"],
            ["workbench_runs.id"],
            name=op.f("fk_org_concerns_workbench_run_id_workbench_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_concerns")),
    )
    with op.batch_alter_table("org_concerns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_concerns_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_org_concerns_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_org_concerns_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_org_concerns_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index("ix_org_concerns_status_due", ["status", "due_on"], unique=False)

    op.create_table(
        "org_letter_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_org_letter_reads_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["org_letters.id"],
            name=op.f("fk_org_letter_reads_letter_id_org_letters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_letter_reads")),
        sa.UniqueConstraint("letter_id", "account_id", name=op.f("uq_org_letter_reads_letter_id")),
    )
    with op.batch_alter_table("org_letter_reads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_letter_reads_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "vol_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_vol_signups_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["vol_activities.id"],
            name=op.f("fk_vol_signups_activity_id_vol_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["accounts.id"],
            name=op.f("fk_vol_signups_confirmed_by_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vol_signups")),
        sa.UniqueConstraint("activity_id", "account_id", name=op.f("uq_vol_signups_activity_id")),
    )
    with op.batch_alter_table("vol_signups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vol_signups_account_confirmed", ["account_id", "confirmed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vol_signups_confirmed_at"), ["confirmed_at"], unique=False
        )

    op.create_table(
        "org_concern_supports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_org_concern_supports_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["org_concerns.id"],
            name=op.f("fk_org_concern_supports_concern_id_org_concerns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_concern_supports")),
        sa.UniqueConstraint(
            "concern_id", "account_id", name=op.f("uq_org_concern_supports_concern_id")
        ),
    )
    op.create_table(
        "vol_report_credits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["vol_activities.id"],
            name=op.f("fk_vol_report_credits_activity_id_vol_activities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_vol_report_credits_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["vol_teams.id"],
            name=op.f("fk_vol_report_credits_team_id_vol_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vol_report_credits")),
        sa.UniqueConstraint("report_id", name=op.f("uq_vol_report_credits_report_id")),
    )
    with op.batch_alter_table("vol_report_credits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vol_report_credits_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vol_report_credits_team_id"), ["team_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vol_report_credits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vol_report_credits_team_id"))
        batch_op.drop_index(batch_op.f("ix_vol_report_credits_activity_id"))

    op.drop_table("vol_report_credits")
    op.drop_table("org_concern_supports")
    with op.batch_alter_table("vol_signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vol_signups_confirmed_at"))
        batch_op.drop_index("ix_vol_signups_account_confirmed")

    op.drop_table("vol_signups")
    with op.batch_alter_table("org_letter_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_letter_reads_account_id"))

    op.drop_table("org_letter_reads")
    with op.batch_alter_table("org_concerns", schema=None) as batch_op:
        batch_op.drop_index("ix_org_concerns_status_due")
        batch_op.drop_index(batch_op.f("ix_org_concerns_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_org_concerns_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_org_concerns_created_at"))
        batch_op.drop_index(batch_op.f("ix_org_concerns_closed_at"))

    op.drop_table("org_concerns")
    with op.batch_alter_table("vol_team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vol_team_members_account_id"))

    op.drop_table("vol_team_members")
    with op.batch_alter_table("vol_activities", schema=None) as batch_op:
        batch_op.drop_index("ix_vol_activities_team_starts")
        batch_op.drop_index(batch_op.f("ix_vol_activities_starts_at"))

    op.drop_table("vol_activities")
    with op.batch_alter_table("org_theme_attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_org_theme_attendance_month_mode")
        batch_op.drop_index("ix_org_theme_attendance_day")

    op.drop_table("org_theme_attendance")
    with op.batch_alter_table("org_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_letters_sent_at"))
        batch_op.drop_index(batch_op.f("ix_org_letters_organisation_id"))

    op.drop_table("org_letters")
    with op.batch_alter_table("org_learning_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_learning_progress_account_id"))

    op.drop_table("org_learning_progress")
    with op.batch_alter_table("org_book_handouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_book_handouts_place_id"))
        batch_op.drop_index(batch_op.f("ix_org_book_handouts_given_at"))

    op.drop_table("org_book_handouts")
    with op.batch_alter_table("vol_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vol_teams_subdistrict"))
        batch_op.drop_index(batch_op.f("ix_vol_teams_organisation_id"))

    op.drop_table("vol_teams")
    with op.batch_alter_table("org_theme_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_theme_days_place_id"))
        batch_op.drop_index(batch_op.f("ix_org_theme_days_month"))

    op.drop_table("org_theme_days")
    with op.batch_alter_table("org_concern_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_concern_meetings_held_on"))

    op.drop_table("org_concern_meetings")
    op.drop_table("org_learning_resources")
