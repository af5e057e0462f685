"""Fixtures of the gate-pass service's tests: the clock the tests move and the test estate
(SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from estate_support import add_estate
from gigcity.services.platform import Platform
from services.gates.gates_support import Clock, estate_document
from support import World


@pytest.fixture
def clock(platform: Platform) -> Clock:
    clock = Clock()
    platform.gates.clock = clock
    return clock


@pytest.fixture
def estate(platform: Platform, world: World) -> int:
    return add_estate(platform, estate_document())
