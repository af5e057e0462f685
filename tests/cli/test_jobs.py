"""`gigcity jobs list` and `gigcity jobs show` on the configured database: PostgreSQL's queue
(every worker's jobs), and SQLite, where the jobs live in the server process only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.config import Settings, get_settings
from gigcity.db.session import transaction
from gigcity.logs import bound_request_id
from gigcity.services.platform import Platform

runner = CliRunner()
WIDE = {"COLUMNS": "220"}


def _flat(text_: str) -> str:
    return " ".join(text_.split())


def test_sqlite_says_where_the_jobs_are(env: Path) -> None:
    r = runner.invoke(app, ["jobs", "list"], env=WIDE)
    assert r.exit_code == 0, r.output
    assert "GET /api/jobs" in _flat(r.output)
    r = runner.invoke(app, ["jobs", "show", "1"], env=WIDE)
    assert r.exit_code == 1
    assert "inside `gigcity serve`" in _flat(r.output)


def test_bad_filters_are_refused_naming_the_option(env: Path) -> None:
    r = runner.invoke(app, ["jobs", "list", "--status", "done"], env=WIDE)
    assert r.exit_code == 2
    assert "--status" in r.output
    assert "succeeded" in r.output
    r = runner.invoke(app, ["jobs", "list", "--queue", "fast"], env=WIDE)
    assert r.exit_code == 2
    assert "--queue" in r.output
    assert "workbench, default" in _flat(r.output)
    r = runner.invoke(app, ["jobs", "list", "--limit", "500"], env=WIDE)
    assert r.exit_code == 2
    assert "--limit" in r.output
    r = runner.invoke(app, ["jobs", "show", "0"], env=WIDE)
    assert r.exit_code == 2


@pytest.fixture
def pg_env(
    empty_postgres: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Platform]:
    """The command line pointed at a migrated PostgreSQL database; the platform on it."""
    postgres_database = empty_postgres
    monkeypatch.setenv("GIGCITY_DATABASE_URL", postgres_database)
    monkeypatch.setenv("GIGCITY_MODE", "dev")
    monkeypatch.setenv("GIGCITY_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    platform = Platform.from_settings(Settings(mode="dev", database_url=postgres_database))
    platform.upgrade_database()
    yield platform
    platform.close()
    get_settings.cache_clear()


def _defer(platform: Platform, task: str, **args: object) -> int:
    with transaction(platform.factory) as session, bound_request_id("cli-req-7"):
        return platform.jobs.defer(session, task, **args)


@pytest.mark.postgres
def test_postgres_jobs_are_listed_filtered_and_shown(pg_env: Platform) -> None:
    waiting = _defer(pg_env, "workbench.run", run_id=12, phone="13800138000")
    failed = _defer(pg_env, "retention.purge")
    with pg_env.engine.begin() as connection:  # as a worker would have done
        for status in ("doing", "failed"):
            connection.execute(
                text(
                    "UPDATE procrastinate_jobs SET status = CAST(:s AS procrastinate_job_status) "
                    "WHERE id = :id"
                ),
                {"s": status, "id": failed},
            )

    r = runner.invoke(app, ["jobs", "list"], env=WIDE)
    assert r.exit_code == 0, r.output
    rows = [line for line in r.output.splitlines() if "workbench.run" in line]
    assert len(rows) == 1
    assert str(waiting) in rows[0]
    assert "todo" in rows[0]
    assert "cli-req-7" in rows[0]
    assert "phone, run_id" in rows[0]
    assert "13800138000" not in r.output
    assert "default: failed 1; workbench: todo 1" in r.output
    assert r.output.index("retention.purge") < r.output.index("workbench.run")  # newest first

    r = runner.invoke(app, ["jobs", "list", "--status", "failed"], env=WIDE)
    assert r.exit_code == 0, r.output
    assert "retention.purge" in r.output
    assert "workbench.run" not in r.output
    r = runner.invoke(app, ["jobs", "list", "--limit", "1"], env=WIDE)
    assert f"gigcity jobs list --before {failed}" in r.output

    r = runner.invoke(app, ["jobs", "show", str(failed)], env=WIDE)
    assert r.exit_code == 0, r.output
    flat = _flat(r.output)
    assert "retention.purge" in flat
    assert "failed" in flat
    events = flat[flat.index(" events ") :]
    assert events.index("deferred") < events.index("started") < events.index("failed")
    r = runner.invoke(app, ["jobs", "show", "987654"], env=WIDE)
    assert r.exit_code == 1
    assert "There is no job 987654" in r.output


@pytest.mark.postgres
def test_postgres_database_behind_is_refused(
    empty_postgres: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGCITY_DATABASE_URL", empty_postgres)  # never migrated
    monkeypatch.setenv("GIGCITY_MODE", "dev")
    get_settings.cache_clear()
    try:
        r = runner.invoke(app, ["jobs", "list"], env=WIDE)
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 2
    assert "gigcity db upgrade" in _flat(r.output)
