"""`gigcity compare --equal-service`: the fewest riders each rulebook needs, as a table and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gigcity.cli import app

runner = CliRunner()


def test_equal_service_as_json_and_files(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        ["compare", "--rules", "baseline-2024", "--rules", "putuo-2025", "--orders", "120",
         "--equal-service", "--target-undelivered", "5", "--target-p90", "90", "--json",
         "--out", str(tmp_path)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["target"]["undelivered_share"] == 0.05
    assert data["a"]["met"]
    assert json.loads((tmp_path / "equal_service.json").read_text()) == data


def test_equal_service_as_a_table() -> None:
    r = runner.invoke(
        app,
        ["compare", "--rules", "baseline-2024", "--rules", "putuo-2025", "--orders", "120",
         "--equal-service", "--target-p90", "90"],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    for words in ("Riders needed", "Gini of pay per active hour", "riders per seed",
                  "given, the rest baseline-2024@1 on each day's own fleet"):  # fmt: skip
        assert words in text


def test_equal_service_needs_two_rulebooks() -> None:
    r = runner.invoke(app, ["compare", "--rules", "baseline-2024", "--equal-service"])
    assert r.exit_code == 2
    assert "exactly two rulebooks" in r.output
