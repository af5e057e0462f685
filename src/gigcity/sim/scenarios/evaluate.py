"""A simulated day judged by a rulebook: pay, fines and points, promises, rest and hours.

The dispatch outcome says who delivered what and when; the rulebook's pay and score clauses
turn that into money and points, exactly as `gigcity.rules.day_statement` would (the tests
check it), but fast enough to price a 100,000-order day many times over.

Reference measures are the same for every rulebook of a comparison, so two rulebooks are
judged by one yardstick: continuous work against the stricter rulebook's fatigue clauses
(240 min / 20 min when neither has a limit), hours beyond `REFERENCE_DAILY_MIN` a day,
combining against the first on-route test found, and pay per active hour against the
highest hourly minimum (¥25 when none has one).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gigcity.rules import OrderFacts, Rulebook, order_pay_fen
from gigcity.rules.model import LatenessCause
from gigcity.sim.labour import fatigue_stretches
from gigcity.sim.scenarios.model import Closure, OrderDetails, Scenario
from gigcity.sim.scenarios.simulate import DayOutcome
from gigcity.sim.scenarios.travel import DistrictTravel
from gigcity.sim.stats import describe, gini

REFERENCE_DAILY_MIN = 480
REFERENCE_HOURLY_FEN = 2500
DISPATCH_ALLOWANCE_S = 10 * 60.0
"""assumption: a promise allows 10 min for a rider to reach the merchant if the food is ready sooner."""
PROMISE_FLOOR_S = 30 * 60.0
"""[fact] promises of 30-50 min for orders within 3 km (Workers' Daily, 2021): never under 30."""


@dataclass(frozen=True, slots=True)
class Yardstick:
    """What every rulebook of a comparison is measured against."""

    fatigue: Rulebook
    """Rulebook whose fatigue clauses measure continuous work."""
    on_route: Rulebook | None
    """Rulebook whose on-route test judges combined orders (None: not judged)."""
    daily_min: int = REFERENCE_DAILY_MIN
    hourly_fen: int = REFERENCE_HOURLY_FEN


def yardstick(rulebooks: Sequence[Rulebook]) -> Yardstick:
    with_limit = [r for r in rulebooks if r.fatigue.continuous_work_limit_min is not None]
    fatigue = (
        min(with_limit, key=lambda r: r.fatigue.continuous_work_limit_min or 0)
        if with_limit
        else rulebooks[0]
    )
    tested = [
        r
        for r in rulebooks
        if r.combining.max_extra_min is not None or r.combining.max_extra_distance_pct is not None
    ]
    daily = [
        r.fatigue.daily_confirmation_after_min
        for r in rulebooks
        if r.fatigue.daily_confirmation_after_min is not None
    ]
    hourly = max((r.guarantee.hourly_minimum_fen for r in rulebooks), default=0)
    return Yardstick(
        fatigue=fatigue,
        on_route=tested[0] if tested else None,
        daily_min=min(daily) if daily else REFERENCE_DAILY_MIN,
        hourly_fen=hourly or REFERENCE_HOURLY_FEN,
    )


@dataclass(frozen=True, slots=True)
class Delivered:
    """Per delivered order, in the outcome's trip order (numpy arrays, seconds and metres)."""

    order_ids: list[str]
    courier_ids: list[str]
    placed_s: NDArray[np.float64]
    assigned_s: NDArray[np.float64]
    dropoff_s: NDArray[np.float64]
    facts: list[OrderFacts]
    promise_s: dict[str, NDArray[np.float64]]
    """Promised arrival under the eta clauses, keyed by the clauses' values (see _eta_key)."""
    late_cause: list[LatenessCause | None]
    prep_delayed: NDArray[np.bool_]
    closure_s: NDArray[np.float64]
    combined: list[tuple[str, tuple[str, ...], float, tuple[float, ...]]]
    """(merchant, orders in sequence, pickup_s, drop-offs) of trips with more than one order."""


def _eta_key(rulebook: Rulebook) -> str:
    eta = rulebook.eta
    return (
        f"{eta.include_signal_waits:d}{eta.include_closures:d}{eta.include_predicted_prep:d}"
        f"/{eta.promise_buffer_min}"
    )


@dataclass(slots=True)
class _DeliveredTrips:
    """The day's trips gathered per delivered order, plus each rider's working spans."""

    ids: list[str] = field(default_factory=list)
    couriers: list[str] = field(default_factory=list)
    assigned: list[float] = field(default_factory=list)
    drops: list[float] = field(default_factory=list)
    closure_m: list[float] = field(default_factory=list)
    closure_s: list[float] = field(default_factory=list)
    combined: list[tuple[str, tuple[str, ...], float, tuple[float, ...]]] = field(
        default_factory=list
    )
    work: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))


