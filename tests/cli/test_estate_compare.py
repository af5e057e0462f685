"""`gigcity compare --scenario putuo-estate`: the same day without help, with the guide, with
relay and with both, as a table and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gigcity.cli import app

runner = CliRunner()


def test_the_estate_comparison_as_json_and_file(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        ["compare", "--scenario", "putuo-estate", "--orders", "300", "--seed", "2",
         "--consent", "0.5", "--json", "--out", str(tmp_path)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert list(data["variants"]) == ["none", "guide", "relay", "guide+relay"]
    assert data["scenario"]["consent_share"] == 0.5
    assert data["scenario"]["rulebook"].startswith("putuo-2025")
    for variant in data["variants"].values():
        for key in ("rider_min_per_order", "c2d_min", "ebikes_at_gate_peak",
                    "ebikes_at_gate_mean", "courier_min_per_item"):  # fmt: skip
            assert key in variant
    assert data["variants"]["relay"]["relay_orders"] > 0
    assert set(data["saved"]) == {"guide", "relay", "guide+relay"}
    assert json.loads((tmp_path / "estate.json").read_text()) == data


def test_the_estate_comparison_as_a_table() -> None:
    r = runner.invoke(
        app,
        ["compare", "--scenario", "putuo-estate", "--orders", "200", "--rules", "baseline-2024"],
        env={"COLUMNS": "200"},
    )
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    for words in ("no guide, no relay", "guide only", "relay only", "guide + relay",
                  "Rider minutes per estate order", "E-bikes waiting at the gate, peak",
                  "Courier minutes per relay item", "rider minutes saved per estate order"):  # fmt: skip
        assert words in text
    assert "baseline-2024" in text


def test_two_rulebooks_on_the_estate_day_compare_rulebooks(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        ["compare", "--scenario", "putuo-estate", "--orders", "60", "--rules", "baseline-2024",
         "--rules", "putuo-2025", "--no-attribution"],
    )  # fmt: skip
    assert r.exit_code == 2
    assert "give --out" in " ".join(r.output.split())
    r = runner.invoke(
        app,
        ["compare", "--scenario", "putuo-estate", "--orders", "60", "--rules", "baseline-2024",
         "--rules", "putuo-2025", "--no-attribution", "--out", str(tmp_path)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "comparison.json").read_text())["scenario"]["name"] == (
        "putuo-estate"
    )
