"""What the workbench needs from a simulator, stated here so services never import `sim`.

Services and the simulator sit side by side (DESIGN, "Which way the arrows go"): the
composition roots (the API app, the CLI) hand `Platform.from_settings` an engine, such as
`gigcity.sim.scenarios.ScenarioWorkbench()`. Without one the workbench still lists and
serves stored runs, but offers no scenarios and refuses to start a run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from gigcity.rules import Rulebook

Progress = Callable[[int, int, str], None]
"""`progress(done, total, label)`: simulated days so far, of how many, and which one."""


class Comparison(Protocol):
    """A finished comparison, ready to store."""

    @property
    def result(self) -> Mapping[str, Any]:
        """JSON-ready summary: `rulebooks`, `scenario`, `yardstick`, `table`, `attribution`."""
        ...

    @property
    def plots(self) -> Sequence[Mapping[str, str]]:
        """The report's plots as `{id, title, svg, lang}`, in each language it was given."""
        ...

    @property
    def html(self) -> str:
        """The self-contained HTML report (inline SVG, no scripts), in each language."""
        ...


class CompareDays(Protocol):
    """Replay one generated day under rulebooks A and B (and each of B's clauses alone).

    `wording` has one mapping per language of every word the plots and the report show,
    by key (`services.workbench.wording.engine_wording`): the engine has no words of its own.
    """

    def __call__(
        self,
        scenario: str,
        seed: int,
        orders: int,
        rules_a: Rulebook,
        rules_b: Rulebook,
        *,
        attribution: bool,
        progress: Progress,
        wording: Sequence[Mapping[str, str]],
    ) -> Comparison: ...


SearchProgress = Callable[[str, int, int], None]
"""`progress(phase, rounds, days)` of an equal-service run: the phase (`searching`,
`who_gains`, `drawing`), rounds of the search finished so far and days simulated so far
(how many rounds a search needs is not known ahead)."""


class EqualServiceDays(Protocol):
    """For each rulebook, the fewest riders that give the service target on the generated
    day `scenario`/`orders` of each seed `seed`, `seed + 1`, … (`seeds` of them), and with
    `who_gains` the riders of both answer fleets compared.

    A target left None is A's own service on each day. `wording` is as for `CompareDays`
    (`services.workbench.wording.all_equal_service_wording`). The result holds `kind`
    ("equal_service"), `rulebooks`, `seeds`, `target`, `a`, `b` (each side's answer), `table`
    (rows with `a_range`/`b_range` over seeds) and, with `who_gains`, `who_gains`.
    """

    def __call__(
        self,
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
        wording: Sequence[Mapping[str, str]],
    ) -> Comparison: ...


class WorkbenchEngine(Protocol):
    """The simulator as the workbench sees it."""

    def scenario_names(self) -> Sequence[str]:
        """The generated days a run may ask for."""
        ...

    @property
    def compare(self) -> CompareDays:
        """Runs in a worker process, so it must pickle: a module-level function."""
        ...

    @property
    def equal_service(self) -> EqualServiceDays:
        """Runs in a worker process too: a module-level function (or a partial of one)."""
        ...
