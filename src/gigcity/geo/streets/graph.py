"""The routable street graph: plain NumPy arrays in compressed-sparse-row order.

Arcs are directed and sorted by tail node; arc `a` runs from `arc_tail[a]` to `arc_head[a]`
and the arcs leaving node `n` are `indptr[n]:indptr[n + 1]`. Every node can reach every
other (the import keeps the largest strongly connected part), so a query on a healthy graph
never fails for lack of a path; only closures can cut one.

Signals are grouped into junctions (the signal nodes of one crossroads share one timing
plan). An arc that enters a junction from outside carries that junction's wait: its
`arc_junction` is the junction index and `arc_approach` says whether it arrives along the
junction's major road (0) or a crossing road (1). All other arcs have -1 in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gigcity.geo.streets.profile import RoadClass

FORMAT_VERSION = 1
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL 1.0, https://www.openstreetmap.org/copyright)"

NODE_SIGNAL = 1  # bit in node_flags: highway=traffic_signals (or a signalised crossing)
NODE_CROSSING = 2  # bit in node_flags: highway=crossing

MAJOR_APPROACH = 0
MINOR_APPROACH = 1


@dataclass(frozen=True, eq=False)
class StreetGraph:
    name: str
    node_osm_id: NDArray[np.int64]
    node_lon: NDArray[np.float64]
    node_lat: NDArray[np.float64]
    node_flags: NDArray[np.uint8]
    node_junction: NDArray[np.int32]  # junction a signal node (or a node inside one) belongs to
    indptr: NDArray[np.int64]
    arc_tail: NDArray[np.int32]
    arc_head: NDArray[np.int32]
    arc_length_m: NDArray[np.float64]
    arc_speed_mps: NDArray[np.float64]
    arc_class: NDArray[np.uint8]
    arc_way_id: NDArray[np.int64]
    arc_junction: NDArray[np.int32]
    arc_approach: NDArray[np.int8]
    junction_osm_id: NDArray[np.int64]  # smallest OSM id among the junction's signal nodes
    junction_major_class: NDArray[np.uint8]
    junction_minor_class: NDArray[np.uint8]
    junction_lon: NDArray[np.float64]
    junction_lat: NDArray[np.float64]
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, m = len(self.node_osm_id), len(self.arc_head)
        if len(self.indptr) != n + 1 or int(self.indptr[-1]) != m:
            raise ValueError(f"graph {self.name!r}: indptr does not match {n} nodes, {m} arcs")
        for name in ("node_lon", "node_lat", "node_flags", "node_junction"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"graph {self.name!r}: {name} has the wrong length")
        for name in ("arc_tail", "arc_length_m", "arc_speed_mps", "arc_class", "arc_way_id"):
            if len(getattr(self, name)) != m:
                raise ValueError(f"graph {self.name!r}: {name} has the wrong length")
        if len(self.arc_junction) != m or len(self.arc_approach) != m:
            raise ValueError(f"graph {self.name!r}: arc signal arrays have the wrong length")

    @property
    def node_count(self) -> int:
        return len(self.node_osm_id)

    @property
    def arc_count(self) -> int:
        return len(self.arc_head)

    @property
    def junction_count(self) -> int:
        return len(self.junction_osm_id)

    @property
    def arc_moving_s(self) -> NDArray[np.float64]:
        """Seconds to ride each arc at its free-flow speed."""
        return self.arc_length_m / self.arc_speed_mps

    def signal_node_count(self) -> int:
        return int(np.count_nonzero(self.node_flags & NODE_SIGNAL))

    def crossing_node_count(self) -> int:
        return int(np.count_nonzero(self.node_flags & NODE_CROSSING))

    def way_count(self) -> int:
        return len(np.unique(self.arc_way_id))

    def road_class_of(self, arc: int) -> RoadClass:
        return RoadClass(int(self.arc_class[arc]))

    def arrays(self) -> dict[str, NDArray[Any]]:
        """The arrays by field name (what storage writes)."""
        return {k: v for k, v in vars(self).items() if isinstance(v, np.ndarray)}
