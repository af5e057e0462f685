"""The /api/route answer: query parsing, GeoJSON geometry, ETA breakdown, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from geo.streets.streets_support import grid_graph, grid_id, grid_lonlat
from gigcity.geo.streets import StreetGraph, sample_graph
from gigcity.geo.streets.closures import Closure, ClosureSpec
from gigcity.geo.streets.route import (
    NoRouteError,
    OutsideNetworkError,
    RouteQuery,
    parse_lon_lat,
    route_between,
)
from gigcity.geo.streets.signals import PhaseFeed
from gigcity.geo.streets.travel import StreetTravel

SHANGHAI = timezone(timedelta(hours=8))
AT = datetime(2026, 11, 28, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> StreetGraph:
    return grid_graph(tmp_path_factory.mktemp("grid"))


def test_answer_shape_on_the_sample() -> None:
    origin, destination = (121.465, 31.235), (121.482, 31.225)
    answer = route_between(StreetTravel(sample_graph()), origin, destination, AT)
    coords = answer.geometry.coordinates
    assert answer.geometry.type == "LineString"
    assert coords[0] == origin
    assert coords[-1] == destination
    assert len(coords) > 10
    b = answer.breakdown
    assert answer.eta_s == pytest.approx(b.moving_s + b.signal_wait_s)
    assert b.signals_passed == len(answer.signals) > 0
    assert b.signals_exact == 0
    assert b.closure_extra_s == 0
    assert b.closures == []
    assert answer.arrive_at - answer.depart_at == pytest.approx(
        timedelta(seconds=answer.eta_s), abs=timedelta(seconds=0.2)
    )
    assert answer.arrive_at.tzinfo == SHANGHAI  # answered in the caller's zone
    assert answer.signals[0].arrival_at > AT
    assert "OpenStreetMap contributors" in answer.attribution
    body = answer.model_dump(mode="json")
    assert body["geometry"]["coordinates"][0] == list(origin)


def test_closure_and_live_phases_show_in_the_breakdown(grid: StreetGraph) -> None:
    closure = Closure.from_spec(
        ClosureSpec(starts_at=AT, ends_at=AT + timedelta(hours=1), way_ids=[102]), "c1"
    )
    feed = PhaseFeed.model_validate(
        {"observed_at": AT, "phases": [{"signal_id": grid_id(1, 1), "state": "green", "remaining_s": 50}]}
    )  # fmt: skip
    travel, _ = StreetTravel(grid, closures=[closure]).with_live_phases(feed)
    # Row 2 (way 102) is one-way eastwards; closing it sends the rider round via row 1 or 3.
    answer = route_between(travel, grid_lonlat(2, 0), grid_lonlat(2, 3), AT)
    b = answer.breakdown
    assert b.closures == ["c1"]
    assert b.closure_extra_m == pytest.approx(200, rel=0.02)
    assert b.closure_extra_s > 0
    # Up the primary column through the signal, green for 50 s more: an exact zero wait.
    up = route_between(travel, grid_lonlat(0, 1), grid_lonlat(3, 1), AT).breakdown
    assert (up.signals_passed, up.signals_exact, up.signal_wait_s) == (1, 1, 0)


def test_points_far_from_any_street_are_refused(grid: StreetGraph) -> None:
    with pytest.raises(OutsideNetworkError, match=r"`to` .* m from the nearest street"):
        route_between(StreetTravel(grid), grid_lonlat(0, 0), (121.6, 31.3), AT)


def test_no_route_when_closures_cut_everything(grid: StreetGraph) -> None:
    ways = sorted(set(grid.arc_way_id.tolist()))
    closure = Closure.from_spec(
        ClosureSpec(starts_at=AT, ends_at=AT + timedelta(hours=1), way_ids=ways), "all"
    )
    with pytest.raises(NoRouteError, match="closures"):
        route_between(
            StreetTravel(grid, closures=[closure]), grid_lonlat(0, 0), grid_lonlat(3, 3), AT
        )


def test_naive_time_is_refused(grid: StreetGraph) -> None:
    with pytest.raises(ValueError, match="time zone"):
        route_between(
            StreetTravel(grid), grid_lonlat(0, 0), grid_lonlat(3, 3), datetime(2026, 1, 1)
        )


def test_default_departure_is_now(grid: StreetGraph) -> None:
    answer = route_between(StreetTravel(grid), grid_lonlat(0, 0), grid_lonlat(3, 3))
    assert abs(answer.depart_at - datetime.now(UTC)) < timedelta(seconds=30)


def test_query_parsing() -> None:
    query = RouteQuery.model_validate(
        {"from": "121.47,31.23", "to": "121.48, 31.22", "at": "2026-11-28T12:00:00+08:00"}
    )
    assert query.origin == (121.47, 31.23)
    assert query.destination == (121.48, 31.22)
    assert query.at == AT


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "121.47", "to": "121.48,31.22"}, "from", "lon,lat"),
        ({"from": "a,b", "to": "121.48,31.22"}, "from", "two numbers"),
        ({"from": "121.47,31.23", "to": "121.48,95"}, "to", "latitude"),
        ({"from": "200,31.23", "to": "121.48,31.22"}, "from", "longitude"),
        (
            {"from": "121.47,31.23", "to": "121.48,31.22", "at": "2026-11-28T12:00:00"},
            "at",
            "timezone",
        ),
        ({"to": "121.48,31.22"}, "from", "required"),
    ],
)
def test_query_errors_name_the_parameter(params: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        RouteQuery.model_validate(params)
    assert any(
        e["loc"] == (field,) and message.lower() in e["msg"].lower() for e in info.value.errors()
    ), info.value.errors()


def test_parse_lon_lat_rejects_nan() -> None:
    with pytest.raises(ValueError, match="longitude"):
        parse_lon_lat("nan,31")
