"""Each role lands on its own home after signing in, sees only the menu it may use, and is
told kindly (in its language, with a link home) when it opens a page for other roles.
In Chinese on a 390 px phone; expected texts come from the catalogs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from gigcity.i18n import translations
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def sign_in_at_login(page: Page, username: str, password: str) -> None:
    """Open the sign-in page directly (no page asked for it) and sign in."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path != "/login")


def menu_links(page: Page) -> list[str]:
    """The pages the open menu offers (visible links only)."""
    page.click("#menu summary")
    links = page.locator("#menu .menu-items a:visible")
    return [links.nth(i).get_attribute("href") or "" for i in range(links.count())]


HOMES = {"staff": "/manage", "officer": "/officer", "admin": "/dashboard"}
STAFF_PAGES = {
    "/manage",
    "/officer",
    "/dashboard",
    "/stays/desk",
    "/stations/desk",
    "/doctors/desk",
    "/legal",
    "/certify",
    "/governance",
    "/audit",
    "/organisation",
    "/station-team",
    "/organisation-overview",
}


@pytest.mark.browser
def test_a_rider_lands_on_the_map_with_their_pages_one_tap_away(page: Page, demo: Demo) -> None:
    sign_in_at_login(page, "rider", demo.password)
    assert urlsplit(page.url).path == "/"
    page.wait_for_selector("#map[data-state=ready]")
    quick = page.locator("#rider-links")
    expect(quick).to_be_visible()
    expect(quick.locator("a[href='/me/statement']")).to_have_text(zh("My day statement"))
    expect(quick.locator("a[href='/report#mine']")).to_have_text(zh("My reports"))
    # No sign-in link for someone signed in; the menu has no staff pages, and signs out.
    shown = page.locator(".topnav > a:visible").all_inner_texts()
    assert zh("Sign in") not in [text.strip() for text in shown], shown
    offered = menu_links(page)
    assert not STAFF_PAGES & set(offered), offered
    assert "/me/statement" in offered
    expect(page.locator("#menu-sign-out")).to_have_text(zh("Sign out"))
    expect(page.locator("#menu-sign-out")).to_be_visible()


@pytest.mark.browser
@pytest.mark.parametrize("username", ["staff", "officer", "admin"])
def test_staff_officers_and_admins_land_on_their_own_page(
    page: Page, demo: Demo, username: str
) -> None:
    sign_in_at_login(page, username, demo.password)
    assert urlsplit(page.url).path == HOMES[username]
    expect(page.locator("#role-gate")).to_have_count(1)
    expect(page.locator("#role-gate")).to_be_hidden()
    expect(page.locator("#sign-in-link")).to_be_hidden()
    offered = menu_links(page)
    assert HOMES[username] in offered
    assert "/me/statement" not in offered  # riders' only
    if username == "staff":
        assert not {"/officer", "/dashboard"} & set(offered), offered


@pytest.mark.browser
def test_a_rider_opening_the_officers_page_is_sent_home_kindly(page: Page, demo: Demo) -> None:
    sign_in_at_login(page, "rider", demo.password)
    page.goto("/officer")
    gate = page.locator("#role-gate")
    expect(gate).to_be_visible()
    expect(gate.locator("h1")).to_have_text(zh("This page is not for your account"))
    expect(page.locator("#role-gate-text")).to_contain_text(zh("Rider or driver"))
    expect(page.locator("#role-gate-text")).to_contain_text(zh("grid officers and district admins"))
    home = page.locator("#role-gate-home")
    expect(home).to_have_text(zh("Back to the map"))
    expect(home).to_have_attribute("href", "/")
    # The page's own frames (queue, map, error box) are not shown under the message.
    expect(page.locator("#officer-page")).to_be_hidden()
    home.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")


@pytest.mark.browser
def test_staff_opening_the_statement_are_sent_to_their_station(page: Page, demo: Demo) -> None:
    sign_in_at_login(page, "staff", demo.password)
    page.goto("/me/statement")
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(zh("riders and drivers"))
    expect(page.locator("#role-gate-home")).to_have_attribute("href", "/manage")
    expect(page.locator("#role-gate-home")).to_have_text(zh("Go to your station"))


@pytest.mark.browser
def test_signed_out_readers_see_sign_in_and_no_menu(page: Page) -> None:
    page.goto("/")
    page.wait_for_selector("#map[data-state=ready]")
    expect(page.locator("#sign-in-link")).to_be_visible()
    expect(page.locator("#sign-in-link")).to_have_text(zh("Sign in"))
    expect(page.locator("#menu")).to_be_hidden()
    expect(page.locator("#rider-links")).to_be_hidden()


@pytest.mark.browser
def test_signing_out_from_the_menu_forgets_the_account(page: Page, demo: Demo) -> None:
    sign_in_at_login(page, "officer", demo.password)
    page.click("#menu summary")
    page.click("#menu-sign-out")
    # Sent to the map: its address is enough (its tiles and markers may load slowly).
    page.wait_for_url(lambda url: urlsplit(url).path == "/", wait_until="commit")
    expect(page.locator("#sign-in-link")).to_be_visible()
    assert page.evaluate("localStorage.getItem('gigcity.token')") is None
    expect(page.locator("#menu")).to_be_hidden()


@pytest.mark.browser
def test_a_request_answered_after_signing_out_leaves_the_way_to_the_map(
    page: Page, demo: Demo
) -> None:
    """A page's request still in flight when the reader signs out comes back 401; that
    must not turn the way out into "your session ran out" on the sign-in page (it did on
    a loaded CI machine, where the map took long to come)."""
    sign_in_at_login(page, "officer", demo.password)
    expect(page.locator("#menu-sign-out")).to_be_attached()
    # Signing out and the late 401 in one turn of the page's loop, so the answer surely
    # comes before the map does; the 401 goes the officer page's own way (its messages).
    page.evaluate(
        """() => {
             const G = window.gigcity;
             const say = G.messages(document.getElementById("alert"), document.getElementById("notice"));
             document.getElementById("menu-sign-out").click();
             say.fail(new G.ApiError(401, "Not signed in"));
           }"""
    )
    page.wait_for_url(lambda url: urlsplit(url).path == "/", wait_until="commit")
    expect(page.locator("#sign-in-link")).to_be_visible()
    assert page.evaluate("localStorage.getItem('gigcity.token')") is None


@pytest.mark.browser
def test_a_page_asked_for_before_signing_in_is_where_sign_in_returns(
    page: Page, demo: Demo
) -> None:
    page.goto("/officer")
    page.wait_for_url(lambda url: urlsplit(url).path == "/login")
    page.fill("#username", "officer")
    page.fill("#password", demo.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/officer")


@pytest.mark.browser
def test_the_sign_in_page_says_who_is_signed_in_and_the_way_home(page: Page, demo: Demo) -> None:
    sign_in_at_login(page, "rider", demo.password)
    page.goto("/login")
    expect(page.locator("#signed-in")).to_be_visible()
    expect(page.locator("#signed-in-text")).to_contain_text(zh("Rider or driver"))
    expect(page.locator("#signed-in-home")).to_have_attribute("href", "/")
    expect(page.locator("#signed-in-home")).to_have_text(zh("Back to the map"))


def test_the_sign_in_page_speaks_to_riders_too(page_client: TestClient) -> None:
    html = page_client.get("/login", headers={"Accept-Language": "zh-CN"}).text
    assert (
        zh(
            "Riders and drivers: your day statement line by line, and the hazards you reported "
            "and their rewards."
        )
        in html
    )
    assert zh("The map and its navigation work without signing in.") in html
