"""The counsellors' page (/care/counsellor) in headless Chromium on a phone, in Chinese:
the call-backs to make with their numbers (the reads logged), one marked called and gone
from the queue, one marked by another counsellor first (the server's 409 shown); planning
a group session; a rider told whom the page is for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gigcity.db.models import CareCallbackRead
from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.care import CallbackIn, OutcomeIn, Window
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCRIPT = STATIC_DIR / "js" / "care-counsellor.js"
PATH = "/care/counsellor"


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_the_page_carries_its_strings_in_both_languages(page_client: TestClient) -> None:
    strings = page_strings(page_client, PATH, "care-strings", SCRIPT)
    assert strings.asked <= strings.chinese.keys()


def _reads(demo: Demo) -> int:
    with demo.platform.factory() as session:
        return int(session.scalar(select(func.count()).select_from(CareCallbackRead)) or 0)


@pytest.mark.browser
def test_a_counsellor_works_the_call_backs_and_plans_a_session(page: Page, demo: Demo) -> None:
    care = demo.platform.care
    care.request_callback(CallbackIn(phone="13700001111", when=Window.now))
    care.request_callback(CallbackIn(phone="13700002222", when=Window.this_evening))
    before = _reads(demo)
    sign_in(page, "counsellor", demo.password, PATH)
    page.wait_for_selector("#counsellor-page[data-state=ready]")
    first = page.locator("#queue li", has_text="13700001111")
    second = page.locator("#queue li", has_text="13700002222")
    expect(first.locator("a.phone")).to_have_attribute("href", "tel:13700001111")
    expect(second).to_contain_text(zh("this evening"))
    assert _reads(demo) >= before + 2  # every number shown was logged
    first.get_by_role("button", name=zh("Called")).click()
    expect(page.locator("#notice")).to_have_text(zh("Marked as called."))
    expect(page.locator("#queue li", has_text="13700001111")).to_have_count(0)
    # Another counsellor reaches the second one first: the server's refusal is shown.
    [waiting] = [c for c in care.callback_queue(_counsellor()) if c.phone == "13700002222"]
    care.mark_callback(_counsellor(), waiting.id, OutcomeIn(outcome="not_reached"))
    second.get_by_role("button", name=zh("Not reached")).click()
    expect(page.locator("#alert")).to_contain_text("这个回电请求已由咨询师标记过。")
    expect(page.locator("#queue li", has_text="13700002222")).to_have_count(0)

    page.click(".new-session summary")
    page.fill("#session-title", "外卖骑手情绪减压")
    page.fill("#session-start", "2030-06-01T19:30")
    page.fill("#session-venue", "长征镇社区中心")
    page.fill("#session-capacity", "8")
    page.click("#session-form button[type=submit]")
    expect(page.locator("#notice")).to_have_text(
        zh("The group session “{title}” is planned.").format(title="外卖骑手情绪减压")
    )
    row = page.locator("#sessions li", has_text="外卖骑手情绪减压")
    expect(row.locator(".places")).to_have_text(
        zh("{taken} of {capacity} places taken").format(taken=0, capacity=8)
    )


@pytest.mark.browser
def test_a_rider_is_told_whom_the_page_is_for(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, "/care")
    page.goto(PATH)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-home")).to_have_text(zh("Back to the map"))


def _counsellor() -> Principal:
    return Principal(role=Role.counsellor, label="another-counsellor")
