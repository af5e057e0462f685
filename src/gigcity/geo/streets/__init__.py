"""Street graphs from OpenStreetMap for e-bike routing: import, storage, shortest paths."""

from gigcity.geo.streets.build import GraphBuildError, build_graph
from gigcity.geo.streets.graph import OSM_ATTRIBUTION, StreetGraph
from gigcity.geo.streets.osm_reader import OsmData, OsmReadError, read_osm
from gigcity.geo.streets.profile import EbikeProfile, RoadClass, WayRules
from gigcity.geo.streets.routers import (
    CchRouter,
    DijkstraRouter,
    Router,
    cch_available,
    make_router,
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

__all__ = [
    "OSM_ATTRIBUTION",
    "SAMPLE_NAME",
    "CchRouter",
    "DijkstraRouter",
    "EbikeProfile",
    "GraphBuildError",
    "OsmData",
    "OsmReadError",
    "RoadClass",
    "Router",
    "StreetGraph",
    "StreetsNotFoundError",
    "WayRules",
    "build_graph",
    "cch_available",
    "check_name",
    "graph_dir",
    "import_streets",
    "imported_names",
    "load_graph",
    "load_streets",
    "make_router",
    "read_osm",
    "sample_attribution",
    "sample_graph",
    "save_graph",
]
