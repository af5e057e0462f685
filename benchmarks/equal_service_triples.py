"""How stable a three-seed equal-service answer is, from a file of service curves.

    .venv/bin/python benchmarks/equal_service_triples.py \\
        benchmarks/results/equal_service_curves_9seeds.json

For every way to take three of the file's days (`equal_service_curves.py` wrote it), the
answer a three-seed run would give — the mean of the days' crossings, and the crossing of
their pooled curves — against the same answer over all the days: the standard deviation
over the triples, their range, and the share within ±1 % of the fleet (the roster). No
simulation; prints a small table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
from pathlib import Path
from typing import Any

from equal_service_curves import mean_crossing, pooled_crossing


def _summary(name: str, values: list[float], whole: float, fleet: int) -> str:
    within = sum(abs(v - whole) <= 0.01 * fleet for v in values) / len(values)
    sd = statistics.stdev(values)
    return (
        f"| {name} | {whole:.0f} | {len(values)} | {min(values):.0f}–{max(values):.0f} "
        f"| {sd:.1f} ({100 * sd / fleet:.2f} %) | {100 * within:.0f} % |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("curves", type=Path, help="a results file of equal_service_curves.py")
    args = parser.parse_args()
    seeds: list[dict[str, Any]] = json.loads(args.curves.read_text("utf-8"))["seeds"]
    if len(seeds) < 4 or any(s["crossing"]["riders"] is None for s in seeds):
        raise SystemExit("needs four days or more, each with a crossing")
    fleet = seeds[0]["roster"]
    triples = list(itertools.combinations(seeds, 3))
    means = [mean_crossing(list(t)) for t in triples]
    pooled = [pooled_crossing(list(t))["riders"] for t in triples]
    print(f"{len(seeds)} days from {args.curves}; ±1 % of the fleet = {0.01 * fleet:.0f} riders")
    print()
    print("| answer | all days | triples | range | standard deviation | within ±1 % |")
    print("|---|---|---|---|---|---|")
    print(_summary("mean of the crossings", means, mean_crossing(seeds), fleet))
    print(_summary("pooled crossing", pooled, pooled_crossing(seeds)["riders"], fleet))


if __name__ == "__main__":
    main()
