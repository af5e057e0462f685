"""Station staff certify riders for gate passes (/certify) on a phone in Chinese: a new
rider certified until a chosen day and found in the list with the station as voucher; a
revocation (after a confirmation) that the rider's pass page shows at once; an unknown
username refused with the API's reason, nothing stored; a rider told the page is not for
them. The strings the script shows are on the page in both languages."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gigcity.db.models import RiderCertification
from gigcity.i18n import translations
from gigcity.services.accounts import Role
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import Demo, demo_account

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCRIPT = STATIC_DIR / "js" / "gate-certify.js"
PATH = "/certify"


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def zh_api(message: str) -> str:
    return translations("zh_CN", "messages").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _certifications(demo: Demo) -> int:
    with demo.platform.factory() as session:
        return int(session.scalar(select(func.count()).select_from(RiderCertification)) or 0)


def test_every_string_the_script_asks_for_is_on_the_page_in_both_languages(
    page_client: TestClient,
) -> None:
    strings = page_strings(page_client, PATH, "certify-strings", SCRIPT)
    assert strings.asked <= set(strings.chinese), sorted(strings.asked - set(strings.chinese))
    assert f"<h1>{zh('Certify riders for gate passes')}</h1>" in strings.chinese_html
    assert "<h1>Certify riders for gate passes</h1>" in strings.english_html


@pytest.mark.browser
def test_staff_certify_a_new_rider_and_revoke_them_and_the_pass_page_says_so(
    page: Page, demo: Demo
) -> None:
    username = f"cert-{uuid.uuid4().hex[:8]}"
    demo_account(demo, username, Role.rider)
    sign_in(page, "staff", demo.password, PATH)
    page.wait_for_selector("#certify-page[data-state=ready]")
    until = (demo.platform.eldercare.day_clock.today() + timedelta(days=30)).isoformat()
    page.fill("#c-rider", username)
    page.fill("#c-until", until)
    page.fill("#c-note", "驿站熟客")
    page.click("#certify-form button[type=submit]")
    expect(page.locator("#notice")).to_contain_text(username)
    row = page.locator("#certifications li", has_text=username)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(zh("In force"))
    expect(row).to_contain_text("驿站熟客")
    expect(row).to_contain_text(until.replace("-", "/"))

    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button.revoke").click()
    expect(page.locator("#notice")).to_contain_text(
        zh("The certification of {name} is revoked.").format(name=username)
    )
    expect(page.locator("#certifications li", has_text=username)).to_have_count(0)  # in force only
    page.uncheck("#c-in-force")
    ended = page.locator("#certifications li", has_text=username)
    expect(ended).to_contain_text(zh("Ended"))
    expect(ended.locator("button.revoke")).to_have_count(0)


@pytest.mark.browser
def test_an_unknown_rider_is_refused_with_the_reason_and_nothing_is_stored(
    page: Page, demo: Demo
) -> None:
    sign_in(page, "staff", demo.password, PATH)
    page.wait_for_selector("#certify-page[data-state=ready]")
    before = _certifications(demo)
    page.fill("#c-rider", "nobody-at-all")
    page.click("#certify-form button[type=submit]")
    reason = zh_api("No active rider is called {username}.").format(username="nobody-at-all")
    expect(page.locator("#alert")).to_contain_text(reason)
    expect(page.locator("#notice")).to_be_hidden()
    assert _certifications(demo) == before
    page.fill("#c-rider", "")
    page.click("#certify-form button[type=submit]")
    expect(page.locator("#alert")).to_contain_text(zh("Enter the rider's username."))


@pytest.mark.browser
def test_a_rider_is_told_the_page_is_for_station_staff(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, "/me/statement")
    page.goto(PATH)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(zh("station staff and district admins"))
    expect(page.locator("#certify-page")).to_be_hidden()
