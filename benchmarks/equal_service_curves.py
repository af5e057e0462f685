"""Each seed's service curve, without a search: what equal service should answer per seed.

    .venv/bin/python benchmarks/equal_service_curves.py [--orders 70000] [--seeds 3]
        [--seed 0] [--factors 1,1.08,1.11,1.134,1.1584] [--workers 1]
        [--keep benchmarks/results/equal_service_curves.json] [--name equal_service_curves]

The Putuo weekday under baseline-2024 (A) on each seed's own fleet, and under putuo-2025
(B) on fleets of the given factors of it. Per seed, B's undelivered share and click-to-door
p90 are interpolated (on their logs) between the fleets that bracket A's own figure; the
larger crossing is where B gives A's service that day — the answer `equal_service` finds to
within its step, measured here without it. Their spread over the seeds is the days' own,
whatever search is used. Also the crossing of the seeds' pooled curves (orders undelivered
summed over the seeds against A's sum; p90s averaged). And each consecutive three seeds
(0–2, 3–5, …) as a three-seed run would answer them, the mean of their crossings and their
pooled crossing: with six seeds or more, their spread shows how stable a three-seed answer
is. `--workers` simulates seeds in that many processes; `--keep` takes the seeds already in
a results file of the same orders and factors instead of simulating them again. Writes
benchmarks/results/<name>.json and .md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from gigcity.rules import Rulebook, load_rulebook
from gigcity.sim.scenarios import ScenarioSpec, load_scenario
from gigcity.sim.scenarios.compare import measure_values
from gigcity.sim.scenarios.evaluate import Yardstick, yardstick
from gigcity.sim.scenarios.fleet import fleet_factor, fleet_riders
from gigcity.sim.scenarios.runner import DayTask, run_day_task

RESULTS = Path(__file__).resolve().parent / "results"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} CPUs"


Point = dict[str, Any]
"""One simulated day: riders, undelivered share, click-to-door p90, CPU seconds."""


def _day(
    spec: ScenarioSpec, rulebook: Rulebook, riders: int, roster: int, stick: Yardstick
) -> Point:
    task = DayTask(
        replace(spec, fleet=fleet_factor(riders, roster)), rulebook, (("x", rulebook),), stick
    )
    started = time.process_time()
    values = measure_values(run_day_task(task)["x"])
    return {
        "riders": riders,
        "undelivered": values["undelivered"],
        "c2d_p90": values["c2d_p90"],
        "cpu_s": round(time.process_time() - started, 1),
    }


def _crossing(points: list[Point], measure: str, target: float, floor: float) -> float | None:
    """The first fleet, interpolated on logs, where the measure comes down to the target."""
    first = points[0][measure]
    if first is not None and first <= target:
        return float(points[0]["riders"])
    for low, high in itertools.pairwise(points):
        above, below = low[measure], high[measure]
        if above is None or below is None or above <= target:
            continue
        if below <= target:
            a, b, t = (math.log(max(v, floor)) for v in (above, below, target))
            return low["riders"] + (high["riders"] - low["riders"]) * (a - t) / (a - b)
    return None


def _answer(points: list[Point], target: dict[str, float], orders: int) -> dict[str, Any]:
    undelivered = _crossing(points, "undelivered", target["undelivered"], 0.5 / orders)
    p90 = _crossing(points, "c2d_p90", target["c2d_p90"], 1e-9)
    both = None if undelivered is None or p90 is None else max(undelivered, p90)
    return {"undelivered": undelivered, "c2d_p90": p90, "riders": both}


def _seed_curve(seed: int, orders: int, factors: list[float]) -> dict[str, Any]:
    """A on the seed's own fleet, B on each factor of it, and where B crosses A."""
    a, b = load_rulebook("baseline-2024"), load_rulebook("putuo-2025")
    stick = yardstick([a, b])
    spec = ScenarioSpec("putuo-weekday", seed, orders)
    instance = load_scenario(spec).instance
    roster, placed = len(instance.couriers), len(instance.orders)
    own = _day(spec, a, roster, roster, stick)
    target = {"undelivered": own["undelivered"], "c2d_p90": own["c2d_p90"]}
    points = [_day(spec, b, fleet_riders(roster, f), roster, stick) for f in factors]
    return {
        "seed": seed, "roster": roster, "orders": placed, "a": own, "b": points,
        "crossing": _answer(points, target, placed),
    }  # fmt: skip


def pooled_crossing(seeds: list[dict[str, Any]]) -> dict[str, Any]:
    """Where the seeds' summed curves cross: orders undelivered over all the days against
    A's, p90s averaged."""
    orders = sum(s["orders"] for s in seeds)
    points = [
        {
            "riders": seeds[0]["b"][i]["riders"],
            "undelivered": sum(s["b"][i]["undelivered"] * s["orders"] for s in seeds) / orders,
            "c2d_p90": sum(s["b"][i]["c2d_p90"] for s in seeds) / len(seeds),
        }
        for i in range(len(seeds[0]["b"]))
    ]
    target = {
        "undelivered": sum(s["a"]["undelivered"] * s["orders"] for s in seeds) / orders,
        "c2d_p90": sum(s["a"]["c2d_p90"] for s in seeds) / len(seeds),
    }
    return _answer(points, target, orders)


