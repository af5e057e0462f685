"""What the job-queue tests share: a platform whose jobs go to procrastinate's queue on an
empty, migrated PostgreSQL database (run by a `gigcity worker` the test starts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gigcity.config import Settings
from gigcity.services.platform import Platform
from gigcity.sim.scenarios import ScenarioWorkbench


@pytest.fixture
def pg_platform(empty_postgres: str) -> Iterator[Platform]:
    settings = Settings(mode="dev", database_url=empty_postgres, job_queue="procrastinate")
    platform = Platform.from_settings(settings, workbench_engine=ScenarioWorkbench())
    platform.upgrade_database()
    yield platform
    platform.close()
