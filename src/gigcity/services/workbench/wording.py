"""The workbench in the reader's language: labels added at the edge, by stable keys.

The simulator's results keep keys, not words: measure keys (`c2d_mean`), units (`share`),
clause paths, rulebook refs (`putuo-2025@1`), scenario names (`putuo-weekday`) and stage
ids with parameters (`simulated:2:3:b`). This module turns them into words in `zh_CN` or
English: measure names and units and scenario titles from the tables below (English msgids
translated in the `messages` catalogue), clause titles from `gigcity.rules.clause_title`,
rulebook titles from the rulebooks themselves (`title_zh`).

A new measure only adds its key and English name to `MEASURES` and the Chinese to
messages.po; a key without an entry (a run stored by an older or newer engine) falls back to
the English label stored with the run.

The plots and the report are drawn when a run finishes, in every language: `engine_wording`
gives the simulator each language's words by key (`REPORT` mirrors the simulator's English
`report.ENGLISH`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from gigcity.i18n import LANGUAGE_NAMES, N_, SUPPORTED_LOCALES, translations
from gigcity.rules import Rulebook, RulebookError, clause_title, load_rulebook
from gigcity.services.rulebooks.wording import rulebook_label as _rulebook_label

MEASURES: dict[str, str] = {
    "pay_per_hour_mean": N_("Rider pay per active hour, mean"),
    "pay_per_hour_p10": N_("Rider pay per active hour, 10th percentile"),
    "pay_gini": N_("Gini of pay per active hour"),
    "below_guarantee": N_("Riders below the hourly guarantee before top-up"),
    "top_up": N_("Top-ups to the hourly minimum"),
    "fines": N_("Fines"),
    "riders_fined": N_("Riders fined"),
    "points": N_("Service-score points"),
    "rest_breaches": N_("Rest breaches (continuous work over the limit)"),
    "longest_work": N_("Longest continuous work"),
    "rest_day_worked": N_("Riders due a rest day who worked"),
    "hours_beyond": N_("Hours worked beyond the daily threshold"),
    "hours_unconfirmed": N_("…of them without the rider's confirmation"),
    "c2d_mean": N_("Click-to-door, mean"),
    "c2d_p90": N_("Click-to-door, 90th percentile"),
    "on_time": N_("On time (by the rulebook's own promise)"),
    "on_route": N_("Combined orders genuinely on the way"),
    "cost_per_order": N_("Platform cost per order (rider pay)"),
    "undelivered": N_("Undelivered orders"),
}
"""Each measure's name by its key (the simulator's `compare.MEASURES`)."""

UNITS: dict[str, str] = {
    "¥/h": N_("¥ per hour"),
    "¥": N_("yuan"),
    "share": N_("% of all"),
    "riders": N_("riders"),
    "points": N_("score points"),
    "stretches": N_("work stretches"),
    "min": N_("minutes"),
    "h": N_("hours"),
}
"""Each unit of a measure by its key (`share`: a fraction, shown as a percentage)."""

SCENARIOS: dict[str, str] = {
    "putuo-weekday": N_("Putuo District, a weekday"),
    "putuo-weekend": N_("Putuo District, a weekend day"),
    "putuo-rainy": N_("Putuo District, a rainy day"),
    "putuo-estate": N_("Putuo District, a weekday with a giant estate"),
}
"""Each generated day's title by its name (the simulator's `scenario_names()`)."""

STAGES: dict[str, str] = {
    "queued": N_("Waiting for a worker"),
    "simulating": N_("Starting the simulation"),
    "simulated": N_("Simulated day {done}/{total}: {variant}"),
    "drawing": N_("Drawing the plots and the report"),
    "done": N_("Finished"),
    "searching": N_("Equal-service search: {rounds} round(s) done, {days} days simulated"),
    "who_gains": N_("Comparing every rider of both answers (who gains)"),
}
"""Each progress stage by its id; `simulated:{done}:{total}:{variant}` and
`searching:{rounds}:{days}` carry parameters."""

VARIANTS: dict[str, str] = {
    "a": N_("rulebook A"),
    "b": N_("rulebook B"),
}

ERRORS: dict[str, str] = {
    "no-simulator": N_("The job worker that took this run has no simulator."),
    "worker-died": N_("The worker process running this run stopped every time it was tried."),
    "interrupted": N_("The server stopped while this run was waiting or running: start it again."),
    "failed": N_("The comparison stopped with an error; the technical detail is kept with the run for the administrators."),
}  # fmt: skip
"""What a failed run tells people, by the kind of failure (`error` keeps the detail)."""

REPORT: dict[str, str] = {
    "plot.pay": N_("Rider pay per active hour (after top-up)"),
    "plot.pay_before": N_("Rider pay per active hour before top-up"),
    "plot.fines": N_("Fines and service-score points"),
    "plot.rest": N_("Continuous work stretches"),
    "plot.hours": N_("Hours worked per rider"),
    "plot.c2d": N_("Click-to-door (cumulative)"),
    "plot.attribution": N_("Effect of each clause switched from A to B"),
    "axis.count": N_("count"),
    "axis.pay_per_hour": N_("¥ per active hour"),
    "axis.continuous_work": N_("minutes of continuous work"),
    "axis.work_hours": N_("hours of work"),
    "axis.c2d": N_("click-to-door (min)"),
    "axis.delivered_share": N_("share of delivered orders"),
    "axis.fines": N_("fines (¥)"),
    "axis.points": N_("score points"),
    "side.a": N_("rulebook A"),
    "side.b": N_("rulebook B"),
    "legend.hourly_guarantee": N_("hourly guarantee"),
    "legend.limit": N_("limit"),
    "legend.daily_threshold": N_("daily threshold"),
    "legend.points": N_("service-score points"),
    "legend.cost_per_order": N_("cost per order (¥)"),
    "report.title": N_("{a} vs {b} — {scenario}"),
    "report.summary": N_("{orders} orders, {merchants} merchants, {riders} riders; {closures} traffic-control closure(s)."),
    "report.weather_alert": N_("Weather alert."),
    "report.measure": N_("measure"),
    "report.unit": N_("unit"),
    "report.difference": N_("B − A"),
    "report.percentage_points": N_("pts"),
    "report.attribution": N_("Attribution: one clause at a time from A to B"),
    "report.attribution_note": N_("Each row is A with only these clauses set to B's values, minus A. Clauses that make an invalid rulebook alone are switched together. The last rows compare the sum of the single switches with all of them at once."),
    "report.clauses_switched": N_("clause(s) switched A → B"),
    "report.sum_of_effects": N_("sum of the single switches"),
    "report.all_together": N_("all clauses together (B − A)"),
    "report.interaction": N_("interaction (together − sum)"),
    "report.explained": N_("Explained differences"),
    "report.explained_note": N_("Each difference B − A is split two ways, and each split adds up exactly: by factor (pay over on-order hours or over delivered orders, split at the midpoint of A and B, with what the factors leave as the residual) and by clause (one clause at a time from A to B, plus the interaction)."),
    "report.part": N_("part"),
    "report.effect": N_("effect"),
    "report.by_factor": N_("by factor"),
    "report.by_clause": N_("by clause"),
    "report.other_clauses": N_("other clauses"),
    "factor.order_pay": N_("order pay (base fare and supplements)"),
    "factor.fines": N_("fines"),
    "factor.top_up": N_("top-ups to the hourly minimum"),
    "factor.active_hours": N_("on-order hours"),
    "factor.delivered": N_("orders delivered"),
    "factor.residual": N_("residual (spread across riders, rounding)"),
    "factor.interaction": N_("clauses acting together (interaction)"),
    "explain.sentence": N_("{measure}: {difference} (B − A). Largest cause: {cause} ({effect})."),
    "explain.clause": N_("Largest clause: {cause} ({effect})."),
}  # fmt: skip
"""The plots' and the report's words by the simulator's keys (`report.ENGLISH`)."""

