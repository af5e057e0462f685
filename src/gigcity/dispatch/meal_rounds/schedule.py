"""From the solver's routes to each rider's timed trips, checked on the exact clock.

The solver fills fixed slots; here a rider's trips are moved as early as the rulebook's
fatigue clock allows (the next box straight after the last one is handed back, a rest first
when the clock asks for one), never later than their slot. Every trip is checked again on
float seconds: box capacity, the hot-meal limit, the deadline, the clock. A stop that fails
(only when the solver returned an infeasible route) is handed back as left over rather
than planned late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gigcity.dispatch.meal_rounds.model import RoundNote, RoundsProblem
from gigcity.dispatch.meal_rounds.slots import Slot
from gigcity.rules import FatigueClock
from gigcity.rules import Reason as RuleReason

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TimedTrip:
    depart_s: float
    stops: tuple[int, ...]
    """The problem's stop indices, in delivery order."""
    arrive_s: tuple[float, ...]
    leave_s: tuple[float, ...]
    back_s: float
    meals: int


@dataclass(frozen=True, slots=True)
class Legs:
    """A route's timing relative to its departure."""

    stops: tuple[int, ...]
    arrive_s: tuple[float, ...]
    leave_s: tuple[float, ...]
    back_s: float
    meals: int


@dataclass(frozen=True, slots=True)
class Stops:
    """The stops the solver saw, on the exact clock: travel (kitchen first), door, meals."""

    ids: tuple[int, ...]
    """The problem's index of each (the solver numbers only these, from 0)."""
    travel_s: FloatArray
    door_s: FloatArray
    meals: tuple[int, ...]


def legs(
    route: Sequence[int], stops: Stops, capacity: int, problem: RoundsProblem, depart_s: float
) -> tuple[Legs, tuple[int, ...]]:
    """The route's legs (relative to departure) up to the first stop that breaks the box,
    the hot-meal limit or the deadline; the stops from there on are left over."""
    travel_s, door_s, meals = stops.travel_s, stops.door_s, stops.meals
    limit_s, latest_leave_s = problem.limit_s, problem.deadline_s - depart_s
    here, clock, load = 0, 0.0, 0
    kept: list[int] = []
    arrive: list[float] = []
    leave: list[float] = []
    for position, stop in enumerate(route):
        at = clock + float(travel_s[here, stop + 1])
        done = at + float(door_s[stop])
        if load + meals[stop] > capacity or done > limit_s or done > latest_leave_s:
            rest = tuple(stops.ids[s] for s in route[position:])
            return _closed(kept, arrive, leave, load, stops), rest
        kept.append(stop)
        arrive.append(at)
        leave.append(done)
        here, clock, load = stop + 1, done, load + meals[stop]
    return _closed(kept, arrive, leave, load, stops), ()


def _closed(
    kept: list[int], arrive: list[float], leave: list[float], load: int, stops: Stops
) -> Legs:
    back = leave[-1] + float(stops.travel_s[kept[-1] + 1, 0]) if kept else 0.0
    ids = tuple(stops.ids[stop] for stop in kept)
    return Legs(ids, tuple(arrive), tuple(leave), back, load)


@dataclass(frozen=True, slots=True)
class RiderDay:
    """A rider's planned trips so far, the fatigue clock after them, and when the next box
    may leave."""

    trips: tuple[TimedTrip, ...]
    clock: FatigueClock
    next_depart_s: float
    rests: tuple[RoundNote, ...] = ()
    """The rests the clock asked for before a trip, with its reasons."""


def schedule_rider(
    problem: RoundsProblem,
    day: RiderDay,
    capacity: int,
    slots: Sequence[Slot],
    routes: Sequence[Sequence[int]],
    stops: Stops,
) -> tuple[RiderDay, tuple[int, ...]]:
    """`routes` (one per slot, in the solver's numbering) as trips after the rider's day so
    far; and the stops left over (the problem's indices)."""
    clock, earliest = day.clock, day.next_depart_s
    load_s = problem.load_minutes * 60.0
    trips = list(day.trips)
    rests = list(day.rests)
    left: list[int] = []
    for slot, route in zip(slots, routes, strict=True):
        if not route:
            continue
        placed = _place(problem, clock, (earliest, slot.start_s), route, capacity, stops)
        if placed is None:
            left.extend(stops.ids[stop] for stop in route)
            continue
        trip, rest, why = placed
        left.extend(rest)
        trips.append(trip)
        if why:
            rests.append(RoundNote.of("meal_rounds.rest", why, depart_at=trip.depart_s))
        clock = clock.add_work(trip.depart_s, trip.back_s)
        earliest = trip.back_s + load_s
    return RiderDay(tuple(trips), clock, earliest, tuple(rests)), tuple(left)


def _place(
    problem: RoundsProblem,
    clock: FatigueClock,
    window: tuple[float, float],
    route: Sequence[int],
    capacity: int,
    stops: Stops,
) -> tuple[TimedTrip, tuple[int, ...], tuple[RuleReason, ...]] | None:
    """The trip at the earliest departure the clock allows (a rest first if it asks), else at
    its slot; None if neither passes. `window`: the earliest departure and the slot's. With
    the trip: the stops it could not keep, and the clock's reasons when it asked for a rest."""
    earliest_s, slot_start_s = window
    why: tuple[RuleReason, ...] = ()
    for first in (earliest_s, max(earliest_s, slot_start_s)):
        depart = first
        trip_legs, rest = legs(route, stops, capacity, problem, depart)
        if not trip_legs.stops:
            continue
        decision = clock.may_assign(depart, trip_legs.back_s)
        if not decision.allowed:
            why = why or decision.reasons
        if not decision.allowed and decision.rest_until_s is not None:
            rested = decision.rest_until_s
            if rested > depart and rested <= slot_start_s:
                depart = rested
                trip_legs, rest = legs(route, stops, capacity, problem, depart)
                decision = clock.may_assign(depart, trip_legs.back_s)
        if decision.allowed and trip_legs.stops:
            return timed(depart, trip_legs), rest, why
    return None


def timed(depart: float, trip_legs: Legs) -> TimedTrip:
    return TimedTrip(
        depart,
        trip_legs.stops,
        tuple(depart + at for at in trip_legs.arrive_s),
        tuple(depart + at for at in trip_legs.leave_s),
        depart + trip_legs.back_s,
        trip_legs.meals,
    )
