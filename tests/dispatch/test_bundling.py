"""Delivery sequences of a bundle: exhaustive for small bundles, times as the MDRP states."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gigcity.dispatch import ServiceTimes, best_route
from gigcity.dispatch.bundling import timeline

SERVICE = ServiceTimes(pickup_s=240.0, dropoff_s=240.0)


def test_timeline_follows_the_service_rule() -> None:
    legs_from_restaurant = np.array([300.0, 600.0])
    between = np.array([[0.0, 120.0], [120.0, 0.0]])
    drops, end = timeline(1000.0, [0, 1], legs_from_restaurant, between, SERVICE)
    # leave restaurant 1000+120, arrive 1420, drop 1540, leave 1660, arrive 1780, drop 1900
    assert drops == (1540.0, 1900.0)
    assert end == 2020.0


@st.composite
def bundles(draw: st.DrawFn) -> tuple[list[float], np.ndarray, np.ndarray, float]:
    count = draw(st.integers(1, 4))
    minute = st.integers(0, 30).map(lambda m: 60.0 * m)
    placed = [draw(minute) for _ in range(count)]
    from_restaurant = np.array([draw(minute) for _ in range(count)])
    between = np.array(
        [[0.0 if i == j else draw(minute) for j in range(count)] for i in range(count)]
    )
    value = draw(st.sampled_from([0.0, 0.5, 2.0]))
    return placed, from_restaurant, between, value


@given(bundles())
def test_best_route_is_the_cheapest_of_all_sequences(
    case: tuple[list[float], np.ndarray, np.ndarray, float],
) -> None:
    placed, from_restaurant, between, value = case
    route = best_route(3600.0, placed, from_restaurant, between, SERVICE, value)
    assert sorted(route.sequence) == list(range(len(placed)))

    def score(sequence: tuple[int, ...]) -> float:
        drops, end = timeline(3600.0, sequence, from_restaurant, between, SERVICE)
        return sum(drops) - sum(placed) + value * (end - 3600.0)

    best = min(score(s) for s in itertools.permutations(range(len(placed))))
    assert score(route.sequence) == best
    assert route.click_to_door_s == sum(route.dropoff_s) - sum(placed)
