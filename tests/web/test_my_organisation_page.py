"""A rider's organisation page (/my-organisation, issue 20). In the browser, the demo rider on
a 390 px phone in Chinese sees where their membership is held, opens this month's letter (its
receipt written), moves a resource of the learning library on to finished, and shows the code
the station's staff type in to hand them a book, which then appears among their books.
Without a browser: the page carries every string its script asks for, in both languages,
including the names built from the API's values."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from gigcity.services.organisation.schemas import TransferStatus
from gigcity.services.organisation.three_ones_schemas import ResourceKind
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import expect, sign_in, zh
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page


BUILT_KEYS = {f"transfer_{t}" for t in TransferStatus} | {f"kind_{k}" for k in ResourceKind}


@pytest.mark.one_database
def test_the_scripts_strings_are_on_the_page_in_both_languages(page_client: TestClient) -> None:
    script = STATIC_DIR / "js" / "my-organisation.js"
    strings = page_strings(page_client, "/my-organisation", "mine-strings", script)
    assert strings.asked, "my-organisation.js asks for no string"
    wanted = strings.asked | BUILT_KEYS
    assert wanted <= set(strings.chinese), sorted(wanted - set(strings.chinese))
    assert 'data-roles="rider"' in strings.chinese_html
    assert 'id="learning"' in strings.chinese_html  # where the learning QR code lands
    assert "<script>" not in strings.chinese_html  # no inline script (CSP)


@pytest.mark.browser
def test_a_rider_reads_the_letter_learns_and_receives_a_book_on_a_phone(
    page: Page, demo: Demo
) -> None:
    sign_in(page, "rider", demo.password, "/my-organisation")
    page.wait_for_selector("#my-organisation-page[data-state=ready]")
    expect(page.locator("#membership")).to_contain_text(zh("Held here"))

    unread = page.locator("#letters li[data-read=no]")
    before = unread.count()
    assert before >= 1  # the demo's letter to all members
    unread.first.get_by_role("button").click()
    expect(page.locator("#letters li[data-read=no]")).to_have_count(before - 1)
    expect(page.locator("#letters .org-letter-body").first).not_to_be_empty()

    started = page.locator("#resources li[data-percent='40']")
    expect(started).to_have_count(1)
    resource = started.get_attribute("data-resource")
    row = page.locator(f"#resources li[data-resource='{resource}']")
    row.locator("[data-step]").click()
    expect(row).to_have_attribute("data-percent", "65")
    row.locator("[data-finish]").click()
    expect(row).to_have_attribute("data-percent", "100")
    expect(row.locator("[data-finish]")).to_have_count(0)

    books = page.locator("#books li").count()
    page.click("#show-code")
    code = page.locator("#book-code-text")
    expect(code).to_have_text(re.compile(r"^\d+-\d{6}$"))
    token = page.request.post(
        "/api/auth/token", form={"username": "staff", "password": demo.password}
    ).json()["access_token"]
    given = page.request.post(
        "/api/organisation/books",
        data={"code": code.inner_text(), "title": "浦江骑手安全读本"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert given.status == 201, given.text()
    page.reload()
    page.wait_for_selector("#my-organisation-page[data-state=ready]")
    expect(page.locator("#books li")).to_have_count(books + 1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
