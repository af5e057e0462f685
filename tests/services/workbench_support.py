"""A workbench engine that answers at once, without the simulator: the workbench service's
tests and the tests of services that start runs on it (concerns) share it.

`canned_compare` records each call in `CALLS` and the wording it was given in `WORDING`,
reports progress twice, and fails on seed 13; `canned_equal_service` (an equal-service
search) records its calls in `EQUAL_CALLS`, reports each phase, and fails on seed 13 too."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gigcity.rules import Rulebook
from gigcity.services.workbench import Progress

CALLS: list[tuple[Any, ...]] = []
WORDING: list[list[dict[str, str]]] = []


@dataclass(frozen=True)
class Canned:
    result: dict[str, Any]
    plots: list[dict[str, str]]
    html: str


def canned_compare(
    scenario: str,
    seed: int,
    orders: int,
    rules_a: Rulebook,
    rules_b: Rulebook,
    *,
    attribution: bool,
    progress: Progress,
    wording: Sequence[Mapping[str, str]] = (),
) -> Canned:
    CALLS.append((scenario, seed, orders, rules_a.ref, rules_b.ref, attribution))
    WORDING.append([dict(text) for text in wording])
    progress(1, 2, rules_a.ref)
    progress(2, 2, rules_b.ref)
    if seed == 13:
        raise RuntimeError("the engine gave up")
    result = {
        "rulebooks": {"a": rules_a.ref, "b": rules_b.ref},
        "scenario": {"spec": f"{scenario}:{seed}"},
        "yardstick": {"hourly_fen": 2500},
        "table": [{"key": "c2d_mean", "a": 30.0, "b": 31.0}],
        "attribution": None,
    }
    return Canned(result, [{"id": "c2d", "title": "Click-to-door", "svg": "<svg/>"}], "<p>ok</p>")


EQUAL_CALLS: list[dict[str, Any]] = []


def canned_side(key: str, ref: str, riders: list[int], start: int) -> dict[str, Any]:
    """One rulebook's equal-service answer as the engine stores it (met on every day)."""
    per_seed = [
        {"seed": s, "met": True, "riders": n, "largest_tried": None, "start": start,
         "rider_hours": 8.0 * n, "tried": [start, n], "values": {"cost_per_order": 6.0 + s}}
        for s, n in enumerate(riders)
    ]  # fmt: skip
    return {
        "key": key, "rulebook": ref, "met": True, "riders": max(riders), "start": start,
        "factor": round(max(riders) / start, 4),
        "spread": {"min": min(riders), "max": max(riders), "std": 0.5, "half_range_share": 0.01},
        "rider_hours": 8.0 * max(riders), "figures": {"cost_per_order": 6.5},
        "per_seed": per_seed,
    }  # fmt: skip


