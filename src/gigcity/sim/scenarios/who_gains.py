"""Who gains: per-rider pay, hours and rests under both rulebooks at equal service.

An equal-service result names each rulebook's answer fleet per seed. This reads every rider
of those days (kept by the search when asked, else simulated again: one task per fleet and
seed, inline, in processes or on Ray): daily pay (after fines and top-up), pay per active
hour, hours worked, longest continuous work and the rests taken. The distributions of both
rulebooks come with p10, p50, p90 and the Gini coefficient.

Fleets nest (`fleet.scale_fleet`), so the smaller fleet's riders are the larger one's with
the same ids: riders present under both are matched by id, the rest are counted as only in
one fleet. A matched rider's change of pay splits exactly into five parts (fen):

    hours     (w_B - w_A) * r_A * p_A        fewer (or more) hours worked
    pace      (n_B - n_A) * p_A - hours      fewer orders per hour worked
    rate      n_B * (p_B - p_A)              lower pay per order (the pay clauses)
    fines     -(f_B - f_A)                   more fines
    top_up    t_B - t_A                      a smaller top-up to the hourly guarantee

with w hours worked, n orders delivered, r = n / w orders per hour worked, p = order pay / n,
f fines and t top-up (a side with no orders takes the other side's p and r, so the parts
still add up). A rider earns less under B when their pay falls by more than `tolerance_fen`;
the main reason is the most negative part. When it is `hours`, the first of these that applies is the reason:

- rest day: B requires a weekly rest day, the rider is due one (6 days worked before) and
  worked nothing under B;
- daily limit: B asks before work beyond D minutes a day, the rider would not confirm, and
  at least half the minutes lost are minutes A worked beyond max(D, B's own);
- rests: the rider took more rests under B (breaks of at least the rest length), or more
  minutes of rest after long work (after at least `REST_DUE_AFTER_MIN` of continuous work,
  or the stricter limit if shorter, each counted up to the rest length): a rest costs its
  own minutes and the orders that went to others meanwhile;
- else less work: the rider was on shift but fewer orders came their way (at equal service
  mostly because more riders share the day's orders).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from gigcity.rules import Rulebook
from gigcity.sim.charts import svg_chart
from gigcity.sim.labour import fatigue_stretches
from gigcity.sim.scenarios.clauses import dispatch_signature
from gigcity.sim.scenarios.evaluate import DayFacts, rider_pay, union_s, yardstick
from gigcity.sim.scenarios.fleet import fleet_factor
from gigcity.sim.scenarios.report import COLOURS, Draw, histogram_overlay, markdown_table
from gigcity.sim.scenarios.runner import (
    DayTask,
    Progress,
    ScenarioSpec,
    judge_task,
    load_scenario,
    run_tasks,
    simulate_task,
)
from gigcity.sim.scenarios.simulate import SimulationSettings
from gigcity.sim.stats import describe, gini

REST_DUE_AFTER_MIN = 150.0
"""A break after this much continuous work counts as a rest the rules call for: the
simulator's riders rest early from 150 min when their area is quiet (`SimulationSettings`)."""
DEFAULT_TOLERANCE_FEN = 100
"""A rider whose pay moves by at most ¥1 earns about the same."""

REASONS: tuple[str, ...] = (
    "rest_day",
    "daily_limit",
    "rests",
    "less_work",
    "fewer_orders_per_hour",
    "lower_pay_per_order",
    "fines",
    "less_top_up",
)
PARTS: tuple[str, ...] = ("hours", "pace", "rate", "fines", "top_up")
_PART_REASON = {
    "pace": "fewer_orders_per_hour",
    "rate": "lower_pay_per_order",
    "fines": "fines",
    "top_up": "less_top_up",
}
DISTRIBUTIONS: tuple[tuple[str, str, bool], ...] = (
    ("pay", "¥", False),
    ("pay_per_active_hour", "¥/h", True),
    ("worked_h", "h", False),
    ("longest_min", "min", True),
    ("rests", "rests", True),
    ("rest_min", "min", True),
)
"""(column, unit, over riders who worked only): daily pay and hours count every rider of the
fleet (a rider who got no order earns nothing, which is part of who gains)."""

