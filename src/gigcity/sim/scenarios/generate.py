"""Generating a realistic Putuo day from a seed: weekday, weekend or rainy.

The day is built in this order, each step from its own random stream (so changing how riders
are drawn does not move a single order): the covered sub-districts, estates (walk-ups of old
estates, large complexes, high-rises, offices), merchants clustered in commercial centres
(with malls), order times along the day's demand curve, each order's customer, category and
merchant (nearby merchants more likely), its goods and building, the kitchen's delay, the
riders with their shifts and rest-day history, weather alerts and traffic-control closures.
The numbers come from `calibration` (facts and labelled assumptions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import Polygon

from gigcity.geo.coords import local_plane_factors
from gigcity.geo.district import District, load_district
from gigcity.sim.mdrp.instance import Courier, Instance, Order, Parameters, Restaurant
from gigcity.sim.scenarios import calibration as cal
from gigcity.sim.scenarios.estate_generate import add_estate
from gigcity.sim.scenarios.model import (
    Closure,
    MerchantDetails,
    OrderDetails,
    Plane,
    RiderDetails,
    RiderKind,
    Scenario,
    ScenarioError,
    ScenarioKind,
    ServiceDetails,
    TravelSettings,
    WeatherAlert,
)

FloatArray = NDArray[np.float64]

SCENARIOS: dict[str, ScenarioKind] = {
    "putuo-weekday": "weekday",
    "putuo-weekend": "weekend",
    "putuo-rainy": "rainy",
    "putuo-estate": "weekday",  # a weekday with a share of its orders in a giant estate
}
_KIND_INDEX = {"weekday": 0, "weekend": 1, "rainy": 2}
MIN_ORDERS = 10
MAX_ORDERS = 1_000_000
_SQUARE_M = 400.0
_STREAMS = ("estates", "merchants", "times", "choice", "details", "riders", "events")


def scenario_names() -> tuple[str, ...]:
    return tuple(SCENARIOS)


def default_orders(name: str) -> int:
    """A full-size day of this scenario for the whole district."""
    return round(cal.PUTUO_ORDERS_PER_DAY * cal.DEMAND_FACTOR[_kind(name)])


def _kind(name: str) -> ScenarioKind:
    kind = SCENARIOS.get(name)
    if kind is None:
        raise ScenarioError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    return kind


def district_plane(district: District) -> Plane:
    x0, y0, _, y1 = district.bbox
    fx, fy = local_plane_factors((y0 + y1) / 2)
    return Plane(x0, y0, fx, fy)


@dataclass(frozen=True, slots=True)
class _Area:
    code: str
    style: str
    cell: Polygon


@dataclass(slots=True)
class _Estates:
    xy: FloatArray
    area: list[str]
    kind: list[str]
    storeys: NDArray[np.int64]
    popularity: FloatArray


@dataclass(slots=True)
class _Merchants:
    xy: FloatArray
    area: list[str]
    mall: NDArray[np.bool_]
    non_food: NDArray[np.bool_]
    popularity: FloatArray
    centres: dict[str, FloatArray]


def _style(code: str) -> str:
    if code.endswith("xincun"):
        return "xincun"
    return "town" if code in ("changzheng", "taopu") else "street"


def _areas(district: District, plane: Plane, count: int) -> list[_Area]:
    cells = district.cells
    chosen = [code for code in cal.AREA_ORDER if code in cells][:count]
    chosen += [code for code in sorted(cells) if code not in chosen][: count - len(chosen)]
    areas = []
    for code in chosen:
        scaled = shapely.transform(
            cells[code],
            lambda c: (
                (c - np.array([plane.origin_lon, plane.origin_lat]))
                * np.array([plane.metres_per_degree_lon, plane.metres_per_degree_lat])
            ),
        )
        if not isinstance(scaled, Polygon):  # pragma: no cover - cells are polygons
            raise ScenarioError(f"sub-district {code} has no polygon cell")
        areas.append(_Area(code, _style(code), scaled))
    return areas


def _uniform_in(cell: Polygon, n: int, rng: np.random.Generator) -> FloatArray:
    """n points uniformly inside the cell (rejection from its bounding box)."""
    x0, y0, x1, y1 = cell.bounds
    found: list[FloatArray] = []
    have = 0
    while have < n:
        need = max(16, 2 * (n - have))
        pts = np.column_stack([rng.uniform(x0, x1, need), rng.uniform(y0, y1, need)])
        inside = pts[shapely.contains_xy(cell, pts[:, 0], pts[:, 1])]
        found.append(inside)
        have += len(inside)
    return np.vstack(found)[:n] if n else np.zeros((0, 2))


def _near(
    cell: Polygon, centres: FloatArray, spread_m: float, rng: np.random.Generator
) -> FloatArray:
    """Points scattered round the given centres, kept inside the cell (else the centre)."""
    pts = centres + rng.normal(0.0, spread_m, size=centres.shape)
    outside = ~shapely.contains_xy(cell, pts[:, 0], pts[:, 1])
    pts[outside] = centres[outside]
    return pts


def _split(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder apportionment of `total` by `weights`."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _estates(areas: list[_Area], per_area: list[int], rng: np.random.Generator) -> _Estates:
    xy, area, kind, storeys, popularity = [], [], [], [], []
    kinds = ("walkup", "complex", "highrise", "office")
    for a, orders in zip(areas, per_area, strict=True):
        count = max(10, round(orders / cal.ORDERS_PER_ESTATE))
        xy.append(_uniform_in(a.cell, count, rng))
        picks = rng.choice(len(kinds), size=count, p=np.array(cal.ESTATE_MIX[a.style]))
        for pick in picks.tolist():
            kind.append(kinds[pick])
            if kinds[pick] == "walkup":
                storeys.append(int(rng.choice(cal.WALKUP_STOREYS)))
            else:
                storeys.append(
                    int(rng.integers(cal.HIGHRISE_FLOORS[0], cal.HIGHRISE_FLOORS[1] + 1))
                )
        area += [a.code] * count
        popularity.append(rng.lognormal(0.0, 0.8, size=count))
    return _Estates(
        np.vstack(xy),
        area,
        kind,
        np.array(storeys, dtype=np.int64),
        np.concatenate(popularity),
    )


def _merchants(areas: list[_Area], per_area: list[int], rng: np.random.Generator) -> _Merchants:
    xy, area, mall, non_food, popularity = [], [], [], [], []
    centres: dict[str, FloatArray] = {}
    for a, orders in zip(areas, per_area, strict=True):
        count = max(5, round(orders / cal.ORDERS_PER_MERCHANT))
        clusters = min(6, 2 + count // 150)
        centre = _uniform_in(a.cell, clusters, rng)
        centres[a.code] = centre
        in_cluster = rng.random(count) < cal.CLUSTER_SHARE
        which = rng.integers(0, clusters, size=count)
        in_mall = in_cluster & (which == 0) & (rng.random(count) < cal.MALL_SHARE_OF_CENTRE)
        spread = np.where(in_mall, 40.0, cal.CLUSTER_SPREAD_M)[:, None]
        scattered = centre[which] + rng.normal(0.0, 1.0, size=(count, 2)) * spread
        street = _uniform_in(a.cell, count, rng)
        pts = np.where(in_cluster[:, None], scattered, street)
        outside = ~shapely.contains_xy(a.cell, pts[:, 0], pts[:, 1])
        pts[outside] = centre[which][outside]
        xy.append(pts)
        area += [a.code] * count
        mall.append(in_mall)
        non_food.append(rng.random(count) < cal.NON_FOOD_SHARE)
        popularity.append(rng.lognormal(0.0, 1.0, size=count))
    return _Merchants(
        np.vstack(xy),
        area,
        np.concatenate(mall),
        np.concatenate(non_food),
        np.concatenate(popularity),
        centres,
    )


def _placement_minutes(kind: ScenarioKind, n: int, rng: np.random.Generator) -> NDArray[np.int64]:
    hourly = np.array(cal.HOURLY_PROFILE[kind], dtype=np.float64)
    per_minute = np.repeat(hourly, 60)
    minutes = rng.choice(per_minute.size, size=n, p=per_minute / per_minute.sum())
    return np.sort(minutes).astype(np.int64) + cal.FIRST_HOUR * 60


def _pick_rows(weights: FloatArray, rng: np.random.Generator) -> NDArray[np.int64]:
    """One column index per row, with probability proportional to the row's weights."""
    cumulative = np.cumsum(weights, axis=1)
    draws = rng.random(weights.shape[0]) * cumulative[:, -1]
    picked: NDArray[np.int64] = np.minimum(
        (cumulative < draws[:, None]).sum(axis=1), weights.shape[1] - 1
    ).astype(np.int64)
    return picked


