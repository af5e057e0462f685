"""Each headline difference of a comparison split into its causes, so that every number
that moves comes with its reason.

A difference B − A is split two ways, each adding up exactly to the difference:

- by clause: the attribution's one-clause-at-a-time effects, plus the interaction
  (everything together minus the sum of the single switches);
- by factor, for ratio measures: pay per active hour is pay ÷ on-order hours, cost per
  order is pay ÷ delivered orders. A midpoint (Shapley) split of a ratio R = P / H gives
  ΔR = ½ ΔP (1/H_A + 1/H_B) + ½ Δ(1/H) (P_A + P_B) exactly, whatever the signs; pay P is
  order pay − fines + top-ups, so the pay part splits linearly into those three. What the
  factors leave (the mean over riders is not the total ratio; rounding) is the residual.

The result keeps keys and numbers only; `report.explained_sentence` puts it into words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

HEADLINE: tuple[str, ...] = ("pay_per_hour_mean", "cost_per_order", "c2d_mean", "undelivered")
"""The measures whose differences are explained (compare.MEASURES keys)."""

PAY_PARTS: tuple[tuple[str, str, float], ...] = (
    ("order_pay", "order_pay_fen", 1.0),
    ("fines", "fines_fen", -1.0),
    ("top_up", "top_up_fen", 1.0),
)
"""(factor, pay field, sign): pay = order pay − fines + top-ups, in fen."""

DENOMINATORS: dict[str, str] = {
    "pay_per_hour_mean": "active_hours",
    "cost_per_order": "delivered",
}
"""Ratio measures (pay ÷ denominator): the denominator's figure, also its factor's name
(`pay.active_hours`: on-order hours; `orders.delivered`)."""


@dataclass(frozen=True, slots=True)
class Ratio:
    """A ratio's numerator parts and denominator on one side."""

    parts: Mapping[str, float]
    denominator: float

    @property
    def numerator(self) -> float:
        return sum(self.parts.values())


def split_ratio(a: Ratio, b: Ratio, denominator: str) -> dict[str, float]:
    """The change of Σparts / denominator from a to b as one effect per part plus one for
    the denominator (midpoint split; the effects add up exactly to the change)."""
    if a.denominator <= 0 or b.denominator <= 0:
        raise ValueError("a ratio's denominator must be positive on both sides")
    inverse = 0.5 * (1.0 / a.denominator + 1.0 / b.denominator)
    effects = {key: (b.parts[key] - a.parts[key]) * inverse for key in a.parts}
    effects[denominator] = (
        0.5 * (1.0 / b.denominator - 1.0 / a.denominator) * (a.numerator + b.numerator)
    )
    return effects


def _ratio(figures: Mapping[str, Any], measure: str) -> Ratio | None:
    """The measure as pay (¥, by part) over its denominator, or None if unknown or empty."""
    field = DENOMINATORS[measure]
    pay = figures.get("pay", {})
    source = figures.get("orders", {}) if field == "delivered" else pay
    denominator = source.get(field)
    if denominator is None or any(pay.get(f) is None for _, f, _ in PAY_PARTS):
        return None  # a result stored before the figure existed
    if float(denominator) <= 0:
        return None
    parts = {key: sign * float(pay[f]) / 100.0 for key, f, sign in PAY_PARTS}
    return Ratio(parts, float(denominator))


def by_factor(
    measure: str, difference: float, figures: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any] | None:
    """A ratio measure's difference B − A by factor (`figures["a"]`, `figures["b"]`: the
    evaluator's figures, or at least their `pay` parts and `orders.delivered`), the residual
    being what the factors leave; None for a measure that is no ratio or a side without
    the figures."""
    if measure not in DENOMINATORS:
        return None
    a, b = _ratio(figures["a"], measure), _ratio(figures["b"], measure)
    if a is None or b is None:
        return None
    name = DENOMINATORS[measure]
    effects = split_ratio(a, b, name)
    return {
        "numerator": {"a": round(a.numerator, 4), "b": round(b.numerator, 4)},
        "denominator": {"key": name, "a": a.denominator, "b": b.denominator},
        "effects": {k: round(v, 6) for k, v in effects.items()},
        "residual": round(difference - sum(effects.values()), 6),
    }


def _clauses(
    measure: str,
    difference: float,
    groups: Sequence[Sequence[str]],
    values: Mapping[str, Mapping[str, float | None]],
) -> dict[str, Any] | None:
    if not groups:
        return None
    base = values["a"][measure]
    effects: list[float | None] = []
    for index in range(len(groups)):
        mine = values[f"switch{index}"][measure]
        effects.append(None if base is None or mine is None else round(mine - base, 6))
    rows = [
        {"clauses": list(group), "effect": effect}
        for group, effect in zip(groups, effects, strict=True)
    ]
    total = sum(e or 0.0 for e in effects)
    return {"rows": rows, "interaction": round(difference - total, 6)}


def largest_cause(entry: Mapping[str, Any]) -> dict[str, Any] | None:
    """The part of the difference with the largest size: a factor if the measure has
    factors (the residual included), else a clause group or the interaction."""
    factors = entry.get("factors")
    if factors:
        parts = [("factor", k, v) for k, v in factors["effects"].items()]
        parts.append(("residual", None, factors["residual"]))
        kind, key, effect = max(parts, key=lambda p: abs(p[2]))
        return {"kind": kind, "key": key, "effect": effect}
    return largest_clause(entry)


def largest_clause(entry: Mapping[str, Any]) -> dict[str, Any] | None:
    """The clause group (or the interaction) with the largest effect, or None."""
    clauses = entry.get("clauses")
    if not clauses:
        return None
    parts: list[tuple[str, list[str] | None, float]] = [
        ("clause", r["clauses"], r["effect"]) for r in clauses["rows"] if r["effect"] is not None
    ]
    parts.append(("interaction", None, clauses["interaction"]))
    kind, group, effect = max(parts, key=lambda p: abs(p[2]))
    return {"kind": kind, "clauses": group, "effect": effect}


def explain(
    table: Sequence[Mapping[str, Any]],
    figures: Mapping[str, Mapping[str, Any]],
    groups: Sequence[Sequence[str]] = (),
    values: Mapping[str, Mapping[str, float | None]] | None = None,
) -> dict[str, Any]:
    """Every headline difference of a comparison split by clause (`groups` and `values`:
    the switched clause groups and each variant's measure values, as `compare` has them)
    and, for ratio measures, by factor."""
    rows = {row["key"]: row for row in table}
    measures = []
    for key in HEADLINE:
        row = rows.get(key)
        if row is None or row["difference"] is None:
            continue
        difference = float(row["difference"])
        entry: dict[str, Any] = {
            "key": key,
            "unit": row["unit"],
            "a": row["a"],
            "b": row["b"],
            "difference": difference,
            "factors": by_factor(key, difference, figures),
            "clauses": _clauses(key, difference, groups, values) if values else None,
        }
        entry["largest"] = largest_cause(entry)
        entry["largest_clause"] = largest_clause(entry)
        measures.append(entry)
    return {"measures": measures}