Text = Mapping[str, str]
ENGLISH: dict[str, str] = {
    "plot.who_pay": "Daily pay per rider at equal service",
    "plot.who_per_hour": "Pay per active hour at equal service (cumulative)",
    "plot.who_longest": "Longest continuous work per rider",
    "plot.who_reasons": "Riders who earn less under B, by main reason",
    "axis.riders": "riders",
    "axis.daily_pay": "daily pay (¥)",
    "axis.pay_per_hour": "¥ per active hour",
    "axis.rider_share": "share of riders",
    "axis.continuous_work": "minutes of continuous work",
    "legend.hourly_guarantee": "hourly guarantee",
    "legend.limit": "limit",
    "legend.before_top_up": "before top-up",
    "measure.pay": "Daily pay (¥)",
    "measure.pay_per_active_hour": "Pay per active hour (¥/h)",
    "measure.worked_h": "Hours worked (h)",
    "measure.longest_min": "Longest continuous work (min)",
    "measure.rests": "Rests taken",
    "measure.rest_min": "Minutes of rest",
    "side.a": "A",
    "side.b": "B",
    "table.measure": "measure",
    "table.quantiles": "p10 / p50 / p90",
    "table.gini": "Gini",
    "table.riders": "riders",
    "table.count": "count",
    "table.lost": "¥ lost in all",
    "table.lost_mean": "¥ lost per rider",
    "table.compared": "compared (in both fleets)",
    "table.gains": "earn more under B",
    "table.same": "about the same (within ¥{yuan})",
    "table.loses": "earn less under B",
    "table.only_a": "only in A's fleet",
    "table.only_b": "only in B's fleet",
    "page.title": "Who gains: {a} vs {b} at equal service",
    "reason.rest_day": "Fewer hours: weekly rest day",
    "reason.daily_limit": "Fewer hours: stopped at the daily limit",
    "reason.rests": "Fewer hours: more rests",
    "reason.less_work": "Fewer hours: fewer orders came their way",
    "reason.fewer_orders_per_hour": "Fewer orders per hour worked",
    "reason.lower_pay_per_order": "Lower pay per order (pay clauses)",
    "reason.fines": "More fines",
    "reason.less_top_up": "Smaller top-up to the hourly guarantee",
}
"""The plots' and table's words by key (the CLI's); a caller may hand in its own, with `lang`."""


def _t(text: Text, key: str) -> str:
    return text.get(key) or ENGLISH[key]


# --- one day's riders -----------------------------------------------------------------------


def _rests(
    spans: Sequence[tuple[float, float]], rest_min: float, due_after_min: float
) -> tuple[int, float, float]:
    """(rests, their minutes, minutes of rests the rules call for) from sorted work spans in
    seconds: a rest is a break of at least `rest_min` between work; one after at least
    `due_after_min` of continuous work counts up to `rest_min` as called for."""
    count, minutes, due = 0, 0.0, 0.0
    stretch, last_end = 0.0, None
    for start, end in spans:
        if last_end is not None:
            gap = max(0.0, start - last_end) / 60.0
            if gap >= rest_min:
                count += 1
                minutes += gap
                if stretch >= due_after_min:
                    due += min(gap, rest_min)
                stretch = 0.0
            else:
                stretch += gap
        stretch += max(0.0, end - max(start, last_end or start)) / 60.0
        last_end = end if last_end is None else max(last_end, end)
    return count, round(minutes, 2), round(due, 2)


RiderColumns = dict[str, dict[str, list[Any]]]
"""Every rider of one simulated day under each judged rulebook (by key), as columns."""
DayKey = tuple[str, int, int]
"""A simulated day: (dispatch signature, riders, seed), as `equal_service` keeps them."""


def rider_day(task: DayTask) -> RiderColumns:
    """Simulate the task's day and read every rider under each judged rulebook, as columns.

    Module-level so processes and Ray can run it."""
    return rider_columns(task, simulate_task(task))