def _choose_merchants(
    customers: FloatArray,
    non_food: NDArray[np.bool_],
    merchants: _Merchants,
    rng: np.random.Generator,
) -> NDArray[np.int64]:
    """Each customer's merchant: nearby and popular ones more likely.

    Two steps keep a 100,000-order day fast: a 400 m square of merchants is chosen with
    weight popularity x exp(-d / decay) (d to the square's popularity-weighted centre), then
    a merchant inside it by popularity.
    """
    chosen = np.zeros(len(customers), dtype=np.int64)
    for category in (False, True):
        rows = np.flatnonzero(non_food == category)
        pool = np.flatnonzero(merchants.non_food == category)
        if pool.size == 0:
            pool = np.arange(len(merchants.xy))
        points, weight = merchants.xy[pool], merchants.popularity[pool]
        square = np.floor(points / _SQUARE_M).astype(np.int64)
        keys = square[:, 0] * 100_000 + square[:, 1]
        _, group = np.unique(keys, return_inverse=True)
        by_group = np.argsort(group, kind="stable")
        ordered = pool[by_group]
        cumulative = np.cumsum(weight[by_group])
        totals = np.asarray(np.bincount(group, weights=weight), dtype=np.float64)
        ends = np.cumsum(totals)
        starts = ends - totals
        centres = np.column_stack(
            [
                np.bincount(group, weights=weight * points[:, 0]) / totals,
                np.bincount(group, weights=weight * points[:, 1]) / totals,
            ]
        )
        for first in range(0, rows.size, 4096):
            chunk = rows[first : first + 4096]
            d = np.hypot(
                customers[chunk, None, 0] - centres[None, :, 0],
                customers[chunk, None, 1] - centres[None, :, 1],
            )
            weights = totals[None, :] * np.exp(-d / cal.CHOICE_DECAY_M)
            weights[d > cal.CHOICE_MAX_M] = 0.0
            empty = weights.sum(axis=1) <= 0
            weights[empty, np.argmin(d[empty], axis=1)] = 1.0
            squares = _pick_rows(weights, rng)
            draws = starts[squares] + rng.random(chunk.size) * totals[squares]
            index = np.searchsorted(cumulative, draws, side="right")
            chosen[chunk] = ordered[np.minimum(index, ordered.size - 1)]
    return chosen


