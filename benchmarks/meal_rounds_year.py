"""Meals for the elderly (issue 16): the share of meals brought by the familiar rider over a
simulated year of lunch rounds.

    .venv/bin/python benchmarks/meal_rounds_year.py [--elders 1000] [--canteens 6]
        [--riders 60] [--days 365] [--sick 0.02] [--leave-days 10] [--tired 0.1]
        [--iterations 60] [--seed 2026] [--rules putuo-2025] [--output meal_rounds_year]

The district is the one of benchmarks/meal_rounds.py (same layout from the same seed: each
rider the primary of one sector round the canteen and the backup of half of each
neighbouring sector). What changes from day to day is who works:

- each rider has one day off a week, neighbours on different days (rider i rests on day
  i mod 7), so an older person's backup is at work when the primary is not;
- each day a share `--sick` of the others is off sick;
- each rider takes `--leave-days` of annual leave in one block, starting on a day drawn
  for them;
- a share `--tired` has already worked 3 h 45 min (the rulebook makes them rest first).

Every day every canteen's lunch rounds are planned by `plan_rounds` with PyVRP, as the
platform does, and each meal is counted by who brings it: the primary rider, the backup
or another rider of the canteen. Prints and writes benchmarks/results/<output>.json and .md
with the year's shares, the worst day's, and the share by reason the primary was away.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import replace
from typing import Any

from gigcity.dispatch.meal_rounds import RoundRider, RoundsProblem, plan_rounds
from gigcity.dispatch.meal_rounds.pyvrp_solver import PyVRPSolver
from gigcity.rules import load_rulebook
from meal_rounds import KITCHEN_READY_S, RESULTS, EbikeOnLonLat, district
from reports_bench_support import machine


def _leave_starts(
    riders: list[str], days: int, leave_days: int, rng: random.Random
) -> dict[str, int]:
    """The first day of each rider's leave (none when the run is shorter than a leave)."""
    if days <= leave_days:
        return dict.fromkeys(riders, days)
    return {r: rng.randrange(days - leave_days) for r in riders}


def _why_away(
    rider: str, index: int, day: int, leave: dict[str, int], leave_days: int, sick: set[str]
) -> str | None:
    if day % 7 == index % 7:
        return "day_off"
    if leave[rider] <= day < leave[rider] + leave_days:
        return "leave"
    if rider in sick:
        return "sick"
    return None


def simulate(args: argparse.Namespace) -> dict[str, Any]:
    rulebook = load_rulebook(args.rules)
    travel = EbikeOnLonLat()
    solver = PyVRPSolver()
    layout = district(
        args.elders, args.canteens, args.riders, absent=0.0, tired=0.0, seed=args.seed
    )
    rng = random.Random(args.seed + 1)
    riders = [r.id for p in layout for r in p.riders]
    index = {r: int(r.rsplit("-r", 1)[1]) for r in riders}
    leave = _leave_starts(riders, args.days, args.leave_days, rng)
    totals = {"primary": 0, "backup": 0, "other": 0}
    unserved = 0
    away_counts = {"day_off": 0, "leave": 0, "sick": 0}
    worst_day = (1.0, -1)
    worst_minutes = 0.0
    started, cpu_started = time.perf_counter(), time.process_time()
    for day in range(args.days):
        sick = {r for r in riders if rng.random() < args.sick}
        day_counts = {"primary": 0, "backup": 0, "other": 0}
        for problem in layout:
            team: list[RoundRider] = []
            for rider in problem.riders:
                why = _why_away(rider.id, index[rider.id], day, leave, args.leave_days, sick)
                if why is None:
                    tired = rng.random() < args.tired
                    team.append(replace(rider, continuous_minutes_before=225.0 if tired else 0.0))
            at_work = {r.id for r in team}
            for stop in problem.stops:
                if stop.primary_rider not in at_work:
                    why = _why_away(
                        stop.primary_rider,
                        index[stop.primary_rider],
                        day,
                        leave,
                        args.leave_days,
                        sick,
                    )
                    away_counts[why or "sick"] += 1
            today = RoundsProblem(
                problem.canteen_at,
                KITCHEN_READY_S,
                problem.deadline_s,
                problem.stops,
                tuple(team),
            )
            plan = plan_rounds(
                today,
                travel,
                rulebook=rulebook,
                seed=args.seed + day,
                time_limit_s=5.0,
                iterations=args.iterations,
                solver=solver,
            )
            for r in plan.riders:
                for trip in r.trips:
                    for stop in trip.stops:
                        day_counts[stop.by] += 1
            unserved += len(problem.stops) - plan.meals_served
            worst_minutes = max(worst_minutes, plan.worst_minutes_from_kitchen)
        served_today = sum(day_counts.values())
        share_today = day_counts["primary"] / served_today if served_today else 1.0
        worst_day = min(worst_day, (share_today, day))
        for key, value in day_counts.items():
            totals[key] += value
        if (day + 1) % 30 == 0:
            print(
                f"day {day + 1}: primary share so far {totals['primary'] / sum(totals.values()):.4f}",
                flush=True,
            )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    served = sum(totals.values())
    meals = served + unserved
    return {
        "days": args.days,
        "canteens": args.canteens,
        "elders": args.elders,
        "riders": args.riders,
        "meals": meals,
        "meals_served": served,
        "unserved": unserved,
        "primary_share": round(totals["primary"] / served, 4),
        "backup_share": round(totals["backup"] / served, 4),
        "other_share": round(totals["other"] / served, 4),
        "worst_day_primary_share": round(worst_day[0], 4),
        "worst_day": worst_day[1] + 1,
        "worst_minutes_from_kitchen": round(worst_minutes, 2),
        "primary_away_by_reason": {k: round(v / meals, 4) for k, v in away_counts.items()},
        "elapsed_s": round(elapsed, 1),
        "cpu_s": round(cpu, 1),
    }