def day_and_riders(task: DayTask) -> tuple[dict[str, dict[str, Any]], RiderColumns]:
    """The day simulated once: its figures (`run_day_task`'s) and its riders (`rider_day`'s).

    Module-level so processes and Ray can run it."""
    facts = simulate_task(task)
    return judge_task(task, facts), rider_columns(task, facts)


def rider_columns(task: DayTask, facts: DayFacts) -> RiderColumns:
    """Every rider of the simulated day under each of the task's judged rulebooks."""
    scenario = facts.scenario
    couriers = scenario.instance.couriers
    orders = dict.fromkeys((c.id for c in couriers), 0)
    for rider in facts.delivered.courier_ids:
        orders[rider] += 1
    fatigue = task.stick.fatigue.fatigue
    measure = fatigue_stretches(task.stick.fatigue)
    due_after = min(REST_DUE_AFTER_MIN, fatigue.continuous_work_limit_min or REST_DUE_AFTER_MIN)
    labour: dict[str, list[Any]] = {
        k: [] for k in ("worked_h", "longest_min", "rests", "rest_min", "due_rest_min")
    }
    for courier in couriers:
        spans = facts.work.get(courier.id, [])
        lengths = measure([(s / 60.0, e / 60.0) for s, e in spans])
        rests, rest_min, due = _rests(spans, fatigue.min_rest_min, due_after)
        labour["worked_h"].append(round(union_s(spans) / 3600.0, 4))
        labour["longest_min"].append(round(max(lengths, default=0.0), 2))
        labour["rests"].append(rests)
        labour["rest_min"].append(rest_min)
        labour["due_rest_min"].append(due)
    common = {
        "rider": [c.id for c in couriers],
        "orders": [orders[c.id] for c in couriers],
        "days_worked_before": [scenario.riders[c.id].days_worked_before for c in couriers],
        "confirms_overtime": [scenario.riders[c.id].confirms_overtime for c in couriers],
        **labour,
    }
    results = {}
    for key, rulebook in task.judged:
        pay = rider_pay(facts, rulebook)
        results[key] = {
            **common,
            "pay_fen": pay.total.tolist(),
            "order_pay_fen": pay.order_pay.tolist(),
            "fines_fen": pay.fines.tolist(),
            "top_up_fen": pay.top_up.tolist(),
            "active_h": (pay.on_order_s / 3600.0).round(4).tolist(),
        }
    return results


# --- matching riders and the reasons ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RiderDay:
    """One rider's day under one rulebook (money in fen, time in hours or minutes)."""

    pay_fen: int
    order_pay_fen: int
    fines_fen: int
    top_up_fen: int
    orders: int
    worked_h: float
    rests: int = 0
    due_rest_min: float = 0.0


@dataclass(frozen=True, slots=True)
class Limits:
    """What rulebook B's clauses can take from a rider's hours."""

    daily_min: float | None = None
    """B asks before work beyond this many minutes a day (None: never)."""
    weekly_rest_days: int = 0
    confirms_overtime: bool = False
    days_worked_before: int = 0


def pay_parts(a: RiderDay, b: RiderDay) -> dict[str, float]:
    """B's pay minus A's, split into hours, pace, rate, fines and top-up (fen; they add up)."""
    per_order_a = a.order_pay_fen / a.orders if a.orders else None
    per_order_b = b.order_pay_fen / b.orders if b.orders else None
    p_a = per_order_a if per_order_a is not None else (per_order_b or 0.0)
    rate_a = a.orders / a.worked_h if a.worked_h > 0 else None
    rate_b = b.orders / b.worked_h if b.worked_h > 0 else None
    r_a = rate_a if rate_a is not None else (rate_b or 0.0)
    hours = (b.worked_h - a.worked_h) * r_a * p_a
    volume = (b.orders - a.orders) * p_a
    return {
        "hours": hours,
        "pace": volume - hours,
        # n_B * (p_B - p_A), as what is left of the change of order pay (exact in all cases)
        "rate": float(b.order_pay_fen - a.order_pay_fen) - volume,
        "fines": float(-(b.fines_fen - a.fines_fen)),
        "top_up": float(b.top_up_fen - a.top_up_fen),
    }


