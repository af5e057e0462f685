"""The workbench page's equal-service run in Chromium: chosen next to the ordinary comparison,
started on a tiny day, read at 390 px in Chinese (the answer side by side with its spread,
each difference split into the rules' part and the riders added, who gains with its plots
beside the table), then in English."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from gigcity.sim.scenarios import ScenarioWorkbench
from web.language_support import assert_reads_as_chinese
from web.test_browser import sign_in
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture
def simulator(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo platform with the simulator as its workbench engine, as `gigcity serve` runs."""
    monkeypatch.setattr(demo.platform.workbench, "engine", ScenarioWorkbench())


@pytest.mark.browser
@pytest.mark.usefixtures("simulator")
def test_an_equal_service_run_reads_as_chinese_on_a_phone_and_in_english(
    page: Page, demo: Demo
) -> None:
    sign_in(page, "admin", demo.password, "/workbench")
    page.wait_for_selector("#workbench[data-state=ready]")
    assert page.locator("#equal-fields").is_hidden()
    page.check("input[name=kind][value=equal_service]")
    assert page.locator("#equal-fields").is_visible()
    assert page.locator("#attribution-field").is_hidden()  # comparisons only
    assert page.get_attribute("#orders", "max") == "5000"
    page.fill("#orders", "120")
    page.select_option("#seeds", "2")
    page.fill("#target_undelivered", "5")  # a given target: a short search
    page.fill("#target_p90_min", "90")
    page.click("#start")
    page.wait_for_url(lambda url: "run=" in url)
    page.wait_for_selector("#runs li.is-selected[data-status=done]", timeout=120_000)
    page.wait_for_selector("#result:not([hidden]) #who-riders tbody tr")

    assert "同样服务比较" in page.inner_text("#result-title")
    assert "同样服务比较" in page.inner_text("#runs li.is-selected[data-status=done]")
    assert "未送达订单不超过 5.00%" in page.inner_text("#equal-target")
    measures = page.locator("#result-table tbody th").all_inner_texts()
    assert measures[0] == "所需骑手数（人）"
    assert "补差前低于每小时保底收入的骑手占比（%）" in measures
    assert "每小时收入的基尼系数" in measures
    riders = page.locator("#result-table tbody tr[data-key=riders] td").all_inner_texts()
    # A and B: the riders needed, with their range over the two days when they differ.
    assert all(re.fullmatch(r"\d+(（\d+–\d+）)?", cell.strip()) for cell in riders[:2]), riders
    people = page.locator("#who-riders tbody th").all_inner_texts()
    assert "规则 B 下收入减少" in people
    assert "工时减少：休息更多" in people
    spread = page.locator("#who-spread tbody th").all_inner_texts()
    assert "日收入（元）" in spread
    captions = page.locator("#who-plots figcaption").all_inner_texts()
    assert captions == [
        "同样服务下每位骑手的日收入",
        "同样服务下每在线工作小时收入（累计分布）",
        "每位骑手最长连续工作时长",
        "规则 B 下收入减少的骑手（按主要原因）",
    ]
    assert page.locator("#attribution-title").is_hidden()
    # Each difference split into the rules' part and the riders added, in sentences.
    assert page.locator("#explained-title").is_visible()
    split_head = page.locator("#split-table thead th").all_inner_texts()
    assert split_head[1:] == ["规则（骑手相同）", "规则 B 增加的骑手", "同样服务下（B − A）"]
    fleet = page.locator("#explained li").first.inner_text()
    assert fleet.startswith("规则 B 比规则 A 多用的骑手：")
    cost = page.locator("#explained li[data-measure=cost_per_order]").inner_text()
    assert cost.startswith("每送达一单的成本（报酬与补差）：同样服务下相差 ")
    assert re.search(r"较大的部分来自(规则|规则 B 增加的骑手)。", cost), cost
    assert_reads_as_chinese(page, "admin")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(page.url + "&lang=en")
    page.wait_for_selector("#result:not([hidden]) #who-riders tbody tr")
    assert page.locator("#result-table tbody th").first.inner_text() == "Riders needed (riders)"
    assert "earn less under B" in page.locator("#who-riders tbody th").all_inner_texts()
    assert page.locator("#who-plots figcaption").first.inner_text() == (
        "Daily pay per rider at equal service"
    )
    assert "The larger part is" in page.inner_text("#explained li[data-measure=cost_per_order]")
