"""Fixtures for the simulator tests: small instances generated from seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from gigcity.rules import Rulebook, load_rulebook
from gigcity.sim import Instance, SimulationResult, generate_instance, simulate, write_instance
from gigcity.sim.scenarios import ScenarioSpec


@pytest.fixture(scope="session")
def small() -> Instance:
    """A small day with enough couriers that everything is delivered."""
    return generate_instance(10, orders=50, couriers=14, restaurants=5)


@pytest.fixture(scope="session")
def small_result(small: Instance) -> SimulationResult:
    return simulate(small)


@pytest.fixture
def small_dir(small: Instance, tmp_path: Path) -> Path:
    return write_instance(small, tmp_path / small.name)


@pytest.fixture(scope="session")
def long_shifts() -> Instance:
    """Few couriers on long shifts and many orders: continuous work runs past 4 hours."""
    return generate_instance(1, orders=400, couriers=6, day_min=600, shift_min=(480, 600))


@pytest.fixture(scope="session")
def baseline() -> Rulebook:
    return load_rulebook("baseline-2024")


@pytest.fixture(scope="session")
def agreement() -> Rulebook:
    return load_rulebook("putuo-2025")


@pytest.fixture(scope="session")
def equal_service_command(
    baseline: Rulebook, agreement: Rulebook, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """`gigcity compare --equal-service --who-gains --out` on a small day, run once: what it
    printed and the folder it wrote."""
    from rich.console import Console

    from gigcity.cli.sim import equal_service_compare

    out = tmp_path_factory.mktemp("equal")
    console = Console(record=True, width=200)
    equal_service_compare(
        console, baseline, agreement, ScenarioSpec("putuo-weekday", seed=0, orders=120),
        seeds=1, target_undelivered_pct=5.0, target_p90=90.0, workers=1, ray=None, out=out,
        as_json=False, who_gains=True,
    )  # fmt: skip
    return console.export_text(), out