def _rider_shift(kind: RiderKind, rng: np.random.Generator) -> tuple[int, int]:
    shifts = {
        "full_time": cal.FULL_TIME_SHIFTS,
        "crowdsourced": cal.CROWDSOURCED_SHIFTS,
        "part_time": cal.PART_TIME_SHIFTS,
    }[kind]
    pick = int(rng.choice(len(shifts), p=np.array([share for share, _, _ in shifts])))
    _, (first, last), (shortest, longest) = shifts[pick]
    start = int(rng.integers(first, last + 1))
    end = min(cal.LATEST_SHIFT_END_MIN, start + round(rng.uniform(shortest, longest) * 60))
    return start, max(end, start + 60)


@dataclass(slots=True)
class _OrderDraws:
    """Each order's drawn facts, one array entry per order."""

    customers: FloatArray
    placed: NDArray[np.int64]
    merchant_of: NDArray[np.int64]
    prep: NDArray[np.int64]
    weights_g: NDArray[np.int64]
    bulky: NDArray[np.bool_]
    floors: NDArray[np.int64]
    has_lift: NDArray[np.bool_]
    lift_broken: NDArray[np.bool_]
    walkup: NDArray[np.bool_]
    large_complex: NDArray[np.bool_]
    unreachable: NDArray[np.bool_]
    delay: NDArray[np.int64]
    predicted: NDArray[np.int64]


