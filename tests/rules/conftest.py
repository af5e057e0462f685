"""Fixtures for the rules tests: the shipped rulebooks."""

from __future__ import annotations

import pytest

from gigcity.rules import Rulebook, load_rulebook


@pytest.fixture(scope="session")
def putuo() -> Rulebook:
    return load_rulebook("putuo-2025")


@pytest.fixture(scope="session")
def baseline() -> Rulebook:
    return load_rulebook("baseline-2024")