EQUAL_SERVICE: dict[str, str] = {
    "equal.title": N_("Equal service: {a} vs {b} — {scenario}"),
    "equal.target": N_("Service target: undelivered orders at most {undelivered} %, click-to-door p90 at most {p90} min."),
    "equal.target_own": N_("The target is rulebook A's own service on each day with the day's own riders."),
    "equal.target_given": N_("The target is as given."),
    "equal.target_mixed": N_("The target is as given; the part not given is rulebook A's own service on each day."),
    "equal.days": N_("Days (seeds): {seeds}; {days} days simulated."),
    "equal.note": N_("Each figure is the mean over the days, each day at its own answer; the range over the days is in brackets."),
    "equal.measure": N_("measure"),
    "equal.side_a": N_("rulebook A"),
    "equal.side_b": N_("rulebook B"),
    "equal.difference": N_("B − A"),
    "equal.not_met": N_("not met (more than {riders})"),
    "equal.who_gains": N_("Who gains"),
    "row.riders": N_("Riders needed"),
    "row.rider_hours": N_("Rider-hours on shift"),
    "row.worked_hours": N_("Rider-hours worked"),
    "row.cost_per_order": N_("Cost per delivered order (pay and top-ups)"),
    "row.pay_total": N_("Rider pay in all (with top-ups)"),
    "row.pay_per_hour_mean": N_("Pay per active hour, mean"),
    "row.below_guarantee": N_("Riders below the hourly guarantee before top-up"),
    "row.pay_gini": N_("Gini of pay per active hour"),
    "row.undelivered": N_("Undelivered orders"),
    "row.c2d_p90": N_("Click-to-door, 90th percentile"),
    "row.c2d_mean": N_("Click-to-door, mean"),
    "row.rest_breaches": N_("Rest breaches"),
    "split.title": N_("Explained differences at equal service"),
    "split.note": N_("Each difference B − A at equal service is the rules' part (B on A's riders, on the same days, minus A) plus the fleet's part (B on its own riders minus B on A's riders); the two add up exactly. The rules' part of pay per hour and of cost per order splits further by factor."),
    "split.rules": N_("the rules, same riders"),
    "split.fleet": N_("the riders B adds"),
    "split.difference": N_("at equal service (B − A)"),
    "split.part_rules": N_("the rules"),
    "split.part_fleet": N_("the riders B adds"),
    "split.points": N_("pts"),
    "split.sentence": N_("{measure}: {difference} at equal service (B − A): {rules} from the rules on the same riders, {fleet} from the riders B adds. The larger part is {part}."),
    "split.sentence_none": N_("{measure}: {difference} at equal service (B − A); neither the rules nor the riders added move it."),
    "split.factor": N_("Largest factor of the rules' part: {cause} ({effect})."),
    "split.fleet_sentence": N_("Riders B adds to A's answer: {riders} ({hours} rider-hours on shift, {worked} rider-hours worked), the mean over the days; days simulated for this split only: {added}."),
    **{key: words for key, words in REPORT.items() if key.startswith("factor.")},
}  # fmt: skip
"""The equal-service table's and report's words by the simulator's keys
(`equal_service_report.ENGLISH`; the factors' words are the comparison report's)."""

