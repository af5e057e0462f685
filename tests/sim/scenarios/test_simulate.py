"""A scenario day under a rulebook: deterministic, every order once, pay as day_statement says."""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.rules import ActivitySpan, Delivery, day_statement, load_rulebook
from gigcity.sim.scenarios import (
    Closure,
    DayFacts,
    DistrictTravel,
    Scenario,
    generate_scenario,
    judge,
    simulate_scenario,
    yardstick,
)
from gigcity.sim.scenarios.model import TravelSettings
from gigcity.sim.scenarios.simulate import SimulationSettings


@pytest.fixture(scope="module")
def small() -> Scenario:
    return generate_scenario("putuo-weekday", seed=5, orders=350)


def test_same_day_same_outcome(small: Scenario) -> None:
    book = load_rulebook("putuo-2025")
    assert simulate_scenario(small, book) == simulate_scenario(small, book)


@pytest.mark.parametrize("name", ["baseline-2024", "putuo-2025"])
def test_every_order_delivered_once_in_time_order(small: Scenario, name: str) -> None:
    outcome = simulate_scenario(small, load_rulebook(name))
    seen: list[str] = []
    orders = {o.id: o for o in small.instance.orders}
    for trip in outcome.trips:
        if trip.pickup_s is None:
            continue
        seen.extend(trip.order_ids)
        actual_ready = max(
            (orders[o].ready_min + small.orders[o].prep_delay_min) * 60 for o in trip.order_ids
        )
        assert trip.pickup_s >= actual_ready
        assert trip.start_s <= trip.arrive_s <= trip.pickup_s
        assert list(trip.dropoff_s) == sorted(trip.dropoff_s)
        assert trip.dropoff_s[-1] <= trip.end_s
    assert len(seen) == len(set(seen))
    assert set(seen) | set(outcome.undelivered) == set(orders)


def test_putuo_2025_has_no_rest_breaches_and_passes_the_on_route_target(small: Scenario) -> None:
    putuo = load_rulebook("putuo-2025")
    stick = yardstick([load_rulebook("baseline-2024"), putuo])
    figures = judge(DayFacts(simulate_scenario(small, putuo)), putuo, stick)
    assert figures["rest"]["breaches"] == 0
    assert figures["rest"]["longest_continuous_work_min"] <= 240
    assert figures["rest"]["rest_day_due_but_worked"] == 0
    assert figures["hours"]["hours_beyond_unconfirmed"] == 0
    assert figures["pay"]["fines_fen"] == 0
    assert figures["on_route"]["rate"] is None or figures["on_route"]["rate"] >= 0.9


@pytest.mark.parametrize("name", ["baseline-2024", "putuo-2025"])
def test_judged_pay_is_what_day_statement_pays(small: Scenario, name: str) -> None:
    book = load_rulebook(name)
    facts = DayFacts(simulate_scenario(small, book))
    figures = judge(facts, book, yardstick([book]))
    d = facts.delivered
    promise = facts.promises(book)
    deliveries: dict[str, list[Delivery]] = defaultdict(list)
    for i, rider in enumerate(d.courier_ids):
        deliveries[rider].append(
            Delivery(
                order=d.facts[i],
                promised_at_s=math.floor(promise[i]),
                delivered_at_s=math.ceil(d.dropoff_s[i]),
                late_cause=d.late_cause[i],
            )
        )
    spans = facts.on_order_spans()
    total = fines = 0
    for courier in small.instance.couriers:
        activity = [
            ActivitySpan(start_s=int(a), end_s=int(b), kind="on_order")
            for a, b in spans.get(courier.id, [])
        ]
        statement = day_statement(book, deliveries.get(courier.id, []), activity)
        total += statement.total_fen
        fines += statement.fines_fen
    assert figures["pay"]["total_fen"] == total
    assert figures["pay"]["fines_fen"] == fines


