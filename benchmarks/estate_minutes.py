"""Issue 15: from the simulator on the sample estate, minutes saved per order by the guide and
by relay.

    .venv/bin/python benchmarks/estate_minutes.py [--seeds 10] [--orders 3000] [--consent 0.6]
                                                  [--rules putuo-2025]

For each seed, the putuo-estate day (a weekday with 15 % of its orders in the sample giant
estate) is replayed four ways — no guide and no relay, guide only, relay only, both — with
common random numbers (the same orders, buildings, search times and consent draws in every
variant). Prints and writes, over the seeds, the mean and a 95 % confidence interval
(Student t) of rider minutes per estate order, click-to-door of estate orders and of the
whole day, e-bikes waiting at the gate, courier minutes per relay item, the shelf's places
taken at its peak and the relay orders it refused when full; and the minutes
saved against "no guide, no relay" (paired by seed). Writes benchmarks/results/
estate_minutes.json and .md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from scipy.stats import t as student_t

from gigcity.rules import load_rulebook
from gigcity.sim.scenarios.estate_compare import VARIANT_LABELS, compare_estate

RESULTS = Path(__file__).resolve().parent / "results"
MEASURES = {
    "rider_min_per_order": "rider minutes per estate order",
    "c2d_min": "click-to-door, estate orders (min)",
    "c2d_all_min": "click-to-door, all orders (min)",
    "ebikes_at_gate_peak": "e-bikes at the gate, peak",
    "ebikes_at_gate_mean": "e-bikes at the gate, mean 06-24 h",
    "courier_min_per_item": "courier minutes per relay item",
    "couriers": "community couriers",
    "shelf_places_peak": "places taken on the shelf, peak",
    "relay_refused_shelf_full": "relay refused: shelf full",
    "undelivered": "undelivered orders (day)",
}
SAVED = ("rider_min_per_order", "c2d_min", "c2d_all_min", "ebikes_at_gate_mean")


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def _interval(values: list[float]) -> dict[str, float | None]:
    """Mean and the half-width of its 95 % confidence interval (None with one value)."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return {"mean": round(mean, 3), "ci95": None}
    half = student_t.ppf(0.975, len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return {"mean": round(mean, 3), "ci95": round(float(half), 3)}


def _fmt(cell: dict[str, float | None]) -> str:
    if cell["ci95"] is None:
        return f"{cell['mean']:.2f}"
    return f"{cell['mean']:.2f} ± {cell['ci95']:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--consent", type=float, default=0.6)
    parser.add_argument("--rules", default="putuo-2025")
    args = parser.parse_args()
    rulebook = load_rulebook(args.rules)
    load_before = _load()
    started = time.perf_counter()
    runs = []
    for seed in range(args.seeds):
        runs.append(
            compare_estate(rulebook, seed=seed, orders=args.orders, consent_share=args.consent)
        )
        print(f"seed {seed} done ({time.perf_counter() - started:.0f} s)", flush=True)
    variants = list(VARIANT_LABELS)
    table: dict[str, dict[str, dict[str, float | None]]] = {}
    for key in variants:
        table[key] = {}
        for measure in MEASURES:
            values = [r["variants"][key][measure] for r in runs]
            if all(v is not None for v in values):
                table[key][measure] = _interval([float(v) for v in values])
    saved: dict[str, dict[str, dict[str, float | None]]] = {}
    for key in ("guide", "relay", "guide+relay"):
        saved[key] = {
            m: _interval(
                [float(r["variants"]["none"][m]) - float(r["variants"][key][m]) for r in runs]
            )
            for m in SAVED
        }
    elapsed = time.perf_counter() - started
    command = (
        f".venv/bin/python benchmarks/estate_minutes.py --seeds {args.seeds} "
        f"--orders {args.orders} --consent {args.consent} --rules {args.rules}"
    )
    scenario = runs[0]["scenario"]
    result: dict[str, Any] = {
        "command": command,
        "seeds": args.seeds,
        "orders": args.orders,
        "estate_orders": [r["scenario"]["estate_orders"] for r in runs],
        "estate": scenario["estate_en"],
        "buildings": scenario["buildings"],
        "consent_share": args.consent,
        "rulebook": rulebook.ref,
        "variants": table,
        "saved_vs_none": saved,
        "wall_s": round(elapsed, 1),
        "load_before": load_before,
        "load_after": _load(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "estate_minutes.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Minutes saved per estate order by the guide and by relay (issue 15)",
        "",
        f"Command: `{command}`  ",
        f"{scenario['estate_en']} ({scenario['buildings']} buildings); "
        f"{args.orders} orders a day, 15 % into the estate; consent to relay "
        f"{args.consent:.0%}; {rulebook.ref}; {args.seeds} seeds (0-{args.seeds - 1}), "
        "mean ± 95 % CI over seeds.  ",
        f"Python {platform.python_version()} on {platform.machine()}, one process; "
        f"{elapsed:.0f} s; load before {load_before}, after {_load()}.",
        "",
        "| measure | " + " | ".join(VARIANT_LABELS[k] for k in variants) + " |",
        "|---|" + "---|" * len(variants),
    ]
    for measure, label in MEASURES.items():
        cells = [_fmt(table[k][measure]) if measure in table[k] else "–" for k in variants]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Saved against no guide, no relay (paired by seed; positive = fewer minutes/e-bikes):",
        "",
        "| measure | guide | relay | guide + relay |",
        "|---|---|---|---|",
    ]
    for measure in SAVED:
        cells = [_fmt(saved[k][measure]) for k in ("guide", "relay", "guide+relay")]
        lines.append(f"| {MEASURES[measure]} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    (RESULTS / "estate_minutes.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
