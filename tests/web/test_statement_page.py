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
from web.test_pages import CJK, assets
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

PATH = "/me/statement"
SCRIPT = STATIC_DIR / "js" / "statement.js"
DAY = date(2025, 6, 3)
OTHER_DAY = date(2025, 6, 2)


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
    expect(page.locator("li.guarantee-line .clause")).to_contain_text(
        "guarantee.hourly_minimum_fen"
    )
    # The day before: nothing reported.
    page.click("#prev-day")
    page.wait_for_url(lambda url: f"date={OTHER_DAY.isoformat()}" in url)
    page.wait_for_selector("#statement[data-state=ready]")
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#total")).to_have_text("¥0.00")


@pytest.mark.browser
def test_other_accounts_are_told_the_page_is_for_riders(page: Page, demo: Demo) -> None:
    sign_in(page, demo, "staff", PATH)
    page.wait_for_selector("#statement[data-state=not-rider]")
    expect(page.locator("#alert")).to_contain_text(
        zh("Only riders and drivers have day statements. Sign in with a rider's account.")
    )