def _checked_size(name: str, seed: int, orders: int | None) -> tuple[ScenarioKind, int]:
    """The scenario's kind and order count, refusing an unknown name, size or seed."""
    kind = _kind(name)
    total = default_orders(name) if orders is None else orders
    if not MIN_ORDERS <= total <= MAX_ORDERS:
        raise ScenarioError(f"orders must be between {MIN_ORDERS} and {MAX_ORDERS}, got {total}")
    if seed < 0:
        raise ScenarioError(f"seed must not be negative, got {seed}")
    return kind, total


def _random_streams(seed: int, kind: ScenarioKind) -> dict[str, np.random.Generator]:
    """One independent random stream per step of the day (see the module docstring)."""
    return dict(
        zip(
            _STREAMS,
            (
                np.random.Generator(np.random.PCG64(s))
                for s in np.random.SeedSequence([seed, _KIND_INDEX[kind]]).spawn(len(_STREAMS))
            ),
            strict=True,
        )
    )


def _estate_of_orders(
    kind: ScenarioKind, placed: NDArray[np.int64], estates: _Estates, rng: np.random.Generator
) -> NDArray[np.int64]:
    """Each order's estate: by popularity, offices weighted up at lunch on working days."""
    lunch = (placed >= 11 * 60) & (placed < 14 * 60) & (kind != "weekend")
    office = np.array([k == "office" for k in estates.kind])
    estate_of = np.zeros(placed.size, dtype=np.int64)
    for at_lunch in (False, True):
        rows = np.flatnonzero(lunch == at_lunch)
        boost = cal.OFFICE_LUNCH_WEIGHT if at_lunch else cal.OFFICE_OTHER_WEIGHT
        weights = estates.popularity * np.where(office, boost, 1.0)
        estate_of[rows] = rng.choice(len(weights), size=rows.size, p=weights / weights.sum())
    return estate_of


def _draw_orders(
    kind: ScenarioKind,
    total: int,
    estates: _Estates,
    merchants: _Merchants,
    streams: dict[str, np.random.Generator],
) -> _OrderDraws:
    """Orders: when, where, what, from whom (times, choice and details streams, in turn)."""
    placed = _placement_minutes(kind, total, streams["times"])
    rng = streams["choice"]
    estate_of = _estate_of_orders(kind, placed, estates, rng)
    customers = estates.xy[estate_of] + rng.normal(0.0, cal.ESTATE_SPREAD_M, size=(total, 2))
    order_non_food = rng.random(total) < cal.NON_FOOD_SHARE
    merchant_of = _choose_merchants(customers, order_non_food, merchants, rng)
    return _draw_details(
        customers,
        placed,
        merchant_of,
        order_non_food,
        estates.storeys[estate_of],
        np.array(estates.kind)[estate_of],
        streams["details"],
    )