def _gather_trips(outcome: DayOutcome) -> _DeliveredTrips:
    """Walk the trips once: every delivered order's rider and times, every rider's spans."""
    got = _DeliveredTrips()
    for trip in outcome.trips:
        got.work[trip.courier_id].append((trip.start_s, trip.end_s))
        if trip.pickup_s is None:
            continue
        got.ids.extend(trip.order_ids)
        got.couriers.extend([trip.courier_id] * len(trip.order_ids))
        got.assigned.extend([trip.assigned_s] * len(trip.order_ids))
        got.drops.extend(trip.dropoff_s)
        got.closure_m.extend(trip.closure_m)
        got.closure_s.extend(trip.closure_s)
        if len(trip.order_ids) > 1:
            got.combined.append((trip.merchant_id, trip.order_ids, trip.pickup_s, trip.dropoff_s))
    for spans in got.work.values():
        spans.sort()
    return got


def _order_facts(
    scenario: Scenario,
    got: _DeliveredTrips,
    distance: NDArray[np.float64],
    details: list[OrderDetails],
    placed: NDArray[np.float64],
) -> list[OrderFacts]:
    """What the pay clauses read of each delivered order."""
    return [
        OrderFacts(
            order_id=o,
            distance_m=round(float(d)),
            weight_g=det.weight_g,
            bulky=det.bulky,
            floor=det.floor,
            has_lift=det.has_lift and not det.lift_out_of_order,
            old_estate=det.old_estate,
            weather_alert=scenario.weather_alert_at(at),
            at_s=int(at),
            traffic_control_detour_m=round(cm),
            traffic_control_detour_s=round(cs),
        )
        for o, d, det, at, cm, cs in zip(
            got.ids,
            distance.tolist(),
            details,
            placed.tolist(),
            got.closure_m,
            got.closure_s,
            strict=True,
        )
    ]