def canned_equal_service(
    scenario: str,
    seed: int,
    orders: int,
    rules_a: Rulebook,
    rules_b: Rulebook,
    *,
    seeds: int,
    target_undelivered_share: float | None,
    target_p90_min: float | None,
    who_gains: bool,
    progress: Callable[[str, int, int], None],
    wording: Sequence[Mapping[str, str]] = (),
) -> Canned:
    """An equal-service answer at once: A needs 10 riders, B 12 (11–12 over the days)."""
    EQUAL_CALLS.append(
        {"scenario": scenario, "seed": seed, "orders": orders, "a": rules_a.ref,
         "b": rules_b.ref, "seeds": seeds, "target_undelivered_share": target_undelivered_share,
         "target_p90_min": target_p90_min, "who_gains": who_gains}
    )  # fmt: skip
    WORDING.append([dict(text) for text in wording])
    progress("searching", 1, 2)
    progress("searching", 2, 4)
    if who_gains:
        progress("who_gains", 2, 4)
    progress("drawing", 2, 4)
    if seed == 13:
        raise RuntimeError("the search gave up")
    b_riders = [12, 11, 12][:seeds]
    result: dict[str, Any] = {
        "kind": "equal_service",
        "scenario": f"{scenario}, {orders} orders",
        "rulebooks": {"a": rules_a.ref, "b": rules_b.ref},
        "seeds": list(range(seed, seed + seeds)),
        "target": {
            "undelivered_share": target_undelivered_share or 0.0,
            "click_to_door_p90_min": target_p90_min or 40.0,
            "source": "given" if target_p90_min and target_undelivered_share is not None
            else "baseline-2024@1 on each day's own fleet",
            "per_seed": [],
        },
        "a": canned_side("a", rules_a.ref, [10] * seeds, 10),
        "b": canned_side("b", rules_b.ref, b_riders, 10),
        "table": [
            {"key": "riders", "label": "Riders needed", "unit": "riders", "a": 10.0,
             "b": 12.0, "difference": 2.0, "a_range": None, "b_range": [11.0, 12.0]},
            {"key": "cost_per_order", "label": "Cost per delivered order", "unit": "¥",
             "a": 6.0, "b": 6.5, "difference": 0.5, "a_range": None, "b_range": None},
            {"key": "below_guarantee", "label": "Below", "unit": "share", "a": 0.1,
             "b": 0.05, "difference": -0.05, "a_range": None, "b_range": None},
        ],
        "simulated_days": 4,
        "split": {
            "measures": [
                {"key": "cost_per_order", "unit": "¥", "days": seeds, "a": 6.0,
                 "b_same_fleet": 6.6, "b": 6.5, "difference": 0.5, "rules": 0.6,
                 "fleet": -0.1, "largest": "rules"},
                {"key": "rider_hours", "unit": "h", "days": seeds, "a": 80.0,
                 "b_same_fleet": 80.0, "b": 96.0, "difference": 16.0, "rules": 0.0,
                 "fleet": 16.0, "largest": "fleet"},
            ],
            "fleet": {"riders_added": 2.0, "shift_hours_added": 16.0, "worked_hours_added": 3.0},
            "added_days": 1,
            "per_seed": [],
        },
        # Each language's sentence from its own words (the engine's are the simulator's).
        "explained_text": {
            text["lang"]: [{"key": "rider_hours", "sentence":
                            f"{text['row.rider_hours']}: {text['split.part_fleet']}"}]
            for text in wording if text.get("lang")
        },
    }  # fmt: skip
    plots = []
    if who_gains:
        result["who_gains"] = {
            "rulebooks": result["rulebooks"], "seeds": result["seeds"],
            "fleets": {"a": [10] * seeds, "b": b_riders}, "tolerance_fen": 100,
            "reference_hourly_fen": 2500, "continuous_work_limit_min": 240,
            "distributions": {
                "pay": {"unit": "¥", "riders_who_worked_only": False,
                        "a": {"count": 10, "mean": 120.0, "p10": 80.0, "p50": 120.0, "p90": 160.0, "gini": 0.15},
                        "b": {"count": 12, "mean": 110.0, "p10": 70.0, "p50": 110.0, "p90": 150.0, "gini": 0.2}},
            },
            "compared": 10, "verdicts": {"gains": 3, "same": 1, "loses": 6},
            "reasons": [
                {"reason": "rests", "riders": 4, "lost": 80.0, "lost_mean": 20.0},
                {"reason": "fines", "riders": 2, "lost": 10.0, "lost_mean": 5.0},
            ],
            "only_in": {"a": 0, "b": 2}, "losers": [], "simulated_days": 0,
        }  # fmt: skip
        for text in wording or ({},):
            plot = {
                "id": "who_pay",
                "title": text.get("plot.who_pay", "Daily pay"),
                "svg": "<svg/>",
            }
            plots.append({**plot, "lang": text["lang"]} if text.get("lang") else plot)
    return Canned(result, plots, "<p>equal</p>")


class OneDayEngine:
    """Offers only the weekday, compares with `canned_compare` and searches for equal
    service with `canned_equal_service`."""

    compare = staticmethod(canned_compare)
    equal_service = staticmethod(canned_equal_service)

    def scenario_names(self) -> Sequence[str]:
        return ("putuo-weekday",)
