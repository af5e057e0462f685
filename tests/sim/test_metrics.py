"""Metrics: the evaluator's measures on a hand-made day, statistics, Gini, rest stretches."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.rules import load_rulebook
from gigcity.sim import (
    AssignmentRecord,
    Courier,
    Instance,
    MoveRecord,
    Order,
    OrderRecord,
    Parameters,
    Restaurant,
    Solution,
    compute_metrics,
    describe,
    gini,
    labour_context,
    validate,
)
from gigcity.sim.labour import fatigue_stretches
from gigcity.sim.metrics import merge_stretches


def _tiny() -> tuple[Instance, Solution]:
    """One restaurant, two diners 320 m and 640 m east, two couriers (one idle)."""
    instance = Instance(
        name="tiny",
        restaurants={"r1": Restaurant("r1", 0.0, 0.0)},
        orders=(
            Order("o1", 320.0, 0.0, 0, "r1", 10),
            Order("o2", 640.0, 0.0, 2, "r1", 12),
        ),
        couriers=(Courier("c1", 0.0, 640.0, 0, 60), Courier("c2", 0.0, 0.0, 0, 120)),
        parameters=Parameters(320.0, 4, 4, 40, 90, 1000, 1500),
    )
    # c1: home -> r1 (2 min), arrives 2, pickup at 12 (bundle ready), leaves 14,
    # o1 at 15 (+2 service = drop 17), leaves 19, o2 at 20, drop 22, leaves 24.
    solution = Solution(
        assignments=(AssignmentRecord(5, 12, "c1", ("o1", "o2")),),
        orders=(
            OrderRecord("o1", 0, 10, 12, 17, "c1"),
            OrderRecord("o2", 2, 12, 12, 22, "c1"),
        ),
        moves=(
            MoveRecord("c1", 0, "0", "r1"),
            MoveRecord("c1", 14, "r1", "o1"),
            MoveRecord("c1", 19, "o1", "o2"),
        ),
    )
    return instance, solution


def test_hand_made_day_is_feasible_and_measured_exactly() -> None:
    instance, solution = _tiny()
    assert validate(instance, solution).feasible
    m = compute_metrics(instance, solution)
    assert m["orders"] == {
        "total": 2,
        "delivered": 2,
        "undelivered": 0,
        "undelivered_share": 0.0,
        "over_max_click_to_door": 0,
    }
    assert m["click_to_door"]["mean"] == 18.5  # (17 - 0 + 22 - 2) / 2
    assert m["ready_to_pickup"]["mean"] == 1.0  # (2 + 0) / 2
    assert m["ready_to_door"]["max"] == 10.0
    # c1: 2 orders -> 20 vs guarantee 15 x 1 h = 15 -> 20; c2: 0 orders, 15 x 2 h = 30.
    assert m["pay"]["total_cents"] == 5000
    assert m["pay"]["per_order"] == 25.0
    assert m["pay"]["on_guarantee_share"] == 0.5
    # c1 drove 2 + 1 + 1 minutes, dropped 2 x 4, picked 1 x 4 in a 60-minute shift.
    assert m["utilisation"]["max"] == pytest.approx(16 / 60, abs=1e-4)
    assert m["orders_per_bundle"]["mean"] == 2.0
    assert m["click_to_door_lower_bound"]["mean"] == 15.5  # (10+2+1+2 + 10+2+2+2) / 2
    # pay per active hour: c1 20/1 h, c2 30/2 h -> 20 and 15
    assert m["fairness"]["gini_pay_per_active_hour"] == pytest.approx(gini([20.0, 15.0]))
    assert m["rest"]["longest_continuous_work_min"] == 24.0  # leaves home at 0, free at 24


def test_on_route_rate_is_judged_per_order() -> None:
    instance, solution = _tiny()
    m = compute_metrics(instance, solution, labour_context(load_rulebook("putuo-2025")))
    # o1 goes first (no detour); o2 rides via o1 which lies on its way: 640 m either way.
    assert m["on_route"]["combined_orders"] == 2
    assert m["on_route"]["rate"] == 1.0
    assert compute_metrics(instance, solution)["on_route"]["rate"] is None


def test_describe_matches_numpy_and_sample_std() -> None:
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    stats = describe(values)
    assert stats["count"] == 8
    assert stats["mean"] == pytest.approx(np.mean(values), abs=1e-4)
    assert stats["std"] == pytest.approx(np.std(values, ddof=1), abs=1e-4)
    assert stats["p90"] == pytest.approx(np.percentile(values, 90), abs=1e-4)
    assert describe([])["mean"] is None


@given(st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1, max_size=50))
def test_gini_is_between_zero_and_one(values: list[float]) -> None:
    g = gini(values)
    assert g is not None
    assert -1e-9 <= g < 1


@given(st.floats(0.01, 1e4), st.integers(1, 30), st.floats(0.1, 10))
def test_gini_of_equal_values_is_zero_and_scale_free(
    value: float, count: int, scale: float
) -> None:
    assert gini([value] * count) == 0.0
    uneven = [value * (i + 1) for i in range(count)]
    assert gini(uneven) == pytest.approx(gini([v * scale for v in uneven]), abs=1e-3)


def test_gini_of_one_earner_among_many() -> None:
    assert gini([0, 0, 0, 10]) == 0.75
    with pytest.raises(ValueError, match="non-negative"):
        gini([-1.0, 2.0])


spans = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 90)), max_size=12).map(
    lambda pairs: _as_intervals(pairs)
)


def _as_intervals(pairs: list[tuple[int, int]]) -> list[tuple[float, float]]:
    clock, result = 0.0, []
    for gap, length in pairs:
        start = clock + gap
        result.append((start, start + length))
        clock = start + length
    return result


@given(spans)
def test_rulebook_clock_and_plain_merge_agree_for_putuo(
    intervals: list[tuple[float, float]],
) -> None:
    putuo = load_rulebook("putuo-2025")  # gaps under the 20-minute rest count as work
    by_clock = fatigue_stretches(putuo)(intervals)
    by_merge = merge_stretches(20.0)(intervals)
    assert by_clock == pytest.approx(by_merge)
    assert math.fsum(by_merge) >= math.fsum(end - start for start, end in intervals) - 1e-9
