"""The map draws compact markers and fetches a point's details only when its card is opened:
which requests the page makes, and what the card then shows."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from gigcity.geo.coords import wgs84_to_gcj02
from web.test_browser import TOPMOST_MARKER, expect, markers, show_single_markers, zh

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

pytestmark = pytest.mark.browser

ONE_PLACE = re.compile(r"/api/places/\d+$")


def place_requests(page: Page) -> list[str]:
    """Record the path and query of every /api/places request the page makes from now on."""
    seen: list[str] = []

    def record(request: Request) -> None:
        url = urlsplit(request.url)
        if url.path.startswith("/api/places"):
            seen.append(url.path + ("?" + url.query if url.query else ""))

    page.on("request", record)
    return seen


def marker_loads(seen: list[str]) -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(s).query) for s in seen if urlsplit(s).path == "/api/places/markers"]


def test_the_map_loads_compact_markers_and_no_details_until_a_marker_is_clicked(
    page: Page,
) -> None:
    seen = place_requests(page)
    with page.expect_response(lambda r: "/api/places/markers?" in r.url) as first:
        page.goto("/")
    page.wait_for_selector("#map[data-state=ready]")

    answer: dict[str, Any] = first.value.json()
    assert markers(page) > 50
    assert markers(page) == len(answer["markers"])
    loads = marker_loads(seen)
    assert loads, seen
    assert len(loads[0]["bbox"][0].split(",")) == 4
    # Neither the full listing nor any single point was asked for to draw the map.
    assert not [s for s in seen if urlsplit(s).path == "/api/places"], seen
    assert not [s for s in seen if ONE_PLACE.search(urlsplit(s).path)], seen
    # A closed point is drawn as closed from the marker's own open-now state.
    with page.expect_response(lambda r: "/api/places/markers?" in r.url) as closer:
        show_single_markers(page)
    page.wait_for_selector("#map[data-state=ready]")
    closed = {m[0] for m in closer.value.json()["markers"] if m[4] is False}
    drawn = page.eval_on_selector_all(
        "#map .place-marker", "els => els.map(e => Number(e.dataset.placeId))"
    )
    assert drawn
    greyed = page.eval_on_selector_all(
        "#map .place-marker.is-closed", "els => els.map(e => Number(e.dataset.placeId))"
    )
    assert set(greyed) == closed & set(drawn)
    # Still no details were asked for.
    assert not [s for s in seen if ONE_PLACE.search(urlsplit(s).path)], seen


def test_the_filters_are_sent_to_the_markers_endpoint(page: Page) -> None:
    seen = place_requests(page)
    page.goto("/")
    page.wait_for_selector("#map[data-state=ready]")
    before = markers(page)

    with page.expect_response(lambda r: "amenity=shower" in r.url) as showers:
        page.click("#amenity-chips [data-amenity=shower]")
    page.wait_for_selector("#map[data-state=ready]")
    with_shower = markers(page)
    assert 0 < with_shower < before
    # A kind that some point with a shower has.
    kind = showers.value.json()["markers"][0][3]
    with page.expect_response(lambda r: f"kind={kind}" in r.url) as kinds:
        page.select_option("#kind-select", kind)
    page.wait_for_selector("#map[data-state=ready]")

    last = marker_loads(seen)[-1]
    assert last["amenity"] == ["shower"]
    assert last["kind"] == [kind]
    rows = kinds.value.json()["markers"]
    assert 0 < len(rows) == markers(page) <= with_shower
    assert all(row[3] == kind for row in rows)
    # The points drawn alone show that kind's icon.
    icons = page.eval_on_selector_all(
        "#map .place-marker use", "els => els.map(e => e.getAttribute('href'))"
    )
    assert all(icon == f"#icon-{kind}" for icon in icons)


def test_clicking_a_marker_fetches_its_details_once_and_shows_the_card(page: Page) -> None:
    seen = place_requests(page)
    page.goto("/")
    page.wait_for_selector("#map[data-state=ready]")
    show_single_markers(page)
    place_id = page.evaluate(TOPMOST_MARKER)
    assert place_id is not None, "no marker is clickable"

    with page.expect_response(lambda r: r.url.endswith(f"/api/places/{place_id}")):
        page.click(f"#map .place-marker[data-place-id='{place_id}']")

    card = page.locator("#card")
    expect(card).to_have_attribute("data-state", "ready")
    expect(card).to_have_attribute("data-place-id", place_id)
    place = page.request.get(f"/api/places/{place_id}").json()
    expect(card.locator("h2")).to_have_text(place["name"])
    if place["address"]:
        expect(card.locator(".facts")).to_contain_text(place["address"])
    expect(card.locator(".facts")).to_contain_text(place["subdistrict_name"])
    amap = card.locator("a.amap-ride")
    expect(amap).to_have_text(zh("Navigate with Amap (ride)"))
    to = parse_qs(urlsplit(amap.get_attribute("href") or "").query)["to"][0].split(",", 2)
    assert (float(to[0]), float(to[1])) == pytest.approx(
        wgs84_to_gcj02(place["lon"], place["lat"]), abs=2e-6
    )
    assert to[2] == place["name"]
    expect(card.locator("#route-here")).to_have_text(zh("Route here"))
    # The marker is shown as chosen, and its tooltip now names the point.
    chosen = page.locator(f"#map .place-marker[data-place-id='{place_id}']")
    expect(chosen).to_have_class(re.compile(r"\bis-selected\b"))
    # Pointing at it again (the tooltip may have closed while the card opened) shows the
    # name now known, without asking the server again.
    chosen.dispatch_event("mouseout")
    chosen.dispatch_event("mouseover")
    tooltip = page.locator(".leaflet-tooltip:not(.subdistrict-label)")
    expect(tooltip).to_have_text(place["name"])
    # Hovering and clicking asked for the point's details once, and only for that point.
    details = [s for s in seen if ONE_PLACE.search(urlsplit(s).path)]
    assert details == [f"/api/places/{place_id}"]
