"""The scenario simulator as the negotiation workbench's engine.

The platform's workbench service does not import the simulator; the API and the CLI give
it a `ScenarioWorkbench()`, which matches `gigcity.services.workbench.WorkbenchEngine`
structurally. `compare_for_workbench` runs in the service's worker processes, so it is a
module-level function (pickled by name).

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
from gigcity.sim.scenarios.generate import scenario_names
from gigcity.sim.scenarios.report import (
    compare_plots,
    explained_sentence,
    render_compare_report,
)
from gigcity.sim.scenarios.runner import Progress, ScenarioSpec


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

    def scenario_names(self) -> Sequence[str]:
        return scenario_names()
