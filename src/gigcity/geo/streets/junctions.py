"""Group signal nodes into junctions and decide which arcs wait at them, on which approach.

OpenStreetMap tags a signalised crossroads either on the crossing node itself or on each
approach's stop line, so one junction can be several signal nodes a few tens of metres
apart. Nodes within `radius_m` of each other form one junction with one timing plan. An
untagged node between two of its signal nodes (typically the crossing node of
stop-line tagging) belongs to the junction too, so riding through it never waits twice.
An arc waits at junction J when it enters one of J's signal nodes (in a direction the
signal applies to) from a node outside J.

The major approach is along the junction's most important road (its bearing, either way);
an arc arriving within 45 degrees of that axis is on the major approach, otherwise minor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from gigcity.geo.coords import local_plane_factors
from gigcity.geo.streets.graph import MAJOR_APPROACH, MINOR_APPROACH

DEFAULT_JUNCTION_RADIUS_M = 35.0
_AXIS_TOLERANCE_DEG = 45.0


@dataclass(frozen=True, slots=True)
class JunctionLayout:
    node_junction: NDArray[np.int32]  # signal nodes and nodes inside a junction; else -1
    arc_junction: NDArray[np.int32]
    arc_approach: NDArray[np.int8]
    junction_osm_id: NDArray[np.int64]
    junction_major_class: NDArray[np.uint8]
    junction_minor_class: NDArray[np.uint8]
    junction_lon: NDArray[np.float64]
    junction_lat: NDArray[np.float64]


def lay_out_junctions(
    *,
    node_osm_id: NDArray[np.int64],
    node_lon: NDArray[np.float64],
    node_lat: NDArray[np.float64],
    signal_nodes: NDArray[np.intp],
    arc_tail: NDArray[np.int32],
    arc_head: NDArray[np.int32],
    arc_class: NDArray[np.uint8],
    arc_signal_applies: NDArray[np.bool_],
    radius_m: float = DEFAULT_JUNCTION_RADIUS_M,
) -> JunctionLayout:
    """Junctions of the signal nodes, and the wait-carrying arcs with their approach.

    `arc_signal_applies[a]` says whether the signal at `arc_head[a]` (if any) controls
    traffic arriving along arc `a` (false where `traffic_signals:direction` excludes it).
    """
    n = len(node_osm_id)
    x_scale, y_scale = local_plane_factors(float(np.mean(node_lat)) if n else 0.0)
    xy = np.column_stack([node_lon * x_scale, node_lat * y_scale])

    cluster = _cluster(xy[signal_nodes], radius_m)
    junction_count = int(cluster.max()) + 1 if len(cluster) else 0
    node_junction = np.full(n, -1, dtype=np.int64)
    node_junction[signal_nodes] = cluster
    is_signal = np.zeros(n, dtype=bool)
    is_signal[signal_nodes] = True
    _add_interior_nodes(node_junction, is_signal, arc_tail, arc_head, xy, radius_m)

    head_junction = node_junction[arc_head]
    waits = is_signal[arc_head] & arc_signal_applies & (node_junction[arc_tail] != head_junction)
    arc_junction = np.where(waits, head_junction, -1).astype(np.int32)

    arc_approach, major_class, minor_class = _approaches(
        xy, arc_tail, arc_head, arc_class, arc_junction, waits, junction_count
    )

    junction_osm_id = np.full(junction_count, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(junction_osm_id, cluster, node_osm_id[signal_nodes])
    members = np.maximum(np.bincount(cluster, minlength=junction_count), 1)
    return JunctionLayout(
        node_junction=node_junction.astype(np.int32),
        arc_junction=arc_junction,
        arc_approach=arc_approach,
        junction_osm_id=junction_osm_id,
        junction_major_class=major_class,
        junction_minor_class=minor_class,
        junction_lon=np.bincount(cluster, node_lon[signal_nodes], junction_count) / members,
        junction_lat=np.bincount(cluster, node_lat[signal_nodes], junction_count) / members,
    )


def _approaches(
    xy: NDArray[np.float64],
    arc_tail: NDArray[np.int32],
    arc_head: NDArray[np.int32],
    arc_class: NDArray[np.uint8],
    arc_junction: NDArray[np.int32],
    waits: NDArray[np.bool_],
    junction_count: int,
) -> tuple[NDArray[np.int8], NDArray[np.uint8], NDArray[np.uint8]]:
    """Each waiting arc's approach (major along the junction's axis, else minor), and each
    junction's major and minor road class."""
    m = len(arc_head)
    bearing = np.degrees(
        np.arctan2(xy[arc_head, 0] - xy[arc_tail, 0], xy[arc_head, 1] - xy[arc_tail, 1])
    )
    arc_approach = np.full(m, -1, dtype=np.int8)
    major_class = np.zeros(junction_count, dtype=np.uint8)
    minor_class = np.zeros(junction_count, dtype=np.uint8)
    waiting_arcs = np.flatnonzero(waits)
    # Most important road first, then arc order: a deterministic axis per junction.
    waiting_arcs = waiting_arcs[np.lexsort((waiting_arcs, arc_class[waiting_arcs]))]
    axis = np.full(junction_count, np.nan)
    for arc in waiting_arcs:
        j = arc_junction[arc]
        if np.isnan(axis[j]):
            axis[j] = bearing[arc]
            major_class[j] = minor_class[j] = arc_class[arc]
        off_axis = abs((bearing[arc] - axis[j] + 90.0) % 180.0 - 90.0) > _AXIS_TOLERANCE_DEG
        arc_approach[arc] = MINOR_APPROACH if off_axis else MAJOR_APPROACH
    for j in range(junction_count):
        minor = arc_class[waiting_arcs][
            (arc_junction[waiting_arcs] == j) & (arc_approach[waiting_arcs] == MINOR_APPROACH)
        ]
        if len(minor):
            minor_class[j] = minor.min()
    return arc_approach, major_class, minor_class


def _cluster(xy: NDArray[np.float64], radius_m: float) -> NDArray[np.int64]:
    """Connected groups of points closer than `radius_m`, labelled 0.. in input order."""
    k = len(xy)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    pairs = cKDTree(xy).query_pairs(radius_m, output_type="ndarray")
    adjacency = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(k, k))
    _count, labels = connected_components(adjacency, directed=False)
    # Relabel by first appearance so the numbering does not depend on SciPy's internals.
    _unique, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    result: NDArray[np.int64] = relabel[labels].astype(np.int64)
    return result


def _add_interior_nodes(
    node_junction: NDArray[np.int64],
    is_signal: NDArray[np.bool_],
    arc_tail: NDArray[np.int32],
    arc_head: NDArray[np.int32],
    xy: NDArray[np.float64],
    radius_m: float,
) -> None:
    """An untagged node next to two or more signal nodes of one junction lies inside it."""
    a, b = np.concatenate([arc_tail, arc_head]), np.concatenate([arc_head, arc_tail])
    near = np.hypot(*(xy[a] - xy[b]).T) <= radius_m
    keep = ~is_signal[a] & is_signal[b] & near
    node, junction, signal = a[keep], node_junction[b[keep]], b[keep]
    if len(node) == 0:
        return
    # Count distinct signal neighbours per (node, junction).
    triples = np.unique(np.column_stack([node, junction, signal]), axis=0)
    pairs, counts = np.unique(triples[:, :2], axis=0, return_counts=True)
    for inner, j in pairs[counts >= 2]:
        if node_junction[inner] < 0:
            node_junction[inner] = j
