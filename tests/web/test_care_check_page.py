"""The anonymous self-check (/care/check) in headless Chromium on a phone, in Chinese:
signed out, the four questions in the standard Chinese wording; a result that suggests a
fuller assessment with the hotline; a call-back left by choice and found in the
counsellors' queue. Signed in, the answers still go without the account's token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

SCRIPT = STATIC_DIR / "js" / "care-check.js"
PATH = "/care/check"


def zh(message: str, domain: str = "web") -> str:
    return translations("zh_CN", domain).gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_the_page_carries_the_questionnaires_in_both_languages(page_client: TestClient) -> None:
    strings = page_strings(page_client, PATH, "check-strings", SCRIPT)
    assert strings.asked <= strings.chinese.keys()
    for text in ("做事时提不起劲或没有兴趣", "感到心情低落、沮丧或绝望", "感觉紧张、焦虑或急切",
                 "不能够停止或控制担忧", "完全不会", "好几天", "一半以上的天数", "几乎每天"):  # fmt: skip
        assert text in strings.chinese_html
    assert "Little interest or pleasure in doing things" in strings.english_html
    assert strings.chinese_html.count('type="radio"') == 16


def _answer(page: Page, answers: dict[str, int]) -> None:
    for name, value in answers.items():
        page.locator(f"input[name='{name}'][value='{value}']").check()


@pytest.mark.browser
def test_a_worker_checks_in_anonymously_and_asks_for_a_call_back(page: Page, demo: Demo) -> None:
    page.goto(PATH)
    page.wait_for_selector("#check-page[data-state=ready]")
    expect(page.locator("#hotline")).to_be_visible()  # signed out too
    page.click("#check-submit")
    expect(page.locator("#check-missing")).to_be_visible()
    _answer(page, {"phq2-0": 2, "phq2-1": 1, "gad2-0": 0, "gad2-1": 1})
    page.click("#check-submit")
    expect(page.locator("#result")).to_be_visible()
    expect(page.locator("#result")).to_have_attribute("data-band", "assess")
    expect(page.locator("#result-text")).to_contain_text("更全面的评估")
    expect(page.locator("#result-hotline")).to_have_attribute("href", "tel:021962525")

    phone = "139 1234 5678"
    page.fill("#callback-phone", phone)
    page.select_option("#callback-when", "tomorrow_morning")
    page.click("#callback-submit")
    expect(page.locator("#notice")).to_have_text(
        zh("Thank you. A counsellor will call you {when}.").format(when=zh("tomorrow morning"))
    )
    counsellor = Principal(role=Role.counsellor, account_id=None, label="check-page")
    queue = demo.platform.care.callback_queue(counsellor)
    assert any(c.phone == "13912345678" and c.when == "tomorrow_morning" for c in queue)


@pytest.mark.browser
def test_a_low_result_still_shows_the_hotline_and_sends_no_token(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, "/care")
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if "/api/care/" in r.url else None)
    page.goto(PATH)
    _answer(page, {"phq2-0": 0, "phq2-1": 1, "gad2-0": 1, "gad2-1": 0})
    page.click("#check-submit")
    expect(page.locator("#result")).to_have_attribute("data-band", "low")
    expect(page.locator("#result-hotline")).to_be_visible()
    [check] = [r for r in sent if r.url.endswith("/api/care/self-check")]
    assert "authorization" not in check.all_headers()
