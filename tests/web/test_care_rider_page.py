"""The rider's care page (/care) in headless Chromium on a phone, in Chinese: the hotline
one tap away, the demo's group sessions, taking a place and giving it back, a full session
refused as the server says, and the nearest meal under 15 yuan open now with free water
(services/demo/care.py: a 12.90 yuan set meal and a fridge at the demo station, round the
clock). A counsellor is told whom the page is for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.care import SessionIn
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import Demo, demo_principal

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCRIPT = STATIC_DIR / "js" / "care-rider.js"
PATH = "/care"
ADMIN = Principal(role=Role.admin, label="care-page-admin")


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_the_page_carries_its_strings_in_both_languages(page_client: TestClient) -> None:
    strings = page_strings(page_client, PATH, "care-strings", SCRIPT)
    assert strings.asked <= strings.chinese.keys()
    assert "24小时心理援助热线" in strings.chinese_html
    assert 'href="tel:021962525"' in strings.chinese_html


@pytest.mark.browser
def test_a_rider_takes_a_place_gives_it_back_and_finds_a_cheap_meal(page: Page, demo: Demo) -> None:
    title = f"团体辅导 {datetime.now(UTC):%H%M%S%f}"
    made = demo.platform.care.create_session(
        ADMIN,
        SessionIn(title=title, starts_at=datetime.now(UTC) + timedelta(days=1), capacity=1),
    )
    sign_in(page, "rider", demo.password, PATH)
    page.wait_for_selector("#care-page[data-state=ready]")
    expect(page.locator(".care a[href='tel:021962525']").first).to_be_visible()
    row = page.locator(f"#sessions li[data-session='{made.id}']")
    expect(row).to_contain_text(title)
    expect(row.locator(".places")).to_have_text(
        zh("{free} of {capacity} places free").format(free=1, capacity=1)
    )
    row.get_by_role("button", name=zh("Take a place")).click()
    expect(page.locator("#notice")).to_have_text(
        zh("You have a place in “{title}”.").format(title=title)
    )
    expect(row.locator(".places")).to_have_text(zh("You have a place"))
    row.get_by_role("button", name=zh("Give my place back")).click()
    expect(page.locator("#notice")).to_have_text(
        zh("Your place in “{title}” is given back.").format(title=title)
    )
    # The nearest meal under 15 yuan, open now, and free water, with distances.
    meal = page.locator("#meals li").first
    expect(meal).to_contain_text("骑手套餐")
    expect(meal).to_contain_text(zh("{yuan} yuan").format(yuan="12.90"))
    expect(page.locator("#water li").first).to_contain_text(zh("Free"))
    expect(page.locator("#near-from")).to_have_text(
        zh("From the district's centre (allow your position for distances from you).")
    )
    # The hotline is in the top bar, one tap away.
    expect(page.locator("#hotline")).to_be_visible()
    expect(page.locator("#hotline")).to_have_attribute("href", "tel:021962525")


@pytest.mark.browser
def test_a_full_session_is_refused_as_the_server_says(page: Page, demo: Demo) -> None:
    made = demo.platform.care.create_session(
        ADMIN,
        SessionIn(
            title="只剩一个名额", starts_at=datetime.now(UTC) + timedelta(days=1), capacity=1
        ),
    )
    sign_in(page, "rider", demo.password, PATH)
    page.wait_for_selector("#care-page[data-state=ready]")
    demo.platform.care.sign_up(
        demo_principal(demo, "rider2"), made.id
    )  # someone else takes the last place first
    row = page.locator(f"#sessions li[data-session='{made.id}']")
    row.get_by_role("button", name=zh("Take a place")).click()
    expect(page.locator("#alert")).to_contain_text("这场团体辅导已报满。")
    expect(row.locator(".places")).to_have_text(zh("Full"))


@pytest.mark.browser
def test_a_counsellor_is_told_whom_the_page_is_for(page: Page, demo: Demo) -> None:
    sign_in(page, "counsellor", demo.password, "/care/counsellor")
    page.goto(PATH)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-home")).to_have_text(zh("Go to the call-backs"))