def _with_riderless_area(day: Scenario, shift_m: float) -> tuple[Scenario, set[str]]:
    """The day with its eastern half of merchants (and their customers) moved `shift_m`
    further east into a new dispatch area that has no riders of its own."""
    instance = day.instance
    cut = statistics.median(r.x for r in instance.restaurants.values())
    east = {m for m, r in instance.restaurants.items() if r.x > cut}
    restaurants = {
        m: dataclasses.replace(r, x=r.x + shift_m) if m in east else r
        for m, r in instance.restaurants.items()
    }
    orders = tuple(
        dataclasses.replace(o, x=o.x + shift_m) if o.restaurant_id in east else o
        for o in instance.orders
    )
    merchants = {
        m: dataclasses.replace(d, area="east") if m in east else d for m, d in day.merchants.items()
    }
    moved = dataclasses.replace(
        day,
        areas=(*day.areas, "east"),
        merchants=merchants,
        instance=dataclasses.replace(instance, restaurants=restaurants, orders=orders),
    )
    return moved, {o.id for o in orders if o.restaurant_id in east}


def test_an_area_without_riders_borrows_idle_riders_from_its_neighbour(small: Scenario) -> None:
    day, east = _with_riderless_area(small, 1500.0)
    book = load_rulebook("putuo-2025")
    alone = simulate_scenario(day, book, settings=SimulationSettings(lend_within_s=None))
    lent = simulate_scenario(day, book, settings=SimulationSettings(lend_within_s=900.0))
    assert len(east & set(alone.undelivered)) > len(east) / 3
    assert len(east & set(lent.undelivered)) < len(east) / 20
    # The lending area keeps riders for its own orders: it lends at most half its spare ones.
    west = {o.id for o in day.instance.orders} - east
    assert len(west & set(lent.undelivered)) < len(west) / 50


def test_riders_are_not_lent_beyond_the_riding_time_limit(small: Scenario) -> None:
    day, east = _with_riderless_area(small, 4000.0)
    book = load_rulebook("putuo-2025")
    near = simulate_scenario(day, book, settings=SimulationSettings(lend_within_s=900.0))
    far = simulate_scenario(day, book, settings=SimulationSettings(lend_within_s=1800.0))
    assert east <= set(near.undelivered)
    assert len(east & set(far.undelivered)) < len(east) / 5


