"""Turn OpenStreetMap ways into a routable e-bike street graph."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gigcity.geo.coords import EARTH_RADIUS_M
from gigcity.geo.streets.graph import (
    FORMAT_VERSION,
    NODE_CROSSING,
    NODE_SIGNAL,
    OSM_ATTRIBUTION,
    StreetGraph,
)
from gigcity.geo.streets.junctions import (
    DEFAULT_JUNCTION_RADIUS_M,
    JunctionLayout,
    lay_out_junctions,
)
from gigcity.geo.streets.osm_reader import OsmData
from gigcity.geo.streets.profile import EbikeProfile

Step = Callable[[str], None]  # reports a named build step, for progress display


class GraphBuildError(ValueError):
    """The data holds no usable street network for this profile."""


@dataclass
class _Arcs:
    """Directed segments before node renumbering (OSM node ids)."""

    tail: NDArray[np.int64]
    head: NDArray[np.int64]
    way: NDArray[np.int64]
    speed_mps: NDArray[np.float64]
    road_class: NDArray[np.uint8]
    along_way: NDArray[np.bool_]  # True if ridden in the way's node order


@dataclass
class _Measured:
    """Arcs on dense node numbers (into `osm_ids`), with their length and riding time."""

    osm_ids: NDArray[np.int64]
    lonlat: NDArray[np.float64]
    tail: NDArray[np.int64]
    head: NDArray[np.int64]
    length: NDArray[np.float64]
    time_s: NDArray[np.float64]


@dataclass
class _Kept:
    """The arcs kept (indices into the collected arcs), on the kept nodes' final numbers."""

    keep: NDArray[np.int64]
    nodes: NDArray[np.int64]
    tail: NDArray[np.int64]
    head: NDArray[np.int64]


def _measure_arcs(data: OsmData, arcs: _Arcs) -> _Measured:
    osm_ids, inverse = np.unique(np.concatenate([arcs.tail, arcs.head]), return_inverse=True)
    tail, head = np.split(inverse.astype(np.int64), 2)
    lonlat = np.array([data.node_lonlat[int(i)] for i in osm_ids], dtype=np.float64)
    length = _haversine_m(lonlat[tail], lonlat[head])
    return _Measured(osm_ids, lonlat, tail, head, length, length / arcs.speed_mps)


def _keep_connected(m: _Measured) -> _Kept:
    """The fastest of parallel arcs, in the largest strongly connected part, sorted by tail."""
    tail, head = m.tail, m.head
    order = np.lexsort((m.time_s, head, tail))  # parallel arcs: keep the fastest
    first = np.ones(len(order), dtype=bool)
    first[1:] = (tail[order][1:] != tail[order][:-1]) | (head[order][1:] != head[order][:-1])
    keep = order[first]
    keep = keep[_in_largest_strong_component(tail[keep], head[keep], len(m.osm_ids))]
    nodes, (new_tail, new_head) = _renumber(tail[keep], head[keep])
    arc_order = np.lexsort((new_head, new_tail))
    return _Kept(keep[arc_order], nodes, new_tail[arc_order], new_head[arc_order])


def _street_graph(
    name: str,
    arcs: _Arcs,
    m: _Measured,
    k: _Kept,
    node: tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], NDArray[np.uint8]],
    layout: JunctionLayout,
) -> StreetGraph:
    """The graph's arrays: nodes, arcs in CSR order by tail, and the junction layout."""
    node_osm_id, node_lon, node_lat, node_flags = node
    keep, n = k.keep, len(k.nodes)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(k.tail, minlength=n), out=indptr[1:])
    return StreetGraph(
        name=name,
        node_osm_id=node_osm_id,
        node_lon=node_lon,
        node_lat=node_lat,
        node_flags=node_flags,
        indptr=indptr,
        arc_tail=k.tail.astype(np.int32),
        arc_head=k.head.astype(np.int32),
        arc_length_m=m.length[keep],
        arc_speed_mps=arcs.speed_mps[keep],
        arc_class=arcs.road_class[keep],
        arc_way_id=arcs.way[keep],
        node_junction=layout.node_junction,
        arc_junction=layout.arc_junction,
        arc_approach=layout.arc_approach,
        junction_osm_id=layout.junction_osm_id,
        junction_major_class=layout.junction_major_class,
        junction_minor_class=layout.junction_minor_class,
        junction_lon=layout.junction_lon,
        junction_lat=layout.junction_lat,
    )


def build_graph(
    data: OsmData,
    name: str,
    profile: EbikeProfile | None = None,
    *,
    junction_radius_m: float = DEFAULT_JUNCTION_RADIUS_M,
    source: str = "",
    step: Step | None = None,
) -> StreetGraph:
    """The e-bike graph of `data`: allowed ways, one-way rules, speeds, signals, crossings."""
    profile = profile or EbikeProfile()
    report = step or (lambda _name: None)
    report("selecting ways")
    arcs = _collect_arcs(data, profile)
    if len(arcs.tail) == 0:
        raise GraphBuildError(f"no way in the data is open to e-bikes ({len(data.ways)} highways)")

    report("measuring arcs")
    m = _measure_arcs(data, arcs)

    report("keeping the connected network")
    k = _keep_connected(m)

    report("placing signals")
    node_osm_id = m.osm_ids[k.nodes].astype(np.int64)
    node_lon, node_lat = m.lonlat[k.nodes, 0].copy(), m.lonlat[k.nodes, 1].copy()
    node_flags, signal_direction = _node_flags(data, node_osm_id)
    layout = lay_out_junctions(
        node_osm_id=node_osm_id,
        node_lon=node_lon,
        node_lat=node_lat,
        signal_nodes=np.flatnonzero(node_flags & NODE_SIGNAL),
        arc_tail=k.tail.astype(np.int32),
        arc_head=k.head.astype(np.int32),
        arc_class=arcs.road_class[k.keep],
        arc_signal_applies=_signal_applies(signal_direction[k.head], arcs.along_way[k.keep]),
        radius_m=junction_radius_m,
    )
    graph = _street_graph(name, arcs, m, k, (node_osm_id, node_lon, node_lat, node_flags), layout)
    graph.meta.update(_summary(graph, data, profile, source, dropped=len(m.osm_ids) - len(k.nodes)))
    return graph


