"""`gigcity serve` logs through gigcity.logs (uvicorn's own access line, with its query
strings, is off), in every worker process; metrics in multiprocess mode start from zero.
uvicorn is stubbed: nothing listens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.cli.platform import server_worker_app
from gigcity.config import Settings

runner = CliRunner()


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """The settings each configure_logging call was given (logging itself left alone)."""
    calls: list[Settings] = []
    monkeypatch.setattr("gigcity.logs.configure_logging", calls.append)
    return calls


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append((app, kwargs)))
    return calls


@pytest.mark.usefixtures("env")
def test_serve_sets_up_logging_and_turns_uvicorns_own_off(
    configured: list[Settings], served: list[tuple[Any, dict[str, Any]]]
) -> None:
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert [s.mode for s in configured] == ["dev"]
    ((_, options),) = served
    assert options["log_config"] is None
    assert options["access_log"] is False


@pytest.mark.usefixtures("env")
def test_each_of_several_workers_sets_up_its_own_logging(
    configured: list[Settings], served: list[tuple[Any, dict[str, Any]]]
) -> None:
    result = runner.invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    ((target, options),) = served
    assert target == "gigcity.cli.platform:server_worker_app"
    assert options["factory"] is True
    configured.clear()
    worker_app = server_worker_app()  # what uvicorn calls in each worker process
    try:
        assert isinstance(worker_app, FastAPI)
        assert len(configured) == 1
    finally:
        worker_app.state.platform.close()


@pytest.mark.usefixtures("env", "configured", "served")
def test_multiprocess_metrics_start_from_zero_and_other_files_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    stale = ["counter_4711.db", "histogram_4711.db", "gauge_livesum_12.db"]
    kept = ["gigcity.db", "counter.db", "notes.txt"]
    for name in stale + kept:
        (shared / name).write_bytes(b"x")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in shared.iterdir()) == sorted(kept)