def _draw_details(
    customers: FloatArray,
    placed: NDArray[np.int64],
    merchant_of: NDArray[np.int64],
    order_non_food: NDArray[np.bool_],
    storeys: NDArray[np.int64],
    estate_kind: NDArray[np.str_],
    rng: np.random.Generator,
) -> _OrderDraws:
    """Each order's kitchen time, goods, floor and lift, reachability and merchant delay."""
    total = placed.size
    category = np.where(order_non_food, "non_food", "food")
    prep_median = np.where(
        order_non_food, cal.PREP_MEDIAN_MIN["non_food"], cal.PREP_MEDIAN_MIN["food"]
    )
    prep = np.maximum(1, np.rint(prep_median * rng.lognormal(0.0, cal.PREP_SIGMA, total))).astype(
        np.int64
    )
    weight_median = np.where(
        order_non_food, cal.WEIGHT_MEDIAN_G["non_food"], cal.WEIGHT_MEDIAN_G["food"]
    )
    weight_sigma = np.where(order_non_food, cal.WEIGHT_SIGMA["non_food"], cal.WEIGHT_SIGMA["food"])
    weights_g = np.minimum(
        cal.WEIGHT_CAP_G,
        np.rint(weight_median * np.exp(rng.normal(0.0, 1.0, total) * weight_sigma)),
    ).astype(np.int64)
    bulky = rng.random(total) < np.where(
        order_non_food, cal.BULKY_SHARE["non_food"], cal.BULKY_SHARE["food"]
    )
    floors = 1 + np.floor(rng.random(total) * storeys).astype(np.int64)
    walkup = estate_kind == "walkup"
    has_lift = ~walkup | (rng.random(total) < cal.RETROFITTED_LIFT_SHARE)
    lift_broken = has_lift & (rng.random(total) < cal.LIFT_OUT_OF_ORDER_SHARE)
    unreachable = rng.random(total) < cal.UNREACHABLE_SHARE
    delayed = (category == "food") & (rng.random(total) < cal.MERCHANT_DELAY_SHARE)
    low, high = cal.MERCHANT_DELAY_MIN
    delay = np.where(delayed, rng.integers(low, high + 1, size=total), 0)
    predicted = np.rint(delay * cal.PREDICTED_DELAY_SHARE).astype(np.int64)
    return _OrderDraws(
        customers,
        placed,
        merchant_of,
        prep,
        weights_g,
        bulky,
        floors,
        has_lift,
        lift_broken,
        walkup,
        estate_kind == "complex",
        unreachable,
        delay,
        predicted,
    )


def _restaurants(merchant_ids: list[str], merchants: _Merchants) -> dict[str, Restaurant]:
    return {
        mid: Restaurant(mid, round(float(x), 1), round(float(y), 1))
        for mid, (x, y) in zip(merchant_ids, merchants.xy.tolist(), strict=True)
    }


def _merchant_details(merchant_ids: list[str], merchants: _Merchants) -> dict[str, MerchantDetails]:
    """Street or mall, sub-district, the mall's extra pickup time, non-food."""
    return {
        mid: MerchantDetails(
            mid,
            "mall" if bool(merchants.mall[i]) else "street",
            merchants.area[i],
            0
            if not merchants.mall[i] or merchants.area[i] == cal.MALL_WITH_RIDER_STATION
            else cal.MALL_PICKUP_EXTRA_S,
            bool(merchants.non_food[i]),
        )
        for i, mid in enumerate(merchant_ids)
    }


