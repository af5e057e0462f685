"""The familiar rider first, checked stop by stop after the search.

The solver's penalties make a backup (or another rider) bring a meal only when the primary
cannot; a heuristic can still miss a place. So each meal not brought by its primary is
tried in the primary's trips (then, for another rider's, the backup's): at the cheapest
position where the trip still keeps the box, the hot-meal limit, the deadline, the next
trip's departure and the fatigue clock. It moves when it fits; a meal that stays was
checked against every position of every trip of its primary. Meals no slot took are tried
the same way in every trip that may take them before they are reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from gigcity.dispatch.meal_rounds.model import RoundsProblem
from gigcity.dispatch.meal_rounds.schedule import RiderDay, Stops, TimedTrip, legs, timed
from gigcity.rules import FatigueClock


def prefer_familiar(
    problem: RoundsProblem,
    days: Sequence[RiderDay],
    clocks: Sequence[FatigueClock],
    stops: Stops,
) -> list[RiderDay]:
    """`days` with meals moved to their primary (or backup) rider where they fit.

    `clocks` are the riders' fatigue clocks before the rounds; `stops` covers all of the
    problem's stops (`ids` the identity)."""
    riders = {rider.id: index for index, rider in enumerate(problem.riders)}
    result = list(days)
    for carrier in range(len(result)):
        for j in [j for trip in result[carrier].trips for j in trip.stops]:
            stop = problem.stops[j]
            carrier_id = problem.riders[carrier].id
            if carrier_id == stop.primary_rider:
                continue
            better = [stop.primary_rider]
            if carrier_id != stop.backup_rider:
                better.append(stop.backup_rider)
            for rider_id in better:
                target = riders.get(rider_id)
                if target is None or target == carrier or not result[target].trips:
                    continue
                moved = _move(problem, result, clocks, stops, j, carrier, target)
                if moved is not None:
                    result = moved
                    break
    return result


def place_left(
    problem: RoundsProblem,
    days: Sequence[RiderDay],
    clocks: Sequence[FatigueClock],
    stops: Stops,
    left: Sequence[int],
) -> tuple[list[RiderDay], list[int]]:
    """Meals no slot took, put into trips that still have room (primary, backup, then
    anyone if others may help); and the meals that fit nowhere."""
    riders = {rider.id: index for index, rider in enumerate(problem.riders)}
    result = list(days)
    still: list[int] = []
    for j in left:
        stop = problem.stops[j]
        order = [riders[r] for r in (stop.primary_rider, stop.backup_rider) if r in riders]
        if problem.others_may_help:
            order += [r for r in range(len(result)) if r not in order]
        for target in order:
            trips = _insert(problem, result[target], clocks[target], stops, j, target)
            if trips is not None:
                result[target] = replace(result[target], trips=trips)
                break
        else:
            still.append(j)
    return result, still


def _move(
    problem: RoundsProblem,
    days: list[RiderDay],
    clocks: Sequence[FatigueClock],
    stops: Stops,
    j: int,
    source: int,
    target: int,
) -> list[RiderDay] | None:
    inserted = _insert(problem, days[target], clocks[target], stops, j, target)
    if inserted is None:
        return None
    shorter = _without(problem, days[source].trips, j, stops)
    if shorter is None or not _keeps_the_rules(problem, clocks[source], shorter):
        return None
    result = list(days)
    result[target] = replace(days[target], trips=inserted)
    result[source] = replace(days[source], trips=shorter)
    return result


def _insert(
    problem: RoundsProblem,
    day: RiderDay,
    clock: FatigueClock,
    stops: Stops,
    j: int,
    rider: int,
) -> tuple[TimedTrip, ...] | None:
    """The rider's trips with stop `j` at its cheapest position that keeps every rule."""
    capacity = problem.riders[rider].capacity
    best: tuple[float, tuple[TimedTrip, ...]] | None = None
    trips = day.trips
    for k, trip in enumerate(trips):
        for position in range(len(trip.stops) + 1):
            route = (*trip.stops[:position], j, *trip.stops[position:])
            trip_legs, rest = legs(route, stops, capacity, problem, trip.depart_s)
            if rest:
                continue
            added = trip_legs.back_s - (trip.back_s - trip.depart_s)
            if best is not None and added >= best[0]:
                continue
            candidate = (*trips[:k], timed(trip.depart_s, trip_legs), *trips[k + 1 :])
            if _keeps_the_rules(problem, clock, candidate):
                best = (added, candidate)
    return None if best is None else best[1]


def _without(
    problem: RoundsProblem, trips: tuple[TimedTrip, ...], j: int, stops: Stops
) -> tuple[TimedTrip, ...] | None:
    """The trips without stop `j`, retimed (None if a travel model makes that infeasible)."""
    result = []
    for trip in trips:
        if j not in trip.stops:
            result.append(trip)
            continue
        route = tuple(s for s in trip.stops if s != j)
        if not route:
            continue
        trip_legs, rest = legs(route, stops, 10**9, problem, trip.depart_s)
        if rest:
            return None
        result.append(timed(trip.depart_s, trip_legs))
    return tuple(result)


def _keeps_the_rules(
    problem: RoundsProblem, clock: FatigueClock, trips: Sequence[TimedTrip]
) -> bool:
    """Trips in order, apart by the box change, each allowed by the clock after the last."""
    load_s = problem.load_minutes * 60.0
    previous_back: float | None = None
    for trip in trips:
        if previous_back is not None and trip.depart_s < previous_back + load_s:
            return False
        if not clock.may_assign(trip.depart_s, trip.back_s - trip.depart_s).allowed:
            return False
        clock = clock.add_work(trip.depart_s, trip.back_s)
        previous_back = trip.back_s
    return True