def hours_reason(a: RiderDay, b: RiderDay, limits: Limits) -> str:
    """Why a rider worked fewer hours under B: the first of rest day, daily limit and rests
    that applies, else fewer orders came their way."""
    lost = max(0.0, (a.worked_h - b.worked_h) * 60.0)
    due = limits.weekly_rest_days and limits.days_worked_before >= 7 - limits.weekly_rest_days
    if due and b.worked_h == 0 and a.worked_h > 0:
        return "rest_day"
    if limits.daily_min is not None and not limits.confirms_overtime:
        beyond = a.worked_h * 60.0 - max(limits.daily_min, b.worked_h * 60.0)
        if lost > 0 and beyond >= lost / 2:
            return "daily_limit"
    if b.rests > a.rests or b.due_rest_min > a.due_rest_min:
        return "rests"
    return "less_work"


def classify(
    a: RiderDay, b: RiderDay, limits: Limits, tolerance_fen: int = DEFAULT_TOLERANCE_FEN
) -> tuple[str, str | None, dict[str, float]]:
    """("gains" | "same" | "loses", the main reason of a loss, the parts of the change)."""
    parts = pay_parts(a, b)
    change = b.pay_fen - a.pay_fen
    if change > tolerance_fen:
        return "gains", None, parts
    if change >= -tolerance_fen:
        return "same", None, parts
    main = min(PARTS, key=lambda k: parts[k])  # ties: the order of PARTS
    reason = hours_reason(a, b, limits) if main == "hours" else _PART_REASON[main]
    return "loses", reason, parts


# --- the whole comparison -------------------------------------------------------------------


def _answer(side: dict[str, Any], seed: int) -> int:
    for answer in side["per_seed"]:
        if answer["seed"] == seed:
            return int(answer["riders"] if answer["met"] else answer["largest_tried"])
    raise KeyError(seed)


