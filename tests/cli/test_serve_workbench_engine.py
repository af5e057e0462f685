"""The platform `gigcity serve` runs has the simulator as the workbench's engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gigcity.cli import platform as cli_platform
from gigcity.config import get_settings
from gigcity.services.accounts import Principal, Role
from gigcity.sim.scenarios import scenario_names


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GIGCITY_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("GIGCITY_MODE", "dev")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.mark.usefixtures("env")
def test_the_cli_platform_offers_the_simulators_scenarios() -> None:
    platform = cli_platform._platform()
    try:
        options = platform.workbench.options(Principal(role=Role.admin, label="cli"))
        assert options.scenarios == list(scenario_names())
        assert options.may_start is True
    finally:
        platform.close()