class DayFacts:
    """Everything about a day's outcome that does not depend on the pay and score clauses.

    Built once per simulated outcome; `judge` then prices it under any rulebook.
    """

    def __init__(self, outcome: DayOutcome) -> None:
        self.outcome = outcome
        self.daily_rule = outcome.asks_confirmation
        scenario = outcome.scenario
        self.scenario = scenario
        self.travel = DistrictTravel.for_scenario(scenario)
        instance = scenario.instance
        orders = {o.id: o for o in instance.orders}
        restaurants = instance.restaurants
        got = _gather_trips(outcome)
        ids = got.ids
        self.work: dict[str, list[tuple[float, float]]] = got.work
        placed = np.array([orders[o].placement_min * 60.0 for o in ids])
        pickups = np.array([restaurants[orders[o].restaurant_id].location for o in ids]).reshape(
            -1, 2
        )
        dests = np.array([orders[o].location for o in ids]).reshape(-1, 2)
        distance = np.hypot(*(dests - pickups).T) * scenario.travel.route_factor
        details = [scenario.orders[o] for o in ids]
        self.facts = _order_facts(scenario, got, distance, details, placed)
        self.delivered = Delivered(
            order_ids=ids,
            courier_ids=got.couriers,
            placed_s=placed,
            assigned_s=np.array(got.assigned),
            dropoff_s=np.array(got.drops),
            facts=self.facts,
            promise_s={},
            late_cause=[],
            prep_delayed=np.array([d.prep_delay_min > 0 for d in details], dtype=np.bool_),
            closure_s=np.array(got.closure_s),
            combined=got.combined,
        )
        self._pickups = pickups
        self._dests = dests
        self._details = details
        self._late_causes(placed)

    def _late_causes(self, placed: NDArray[np.float64]) -> None:
        """The cause a late order would be excused for, if any (the first that applies)."""
        weather = np.array([self.scenario.weather_alert_at(t) for t in placed.tolist()])
        causes: list[LatenessCause | None] = []
        for i, det in enumerate(self._details):
            if det.prep_delay_min > 0:
                causes.append("merchant_delay")
            elif self.delivered.closure_s[i] > 0:
                causes.append("traffic_control")
            elif weather.size and bool(weather[i]):
                causes.append("weather_alert")
            elif det.lift_out_of_order:
                causes.append("lift_out_of_order")
            elif det.customer_unreachable:
                causes.append("customer_unreachable")
            else:
                causes.append(None)
        self.delivered.late_cause.extend(causes)

    def on_order_spans(self) -> dict[str, list[tuple[float, float]]]:
        """Per rider, each delivered order from acceptance to drop-off, in whole seconds."""
        spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
        d = self.delivered
        for c, a, dr in zip(
            d.courier_ids, d.assigned_s.tolist(), d.dropoff_s.tolist(), strict=True
        ):
            spans[c].append((math.floor(a), math.ceil(dr)))
        return spans

    def promises(self, rulebook: Rulebook) -> NDArray[np.float64]:
        """Promised arrival of each delivered order under the rulebook's eta clauses."""
        key = _eta_key(rulebook)
        cached = self.delivered.promise_s.get(key)
        if cached is not None:
            return cached
        eta = rulebook.eta
        instance = self.scenario.instance
        p = instance.parameters
        orders = {o.id: o for o in instance.orders}
        prep = np.array(
            [
                (orders[o].ready_min - orders[o].placement_min)
                + (det.predicted_delay_min if eta.include_predicted_prep else 0)
                for o, det in zip(self.delivered.order_ids, self._details, strict=True)
            ],
            dtype=np.float64,
        )
        parts = self.travel.parts(self._pickups, self._dests, 0.0)
        travel = parts.moving_s.copy()
        if eta.include_signal_waits:
            travel += parts.signal_s
        if eta.include_closures:
            travel += self._closure_estimate()
        estimate = (
            np.maximum(prep * 60.0, DISPATCH_ALLOWANCE_S)
            + p.pickup_service_min * 60.0
            + travel
            + p.dropoff_service_min * 30.0
        )
        promise = (
            self.delivered.placed_s
            + np.maximum(estimate, PROMISE_FLOOR_S)
            + eta.promise_buffer_min * 60.0
        )
        self.delivered.promise_s[key] = promise
        return promise

    def _closure_estimate(self) -> NDArray[np.float64]:
        """The closure detour a promise made at placement foresees (closures in force then)."""
        result = np.zeros(len(self.delivered.order_ids))
        if not self.scenario.closures:
            return result
        # `parts` is element-wise and depends on the time only through the speed and the
        # closures in force: one call per such set of times (a handful a day), not per order.
        travel = self.travel
        times, order_time = np.unique(self.delivered.placed_s, return_inverse=True)
        groups: dict[tuple[float, tuple[Closure, ...]], list[int]] = {}
        for index, at in enumerate(times.tolist()):
            key = (travel.speed_factor(at), travel.active_closures(at))
            groups.setdefault(key, []).append(index)
        for indices in groups.values():
            rows = np.flatnonzero(np.isin(order_time, indices))
            at = float(times[indices[0]])
            parts = travel.parts(self._pickups[rows], self._dests[rows], at)
            result[rows] = parts.closure_s
        return result


