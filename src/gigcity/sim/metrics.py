"""Performance of an MDRP solution: the evaluator's measures plus the labour measures.

Everything is computed from the instance and the three solution files alone, so the same
numbers come out for a solution made by any algorithm. Times are in minutes (`_min`),
money in the instance's currency unit (and `_cents` where exact).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gigcity.geo.travel import Location
from gigcity.sim.mdrp.instance import HOME, Instance, MoveRecord, Solution
from gigcity.sim.stats import describe, gini

OnRouteTest = Callable[[float, float, float, float], bool]
"""(solo_s, combined_s, solo_m, combined_m) -> is this order of a combined trip on the way?"""
StretchMeter = Callable[[Sequence[tuple[float, float]]], list[float]]
"""One courier's work intervals (minutes, in time order) -> length of each continuous stretch."""


def merge_stretches(min_rest_min: float) -> StretchMeter:
    """Work separated by less than a full rest is one continuous stretch (gaps count)."""

    def lengths(spans: Sequence[tuple[float, float]]) -> list[float]:
        stretches: list[tuple[float, float]] = []
        for start, end in spans:
            if stretches and start - stretches[-1][1] < min_rest_min:
                stretches[-1] = (stretches[-1][0], max(stretches[-1][1], end))
            else:
                stretches.append((start, end))
        return [end - start for start, end in stretches]

    return lengths


@dataclass(frozen=True, slots=True)
class LabourContext:
    """The rulebook-side inputs of the labour measures.

    Without a rulebook, continuous work is measured against a reference rule of 4 hours of
    work and 20 minutes of rest that nothing enforces (`rest_source` is then None).
    """

    max_work_min: float = 240.0
    min_rest_min: float = 20.0
    rest_source: str | None = None
    enforced: bool = False
    stretches: StretchMeter = field(default_factory=lambda: merge_stretches(20.0))
    on_route_test: OnRouteTest | None = None
    on_route_source: str | None = None


def _work_intervals(instance: Instance, solution: Solution) -> dict[str, list[tuple[float, float]]]:
    """(start, end) minutes of each trip: leaving for the restaurant to leaving the last diner."""
    half_drop = instance.parameters.dropoff_service_min / 2
    orders = {o.id: o for o in instance.orders}
    drops = {r.order_id: r.dropoff_min for r in solution.orders}
    moves_by_courier: dict[str, list[MoveRecord]] = defaultdict(list)
    for move in solution.moves:
        moves_by_courier[move.courier_id].append(move)
    intervals: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for a in solution.assignments:
        moves = moves_by_courier.get(a.courier_id, [])
        departures = [m.departure_min for m in moves]
        first = orders.get(a.order_ids[0])
        restaurant = instance.restaurants.get(first.restaurant_id) if first else None
        index = bisect.bisect_right(departures, a.pickup_min) - 1
        start = float(a.pickup_min)
        while index >= 0:
            if restaurant is not None and moves[index].destination == restaurant.id:
                start = float(moves[index].departure_min)
                break
            index -= 1
        last = drops.get(a.order_ids[-1])
        end = float(last) + half_drop if last is not None else float(a.pickup_min)
        intervals[a.courier_id].append((start, end))
    for spans in intervals.values():
        spans.sort()
    return intervals


def click_to_door_lower_bounds(instance: Instance) -> list[float]:
    """Per order: click-to-door if a courier were already waiting when the food is ready."""
    p = instance.parameters
    travel = instance.travel
    bounds: list[float] = []
    for order in instance.orders:
        restaurant = instance.restaurants[order.restaurant_id]
        leg = float(travel.travel_seconds_many(restaurant.location, [order.location])[0]) / 60
        bounds.append(
            order.ready_min
            - order.placement_min
            + p.pickup_service_min / 2
            + leg
            + p.dropoff_service_min / 2
        )
    return bounds


