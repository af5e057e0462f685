"""Issue 21's equal-service target: the fewest riders each rulebook needs for the same service.

    .venv/bin/python benchmarks/equal_service.py [--orders 70000] [--seeds 3] [--seed 0]
        [--workers 1] [--ray ADDRESS] [--name equal_service]

The Putuo weekday (default: the full 70,000-order day) under baseline-2024 (A) and
putuo-2025 (B), searched per seed (`gigcity.sim.scenarios.equal_service`) with the default
target: A's own undelivered share and click-to-door p90 on the day's own riders. Targets:
the whole answer in under 10 minutes on one core, and the per-seed answers of each rulebook
within ±1 % of the fleet of each other. Prints the figures; writes
benchmarks/results/<name>.json and .md (a smaller day: pass --name to keep the full run's).
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
from gigcity.sim.scenarios import ScenarioSpec
from gigcity.sim.scenarios.equal_service import equal_service

RESULTS = Path(__file__).resolve().parent / "results"
WALL_TARGET_S = 600.0
SPREAD_TARGET = 0.01


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} CPUs"


def _command(args: argparse.Namespace) -> str:
    parts = ["python benchmarks/equal_service.py"]
    for flag, value, default in (
        ("--orders", args.orders, None),
        ("--seeds", args.seeds, 3),
        ("--seed", args.seed, 0),
        ("--workers", args.workers, 1),
        ("--ray", args.ray, None),
        ("--name", args.name, "equal_service"),
    ):
        if value != default:
            parts.append(f"{flag} {value}")
    return " ".join(parts)


def _targets(result: dict[str, Any], wall_s: float) -> dict[str, Any]:
    targets: dict[str, Any] = {
        "wall_s": {"value": round(wall_s, 1), "target": f"< {WALL_TARGET_S:g}",
                   "met": wall_s < WALL_TARGET_S},
    }  # fmt: skip
    for key in ("a", "b"):
        side = result[key]
        spread = side["spread"]["half_range_share"] if side["spread"] else None
        targets[f"spread_{side['rulebook']}"] = {
            "value": spread,
            "target": f"<= ±{SPREAD_TARGET:.0%} of the fleet",
            "met": spread is not None and spread <= SPREAD_TARGET,
        }
    return targets


def _markdown(report: dict[str, Any]) -> str:
    result = report["result"]
    lines = [
        "# Equal service (issue 21)",
        "",
        f"Command: `{report['command']}`  ",
        f"{report['machine']}; load (1/5/15 min) before {report['load_before']}, "
        f"after {report['load_after']}; {report['wall_s']} s wall, {report['cpu_s']} s CPU "
        f"in this process; {result['simulated_days']} simulated days "
        f"({report['cpu_s_per_day']} s CPU a day).",
        "",
        f"Target: undelivered ≤ {100 * result['target']['undelivered_share']:.3f} %, "
        f"click-to-door p90 ≤ {result['target']['click_to_door_p90_min']:.2f} min "
        f"({result['target']['source']}).",
        "",
        "| measure | A | B | B − A |",
        "|---|---|---|---|",
    ]
    for row in result["table"]:
        cells = ["–" if row[k] is None else f"{row[k]:.4g}" for k in ("a", "b", "difference")]
        lines.append(f"| {row['label']} ({row['unit']}) | " + " | ".join(cells) + " |")
    lines += ["", "| rulebook | seed | riders | tried |", "|---|---|---|---|"]
    for key in ("a", "b"):
        for seed in result[key]["per_seed"]:
            answer = seed["riders"] if seed["met"] else f"not met (> {seed['largest_tried']})"
            lines.append(
                f"| {result[key]['rulebook']} | {seed['seed']} | {answer} | "
                f"{', '.join(map(str, seed['tried']))} |"
            )
    lines += [
        "",
        "| rulebook | mean answer | 95 % interval of the mean over seeds |",
        "|---|---|---|",
    ]
    for key in ("a", "b"):
        side = result[key]
        interval = (side["spread"] or {}).get("mean_interval95")
        shown = "–" if interval is None else f"{interval[0]:g}–{interval[1]:g}"
        lines.append(f"| {side['rulebook']} | {side['riders']} | {shown} |")
    lines += ["", "| target | value | wanted | met |", "|---|---|---|---|"]
    for name, target in report["targets"].items():
        lines.append(f"| {name} | {target['value']} | {target['target']} | {target['met']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=None, help="weekday size (default full day)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--workers", type=int, default=1, help="local processes")
    parser.add_argument("--ray", default=None, help="Ray address ('local' starts one here)")
    parser.add_argument("--name", default="equal_service", help="file stem of the results")
    args = parser.parse_args()

    load_before = _load()
    wall, cpu = time.perf_counter(), time.process_time()

    def progress(done: int, total: int, label: str) -> None:
        print(f"  {done}/{total} simulated days ({label}), {time.perf_counter() - wall:.0f} s",
              flush=True)  # fmt: skip

    result = equal_service(
        ScenarioSpec("putuo-weekday", args.seed, args.orders),
        load_rulebook("baseline-2024"),
        load_rulebook("putuo-2025"),
        seeds=list(range(args.seed, args.seed + args.seeds)),
        workers=args.workers,
        ray_address=args.ray,
        progress=progress,
    )
    wall_s, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    report = {
        "command": _command(args),
        "machine": f"Python {platform.python_version()} on {platform.machine()}, "
        + (f"Ray {args.ray}" if args.ray else f"{args.workers} process(es)"),
        "load_before": load_before,
        "load_after": _load(),
        "wall_s": round(wall_s, 1),
        "cpu_s": round(cpu_s, 1),
        "cpu_s_per_day": round(cpu_s / max(1, result["simulated_days"]), 2),
        "targets": _targets(result, wall_s),
        "result": result,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    text = _markdown(report)
    (RESULTS / f"{args.name}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
