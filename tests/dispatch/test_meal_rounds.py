"""Meal rounds for the elderly: hot meals within the limit of their trip's departure, every
stop planned once or reported with its reason, the primary rider first, the backup when the
primary is away or full, the rulebook's rest before a trip that would break it, and the same
plan for the same seed."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.dispatch.meal_rounds import (
    NOTES,
    MealStop,
    RoundNote,
    RoundRider,
    RoundsPlan,
    RoundsProblem,
    plan_rounds,
)
from gigcity.geo import EuclideanTravel
from gigcity.rules import Rulebook, load_rulebook, work_stretches

TRAVEL = EuclideanTravel(250.0, whole_minutes=False)  # an e-bike in town: 15 km/h
RULES = load_rulebook("putuo-2025")
NO_LIMITS = load_rulebook("baseline-2024")
READY = 10 * 3600.0
PEAK = 11 * 3600.0 + 30 * 60
KITCHEN = (0.0, 0.0)


def _stop(
    sid: str, x: float, y: float, primary: str = "ana", backup: str = "bo", door: float = 2.0
) -> MealStop:
    return MealStop(sid, (x, y), primary, backup, door_minutes=door)


def _rider(rid: str, *, capacity: int = 10, tired_min: float = 0.0) -> RoundRider:
    return RoundRider(rid, READY, continuous_minutes_before=tired_min, capacity=capacity)


def _plan(problem: RoundsProblem, *, rulebook: Rulebook = RULES, seed: int = 7) -> RoundsPlan:
    return plan_rounds(
        problem,
        TRAVEL,
        rulebook=rulebook,
        seed=seed,
        iterations=60,
        time_limit_s=30.0,
    )


def _ring(
    count: int, radius: float, primary: str = "ana", backup: str = "bo", door: float = 2.0
) -> list[MealStop]:
    return [
        _stop(
            f"s{i}",
            radius * math.cos(2 * math.pi * i / count),
            radius * math.sin(2 * math.pi * i / count),
            primary,
            backup,
            door,
        )
        for i in range(count)
    ]


def _problem(stops: list[MealStop], riders: list[RoundRider], **kw: Any) -> RoundsProblem:
    return RoundsProblem(KITCHEN, READY, PEAK, tuple(stops), tuple(riders), **kw)


def assert_plan_keeps_its_promises(problem: RoundsProblem, plan: RoundsPlan) -> None:
    """The invariants every plan keeps, whatever the instance."""
    served = [s.stop_id for r in plan.riders for t in r.trips for s in t.stops]
    left = [u.stop_id for u in plan.unassigned]
    assert sorted(served + left) == sorted(s.id for s in problem.stops)  # each stop once
    stops = {s.id: s for s in problem.stops}
    riders = {r.id: r for r in problem.riders}
    for unassigned in plan.unassigned:
        assert unassigned.note.id in NOTES
        assert unassigned.note.english()
    for rounds in plan.riders:
        rider = riders[rounds.rider_id]
        work = []
        previous_back = None
        for trip in rounds.trips:
            assert trip.depart_s >= max(problem.kitchen_ready_s, rider.available_from_s)
            if previous_back is not None:
                assert trip.depart_s >= previous_back + problem.load_minutes * 60 - 1e-6
            assert trip.meals == sum(stops[s.stop_id].meals for s in trip.stops)
            assert trip.meals <= rider.capacity
            for stop in trip.stops:
                # Hot: at the door within the limit of the trip's departure, before the peak.
                assert stop.leave_s - trip.depart_s <= problem.limit_s + 1e-6
                assert stop.leave_s <= problem.deadline_s + 1e-6
                meal = stops[stop.stop_id]
                if rounds.rider_id == meal.primary_rider:
                    assert stop.by == "primary"
                elif rounds.rider_id == meal.backup_rider:
                    assert stop.by == "backup"
                else:
                    assert stop.by == "other"
                assert (stop.note is None) == (stop.by == "primary")
                if stop.by == "other":
                    assert problem.others_may_help
            work.append((trip.depart_s, trip.back_s))
            previous_back = trip.back_s
        if rider.continuous_minutes_before:
            before = rider.available_from_s - rider.continuous_minutes_before * 60
            work.insert(0, (before, rider.available_from_s))
        assert not any(stretch.breach for stretch in work_stretches(RULES, work))
    assert plan.worst_minutes_from_kitchen <= problem.max_minutes_from_kitchen + 1e-6


def test_a_riders_twenty_elders_take_several_hot_trips() -> None:
    problem = _problem(_ring(20, 600.0, door=1.5), [_rider("ana"), _rider("bo")])
    plan = _plan(problem)
    assert_plan_keeps_its_promises(problem, plan)
    assert plan.unassigned == ()
    ana = next(r for r in plan.riders if r.rider_id == "ana")
    assert len(ana.trips) >= 2  # 20 meals, boxes of 10
    assert plan.primary_share == 1.0
    assert all(t.minutes_from_kitchen <= 30 for t in ana.trips)


def test_the_primary_brings_its_elders_when_both_riders_have_room() -> None:
    # Both leave from the same kitchen with room to spare, the backup listed first: the
    # primary still brings every meal.
    stops = _ring(6, 800.0)
    problem = _problem(stops, [_rider("bo"), _rider("ana")])
    plan = _plan(problem)
    assert {s.by for r in plan.riders for t in r.trips for s in t.stops} == {"primary"}
    assert next(r for r in plan.riders if r.rider_id == "bo").trips == ()


def test_an_absent_primary_hands_the_round_to_the_backup_with_the_reason() -> None:
    problem = _problem(_ring(5, 600.0), [_rider("bo")])
    plan = _plan(problem)
    assert_plan_keeps_its_promises(problem, plan)
    stops = [s for r in plan.riders for t in r.trips for s in t.stops]
    assert len(stops) == 5
    assert {s.by for s in stops} == {"backup"}
    assert {s.note.id for s in stops if s.note} == {"meal_rounds.primary_absent"}
    assert stops[0].note is not None
    assert dict(stops[0].note.params)["primary"] == "ana"
    assert plan.primary_share == 0.0


def test_a_full_primary_gives_only_the_overflow_to_the_backup() -> None:
    # One trip fits before the peak (25 minutes, 10 to change boxes) and the primary's box
    # holds 3 meals.
    stops = _ring(5, 600.0)
    problem = RoundsProblem(
        KITCHEN,
        READY,
        READY + 25 * 60,
        tuple(stops),
        (_rider("ana", capacity=3), _rider("bo")),
        load_minutes=10.0,
    )
    plan = _plan(problem)
    assert_plan_keeps_its_promises(problem, plan)
    by = [s for r in plan.riders for t in r.trips for s in t.stops]
    assert sum(1 for s in by if s.by == "primary") == 3
    assert {s.note.id for s in by if s.note} == {"meal_rounds.primary_full"}
    assert plan.primary_share == pytest.approx(3 / 5)


def test_a_tired_rider_rests_twenty_minutes_before_the_round() -> None:
    # 3 h 50 min of continuous work: a trip now would pass the 4-hour limit.
    stops = _ring(4, 600.0)
    tired = _problem(stops, [_rider("ana", tired_min=230.0)], others_may_help=False)
    plan = _plan(tired)
    assert_plan_keeps_its_promises(tired, plan)
    trips = plan.riders[0].trips
    assert trips
    assert trips[0].depart_s >= READY + 20 * 60
    rest = plan.riders[0].notes[0]
    assert rest.id == "meal_rounds.rest"
    assert "fatigue.continuous_work_limit_min" in {r.clause for r in rest.rule_reasons}
    # Without the rule (baseline-2024) the same rider leaves at once.
    eager = _plan(tired, rulebook=NO_LIMITS)
    assert eager.riders[0].trips[0].depart_s == READY


def test_a_rider_who_may_not_work_before_the_peak_leaves_the_meals_with_the_rule() -> None:
    # 3 h 50 min worked and the peak 15 minutes away: the rest leaves no time for a trip.
    stops = _ring(3, 600.0)
    problem = RoundsProblem(
        KITCHEN,
        READY,
        READY + 15 * 60,
        tuple(stops),
        (_rider("ana", tired_min=230.0),),
        others_may_help=False,
    )
    plan = _plan(problem)
    assert plan.riders[0].trips == ()
    assert {u.note.id for u in plan.unassigned} == {"meal_rounds.no_room"}
    cited = {r.clause for u in plan.unassigned for r in u.note.rule_reasons}
    assert "fatigue.continuous_work_limit_min" in cited
    assert plan.riders[0].notes[0].id == "meal_rounds.primary_resting"


def test_stops_nobody_may_bring_are_reported_with_their_reasons() -> None:
    far = _stop("far", 9000.0, 0.0)  # 36 min away at 250 m/min, 2 at the door
    stranger = _stop("stranger", 300.0, 0.0, primary="cy", backup="di")
    near = _stop("near", 300.0, 300.0)
    problem = _problem([far, stranger, near], [_rider("ana")], others_may_help=False)
    plan = _plan(problem)
    notes = {u.stop_id: u.note for u in plan.unassigned}
    assert notes["far"].id == "meal_rounds.too_far"
    assert notes["stranger"].id == "meal_rounds.no_familiar_rider"
    assert "near" in plan.planned()
    assert "38 min" in notes["far"].english()


def test_another_rider_helps_when_neither_familiar_rider_is_there() -> None:
    stranger = _stop("stranger", 300.0, 0.0, primary="cy", backup="di")
    problem = _problem([stranger], [_rider("ana")])
    plan = _plan(problem)
    assert_plan_keeps_its_promises(problem, plan)
    _, _, stop = plan.planned()["stranger"]
    assert stop.by == "other"
    assert stop.note is not None
    assert stop.note.id == "meal_rounds.other_rider"


def test_the_same_seed_gives_the_same_plan() -> None:
    stops = [
        _stop(f"s{i}", (i * 373 % 2400) - 1200.0, (i * 691 % 2400) - 1200.0, "ana", "bo")
        for i in range(14)
    ] + [
        _stop(f"t{i}", (i * 199 % 2400) - 1200.0, (i * 457 % 2400) - 1200.0, "bo", "ana")
        for i in range(14)
    ]
    problem = _problem(stops, [_rider("ana", capacity=8), _rider("bo", capacity=8)])
    first, second = _plan(problem, seed=11), _plan(problem, seed=11)
    assert first == second


def test_notes_are_ids_with_parameters() -> None:
    note = RoundNote.of("meal_rounds.primary_absent", primary="ana")
    assert note.parameters == {"primary": "ana"}
    assert note.english() == "Primary rider ana is not on today's rounds"
    with pytest.raises(ValueError, match="unknown note id"):
        RoundNote.of("meal_rounds.nonsense")


def test_a_problem_says_what_is_wrong_with_it() -> None:
    with pytest.raises(ValueError, match="deadline_s"):
        RoundsProblem(KITCHEN, READY, READY, (), ())
    with pytest.raises(ValueError, match="stop ids"):
        _problem([_stop("a", 1, 1), _stop("a", 2, 2)], [])
    with pytest.raises(ValueError, match="capacity"):
        _rider("ana", capacity=0)


@st.composite
def small_problems(draw: st.DrawFn) -> RoundsProblem:
    names = ["ana", "bo", "cy"]
    riders = [
        _rider(
            name,
            capacity=draw(st.integers(1, 6)),
            tired_min=draw(st.sampled_from([0.0, 0.0, 120.0, 235.0])),
        )
        for name in names
        if draw(st.booleans()) or name == "ana"
    ]
    count = draw(st.integers(0, 12))
    stops = []
    for i in range(count):
        primary = draw(st.sampled_from(names))
        backup = draw(st.sampled_from(names))
        stop = _stop(
            f"s{i}",
            draw(st.floats(-3000, 3000)),
            draw(st.floats(-3000, 3000)),
            primary,
            backup,
            door=draw(st.sampled_from([1.0, 2.0, 4.0])),
        )
        stops.append(replace(stop, meals=draw(st.sampled_from([1, 1, 2]))))
    window_min = draw(st.integers(20, 120))
    return RoundsProblem(
        KITCHEN,
        READY,
        READY + window_min * 60,
        tuple(stops),
        tuple(riders),
        max_minutes_from_kitchen=draw(st.sampled_from([20.0, 30.0])),
        others_may_help=draw(st.booleans()),
    )


@settings(max_examples=25, deadline=None)
@given(problem=small_problems(), seed=st.integers(0, 5))
def test_every_plan_keeps_its_promises(problem: RoundsProblem, seed: int) -> None:
    plan = plan_rounds(problem, TRAVEL, rulebook=RULES, seed=seed, iterations=30)
    assert_plan_keeps_its_promises(problem, plan)
    served = [s for r in plan.riders for t in r.trips for s in t.stops]
    if served:
        share = sum(1 for s in served if s.by == "primary") / len(served)
        assert plan.primary_share == pytest.approx(share)