def _collect_arcs(data: OsmData, profile: EbikeProfile) -> _Arcs:
    tail: list[int] = []
    head: list[int] = []
    way: list[int] = []
    speed: list[float] = []
    road_class: list[int] = []
    along: list[bool] = []
    known = data.node_lonlat
    for osm_way in data.ways:
        rules = profile.rules(osm_way.tags)
        if rules is None:
            continue
        mps = rules.speed_kmh / 3.6
        refs = osm_way.node_ids
        for a, b in itertools.pairwise(refs):
            # A clipped extract lacks some nodes: never bridge over a missing one.
            if a == b or a not in known or b not in known:
                continue
            for forward, (u, v) in ((True, (a, b)), (False, (b, a))):
                if rules.forward if forward else rules.backward:
                    tail.append(u)
                    head.append(v)
                    way.append(osm_way.way_id)
                    speed.append(mps)
                    road_class.append(int(rules.road_class))
                    along.append(forward)
    return _Arcs(
        tail=np.array(tail, dtype=np.int64),
        head=np.array(head, dtype=np.int64),
        way=np.array(way, dtype=np.int64),
        speed_mps=np.array(speed, dtype=np.float64),
        road_class=np.array(road_class, dtype=np.uint8),
        along_way=np.array(along, dtype=bool),
    )


def _haversine_m(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    lon1, lat1, lon2, lat2 = np.radians([a[:, 0], a[:, 1], b[:, 0], b[:, 1]])
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    result: NDArray[np.float64] = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return result


def _in_largest_strong_component(
    tail: NDArray[np.int64], head: NDArray[np.int64], n: int
) -> NDArray[np.bool_]:
    """Arcs inside the largest strongly connected part: every node there reaches every other."""
    matrix = coo_matrix((np.ones(len(tail)), (tail, head)), shape=(n, n)).tocsr()
    _count, labels = connected_components(matrix, directed=True, connection="strong")
    sizes = np.bincount(labels)
    biggest = int(np.argmax(sizes))
    result: NDArray[np.bool_] = (labels[tail] == biggest) & (labels[head] == biggest)
    return result


def _renumber(
    tail: NDArray[np.int64], head: NDArray[np.int64]
) -> tuple[NDArray[np.int64], tuple[NDArray[np.int64], NDArray[np.int64]]]:
    nodes, inverse = np.unique(np.concatenate([tail, head]), return_inverse=True)
    new_tail, new_head = np.split(inverse.astype(np.int64), 2)
    return nodes.astype(np.int64), (new_tail, new_head)


_FORWARD, _BACKWARD, _BOTH = 1, 2, 3


def _node_flags(
    data: OsmData, node_osm_id: NDArray[np.int64]
) -> tuple[NDArray[np.uint8], NDArray[np.int8]]:
    """Signal/crossing flags per node, and which way along a way each signal faces."""
    flags = np.zeros(len(node_osm_id), dtype=np.uint8)
    direction = np.full(len(node_osm_id), _BOTH, dtype=np.int8)
    for index, osm_id in enumerate(node_osm_id.tolist()):
        tags = data.node_tags.get(osm_id)
        if not tags:
            continue
        highway = tags.get("highway")
        if highway == "traffic_signals" or tags.get("crossing") == "traffic_signals":
            flags[index] |= NODE_SIGNAL
            facing = tags.get("traffic_signals:direction", tags.get("direction", ""))
            if facing == "forward":
                direction[index] = _FORWARD
            elif facing == "backward":
                direction[index] = _BACKWARD
        if highway == "crossing":
            flags[index] |= NODE_CROSSING
    return flags, direction


def _signal_applies(
    head_direction: NDArray[np.int8], along_way: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    result: NDArray[np.bool_] = (
        (head_direction == _BOTH)
        | ((head_direction == _FORWARD) & along_way)
        | ((head_direction == _BACKWARD) & ~along_way)
    )
    return result


def _summary(
    graph: StreetGraph, data: OsmData, profile: EbikeProfile, source: str, *, dropped: int
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "attribution": OSM_ATTRIBUTION,
        "name": graph.name,
        "source": source,
        "profile": profile.name,
        "nodes": graph.node_count,
        "arcs": graph.arc_count,
        "ways": graph.way_count(),
        "signals": graph.signal_node_count(),
        "crossings": graph.crossing_node_count(),
        "junctions": graph.junction_count,
        "nodes_dropped_unreachable": dropped,
        "signals_in_file": sum(
            t.get("highway") == "traffic_signals" or t.get("crossing") == "traffic_signals"
            for t in data.node_tags.values()
        ),
        "ways_in_file": len(data.ways),
        "nodes_in_file": len(data.node_lonlat),
    }
