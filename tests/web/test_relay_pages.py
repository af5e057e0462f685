"""The relay pages: the community courier's queue (claim, deliver with the recipient's code,
a delivery made without signal sent when it returns) and property staff's consents, in
headless Chromium on a phone, in Chinese; their strings from the catalog in both languages."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.db.models import Account
from gigcity.i18n import translations
from gigcity.services.demo import demo_api_key
from gigcity.services.relay import AddressIn, AnnounceIn, AnnounceOut, CodeIn
from gigcity.web.templating import STATIC_DIR
from support import principal
from web.test_browser import sign_in
from web.test_pages import CJK, assets
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCRIPT = STATIC_DIR / "js" / "relay.js"


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.mark.parametrize("path", ["/relay", "/relay/consents"])
def test_every_string_the_script_asks_for_is_on_the_page_in_both_languages(
    page_client: TestClient, path: str
) -> None:
    source = SCRIPT.read_text(encoding="utf-8")
    assert not CJK.search(source)
    chinese_html = page_client.get(path, headers={"Accept-Language": "zh-CN"}).text
    english_html = page_client.get(path, params={"lang": "en"}).text
    chinese = json.loads(assets(chinese_html).blocks["relay-strings"])
    english = json.loads(assets(english_html).blocks["relay-strings"])
    assert chinese.keys() == english.keys()
    for key, text in chinese.items():
        words = re.sub(r"\{\w+\}", "", text)
        assert text != english[key] or not re.search(r"[a-z]{3}", words), key
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", english[key])), key
    if path == "/relay":
        asked = set(re.findall(r"\bsay\(\s*\"([a-z0-9_]+)\"\s*[,)]", source))
        asked |= {
            "alert_not_claimed",
            "alert_not_delivered",
            "channel_property_desk",
            "channel_platform",
        }
        consents = json.loads(
            assets(page_client.get("/relay/consents").text).blocks["relay-strings"]
        )
        assert asked <= set(chinese) | set(consents), sorted(asked - set(chinese) - set(consents))


def _announce(demo: Demo, order: str, room: str) -> AnnounceOut:
    platform = demo.platform
    with platform.factory() as session:
        key = demo_api_key(session)
        session.commit()
    caller = platform.accounts.principal_from_api_key(key)
    prop = principal(platform, "property")
    estate_id = platform.relay.my_points(prop)[0].estate_id
    address = AddressIn(building="b3", unit="2", room=room)
    if not platform.relay.consent_check(prop, estate_id, address).in_force:
        platform.relay.record_consent(prop, estate_id, address)
    item = platform.relay.announce(
        caller, AnnounceIn(order_ref=order, estate_id=estate_id, building="b3", unit="2", room=room)
    )
    platform.relay.drop(caller, item.id, CodeIn(code=item.handoff_code))
    return item


@pytest.mark.browser
def test_a_courier_claims_and_delivers_and_a_delivery_without_signal_is_sent_later(
    page: Page, demo: Demo
) -> None:
    first = _announce(demo, "WEB-1", "501")
    sign_in(page, "courier", demo.password, "/relay")
    page.wait_for_selector("#relay-page[data-state=ready]")
    waiting = page.locator(f"#queue li[data-item='{first.id}']")
    expect(waiting).to_contain_text("501")
    # Oldest first: the demo's late item leads, marked late.
    expect(page.locator("#queue li").first.locator(".badge-alert")).to_have_text(
        zh("Not claimed in time")
    )
    waiting.locator("button.claim").click()
    mine = page.locator(f"#mine li[data-item='{first.id}']")
    expect(mine).to_be_visible()
    mine.locator("input.code").fill(first.confirm_code)
    mine.locator("button.deliver").click()
    expect(page.locator("#notice")).to_have_text(zh("Delivered. Thank you!"))
    expect(page.locator(f"#mine li[data-item='{first.id}']")).to_have_count(0)
    expect(page.locator("#earnings-count")).not_to_have_text("0 件")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Without signal: the delivery waits in the outbox and goes when the signal returns.
    second = _announce(demo, "WEB-2", "502")
    courier = principal(demo.platform, "courier")
    demo.platform.relay.claim(courier, second.id)
    page.reload()
    page.wait_for_selector(f"#mine li[data-item='{second.id}']")
    page.context.set_offline(True)
    row = page.locator(f"#mine li[data-item='{second.id}']")
    row.locator("input.code").fill(second.confirm_code)
    row.locator("button.deliver").click()
    expect(page.locator("#outbox")).to_be_visible()
    assert demo.platform.relay.get(courier, second.id).state == "claimed"
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#outbox")).to_be_hidden()
    assert demo.platform.relay.get(courier, second.id).state == "delivered"


@pytest.mark.browser
def test_property_staff_record_and_revoke_a_consent(page: Page, demo: Demo) -> None:
    sign_in(page, "property", demo.password, "/relay/consents")
    page.wait_for_selector("#consents-page[data-state=ready]")
    page.fill("#c-building", "4")
    page.fill("#c-unit", "3")
    page.fill("#c-room", "1707")
    page.click("#consent-form button[type=submit]")
    row = page.locator("#consent-rows tr", has_text="1707")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(zh("Property desk"))
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button.revoke").click()
    expect(page.locator("#consent-rows tr", has_text="1707")).to_have_count(0)
    with demo.platform.factory() as session:
        assert session.scalar(select(Account.id).where(Account.username == "property"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser
def test_a_courier_lands_on_the_relay_queue_and_a_rider_is_sent_home(
    page: Page, demo: Demo
) -> None:
    page.goto("/login")
    page.fill("#username", "courier")
    page.fill("#password", demo.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/relay")
    page.wait_for_selector("#relay-page[data-state=ready]")
    expect(page.locator("#role-gate")).to_be_hidden()
    page.click("#menu summary")
    expect(page.locator("#menu .menu-items a[href='/relay']")).to_be_visible()
    expect(page.locator("#menu .menu-items a[href='/relay/consents']")).to_be_hidden()
    page.evaluate("localStorage.clear()")
    page.goto("/login")
    page.fill("#username", "rider")
    page.fill("#password", demo.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    page.goto("/relay")
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(
        zh("community couriers, property staff and district admins")
    )
    expect(page.locator("#role-gate-home")).to_have_attribute("href", "/")
