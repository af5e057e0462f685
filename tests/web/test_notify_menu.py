"""The menu's notices switch on a phone in Chinese: offered to a signed-in worker; a browser
whose settings block notices says so; a push service that cannot be reached (none in the
test machine) says the switch failed, without a script error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from gigcity.i18n import translations
from web.test_browser import sign_in
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.mark.browser
def test_a_rider_is_offered_notices_and_told_when_the_browser_blocks_them(
    page: Page, demo: Demo
) -> None:
    sign_in(page, "rider", demo.password, "/me/statement")
    page.click("#menu summary")
    switch = page.locator("#menu-notify")
    expect(switch).to_have_text(zh("Get notices on this phone"))
    expect(switch).to_have_attribute("aria-pressed", "false")
    page.context.clear_permissions()  # headless: the permission prompt answers "denied"
    switch.click()
    expect(switch).to_have_text(zh("Notices are blocked in this browser's settings"))


@pytest.mark.browser
def test_with_notices_allowed_but_no_push_service_the_switch_says_it_failed(
    page: Page, demo: Demo
) -> None:
    sign_in(page, "rider", demo.password, "/me/statement")
    page.context.grant_permissions(["notifications"])
    page.click("#menu summary")
    switch = page.locator("#menu-notify")
    switch.click()
    expect(switch).to_have_text(zh("Notices could not be switched; try again"))
    expect(switch).to_be_enabled()


@pytest.mark.browser
def test_nobody_signed_out_is_offered_notices(page: Page, demo: Demo) -> None:
    page.goto("/report")
    expect(page.locator("#menu-notify")).to_be_hidden()
