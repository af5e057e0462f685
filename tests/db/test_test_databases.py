"""The suite's own PostgreSQL databases: a test's database, used and then emptied, is like a
fresh copy of the migrated template (tests/postgres_support.py), so no test sees another's
rows or ids."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from gigcity.services.platform import Platform
from postgres_support import Template, emptied
from support import make_world

pytestmark = pytest.mark.postgres

_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
_USED_SEQUENCES = (
    "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"
)


def _state(url: str) -> tuple[dict[str, int], list[str]]:
    """The database's rows per table, and the sequences that have handed out a value."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            tables = conn.execute(text(_TABLES)).scalars().all()
            rows = {
                table: int(conn.scalar(text(f'SELECT count(*) FROM public."{table}"')) or 0)
                for table in tables
            }
            used = conn.execute(text(_USED_SEQUENCES)).scalars().all()
            return rows, list(used)
    finally:
        engine.dispose()


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_used_database_is_emptied_like_a_fresh_copy(
    platform: Platform, migrated_postgres: Template
) -> None:
    make_world(platform)
    url = platform.settings.database_url
    platform.close()
    before, used_before = _state(url)
    assert sum(n for table, n in before.items() if table != "alembic_version") > 0
    assert used_before

    assert emptied(url, migrated_postgres)
    after, used_after = _state(url)
    assert after.keys() == before.keys()
    assert {table: n for table, n in after.items() if n} == {"alembic_version": 1}
    assert used_after == []
