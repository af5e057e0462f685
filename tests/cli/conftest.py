"""What the CLI tests share: a command line pointed at a fresh SQLite database, in dev mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gigcity.config import get_settings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GIGCITY_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("GIGCITY_MODE", "dev")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