@dataclass(frozen=True, slots=True)
class CourierFigures:
    """One courier's day in the evaluator's terms (minutes, cents)."""

    courier_id: str
    shift_min: int
    orders: int
    bundles: int
    driving_min: float
    busy_min: float
    """Driving plus the service time of every pickup and drop-off."""
    pay_cents: int
    on_guarantee: bool
    """Paid the hourly guarantee because per-order pay fell short of it."""


def courier_figures(instance: Instance, solution: Solution) -> list[CourierFigures]:
    """Per courier, in instance order: orders, bundles, driving, busy time and pay."""
    p = instance.parameters
    places: dict[str, Location] = {o.id: o.location for o in instance.orders}
    places.update({r.id: r.location for r in instance.restaurants.values()})
    couriers = {c.id: c for c in instance.couriers}
    driving: dict[str, float] = defaultdict(float)
    for move in solution.moves:
        courier = couriers.get(move.courier_id)
        if courier is None:
            continue
        origin = courier.location if move.origin == HOME else places.get(move.origin)
        destination = places.get(move.destination)
        if origin is not None and destination is not None:
            seconds = instance.travel.travel_seconds_many(origin, [destination])[0]
            driving[move.courier_id] += float(seconds) / 60
    known = {o.id for o in instance.orders}
    orders: dict[str, int] = defaultdict(int)
    for record in solution.orders:
        if record.order_id in known:
            orders[record.courier_id] += 1
    bundles: dict[str, int] = defaultdict(int)
    for a in solution.assignments:
        bundles[a.courier_id] += 1
    figures: list[CourierFigures] = []
    for courier in instance.couriers:
        guaranteed = instance.guaranteed_pay_cents(courier)
        earned = orders[courier.id] * p.pay_per_order_cents
        busy = (
            driving[courier.id]
            + orders[courier.id] * p.dropoff_service_min
            + bundles[courier.id] * p.pickup_service_min
        )
        figures.append(
            CourierFigures(
                courier_id=courier.id,
                shift_min=courier.shift_min,
                orders=orders[courier.id],
                bundles=bundles[courier.id],
                driving_min=driving[courier.id],
                busy_min=busy,
                pay_cents=max(earned, guaranteed),
                on_guarantee=earned < guaranteed,
            )
        )
    return figures


def _orders_section(total: int, delivered: int, late: int) -> dict[str, Any]:
    return {
        "total": total,
        "delivered": delivered,
        "undelivered": total - delivered,
        "undelivered_share": round((total - delivered) / total, 6) if total else 0.0,
        "over_max_click_to_door": late,
    }


def _pay_section(
    instance: Instance, figures: list[CourierFigures], delivered: int
) -> dict[str, Any]:
    """Total pay, pay per order and per courier, and the share paid the guarantee."""
    pay_cents = [f.pay_cents for f in figures]
    on_guarantee = sum(1 for f in figures if f.on_guarantee)
    total_pay = sum(pay_cents)
    return {
        "total": total_pay / 100,
        "total_cents": total_pay,
        "per_order": round(total_pay / 100 / delivered, 4) if delivered else None,
        "couriers": len(instance.couriers),
        "on_guarantee_share": round(on_guarantee / len(instance.couriers), 4)
        if instance.couriers
        else 0.0,
        "per_courier": describe([c / 100 for c in pay_cents]),
    }


def _rest_section(instance: Instance, solution: Solution, labour: LabourContext) -> dict[str, Any]:
    """Continuous-work stretches against the rest rule: breaches and who breached."""
    stretches_by_courier = {
        cid: labour.stretches(spans) for cid, spans in _work_intervals(instance, solution).items()
    }
    lengths = [length for spans in stretches_by_courier.values() for length in spans]
    breaching = sorted(
        cid
        for cid, spans in stretches_by_courier.items()
        if any(length > labour.max_work_min for length in spans)
    )
    breaches = sum(
        1
        for spans in stretches_by_courier.values()
        for length in spans
        if length > labour.max_work_min
    )
    return {
        "rule": labour.rest_source,
        "enforced": labour.enforced,
        "max_continuous_work_min": labour.max_work_min,
        "min_rest_min": labour.min_rest_min,
        "breaches": breaches,
        "breaching_couriers": breaching,
        "longest_continuous_work_min": max(lengths, default=0.0),
        "continuous_work_min": describe(lengths),
    }


