"""The pages in real headless Chromium: map, card, filters, language, sign-in and keeping a
station current. Expected texts come from the catalogs, so rewording a string keeps tests valid."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from gigcity.geo.coords import wgs84_to_gcj02
from gigcity.i18n import translations
from web.web_support import BEDS_STAFF, STAFF_BEDS, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# A marker whose centre is not covered by another marker: clicking there hits it.
TOPMOST_MARKER = """() => {
  for (const el of document.querySelectorAll('#map .place-marker')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.top < 120 || r.bottom > window.innerHeight - 120) continue;
    if (el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2))) return el.dataset.placeId;
  }
  return null;
}"""


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def open_map(page: Page, path: str = "/") -> None:
    page.goto(path)
    page.wait_for_selector("#map[data-state=ready]")


def markers(page: Page) -> int:
    """How many points the map has loaded (drawn alone or counted in a cluster)."""
    return int(page.get_attribute("#map", "data-markers") or "0")


def show_single_markers(page: Page, place_id: int = 1) -> None:
    """Zoom in on a point until markers stand alone (they cluster when zoomed out)."""
    place = page.request.get(f"/api/places/{place_id}").json()
    page.evaluate(
        "([lat, lon]) => gigcity.map.setView([lat, lon], 16)", [place["lat"], place["lon"]]
    )
    # The map reloads its markers 150 ms after it stops moving and re-clusters them: wait
    # until that reload is done, or a marker may be replaced while it is being clicked.
    page.wait_for_timeout(400)
    page.wait_for_selector("#map[data-state=ready]")
    page.wait_for_selector(f"#map .place-marker[data-place-id='{place_id}']")


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * 111_320 * math.cos(math.radians(a[1]))
    dy = (a[1] - b[1]) * 110_540
    return math.hypot(dx, dy)


def sign_in(page: Page, username: str, password: str, path: str = "/manage") -> None:
    """Go to a page that needs an account, get sent to /login, sign in, come back."""
    page.goto(path)
    page.wait_for_url(lambda url: urlsplit(url).path == "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == urlsplit(path).path)


def token_of(page: Page) -> str:
    token: str = page.evaluate("JSON.parse(localStorage.getItem('gigcity.token')).token")
    return token


def test_markers_render_and_a_chosen_one_opens_its_card_with_amap_in_gcj02(page: Page) -> None:
    open_map(page)
    assert markers(page) > 50
    show_single_markers(page)
    place_id = page.evaluate(TOPMOST_MARKER)
    assert place_id is not None, "no marker is clickable"

    page.click(f"#map .place-marker[data-place-id='{place_id}']")

    card = page.locator("#card")
    expect(card).to_be_visible()
    place = page.request.get(f"/api/places/{place_id}").json()
    expect(card.locator("h2")).to_have_text(place["name"])
    amap = card.locator("a.amap-ride")
    expect(amap).to_have_text(zh("Navigate with Amap (ride)"))
    query = parse_qs(urlsplit(amap.get_attribute("href") or "").query)
    lon, lat, name = query["to"][0].split(",", 2)
    expected = wgs84_to_gcj02(place["lon"], place["lat"])
    assert (float(lon), float(lat)) == pytest.approx(expected, abs=2e-6)
    # GCJ-02 is offset from WGS-84 by some hundreds of metres in Shanghai.
    assert 300 < metres_between((float(lon), float(lat)), (place["lon"], place["lat"])) < 800
    assert name == place["name"]
    assert query["mode"] == ["ride"]
    assert "mode=walk" in (card.locator("a.amap-walk").get_attribute("href") or "")
    assert (card.locator("a.geo-link").get_attribute("href") or "").startswith("geo:")
    assert "openstreetmap.org" in (card.locator("a.osm-link").get_attribute("href") or "")
    expect(card.locator(".status-line .badge").first).to_have_text(
        zh("Open now") if place["open_now"] else zh("Closed now")
    )


def test_an_amenity_filter_reduces_the_markers(page: Page) -> None:
    open_map(page)
    before = markers(page)

    with page.expect_response(lambda r: "amenity=shower" in r.url) as answer:
        page.click("#amenity-chips [data-amenity=shower]")
    page.wait_for_selector("#map[data-state=ready]")

    after = markers(page)
    assert 0 < after < before
    shown = [row[0] for row in answer.value.json()["markers"][:8]]
    assert len(shown) == min(8, after)
    for place_id in shown:
        assert page.request.get(f"/api/places/{place_id}").json()["amenities"]["shower"] is True


def test_the_english_switch_changes_the_language_and_is_remembered(page: Page) -> None:
    open_map(page)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#nearest-button")).to_contain_text(zh("Nearest open now"))

    page.click("#lang-switch")
    page.wait_for_selector("html[lang=en]")
    page.wait_for_selector("#map[data-state=ready]")

    expect(page.locator("#nearest-button")).to_contain_text("Nearest open now")
    expect(page.locator("#amenity-chips [data-amenity=drinking_water]")).to_have_text(
        "Drinking water"
    )
    open_map(page, "/")  # no ?lang: the cookie remembers the choice
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#search-form button")).to_have_text("Search")


def test_nearest_open_now_uses_the_position_or_else_the_map_centre(page: Page) -> None:
    open_map(page)
    page.click("#nearest-button")
    expect(page.locator("#results-note")).to_have_text(
        zh("Your position is not available; searching from the map centre.")
    )

    here = {"latitude": 31.2427, "longitude": 121.4269}
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(here)
    page.click("#results [data-close=results]")  # on a phone the list covers the button
    page.click("#nearest-button")
    expect(page.locator("#results-note")).to_have_text("")
    expected = page.request.get(
        f"/api/places/nearby?lat={here['latitude']}&lon={here['longitude']}&open_now=true&k=10"
    ).json()
    first = page.locator("#results-list .place-row").first
    expect(first).to_have_attribute("data-place-id", str(expected[0]["id"]))
    first.click()
    expect(page.locator("#card h2")).to_have_text(expected[0]["name"])


def test_staff_set_free_beds_and_the_change_shows_in_the_history(page: Page, demo: Demo) -> None:
    sign_in(page, BEDS_STAFF, demo.password)
    expect(page.locator("#editor")).to_be_visible()
    beds = page.locator("#status-beds")
    expect(beds).to_have_value(str(STAFF_BEDS.free))
    expect(beds).to_be_enabled()
    expect(page.locator("#status-beds-counted")).to_be_hidden()

    beds.fill("1")
    page.click("#status-form button[type=submit]")

    expect(page.locator("#notice")).to_have_text(zh("Saved."))
    newest = page.locator("#history-rows tr").first
    expect(newest).to_contain_text(f"{STAFF_BEDS.free} → 1")
    expect(newest).to_contain_text(BEDS_STAFF)
    expect(newest).to_contain_text(zh("Status update"))
    assert demo.platform.places.get(demo.beds_station_id).amenities.beds == STAFF_BEDS.model_copy(
        update={"free": 1}
    )
    # Put it back for other tests sharing the demo.
    page.request.put(
        f"/api/places/{demo.beds_station_id}/status",
        headers={"Authorization": f"Bearer {token_of(page)}"},
        data={"beds_free": STAFF_BEDS.free},
    )


def test_a_homes_desk_counts_its_free_beds_and_staff_are_told_so(page: Page, demo: Demo) -> None:
    # The flagship driver home keeps its beds in stays: the figure is shown, not entered.
    counted = demo.platform.places.get(demo.staff_station_id).amenities.beds
    assert counted is not None
    assert counted.counted
    sign_in(page, "staff", demo.password)
    expect(page.locator("#editor")).to_be_visible()
    beds = page.locator("#status-beds")
    expect(beds).to_be_disabled()
    expect(page.locator("#status-beds-count")).to_have_text(f"/ {counted.count}")
    expect(page.locator("#status-beds-counted")).to_be_visible()
    expect(page.locator("#status-beds-counted")).to_contain_text("预订")

    # Saving today's status sends no beds (nothing else changed); the API refuses a figure.
    page.click("#status-form button[type=submit]")
    expect(page.locator("#notice")).to_have_text(zh("Nothing has changed."))
    answer = page.request.put(
        f"/api/places/{demo.staff_station_id}/status",
        headers={"Authorization": f"Bearer {token_of(page)}"},
        data={"beds_free": 0},
    )
    assert answer.status == 422
    assert "预订" in answer.json()["detail"]
    assert demo.platform.places.get(demo.staff_station_id).amenities.beds == counted


def test_staff_cannot_change_another_station_and_are_told_why(page: Page, demo: Demo) -> None:
    other = 1 if demo.staff_station_id != 1 else 3
    # Its hours, where closed-today is kept (not its version: a driver home's live
    # free-beds figure may move that meanwhile).
    hours = demo.platform.places.get(other).hours
    sign_in(page, "staff", demo.password, f"/manage?place={other}")
    expect(page.locator("#editor-warning")).to_be_visible()

    with page.expect_response(lambda r: r.url.endswith(f"/api/places/{other}/status")) as answer:
        page.check("#status-closed")
        page.click("#status-form button[type=submit]")
    assert answer.value.status == 403

    detail = answer.value.json()["detail"]
    expect(page.locator("#alert")).to_be_visible()
    expect(page.locator("#alert")).to_have_text(detail)
    assert demo.platform.places.get(other).hours == hours


def test_officers_list_the_points_of_their_sub_district(page: Page, demo: Demo) -> None:
    district = demo.platform.district
    everything = demo.platform.places.in_bbox(district.bbox, limit=5000)
    theirs = [p for p in everything if p.subdistrict == demo.officer_subdistrict]
    assert 0 < len(theirs) < len(everything)

    sign_in(page, "officer", demo.password)

    rows = page.locator("#point-list .place-row")
    expect(rows).to_have_count(min(len(theirs), 200))
    shown = {int(i) for i in rows.evaluate_all("els => els.map(e => e.dataset.placeId)")}
    assert shown <= {p.id for p in theirs}
    rows.first.click()
    expect(page.locator("#editor")).to_be_visible()
    expect(page.locator("#f-name")).to_be_disabled()  # registry facts stay with admins
    expect(page.locator("#f-contact")).to_be_enabled()


def test_riders_are_told_they_cannot_manage_points(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password)
    expect(page.locator("#notice")).to_have_text(
        zh("Your account cannot change service points. The map is open to everyone.")
    )
    expect(page.locator("#editor")).to_be_hidden()


def test_route_here_draws_the_street_route_and_shows_its_eta(page: Page, demo: Demo) -> None:
    from gigcity.services.places import PlaceCreate, PlaceKind
    from support import ADMIN

    # The shipped street sample is central Shanghai, east of the Putuo demo points.
    place = demo.platform.places.create(
        ADMIN,
        PlaceCreate(
            name="静安测试驿站", kind=PlaceKind.rider_station, lon=121.4820, lat=31.2250,
            hours="24/7",
        ),
    )  # fmt: skip
    rider = {"latitude": 31.2350, "longitude": 121.4650}
    try:
        page.context.grant_permissions(["geolocation"])
        page.context.set_geolocation(rider)
        open_map(page, f"/?place={place.id}")
        expect(page.locator("#card h2")).to_have_text(place.name)

        page.click("#route-here")

        page.wait_for_selector("#map[data-route=shown]")
        line = page.locator("#map path.route-line")
        expect(line).to_have_count(1)
        assert (line.get_attribute("d") or "").count("L") >= 4  # along streets, not a beeline
        answer = page.request.get(
            "/api/route",
            params={"from": "121.465000,31.235000", "to": "121.482000,31.225000"},
        ).json()
        minutes = round(answer["eta_s"] / 60)
        eta = page.locator("#route-eta")
        expect(eta).to_contain_text(zh("{min} min").format(min=minutes))
        info = page.locator("#route-info")
        expect(info.locator(".route-riding")).to_contain_text(zh("Riding: {duration}")[:2])
        signals = zh("Waiting at {n} traffic lights: {duration}").split("{n}")[0]
        expect(info.locator(".route-signals")).to_contain_text(
            signals + str(answer["breakdown"]["signals_passed"])
        )
        expect(info.locator(".route-closures")).to_have_text(zh("No detour for road closures"))
        expect(info.locator(".route-attribution")).to_contain_text("OpenStreetMap")
        expect(info).not_to_contain_text("null")
        expect(info).not_to_contain_text("undefined")
        licence = page.locator(
            ".leaflet-control-attribution a[href*='openstreetmap.org/copyright']"
        )
        expect(licence).to_have_text(zh("Street data: ODbL"))
    finally:
        demo.platform.places.delete(ADMIN, place.id)


def test_a_points_card_lists_its_rider_meals_and_free_water(page: Page, demo: Demo) -> None:
    # The demo station has a set meal at 12.90 yuan and a free-water fridge, round the clock.
    open_map(page, f"/?place={demo.staff_station_id}")
    offers = page.locator("#card-offers")
    expect(offers.locator("h3")).to_have_text(zh("Rider meals and free water here"))
    meal = offers.locator("li", has_text="骑手套餐")
    expect(meal.locator(".price")).to_have_text("12.90 元")
    expect(meal.locator(".badge")).to_have_text(zh("Open now"))
    expect(offers.locator("li", has_text="冰箱").locator(".price")).to_have_text(zh("Free"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # A point without offers shows no such section.
    other = 1 if demo.staff_station_id != 1 else 3
    assert page.request.get(f"/api/care/places/{other}/offers").json() == []
    open_map(page, f"/?place={other}")
    expect(page.locator("#card[data-state=ready]")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    expect(offers).to_be_hidden()


def test_staff_add_a_cheap_meal_at_their_station_and_withdraw_it(page: Page, demo: Demo) -> None:
    sign_in(page, "staff", demo.password)
    panel = page.locator("#offers-panel")
    expect(panel.locator("h3")).to_have_text(zh("Rider meals and free water here"))
    expect(panel.locator("li", has_text="骑手套餐")).to_have_count(1)  # the demo's
    page.fill("#offer-name", "早餐包子豆浆")
    page.fill("#offer-price", "4.555")
    page.click("#offer-form button[type=submit]")
    expect(page.locator("#alert")).to_contain_text(
        zh("The meal price must be a number of yuan, such as 12 or 12.5.")
    )
    page.fill("#offer-price", "4.5")
    page.fill("#offer-hours", "06:00-09:30")
    page.click("#offer-form button[type=submit]")
    expect(page.locator("#notice")).to_have_text(
        zh("“{name}” is offered.").format(name="早餐包子豆浆")
    )
    breakfast = panel.locator("li", has_text="早餐包子豆浆")
    expect(breakfast.locator(".price")).to_have_text("4.50 元")
    offered = page.request.get(f"/api/care/places/{demo.staff_station_id}/offers").json()
    assert {(o["name"], o["price_fen"], o["hours"]) for o in offered if o["active"]} >= {
        ("早餐包子豆浆", 450, "Mo-Su 06:00-09:30")
    }
    breakfast.get_by_role("button", name=zh("Withdraw")).click()
    expect(breakfast.locator(".badge")).to_have_text(zh("Withdrawn"))
    offered = page.request.get(f"/api/care/places/{demo.staff_station_id}/offers").json()
    assert [o["active"] for o in offered if o["name"] == "早餐包子豆浆"] == [False]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_officers_do_not_see_the_offers_of_points_they_keep(page: Page, demo: Demo) -> None:
    sign_in(page, "officer", demo.password, f"/manage?place={demo.staff_station_id}")
    expect(page.locator("#editor")).to_be_visible()
    expect(page.locator("#offers-panel")).to_be_hidden()
