"""Tiles that work in mainland China (GIGCITY_MAP_TILES): the page gets the chosen layers,
their credit and datum; the CSP allows exactly their hosts; on GCJ-02 tiles the page draws
every point shifted to GCJ-02 and sends the API WGS-84 (browser tests at 390 px in Chinese,
with a stubbed GCJ-02 tile host)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.geo.coords import gcj02_to_wgs84, haversine_m, wgs84_to_gcj02
from web.test_pages import assets
from web.web_support import PHONE, Demo, served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

GCJ_TILE_HOST = "gcj.tiles.invalid"
GCJ_TILE_URL = f"https://{GCJ_TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
GCJ_ATTRIBUTION = "© Test GCJ-02 tiles"
TIANDITU_KEY = "0123456789abcdef0123456789abcdef"
# A 1x1 PNG: what the stubbed tile host answers.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def tiles_settings(demo: Demo, **tiles: Any) -> Settings:
    return demo.platform.settings.model_copy(update=tiles)


def client_with(demo: Demo, **tiles: Any) -> TestClient:
    return TestClient(create_app(tiles_settings(demo, **tiles), demo.platform))


def img_sources(policy: str) -> set[str]:
    directive = next(d.strip() for d in policy.split(";") if d.strip().startswith("img-src "))
    return set(directive.split()[1:])


def page_tiles(client: TestClient, path: str = "/") -> dict[str, Any]:
    config: dict[str, Any] = json.loads(assets(client.get(path).text).blocks["gigcity-config"])
    return config


# -- the page's tiles and the CSP, for each choice -------------------------------------------


def test_osm_tiles_are_the_default_and_the_csp_allows_their_host_only(demo: Demo) -> None:
    client = client_with(demo, tile_url="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    response = client.get("/")
    assert img_sources(response.headers["content-security-policy"]) == {
        "'self'",
        "data:",
        "https://tile.openstreetmap.org",
    }
    config = page_tiles(client)
    assert config["tiles"]["datum"] == "wgs84"
    assert config["tiles"]["layers"][0]["url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in config["tiles"]["attribution"]


def test_amap_tiles_are_gcj02_credit_amap_and_openstreetmap_and_only_their_hosts_are_allowed(
    demo: Demo,
) -> None:
    client = client_with(demo, map_tiles="amap")
    for path in ("/", "/sw.js"):
        assert img_sources(client.get(path).headers["content-security-policy"]) == {
            "'self'",
            "data:",
            *(f"https://webrd0{n}.is.autonavi.com" for n in "1234"),
        }
    tiles = page_tiles(client)["tiles"]
    assert tiles["datum"] == "gcj02"
    [layer] = tiles["layers"]
    assert layer["url"].startswith("https://webrd0{s}.is.autonavi.com/appmaptile?")
    assert layer["subdomains"] == "1234"
    # The sub-districts and routes drawn over the tiles are OpenStreetMap data (ODbL).
    assert "© 高德地图 AutoNavi" in tiles["attribution"]
    assert "© OpenStreetMap contributors" in tiles["attribution"]
    # Pages that draw one WGS-84 layer get none rather than tiles offset from their points.
    assert page_tiles(client)["tileUrl"] == ""


def test_tianditu_draws_streets_and_names_in_the_readers_language_with_the_key(
    demo: Demo,
) -> None:
    client = client_with(demo, map_tiles="tianditu", tianditu_key=TIANDITU_KEY)
    assert img_sources(client.get("/").headers["content-security-policy"]) == {
        "'self'",
        "data:",
        *(f"https://t{n}.tianditu.gov.cn" for n in range(8)),
    }
    tiles = page_tiles(client, "/?lang=zh-CN")["tiles"]
    assert tiles["datum"] == "wgs84"
    streets, names = (layer["url"] for layer in tiles["layers"])
    assert "/vec_w/wmts?" in streets
    assert "LAYER=vec" in streets
    assert "/cva_w/wmts?" in names  # Chinese names
    assert all(f"tk={TIANDITU_KEY}" in layer["url"] for layer in tiles["layers"])
    assert "天地图" in tiles["attribution"]
    assert "OpenStreetMap" in tiles["attribution"]
    english = page_tiles(client, "/?lang=en")["tiles"]
    assert "/eva_w/wmts?" in english["layers"][1]["url"]


@pytest.mark.parametrize(
    ("url", "subdomains", "hosts"),
    [
        (GCJ_TILE_URL, "abc", {f"https://{GCJ_TILE_HOST}"}),
        (
            "https://m{s}.tiles.example.cn:8443/{z}/{x}/{y}.png",
            "12",
            {"https://m1.tiles.example.cn:8443", "https://m2.tiles.example.cn:8443"},
        ),
    ],
)
def test_custom_tiles_allow_exactly_their_hosts(
    demo: Demo, url: str, subdomains: str, hosts: set[str]
) -> None:
    client = client_with(
        demo,
        map_tiles="custom",
        map_tile_url=url,
        map_tile_subdomains=subdomains,
        map_tile_attribution=GCJ_ATTRIBUTION,
        map_tile_datum="gcj02",
    )
    assert img_sources(client.get("/").headers["content-security-policy"]) == {
        "'self'",
        "data:",
        *hosts,
    }
    tiles = page_tiles(client)["tiles"]
    assert tiles["layers"] == [{"url": url, "subdomains": subdomains, "maxZoom": 19}]
    assert tiles["datum"] == "gcj02"
    assert tiles["attribution"] == f"{GCJ_ATTRIBUTION} | © OpenStreetMap contributors"


# -- the browser on GCJ-02 tiles ---------------------------------------------------------------


@pytest.fixture(scope="module")
def gcj_server(demo: Demo) -> Iterator[str]:
    """The app with custom GCJ-02 tiles, served over HTTP on a free local port."""
    settings = tiles_settings(
        demo,
        map_tiles="custom",
        map_tile_url=GCJ_TILE_URL,
        map_tile_attribution=GCJ_ATTRIBUTION,
        map_tile_datum="gcj02",
    )
    with served(create_app(settings, demo.platform)) as url:
        yield url


class Seen:
    def __init__(self) -> None:
        self.tiles: list[str] = []
        self.foreign: list[str] = []
        self.api: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def gcj_page(browser: Browser, gcj_server: str, seen: Seen) -> Iterator[Page]:
    """A phone-sized page in Chinese on GCJ-02 tiles; the tile host is stubbed (a blank
    tile), every other site refused; the API requests are recorded."""
    # No service worker: requests it answers would pass by the recording below.
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        base_url=gcj_server,
        permissions=["geolocation"],
        service_workers="block",
    )
    context.set_default_timeout(15_000)

    def route(route, request) -> None:  # type: ignore[no-untyped-def]
        host = urlsplit(request.url).hostname
        if request.url.startswith(gcj_server):
            if urlsplit(request.url).path.startswith("/api/"):
                seen.api.append(request.url)
            route.continue_()
        elif host == GCJ_TILE_HOST:
            seen.tiles.append(request.url)
            route.fulfill(status=200, content_type="image/png", body=PNG)
        else:
            seen.foreign.append(request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    yield page
    context.close()
    assert seen.errors == [], f"script errors on the page: {seen.errors}"
    assert seen.foreign == [], f"the page loaded from other sites: {seen.foreign}"


def requests_to(seen: Seen, path: str) -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(u).query) for u in seen.api if urlsplit(u).path == path]


def marker_latlng(page: Page, place_id: int) -> tuple[float, float]:
    """Where Leaflet put the point's marker: (lon, lat)."""
    lat, lng = page.evaluate(
        "(id) => { const m = gigcity.mapMarkers.get(id).marker.getLatLng(); return [m.lat, m.lng]; }",
        place_id,
    )
    return lng, lat


