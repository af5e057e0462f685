"""The workbench service with an injected engine: what it is given is what it runs and stores.

The engine here is a stand-in (no simulator), so these tests show that the service depends
on nothing but `WorkbenchEngine`; the real engine is exercised by the API and page tests.
"""

from __future__ import annotations

import pickle
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, InvalidInput, TooBusy
from gigcity.services.platform import Platform
from gigcity.services.workbench import (
    RunCreate,
    RunOut,
    WorkbenchEngine,
    WorkbenchService,
    wording,
)
from gigcity.services.workbench.service import MAX_ACTIVE_PER_CALLER, MAX_ACTIVE_RUNS
from gigcity.sim.scenarios import ScenarioWorkbench, compare_for_workbench, scenario_names
from services.workbench_support import CALLS, WORDING, Canned, OneDayEngine, canned_compare
from support import ADMIN

CJK = re.compile(r"[\u4e00-\u9fff]")


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
    assert [{k: row[k] for k in ("key", "a", "b")} for row in result.table] == [
        {"key": "c2d_mean", "a": 30.0, "b": 31.0}
    ]
    assert [p.svg for p in result.plots] == ["<svg/>"]
    assert service.report(run.id) == "<p>ok</p>"


def test_an_engine_failure_fails_the_run_with_its_message(service: WorkbenchService) -> None:
    run = _wait(service, service.start(ADMIN, RunCreate(seed=13)))
    assert run.status == "failed"
    assert run.error == "RuntimeError: the engine gave up"
    with pytest.raises(Conflict):
        service.report(run.id)


def test_only_the_engines_scenarios_are_offered_and_accepted(service: WorkbenchService) -> None:
    assert [c.id for c in service.options(ADMIN).scenarios] == ["putuo-weekday"]
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


RELEASE = threading.Event()


def held_compare(*args: Any, **kwargs: Any) -> Canned:
    """Compares once the test releases it: runs stay queued or running until then."""
    RELEASE.wait(30)
    return canned_compare(*args, **kwargs)


class HeldEngine(OneDayEngine):
    compare = staticmethod(held_compare)


def _caller(n: int) -> Principal:
    return Principal(role=Role.platform, label=f"platform-{n}")


