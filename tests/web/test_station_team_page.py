"""The station team page (/station-team, issue 20). In the browser, the demo station's staff
on a 390 px phone in Chinese see their 1+1+N roster (master first, phones shown to them),
add a sector instructor, add a dated action to the plan and tick it done, and the plan's
progress follows. Without a browser: both organisation pages carry every string their
scripts ask for, in both languages, including the names built from the API's values."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from gigcity.services.organisation.schemas import (
    OrgKind,
    Position,
    Sector,
    SectorKind,
    TransferStatus,
)
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import expect, sign_in, zh
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page


# The keys the scripts build from the API's values ("position_" + m.position, ...).
BUILT_KEYS = (
    {f"position_{p}" for p in Position}
    | {f"sector_kind_{k}" for k in SectorKind}
    | {f"kind_{k}" for k in OrgKind}
    | {f"sector_{s}" for s in Sector}
    | {f"transfer_{t}" for t in TransferStatus}
    | {f"purpose_{p}" for p in ("own", "members", "accept")}
)


@pytest.mark.parametrize(
    ("path", "script", "roles"),
    [
        ("/station-team", "station-team.js", "staff admin"),
        ("/organisation", "organisation.js", "admin"),
    ],
)
def test_the_scripts_strings_are_on_the_pages_in_both_languages(
    page_client: TestClient, path: str, script: str, roles: str
) -> None:
    strings = page_strings(page_client, path, "org-strings", STATIC_DIR / "js" / script)
    assert strings.asked, f"{script} asks for no string"
    wanted = strings.asked | BUILT_KEYS
    assert wanted <= set(strings.chinese), sorted(wanted - set(strings.chinese))
    assert f'data-roles="{roles}"' in strings.chinese_html
    assert "<script>" not in strings.chinese_html  # no inline script (CSP)


@pytest.mark.browser
def test_station_staff_edit_their_roster_and_plan_on_a_phone(page: Page, demo: Demo) -> None:
    sign_in(page, "staff", demo.password, "/station-team")
    page.wait_for_selector("#station-team-page[data-state=ready] #team li")
    team = page.locator("#team li")
    expect(team.first).to_contain_text(zh("Station master"))
    expect(team.first).to_contain_text("13900000101")  # the staff see the phones
    before = team.count()

    page.select_option("#team-position", "sector")
    page.select_option("#team-sector", "other")
    page.fill("#team-name", "街道工会 孙老师")
    page.fill("#team-hours", "每周五上午")
    page.click("#team-add")
    expect(team).to_have_count(before + 1)
    expect(team.last).to_contain_text(zh("Other sector"))
    expect(team.last).to_contain_text(zh("On duty: {hours}").format(hours="每周五上午"))

    actions = page.locator("#actions li")
    total = actions.count()
    done = page.locator("#actions li[data-done=yes]").count()
    page.fill("#action-title", "夏季防暑降温慰问")
    page.fill("#action-due", "2026-07-15")
    page.click("#action-add")
    expect(actions).to_have_count(total + 1)
    added = page.locator("#actions li", has_text="夏季防暑降温慰问")
    added.locator("input[type=checkbox]").check()
    expect(page.locator("#actions li[data-done=yes]")).to_have_count(done + 1)
    progress = zh("{done} of {total} actions done").format(done=done + 1, total=total + 1)
    expect(page.locator("#plan-progress-text")).to_have_text(progress)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


@pytest.mark.browser
def test_station_staff_record_a_book_by_the_member_s_code(page: Page, demo: Demo) -> None:
    rider = page.request.post(
        "/api/auth/token", form={"username": "rider", "password": demo.password}
    ).json()["access_token"]
    code = page.request.get(
        "/api/organisation/books/code", headers={"Authorization": f"Bearer {rider}"}
    ).json()["code"]
    sign_in(page, "staff", demo.password, "/station-team")
    page.wait_for_selector("#station-team-page[data-state=ready] #book-panel:not([hidden])")
    title = f"骑手安全手册-{code[-4:]}"
    page.fill("#book-code", code)
    page.fill("#book-title", title)
    page.click("#book-give")
    expect(page.locator("#notice")).to_contain_text(title)
    given = page.request.get(
        "/api/organisation/books/mine", headers={"Authorization": f"Bearer {rider}"}
    ).json()
    assert title in [b["title"] for b in given]
    page.fill("#book-code", "1-000000")  # a code no one was given: refused, by name
    page.fill("#book-title", title)
    page.click("#book-give")
    expect(page.locator("#alert")).to_be_visible()
