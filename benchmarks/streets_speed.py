"""Street routing speed on a ~50,000-node graph: CCH (pyroutingkit) against plain Dijkstra.

    .venv/bin/python benchmarks/streets_speed.py [--tiles 7x6] [--queries 2000] [--seed 1]

The graph is the shipped central-Shanghai sample tiled 7 x 6 (each copy shifted by the
sample's width/height) with short two-way links between neighbouring copies, then built by
the normal import pipeline (signals, junctions, strongly connected part): ~52,000 nodes.
Timed in process after preparation, on random origins/destinations at street nodes:

- point-to-point ETA: `StreetTravel.travel_seconds` (snap, CCH path, signal waits along it);
- one-to-100: `StreetTravel.travel_seconds_many` to 100 random points;
- the routers alone, and baselines: SciPy's Dijkstra (C, one full search per query) and a
  textbook binary-heap Dijkstra in Python that stops at the target.

Targets (issue 6): point-to-point p99 < 1 ms, one-to-100 p99 < 5 ms (checked on the
slower point-to-point case, live phases at every junction).
Writes benchmarks/results/streets_speed.{json,md}.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import platform as py_platform
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from gigcity.geo.streets import StreetGraph, build_graph, read_osm
from gigcity.geo.streets.osm_reader import OsmData, OsmWay
from gigcity.geo.streets.routers import DijkstraRouter
from gigcity.geo.streets.signals import PhaseFeed
from gigcity.geo.streets.storage import SAMPLE_NAME
from gigcity.geo.streets.travel import StreetTravel

RESULTS = Path(__file__).parent / "results"
ID_STRIDE = 10**11  # OSM ids stay below this; copy k gets ids + k * stride
LINKS_PER_SIDE = 8


def percentiles(wall_s: list[float], cpu_s: list[float]) -> dict[str, float]:
    wall, cpu = np.array(wall_s) * 1000, np.array(cpu_s) * 1000
    return {
        "p50_ms": round(float(np.percentile(wall, 50)), 4),
        "p99_ms": round(float(np.percentile(wall, 99)), 4),
        "max_ms": round(float(wall.max()), 4),
        "cpu_p50_ms": round(float(np.percentile(cpu, 50)), 4),
        "cpu_p99_ms": round(float(np.percentile(cpu, 99)), 4),
        "n": len(wall),
    }


def timed(call: Callable[..., object], cases: Sequence[tuple[Any, ...]]) -> dict[str, float]:
    """Wall-clock and CPU time of `call(*case)` per case. On a shared, loaded machine the
    wall p99 includes waiting for a core; the CPU time is the work the query itself did."""
    wall, cpu = [], []
    for case in cases:
        w0, c0 = time.perf_counter(), time.thread_time()
        call(*case)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - w0)
    return percentiles(wall, cpu)


def sample_osm() -> OsmData:
    resource = resources.files("gigcity.geo.streets") / "sample" / f"{SAMPLE_NAME}.osm.gz"
    with resources.as_file(resource) as path:
        return read_osm(path)


def tiled_osm(base: OsmData, core: StreetGraph, cols: int, rows: int) -> OsmData:
    """`cols` x `rows` shifted copies of `base`, neighbours joined by short residential ways."""
    lons = np.array([p[0] for p in base.node_lonlat.values()])
    lats = np.array([p[1] for p in base.node_lonlat.values()])
    width, height = float(np.ptp(lons)) + 0.0005, float(np.ptp(lats)) + 0.0005
    out = OsmData()
    for row in range(rows):
        for col in range(cols):
            k = row * cols + col
            dx, dy = col * width, row * height
            for node_id, (lon, lat) in base.node_lonlat.items():
                out.node_lonlat[node_id + k * ID_STRIDE] = (lon + dx, lat + dy)
            for node_id, tags in base.node_tags.items():
                out.node_tags[node_id + k * ID_STRIDE] = tags
            for way in base.ways:
                refs = tuple(r + k * ID_STRIDE for r in way.node_ids)
                out.ways.append(OsmWay(way.way_id + k * ID_STRIDE, refs, way.tags))
    # Join copies through nodes of the routable core near the shared edges.
    link_id = (rows * cols + 1) * ID_STRIDE
    ids, lon, lat = core.node_osm_id, core.node_lon, core.node_lat
    east = ids[np.argsort(-lon)[: 4 * LINKS_PER_SIDE]]
    west = ids[np.argsort(lon)[: 4 * LINKS_PER_SIDE]]
    north = ids[np.argsort(-lat)[: 4 * LINKS_PER_SIDE]]
    south = ids[np.argsort(lat)[: 4 * LINKS_PER_SIDE]]
    position = {int(i): (float(x), float(y)) for i, x, y in zip(ids, lon, lat, strict=True)}
    for row in range(rows):
        for col in range(cols):
            k = row * cols + col
            for side, other_side, neighbour, shift in (
                (east, west, k + 1 if col + 1 < cols else None, (width, 0.0)),
                (north, south, k + cols if row + 1 < rows else None, (0.0, height)),
            ):
                if neighbour is None:
                    continue
                for a in side[::4][:LINKS_PER_SIDE]:
                    ax, ay = position[int(a)]
                    # nearest node on the facing side of the next copy
                    b = min(
                        other_side,
                        key=lambda n: (
                            (position[int(n)][0] + shift[0] - ax) ** 2
                            + (position[int(n)][1] + shift[1] - ay) ** 2
                        ),
                    )
                    refs = (int(a) + k * ID_STRIDE, int(b) + neighbour * ID_STRIDE)
                    out.ways.append(OsmWay(link_id, refs, {"highway": "residential"}))
                    link_id += 1
    return out


def _index(graph: StreetGraph, point: tuple[float, float]) -> int:
    return int(np.flatnonzero((graph.node_lon == point[0]) & (graph.node_lat == point[1]))[0])


def _heap_search(indptr: list[int], heads: list[int], w: list[int], s: int, t: int) -> int:
    """Textbook Dijkstra with a binary heap, stopping when the target is settled."""
    dist = {s: 0}
    done: set[int] = set()
    heap = [(0, s)]
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        if u == t:
            return d
        done.add(u)
        for a in range(indptr[u], indptr[u + 1]):
            v, nd = heads[a], d + w[a]
            if nd < dist.get(v, 1 << 62):
                dist[v] = nd
                heapq.heappush(heap, (nd, v))
    return -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiles", default="7x6", help="columns x rows of sample copies")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cols, rows = (int(v) for v in args.tiles.split("x"))
    rng = np.random.default_rng(args.seed)
    load = os.getloadavg()

    start = time.perf_counter()
    base = sample_osm()
    core = build_graph(base, "core")
    graph = build_graph(tiled_osm(base, core, cols, rows), f"sample-tiled-{cols}x{rows}")
    build_s = time.perf_counter() - start
    print(f"graph: {graph.node_count} nodes, {graph.arc_count} arcs, "
          f"{graph.junction_count} signalised junctions (built in {build_s:.1f} s)")  # fmt: skip

    start = time.perf_counter()
    travel = StreetTravel(graph, engine="cch")
    prepare_s = time.perf_counter() - start
    print(f"CCH preparation (topology + customization): {prepare_s:.2f} s")
    weights = travel._prepared.weights_ms  # the metric the routers use
    cch = travel._prepared.base.router
    dijkstra = DijkstraRouter(graph, weights)

    n, q = graph.node_count, args.queries
    sources = rng.integers(0, n, q)
    targets = rng.integers(0, n, q)
    point = np.column_stack([graph.node_lon, graph.node_lat])
    depart = 1_764_316_800.0  # 2025-11-28 08:00 UTC, a weekday noon in Shanghai

    def at(i: int) -> tuple[float, float]:
        return float(point[i, 0]), float(point[i, 1])

    # Warm up caches and lazy imports.
    for i in range(50):
        travel.travel_seconds(at(sources[i]), at(targets[i]), depart)

    results: dict[str, Any] = {
        "graph": {
            "nodes": graph.node_count,
            "arcs": graph.arc_count,
            "junctions": graph.junction_count,
            "tiles": f"{cols}x{rows}",
        },
        "prepare_s": round(prepare_s, 3),
        "load_avg_1_5_15": [round(v, 2) for v in load],
        "machine": f"{py_platform.machine()}, {os.cpu_count()} cores, "
        f"python {py_platform.python_version()}",
    }
    pairs = [(at(a), at(b), depart) for a, b in zip(sources, targets, strict=True)]
    node_pairs = [(int(a), int(b)) for a, b in zip(sources, targets, strict=True)]
    fans = [
        (at(sources[i]), [at(t) for t in rng.integers(0, n, 100)], depart) for i in range(q // 4)
    ]
    node_fans = [
        (int(sources[i]), np.array([_index(graph, p) for p in fan[1]], dtype=np.int64))
        for i, fan in enumerate(fans)
    ]
    slow = min(q, 200)
    indptr, heads, w = graph.indptr.tolist(), graph.arc_head.tolist(), weights.tolist()

    results["p2p_eta_streettravel"] = timed(travel.travel_seconds, pairs)
    feed = PhaseFeed.model_validate(
        {
            "observed_at": datetime.fromtimestamp(depart, UTC),
            "valid_for_s": 3600,
            "phases": [
                {"signal_id": int(sid), "state": "red", "remaining_s": float(rng.uniform(0, 50))}
                for sid in graph.junction_osm_id
            ],
        }
    )
    live, _report = travel.with_live_phases(feed)
    results["p2p_eta_live_phases"] = timed(live.travel_seconds, pairs)
    results["p2p_cch_path_only"] = timed(cch.path, node_pairs)
    results["one_to_100_streettravel"] = timed(travel.travel_seconds_many, fans)
    results["one_to_100_cch_costs_only"] = timed(cch.costs, node_fans)
    results["p2p_scipy_dijkstra"] = timed(dijkstra.path, node_pairs[:slow])
    results["one_to_100_scipy_dijkstra"] = timed(dijkstra.costs, node_fans[:slow])
    results["p2p_python_heap_dijkstra"] = timed(
        lambda a, b: _heap_search(indptr, heads, w, a, b), node_pairs[:slow]
    )

    # Same answers: the CCH must agree with Dijkstra.
    for a, b in node_pairs[:50]:
        found = cch.path(a, b)
        if found is None or found[0] != _heap_search(indptr, heads, w, a, b):
            raise SystemExit(f"CCH and Dijkstra disagree from {a} to {b}")

    p2p, many = results["p2p_eta_live_phases"], results["one_to_100_streettravel"]
    cch_p2p = results["p2p_cch_path_only"]["p50_ms"]
    results["speedup_p50"] = {
        "p2p_vs_scipy_dijkstra": round(results["p2p_scipy_dijkstra"]["p50_ms"] / cch_p2p, 1),
        "p2p_vs_python_dijkstra": round(results["p2p_python_heap_dijkstra"]["p50_ms"] / cch_p2p, 1),
        "one_to_100_vs_scipy_dijkstra": round(
            results["one_to_100_scipy_dijkstra"]["p50_ms"]
            / results["one_to_100_cch_costs_only"]["p50_ms"],
            1,
        ),
    }
    results["targets"] = {
        "p2p_p99_under_1ms_wall": p2p["p99_ms"] < 1.0,
        "p2p_p99_under_1ms_cpu": p2p["cpu_p99_ms"] < 1.0,
        "one_to_100_p99_under_5ms_wall": many["p99_ms"] < 5.0,
        "one_to_100_p99_under_5ms_cpu": many["cpu_p99_ms"] < 5.0,
    }
    results["load_avg_after"] = [round(v, 2) for v in os.getloadavg()]

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "streets_speed.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "streets_speed.md").write_text(markdown(results))
    print(markdown(results))


def markdown(r: dict[str, Any]) -> str:
    g, up = r["graph"], r["speedup_p50"]
    rows = [
        (
            "point-to-point ETA, `StreetTravel.travel_seconds` (CCH + signals)",
            "p2p_eta_streettravel",
        ),
        ("point-to-point ETA, live phases at every junction", "p2p_eta_live_phases"),
        ("point-to-point, CCH path query alone", "p2p_cch_path_only"),
        ("point-to-point, SciPy Dijkstra (C, full search)", "p2p_scipy_dijkstra"),
        ("point-to-point, Python heap Dijkstra (stops at target)", "p2p_python_heap_dijkstra"),
        ("one-to-100 ETAs, `StreetTravel.travel_seconds_many`", "one_to_100_streettravel"),
        ("one-to-100, CCH many-to-many alone", "one_to_100_cch_costs_only"),
        ("one-to-100, SciPy Dijkstra (one full search)", "one_to_100_scipy_dijkstra"),
    ]
    lines = [
        f"Graph: shipped sample tiled {g['tiles']} → {g['nodes']:,} nodes, {g['arcs']:,} arcs, "
        f"{g['junctions']:,} signalised junctions; CCH preparation {r['prepare_s']} s. "
        f"Load average before/after: {r['load_avg_1_5_15']} / {r['load_avg_after']} "
        f"({r['machine']}, shared machine).",
        "",
        "| query | p50 ms | p99 ms | max ms | CPU p50 ms | CPU p99 ms | n |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, key in rows:
        s = r[key]
        lines.append(
            f"| {label} | {s['p50_ms']} | {s['p99_ms']} | {s['max_ms']} | {s['cpu_p50_ms']} "
            f"| {s['cpu_p99_ms']} | {s['n']} |"
        )
    lines += [
        "",
        f"Speed-up of the CCH query (p50): {up['p2p_vs_scipy_dijkstra']}× over SciPy Dijkstra "
        f"and {up['p2p_vs_python_dijkstra']}× over Python Dijkstra point to point; "
        f"{up['one_to_100_vs_scipy_dijkstra']}× one-to-100.",
        "",
        "Targets (wall / CPU time): "
        + ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in r["targets"].items()),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
