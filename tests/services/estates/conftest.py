"""Fixtures of the estates service's tests: the service on the platform's database (SQLite
and PostgreSQL)."""

from __future__ import annotations

import pytest

from gigcity.services.estates import EstatesService
from gigcity.services.platform import Platform


@pytest.fixture
def estates(platform: Platform) -> EstatesService:
    return platform.estates
