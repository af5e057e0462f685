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


class WorkbenchEngine(Protocol):
    """The simulator as the workbench sees it."""

    def scenario_names(self) -> Sequence[str]:
        """The generated days a run may ask for."""
        ...

    @property
    def compare(self) -> CompareDays:
        """Runs in a worker process, so it must pickle: a module-level function."""
        ...
