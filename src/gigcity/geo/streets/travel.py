"""Travel on real streets: the `TravelModel` the dispatcher and simulator use with a street graph.

A trip is: from the origin straight to the nearest usable street node (at the profile's
access speed), the fastest route on the graph, then straight to the destination. The
route is chosen on expected times (riding plus each signal's expected wait, closed arcs
removed); its ETA is then walked arc by arc from the departure time, so a signal with a
known phase (live feed or fixed-time plan) costs its exact wait at the predicted arrival.

Clock: `depart_s` arguments are seconds after `clock_origin_s` (a UNIX time; 0 by default,
so plain UNIX seconds). The simulator passes its day start as the origin.

With `arrival_spread` > 0 (e.g. 0.1: a rider's arrival varies by about 10 % of the time
ridden so far), a known phase gives the wait averaged over that uncertain arrival instead
of the wait at the single predicted instant. That is the mean wait, so it cuts the worst
errors (p90) but raises the mean absolute error, which the single-instant wait (the
likeliest outcome) keeps lower: see benchmarks/streets_eta_quality.py. Off by default.

`travel_seconds_many` answers from the same routes' expected times in one CCH sweep; it
does not walk live phases. Without live phases or fixed-time plans it agrees with
`travel_seconds` (to rounding of a millisecond per arc).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from gigcity.geo.coords import local_plane_factors
from gigcity.geo.streets.closures import Closure, active_closures, closed_arc_mask
from gigcity.geo.streets.graph import StreetGraph
from gigcity.geo.streets.profile import EbikeProfile
from gigcity.geo.streets.routers import CLOSED_MS, UNREACHABLE_MS, Engine, Router, make_router
from gigcity.geo.streets.signals import PhaseFeed, PhaseFeedReport, SignalTiming, apply_phase_feed
from gigcity.geo.travel import Location

_SNAP_CANDIDATES = 8  # nearest nodes tried when the nearest one is cut off by a closure
_CACHED_METRICS = 4  # customizations kept (one per distinct set of closures in force)
_CACHED_MASKS = 256


@dataclass(frozen=True, slots=True)
class SignalWait:
    junction_osm_id: int
    lon: float
    lat: float
    arrival_unix_s: float
    wait_s: float
    exact: bool  # from a known phase, not an expectation


@dataclass(frozen=True)
class StreetRoute:
    """One evaluated trip. Times are seconds; `depart_unix_s` is on the UNIX clock."""

    origin: Location
    destination: Location
    nodes: NDArray[np.int64]  # graph node indices, first to last
    arcs: NDArray[np.int64]
    depart_unix_s: float
    network_m: float
    access_m: float
    moving_s: float  # riding, access legs included
    signal_wait_s: float
    signal_junctions: NDArray[np.int64]  # junction index of each signal passed, in order
    signal_arrivals_unix_s: NDArray[np.float64]
    signal_waits_s: NDArray[np.float64]
    signal_exact: NDArray[np.bool_]  # wait from a known phase, not an expectation
    graph: StreetGraph = field(repr=False)
    closures_in_force: tuple[str, ...] = ()

    @property
    def distance_m(self) -> float:
        return self.network_m + self.access_m

    @property
    def eta_s(self) -> float:
        return self.moving_s + self.signal_wait_s

    @property
    def waits(self) -> tuple[SignalWait, ...]:
        """Each signal on the route with the predicted arrival and wait."""
        g = self.graph
        return tuple(
            SignalWait(
                junction_osm_id=int(g.junction_osm_id[j]),
                lon=float(g.junction_lon[j]),
                lat=float(g.junction_lat[j]),
                arrival_unix_s=float(arrival),
                wait_s=float(wait),
                exact=bool(exact),
            )
            for j, arrival, wait, exact in zip(
                self.signal_junctions,
                self.signal_arrivals_unix_s,
                self.signal_waits_s,
                self.signal_exact,
                strict=True,
            )
        )


@dataclass(frozen=True, slots=True)
class ClosureDetour:
    """What closures add to a trip, against the same trip with no closure in force."""

    extra_s: float  # never negative: a detour is never a rider's gain
    extra_m: float
    closure_ids: tuple[str, ...]  # closures that cut the unclosed route


@dataclass
class _Metric:
    router: Router
    closed: NDArray[np.bool_]
    usable_out: NDArray[np.bool_]  # node has an open arc leaving it
    usable_in: NDArray[np.bool_]  # node has an open arc entering it


@dataclass
class _Prepared:
    """Everything derived from the graph and the signal plans, shared by copies."""

    graph: StreetGraph
    arc_moving_s: NDArray[np.float64]
    weights_ms: NDArray[np.int64]
    expected_wait_s: NDArray[np.float64]  # per arc, from the signal plans
    tree: cKDTree
    plane: NDArray[np.float64]  # metres per degree (lon, lat)
    base: _Metric
    metrics: OrderedDict[tuple[str, ...], _Metric] = field(default_factory=OrderedDict)
    masks: OrderedDict[str, NDArray[np.bool_]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class StreetTravel:
    """Street-network travel times for e-bikes, with signals and closures."""

    def __init__(
        self,
        graph: StreetGraph,
        *,
        timing: SignalTiming | None = None,
        closures: Sequence[Closure] = (),
        profile: EbikeProfile | None = None,
        engine: Engine = "auto",
        clock_origin_s: float = 0.0,
        cache_dir: Path | None = None,
        arrival_spread: float = 0.0,
    ) -> None:
        if not 0.0 <= arrival_spread <= 1.0:
            raise ValueError(f"arrival_spread must be within 0..1, got {arrival_spread}")
        self.arrival_spread = arrival_spread
        self.profile = profile or EbikeProfile()
        self.timing = timing or SignalTiming.defaults_for(graph)
        self.closures: tuple[Closure, ...] = tuple(closures)
        self.clock_origin_s = clock_origin_s
        self._prepared = _prepare(graph, self.timing, engine, cache_dir)

    @property
    def graph(self) -> StreetGraph:
        return self._prepared.graph

    def _copy(
        self, *, timing: SignalTiming | None = None, closures: Sequence[Closure] | None = None
    ) -> StreetTravel:
        clone = object.__new__(StreetTravel)
        clone.profile = self.profile
        clone.timing = timing or self.timing
        clone.closures = tuple(self.closures if closures is None else closures)
        clone.clock_origin_s = self.clock_origin_s
        clone.arrival_spread = self.arrival_spread
        clone._prepared = self._prepared
        if clone.timing.plans_key() != self.timing.plans_key():
            raise ValueError("new signal plans change routing weights: build a new StreetTravel")
        return clone

    def with_timing(self, timing: SignalTiming) -> StreetTravel:
        """The same streets with other live phases (plans must be unchanged)."""
        return self._copy(timing=timing)

    def with_live_phases(self, feed: PhaseFeed) -> tuple[StreetTravel, PhaseFeedReport]:
        timing, report = apply_phase_feed(self.timing, feed)
        return self._copy(timing=timing), report

    def with_closures(self, closures: Sequence[Closure]) -> StreetTravel:
        return self._copy(closures=closures)

    # ---- TravelModel ----------------------------------------------------------------

    def travel_seconds(
        self, origin: Location, destination: Location, depart_s: float = 0.0
    ) -> float:
        route = self.route(origin, destination, depart_s)
        return math.inf if route is None else route.eta_s

    def travel_seconds_many(
        self, origin: Location, destinations: Sequence[Location], depart_s: float = 0.0
    ) -> NDArray[np.float64]:
        if len(destinations) == 0:
            return np.zeros(0, dtype=np.float64)
        metric = self._metric_at(self.clock_origin_s + depart_s)
        source, source_m = self._snap(origin, metric.usable_out)
        points = np.asarray(destinations, dtype=np.float64).reshape(-1, 2)
        targets, target_m = self._snap_many(points, metric.usable_in)
        costs_ms = metric.router.costs(source, targets)
        access_mps = self.profile.access_kmh / 3.6
        seconds = costs_ms / 1000.0 + (source_m + target_m) / access_mps
        seconds[costs_ms >= UNREACHABLE_MS] = math.inf
        seconds[(points[:, 0] == origin[0]) & (points[:, 1] == origin[1])] = 0.0
        return seconds

    def distance_m(self, origin: Location, destination: Location) -> float:
        """Metres along the route leaving at the clock origin (`depart_s` = 0)."""
        route = self.route(origin, destination, 0.0)
        return math.inf if route is None else route.distance_m

    # ---- routes ---------------------------------------------------------------------

    def route(
        self,
        origin: Location,
        destination: Location,
        depart_s: float = 0.0,
        *,
        closures_apply: bool = True,
    ) -> StreetRoute | None:
        """The fastest route leaving at `depart_s`, or None when closures cut every path."""
        depart_unix = self.clock_origin_s + depart_s
        in_force = active_closures(self.closures, depart_unix) if closures_apply else ()
        metric = self._metric_for(in_force)
        if origin == destination:  # no street needed, not even the nearest node
            return self._evaluate(origin, destination, -1, [], depart_unix, 0.0, 0.0, ())
        both = np.array([origin, destination], dtype=np.float64)
        ends, metres = self._nearest(both)
        self._unblock(both[:1], ends[:1], metres[:1], metric.usable_out)
        self._unblock(both[1:], ends[1:], metres[1:], metric.usable_in)
        source, source_m, target, target_m = int(ends[0]), metres[0], int(ends[1]), metres[1]
        found = metric.router.path(source, target)
        if found is None:
            return None
        ids = tuple(c.id for c in in_force)
        return self._evaluate(
            origin, destination, source, found[1], depart_unix, source_m, target_m, ids
        )

    def detour(
        self, origin: Location, destination: Location, depart_s: float = 0.0
    ) -> ClosureDetour | None:
        """Extra time and distance the closures in force cost this trip (None: no route)."""
        closed = self.route(origin, destination, depart_s)
        if closed is None:
            return None
        return self.detour_of(
            closed, self.route(origin, destination, depart_s, closures_apply=False)
        )

    def detour_of(self, closed: StreetRoute, open_route: StreetRoute | None) -> ClosureDetour:
        if open_route is None or not closed.closures_in_force:
            return ClosureDetour(0.0, 0.0, ())
        cutting = tuple(
            c.id
            for c in self.closures
            if c.id in closed.closures_in_force
            and bool(self._closure_mask(c)[open_route.arcs].any())
        )
        if not cutting:
            return ClosureDetour(0.0, 0.0, ())
        return ClosureDetour(
            extra_s=max(0.0, closed.eta_s - open_route.eta_s),
            extra_m=max(0.0, closed.distance_m - open_route.distance_m),
            closure_ids=cutting,
        )

    def _evaluate(
        self,
        origin: Location,
        destination: Location,
        source: int,
        arcs: Sequence[int],
        depart_unix: float,
        source_m: float,
        target_m: float,
        closure_ids: tuple[str, ...],
    ) -> StreetRoute:
        graph, prepared = self.graph, self._prepared
        arc_ids = np.asarray(arcs, dtype=np.int64)
        access_mps = self.profile.access_kmh / 3.6
        riding = np.cumsum(prepared.arc_moving_s[arc_ids])
        clock = depart_unix + source_m / access_mps
        at_signal = np.flatnonzero(graph.arc_junction[arc_ids] >= 0)
        signal_arcs = arc_ids[at_signal]
        junctions = graph.arc_junction[signal_arcs].astype(np.int64)
        if not self.timing.phase_known[junctions].any():
            # Only expectations on this route: no need to walk it signal by signal.
            waits = prepared.expected_wait_s[signal_arcs]
            exact = np.zeros(len(waits), dtype=bool)
            arrivals = clock + riding[at_signal] + (np.cumsum(waits) - waits)
        else:
            walked = self.timing.walk(
                junctions.tolist(),
                graph.arc_approach[signal_arcs].tolist(),
                (clock + riding[at_signal]).tolist(),
                self.arrival_spread,
                depart_unix,
            )
            waits, arrivals = np.array(walked[0]), np.array(walked[1])
            exact = np.array(walked[2], dtype=bool)
        access_m = source_m + target_m
        return StreetRoute(
            origin=origin,
            destination=destination,
            nodes=np.concatenate([[source] if source >= 0 else [], graph.arc_head[arc_ids]]).astype(
                np.int64
            ),
            arcs=arc_ids,
            depart_unix_s=depart_unix,
            network_m=float(graph.arc_length_m[arc_ids].sum()),
            access_m=access_m,
            moving_s=(float(riding[-1]) if len(riding) else 0.0) + access_m / access_mps,
            signal_wait_s=float(waits.sum()),
            signal_junctions=junctions,
            signal_arrivals_unix_s=arrivals,
            signal_waits_s=waits,
            signal_exact=exact,
            graph=graph,
            closures_in_force=closure_ids,
        )

    # ---- snapping and metrics -------------------------------------------------------

    def _snap(self, point: Location, usable: NDArray[np.bool_]) -> tuple[int, float]:
        nodes, metres = self._snap_many(np.array([point], dtype=np.float64), usable)
        return int(nodes[0]), float(metres[0])

    def _snap_many(
        self, points: NDArray[np.float64], usable: NDArray[np.bool_]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        idx, dist = self._nearest(points)
        self._unblock(points, idx, dist, usable)
        return idx, dist

    def _nearest(
        self, points: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Nearest node of each (lon, lat) point and its distance in metres."""
        prepared = self._prepared
        dist, idx = prepared.tree.query(points * prepared.plane, k=1)
        return np.atleast_1d(idx).astype(np.int64), np.atleast_1d(dist).astype(np.float64)

    def _unblock(
        self,
        points: NDArray[np.float64],
        idx: NDArray[np.int64],
        dist: NDArray[np.float64],
        usable: NDArray[np.bool_],
    ) -> None:
        """Where the nearest node is cut off by a closure, take the nearest usable one
        among a few candidates (or keep it when none is: the route then fails). In place."""
        blocked = np.flatnonzero(~usable[idx])
        if len(blocked) == 0:
            return
        prepared = self._prepared
        k = min(_SNAP_CANDIDATES, prepared.graph.node_count)
        near_d, near_i = prepared.tree.query(points[blocked] * prepared.plane, k=k)
        near_d, near_i = near_d.reshape(len(blocked), k), near_i.reshape(len(blocked), k)
        ok = usable[near_i]
        pick = np.where(ok.any(axis=1), ok.argmax(axis=1), 0)
        rows = np.arange(len(blocked))
        idx[blocked] = near_i[rows, pick]
        dist[blocked] = near_d[rows, pick]

    def snap_distance_m(self, point: Location) -> float:
        """How far `point` is from the nearest street node."""
        return self._snap(point, np.ones(self.graph.node_count, dtype=bool))[1]

    def _metric_at(self, unix_s: float) -> _Metric:
        return self._metric_for(active_closures(self.closures, unix_s))

    def _metric_for(self, in_force: Sequence[Closure]) -> _Metric:
        prepared = self._prepared
        if not in_force:
            return prepared.base
        key = tuple(sorted(c.model_dump_json() for c in in_force))
        with prepared.lock:
            metric = prepared.metrics.get(key)
            if metric is not None:
                prepared.metrics.move_to_end(key)
                return metric
        closed = np.zeros(prepared.graph.arc_count, dtype=bool)
        for closure in in_force:
            closed |= self._closure_mask(closure)
        weights = np.where(closed, CLOSED_MS, prepared.weights_ms)
        metric = _metric(prepared.graph, prepared.base.router.with_weights(weights), closed)
        with prepared.lock:
            prepared.metrics[key] = metric
            while len(prepared.metrics) > _CACHED_METRICS:
                prepared.metrics.popitem(last=False)
        return metric

    def _closure_mask(self, closure: Closure) -> NDArray[np.bool_]:
        prepared = self._prepared
        key = closure.model_dump_json()
        with prepared.lock:
            mask = prepared.masks.get(key)
        if mask is None:
            mask = closed_arc_mask(prepared.graph, [closure])
            with prepared.lock:
                prepared.masks[key] = mask
                while len(prepared.masks) > _CACHED_MASKS:
                    prepared.masks.popitem(last=False)
        return mask


def _metric(graph: StreetGraph, router: Router, closed: NDArray[np.bool_]) -> _Metric:
    open_arcs = ~closed
    usable_out = np.zeros(graph.node_count, dtype=bool)
    usable_in = np.zeros(graph.node_count, dtype=bool)
    usable_out[graph.arc_tail[open_arcs]] = True
    usable_in[graph.arc_head[open_arcs]] = True
    return _Metric(router, closed, usable_out, usable_in)


def _prepare(
    graph: StreetGraph, timing: SignalTiming, engine: Engine, cache_dir: Path | None
) -> _Prepared:
    moving = graph.arc_moving_s
    waits = timing.expected_wait_by_arc(graph)
    weights = np.clip(np.rint((moving + waits) * 1000.0), 1, CLOSED_MS - 1).astype(np.int64)
    plane = np.array(local_plane_factors(float(np.mean(graph.node_lat))))
    tree = cKDTree(np.column_stack([graph.node_lon, graph.node_lat]) * plane)
    router = make_router(graph, weights, engine, cache_dir)
    base = _metric(graph, router, np.zeros(graph.arc_count, dtype=bool))
    return _Prepared(graph, moving, weights, waits, tree, plane, base)
