"""Decision logs to test the audit with: a synthetic day that keeps every clause of a
rulebook, a simulated day turned into a log, and breaches planted into a log on purpose,
each recorded so a test (or the benchmark) can tell whether the audit found it.

Everything is column-wise (NumPy, Polars): a 1,000,000-order day of 30,000 riders is
generated in seconds. Times are built as seconds after the day's local midnight and turned
into UTC timestamps at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from numpy.typing import NDArray

from gigcity.rules import (
    Rulebook,
    work_stretches,
)
from gigcity.rules.eta import promise_method
from gigcity.services.audit.catalog import CHECKS
from gigcity.services.audit.logformat import TIME_COLUMNS, Kind
from gigcity.services.audit.logwriter import DISTRICT_TIMEZONE, conform

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SPEED_M_PER_S = 4.5  # assumption: an e-bike in district traffic, about 16 km/h
HANDOVER_S = 60  # at the door, per order
COMBINED_TRIP_SHARE = 0.15  # trips carrying two orders; the rest carry one
OFF_ROUTE_SHARE = 0.03  # of second orders of combined trips: kept well under any target
SLOW_RIDER_SHARE = 0.08  # riders whose orders alone pay less than the hourly guarantee
LONG_DAY_SHARE = 0.15  # riders working about half as many trips again (and confirming)
LATE_SHARE = 0.03
OVERWEIGHT_SHARE = 0.04
BULKY_SHARE = 0.02
WALK_UP_SHARE = 0.05
DETOUR_SHARE = 0.004
MAX_TRIPS_PER_RIDER = 40
_MARGIN_S = 600  # kept from every limit so rounding in a check never turns into a finding
_DEFAULT_LIMIT_MIN = 240  # shifts are planned with rests even where the rules require none
_DEFAULT_EXTRA_MIN = 10
_DEFAULT_EXTRA_PCT = 30
_AREAS = ("Caoyang Road", "Zhenru", "Changshou Road", "Wanli", "Ganquan")


@dataclass(frozen=True)
class Planted:
    """A breach put into a log on purpose: what the audit should report."""

    check: str
    rider: str | None
    """The platform's rider id (None for a day-level check such as on_route)."""
    orders: tuple[str, ...]
    day: date


# --- shared arithmetic (the pricing's, column-wise) ---------------------------------------


def _ceil_div(numerator: IntArray, denominator: int) -> IntArray:
    return -(-numerator // denominator)


def _tiered(values: IntArray, tiers: list[tuple[int, int, int]], *, per_band: bool) -> IntArray:
    """Steps once per tier reached plus the rate per 1,000 units on each band, rounded up
    to the fen (per band, or once over the bands as `quote_order` does)."""
    total = np.zeros(len(values), dtype=np.int64)
    rated = np.zeros(len(values), dtype=np.int64)
    for index, (above, step, rate) in enumerate(tiers):
        high = tiers[index + 1][0] if index + 1 < len(tiers) else None
        inside = (np.minimum(values, high) if high is not None else values) - above
        inside = np.maximum(inside, 0)
        total += np.where(inside > 0, step, 0)
        if per_band:
            total += _ceil_div(inside * rate, 1000)
        else:
            rated += inside * rate
    return total + _ceil_div(rated, 1000)


def weight_fen(rulebook: Rulebook, weight_g: IntArray) -> IntArray:
    """The weight supplement, rounded up per band: never less than `quote_order`'s."""
    tiers = [(t.above_g, t.step_fen, t.fen_per_kg) for t in rulebook.pricing.weight_tiers]
    return _tiered(weight_g, tiers, per_band=True)


def stairs_fen(rulebook: Rulebook, floors_walked: IntArray) -> IntArray:
    stairs = rulebook.pricing.stairs
    return np.maximum(floors_walked - stairs.free_floors, 0) * stairs.fen_per_floor


def detour_fen(rulebook: Rulebook, detour_m: IntArray, detour_s: IntArray) -> IntArray:
    rates = rulebook.pricing.traffic_control_detour
    return _ceil_div(detour_m * rates.fen_per_km, 1000) + _ceil_div(
        detour_s * rates.fen_per_min, 60
    )


def guarantee_fen(rulebook: Rulebook, active_s: IntArray) -> IntArray:
    return _ceil_div(active_s * rulebook.guarantee.hourly_minimum_fen, 3600)


def _required_promise_s(
    rulebook: Rulebook, travel: IntArray, signal: IntArray, closure: IntArray, prep: IntArray
) -> IntArray:
    eta = rulebook.eta
    return (
        travel
        + (signal if eta.include_signal_waits else 0)
        + (closure if eta.include_closures else 0)
        + (prep if eta.include_predicted_prep else 0)
        + eta.promise_buffer_min * 60
    )


def _allowed_fine_fen(rulebook: Rulebook, late_s: IntArray) -> IntArray:
    """The most a lateness fine may be, read the strictest way (whole minutes, rounded down)."""
    rules = rulebook.service_score
    if not rules.lateness_deducts_money:
        return np.zeros(len(late_s), dtype=np.int64)
    minutes = np.maximum(late_s - rules.late_grace_min * 60, 0) // 60
    fine = minutes * rules.late_fine_fen_per_min
    if rules.late_fine_cap_fen is not None:
        fine = np.minimum(fine, rules.late_fine_cap_fen)
    return fine


def _midnight_us(day: date, timezone: str) -> int:
    local = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(timezone))
    return int(local.timestamp()) * 1_000_000


def _times(seconds: IntArray | pl.Series, midnight_us: int) -> pl.Series:
    series = pl.Series(seconds, dtype=pl.Int64) if not isinstance(seconds, pl.Series) else seconds
    return (series * 1_000_000 + midnight_us).cast(pl.Datetime("us", time_zone="UTC"))


def _ids(prefix: str, numbers: IntArray, width: int) -> pl.Series:
    digits = pl.Series(numbers, dtype=pl.Int64).cast(pl.String).str.zfill(width)
    return pl.select(pl.lit(prefix) + digits).to_series()


def _pick(rng: np.random.Generator, candidates: IntArray, share: float, least: int = 1) -> IntArray:
    count = min(len(candidates), max(least, round(share * len(candidates))))
    return np.sort(rng.choice(candidates, size=count, replace=False)) if count else candidates[:0]


def _group_cumsum(values: IntArray, group_start: IntArray) -> IntArray:
    """Cumulative sums restarting at each group (rows sorted by group)."""
    total = np.cumsum(values)
    return total - (total[group_start] - values[group_start])


# --- the synthetic day -----------------------------------------------------------------------