WHO_GAINS: dict[str, str] = {
    "plot.who_pay": N_("Daily pay per rider at equal service"),
    "plot.who_per_hour": N_("Pay per active hour at equal service (cumulative)"),
    "plot.who_longest": N_("Longest continuous work per rider"),
    "plot.who_reasons": N_("Riders who earn less under B, by main reason"),
    "axis.riders": N_("riders"),
    "axis.daily_pay": N_("daily pay (¥)"),
    "axis.pay_per_hour": N_("¥ per active hour"),
    "axis.rider_share": N_("share of riders"),
    "axis.continuous_work": N_("minutes of continuous work"),
    "legend.hourly_guarantee": N_("hourly guarantee"),
    "legend.limit": N_("limit"),
    "legend.before_top_up": N_("before top-up"),
    "measure.pay": N_("Daily pay (¥)"),
    "measure.pay_per_active_hour": N_("Pay per active hour (¥/h)"),
    "measure.worked_h": N_("Hours worked (h)"),
    "measure.longest_min": N_("Longest continuous work (min)"),
    "measure.rests": N_("Rests taken"),
    "measure.rest_min": N_("Minutes of rest"),
    "side.a": N_("A"),
    "side.b": N_("B"),
    "table.measure": N_("measure"),
    "table.quantiles": N_("p10 / p50 / p90"),
    "table.gini": N_("Gini"),
    "table.riders": N_("riders"),
    "table.count": N_("count"),
    "table.lost": N_("¥ lost in all"),
    "table.lost_mean": N_("¥ lost per rider"),
    "table.compared": N_("compared (in both fleets)"),
    "table.gains": N_("earn more under B"),
    "table.same": N_("about the same (within ¥{yuan})"),
    "table.loses": N_("earn less under B"),
    "table.only_a": N_("only in A's fleet"),
    "table.only_b": N_("only in B's fleet"),
    "page.title": N_("Who gains: {a} vs {b} at equal service"),
    "reason.rest_day": N_("Fewer hours: weekly rest day"),
    "reason.daily_limit": N_("Fewer hours: stopped at the daily limit"),
    "reason.rests": N_("Fewer hours: more rests"),
    "reason.less_work": N_("Fewer hours: fewer orders came their way"),
    "reason.fewer_orders_per_hour": N_("Fewer orders per hour worked"),
    "reason.lower_pay_per_order": N_("Lower pay per order (pay clauses)"),
    "reason.fines": N_("More fines"),
    "reason.less_top_up": N_("Smaller top-up to the hourly guarantee"),
}  # fmt: skip
"""Who gains' tables' and plots' words by the simulator's keys (`who_gains.ENGLISH`)."""

