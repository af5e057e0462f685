"""The friendly map as a rider uses it in the sun on a 390 px phone, in Chinese: clusters at
low zoom, an icon per kind, closed points that look closed, thumb-sized markers, search
results told apart by distance and sub-district, the card saying when a point closes, the
map's credits clear of the bottom sheet, and "route here" outside the street network."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from gigcity.services.places import PlaceCreate, PlaceKind, PlaceOut
from support import ADMIN
from web.test_browser import expect, open_map, zh
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser


def map_zh(message: str) -> str:
    """A string of the map page (its own table; the same web catalog)."""
    return zh(message)


@contextmanager
def places(demo: Demo, *specs: dict[str, Any]) -> Iterator[list[PlaceOut]]:
    """Points made for one test, deleted after it (the demo is shared)."""
    made = [demo.platform.places.create(ADMIN, PlaceCreate(**spec)) for spec in specs]
    try:
        yield made
    finally:
        for place in made:
            demo.platform.places.delete(ADMIN, place.id)


def zoom_to(page: Page, lon: float, lat: float, zoom: int = 17) -> None:
    page.evaluate("([lat, lon, zoom]) => gigcity.map.setView([lat, lon], zoom)", [lat, lon, zoom])


def marker_of(page: Page, place_id: int) -> Locator:
    marker = page.locator(f"#map .place-marker[data-place-id='{place_id}']")
    expect(marker).to_have_count(1)
    return marker


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return found


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


CLUSTERED_TOTAL = """() => {
  const clusters = [...document.querySelectorAll('#map .place-cluster span')];
  return {
    clusters: clusters.length,
    inClusters: clusters.reduce((n, el) => n + Number(el.textContent), 0),
    singles: document.querySelectorAll('#map .place-marker').length,
    loaded: Number(document.getElementById('map').dataset.markers),
  };
}"""


def test_at_low_zoom_markers_cluster_and_close_up_every_point_stands_alone(page: Page) -> None:
    open_map(page)
    page.wait_for_selector("#map .place-cluster")
    counts = page.evaluate(CLUSTERED_TOTAL)
    assert counts["loaded"] > 50
    # Far fewer things on the screen than points, and every point is in one of them.
    assert counts["clusters"] + counts["singles"] < counts["loaded"] / 3
    assert counts["inClusters"] + counts["singles"] == counts["loaded"]
    label = page.locator("#map .place-cluster span").first
    n = int(label.text_content() or "0")
    assert label.get_attribute("aria-label") == map_zh(
        "{n} service points here: tap to zoom in"
    ).format(n=n)

    zoom_to(
        page,
        *page.evaluate("() => { const c = gigcity.map.getCenter(); return [c.lng, c.lat]; }"),
        16,
    )
    page.wait_for_function("() => !document.querySelector('#map .place-cluster')")


def test_each_kind_has_its_own_icon_as_well_as_its_colour(page: Page, demo: Demo) -> None:
    specs = [
        {"name": f"图标测试{i}", "kind": kind, "lon": 121.4300 + i * 0.0006, "lat": 31.2600}
        for i, kind in enumerate(PlaceKind)
    ]
    with places(demo, *specs) as made:
        open_map(page)
        zoom_to(page, 121.4330, 31.2600, 16)  # all eleven on a 390 px screen
        drawn: dict[str, tuple[str, str]] = {}
        for place in made:
            marker = marker_of(page, place.id)
            assert marker.get_attribute("data-kind") == place.kind.value
            icon = marker.locator("use").get_attribute("href")
            assert icon == f"#icon-{place.kind.value}"
            shape = page.eval_on_selector(f"symbol{icon}", "s => s.innerHTML")
            colour = marker.locator(".pin").evaluate("e => getComputedStyle(e).backgroundColor")
            drawn[place.kind.value] = (shape, colour)
        # Told apart without colour: no two kinds share an icon (nor a colour).
        assert len({shape for shape, _ in drawn.values()}) == len(PlaceKind)
        assert len({colour for _, colour in drawn.values()}) == len(PlaceKind)
        legend = page.locator(".legend li use")
        assert legend.count() >= len(PlaceKind)


def test_a_closed_point_is_grey_struck_and_tagged_and_every_marker_is_thumb_sized(
    page: Page, demo: Demo
) -> None:
    shut = {
        "name": "已关门测试点",
        "kind": "toilet",
        "lon": 121.4300,
        "lat": 31.2600,
        "hours": "Mo-Su off",
    }
    open_ = {
        "name": "营业测试点",
        "kind": "toilet",
        "lon": 121.4306,
        "lat": 31.2600,
        "hours": "24/7",
    }
    with places(demo, shut, open_) as (closed, opened):
        open_map(page)
        zoom_to(page, 121.4303, 31.2600, 18)
        closed_pin = marker_of(page, closed.id).locator(".pin")
        open_pin = marker_of(page, opened.id).locator(".pin")
        expect(closed_pin).to_have_class("pin kind-toilet is-closed")
        expect(closed_pin.locator(".closed-tag")).to_have_text(map_zh("Shut"))
        expect(open_pin.locator(".closed-tag")).to_have_count(0)
        grey = closed_pin.evaluate("e => getComputedStyle(e).backgroundColor")
        colour = open_pin.evaluate("e => getComputedStyle(e).backgroundColor")
        assert grey == "rgb(158, 158, 158)"
        assert colour != grey
        # Struck through: a bar drawn across the pin.
        strike = closed_pin.evaluate("e => getComputedStyle(e, '::after').content")
        assert strike not in ("none", "normal")
        for marker in (marker_of(page, closed.id), marker_of(page, opened.id)):
            target = box(marker)
            assert target["width"] >= 44
            assert target["height"] >= 44
        # Tapping anywhere in the target opens the card, not just on the drawn pin.
        target = box(marker_of(page, opened.id))
        page.mouse.click(target["x"] + 3, target["y"] + target["height"] / 2)
        expect(page.locator("#card h2")).to_have_text(opened.name)


def test_search_results_are_told_apart_by_distance_and_sub_district(page: Page, demo: Demo) -> None:
    subs = demo.platform.district.subdistricts
    a, b = subs[0], subs[-1]
    twins = [
        {"name": "同名测试驿站", "kind": "rider_station", "lon": a.lon, "lat": a.lat},
        {"name": "同名测试驿站", "kind": "rider_station", "lon": b.lon, "lat": b.lat},
    ]
    with places(demo, *twins):
        open_map(page)
        page.fill("#search-input", "同名测试驿站")
        with page.expect_response(lambda r: "/api/places/search?" in r.url) as answer:
            page.click("#search-form button[type=submit]")
        found = answer.value.json()
        query = parse_qs(urlsplit(answer.value.url).query)
        assert "lat" in query
        assert "lon" in query  # distances from the map centre (no position given)
        rows = page.locator("#results-list .place-row")
        expect(rows).to_have_count(2)
        texts = [rows.nth(i).inner_text() for i in range(2)]
        assert texts[0] != texts[1]
        for text, place in zip(texts, found, strict=True):
            assert place["subdistrict_name"] in text
            metres = place["distance_m"]
            shown = (
                zh("{m} m").format(m=round(metres / 10) * 10)
                if metres < 1000
                else zh("{km} km").format(km=f"{metres / 1000:.1f}")
            )
            assert shown in text
        expect(page.locator("#results-note")).to_have_text(
            map_zh("Distances are from the map centre (your position is not available).")
        )


def test_the_card_says_when_the_point_closes(page: Page, demo: Demo) -> None:
    spec = {
        "name": "今晚关门测试点",
        "kind": "canteen",
        "lon": 121.4300,
        "lat": 31.2600,
        "hours": "Mo-Su 00:00-23:59",
    }
    shut = {
        "name": "不营业测试点",
        "kind": "canteen",
        "lon": 121.4306,
        "lat": 31.2600,
        "hours": "Mo-Su off",
    }
    with places(demo, spec, shut) as (place, closed):
        open_map(page, f"/?place={place.id}")
        expect(page.locator("#card h2")).to_have_text(place.name)
        expect(page.locator("#card-change")).to_have_text(
            map_zh("Closes today at {time}").format(time="23:59")
        )
        open_map(page, f"/?place={closed.id}")
        expect(page.locator("#card h2")).to_have_text(closed.name)
        expect(page.locator("#card .status-line")).to_contain_text(zh("Closed now"))
        expect(page.locator("#card-change")).to_have_count(0)  # it never opens: nothing to say


def test_the_map_credits_stay_clear_of_the_bottom_sheet(page: Page, demo: Demo) -> None:
    credits = page.locator(".leaflet-control-attribution")
    open_map(page, "/?place=1")
    card = page.locator("#card")
    expect(card).to_have_attribute("data-state", "ready")
    page.wait_for_timeout(100)  # the corner moves when the sheet has its height
    assert not overlap(box(credits), box(card))
    assert box(credits)["y"] >= 0
    expect(credits).to_be_visible()

    page.locator("#card [aria-label]").first.click()  # close the card
    expect(card).to_be_hidden()
    viewport = page.viewport_size
    assert viewport is not None
    assert box(credits)["y"] + box(credits)["height"] == pytest.approx(viewport["height"], abs=2)

    page.fill("#search-input", "驿站")
    page.click("#search-form button[type=submit]")
    results = page.locator("#results")
    expect(results).to_be_visible()
    page.wait_for_timeout(100)
    assert not overlap(box(credits), box(results))

    # On a desktop the sheet is a side panel: the credits stay in the map's corner, clear of it.
    page.set_viewport_size({"width": 1366, "height": 768})
    open_map(page, "/?place=1")
    expect(card).to_have_attribute("data-state", "ready")
    page.wait_for_timeout(100)
    assert not overlap(box(credits), box(card))
    assert box(credits)["y"] + box(credits)["height"] == pytest.approx(768, abs=2)


def test_route_here_outside_the_street_network_shows_a_labelled_estimate_and_app_links(
    page: Page, demo: Demo
) -> None:
    place = demo.platform.places.get(1)  # a demo point in Putuo, far from the street sample
    rider = {"latitude": place.lat + 0.01, "longitude": place.lon + 0.01}
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(rider)
    open_map(page, f"/?place={place.id}")
    expect(page.locator("#card h2")).to_have_text(place.name)
    # The point's own links: Baidu and Tencent beside Amap.
    assert (page.locator("#card a.baidu-link").get_attribute("href") or "").startswith(
        "https://api.map.baidu.com/"
    )
    assert (page.locator("#card a.tencent-link").get_attribute("href") or "").startswith(
        "https://apis.map.qq.com/"
    )

    with page.expect_response(lambda r: "/api/route?" in r.url) as route:
        page.click("#route-here")
    answer = route.value.json()
    assert route.value.status == 200
    assert answer["kind"] == "estimate"
    page.wait_for_selector("#map[data-route=estimate]")

    info = page.locator("#route-info")
    expect(info.locator("#route-eta")).to_contain_text(
        map_zh("Estimated ride: about {min} min · {distance}").split("{min}")[0]
        + str(answer["minutes"])
    )
    expect(info).to_contain_text("估算")  # labelled as an estimate, in plain Chinese
    expect(info.locator(".route-error")).to_have_count(0)
    expect(info).not_to_contain_text("shanghai-central-sample")
    expect(info).not_to_contain_text("undefined")
    links = {
        name: info.locator(f"a.estimate-{name}").get_attribute("href") or ""
        for name in ("amap", "baidu", "tencent")
    }
    assert urlsplit(links["amap"]).hostname == "uri.amap.com"
    assert urlsplit(links["baidu"]).hostname == "api.map.baidu.com"
    assert urlsplit(links["tencent"]).hostname == "apis.map.qq.com"
    expect(info.locator("a.estimate-amap")).to_have_text(map_zh("Ride there with Amap"))
    expect(page.locator("#map path.route-beeline")).to_have_count(1)
