"""Issue 5's targets on the Putuo weekday scenario, and the 100,000-order timing.

    .venv/bin/python benchmarks/workbench_targets.py [--orders 70000] [--seed 0] [--big 100000]

1. The weekday day (default: a full Putuo day, 70,000 orders) under baseline-2024 and under
   putuo-2025: rest breaches under putuo-2025 (target 0), on-route combining under
   putuo-2025 (target >= 95 %), mean click-to-door under putuo-2025 minus baseline-2024
   (target <= 2 min).
2. A 100,000-order weekday simulated under putuo-2025 in one process: wall and CPU time of
   the simulation alone (target < 2 min), plus generation and judging.

Writes benchmarks/results/workbench_targets.json and .md; prints the same.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from gigcity.rules import load_rulebook
from gigcity.sim.scenarios import DayFacts, generate_scenario, judge, simulate_scenario, yardstick

RESULTS = Path(__file__).resolve().parent / "results"


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def _timed_day(orders: int, seed: int, rulebook_name: str) -> dict[str, Any]:
    started = time.perf_counter()
    scenario = generate_scenario("putuo-weekday", seed=seed, orders=orders)
    generated = time.perf_counter()
    rulebook = load_rulebook(rulebook_name)
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = simulate_scenario(scenario, rulebook)
    sim_wall, sim_cpu = time.perf_counter() - wall, time.process_time() - cpu
    judged = time.perf_counter()
    figures = judge(DayFacts(outcome), rulebook, yardstick([rulebook]))
    return {
        "orders": orders,
        "riders": len(scenario.instance.couriers),
        "rulebook": rulebook.ref,
        "generate_s": round(generated - started, 2),
        "simulate_wall_s": round(sim_wall, 2),
        "simulate_cpu_s": round(sim_cpu, 2),
        "judge_s": round(time.perf_counter() - judged, 2),
        "undelivered": figures["orders"]["undelivered"],
        "click_to_door_mean_min": figures["click_to_door_min"]["mean"],
        "load_after": _load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=None, help="weekday size (default full day)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--big", type=int, default=100_000, help="size of the timing run (0: skip)")
    args = parser.parse_args()

    load_before = _load()
    scenario = generate_scenario("putuo-weekday", seed=args.seed, orders=args.orders)
    books = [load_rulebook("baseline-2024"), load_rulebook("putuo-2025")]
    stick = yardstick(books)
    runs: dict[str, Any] = {}
    for rulebook in books:
        started = time.perf_counter()
        outcome = simulate_scenario(scenario, rulebook)
        elapsed = time.perf_counter() - started
        figures = judge(DayFacts(outcome), rulebook, stick)
        figures.pop("_series")
        runs[rulebook.id] = {"seconds": round(elapsed, 1), **figures}
        print(f"{rulebook.ref}: simulated in {elapsed:.1f} s", flush=True)
    putuo, base = runs["putuo-2025"], runs["baseline-2024"]
    c2d_gap = putuo["click_to_door_min"]["mean"] - base["click_to_door_min"]["mean"]
    targets = {
        "rest_breaches_putuo": {"value": putuo["rest"]["breaches"], "target": "0",
                                "met": putuo["rest"]["breaches"] == 0},
        "on_route_rate_putuo": {"value": putuo["on_route"]["rate"], "target": ">= 0.95",
                                "met": (putuo["on_route"]["rate"] or 0) >= 0.95},
        "click_to_door_gap_min": {"value": round(c2d_gap, 3), "target": "<= 2.0",
                                  "met": c2d_gap <= 2.0},
    }  # fmt: skip
    timings = (
        [_timed_day(args.big, args.seed, name) for name in ("putuo-2025", "baseline-2024")]
        if args.big
        else []
    )
    for timing in timings:
        targets[f"simulate_{args.big}_wall_s_{timing['rulebook']}"] = {
            "value": timing["simulate_wall_s"],
            "target": "< 120",
            "met": timing["simulate_wall_s"] < 120,
        }
    result = {
        "command": "python benchmarks/workbench_targets.py"
        + (f" --orders {args.orders}" if args.orders else "")
        + (f" --seed {args.seed}" if args.seed else "")
        + (f" --big {args.big}" if args.big != 100_000 else ""),
        "machine": f"Python {platform.python_version()} on {platform.machine()}, one process",
        "load_before": load_before,
        "load_after": _load(),
        "scenario": {
            "name": scenario.instance.name,
            "orders": len(scenario.instance.orders),
            "riders": len(scenario.instance.couriers),
            "areas": len(scenario.areas),
        },
        "targets": targets,
        "runs": {
            k: {
                "seconds": v["seconds"],
                "undelivered": v["orders"]["undelivered"],
                "click_to_door_mean_min": v["click_to_door_min"]["mean"],
                "click_to_door_p90_min": v["click_to_door_min"]["p90"],
                "on_time_share": v["on_time_share"],
                "rest_breaches": v["rest"]["breaches"],
                "longest_continuous_work_min": v["rest"]["longest_continuous_work_min"],
                "on_route_rate": v["on_route"]["rate"],
                "cost_per_order_yuan": (v["pay"]["cost_per_order_fen"] or 0) / 100,
                "pay_per_active_hour_mean": v["pay"]["per_active_hour"]["mean"],
                "hours_beyond_unconfirmed": v["hours"]["hours_beyond_unconfirmed"],
            }
            for k, v in runs.items()
        },
        "timing": timings,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "workbench_targets.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Workbench targets (issue 5)",
        "",
        f"Command: `{result['command']}`  ",
        f"{result['machine']}; load before {load_before}, after {result['load_after']}.",
        "",
        f"Scenario {result['scenario']['name']}: {result['scenario']['orders']} orders, "
        f"{result['scenario']['riders']} riders, {result['scenario']['areas']} sub-districts.",
        "",
        "| target | value | wanted | met |",
        "|---|---|---|---|",
        *(f"| {k} | {v['value']} | {v['target']} | {'yes' if v['met'] else 'no'} |" for k, v in targets.items()),
        "",
        "| rulebook | sim s | undelivered | c2d mean | c2d p90 | on time | rest breaches | longest work | on-route | cost/order ¥ | pay/active h ¥ | h beyond 8 unconfirmed |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(
            f"| {k} | {v['seconds']} | {v['undelivered']} | {v['click_to_door_mean_min']} | "
            f"{v['click_to_door_p90_min']} | {v['on_time_share']} | {v['rest_breaches']} | "
            f"{v['longest_continuous_work_min']} | {v['on_route_rate']} | {v['cost_per_order_yuan']:.2f} | "
            f"{v['pay_per_active_hour_mean']} | {v['hours_beyond_unconfirmed']} |"
            for k, v in result["runs"].items()
        ),
    ]  # fmt: skip
    for timing in timings:
        lines += [
            "",
            f"Timing ({timing['orders']} orders, {timing['riders']} riders, "
            f"{timing['rulebook']}): generate {timing['generate_s']} s, simulate "
            f"{timing['simulate_wall_s']} s wall / {timing['simulate_cpu_s']} s CPU, judge "
            f"{timing['judge_s']} s; {timing['undelivered']} undelivered, click-to-door "
            f"{timing['click_to_door_mean_min']} min; load after {timing['load_after']}.",
        ]
    (RESULTS / "workbench_targets.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