def synthetic_log(
    *,
    orders: int,
    riders: int,
    rulebook: Rulebook,
    day: date,
    seed: int,
    timezone: str = DISTRICT_TIMEZONE,
) -> pl.DataFrame:
    """A plausible one-day decision log in which the platform kept every clause of
    `rulebook`: shifts planned with rests, long days confirmed, difficult orders and detours
    paid, honest promises, combined orders on the way, the hourly guarantee topped up."""
    if orders < 1 or riders < 1:
        raise ValueError("a synthetic day needs at least one order and one rider")
    if orders > MAX_TRIPS_PER_RIDER * riders:
        raise ValueError(
            f"{orders} orders for {riders} riders do not fit in a day "
            f"(at most {MAX_TRIPS_PER_RIDER} per rider)"
        )
    rng = np.random.default_rng(seed)
    plan = _plan_trips(rng, orders, riders, rulebook)
    facts = _order_facts(rng, plan, rulebook)
    midnight = _midnight_us(day, timezone)
    frames = [
        _event_rows(plan, facts, midnight),
        _trip_rows(plan, facts, midnight),
        _order_rows(plan, facts, rulebook, midnight),
        _work_rows(plan, rulebook, midnight),
        _pay_rows(plan, facts, rulebook, midnight),
    ]
    return conform(pl.concat([conform(f) for f in frames], how="vertical"))


@dataclass
class _Trips:
    n_orders: int
    # per trip
    rider: IntArray
    size: IntArray
    first_order: IntArray
    assigned: IntArray
    end: IntArray
    to_pickup_s: IntArray
    pickup: IntArray
    block: IntArray
    rider_first_trip: IntArray  # per trip: index of its rider's first trip
    # per order
    trip: IntArray
    position: IntArray
    # per rider (with trips)
    confirmed: BoolArray  # indexed by rider number


@dataclass
class _Orders:
    solo_m: IntArray
    solo_s: IntArray
    trip_s: IntArray
    trip_m: IntArray
    delivered: IntArray
    picked_up: IntArray
    ready: IntArray
    placed: IntArray
    promised: IntArray
    travel_s: IntArray
    signal_s: IntArray
    closure_s: IntArray
    prep_s: IntArray
    weight_g: IntArray
    bulky: BoolArray
    floors: IntArray  # 0: a lift (null in the log)
    detoured: BoolArray
    detour_m: IntArray
    detour_s: IntArray
    event: IntArray  # -1: none
    late_cause: NDArray[np.object_]
    counted_late: BoolArray
    late_s: IntArray
    events: list[tuple[int, int]]


def _plan_trips(rng: np.random.Generator, n: int, riders: int, rulebook: Rulebook) -> _Trips:
    sizes = np.where(rng.random(n) < COMBINED_TRIP_SHARE, 2, 1).astype(np.int64)
    ends = np.cumsum(sizes)
    count = int(np.searchsorted(ends, n)) + 1
    sizes = sizes[:count]
    sizes[-1] = n - (int(ends[count - 2]) if count > 1 else 0)
    if n >= 2 and not (sizes == 2).any():
        sizes = np.array([2] + [1] * (n - 2), dtype=np.int64)
    trips = len(sizes)
    first_order = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    trip_of_order = np.repeat(np.arange(trips, dtype=np.int64), sizes)
    position = np.arange(n, dtype=np.int64) - first_order[trip_of_order]

    # Trips shared out by weight: long-day riders take about half as many again.
    long_day = rng.random(riders) < LONG_DAY_SHARE
    weight = np.where(long_day, 1.5, 1.0)
    share = weight / weight.sum() * trips
    per_rider = np.floor(share).astype(np.int64)
    short = trips - int(per_rider.sum())
    if short:
        per_rider[np.argsort(per_rider - share)[:short]] += 1
    rider = np.repeat(np.arange(riders, dtype=np.int64), per_rider)
    first_of_rider = np.concatenate([[0], np.cumsum(per_rider)[:-1]]).astype(np.int64)
    rider_first_trip = first_of_rider[rider]

    # Durations: ride to the merchant, maybe wait for the food, then the drop-offs.
    to_pickup = rng.integers(120, 421, trips)
    food_wait = np.where(rng.random(trips) < 0.4, rng.integers(0, 121, trips), 0)
    # Slow riders (far from the restaurants, kept waiting at the counter) earn less per
    # hour than the guarantee from their orders alone: the platform tops their day up.
    slow = ((rng.random(riders) < SLOW_RIDER_SHARE) & ~long_day)[rider]
    to_pickup = np.where(slow, to_pickup * 2, to_pickup)
    food_wait = np.where(slow, rng.integers(180, 601, trips), food_wait)
    return _Trips(
        n_orders=n,
        rider=rider,
        size=sizes,
        first_order=first_order,
        assigned=np.zeros(trips, dtype=np.int64),
        end=np.zeros(trips, dtype=np.int64),
        to_pickup_s=to_pickup,
        pickup=to_pickup + food_wait,  # relative to assignment until laid out
        block=np.zeros(trips, dtype=np.int64),
        rider_first_trip=rider_first_trip,
        trip=trip_of_order,
        position=position,
        confirmed=np.zeros(riders, dtype=np.bool_),
    )


