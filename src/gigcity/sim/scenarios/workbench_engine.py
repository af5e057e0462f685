"""The scenario simulator as the negotiation workbench's engine.

The platform's workbench service does not import the simulator; the API and the CLI give
it a `ScenarioWorkbench()`, which matches `gigcity.services.workbench.WorkbenchEngine`
structurally. `compare_for_workbench` (an ordinary comparison) and
`equal_service_for_workbench` (the fewest riders each rulebook needs for the same service,
and who gains) run in the service's worker processes, so they are module-level functions
(pickled by name).

The engine has no words of its own: the service hands it `wording`, one mapping of the
report's keys (`report.ENGLISH`) per language, and gets the plots in each language (each
plot names its `lang`) and one report with a section per language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from gigcity.rules import Rulebook
from gigcity.sim.scenarios.compare import compare
from gigcity.sim.scenarios.equal_service import equal_service
from gigcity.sim.scenarios.equal_service_report import (
    render_equal_service_report,
    split_sentences,
    table_with_ranges,
)
from gigcity.sim.scenarios.generate import scenario_names
from gigcity.sim.scenarios.report import (
    compare_plots,
    explained_sentence,
    render_compare_report,
)
from gigcity.sim.scenarios.runner import Progress, ScenarioSpec
from gigcity.sim.scenarios.who_gains import who_gains as riders_compared
from gigcity.sim.scenarios.who_gains import who_gains_plots

SearchProgress = Callable[[str, int, int], None]
"""(phase: searching, who_gains or drawing; rounds of the search finished; days simulated)."""


@dataclass(frozen=True)
class WorkbenchComparison:
    result: dict[str, Any]
    """The comparison without per-rider series or per-day figures (the plots carry those)."""
    plots: list[dict[str, str]]
    """Each language's plots, as `{id, title, svg, lang}` (no `lang`: English, no wording)."""
    html: str


def compare_for_workbench(
    scenario: str,
    seed: int,
    orders: int,
    rules_a: Rulebook,
    rules_b: Rulebook,
    *,
    attribution: bool,
    progress: Progress,
    wording: Sequence[Mapping[str, str]] = (),
    ray_address: str | None = None,
) -> WorkbenchComparison:
    """The generated day `scenario`/`seed`/`orders` under A and B: summary, plots, report.
    The plots are drawn and the report written in each language of `wording` (English
    without). With `ray_address`, the simulated days run on that Ray cluster."""
    spec = ScenarioSpec(scenario, seed, orders)
    result = compare(
        spec, rules_a, rules_b, attribution=attribution, progress=progress, ray_address=ray_address
    )
    versions = [(text, compare_plots(result, text)) for text in wording or ({},)]
    plots = [
        {**plot, "lang": text["lang"]} if text.get("lang") else plot
        for text, drawn in versions
        for plot in drawn
    ]
    html = render_compare_report(result, versions)
    # The per-day figures (and their per-rider series) only feed the plots: not stored.
    summary = {k: v for k, v in result.items() if k != "figures"}
    # Each difference's sentence in every language, for the page (services have no words
    # of the simulator's: they pick the reader's language).
    measures = (result.get("explained") or {}).get("measures", [])
    summary["explained_text"] = {
        text["lang"]: [{"key": m["key"], "sentence": explained_sentence(m, text)} for m in measures]
        for text in wording
        if text.get("lang")
    }
    return WorkbenchComparison(summary, plots, html)


def equal_service_for_workbench(
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
    progress: SearchProgress,
    wording: Sequence[Mapping[str, str]] = (),
    ray_address: str | None = None,
) -> WorkbenchComparison:
    """The fewest riders A and B need for the same service on the days `seed`, `seed + 1`,
    … (`seeds` of them; `equal_service`), and with `who_gains` the riders of both answers
    compared (`who_gains`, reading the days the search kept). The plots (who gains only) are
    drawn and the report written in each language of `wording` (English without).

    `progress` hears of each simulated day with the rounds the search has finished (a round
    simulates every fleet the searches need next, together), then of the phases after it."""
    spec = ScenarioSpec(scenario, seed, orders)
    kept: dict[Any, Any] | None = {} if who_gains else None
    rounds = 0

    def advance(done: int, total: int, label: str) -> None:
        nonlocal rounds
        if done >= total:  # `done` counts every day so far: a round's last day is its total
            rounds += 1
        progress("searching", rounds, done)

    result = equal_service(
        spec, rules_a, rules_b, seeds=range(seed, seed + seeds),
        target_undelivered=target_undelivered_share, target_p90_min=target_p90_min,
        ray_address=ray_address, progress=advance, kept=kept,
    )  # fmt: skip
    gains = None
    if kept is not None:
        progress("who_gains", rounds, result["simulated_days"])
        gains = riders_compared(spec, rules_a, rules_b, result, ray_address=ray_address, kept=kept)
    progress("drawing", rounds, result["simulated_days"])
    versions = []
    for text in wording or ({},):
        drawn: list[dict[str, str]] = []
        if gains is not None:
            labels = {k: text.get(f"legend.{k}") or f"{k.upper()} {rules.ref}"
                      for k, rules in (("a", rules_a), ("b", rules_b))}  # fmt: skip
            drawn = who_gains_plots(gains, text or {}, labels)
        versions.append((text, drawn))
    plots = [
        {**plot, "lang": text["lang"]} if text.get("lang") else plot
        for text, drawn in versions
        for plot in drawn
    ]
    summary: dict[str, Any] = {
        **result,
        "kind": "equal_service",
        "table": table_with_ranges(result),
    }
    if gains is not None:
        # The riders' series only feed the plots: not stored.
        summary["who_gains"] = {k: v for k, v in gains.items() if k != "series"}
    # The differences split into the rules' and the fleet's parts, in words, per language
    # (as `compare_for_workbench`'s `explained_text`: the service picks the reader's).
    summary["explained_text"] = {
        text["lang"]: split_sentences(result, text) for text in wording if text.get("lang")
    }
    html = render_equal_service_report(result, summary.get("who_gains"), versions)
    return WorkbenchComparison(summary, plots, html)


@dataclass(frozen=True)
class ScenarioWorkbench:
    """The generated Putuo days and the comparison of two rulebooks on one of them (on a
    Ray cluster when given its address: `GIGCITY_RAY_ADDRESS` for `gigcity worker`)."""

    ray_address: str | None = None

    @property
    def compare(self) -> Callable[..., WorkbenchComparison]:
        """`compare_for_workbench`, with this engine's Ray cluster if it has one."""
        if self.ray_address is None:
            return compare_for_workbench
        # A partial of a module-level function: it pickles to the worker process.
        return partial(compare_for_workbench, ray_address=self.ray_address)

    @property
    def equal_service(self) -> Callable[..., WorkbenchComparison]:
        """`equal_service_for_workbench`, with this engine's Ray cluster if it has one."""
        if self.ray_address is None:
            return equal_service_for_workbench
        return partial(equal_service_for_workbench, ray_address=self.ray_address)

    def scenario_names(self) -> Sequence[str]:
        return scenario_names()