def _rows(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _rider_day(row: dict[str, Any]) -> RiderDay:
    return RiderDay(
        row["pay_fen"], row["order_pay_fen"], row["fines_fen"], row["top_up_fen"],
        row["orders"], row["worked_h"], row["rests"], row["due_rest_min"],
    )  # fmt: skip


def _values(rows: list[dict[str, Any]], column: str, worked_only: bool) -> list[float]:
    values = []
    for row in rows:
        if worked_only and row["active_h"] <= 0:
            continue
        if column == "pay":
            values.append(row["pay_fen"] / 100.0)
        elif column == "pay_per_active_hour":
            values.append(row["pay_fen"] / 100.0 / row["active_h"])
        elif column == "pay_before_top_up_per_hour":
            values.append((row["pay_fen"] - row["top_up_fen"]) / 100.0 / row["active_h"])
        else:
            values.append(float(row[column]))
    return values


def _distribution(rows: list[dict[str, Any]], column: str, worked_only: bool) -> dict[str, Any]:
    values = _values(rows, column, worked_only)
    stats = describe(values)
    return {
        "count": stats["count"],
        "mean": stats["mean"],
        "p10": stats["p10"],
        "p50": stats["p50"],
        "p90": stats["p90"],
        "gini": gini(values),
    }


def who_gains(
    spec: ScenarioSpec,
    a: Rulebook,
    b: Rulebook,
    equal: dict[str, Any],
    *,
    tolerance_fen: int = DEFAULT_TOLERANCE_FEN,
    workers: int = 1,
    ray_address: str | None = None,
    progress: Progress | None = None,
    settings: SimulationSettings | None = None,
    kept: Mapping[DayKey, RiderColumns] | None = None,
) -> dict[str, Any]:
    """Per-rider distributions of both rulebooks at their equal-service fleets (`equal`, the
    result of `equal_service` for the same spec and rulebooks), riders matched by id, and who
    earns less under B by main reason. Days in `kept` (the riders `equal_service` kept of its
    answers, same settings) are read, not simulated again. Plain JSON-ready data (the
    riders' series included for plots under `series`)."""
    stick = yardstick([a, b])
    rulebooks = {"a": a, "b": b}
    settings = settings or SimulationSettings()
    seeds = [int(s) for s in equal["seeds"]]
    fleets = {(key, s): _answer(equal[key], s) for key in rulebooks for s in seeds}
    kept = kept or {}
    days: dict[DayKey, DayTask] = {}
    for (key, seed), riders in fleets.items():
        signature = dispatch_signature(rulebooks[key])
        if (signature, riders, seed) in days or (signature, riders, seed) in kept:
            continue
        roster = len(load_scenario(replace(spec, seed=seed, fleet=1.0)).instance.couriers)
        judged = tuple(
            (k, rb) for k, rb in rulebooks.items()
            if dispatch_signature(rb) == signature and fleets[(k, seed)] == riders
        )  # fmt: skip
        days[(signature, riders, seed)] = DayTask(
            replace(spec, seed=seed, fleet=fleet_factor(riders, roster)),
            rulebooks[key], judged, stick, settings=settings,
        )  # fmt: skip
    outcomes = {**kept}
    outcomes.update(
        zip(
            days,
            run_tasks(
                list(days.values()),
                workers=workers,
                ray_address=ray_address,
                progress=progress,
                run=rider_day,
            ),
            strict=True,
        )
    )
    per_side: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}
    matched = []
    for seed in seeds:
        rows = {}
        for key in rulebooks:
            day = (dispatch_signature(rulebooks[key]), fleets[(key, seed)], seed)
            rows[key] = {r["rider"]: {**r, "seed": seed} for r in _rows(outcomes[day][key])}
            per_side[key].extend(rows[key].values())
        matched.append((seed, rows["a"], rows["b"]))
    return {
        "rulebooks": {"a": a.ref, "b": b.ref},
        "seeds": seeds,
        "fleets": {key: [fleets[(key, s)] for s in seeds] for key in rulebooks},
        "tolerance_fen": tolerance_fen,
        "reference_hourly_fen": stick.hourly_fen,
        "continuous_work_limit_min": stick.fatigue.fatigue.continuous_work_limit_min,
        "distributions": {
            column: {
                "unit": unit,
                "riders_who_worked_only": worked_only,
                **{key: _distribution(per_side[key], column, worked_only) for key in rulebooks},
            }
            for column, unit, worked_only in DISTRIBUTIONS
        },
        **_compare(matched, b, tolerance_fen),
        "simulated_days": len(days),
        "series": {
            key: {
                "pay": _values(per_side[key], "pay", False),
                "pay_per_active_hour": _values(per_side[key], "pay_per_active_hour", True),
                "pay_before_top_up_per_hour": _values(
                    per_side[key], "pay_before_top_up_per_hour", True
                ),
                "longest_min": _values(per_side[key], "longest_min", True),
            }
            for key in rulebooks
        },
    }


def _compare(
    matched: list[tuple[int, dict[str, dict[str, Any]], dict[str, dict[str, Any]]]],
    b: Rulebook,
    tolerance_fen: int,
) -> dict[str, Any]:
    """Riders of both fleets matched by id: gains, same, loses by reason, and the others."""
    verdicts = dict.fromkeys(("gains", "same", "loses"), 0)
    reasons = {r: {"riders": 0, "lost_fen": 0} for r in REASONS}
    losers = []
    only = {"a": 0, "b": 0}
    fatigue = b.fatigue
    for seed, rows_a, rows_b in matched:
        only["a"] += sum(1 for r in rows_a if r not in rows_b)
        only["b"] += sum(1 for r in rows_b if r not in rows_a)
        for rider, row_a in rows_a.items():
            row_b = rows_b.get(rider)
            if row_b is None:
                continue
            limits = Limits(
                fatigue.daily_confirmation_after_min, fatigue.weekly_rest_days,
                bool(row_a["confirms_overtime"]), int(row_a["days_worked_before"]),
            )  # fmt: skip
            verdict, reason, parts = classify(
                _rider_day(row_a), _rider_day(row_b), limits, tolerance_fen
            )
            verdicts[verdict] += 1
            if reason is None:
                continue
            change = row_b["pay_fen"] - row_a["pay_fen"]
            reasons[reason]["riders"] += 1
            reasons[reason]["lost_fen"] += -change
            losers.append(
                {
                    "seed": seed,
                    "rider": rider,
                    "reason": reason,
                    "pay_a": row_a["pay_fen"] / 100.0,
                    "pay_b": row_b["pay_fen"] / 100.0,
                    "worked_h_a": row_a["worked_h"],
                    "worked_h_b": row_b["worked_h"],
                    "parts": {k: round(v / 100.0, 2) for k, v in parts.items()},
                }
            )
    compared = sum(verdicts.values())
    return {
        "compared": compared,
        "verdicts": verdicts,
        "reasons": [
            {
                "reason": r,
                "riders": v["riders"],
                "lost": round(v["lost_fen"] / 100.0, 2),
                "lost_mean": round(v["lost_fen"] / 100.0 / v["riders"], 2) if v["riders"] else None,
            }
            for r, v in reasons.items()
        ],
        "only_in": only,
        "losers": sorted(losers, key=lambda x: (x["pay_b"] - x["pay_a"], x["seed"], x["rider"])),
    }


