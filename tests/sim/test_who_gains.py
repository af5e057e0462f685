"""Who gains at equal service: per-rider distributions and who earns less, by reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.rules import Rulebook
from gigcity.sim.scenarios import ScenarioSpec, load_scenario, with_clauses
from gigcity.sim.scenarios.equal_service import equal_service
from gigcity.sim.scenarios.who_gains import (
    ENGLISH,
    PARTS,
    REASONS,
    Limits,
    RiderDay,
    _rests,
    classify,
    pay_parts,
    who_gains,
    who_gains_plots,
    who_gains_rows,
)

pytestmark = pytest.mark.one_database

SPEC = ScenarioSpec("putuo-weekday", seed=0, orders=120)
REST_DAY = ScenarioSpec("putuo-weekday", seed=0, orders=200)
NO_FINES = {
    "service_score.lateness_deducts_money": False,
    "service_score.late_fine_fen_per_min": 0,
    "service_score.late_fine_cap_fen": None,
}


def _fleets(spec: ScenarioSpec, a: int, b: int) -> dict[str, Any]:
    """An equal-service answer with the given fleets (what `who_gains` reads of one)."""
    return {
        "seeds": [spec.seed],
        "a": {"per_seed": [{"seed": spec.seed, "met": True, "riders": a}]},
        "b": {"per_seed": [{"seed": spec.seed, "met": True, "riders": b}]},
    }


def _adds_up(result: dict[str, Any], fleets: dict[str, list[int]]) -> None:
    verdicts = result["verdicts"]
    assert sum(verdicts.values()) == result["compared"]
    assert sum(r["riders"] for r in result["reasons"]) == verdicts["loses"] == len(result["losers"])
    for key, other in (("a", "b"), ("b", "a")):
        assert result["compared"] + result["only_in"][key] == sum(fleets[key])
        assert result["distributions"]["pay"][key]["count"] == sum(fleets[key])
        assert result["only_in"][key] == 0 or sum(fleets[key]) > sum(fleets[other])


# --- the arithmetic -------------------------------------------------------------------------

days = st.builds(
    RiderDay,
    pay_fen=st.integers(0, 40_000),
    order_pay_fen=st.integers(0, 40_000),
    fines_fen=st.integers(0, 5_000),
    top_up_fen=st.integers(0, 10_000),
    orders=st.integers(0, 60),
    worked_h=st.one_of(st.just(0.0), st.floats(0.05, 12.0)),  # none, or at least 3 min
    rests=st.integers(0, 6),
    due_rest_min=st.floats(0.0, 120.0),
)


@given(days, days)
def test_the_parts_of_a_change_of_pay_add_up(a: RiderDay, b: RiderDay) -> None:
    # Pay as the evaluator makes it: order pay, less fines, plus top-up.
    a = RiderDay(a.order_pay_fen - a.fines_fen + a.top_up_fen, *_rest(a))
    b = RiderDay(b.order_pay_fen - b.fines_fen + b.top_up_fen, *_rest(b))
    parts = pay_parts(a, b)
    assert sum(parts.values()) == pytest.approx(b.pay_fen - a.pay_fen, abs=1e-6)


def _rest(day: RiderDay) -> tuple[Any, ...]:
    return (
        day.order_pay_fen, day.fines_fen, day.top_up_fen, day.orders, day.worked_h,
        day.rests, day.due_rest_min,
    )  # fmt: skip


@given(days, days, st.integers(0, 500))
def test_a_verdict_follows_the_change_and_a_loss_names_its_largest_part(
    a: RiderDay, b: RiderDay, tolerance: int
) -> None:
    verdict, reason, parts = classify(a, b, Limits(), tolerance)
    change = b.pay_fen - a.pay_fen
    assert verdict == (
        "gains" if change > tolerance else "loses" if change < -tolerance else "same"
    )
    assert (reason is None) == (verdict != "loses")
    if reason is not None:
        assert reason in REASONS
        smallest = min(parts[k] for k in PARTS)
        hours = ("rest_day", "daily_limit", "rests", "less_work")
        expected = (
            "hours"
            if reason in hours
            else next(k for k in PARTS if k != "hours" and reason.startswith(_PREFIX[k]))
        )
        assert parts[expected] == smallest


_PREFIX = {"pace": "fewer_orders", "rate": "lower_pay", "fines": "fines", "top_up": "less_top"}


def _day(pay: int, orders: int, hours: float, **more: Any) -> RiderDay:
    return RiderDay(pay, pay, 0, 0, orders, hours, **more)


@pytest.mark.parametrize(
    ("a", "b", "limits", "reason"),
    [
        (_day(14_000, 20, 7.0), _day(0, 0, 0.0), Limits(480, 1, False, 6), "rest_day"),
        (_day(14_000, 20, 7.0), _day(0, 0, 0.0), Limits(480, 1, False, 5), "less_work"),
        (_day(21_000, 30, 10.0), _day(16_800, 24, 8.0), Limits(480, 0, False), "daily_limit"),
        (_day(21_000, 30, 10.0), _day(16_800, 24, 8.0), Limits(480, 0, True), "less_work"),
        (_day(14_000, 20, 7.0), _day(11_900, 17, 6.0, rests=2), Limits(), "rests"),
        (_day(14_000, 20, 7.0), _day(11_900, 17, 6.0, due_rest_min=20), Limits(), "rests"),
        (_day(14_000, 20, 7.0), _day(11_900, 17, 6.0), Limits(), "less_work"),
        (_day(14_000, 20, 7.0), _day(11_200, 16, 7.0), Limits(), "fewer_orders_per_hour"),
        (_day(14_000, 20, 7.0), _day(12_000, 20, 7.0), Limits(), "lower_pay_per_order"),
        (_day(14_000, 20, 7.0), RiderDay(13_000, 14_000, 1_000, 0, 20, 7.0), Limits(), "fines"),
        (
            RiderDay(15_000, 14_000, 0, 1_000, 20, 7.0),
            _day(14_000, 20, 7.0),
            Limits(),
            "less_top_up",
        ),
    ],
)
def test_each_reason_on_a_rider_whose_answer_is_known(
    a: RiderDay, b: RiderDay, limits: Limits, reason: str
) -> None:
    assert classify(a, b, limits)[:2] == ("loses", reason)


def test_a_change_within_the_tolerance_is_the_same_pay() -> None:
    assert classify(_day(14_000, 20, 7.0), _day(13_900, 20, 7.0), Limits())[0] == "same"
    assert classify(_day(14_000, 20, 7.0), _day(13_899, 20, 7.0), Limits())[0] == "loses"
    assert classify(_day(14_000, 20, 7.0), _day(14_101, 20, 7.0), Limits())[0] == "gains"


def test_rests_are_breaks_of_the_rest_length_and_those_after_long_work_are_called_for() -> None:
    minute = 60.0
    spans = [
        (0.0, 100 * minute),  # 100 min of work, a 10-minute gap counts as work
        (110 * minute, 160 * minute),  # 160 min in a row, then a 30-minute rest
        (190 * minute, 200 * minute),  # 10 min, then a 25-minute rest (not after long work)
        (225 * minute, 230 * minute),
    ]
    assert _rests(spans, 20, 150) == (2, 55.0, 20.0)
    assert _rests(spans, 20, 170) == (2, 55.0, 0.0)
    assert _rests([], 20, 150) == (0, 0.0, 0.0)


# --- small days -------------------------------------------------------------------------------


def test_identical_rulebooks_nobody_gains_or_loses(baseline: Rulebook) -> None:
    equal = equal_service(SPEC, baseline, baseline, target_undelivered=0.05, target_p90_min=90.0)
    result = who_gains(SPEC, baseline, baseline, equal)
    assert result["verdicts"] == {"gains": 0, "same": result["compared"], "loses": 0}
    assert result["compared"] > 0
    assert result["only_in"] == {"a": 0, "b": 0}
    assert result["simulated_days"] == 1  # one day judged under both
    for dist in result["distributions"].values():
        assert dist["a"] == dist["b"]
    _adds_up(result, result["fleets"])


def test_a_rulebook_that_only_adds_a_rest_rule_costs_riders_hours_not_pay_per_order(
    baseline: Rulebook,
) -> None:
    a = with_clauses(baseline, NO_FINES)
    b = with_clauses(a, {"fatigue.continuous_work_limit_min": 180})
    riders = len(load_scenario(REST_DAY).instance.couriers)
    result = who_gains(REST_DAY, a, b, _fleets(REST_DAY, riders, riders))
    counts = {r["reason"]: r["riders"] for r in result["reasons"]}
    assert result["verdicts"]["loses"] > 0
    assert counts["rests"] > 0
    # Same pay clauses, no fines, no guarantee, no daily limit or rest day: only hours and pace.
    for reason in ("rest_day", "daily_limit", "lower_pay_per_order", "fines", "less_top_up"):
        assert counts[reason] == 0
    for loser in result["losers"]:
        assert loser["parts"]["rate"] == loser["parts"]["fines"] == loser["parts"]["top_up"] == 0
    longest = result["distributions"]["longest_min"]
    assert longest["b"]["p90"] < longest["a"]["p90"]
    _adds_up(result, result["fleets"])


def test_riders_only_in_the_larger_fleet_are_counted_apart(baseline: Rulebook) -> None:
    riders = len(load_scenario(SPEC).instance.couriers)
    result = who_gains(SPEC, baseline, baseline, _fleets(SPEC, riders, riders - 2))
    assert result["only_in"] == {"a": 2, "b": 0}
    assert result["compared"] == riders - 2
    assert result["simulated_days"] == 2
    _adds_up(result, result["fleets"])


def test_the_riders_kept_by_the_search_are_not_simulated_again(
    baseline: Rulebook, agreement: Rulebook
) -> None:
    kept: dict[Any, Any] = {}
    equal = equal_service(
        SPEC, baseline, agreement, target_undelivered=0.05, target_p90_min=90.0, kept=kept
    )
    assert len(kept) <= 2  # only the answers' days are kept
    reused = who_gains(SPEC, baseline, agreement, equal, kept=kept)
    again = who_gains(SPEC, baseline, agreement, equal)
    assert reused["simulated_days"] == 0
    assert again["simulated_days"] > 0
    assert reused == {**again, "simulated_days": 0}


@pytest.fixture(scope="module")
def agreed(baseline: Rulebook, agreement: Rulebook) -> dict[str, Any]:
    """baseline-2024 against putuo-2025 at equal service on a 200-order day."""
    equal = equal_service(REST_DAY, baseline, agreement)
    return who_gains(REST_DAY, baseline, agreement, equal)


def test_at_equal_service_every_rider_is_counted_once(agreed: dict[str, Any]) -> None:
    _adds_up(agreed, agreed["fleets"])
    for dist in agreed["distributions"].values():
        for key in ("a", "b"):
            d = dist[key]
            assert d["p10"] <= d["p50"] <= d["p90"]
            assert d["gini"] is None or 0.0 <= d["gini"] <= 1.0
    assert agreed["distributions"]["pay_per_active_hour"]["b"]["p10"] >= 25.0 - 1e-6


def test_the_table_and_the_plots(agreed: dict[str, Any]) -> None:
    spread, people = who_gains_rows(agreed)
    assert [row[0] for row in spread[1:]][:2] == ["Daily pay (¥)", "Pay per active hour (¥/h)"]
    assert people[1] == ["compared (in both fleets)", str(agreed["compared"]), "", ""]
    plots = who_gains_plots(agreed)
    assert [p["id"] for p in plots] == ["who_pay", "who_per_hour", "who_longest", "who_reasons"]
    assert plots[0]["title"] == ENGLISH["plot.who_pay"]
    assert all(p["svg"].startswith("<svg") for p in plots)
    chinese = {"lang": "zh_CN", "plot.who_reasons": "按主要原因", "reason.rests": "休息"}
    reasons = who_gains_plots(agreed, chinese)[3]
    assert reasons["title"] == "按主要原因"
    assert "休息" in reasons["svg"]  # kept as text for the reader's fonts
    spread, people = who_gains_rows(
        agreed, {"measure.pay": "日收入（元）", "table.same": "持平（±{yuan}元）"}
    )
    assert spread[1][0] == "日收入（元）"
    assert people[3][0] == "持平（±1元）"


def test_the_command_prints_the_tables_and_writes_the_plots(
    equal_service_command: tuple[str, Path],
) -> None:
    text, tmp_path = equal_service_command
    assert "Who gains" in text
    assert "earn less under B" in text
    saved = json.loads((tmp_path / "who_gains.json").read_text(encoding="utf-8"))
    assert "series" not in saved
    assert saved["compared"] + saved["only_in"]["a"] == sum(saved["fleets"]["a"])
    for name in ("who_gains.md", "who_gains.html", "who_pay.svg", "who_reasons.svg"):
        assert (tmp_path / name).exists()
    both = json.loads((tmp_path / "equal_service.json").read_text(encoding="utf-8"))
    assert both["who_gains"]["verdicts"] == saved["verdicts"]


def test_who_gains_needs_equal_service() -> None:
    from typer.testing import CliRunner

    from gigcity.cli import app

    outcome = CliRunner().invoke(
        app, ["compare", "--rules", "baseline-2024", "--rules", "putuo-2025", "--who-gains"]
    )
    assert outcome.exit_code == 2
    assert "--who-gains needs --equal-service" in outcome.output


@pytest.mark.slow
def test_processes_give_the_same_riders(baseline: Rulebook, agreement: Rulebook) -> None:
    riders = len(load_scenario(SPEC).instance.couriers)
    fleets = _fleets(SPEC, riders, riders + 2)
    inline = who_gains(SPEC, baseline, agreement, fleets)
    spawned = who_gains(SPEC, baseline, agreement, fleets, workers=2)
    assert spawned == inline
