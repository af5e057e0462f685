"""Route here where no street network covers the trip: a distance-based estimate.

A district that has not loaded its own OpenStreetMap extract (docs/streets.md) still answers
"route here": the straight-line distance times a detour factor, ridden at a steady e-bike
speed, clearly labelled as an estimate, with one-tap links to Amap, Baidu and Tencent, whose
own navigation knows the streets. The street route, when the network covers both ends, is
unchanged; it now says `kind: "streets"` so a client tells the two apart.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from gigcity.geo import Location, RouteAnswer
from gigcity.geo.coords import haversine_m
from gigcity.geo.navigation import (
    amap_navigation_url,
    baidu_navigation_url,
    tencent_navigation_url,
)
from gigcity.geo.streets.route import LineString
from gigcity.i18n import N_

# Streets in a Chinese city centre are about 1.3-1.4 times the straight line between two
# points (circuity); an e-bike averages about 15 km/h between orders once lights and
# crossings are counted (the street model gives 17 km/h moving, plus the signal waits).
DETOUR_FACTOR = 1.4
RIDING_SPEED_KMH = 15.0
# Farther than this, an e-bike estimate means nothing: the query names a wrong point.
MAX_ESTIMATE_M = 60_000.0

EstimateReason = Literal["outside_network", "streets_unavailable"]

# What the rider reads above the figures (translated at the edge, zh_CN first).
ESTIMATE_NOTE = N_(
    "Estimate only: no street map of ours covers this trip, so this is the straight-line "
    "distance × {factor} at {speed} km/h. Open a navigation app for the way."
)
FROM_LABEL = N_("My position")


class RouteOut(RouteAnswer):
    """A route on the street network, as `RouteAnswer`, marked as such."""

    kind: Literal["streets"] = "streets"


class EstimateLinks(BaseModel):
    """Riding navigation from the trip's start to its end in the apps riders use."""

    amap: str  # GCJ-02
    baidu: str  # BD-09
    tencent: str  # GCJ-02


class RouteEstimate(BaseModel):
    """No street network covers the trip: an estimate from the straight-line distance."""

    kind: Literal["estimate"] = "estimate"
    reason: EstimateReason = Field(
        description="outside_network: an end is far from every street of the loaded "
        "network; streets_unavailable: no street network is loaded on this server."
    )
    note: str = Field(description="The estimate's label in plain words, in the reader's language.")
    straight_m: float
    distance_m: float = Field(description="straight_m × detour_factor")
    detour_factor: float
    speed_kmh: float
    eta_s: float
    minutes: int = Field(description="eta_s rounded up to whole minutes (at least 1)")
    depart_at: datetime
    arrive_at: datetime
    geometry: LineString = Field(description="The straight line, to draw dashed; not a way.")
    navigation: EstimateLinks


def estimate_route(
    origin: Location,
    destination: Location,
    depart: datetime,
    reason: EstimateReason,
    note: str,
    destination_name: str = "",
    origin_name: str = "",
) -> RouteEstimate:
    """The estimate for riding from `origin` to `destination` (WGS-84) leaving at `depart`."""
    straight = haversine_m(origin[0], origin[1], destination[0], destination[1])
    distance = straight * DETOUR_FACTOR
    eta_s = distance / (RIDING_SPEED_KMH / 3.6)
    start = (origin[0], origin[1], origin_name)
    lon, lat = destination
    return RouteEstimate(
        reason=reason,
        note=note,
        straight_m=round(straight, 1),
        distance_m=round(distance, 1),
        detour_factor=DETOUR_FACTOR,
        speed_kmh=RIDING_SPEED_KMH,
        eta_s=round(eta_s, 1),
        minutes=max(1, -(-int(eta_s) // 60)),
        depart_at=depart,
        arrive_at=depart + timedelta(seconds=round(eta_s)),
        geometry=LineString(coordinates=[origin, destination]),
        navigation=EstimateLinks(
            amap=amap_navigation_url(lon, lat, destination_name, "ride", origin=start),
            baidu=baidu_navigation_url(lon, lat, destination_name, origin=start),
            tencent=tencent_navigation_url(lon, lat, destination_name, origin=start),
        ),
    )
