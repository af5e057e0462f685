"""`gigcity rules ...` through the real Typer app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.rules import Rulebook, dump_rulebook, load_rulebook

runner = CliRunner()


def test_list_names_both_rulebooks() -> None:
    result = runner.invoke(app, ["rules", "list"])
    assert result.exit_code == 0, result.output
    assert "putuo-2025" in result.output
    assert "baseline-2024" in result.output


def test_validate_accepts_good_and_names_the_fault_in_bad(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(dump_rulebook(load_rulebook("putuo-2025")), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("bulky_fen: 300", "bulky_fen: -5"))
    ok = runner.invoke(app, ["rules", "validate", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "putuo-2025@1" in ok.output
    failed = runner.invoke(app, ["rules", "validate", str(good), str(bad)])
    assert failed.exit_code == 1
    assert "bad.yaml:" in failed.output
    assert "pricing.bulky_fen: money must not be negative" in failed.output


def test_show_prints_clauses_and_machine_formats() -> None:
    table = runner.invoke(app, ["rules", "show", "putuo-2025"])
    assert table.exit_code == 0, table.output
    assert "¥25.00/h" in table.output
    assert "assumption" in table.output
    as_json = runner.invoke(app, ["rules", "show", "putuo-2025", "--json"])
    assert Rulebook.model_validate_json(as_json.output) == load_rulebook("putuo-2025")
    as_yaml = runner.invoke(app, ["rules", "show", "baseline-2024", "--yaml"])
    assert "late_fine_fen_per_min: 50" in as_yaml.output


def test_show_unknown_name_fails_cleanly() -> None:
    result = runner.invoke(app, ["rules", "show", "nowhere-1999"])
    assert result.exit_code == 1
    assert "no shipped rulebook" in result.output


def test_diff_clause_by_clause() -> None:
    result = runner.invoke(app, ["rules", "diff", "baseline-2024", "putuo-2025"])
    assert result.exit_code == 0, result.output
    assert "baseline-2024@1" in result.output
    assert "clauses differ" in result.output
    as_json = runner.invoke(
        app, ["rules", "diff", "baseline-2024", "putuo-2025", "--json", "--changed-only"]
    )
    payload = json.loads(as_json.output)
    assert (payload["a"], payload["b"]) == ("baseline-2024@1", "putuo-2025@1")
    assert payload["changed"] == len(payload["clauses"])
    limit = next(
        c for c in payload["clauses"] if c["clause"] == "fatigue.continuous_work_limit_min"
    )
    assert (limit["a"], limit["b"]) == ("none", "240 min (4 h)")


def test_quote_prices_an_order() -> None:
    result = runner.invoke(
        app,
        ["rules", "quote", "putuo-2025", "--distance-m", "2400", "--floor", "7", "--no-lift"],
    )
    assert result.exit_code == 0, result.output
    assert "pricing.stairs" in result.output
    assert "¥7.90" in result.output  # 4.50 + 1.40 for distance + 2.00 for 4 paid floors
