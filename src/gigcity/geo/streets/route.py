"""The route answer the HTTP layer serves: GeoJSON geometry, distance, ETA and its breakdown.

`GET /api/route?from=lon,lat&to=lon,lat&at=ISO-time` parses into `RouteQuery` (errors name
the field) and is answered by `route_between`. Route geometry is derived from
OpenStreetMap, so every answer carries the ODbL attribution to show with it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from gigcity.geo.streets.graph import OSM_ATTRIBUTION
from gigcity.geo.streets.travel import StreetRoute, StreetTravel
from gigcity.geo.travel import Location

MAX_SNAP_M = 500.0  # farther than this from any street, a point is outside the network


class RouteError(ValueError):
    """The route cannot be answered; the message says why."""


class OutsideNetworkError(RouteError):
    pass


class NoRouteError(RouteError):
    pass


def parse_lon_lat(text: str) -> Location:
    """'lon,lat' (WGS-84 degrees) -> (lon, lat); ValueError saying what is wrong."""
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError(f"expected 'lon,lat', got {text!r}")
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"expected two numbers 'lon,lat', got {text!r}") from None
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise ValueError(f"longitude {lon} is outside -180..180")
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise ValueError(f"latitude {lat} is outside -90..90")
    return lon, lat


class RouteQuery(BaseModel):
    """Query parameters of GET /api/route (`from` is a keyword, hence the alias)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    origin: Location = Field(alias="from")
    destination: Location = Field(alias="to")
    at: AwareDatetime | None = Field(default=None, description="departure; default now")

    @field_validator("origin", "destination", mode="before")
    @classmethod
    def _lon_lat(cls, value: object) -> object:
        return parse_lon_lat(value) if isinstance(value, str) else value


class LineString(BaseModel):
    type: Literal["LineString"] = "LineString"
    coordinates: list[tuple[float, float]]


class EtaBreakdown(BaseModel):
    """Seconds; moving_s + signal_wait_s == eta_s. The closure figures are how much of the
    trip the closures in force caused, against the best route with no closure."""

    moving_s: float
    signal_wait_s: float
    signals_passed: int
    signals_exact: int  # waits from a known phase (live feed or fixed-time plan)
    closure_extra_s: float
    closure_extra_m: float
    closures: list[str]


class SignalOnRoute(BaseModel):
    signal_id: int  # OSM node id naming the junction
    lon: float
    lat: float
    arrival_at: datetime
    wait_s: float
    exact: bool


class RouteAnswer(BaseModel):
    streets: str
    geometry: LineString
    distance_m: float
    depart_at: datetime
    arrive_at: datetime
    eta_s: float
    breakdown: EtaBreakdown
    signals: list[SignalOnRoute]
    attribution: str = OSM_ATTRIBUTION


def route_between(
    travel: StreetTravel,
    origin: Location,
    destination: Location,
    at: datetime | None = None,
    *,
    max_snap_m: float = MAX_SNAP_M,
) -> RouteAnswer:
    """The fastest e-bike route leaving at `at` (aware; default now), with its ETA breakdown."""
    depart = at or datetime.now(UTC)
    if depart.tzinfo is None:
        raise ValueError("`at` must carry a time zone")
    for label, point in (("from", origin), ("to", destination)):
        off_by = travel.snap_distance_m(point)
        if off_by > max_snap_m:
            raise OutsideNetworkError(
                f"`{label}` {point[0]:.6f},{point[1]:.6f} is {off_by:.0f} m from the nearest "
                f"street of {travel.graph.name!r} (limit {max_snap_m:.0f} m)"
            )
    depart_s = depart.timestamp() - travel.clock_origin_s
    route = travel.route(origin, destination, depart_s)
    if route is None:
        raise NoRouteError("closures in force cut every route between these points")
    open_route = travel.route(origin, destination, depart_s, closures_apply=False)
    detour = travel.detour_of(route, open_route)
    return _answer(travel, route, depart, detour.extra_s, detour.extra_m, detour.closure_ids)


def _answer(
    travel: StreetTravel,
    route: StreetRoute,
    depart: datetime,
    extra_s: float,
    extra_m: float,
    closure_ids: tuple[str, ...],
) -> RouteAnswer:
    graph = travel.graph
    tz = depart.tzinfo
    coordinates = [route.origin]
    coordinates += zip(
        graph.node_lon[route.nodes].tolist(), graph.node_lat[route.nodes].tolist(), strict=True
    )
    coordinates.append(route.destination)
    return RouteAnswer(
        streets=graph.name,
        geometry=LineString(coordinates=coordinates),
        distance_m=round(route.distance_m, 1),
        depart_at=depart,
        arrive_at=datetime.fromtimestamp(route.depart_unix_s + route.eta_s, tz),
        eta_s=round(round(route.moving_s, 1) + round(route.signal_wait_s, 1), 1),
        breakdown=EtaBreakdown(
            moving_s=round(route.moving_s, 1),
            signal_wait_s=round(route.signal_wait_s, 1),
            signals_passed=len(route.waits),
            signals_exact=sum(w.exact for w in route.waits),
            closure_extra_s=round(extra_s, 1),
            closure_extra_m=round(extra_m, 1),
            closures=list(closure_ids),
        ),
        signals=[
            SignalOnRoute(
                signal_id=w.junction_osm_id,
                lon=w.lon,
                lat=w.lat,
                arrival_at=datetime.fromtimestamp(w.arrival_unix_s, tz),
                wait_s=round(w.wait_s, 1),
                exact=w.exact,
            )
            for w in route.waits
        ],
    )
