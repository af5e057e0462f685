"""The rider's day statement page: rendered in both languages, its strings from the catalog,
and in headless Chromium a rider reading a day line by line."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.db.models import Account
from gigcity.i18n import translations
from gigcity.services.pay import DeliveryIn
from gigcity.web.templating import STATIC_DIR
from services.pay_support import delivery, platform_key, spans
from support import ADMIN
from web.language_support import latin_sentences
from web.test_pages import CJK, assets
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

PATH = "/me/statement"
SCRIPT = STATIC_DIR / "js" / "statement.js"
DAY = date(2025, 6, 3)
OTHER_DAY = date(2025, 6, 2)
BREACH_DAY = date(2025, 6, 4)


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def page_strings(client: TestClient, **headers: str) -> dict[str, Any]:
    html = client.get(PATH, headers=headers).text
    strings: dict[str, Any] = json.loads(assets(html).blocks["statement-strings"])
    return strings


def test_the_page_is_chinese_by_default_and_english_on_request(page_client: TestClient) -> None:
    response = page_client.get(PATH, headers={"Accept-Language": ""})
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    assert f"<h1>{zh('My day statement')}</h1>" in response.text
    assert zh("My day statement") != "My day statement"
    english = page_client.get(PATH, params={"lang": "en"})
    assert "<h1>My day statement</h1>" in english.text
    assert not CJK.search(english.text.split('id="statement-strings"')[1])
    assert "lang=en" in english.headers["set-cookie"]


def test_the_page_uses_the_shared_frame_and_serves_its_own_assets(
    page_client: TestClient,
) -> None:
    response = page_client.get(PATH)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    urls = assets(response.text).urls
    assert any(u.startswith("/static/js/common.js") for u in urls)
    assert any(u.startswith("/static/js/statement.js") for u in urls)
    assert any(u.startswith("/static/css/app.css") for u in urls)
    for url in urls:
        assert url.startswith("/static/")
        assert page_client.get(url).status_code == 200, url


def test_every_string_the_script_asks_for_is_on_the_page_in_both_languages(
    page_client: TestClient,
) -> None:
    source = SCRIPT.read_text(encoding="utf-8")
    assert not CJK.search(source)
    asked = set(re.findall(r"\bsay\(\s*\"([a-z0-9_]+)\"\s*[,)]", source))
    assert len(asked) > 15, "the pattern found too few say(...) calls"
    # Keys built from API values: score kinds and lateness causes.
    asked |= {
        f"score_{kind}" for kind in ("on_time_delivery", "late_delivery", "exempt_late_delivery")
    }
    asked |= {
        f"cause_{cause}"
        for cause in ("traffic_control", "weather_alert", "merchant_delay", "lift_out_of_order", "customer_unreachable")
    }  # fmt: skip
    chinese = page_strings(page_client, **{"Accept-Language": "zh-CN"})
    english = page_strings(page_client, **{"Accept-Language": "en"})
    assert asked <= set(chinese), sorted(asked - set(chinese))
    assert chinese.keys() == english.keys()
    assert english["order_title"] == "Order {id}"
    assert chinese["order_title"] != english["order_title"]
    for key, text in chinese.items():
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", english[key])), key


# -- in the browser ---------------------------------------------------------------------------


def rider_id(demo: Demo) -> int:
    with demo.platform.factory() as session:
        account_id = session.scalar(select(Account.id).where(Account.username == "rider"))
    assert account_id is not None
    return account_id


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(scope="module")
def reported_day(demo: Demo) -> date:
    """The demo rider's day: two orders (one excused late) and two hours on orders."""
    platform = demo.platform
    _, key = platform_key(platform, "statement-page")
    reports: list[DeliveryIn] = [
        delivery("P1", day=DAY, floor=6, has_lift=False),
        delivery("P2", day=DAY, delivered="12:25", late_cause="merchant_delay"),
    ]
    for report in reports:
        platform.pay.report_delivery(key, "rider", report)
    platform.pay.report_activity(key, "rider", spans(DAY, ("11:00", "13:00", "on_order")))
    return DAY


@pytest.fixture(scope="module")
def breach_day(demo: Demo) -> date:
    """A long day: 09:00-14:20 on orders with only a 10-minute break (5 h 20 min of
    continuous work, past the 4 h limit), then a 40-minute rest and an hour more."""
    _, key = platform_key(demo.platform, "statement-page-rest")
    demo.platform.pay.report_activity(
        key,
        "rider",
        spans(
            BREACH_DAY,
            ("09:00", "11:00", "on_order"),
            ("11:10", "14:20", "on_order"),
            ("15:00", "16:00", "on_order"),
        ),
    )
    return BREACH_DAY


def assert_no_latin_sentence(page: Page) -> None:
    """The Chinese page shows no English sentence and no clause id: single Latin tokens
    (proper names, units, codes such as order ids) are all it may show."""
    found = latin_sentences(page.locator("#statement").inner_text())
    assert not found, found
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def sign_in(page: Page, demo: Demo, username: str, path: str) -> None:
    page.goto(path)
    page.wait_for_url(lambda url: urlsplit(url).path == "/login")
    page.fill("#username", username)
    page.fill("#password", demo.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == PATH)


