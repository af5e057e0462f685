"""jobs: procrastinate's queue tables (PostgreSQL) and the job behind each workbench run

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 00:30:00.000000

On PostgreSQL the background jobs are procrastinate's rows: its schema (tables, types,
functions, triggers) is created here from the procrastinate version gigcity pins. SQLite
runs jobs in the server process and needs no tables. A workbench run records the id of the
job that executes it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workbench_runs") as batch:
        batch.add_column(sa.Column("job_id", sa.BigInteger(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        # Run as one driver statement with no parameters; psycopg still reads % marks.
        bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in ("procrastinate_periodic_defers", "procrastinate_events", "procrastinate_jobs", "procrastinate_workers"):  # fmt: skip
            bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
        functions = bind.exec_driver_sql(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = current_schema() "
            "AND p.proname LIKE 'procrastinate%%'"
        ).scalars()
        for function in list(functions):
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        types = bind.exec_driver_sql(
            "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate%%' "
            "AND t.typtype IN ('e', 'c')"
        ).scalars()
        for name in list(types):
            bind.exec_driver_sql(f"DROP TYPE IF EXISTS {name} CASCADE")
    with op.batch_alter_table("workbench_runs") as batch:
        batch.drop_column("job_id")
