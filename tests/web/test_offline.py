"""The installable app for a rider with poor signal: the manifest and the service worker are
served and linked; in headless Chromium, after one visit the map opens offline with the last
points, and a report made offline (with a photo) is kept, survives a reload, and is filed
exactly once when the signal returns."""

from __future__ import annotations

import base64
import io
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from gigcity import __version__
from gigcity.i18n import translations
from gigcity.services.reports import PhotoStore
from gigcity.web import offline
from gigcity.web.offline import OFFLINE_DATA
from gigcity.web.templating import STATIC_DIR
from services.reports.reports_support import jpeg, scene
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

QUEUE_SCRIPT = STATIC_DIR / "js" / "offline-queue.js"
OFFLINE_NOTE = (
    "No signal: you see what was saved on your last visit; reports are sent when the signal "
    "returns."
)


@pytest.fixture(scope="module", autouse=True)
def _photos_in_tmp(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    before = demo.platform.reports.photos
    demo.platform.reports.photos = PhotoStore(tmp_path_factory.mktemp("offline-photos"))
    yield
    demo.platform.reports.photos = before


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


# -- served and linked ------------------------------------------------------------------------


def test_the_manifest_is_valid_and_linked_from_every_page(page_client: TestClient) -> None:
    for path in ("/", "/report", "/login"):
        html = page_client.get(path).text
        assert '<link rel="manifest" href="/static/manifest.webmanifest">' in html, path
        assert '<script src="/static/js/pwa.js' in html, path
    answer = page_client.get("/static/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(answer.content)
    assert manifest["name"].startswith("骑手驿站")
    assert manifest["short_name"] == "骑手驿站"
    assert manifest["lang"] == "zh-CN"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/",
        "/",
        "standalone",
    )
    # The theme colour is the app's red, as in app.css and the page's theme-color.
    css = (STATIC_DIR / "css" / "app.css").read_text(encoding="utf-8")
    red = re.search(r"--red:\s*(#[0-9a-fA-F]{6})", css)
    assert red is not None
    assert manifest["theme_color"] == red.group(1)
    assert f'<meta name="theme-color" content="{red.group(1)}">' in page_client.get("/").text
    sizes = {}
    for icon in manifest["icons"]:
        served = page_client.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            with Image.open(io.BytesIO(served.content)) as image:
                assert image.format == "PNG"
                assert icon["sizes"] == f"{image.width}x{image.height}"
                sizes[image.width] = image.mode
    assert set(sizes) == {192, 512}


def test_the_service_worker_is_served_at_the_root_and_keeps_only_public_data(
    page_client: TestClient,
) -> None:
    answer = page_client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["cache-control"] == "no-cache"
    assert answer.headers["service-worker-allowed"] == "/"
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    first_line = answer.text.split("\n", 1)[0]
    settings = json.loads(first_line.removeprefix("self.GIGCITY_SW = ").removesuffix(";"))
    # The cache is named after the release and the static files.
    assert settings["version"].startswith(f"{__version__}-")
    # Everything precached is served (a missing file would leave the shell incomplete).
    assert {"/", "/report", f"/static/js/map.js?v={__version__}"} <= set(settings["shell"])
    assert f"/static/leaflet/leaflet.js?v={__version__}" in settings["shell"]
    for url in settings["shell"]:
        assert page_client.get(url).status_code == 200, url
    # Only the map's public data is kept: no personal answers.
    patterns = [re.compile(p) for p in settings["data"]]
    assert settings["data"] == list(OFFLINE_DATA)
    kept = ["/api/places/markers", "/api/places/12", "/api/district"]
    never = ["/api/me", "/api/reports/mine", "/api/reports/12", "/api/me/statement"]
    assert all(any(p.search(path) for p in patterns) for path in kept)
    assert not any(p.search(path) for p in patterns for path in never)


def test_the_cache_name_changes_with_the_release_and_the_static_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "map.js").write_text("one", encoding="utf-8")
    monkeypatch.setattr(offline, "STATIC_DIR", static)
    first = offline.cache_tag()
    assert first == offline.cache_tag()
    (static / "js" / "map.js").write_text("two", encoding="utf-8")
    assert offline.cache_tag() != first
    monkeypatch.setattr(offline, "__version__", "9.9.9")
    assert offline.cache_tag().startswith("9.9.9-")