def _orders(
    draws: _OrderDraws, merchant_ids: list[str]
) -> tuple[list[Order], dict[str, OrderDetails]]:
    """The MDRP orders and their scenario details, numbered o1, o2, … in placement order."""
    order_list: list[Order] = []
    order_details: dict[str, OrderDetails] = {}
    order_rows = zip(
        draws.customers.tolist(),
        draws.placed.tolist(),
        draws.merchant_of.tolist(),
        draws.prep.tolist(),
        draws.weights_g.tolist(),
        draws.bulky.tolist(),
        draws.floors.tolist(),
        draws.has_lift.tolist(),
        draws.lift_broken.tolist(),
        draws.walkup.tolist(),
        draws.large_complex.tolist(),
        draws.unreachable.tolist(),
        draws.delay.tolist(),
        draws.predicted.tolist(),
        strict=True,
    )
    for i, (xy, at, m, p, w, b, f, lift, broken, old, big, away, d, pd) in enumerate(order_rows):
        oid = f"o{i + 1}"
        order_list.append(Order(oid, round(xy[0], 1), round(xy[1], 1), at, merchant_ids[m], at + p))
        order_details[oid] = OrderDetails(
            oid, w, b, f, lift, broken, old, big, away, int(d), int(pd)
        )
    return order_list, order_details


def _parameters() -> Parameters:
    """The MDRP parameters of a Putuo day (speed without the route factor, pay, targets)."""
    return Parameters(
        metres_per_minute=round(cal.EBIKE_SPEED_M_PER_MIN / cal.ROUTE_FACTOR, 3),
        pickup_service_min=cal.PICKUP_SERVICE_MIN,
        dropoff_service_min=cal.DROPOFF_SERVICE_MIN,
        target_click_to_door_min=cal.TARGET_CLICK_TO_DOOR_MIN,
        max_click_to_door_min=cal.MAX_CLICK_TO_DOOR_MIN,
        pay_per_order_cents=cal.PAY_PER_ORDER_FEN,
        guaranteed_pay_per_hour_cents=cal.GUARANTEED_PER_HOUR_FEN,
    )


def _service_details() -> ServiceDetails:
    return ServiceDetails(
        per_floor_up_s=cal.PER_FLOOR_UP_S,
        per_floor_down_s=cal.PER_FLOOR_DOWN_S,
        old_estate_s=cal.OLD_ESTATE_S,
        large_complex_s=cal.LARGE_COMPLEX_S,
        unreachable_s=cal.UNREACHABLE_S,
    )


def _travel_settings(kind: ScenarioKind) -> TravelSettings:
    """E-bike speed, route factor and signals; slower on a rainy day."""
    return TravelSettings(
        speed_m_per_min=round(cal.EBIKE_SPEED_M_PER_MIN, 3),
        route_factor=cal.ROUTE_FACTOR,
        signal_s_per_km=cal.SIGNAL_S_PER_KM,
        rain_speed_factor=cal.RAIN_SPEED_FACTOR if kind == "rainy" else 1.0,
    )


def generate_scenario(
    name: str = "putuo-weekday",
    *,
    seed: int = 0,
    orders: int | None = None,
    district: District | None = None,
) -> Scenario:
    """A day of `name` (see `scenario_names()`), the same for the same seed and size."""
    kind, total = _checked_size(name, seed, orders)
    district = district or load_district()
    plane = district_plane(district)
    streams = _random_streams(seed, kind)
    base_orders = total / cal.DEMAND_FACTOR[kind]
    area_count = min(len(district.cells), max(1, math.ceil(base_orders / cal.ORDERS_PER_AREA)))
    areas = _areas(district, plane, area_count)
    per_area = _split(total, [1.0] * len(areas))
    estates = _estates(areas, per_area, streams["estates"])
    merchants = _merchants(areas, per_area, streams["merchants"])
    draws = _draw_orders(kind, total, estates, merchants, streams)

    merchant_ids = [f"m{i + 1}" for i in range(len(merchants.xy))]
    merchant_details = _merchant_details(merchant_ids, merchants)
    order_list, order_details = _orders(draws, merchant_ids)
    riders, couriers = _riders(
        kind, total, areas, merchants, order_list, merchant_details, streams["riders"]
    )
    weather, closures = _events(kind, areas, streams["events"])
    instance = Instance(
        name=f"{name}-s{seed}-n{total}",
        restaurants=_restaurants(merchant_ids, merchants),
        orders=tuple(order_list),
        couriers=couriers,
        parameters=_parameters(),
    )
    day = Scenario(
        name=name,
        kind=kind,
        seed=seed,
        instance=instance,
        plane=plane,
        areas=tuple(a.code for a in areas),
        merchants=merchant_details,
        orders=order_details,
        riders=riders,
        weather=weather,
        closures=closures,
        service=_service_details(),
        travel=_travel_settings(kind),
        notes=(f"generated: {name}, seed {seed}, {total} orders, {len(areas)} sub-district(s)",),
    )
    if name == "putuo-estate":
        from gigcity.geo.estates.sample import sample_estate

        return add_estate(day, sample_estate(), seed=seed)
    return day