_SETTINGS = TravelSettings(
    speed_m_per_min=285.0, route_factor=1.3, signal_s_per_km=22.5, rain_speed_factor=1.0
)
_coord = st.floats(min_value=-3000, max_value=3000, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(_coord, _coord, _coord, _coord, st.floats(min_value=50, max_value=800))
def test_a_closure_only_ever_lengthens_a_trip(
    x0: float, y0: float, x1: float, y1: float, r: float
) -> None:
    closure = Closure("tc", 0.0, 0.0, r, 0, 60, 60)
    free = DistrictTravel(_SETTINGS)
    closed = DistrictTravel(_SETTINGS, closures=(closure,))
    parts = closed.parts([(x0, y0)], [(x1, y1)], 30 * 60.0)
    assert parts.closure_m[0] >= 0
    assert closed.travel_seconds((x0, y0), (x1, y1), 30 * 60.0) >= free.travel_seconds(
        (x0, y0), (x1, y1), 30 * 60.0
    )
    # Not in force: no detour.
    assert closed.travel_seconds((x0, y0), (x1, y1), 2 * 3600.0) == free.travel_seconds(
        (x0, y0), (x1, y1), 2 * 3600.0
    )


def test_a_trip_straight_through_a_closure_goes_round_it() -> None:
    closed = DistrictTravel(_SETTINGS, closures=(Closure("tc", 0.0, 0.0, 200.0, 0, 60, 60),))
    parts = closed.parts([(-1000.0, 0.0)], [(1000.0, 0.0)], 0.0)
    # Half the circumference instead of the diameter, times the route factor.
    assert parts.closure_m[0] == pytest.approx((math.pi * 200 - 400) * 1.3)
    matrix = closed.matrix_s([(-1000.0, 0.0)], [(1000.0, 0.0)], 0.0)
    assert matrix[0, 0] == pytest.approx(closed.pairs_s([(-1000.0, 0.0)], [(1000.0, 0.0)], 0.0)[0])


_points = st.lists(st.tuples(_coord, _coord), min_size=1, max_size=6)


def _reference_detour_m(
    a: tuple[float, float], b: tuple[float, float], centre: tuple[float, float], r: float
) -> float:
    """Arc minus chord when the segment a-b passes through the disc with both ends outside."""
    (ax, ay), (bx, by), (cx, cy) = a, b, centre
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0 or math.hypot(ax - cx, ay - cy) <= r or math.hypot(bx - cx, by - cy) <= r:
        return 0.0
    t = ((cx - ax) * dx + (cy - ay) * dy) / length2
    d = abs((cx - ax) * dy - (cy - ay) * dx) / math.sqrt(length2)
    if not 0 < t < 1 or d >= r:
        return 0.0
    return max(2 * r * math.acos(d / r) - 2 * math.sqrt(r * r - d * d), 0.0)


@settings(max_examples=60, deadline=None)
@given(_points, _points, st.floats(min_value=50, max_value=800))
def test_matrix_and_pairs_go_round_a_closure_exactly_when_the_geometry_says(
    origins: list[tuple[float, float]], destinations: list[tuple[float, float]], r: float
) -> None:
    # The matrix form works out detours only for segments near the closure: none may be missed.
    centre = (100.0, -50.0)
    free = DistrictTravel(_SETTINGS)
    closed = DistrictTravel(_SETTINGS, closures=(Closure("tc", *centre, r, 0, 60, 60),))
    matrix = closed.matrix_s(origins, destinations, 600.0)
    for i, origin in enumerate(origins):
        pairs = closed.parts([origin] * len(destinations), destinations, 600.0)
        assert list(matrix[i]) == list(pairs.moving_s + pairs.signal_s + pairs.closure_s)
        for j, destination in enumerate(destinations):
            expected = _reference_detour_m(origin, destination, centre, r) * 1.3
            assert pairs.closure_m[j] == pytest.approx(expected, abs=1e-6)
            if expected == 0:
                assert matrix[i, j] == free.travel_seconds(origin, destination, 600.0)


class _LonLatTravel:
    """A stand-in street model that works in longitude/latitude, as `StreetTravel` does."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, float]] = []

    def distance_m(self, origin: tuple[float, float], destination: tuple[float, float]) -> float:
        from gigcity.geo import haversine_m

        self.seen.append(origin)
        return haversine_m(origin[0], origin[1], destination[0], destination[1])

    def travel_seconds(
        self, origin: tuple[float, float], destination: tuple[float, float], depart_s: float = 0.0
    ) -> float:
        return self.distance_m(origin, destination) / 4.0

    def travel_seconds_many(
        self,
        origin: tuple[float, float],
        destinations: object,
        depart_s: float = 0.0,
    ) -> object:
        import numpy as np

        assert isinstance(destinations, list)
        return np.array([self.travel_seconds(origin, d) for d in destinations])


def test_any_travel_model_can_replace_the_default(small: Scenario) -> None:
    from gigcity.sim.scenarios import OnPlane

    street = _LonLatTravel()
    travel = OnPlane(street, small.plane)  # type: ignore[arg-type]
    origin = small.instance.couriers[0].location
    lon, lat = small.plane.to_lon_lat(*origin)
    assert small.plane.to_xy(lon, lat) == pytest.approx(origin)
    tiny = generate_scenario("putuo-weekday", seed=5, orders=40)
    outcome = simulate_scenario(tiny, load_rulebook("putuo-2025"), travel=travel)
    assert len(outcome.undelivered) < 40
    # The street model was asked in degrees, inside Putuo.
    assert all(121.3 < x < 121.5 and 31.2 < y < 31.32 for x, y in street.seen)
