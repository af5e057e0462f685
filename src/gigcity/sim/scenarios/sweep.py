"""A grid of clause values times seeds: the trade-off a negotiator sees as a clause moves.

Every grid point is the base rulebook with the given clause values. Points that leave the
dispatch clauses alone (pay, fines, promises) share one simulated day per seed, so a sweep
of the stair fee simulates each seed's day once and re-prices it for every value.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from typing import Any

import numpy as np

from gigcity.rules import Rulebook
from gigcity.sim.scenarios.clauses import dispatch_signature, with_clauses
from gigcity.sim.scenarios.compare import measure_values
from gigcity.sim.scenarios.evaluate import Yardstick, yardstick
from gigcity.sim.scenarios.runner import DayTask, Progress, ScenarioSpec, run_tasks
from gigcity.sim.scenarios.simulate import SimulationSettings


def _day_tasks(
    base: ScenarioSpec,
    variants: list[Rulebook],
    seeds: list[int],
    stick: Yardstick,
    settings: SimulationSettings | None,
) -> list[DayTask]:
    """Per seed, one simulated day per dispatch signature, judged under each of its variants."""
    tasks: list[DayTask] = []
    for seed in seeds:
        spec = replace(base, seed=seed)
        groups: dict[str, list[tuple[str, Rulebook]]] = {}
        for index, variant in enumerate(variants):
            groups.setdefault(dispatch_signature(variant), []).append((f"{index}@{seed}", variant))
        tasks += [
            DayTask(
                spec, group[0][1], tuple(group), stick, settings=settings or SimulationSettings()
            )
            for group in groups.values()
        ]
    return tasks


def _grid_point(
    clauses: list[str],
    combo: tuple[Any, ...],
    per_seed: list[dict[str, float | None]],
) -> dict[str, Any]:
    """One setting of the grid: its measures per seed, their mean and standard deviation."""
    keys = per_seed[0].keys()
    mean: dict[str, float | None] = {}
    std: dict[str, float | None] = {}
    for key in keys:
        values = [x for x in (v[key] for v in per_seed) if x is not None]
        mean[key] = round(float(np.mean(values)), 6) if values else None
        std[key] = round(float(np.std(values)), 6) if values else None
    return {
        "setting": dict(zip(clauses, combo, strict=True)),
        "label": ", ".join(
            f"{c.split('.')[-1]}={json.dumps(v)}" for c, v in zip(clauses, combo, strict=True)
        ),
        "seeds": len(per_seed),
        "values": per_seed,
        "mean": mean,
        "std": std,
    }


def sweep(
    base: ScenarioSpec,
    rulebook: Rulebook,
    grid: list[tuple[str, list[Any]]],
    seeds: list[int],
    *,
    workers: int = 1,
    ray_address: str | None = None,
    progress: Progress | None = None,
    settings: SimulationSettings | None = None,
) -> dict[str, Any]:
    """Run the grid (clause, values) x seeds; every rulebook is validated before anything runs."""
    clauses = [path for path, _ in grid]
    combos = list(itertools.product(*(values for _, values in grid)))
    variants = [with_clauses(rulebook, dict(zip(clauses, combo, strict=True))) for combo in combos]
    stick = yardstick([rulebook])
    seeds = [base.seed] if base.path else seeds
    tasks = _day_tasks(base, variants, seeds, stick, settings)
    found: dict[str, dict[str, Any]] = {}
    for outcome in run_tasks(tasks, workers=workers, ray_address=ray_address, progress=progress):
        found.update(outcome)
    points = [
        _grid_point(clauses, combo, [measure_values(found[f"{index}@{seed}"]) for seed in seeds])
        for index, combo in enumerate(combos)
    ]
    return {
        "rulebook": rulebook.ref,
        "scenario": base.describe()
        if base.path
        else f"{base.name}, {base.orders or 'full-size'} orders",
        "clauses": clauses,
        "seeds": seeds,
        "points": points,
        "simulated_days": len(tasks),
    }
