"""The same day under two rulebooks, side by side, and which clause made which difference.

Attribution switches the changed clauses from A to B one at a time (clauses that are only
valid together are switched together) and measures each switch against A. The day is
simulated once per distinct set of dispatch clauses; pay, fines, points and promises are
re-priced for every variant, so attributing a dozen pricing clauses costs little.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gigcity.rules import Rulebook, diff_rulebooks
from gigcity.sim.scenarios.clauses import (
    clause_value,
    dispatch_signature,
    switch_groups,
    switched,
)
from gigcity.sim.scenarios.evaluate import Yardstick, yardstick
from gigcity.sim.scenarios.explain import explain
from gigcity.sim.scenarios.runner import (
    DayTask,
    Progress,
    ScenarioSpec,
    load_scenario,
    run_tasks,
)
from gigcity.sim.scenarios.simulate import SimulationSettings


@dataclass(frozen=True, slots=True)
class Measure:
    key: str
    label: str
    unit: str
    better: str
    """"lower", "higher" or "" (neither)."""
    read: Callable[[dict[str, Any]], float | None]


def _get(*path: str, scale: float = 1.0) -> Callable[[dict[str, Any]], float | None]:
    def read(figures: dict[str, Any]) -> float | None:
        value: Any = figures
        for part in path:
            value = value[part]
        return None if value is None else float(value) * scale

    return read


MEASURES: tuple[Measure, ...] = (
    Measure("pay_per_hour_mean", "Rider pay per active hour, mean", "¥/h", "higher",
            _get("pay", "per_active_hour", "mean")),
    Measure("pay_per_hour_p10", "Rider pay per active hour, 10th percentile", "¥/h", "higher",
            _get("pay", "per_active_hour", "p10")),
    Measure("pay_gini", "Gini of pay per active hour", "", "lower",
            _get("pay", "gini_per_active_hour")),
    Measure("below_guarantee", "Riders below the hourly guarantee before top-up", "share", "lower",
            _get("pay", "below_guarantee_before_top_up_share")),
    Measure("top_up", "Top-ups to the hourly minimum", "¥", "", _get("pay", "top_up_fen", scale=0.01)),
    Measure("fines", "Fines", "¥", "lower", _get("pay", "fines_fen", scale=0.01)),
    Measure("riders_fined", "Riders fined", "riders", "lower", _get("score", "riders_fined")),
    Measure("points", "Service-score points", "points", "higher", _get("score", "points_total")),
    Measure("rest_breaches", "Rest breaches (continuous work over the limit)", "stretches",
            "lower", _get("rest", "breaches")),
    Measure("longest_work", "Longest continuous work", "min", "lower",
            _get("rest", "longest_continuous_work_min")),
    Measure("rest_day_worked", "Riders due a rest day who worked", "riders", "lower",
            _get("rest", "rest_day_due_but_worked")),
    Measure("hours_beyond", "Hours worked beyond the daily threshold", "h", "",
            _get("hours", "hours_beyond")),
    Measure("hours_unconfirmed", "…of them without the rider's confirmation", "h", "lower",
            _get("hours", "hours_beyond_unconfirmed")),
    Measure("c2d_mean", "Click-to-door, mean", "min", "lower", _get("click_to_door_min", "mean")),
    Measure("c2d_p90", "Click-to-door, 90th percentile", "min", "lower",
            _get("click_to_door_min", "p90")),
    Measure("on_time", "On time (by the rulebook's own promise)", "share", "higher",
            _get("on_time_share")),
    Measure("on_route", "Combined orders genuinely on the way", "share", "higher",
            _get("on_route", "rate")),
    Measure("cost_per_order", "Platform cost per order (rider pay)", "¥", "lower",
            _get("pay", "cost_per_order_fen", scale=0.01)),
    Measure("undelivered", "Undelivered orders", "share", "lower",
            _get("orders", "undelivered_share")),
)  # fmt: skip
ATTRIBUTED = (
    "cost_per_order",
    "pay_per_hour_mean",
    "below_guarantee",
    "fines",
    "points",
    "rest_breaches",
    "hours_unconfirmed",
    "c2d_mean",
    "on_time",
    "on_route",
)
MEASURE_BY_KEY = {m.key: m for m in MEASURES}


def measure_values(figures: dict[str, Any]) -> dict[str, float | None]:
    return {m.key: m.read(figures) for m in MEASURES}


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(b - a, 6)


def compare(
    spec: ScenarioSpec,
    a: Rulebook,
    b: Rulebook,
    *,
    attribution: bool = True,
    workers: int = 1,
    ray_address: str | None = None,
    progress: Progress | None = None,
    settings: SimulationSettings | None = None,
) -> dict[str, Any]:
    """Replay the day of `spec` under `a` and `b` (and, with `attribution`, under a with each
    changed clause of b); the result is plain JSON-ready data."""
    stick = yardstick([a, b])
    variants: list[tuple[str, Rulebook]] = [("a", a), ("b", b)]
    groups = switch_groups(a, b) if attribution else []
    for index, group in enumerate(groups):
        variants.append((f"switch{index}", switched(a, b, group)))
    tasks = _tasks(spec, variants, stick, settings or SimulationSettings())
    results: dict[str, dict[str, Any]] = {}
    for outcome in run_tasks(tasks, workers=workers, ray_address=ray_address, progress=progress):
        results.update(outcome)

    scenario = load_scenario(spec)
    values = {key: measure_values(figures) for key, figures in results.items()}
    table = [
        {
            "key": m.key,
            "label": m.label,
            "unit": m.unit,
            "better": m.better,
            "a": values["a"][m.key],
            "b": values["b"][m.key],
            "difference": _difference(values["a"][m.key], values["b"][m.key]),
        }
        for m in MEASURES
    ]
    return {
        "scenario": scenario_summary(spec),
        "rulebooks": {"a": a.ref, "b": b.ref},
        "yardstick": {
            "rest": stick.fatigue.ref,
            "on_route": stick.on_route.ref if stick.on_route else None,
            "daily_min": stick.daily_min,
            "hourly_fen": stick.hourly_fen,
        },
        "table": table,
        "clauses": [row.model_dump() for row in diff_rulebooks(a, b) if row.changed],
        "attribution": _attribution(a, b, groups, values) if attribution else None,
        "explained": explain(table, results, groups, values),
        "figures": {"a": results["a"], "b": results["b"]},
        "simulated_days": len(tasks),
        "orders": len(scenario.instance.orders),
    }


def _tasks(
    spec: ScenarioSpec,
    variants: list[tuple[str, Rulebook]],
    stick: Yardstick,
    settings: SimulationSettings,
) -> list[DayTask]:
    by_signature: dict[str, list[tuple[str, Rulebook]]] = {}
    for key, rulebook in variants:
        by_signature.setdefault(dispatch_signature(rulebook), []).append((key, rulebook))
    return [
        DayTask(
            spec=spec,
            dispatch=group[0][1],
            judged=tuple(group),
            stick=stick,
            series=frozenset({"a", "b"}),
            settings=settings,
        )
        for group in by_signature.values()
    ]


def _attribution(
    a: Rulebook,
    b: Rulebook,
    groups: list[tuple[str, ...]],
    values: dict[str, dict[str, float | None]],
) -> dict[str, Any]:
    base = values["a"]
    rows = []
    sums: dict[str, float] = dict.fromkeys(ATTRIBUTED, 0.0)
    for index, group in enumerate(groups):
        mine = values[f"switch{index}"]
        effects = {key: _difference(base[key], mine[key]) for key in ATTRIBUTED}
        for key, effect in effects.items():
            sums[key] += effect or 0.0
        rows.append(
            {
                "clauses": list(group),
                "a": [clause_value(a, c) for c in group],
                "b": [clause_value(b, c) for c in group],
                "effects": effects,
            }
        )
    total = {key: _difference(base[key], values["b"][key]) for key in ATTRIBUTED}
    return {
        "measures": list(ATTRIBUTED),
        "rows": rows,
        "sum_of_effects": {k: round(v, 6) for k, v in sums.items()},
        "all_together": total,
        "interaction": {
            key: None if total[key] is None else round((total[key] or 0.0) - sums[key], 6)
            for key in ATTRIBUTED
        },
    }


def scenario_summary(spec: ScenarioSpec) -> dict[str, Any]:
    scenario = load_scenario(spec)
    instance = scenario.instance
    kinds: dict[str, int] = {}
    for rider in scenario.riders.values():
        kinds[rider.kind] = kinds.get(rider.kind, 0) + 1
    details = list(scenario.orders.values())
    count = max(len(details), 1)
    return {
        "spec": spec.describe(),
        "name": scenario.name,
        "kind": scenario.kind,
        "seed": scenario.seed,
        "instance": instance.name,
        "orders": len(instance.orders),
        "merchants": len(instance.restaurants),
        "riders": len(instance.couriers),
        "rider_kinds": dict(sorted(kinds.items())),
        "areas": list(scenario.areas),
        "walk_up_share": round(sum(1 for d in details if not d.has_lift) / count, 4),
        "old_estate_share": round(sum(1 for d in details if d.old_estate) / count, 4),
        "overweight_share": round(sum(1 for d in details if d.weight_g > 5000) / count, 4),
        "bulky_share": round(sum(1 for d in details if d.bulky) / count, 4),
        "merchant_delay_share": round(sum(1 for d in details if d.prep_delay_min) / count, 4),
        "rest_day_due": sum(1 for r in scenario.riders.values() if r.days_worked_before >= 6),
        "weather_alerts": [
            {"start_min": w.start_min, "end_min": w.end_min, "level": w.level}
            for w in scenario.weather
        ],
        "closures": len(scenario.closures),
    }
