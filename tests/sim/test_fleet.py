"""Scaling a day's fleet by shift: the orders stay, fleets nest, every shift keeps its share."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.sim.scenarios import Scenario, ScenarioError, ScenarioSpec, generate_scenario
from gigcity.sim.scenarios.fleet import group_counts, scale_fleet, shift_group
from gigcity.sim.scenarios.runner import load_scenario

FACTORS = (0.3, 0.7, 0.8, 1.0, 1.5, 2.0, 3.0)


@pytest.fixture(scope="module")
def day() -> Scenario:
    return generate_scenario("putuo-weekday", seed=3, orders=600)


@pytest.fixture(scope="module")
def fleets(day: Scenario) -> dict[float, Scenario]:
    return {f: scale_fleet(day, f) for f in FACTORS}


def _ids(scenario: Scenario) -> set[str]:
    return {c.id for c in scenario.instance.couriers}


def test_scaling_leaves_the_orders_and_merchants_alone(
    day: Scenario, fleets: dict[float, Scenario]
) -> None:
    for scaled in fleets.values():
        assert scaled.instance.orders == day.instance.orders
        assert scaled.instance.restaurants == day.instance.restaurants
        assert scaled.orders == day.orders
        assert scaled.weather == day.weather
        assert scaled.closures == day.closures
        assert set(scaled.riders) == _ids(scaled)


def test_a_fleet_has_the_factor_times_the_riders(
    day: Scenario, fleets: dict[float, Scenario]
) -> None:
    roster = len(day.instance.couriers)
    for factor, scaled in fleets.items():
        assert len(scaled.instance.couriers) == round(factor * roster)
        assert len(_ids(scaled)) == len(scaled.instance.couriers)  # ids stay unique
    assert fleets[1.0] is day


def test_smaller_fleets_are_part_of_larger_ones(fleets: dict[float, Scenario]) -> None:
    ordered = [fleets[f] for f in FACTORS]
    for smaller, larger in itertools.pairwise(ordered):
        assert _ids(smaller) <= _ids(larger)


def test_every_shift_group_keeps_its_share(day: Scenario, fleets: dict[float, Scenario]) -> None:
    roster = Counter(shift_group(day, c) for c in day.instance.couriers)
    total = sum(roster.values())
    for factor, scaled in fleets.items():
        riders = len(scaled.instance.couriers)
        counts = Counter(shift_group(scaled, c) for c in scaled.instance.couriers)
        assert set(counts) <= set(roster)
        for group, size in roster.items():
            assert abs(counts[group] - riders * size / total) < 1, (factor, group)


def test_clones_copy_their_rider_with_a_new_id(
    day: Scenario, fleets: dict[float, Scenario]
) -> None:
    clones = [c for c in fleets[2.0].instance.couriers if c.id not in day.riders]
    assert len(clones) == len(day.instance.couriers)
    by_id = {c.id: c for c in day.instance.couriers}
    for clone in clones:
        original = by_id[clone.id.split("x")[0]]
        assert (clone.on_min, clone.off_min) == (original.on_min, original.off_min)
        assert math.dist(clone.location, original.location) < 1000
        copied = fleets[2.0].riders[clone.id]
        kept = day.riders[original.id]
        assert (copied.kind, copied.area, copied.days_worked_before, copied.confirms_overtime) == (
            kept.kind, kept.area, kept.days_worked_before, kept.confirms_overtime,
        )  # fmt: skip


def test_scaling_is_deterministic(day: Scenario) -> None:
    again = generate_scenario("putuo-weekday", seed=3, orders=600)
    for factor in (0.55, 1.7):
        first, second = scale_fleet(day, factor), scale_fleet(again, factor)
        assert first.instance.couriers == second.instance.couriers
        assert first.riders == second.riders


def test_a_spec_carries_the_fleet_and_keeps_the_day_cached() -> None:
    spec = ScenarioSpec("putuo-weekday", 3, 600)
    small = ScenarioSpec("putuo-weekday", 3, 600, fleet=0.5)
    whole, half = load_scenario(spec), load_scenario(small)
    assert half.instance.orders is whole.instance.orders  # the day is built once
    assert len(half.instance.couriers) == round(0.5 * len(whole.instance.couriers))
    assert "fleet x0.5" in small.describe()
    assert "fleet" not in spec.describe()


@pytest.mark.parametrize("factor", [0.0, -1.0, 11.0])
def test_a_factor_out_of_range_is_refused(day: Scenario, factor: float) -> None:
    with pytest.raises(ScenarioError, match="fleet factor"):
        scale_fleet(day, factor)


@given(
    sizes=st.lists(st.integers(1, 30), min_size=1, max_size=12),
    share=st.floats(0.0, 3.0),
)
def test_group_counts_add_up_nest_and_stay_within_one_rider(sizes: list[int], share: float) -> None:
    total = sum(sizes)
    riders = round(share * total)
    counts = group_counts(sizes, riders)
    assert sum(counts) == riders
    for count, size in zip(counts, sizes, strict=True):
        assert abs(count - riders * size / total) < 1
        if riders <= total:
            assert count <= size
    following = group_counts(sizes, riders + 1)
    assert all(b >= a for a, b in zip(counts, following, strict=True))
