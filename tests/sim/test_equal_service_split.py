"""Differences at equal service split into the rules' part and the fleet's part, on tiny days
with known answers: the parts add up to the difference for every measure, the rules' part is
the ordinary comparison on A's answer fleet, B on A's fleet is simulated when B's search did
not, and a B that needs no more riders has a fleet part of 0."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.rules import Rulebook
from gigcity.sim.scenarios import ScenarioSpec, load_scenario, with_clauses
from gigcity.sim.scenarios.compare import compare
from gigcity.sim.scenarios.equal_service import equal_service
from gigcity.sim.scenarios.equal_service_report import split_rows, split_sentences
from gigcity.sim.scenarios.equal_service_split import SPLIT, split_day, split_equal_service
from gigcity.sim.scenarios.fleet import fleet_factor

SPEC = ScenarioSpec("putuo-weekday", seed=0, orders=120)
HALF = ScenarioSpec("putuo-weekday", seed=0, orders=200, fleet=0.5)


@pytest.fixture(scope="module")
def added(baseline: Rulebook, agreement: Rulebook) -> dict[str, Any]:
    """From half the roster (5 riders), A needs 8 riders and B 10: B's search (5, 10, 9)
    never tried A's 8, so B on 8 riders is simulated for the split."""
    return equal_service(HALF, baseline, agreement, target_undelivered=0.03, target_p90_min=60.0)


def _answer(seed: dict[str, Any]) -> int:
    return int(seed["riders"] if seed["met"] else seed["largest_tried"])


def test_the_parts_add_up_to_the_difference_of_every_measure(added: dict[str, Any]) -> None:
    split = added["split"]
    for day, sa, sb in zip(split["per_seed"], added["a"]["per_seed"], added["b"]["per_seed"],
                           strict=True):  # fmt: skip
        assert day["riders"] == {"a": _answer(sa), "b": _answer(sb)}
        for key, _ in SPLIT:
            part = day["measures"][key]
            a = sa["rider_hours"] if key == "rider_hours" else sa["values"][key]
            b = sb["rider_hours"] if key == "rider_hours" else sb["values"][key]
            assert part["difference"] == pytest.approx(b - a, abs=1e-6), key
            assert part["rules"] + part["fleet"] == pytest.approx(part["difference"], abs=1e-9)
    table = {row["key"]: row for row in added["table"]}
    for entry in split["measures"]:
        assert entry["rules"] + entry["fleet"] == pytest.approx(entry["difference"], abs=1e-9)
        # One day: the split's difference is the table's.
        assert entry["difference"] == pytest.approx(table[entry["key"]]["difference"], abs=1e-5)
    hours = {e["key"]: e for e in split["measures"]}["rider_hours"]
    assert hours["rules"] == 0  # shifts follow the fleet, not the rules


def test_the_rules_part_is_the_ordinary_comparison_on_as_answer_fleet(
    added: dict[str, Any], baseline: Rulebook, agreement: Rulebook
) -> None:
    (day,) = added["split"]["per_seed"]
    assert day["riders"] == {"a": 8, "b": 10}
    assert 8 not in added["b"]["per_seed"][0]["tried"]
    assert day["same_fleet_day"] == "added"
    assert added["split"]["added_days"] == 1
    tried = len(added["a"]["per_seed"][0]["tried"]) + len(added["b"]["per_seed"][0]["tried"])
    assert added["simulated_days"] == tried + 1  # the split's own day, counted
    roster = len(load_scenario(replace(HALF, fleet=1.0)).instance.couriers)
    same = compare(
        replace(HALF, fleet=fleet_factor(8, roster)), baseline, agreement, attribution=False
    )
    rows = {row["key"]: row for row in same["table"]}
    for key in ("pay_per_hour_mean", "cost_per_order", "c2d_p90", "c2d_mean", "undelivered"):
        assert day["measures"][key]["rules"] == pytest.approx(rows[key]["difference"], abs=1e-6)
    explained = {m["key"]: m for m in same["explained"]["measures"]}
    for key in ("pay_per_hour_mean", "cost_per_order"):
        ours = day["measures"][key]["rules_factors"]
        assert ours["effects"] == pytest.approx(explained[key]["factors"]["effects"], abs=1e-6)
        assert sum(ours["effects"].values()) + ours["residual"] == pytest.approx(
            day["measures"][key]["rules"], abs=1e-5
        )
    fleet = added["split"]["fleet"]
    assert fleet["riders_added"] == 2


