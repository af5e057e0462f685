"""One call for a server or CLI: the named street graph with its stored closures, ready to route."""

from __future__ import annotations

from pathlib import Path

from gigcity.geo.streets.closure_file import closures_path, read_closures
from gigcity.geo.streets.routers import Engine
from gigcity.geo.streets.storage import graph_dir, load_streets
from gigcity.geo.streets.travel import StreetTravel


def open_street_travel(
    name: str,
    data_dir: Path,
    *,
    clock_origin_s: float = 0.0,
    engine: Engine = "auto",
) -> StreetTravel:
    """`StreetTravel` on graph `name` (imported under `data_dir`, or the shipped sample),
    with the closures stored beside it; the CCH preparation is cached in the graph's folder."""
    graph = load_streets(name, data_dir)
    directory = graph_dir(data_dir, name)
    return StreetTravel(
        graph,
        closures=read_closures(closures_path(data_dir, name)),
        engine=engine,
        clock_origin_s=clock_origin_s,
        cache_dir=directory if directory.is_dir() else None,
    )
