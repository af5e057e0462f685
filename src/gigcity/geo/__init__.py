"""Where things are and how long it takes to get there."""

from gigcity.geo.closure_file import add_closure, closures_path, read_closures, remove_closure
from gigcity.geo.closures import Closure, ClosureSpec, active_closures, closed_arc_mask
from gigcity.geo.coords import gcj02_to_wgs84, haversine_m, wgs84_to_gcj02
from gigcity.geo.district import District, Subdistrict, load_district
from gigcity.geo.navigation import amap_navigation_url, geo_uri, osm_url
from gigcity.geo.signals import (
    PhaseFeed,
    PhaseFeedReport,
    PhaseObservation,
    SignalPlan,
    SignalTiming,
    apply_phase_feed,
    default_plan,
)
from gigcity.geo.spatial_index import Hit, PointIndex
from gigcity.geo.street_route import (
    NoRouteError,
    OutsideNetworkError,
    RouteAnswer,
    RouteError,
    RouteQuery,
    parse_lon_lat,
    route_between,
)
from gigcity.geo.street_setup import open_street_travel
from gigcity.geo.street_travel import ClosureDetour, SignalWait, StreetRoute, StreetTravel
from gigcity.geo.streets import (
    OSM_ATTRIBUTION,
    SAMPLE_NAME,
    EbikeProfile,
    StreetGraph,
    StreetsNotFoundError,
    import_streets,
    load_streets,
)
from gigcity.geo.travel import EuclideanTravel, Location, TravelModel

__all__ = [
    "OSM_ATTRIBUTION",
    "SAMPLE_NAME",
    "Closure",
    "ClosureDetour",
    "ClosureSpec",
    "District",
    "EbikeProfile",
    "EuclideanTravel",
    "Hit",
    "Location",
    "NoRouteError",
    "OutsideNetworkError",
    "PhaseFeed",
    "PhaseFeedReport",
    "PhaseObservation",
    "PointIndex",
    "RouteAnswer",
    "RouteError",
    "RouteQuery",
    "SignalPlan",
    "SignalTiming",
    "SignalWait",
    "StreetGraph",
    "StreetRoute",
    "StreetTravel",
    "StreetsNotFoundError",
    "Subdistrict",
    "TravelModel",
    "active_closures",
    "add_closure",
    "amap_navigation_url",
    "apply_phase_feed",
    "closed_arc_mask",
    "closures_path",
    "default_plan",
    "gcj02_to_wgs84",
    "geo_uri",
    "haversine_m",
    "import_streets",
    "load_district",
    "load_streets",
    "open_street_travel",
    "osm_url",
    "parse_lon_lat",
    "read_closures",
    "remove_closure",
    "route_between",
    "wgs84_to_gcj02",
]
