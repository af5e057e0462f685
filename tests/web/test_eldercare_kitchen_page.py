"""A canteen's kitchen page (/eldercare/kitchen) in headless Chromium on a phone, in Chinese:
canteen staff land on it and see today's lunch counted by diet in big numbers, the
allergies and the dish that does not suit, with nobody named; a menu for tomorrow written
and saved; a rider told whom the page is for; its strings in both languages. Each test
builds its own canteen, canteen account and older people through the services."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare import (
    CanteenIn,
    CareIn,
    ContactIn,
    Diet,
    ElderIn,
    Mobility,
    SubscriptionIn,
)
from gigcity.services.eldercare.schemas import Dish, Meal, MenuIn
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.test_pages import assets
from web.web_support import PHONE, Demo, demo_account

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCRIPT = STATIC_DIR / "js" / "eldercare-kitchen.js"
PATH = "/eldercare/kitchen"
STRINGS = "kitchen-strings"
# (name, first name, diets, allergies) of the older people having lunch every day.
PEOPLE = (
    ("王秀英", "王阿婆", [Diet.soft, Diet.low_salt], ["花生"]),
    ("李桂兰", "李阿婆", [Diet.soft], ["花生"]),
    ("张德明", "张伯伯", [Diet.diabetic], []),
)
CLASHING_DISH = "宫保鸡丁"  # marked for no diet, with peanuts: suits nobody above


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@dataclass(frozen=True)
class Canteen:
    cook: str  # the canteen account's username (the demo's password)
    canteen_id: int
    officer: Principal


def make_canteen(demo: Demo) -> Canteen:
    """A canteen of the demo officer's sub-district with today's lunch menu, its cook, and
    three older people having lunch there every day."""
    care = demo.platform.eldercare
    tag = uuid.uuid4().hex[:8]
    code = demo.officer_subdistrict
    place = next(s for s in demo.platform.district.subdistricts if s.code == code)
    officer = demo_account(demo, f"kitchen-officer-{tag}", Role.officer, subdistrict=code)
    rider = demo_account(demo, f"kitchen-rider-{tag}", Role.rider)
    canteen = care.add_canteen(
        officer,
        CanteenIn(
            name=f"长者食堂 {tag}", subdistrict=code, lon=place.lon, lat=place.lat,
            lunch_capacity=40, price_fen=1500,
        ),
    )  # fmt: skip
    today = care.day_clock.today()
    dishes = [
        Dish(name="清蒸鱼", suits=[Diet.soft, Diet.low_salt, Diet.diabetic], allergens=["鱼"]),
        Dish(name=CLASHING_DISH, allergens=["花生"]),
    ]
    care.set_menu(officer, canteen.id, today, Meal.lunch, MenuIn(dishes=dishes))
    for n, (name, first_name, diet, allergies) in enumerate(PEOPLE):
        elder = care.enrol(
            officer,
            ElderIn(
                name=name, first_name=first_name, subdistrict=code, canteen_id=canteen.id,
                building=f"{n + 1}号楼", unit="1单元", floor=3, door=f"某小区{n + 1}号楼101室",
                lon=place.lon + 0.001, lat=place.lat + 0.001, subsidy_category="over_80",
                care=CareIn(mobility=Mobility.walks, diet=diet, allergies=allergies),
                contacts=[ContactIn(relation="family", name="李明", phone="13800000001")],
                primary_rider_id=rider.account_id, consent_by="self", consent_note="本人签字同意",
            ),
        )  # fmt: skip
        care.subscribe(officer, elder.id, SubscriptionIn(lunch=list(range(7)), starts_on=today))
    cook = f"kitchen-cook-{tag}"
    demo_account(demo, cook, Role.canteen, canteen_id=canteen.id)
    return Canteen(cook, canteen.id, officer)


# -- strings ------------------------------------------------------------------------------


def test_every_string_the_script_asks_for_is_on_the_page_in_both_languages(
    page_client: TestClient,
) -> None:
    strings = page_strings(page_client, PATH, STRINGS, SCRIPT)
    chinese, chinese_html = strings.chinese, strings.chinese_html
    assert '<h1 id="kitchen-title">食堂后厨</h1>' in chinese_html
    assert '<h1 id="kitchen-title">Canteen kitchen</h1>' in strings.english_html
    asked = strings.asked | {f"meal_{m.value}" for m in Meal} | {f"diet_{d.value}" for d in Diet}
    assert asked <= set(chinese), sorted(asked - set(chinese))
    # The role gate and the menu name whom the page is for, and each role's home.
    shared = json.loads(assets(chinese_html).blocks["gigcity-strings"])
    assert shared["page_for_eldercare_kitchen"] == zh(
        "canteen staff, neighbourhood-committee staff, grid officers and district admins"
    )
    assert (shared["role_canteen"], shared["home_canteen"]) == ("食堂工作人员", "前往食堂后厨")
    assert (shared["role_committee"], shared["home_committee"]) == (
        "居委会工作人员", "前往助老送餐工作页"
    )  # fmt: skip
    english_shared = json.loads(assets(strings.english_html).blocks["gigcity-strings"])
    assert english_shared["role_canteen"] == "Canteen staff"


# -- in the browser -------------------------------------------------------------------------


@pytest.mark.browser
def test_canteen_staff_land_on_the_kitchen_and_see_counts_not_people(
    page: Page, demo: Demo
) -> None:
    canteen = make_canteen(demo)
    page.goto("/login")
    page.fill("#username", canteen.cook)
    page.fill("#password", demo.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == PATH)  # the canteen's home
    page.wait_for_selector("#kitchen-page[data-state=ready] #meal-lunch .meal-total")
    lunch = page.locator("#meal-lunch")
    expect(lunch.locator("h2")).to_have_text("午餐")
    expect(lunch.locator(".meal-total .count")).to_have_text("3")
    tiles = lunch.locator(".tiles .tile")
    expect(tiles.filter(has_text="软食").locator(".count")).to_have_text("2")
    expect(tiles.filter(has_text="低盐").locator(".count")).to_have_text("1")
    expect(tiles.filter(has_text="糖尿病餐").locator(".count")).to_have_text("1")
    expect(tiles.filter(has_text="普通餐").locator(".count")).to_have_text("0")
    expect(lunch.locator(".allergy")).to_have_text(["花生：2 份"])
    expect(lunch.locator(".clash")).to_contain_text([f"{CLASHING_DISH}：3 人不宜"])
    expect(page.locator("#meal-dinner .meal-total .count")).to_have_text("0")
    text = page.locator("#kitchen-page").inner_text()
    for name, first_name, _, _ in PEOPLE:
        assert name not in text
        assert first_name not in text
    assert "号楼" not in text
    # Big numbers, and nothing wider than a 390 px phone.
    size = lunch.locator(".meal-total .count").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 40
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser
def test_a_menu_for_tomorrow_is_written_and_saved(page: Page, demo: Demo) -> None:
    canteen = make_canteen(demo)
    care = demo.platform.eldercare
    tomorrow = care.day_clock.today() + timedelta(days=1)
    sign_in(page, canteen.cook, demo.password, PATH)
    page.wait_for_selector("#kitchen-page[data-state=ready]")
    item = page.locator(f"#menu-days li[data-day='{tomorrow}'][data-meal=lunch]")
    expect(item).to_have_attribute("data-kept", "no")
    item.locator("button.edit-menu").click()
    rows = item.locator(".dish-row")
    rows.nth(0).locator(".dish-name").fill("番茄炒蛋")
    rows.nth(0).locator(".dish-diets label", has_text="软食").locator("input").check()
    rows.nth(0).locator(".dish-allergens").fill("鸡蛋")
    rows.nth(1).locator(".dish-name").fill("香菇青菜")
    for diet in ("软食", "低盐", "糖尿病餐"):
        rows.nth(1).locator(".dish-diets label", has_text=diet).locator("input").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    item.locator("button.save-menu").click()
    expect(page.locator("#notice")).to_contain_text("菜单已保存")
    saved = page.locator(f"#menu-days li[data-day='{tomorrow}'][data-meal=lunch]")
    expect(saved).to_have_attribute("data-kept", "yes")
    expect(saved.locator(".dishes li")).to_have_count(2)
    menu = care.menu(canteen.canteen_id, tomorrow, Meal.lunch)
    assert [(d.name, d.suits, d.allergens) for d in menu.dishes] == [
        ("番茄炒蛋", [Diet.soft], ["鸡蛋"]),
        ("香菇青菜", [Diet.soft, Diet.low_salt, Diet.diabetic], []),
    ]


@pytest.mark.browser
def test_a_rider_is_told_the_page_is_not_for_them(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, PATH)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(
        zh("canteen staff, neighbourhood-committee staff, grid officers and district admins")
    )
    expect(page.locator("#role-gate-home")).to_have_attribute("href", "/")
    expect(page.locator("#kitchen-page")).to_be_hidden()
