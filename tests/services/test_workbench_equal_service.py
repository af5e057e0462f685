"""Equal-service runs on the workbench with a stand-in engine: what the request asks is what
the engine searches, the answer is stored and read in the reader's language, fields that do
not fit the run's kind are refused by name, and the search's rounds show as progress."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from gigcity.i18n import translations
from gigcity.services.errors import InvalidInput
from gigcity.services.platform import Platform
from gigcity.services.workbench import RunCreate, RunOut, WorkbenchService, wording
from services.workbench_support import (
    EQUAL_CALLS,
    WORDING,
    Canned,
    OneDayEngine,
    canned_equal_service,
)
from support import ADMIN

CJK = re.compile(r"[\u4e00-\u9fff]")
EQUAL = {"kind": "equal_service", "orders": 120}


@pytest.fixture
def service(platform: Platform) -> Iterator[WorkbenchService]:
    EQUAL_CALLS.clear()
    s = WorkbenchService(
        platform.factory, platform.settings.database_url, engine=OneDayEngine(), pool="thread"
    )
    yield s
    s.close()


def _wait(service: WorkbenchService, run: RunOut) -> RunOut:
    deadline = time.monotonic() + 30
    while run.status in ("queued", "running"):
        assert time.monotonic() < deadline, run.stage
        time.sleep(0.05)
        run = service.get(run.id)
    return run


def test_an_equal_service_run_is_what_the_engine_searches_and_returns(
    service: WorkbenchService,
) -> None:
    request = RunCreate(
        **EQUAL, seed=4, seeds=3, target_undelivered=0.5, target_p90_min=45, who_gains=True
    )
    run = _wait(service, service.start(ADMIN, request))
    assert run.status == "done", run.error
    assert (run.kind, run.seeds, run.target_undelivered, run.target_p90_min, run.who_gains) == (
        "equal_service", 3, 0.5, 45, True,
    )  # fmt: skip
    assert run.attribution is False
    assert EQUAL_CALLS == [
        {"scenario": "putuo-weekday", "seed": 4, "orders": 120, "a": "baseline-2024@1",
         "b": "putuo-2025@1", "seeds": 3, "target_undelivered_share": 0.005,
         "target_p90_min": 45, "who_gains": True}
    ]  # fmt: skip
    # The engine was handed the equal-service words of both languages, Chinese first.
    assert [text["lang"] for text in WORDING[-1]] == ["zh_CN", "en"]
    assert WORDING[-1][0]["row.riders"] == "所需骑手数"
    assert WORDING[-1][0]["reason.rests"] == "工时减少：休息更多"
    assert WORDING[-1][1]["legend.b"] == "rulebook B"

    zh = service.result(run.id, "zh_CN")
    assert zh.kind == "equal_service"
    rows = {row["key"]: row for row in zh.table}
    assert rows["riders"]["label"] == "所需骑手数"
    assert rows["riders"]["b_range"] == [11.0, 12.0]
    assert rows["cost_per_order"]["unit_label"] == "元"
    assert zh.equal_service is not None
    sides = zh.equal_service["sides"]
    assert (sides["a"]["riders"], sides["b"]["riders"]) == (10, 12)
    assert sides["b"]["spread"]["min"] == 11
    assert "未送达订单不超过 0.50%" in zh.equal_service["target"]["text"]
    assert "所填" in zh.equal_service["target"]["text"]
    split = zh.equal_service["split"]
    assert split["labels"] == {
        "rules": "规则（骑手相同）", "fleet": "规则 B 增加的骑手", "difference": "同样服务下（B − A）",
    }  # fmt: skip
    cost, hours = split["measures"]
    assert (cost["label"], cost["unit_label"], cost["rules"], cost["fleet"]) == (
        "每送达一单的成本（报酬与补差）", "元", 0.6, -0.1,
    )  # fmt: skip
    assert (hours["largest"], split["added_days"]) == ("fleet", 1)
    assert zh.explained == [{"key": "rider_hours", "sentence": "排班骑手工时: 规则 B 增加的骑手"}]
    assert zh.who_gains is not None
    reasons = {r["reason"]: r for r in zh.who_gains["reasons"]}
    assert (reasons["rests"]["label"], reasons["rests"]["riders"]) == ("工时减少：休息更多", 4)
    riders = {r["key"]: r for r in zh.who_gains["riders"]}
    assert riders["loses"]["riders"] == 6
    assert riders["loses"]["lost"] == 90.0
    assert riders["same"]["label"] == "基本持平（相差不超过 1 元）"
    assert zh.who_gains["distributions"][0]["label"] == "日收入（元）"
    assert [(p.id, p.lang) for p in zh.plots] == [("who_pay", "zh_CN")]
    en = service.result(run.id, "en")
    assert {row["key"]: row["label"] for row in en.table}["riders"] == "Riders needed"
    assert en.who_gains is not None
    assert en.who_gains["reasons"][0]["label"] == "Fewer hours: more rests"
    assert [p.lang for p in en.plots] == ["en"]
    assert en.explained == [
        {"key": "rider_hours", "sentence": "Rider-hours on shift: the riders B adds"}
    ]
    assert en.equal_service is not None
    assert en.equal_service["split"]["labels"]["rules"] == "the rules, same riders"
    assert service.report(run.id) == "<p>equal</p>"


def test_targets_left_out_are_the_baselines_own_and_who_gains_is_optional(
    service: WorkbenchService,
) -> None:
    run = _wait(service, service.start(ADMIN, RunCreate(**EQUAL)))
    assert run.status == "done", run.error
    call = EQUAL_CALLS[-1]
    assert (call["seeds"], call["target_undelivered_share"], call["target_p90_min"]) == (
        1, None, None,
    )  # fmt: skip
    assert call["who_gains"] is False
    result = service.result(run.id, "zh_CN")
    assert result.who_gains is None
    assert result.plots == []
    assert result.equal_service is not None
    assert "规则 A 在每一天" in result.equal_service["target"]["text"]


@pytest.mark.one_database  # refused before anything is written
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"seeds": 2}, "seeds"),
        ({"target_undelivered": 1.0}, "target_undelivered"),
        ({"target_p90_min": 40.0}, "target_p90_min"),
        ({"who_gains": True}, "who_gains"),
        ({"kind": "equal_service", "attribution": True}, "attribution"),
        ({"kind": "equal_service", "orders": 6000}, "orders"),
    ],
)
def test_fields_that_do_not_fit_the_runs_kind_are_refused_by_name(
    service: WorkbenchService, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        service.start(ADMIN, RunCreate(**fields))
    assert refused.value.field == field
    assert service.recent() == []  # nothing stored
    assert EQUAL_CALLS == []


def test_a_failed_search_fails_the_run(service: WorkbenchService) -> None:
    run = _wait(service, service.start(ADMIN, RunCreate(**EQUAL, seed=13)))
    assert run.status == "failed"
    assert run.error == "RuntimeError: the search gave up"
    assert run.kind == "equal_service"


RELEASE = threading.Event()


def held_search(*args: Any, **kwargs: Any) -> Canned:
    """Reports a round of the search, then waits for the test."""
    kwargs["progress"]("searching", 3, 7)
    RELEASE.wait(30)
    return canned_equal_service(*args, **kwargs)


class HeldEngine(OneDayEngine):
    equal_service = staticmethod(held_search)


def test_the_searchs_rounds_show_as_progress_in_words(platform: Platform) -> None:
    RELEASE.clear()
    service = WorkbenchService(
        platform.factory, platform.settings.database_url, engine=HeldEngine(), pool="thread"
    )
    try:
        run = service.start(ADMIN, RunCreate(**EQUAL))
        deadline = time.monotonic() + 30
        while not run.stage.startswith("searching"):
            assert time.monotonic() < deadline, run.stage
            time.sleep(0.05)
            run = service.get(run.id, "zh_CN")
        assert run.stage == "searching:3:7"
        assert run.stage_text == "同样服务搜索：已完成 3 轮，已模拟 7 天"
        assert 0.05 < run.progress < 0.8
        assert service.get(run.id, "en").stage_text == (
            "Equal-service search: 3 round(s) done, 7 days simulated"
        )
        RELEASE.set()
        assert _wait(service, run).status == "done"
    finally:
        RELEASE.set()
        service.close()


def test_every_equal_service_and_who_gains_word_has_both_languages() -> None:
    """The words the engine draws and writes are its English keys' (a word added to the
    engine fails here until the service has it), each with Chinese."""
    from gigcity.sim.scenarios.equal_service_report import ENGLISH as EQUAL_ENGLISH
    from gigcity.sim.scenarios.who_gains import ENGLISH as WHO_ENGLISH

    assert wording.EQUAL_SERVICE == EQUAL_ENGLISH
    assert wording.WHO_GAINS == WHO_ENGLISH
    symbols = {"B − A"}
    for english in (*wording.EQUAL_SERVICE.values(), *wording.WHO_GAINS.values()):
        chinese = translations("zh_CN").gettext(english)
        assert CJK.search(chinese) or english in symbols, f"no Chinese for {english!r}"
    for stage in ("searching:2:5", "who_gains"):
        assert CJK.search(wording.stage_text(stage, "zh_CN")), stage
        assert not CJK.search(wording.stage_text(stage, "en")), stage


@pytest.mark.one_database  # pure wording
def test_a_run_stored_before_differences_were_split_reads_without_them() -> None:
    stored = {"rulebooks": {"a": "baseline-2024@1", "b": "putuo-2025@1"}, "seeds": [0],
              "target": {"source": "given"}, "table": []}  # fmt: skip
    data = wording.localise_equal_service(stored, "putuo-weekday", "zh_CN")
    assert data["equal_service"]["split"] is None
    assert data["explained"] == []
