"""The admin's organisation page (/organisation, issue 20): the forms added for the three ones
and membership. In the browser, a district admin on a 390 px phone in Chinese creates an
organisation, appoints an officer by username, sets a check-in point, sends a letter to all
members and asks who has not read it, and adds a learning resource and unpublishes it; and
moves a member from one organisation to another (asked, then taken in).
Without a browser: every string organisation.js asks of #three-strings is on the page in
both languages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from gigcity.db.session import transaction
from gigcity.services.accounts import AccountCreate, Role, create_account, principal_for
from gigcity.services.organisation.three_ones_schemas import ResourceKind
from gigcity.web.templating import STATIC_DIR
from support import ADMIN
from web.strings_support import page_strings
from web.test_browser import expect, sign_in, zh
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

BUILT = {f"kind_{k}" for k in ResourceKind} | {
    f"purpose_{p}" for p in ("letter_receipts", "learning_progress", "books")
}


@pytest.mark.one_database
def test_the_three_ones_strings_are_on_the_page_in_both_languages(
    page_client: TestClient,
) -> None:
    script = STATIC_DIR / "js" / "organisation.js"
    strings = page_strings(page_client, "/organisation", "three-strings", script, caller="word")
    chinese, english = strings.chinese, strings.english
    asked = strings.asked | BUILT
    assert asked <= set(chinese), sorted(asked - set(chinese))
    assert chinese.keys() == english.keys()
    assert all(chinese[k] != english[k] for k in ("all_members", "sent", "publish"))


@pytest.mark.browser
def test_an_admin_creates_appoints_writes_and_keeps_the_library_on_a_phone(
    page: Page, demo: Demo
) -> None:
    sign_in(page, "admin", demo.password, "/organisation")
    page.wait_for_selector("#organisation-page[data-state=ready] #orgs li")
    notice = page.locator("#notice")

    orgs = page.locator("#orgs li").count()
    page.fill("#org-name", "真如某快递公司党支部")
    page.select_option("#org-kind", "company_branch")
    page.select_option("#org-sector", "express_logistics")
    page.click("#org-add")
    expect(page.locator("#orgs li")).to_have_count(orgs + 1)
    expect(page.locator("#orgs li").last).to_contain_text("真如某快递公司党支部")

    page.select_option("#officer-org", label="真如某快递公司党支部")
    page.fill("#officer-account", "officer")
    page.click("#officer-add")
    expect(notice).to_have_text(zh("Appointed."))

    page.locator("#point-place option").nth(1).wait_for(state="attached")
    page.select_option("#point-place", index=1)
    page.select_option("#point-org", label="真如某快递公司党支部")
    page.click("#point-save")
    expect(notice).to_have_text(zh("Saved."))

    letters = page.locator("#letters li").count()
    page.fill("#letter-title", "关于冬季安全送餐的提醒")
    page.fill("#letter-body", "雨雪天气请减速慢行。")
    page.click("#letter-send")
    expect(page.locator("#letters li")).to_have_count(letters + 1)
    first = page.locator("#letters li").first
    expect(first).to_contain_text("关于冬季安全送餐的提醒")
    first.get_by_role("button").click()
    expect(first.locator(".org-unread")).not_to_be_empty()

    resources = page.locator("#resources li").count()
    page.fill("#resource-title", "快递小哥安全生产十条")
    page.select_option("#resource-kind", "article")
    page.fill("#resource-body", "第一条……")
    page.click("#resource-save")
    expect(page.locator("#resources li")).to_have_count(resources + 1)
    added = page.locator("#resources li", has_text="快递小哥安全生产十条")
    added.locator("[data-toggle]").click()
    expect(added).to_have_attribute("data-published", "no")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


@pytest.mark.browser
def test_an_admin_moves_a_member_to_another_organisation_on_a_phone(page: Page, demo: Demo) -> None:
    """A member of the station group (registered here, not the demo rider other pages
    show) is moved to the company branch: asked from the group's list, taken in from the
    branch's, where the member then shows where they came from."""
    platform = demo.platform
    with transaction(platform.factory) as session:
        data = AccountCreate(
            username="mover", password=demo.password, display_name="转接骑手", role=Role.rider
        )
        mover = principal_for(create_account(session, data, platform.district))
    orgs = {o.kind: o for o in platform.organisation.list_organisations(ADMIN)}
    group, branch = orgs["station_group"], orgs["company_branch"]
    point = next(p for p in platform.organisation.checkin_points() if p.organisation_id == group.id)
    platform.organisation.register(mover, point.id)

    sign_in(page, "admin", demo.password, "/organisation")
    page.wait_for_selector("#organisation-page[data-state=ready] #orgs li")
    notice = page.locator("#notice")
    page.locator(f"#orgs li[data-org='{group.id}'] .org-buttons button").first.click()
    row = page.locator("#members li", has_text="转接骑手")
    row.locator("select").select_option(str(branch.id))
    row.locator("button[data-transfer]").click()
    expect(notice).to_have_text(zh("Transfer asked."))
    expect(row).to_contain_text(zh("Transfer out requested"))

    page.locator(f"#orgs li[data-org='{branch.id}'] .org-buttons button").first.click()
    incoming = page.locator("#members li[data-incoming=yes]", has_text="转接骑手")
    incoming.locator("button[data-take-in]").click()
    expect(notice).to_have_text(zh("Taken in."))
    moved = page.locator("#members li[data-incoming=no]", has_text="转接骑手")
    expect(moved).to_contain_text(zh("Transferred in"))
    expect(moved).to_contain_text(group.name)
    expect(page.locator("#reads")).to_contain_text(zh("taking in a transfer"))
