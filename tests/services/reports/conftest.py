"""Fixtures of the snap-and-report service tests: photos kept in the test's own directory,
a district ready for reports, and (for races) a PostgreSQL-only platform."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from gigcity.config import Settings
from gigcity.services.platform import Platform
from gigcity.services.reports import PhotoStore
from services.reports.reports_support import (
    database_url,
    empty_all,
    pg_at_head,
    setup_district,
)
from support import World, make_world

__all__ = ["database_url"]  # the faster PostgreSQL reset for this directory


@pytest.fixture(autouse=True)
def _photos_in_tmp(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if "platform" in request.fixturenames:
        platform: Platform = request.getfixturevalue("platform")
        platform.reports.photos = PhotoStore(tmp_path / "photos")


@pytest.fixture
def ready(platform: Platform, world: World) -> World:
    """The small world, with routes and a funded pool (10,000 yuan)."""
    setup_district(platform, world)
    return world


@pytest.fixture
def pg_platform(postgres_database: str, tmp_path: Path) -> Iterator[Platform]:
    """The platform on PostgreSQL only (races need a server that runs them in parallel)."""
    if pg_at_head(postgres_database):
        empty_all(postgres_database)
    else:
        engine = create_engine(postgres_database)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    platform = Platform.from_settings(
        Settings(mode="dev", database_url=postgres_database, data_dir=tmp_path)
    )
    platform.upgrade_database()
    yield platform
    platform.close()


@pytest.fixture
def pg_world(pg_platform: Platform) -> World:
    world = make_world(pg_platform)
    setup_district(pg_platform, world, budget_fen=0)
    return world