# --- the plots --------------------------------------------------------------------------------


def _ecdf(series: dict[str, Any], labels: dict[str, str], text: Text, line: float) -> Draw:
    """Pay per active hour of a and b as cumulative curves, after top-up (solid) and before
    (dotted): under a guarantee the curve after top-up piles up at the guarantee."""

    def draw(ax: Any) -> None:
        for key, colour in zip(("a", "b"), COLOURS, strict=True):
            for name, style, suffix in (
                ("pay_per_active_hour", "-", ""),
                ("pay_before_top_up_per_hour", ":", f" ({_t(text, 'legend.before_top_up')})"),
            ):
                values = np.sort(np.asarray(series[key][name], dtype=float))
                if values.size:
                    ax.step(
                        values, np.arange(1, values.size + 1) / values.size, where="post",
                        color=colour, linestyle=style, label=labels[key] + suffix,
                    )  # fmt: skip
        ax.axvline(line, color="#c0392b", linestyle="--", linewidth=0.8,
                   label=_t(text, "legend.hourly_guarantee"))  # fmt: skip
        ax.set_xlabel(_t(text, "axis.pay_per_hour"))
        ax.set_ylabel(_t(text, "axis.rider_share"))
        ax.legend(fontsize=7)

    return draw


def _reasons(result: dict[str, Any], text: Text) -> Draw:
    def draw(ax: Any) -> None:
        rows = result["reasons"]
        y = np.arange(len(rows))
        counts = [r["riders"] for r in rows]
        ax.barh(y, counts, color=COLOURS[1])
        for i, count in enumerate(counts):
            if count:
                ax.text(count, i, f" {count}", va="center", fontsize=8)
        ax.set_yticks(y, [_t(text, f"reason.{r['reason']}") for r in rows], fontsize=7)
        ax.set_xlabel(_t(text, "axis.riders"))
        ax.invert_yaxis()

    return draw


