"""The snap-and-report pages: served with their strings and settings, every string a script
asks for is on the page; and in headless Chromium, a rider files a report with a photo (and
follows it), an officer acts on one, and the dashboard draws."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from gigcity.i18n import translations
from gigcity.services.accounts import Role
from gigcity.services.reports import Action, PhotoStore
from gigcity.web.templating import STATIC_DIR
from services.reports.reports_support import MAKER, jpeg, scene
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

PAGES = ("/report", "/officer", "/dashboard")
SCRIPTS = ("reports.js", "report.js", "officer.js", "dashboard.js")


@pytest.fixture(scope="module", autouse=True)
def _photos_in_tmp(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    before = demo.platform.reports.photos
    demo.platform.reports.photos = PhotoStore(tmp_path_factory.mktemp("report-photos"))
    yield
    demo.platform.reports.photos = before


def blocks(html: str) -> dict[str, Any]:
    found = re.findall(r'<script type="application/json" id="([a-z-]+)">(.*?)</script>', html, re.S)
    return {name: json.loads(body) for name, body in found}


@pytest.mark.parametrize("path", PAGES)
def test_pages_come_in_both_languages_with_their_settings(
    page_client: TestClient, path: str
) -> None:
    zh = page_client.get(path, headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 200
    assert '<html lang="zh-CN">' in zh.text
    assert "随手拍" in zh.text
    assert "script-src 'self'" in zh.headers["content-security-policy"]
    assert zh.headers["x-content-type-options"] == "nosniff"
    en = page_client.get(path, params={"lang": "en"})
    assert '<html lang="en">' in en.text
    assert "Report a hazard" in en.text
    assert en.cookies.get("lang") == "en"
    config = blocks(zh.text)["report-config"]
    assert next(c["code"] for c in config["categories"]) == "fire_passage_blocked"
    assert config["categories"][0]["label"] == "消防通道堵塞"
    assert config["statuses"]["in_progress"] == "处理中"
    assert config["subdistricts"]["wanli"] == "万里街道"
    assert blocks(en.text)["report-config"]["subdistricts"]["wanli"] == "Wanli Subdistrict"


def test_every_string_the_report_scripts_ask_for_is_on_the_pages(page_client: TestClient) -> None:
    sources = {name: (STATIC_DIR / "js" / name).read_text(encoding="utf-8") for name in SCRIPTS}
    asked = set()
    for source in sources.values():
        asked |= set(re.findall(r"\bsay\(\s*\"([a-z0-9_]+)\"\s*[,)]", source))
        assert not re.search(r"[\u3400-\u9fff]", source), "scripts carry no text"
    assert len(asked) > 40
    # Keys the scripts build from API values.
    asked |= {f"action_{a.value}" for a in Action}
    asked |= {f"role_{r.value}" for r in Role} | {"role_system"}
    asked |= {"reason_invalid", "reason_duplicate", "how_original", "how_same", "how_merged"}
    asked |= {
        "reward_paid",
        "reward_pending",
        "reward_not_eligible",
        "my_part_same",
        "my_part_merged",
    }
    for path in PAGES:
        strings = blocks(page_client.get(path).text)["report-strings"]
        assert asked <= set(strings), sorted(asked - set(strings))
        assert strings["action_merge"] == translations("zh_CN", "web").gettext(
            "Merged into report #{id}"
        )


def test_the_report_page_loads_only_from_this_server(page_client: TestClient) -> None:
    html = page_client.get("/report").text
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        if url.startswith("/"):
            assert page_client.get(url).status_code == 200, url
        else:  # a link within the page, or the hotline's phone number (a call, no load)
            assert url.startswith(("?", "#", "tel:")), url


# -- in the browser -------------------------------------------------------------------------


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def sign_in(page: Page, username: str, password: str, path: str) -> None:
    page.goto(path)
    page.wait_for_url(lambda url: urlsplit(url).path == "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == urlsplit(path).path)


def tap_map(page: Page, x: float, y: float) -> None:
    """Tap the report page's map at a share of its width and height; the pin goes there."""
    area = page.locator("#pick-map")
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box is not None
    area.click(position={"x": box["width"] * x, "y": box["height"] * y})
    page.wait_for_selector("#report-page[data-position=set]")


