"""A workbench engine that answers at once, without the simulator: the workbench service's
tests and the tests of services that start runs on it (concerns) share it.

`canned_compare` records each call in `CALLS` and the wording it was given in `WORDING`,
reports progress twice, and fails on seed 13."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


class OneDayEngine:
    """Offers only the weekday, and compares with `canned_compare`."""

    compare = staticmethod(canned_compare)

    def scenario_names(self) -> Sequence[str]:
        return ("putuo-weekday",)
