"""An estate's walkways compiled into a graph the guide can search: metres on a local plane,
every feature (gate, unit entrance, building, parking, hand-off point) joined to the nearest
point of the nearest walkway.

Snapping: a feature's foot on its nearest walkway segment becomes a node of its own, the
segment is split there (several feet on one segment are chained along it) and a connector
edge joins the feature to its foot. Walkways that do not meet (an import that missed a path,
an estate drawn without walkways) are joined by the shortest straight connector between
their pieces, so every building can be reached; such connectors are marked off-walkway.

Pure and deterministic: the same estate gives the same graph, node for node.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from gigcity.geo.coords import local_plane_factors
from gigcity.geo.estates.model import Estate, LonLat, WalkwayKind


@dataclass(frozen=True)
class Plane:
    """A local equirectangular plane around the estate: (lon, lat) <-> metres."""

    lon0: float
    lat0: float
    kx: float
    ky: float

    @classmethod
    def around(cls, estate: Estate) -> Plane:
        lon0, lat0 = estate.centre()
        kx, ky = local_plane_factors(lat0)
        return cls(lon0, lat0, kx, ky)

    def xy(self, at: LonLat) -> tuple[float, float]:
        return ((at[0] - self.lon0) * self.kx, (at[1] - self.lat0) * self.ky)

    def lonlat(self, x: float, y: float) -> LonLat:
        return (self.lon0 + x / self.kx, self.lat0 + y / self.ky)

    def metres(self, a: LonLat, b: LonLat) -> float:
        ax, ay = self.xy(a)
        bx, by = self.xy(b)
        return float(np.hypot(ax - bx, ay - by))


@dataclass(frozen=True)
class WalkGraph:
    """The compiled graph. Node i sits at `xy[i]` (metres) / `lonlat[i]`; `feature[ref]` is
    the node of a feature by its ref (a building without entrances by the building's ref)."""

    plane: Plane
    xy: NDArray[np.float64]
    lonlat: tuple[LonLat, ...]
    matrix: csr_matrix
    feature: dict[str, int]
    steps_edges: frozenset[tuple[int, int]]  # edges that are steps (no trolley, no e-bike)

    @property
    def size(self) -> int:
        return len(self.lonlat)

    def distances(self, sources: Sequence[int]) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """Metres from each source to every node, and the predecessor rows for paths."""
        dist, pred = dijkstra(
            self.matrix, directed=False, indices=list(sources), return_predecessors=True
        )
        return np.asarray(dist, dtype=np.float64), np.asarray(pred, dtype=np.int32)

    def path(self, pred_row: NDArray[np.int32], target: int) -> tuple[int, ...]:
        """The nodes from the row's source to `target` (empty when unreachable)."""
        nodes = [target]
        while (prev := int(pred_row[nodes[-1]])) >= 0:
            nodes.append(prev)
        return tuple(reversed(nodes))


def compile_walk_graph(estate: Estate) -> WalkGraph:
    plane = Plane.around(estate)
    points: list[tuple[float, float]] = []
    edges: dict[tuple[int, int], float] = {}
    steps: set[tuple[int, int]] = set()

    def add_node(xy: tuple[float, float]) -> int:
        points.append(xy)
        return len(points) - 1

    def add_edge(a: int, b: int, length: float | None = None) -> tuple[int, int]:
        key = (a, b) if a < b else (b, a)
        if a == b:
            return key
        if length is None:
            length = float(np.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1]))
        # A zero weight reads as "no edge" in a sparse matrix: keep a hair above zero.
        length = max(length, 1e-6)
        edges[key] = min(length, edges.get(key, float("inf")))
        return key

    node_index = {n.ref: add_node(plane.xy(n.at)) for n in estate.nodes}
    segments: list[tuple[int, int, bool]] = []  # (a, b, is_steps)
    for way in estate.walkways:
        a, b = node_index[way.a], node_index[way.b]
        if a != b:
            segments.append((a, b, way.kind == WalkwayKind.steps))

    features = list(_features(estate))
    feature_nodes = {ref: add_node(plane.xy(at)) for ref, at in features}

    # Feet of the features on their nearest segments, grouped by segment to chain them.
    feet: dict[int, list[tuple[float, int]]] = {}
    if segments:
        seg = np.array([(*points[a], *points[b]) for a, b, _ in segments], dtype=np.float64)
        for ref, _at in features:
            f = feature_nodes[ref]
            s, t, foot = _nearest_on_segments(seg, points[f])
            foot_node = add_node(foot)
            add_edge(f, foot_node)
            feet.setdefault(s, []).append((t, foot_node))
    for s, (a, b, is_steps) in enumerate(segments):
        chain = [a, *(n for _t, n in sorted(feet.get(s, []))), b]
        for u, v in itertools.pairwise(chain):
            key = add_edge(u, v)
            if is_steps:
                steps.add(key)

    xy = np.array(points, dtype=np.float64).reshape(-1, 2)
    _join_pieces(xy, edges)
    rows = [k[0] for k in edges]
    cols = [k[1] for k in edges]
    weights = list(edges.values())
    n = len(points)
    matrix = coo_matrix((weights, (rows, cols)), shape=(n, n)).tocsr()
    lonlat = tuple(plane.lonlat(float(x), float(y)) for x, y in xy)
    return WalkGraph(plane, xy, lonlat, matrix, feature_nodes, frozenset(steps))


