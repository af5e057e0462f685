"""The workbench service with an injected engine: what it is given is what it runs and stores.

The engine here is a stand-in (no simulator), so these tests show that the service depends
on nothing but `WorkbenchEngine`; the real engine is exercised by the API and page tests.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from gigcity.rules import Rulebook
from gigcity.services.errors import Conflict, InvalidInput
from gigcity.services.platform import Platform
from gigcity.services.workbench import (
    Progress,
    RunCreate,
    RunOut,
    WorkbenchEngine,
    WorkbenchService,
)
from gigcity.sim.scenarios import ScenarioWorkbench, compare_for_workbench, scenario_names
from support import ADMIN

CALLS: list[tuple[Any, ...]] = []


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
) -> Canned:
    CALLS.append((scenario, seed, orders, rules_a.ref, rules_b.ref, attribution))
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


def _service(platform: Platform, engine: WorkbenchEngine | None) -> WorkbenchService:
    return WorkbenchService(
        platform.factory, platform.settings.database_url, engine=engine, pool="thread"
    )


@pytest.fixture
def service(platform: Platform) -> Iterator[WorkbenchService]:
    CALLS.clear()
    s = _service(platform, OneDayEngine())
    yield s
    s.close()


def _wait(service: WorkbenchService, run: RunOut) -> RunOut:
    deadline = time.monotonic() + 30
    while run.status in ("queued", "running"):
        assert time.monotonic() < deadline, run.stage
        time.sleep(0.05)
        run = service.get(run.id)
    return run


def test_a_run_is_what_the_engine_compares_and_returns(service: WorkbenchService) -> None:
    request = RunCreate(seed=7, orders=120, attribution=False)
    run = _wait(service, service.start(ADMIN, request))
    assert run.status == "done", run.error
    assert run.progress == 1
    assert CALLS == [("putuo-weekday", 7, 120, "baseline-2024@1", "putuo-2025@1", False)]
    result = service.result(run.id)
    assert result.rulebooks == {"a": "baseline-2024@1", "b": "putuo-2025@1"}
    assert result.table == [{"key": "c2d_mean", "a": 30.0, "b": 31.0}]
    assert [p.svg for p in result.plots] == ["<svg/>"]
    assert service.report(run.id) == "<p>ok</p>"


def test_an_engine_failure_fails_the_run_with_its_message(service: WorkbenchService) -> None:
    run = _wait(service, service.start(ADMIN, RunCreate(seed=13)))
    assert run.status == "failed"
    assert run.error == "RuntimeError: the engine gave up"
    with pytest.raises(Conflict):
        service.report(run.id)


def test_only_the_engines_scenarios_are_offered_and_accepted(service: WorkbenchService) -> None:
    assert service.options(ADMIN).scenarios == ["putuo-weekday"]
    with pytest.raises(InvalidInput) as refused:
        service.start(ADMIN, RunCreate(scenario="putuo-rainy"))
    assert refused.value.field == "scenario"
    assert "putuo-rainy" in str(refused.value)
    assert service.recent() == []
    assert CALLS == []


def test_without_an_engine_nothing_is_offered_or_started(platform: Platform) -> None:
    service = _service(platform, None)
    try:
        options = service.options(ADMIN)
        assert options.scenarios == []
        assert options.may_start is False
        assert options.rulebooks  # rulebooks are still listed: they are not the engine's
        with pytest.raises(Conflict) as refused:
            service.start(ADMIN, RunCreate())
        assert "no simulator" in str(refused.value)
        assert service.recent() == []
    finally:
        service.close()


def test_the_simulators_engine_fits_and_travels_to_worker_processes() -> None:
    engine: WorkbenchEngine = ScenarioWorkbench()  # mypy checks the fit
    assert list(engine.scenario_names()) == list(scenario_names())
    assert pickle.loads(pickle.dumps(engine.compare)) is compare_for_workbench
