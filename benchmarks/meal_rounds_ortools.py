"""The meal rounds' `RoundsInstance` on OR-Tools' routing solver, for benchmarks/meal_rounds.py
to compare with PyVRP (OR-Tools is not a dependency of gigcity: install it to run this).

Same model as `gigcity.dispatch.meal_rounds.pyvrp_solver`: one vehicle per rider slot with a
fixed departure, the hot-meal span from the start to a virtual end reached in no time (the
ride back still costs), stops optional with the same prize, other riders' stops forbidden
(allowed vehicles), the penalties (backup, other rider) in the rider's arc costs. Guided local search
within the time limit (`iterations` bounds the solutions it looks at).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from gigcity.dispatch.meal_rounds.instance import RoundsInstance


class OrToolsSolver:
    """`RouteSolver` backed by OR-Tools (guided local search)."""

    name = "ortools"

    def __call__(
        self, instance: RoundsInstance, *, seed: int, time_limit_s: float, iterations: int
    ) -> Sequence[Sequence[int]]:
        n, vehicles = instance.stops, len(instance.vehicles)
        if n == 0 or vehicles == 0:
            return [[] for _ in instance.vehicles]
        del seed  # OR-Tools' search has no seed: it is deterministic for a solution limit
        manager = pywrapcp.RoutingIndexManager(n + 2, vehicles, [0] * vehicles, [1] * vehicles)
        routing = pywrapcp.RoutingModel(manager)
        order = np.r_[0, 0, np.arange(1, n + 1)]  # kitchen, end (= kitchen), stops
        travel = instance.travel_s[np.ix_(order, order)]
        duration = travel.copy()
        service = np.r_[0, 0, instance.door_s]
        duration = duration + service[:, None]  # leaving a stop includes its door time
        duration[:, 1] = service  # reaching the end stops the hot span
        np.fill_diagonal(duration, 0)
        time_cb = routing.RegisterTransitMatrix(duration.astype(int).tolist())
        costs = {}
        for rider in range(instance.allowed.shape[0]):
            cost = travel.copy()
            cost[:, 2:] += instance.penalty[rider]
            np.fill_diagonal(cost, 0)
            costs[rider] = routing.RegisterTransitMatrix(cost.astype(int).tolist())
        for v, slot in enumerate(instance.vehicles):
            routing.SetArcCostEvaluatorOfVehicle(costs[slot.rider], v)
            routing.SetFixedCostOfVehicle(slot.fixed_cost, v)
        horizon = max(s.deadline_s for s in instance.vehicles) + instance.limit_s + 1
        routing.AddDimension(time_cb, 0, int(horizon), False, "time")
        clock = routing.GetDimensionOrDie("time")
        for v, slot in enumerate(instance.vehicles):
            clock.CumulVar(routing.Start(v)).SetRange(slot.start_s, slot.start_s)
            clock.CumulVar(routing.End(v)).SetMax(
                max(slot.start_s, min(slot.deadline_s, slot.start_s + instance.limit_s))
            )
        demand = np.r_[0, 0, instance.meals].astype(int).tolist()
        load_cb = routing.RegisterUnaryTransitVector(demand)
        routing.AddDimensionWithVehicleCapacity(
            load_cb, 0, [s.capacity for s in instance.vehicles], True, "load"
        )
        for j in range(n):
            index = manager.NodeToIndex(j + 2)
            allowed = [v for v, s in enumerate(instance.vehicles) if instance.allowed[s.rider, j]]
            # SetAllowedVehiclesForIndex's list argument fails in the 9.15 wrapper; -1: dropped.
            routing.VehicleVar(index).SetValues([-1, *allowed])
            routing.AddDisjunction([index], instance.prize)
        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        )
        params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
        params.solution_limit = max(1, iterations)
        solution = routing.SolveWithParameters(params)
        routes: list[list[int]] = [[] for _ in instance.vehicles]
        if solution is None:
            return routes
        for v in range(vehicles):
            index = solution.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(index):
                routes[v].append(manager.IndexToNode(index) - 2)
                index = solution.Value(routing.NextVar(index))
        return routes
