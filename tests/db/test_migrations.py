"""The same migrations build the same schema on SQLite and PostgreSQL, and go back down."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from gigcity.db.migrate import (
    current_revision,
    downgrade,
    head_revision,
    include_name,
    is_current,
    upgrade,
)
from gigcity.db.models import Base
from gigcity.db.session import make_engine


def test_upgrade_creates_every_model_table_and_is_idempotent(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)  # a second start changes nothing
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    engine.dispose()


def test_schema_matches_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as conn:
        # With the filter the migrations use: procrastinate's tables are not ours.
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], "models and migrations disagree; add a migration"


def test_downgrade_to_base_removes_everything(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_the_current_revision_is_known(database_url: str) -> None:
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    assert not is_current(engine)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    assert not is_current(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert is_current(engine)
    engine.dispose()


@pytest.mark.postgres
def test_processes_starting_together_migrate_one_after_another(postgres_database: str) -> None:
    """Workers (or hosts) that start at the same moment all upgrade the same empty database:
    they take turns under an advisory lock, so none fails on a half-made schema."""
    reset = create_engine(postgres_database)
    with reset.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    reset.dispose()
    # A lock wait longer than 30 s fails instead of hanging (without the advisory lock the
    # migrations deadlock on each other's half-made tables).
    engines = [
        create_engine(postgres_database, connect_args={"options": "-c lock_timeout=30000"})
        for _ in range(4)
    ]
    barrier = threading.Barrier(len(engines))

    def start(engine: Engine) -> str:
        barrier.wait()
        upgrade(engine)
        return str(current_revision(engine))

    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            revisions = list(pool.map(start, engines))
    finally:
        for engine in engines:
            engine.dispose()
    assert revisions == [head_revision()] * len(engines)