@pytest.mark.browser
def test_a_rider_files_a_report_with_a_photo_and_follows_it(
    page: Page, demo: Demo, tmp_path: Path
) -> None:
    sign_in(page, "rider", demo.password, "/report")
    page.wait_for_selector("#report-page[data-state=ready]")
    page.click("label.category-tile:has(input[value=road_hazard])")
    photo_file = tmp_path / "pothole.jpg"
    photo_file.write_bytes(jpeg(scene(900, 600, seed=21), orientation=6))
    page.set_input_files("#photo-input", str(photo_file))
    thumb = page.locator("#photos img")
    expect(thumb).to_have_count(1)
    # Where: tap the map (GPS is not available in the test browser), then check the text.
    page.wait_for_selector("#pick-map[data-state=ready]")
    tap_map(page, 0.5, 0.5)
    expect(page.locator("#position-text")).to_contain_text("31.")
    page.fill("#description", "路口有个大坑")
    page.click("#submit-button")
    expect(page.locator("#notice")).to_contain_text("#")
    report_id = page.get_attribute("#report-page", "data-last-report")
    assert report_id is not None
    # The stored photo is upright (portrait) and bare.
    token = page.evaluate("JSON.parse(localStorage.getItem('gigcity.token')).token")
    stored = page.request.get(
        f"/api/reports/{report_id}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert stored["category"] == "road_hazard"
    assert stored["description"] == "路口有个大坑"
    (photo,) = stored["photos"]
    assert (photo["width"], photo["height"]) == (600, 900)
    served = page.request.get(photo["url"], headers={"Authorization": f"Bearer {token}"})
    assert served.headers["content-type"] == "image/jpeg"
    assert MAKER.encode() not in served.body()
    assert b"Exif" not in served.body()
    # My reports: the new one with its trail.
    page.click("#tab-mine")
    card = page.locator(f"#my-reports [data-report-id='{report_id}']")
    expect(card).to_be_visible()
    expect(card.locator(".timeline-step").first).to_contain_text(zh("Reported"))


@pytest.mark.browser
def test_a_second_rider_is_offered_the_same_report_and_joins_it(page: Page, demo: Demo) -> None:
    sign_in(page, "rider2", demo.password, "/report")
    page.wait_for_selector("#report-page[data-state=ready]")
    page.wait_for_selector("#pick-map[data-state=ready]")
    tap_map(page, 0.4, 0.6)
    text = page.locator("#position-text").text_content() or ""
    lat, lon = (float(v) for v in re.findall(r"(\d+\.\d+)", text)[:2])
    # Someone else reported a broken street light right there a moment ago.
    rider = page.request.post(
        "/api/auth/token", form={"username": "rider", "password": demo.password}
    )
    filed = page.request.post(
        "/api/reports",
        headers={"Authorization": f"Bearer {rider.json()['access_token']}"},
        data={"category": "broken_facility", "description": "路灯不亮", "lon": lon, "lat": lat},
    ).json()
    page.click("label.category-tile:has(input[value=broken_facility])")
    offer = page.locator(f"#similar-list [data-report-id='{filed['id']}']")
    expect(offer).to_be_visible()
    expect(page.locator("#similar-title")).to_have_text(zh("Is it the same as one of these?"))
    page.fill("#description", "我也看到了")
    offer.locator(".same-button").click()
    expect(page.locator("#notice")).to_contain_text(f"#{filed['id']}")
    card = page.locator(f"#my-reports [data-report-id='{filed['id']}']")
    expect(card).to_be_visible()
    expect(card).to_contain_text(zh("You said: same as this one"))
    expect(card.locator(".timeline")).to_contain_text(zh("Someone else saw it too"))


@pytest.mark.browser
def test_an_officer_verifies_a_report_from_the_queue(page: Page, demo: Demo) -> None:
    sign_in(page, "officer", demo.password, "/officer")
    page.wait_for_selector("#officer-page[data-state=ready]")
    page.wait_for_selector("#queue-map[data-state=ready]")
    assert page.locator("#queue-map path.report-marker").count() > 0
    submitted = page.locator("#queue-list .queue-row:has(.status-submitted)").first
    expect(submitted).to_be_visible()
    report_id = submitted.get_attribute("data-report-id")
    submitted.click()
    detail = page.locator(f"#detail[data-report-id='{report_id}']")
    expect(detail).to_be_visible()
    # Two notes, each labelled: the internal one stays inside, the public one is published.
    expect(detail.locator("label:has(#act-public-note)")).to_contain_text(
        zh("Public note (optional; shown to the reporter and published)")
    )
    expect(detail.locator("label:has(#act-note)")).to_contain_text(
        zh("Internal note (optional; officers and admins only)")
    )
    detail.locator("#act-note").fill("房东不配合，下次带物业来")
    detail.locator("#act-public-note").fill("已核实，本周内清理")
    detail.locator("button", has_text=zh("Accept (verify)")).click()
    expect(
        page.locator(f"#detail[data-report-id='{report_id}'][data-status=accepted]")
    ).to_be_visible()
    expect(detail.locator(".timeline")).to_contain_text(zh("Verified and accepted"))
    expect(detail.locator(".timeline .is-public")).to_contain_text("已核实，本周内清理")
    expect(detail.locator(".timeline .is-internal")).to_contain_text("房东不配合")
    published = page.request.get(f"/open311/v2/requests/{report_id}.json")
    assert published.json()[0]["status_notes"] == "已核实，本周内清理"
    assert "房东" not in published.text()
    detail.locator("#dispatch-to").fill("街道城运中心")
    detail.locator("button", has_text=zh("Dispatch")).click()
    expect(
        page.locator(f"#detail[data-report-id='{report_id}'][data-status=dispatched]")
    ).to_be_visible()


@pytest.mark.browser
def test_the_dashboard_draws_and_riders_are_turned_away(page: Page, demo: Demo) -> None:
    sign_in(page, "admin", demo.password, "/dashboard")
    page.wait_for_selector("#dashboard-page[data-state=ready][data-total]")
    assert int(page.get_attribute("#dashboard-page", "data-total") or 0) > 0
    assert page.locator("#by-category .bar-row").count() == 7
    assert page.locator("#series .column").count() > 0
    page.wait_for_selector("#heatmap path.heat-cell")
    with page.expect_download() as download:
        page.click("#export-counts")
    path = download.value.path()
    assert path is not None
    assert Path(path).read_text(encoding="utf-8-sig").startswith("day,subdistrict")
    page.evaluate("localStorage.clear()")
    # An officer's dashboard is their own sub-district's, and says so.
    sign_in(page, "officer", demo.password, "/dashboard")
    page.wait_for_selector("#dashboard-page[data-state=ready][data-total]")
    expect(page.locator("#subdistrict")).to_have_value(demo.officer_subdistrict)
    expect(page.locator("#subdistrict")).to_be_disabled()
    assert page.locator("#by-subdistrict .bar-row").count() == 1
    expect(page.locator("#alert")).to_be_hidden()
    page.evaluate("localStorage.clear()")
    sign_in(page, "rider", demo.password, "/dashboard")
    expect(page.locator("#alert")).to_contain_text(
        zh("This page is for grid officers and district admins.")
    )


def test_photo_bytes_helper_makes_real_jpegs() -> None:
    from PIL import Image

    assert Image.open(io.BytesIO(jpeg())).format == "JPEG"