def union_s(spans: Sequence[tuple[float, float]]) -> float:
    """Seconds covered by `spans` (overlaps counted once): a rider's time at work."""
    total, covered = 0.0, -math.inf
    for start, end in sorted(spans):
        if start > covered:
            total += end - start
            covered = end
        elif end > covered:
            total += end - covered
            covered = end
    return total


@dataclass(frozen=True, slots=True)
class _Verdicts:
    """Each delivered order under the score clauses: late, excused, points and fine."""

    late: NDArray[np.bool_]
    exempt: NDArray[np.bool_]
    points: NDArray[np.int64]
    fines: NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class _RiderPay:
    """Per rider (in the instance's courier order): pay, fines, points and time on order."""

    order_pay: NDArray[np.int64]
    fines: NDArray[np.int64]
    points: NDArray[np.int64]
    on_order_s: NDArray[np.int64]
    earned: NDArray[np.int64]
    top_up: NDArray[np.int64]
    total: NDArray[np.int64]


def _verdicts(d: Delivered, promise: NDArray[np.float64], rulebook: Rulebook) -> _Verdicts:
    """Lateness against the promise, the excused causes, points and (if any) money fines."""
    rules = rulebook.service_score
    late_s = np.maximum(0.0, np.ceil(d.dropoff_s) - np.floor(promise))
    grace = rules.late_grace_min * 60
    late = late_s > grace
    exempt = np.array(
        [cause is not None and cause in rules.exempt_causes for cause in d.late_cause],
        dtype=np.bool_,
    ).reshape(-1)
    points = np.where(
        ~late, rules.on_time_points, np.where(exempt, rules.exempt_late_points, rules.late_points)
    )
    fines = np.zeros(len(d.order_ids), dtype=np.int64)
    if rules.lateness_deducts_money:
        minutes = np.ceil((late_s - grace) / 60.0).astype(np.int64)
        fines = np.where(late & ~exempt, minutes * rules.late_fine_fen_per_min, 0)
        if rules.late_fine_cap_fen is not None:
            fines = np.minimum(fines, rules.late_fine_cap_fen)
    return _Verdicts(late, exempt, points, fines)