def _features(estate: Estate) -> Iterable[tuple[str, LonLat]]:
    for g in estate.gates:
        yield g.ref, g.at
    for b in estate.buildings:
        if b.entrances:
            for e in b.entrances:
                yield e.ref, e.at
        else:
            yield b.ref, b.at
    for p in estate.parking:
        yield p.ref, p.at
    for h in estate.handoffs:
        yield h.ref, h.at


def _nearest_on_segments(
    seg: NDArray[np.float64], p: tuple[float, float]
) -> tuple[int, float, tuple[float, float]]:
    """The nearest segment to `p`: its index, the foot's position along it (0..1), the foot."""
    ax, ay, bx, by = seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(length2 > 0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / length2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    fx, fy = ax + t * dx, ay + t * dy
    d2 = (fx - p[0]) ** 2 + (fy - p[1]) ** 2
    s = int(np.argmin(d2))  # the first of equals: deterministic
    return s, float(t[s]), (float(fx[s]), float(fy[s]))


def _join_pieces(xy: NDArray[np.float64], edges: dict[tuple[int, int], float]) -> None:
    """Join the graph's separate pieces by the shortest straight connectors: Kruskal over the
    pieces with each node's nearest neighbours as candidates (a tree over the pieces, the
    Euclidean minimum one in practice), then, for pieces still apart, the piece of node 0
    grows by its nearest outside node until it holds every node."""
    n = len(xy)
    if n < 2:
        return
    labels = _pieces(n, edges)
    if labels.max() == 0:
        return
    parent = list(range(int(labels.max()) + 1))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    k = min(n, 9)
    dist, near = cKDTree(xy).query(xy, k=k)
    candidates = sorted(
        (float(dist[i, j]), min(i, int(near[i, j])), max(i, int(near[i, j])))
        for i in range(n)
        for j in range(1, k)
        if labels[i] != labels[int(near[i, j])]
    )
    for d, a, b in candidates:
        ra, rb = root(int(labels[a])), root(int(labels[b]))
        if ra != rb:
            parent[ra] = rb
            edges[(a, b)] = max(d, 1e-6)
    while (labels := _pieces(n, edges)).max() > 0:
        main = labels == labels[0]
        inside, outside = np.flatnonzero(main), np.flatnonzero(~main)
        gaps, nearest = cKDTree(xy[inside]).query(xy[outside])
        j = int(np.argmin(gaps))
        a, b = int(inside[int(nearest[j])]), int(outside[j])
        edges[(a, b) if a < b else (b, a)] = max(float(gaps[j]), 1e-6)


def _pieces(n: int, edges: dict[tuple[int, int], float]) -> NDArray[np.int32]:
    """The connected piece of each node (node 0's piece is 0)."""
    rows = [key[0] for key in edges]
    cols = [key[1] for key in edges]
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    _count, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int32)
