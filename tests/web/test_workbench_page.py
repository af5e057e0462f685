"""The workbench page: rendered in both languages, and a run started and read in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from gigcity.sim.scenarios import ScenarioWorkbench
from web.language_support import assert_reads_as_chinese
from web.test_browser import sign_in
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_page_renders_with_its_strings_and_policy(page_client: TestClient) -> None:
    r = page_client.get("/workbench")
    assert r.status_code == 200
    assert "协商工作台" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert 'id="workbench-strings"' in r.text
    r = page_client.get("/workbench?lang=en")
    assert "Negotiation workbench" in r.text
    assert "/static/js/workbench.js" in r.text
    assert page_client.get("/static/js/workbench.js").status_code == 200


@pytest.fixture
def simulator(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo platform with the simulator as its workbench engine, as `gigcity serve` runs."""
    monkeypatch.setattr(demo.platform.workbench, "engine", ScenarioWorkbench())


@pytest.mark.browser
@pytest.mark.usefixtures("simulator")
def test_admin_starts_a_run_and_reads_it_after_a_reload(page: Page, demo: Demo) -> None:
    sign_in(page, "admin", demo.password, "/workbench")
    page.wait_for_selector("#workbench[data-state=ready]")
    page.fill("#orders", "60")
    page.uncheck("#attribution")
    page.click("#start")
    page.wait_for_url(lambda url: "run=" in url)
    page.reload()  # the run survives a reload: the server keeps it
    page.wait_for_selector("#runs li.is-selected[data-status=done]", timeout=120_000)
    page.wait_for_selector("#result:not([hidden]) #result-table tbody tr")
    rows = page.locator("#result-table tbody tr").count()
    assert rows >= 15
    assert page.locator("#plots img").count() >= 6
    assert "《协议签订前的平台配送惯例（2024）》第1版" in page.inner_text("#result-title")
    with page.expect_download() as download:  # the self-contained report, behind the token
        page.click("#report-link")
    assert download.value.suggested_filename.endswith(".html")
    assert (
        Path(download.value.path())
        .read_text(encoding="utf-8")
        .lower()
        .startswith("<!doctype html>")
    )


@pytest.mark.browser
@pytest.mark.usefixtures("simulator")
def test_a_finished_run_reads_as_chinese_on_a_phone(page: Page, demo: Demo) -> None:
    """At 390 px in Chinese: rulebooks and days are chosen by their titles, and a finished
    run (with attribution) shows no English sentence and no raw id: measure names and
    units, switched clauses by their titles, plots with Chinese titles."""
    sign_in(page, "admin", demo.password, "/workbench")
    page.wait_for_selector("#workbench[data-state=ready]")
    assert page.locator("#scenario option").all_inner_texts() == [
        "普陀区工作日",
        "普陀区周末",
        "普陀区雨天",
        "普陀区工作日（含一个超大型小区）",
    ]
    assert page.input_value("#scenario") == "putuo-weekday"  # ids stay the values
    chosen = page.locator("#rules_b option:checked").inner_text()
    assert chosen == "《普陀区外卖算法与劳动规则协议（2025）》第1版"
    page.fill("#orders", "50")
    page.click("#start")
    page.wait_for_url(lambda url: "run=" in url)
    page.wait_for_selector("#runs li.is-selected[data-status=done]", timeout=180_000)
    page.wait_for_selector("#result:not([hidden]) #attribution-table tbody tr")
    assert "普陀区工作日" in page.inner_text("#result-title")
    measures = page.locator("#result-table tbody th").all_inner_texts()
    assert "下单到送达时长（平均）（分钟）" in measures
    switched = page.locator("#attribution-table tbody th").all_inner_texts()
    assert "每层爬楼补贴" in switched
    assert "逐条切换之和" in switched
    captions = page.locator("#plots figcaption").all_inner_texts()
    assert captions[0] == "骑手每在线工作小时收入（补差后）"
    # Each headline difference with its largest cause, in Chinese.
    explained = page.locator("#explained li").all_inner_texts()
    assert explained, "no explained differences"
    assert all("最大原因" in line for line in explained if "（B − A）" in line), explained
    assert_reads_as_chinese(page, "admin")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
