"""The restore drill of docs/operations.md ("Backups"), run for real on PostgreSQL: dump a
database with demo data using `pg_dump -Fc`, drop everything, restore it with `pg_restore`,
and find every table with the same rows; the platform then works on the restored database.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from gigcity.config import Settings
from gigcity.db.migrate import is_current
from gigcity.services.demo import seed_platform
from gigcity.services.platform import Platform

pytestmark = pytest.mark.postgres


def _libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it (no driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            return {
                t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one())
                for t in tables
            }
    finally:
        engine.dispose()


def test_a_dump_restores_every_row(postgres_database: str, tmp_path: Path) -> None:
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: postgresql-client)")
    engine = create_engine(postgres_database)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    platform = Platform.from_settings(
        Settings(mode="demo", database_url=postgres_database, data_dir=tmp_path)
    )
    platform.upgrade_database()
    seed_platform(platform, count=200)
    platform.close()
    before = _counts(postgres_database)
    assert before["places"] == 200
    assert before["reports"] > 0
    assert before["reward_ledger"] > 0

    dump = tmp_path / "gigcity.dump"
    url = _libpq_url(postgres_database)
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), url], check=True)

    engine = create_engine(postgres_database)
    with engine.begin() as conn:  # the disaster
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    assert _counts(postgres_database) == {}

    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", url, str(dump)], check=True
    )
    assert _counts(postgres_database) == before
    restored = Platform.from_settings(
        Settings(mode="demo", database_url=postgres_database, data_dir=tmp_path)
    )
    try:
        assert is_current(restored.engine)
        assert restored.places.count() == 200
    finally:
        restored.close()
