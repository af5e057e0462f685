"""StreetTravel: the street TravelModel with signals, live phases and closures."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.streets.streets_support import grid_graph, grid_id, grid_lonlat
from gigcity.geo.coords import haversine_m
from gigcity.geo.streets import StreetGraph, cch_available, sample_graph
from gigcity.geo.streets.closures import Closure, ClosureSpec
from gigcity.geo.streets.signals import PhaseFeed, SignalTiming
from gigcity.geo.streets.travel import ClosureDetour, StreetTravel
from gigcity.geo.travel import TravelModel

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
MINOR = 1


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> StreetGraph:
    return grid_graph(tmp_path_factory.mktemp("grid"))


@pytest.fixture(scope="module")
def sample_travel() -> StreetTravel:
    return StreetTravel(sample_graph())


def _closure(cid: str, start: datetime = T0, hours: float = 1, **shape: object) -> Closure:
    spec = ClosureSpec.model_validate(
        {"starts_at": start, "ends_at": start + timedelta(hours=hours), **shape}
    )
    return Closure.from_spec(spec, cid)


def _sample_points(count: int, seed: int) -> list[tuple[float, float]]:
    graph = sample_graph()
    rng = np.random.default_rng(seed)
    nodes = rng.integers(0, graph.node_count, count)
    jitter = rng.normal(0, 0.0002, (count, 2))
    return [
        (float(graph.node_lon[n] + dx), float(graph.node_lat[n] + dy))
        for n, (dx, dy) in zip(nodes, jitter, strict=True)
    ]


def test_street_travel_is_a_travel_model(grid: StreetGraph) -> None:
    assert isinstance(StreetTravel(grid), TravelModel)


def test_crossing_a_signal_costs_the_minor_approach_expected_wait(grid: StreetGraph) -> None:
    travel = StreetTravel(grid)
    route = travel.route(grid_lonlat(1, 0), grid_lonlat(1, 2), T0.timestamp())
    assert route is not None
    assert [int(grid.node_osm_id[n]) for n in route.nodes] == [5, 6, 7]
    plan = travel.timing.plans[0]
    assert route.signal_wait_s == pytest.approx(plan.expected_wait_s(MINOR))
    assert [w.exact for w in route.waits] == [False]
    assert route.access_m == pytest.approx(0, abs=1e-6)
    assert route.moving_s == pytest.approx(route.network_m / (15 / 3.6))
    assert route.eta_s == route.moving_s + route.signal_wait_s


def test_live_phase_gives_the_exact_wait_at_predicted_arrival(grid: StreetGraph) -> None:
    travel = StreetTravel(grid)
    feed = PhaseFeed.model_validate(
        {"observed_at": T0, "phases": [{"signal_id": grid_id(1, 1), "approach": "minor",
                                        "state": "red", "remaining_s": 40}]}
    )  # fmt: skip
    live, report = travel.with_live_phases(feed)
    assert report.accepted == 1
    route = live.route(grid_lonlat(1, 0), grid_lonlat(1, 2), T0.timestamp())
    assert route is not None
    riding_to_signal = route.waits[0].arrival_unix_s - T0.timestamp()
    assert riding_to_signal == pytest.approx(100 / (15 / 3.6), rel=0.01)
    assert route.signal_wait_s == pytest.approx(40 - riding_to_signal)
    assert route.waits[0].exact
    # The travel it came from still expects, and one-to-many stays on expected waits.
    assert (
        travel.travel_seconds(grid_lonlat(1, 0), grid_lonlat(1, 2), T0.timestamp()) != route.eta_s
    )


def test_clock_origin_shifts_departures(grid: StreetGraph) -> None:
    feed = PhaseFeed.model_validate(
        {"observed_at": T0, "phases": [{"signal_id": grid_id(1, 1), "state": "red", "remaining_s": 30}]}
    )  # fmt: skip
    on_unix, _ = StreetTravel(grid).with_live_phases(feed)
    on_day, _ = StreetTravel(grid, clock_origin_s=T0.timestamp() - 3600).with_live_phases(feed)
    a, b = grid_lonlat(0, 1), grid_lonlat(3, 1)
    assert on_day.travel_seconds(a, b, 3600 + 5) == on_unix.travel_seconds(a, b, T0.timestamp() + 5)


def test_one_way_row_is_ridden_one_way_only(grid: StreetGraph) -> None:
    travel = StreetTravel(grid)
    east = travel.route(grid_lonlat(2, 0), grid_lonlat(2, 3))
    west = travel.route(grid_lonlat(2, 3), grid_lonlat(2, 0))
    assert east is not None
    assert west is not None
    assert len(east.nodes) == 4
    assert len(west.nodes) > 4


def test_same_place_takes_no_time(sample_travel: StreetTravel) -> None:
    point = (121.47, 31.23)
    assert sample_travel.travel_seconds(point, point) == 0
    assert sample_travel.travel_seconds_many(point, [point]).tolist() == [0.0]
    assert sample_travel.distance_m(point, point) == 0


def test_one_to_many_agrees_with_point_to_point(sample_travel: StreetTravel) -> None:
    points = _sample_points(41, seed=7)
    origin, targets = points[0], points[1:]
    many = sample_travel.travel_seconds_many(origin, targets, T0.timestamp())
    single = [sample_travel.travel_seconds(origin, t, T0.timestamp()) for t in targets]
    np.testing.assert_allclose(many, single, atol=0.5)  # ms rounding per arc
    assert np.all(np.isfinite(many))


@pytest.mark.skipif(not cch_available(), reason="pyroutingkit is not installed")
def test_cch_and_dijkstra_agree_on_the_sample() -> None:
    cch = StreetTravel(sample_graph(), engine="cch")
    dijkstra = StreetTravel(sample_graph(), engine="dijkstra")
    points = _sample_points(30, seed=3)
    for origin in points[:5]:
        np.testing.assert_array_equal(
            cch.travel_seconds_many(origin, points), dijkstra.travel_seconds_many(origin, points)
        )
        for target in points[5:10]:
            assert cch.travel_seconds(origin, target) == pytest.approx(
                dijkstra.travel_seconds(origin, target), abs=1e-6
            )


def test_closure_forces_a_detour_and_reports_it(grid: StreetGraph) -> None:
    a, b = grid_lonlat(1, 0), grid_lonlat(1, 2)
    closure = _closure("c1", way_ids=[101])  # row 1
    travel = StreetTravel(grid, closures=[closure])
    during, after = T0.timestamp() + 60, T0.timestamp() + 7200
    detour = travel.detour(a, b, during)
    assert detour is not None
    assert detour.closure_ids == ("c1",)
    assert detour.extra_m == pytest.approx(200, rel=0.01)  # around one block
    assert detour.extra_s > 0
    route = travel.route(a, b, during)
    assert route is not None
    assert route.closures_in_force == ("c1",)
    assert not set(route.arcs.tolist()) & set(np.flatnonzero(grid.arc_way_id == 101).tolist())
    assert travel.detour(a, b, after) == ClosureDetour(0.0, 0.0, ())  # closure has ended
    assert travel.travel_seconds(a, b, after) == StreetTravel(grid).travel_seconds(a, b, after)
    many = travel.travel_seconds_many(a, [b], during)
    assert many[0] == pytest.approx(travel.travel_seconds(a, b, during), abs=0.1)


def test_closure_elsewhere_costs_nothing(grid: StreetGraph) -> None:
    travel = StreetTravel(grid, closures=[_closure("c9", way_ids=[103])])
    detour = travel.detour(grid_lonlat(1, 0), grid_lonlat(1, 2), T0.timestamp())
    assert detour is not None
    assert detour.extra_s == 0
    assert detour.closure_ids == ()


def test_points_inside_a_closed_area_snap_to_an_open_street(grid: StreetGraph) -> None:
    lon, lat = grid_lonlat(1, 1)
    box = [(lon - 0.0003, lat - 0.0003), (lon + 0.0003, lat - 0.0003),
           (lon + 0.0003, lat + 0.0003), (lon - 0.0003, lat + 0.0003)]  # fmt: skip
    travel = StreetTravel(grid, closures=[_closure("c1", polygon=box)])
    route = travel.route(grid_lonlat(0, 0), (lon, lat), T0.timestamp())
    assert route is not None
    assert route.access_m > 90


def test_everything_closed_means_no_route(grid: StreetGraph) -> None:
    ways = sorted(set(grid.arc_way_id.tolist()))
    travel = StreetTravel(grid, closures=[_closure("all", way_ids=ways)])
    a, b = grid_lonlat(0, 0), grid_lonlat(3, 3)
    assert travel.route(a, b, T0.timestamp()) is None
    assert travel.travel_seconds(a, b, T0.timestamp()) == math.inf
    assert travel.travel_seconds_many(a, [b], T0.timestamp()).tolist() == [math.inf]
    assert travel.detour(a, b, T0.timestamp()) is None


def test_copies_share_preparation_but_not_plans(grid: StreetGraph) -> None:
    travel = StreetTravel(grid)
    other = travel.with_closures([_closure("c1", way_ids=[101])])
    assert other.graph is travel.graph
    assert travel.closures == ()
    timing = SignalTiming.defaults_for(grid)
    changed = timing.with_plans({0: timing.plans[0].model_copy(update={"cycle_s": 100.0})})
    with pytest.raises(ValueError, match="new StreetTravel"):
        travel.with_timing(changed)


bbox = st.tuples(st.floats(121.462, 121.485), st.floats(31.221, 31.240))


@settings(max_examples=40, deadline=None)
@given(origin=bbox, destination=bbox, depart=st.floats(1.7e9, 1.8e9))
def test_eta_is_never_faster_than_riding_straight_at_the_legal_maximum(
    sample_travel: StreetTravel,
    origin: tuple[float, float],
    destination: tuple[float, float],
    depart: float,
) -> None:
    eta = sample_travel.travel_seconds(origin, destination, depart)
    assert eta >= haversine_m(*origin, *destination) / (25 / 3.6) - 1e-6
    assert eta == sample_travel.travel_seconds(origin, destination, depart)  # deterministic
    route = sample_travel.route(origin, destination, depart)
    assert route is not None
    assert route.distance_m >= haversine_m(*origin, *destination) - 1e-6


def test_walking_signals_with_stale_live_phases_matches_the_expectation(
    sample_travel: StreetTravel,
) -> None:
    # A feed for every junction, observed long ago: the route is walked signal by signal,
    # but every wait falls back to its expectation, as on the fast path.
    timing = sample_travel.timing
    feed = PhaseFeed.model_validate(
        {
            "observed_at": T0 - timedelta(days=1),
            "phases": [
                {"signal_id": sid, "state": "red", "remaining_s": 1}
                for sid in timing.junction_of_signal
            ],
        }
    )
    stale, report = sample_travel.with_live_phases(feed)
    assert report.accepted == len(timing.junction_of_signal)
    assert stale.timing.phase_known.all()
    for origin, destination in zip(_sample_points(10, 5), _sample_points(10, 6), strict=True):
        walked = stale.route(origin, destination, T0.timestamp())
        fast = sample_travel.route(origin, destination, T0.timestamp())
        assert walked is not None
        assert fast is not None
        assert walked.eta_s == pytest.approx(fast.eta_s)
        np.testing.assert_allclose(walked.signal_arrivals_unix_s, fast.signal_arrivals_unix_s)
        assert not walked.signal_exact.any()


def test_live_walk_equals_waiting_signal_by_signal(sample_travel: StreetTravel) -> None:
    rng = np.random.default_rng(11)
    timing = sample_travel.timing
    feed = PhaseFeed.model_validate(
        {
            "observed_at": T0,
            "phases": [
                {"signal_id": sid, "state": "red", "remaining_s": float(rng.uniform(0, 50))}
                for sid in list(timing.junction_of_signal)[::2]
            ],
        }
    )
    live, _ = sample_travel.with_live_phases(feed)
    for origin, destination in zip(_sample_points(8, 21), _sample_points(8, 22), strict=True):
        route = live.route(origin, destination, T0.timestamp())
        assert route is not None
        graph = live.graph
        at_signal = np.flatnonzero(graph.arc_junction[route.arcs] >= 0)
        riding = np.cumsum(graph.arc_moving_s[route.arcs])[at_signal]
        arrivals, waits = route.signal_arrivals_unix_s, route.signal_waits_s
        for i, arc in enumerate(route.arcs[at_signal]):
            junction, approach = int(graph.arc_junction[arc]), int(graph.arc_approach[arc])
            assert live.timing.wait_s(junction, approach, arrivals[i])[0] == pytest.approx(waits[i])
        # Each arrival is the previous one plus the riding between them and the wait there.
        np.testing.assert_allclose(np.diff(arrivals), np.diff(riding) + waits[:-1], atol=1e-6)
        assert route.signal_exact.any()