def _riders(
    kind: ScenarioKind,
    total: int,
    areas: list[_Area],
    merchants: _Merchants,
    orders: list[Order],
    merchant_details: dict[str, MerchantDetails],
    rng: np.random.Generator,
) -> tuple[dict[str, RiderDetails], tuple[Courier, ...]]:
    base = total / cal.DEMAND_FACTOR[kind]
    count = max(
        2, round(base / cal.ORDERS_PER_RIDER * (cal.RAIN_EXTRA_RIDERS if kind == "rainy" else 1.0))
    )
    load = {a.code: 0 for a in areas}
    for order in orders:
        load[merchant_details[order.restaurant_id].area] += 1
    per_area = _split(count, [max(load[a.code], 1) for a in areas])
    kinds: tuple[RiderKind, ...] = ("full_time", "crowdsourced", "part_time")
    mix = np.array([cal.RIDER_MIX[k] for k in kinds])
    details: dict[str, RiderDetails] = {}
    couriers: list[Courier] = []
    number = 0
    for a, n in zip(areas, per_area, strict=True):
        centres = merchants.centres[a.code]
        homes = _near(a.cell, centres[rng.integers(0, len(centres), size=n)], 400.0, rng)
        for x, y in homes.tolist():
            number += 1
            rid = f"c{number}"
            rider_kind = kinds[int(rng.choice(len(kinds), p=mix))]
            on, off = _rider_shift(rider_kind, rng)
            due = rng.random() < cal.REST_DAY_DUE_SHARE[rider_kind]
            longest = {"full_time": 5, "crowdsourced": 4, "part_time": 2}[rider_kind]
            worked = 6 if due else int(rng.integers(0, longest + 1))
            details[rid] = RiderDetails(
                rid, rider_kind, a.code, worked, bool(rng.random() < cal.CONFIRMS_OVERTIME_SHARE)
            )
            couriers.append(Courier(rid, round(x, 1), round(y, 1), on, off))
    return details, tuple(couriers)


def _events(
    kind: ScenarioKind, areas: list[_Area], rng: np.random.Generator
) -> tuple[tuple[WeatherAlert, ...], tuple[Closure, ...]]:
    weather: tuple[WeatherAlert, ...] = ()
    if kind == "rainy":
        start, end, level, factor = cal.RAIN_ALERT
        weather = (WeatherAlert(start, end, level, factor),)
    count = max(1, round(cal.CLOSURES_PER_AREA[kind] * len(areas)))
    closures = []
    for number in range(count):
        area = areas[int(rng.integers(0, len(areas)))]
        ((x, y),) = _uniform_in(area.cell, 1, rng).tolist()
        start = int(rng.integers(8 * 60, 20 * 60))
        length = int(rng.integers(cal.CLOSURE_MINUTES[0], cal.CLOSURE_MINUTES[1] + 1))
        closures.append(
            Closure(
                f"tc{number + 1}",
                round(x, 1),
                round(y, 1),
                round(float(rng.uniform(*cal.CLOSURE_RADIUS_M)), 1),
                start,
                min(24 * 60, start + length),
                cal.CLOSURE_DELAY_S,
            )
        )
    return weather, tuple(closures)
