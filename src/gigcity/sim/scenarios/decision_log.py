"""A simulated day as a decision log (the audit's published format, docs/audit.md): the
platform of this day paid, promised and fined by the rulebook it was simulated under, so
its log audited against the same rulebook must give no finding, and a day simulated under
baseline-2024 audited against putuo-2025 shows what the agreement changed.

The rows use the format's column names (a published contract, like the MDRP files); the
audit's reader types them (`gigcity.services.audit.logwriter.conform`). Times are UTC
datetimes; simulation seconds are seconds after the day's local midnight.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from numpy.typing import NDArray

from gigcity.rules import (
    ActivitySpan,
    Delivery,
    Rulebook,
    day_statement,
    score_delivery,
)
from gigcity.rules.eta import promise_method
from gigcity.sim.scenarios.evaluate import DayFacts
from gigcity.sim.scenarios.model import Closure
from gigcity.sim.scenarios.simulate import DayOutcome, TripRecord

DISTRICT_TIMEZONE = "Asia/Shanghai"


def _midnight_us(day: date, timezone: str) -> int:
    local = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(timezone))
    return int(local.timestamp()) * 1_000_000


_LINE_OF_CLAUSE = {
    "pricing.base_fare_fen": "base",
    "pricing.distance_tiers": "distance",
    "pricing.weight_tiers": "weight",
    "pricing.bulky_fen": "bulky",
    "pricing.stairs": "stairs",
    "pricing.old_estate_fen": "old_estate",
    "pricing.night": "night",
    "pricing.bad_weather_fen": "weather",
    "pricing.traffic_control_detour": "detour",
}


def log_from_day(
    outcome: DayOutcome,
    rulebook: Rulebook,
    *,
    day: date,
    timezone: str = DISTRICT_TIMEZONE,
) -> pl.DataFrame:
    """The decision log of a simulated day whose platform paid, promised and fined by
    `rulebook`: quotes per order, fines and points as the service score gives them, the
    top-up to the hourly guarantee as `day_statement` works it out, promises as the
    simulator's eta clauses make them. Simulation seconds are seconds after `day`'s local
    midnight. Orders never delivered are left out (nothing was paid or promised on them)."""
    facts = DayFacts(outcome)
    scenario = outcome.scenario
    promise = facts.promises(rulebook)
    midnight = _midnight_us(day, timezone)
    at = _Clock(midnight)
    work = _day_work(outcome, rulebook)
    rows: list[dict[str, object]] = [
        {
            "kind": "traffic_control",
            "event": closure.closure_id,
            "start_at": at(closure.start_min * 60),
            "end_at": at(closure.end_min * 60),
            "area": f"closure {closure.closure_id}",
        }
        for closure in scenario.closures
    ]
    rows += _day_trips(outcome, at)
    orders, deliveries = _day_orders(facts, rulebook, promise, at)
    rows += orders
    rows += _day_work_rows(work, outcome, rulebook, at)
    rows += _day_pay(deliveries, work, rulebook, at)
    return pl.DataFrame(rows, infer_schema_length=None)


class _Clock:
    """Simulation seconds to UTC datetimes (whole seconds)."""

    def __init__(self, midnight_us: int) -> None:
        self.midnight_s = midnight_us // 1_000_000

    def __call__(self, seconds: float) -> datetime:
        return datetime.fromtimestamp(self.midnight_s + round(seconds), tz=ZoneInfo("UTC"))


def _day_work(outcome: DayOutcome, rulebook: Rulebook) -> dict[str, list[tuple[int, int]]]:
    """Per rider, each trip from its assignment (or start) to its end, whole seconds."""
    work: dict[str, list[tuple[int, int]]] = {}
    for trip in outcome.trips:
        if trip.pickup_s is None:
            continue
        start = math.floor(min(trip.assigned_s, trip.start_s))
        work.setdefault(trip.courier_id, []).append((start, math.ceil(trip.end_s)))
    return {rider: sorted(spans) for rider, spans in work.items()}


def _day_trips(outcome: DayOutcome, at: _Clock) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for trip in outcome.trips:
        if trip.pickup_s is None:
            continue
        stops = [f"P:{o}" for o in trip.order_ids] + [f"D:{o}" for o in trip.order_ids]
        rows.append(
            {
                "kind": "trip",
                "trip": _trip_id(trip),
                "rider": trip.courier_id,
                "assigned_at": at(trip.assigned_s),
                "route": " ".join(stops),
            }
        )
    return rows


def _trip_id(trip: TripRecord) -> str:
    return f"t-{trip.courier_id}-{round(trip.assigned_s)}-{trip.order_ids[0]}"


def _day_orders(
    facts: DayFacts, rulebook: Rulebook, promise: NDArray[np.float64], at: _Clock
) -> tuple[list[dict[str, object]], dict[str, list[tuple[str, Delivery]]]]:
    """Order rows, and each rider's deliveries (order id, Delivery) for their statement."""
    outcome = facts.outcome
    scenario = outcome.scenario
    instance = scenario.instance
    params = instance.parameters
    source = {o.id: o for o in instance.orders}
    travel = facts.travel
    eta = rulebook.eta
    d = facts.delivered
    index = {order: i for i, order in enumerate(d.order_ids)}
    closures = scenario.closures
    rows: list[dict[str, object]] = []
    deliveries: dict[str, list[tuple[str, Delivery]]] = {}
    for trip in outcome.trips:
        if trip.pickup_s is None:
            continue
        origin = instance.restaurants[trip.merchant_id].location
        previous, path_m = origin, 0.0
        for position, order_id in enumerate(trip.order_ids):
            i = index[order_id]
            order = source[order_id]
            details = scenario.orders[order_id]
            here = order.location
            path_m += travel.distance_m(previous, here)
            previous = here
            solo_s = (
                params.pickup_service_min * 30.0
                + travel.travel_seconds(origin, here, trip.pickup_s)
                + params.dropoff_service_min * 30.0
                + scenario.dropoff_extra_s(order_id)[0]
            )
            parts = travel.parts(
                np.array([origin], dtype=np.float64), np.array([here], dtype=np.float64), 0.0
            )
            closure_known = 0.0
            if eta.include_closures and closures:
                placed_parts = travel.parts(
                    np.array([origin], dtype=np.float64),
                    np.array([here], dtype=np.float64),
                    float(d.placed_s[i]),
                )
                closure_known = float(placed_parts.closure_s[0])
            prep_min = (order.ready_min - order.placement_min) + (
                details.predicted_delay_min if eta.include_predicted_prep else 0
            )
            placed_s = round(float(d.placed_s[i]))
            promised_s = math.floor(float(promise[i]))
            delivered_s = math.ceil(float(trip.dropoff_s[position]))
            order_facts = d.facts[i]
            late_cause = d.late_cause[i] if delivered_s > promised_s else None
            delivery = Delivery(
                order=order_facts,
                promised_at_s=promised_s,
                delivered_at_s=delivered_s,
                late_cause=late_cause,
            )
            counted_late = score_delivery(rulebook, delivery).kind == "late_delivery"
            deliveries.setdefault(trip.courier_id, []).append((order_id, delivery))
            detour_m = order_facts.traffic_control_detour_m
            event = (
                _closure_of(closures, trip.pickup_s)
                if detour_m or trip.closure_s[position]
                else None
            )
            climbed = order_facts.floor - 1 if not order_facts.has_lift else 0
            rows.append(
                {
                    "kind": "order",
                    "rider": trip.courier_id,
                    "order": order_id,
                    "trip": _trip_id(trip),
                    "event": event,
                    "placed_at": at(placed_s),
                    "ready_at": at((order.ready_min + details.prep_delay_min) * 60),
                    "picked_up_at": at(trip.pickup_s),
                    "delivered_at": at(delivered_s),
                    "promised_at": at(promised_s),
                    "distance_m": order_facts.distance_m,
                    "weight_g": order_facts.weight_g,
                    "bulky": order_facts.bulky or None,
                    "floors_walked": climbed or None,
                    "eta_method": promise_method(rulebook),
                    "eta_travel_s": float(parts.moving_s[0]),
                    "eta_signal_s": float(parts.signal_s[0]),
                    "eta_closure_s": closure_known,
                    "eta_prep_s": float(prep_min * 60),
                    "solo_s": solo_s,
                    "solo_m": travel.distance_m(origin, here),
                    "trip_s": float(trip.dropoff_s[position] - trip.pickup_s),
                    "trip_m": path_m,
                    "detour_m": float(detour_m) if event else None,
                    "detour_s": float(order_facts.traffic_control_detour_s) if event else None,
                    "counted_late": counted_late,
                    "late_cause": late_cause,
                }
            )
    return rows, deliveries


