"""`plan_rounds`: one canteen's lunch rounds, from its stops and today's riders to timed trips.

1. Each stop may go to its primary rider or its backup, whoever is on today's rounds (and,
   when neither can, to another rider of the canteen if the problem allows it); a stop
   nobody can bring, or too far for a hot meal, is reported at once with its reason.
2. Each rider's trip slots are laid out by the rulebook's fatigue clock (`slots`).
3. A VRP solver fills the slots (`instance`, `pyvrp_solver`): the backup pays a penalty
   larger than any detour, so it brings a stop only when the primary cannot; another
   rider pays more than the backup's detour and penalty together.
4. The trips are timed and moved earlier where the clock allows, and checked (`schedule`);
   riders who came back early get new slots for what is still pending (another pass).
5. Meals still pending are tried in every trip with room, and each meal not brought by its
   primary is tried in the primary's trips (`repair`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from gigcity.dispatch.meal_rounds.instance import RoundsInstance, RouteSolver, VehicleSlot
from gigcity.dispatch.meal_rounds.model import (
    Carrier,
    MealStop,
    PlannedStop,
    RiderRounds,
    RoundNote,
    RoundsPlan,
    RoundsProblem,
    RoundTrip,
    UnassignedStop,
)
from gigcity.dispatch.meal_rounds.repair import place_left, prefer_familiar
from gigcity.dispatch.meal_rounds.schedule import (
    FloatArray,
    RiderDay,
    Stops,
    TimedTrip,
    schedule_rider,
)
from gigcity.dispatch.meal_rounds.slots import RiderSlots, rider_clock, trip_slots
from gigcity.dispatch.travel_matrix import travel_matrix_s
from gigcity.geo.travel import TravelModel
from gigcity.rules import Reason as RuleReason
from gigcity.rules import Rulebook

_TRIP_COST_S = 120  # a box used costs like two minutes' ride: fewer trips when it is a tie
_LATER_SLOT_COST_S = 60  # and earlier slots first, so meals leave the kitchen early
_MAX_PASSES = 4  # new slots after early returns: the third pass rarely finds anything


def plan_rounds(
    problem: RoundsProblem,
    travel: TravelModel,
    *,
    rulebook: Rulebook,
    seed: int,
    time_limit_s: float = 2.0,
    iterations: int = 1_000,
    solver: RouteSolver | None = None,
) -> RoundsPlan:
    """Plan the canteen's rounds. Each pass of the search stops after `iterations` (then the
    same seed gives the same plan) or at the time limit, whichever comes first."""
    started = time.perf_counter()
    if solver is None:
        from gigcity.dispatch.meal_rounds.pyvrp_solver import PyVRPSolver

        solver = PyVRPSolver()
    points = [problem.canteen_at, *(stop.at for stop in problem.stops)]
    travel_s = travel_matrix_s(travel, points, points, problem.kitchen_ready_s)
    door_s = np.array([stop.door_minutes * 60.0 for stop in problem.stops], dtype=np.float64)
    riders = {rider.id: index for index, rider in enumerate(problem.riders)}

    reachable = travel_s[0, 1:] + door_s <= problem.limit_s
    return_s = float(travel_s[1:, 0][reachable].max(initial=0.0))
    clocks = [rider_clock(rulebook, rider) for rider in problem.riders]
    days = [
        RiderDay((), clock, max(problem.kitchen_ready_s, rider.available_from_s))
        for rider, clock in zip(problem.riders, clocks, strict=True)
    ]
    first_slots = [
        trip_slots(rider, problem, return_s, day.clock, day.next_depart_s)
        for rider, day in zip(problem.riders, days, strict=True)
    ]
    unassigned: dict[int, RoundNote] = {}
    pending: list[int] = []
    for j, stop in enumerate(problem.stops):
        alone_s = float(travel_s[0, j + 1] + door_s[j])
        note = _left_out(problem, stop, alone_s, riders, first_slots)
        if note is None:
            pending.append(j)
        else:
            unassigned[j] = note

    days, pending, stats = _fill_slots(
        problem,
        solver,
        (travel_s, door_s),
        days,
        first_slots,
        pending,
        search=(seed, started + time_limit_s, iterations),
        return_s=return_s,
    )
    everything = Stops(
        tuple(range(len(problem.stops))),
        travel_s,
        door_s,
        tuple(stop.meals for stop in problem.stops),
    )
    days, pending = place_left(problem, days, clocks, everything, pending)
    days = prefer_familiar(problem, days, clocks, everything)
    for j in pending:
        unassigned[j] = _no_room(problem, problem.stops[j])

    rounds = tuple(
        RiderRounds(
            rider.id,
            tuple(_trip(problem, rider.id, trip, riders, first_slots) for trip in day.trips),
            (*(note for note in (first_slots[r].blocked,) if note is not None), *day.rests),
        )
        for r, (rider, day) in enumerate(zip(problem.riders, days, strict=True))
    )
    finished = time.perf_counter()
    return RoundsPlan(
        rounds,
        tuple(UnassignedStop(problem.stops[j].id, note) for j, note in sorted(unassigned.items())),
        solver=solver.name,
        stats={**stats, "total_s": finished - started},
    )


def _fill_slots(
    problem: RoundsProblem,
    solver: RouteSolver,
    matrices: tuple[FloatArray, FloatArray],
    days: list[RiderDay],
    slots: list[RiderSlots],
    pending: list[int],
    *,
    search: tuple[int, float, int],
    return_s: float,
) -> tuple[list[RiderDay], list[int], dict[str, float]]:
    """Passes of the solver: each fills the riders' slots; riders whose trips came back early
    get new slots after them for the stops still pending. `search`: the seed, the
    `perf_counter` time to stop by, and the iterations per pass."""
    seed, stop_by, iterations = search
    travel_s, door_s = matrices
    riders = {rider.id: index for index, rider in enumerate(problem.riders)}
    solve_s, passes, used_slots = 0.0, 0, 0
    while pending and passes < _MAX_PASSES and any(r.slots for r in slots):
        passes += 1
        instance = _instance(problem, pending, travel_s, door_s, riders, slots)
        vehicles = [(r, slot) for r, rider_slots in enumerate(slots) for slot in rider_slots.slots]
        used_slots += len(vehicles)
        before = time.perf_counter()
        routes = solver(
            instance,
            seed=seed,
            time_limit_s=max(0.01, stop_by - before),
            iterations=iterations,
        )
        solve_s += time.perf_counter() - before
        sub = np.r_[0, np.asarray(pending, dtype=np.intp) + 1]
        stops = Stops(
            tuple(pending),
            travel_s[np.ix_(sub, sub)],
            door_s[pending],
            tuple(problem.stops[j].meals for j in pending),
        )
        for r, rider in enumerate(problem.riders):
            own = [(slot, routes[v]) for v, (owner, slot) in enumerate(vehicles) if owner == r]
            if own:
                days[r], _ = schedule_rider(
                    problem,
                    days[r],
                    rider.capacity,
                    [slot for slot, _ in own],
                    [route for _, route in own],
                    stops,
                )
        served = {j for day in days for t in day.trips for j in t.stops}
        if not served.intersection(pending):
            break
        pending = [j for j in pending if j not in served]
        slots = [
            trip_slots(rider, problem, return_s, day.clock, day.next_depart_s)
            for rider, day in zip(problem.riders, days, strict=True)
        ]
    stats = {"solve_s": solve_s, "passes": float(passes), "slots": float(used_slots)}
    return days, pending, stats


def _familiar(stop: MealStop) -> tuple[str, ...]:
    if stop.backup_rider == stop.primary_rider:
        return (stop.primary_rider,)
    return (stop.primary_rider, stop.backup_rider)


def _helpers(problem: RoundsProblem, stop: MealStop, riders: dict[str, int]) -> list[int]:
    """The riders who may bring the stop: its familiar riders, or anyone if others may help."""
    if problem.others_may_help:
        return list(range(len(problem.riders)))
    return [riders[rider] for rider in _familiar(stop) if rider in riders]


def _left_out(
    problem: RoundsProblem,
    stop: MealStop,
    alone_s: float,
    riders: dict[str, int],
    slots: Sequence[RiderSlots],
) -> RoundNote | None:
    """Why the stop cannot be planned whatever the solver does, or None."""
    helpers = _helpers(problem, stop, riders)
    if not helpers:
        return RoundNote.of(
            "meal_rounds.no_familiar_rider", primary=stop.primary_rider, backup=stop.backup_rider
        )
    if alone_s > problem.limit_s:
        return RoundNote.of(
            "meal_rounds.too_far", door_s=alone_s, limit_min=int(problem.max_minutes_from_kitchen)
        )
    starts = [slots[r].slots[0].start_s for r in helpers if slots[r].slots]
    if not starts:
        blocked = tuple(
            reason
            for r in helpers
            for note in (slots[r].blocked,)
            if note is not None
            for reason in note.rule_reasons
        )
        return _no_room(problem, stop, blocked)
    if min(starts) + alone_s > problem.deadline_s:
        return RoundNote.of("meal_rounds.after_deadline", deadline_at=problem.deadline_s)
    return None


def _no_room(
    problem: RoundsProblem, stop: MealStop, rule_reasons: tuple[RuleReason, ...] = ()
) -> RoundNote:
    return RoundNote.of(
        "meal_rounds.no_rider_has_room" if problem.others_may_help else "meal_rounds.no_room",
        rule_reasons,
        primary=stop.primary_rider,
        backup=stop.backup_rider,
        limit_min=int(problem.max_minutes_from_kitchen),
        deadline_at=problem.deadline_s,
    )


def _instance(
    problem: RoundsProblem,
    candidates: Sequence[int],
    travel_s: FloatArray,
    door_s: FloatArray,
    riders: dict[str, int],
    slots: Sequence[RiderSlots],
) -> RoundsInstance:
    origin = problem.kitchen_ready_s
    limit_s = math.floor(problem.limit_s)
    backup_penalty = 2 * limit_s  # more than any detour a trip of the limit's length saves
    other_penalty = 3 * backup_penalty  # more than any backup's detour and penalty together
    sub = np.r_[0, np.asarray(candidates, dtype=np.intp) + 1]
    working = np.array([bool(rider_slots.slots) for rider_slots in slots], dtype=np.bool_)
    allowed = np.zeros((len(problem.riders), len(candidates)), dtype=np.bool_)
    penalty = np.full(allowed.shape, other_penalty, dtype=np.int64)
    if problem.others_may_help:
        allowed[working, :] = True
    for local, j in enumerate(candidates):
        stop = problem.stops[j]
        for rider in _familiar(stop):
            r = riders.get(rider)
            if r is not None and working[r]:
                allowed[r, local] = True
                penalty[r, local] = 0 if rider == stop.primary_rider else backup_penalty
    vehicles = tuple(
        VehicleSlot(
            rider=r,
            start_s=math.ceil(slot.start_s - origin),
            capacity=rider_slots.rider.capacity,
            deadline_s=math.floor(problem.deadline_s - origin),
            fixed_cost=_TRIP_COST_S + _LATER_SLOT_COST_S * slot.index,
        )
        for r, rider_slots in enumerate(slots)
        for slot in rider_slots.slots
    )
    return RoundsInstance(
        travel_s=np.ceil(travel_s[np.ix_(sub, sub)]).astype(np.int64),
        door_s=np.ceil(door_s[list(candidates)]).astype(np.int64),
        meals=np.array([problem.stops[j].meals for j in candidates], dtype=np.int64),
        vehicles=vehicles,
        allowed=allowed,
        penalty=penalty,
        limit_s=limit_s,
        prize=10 * (4 * limit_s + other_penalty + _TRIP_COST_S),
    )


def _trip(
    problem: RoundsProblem,
    rider_id: str,
    trip: TimedTrip,
    riders: dict[str, int],
    slots: Sequence[RiderSlots],
) -> RoundTrip:
    planned = []
    for j, arrive, leave in zip(trip.stops, trip.arrive_s, trip.leave_s, strict=True):
        stop = problem.stops[j]
        by: Carrier
        if rider_id == stop.primary_rider:
            by, note = "primary", None
        elif rider_id == stop.backup_rider:
            by, note = "backup", _why_backup(problem, stop, riders, slots)
        else:
            by = "other"
            note = RoundNote.of(
                "meal_rounds.other_rider",
                primary=stop.primary_rider,
                backup=stop.backup_rider,
                deadline_at=problem.deadline_s,
            )
        planned.append(PlannedStop(stop.id, arrive, leave, by, note))
    return RoundTrip(trip.depart_s, tuple(planned), trip.back_s, trip.meals)


def _why_backup(
    problem: RoundsProblem,
    stop: MealStop,
    riders: dict[str, int],
    slots: Sequence[RiderSlots],
) -> RoundNote:
    r = riders.get(stop.primary_rider)
    if r is None:
        return RoundNote.of("meal_rounds.primary_absent", primary=stop.primary_rider)
    blocked = slots[r].blocked
    if not slots[r].slots:
        return blocked or RoundNote.of("meal_rounds.primary_absent", primary=stop.primary_rider)
    return RoundNote.of(
        "meal_rounds.primary_full",
        primary=stop.primary_rider,
        limit_min=int(problem.max_minutes_from_kitchen),
        deadline_at=problem.deadline_s,
    )
