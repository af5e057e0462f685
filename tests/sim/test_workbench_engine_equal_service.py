"""The simulator's equal-service method for the workbench, on tiny days with known answers: a
target the fleet easily meets needs no more riders, one no fleet can meet is reported as not
met; the result stores as JSON, the plots and report come in each language given."""

from __future__ import annotations

import json
import pickle
import re
from typing import Any

import pytest

from gigcity.rules import Rulebook
from gigcity.sim.scenarios import ScenarioWorkbench
from gigcity.sim.scenarios.equal_service_report import ENGLISH, equal_service_rows
from gigcity.sim.scenarios.workbench_engine import (
    WorkbenchComparison,
    equal_service_for_workbench,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
ZH = {**ENGLISH, "lang": "zh_CN", "row.riders": "所需骑手数", "plot.who_pay": "日收入",
      "legend.a": "甲方", "legend.b": "乙方", "scenario": "工作日", "language_name": "中文",
      "split.title": "同样服务下差异的成因", "split.part_rules": "规则"}  # fmt: skip
EN = {**ENGLISH, "lang": "en", "language_name": "English"}


@pytest.fixture(scope="module")
def easy(baseline: Rulebook, agreement: Rulebook) -> tuple[WorkbenchComparison, list[Any]]:
    """Two 120-order days, a target the roster easily meets, who gains asked for."""
    heard: list[Any] = []
    found = equal_service_for_workbench(
        "putuo-weekday", 0, 120, baseline, agreement, seeds=2,
        target_undelivered_share=0.05, target_p90_min=90.0, who_gains=True,
        progress=lambda *event: heard.append(event), wording=[ZH, EN],
    )  # fmt: skip
    return found, heard


def test_a_target_the_fleet_easily_meets_needs_no_more_riders(
    easy: tuple[WorkbenchComparison, list[Any]],
) -> None:
    result = easy[0].result
    assert result["kind"] == "equal_service"
    assert result["seeds"] == [0, 1]
    for key in ("a", "b"):
        side = result[key]
        assert side["met"]
        assert side["riders"] <= side["start"]
        assert side["figures"]["undelivered"] <= 0.05
    rows = {row["key"]: row for row in result["table"]}
    assert set(rows) >= {"riders", "rider_hours", "cost_per_order", "pay_per_hour_mean",
                         "below_guarantee", "pay_gini"}  # fmt: skip
    for key in ("a", "b"):  # the spread over the two days, around their mean
        low, high = rows["riders"][f"{key}_range"]
        per_seed = [s["riders"] for s in result[key]["per_seed"]]
        assert (low, high) == (min(per_seed), max(per_seed))
        low, high = rows["cost_per_order"][f"{key}_range"]
        assert low <= rows["cost_per_order"][key] <= high
    gains = result["who_gains"]
    assert "series" not in gains  # the per-rider series only feed the plots
    assert gains["fleets"] == {k: [s["riders"] for s in result[k]["per_seed"]] for k in "ab"}
    assert sum(r["riders"] for r in gains["reasons"]) == gains["verdicts"]["loses"]
    json.dumps(result)  # stored as it is


def test_plots_and_report_come_in_each_language_and_progress_counts_rounds(
    easy: tuple[WorkbenchComparison, list[Any]],
) -> None:
    found, heard = easy
    assert [(p["id"], p["lang"]) for p in found.plots if p["lang"] == "zh_CN"] == [
        ("who_pay", "zh_CN"), ("who_per_hour", "zh_CN"), ("who_longest", "zh_CN"),
        ("who_reasons", "zh_CN"),
    ]  # fmt: skip
    zh_pay = next(p for p in found.plots if p["lang"] == "zh_CN")
    assert zh_pay["title"] == "日收入"
    assert "甲方" in zh_pay["svg"]  # the sides named as the wording names them
    assert '<section id="zh-CN" lang="zh-CN">' in found.html
    assert found.html.index('id="zh-CN"') < found.html.index('id="en"')
    assert "所需骑手数" in found.html
    phases = [event[0] for event in heard]
    assert phases[-2:] == ["who_gains", "drawing"]
    rounds = [event[1] for event in heard if event[0] == "searching"]
    assert rounds == sorted(rounds)
    assert rounds[-1] >= 2  # the search took rounds, each counted once
    days = [event[2] for event in heard if event[0] == "searching"]
    assert days[-1] == found.result["simulated_days"]


def test_each_difference_is_split_in_every_language(
    easy: tuple[WorkbenchComparison, list[Any]],
) -> None:
    found = easy[0]
    split = found.result["split"]
    assert [s["seed"] for s in split["per_seed"]] == [0, 1]
    assert split["added_days"] <= 2
    for entry in split["measures"]:
        assert entry["rules"] + entry["fleet"] == pytest.approx(entry["difference"], abs=1e-9)
    texts = found.result["explained_text"]
    assert set(texts) == {"zh_CN", "en"}
    keys = ["riders", *(m["key"] for m in split["measures"])]
    assert [s["key"] for s in texts["en"]] == keys == [s["key"] for s in texts["zh_CN"]]
    assert texts["en"][0]["sentence"].startswith("Riders B adds to A's answer:")
    ruled = [s for s in texts["zh_CN"] if "The larger part is 规则." in s["sentence"]]
    assert ruled  # each language's own words, by key
    zh_section = found.html[: found.html.index('id="en"')]
    assert "同样服务下差异的成因" in zh_section
    assert "Explained differences at equal service" in found.html[found.html.index('id="en"') :]


def test_a_target_no_fleet_meets_is_reported_as_not_met(
    baseline: Rulebook, agreement: Rulebook
) -> None:
    """A click-to-door p90 of one minute: every fleet is short, up to the largest tried."""
    found = equal_service_for_workbench(
        "putuo-weekday", 0, 60, baseline, agreement, seeds=1,
        target_undelivered_share=0.0, target_p90_min=1.0, who_gains=False,
        progress=lambda *_: None,
    )  # fmt: skip
    for key in ("a", "b"):
        side = found.result[key]
        assert side["met"] is False
        assert side["riders"] is None
        assert side["per_seed"][0]["largest_tried"] > side["start"]
    assert found.plots == []
    rows = equal_service_rows(found.result)
    assert rows[1][1].startswith("not met (more than ")
    assert "who_gains" not in found.result


def test_the_engine_offers_the_method_and_it_travels_to_worker_processes() -> None:
    engine = ScenarioWorkbench()
    assert pickle.loads(pickle.dumps(engine.equal_service)) is equal_service_for_workbench
    on_ray = ScenarioWorkbench(ray_address="ray://head:10001").equal_service
    assert pickle.loads(pickle.dumps(on_ray)).keywords == {"ray_address": "ray://head:10001"}
    assert CJK.search(ZH["row.riders"])