def _counted_active_s(
    facts: DayFacts,
    rulebook: Rulebook,
    spans: dict[str, list[tuple[float, float]]],
    on_order_s: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Each rider's active time as the hourly guarantee counts it (on order, or the shift)."""
    if rulebook.guarantee.active_time == "on_order":
        return on_order_s
    return np.array(
        [
            int(union_s([*spans.get(c.id, []), (c.on_min * 60, c.off_min * 60)]))
            for c in facts.scenario.instance.couriers
        ],
        dtype=np.int64,
    )


def rider_pay(facts: DayFacts, rulebook: Rulebook) -> _RiderPay:
    """Per rider of the day, under `rulebook`: order pay, fines, points and the top-up to the
    hourly guarantee (the arrays `judge` sums), in the day's courier order."""
    return _rider_pay(
        facts, rulebook, _verdicts(facts.delivered, facts.promises(rulebook), rulebook)
    )


def _rider_pay(facts: DayFacts, rulebook: Rulebook, verdicts: _Verdicts) -> _RiderPay:
    """Per rider: order pay, fines, points and the top-up to the hourly guarantee."""
    d = facts.delivered
    pay = np.array([order_pay_fen(rulebook, f) for f in d.facts], dtype=np.int64)
    riders = [c.id for c in facts.scenario.instance.couriers]
    index = {rid: i for i, rid in enumerate(riders)}
    which = np.array([index[c] for c in d.courier_ids], dtype=np.int64)
    order_pay = np.bincount(which, weights=pay, minlength=len(riders)).astype(np.int64)
    rider_fines = np.bincount(which, weights=verdicts.fines, minlength=len(riders)).astype(np.int64)
    rider_points = np.bincount(which, weights=verdicts.points, minlength=len(riders)).astype(
        np.int64
    )
    spans = facts.on_order_spans()
    on_order_s = np.array([int(union_s(spans.get(r, []))) for r in riders], dtype=np.int64)
    counted = _counted_active_s(facts, rulebook, spans, on_order_s)
    guaranteed = -(-counted * rulebook.guarantee.hourly_minimum_fen // 3600)
    earned = order_pay - rider_fines
    top_up = np.maximum(0, guaranteed - earned)
    return _RiderPay(
        order_pay, rider_fines, rider_points, on_order_s, earned, top_up, earned + top_up
    )


def _orders_section(placed_total: int, delivered: int) -> dict[str, Any]:
    return {
        "total": placed_total,
        "delivered": delivered,
        "undelivered": placed_total - delivered,
        "undelivered_share": round((placed_total - delivered) / placed_total, 6)
        if placed_total
        else 0.0,
    }


def _dispatch_section(outcome: DayOutcome) -> dict[str, Any]:
    return {
        "decisions": outcome.decisions,
        "plan_deviations": outcome.plan_deviations,
        "handed_back": outcome.handed_back,
        "rested_early": outcome.rested_early,
        "blocks": outcome.blocks,
        "riders_blocked": len(outcome.blocked_riders),
    }


def _score_section(rider: _RiderPay, worked: NDArray[np.bool_]) -> dict[str, Any]:
    return {
        "points_total": int(rider.points.sum()),
        "points_per_rider": describe(rider.points[worked]),
        "riders_fined": int((rider.fines > 0).sum()),
        "fines_per_rider_fen": describe(rider.fines[worked]),
    }


def judge(facts: DayFacts, rulebook: Rulebook, stick: Yardstick) -> dict[str, Any]:
    """The day's figures under `rulebook`'s pay and score clauses, on the common yardstick."""
    d = facts.delivered
    instance = facts.scenario.instance
    verdicts = _verdicts(d, facts.promises(rulebook), rulebook)
    late, exempt = verdicts.late, verdicts.exempt
    rider = _rider_pay(facts, rulebook, verdicts)
    total, rider_fines, rider_points = rider.total, rider.fines, rider.points

    worked = rider.on_order_s > 0
    hours = rider.on_order_s[worked] / 3600.0
    per_hour = total[worked] / 100.0 / hours
    before_top_up = rider.earned[worked] / 100.0 / hours
    below = before_top_up < stick.hourly_fen / 100.0

    delivered = len(d.order_ids)
    click_to_door = (d.dropoff_s - d.placed_s) / 60.0

    labour = _labour(facts, stick)
    on_route = _on_route(facts, stick)
    return {
        "rulebook": rulebook.ref,
        "orders": _orders_section(len(instance.orders), delivered),
        "click_to_door_min": describe(click_to_door),
        "on_time_share": round(float(np.mean(~late)), 4) if delivered else None,
        "late_orders": int(late.sum()),
        "late_excused": int((late & exempt).sum()),
        "pay": {
            "total_fen": int(total.sum()),
            "order_pay_fen": int(rider.order_pay.sum()),
            "fines_fen": int(rider_fines.sum()),
            "top_up_fen": int(rider.top_up.sum()),
            "cost_per_order_fen": round(float(total.sum()) / delivered, 1) if delivered else None,
            "per_active_hour": describe(per_hour),
            "gini_per_active_hour": gini(per_hour),
            "below_guarantee_before_top_up_share": round(float(below.mean()), 4)
            if worked.any()
            else None,
            "reference_hourly_fen": stick.hourly_fen,
            "riders_paid": int(worked.sum()),
            "active_hours": round(float(hours.sum()), 4),
        },
        "score": _score_section(rider, worked),
        "rest": labour["rest"],
        "hours": labour["hours"],
        "on_route": on_route,
        "dispatch": _dispatch_section(facts.outcome),
        "_series": {
            "pay_per_active_hour": per_hour.round(4).tolist(),
            "pay_before_top_up_per_hour": before_top_up.round(4).tolist(),
            "click_to_door_min": click_to_door.round(3).tolist(),
            "fines_fen": rider_fines[worked].tolist(),
            "points": rider_points[worked].tolist(),
            "continuous_work_min": labour["stretches"],
            "work_hours": labour["work_hours"],
        },
    }


def _labour(facts: DayFacts, stick: Yardstick) -> dict[str, Any]:
    fatigue = stick.fatigue.fatigue
    limit = fatigue.continuous_work_limit_min or 240
    measure = fatigue_stretches(stick.fatigue)
    scenario = facts.scenario
    stretches: list[float] = []
    breaches = 0
    breaching: list[str] = []
    work_hours: list[float] = []
    beyond_total = 0.0
    beyond_unconfirmed = 0.0
    riders_beyond = 0
    rest_day_worked = 0
    for courier in scenario.instance.couriers:
        spans = facts.work.get(courier.id, [])
        if not spans:
            continue
        minutes = [(s / 60.0, e / 60.0) for s, e in spans]
        lengths = measure(minutes)
        stretches.extend(lengths)
        over = sum(1 for length in lengths if length > limit + 1e-9)
        breaches += over
        if over:
            breaching.append(courier.id)
        worked_min = union_s(spans) / 60.0
        work_hours.append(worked_min / 60.0)
        extra = max(0.0, worked_min - stick.daily_min)
        if extra > 0:
            riders_beyond += 1
            beyond_total += extra
            if not (facts.daily_rule and scenario.riders[courier.id].confirms_overtime):
                beyond_unconfirmed += extra
        if scenario.riders[courier.id].days_worked_before >= 6:
            rest_day_worked += 1
    return {
        "rest": {
            "rule": stick.fatigue.ref,
            "max_continuous_work_min": limit,
            "min_rest_min": fatigue.min_rest_min,
            "breaches": breaches,
            "breaching_riders": len(breaching),
            "longest_continuous_work_min": round(max(stretches, default=0.0), 2),
            "continuous_work_min": describe(stretches),
            "rest_day_due_but_worked": rest_day_worked,
        },
        "hours": {
            "reference_daily_min": stick.daily_min,
            "riders_beyond": riders_beyond,
            "hours_beyond": round(beyond_total / 60.0, 2),
            "hours_beyond_unconfirmed": round(beyond_unconfirmed / 60.0, 2),
            "work_hours": describe(work_hours),
        },
        "stretches": [round(x, 2) for x in stretches],
        "work_hours": [round(x, 3) for x in work_hours],
    }


def _on_route(facts: DayFacts, stick: Yardstick) -> dict[str, Any]:
    """Share of orders in combined trips that pass the on-route test, per order, as ridden."""
    result: dict[str, Any] = {
        "test": stick.on_route.ref if stick.on_route else None,
        "combined_orders": sum(len(c[1]) for c in facts.delivered.combined),
        "passing_orders": None,
        "rate": None,
    }
    if stick.on_route is None:
        return result
    test = stick.on_route.combining
    instance = facts.scenario.instance
    orders = {o.id: o for o in instance.orders}
    p = instance.parameters
    travel = facts.travel
    passing = counted = 0
    for merchant, order_ids, pickup_s, drops in facts.delivered.combined:
        origin = instance.restaurants[merchant].location
        previous, path_m = origin, 0.0
        for oid, drop in zip(order_ids, drops, strict=True):
            here = orders[oid].location
            path_m += travel.distance_m(previous, here)
            previous = here
            solo_s = (
                p.pickup_service_min * 30.0
                + travel.travel_seconds(origin, here, pickup_s)
                + p.dropoff_service_min * 30.0
            )
            combined_s = drop - pickup_s
            counted += 1
            passing += test.allows(
                solo_s + facts.scenario.dropoff_extra_s(oid)[0],
                combined_s,
                travel.distance_m(origin, here),
                path_m,
            )
    result["passing_orders"] = passing
    result["rate"] = round(passing / counted, 4) if counted else None
    return result
