"""The organisation overview page (/organisation-overview, issue 20) in headless Chromium: a
district admin on a 390 px phone in Chinese sees the headline figures, a chart per figure by
month and the members per check-in point as the API counts them, changes the window, and
the page does not scroll sideways; a rider is told whom the page is for. Without a browser:
the page carries every string its script asks for, in both languages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from gigcity.services.organisation.overview_schemas import MONTH_FIGURES
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import expect, sign_in, token_of
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

PATH = "/organisation-overview"


def test_the_scripts_strings_are_on_the_page_in_both_languages(page_client: TestClient) -> None:
    script = STATIC_DIR / "js" / "organisation-overview.js"
    strings = page_strings(page_client, PATH, "overview-strings", script)
    assert strings.asked, "the script asks for no string"
    assert strings.asked <= set(strings.chinese), sorted(strings.asked - set(strings.chinese))
    assert 'data-roles="admin"' in strings.chinese_html
    assert "<script>" not in strings.chinese_html  # no inline script (CSP)
    for name in MONTH_FIGURES:  # the figures' titles come with the page, translated
        assert f'"{name}":' in strings.chinese_html


@pytest.mark.browser
def test_an_admin_reads_the_overview_on_a_phone(page: Page, demo: Demo) -> None:
    sign_in(page, "admin", demo.password, PATH)
    page.wait_for_selector("#organisation-overview-page[data-state=ready]")
    headers = {"Authorization": f"Bearer {token_of(page)}"}
    answer = page.request.get("/api/organisation/overview?months=12", headers=headers).json()
    cards = page.locator("#cards .district-card")
    expect(cards).to_have_count(7)
    members = str(answer["totals"]["members"])
    expect(page.locator("#cards [data-figure=members] .district-value")).to_have_text(members)
    expect(page.locator("#charts svg")).to_have_count(len(MONTH_FIGURES))
    expect(page.locator("#charts [data-figure=checkins] rect")).to_have_count(12)
    points = page.locator("#points li")
    expect(points).to_have_count(len(answer["points"]))
    for point in answer["points"]:
        row = page.locator(f"#points li[data-point='{point['id']}']")
        expect(row).to_have_attribute("data-members", str(point["members"]))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width

    page.select_option("#months", "6")
    expect(page.locator("#organisation-overview-page[data-months='6']")).to_have_count(1)
    expect(page.locator("#charts [data-figure=checkins] rect")).to_have_count(6)
    with page.expect_download() as download:
        page.click("#export-csv")
    assert download.value.suggested_filename.startswith("organisation-overview-")


@pytest.mark.browser
def test_a_rider_is_told_whom_the_page_is_for(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, PATH)
    expect(page.locator("#role-gate")).to_be_visible()
    page.wait_for_selector("#organisation-overview-page[data-state=forbidden]", state="attached")
    expect(page.locator("#cards .district-card")).to_have_count(0)  # no figure was asked for