browser_test = pytest.mark.browser


@browser_test
def test_the_js_transform_matches_geo_coords_on_a_grid(gcj_page: Page) -> None:
    gcj_page.goto("/")
    gcj_page.wait_for_selector("#map[data-state=ready]")
    grid = [
        (73.0 + 8.0 * i + 0.37 * j, 1.0 + 6.0 * j + 0.29 * i) for i in range(9) for j in range(10)
    ]
    putuo = [(121.35 + 0.01 * i, 31.22 + 0.01 * j) for i in range(10) for j in range(8)]
    outside = [(2.35, 48.85), (-74.0, 40.7), (139.7, 35.7)]  # unchanged outside China
    points = grid + putuo + outside
    forward, inverse = gcj_page.evaluate(
        """(points) => [
            points.map(([lon, lat]) => gigcity.coords.wgs84ToGcj02(lon, lat)),
            points.map(([lon, lat]) => gigcity.coords.gcj02ToWgs84(lon, lat)),
        ]""",
        points,
    )
    for (lon, lat), js, back in zip(points, forward, inverse, strict=True):
        py = wgs84_to_gcj02(lon, lat)
        assert js == pytest.approx(py, abs=1e-9), (lon, lat)
        py_back = gcj02_to_wgs84(lon, lat)
        assert haversine_m(*back, *py_back) < 0.05, (lon, lat)
        # The inverse really inverts: shifted back to where it started, within 0.5 m.
        assert haversine_m(*wgs84_to_gcj02(*back), lon, lat) < 0.5, (lon, lat)
    assert forward[-1] == list(outside[-1])


