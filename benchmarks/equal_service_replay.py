"""How many days a three-seed equal-service search takes, on days like the measured ones.

    .venv/bin/python benchmarks/equal_service_replay.py \\
        benchmarks/results/equal_service_curves_9seeds.json [--draws 1000] [--seed 7]
        [--correlation 60] [--day-s 37.03]

A search's time is its days (`equal_service` simulates one day per fleet tried); how many it
takes depends on the day's curve, which is noisy. This replays the real search
(`FleetSearch`, with its warm start) on synthetic curves built from the measured ones
(`equal_service_curves.py`): per seed, a quadratic in the riders fitted to rulebook B's gap
to A's undelivered target (the measure that binds), plus noise drawn as a Gaussian process
whose standard deviation is the fits' residuals' and whose correlation falls as
exp(-|riders apart| / correlation) (nested fleets share most of a day), click-to-door p90's
gap a line. Each draw takes the three triples 0–2, 3–5 and 6–8 of the file's days. Prints
the distribution of days per three-seed search (three days of A on its own fleet plus B's
searches); with `--day-s` (a benchmark run's seconds per simulated day, everything
included), the share of searches over 10 minutes at that many seconds a day. No simulation:
a few seconds.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from gigcity.sim.scenarios.equal_service import FleetSearch

WALL_TARGET_S = 600.0
TRIPLES = ((0, 1, 2), (3, 4, 5), (6, 7, 8))


class _Fit:
    """One day's measured curve: B's gaps to A's target as smooth functions of the riders."""

    def __init__(self, day: dict[str, Any]) -> None:
        orders, a = day["orders"], day["a"]
        self.start = day["roster"]
        target = math.sqrt(a["undelivered"] * orders + 0.5)
        riders = np.array([p["riders"] for p in day["b"]], dtype=np.float64)
        undelivered = np.array(
            [math.sqrt(p["undelivered"] * orders + 0.5) - target for p in day["b"]]
        )
        p90 = np.array([math.log(p["c2d_p90"] / a["c2d_p90"]) for p in day["b"]])
        x = self.x_of(riders)
        self.undelivered = np.polyfit(x, undelivered, 2)
        self.p90 = np.polyfit(x, p90, 1)
        self.residuals = undelivered - np.polyval(self.undelivered, x)
        self.orders = orders

    def x_of(self, riders: Any) -> Any:
        return (riders - self.start) / 100.0


class _Curve:
    """A synthetic day: the fit plus noise drawn where the search asks, given what it drew."""

    def __init__(self, fit: _Fit, rng: np.random.Generator, sd: float, length: float) -> None:
        self.fit, self.rng, self.sd, self.length = fit, rng, sd, length
        self.drawn: dict[int, float] = {}

    def _noise(self, riders: int) -> float:
        if riders in self.drawn:
            return self.drawn[riders]
        if not self.drawn:
            value = float(self.rng.normal(0.0, self.sd))
        else:
            known = np.array(list(self.drawn), dtype=np.float64)
            values = np.array(list(self.drawn.values()))
            kernel = self.sd**2 * np.exp(-np.abs(known[:, None] - known[None, :]) / self.length)
            cross = self.sd**2 * np.exp(-np.abs(known - riders) / self.length)
            weights = np.linalg.solve(kernel + 1e-9 * np.eye(len(known)), cross)
            variance = max(self.sd**2 - float(cross @ weights), 1e-12)
            value = float(self.rng.normal(float(weights @ values), math.sqrt(variance)))
        self.drawn[riders] = value
        return value

    def gaps(self, riders: int) -> dict[str, float]:
        x = self.fit.x_of(float(riders))
        return {
            "undelivered": float(np.polyval(self.fit.undelivered, x)) + self._noise(riders),
            "c2d_p90": float(np.polyval(self.fit.p90, x)),
        }


def search_days(curves: list[_Curve], tolerance: float = 0.01) -> int:
    """Days a three-seed search simulates: A on each day's own fleet, and B's fleets tried."""
    searches: list[FleetSearch] = []
    leader: FleetSearch | None = None
    for seed, curve in enumerate(curves):
        start = curve.fit.start
        search = FleetSearch.starting(
            "b", seed, start, curve.fit.orders,
            tolerance=tolerance, max_riders=3 * start, leader=leader,
        )  # fmt: skip
        searches.append(search)
        leader = leader or search
    while not all(s.begin is not None and s.done for s in searches):
        for search, curve in zip(searches, curves, strict=True):
            search.wake()
            while (riders := search.next_riders()) is not None:
                gaps = curve.gaps(riders)
                search.record(riders, all(g <= 0 for g in gaps.values()), gaps)
    return len(curves) + sum(len(set(s.tried)) for s in searches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("curves", type=Path, help="a results file of equal_service_curves.py")
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--correlation", type=float, default=60.0, help="riders")
    parser.add_argument("--day-s", type=float, help="seconds a day, for the share over 10 min")
    args = parser.parse_args()
    days = json.loads(args.curves.read_text("utf-8"))["seeds"]
    if len(days) < 9:
        raise SystemExit("needs nine days (three triples)")
    fits = [_Fit(day) for day in days]
    residuals = np.concatenate([f.residuals for f in fits])
    sd = float(np.sqrt((residuals**2).sum() / (len(residuals) - 3 * len(fits))))
    rng = np.random.default_rng(args.seed)
    counts: Counter[int] = Counter()
    for _ in range(args.draws):
        for triple in TRIPLES:
            counts[search_days([_Curve(fits[i], rng, sd, args.correlation) for i in triple])] += 1
    total = sum(counts.values())
    mean = sum(d * n for d, n in counts.items()) / total
    print(
        f"{total} searches on days like {args.curves.name}: noise sd {sd:.2f} "
        f"(square root of orders undelivered), correlation over {args.correlation:g} riders"
    )
    print(f"days per three-seed search: mean {mean:.2f}")
    print()
    print("| days | searches | share | at most this many |")
    print("|---|---|---|---|")
    running = 0
    for d in sorted(counts):
        running += counts[d]
        print(f"| {d} | {counts[d]} | {counts[d] / total:.3f} | {running / total:.3f} |")
    if args.day_s:
        most = math.ceil(WALL_TARGET_S / args.day_s) - 1
        over = sum(n for d, n in counts.items() if d > most) / total
        print()
        print(
            f"at {args.day_s:g} s a day, at most {most} days take under {WALL_TARGET_S:g} s: "
            f"{100 * over:.1f} % of searches take longer"
        )


if __name__ == "__main__":
    main()
