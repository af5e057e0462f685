"""The reports commands: the bonus pool from the command line, rebuilding the daily counts,
and purging photos nobody used."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.config import get_settings

runner = CliRunner()


@pytest.fixture
def env(env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The CLI's database (tests/cli/conftest.py), with a data directory of its own."""
    monkeypatch.setenv("GIGCITY_DATA_DIR", str(env / "data"))
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


def test_top_up_is_idempotent_and_shows_in_the_pool(env: Path) -> None:
    first = runner.invoke(app, ["reports", "top-up", "1000", "--key", "budget-2025"])
    assert first.exit_code == 0, first.output
    assert "¥1,000.00" in first.output
    again = runner.invoke(app, ["reports", "top-up", "1000", "--key", "budget-2025"])
    assert again.exit_code == 0
    other = runner.invoke(app, ["reports", "top-up", "5", "--key", "budget-2025"])
    assert other.exit_code == 1
    assert "different amount" in other.output
    pool = runner.invoke(app, ["reports", "pool"])
    assert "budget ¥1,000.00" in pool.output
    assert "balance ¥1,000.00" in pool.output


def test_recount_and_purge(env: Path) -> None:
    seeded = runner.invoke(app, ["seed", "--demo", "--count", "60"])
    assert seeded.exit_code == 0, seeded.output
    result = runner.invoke(app, ["reports", "recount"])
    assert result.exit_code == 0, result.output
    rows = int(result.output.split(":")[1].split()[0])
    assert rows > 10  # the demo's month of reports
    purged = runner.invoke(app, ["reports", "purge-photos", "--hours", "0"])
    assert "removed 0 unused photos" in purged.output
