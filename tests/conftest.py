"""Shared fixtures: the platform on SQLite and (when reachable) PostgreSQL, and an API client.

PostgreSQL tests use GIGCITY_TEST_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test):
each test run creates its own database there and drops it at the end. Without a server they
skip, saying so; with GIGCITY_REQUIRE_POSTGRES=1 (as in CI) a missing server is an error.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.db.migrate import upgrade
from gigcity.db.session import make_engine
from gigcity.services.accounts import set_password_hash_costs
from gigcity.services.platform import Platform
from postgres_support import Template, describe, emptied, keep_row_order, recreate
from support import World, make_world

# Argon2 at its production cost takes ~0.1-0.3 s a hash; tests create many accounts.
set_password_hash_costs(time_cost=1, memory_cost_kib=64)

# CI (HYPOTHESIS_PROFILE=ci) runs each property test on the same examples every time, so a
# red run can be repeated; developers' runs draw fresh examples and keep finding new cases.
# No per-example deadline in CI: a busy machine must not turn a slow example into a failure
# (speed is measured by benchmarks/, never by tests).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
POSTGRES_URL = os.environ.get(
    "GIGCITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test when this checkout has none."""
    path = SHARED.joinpath("data", *parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (a fresh clone has no ../shared)")
    return path


def _postgres_unavailable() -> str | None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install '.[postgres]')"
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable ({type(exc).__name__})"
    return None


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run; its URL."""
    reason = _postgres_unavailable()
    if reason:
        if os.environ.get("GIGCITY_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"GIGCITY_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(f"needs PostgreSQL: {reason}")
    name = f"gigcity_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database at the newest schema, migrated once per run: each test's platform
    starts from a copy (migrating every test's database again costs minutes)."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection closing checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_database: str) -> Iterator[Template]:
    """A PostgreSQL database at the newest schema, migrated once per run: each test's
    platform database is a clean copy of it (tests/postgres_support.py)."""
    name = f"{make_url(postgres_database).database}_migrated"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_database).set(database=name).render_as_string(False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()  # a template must have no connections
    keep_row_order(url)
    try:
        yield describe(url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def start_migrated(database_url: str, request: pytest.FixtureRequest) -> None:
    """Put a copy of this run's migrated database at `database_url` (an empty database)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and not Path(url.database).exists():  # else: migrated as it is
            shutil.copyfile(request.getfixturevalue("migrated_sqlite"), url.database)
    else:
        template: Template = request.getfixturevalue("migrated_postgres")
        if not emptied(database_url, template):
            recreate(POSTGRES_URL, database_url, template)


@pytest.fixture
def empty_postgres(postgres_database: str) -> str:
    """This run's PostgreSQL database, emptied (never migrated): its URL."""
    _reset_postgres(postgres_database)
    return postgres_database


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked `one_database` checks what does not depend on the database (HTTP
    answers, validation, page wiring; the services beneath are tried on both elsewhere):
    it runs on SQLite only, which keeps the whole suite's time down."""
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("database_url") == "postgres"
        (dropped if on_postgres and item.get_closest_marker("one_database") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gigcity.db'}"
    url: str = request.getfixturevalue("postgres_database")
    if "platform" not in request.fixturenames:  # the platform starts from a migrated copy
        _reset_postgres(url)
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Jobs run in the test's own process on both databases; tests/services/jobs start a
    # `gigcity worker` for the PostgreSQL queue.
    return Settings(mode="dev", database_url=database_url, secret_key="", job_queue="in-process")


@pytest.fixture
def platform(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Platform]:
    """The platform's services on a migrated, empty database (a copy of one migrated once
    per run; `upgrade_database` then finds it at the newest schema)."""
    start_migrated(settings.database_url, request)
    p = Platform.from_settings(settings)
    p.upgrade_database()
    yield p
    p.close()


@pytest.fixture
def world(platform: Platform) -> World:
    return make_world(platform)


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    app = create_app(platform.settings, platform)
    with TestClient(app) as c:
        yield c
