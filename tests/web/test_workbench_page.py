"""The workbench page: rendered in both languages, and a run started and read in Chromium."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from gigcity.sim.scenarios import ScenarioWorkbench
from web.test_browser import sign_in
from web.web_support import Demo

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
    page.wait_for_selector("#runs li[data-status=done]", timeout=120_000)
    page.wait_for_selector("#result:not([hidden]) #result-table tbody tr")
    rows = page.locator("#result-table tbody tr").count()
    assert rows >= 15
    assert page.locator("#plots img").count() >= 6
    assert "baseline-2024@1" in page.inner_text("#result-title")