def mean_crossing(seeds: list[dict[str, Any]]) -> float | None:
    """The mean of the seeds' own crossings (what `equal_service` answers over them), None
    when a seed has none."""
    crossings = [s["crossing"]["riders"] for s in seeds]
    return None if None in crossings else sum(crossings) / len(crossings)


def _threes(seeds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each consecutive three seeds as a three-seed run would answer them."""
    groups = []
    for start in range(0, len(seeds) - 2, 3):
        group = seeds[start : start + 3]
        mean = mean_crossing(group)
        groups.append(
            {
                "seeds": [s["seed"] for s in group],
                "mean": None if mean is None else round(mean, 1),
                "pooled": pooled_crossing(group)["riders"],
            }
        )
    return groups


def _kept(path: str | None, orders: int, factors: list[float]) -> dict[int, dict[str, Any]]:
    """The seeds of an earlier results file, each checked to be this day (its orders) on
    these fleets (its riders are the factors' of its roster)."""
    if path is None:
        return {}
    kept = {s["seed"]: s for s in json.loads(Path(path).read_text("utf-8"))["seeds"]}
    for seed in kept.values():
        fleets = [fleet_riders(seed["roster"], f) for f in factors]
        if seed["orders"] != orders or [p["riders"] for p in seed["b"]] != fleets:
            raise SystemExit(f"{path}: seed {seed['seed']} was run on other orders or fleets")
    return kept


def _riders(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=70_000)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--factors", default="1,1.08,1.11,1.134,1.1584")
    parser.add_argument("--workers", type=int, default=1, help="processes, a seed each")
    parser.add_argument("--keep", help="an earlier results file whose seeds are reused")
    parser.add_argument("--name", default="equal_service_curves")
    args = parser.parse_args()
    factors = [float(f) for f in args.factors.split(",")]
    kept = _kept(args.keep, args.orders, factors)
    wanted = range(args.seed, args.seed + args.seeds)
    load_before, wall = _load(), time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = {
            seed: pool.submit(_seed_curve, seed, args.orders, factors)
            for seed in wanted
            if seed not in kept
        }
        fresh = {seed: future.result() for seed, future in futures.items()}
    seeds = [kept.get(seed) or fresh[seed] for seed in wanted]
    for seed in seeds:
        print(json.dumps(seed), flush=True)
    pooled = pooled_crossing(seeds)
    crossings = [s["crossing"]["riders"] for s in seeds]
    roster = seeds[0]["roster"]
    met = [c for c in crossings if c is not None]
    factor_text = ",".join(f"{f:g}" for f in factors)
    report = {
        "command": f"python benchmarks/equal_service_curves.py --orders {args.orders} "
        f"--seed {args.seed} --seeds {args.seeds} --factors {factor_text}",
        "load_before": load_before,
        "load_after": _load(),
        "wall_s": round(time.perf_counter() - wall, 1),
        "simulated_seeds": sorted(fresh),
        "seeds": seeds,
        "half_range_share": round((max(met) - min(met)) / 2 / roster, 4) if met else None,
        "sd_riders": round(statistics.stdev(met), 1) if len(met) > 1 else None,
        "pooled": pooled,
        "threes": _threes(seeds),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    lines = [
        "# Equal service per seed, from the service curves (issue 21)",
        "",
        f"Command: `{report['command']}`  ",
        f"Load before {load_before}, after {report['load_after']}; {report['wall_s']} s wall.",
        "",
        "| seed | A's undelivered, p90 (own fleet) | B: riders → undelivered, p90 | B's crossing |",
        "|---|---|---|---|",
    ]
    for s in seeds:
        curve = "; ".join(
            f"{p['riders']} → {100 * p['undelivered']:.3f} %, {p['c2d_p90']:.2f}" for p in s["b"]
        )
        answer = s["crossing"]["riders"]
        lines.append(
            f"| {s['seed']} | {100 * s['a']['undelivered']:.3f} %, {s['a']['c2d_p90']:.2f} min "
            f"| {curve} | {_riders(answer)} |"
        )
    answer = report["pooled"]["riders"]
    lines += [
        "",
        f"Spread of the per-seed crossings (half range / roster {roster}): "
        f"{report['half_range_share']}; standard deviation {report['sd_riders']} riders; "
        f"pooled crossing: {_riders(answer)} riders.",
    ]
    if report["threes"]:
        lines += ["", "| seeds | mean of the crossings | pooled crossing |", "|---|---|---|"]
        lines += [
            f"| {', '.join(map(str, g['seeds']))} | {_riders(g['mean'])} | {_riders(g['pooled'])} |"
            for g in report["threes"]
        ]
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
