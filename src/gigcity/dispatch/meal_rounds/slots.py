"""When each rider may leave the kitchen with a box: trip slots laid out by the fatigue clock.

A rider's trips cannot overlap, and the rulebook's rest rules span trips; a vehicle-routing
solver sees neither. So each rider gets fixed, non-overlapping slots, each long enough for
the longest trip a slot may hold (the hot-meal limit, the ride back, the next box), and the
rulebook's `FatigueClock` places them: a slot the clock refuses waits for the rest it asks
for, or ends the rider's rounds (the daily limit). The solver then fills slots; the
schedule afterwards moves trips earlier where the clock allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from gigcity.dispatch.meal_rounds.model import RoundNote, RoundRider, RoundsProblem
from gigcity.rules import FatigueClock, Rulebook

_MAX_SLOTS = 24  # a morning never holds more boxes than this per rider


@dataclass(frozen=True, slots=True)
class Slot:
    rider_id: str
    index: int
    start_s: float
    """The trip leaves the kitchen then (or earlier, once the plan is compacted)."""


@dataclass(frozen=True, slots=True)
class RiderSlots:
    rider: RoundRider
    slots: tuple[Slot, ...]
    blocked: RoundNote | None
    """Why the rider has no slot although present (a rest the rules require), else None."""


def rider_clock(rulebook: Rulebook, rider: RoundRider) -> FatigueClock:
    """The rider's fatigue clock at `available_from_s`: earlier work and the stretch that
    runs up to it."""
    work = list(rider.earlier_work)
    if rider.continuous_minutes_before > 0:
        work.append(
            (rider.available_from_s - rider.continuous_minutes_before * 60, rider.available_from_s)
        )
    return FatigueClock(rulebook, work)


def trip_slots(
    rider: RoundRider,
    problem: RoundsProblem,
    return_s: float,
    clock: FatigueClock,
    start_s: float,
) -> RiderSlots:
    """Slots for `rider` from `start_s` to the deadline, each for work of up to the hot-meal
    limit plus `return_s` (the longest ride back), the next box after it; `clock` knows
    the rider's work so far."""
    load_s = problem.load_minutes * 60.0
    start = start_s
    slots: list[Slot] = []
    refusal: RoundNote | None = None
    while start < problem.deadline_s and len(slots) < _MAX_SLOTS:
        work_s = min(problem.limit_s, problem.deadline_s - start) + return_s
        decision = clock.may_assign(start, work_s)
        if not decision.allowed:
            refusal = RoundNote.of(
                "meal_rounds.primary_resting",
                decision.reasons,
                primary=rider.id,
                deadline_at=problem.deadline_s,
            )
            rest_until = decision.rest_until_s
            if rest_until is None or rest_until <= start:
                break  # a daily or weekly limit: no more rounds today
            start = rest_until
            continue
        slots.append(Slot(rider.id, len(slots), start))
        clock = clock.add_work(start, start + work_s)
        start += work_s + load_s
    return RiderSlots(rider, tuple(slots), None if slots else refusal)
