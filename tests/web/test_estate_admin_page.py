"""The property staff page (/estate) in headless Chromium, in Chinese first: property staff
see their estate and change a gate, a hand-off point, a measure and a building's facts in one
form that sends the whole document with its version; when someone else saved first (409) the
page says so and shows their version; officers choose an estate from their sub-district's
list and import a GeoJSON file; the change history names what changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from gigcity.services.accounts import Principal, Role
from web.estate_support import ESTATE_NAME, ESTATE_NAME_EN, KEEPER
from web.test_report_pages import blocks, expect, sign_in, zh
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


def _signed_in(browser: Browser, live_server: str, demo: Demo, who: str, locale: str) -> Page:
    context = browser.new_context(viewport=PHONE, locale=locale, base_url=live_server)
    context.set_default_timeout(15_000)
    context.route(
        "**/*",
        lambda route, req: route.continue_() if req.url.startswith(live_server) else route.abort(),
    )
    page = context.new_page()
    sign_in(page, who, demo.password, "/estate")
    return page


@pytest.fixture
def staff(browser: Browser, live_server: str, demo: Demo, guide_estate: int) -> Iterator[Page]:
    """Property staff of the test estate on a phone, on their page, in Chinese."""
    page = _signed_in(browser, live_server, demo, KEEPER, "zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.wait_for_selector("#estate-page[data-state=ready] #history-rows tr")
    yield page
    page.context.close()
    assert errors == [], errors


def _stored(demo: Demo, estate_id: int) -> dict[str, Any]:
    stored: dict[str, Any] = demo.platform.estates.get(estate_id).model_dump(mode="json")
    return stored


def test_the_estate_page_comes_in_both_languages(page_client: TestClient) -> None:
    chinese = page_client.get("/estate", headers={"Accept-Language": ""})
    assert chinese.status_code == 200
    assert 'data-roles="property officer admin"' in chinese.text
    assert "小区导引" in chinese.text
    strings = blocks(chinese.text)["admin-strings"]
    assert strings["conflict"].startswith("已有其他人先保存")
    english = page_client.get("/estate", params={"lang": "en"})
    assert "Save the estate" in english.text


def test_property_staff_edit_a_gate_and_the_history_names_it(
    staff: Page, demo: Demo, guide_estate: int
) -> None:
    page = staff
    expect(page.locator("#editor-name")).to_have_text(ESTATE_NAME)
    assert page.locator("#gates .part").count() == 4
    assert page.locator("#handoffs .part").count() == 1
    assert page.locator("#buildings .building").count() == 12
    # No list, no import: property staff keep their own estate.
    expect(page.locator("#list-column")).to_be_hidden()
    before = _stored(demo, guide_estate)["version"]
    north = page.locator("#gates .part", has_text="北门")
    north.locator("[data-field=hours]").fill("Mo-Su 06:00-23:00")
    north.locator("[data-field=lit_at_night]").check()
    page.click("#save-estate")
    expect(page.locator("#notice")).to_have_text(
        zh("Saved: version {version}.").format(version=before + 1)
    )
    stored = _stored(demo, guide_estate)
    gate = next(g for g in stored["estate"]["gates"] if g["name"] == "北门")
    assert gate["hours"] == "Mo-Su 06:00-23:00"
    assert gate["lit_at_night"] is True
    # The history's newest line says which gate changed and how.
    newest = page.locator("#history-rows tr").first
    expect(newest).to_contain_text("北门")
    expect(newest).to_contain_text("Mo-Su 06:00-23:00")
    expect(newest).to_contain_text(zh("Lit at night"))


def test_hand_off_point_measure_and_building_facts_are_saved(
    staff: Page, demo: Demo, guide_estate: int
) -> None:
    page = staff
    point = page.locator("#handoffs .part").first
    point.locator("[data-field=shelf_capacity]").fill("60")
    point.locator("[data-field=claim_within_min]").fill("15")
    page.click("#add-measure")
    measure = page.locator("#measures .measure").last
    measure.locator("[data-field=kind]").select_option("night_lighting")
    measure.locator("[data-field=since]").fill("2025-03-01")
    measure.locator("[data-field=note]").fill("主干道路灯")
    page.click("#buildings-section summary")
    page.fill("#building-filter", "5号楼")
    building = page.locator("#buildings .building[data-number='5号楼']")
    expect(building).to_be_visible()
    assert page.locator("#buildings .building:visible").count() == 1
    building.locator("[data-field=floors]").fill("6")
    building.locator("[data-field=lift]").select_option("no")
    page.click("#save-estate")
    expect(page.locator("#notice")).to_contain_text("已保存")
    estate = _stored(demo, guide_estate)["estate"]
    assert estate["handoffs"][0]["shelf_capacity"] == 60
    assert estate["handoffs"][0]["claim_within_min"] == 15
    lighting = [m for m in estate["measures"] if m["kind"] == "night_lighting"]
    assert lighting == [
        {"kind": "night_lighting", "since": "2025-03-01", "until": None, "note": "主干道路灯"}
    ]
    five = next(b for b in estate["buildings"] if b["number"] == "5号楼")
    assert (five["floors"], five["lift"]) == (6, False)
    # The trolley measure the guide relies on is still there.
    assert any(m["kind"] == "trolleys" for m in estate["measures"])


def test_a_number_out_of_range_is_refused_before_sending(
    staff: Page, demo: Demo, guide_estate: int
) -> None:
    page = staff
    before = _stored(demo, guide_estate)["version"]
    page.locator("#handoffs .part").first.locator("[data-field=shelf_capacity]").fill("0")
    page.click("#save-estate")
    expect(page.locator("#alert")).to_contain_text("1 到 10000")
    assert _stored(demo, guide_estate)["version"] == before


def test_when_someone_else_saved_first_the_page_says_so_and_shows_their_version(
    staff: Page, demo: Demo, guide_estate: int
) -> None:
    page = staff
    # Someone else changes the estate after the page read it.
    record = demo.platform.estates.get(guide_estate)
    theirs = record.estate.model_copy(
        update={
            "gates": tuple(
                g.model_copy(update={"riders_pass": not g.riders_pass}) if g.name == "南门" else g
                for g in record.estate.gates
            )
        }
    )
    admin = Principal(role=Role.admin, label="someone-else")
    saved = demo.platform.estates.update(admin, guide_estate, record.version, theirs)
    # Our change, on the version we read: refused, said, and their version shown.
    page.locator("#gates .part", has_text="西门").locator("[data-field=lit_at_night]").check()
    page.click("#save-estate")
    expect(page.locator("#alert")).to_have_text(
        zh(
            "Someone else saved this estate first. It now shows their version: "
            "make your changes again."
        )
    )
    expect(page.locator("#estate-page")).to_have_attribute("data-conflict", "shown")
    expect(page.locator("#editor-meta")).to_contain_text(f"第 {saved.version} 版")
    south = page.locator("#gates .part", has_text="南门").locator("[data-field=riders_pass]")
    assert south.is_checked() is next(g.riders_pass for g in theirs.gates if g.name == "南门")
    west = page.locator("#gates .part", has_text="西门").locator("[data-field=lit_at_night]")
    assert not west.is_checked()  # ours was not stored
    assert _stored(demo, guide_estate)["version"] == saved.version


def test_officers_choose_an_estate_of_their_sub_district_and_import_geojson(
    browser: Browser, live_server: str, demo: Demo, guide_estate: int, tmp_path: Path
) -> None:
    page = _signed_in(browser, live_server, demo, "officer", "zh-CN")
    try:
        page.wait_for_selector("#estate-list li")
        expect(page.locator("#choose-hint")).to_be_visible()
        expect(page.locator("#import-panel")).to_be_visible()
        page.locator("#estate-list .place-row", has_text=ESTATE_NAME).click()
        page.wait_for_selector("#editor:not([hidden]) #history-rows tr")
        assert f"id={guide_estate}" in page.url
        # The estate's own GeoJSON, given a new name and no identity: a new estate.
        exported = page.request.get(f"/api/estates/{guide_estate}/export.geojson").json()
        text = json.dumps(exported, ensure_ascii=False)
        text = text.replace(ESTATE_NAME, "导入花园").replace(ESTATE_NAME_EN, "Imported Gardens")
        data = json.loads(text)
        _drop_identity(data)
        upload = tmp_path / "imported.geojson"
        upload.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        page.set_input_files("#import-file", str(upload))
        page.click("#import-form button[type=submit]")
        report = page.locator("#import-report")
        expect(report).to_contain_text("已导入")
        expect(report).to_contain_text("导入花园")
        expect(page.locator("#estate-list .place-row", has_text="导入花园")).to_be_visible()
    finally:
        page.context.close()


def _drop_identity(data: object) -> None:
    """Remove every external id (so the import makes a new estate, not an update)."""
    if isinstance(data, dict):
        for key in [k for k in data if k in ("external_id", "id", "@id")]:
            del data[key]
        for value in data.values():
            _drop_identity(value)
    elif isinstance(data, list):
        for item in data:
            _drop_identity(item)


def test_a_rider_is_told_the_estate_page_is_not_theirs(
    browser: Browser, live_server: str, demo: Demo
) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server)
    page = context.new_page()
    try:
        sign_in(page, "rider", demo.password, "/estate")
        expect(page.locator("#role-gate")).to_be_visible()
        expect(page.locator("#role-gate-text")).to_contain_text("物业人员、网格员和区管理员")
    finally:
        context.close()


def test_the_english_switch_shows_the_estate_in_english(
    staff: Page, demo: Demo, guide_estate: int
) -> None:
    page = staff
    page.click("#lang-switch")
    page.wait_for_selector("html[lang=en]")
    page.wait_for_selector("#estate-page[data-state=ready] #history-rows tr")
    expect(page.locator("#editor-name")).to_have_text(ESTATE_NAME_EN)
    expect(page.locator("#save-estate")).to_have_text("Save the estate")
    expect(page.locator("#gates .part").first).to_contain_text("Certified riders may pass")
