"""The vectorised travel matrix agrees with the TravelModel protocol to the second."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from gigcity.dispatch import travel_matrix_s, travel_pairs_s
from gigcity.geo import EuclideanTravel

coordinate = st.integers(0, 30_000).map(float)
points = st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=12)
speeds = st.sampled_from([314.0, 320.0, 419.0, 427.0, 250.5])

SHARED_MDRP = Path(__file__).resolve().parents[3] / "shared" / "data" / "mdrp"


@given(points, points, speeds, st.booleans())
def test_matrix_equals_one_to_many_rows(
    origins: list[tuple[float, float]],
    destinations: list[tuple[float, float]],
    speed: float,
    whole: bool,
) -> None:
    model = EuclideanTravel(speed, whole_minutes=whole)
    matrix = travel_matrix_s(model, origins, destinations)
    for row, origin in enumerate(origins):
        assert np.array_equal(matrix[row], model.travel_seconds_many(origin, destinations))


@given(points, speeds)
def test_pairs_equal_the_diagonal(places: list[tuple[float, float]], speed: float) -> None:
    model = EuclideanTravel(speed)
    shifted = [(x + 777.0, y - 333.0) for x, y in places]
    pairs = travel_pairs_s(model, places, shifted)
    assert np.array_equal(pairs, np.diag(travel_matrix_s(model, places, shifted)))
    assert (pairs % 60 == 0).all()


class _SlowModel:
    """A non-Euclidean model: the helper must fall back to the protocol."""

    def travel_seconds(
        self, origin: tuple[float, float], destination: tuple[float, float], depart_s: float = 0.0
    ) -> float:
        return abs(origin[0] - destination[0]) + 2 * abs(origin[1] - destination[1]) + depart_s

    def travel_seconds_many(
        self,
        origin: tuple[float, float],
        destinations: Sequence[tuple[float, float]],
        depart_s: float = 0.0,
    ) -> NDArray[np.float64]:
        return np.array([self.travel_seconds(origin, d, depart_s) for d in destinations])

    def distance_m(self, origin: tuple[float, float], destination: tuple[float, float]) -> float:
        return 0.0


def test_other_models_are_asked_through_the_protocol() -> None:
    model = _SlowModel()
    matrix = travel_matrix_s(model, [(0.0, 0.0), (1.0, 1.0)], [(3.0, 0.0), (0.0, 2.0)], depart_s=10)
    assert matrix.tolist() == [[13.0, 14.0], [14.0, 13.0]]
    assert travel_pairs_s(model, [(0.0, 0.0)], [(0.0, 1.0)]).tolist() == [2.0]
    assert travel_matrix_s(model, [], [(0.0, 0.0)]).shape == (0, 1)


def test_agrees_on_every_restaurant_leg_of_a_shared_instance() -> None:
    folder = SHARED_MDRP / "1o100t75s2p125"
    if not (folder / "orders.txt").is_file():
        pytest.skip(f"{folder} is absent (a fresh clone has no ../shared)")
    from gigcity.sim import read_instance

    instance = read_instance(folder)
    restaurants = [r.location for r in instance.restaurants.values()]
    origins = [o.location for o in instance.orders] + [c.location for c in instance.couriers]
    matrix = travel_matrix_s(instance.travel, origins, restaurants)
    for row in range(0, len(origins), 7):
        assert np.array_equal(
            matrix[row], instance.travel.travel_seconds_many(origins[row], restaurants)
        )
