"""The building guide (/estates/{id}/guide) in headless Chromium on a 390 px phone, in
Chinese first: a rider finds a building and sees the zone colour with its name, the best gate,
the e-bike rule (banned inside: ride to the parking, then walk), the trolley, the walk on the
map and as steps, and one tap to Amap; buildings are listed by zone to tap; the English
switch keeps the question; the friendly map's card of the estate leads here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from geo.estates.guide_support import at
from gigcity.geo.estates import ZONE_HEX, ZoneColour
from web.estate_support import ESTATE_NAME, ESTATE_NAME_EN
from web.test_report_pages import blocks, expect, zh
from web.web_support import PHONE, TILE_HOST

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CJK = re.compile(r"[\u3400-\u9fff]")
COLOUR_NAMES = {
    "orange": "Orange",
    "sky_blue": "Sky blue",
    "green": "Green",
    "yellow": "Yellow",
    "blue": "Blue",
    "vermilion": "Vermilion",
    "purple": "Purple",
}
KEPT = """async (path) => {
  for (const name of await caches.keys()) {
    const keys = await (await caches.open(name)).keys();
    if (keys.some((r) => new URL(r.url).pathname === path)) return true;
  }
  return false;
}"""


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _find(page: Page, building: str) -> None:
    page.fill("#building-input", building)
    page.click("#find-button")
    expect(page.locator("#result")).to_have_attribute("data-building", building + "号楼")


@pytest.fixture
def guide(page: Page, guide_estate: int) -> Page:
    """The guide of the test estate, open on a phone in Chinese (no position given)."""
    page.goto(f"/estates/{guide_estate}/guide")
    page.wait_for_selector("#guide-page[data-state=ready]")
    return page


# -- without a browser ------------------------------------------------------------------


def test_the_guide_page_comes_in_both_languages_with_its_estate(
    page_client: TestClient, guide_estate: int
) -> None:
    chinese = page_client.get(f"/estates/{guide_estate}/guide", headers={"Accept-Language": ""})
    assert chinese.status_code == 200
    assert '<html lang="zh-CN">' in chinese.text
    assert "楼栋导引" in chinese.text
    found = blocks(chinese.text)
    assert found["estate-config"]["estateId"] == guide_estate
    assert found["estate-config"]["zoneHex"]["orange"] == ZONE_HEX[ZoneColour.orange]
    # Each colour has a name in the reader's language: colour is never shown alone.
    assert found["estate-strings"]["colour_sky_blue"] == "天蓝色"
    english = page_client.get(f"/estates/{guide_estate}/guide", params={"lang": "en"})
    assert "Building guide" in english.text
    assert blocks(english.text)["estate-strings"]["colour_sky_blue"] == "Sky blue"
    assert not CJK.search(english.text.split('id="estate-strings"')[1])


def test_a_guide_address_that_is_not_an_estate_id_is_refused(page_client: TestClient) -> None:
    assert page_client.get("/estates/abc/guide").status_code in (404, 422)
    assert page_client.get("/estates/0/guide").status_code == 422


# -- in the browser ---------------------------------------------------------------------


@pytest.mark.browser
def test_finding_a_building_shows_zone_gate_ebike_rule_trolley_walk_and_steps(
    guide: Page, guide_estate: int
) -> None:
    page = guide
    expect(page.locator("#estate-name")).to_have_text(ESTATE_NAME)
    # Generated, not surveyed: said so.
    expect(page.locator("#sample-badge")).to_have_text(
        zh("Sample data: a generated estate, not a survey")
    )
    _find(page, "7")
    # The zone: a large swatch in the zone's colour, with the colour's name and the numbers.
    colour = page.get_attribute("#zone-swatch", "data-colour")
    assert colour in {c.value for c in ZoneColour}
    swatch = page.locator("#swatch-colour")
    assert swatch.evaluate("el => getComputedStyle(el).backgroundColor") == _rgb(
        ZONE_HEX[ZoneColour(colour)]
    )
    assert swatch.bounding_box()["width"] >= 60  # type: ignore[index]
    colour_name = zh(COLOUR_NAMES[colour])
    expect(page.locator("#zone-name")).to_have_text(f"{colour_name}区")
    expect(page.locator("#zone-numbers")).to_have_text(re.compile(r"^楼栋 \d.*号楼$"))
    # E-bikes are banned inside: ride to the parking, then walk; a trolley can be borrowed.
    expect(page.locator("#ebike-rule")).to_contain_text("北门停车点")
    expect(page.locator("#ebike-rule")).to_have_attribute("data-rule", "parking")
    expect(page.locator("#trolley")).to_have_text(zh("A flatbed trolley can be borrowed today."))
    expect(page.locator("#gate-name")).not_to_be_empty()
    expect(page.locator("#walk")).to_contain_text("分钟")
    expect(page.locator("#total-min")).to_contain_text("分钟")
    assert page.locator("#steps li").count() >= 2
    # The walk is drawn on the small map, with the gate.
    page.wait_for_selector("#guide-map[data-route=shown] path.guide-path")
    assert page.locator("#guide-map path.guide-gate").count() == 1
    # One tap to Amap, to the gate, riding, in Amap's datum.
    href = page.get_attribute("#gate-nav", "href") or ""
    url = urlsplit(href)
    assert (url.netloc, url.path) == ("uri.amap.com", "/navigation")
    query = parse_qs(url.query)
    assert query["mode"] == ["ride"]
    assert query["coordinate"] == ["gaode"]
    gate = page.locator("#gate-name").inner_text().split("\n")[0]  # its hours show below it
    assert query["to"][0].endswith("," + gate)
    # The question is in the address, so the page can be shared or reopened.
    assert parse_qs(urlsplit(page.url).query)["building"] == ["7"]


@pytest.mark.browser
def test_on_foot_there_is_no_parking_step(guide: Page) -> None:
    page = guide
    page.click("label:has(input[value=foot])")
    _find(page, "7")
    expect(page.locator("#ebike-rule")).to_have_text(zh("You came on foot."))
    assert "北门停车点" not in page.locator("#steps").inner_text()


@pytest.mark.browser
def test_a_building_is_found_by_tapping_it_in_its_zone(guide: Page) -> None:
    page = guide
    groups = page.locator("#zones .zone-group")
    assert groups.count() >= 1
    # Every zone is titled by its colour's name, with a swatch beside it.
    for title in groups.locator(".zone-title").all_inner_texts():
        assert title.endswith("区"), title
    assert page.locator("#zones .building-chip").count() == 12
    # The measures in force are named (the trolleys among them).
    expect(page.locator("#measures")).to_contain_text(zh("Flatbed trolleys to borrow"))
    page.locator("#zones .building-chip", has_text="3号楼").click()
    expect(page.locator("#result")).to_have_attribute("data-building", "3号楼")
    expect(page.locator("#building-input")).to_have_value("3号楼")


@pytest.mark.browser
def test_an_unknown_building_is_said_in_chinese(guide: Page) -> None:
    page = guide
    page.fill("#building-input", "99")
    page.click("#find-button")
    page.wait_for_selector("#guide-page[data-state=error]")
    alert = page.locator("#alert")
    expect(alert).to_be_visible()
    assert CJK.search(alert.inner_text()), alert.inner_text()
    expect(page.locator("#result")).to_be_hidden()


@pytest.mark.browser
def test_an_empty_building_number_is_asked_for(guide: Page) -> None:
    page = guide
    page.click("#find-button")
    expect(page.locator("#alert")).to_have_text(zh("Give the building number, such as 37."))


@pytest.mark.browser
def test_the_rider_s_position_is_used_when_allowed(
    browser: Browser, live_server: str, guide_estate: int
) -> None:
    """With the position allowed, the guide asks for the gate from where the rider is, and
    says so (which gate is best is the wayfinding's tests' matter)."""
    lon, lat = at(120.0, -300.0)
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        base_url=live_server,
        geolocation={"longitude": lon, "latitude": lat},
        permissions=["geolocation"],
    )
    context.route(
        "**/*",
        lambda route, req: route.continue_() if req.url.startswith(live_server) else route.abort(),
    )
    asked: list[dict[str, list[str]]] = []
    page = context.new_page()
    page.on(
        "request",
        lambda r: (
            asked.append(parse_qs(urlsplit(r.url).query))
            if "/guide?" in r.url and "/api/" in r.url
            else None
        ),
    )
    try:
        page.goto(f"/estates/{guide_estate}/guide?building=6&by=foot")
        page.wait_for_selector("#guide-page[data-state=found]")
        expect(page.locator("#position-note")).to_have_text(
            zh("The gate is chosen for where you are now.")
        )
        assert asked, "the guide was not asked for"
        assert float(asked[-1]["lon"][0]) == pytest.approx(lon, abs=1e-5)
        assert float(asked[-1]["lat"][0]) == pytest.approx(lat, abs=1e-5)
        assert asked[-1]["by"] == ["foot"]
        expect(page.locator("#gate-name")).to_have_text(re.compile("^[东南西北]门$"))
    finally:
        context.close()


@pytest.mark.browser
def test_without_a_position_the_guide_still_answers(guide: Page) -> None:
    page = guide
    _find(page, "6")
    expect(page.locator("#position-note")).to_have_text(
        zh("Your position is not available: the gate is chosen without it.")
    )


@pytest.mark.browser
def test_the_english_switch_keeps_the_question(guide: Page) -> None:
    page = guide
    _find(page, "7")
    page.click("#lang-switch")
    page.wait_for_selector("html[lang=en]")
    page.wait_for_selector("#guide-page[data-state=found]")
    assert parse_qs(urlsplit(page.url).query)["building"] == ["7"]
    expect(page.locator("#estate-name")).to_have_text(ESTATE_NAME_EN)
    expect(page.locator("#zone-name")).to_have_text(re.compile(r"^[A-Z][a-z ]+ zone$"))
    expect(page.locator("#trolley")).to_have_text("A flatbed trolley can be borrowed today.")
    expect(page.locator("#find-button")).to_have_text("Find the building")
    steps = page.locator("#steps").inner_text()
    assert re.search(r"[A-Za-z]{3,}", steps), steps  # the API's steps follow the page


@pytest.mark.browser
def test_the_poster_links_give_the_poster_in_the_page_language(
    guide: Page, guide_estate: int
) -> None:
    page = guide
    for kind, media in (("svg", "image/svg+xml"), ("pdf", "application/pdf")):
        href = page.get_attribute(f"#poster-{kind}", "href") or ""
        assert href == f"/api/estates/{guide_estate}/poster.{kind}?lang=zh-CN"
        answer = page.request.get(href)
        assert answer.status == 200, href
        assert answer.headers["content-type"].startswith(media)


@pytest.mark.browser
def test_the_map_card_of_an_estate_leads_to_its_guide(page: Page, guide_estate: int) -> None:
    page.goto("/")
    page.wait_for_selector("#map[data-state=ready][data-estates]")
    marker = page.locator(f".estate-marker[data-estate-id='{guide_estate}']")
    page.evaluate(
        "([lat, lon]) => gigcity.map.setView(gigcity.coords.toMap(lat, lon), 17)",
        [at(120, 90)[1], at(120, 90)[0]],
    )
    marker.click()
    card = page.locator(f"#card[data-estate-id='{guide_estate}']")
    expect(card).to_be_visible()
    expect(card.locator("h2")).to_have_text(ESTATE_NAME)
    link = card.locator("a.estate-guide-link")
    expect(link).to_have_text("楼栋导引")
    link.click()
    page.wait_for_selector("#guide-page[data-state=ready]")
    assert urlsplit(page.url).path == f"/estates/{guide_estate}/guide"


@pytest.mark.browser
def test_a_guide_opened_once_reopens_without_signal(
    browser: Browser, live_server: str, guide_estate: int
) -> None:
    """Opened from a poster's QR code once (the first visit, before the service worker runs
    it), the guide and its last answer open again with no signal, saying so."""
    context: BrowserContext = browser.new_context(
        viewport=PHONE, locale="zh-CN", base_url=live_server
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(f"/estates/{guide_estate}/guide?building=7")
        page.wait_for_selector("#guide-page[data-state=found]")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        # The worker keeps the page it did not serve, and the estate's document.
        for path in (f"/estates/{guide_estate}/guide", f"/api/estates/{guide_estate}"):
            for _ in range(150):
                if page.evaluate(KEPT, path):
                    break
                page.wait_for_timeout(100)
            else:
                pytest.fail(f"the service worker did not keep {path}")
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("#guide-page[data-state=found]")
        expect(page.locator("#saved-note")).to_be_visible()
        expect(page.locator("#zone-name")).not_to_be_empty()
    finally:
        context.set_offline(False)
        context.close()


def test_tiles_host_is_the_only_other_site(page_client: TestClient, guide_estate: int) -> None:
    policy = page_client.get(f"/estates/{guide_estate}/guide").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert f"https://{TILE_HOST}" in policy
