"""The rounds as a PyVRP problem: one routing profile per rider, one vehicle type per slot.

Each vehicle ends at a second depot, `back`, reached in no time from anywhere, so PyVRP's
shift duration (start to end) is exactly the hot-meal span from the kitchen to the end of
the last stop; the ride back to the kitchen is still paid in the distance (the cost).
A rider's profile makes the stops of other riders unreachable (a duration far beyond any
shift) and the stops of other riders' elders dearer by the penalty (a backup's, or
another rider's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyvrp
from pyvrp import stop as pyvrp_stop

from gigcity.dispatch.meal_rounds.instance import IntArray, RoundsInstance

_UNREACHABLE = 10**7  # seconds: far beyond any shift, small enough not to overflow sums


class PyVRPSolver:
    """`RouteSolver` backed by PyVRP's iterated local search."""

    name = "pyvrp"

    def __call__(
        self, instance: RoundsInstance, *, seed: int, time_limit_s: float, iterations: int
    ) -> Sequence[Sequence[int]]:
        if instance.stops == 0 or not instance.vehicles:
            return [[] for _ in instance.vehicles]
        data = problem_data(instance)
        stop = pyvrp_stop.MultipleCriteria(
            [pyvrp_stop.MaxIterations(iterations), pyvrp_stop.MaxRuntime(time_limit_s)]
        )
        result = pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False, display=False)
        routes: list[list[int]] = [[] for _ in instance.vehicles]
        for route in result.best.routes():
            routes[route.vehicle_type()] = [
                activity.idx for activity in route if activity.type == pyvrp.ActivityType.CLIENT
            ]
        return routes


def problem_data(instance: RoundsInstance) -> pyvrp.ProblemData:
    n = instance.stops
    size = n + 2  # kitchen, back, stops
    locations = [pyvrp.Location(0, 0) for _ in range(size)]
    depots = [pyvrp.Depot(0), pyvrp.Depot(1)]
    clients = [
        pyvrp.Client(
            location=j + 2,
            delivery=[int(instance.meals[j])],
            service_duration=int(instance.door_s[j]),
            required=False,
            prize=instance.prize,
        )
        for j in range(n)
    ]
    # PyVRP's stubs spell the matrices' type as ndarray[int, ...]: they are int64 arrays.
    distances: list[Any] = []
    durations: list[Any] = []
    for rider in range(instance.allowed.shape[0]):
        distance, duration = _profile(instance, rider, size)
        distances.append(distance)
        durations.append(duration)
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=1,
            capacity=[slot.capacity],
            start_depot=0,
            end_depot=1,
            fixed_cost=slot.fixed_cost,
            tw_early=slot.start_s,
            start_late=slot.start_s,
            # A slot starting within a second of the deadline rounds past it: keep the
            # window valid (no stop fits in it anyway).
            tw_late=max(slot.start_s, min(slot.deadline_s, slot.start_s + instance.limit_s)),
            shift_duration=instance.limit_s,
            profile=slot.rider,
        )
        for slot in instance.vehicles
    ]
    return pyvrp.ProblemData(locations, clients, depots, vehicle_types, distances, durations)


def _profile(instance: RoundsInstance, rider: int, size: int) -> tuple[IntArray, IntArray]:
    """Distance (cost) and duration matrices in PyVRP's location order for one rider."""
    order = np.r_[0, 0, np.arange(1, size - 1)]  # kitchen, back (= kitchen), stops
    travel = instance.travel_s[np.ix_(order, order)]
    distance = travel.copy()
    duration = travel.copy()
    duration[:, 1] = 0  # reaching `back` ends the hot span
    duration[1, :] = _UNREACHABLE  # nothing leaves `back`
    distance[1, :] = _UNREACHABLE
    distance[1, 1] = duration[1, 1] = 0
    distance[1:, 0] = duration[1:, 0] = _UNREACHABLE  # routes end at `back`, not the kitchen
    forbidden = np.r_[False, False, ~instance.allowed[rider]]
    duration[:, forbidden] = _UNREACHABLE
    distance[:, forbidden] = _UNREACHABLE
    distance[:, 2:] += instance.penalty[rider]
    np.fill_diagonal(distance, 0)
    np.fill_diagonal(duration, 0)
    return distance.astype(np.int64), duration.astype(np.int64)
