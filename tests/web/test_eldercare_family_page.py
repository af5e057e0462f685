"""The family's page (/eldercare/family) in headless Chromium on a phone, in Chinese: the
next meals in large type with their menu, a pause showing the day meals start again (and
its meals leaving the next meals), a meal skipped, a change after the cut-off explained,
a chooser for several older people, and a rider told whom the page is for. Each test builds
its own canteen, older people and family account through the services, with the service's
clock pinned to a Monday morning."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare import (
    CanteenIn,
    ContactIn,
    Dish,
    ElderIn,
    FamilyLinkIn,
    Meal,
    MenuIn,
    SubscriptionIn,
)
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCRIPT = STATIC_DIR / "js" / "eldercare-family.js"
PATH = "/eldercare/family"
MONDAY = date(2026, 12, 7)
EARLY = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)  # Monday 06:00 in Shanghai
AFTER_LUNCH_CUTOFF = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai
ADMIN = Principal(role=Role.admin, label="family-page-admin")


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@dataclass
class Family:
    username: str
    elders: list[int]


@pytest.fixture
def pinned(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> Demo:
    """The eldercare clock at Monday 06:00, restored after the test."""
    monkeypatch.setattr(demo.platform.eldercare, "clock", lambda: EARLY)
    return demo


def _family(demo: Demo, names: tuple[str, ...] = ("王秀英",)) -> Family:
    """A canteen with a Monday lunch menu, older people having lunch every weekday, and a
    new family account (the demo password) linked to them."""
    care = demo.platform.eldercare
    canteen = care.add_canteen(
        ADMIN,
        CanteenIn(
            name="凯旋长者食堂", subdistrict=demo.officer_subdistrict, lon=121.42, lat=31.26,
            lunch_capacity=50, dinner_capacity=50, price_fen=1500,
        ),
    )  # fmt: skip
    for offset in range(3):
        care.set_menu(
            ADMIN, canteen.id, MONDAY + timedelta(days=offset), Meal.lunch,
            MenuIn(dishes=[Dish(name="南瓜粥"), Dish(name="清蒸鲈鱼")]),
        )  # fmt: skip
    username = "family_" + uuid.uuid4().hex[:8]
    elders = []
    for n, name in enumerate(names):
        elder = care.enrol(
            ADMIN,
            ElderIn(
                name=name, first_name=name[0] + "阿婆", subdistrict=demo.officer_subdistrict,
                canteen_id=canteen.id, door="某小区1号楼101室", lon=121.421, lat=31.261,
                subsidy_category="over_80", consent_by="self", consent_note="本人同意",
                contacts=[ContactIn(relation="family", name="李明", phone=f"1390000{n:04d}")],
            ),
        )  # fmt: skip
        care.subscribe(ADMIN, elder.id, SubscriptionIn(lunch=[0, 1, 2, 3, 4], starts_on=MONDAY))
        link = {"username": username, "relation": "儿子", "consent_note": "老人当面同意"}
        if n == 0:
            link["password"] = demo.password
        care.link_family(ADMIN, elder.id, FamilyLinkIn.model_validate(link))
        elders.append(elder.id)
    return Family(username, elders)


def _next(page: Page, day: date) -> Any:
    return page.locator(f"#next-meals li[data-day='{day.isoformat()}'][data-meal='lunch']")


def test_every_string_the_script_asks_for_is_on_the_page_in_both_languages(
    page_client: TestClient,
) -> None:
    strings = page_strings(page_client, PATH, "family-strings", SCRIPT)
    chinese, chinese_html = strings.chinese, strings.chinese_html
    asked = strings.asked | {f"meal_{m.value}" for m in Meal}  # keys built from the API's values
    asked |= {f"status_{s}" for s in ("subscribed", "added", "skipped", "paused", "none")}
    asked |= {f"state_{s}" for s in ("ordered", "out", "delivered", "not_delivered", "cancelled")}
    asked |= {f"reason_{r}" for r in ("hospital", "travel", "family", "other")}
    assert asked <= set(chinese), sorted(asked - set(chinese))
    assert zh("Pause meals") in chinese_html  # the template's own text, in Chinese


@pytest.mark.browser
def test_the_next_meals_in_large_type_a_skip_and_a_pause_with_its_resume_day(
    page: Page, pinned: Demo
) -> None:
    family = _family(pinned)
    sign_in(page, family.username, pinned.password, PATH)
    page.wait_for_selector("#family-page[data-state=ready]")
    expect(page.locator("#elder-title")).to_have_text(zh("{name}'s meals").format(name="王阿婆"))
    expect(page.locator("#chooser")).to_be_hidden()  # one older person: no chooser
    monday = _next(page, MONDAY)
    expect(monday).to_contain_text("南瓜粥")
    expect(monday).to_contain_text(zh("Lunch"))
    expect(monday).to_contain_text(zh("Can change until {time} on the day").format(time="09:00"))
    # Large type and big targets, on a 390 px phone without sideways scrolling.
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#next-meals .meal-menu')).fontSize)"
    )
    assert size >= 20, size
    base = page.evaluate(
        "parseFloat(getComputedStyle(document.getElementById('family-page')).fontSize)"
    )
    assert base >= 20, base
    height = monday.locator("button.skip").bounding_box()["height"]
    assert height >= 56, height
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Skip Monday's lunch: it leaves the next meals and can be added back.
    monday.locator("button.skip").click()
    expect(page.locator("#notice")).to_contain_text(zh("Skipped: {what}.").split("{")[0])
    expect(_next(page, MONDAY)).to_have_count(0)
    page.click("#add-title")
    add_back = page.locator(f"#add-meals li[data-day='{MONDAY}'][data-meal='lunch']")
    expect(add_back).to_contain_text(zh("Skipped"))
    add_back.locator("button.add").click()
    expect(_next(page, MONDAY)).to_have_count(1)
    expect(_next(page, MONDAY)).to_contain_text(zh("Added"))

    # Pause Tuesday and Wednesday: the day meals start again is shown before and after.
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    page.fill("#pause-first", tuesday.isoformat())
    page.fill("#pause-last", wednesday.isoformat())
    page.select_option("#pause-reason", "hospital")
    resume = "12月10日"
    expect(page.locator("#pause-resumes")).to_contain_text(resume)
    page.click("#pause-submit")
    expect(page.locator("#notice")).to_contain_text(resume)
    expect(_next(page, tuesday)).to_have_count(0)
    expect(_next(page, wednesday)).to_have_count(0)
    expect(_next(page, MONDAY + timedelta(days=3))).to_have_count(1)
    pause = page.locator("#pauses li")
    expect(pause).to_have_count(1)
    expect(pause).to_contain_text(zh("In hospital"))
    expect(pause).to_contain_text(resume)
    assert (
        pinned.platform.eldercare.planned(ADMIN, family.elders[0], tuesday, 1)[0].status == "paused"
    )

    # Ending the pause brings the meals back.
    pause.locator("button.cancel-pause").click()
    expect(page.locator("#notice")).to_have_text(zh("The pause is ended: meals come as usual."))
    expect(_next(page, tuesday)).to_have_count(1)
    expect(page.locator("#pauses li")).to_have_count(0)


@pytest.mark.browser
def test_after_the_cut_off_the_button_says_why_and_several_elders_get_a_chooser(
    page: Page, pinned: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    family = _family(pinned, ("王秀英", "赵桂兰"))
    monkeypatch.setattr(pinned.platform.eldercare, "clock", lambda: AFTER_LUNCH_CUTOFF)
    sign_in(page, family.username, pinned.password, PATH)
    page.wait_for_selector("#family-page[data-state=ready]")
    chooser = page.locator("#elder-choices button")
    expect(chooser).to_have_count(2)
    expect(chooser.nth(0)).to_have_attribute("aria-pressed", "true")
    monday = _next(page, MONDAY)
    expect(monday.locator("button.skip")).to_be_disabled()
    expect(monday.locator(".why")).to_have_text(
        zh("The cut-off ({time}) has passed: to change this meal, call the canteen.").format(
            time="09:00"
        )
    )
    expect(_next(page, MONDAY + timedelta(days=1)).locator("button.skip")).to_be_enabled()
    chooser.nth(1).click()
    expect(page.locator("#elder-title")).to_have_text(zh("{name}'s meals").format(name="赵阿婆"))
    expect(chooser.nth(1)).to_have_attribute("aria-pressed", "true")
    assert f"elder={family.elders[1]}" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser
def test_a_rider_is_told_the_page_is_for_families(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, "/me/statement")
    page.goto(PATH)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(zh("family members of older people"))
    expect(page.locator("#role-gate-home")).to_have_attribute("href", "/")
    expect(page.locator("#family-page")).to_be_hidden()


@pytest.mark.browser
def test_a_family_lands_on_its_page_with_its_menu(page: Page, pinned: Demo) -> None:
    family = _family(pinned)
    page.goto("/login")
    page.fill("#username", family.username)
    page.fill("#password", pinned.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == PATH)
    page.wait_for_selector("#family-page[data-state=ready]")
    expect(page.locator("#role-gate")).to_be_hidden()
    page.click("#menu summary")
    link = page.locator("#menu .menu-items a:visible")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", PATH)
    expect(link).to_have_text(zh("My family's meals"))
