"""Beds on a phone in Chinese: a driver finds the demo's driver home with free beds tonight,
books a lower bunk in the men's section, sees the check-in code and its QR; the home's desk
checks them in by that code and out again; with no free bed of the kind asked, the driver
joins the waiting list, is offered the bed someone cancelled and accepts it; the wrong role
is told whom each page is for. The stays service's clock is set to 19:00 of today (district
time) for each test, so the night is bookable and the desk may check in whatever hour the
suite runs at; the page's own clock picks the same night."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.db.models import Place
from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict
from gigcity.services.stays import BookIn, StayKind
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import PHONE, Demo, demo_account, demo_principal

if TYPE_CHECKING:
    from playwright.sync_api import Page

FLAGSHIP = "居高司机之家"
BUILT_KEYS = (
    {f"section_{s}" for s in ("men", "women", "mixed")}
    | {f"kind_{k}" for k in ("single", "bunk_lower", "bunk_upper", "recliner")}
    | {
        f"state_{s}"
        for s in (
            "offered",
            "booked",
            "checked_in",
            "checked_out",
            "cancelled",
            "no_show",
            "lapsed",
            "moved",
        )
    }
)


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def evening(demo: Demo) -> Iterator[datetime]:
    """The stays service thinks it is 19:00 of tonight's night (district time)."""
    stays = demo.platform.stays
    tonight = stays.tonight(stays.clock())  # the night the page offers first, too
    at = stays.at_local(tonight, time(19, 0))
    real = stays.clock
    stays.clock = lambda: at
    yield at
    stays.clock = real


def _home(demo: Demo, name: str | None = None) -> int:
    stays = demo.platform.stays
    with demo.platform.factory() as session:
        homes = session.execute(select(Place.id, Place.name).where(Place.kind == "driver_home"))
        found = {n: i for i, n in homes}
    ids = [h.place_id for h in stays.nearby(121.40, 31.27, 20_000, 100)]
    if name is not None:
        return found[name]
    return next(i for i in ids if i != found.get(FLAGSHIP))


def _driver(demo: Demo) -> tuple[str, Principal]:
    username = f"driver-{uuid.uuid4().hex[:8]}"
    return username, demo_account(demo, username, Role.rider)


@pytest.mark.parametrize(
    ("path", "script"), [("/stays", "stays.js"), ("/stays/desk", "stays-desk.js")]
)
def test_every_string_the_scripts_ask_for_is_on_the_page_in_both_languages(
    page_client: TestClient, path: str, script: str
) -> None:
    strings = page_strings(page_client, path, "stays-strings", STATIC_DIR / "js" / script)
    asked = strings.asked | BUILT_KEYS
    assert asked <= set(strings.chinese), sorted(asked - set(strings.chinese))


@pytest.mark.browser
def test_a_driver_books_a_bunk_and_the_desk_checks_them_in_and_out_by_the_code(
    page: Page, demo: Demo, evening: datetime, live_server: str
) -> None:
    username, _ = _driver(demo)
    sign_in(page, username, demo.password, "/stays")
    page.wait_for_selector("#stays-page[data-state=ready]")
    expect(page.locator("#mine-empty")).to_be_visible()
    home = page.locator("#homes li", has_text=FLAGSHIP)
    expect(home).to_contain_text("张床位中有")
    home.locator("button.book").click()
    expect(page.locator("#book-title")).to_have_text(f"预订：{FLAGSHIP}")
    page.select_option("#section", "men")
    page.select_option("#bed-kind", "bunk_lower")
    page.click("#book-go")
    expect(page.locator("#notice")).to_contain_text("已预订")
    mine = page.locator("#mine li").first
    expect(mine).to_contain_text(zh("Booked"))
    expect(mine).to_contain_text(zh("Lower bunk"))
    expect(mine.locator("img.stay-qr")).to_be_visible()
    code = mine.locator(".stay-code-value").inner_text().strip()
    assert code

    browser = page.context.browser
    assert browser is not None
    other = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server)
    desk = other.new_page()
    sign_in(desk, "homestaff", demo.password, "/stays/desk")
    desk.wait_for_selector("#desk-page[data-state=ready]")
    expect(desk.locator("#desk-title")).to_have_text(f"{FLAGSHIP} 前台")
    desk.fill("#checkin-code", code)
    desk.click("#checkin-form button[type=submit]")
    expect(desk.locator("#notice")).to_contain_text("已入住")
    guest = desk.locator("#bookings li", has_text=zh("Checked in"))
    expect(guest.first).to_be_visible()

    page.reload()
    page.wait_for_selector("#stays-page[data-state=ready]")
    expect(page.locator("#mine li").first).to_contain_text(zh("Checked in"))

    row = desk.locator("#bookings li", has_text=username).first
    if not row.count():  # the desk shows the guest's display name (the username here)
        row = guest.first
    desk.once("dialog", lambda d: d.accept())
    row.locator("button.check-out").click()
    expect(desk.locator("#notice")).to_contain_text("已退房")
    other.close()


