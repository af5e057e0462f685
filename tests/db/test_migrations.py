"""The same migrations build the same schema on SQLite and PostgreSQL, and go back down."""

from __future__ import annotations

from sqlalchemy import inspect

from gigcity.db.migrate import downgrade, upgrade
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
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], "models and migrations disagree; add a migration"


def test_downgrade_to_base_removes_everything(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
