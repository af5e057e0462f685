"""Fixtures for the simulator tests: small instances generated from seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from gigcity.sim import Instance, SimulationResult, generate_instance, simulate, write_instance


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