_LEGACY_STAGE = re.compile(r"^simulated (\d+) of (\d+) days \((.*)\)$")
_LEGACY_STAGES = {"drawing the report": "drawing"}


def _zh(locale: str) -> bool:
    return locale.startswith("zh")


def _say(locale: str, message: str, **params: Any) -> str:
    text = translations(locale).gettext(message)
    return text.format(**params) if params else text


def measure_label(key: str, locale: str, fallback: str | None = None) -> str:
    """A measure's name; a key unknown here keeps the label stored with it (else the key)."""
    if key in MEASURES:
        return _say(locale, MEASURES[key])
    return fallback or key


def unit_label(unit: str, locale: str) -> str:
    return _say(locale, UNITS[unit]) if unit in UNITS else unit


def scenario_title(name: str, locale: str) -> str:
    return _say(locale, SCENARIOS[name]) if name in SCENARIOS else name


@lru_cache(maxsize=64)
def _shipped(name: str) -> Rulebook | None:
    try:
        return load_rulebook(name)
    except (RulebookError, OSError, ValueError):
        return None


def rulebook_title(ref: str, locale: str) -> str:
    """A rulebook (`putuo-2025` or `putuo-2025@1`) as people name it: its title in `locale`
    with the version ('《普陀区…》第1版'); the ref itself when the rulebook is unknown."""
    name, _, version = ref.partition("@")
    rulebook = _shipped(name)
    if rulebook is None:
        return ref
    if version.isdigit() and int(version) != rulebook.version:
        rulebook = rulebook.model_copy(update={"version": int(version)})
    return _rulebook_label(rulebook, locale)


def clause_group_title(clauses: Iterable[str], locale: str) -> str:
    """A switched group of clauses by their titles, joined ('基础运费 + 按距离分档计价')."""
    return " + ".join(clause_title(clause, locale) for clause in clauses)


def stage_id(done: int, total: int, variant: str) -> str:
    """The stored stage of a run that has simulated `done` of `total` days."""
    return f"simulated:{done}:{total}:{variant}"


