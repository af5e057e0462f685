"""The platform `gigcity serve` runs has the simulator as the workbench's engine."""

from __future__ import annotations

import pytest

from gigcity.cli import platform as cli_platform
from gigcity.services.accounts import Principal, Role
from gigcity.sim.scenarios import scenario_names


@pytest.mark.usefixtures("env")
def test_the_cli_platform_offers_the_simulators_scenarios() -> None:
    platform = cli_platform._platform()
    try:
        options = platform.workbench.options(Principal(role=Role.admin, label="cli"))
        assert [choice.id for choice in options.scenarios] == list(scenario_names())
        assert options.may_start is True
    finally:
        platform.close()
