"""Alembic environment: runs on the connection handed in by gigcity.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from gigcity.db.migrate import include_name
from gigcity.db.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            context.configure(
                connection=conn,
                target_metadata=target_metadata,
                render_as_batch=True,
                include_name=include_name,
            )
            context.run_migrations()
        return
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=include_name,
    )
    context.run_migrations()


run()