def markdown(result: dict[str, Any]) -> str:
    r = result["year"]
    away = r["primary_away_by_reason"]
    return "\n".join(
        [
            "# Familiar riders over a simulated year (issue 16)",
            "",
            f"Command: `{result['command']}`  ",
            f"Load before/after: {result['load_before']} / {result['load_after']}; "
            f"{result['machine']['cpu']}, Python {result['machine']['python']}, one process.",
            "",
            "| days | older people | canteens | riders | meals | served | primary | backup | "
            "other rider | worst day's primary | primary away: day off / leave / sick | "
            "worst min from kitchen | run |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            f"| {r['days']} | {r['elders']} | {r['canteens']} | {r['riders']} | {r['meals']} | "
            f"{r['meals_served']} | {100 * r['primary_share']:.1f} % | "
            f"{100 * r['backup_share']:.1f} % | {100 * r['other_share']:.1f} % | "
            f"{100 * r['worst_day_primary_share']:.1f} % (day {r['worst_day']}) | "
            f"{100 * away['day_off']:.1f} / {100 * away['leave']:.1f} / "
            f"{100 * away['sick']:.1f} % | {r['worst_minutes_from_kitchen']:.1f} | "
            f"{r['elapsed_s']:.0f} s |",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--elders", type=int, default=1000)
    parser.add_argument("--canteens", type=int, default=6)
    parser.add_argument("--riders", type=int, default=60)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sick", type=float, default=0.02)
    parser.add_argument("--leave-days", type=int, default=10)
    parser.add_argument("--tired", type=float, default=0.1)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rules", default="putuo-2025")
    parser.add_argument("--output", default="meal_rounds_year")
    args = parser.parse_args()
    load_before = machine()["load_average_1_5_15"]
    year = simulate(args)
    result = {
        "command": (
            f".venv/bin/python benchmarks/meal_rounds_year.py --elders {args.elders} "
            f"--canteens {args.canteens} --riders {args.riders} --days {args.days} "
            f"--sick {args.sick:g} --leave-days {args.leave_days} --tired {args.tired:g} "
            f"--iterations {args.iterations} --seed {args.seed} --rules {args.rules}"
        ),
        "year": year,
        "load_before": load_before,
        "load_after": machine()["load_average_1_5_15"],
        "machine": machine(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.output}.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / f"{args.output}.md").write_text(markdown(result))
    print(json.dumps(year))
    print(markdown(result))


if __name__ == "__main__":
    main()
