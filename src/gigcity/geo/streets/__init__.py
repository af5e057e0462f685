"""Streets for e-bike routing: graphs imported from OpenStreetMap (import, storage, shortest
paths), travel times over them with traffic signals and closures, routes between two points."""

from gigcity.geo.streets.build import GraphBuildError, build_graph
from gigcity.geo.streets.closure_file import (
    add_closure,
    closures_path,
    read_closures,
    remove_closure,
)
from gigcity.geo.streets.closures import Closure, ClosureSpec, active_closures, closed_arc_mask
from gigcity.geo.streets.graph import OSM_ATTRIBUTION, StreetGraph
from gigcity.geo.streets.osm_reader import OsmData, OsmReadError, read_osm
from gigcity.geo.streets.profile import EbikeProfile, RoadClass, WayRules
from gigcity.geo.streets.route import (
    NoRouteError,
    OutsideNetworkError,
    RouteAnswer,
    RouteError,
    RouteQuery,
    parse_lon_lat,
    route_between,
)
from gigcity.geo.streets.routers import (
    CchRouter,
    DijkstraRouter,
    Router,
    cch_available,
    make_router,
)
from gigcity.geo.streets.setup import open_street_travel
from gigcity.geo.streets.signals import (
    PhaseFeed,
    PhaseFeedReport,
    PhaseObservation,
    SignalPlan,
    SignalTiming,
    apply_phase_feed,
    default_plan,
)
from gigcity.geo.streets.storage import (
    SAMPLE_NAME,
    StreetsNotFoundError,
    check_name,
    graph_dir,
    import_streets,
    imported_names,
    load_graph,
    load_streets,
    sample_attribution,
    sample_graph,
    save_graph,
)
from gigcity.geo.streets.travel import ClosureDetour, SignalWait, StreetRoute, StreetTravel

__all__ = [
    "OSM_ATTRIBUTION",
    "SAMPLE_NAME",
    "CchRouter",
    "Closure",
    "ClosureDetour",
    "ClosureSpec",
    "DijkstraRouter",
    "EbikeProfile",
    "GraphBuildError",
    "NoRouteError",
    "OsmData",
    "OsmReadError",
    "OutsideNetworkError",
    "PhaseFeed",
    "PhaseFeedReport",
    "PhaseObservation",
    "RoadClass",
    "RouteAnswer",
    "RouteError",
    "RouteQuery",
    "Router",
    "SignalPlan",
    "SignalTiming",
    "SignalWait",
    "StreetGraph",
    "StreetRoute",
    "StreetTravel",
    "StreetsNotFoundError",
    "WayRules",
    "active_closures",
    "add_closure",
    "apply_phase_feed",
    "build_graph",
    "cch_available",
    "check_name",
    "closed_arc_mask",
    "closures_path",
    "default_plan",
    "graph_dir",
    "import_streets",
    "imported_names",
    "load_graph",
    "load_streets",
    "make_router",
    "open_street_travel",
    "parse_lon_lat",
    "read_closures",
    "read_osm",
    "remove_closure",
    "route_between",
    "sample_attribution",
    "sample_graph",
    "save_graph",
]
