"""How good are street ETAs with and without traffic-signal data? A simulation on the sample.

    .venv/bin/python benchmarks/streets_eta_quality.py [--trips 2000] [--seed 6]

On the shipped central-Shanghai graph, a seeded "true" world differs from what gigcity
assumes, in the ways a real one would:
- every junction runs its own fixed-time plan: the default cycle for its road class
  x U(0.85, 1.15), the default major-road share of green +- N(0, 0.05), a random offset;
- each trip's rider rides at the profile speed x a personal factor (lognormal, sigma 0.08)
  and each street at a further factor (lognormal, sigma 0.12), both with mean 1;
- after every stop at a red light the rider loses 2 s getting going again.

Trips: random origin/destination pairs 0.5-3 km apart (mean riding radius in Chinese
delivery is ~2.4 km), departures spread over a day. Each trip's route is the one gigcity
chooses; the "true" time is walked along it. Estimates compared:
  1. riding time only (signals ignored),
  2. riding + expected signal waits from the default plans (no live data),
  3. riding + exact waits from a live phase feed sent at departure (state, whole seconds
     remaining, cycle and green of each junction on the route),
  4. as 3, but each known phase's wait averaged over an uncertain arrival time
     (`StreetTravel(arrival_spread=0.1)`: about 10 % of the time ridden so far),
  5. as 3, but the feed covers only a random half of the junctions.
Writes benchmarks/results/streets_eta_quality.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gigcity.geo.coords import haversine_m
from gigcity.geo.streets import StreetGraph, sample_graph
from gigcity.geo.streets.signals import PhaseFeed, SignalPlan
from gigcity.geo.streets.travel import StreetRoute, StreetTravel

RESULTS = Path(__file__).parent / "results"
RESTART_LOSS_S = 2.0
DAY_START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class TrueWorld:
    plans: list[SignalPlan]  # with offsets
    street_factor: NDArray[np.float64]  # per arc, multiplies speed


def true_world(travel: StreetTravel, rng: np.random.Generator) -> TrueWorld:
    plans = []
    for plan in travel.timing.plans:
        cycle = plan.cycle_s * rng.uniform(0.85, 1.15)
        share = plan.major_green_s / (plan.cycle_s - plan.lost_s) + rng.normal(0, 0.05)
        share = float(np.clip(share, 0.25, 0.75))
        plans.append(
            SignalPlan(
                cycle_s=round(cycle, 1),
                major_green_s=round(share * (cycle - plan.lost_s), 1),
                lost_s=plan.lost_s,
                offset_s=float(rng.uniform(0, cycle)),
            )
        )
    factor = rng.lognormal(-0.5 * 0.12**2, 0.12, travel.graph.arc_count)
    return TrueWorld(plans, factor)


def true_seconds(
    graph: StreetGraph, travel: StreetTravel, world: TrueWorld, route: StreetRoute, rider: float
) -> float:
    """Ride the route in the true world: own speeds, true signal phases, restart losses."""
    clock = route.depart_unix_s + route.access_m / (travel.profile.access_kmh / 3.6)
    for arc in route.arcs.tolist():
        clock += graph.arc_moving_s[arc] / (rider * world.street_factor[arc])
        junction = int(graph.arc_junction[arc])
        if junction >= 0:
            plan = world.plans[junction]
            assert plan.offset_s is not None
            wait = plan.wait_s(int(graph.arc_approach[arc]), clock, plan.offset_s)
            if wait > 0:
                clock += wait + RESTART_LOSS_S
    return clock - route.depart_unix_s


def phase_feed(
    graph: StreetGraph, world: TrueWorld, route: StreetRoute, at_s: float, keep: NDArray[np.bool_]
) -> PhaseFeed | None:
    phases = []
    for junction in sorted(set(route.signal_junctions.tolist())):
        if not keep[junction]:
            continue
        plan = world.plans[junction]
        assert plan.offset_s is not None
        position = (at_s - plan.offset_s) % plan.cycle_s
        green = position < plan.major_green_s
        remaining = plan.major_green_s - position if green else plan.cycle_s - position
        phases.append(
            {
                "signal_id": int(graph.junction_osm_id[junction]),
                "state": "green" if green else "red",
                # A countdown display: whole seconds, never past the phase's end.
                "remaining_s": float(max(0, math.floor(remaining))),
                "cycle_s": plan.cycle_s,
                "major_green_s": plan.major_green_s,
            }
        )
    if not phases:
        return None
    observed = datetime.fromtimestamp(at_s, UTC)
    return PhaseFeed.model_validate(
        {"observed_at": observed, "valid_for_s": 3600, "phases": phases}
    )


def errors(estimate: list[float], truth: list[float]) -> dict[str, float]:
    diff = np.array(estimate) - np.array(truth)
    return {
        "mae_s": round(float(np.mean(np.abs(diff))), 1),
        "p90_abs_s": round(float(np.percentile(np.abs(diff), 90)), 1),
        "bias_s": round(float(np.mean(diff)), 1),
        "mape_pct": round(float(np.mean(np.abs(diff) / np.array(truth))) * 100, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trips", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    graph = sample_graph()
    travel = StreetTravel(graph)
    spread = StreetTravel(graph, arrival_spread=0.1)
    world = true_world(travel, rng)
    half = rng.random(graph.junction_count) < 0.5
    everywhere = np.ones(graph.junction_count, dtype=bool)

    keys = ("truth", "none", "expected", "live", "spread", "half")
    columns: dict[str, list[float]] = {k: [] for k in keys}
    distances, signals = [], []
    while len(columns["truth"]) < args.trips:
        a, b = rng.integers(0, graph.node_count, 2)
        origin = (float(graph.node_lon[a]), float(graph.node_lat[a]))
        destination = (float(graph.node_lon[b]), float(graph.node_lat[b]))
        if not 500 <= haversine_m(*origin, *destination) <= 3000:
            continue
        depart = DAY_START + float(rng.uniform(0, 86_400))
        route = travel.route(origin, destination, depart)
        assert route is not None
        rider = float(rng.lognormal(-0.5 * 0.08**2, 0.08))
        columns["truth"].append(true_seconds(graph, travel, world, route, rider))
        columns["none"].append(route.moving_s)
        columns["expected"].append(route.eta_s)
        for key, keep, model in (
            ("live", everywhere, travel),
            ("spread", everywhere, spread),
            ("half", half, travel),
        ):
            feed = phase_feed(graph, world, route, depart, keep)
            live = model.with_live_phases(feed)[0] if feed else model
            live_route = live.route(origin, destination, depart)
            assert live_route is not None
            columns[key].append(live_route.eta_s)
        distances.append(route.distance_m)
        signals.append(len(route.signal_junctions))

    truth = columns["truth"]
    rows = {
        "no signals (riding time only)": errors(columns["none"], truth),
        "expected signal waits (plans, no live data)": errors(columns["expected"], truth),
        "live phases at departure (all junctions)": errors(columns["live"], truth),
        "live phases, waits averaged over arrival uncertainty (spread 0.1)": errors(
            columns["spread"], truth
        ),
        "live phases at departure (half the junctions)": errors(columns["half"], truth),
    }
    result: dict[str, Any] = {
        "trips": args.trips,
        "seed": args.seed,
        "graph": {"name": graph.name, "nodes": graph.node_count, "junctions": graph.junction_count},
        "mean_true_s": round(float(np.mean(truth)), 1),
        "mean_distance_m": round(float(np.mean(distances)), 1),
        "mean_signals_per_trip": round(float(np.mean(signals)), 2),
        "estimates": rows,
        "load_avg_1_5_15": [round(v, 2) for v in os.getloadavg()],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "streets_eta_quality.json").write_text(json.dumps(result, indent=2) + "\n")
    text = markdown(result)
    (RESULTS / "streets_eta_quality.md").write_text(text)
    print(text)


def markdown(r: dict[str, Any]) -> str:
    lines = [
        f"{r['trips']} simulated e-bike trips on `{r['graph']['name']}` "
        f"({r['graph']['nodes']} nodes, {r['graph']['junctions']} signalised junctions), seed "
        f"{r['seed']}: mean {r['mean_distance_m'] / 1000:.2f} km, {r['mean_signals_per_trip']} "
        f"signals and {r['mean_true_s'] / 60:.1f} min (true) per trip.",
        "",
        "| ETA | MAE s | p90 abs. error s | bias s | MAPE % |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, e in r["estimates"].items():
        lines.append(
            f"| {name} | {e['mae_s']} | {e['p90_abs_s']} | {e['bias_s']:+} | {e['mape_pct']} |"
        )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
