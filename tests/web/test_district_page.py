"""The district overview page (/district) in headless Chromium: a grid officer on a 390 px
phone in Chinese sees their own sub-district's figures (the same as the API gives them), no
sub-district picker and one sub-district on the map, and never another's numbers; an admin
at 1,366 px sees the whole district with a table by sub-district, picks one and sees its
figures alone; neither page scrolls sideways. A rider is told whom the page is for."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from gigcity.db.models import GovComplaint
from gigcity.db.session import transaction
from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.governance.dashboard_schemas import Figure
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.test_pages import assets
from web.web_support import DESKTOP_WIDTH, HEIGHTS, Demo, demo_principal

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SCRIPT = STATIC_DIR / "js" / "district.js"
PATH = "/district"
ADMIN = Principal(role=Role.admin, label="district-page-admin")


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def complaints(demo: Demo) -> Iterator[tuple[str, str]]:
    """Delivery-related complaints of today: 3 in the demo officer's sub-district and 17 in
    another (a count the officer's page must never show); removed afterwards."""
    own = demo.officer_subdistrict
    other = next(s.code for s in demo.platform.district.subdistricts if s.code != own)
    tag = uuid.uuid4().hex[:8]
    now = demo.platform.governance.clock() - timedelta(minutes=5)
    with transaction(demo.platform.factory) as session:
        for n, sub in enumerate([own] * 3 + [other] * 17):
            session.add(
                GovComplaint(
                    fingerprint=f"page-{tag}-{n}", received_at=now, address="地址",
                    content="外卖电动车乱停", subdistrict=sub, placed=True, topic="parking",
                )
            )  # fmt: skip
    yield own, other
    with transaction(demo.platform.factory) as session:
        session.execute(delete(GovComplaint).where(GovComplaint.fingerprint.like(f"page-{tag}-%")))


def _no_sideways_scroll(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_page_carries_its_strings_in_both_languages(page_client: TestClient) -> None:
    strings = page_strings(page_client, PATH, "district-strings", SCRIPT)
    assert strings.asked <= strings.chinese.keys()
    zh_page = page_client.get(PATH, params={"lang": "zh-CN"}).text
    setup = json.loads(assets(zh_page).blocks["district-config"])
    # The figures' and services' titles, from the API's catalog (as the exports name them).
    assert setup["figures"]["complaints"]["title"] == "外卖配送相关热线投诉"
    assert setup["figures"]["bed_nights"]["service"] == "床位"


@pytest.mark.browser
def test_an_officer_on_a_phone_sees_their_own_sub_district_only(
    page: Page, demo: Demo, complaints: tuple[str, str]
) -> None:
    own, other = complaints
    officer = demo_principal(demo, "officer")
    for _ in range(2):  # the friendly map used in the officer's sub-district (and not)
        demo.platform.governance.count_map_use("nearby", subdistrict=own)
    demo.platform.governance.count_map_use("details", subdistrict=other)
    want = demo.platform.governance.district_overview(officer)
    assert want.total.total.complaints >= 3
    assert want.total.total.map_nearby >= 2

    sign_in(page, "officer", demo.password, PATH)
    page.wait_for_selector("#district-page[data-state=ready] #district-map[data-state=ready]")
    expect(page.locator("main h1")).to_contain_text(
        zh("District overview: {district}").split("{")[0]
    )
    expect(page.locator("#subdistrict-field")).to_be_hidden()
    name = demo.platform.district.get(own)
    assert name is not None
    expect(page.locator("#scope-line")).to_contain_text(name.name)
    card = page.locator("#cards [data-figure=complaints]")
    expect(card).to_have_attribute("data-value", str(want.total.total.complaints))
    expect(card).to_contain_text("外卖配送相关热线投诉")
    assert page.locator("#district-map").get_attribute("data-cells") == "1"
    expect(page.locator("#table-panel")).to_be_hidden()
    expect(page.locator("#charts .district-chart-panel")).to_have_count(len(Figure))
    used = page.locator("#cards [data-figure=map_nearby]")
    expect(used).to_have_attribute("data-value", str(want.total.total.map_nearby))
    expect(used).to_contain_text("友好地图")
    expect(page.locator("#cards [data-figure=map_details]")).to_have_attribute(
        "data-value", str(want.total.total.map_details)
    )
    # The other sub-district's name appears nowhere but in the (hidden) admins' picker.
    other_name = demo.platform.district.get(other)
    assert other_name is not None
    visible = page.locator("main").inner_text()
    assert other_name.name not in visible
    _no_sideways_scroll(page, 390)
    page.click("#menu summary")  # the menu offers the officer this page
    expect(page.locator("#menu a[href='/district']")).to_be_visible()


@pytest.mark.browser
def test_an_admin_on_a_desktop_picks_a_sub_district(
    browser: Browser, live_server: str, demo: Demo, complaints: tuple[str, str]
) -> None:
    _, other = complaints
    context = browser.new_context(
        viewport={"width": DESKTOP_WIDTH, "height": HEIGHTS[DESKTOP_WIDTH]},
        locale="zh-CN",
        base_url=live_server,
    )
    context.set_default_timeout(15_000)
    context.route(
        "**/*",
        lambda route, request: (
            route.continue_() if request.url.startswith(live_server) else route.abort()
        ),
    )
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, "admin", demo.password, PATH)
        page.wait_for_selector("#district-page[data-state=ready] #district-map[data-state=ready]")
        whole = demo.platform.governance.district_overview(ADMIN)
        count = len(demo.platform.district.subdistricts)
        assert page.locator("#district-map").get_attribute("data-cells") == str(count)
        expect(page.locator("#table-panel")).to_be_visible()
        expect(page.locator("#subdistrict-table tbody tr")).to_have_count(count + 1)
        expect(page.locator("#cards [data-figure=complaints]")).to_have_attribute(
            "data-value", str(whole.total.total.complaints)
        )
        _no_sideways_scroll(page, DESKTOP_WIDTH)

        page.select_option("#subdistrict", other)
        page.wait_for_selector(f"#district-page[data-state=ready][data-subdistrict={other}]")
        picked = demo.platform.governance.district_overview(ADMIN, subdistrict=other)
        assert picked.total.total.complaints >= 17
        expect(page.locator("#cards [data-figure=complaints]")).to_have_attribute(
            "data-value", str(picked.total.total.complaints)
        )
        assert page.locator("#district-map").get_attribute("data-cells") == "1"
        expect(page.locator("#table-panel")).to_be_hidden()
        _no_sideways_scroll(page, DESKTOP_WIDTH)
        with page.expect_download() as download:  # the export behind the token, saved
            page.click("#export-csv")
        assert download.value.suggested_filename.endswith(".csv")
        assert other in Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_a_rider_is_told_whom_the_page_is_for(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, "/report")
    page.goto(PATH)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(zh("grid officers and district admins"))