def _closure_of(closures: Iterable[Closure], at_s: float) -> str | None:
    """The traffic control in force when the trip rode (the first listed, if none was)."""
    listed = list(closures)
    for closure in listed:
        if closure.active(at_s):
            return closure.closure_id
    return listed[0].closure_id if listed else None


def _day_work_rows(
    work: dict[str, list[tuple[int, int]]], outcome: DayOutcome, rulebook: Rulebook, at: _Clock
) -> list[dict[str, object]]:
    """Delivering intervals, and the gaps between them: a rest when long enough to be one."""
    rest_s = rulebook.fatigue.min_rest_min * 60
    threshold = rulebook.fatigue.daily_confirmation_after_min
    riders = outcome.scenario.riders
    rows: list[dict[str, object]] = []
    for rider, spans in work.items():
        merged = _merge(spans)
        worked = sum(end - start for start, end in merged)
        confirmed = (
            threshold is not None
            and worked > threshold * 60
            and rider in riders
            and riders[rider].confirms_overtime
        )
        flag = True if confirmed else None
        for start, end in spans:
            rows.append(
                {
                    "kind": "work",
                    "rider": rider,
                    "activity": "delivering",
                    "start_at": at(start),
                    "end_at": at(end),
                    "overtime_confirmed": flag,
                }
            )
        for (_, last), (start, _) in itertools.pairwise(merged):
            activity = "rest" if start - last >= rest_s else "waiting"
            rows.append(
                {
                    "kind": "work",
                    "rider": rider,
                    "activity": activity,
                    "start_at": at(last),
                    "end_at": at(start),
                    "overtime_confirmed": flag,
                }
            )
    return rows


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _day_pay(
    deliveries: dict[str, list[tuple[str, Delivery]]],
    work: dict[str, list[tuple[int, int]]],
    rulebook: Rulebook,
    at: _Clock,
) -> list[dict[str, object]]:
    """Each rider's statement under `rulebook`, line by line."""
    rest_s = rulebook.fatigue.min_rest_min * 60
    rows: list[dict[str, object]] = []
    for rider, spans in work.items():
        merged = _merge(spans)
        activity = [ActivitySpan(start_s=s, end_s=e, kind="on_order") for s, e in merged]
        activity += [
            ActivitySpan(start_s=last, end_s=start, kind="waiting")
            for (_, last), (start, _) in itertools.pairwise(merged)
            if start - last < rest_s
        ]
        mine = deliveries.get(rider, [])
        statement = day_statement(rulebook, [delivery for _, delivery in mine], activity)
        for (order_id, delivery), paid in zip(mine, statement.deliveries, strict=True):
            when = at(delivery.delivered_at_s)
            for line in paid.quote.lines:
                rows.append(
                    {
                        "kind": "pay",
                        "rider": rider,
                        "order": order_id,
                        "at": when,
                        "line": _LINE_OF_CLAUSE[line.clause],
                        "amount_fen": line.amount_fen,
                    }
                )
            if paid.score.fine_fen:
                rows.append(
                    {
                        "kind": "pay",
                        "rider": rider,
                        "order": order_id,
                        "at": when,
                        "line": "deduction",
                        "amount_fen": -paid.score.fine_fen,
                        "reason": "lateness",
                    }
                )
        if statement.top_up_fen > 0:
            rows.append(
                {
                    "kind": "pay",
                    "rider": rider,
                    "at": at(merged[-1][1] + 60),
                    "line": "guarantee",
                    "amount_fen": statement.top_up_fen,
                }
            )
    return rows
