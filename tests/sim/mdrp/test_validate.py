"""The validator: simulated solutions pass; each broken condition is caught and named."""

from __future__ import annotations

import dataclasses

import pytest

from gigcity.sim import (
    CONDITIONS,
    Instance,
    SimulationResult,
    Solution,
    read_instance,
    simulate,
    validate,
)
from sim.sim_support import shared_instance


def _conditions(instance: Instance, solution: Solution) -> set[str]:
    return {v.condition for v in validate(instance, solution).violations}


def _named(instance: Instance, solution: Solution, condition: str) -> tuple[str | None, str | None]:
    found = [v for v in validate(instance, solution).violations if v.condition == condition]
    assert found, f"expected a {condition} violation"
    return found[0].courier_id, found[0].order_id


def test_simulated_solution_is_feasible(small: Instance, small_result: SimulationResult) -> None:
    report = validate(small, small_result.solution)
    assert report.feasible, report.violations[:3]
    assert set(report.by_condition()) >= set(CONDITIONS)
    assert len(CONDITIONS) == 8


def test_order_in_two_assignments(small: Instance, small_result: SimulationResult) -> None:
    solution = small_result.solution
    first = solution.assignments[0]
    twice = dataclasses.replace(solution, assignments=(*solution.assignments, first))
    assert _named(small, twice, "order_once") == (first.courier_id, first.order_ids[0])


def test_assignment_before_placement(small: Instance, small_result: SimulationResult) -> None:
    solution = small_result.solution
    first = solution.assignments[0]
    placed = {o.id: o.placement_min for o in small.orders}[first.order_ids[0]]
    early = dataclasses.replace(first, assignment_min=placed - 1)
    broken = dataclasses.replace(solution, assignments=(early, *solution.assignments[1:]))
    assert _named(small, broken, "not_before_placement") == (first.courier_id, first.order_ids[0])


def test_pickup_after_off_time(small: Instance, small_result: SimulationResult) -> None:
    first = small_result.solution.assignments[0]
    couriers = tuple(
        dataclasses.replace(c, off_min=first.pickup_min - 1) if c.id == first.courier_id else c
        for c in small.couriers
    )
    shorter = dataclasses.replace(small, couriers=couriers)
    assert _named(shorter, small_result.solution, "pickup_before_off") == (
        first.courier_id,
        first.order_ids[0],
    )


def test_pickup_before_ready(small: Instance, small_result: SimulationResult) -> None:
    first = small_result.solution.assignments[0]
    oid = first.order_ids[0]
    orders = tuple(
        dataclasses.replace(o, ready_min=first.pickup_min + 1) if o.id == oid else o
        for o in small.orders
    )
    later = dataclasses.replace(small, orders=orders)
    assert _named(later, small_result.solution, "pickup_after_ready") == (first.courier_id, oid)


def test_dropoff_too_soon_after_pickup(small: Instance, small_result: SimulationResult) -> None:
    solution = small_result.solution
    first = solution.assignments[0]
    oid = first.order_ids[0]
    records = tuple(
        dataclasses.replace(r, dropoff_min=first.pickup_min + 1) if r.order_id == oid else r
        for r in solution.orders
    )
    broken = dataclasses.replace(solution, orders=records)
    assert _named(small, broken, "dropoff_sequence") == (first.courier_id, oid)
    assert "at_location" in _conditions(small, broken)


def test_bundle_dropped_out_of_sequence(small: Instance, small_result: SimulationResult) -> None:
    solution = small_result.solution
    bundle = next(a for a in solution.assignments if len(a.order_ids) > 1)
    swapped = dataclasses.replace(bundle, order_ids=tuple(reversed(bundle.order_ids)))
    assignments = tuple(swapped if a is bundle else a for a in solution.assignments)
    broken = dataclasses.replace(solution, assignments=assignments)
    courier, order = _named(small, broken, "dropoff_sequence")
    assert courier == bundle.courier_id
    assert order in bundle.order_ids


def test_move_from_the_wrong_place(small: Instance, small_result: SimulationResult) -> None:
    solution = small_result.solution
    index = next(
        i for i, m in enumerate(solution.moves) if i and m.origin in {o.id for o in small.orders}
    )
    move = solution.moves[index]
    moves = list(solution.moves)
    moves[index] = dataclasses.replace(move, origin=next(iter(small.restaurants)))
    broken = dataclasses.replace(solution, moves=tuple(moves))
    courier, _ = _named(small, broken, "moves_continuous")
    assert courier == move.courier_id


def test_move_before_arriving(small: Instance, small_result: SimulationResult) -> None:
    solution = small_result.solution
    index = next(
        i
        for i in range(1, len(solution.moves))
        if solution.moves[i].courier_id == solution.moves[i - 1].courier_id
    )
    moves = list(solution.moves)
    moves[index] = dataclasses.replace(moves[index], departure_min=moves[index - 1].departure_min)
    broken = dataclasses.replace(solution, moves=tuple(moves))
    courier, _ = _named(small, broken, "moves_timed")
    assert courier == moves[index].courier_id


def test_pickup_while_still_on_the_way(small: Instance, small_result: SimulationResult) -> None:
    solution = small_result.solution
    first = solution.assignments[0]
    depart = next(
        m.departure_min
        for m in solution.moves
        if m.courier_id == first.courier_id and m.destination in small.restaurants
    )
    ready = {o.id: o.ready_min for o in small.orders}
    moved = dataclasses.replace(first, pickup_min=depart)
    records = tuple(
        dataclasses.replace(r, pickup_min=depart) if r.order_id in first.order_ids else r
        for r in solution.orders
    )
    broken = dataclasses.replace(
        solution, assignments=(moved, *solution.assignments[1:]), orders=records
    )
    conditions = _conditions(small, broken)
    assert "at_location" in conditions
    if depart >= max(ready[o] for o in first.order_ids):
        assert conditions == {"at_location"}


def test_orders_file_disagreeing_with_assignments(
    small: Instance, small_result: SimulationResult
) -> None:
    solution = small_result.solution
    record = solution.orders[0]
    other = next(c.id for c in small.couriers if c.id != record.courier_id)
    records = (dataclasses.replace(record, courier_id=other), *solution.orders[1:])
    broken = dataclasses.replace(solution, orders=records)
    assert "files_consistent" in _conditions(small, broken)


@pytest.mark.parametrize("name", ["0o50t75s1p125", "3r50t100s2p100"])
def test_shared_instances_give_feasible_solutions(name: str) -> None:
    instance = read_instance(shared_instance(name))
    result = simulate(instance)
    assert validate(instance, result.solution).feasible
    assert result.plan_deviations == 0
    assert len(result.undelivered) <= 0.02 * len(instance.orders)
