"""`gigcity validate`, `gigcity simulate` and `gigcity bench mdrp` on generated instances."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.sim import generate_instance, write_instance

runner = CliRunner()


@pytest.fixture
def day(tmp_path: Path) -> Path:
    return write_instance(
        generate_instance(10, orders=50, couriers=14, restaurants=5), tmp_path / "day"
    )


def test_simulate_writes_everything_and_validate_accepts_it(day: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["simulate", str(day), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in (
        "solution_info_assignments.txt",
        "solution_info_orders.txt",
        "solution_info_couriers.txt",
        "metrics.json",
        "report.html",
        "decisions.jsonl",
    ):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["click_to_door"]) >= {"mean", "std", "min", "p10", "p50", "p90", "max"}
    assert metrics["run"]["rules"] == "mdrp"
    report = (out / "report.html").read_text()
    assert report.count("<svg") == 4
    assert "<script" not in report
    assert "http" not in report.split("<svg")[0]  # no CDN: everything is inline

    checked = runner.invoke(app, ["validate", str(day), str(out)])
    assert checked.exit_code == 0, checked.output
    assert "FEASIBLE" in checked.output


def test_validate_names_courier_and_order_and_exits_non_zero(day: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["simulate", str(day), "--out", str(out)]).exit_code == 0
    path = out / "solution_info_assignments.txt"
    lines = path.read_text().splitlines()
    _, pickup, courier, *orders = lines[1].split()
    lines[1] = " ".join(["-1", pickup, courier, *orders])
    path.write_text("\n".join(lines) + "\n")
    checked = runner.invoke(app, ["validate", str(day), str(out)], terminal_width=200)
    assert checked.exit_code == 1
    assert "INFEASIBLE" in checked.output
    assert f"courier {courier} was assigned order {orders[0]} at -1" in checked.output


def test_validate_reports_unreadable_files(day: Path, tmp_path: Path) -> None:
    checked = runner.invoke(app, ["validate", str(day), str(tmp_path / "nothing")])
    assert checked.exit_code == 2
    assert "file is missing" in checked.output


def test_simulate_under_a_rulebook_and_refuses_unknown_ones(day: Path, tmp_path: Path) -> None:
    out = tmp_path / "putuo"
    result = runner.invoke(app, ["simulate", str(day), "--out", str(out), "--rules", "putuo-2025"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["run"]["rules"] == "putuo-2025@1"
    assert metrics["rest"]["breaches"] == 0
    unknown = runner.invoke(
        app, ["simulate", str(day), "--out", str(out), "--rules", "nowhere-1999"]
    )
    assert unknown.exit_code == 2
    assert "nowhere-1999" in unknown.output


def test_judging_by_a_rulebook_measures_without_enforcing(day: Path, tmp_path: Path) -> None:
    out = tmp_path / "judged"
    result = runner.invoke(app, ["simulate", str(day), "--out", str(out), "--judge", "putuo-2025"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["run"]["rules"] == "mdrp"
    assert metrics["rest"]["rule"] == "putuo-2025@1"
    assert metrics["rest"]["enforced"] is False
    assert metrics["on_route"]["test"] == "putuo-2025@1"


def test_bench_writes_csv_and_markdown_with_a_mean_row(tmp_path: Path) -> None:
    folder = tmp_path / "instances"
    for seed in (10, 1):
        write_instance(
            generate_instance(seed, orders=40, couriers=12, restaurants=5), folder / f"s{seed}"
        )
    out = tmp_path / "results"
    result = runner.invoke(app, ["bench", "mdrp", str(folder), "--out", str(out), "--name", "tiny"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "tiny.csv").open()))
    assert [r["instance"] for r in rows] == ["s1", "s10", "mean of 2"]
    assert rows[-1]["feasible"] == "2/2"
    assert float(rows[0]["solve_s"]) > 0
    markdown = (out / "tiny.md").read_text()
    assert "FoodMatch" in markdown
    assert "gigcity bench mdrp" in markdown
    assert "| mean of 2 |" in markdown