@pytest.mark.browser
def test_with_no_free_bed_the_driver_waits_and_accepts_the_bed_someone_released(
    page: Page, demo: Demo, evening: datetime
) -> None:
    """The other home's women's section (four single beds) is taken tonight by four others;
    our driver is refused with the reason, joins the waiting list, and is offered the bed
    the first of them cancels."""
    stays = demo.platform.stays
    place_id = _home(demo)
    night = stays.tonight(evening)
    others = [_driver(demo)[1] for _ in range(4)]
    taken = []
    for other in others:
        try:
            taken.append(stays.book(other, BookIn(place_id=place_id, night=night, section="women")))
        except Conflict:  # fewer than four were free: the section is full anyway
            break
    username, _ = _driver(demo)
    sign_in(page, username, demo.password, "/stays")
    page.wait_for_selector("#stays-page[data-state=ready]")
    page.locator(f"#homes li[data-home='{place_id}'] button.book").click()
    page.select_option("#section", "women")
    page.click("#book-go")
    expect(page.locator("#book-alert")).to_be_visible()
    expect(page.locator("#book-wait")).to_be_visible()
    page.click("#book-wait")
    expect(page.locator("#notice")).to_contain_text("排队")
    expect(page.locator("#waits li")).to_contain_text("第 1 位")

    stays.cancel(others[0], taken[0].id)
    page.reload()
    page.wait_for_selector("#stays-page[data-state=ready]")
    offer = page.locator("#mine li.state-offered")
    expect(offer).to_contain_text(zh("Offered to you"))
    offer.locator("button.accept").click()
    expect(page.locator("#notice")).to_have_text(
        zh("The bed is yours: show your code at the desk.")
    )
    expect(page.locator("#mine li").first).to_contain_text(zh("Booked"))
    assert demo_principal(demo, username).account_id is not None


@pytest.mark.browser
def test_a_driver_walks_in_with_their_desk_code_and_the_desk_gives_them_a_bed(
    page: Page, demo: Demo, evening: datetime, live_server: str
) -> None:
    """No booking: the driver's page shows their code for the desk; the desk scans it (types
    it here) and gives them a bed, checked in at once; the driver's page shows the stay."""
    username, _ = _driver(demo)
    sign_in(page, username, demo.password, "/stays")
    page.wait_for_selector("#stays-page[data-state=ready]")
    page.click("#desk-code-show")
    expect(page.locator("#desk-code-qr")).to_be_visible()
    code = page.locator("#desk-code-value").inner_text().strip()
    assert code

    browser = page.context.browser
    assert browser is not None
    other = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server)
    desk = other.new_page()
    sign_in(desk, "homestaff", demo.password, "/stays/desk")
    desk.wait_for_selector("#desk-page[data-state=ready]")
    desk.locator("#walkin summary").click()
    desk.click("#walkin-go")  # nothing entered: told what to enter
    expect(desk.locator("#alert")).to_contain_text(
        zh("Scan the guest's desk code, or type their username.")
    )
    desk.fill("#walkin-guest", code)
    desk.select_option("#walkin-section", "men")
    desk.click("#walkin-go")
    expect(desk.locator("#notice")).to_contain_text(f"{username} 已入住")
    row = desk.locator("#bookings li", has_text=username)
    expect(row).to_contain_text(zh("Checked in"))
    assert desk.evaluate("document.documentElement.scrollWidth") <= 390
    other.close()

    page.reload()
    page.wait_for_selector("#stays-page[data-state=ready]")
    expect(page.locator("#mine li").first).to_contain_text(zh("Checked in"))


@pytest.mark.browser
def test_the_desk_moves_a_booked_guest_to_another_free_bed(
    page: Page, demo: Demo, evening: datetime
) -> None:
    """A driver's booked bunk; the desk moves them to another free bed of the night, and
    the list shows them there."""
    stays = demo.platform.stays
    place_id = _home(demo, FLAGSHIP)
    username, driver = _driver(demo)
    booked = stays.book(
        driver, BookIn(place_id=place_id, night=stays.tonight(evening), kind=StayKind.night)
    )
    sign_in(page, "homestaff", demo.password, "/stays/desk")
    page.wait_for_selector("#desk-page[data-state=ready]")
    row = page.locator(f"#bookings li[data-booking='{booked.id}']")
    expect(row).to_contain_text(booked.bed_label)
    row.locator("button.move").click()
    choice = row.locator("select.move-bed")
    expect(choice).to_be_visible()
    target = choice.locator("option").first.get_attribute("value")
    assert target is not None and int(target) != booked.bed_id  # noqa: PT018
    row.locator("button.move-go").click()
    expect(page.locator("#notice")).to_contain_text(f"{username}已换到")
    moved = stays.booking(driver, booked.id)
    assert moved.bed_id == int(target)
    expect(page.locator(f"#bookings li[data-booking='{booked.id}']")).to_contain_text(
        moved.bed_label
    )


@pytest.mark.browser
@pytest.mark.parametrize(
    ("who", "path", "for_whom"),
    [
        ("rider", "/stays/desk", "station staff and district admins"),
        ("officer", "/stays", "riders and drivers"),
    ],
)
def test_the_wrong_role_is_told_whom_the_page_is_for(
    page: Page, demo: Demo, who: str, path: str, for_whom: str
) -> None:
    home = {"rider": "/me/statement", "officer": "/officer"}[who]
    sign_in(page, who, demo.password, home)
    page.goto(path)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(zh(for_whom))