def stage_text(stage: str, locale: str) -> str:
    """A stored stage in words: `simulated:2:3:b` -> '已模拟第 2/3 天：规则 B'. Stages
    stored as English sentences (before stage ids) are read too; anything else is shown as
    it is."""
    legacy = _LEGACY_STAGE.match(stage)
    if legacy:
        done, total, _ = legacy.groups()
        stage = stage_id(int(done), int(total), "")
    stage = _LEGACY_STAGES.get(stage, stage)
    kind, _, rest = stage.partition(":")
    if kind not in STAGES:
        return stage
    if kind == "searching":
        rounds, days = ([*rest.split(":", 1), "0", "0"])[:2]
        return _say(locale, STAGES[kind], rounds=rounds, days=days)
    if kind != "simulated":
        return _say(locale, STAGES[kind])
    done, total, variant = ([*rest.split(":", 2), "", "", ""])[:3]
    words = _say(locale, VARIANTS[variant]) if variant in VARIANTS else ""
    text = _say(locale, STAGES["simulated"], done=done, total=total, variant=words)
    return text.rstrip(" :：")


def error_code(error: str | None) -> str | None:
    """The kind of a stored error (`ERRORS` key); any other text is a failed comparison."""
    if error is None:
        return None
    for code, english in (
        ("no-simulator", "this job worker runs no simulator"),
        ("worker-died", "the worker process running this run died"),
        ("interrupted", "the server stopped while this run was queued or running"),
    ):
        if error.startswith(english):
            return code
    return "failed"


def error_text(error: str | None, locale: str) -> str | None:
    code = error_code(error)
    return None if code is None else _say(locale, ERRORS[code])


def engine_wording(locale: str, rules_a: str, rules_b: str, scenario: str) -> dict[str, str]:
    """Everything the simulator writes on the plots and in the report, in `locale`."""
    text = {key: _say(locale, english) for key, english in REPORT.items()}
    text |= {f"measure.{key}": measure_label(key, locale) for key in MEASURES}
    text |= {f"unit.{unit}": unit_label(unit, locale) for unit in UNITS}
    return text | {
        "lang": locale,
        "language_name": LANGUAGE_NAMES[locale],
        "rulebook_a": rulebook_title(rules_a, locale),
        "rulebook_b": rulebook_title(rules_b, locale),
        "scenario": scenario_title(scenario, locale),
    }


def all_wording(rules_a: str, rules_b: str, scenario: str) -> list[dict[str, str]]:
    """`engine_wording` in every language, Chinese first."""
    return [engine_wording(locale, rules_a, rules_b, scenario) for locale in SUPPORTED_LOCALES]


def localise_result(data: Mapping[str, Any], scenario: str, locale: str) -> dict[str, Any]:
    """A stored comparison with words for people beside its keys: each table row's `label`
    and `unit_label`, each attribution row's `title` (its clauses' titles), the attribution's
    `labels` by measure key, the scenario's `title` and the rulebooks' `rulebook_titles`."""
    refs = dict(data.get("rulebooks", {}))
    table = [
        {
            **row,
            "label": measure_label(str(row.get("key", "")), locale, row.get("label")),
            "unit_label": unit_label(str(row.get("unit", "")), locale),
        }
        for row in data.get("table", [])
    ]
    attribution = data.get("attribution")
    if attribution:
        stored = {row.get("key"): row.get("label") for row in data.get("table", [])}
        attribution = {
            **attribution,
            "labels": {
                key: measure_label(key, locale, stored.get(key))
                for key in attribution.get("measures", [])
            },
            "rows": [
                {**row, "title": clause_group_title(row.get("clauses", []), locale)}
                for row in attribution.get("rows", [])
            ],
        }
    return {
        "rulebooks": refs,
        "rulebook_titles": {side: rulebook_title(ref, locale) for side, ref in refs.items()},
        "scenario": {**data.get("scenario", {}), "title": scenario_title(scenario, locale)},
        "yardstick": data.get("yardstick", {}),
        "table": table,
        "attribution": attribution,
        "explained": list(data.get("explained_text", {}).get(locale, [])),
    }


