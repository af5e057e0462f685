"""The friendly map and organisation work (issue 20) in headless Chromium on a phone: a
station's card shows its 1+1+N roster (names, roles, duty hours), asked for only when the
card opens, with phone numbers only once signed in; the sub-districts' check-in points wear
a "check-in point" badge on the map and on their card."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from web.test_browser import expect, open_map, sign_in, zh
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

pytestmark = pytest.mark.browser


def organisation_requests(page: Page) -> list[str]:
    seen: list[str] = []

    def record(request: Request) -> None:
        path = urlsplit(request.url).path
        if path.startswith("/api/organisation"):
            seen.append(path)

    page.on("request", record)
    return seen


def test_a_stations_card_shows_its_roster_phones_only_when_signed_in(
    page: Page, demo: Demo
) -> None:
    seen = organisation_requests(page)
    open_map(page)
    page.wait_for_selector("#map[data-checkin-points]")
    assert not [s for s in seen if "/stations/" in s], seen  # not with the map

    station = demo.staff_station_id
    team = page.request.get(f"/api/organisation/stations/{station}/team").json()["team"]
    open_map(page, f"/?place={station}")
    roster = page.locator("#card-team")
    expect(roster.locator("h3")).to_have_text(zh("1+1+N: who serves at this station"))
    expect(roster.locator("li")).to_have_count(len(team))
    expect(roster.locator("li").first).to_contain_text(zh("Station master"))
    expect(roster.locator("li").first).to_contain_text(team[0]["name"])
    expect(roster.locator("a[href^='tel:']")).to_have_count(0)  # not signed in
    assert f"/api/organisation/stations/{station}/team" in seen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    sign_in(page, "staff", demo.password, "/station-team")
    open_map(page, f"/?place={station}")
    expect(roster.locator("a[href^='tel:']").first).to_be_visible()


def test_the_check_in_points_wear_a_badge_on_the_map_and_their_card(page: Page, demo: Demo) -> None:
    points = page.request.get("/api/organisation/checkin-points").json()
    assert points, "the demo has check-in points"
    open_map(page)
    page.wait_for_selector(f"#map[data-checkin-points='{len(points)}']")
    badges = page.locator("#map .checkin-marker .badge")
    expect(badges).to_have_count(len(points))
    expect(badges.first).to_have_text(zh("Check-in point"))

    open_map(page, f"/?place={points[0]['place_id']}")
    page.wait_for_selector("#map[data-checkin-points]")
    expect(page.locator("#card h2")).to_have_text(points[0]["place_name"])
    expect(page.locator("#card-checkin")).to_have_text(zh("Check-in point"))
