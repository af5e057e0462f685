"""Tests that run work on a local Ray instance: skipped, saying so, where ray is not
installed (`pip install '.[ray]'`); an error instead with GIGCITY_REQUIRE_RAY=1, as in CI,
so the Ray path cannot go untested there by a missing package."""

from __future__ import annotations

import importlib.util
import os

import pytest


def need_ray() -> None:
    """Skip (or, when Ray is required, fail) the calling test unless ray is importable."""
    if importlib.util.find_spec("ray") is not None:
        return
    if os.environ.get("GIGCITY_REQUIRE_RAY") == "1":
        pytest.fail("GIGCITY_REQUIRE_RAY=1 but ray is not installed (pip install '.[ray]')")
    pytest.skip("ray is not installed (pip install '.[ray]')")