def plots_for(plots: Iterable[Mapping[str, Any]], locale: str) -> list[Mapping[str, Any]]:
    """The plots in `locale`; a run stored before plots had languages has only English ones."""
    plots = list(plots)
    mine = [p for p in plots if p.get("lang") == locale]
    if mine:
        return mine
    unmarked = [p for p in plots if not p.get("lang")]
    return unmarked or [p for p in plots if p.get("lang") == "en"]


# --- equal service ----------------------------------------------------------------------


def search_stage_id(rounds: int, days: int) -> str:
    """The stored stage of an equal-service run `rounds` rounds into its search."""
    return f"searching:{rounds}:{days}"


def equal_service_wording(locale: str, rules_a: str, rules_b: str, scenario: str) -> dict[str, str]:
    """Everything the simulator writes on an equal-service run's plots and report, in
    `locale` (the keys of `equal_service_report.ENGLISH` and `who_gains.ENGLISH`)."""
    text = {key: _say(locale, english) for key, english in (WHO_GAINS | EQUAL_SERVICE).items()}
    text |= {f"unit.{unit}": unit_label(unit, locale) for unit in UNITS}
    text |= {f"legend.{side}": _say(locale, words) for side, words in VARIANTS.items()}
    return text | {
        "lang": locale,
        "language_name": LANGUAGE_NAMES[locale],
        "rulebook_a": rulebook_title(rules_a, locale),
        "rulebook_b": rulebook_title(rules_b, locale),
        "scenario": scenario_title(scenario, locale),
    }


def all_equal_service_wording(rules_a: str, rules_b: str, scenario: str) -> list[dict[str, str]]:
    """`equal_service_wording` in every language, Chinese first."""
    return [equal_service_wording(loc, rules_a, rules_b, scenario) for loc in SUPPORTED_LOCALES]


def _row_label(row: Mapping[str, Any], locale: str) -> str:
    key = str(row.get("key", ""))
    if f"row.{key}" in EQUAL_SERVICE:
        return _say(locale, EQUAL_SERVICE[f"row.{key}"])
    return measure_label(key, locale, row.get("label"))


def target_text(target: Mapping[str, Any], locale: str) -> str:
    """The service target and where it comes from, in `locale`."""
    source = str(target.get("source", ""))
    kind = "given" if source == "given" else "mixed" if source.startswith("given") else "own"
    share, p90 = target.get("undelivered_share"), target.get("click_to_door_p90_min")
    if share is None or p90 is None:
        return _say(locale, EQUAL_SERVICE[f"equal.target_{kind}"])
    figures = _say(
        locale, EQUAL_SERVICE["equal.target"], undelivered=f"{100 * share:.2f}", p90=f"{p90:.1f}"
    )
    return f"{figures} {_say(locale, EQUAL_SERVICE[f'equal.target_{kind}'])}"


def _side(side: Mapping[str, Any]) -> dict[str, Any]:
    """One rulebook's answer as the page shows it (the per-day figures stay stored)."""
    per_seed = list(side.get("per_seed", []))
    largest = [s["largest_tried"] for s in per_seed if s.get("largest_tried") is not None]
    return {
        "rulebook": side.get("rulebook"),
        "met": bool(side.get("met")),
        "riders": side.get("riders"),
        "start": side.get("start"),
        "factor": side.get("factor"),
        "spread": side.get("spread"),
        "largest_tried": max(largest) if largest else None,
        "per_seed": [
            {k: s.get(k) for k in ("seed", "met", "riders", "largest_tried", "rider_hours")}
            for s in per_seed
        ],
    }