@pytest.mark.browser
def test_a_rider_reads_a_day_line_by_line(page: Page, demo: Demo, reported_day: date) -> None:
    sign_in(page, demo, "rider", f"{PATH}?date={reported_day.isoformat()}")
    page.wait_for_selector("#statement[data-state=ready]")
    expected = demo.platform.pay.statement(ADMIN, rider_id(demo), reported_day)
    expect(page.locator("#total")).to_have_text(f"¥{expected.total_yuan}")
    assert expected.top_up_fen > 0
    lines = page.locator("#lines > li.pay-line")
    expect(lines).to_have_count(3)  # two orders and the top-up
    expect(page.locator("#rulebook-note")).to_have_attribute("data-rulebook", "putuo-2025@1")
    # An order opens into its priced lines, each naming its clause.
    order = page.locator("li.order-line[data-order-id=P1]")
    order.locator("summary").click()
    expect(order.locator(".order-lines li[data-clause='pricing.stairs']")).to_be_visible()
    expect(order.locator(".order-lines li[data-clause='pricing.stairs'] .line-title")).to_have_text(
        "无电梯爬楼"
    )
    late = page.locator("li.order-line[data-order-id=P2]")
    late.locator("summary").click()
    expect(late.locator(".score .badge")).to_have_text(zh("Late, excused"))
    # Clauses by their titles, never their ids; the rulebook by its Chinese title.
    expect(page.locator("li.guarantee-line .clause")).to_have_text("依据条款：每小时最低收入")
    expect(page.locator("#rulebook-note")).to_contain_text(
        "按《普陀区外卖算法与劳动规则协议（2025）》第1版计酬"
    )
    stairs = order.locator(".order-lines li[data-clause='pricing.stairs'] .line-text")
    expect(stairs).to_have_text("无电梯爬楼5层，其中2层不计补贴，3层按每层¥0.50计")
    assert_no_latin_sentence(page)
    # A day without work, chosen in the date input: nothing reported.
    page.fill("#day", OTHER_DAY.isoformat())
    page.dispatch_event("#day", "change")
    page.wait_for_url(lambda url: f"date={OTHER_DAY.isoformat()}" in url)
    page.wait_for_selector("#statement[data-state=ready]")
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#rest-empty")).to_be_visible()
    expect(page.locator("#total")).to_have_text("¥0.00")


@pytest.mark.browser
def test_other_accounts_are_told_the_page_is_for_riders(page: Page, demo: Demo) -> None:
    sign_in(page, demo, "staff", PATH)
    # The page knows it too, but what shows is the message sending staff to their station.
    page.wait_for_selector("#statement[data-state=not-rider]", state="attached")
    expect(page.locator("#alert")).to_contain_text(
        zh("Only riders and drivers have day statements. Sign in with a rider's account.")
    )
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-home")).to_have_attribute("href", "/manage")


@pytest.mark.browser
def test_the_rest_panel_shows_a_stretch_past_the_limit_as_a_breach(
    page: Page, demo: Demo, breach_day: date
) -> None:
    sign_in(page, demo, "rider", f"{PATH}?date={breach_day.isoformat()}")
    page.wait_for_selector("#statement[data-state=ready]")
    expect(page.locator("#rest-rule")).to_have_text(
        "连续工作4小时后，应至少休息20分钟，休息期间不派单。"
    )
    stretches = page.locator("#stretches > li.stretch")
    expect(stretches).to_have_count(2)
    breach = stretches.nth(0)
    expect(breach).to_have_attribute("data-breach", "true")
    expect(breach.locator(".line-title")).to_have_text("09:00 至 14:20")
    expect(breach.locator(".badge")).to_have_text("超过上限未休息")
    expect(breach.locator(".stretch-worked")).to_have_text("连续工作5小时20分钟")
    expect(breach).to_contain_text("超出240分钟（4小时）达1小时20分钟；本应在13:00休息20分钟")
    expect(breach).to_contain_text("14:20至15:00休息40分钟")
    expect(breach.locator(".clause")).to_have_text("依据条款：连续工作时长上限")
    expect(breach.locator(".stretch-over")).to_be_visible()
    within = stretches.nth(1)
    expect(within).to_have_attribute("data-breach", "false")
    expect(within.locator(".badge")).to_have_text("未超上限")
    expect(page.locator("#summary-facts")).to_contain_text("1 段")
    assert_no_latin_sentence(page)


@pytest.mark.browser
def test_the_statement_opens_on_the_last_day_with_work_and_steps_between_them(
    page: Page, demo: Demo, reported_day: date, breach_day: date
) -> None:
    days = demo.platform.pay.work_days(ADMIN, rider_id(demo)).days
    assert days[0] >= breach_day > reported_day  # the latest day with work, not today
    assert days[0] < date.today()
    sign_in(page, demo, "rider", PATH)
    page.wait_for_selector("#statement[data-state=ready]")
    expect(page.locator("#day")).to_have_value(days[0].isoformat())
    expect(page.locator("#next-day")).to_be_disabled()
    expect(page.locator("#stretches > li.stretch").first).to_be_visible()
    assert_no_latin_sentence(page)
    # Previous steps to the day with work before, skipping the days without.
    page.fill("#day", breach_day.isoformat())
    page.dispatch_event("#day", "change")
    page.wait_for_url(lambda url: f"date={breach_day.isoformat()}" in url)
    page.wait_for_selector("#statement[data-state=ready]")
    page.click("#prev-day")
    page.wait_for_url(lambda url: f"date={reported_day.isoformat()}" in url)
    page.wait_for_selector("#statement[data-state=ready]")
    expect(page.locator("#day")).to_have_value(reported_day.isoformat())
    page.click("#next-day")
    page.wait_for_url(lambda url: f"date={breach_day.isoformat()}" in url)
