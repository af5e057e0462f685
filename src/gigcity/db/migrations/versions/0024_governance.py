"""governance: hotline complaints and their imports, topic rules, measures, surveys and
their answers, consultation meetings

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 10:55:00.000000

A complaint's `fingerprint` is unique, so a record imported twice is kept once; its place
and topic are NULL until matched (or placed by a person) and when it is not about
delivery. Topic rules are rows staff edit (the service writes the default set into an empty
table). Survey answers are anonymous: no account, only a client key that makes a resent
answer count once. Consultation meetings name the parties who took part, not people.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gov_consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("place_name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("agreed", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_gov_consultations_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"],
            ["estates.id"],
            name=op.f("fk_gov_consultations_estate_id_estates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_gov_consultations_place_id_places"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_consultations")),
    )
    with op.batch_alter_table("gov_consultations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gov_consultations_subdistrict"), ["subdistrict"], unique=False
        )

    op.create_table(
        "gov_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("unplaced", sa.Integer(), nullable=False),
        sa.Column("refusals", sa.JSON(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("problem_params", sa.JSON(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["accounts.id"],
            name=op.f("fk_gov_imports_by_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_imports")),
    )
    with op.batch_alter_table("gov_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gov_imports_sha256"), ["sha256"], unique=False)

    op.create_table(
        "gov_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("place_name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("radius_m", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("cost_fen", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_gov_measures_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_gov_measures_place_id_places"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_measures")),
    )
    with op.batch_alter_table("gov_measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gov_measures_subdistrict"), ["subdistrict"], unique=False
        )

    op.create_table(
        "gov_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("place_name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_gov_surveys_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_gov_surveys_place_id_places"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_surveys")),
        sa.UniqueConstraint("code", name=op.f("uq_gov_surveys_code")),
    )
    with op.batch_alter_table("gov_surveys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gov_surveys_subdistrict"), ["subdistrict"], unique=False
        )

    op.create_table(
        "gov_topic_rules",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("topic", sa.String(length=16), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("exclude", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["accounts.id"],
            name=op.f("fk_gov_topic_rules_updated_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_topic_rules")),
    )
    op.create_table(
        "gov_complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=80), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("placed", sa.Boolean(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("subdistrict", sa.String(length=64), nullable=True),
        sa.Column("place_ref", sa.String(length=40), nullable=True),
        sa.Column("place_name", sa.String(length=200), nullable=True),
        sa.Column("placed_how", sa.String(length=16), nullable=True),
        sa.Column("placed_by", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=16), nullable=True),
        sa.Column("topic_rule", sa.String(length=40), nullable=True),
        sa.Column("topic_words", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["gov_imports.id"],
            name=op.f("fk_gov_complaints_import_id_gov_imports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["placed_by"],
            ["accounts.id"],
            name=op.f("fk_gov_complaints_placed_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_complaints")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_gov_complaints_fingerprint")),
    )
    with op.batch_alter_table("gov_complaints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gov_complaints_import_id"), ["import_id"], unique=False
        )
        batch_op.create_index(
            "ix_gov_complaints_time_cover",
            ["received_at", "topic", "subdistrict", "lat", "lon"],
            unique=False,
        )
        batch_op.create_index("ix_gov_complaints_unplaced", ["placed", "received_at"], unique=False)

    op.create_table(
        "gov_survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("respondent", sa.String(length=12), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("subdistrict", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["gov_surveys.id"],
            name=op.f("fk_gov_survey_answers_survey_id_gov_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gov_survey_answers")),
        sa.UniqueConstraint(
            "survey_id", "client_key", name=op.f("uq_gov_survey_answers_survey_id")
        ),
    )
    with op.batch_alter_table("gov_survey_answers", schema=None) as batch_op:
        batch_op.create_index("ix_gov_survey_answers_time", ["at", "subdistrict"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gov_survey_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_gov_survey_answers_time")

    op.drop_table("gov_survey_answers")
    with op.batch_alter_table("gov_complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_gov_complaints_unplaced")
        batch_op.drop_index("ix_gov_complaints_time_cover")
        batch_op.drop_index(batch_op.f("ix_gov_complaints_import_id"))

    op.drop_table("gov_complaints")
    op.drop_table("gov_topic_rules")
    with op.batch_alter_table("gov_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_surveys_subdistrict"))

    op.drop_table("gov_surveys")
    with op.batch_alter_table("gov_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_measures_subdistrict"))

    op.drop_table("gov_measures")
    with op.batch_alter_table("gov_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_imports_sha256"))

    op.drop_table("gov_imports")
    with op.batch_alter_table("gov_consultations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gov_consultations_subdistrict"))

    op.drop_table("gov_consultations")