def compute_metrics(
    instance: Instance,
    solution: Solution,
    labour: LabourContext | None = None,
) -> dict[str, Any]:
    """The metrics dictionary written to metrics.json (distributions nested by name)."""
    labour = labour or LabourContext()
    p = instance.parameters
    orders = {o.id: o for o in instance.orders}
    records = [r for r in solution.orders if r.order_id in orders]
    delivered = len(records)

    click_to_door = [r.dropoff_min - r.placement_min for r in records]
    ready_to_door = [r.dropoff_min - r.ready_min for r in records]
    ready_to_pickup = [r.pickup_min - r.ready_min for r in records]
    overage = [max(0, c - p.target_click_to_door_min) for c in click_to_door]
    late = sum(1 for c in click_to_door if c > p.max_click_to_door_min)

    figures = courier_figures(instance, solution)
    with_shift = [f for f in figures if f.shift_min > 0]
    utilisation = [f.busy_min / f.shift_min for f in with_shift]
    orders_per_hour = [60 * f.orders / f.shift_min for f in with_shift]
    bundles_per_hour = [60 * f.bundles / f.shift_min for f in with_shift]
    pay_per_hour = [f.pay_cents / 100 / (f.shift_min / 60) for f in with_shift]
    bundle_sizes = [len(a.order_ids) for a in solution.assignments]
    rest = _rest_section(instance, solution, labour)
    on_route = _on_route(instance, solution, labour)

    return {
        "instance": instance.name,
        "orders": _orders_section(len(instance.orders), delivered, late),
        "pay": _pay_section(instance, figures, delivered),
        "click_to_door": describe(click_to_door),
        "click_to_door_lower_bound": describe(click_to_door_lower_bounds(instance)),
        "click_to_door_overage": describe(overage),
        "ready_to_door": describe(ready_to_door),
        "ready_to_pickup": describe(ready_to_pickup),
        "utilisation": describe(utilisation),
        "orders_per_hour": describe(orders_per_hour),
        "bundles_per_hour": describe(bundles_per_hour),
        "orders_per_bundle": describe(bundle_sizes),
        "on_route": on_route,
        "rest": rest,
        "fairness": {
            "pay_per_active_hour": describe(pay_per_hour),
            "gini_pay_per_active_hour": gini(pay_per_hour),
        },
    }


def _on_route(instance: Instance, solution: Solution, labour: LabourContext) -> dict[str, Any]:
    """Share of orders in combined trips that pass the on-route test, judged per order."""
    p = instance.parameters
    orders = {o.id: o for o in instance.orders}
    drops = {r.order_id: r.dropoff_min for r in solution.orders}
    travel = instance.travel
    combined = [a for a in solution.assignments if len(a.order_ids) > 1]
    result: dict[str, Any] = {
        "test": labour.on_route_source,
        "combined_orders": sum(len(a.order_ids) for a in combined),
        "passing_orders": None,
        "rate": None,
    }
    if labour.on_route_test is None:
        return result
    passing = counted = 0
    for a in combined:
        first = orders.get(a.order_ids[0])
        if first is None:
            continue
        pickup = instance.restaurants[first.restaurant_id].location
        previous, path_m = pickup, 0.0
        for oid in a.order_ids:
            order, drop = orders.get(oid), drops.get(oid)
            if order is None or drop is None:
                continue
            path_m += travel.distance_m(previous, order.location)
            previous = order.location
            solo_s = (
                p.pickup_service_min * 30.0
                + float(travel.travel_seconds_many(pickup, [order.location])[0])
                + p.dropoff_service_min * 30.0
            )
            combined_s = (drop - a.pickup_min) * 60.0
            counted += 1
            passing += labour.on_route_test(
                solo_s, combined_s, travel.distance_m(pickup, order.location), path_m
            )
    result["combined_orders"] = counted
    result["passing_orders"] = passing
    result["rate"] = round(passing / counted, 4) if counted else None
    return result
