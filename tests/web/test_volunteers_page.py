"""The volunteer team page (/volunteers, issue 20). In the browser, on a 390 px phone in
Chinese: the demo rider sees their confirmed and waiting hours, signs up for the main-road
patrol (a place fewer) and takes it back, records minutes on the patrol under way, from
which a link leads to the report page with the activity; the demo team's leader confirms a
member's waiting hours and schedules an activity. Without a browser: the page carries every
string its script asks for, in both languages, and the public verification page answers a
genuine code (and 404 for another)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from gigcity.services.organisation.schemas import Sector
from gigcity.services.volunteers.schemas import ActivityKind, HoursState, MemberRole
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import expect, sign_in, zh
from web.web_support import Demo, demo_principal

if TYPE_CHECKING:
    from playwright.sync_api import Page

# The keys the script builds from the API's values ("kind_" + a.kind, ...).
BUILT_KEYS = (
    {f"kind_{k}" for k in ActivityKind}
    | {f"sector_{s}" for s in Sector}
    | {f"state_{s}" for s in HoursState}
    | {f"role_{r}" for r in MemberRole}
)


def test_the_scripts_strings_are_on_the_page_in_both_languages(page_client: TestClient) -> None:
    script = STATIC_DIR / "js" / "volunteers.js"
    strings = page_strings(page_client, "/volunteers", "vol-strings", script)
    assert strings.asked, "volunteers.js asks for no string"
    wanted = strings.asked | BUILT_KEYS
    assert wanted <= set(strings.chinese), sorted(wanted - set(strings.chinese))
    assert 'data-roles="rider staff admin"' in strings.chinese_html
    assert "<script>" not in strings.chinese_html  # no inline script (CSP)


def test_a_certificate_is_verified_in_public(page_client: TestClient, demo: Demo) -> None:
    rider = demo_principal(demo, "rider")
    _, code = demo.platform.volunteers.certificate(rider, None, None, None, "http://t", "zh_CN")
    r = page_client.get(f"/volunteers/certificates/{code}", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 200
    assert "骑手小王" in r.text
    assert zh("This certificate is genuine.") in r.text
    assert "13800000001" not in r.text
    r = page_client.get("/volunteers/certificates/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    assert r.status_code == 404


@pytest.mark.browser
def test_a_rider_signs_up_records_minutes_and_finds_the_hazard_link(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, "/volunteers")
    page.wait_for_selector("#volunteers-page[data-state=ready] #activities li[data-activity]")
    expect(page.locator("#confirmed-hours")).to_have_text(zh("{hours} h").format(hours=2))
    with page.expect_download() as download:  # the certificate, behind the token, saved
        page.click("#certificate-form button[type=submit]")
    assert download.value.suggested_filename.endswith(".pdf")
    expect(page.locator("#cert-code")).not_to_be_empty()

    main_road = page.locator("#activities li", has_text="园区主干道安全巡逻")
    places = main_road.locator(".vol-places")
    before = places.inner_text()
    main_road.get_by_role("button", name=zh("Sign up")).click()
    expect(main_road).to_have_attribute("data-signed", "yes")
    expect(places).not_to_have_text(before)
    main_road.get_by_role("button", name=zh("Take back my sign-up")).click()
    expect(main_road).to_have_attribute("data-signed", "no")
    expect(places).to_have_text(before)

    patrol = page.locator("#activities li", has_text="道路隐患巡查")
    link = patrol.get_by_role("link", name=zh("Report a hazard on this patrol"))
    assert (link.get_attribute("href") or "").startswith("/report?volunteer_activity=")
    link.click()  # the report page says the report goes to the team's credit
    page.wait_for_selector("#report-page[data-state=ready]")
    expect(page.locator("#volunteer-note")).to_have_text(
        zh("This report will be credited to your volunteer team's patrol.")
    )
    page.go_back()
    page.wait_for_selector("#volunteers-page[data-state=ready] #activities li[data-activity]")

    on_patrol = page.locator("#signups li", has_text="道路隐患巡查")
    on_patrol.locator("input.vol-minutes").fill("45")
    on_patrol.get_by_role("button", name=zh("Record")).click()
    expect(on_patrol).to_have_attribute("data-hours", "waiting")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


@pytest.mark.browser
def test_a_leader_confirms_a_members_hours_and_schedules(page: Page, demo: Demo) -> None:
    sign_in(page, "rider2", demo.password, "/volunteers")
    page.wait_for_selector("#volunteers-page[data-state=ready] #leader-panel:not([hidden])")
    waiting = page.locator("#waiting li[data-signup]", has_text="骑手小王")
    expect(waiting.first).to_be_visible()
    count = waiting.count()
    waiting.first.get_by_role("button", name=zh("Confirm")).click()
    expect(waiting).to_have_count(count - 1)

    page.select_option("#act-kind", "carry")
    page.fill("#act-title", "为独居老人搬运旧家具")
    page.fill("#act-where", "桃浦新村 12 号")
    page.fill("#act-starts", "2030-06-01T09:00")
    page.fill("#act-ends", "2030-06-01T11:00")
    page.fill("#act-capacity", "4")
    page.click("#act-add")
    expect(page.locator("#team-activities li", has_text="为独居老人搬运旧家具")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
