"""Each difference at equal service split into the rules' part and the fleet's part.

At equal service B runs its own answer fleet and A its own, so B − A mixes what the rules do
with the riders B adds. With common random numbers the split is exact, day by day:

    B(n_B) − A(n_A) = [B(n_A) − A(n_A)]  +  [B(n_B) − B(n_A)]
                       rules: the same riders   fleet: the riders B adds (or takes away)

n_A and n_B being each rulebook's answer on that day (the most riders tried where the target
was not met). B(n_A) is B on A's answer fleet, the same day: often simulated by B's search
already, else by `equal_service` for this split. The rules part of a ratio measure (pay per
active hour, cost per order) splits further by factor as an ordinary comparison's does
(`explain.by_factor`: order pay, fines, top-ups, on-order hours or orders delivered, and the
residual). Over the days each part is the mean of the days' parts, so the parts still add up
to the difference of the means.

Keys and numbers only; `equal_service_report` puts them into words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gigcity.sim.scenarios.explain import DENOMINATORS, by_factor

SPLIT: tuple[tuple[str, str], ...] = (
    ("pay_per_hour_mean", "¥/h"),
    ("cost_per_order", "¥"),
    ("c2d_p90", "min"),
    ("c2d_mean", "min"),
    ("undelivered", "share"),
    ("rider_hours", "h"),
    ("worked_hours", "h"),
)
"""(measure, unit): the differences split, keys of the equal-service table (`ROWS`)."""

PARTS: tuple[str, ...] = ("rules", "fleet")

Values = Mapping[str, float | None]


def _figures(values: Values) -> dict[str, Any]:
    """What `explain.by_factor` reads, from a day's kept values (`equal_service._compact`)."""
    return {
        "pay": {
            field: values.get(field)
            for field in ("order_pay_fen", "fines_fen", "top_up_fen", "active_hours")
        },
        "orders": {"delivered": values.get("delivered")},
    }


def _difference(low: float | None, high: float | None) -> float | None:
    return None if low is None or high is None else round(high - low, 6)


def split_day(a: Values, b_same: Values, b: Values) -> dict[str, dict[str, Any]]:
    """One day's split, per measure of `SPLIT`: A at its answer (`a`), B at A's answer fleet
    (`b_same`) and B at its own (`b`); a part is None where a figure is missing."""
    measures = {}
    for key, _ in SPLIT:
        difference = _difference(a.get(key), b.get(key))
        rules = _difference(a.get(key), b_same.get(key))
        fleet = None if difference is None or rules is None else round(difference - rules, 6)
        entry: dict[str, Any] = {
            "a": a.get(key),
            "b_same_fleet": b_same.get(key),
            "b": b.get(key),
            "difference": difference,
            "rules": rules,
            "fleet": fleet,
            "rules_factors": None,
            "fleet_factors": None,
        }
        if key in DENOMINATORS and rules is not None and fleet is not None:
            entry["rules_factors"] = by_factor(
                key, rules, {"a": _figures(a), "b": _figures(b_same)}
            )
            entry["fleet_factors"] = by_factor(
                key, fleet, {"a": _figures(b_same), "b": _figures(b)}
            )
        measures[key] = entry
    return measures


def _mean(values: Sequence[float]) -> float:
    return round(float(np.mean(values)), 6)


def _mean_factors(days: Sequence[Mapping[str, Any] | None]) -> dict[str, Any] | None:
    """The days' factor splits averaged (None unless every day has one): the effects and
    the residual still add up to the mean part."""
    if not days or any(day is None for day in days):
        return None
    present = [day for day in days if day is not None]
    return {
        "effects": {
            key: _mean([day["effects"][key] for day in present]) for key in present[0]["effects"]
        },
        "residual": _mean([day["residual"] for day in present]),
    }


def largest_part(rules: float | None, fleet: float | None) -> str | None:
    """Which part moves the measure more, `rules` or `fleet` (None: neither moves it)."""
    if rules is None or fleet is None or (rules == 0 and fleet == 0):
        return None
    return "rules" if abs(rules) >= abs(fleet) else "fleet"


def _largest_factor(factors: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not factors:
        return None
    parts = [("factor", k, v) for k, v in factors["effects"].items()]
    parts.append(("residual", None, factors["residual"]))
    kind, key, effect = max(parts, key=lambda p: abs(p[2]))
    return {"kind": kind, "key": key, "effect": effect}


def split_equal_service(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    same_fleet: Mapping[int, Values],
    sources: Mapping[int, str],
) -> dict[str, Any]:
    """The split of every difference of `SPLIT`, per day and over the days.

    `a` and `b` are `equal_service`'s sides (their `per_seed` answers with the day's
    `values` and `rider_hours`), `same_fleet` B's values on A's answer fleet of each seed,
    `sources` where that day came from (`shared`: B dispatches as A, the same day as A's
    answer; `searched`: B's search simulated it; `added`: simulated for this split)."""
    per_seed = []
    for sa, sb in zip(a["per_seed"], b["per_seed"], strict=True):
        seed = sa["seed"]
        riders_a = sa["riders"] if sa["met"] else sa["largest_tried"]
        riders_b = sb["riders"] if sb["met"] else sb["largest_tried"]
        # Shifts depend on the fleet alone: B on A's fleet rosters A's rider-hours.
        va = {**sa["values"], "rider_hours": sa["rider_hours"]}
        vs = {**same_fleet[seed], "rider_hours": sa["rider_hours"]}
        vb = {**sb["values"], "rider_hours": sb["rider_hours"]}
        per_seed.append(
            {
                "seed": seed,
                "riders": {"a": riders_a, "b": riders_b},
                "same_fleet_day": sources[seed],
                "measures": split_day(va, vs, vb),
            }
        )
    measures = []
    for key, unit in SPLIT:
        days = [
            s["measures"][key] for s in per_seed if s["measures"][key]["difference"] is not None
        ]
        days = [d for d in days if d["rules"] is not None]
        entry: dict[str, Any] = {"key": key, "unit": unit, "days": len(days)}
        if days:
            entry |= {name: _mean([d[name] for d in days]) for name in ("a", "b_same_fleet", "b")}
            entry["difference"] = _mean([d["difference"] for d in days])
            entry["rules"] = _mean([d["rules"] for d in days])
            entry["fleet"] = round(entry["difference"] - entry["rules"], 6)
            entry["rules_factors"] = _mean_factors([d["rules_factors"] for d in days])
            entry["fleet_factors"] = _mean_factors([d["fleet_factors"] for d in days])
        else:
            entry |= dict.fromkeys(
                ("a", "b_same_fleet", "b", "difference", "rules", "fleet", "rules_factors",
                 "fleet_factors"),
            )  # fmt: skip
        entry["largest"] = largest_part(entry["rules"], entry["fleet"])
        entry["largest_rules_factor"] = _largest_factor(entry["rules_factors"])
        measures.append(entry)
    hours = {m["key"]: m for m in measures}
    return {
        "measures": measures,
        "fleet": {
            "riders_added": _mean([s["riders"]["b"] - s["riders"]["a"] for s in per_seed]),
            "shift_hours_added": hours["rider_hours"]["fleet"],
            "worked_hours_added": hours["worked_hours"]["fleet"],
        },
        "added_days": sum(1 for s in per_seed if s["same_fleet_day"] == "added"),
        "per_seed": per_seed,
    }