def test_a_b_that_needs_no_more_riders_has_no_fleet_part(
    baseline: Rulebook, agreement: Rulebook
) -> None:
    result = equal_service(SPEC, baseline, agreement, target_undelivered=0.05, target_p90_min=90.0)
    split = result["split"]
    (day,) = split["per_seed"]
    assert day["riders"]["a"] == day["riders"]["b"]
    assert day["same_fleet_day"] == "searched"
    assert split["added_days"] == 0
    assert split["fleet"]["riders_added"] == 0
    for entry in split["measures"]:
        assert entry["fleet"] == 0, entry["key"]
        assert entry["rules"] == entry["difference"]
        assert entry["largest"] in ("rules", None)
    sentences = {s["key"]: s["sentence"] for s in split_sentences(result)}
    assert "The larger part is the rules." in sentences["cost_per_order"]
    assert "Largest factor of the rules' part:" in sentences["cost_per_order"]
    assert sentences["riders"].startswith("Riders B adds to A's answer: +0 ")


def test_rulebooks_that_dispatch_alike_share_the_same_fleet_day(
    baseline: Rulebook,
) -> None:
    richer = with_clauses(baseline, {"pricing.stairs.fen_per_floor": 100})
    result = equal_service(SPEC, baseline, richer, tolerance=0.2)
    (day,) = result["split"]["per_seed"]
    assert day["same_fleet_day"] == "shared"
    cost = {e["key"]: e for e in result["split"]["measures"]}["cost_per_order"]
    assert (cost["fleet"], cost["largest"]) == (0, "rules")
    assert cost["rules"] > 0  # stairs paid more, on the very same deliveries
    assert cost["largest_rules_factor"]["key"] == "order_pay"


def test_the_command_names_the_parts(equal_service_command: tuple[str, Path]) -> None:
    text, out = equal_service_command
    assert "Explained differences at equal service" in text
    assert "the rules, same riders" in text
    assert "the riders B adds" in text
    assert "from the rules on the same riders" in text
    assert "The larger part is" in text
    markdown = (out / "equal_service.md").read_text("utf-8")
    assert "## Explained differences at equal service" in markdown
    assert "| Cost per delivered order (pay and top-ups) (¥) | " in markdown
    saved = json.loads((out / "equal_service.json").read_text("utf-8"))
    assert [m["key"] for m in saved["split"]["measures"]] == [key for key, _ in SPLIT]
    assert split_rows(saved["split"])[0] == [
        "measure", "the rules, same riders", "the riders B adds", "at equal service (B − A)",
    ]  # fmt: skip


# --- the split itself, on random figures ----------------------------------------------------

_figure = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
_positive = st.floats(min_value=0.5, max_value=1e4, allow_nan=False, allow_infinity=False)
_pay = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def _day(draw: st.DrawFn) -> dict[str, float | None]:
    values: dict[str, float | None] = {key: draw(_figure) for key, _ in SPLIT}
    values |= {f: draw(_pay) for f in ("order_pay_fen", "fines_fen", "top_up_fen")}
    values |= {"active_hours": draw(_positive), "delivered": draw(_positive)}
    return values


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_day(), _day(), _day(), st.integers(1, 50), st.integers(1, 50)),
                min_size=1, max_size=3))  # fmt: skip
def test_on_any_figures_the_parts_and_factors_add_up(
    days: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any], int, int]],
) -> None:
    def side(pick: int, riders: int) -> dict[str, Any]:
        return {"per_seed": [
            {"seed": i, "met": True, "riders": day[riders], "largest_tried": None,
             "rider_hours": day[pick]["rider_hours"], "values": day[pick]}
            for i, day in enumerate(days)
        ]}  # fmt: skip

    a, b = side(0, 3), side(2, 4)
    same = {i: d[1] for i, d in enumerate(days)}
    split = split_equal_service(a, b, same, dict.fromkeys(same, "added"))
    for day, (va, vs, vb, _, _) in zip(split["per_seed"], days, strict=True):
        vs = {**vs, "rider_hours": va["rider_hours"]}
        assert day["measures"] == split_day(va, vs, vb)
    for entry in split["measures"]:
        key = entry["key"]
        assert entry["rules"] + entry["fleet"] == pytest.approx(entry["difference"], abs=1e-6)
        diffs = [
            (d[2]["rider_hours"] if key == "rider_hours" else d[2][key])
            - (d[0]["rider_hours"] if key == "rider_hours" else d[0][key])
            for d in days
        ]
        assert entry["difference"] == pytest.approx(sum(diffs) / len(diffs), abs=1e-5)
        for part in ("rules_factors", "fleet_factors"):
            factors = entry[part]
            if factors is not None:
                total = sum(factors["effects"].values()) + factors["residual"]
                assert math.isclose(total, entry[part.split("_")[0]], abs_tol=1e-4)
    assert split["fleet"]["riders_added"] == pytest.approx(
        sum(d[4] - d[3] for d in days) / len(days), abs=1e-6
    )