def who_gains_plots(
    result: dict[str, Any], text: Text = ENGLISH, labels: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """The plots as {id, title, svg}, every word from `text`; with a `lang` in `text` the SVG
    keeps its text as text for the reader's fonts (as `report.compare_plots` does)."""
    names = dict(
        labels or {"a": f"A {result['rulebooks']['a']}", "b": f"B {result['rulebooks']['b']}"}
    )
    mode: Literal["paths", "fonts"] = "fonts" if text.get("lang") else "paths"
    series = result["series"]
    hourly = result["reference_hourly_fen"] / 100.0
    limit = result["continuous_work_limit_min"]
    riders = _t(text, "axis.riders")
    plots = [
        ("who_pay", svg_chart(histogram_overlay(series, names, "pay", _t(text, "axis.daily_pay"), riders, None, ""), text=mode)),
        ("who_per_hour", svg_chart(_ecdf(series, names, text, hourly), text=mode)),
        ("who_longest", svg_chart(histogram_overlay(series, names, "longest_min", _t(text, "axis.continuous_work"), riders, limit, _t(text, "legend.limit")), text=mode)),
        ("who_reasons", svg_chart(_reasons(result, text), height=max(3.2, 0.3 * len(REASONS) + 1.0), text=mode)),
    ]  # fmt: skip
    return [{"id": pid, "title": _t(text, f"plot.{pid}"), "svg": svg} for pid, svg in plots]


def who_gains_rows(
    result: dict[str, Any], text: Text = ENGLISH
) -> tuple[list[list[str]], list[list[str]]]:
    """The two tables as text rows, header first, every word from `text`: the distributions
    (p10 / p50 / p90 and Gini per rulebook), and the riders compared by verdict and reason."""
    sides = [f"{_t(text, f'side.{k}')} {result['rulebooks'][k]}" for k in ("a", "b")]
    quantiles, gini_word = _t(text, "table.quantiles"), _t(text, "table.gini")
    spread = [[_t(text, "table.measure")]]
    for side in sides:
        spread[0] += [f"{side} {quantiles}", gini_word]
    for column, dist in result["distributions"].items():
        cells = []
        for key in ("a", "b"):
            d = dist[key]
            cells.append(" / ".join(_number(d[p]) for p in ("p10", "p50", "p90")))
            cells.append("–" if d["gini"] is None else f"{d['gini']:.3f}")
        spread.append([_t(text, f"measure.{column}"), *cells])
    verdicts = result["verdicts"]
    lost = sum(r["lost"] for r in result["reasons"])
    within = _t(text, "table.same").format(yuan=f"{result['tolerance_fen'] / 100:g}")
    people = [[_t(text, f"table.{k}") for k in ("riders", "count", "lost", "lost_mean")]]
    people += [
        [_t(text, "table.compared"), str(result["compared"]), "", ""],
        [_t(text, "table.gains"), str(verdicts["gains"]), "", ""],
        [within, str(verdicts["same"]), "", ""],
        [
            _t(text, "table.loses"), str(verdicts["loses"]), f"{lost:.2f}",
            f"{lost / verdicts['loses']:.2f}" if verdicts["loses"] else "–",
        ],
        *(
            [
                f"  {_t(text, 'reason.' + row['reason'])}", str(row["riders"]), f"{row['lost']:.2f}",
                "–" if row["lost_mean"] is None else f"{row['lost_mean']:.2f}",
            ]
            for row in result["reasons"]
        ),
        [_t(text, "table.only_a"), str(result["only_in"]["a"]), "", ""],
        [_t(text, "table.only_b"), str(result["only_in"]["b"]), "", ""],
    ]  # fmt: skip
    return spread, people


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}" if value % 1 else f"{value:.0f}"


def who_gains_markdown(result: dict[str, Any]) -> str:
    spread, people = who_gains_rows(result)
    lines = [
        f"# {_t(ENGLISH, 'page.title').format(**result['rulebooks'])}",
        "",
        f"Seeds {', '.join(map(str, result['seeds']))}; riders A {result['fleets']['a']}, "
        f"B {result['fleets']['b']}; {result['simulated_days']} simulated days.",
        "",
    ]
    for head, *body in (spread, people):
        lines += [markdown_table([head, *([cell.strip() for cell in row] for row in body)]), ""]
    return "\n".join(lines)


def who_gains_html(
    result: dict[str, Any], plots: list[dict[str, str]], text: Text = ENGLISH
) -> str:
    """The tables with the plots next to them, one self-contained page in `text`'s language."""
    import html

    spread, people = who_gains_rows(result, text)
    lang = html.escape((text.get("lang") or "en").replace("_", "-"))

    def table(rows: list[list[str]]) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in rows[1:]
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    figures = "".join(
        f'<figure id="{p["id"]}"><figcaption>{html.escape(p["title"])}</figcaption>{p["svg"]}</figure>'
        for p in plots
    )
    title = html.escape(_t(text, "page.title").format(**result["rulebooks"]))
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:sans-serif;max-width:70rem;margin:1rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem}"
        ".side{display:flex;flex-wrap:wrap;gap:1rem}.side>*{flex:1 1 30rem}svg{max-width:100%;height:auto}"
        f"</style></head><body><h1>{title}</h1>"
        f'<div class="side"><div>{table(spread)}{table(people)}</div><div>{figures}</div></div>'
        "</body></html>\n"
    )