def _order_facts(rng: np.random.Generator, plan: _Trips, rulebook: Rulebook) -> _Orders:
    n = plan.n_orders
    combining = rulebook.combining
    extra_min = (
        combining.max_extra_min if combining.max_extra_min is not None else _DEFAULT_EXTRA_MIN
    )
    extra_pct = (
        combining.max_extra_distance_pct
        if combining.max_extra_distance_pct is not None
        else _DEFAULT_EXTRA_PCT
    )
    solo_m = rng.integers(500, 3501, n)
    ride_s = np.rint(solo_m / SPEED_M_PER_S).astype(np.int64)
    signal_s = rng.integers(30, 181, n)
    signal_actual = (signal_s * rng.uniform(0.5, 1.0, n)).astype(np.int64)
    solo_s = ride_s + signal_actual
    # The second drop-off of a combined trip rides a little further; a few much further.
    second = plan.position == 1
    extra_s = rng.integers(0, max(1, extra_min * 60 - 60), n)
    extra_m = np.floor(solo_m * extra_pct / 100 * rng.uniform(0, 0.9, n)).astype(np.int64)
    # A few second orders far off the way, never so many that the day misses the target.
    combined = int((plan.size[plan.trip] >= 2).sum())
    target = combining.target_on_route_pct if combining.target_on_route_pct is not None else 90
    room = -(-combined * (100 - target) // 100) - 1  # off-route orders the target allows
    seconds = np.flatnonzero(second)
    off_count = max(0, min(round(OFF_ROUTE_SHARE * len(seconds)), room))
    off_route = np.zeros(n, dtype=np.bool_)
    off_route[rng.choice(seconds, size=off_count, replace=False)] = True
    extra_s = np.where(off_route, extra_min * 60 + rng.integers(60, 601, n), extra_s)
    trip_s = np.where(second, solo_s + extra_s, solo_s)
    trip_m = np.where(second, solo_m + extra_m, solo_m)
    delivered_rel = trip_s + HANDOVER_S * (plan.position + 1)

    _lay_out(rng, plan, delivered_rel, rulebook)
    pickup = plan.pickup[plan.trip]
    delivered = pickup + delivered_rel
    food_waited = plan.pickup - plan.assigned > plan.to_pickup_s
    ready = np.where(food_waited[plan.trip], pickup, pickup - rng.integers(0, 121, n))

    weight_g = rng.integers(200, 4001, n)
    tiers = rulebook.pricing.weight_tiers
    heavy_from = tiers[0].above_g if tiers else 5000
    heavy = _pick(rng, np.arange(n), OVERWEIGHT_SHARE)
    weight_g[heavy] = heavy_from + rng.integers(1, 10_001, len(heavy))
    bulky = np.zeros(n, dtype=np.bool_)
    bulky[_pick(rng, np.arange(n), BULKY_SHARE)] = True
    floors = np.zeros(n, dtype=np.int64)
    walk_up = _pick(rng, np.arange(n), WALK_UP_SHARE)
    floors[walk_up] = rng.integers(1, 7, len(walk_up))
    floors[walk_up[:1]] = 5  # at least one walk-up with floors to pay

    facts = _Orders(
        solo_m=solo_m,
        solo_s=solo_s,
        trip_s=trip_s,
        trip_m=trip_m,
        delivered=delivered,
        picked_up=pickup,
        ready=ready,
        placed=np.zeros(n, dtype=np.int64),
        promised=np.zeros(n, dtype=np.int64),
        travel_s=plan.to_pickup_s[plan.trip] + ride_s,
        signal_s=signal_s,
        closure_s=np.zeros(n, dtype=np.int64),
        prep_s=rng.integers(300, 901, n),
        weight_g=weight_g,
        bulky=bulky,
        floors=floors,
        detoured=np.zeros(n, dtype=np.bool_),
        detour_m=np.zeros(n, dtype=np.int64),
        detour_s=np.zeros(n, dtype=np.int64),
        event=np.full(n, -1, dtype=np.int64),
        late_cause=np.full(n, None, dtype=np.object_),
        counted_late=np.zeros(n, dtype=np.bool_),
        late_s=np.zeros(n, dtype=np.int64),
        events=[],
    )
    _detours(rng, plan, facts)
    _promises(rng, plan, facts, rulebook)
    return facts


def _lay_out(
    rng: np.random.Generator, plan: _Trips, delivered_rel: IntArray, rulebook: Rulebook
) -> None:
    """Each rider's trips one after the other from their shift start, in blocks no longer
    than the continuous-work limit (less a margin), with a rest between blocks."""
    starts = plan.first_order
    last_drop = np.maximum.reduceat(delivered_rel, starts)
    duration = plan.pickup + last_drop  # assignment to the last drop-off
    trips = len(duration)
    fatigue = rulebook.fatigue
    limit_s = (fatigue.continuous_work_limit_min or _DEFAULT_LIMIT_MIN) * 60
    cap_s = limit_s - int(duration.max()) - _MARGIN_S
    if cap_s < 1800:
        raise ValueError(f"a continuous-work limit of {limit_s // 60} min is too short to plan")
    gap = rng.integers(60, 601, trips)
    gap[plan.rider_first_trip == np.arange(trips)] = 0
    cum_end = _group_cumsum(gap + duration, plan.rider_first_trip)
    block = cum_end // cap_s
    riders = len(plan.confirmed)
    rest_s = fatigue.min_rest_min * 60 + rng.integers(300, 1501, riders)
    offset = block * rest_s[plan.rider]
    local_end = cum_end + offset
    day_length = np.zeros(riders, dtype=np.int64)
    np.maximum.at(day_length, plan.rider, local_end)
    latest_start = 23 * 3600 + 1800 - day_length
    if (latest_start < 3 * 3600).any():
        raise ValueError("too many orders per rider: a shift would run past midnight")
    start = np.minimum(rng.integers(6 * 3600, 10 * 3600 + 1, riders), latest_start)
    plan.end = start[plan.rider] + local_end
    plan.assigned = plan.end - duration
    plan.pickup = plan.assigned + plan.pickup
    plan.block = block
    worked = np.zeros(riders, dtype=np.int64)
    np.add.at(worked, plan.rider, duration)
    threshold = fatigue.daily_confirmation_after_min
    if threshold is not None:
        # A rider working near or past the threshold confirmed it (all their intervals).
        plan.confirmed = worked > threshold * 60 - _MARGIN_S


def _detours(rng: np.random.Generator, plan: _Trips, facts: _Orders) -> None:
    """A few traffic-control events, each around a single-order trip, and the single-order
    trips inside their windows that it forced round (the detour is part of the ride)."""
    n = plan.n_orders
    single = np.flatnonzero(plan.size[plan.trip] == 1)
    if not len(single):
        return
    target = max(1, min(12, n // 20), round(DETOUR_SHARE * n))
    events = min(3, target)
    anchors = rng.choice(single, size=events, replace=False)
    chosen: list[IntArray] = []
    per_event = -(-target // events)
    for number, anchor in enumerate(anchors):
        start = int(facts.picked_up[anchor]) - 3600
        end = int(facts.delivered[anchor]) + 1800
        facts.events.append((start, end))
        inside = single[(facts.picked_up[single] >= start) & (facts.delivered[single] <= end)]
        inside = np.setdiff1d(inside, np.concatenate([*chosen, [anchor]]))
        picked = rng.choice(inside, size=min(per_event - 1, len(inside)), replace=False)
        members = np.concatenate([[anchor], picked]).astype(np.int64)
        facts.event[members] = number
        chosen.append(members)
    detoured = np.concatenate(chosen)
    facts.detoured[detoured] = True
    share = rng.uniform(0.2, 0.4, len(detoured))
    facts.detour_s[detoured] = np.maximum(60, np.rint(facts.solo_s[detoured] * share)).astype(
        np.int64
    )
    facts.detour_m[detoured] = np.rint(
        facts.detour_s[detoured] * SPEED_M_PER_S * rng.uniform(0.7, 1.0, len(detoured))
    ).astype(np.int64)


def _promises(rng: np.random.Generator, plan: _Trips, facts: _Orders, rulebook: Rulebook) -> None:
    """Promises at least what the rules require; on time unless chosen late (a dispatch
    backlog: placed long before assignment) or late by less than a detour."""
    n = plan.n_orders
    assigned = plan.assigned[plan.trip]
    detoured = np.flatnonzero(facts.detoured)
    # Half the detoured orders: the event began after the promise, so it is not in it and
    # the order arrives late by part of the detour.
    late_by_detour = detoured[rng.random(len(detoured)) < 0.5]
    if len(detoured) and not len(late_by_detour):
        late_by_detour = detoured[:1]
    known = np.setdiff1d(detoured, late_by_detour)
    facts.closure_s[known] = facts.detour_s[known]
    required = _required_promise_s(
        rulebook, facts.travel_s, facts.signal_s, facts.closure_s, facts.prep_s
    )
    queue = rng.integers(30, 181, n)
    needed = queue + facts.delivered - assigned
    promise = np.maximum(required + rng.integers(0, 301, n), needed + rng.integers(30, 121, n))
    late_s = np.zeros(n, dtype=np.int64)
    backlog = _pick(rng, np.flatnonzero(~facts.detoured), LATE_SHARE)
    grace_s = rulebook.service_score.late_grace_min * 60
    late_s[backlog] = grace_s + 60 * rng.integers(1, 21, len(backlog))
    detour_late = facts.detour_s[late_by_detour] * rng.uniform(0.2, 0.8, len(late_by_detour))
    late_s[late_by_detour] = np.maximum(1, detour_late).astype(np.int64)
    facts.late_cause[late_by_detour] = "traffic_control"
    late = late_s > 0
    facts.placed = np.where(late, facts.delivered - promise - late_s, assigned - queue)
    facts.promised = facts.placed + promise
    facts.late_s = late_s
    exempt_causes = list(rulebook.service_score.exempt_causes)
    exempt = np.isin(facts.late_cause.astype(str), exempt_causes)
    facts.counted_late = (late_s > grace_s) & ~exempt


# --- rows -------------------------------------------------------------------------------------


def _rider_ids(numbers: IntArray) -> pl.Series:
    return _ids("rider-", numbers + 1, 5)


def _order_ids(numbers: IntArray) -> pl.Series:
    return _ids("o-", numbers + 1, 7)


def _trip_ids(numbers: IntArray) -> pl.Series:
    return _ids("t-", numbers + 1, 7)


def _frame(kind: str, columns: dict[str, pl.Series | pl.Expr | object]) -> pl.DataFrame:
    first = next(v for v in columns.values() if isinstance(v, pl.Series))
    frame = pl.DataFrame({"kind": pl.repeat(kind, len(first), eager=True)})
    return frame.with_columns(
        (v if isinstance(v, pl.Series | pl.Expr) else pl.lit(v)).alias(k)
        for k, v in columns.items()
    )


def _event_rows(plan: _Trips, facts: _Orders, midnight: int) -> pl.DataFrame:
    if not facts.events:
        return _frame("traffic_control", {"event": pl.Series([], dtype=pl.String)})
    numbers = np.arange(len(facts.events), dtype=np.int64)
    starts = np.array([start for start, _ in facts.events], dtype=np.int64)
    ends = np.array([end for _, end in facts.events], dtype=np.int64)
    return _frame(
        "traffic_control",
        {
            "event": pl.lit("tc-") + pl.Series(numbers + 1).cast(pl.String),
            "start_at": _times(starts, midnight),
            "end_at": _times(ends, midnight),
            "area": pl.Series([_AREAS[i % len(_AREAS)] for i in numbers], dtype=pl.String),
        },
    )


def _trip_rows(plan: _Trips, facts: _Orders, midnight: int) -> pl.DataFrame:
    first = plan.first_order
    second = np.where(plan.size > 1, first + 1, -1)
    first_id = _order_ids(first)
    second_id = (
        _order_ids(np.maximum(second, 0))
        .to_frame("s")
        .select(pl.when(pl.Series(second >= 0)).then(pl.col("s")))
        .to_series()
    )
    route = (
        pl.DataFrame({"a": first_id, "b": second_id})
        .select(
            pl.when(pl.col("b").is_null())
            .then(pl.format("P:{} D:{}", "a", "a"))
            .otherwise(pl.format("P:{} P:{} D:{} D:{}", "a", "b", "a", "b"))
        )
        .to_series()
    )
    last = first + plan.size - 1
    to_pickup_m = np.rint(plan.to_pickup_s * SPEED_M_PER_S).astype(np.int64)
    return _frame(
        "trip",
        {
            "trip": _trip_ids(np.arange(len(first), dtype=np.int64)),
            "rider": _rider_ids(plan.rider),
            "assigned_at": _times(plan.assigned, midnight),
            "route": route,
            "distance_m": pl.Series(to_pickup_m + facts.trip_m[last], dtype=pl.Int64),
        },
    )


def _nullable(values: NDArray[np.generic], keep: BoolArray, dtype: pl.DataType) -> pl.Series:
    series = pl.Series(values, dtype=dtype)
    return series.to_frame("v").select(pl.when(pl.Series(keep)).then(pl.col("v"))).to_series()


def _order_rows(plan: _Trips, facts: _Orders, rulebook: Rulebook, midnight: int) -> pl.DataFrame:
    n = plan.n_orders
    numbers = np.arange(n, dtype=np.int64)
    detoured = facts.detoured
    event_ids = pl.lit("tc-") + pl.Series(facts.event + 1).cast(pl.String)
    return _frame(
        "order",
        {
            "rider": _rider_ids(plan.rider[plan.trip]),
            "order": _order_ids(numbers),
            "trip": _trip_ids(plan.trip),
            "event": pl.when(pl.Series(detoured)).then(event_ids),
            "placed_at": _times(facts.placed, midnight),
            "ready_at": _times(facts.ready, midnight),
            "picked_up_at": _times(facts.picked_up, midnight),
            "delivered_at": _times(facts.delivered, midnight),
            "promised_at": _times(facts.promised, midnight),
            "distance_m": pl.Series(facts.solo_m, dtype=pl.Int64),
            "weight_g": pl.Series(facts.weight_g, dtype=pl.Int64),
            "bulky": _nullable(facts.bulky, facts.bulky, pl.Boolean()),
            "floors_walked": _nullable(facts.floors, facts.floors > 0, pl.Int64()),
            "eta_method": promise_method(rulebook),
            "eta_travel_s": pl.Series(facts.travel_s, dtype=pl.Float64),
            "eta_signal_s": pl.Series(facts.signal_s, dtype=pl.Float64),
            "eta_closure_s": pl.Series(facts.closure_s, dtype=pl.Float64),
            "eta_prep_s": pl.Series(facts.prep_s, dtype=pl.Float64),
            "solo_s": pl.Series(facts.solo_s, dtype=pl.Float64),
            "solo_m": pl.Series(facts.solo_m, dtype=pl.Float64),
            "trip_s": pl.Series(facts.trip_s, dtype=pl.Float64),
            "trip_m": pl.Series(facts.trip_m, dtype=pl.Float64),
            "detour_m": _nullable(facts.detour_m, detoured, pl.Float64()),
            "detour_s": _nullable(facts.detour_s, detoured, pl.Float64()),
            "counted_late": pl.Series(facts.counted_late, dtype=pl.Boolean),
            "late_cause": pl.Series(facts.late_cause.tolist(), dtype=pl.String),
        },
    )


def _work_rows(plan: _Trips, rulebook: Rulebook, midnight: int) -> pl.DataFrame:
    trips = len(plan.rider)
    index = np.arange(trips, dtype=np.int64)
    follows = index != plan.rider_first_trip  # the rider did a trip before this one
    before = np.flatnonzero(follows)
    gap_start = plan.end[before - 1]
    gap_end = plan.assigned[before]
    rests = plan.block[before] != plan.block[before - 1]
    keep = gap_end > gap_start
    confirmed = plan.confirmed
    delivering = _frame(
        "work",
        {
            "rider": _rider_ids(plan.rider),
            "activity": "delivering",
            "start_at": _times(plan.assigned, midnight),
            "end_at": _times(plan.end, midnight),
            "overtime_confirmed": _nullable(
                confirmed[plan.rider], confirmed[plan.rider], pl.Boolean()
            ),
        },
    )
    gap_riders = plan.rider[before][keep]
    gaps = _frame(
        "work",
        {
            "rider": _rider_ids(gap_riders),
            "activity": pl.Series(np.where(rests[keep], "rest", "waiting"), dtype=pl.String),
            "start_at": _times(gap_start[keep], midnight),
            "end_at": _times(gap_end[keep], midnight),
            "overtime_confirmed": _nullable(
                confirmed[gap_riders], confirmed[gap_riders], pl.Boolean()
            ),
        },
    )
    return pl.concat([delivering, gaps]).sort("rider", "start_at", maintain_order=True)


def _night(rulebook: Rulebook, clock_s: IntArray) -> BoolArray:
    night = rulebook.pricing.night
    if night is None:
        return np.zeros(len(clock_s), dtype=np.bool_)
    start = night.start.hour * 3600 + night.start.minute * 60
    end = night.end.hour * 3600 + night.end.minute * 60
    now = clock_s % 86_400
    return (start <= now) & (now < end) if start < end else (now >= start) | (now < end)


def _order_lines(plan: _Trips, facts: _Orders, rulebook: Rulebook) -> dict[str, IntArray]:
    pricing = rulebook.pricing
    n = plan.n_orders
    distance = [(t.above_m, t.step_fen, t.fen_per_km) for t in pricing.distance_tiers]
    return {
        "base": np.full(n, pricing.base_fare_fen, dtype=np.int64),
        "distance": _tiered(facts.solo_m, distance, per_band=False),
        "weight": weight_fen(rulebook, facts.weight_g),
        "bulky": np.where(facts.bulky, pricing.bulky_fen, 0),
        "stairs": stairs_fen(rulebook, facts.floors),
        "old_estate": np.where(facts.floors > 0, pricing.old_estate_fen, 0),
        "night": np.where(
            _night(rulebook, facts.delivered),
            pricing.night.surcharge_fen if pricing.night else 0,
            0,
        ),
        "detour": np.where(facts.detoured, detour_fen(rulebook, facts.detour_m, facts.detour_s), 0),
    }


def _pay_rows(plan: _Trips, facts: _Orders, rulebook: Rulebook, midnight: int) -> pl.DataFrame:
    n = plan.n_orders
    rider_of_order = plan.rider[plan.trip]
    riders = len(plan.confirmed)
    earned = np.zeros(riders, dtype=np.int64)
    frames = []
    for line, amount in _order_lines(plan, facts, rulebook).items():
        chosen = np.flatnonzero(amount > 0) if line != "base" else np.arange(n)
        np.add.at(earned, rider_of_order[chosen], amount[chosen])
        frames.append(
            _pay_frame(
                rider_of_order[chosen],
                chosen,
                facts.delivered[chosen],
                line,
                amount[chosen],
                None,
                midnight,
            )
        )
    fine = np.where(
        facts.counted_late, _allowed_fine_fen(rulebook, facts.delivered - facts.promised), 0
    )
    fined = np.flatnonzero(fine > 0)
    np.add.at(earned, rider_of_order[fined], -fine[fined])
    frames.append(
        _pay_frame(
            rider_of_order[fined],
            fined,
            facts.delivered[fined] + 1,
            "deduction",
            -fine[fined],
            "lateness",
            midnight,
        )
    )
    active = _active_s(plan, rulebook)
    top_up = np.maximum(guarantee_fen(rulebook, active) - earned, 0)
    last_end = np.zeros(riders, dtype=np.int64)
    np.maximum.at(last_end, plan.rider, plan.end)
    topped = np.flatnonzero((top_up > 0) & (active > 0))
    frames.append(
        _pay_frame(topped, None, last_end[topped] + 60, "guarantee", top_up[topped], None, midnight)
    )
    return pl.concat([conform(frame) for frame in frames])


def _active_s(plan: _Trips, rulebook: Rulebook) -> IntArray:
    """Active seconds per rider: the delivering intervals (never overlapping here), and the
    waits between trips when the guarantee counts time online."""
    riders = len(plan.confirmed)
    active = np.zeros(riders, dtype=np.int64)
    np.add.at(active, plan.rider, plan.end - plan.assigned)
    if rulebook.guarantee.active_time == "online":
        index = np.arange(len(plan.rider))
        before = np.flatnonzero(index != plan.rider_first_trip)
        waiting = plan.block[before] == plan.block[before - 1]
        gaps = plan.assigned[before] - plan.end[before - 1]
        np.add.at(active, plan.rider[before][waiting], gaps[waiting])
    return active


def _pay_frame(
    riders: IntArray,
    orders: IntArray | None,
    at: IntArray,
    line: str,
    amount: IntArray,
    reason: str | None,
    midnight: int,
) -> pl.DataFrame:
    return _frame(
        "pay",
        {
            "rider": _rider_ids(riders),
            "order": _order_ids(orders) if orders is not None else None,
            "at": _times(at, midnight),
            "line": line,
            "amount_fen": pl.Series(amount, dtype=pl.Int64),
            "reason": reason,
        },
    )


# --- planted breaches ------------------------------------------------------------------------

_TOLERANCE_MARGIN_S = 420  # a shortened promise is short by the default 120 s tolerance + 5 min
_SHORT_FEN = 100  # a cut supplement is short by at least this much


def applicable_checks(rulebook: Rulebook) -> tuple[str, ...]:
    """The checks of `catalog.CHECKS` for which `rulebook` requires something."""
    pricing, score, eta = rulebook.pricing, rulebook.service_score, rulebook.eta
    detour = pricing.traffic_control_detour
    applies = {
        "rest": rulebook.fatigue.continuous_work_limit_min is not None,
        "daily_hours": rulebook.fatigue.daily_confirmation_after_min is not None,
        "lateness_deductions": True,
        "weight_pay": any(t.step_fen or t.fen_per_kg for t in pricing.weight_tiers),
        "stairs_pay": pricing.stairs.fen_per_floor > 0,
        "bulky_pay": pricing.bulky_fen > 0,
        "eta_honesty": eta.include_signal_waits
        or eta.include_closures
        or eta.include_predicted_prep
        or eta.promise_buffer_min > 0,
        "detour_pay": detour.fen_per_km > 0 or detour.fen_per_min > 0,
        "detour_time": "traffic_control" in score.exempt_causes,
        "on_route": rulebook.combining.target_on_route_pct is not None,
        "hourly_guarantee": rulebook.guarantee.hourly_minimum_fen > 0,
    }
    return tuple(info.id for info in CHECKS if applies.get(info.id, False))


def plant_breaches(
    log: pl.DataFrame,
    rulebook: Rulebook,
    *,
    seed: int,
    per_check: int = 3,
    checks: Iterable[str] | None = None,
    timezone: str = DISTRICT_TIMEZONE,
) -> tuple[pl.DataFrame, tuple[Planted, ...]]:
    """`log` with `per_check` breaches of each applicable check (one per day for on_route),
    and what was planted. Each breach is on a rider no other planted breach touches, and a
    cut in pay is topped up to the hourly guarantee as the platform would, so a breach shows
    in its own check only. A check with too few candidates gets fewer breaches."""
    wanted = set(checks) if checks is not None else None
    unknown = (wanted or set()) - {info.id for info in CHECKS}
    if unknown:
        raise ValueError(f"unknown checks: {', '.join(sorted(unknown))}")
    plant = _Planter(log, rulebook, seed, timezone)
    for check in _PLANT_ORDER:
        if check in applicable_checks(rulebook) and (wanted is None or check in wanted):
            getattr(plant, check)(per_check)
    return plant.result()


# The scarcest candidates first (confirmed long days, detoured orders), the hourly
# guarantee last (it needs riders whose pay nothing else has touched).
_PLANT_ORDER = (
    "on_route",
    "daily_hours",
    "rest",
    "detour_time",
    "detour_pay",
    "bulky_pay",
    "stairs_pay",
    "weight_pay",
    "lateness_deductions",
    "eta_honesty",
    "hourly_guarantee",
)


def _seconds(column: str) -> pl.Expr:
    return pl.col(column).dt.epoch("s")


class _Planter:
    def __init__(self, log: pl.DataFrame, rulebook: Rulebook, seed: int, timezone: str) -> None:
        log = conform(log)
        # One frame per kind, each row numbered by its position in it: edits are scatters
        # into the kind's frame, and reading a kind is free (no filter of millions of rows).
        self.parts = {
            kind.value: log.filter(pl.col("kind") == kind.value).with_row_index("_row")
            for kind in Kind
        }
        self.book = rulebook
        self.rng = np.random.default_rng(seed)
        self.tz = timezone
        self.used: set[str] = set()
        self.planted: list[Planted] = []

    def result(self) -> tuple[pl.DataFrame, tuple[Planted, ...]]:
        kept = pl.concat(
            part.filter(pl.col("kind").is_not_null()).drop("_row") for part in self.parts.values()
        )
        return kept, tuple(self.planted)

    # --- reading ------------------------------------------------------------------------

    def _kind(self, kind: str) -> pl.DataFrame:
        part = self.parts[kind]
        return part.filter(pl.col("kind").is_not_null()) if kind == "pay" else part

    def _local_day(self, column: str) -> pl.Expr:
        return pl.col(column).dt.convert_time_zone(self.tz).dt.date()

    def _orders(self) -> pl.DataFrame:
        return self._kind("order").with_columns(self._local_day("placed_at").alias("_day"))

    def _lines(self, line: str) -> pl.DataFrame:
        return self._kind("pay").filter(pl.col("line") == line)

    def _pick_orders(self, candidates: pl.DataFrame, count: int) -> pl.DataFrame:
        """Up to `count` candidate orders of distinct riders no breach has touched yet."""
        free = candidates.filter(~pl.col("rider").is_in(list(self.used)))
        if free.is_empty():
            return free
        order = self.rng.permutation(len(free))
        shuffled = free.select(pl.all().gather(order)).unique(
            "rider", keep="first", maintain_order=True
        )
        chosen = shuffled.head(count)
        self.used.update(chosen["rider"].to_list())
        return chosen

    def _rider_day(self, rider: str) -> date:
        work = self._kind("work").filter(pl.col("rider") == rider)
        first: date | None = work.select(self._local_day("start_at").min()).item()
        if first is None:
            first = self._orders().select(pl.col("_day").min()).item()
        assert first is not None, "a rider with neither work nor orders"
        return first

    # --- writing ------------------------------------------------------------------------

    def _update(self, kind: str, rows: pl.DataFrame, *, nulls: bool = False) -> None:
        """Set columns of rows of `kind` by `_row` (the frame's other columns are the new
        values); `_row` is the row's position in its kind's frame, so this is a scatter."""
        part = self.parts[kind]
        for name in rows.columns:
            if name == "_row":
                continue
            changes = rows if nulls else rows.filter(pl.col(name).is_not_null())
            if changes.is_empty():
                continue
            column = part[name].clone()
            column.scatter(changes["_row"].to_numpy(), changes[name].cast(column.dtype))
            part = part.with_columns(column)
        self.parts[kind] = part

    def _drop(self, rows: Iterable[int]) -> None:
        """Remove pay lines: a row without a kind is gone (`_kind` and `result` skip it)."""
        rows = list(rows)
        if rows:
            gone = pl.DataFrame(
                {"_row": rows, "kind": [None] * len(rows)},
                schema={"_row": pl.UInt32, "kind": pl.String},
            )
            self._update("pay", gone, nulls=True)

    def _append(self, rows: list[dict[str, object]]) -> None:
        """Add pay lines."""
        frame = conform(pl.DataFrame(rows, schema_overrides={"at": pl.Datetime("us", "UTC")}))
        part = self.parts["pay"]
        numbered = frame.with_row_index("_row", offset=len(part))
        self.parts["pay"] = pl.concat([part, numbered])

    def _record(self, check: str, rider: str | None, orders: Iterable[str], day: date) -> None:
        self.planted.append(Planted(check, rider, tuple(orders), day))

    def _retop(self, riders: Iterable[str]) -> None:
        """Set these riders' guarantee top-up to what their pay now falls short of."""
        riders = list(riders)
        if self.book.guarantee.hourly_minimum_fen <= 0 or not riders:
            return
        counted = ["delivering"] + (
            ["waiting"] if self.book.guarantee.active_time == "online" else []
        )
        active = (
            self._kind("work")
            .filter(pl.col("rider").is_in(riders) & pl.col("activity").is_in(counted))
            .group_by("rider")
            .agg((_seconds("end_at") - _seconds("start_at")).sum().alias("active"))
        )
        pay = self._kind("pay").filter(pl.col("rider").is_in(riders))
        earned = (
            pay.filter(pl.col("line") != "guarantee")
            .group_by("rider")
            .agg(pl.col("amount_fen").sum().alias("earned"), pl.col("at").max().alias("last"))
        )
        self._drop(pay.filter(pl.col("line") == "guarantee")["_row"].to_list())
        joined = active.join(earned, on="rider")
        required = guarantee_fen(self.book, joined["active"].to_numpy())
        top_up = np.maximum(required - joined["earned"].to_numpy(), 0)
        rows = [
            {
                "kind": "pay",
                "rider": rider,
                "at": last + _MINUTE,
                "line": "guarantee",
                "amount_fen": int(amount),
            }
            for rider, last, amount in zip(joined["rider"], joined["last"], top_up, strict=True)
            if amount > 0
        ]
        if rows:
            self._append(rows)

    # --- the checks ---------------------------------------------------------------------

    def on_route(self, _count: int) -> None:
        combining = self.book.combining
        orders = self._orders().filter(pl.col("trip").is_not_null())
        sizes = orders.group_by("trip").len("_size")
        combined = orders.join(sizes, on="trip").filter(pl.col("_size") >= 2)
        extra_s = (combining.max_extra_min or 0) * 60
        pct = combining.max_extra_distance_pct
        on_way = pl.lit(True)
        if combining.max_extra_min is not None:
            on_way = on_way & (pl.col("trip_s") - pl.col("solo_s") <= extra_s)
        if pct is not None:
            on_way = on_way & (
                (pl.col("trip_m") - pl.col("solo_m")) * 100 <= pct * pl.col("solo_m")
            )
        target = combining.target_on_route_pct or 0
        for (day,), group in combined.with_columns(on_way.alias("_on")).group_by("_day"):
            on = group.filter(pl.col("_on"))
            allowed_on = (target * len(group)) // 100
            flip = len(on) - allowed_on + 1
            if flip <= 0 or flip > len(on):
                continue
            chosen = on[self.rng.choice(len(on), size=flip, replace=False).tolist()]
            new = chosen.select(
                "_row",
                (pl.col("solo_s") + extra_s + 120).alias("trip_s"),
                (pl.col("solo_m") * (1 + (pct or 0) / 100) + 100).alias("trip_m"),
            )
            self._update("order", new)
            off = set(group.filter(~pl.col("_on"))["order"].to_list()) | set(
                chosen["order"].to_list()
            )
            self._record("on_route", None, sorted(off), day)

    def detour_time(self, count: int) -> None:
        detoured = self._orders().filter(
            pl.col("event").is_not_null()
            & pl.col("detour_s").is_not_null()
            & pl.col("delivered_at").is_not_null()
            & ~pl.col("counted_late").fill_null(False)
            & (_seconds("delivered_at") <= _seconds("promised_at") + pl.col("detour_s"))
        )
        late_first = detoured.sort(pl.col("delivered_at") > pl.col("promised_at"), descending=True)
        chosen = self._pick_orders(late_first.head(max(count * 4, 8)), count)
        if chosen.is_empty():
            chosen = self._pick_orders(detoured, count)
        self._update("order", chosen.select("_row", pl.lit(True).alias("counted_late")))
        for row in chosen.iter_rows(named=True):
            self._record("detour_time", row["rider"], [row["order"]], row["_day"])

    def _required_s(self) -> pl.Expr:
        eta = self.book.eta
        total = pl.col("eta_travel_s") + eta.promise_buffer_min * 60
        for flag, column in (
            (eta.include_signal_waits, "eta_signal_s"),
            (eta.include_closures, "eta_closure_s"),
            (eta.include_predicted_prep, "eta_prep_s"),
        ):
            if flag:
                total = total + pl.col(column).fill_null(0)
        return total

    def eta_honesty(self, count: int) -> None:
        fined = self._lines("deduction")["order"].drop_nulls().to_list()
        candidates = self._orders().filter(
            pl.col("eta_travel_s").is_not_null()
            & pl.col("event").is_null()
            & ~pl.col("counted_late").fill_null(False)
            & (pl.col("delivered_at") <= pl.col("promised_at"))
            & ~pl.col("order").is_in(fined)
            & (self._required_s() > 2 * _TOLERANCE_MARGIN_S)
        )
        chosen = self._pick_orders(candidates, count)
        short = (self._required_s() - _TOLERANCE_MARGIN_S).cast(pl.Int64)
        self._update(
            "order",
            chosen.select(
                "_row", (pl.col("placed_at") + pl.duration(seconds=short)).alias("promised_at")
            ),
        )
        for row in chosen.iter_rows(named=True):
            self._record("eta_honesty", row["rider"], [row["order"]], row["_day"])

    def _cut_lines(
        self, check: str, line: str, orders: pl.DataFrame, count: int, new_amount: pl.Expr
    ) -> None:
        """Cut (or drop, where the new amount is 0) the `line` pay line of chosen orders."""
        lines = self._lines(line).select(
            "order", pl.col("_row").alias("_line"), pl.col("amount_fen").alias("_paid")
        )
        candidates = orders.join(lines, on="order").filter(pl.col("_paid") >= _SHORT_FEN)
        chosen = self._pick_orders(candidates, count)
        cut = chosen.select(pl.col("_line").alias("_row"), new_amount.alias("amount_fen"))
        self._drop(cut.filter(pl.col("amount_fen") <= 0)["_row"].to_list())
        self._update("pay", cut.filter(pl.col("amount_fen") > 0))
        self._retop(chosen["rider"].to_list())
        for row in chosen.iter_rows(named=True):
            self._record(check, row["rider"], [row["order"]], row["_day"])

    def weight_pay(self, count: int) -> None:
        above = self.book.pricing.weight_tiers[0].above_g
        heavy = self._orders().filter(pl.col("weight_g") > above)
        self._cut_lines("weight_pay", "weight", heavy, count, pl.col("_paid") // 2 - _SHORT_FEN)

    def stairs_pay(self, count: int) -> None:
        free = self.book.pricing.stairs.free_floors
        walk_ups = self._orders().filter(pl.col("floors_walked") > free)
        self._cut_lines("stairs_pay", "stairs", walk_ups, count, pl.lit(0))

    def bulky_pay(self, count: int) -> None:
        bulky = self._orders().filter(pl.col("bulky").fill_null(False))
        self._cut_lines("bulky_pay", "bulky", bulky, count, pl.lit(0))

    def detour_pay(self, count: int) -> None:
        events = self._kind("traffic_control")["event"].to_list()
        detoured = self._orders().filter(
            pl.col("event").is_in(events) & pl.col("detour_m").is_not_null()
        )
        self._cut_lines("detour_pay", "detour", detoured, count, pl.lit(0))

    def lateness_deductions(self, count: int) -> None:
        rules = self.book.service_score
        grace_s = rules.late_grace_min * 60
        late = self._orders().filter(
            pl.col("counted_late").fill_null(False)
            & (_seconds("delivered_at") - _seconds("promised_at") > grace_s)
        )
        chosen = self._pick_orders(late, count)
        existing = self._lines("deduction").filter(pl.col("reason") == "lateness")
        self._drop(
            existing.filter(pl.col("order").is_in(chosen["order"].to_list()))["_row"].to_list()
        )
        rows = []
        for row in chosen.iter_rows(named=True):
            late_s = int((row["delivered_at"] - row["promised_at"]).total_seconds())
            exempt = row["late_cause"] in rules.exempt_causes
            allowed = 0
            if rules.lateness_deducts_money and not exempt:
                # The most generous reading: every started minute past the grace counts.
                allowed = -(-(late_s - grace_s) // 60) * rules.late_fine_fen_per_min
                if rules.late_fine_cap_fen is not None:
                    allowed = min(allowed, rules.late_fine_cap_fen)
            rows.append(
                {
                    "kind": "pay",
                    "rider": row["rider"],
                    "order": row["order"],
                    "at": row["delivered_at"] + _MINUTE,
                    "line": "deduction",
                    "amount_fen": -(allowed + 2 * _SHORT_FEN),
                    "reason": "lateness",
                }
            )
            self._record("lateness_deductions", row["rider"], [row["order"]], row["_day"])
        if rows:
            self._append(rows)
        self._retop(chosen["rider"].to_list())

    def rest(self, count: int) -> None:
        rests = self._kind("work").filter(
            (pl.col("activity") == "rest") & ~pl.col("rider").is_in(list(self.used))
        )
        riders = rests["rider"].unique(maintain_order=True).to_list()
        for index in self.rng.permutation(len(riders)).tolist():
            if count <= 0:
                break
            if self._merge_first_rest(riders[index]):
                count -= 1

    def _merge_first_rest(self, rider: str) -> bool:
        """Move everything after the rider's first rest earlier so the rest shrinks to a
        gap that counts as work; True when that makes a stretch over the limit."""
        fatigue = self.book.fatigue
        work = self._kind("work").filter(pl.col("rider") == rider).sort("start_at")
        rest = work.filter(pl.col("activity") == "rest").row(0, named=True)
        gap_s = min(300, fatigue.gap_counts_as_rest_from_min * 60 // 2)
        rest_start, rest_end = rest["start_at"], rest["end_at"]
        delta = rest_end - rest_start - _seconds_delta(gap_s)
        delivering = work.filter(pl.col("activity") == "delivering")
        starts = delivering["start_at"].dt.epoch("s").to_numpy()
        ends = delivering["end_at"].dt.epoch("s").to_numpy()
        moved = starts >= int(rest_end.timestamp())
        shift = int(delta.total_seconds())
        intervals = list(
            zip(
                np.where(moved, starts - shift, starts).tolist(),
                np.where(moved, ends - shift, ends).tolist(),
                strict=True,
            )
        )
        breach = next((s for s in work_stretches(self.book, intervals) if s.breach), None)
        if breach is None or breach.rest_due_at_s is None:
            return False
        trips = self._kind("trip").filter(pl.col("rider") == rider)
        moved_trips = trips.with_columns(
            pl.when(pl.col("assigned_at") >= rest_end)
            .then(pl.col("assigned_at") - delta)
            .otherwise(pl.col("assigned_at"))
            .dt.epoch("s")
            .alias("_at")
        )
        if (moved_trips["_at"] == breach.rest_due_at_s).any():
            return False  # an assignment exactly at the due moment would be ambiguous
        after = moved_trips.filter(
            (pl.col("_at") > breach.rest_due_at_s) & (pl.col("_at") <= breach.end_s)
        )
        self.used.add(rider)
        self._shift_after(rider, rest_end, delta)
        self._update(
            "work",
            pl.DataFrame(
                {
                    "_row": [rest["_row"]],
                    "activity": ["waiting"],
                    "end_at": [rest_start + _seconds_delta(gap_s)],
                },
                schema_overrides={"end_at": pl.Datetime("us", "UTC")},
            ),
        )
        orders = self._kind("order").filter(pl.col("trip").is_in(after["trip"].to_list()))
        day = datetime.fromtimestamp(breach.start_s, ZoneInfo(self.tz)).date()
        self._record("rest", rider, sorted(orders["order"].to_list()), day)
        return True

    def _shift_after(self, rider: str, moment: datetime, delta: object) -> None:
        """Move the rider's records from `moment` on earlier by `delta` (orders by pickup,
        trips by assignment, work by start, pay by time)."""
        anchor = {"order": "picked_up_at", "trip": "assigned_at", "work": "start_at", "pay": "at"}
        for kind, column in anchor.items():
            moves = (pl.col("rider") == rider) & (pl.col(column) >= moment)
            self.parts[kind] = self.parts[kind].with_columns(
                pl.when(moves).then(pl.col(c) - pl.lit(delta)).otherwise(pl.col(c)).alias(c)
                for c in TIME_COLUMNS
            )

    def daily_hours(self, count: int) -> None:
        threshold_s = (self.book.fatigue.daily_confirmation_after_min or 0) * 60
        work = self._kind("work").filter(~pl.col("rider").is_in(list(self.used)))
        totals = (
            work.group_by("rider")
            .agg(
                pl.col("overtime_confirmed").fill_null(False).any().alias("confirmed"),
                (_seconds("end_at") - _seconds("start_at"))
                .filter(pl.col("activity") == "delivering")
                .sum()
                .alias("worked"),
            )
            .filter(pl.col("confirmed") & (pl.col("worked") > threshold_s + _MARGIN_S))
        )
        riders = totals["rider"].sort().to_list()
        chosen = [riders[i] for i in self.rng.permutation(len(riders))[:count].tolist()]
        rows = work.filter(pl.col("rider").is_in(chosen)).select(
            "_row", pl.lit(None, dtype=pl.Boolean).alias("overtime_confirmed")
        )
        self._update("work", rows, nulls=True)
        for rider in chosen:
            self.used.add(rider)
            self._record("daily_hours", rider, (), self._rider_day(rider))

    def hourly_guarantee(self, count: int) -> None:
        pay = self._kind("pay").filter(~pl.col("rider").is_in(list(self.used)))
        riders = pay["rider"].unique().sort().to_list()
        topped = set(pay.filter(pl.col("line") == "guarantee")["rider"].to_list())
        # Riders with a top-up first: dropping it is the breach; others get a deduction.
        order = sorted(
            self.rng.permutation(len(riders)).tolist(), key=lambda i: riders[i] not in topped
        )
        chosen = [riders[i] for i in order[:count]]
        for rider in chosen:
            self.used.add(rider)
            self._retop([rider])
            mine = self._kind("pay").filter(pl.col("rider") == rider)
            top_up = mine.filter(pl.col("line") == "guarantee")
            surplus = self._surplus(rider)
            self._drop(top_up["_row"].to_list())
            surplus -= int(top_up["amount_fen"].sum())
            if surplus > -_SHORT_FEN:
                self._append(
                    [
                        {
                            "kind": "pay",
                            "rider": rider,
                            "at": mine["at"].max(),
                            "line": "deduction",
                            "reason": "other",
                            "amount_fen": -(surplus + _SHORT_FEN),
                        }
                    ]
                )
            self._record("hourly_guarantee", rider, (), self._rider_day(rider))

    def _surplus(self, rider: str) -> int:
        """The rider's pay minus the guarantee for their active time (fen)."""
        counted = ["delivering"] + (
            ["waiting"] if self.book.guarantee.active_time == "online" else []
        )
        work = self._kind("work").filter(
            (pl.col("rider") == rider) & pl.col("activity").is_in(counted)
        )
        active = int(work.select((_seconds("end_at") - _seconds("start_at")).sum()).item() or 0)
        required = int(guarantee_fen(self.book, np.array([active], dtype=np.int64))[0])
        paid = int(self._kind("pay").filter(pl.col("rider") == rider)["amount_fen"].sum())
        return paid - required


def _seconds_delta(seconds: int) -> timedelta:
    return timedelta(seconds=seconds)


_MINUTE = timedelta(minutes=1)
