"""`gigcity scenario generate`, `gigcity compare` and `gigcity sweep` on tiny days."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gigcity.cli import app

runner = CliRunner()


def test_generate_then_compare_the_folder(tmp_path: Path) -> None:
    day = tmp_path / "day"
    r = runner.invoke(
        app,
        ["scenario", "generate", "putuo-rainy", "--seed", "2", "--orders", "80", "--out", str(day)],
    )
    assert r.exit_code == 0, r.output
    assert (day / "order_details.txt").is_file()
    out = tmp_path / "cmp"
    r = runner.invoke(
        app,
        ["compare", "--rules", "baseline-2024", "--rules", "putuo-2025", "--scenario", str(day),
         "--no-attribution", "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads((out / "comparison.json").read_text())
    assert data["scenario"]["kind"] == "rainy"
    assert data["attribution"] is None
    assert (out / "report.html").is_file()


def test_compare_refuses_one_rulebook_and_unknown_scenarios(tmp_path: Path) -> None:
    r = runner.invoke(app, ["compare", "--rules", "putuo-2025", "--out", str(tmp_path)])
    assert r.exit_code == 2
    assert "exactly two rulebooks" in " ".join(r.output.split())
    r = runner.invoke(
        app,
        [
            "compare",
            "--rules",
            "putuo-2025",
            "--rules",
            "putuo-2025",
            "--scenario",
            "mars",
            "--out",
            str(tmp_path),
        ],
    )
    assert r.exit_code == 2
    assert "'mars' is neither a scenario" in " ".join(r.output.split())


def test_sweep_command(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        ["sweep", "--set", "pricing.stairs.fen_per_floor=50:150:50", "--orders", "60", "--seeds", "1",
         "--workers", "1", "--out", str(tmp_path)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert (tmp_path / "tradeoff.svg").is_file()
    assert len(json.loads((tmp_path / "sweep.json").read_text())["points"]) == 3
    r = runner.invoke(
        app, ["sweep", "--set", "pricing.stairs.per_floor_fen=1,2", "--out", str(tmp_path)]
    )
    assert r.exit_code == 2
    assert "did you mean pricing.stairs.fen_per_floor" in " ".join(r.output.split())