@browser_test
def test_a_marker_sits_at_its_gcj02_position_and_bbox_queries_are_wgs84(
    gcj_page: Page, seen: Seen, demo: Demo
) -> None:
    place = demo.platform.places.get(demo.staff_station_id)
    gcj_page.goto(f"/?place={place.id}")
    gcj_page.wait_for_selector(f"#map .place-marker[data-place-id='{place.id}']")
    gcj_page.wait_for_selector("#map[data-state=ready]")

    # The marker is drawn where GCJ-02 tiles show the point, ~480 m from its WGS-84 position.
    drawn = marker_latlng(gcj_page, place.id)
    expected = wgs84_to_gcj02(place.lon, place.lat)
    assert haversine_m(*drawn, *expected) < 1.0
    assert haversine_m(*drawn, place.lon, place.lat) > 300
    # The tiles came from the GCJ-02 host, credited with OpenStreetMap's data.
    assert seen.tiles
    attribution = gcj_page.locator(".leaflet-control-attribution")
    assert GCJ_ATTRIBUTION in attribution.inner_text()
    assert "OpenStreetMap" in attribution.inner_text()

    # The last markers query asked for the map's bounds turned back into WGS-84 (the map
    # may still be settling after opening the card: wait for the query of its last view).
    deadline = time.monotonic() + 10
    while True:
        bounds = gcj_page.evaluate(
            "() => { const b = gigcity.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
        )
        [bbox] = requests_to(seen, "/api/places/markers")[-1]["bbox"]
        west, south, east, north = (float(n) for n in bbox.split(","))
        sw = gcj02_to_wgs84(bounds[0], bounds[1])
        ne = gcj02_to_wgs84(bounds[2], bounds[3])
        if haversine_m(west, south, *sw) < 2.0 or time.monotonic() > deadline:
            break
        gcj_page.wait_for_timeout(200)
    assert haversine_m(west, south, *sw) < 2.0
    assert haversine_m(east, north, *ne) < 2.0
    assert haversine_m(west, south, bounds[0], bounds[1]) > 300  # not the GCJ-02 bounds
    # So the point itself, in WGS-84, lies inside the box that was asked for.
    assert west < place.lon < east
    assert south < place.lat < north


@browser_test
def test_the_riders_position_is_drawn_in_gcj02_and_sent_in_wgs84(
    gcj_page: Page, seen: Seen
) -> None:
    here = {"latitude": 31.2427, "longitude": 121.4269}  # the browser's position is WGS-84
    gcj_page.context.set_geolocation(here)
    gcj_page.goto("/")
    gcj_page.wait_for_selector("#map[data-state=ready]")
    gcj_page.click("#nearest-button")
    gcj_page.wait_for_selector("#results:not([hidden]) .place-row")

    [asked] = requests_to(seen, "/api/places/nearby")
    assert float(asked["lat"][0]) == pytest.approx(here["latitude"], abs=1e-6)
    assert float(asked["lon"][0]) == pytest.approx(here["longitude"], abs=1e-6)
    lat, lng = gcj_page.evaluate(
        """() => {
            let at = null;
            gigcity.map.eachLayer((layer) => {
                if (layer.options && layer.options.className === "you-are-here") at = layer.getLatLng();
            });
            return [at.lat, at.lng];
        }"""
    )
    expected = wgs84_to_gcj02(here["longitude"], here["latitude"])
    assert haversine_m(lng, lat, *expected) < 1.0


@browser_test
def test_search_from_the_map_centre_sends_the_centre_in_wgs84(gcj_page: Page, seen: Seen) -> None:
    gcj_page.goto("/")
    gcj_page.wait_for_selector("#map[data-state=ready]")
    centre = gcj_page.evaluate(
        "() => { const c = gigcity.map.getCenter(); return [c.lng, c.lat]; }"
    )
    gcj_page.fill("#search-input", "驿站")
    gcj_page.press("#search-input", "Enter")
    gcj_page.wait_for_selector("#results:not([hidden])")
    [asked] = requests_to(seen, "/api/places/search")
    sent = (float(asked["lon"][0]), float(asked["lat"][0]))
    assert haversine_m(*sent, *gcj02_to_wgs84(*centre)) < 1.0


