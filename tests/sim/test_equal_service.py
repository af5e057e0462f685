"""Equal service on small days with known answers: enough riders, too few, an impossible target."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gigcity.rules import Rulebook
from gigcity.sim.scenarios import ScenarioError, ScenarioSpec, with_clauses
from gigcity.sim.scenarios.equal_service import equal_service
from ray_support import need_ray

SPEC = ScenarioSpec("putuo-weekday", seed=0, orders=120)
EASY: dict[str, Any] = {"target_undelivered": 0.05, "target_p90_min": 60.0}
SHORT = ScenarioSpec("putuo-weekday", seed=0, orders=200, fleet=0.5)


@pytest.fixture(scope="module")
def short(baseline: Rulebook, agreement: Rulebook) -> dict[str, Any]:
    """Starting from half the riders, a target the full fleet meets: the search goes up."""
    return equal_service(
        SHORT, baseline, agreement,
        seeds=[0, 1], target_undelivered=0.03, target_p90_min=60.0,
    )  # fmt: skip


def test_a_target_the_fleet_easily_meets_needs_no_more_riders(
    baseline: Rulebook, agreement: Rulebook
) -> None:
    result = equal_service(SPEC, baseline, agreement, target_undelivered=0.05, target_p90_min=90.0)
    for side in (result["a"], result["b"]):
        assert side["met"]
        assert side["riders"] <= side["start"]
        assert side["factor"] <= 1.0
        assert side["figures"]["undelivered"] <= 0.05
        assert side["figures"]["c2d_p90"] <= 90.0
    assert result["target"]["source"] == "given"


def test_a_short_fleet_is_searched_up_to_the_fewest_riders_that_meet_the_target(
    short: dict[str, Any],
) -> None:
    for side in (short["a"], short["b"]):
        assert side["met"]
        assert side["riders"] > side["start"]
        for seed in side["per_seed"]:
            assert seed["values"]["undelivered"] <= 0.03
            assert seed["values"]["c2d_p90"] <= 60.0
            # bisected to one rider: one rider fewer was simulated and missed the target
            assert seed["riders"] - 1 in seed["tried"]
        assert side["spread"]["min"] <= side["riders"] <= side["spread"]["max"]
    row = next(r for r in short["table"] if r["key"] == "riders")
    assert row["difference"] == short["b"]["riders"] - short["a"]["riders"]


def test_the_answer_does_not_change_when_run_again(
    short: dict[str, Any], baseline: Rulebook, agreement: Rulebook
) -> None:
    again = equal_service(
        SHORT, baseline, agreement, seeds=[0, 1], target_undelivered=0.03, target_p90_min=60.0
    )
    assert again == short


def test_every_seed_begins_at_its_own_fleet(short: dict[str, Any]) -> None:
    for key in ("a", "b"):
        for seed in short[key]["per_seed"]:
            assert seed["tried"][0] == seed["start"]


def test_the_command_line_table_shows_the_spread_and_the_difference(
    short: dict[str, Any],
) -> None:
    from gigcity.cli.sim import equal_service_rows

    rows = equal_service_rows(short)
    assert rows[0] == ["measure", "A baseline-2024@1", "B putuo-2025@1", "B − A"]
    riders = next(r for r in rows if r[0].startswith("Riders needed"))
    spread = short["a"]["spread"]
    assert riders[1] == f"{short['a']['riders']} ({spread['min']}–{spread['max']})"
    assert riders[3] == f"{short['b']['riders'] - short['a']['riders']:+d}"
    assert any(r[0] == "Gini of pay per active hour" for r in rows)


def test_the_command_prints_the_table_and_writes_json_and_markdown(
    equal_service_command: tuple[str, Path],
) -> None:
    text, tmp_path = equal_service_command
    assert "Riders needed" in text
    assert "undelivered ≤ 5.000 %, click-to-door p90 ≤ 90.00 min" in text
    saved = json.loads((tmp_path / "equal_service.json").read_text(encoding="utf-8"))
    assert saved["rulebooks"] == {"a": "baseline-2024@1", "b": "putuo-2025@1"}
    assert "| Riders needed (riders) |" in (tmp_path / "equal_service.md").read_text("utf-8")


def test_an_impossible_target_is_reported_as_not_met(
    baseline: Rulebook, agreement: Rulebook
) -> None:
    result = equal_service(
        SPEC, baseline, agreement, target_undelivered=0.0, target_p90_min=1.0, max_factor=1.5
    )
    for side in (result["a"], result["b"]):
        assert not side["met"]
        assert side["riders"] is None
        (seed,) = side["per_seed"]
        assert seed["largest_tried"] == round(1.5 * side["start"])
        # from the fleet upwards to the largest fleet allowed, no further
        assert seed["tried"][0] == side["start"]
        assert seed["tried"] == sorted(set(seed["tried"]))
        assert seed["tried"][-1] == seed["largest_tried"]
    assert next(r for r in result["table"] if r["key"] == "riders")["difference"] is None
    from gigcity.cli.sim import equal_service_rows

    riders = next(r for r in equal_service_rows(result) if r[0].startswith("Riders needed"))
    assert riders[1:] == [f"not met (> {round(1.5 * result['a']['start'])})"] * 2 + ["–"]


def test_the_default_target_is_the_baselines_own_service(
    baseline: Rulebook, agreement: Rulebook
) -> None:
    # Rulebooks that differ only in pay share every simulated day.
    richer = with_clauses(baseline, {"pricing.stairs.fen_per_floor": 100})
    result = equal_service(SPEC, baseline, richer, tolerance=0.2)
    a, b = result["a"], result["b"]
    assert a["met"]
    # A's own service on its own fleet is the target: A needs that fleet, unsearched
    assert a["riders"] == a["start"]
    assert a["per_seed"][0]["tried"] == [a["start"]]
    assert b["riders"] == a["riders"]  # same dispatch, same service: same fleet
    assert b["figures"]["cost_per_order"] >= a["figures"]["cost_per_order"]
    assert result["simulated_days"] == 1
    assert "baseline-2024" in result["target"]["source"]


def test_bad_search_settings_are_refused(baseline: Rulebook) -> None:
    with pytest.raises(ScenarioError, match="seed"):
        equal_service(SPEC, baseline, baseline, seeds=[])
    with pytest.raises(ScenarioError, match="tolerance"):
        equal_service(SPEC, baseline, baseline, tolerance=1.5)


@pytest.fixture(scope="module")
def inline(baseline: Rulebook, agreement: Rulebook) -> dict[str, Any]:
    """The answer searched in this process (what the processes and Ray must give back)."""
    return equal_service(SPEC, baseline, agreement, **EASY)


@pytest.mark.slow
@pytest.mark.parametrize("where", [{"workers": 2}, {"ray_address": "local"}])
def test_candidate_fleets_run_as_tasks_in_processes_or_on_ray(
    where: dict[str, Any], inline: dict[str, Any], baseline: Rulebook, agreement: Rulebook
) -> None:
    if "ray_address" in where:
        need_ray()
    assert equal_service(SPEC, baseline, agreement, **EASY, **where) == inline