def test_the_cache_name_changes_with_a_partial_the_kept_pages_include(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_estate_strings.html").write_text("一", encoding="utf-8")
    monkeypatch.setattr(offline, "TEMPLATES_DIR", templates)
    first = offline.cache_tag()
    (templates / "_estate_strings.html").write_text("二", encoding="utf-8")
    assert offline.cache_tag() != first


def test_every_string_the_queue_shows_is_on_the_report_page(page_client: TestClient) -> None:
    source = QUEUE_SCRIPT.read_text(encoding="utf-8")
    asked = set(re.findall(r"\bsay\(\s*\"([a-z0-9_]+)\"\s*[,)]", source))
    assert {"queued", "queue_waiting", "queue_sent", "queue_refused"} <= asked
    html = page_client.get("/report", headers={"Accept-Language": "zh-CN"}).text
    found = re.search(
        r'<script type="application/json" id="report-strings">(.*?)</script>', html, re.S
    )
    assert found is not None
    strings = json.loads(found.group(1))
    assert asked <= set(strings)
    assert strings["queued"] == "已保存，有信号时自动发送"
    assert strings["queue_sent"].startswith("已发送")


# -- in the browser -------------------------------------------------------------------------


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def context(browser: Browser, live_server: str) -> Iterator[BrowserContext]:
    """A phone in Chinese whose requests are NOT intercepted: Playwright's routing would
    bypass the service worker. Script errors fail the test."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server)
    context.set_default_timeout(15_000)
    errors: list[str] = []
    context.on("page", lambda page: page.on("pageerror", lambda e: errors.append(str(e))))
    yield context
    context.close()
    assert errors == [], f"script errors on the page: {errors}"


def worker_ready(page: Page) -> None:
    """Wait until the service worker runs this page (it precached the shell first).

    The worker claims the open pages when it activates, but Chromium sometimes leaves a
    page that was navigating at that moment unclaimed (a CI run waited 30 s in vain); a
    rider's next visit is run by the worker either way, so then the page is opened again."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    controlled = "navigator.serviceWorker.controller !== null"
    if not poll(page, controlled, "the worker to claim the page", tries=100, fail=False):
        page.reload()
        poll(page, controlled, "the worker to run the page")


def poll(
    page: Page, expression: str, what: str, arg: Any = None, tries: int = 300, fail: bool = True
) -> bool:
    """Wait until `expression` (awaited) is true. (Not wait_for_function: its polling
    evaluates strings, which the pages' CSP forbids.) Up to 30 s: on a loaded CI machine the
    worker has taken over 15 s to take the page."""
    for _ in range(tries):
        if page.evaluate(expression, arg):
            return True
        page.wait_for_timeout(100)
    if fail:
        pytest.fail(f"waited in vain for {what}")
    return False


DATA_KEPT = """async (path) => {
  for (const name of await caches.keys()) {
    if (!name.startsWith("gigcity-data-")) continue;
    const keys = await (await caches.open(name)).keys();
    if (keys.some((request) => new URL(request.url).pathname === path)) return true;
  }
  return false;
}"""


def wait_until_kept(page: Page, path: str) -> None:
    poll(page, DATA_KEPT, f"the service worker to keep {path}", path)


@pytest.mark.browser
def test_after_one_visit_the_map_opens_offline_with_the_last_points(
    context: BrowserContext,
) -> None:
    page = context.new_page()
    page.goto("/")
    page.wait_for_selector("#map[data-state=ready]")
    online_markers = int(page.get_attribute("#map", "data-markers") or 0)
    assert online_markers > 0
    worker_ready(page)
    wait_until_kept(page, "/api/places/markers")

    context.set_offline(True)
    page.reload()
    expect(page.locator("header.topbar")).to_be_visible()
    expect(page.locator("#search-input")).to_be_visible()
    page.wait_for_selector("#map[data-state=ready]")
    assert int(page.get_attribute("#map", "data-markers") or 0) == online_markers
    assert page.evaluate("navigator.onLine") is False
    # Leaflet's own script and styles came from the cache too.
    assert page.evaluate("typeof L.map") == "function"
    # The rider is told these are the points as last seen.
    note = page.locator("#offline-note")
    expect(note).to_have_text(zh(OFFLINE_NOTE))
    context.set_offline(False)
    expect(note).to_be_hidden()


def sign_in(page: Page, password: str, username: str = "rider") -> None:
    page.goto("/login?next=/report")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/report"))
    page.wait_for_selector("#report-page[data-state=ready]")


def mine_with(page: Page, description: str) -> list[dict[str, Any]]:
    """The rider's reports with this description, asked of the API with the rider's token."""
    reports: list[dict[str, Any]] = page.evaluate(
        "window.gigcity.api('/api/reports/mine?limit=100')"
    )
    return [r for r in reports if r["description"] == description]


@pytest.mark.browser
@pytest.mark.parametrize("reload_offline", [False, True], ids=["same-page", "reloaded-offline"])
def test_a_report_made_offline_is_kept_and_filed_once_when_the_signal_returns(
    context: BrowserContext, demo: Demo, tmp_path: Path, reload_offline: bool
) -> None:
    page = context.new_page()
    sign_in(page, demo.password)
    worker_ready(page)
    page.reload()  # the report page as the worker serves it
    page.wait_for_selector("#report-page[data-state=ready]")

    context.set_offline(True)
    page.click("label.category-tile:has(input[value=road_hazard])")
    photo = tmp_path / "basement.jpg"
    photo.write_bytes(jpeg(scene(640, 480, seed=33)))
    page.set_input_files("#photo-input", str(photo))
    thumb = page.locator("#photos img")
    expect(thumb).to_have_count(1)
    # The photo stays on the phone, shown from a small copy (the CSP allows data: images).
    assert (thumb.get_attribute("src") or "").startswith("data:image/jpeg")
    poll(page, "document.querySelector('#photos img').naturalWidth > 0", "the thumbnail")
    page.wait_for_selector("#pick-map[data-state=ready]")
    area = page.locator("#pick-map")
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box is not None
    area.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    page.wait_for_selector("#report-page[data-position=set]")
    description = f"地下车库入口积水 {uuid.uuid4().hex[:8]}"
    page.fill("#description", description)
    page.click("#submit-button")

    expect(page.locator("#notice")).to_have_text(
        zh("Saved. It will be sent by itself when there is signal.")
    )
    status = page.locator("#queue-status")
    expect(status).to_have_attribute("data-waiting", "1")
    expect(status).to_contain_text("等待发送的上报：1 条")
    expect(page.locator("#photos img")).to_have_count(0)  # the form is ready for the next one

    if reload_offline:
        page.reload()
        page.wait_for_selector("#report-page[data-state=ready]")
        expect(page.locator("#queue-status")).to_have_attribute("data-waiting", "1")

    context.set_offline(False)
    expect(page.locator("#notice")).to_contain_text("已发送", timeout=20_000)
    expect(page.locator("#queue-status")).to_have_attribute("data-waiting", "0")
    expect(page.locator("#queue-status")).to_be_hidden()

    # Filed exactly once, with its photo (the page and Background Sync may both have tried).
    page.wait_for_timeout(1000)
    (report,) = mine_with(page, description)
    assert report["category"] == "road_hazard"
    assert len(report["photos"]) == 1
    assert page.evaluate("gigcityQueue.all().then((items) => items.length)") == 0


# A report the server will refuse: the position is outside the district.
KEEP_OUTSIDE = """(description) => gigcityQueue.keep(
  {category: "road_hazard", description: description, lat: 31.0, lon: 121.95, reference: null,
   photo_ids: [], client_key: "web-" + crypto.randomUUID().replaceAll("-", "").slice(0, 24)},
  [], gigcity.auth.token(), "zh-CN")"""

KEEP_INSIDE_WITH_TOKEN = """([description, lat, lon, signature]) => gigcityQueue.keep(
  {category: "road_hazard", description: description, lat: lat, lon: lon, reference: null,
   photo_ids: [], client_key: "web-" + crypto.randomUUID().replaceAll("-", "").slice(0, 24)},
  [], gigcity.auth.token().split(".").slice(0, 2).concat([signature]).join("."), "zh-CN")"""


@pytest.mark.browser
def test_a_kept_report_the_server_refuses_is_shown_with_its_reason_until_removed(
    context: BrowserContext, demo: Demo
) -> None:
    page = context.new_page()
    sign_in(page, demo.password)
    description = f"离线拒收 {uuid.uuid4().hex[:8]}"
    context.set_offline(True)
    page.evaluate(KEEP_OUTSIDE, description)
    context.set_offline(False)  # the page sends it: the server answers 422

    failed = page.locator("#queue-status .queue-failed")
    expect(failed).to_contain_text("未被受理")
    expect(failed).to_contain_text("只能上报辖区内的地点")  # the server's own words
    expect(page.locator("#queue-status")).to_have_attribute("data-waiting", "0")
    # Not dropped: kept (and shown again after a reload) until the rider removes it.
    page.reload()
    expect(page.locator("#queue-status .queue-failed")).to_have_count(1)
    assert page.evaluate("gigcityQueue.all().then((items) => items[0].status)") == "failed"
    page.click("#queue-status .queue-failed button")
    expect(page.locator("#queue-status")).to_be_hidden()
    assert page.evaluate("gigcityQueue.all().then((items) => items.length)") == 0
    assert mine_with(page, description) == []


@pytest.mark.browser
def test_a_kept_report_is_filed_for_the_rider_who_made_it(
    context: BrowserContext, demo: Demo
) -> None:
    """The sign-in kept with a report has expired and another rider signs in on the phone:
    the report waits for its own rider (it is never filed under the other account)."""
    page = context.new_page()
    sign_in(page, demo.password)
    district = page.evaluate("window.gigcity.api('/api/district')")
    sub = district["subdistricts"][0]
    description = f"换人登录 {uuid.uuid4().hex[:8]}"
    # Kept with the rider's sign-in, no longer valid (its signature spoilt, as if expired).
    page.evaluate(KEEP_INSIDE_WITH_TOKEN, [description, sub["lat"], sub["lon"], "spoilt-signature"])
    page.evaluate("localStorage.removeItem('gigcity.token')")
    sign_in(page, demo.password, "rider2")  # the report page tries to send what waits
    status = page.locator("#queue-status")
    expect(status).to_contain_text("请重新登录")
    expect(status).to_have_attribute("data-waiting", "1")
    assert mine_with(page, description) == []  # not rider2's

    page.evaluate("localStorage.removeItem('gigcity.token')")
    sign_in(page, demo.password, "rider")
    expect(page.locator("#notice")).to_contain_text("已发送")
    expect(status).to_be_hidden()
    assert len(mine_with(page, description)) == 1


KEEP_WITH_PHOTO = """([description, lat, lon, photo]) => {
  const bytes = Uint8Array.from(atob(photo), (c) => c.charCodeAt(0));
  return gigcityQueue.keep(
    {category: "road_hazard", description: description, lat: lat, lon: lon, reference: null,
     photo_ids: [], client_key: "web-" + crypto.randomUUID().replaceAll("-", "").slice(0, 24)},
    [new Blob([bytes], {type: "image/jpeg"})], gigcity.auth.token(), "zh-CN");
}"""


@pytest.mark.browser
def test_a_kept_report_resumes_after_its_photo_went_up(context: BrowserContext, demo: Demo) -> None:
    """The signal drops between the photo and the report: the next attempt files the report
    with the photo already uploaded, without uploading it again."""
    page = context.new_page()
    sign_in(page, demo.password)
    sub = page.evaluate("window.gigcity.api('/api/district')")["subdistricts"][1]
    uploads: list[str] = []
    page.on(
        "request",
        lambda r: uploads.append(r.url) if r.method == "POST" and "/photos" in r.url else None,
    )

    def no_filing(route: Any) -> None:
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/reports", no_filing)
    description = f"照片已传 {uuid.uuid4().hex[:8]}"
    photo = base64.b64encode(jpeg(scene(320, 240, seed=5))).decode()
    page.evaluate(KEEP_WITH_PHOTO, [description, sub["lat"], sub["lon"], photo])
    context.set_offline(True)
    context.set_offline(False)  # the signal returns: the photo goes up, the report does not
    expect(page.locator("#queue-status")).to_have_attribute("data-waiting", "1")
    # Kept with the photo's id.
    poll(page, "gigcityQueue.all().then((items) => items[0].photos[0].id)", "the photo's id")
    assert len(uploads) == 1

    page.unroute("**/api/reports", no_filing)
    context.set_offline(True)
    context.set_offline(False)
    expect(page.locator("#notice")).to_contain_text("已发送")
    assert len(uploads) == 1  # not uploaded again
    (report,) = mine_with(page, description)
    assert len(report["photos"]) == 1