@browser_test
def test_the_route_line_and_the_sub_districts_are_drawn_in_gcj02(
    gcj_page: Page, seen: Seen, demo: Demo
) -> None:
    place = demo.platform.places.get(demo.staff_station_id)
    here = {"latitude": 31.2427, "longitude": 121.4269}
    gcj_page.context.set_geolocation(here)
    gcj_page.goto(f"/?place={place.id}")
    gcj_page.wait_for_selector("#card[data-state=ready]")
    with gcj_page.expect_response(lambda r: "/api/route?" in r.url) as routed:
        gcj_page.click("#route-here")
    answer = routed.value.json()
    gcj_page.wait_for_selector("#map[data-route=shown], #map[data-route=estimate]")

    # The API was asked from the rider's WGS-84 position to the point's.
    [asked] = requests_to(seen, "/api/route")
    assert asked["from"] == [f"{here['longitude']:.6f},{here['latitude']:.6f}"]
    assert asked["to"] == [f"{place.lon:.6f},{place.lat:.6f}"]
    # Each vertex of the line is drawn at its GCJ-02 position.
    drawn = gcj_page.evaluate(
        """() => {
            let line = null;
            gigcity.map.eachLayer((layer) => {
                if (layer instanceof L.Polyline && /route-line/.test(layer.options.className || "")) line = layer;
            });
            return line.getLatLngs().map((p) => [p.lng, p.lat]);
        }"""
    )
    coordinates = answer["geometry"]["coordinates"]
    assert len(drawn) == len(coordinates) >= 2
    for (lon, lat), at in zip(coordinates, drawn, strict=True):
        assert haversine_m(*at, *wgs84_to_gcj02(lon, lat)) < 1.0

    # The sub-districts' backdrop too: a vertex of each shape, against its GeoJSON.
    shapes = gcj_page.evaluate(
        """() => {
            const pairs = [];
            gigcity.map.eachLayer((layer) => {
                if (!layer.feature || !layer.getLatLngs) return;
                let drawn = layer.getLatLngs();
                while (Array.isArray(drawn)) drawn = drawn[0];
                let given = layer.feature.geometry.coordinates;
                while (Array.isArray(given[0])) given = given[0];
                pairs.push([given, [drawn.lng, drawn.lat]]);
            });
            return pairs;
        }"""
    )
    assert shapes
    for (lon, lat), at in shapes:
        assert haversine_m(*at, *wgs84_to_gcj02(lon, lat)) < 1.0


@browser_test
def test_on_wgs84_tiles_nothing_is_shifted(page: Page, demo: Demo) -> None:
    """The default tiles (OpenStreetMap's, here a host that does not resolve) are WGS-84:
    markers sit at the API's positions and the bbox asked for is the map's own."""
    place = demo.platform.places.get(demo.staff_station_id)
    page.goto(f"/?place={place.id}")
    page.wait_for_selector(f"#map .place-marker[data-place-id='{place.id}']")
    assert page.evaluate("gigcity.coords.datum") == "wgs84"
    assert marker_latlng(page, place.id) == pytest.approx((place.lon, place.lat), abs=1e-12)
    centre = page.evaluate("() => { const c = gigcity.map.getCenter(); return [c.lng, c.lat]; }")
    assert page.evaluate(
        "() => { const c = gigcity.coords.fromMap(gigcity.map.getCenter()); return [c.lon, c.lat]; }"
    ) == pytest.approx(centre, abs=1e-12)


@browser_test
def test_the_report_page_draws_in_gcj02_and_files_wgs84(
    gcj_page: Page, seen: Seen, demo: Demo
) -> None:
    gcj_page.goto("/login")
    gcj_page.fill("#username", "rider")
    gcj_page.fill("#password", demo.password)
    gcj_page.click("#login-form button[type=submit]")
    gcj_page.wait_for_url(lambda url: urlsplit(url).path != "/login")
    here = {"latitude": 31.2427, "longitude": 121.4269}  # the browser's position is WGS-84
    gcj_page.context.set_geolocation(here)
    gcj_page.goto("/report")
    gcj_page.wait_for_selector("#pick-map[data-state=ready]")
    gcj_page.click("#locate-button")
    gcj_page.wait_for_selector("#report-page[data-position=set]")

    pin = gcj_page.evaluate(
        """() => {
            let at = null;
            gigcityReports.mapOf(document.getElementById("pick-map")).eachLayer((layer) => {
                if (layer instanceof L.Marker) at = layer.getLatLng();
            });
            return [at.lng, at.lat];
        }"""
    )
    assert haversine_m(*pin, *wgs84_to_gcj02(here["longitude"], here["latitude"])) < 1.0
    [asked] = requests_to(seen, "/api/district/locate")  # what the page sends: WGS-84
    assert float(asked["lat"][0]) == pytest.approx(here["latitude"], abs=1e-6)
    assert float(asked["lon"][0]) == pytest.approx(here["longitude"], abs=1e-6)

    # A tap on the map is read back to WGS-84 before it is used.
    gcj_page.evaluate(
        """() => {
            const map = gigcityReports.mapOf(document.getElementById("pick-map"));
            map.fire("click", { latlng: L.latLng(31.2400, 121.4300) });
        }"""
    )
    gcj_page.wait_for_function(
        "() => document.getElementById('position-text').textContent.includes('121.42')"
    )
    lon, lat = gcj02_to_wgs84(121.4300, 31.2400)
    text = gcj_page.locator("#position-text").inner_text()
    assert f"{lat:.6f}".rstrip("0") in text
    assert f"{lon:.6f}".rstrip("0") in text