def _who_gains(gains: Mapping[str, Any] | None, locale: str) -> dict[str, Any] | None:
    """Who gains with words beside its keys: distributions, riders by verdict, reasons."""
    if not gains:
        return None
    verdicts = gains.get("verdicts", {})
    reasons = list(gains.get("reasons", []))
    lost = round(sum(r.get("lost") or 0.0 for r in reasons), 2)
    loses = int(verdicts.get("loses", 0))
    only = gains.get("only_in", {})
    yuan = f"{gains.get('tolerance_fen', 100) / 100:g}"

    def line(key: str, riders: int, **money: float | None) -> dict[str, Any]:
        words = WHO_GAINS[f"table.{key}"]
        label = _say(locale, words, yuan=yuan) if key == "same" else _say(locale, words)
        return {"key": key, "label": label, "riders": riders, **money}

    return {
        "seeds": gains.get("seeds", []),
        "fleets": gains.get("fleets", {}),
        "tolerance_fen": gains.get("tolerance_fen"),
        "reference_hourly_fen": gains.get("reference_hourly_fen"),
        "continuous_work_limit_min": gains.get("continuous_work_limit_min"),
        "distributions": [
            {
                **{
                    k: v
                    for k, v in dist.items()
                    if k in ("unit", "riders_who_worked_only", "a", "b")
                },
                "key": column,
                "label": _say(locale, WHO_GAINS[f"measure.{column}"])
                if f"measure.{column}" in WHO_GAINS
                else column,
            }
            for column, dist in gains.get("distributions", {}).items()
        ],
        "riders": [
            line("compared", int(gains.get("compared", 0))),
            line("gains", int(verdicts.get("gains", 0))),
            line("same", int(verdicts.get("same", 0))),
            line("loses", loses, lost=lost, lost_mean=round(lost / loses, 2) if loses else None),
            line("only_a", int(only.get("a", 0))),
            line("only_b", int(only.get("b", 0))),
        ],
        "reasons": [
            {
                **r,
                "label": _say(locale, WHO_GAINS[f"reason.{r['reason']}"])
                if f"reason.{r.get('reason')}" in WHO_GAINS
                else str(r.get("reason")),
            }
            for r in reasons
        ],
    }


def _split(split: Mapping[str, Any] | None, locale: str) -> dict[str, Any] | None:
    """The differences at equal service split into the rules' and the fleet's parts, each
    measure with its `label` and `unit_label`, and the columns' `labels` (the per-day split
    stays stored)."""
    if not split:
        return None
    labels = {
        key: _say(locale, EQUAL_SERVICE[f"split.{key}"]) for key in ("rules", "fleet", "difference")
    }
    measures = [
        {
            **{k: m.get(k) for k in ("key", "unit", "rules", "fleet", "difference", "largest")},
            "label": _row_label(m, locale),
            "unit_label": unit_label(str(m.get("unit", "")), locale),
        }
        for m in split.get("measures", [])
    ]
    return {
        "measures": measures,
        "labels": labels,
        "fleet": split.get("fleet"),
        "added_days": split.get("added_days"),
    }


def localise_equal_service(data: Mapping[str, Any], scenario: str, locale: str) -> dict[str, Any]:
    """A stored equal-service result as `RunResult` fields, words in `locale` beside its keys:
    each row's `label` and `unit_label` (rows keep `a_range` and `b_range`), the target in
    words, each side's answer, the split of each difference (`equal_service.split`, its
    sentences as `explained`), and who gains with its labels."""
    refs = dict(data.get("rulebooks", {}))
    table = [
        {**row, "label": _row_label(row, locale), "unit_label": unit_label(str(row.get("unit", "")), locale)}
        for row in data.get("table", [])
    ]  # fmt: skip
    target = dict(data.get("target", {}))
    return {
        "kind": "equal_service",
        "rulebooks": refs,
        "rulebook_titles": {side: rulebook_title(ref, locale) for side, ref in refs.items()},
        "scenario": {"spec": data.get("scenario"), "title": scenario_title(scenario, locale)},
        "yardstick": {},
        "table": table,
        "attribution": None,
        "explained": list(data.get("explained_text", {}).get(locale, [])),
        "equal_service": {
            "seeds": data.get("seeds", []),
            "target": {**target, "text": target_text(target, locale)},
            "sides": {key: _side(data[key]) for key in ("a", "b") if key in data},
            "simulated_days": data.get("simulated_days"),
            "split": _split(data.get("split"), locale),
        },
        "who_gains": _who_gains(data.get("who_gains"), locale),
    }