def test_runs_waiting_or_running_are_capped_per_caller_and_in_all(platform: Platform) -> None:
    RELEASE.clear()
    service = _service(platform, HeldEngine())
    try:
        runs = [service.start(ADMIN, RunCreate(seed=s)) for s in range(MAX_ACTIVE_PER_CALLER)]
        with pytest.raises(TooBusy) as refused:
            service.start(ADMIN, RunCreate(seed=99))
        assert refused.value.status == 429
        assert refused.value.retry_after_s is not None
        assert refused.value.retry_after_s > 0
        # Others may still start, until the platform as a whole is full.
        n = 0
        while len(runs) < MAX_ACTIVE_RUNS:
            runs.append(service.start(_caller(n // MAX_ACTIVE_PER_CALLER), RunCreate(seed=n)))
            n += 1
        with pytest.raises(TooBusy):
            service.start(_caller(1000), RunCreate(seed=1))
        assert len(service.recent()) == MAX_ACTIVE_RUNS  # nothing stored for the refused
        RELEASE.set()
        assert all(_wait(service, run).status == "done" for run in runs)
        assert service.start(ADMIN, RunCreate(seed=5)).status == "queued"  # room again
    finally:
        RELEASE.set()
        service.close()


def test_simultaneous_starts_cannot_slip_past_the_cap(platform: Platform) -> None:
    RELEASE.clear()
    service = _service(platform, HeldEngine())
    barrier = threading.Barrier(12)

    def start(seed: int) -> str:
        barrier.wait()
        try:
            service.start(ADMIN, RunCreate(seed=seed))
        except TooBusy:
            return "refused"
        return "started"

    try:
        with ThreadPoolExecutor(12) as pool:
            outcomes = list(pool.map(start, range(12)))
        assert outcomes.count("started") == MAX_ACTIVE_PER_CALLER
        assert len(service.recent()) == MAX_ACTIVE_PER_CALLER
    finally:
        RELEASE.set()
        service.close()


def test_every_measure_scenario_stage_and_plot_word_has_both_languages() -> None:
    """Each key the engine gives (measure, unit, scenario, stage, plot and report word) has
    an English and a Chinese title; a new measure fails here until it has both."""
    from gigcity.sim.scenarios.compare import MEASURES as ENGINE_MEASURES
    from gigcity.sim.scenarios.report import ENGLISH

    assert set(wording.MEASURES) == {m.key for m in ENGINE_MEASURES}
    assert {m.unit for m in ENGINE_MEASURES} - {""} <= set(wording.UNITS)
    assert set(wording.SCENARIOS) == set(scenario_names())
    assert wording.REPORT == ENGLISH  # the engine's English words are the msgids
    tables = (wording.MEASURES, wording.UNITS, wording.SCENARIOS, wording.STAGES)
    for table in (*tables, wording.VARIANTS, wording.ERRORS, wording.REPORT):
        for english in table.values():
            chinese = translations("zh_CN").gettext(english)
            assert translations("en").gettext(english) == english
            symbols = {"B − A", "% of all"}  # the same in both languages: "B − A", "%"
            assert CJK.search(chinese) or english in symbols, f"no Chinese for {english!r}"
    for stage in ("queued", "simulating", "simulated:1:2:a", "drawing", "done"):
        assert CJK.search(wording.stage_text(stage, "zh_CN")), stage
        assert not CJK.search(wording.stage_text(stage, "en")), stage


def test_stages_and_errors_are_put_into_words_in_the_readers_language() -> None:
    assert wording.stage_text("simulated:2:3:b", "zh_CN") == "已模拟第 2/3 天：规则 B"
    assert wording.stage_text("simulated:2:3:b", "en") == "Simulated day 2/3: rulebook B"
    # Stages stored as English sentences before stage ids are read too.
    assert wording.stage_text("simulated 1 of 3 days (putuo-2025@1)", "zh_CN") == "已模拟第 1/3 天"
    assert wording.stage_text("drawing the report", "zh_CN") == "正在绘制图表、生成报告"
    assert wording.stage_text("something new", "zh_CN") == "something new"
    assert wording.error_text(None, "zh_CN") is None
    assert wording.error_text("RuntimeError: boom", "zh_CN") == (
        "比较运行出错而中止，技术细节已随运行记录保存，供管理员查看。"
    )
    interrupted = "the server stopped while this run was queued or running"
    assert "重新开始" in (wording.error_text(interrupted, "zh_CN") or "")


def test_a_run_is_read_in_the_readers_language(service: WorkbenchService) -> None:
    """Runs and options name rulebooks and days by their titles in either language; the
    engine was handed the words of both languages; a failed run says so in words."""
    run = _wait(service, service.start(ADMIN, RunCreate(seed=8, orders=120)))
    assert [text["lang"] for text in WORDING[-1]] == ["zh_CN", "en"]
    assert WORDING[-1][0]["measure.c2d_mean"] == "下单到送达时长（平均）"
    zh = service.get(run.id, "zh_CN")
    assert zh.stage == "done"
    assert zh.stage_text == "已完成"
    assert zh.rules_b_title == "《普陀区外卖算法与劳动规则协议（2025）》第1版"
    assert zh.scenario_title == "普陀区工作日"
    en = service.get(run.id, "en")
    assert en.scenario_title == "Putuo District, a weekday"
    assert en.rules_a_title.startswith("“Platform delivery practice")
    result = service.result(run.id, "zh_CN")
    assert result.table[0]["label"] == "下单到送达时长（平均）"
    assert result.rulebook_titles["b"] == zh.rules_b_title
    assert result.scenario["title"] == "普陀区工作日"
    options = service.options(ADMIN, "zh_CN")
    assert [(c.id, c.title) for c in options.scenarios] == [("putuo-weekday", "普陀区工作日")]
    titles = {c.id: c.title for c in options.rulebooks}
    assert titles["putuo-2025"] == zh.rules_b_title
    failed = _wait(service, service.start(ADMIN, RunCreate(seed=13)))
    assert failed.error == "RuntimeError: the engine gave up"  # the detail, kept
    assert service.get(failed.id, "zh_CN").error_text == wording.error_text(failed.error, "zh_CN")
