"""Best gate and walking route for any building of a 100-building estate, in process.

    .venv/bin/python benchmarks/estate_wayfinding.py [--queries 20000] [--seed 1]

On the demo's sample estate (`gigcity.geo.estates.sample.sample_estate()`: 100 buildings,
263 unit entrances, 5 gates, e-bikes banned inside) with its zones: compiles an
`EstateGuide` (the walk graph and the distances from every gate and parking), then asks
`route()` for every building — every unit entrance and "any unit" in turn — with a random
approach time to each gate (0-10 minutes), by e-bike or on foot, at a random time of day
(the riverside gate closes at night). Reports p50 / p90 / p99 / max of the wall clock and of
the querying thread's CPU time, the compile time, and, beside them, the zones' partition and
the poster (SVG and PDF). Target (issue 15): route p99 under 5 ms in process.

Writes benchmarks/results/estate_wayfinding.{json,md}. Never part of the test run's
pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as py_platform
import random
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from gigcity.geo.estates.sample import sample_estate
from gigcity.geo.estates.wayfinding import EstateGuide
from gigcity.geo.estates.zones import with_zones

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_P99_MS = 5.0


def percentiles(samples_s: list[float]) -> dict[str, float]:
    ms = np.array(samples_s) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 4),
        "p90_ms": round(float(np.percentile(ms, 90)), 4),
        "p99_ms": round(float(np.percentile(ms, 99)), 4),
        "max_ms": round(float(ms.max()), 4),
        "n": len(ms),
    }


def timed(repeat: int, fn: object) -> list[float]:
    assert callable(fn)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    t = time.perf_counter()
    bare = sample_estate()
    sample_s = time.perf_counter() - t
    zones_s = timed(5, lambda: with_zones(bare))
    estate = with_zones(bare)
    compile_s = timed(10, lambda: EstateGuide(estate))
    guide = EstateGuide(estate)

    targets: list[tuple[str, str | None]] = []
    for b in estate.buildings:
        targets.append((b.ref, None))
        targets += [(b.ref, e.name or e.ref) for e in b.entrances]
    rnd = random.Random(args.seed)
    gates = [g.ref for g in guide.gate_candidates()]
    midnight = datetime(2026, 12, 3)
    queries = []
    for i in range(args.queries):
        building, unit = targets[i % len(targets)]
        approach = {g: rnd.uniform(0, 600) for g in gates}
        at = midnight + timedelta(seconds=rnd.randrange(86_400))
        by = "ebike" if rnd.random() < 0.7 else "foot"
        queries.append((building, unit, approach, by, at))

    day = date(2026, 12, 3)
    for building, unit, approach, by, at in queries[:500]:  # warm-up
        guide.route(building, unit=unit, approach_s=approach, by=by, day=day, at=at)  # type: ignore[arg-type]
    wall, cpu = [], []
    gates_used: dict[str, int] = {}
    for building, unit, approach, by, at in queries:
        t, c = time.perf_counter(), time.thread_time()
        route = guide.route(building, unit=unit, approach_s=approach, by=by, day=day, at=at)  # type: ignore[arg-type]
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - t)
        gates_used[route.gate.ref] = gates_used.get(route.gate.ref, 0) + 1
    route_wall, route_cpu = percentiles(wall), percentiles(cpu)

    # The poster is a service (it needs the message catalogues); time it when it imports.
    poster: dict[str, float] = {}
    try:
        from gigcity.services.estates.poster import poster_pdf, poster_svg

        url = "https://gigcity.example/estates/1/guide"
        poster["svg_ms"] = round(
            statistics.median(timed(3, lambda: poster_svg(estate, guide_url=url))) * 1000, 1
        )
        poster["pdf_ms"] = round(
            statistics.median(timed(3, lambda: poster_pdf(estate, guide_url=url))) * 1000, 1
        )
        poster["pdf_bytes"] = len(poster_pdf(estate, guide_url=url))
    except ImportError as exc:
        print(f"poster not timed: {exc}")

    load = os.getloadavg()
    record = {
        "estate": {
            "name": estate.name,
            "buildings": len(estate.buildings),
            "entrances": sum(len(b.entrances) for b in estate.buildings),
            "gates": len(estate.gates),
            "walk_nodes": len(estate.nodes),
            "walkways": len(estate.walkways),
            "graph_nodes": guide.graph.size,
        },
        "route_wall": route_wall,
        "route_cpu": route_cpu,
        "target_p99_ms": TARGET_P99_MS,
        "met": route_wall["p99_ms"] < TARGET_P99_MS,
        "compile_ms": {
            "median": round(statistics.median(compile_s) * 1000, 2),
            "max": round(max(compile_s) * 1000, 2),
        },
        "zones_ms": round(statistics.median(zones_s) * 1000, 1),
        "sample_estate_ms": round(sample_s * 1000, 1),
        "poster": poster,
        "gates_chosen": dict(sorted(gates_used.items())),
        "machine": f"{py_platform.processor() or py_platform.machine()}, {os.cpu_count()} cores, "
        f"Python {py_platform.python_version()}",
        "load_average": [round(x, 2) for x in load],
        "date": date.today().isoformat(),
        "command": f"python benchmarks/estate_wayfinding.py --queries {args.queries} "
        f"--seed {args.seed}",
    }
    print(json.dumps(record, indent=2, ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "estate_wayfinding.json").write_text(
        json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    )
    (RESULTS / "estate_wayfinding.md").write_text(
        "# Estate wayfinding (sample estate, 100 buildings)\n\n"
        f"`{record['command']}` — {record['machine']}, load average "
        f"{' / '.join(f'{x:.2f}' for x in load)} (shared machine), {record['date']}.\n\n"
        "| best gate + route to a unit entrance | p50 | p90 | p99 | max | target p99 |\n"
        "|---|---|---|---|---|---|\n"
        f"| in process, wall clock | {route_wall['p50_ms']} ms | {route_wall['p90_ms']} ms "
        f"| {route_wall['p99_ms']} ms | {route_wall['max_ms']} ms | < {TARGET_P99_MS:g} ms |\n"
        f"| in process, CPU time | {route_cpu['p50_ms']} ms | {route_cpu['p90_ms']} ms "
        f"| {route_cpu['p99_ms']} ms | {route_cpu['max_ms']} ms | |\n\n"
        f"Compiling the guide: {record['compile_ms']['median']} ms (median of 10); zones: "
        f"{record['zones_ms']} ms; poster: "
        + (
            f"SVG {poster['svg_ms']} ms, PDF {poster['pdf_ms']} ms "
            f"({poster['pdf_bytes'] / 1e6:.2f} MB)"
            if poster
            else "not timed"
        )
        + ".\n"
    )


if __name__ == "__main__":
    main()
