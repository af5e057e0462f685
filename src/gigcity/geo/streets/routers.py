"""Shortest paths on a street graph with integer arc weights (milliseconds).

Two engines answer the same questions:
- `CchRouter`: RoutingKit's customizable contraction hierarchies (package `pyroutingkit`).
  The topology (a nested-dissection order) is prepared once per graph; each weight set (a
  "metric": plain, or with today's closures) is a customization sharing that topology.
- `DijkstraRouter`: SciPy's Dijkstra, no preparation; slower, and the reference in tests.

Weights are whole milliseconds, at least 1; `CLOSED_MS` marks an arc that may not be used.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from gigcity.geo.streets.graph import StreetGraph

CLOSED_MS = 2**31 - 1  # RoutingKit's infinity: the arc does not exist for this metric
UNREACHABLE_MS = CLOSED_MS

Engine = Literal["auto", "cch", "dijkstra"]


class Router(Protocol):
    def path(self, source: int, target: int) -> tuple[int, list[int]] | None:
        """(cost in ms, arc ids in order) of a cheapest path, or None if there is none."""
        ...

    def costs(self, source: int, targets: NDArray[np.int64]) -> NDArray[np.int64]:
        """Cheapest cost (ms) from `source` to each target; UNREACHABLE_MS where none."""
        ...

    def with_weights(self, weights_ms: NDArray[np.int64]) -> Router:
        """The same engine and preparation on other weights (e.g. with closures)."""
        ...


def cch_available() -> bool:
    try:
        import pyroutingkit  # noqa: F401
    except ImportError:
        return False
    return True


def make_router(
    graph: StreetGraph,
    weights_ms: NDArray[np.int64],
    engine: Engine = "auto",
    cache_dir: Path | None = None,
) -> Router:
    """A router on `graph`; "auto" takes the CCH when pyroutingkit is installed."""
    _check_weights(graph, weights_ms)
    if engine == "dijkstra" or (engine == "auto" and not cch_available()):
        return DijkstraRouter(graph, weights_ms)
    return CchRouter(prepare_topology(graph, cache_dir), weights_ms)


def _check_weights(graph: StreetGraph, weights_ms: NDArray[np.int64]) -> None:
    if len(weights_ms) != graph.arc_count:
        raise ValueError(f"{len(weights_ms)} weights for {graph.arc_count} arcs")
    if len(weights_ms) and (weights_ms.min() < 1 or weights_ms.max() > CLOSED_MS):
        raise ValueError(f"arc weights must be within 1..{CLOSED_MS} ms")


def topology_fingerprint(graph: StreetGraph) -> str:
    digest = hashlib.sha256()
    for array in (graph.arc_tail, graph.arc_head, graph.node_lon, graph.node_lat):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:16]


def prepare_topology(graph: StreetGraph, cache_dir: Path | None = None) -> Any:
    """The CCH topology of `graph`, loaded from `cache_dir` when it was saved there before."""
    from pyroutingkit import CCHTopology

    topology = CCHTopology()
    cached = cache_dir / f"cch-{topology_fingerprint(graph)}" if cache_dir else None
    if cached is not None and (cached / "order").is_file():
        topology.load(str(cached))
        return topology
    topology.build(
        graph.arc_tail.astype(np.uint32),
        graph.arc_head.astype(np.uint32),
        graph.node_lat.astype(np.float32),
        graph.node_lon.astype(np.float32),
        graph.node_count,
    )
    if cached is not None:
        cached.mkdir(parents=True, exist_ok=True)
        topology.save(str(cached))
    return topology


class CchRouter:
    def __init__(self, topology: Any, weights_ms: NDArray[np.int64]) -> None:
        from pyroutingkit import CCHMetric

        self._topology = topology
        self._metric = CCHMetric(topology)
        self._metric.customize(weights_ms.astype(np.uint32))
        self._lock = threading.Lock()  # a metric's query state is not shared safely

    def path(self, source: int, target: int) -> tuple[int, list[int]] | None:
        with self._lock:
            cost, _nodes, arcs = self._metric.query(source, target)
        if cost >= UNREACHABLE_MS:
            return None
        return int(cost), list(arcs)

    def costs(self, source: int, targets: NDArray[np.int64]) -> NDArray[np.int64]:
        if len(targets) == 0:
            return np.zeros(0, dtype=np.int64)
        with self._lock:
            matrix = self._metric.distances_many_to_many(
                np.array([source], dtype=np.uint32), targets.astype(np.uint32)
            )
        return np.asarray(matrix[0], dtype=np.int64)

    def with_weights(self, weights_ms: NDArray[np.int64]) -> CchRouter:
        return CchRouter(self._topology, weights_ms)


class DijkstraRouter:
    def __init__(self, graph: StreetGraph, weights_ms: NDArray[np.int64]) -> None:
        self._graph = graph
        self._weights = weights_ms
        open_arcs = np.flatnonzero(weights_ms < CLOSED_MS)
        # Arcs are sorted by (tail, head) without duplicates, so a node pair names one arc.
        self._open_arcs = open_arcs
        self._matrix = csr_matrix(
            (
                weights_ms[open_arcs].astype(np.float64),
                (graph.arc_tail[open_arcs], graph.arc_head[open_arcs]),
            ),
            shape=(graph.node_count, graph.node_count),
        )

    def path(self, source: int, target: int) -> tuple[int, list[int]] | None:
        dist, pred = dijkstra(self._matrix, indices=source, return_predecessors=True)
        if not np.isfinite(dist[target]):
            return None
        nodes = [target]
        while nodes[-1] != source:
            nodes.append(int(pred[nodes[-1]]))
        nodes.reverse()
        arcs = [self._arc(u, v) for u, v in itertools.pairwise(nodes)]
        return int(self._weights[arcs].sum()), arcs

    def _arc(self, tail: int, head: int) -> int:
        graph = self._graph
        lo, hi = int(graph.indptr[tail]), int(graph.indptr[tail + 1])
        return lo + int(np.searchsorted(graph.arc_head[lo:hi], head))

    def costs(self, source: int, targets: NDArray[np.int64]) -> NDArray[np.int64]:
        dist = dijkstra(self._matrix, indices=source)[targets]
        return np.where(
            np.isfinite(dist), np.rint(np.nan_to_num(dist, posinf=0)), UNREACHABLE_MS
        ).astype(np.int64)

    def with_weights(self, weights_ms: NDArray[np.int64]) -> DijkstraRouter:
        return DijkstraRouter(self._graph, weights_ms)
