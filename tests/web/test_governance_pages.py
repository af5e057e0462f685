"""The governance hub (/governance, issue 18) in the browser. A district admin imports a
small 12345 hotline export and sees the counts and a refused row's reason; a grid officer
on a 390 px phone in Chinese places a complaint of their sub-district that no address
matched and records a measure; a text tried against the topic rules shows the rule that
fires; a measure's evaluation shows the sentence, the interval and the chart, marked as
synthetic. The demo's synthetic year with the mall's three measures is seeded by
`seed_demo_governance` (idempotent), whoever seeds it first."""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.db.models import GovComplaint, GovMeasure, GovPlaceAlias, Place
from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.demo.governance import seed_demo_governance
from gigcity.services.governance.synthetic import CSV_HEADERS, MALL
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import PHONE, Demo, demo_principal

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

ADMIN = Principal(role=Role.admin, label="governance-pages-admin")
SCRIPTS = sorted(p.name for p in (STATIC_DIR / "js").glob("governance*.js"))
BUILT_KEYS = (
    {f"count_{k}" for k in ("rows_read", "accepted", "duplicates", "refused", "unplaced")}
    | {f"import_{s}" for s in ("queued", "running", "done", "failed")}
    | {f"how_{h}" for h in ("place", "estate", "road", "person")}
)
OFFICER_STATION = "居高司机之家"  # the demo officer's sub-district is this driver home's


def zh(message: str, **params: Any) -> str:
    text = translations("zh_CN", "web").gettext(message)
    return text.format(**params) if params else text


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def hotline_csv(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def governance(demo: Demo) -> Demo:
    """The demo with its synthetic governance year (the mall's complaints and measures)."""
    seed_demo_governance(demo.platform)
    return demo


def show_in_the_list(page: Page, governance: Demo, complaint_id: int) -> Locator:
    """Wait for the filtered list to be in and to show `complaint_id`, and give its item;
    if it does not, fail saying what the list and the database hold (a CI run once timed
    out here)."""
    expect(page.locator("#complaints")).to_have_attribute("data-state", "ready", timeout=15_000)
    item = page.locator(f"#complaints li[data-complaint='{complaint_id}']")
    try:
        expect(item).to_be_visible(timeout=15_000)
    except AssertionError as error:
        with governance.platform.factory() as session:
            row = session.get(GovComplaint, complaint_id)
            assert row is not None
            stored = (row.placed, row.placed_how, row.place_name, row.subdistrict)
        listed = page.locator("#complaints li").evaluate_all(
            "els => els.map(e => e.dataset.complaint + ':' + e.dataset.placed)"
        )
        count = page.locator("#complaint-count").inner_text()
        message = f"complaint {complaint_id} stored as {stored}; the list ({count}): {listed}"
        raise AssertionError(message) from error
    return item


@pytest.fixture
def unplaced_in_officer_area(governance: Demo) -> int:
    """A complaint whose address names the officer's sub-district (桃浦镇) but matches no
    place of the map: the officer's to place. Its id."""
    record = f"GOVTEST-{uuid.uuid4().hex[:8]}"
    lane = uuid.uuid4().int % 900 + 100  # its own lane: a name remembered by one test
    data = hotline_csv(
        [
            (
                record,
                "2026-11-20 21:15:00",
                f"上海市普陀区桃浦镇无名小路{lane}弄",
                "城市管理",
                "外卖骑手电动车在小区门口乱停，挡住了消防通道",
            )
        ]
    )
    governance.platform.governance.start_import(ADMIN, "officer-test.csv", data, wait=True)
    with governance.platform.factory() as session:
        complaint_id = session.scalar(
            select(GovComplaint.id).where(GovComplaint.record_id == record)
        )
    assert complaint_id is not None
    return complaint_id


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_string_the_scripts_ask_for_is_on_the_page_in_both_languages(
    page_client: TestClient, script: str
) -> None:
    strings = page_strings(page_client, "/governance", "gov-strings", STATIC_DIR / "js" / script)
    asked = strings.asked | BUILT_KEYS
    assert strings.asked, f"{script} asks for no string: is it the page's?"
    assert asked <= set(strings.chinese), sorted(asked - set(strings.chinese))


def test_the_page_is_for_officers_and_admins_and_names_labels_in_chinese(
    page_client: TestClient,
) -> None:
    html = page_client.get("/governance", headers={"Accept-Language": "zh-CN"}).text
    assert 'data-roles="officer admin"' in html
    assert "<h1>治理：诉求与措施</h1>" in html
    assert '<option value="taopu">桃浦镇</option>' in html  # the admins' sub-district filter
    english = page_client.get("/governance", params={"lang": "en"}).text
    assert '<option value="taopu">Taopu Town</option>' in english
    assert "<script>" not in html  # no inline script (CSP)
    assert " style=" not in html


def _upload(page: Page, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.set_input_files("#import-file", str(path))
    page.click("#import-form button[type=submit]")


@pytest.mark.browser
def test_an_admin_imports_an_export_and_sees_the_counts_and_the_refused_rows(
    page: Page, governance: Demo, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    tag = uuid.uuid4().hex[:6]
    data = hotline_csv(
        [
            (f"T{tag}-1", "2024-03-02 12:05", MALL, "城市管理", "外卖骑手把电动车乱停在商场门口"),
            (f"T{tag}-2", "2024-03-03 18:40", MALL, "噪音扰民", "骑手在商场外大声喧哗"),
            (f"T{tag}-3", "不是时间", MALL, "城市管理", "外卖电动车占道"),
        ]
    )
    sign_in(page, "admin", governance.password, "/governance")
    page.wait_for_selector("#gov-page[data-state=ready]")
    expect(page.locator("#import-panel")).to_be_visible()
    _upload(page, tmp_path, "hotline.csv", data)

    result = page.locator("#import-result")
    # This file's import (the box first shows the latest before it, which may be done).
    expect(page.locator("#import-status .filename")).to_have_text("hotline.csv")
    expect(result).to_have_attribute("data-status", "done", timeout=30_000)
    counts = page.locator("#import-counts")
    expect(counts.locator("[data-count=rows_read] dd")).to_have_text("3")
    expect(counts.locator("[data-count=accepted] dd")).to_have_text("2")
    expect(counts.locator("[data-count=refused] dd")).to_have_text("1")
    expect(counts.locator("[data-count=rows_read] dt")).to_have_text(zh("Rows read"))
    refused = page.locator("#refusal-rows tr")
    expect(refused).to_have_count(1)
    imports = governance.platform.governance.list_imports(ADMIN, "zh_CN")
    imp = next(i for i in imports if i.filename == "hotline.csv")
    assert imp.refusals, imp
    expect(refused.first.locator("td").nth(0)).to_have_text(str(imp.refusals[0].line))
    expect(refused.first.locator("td").nth(2)).to_have_text(imp.refusals[0].reason)
    expect(page.locator("#notice")).to_have_text(
        zh(
            "Import finished: {accepted} records kept, {refused} rows refused.",
            accepted=2,
            refused=1,
        )
    )
    # The refused rows as a file, fetched with the admin's token.
    with page.expect_download() as download:
        page.click("#refusals-csv")
    saved = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert saved.splitlines()[0] == "line,field,reason"
    assert str(imp.refusals[0].line) in saved.splitlines()[1]

    # The same file again: every record a duplicate.
    _upload(page, tmp_path, "hotline-again.csv", data)
    expect(page.locator("#import-status .filename")).to_have_text("hotline-again.csv")
    expect(result).to_have_attribute("data-status", "done", timeout=30_000)
    expect(counts.locator("[data-count=duplicates] dd")).to_have_text("2")
    expect(counts.locator("[data-count=accepted] dd")).to_have_text("0")

    # The kept records are listed, placed at the mall, with the rule and its words marked
    # (the days before the demo's synthetic year).
    page.fill("#f-since", "2024-03-01")
    page.fill("#f-until", "2024-03-31")
    expect(page.locator("#complaint-count")).to_have_text(
        zh("Showing {shown} of {total} complaints.", shown=2, total=2)
    )
    first = page.locator("#complaints li.complaint", has_text=f"T{tag}-1")
    expect(first).to_be_visible()
    expect(first.locator(".where")).to_contain_text(MALL)
    expect(first.locator(".where .tag")).to_have_text(zh("At a named place"))
    expect(first.locator(".rule-line")).to_be_visible()
    assert first.locator(".content mark").count() >= 1


@pytest.mark.browser
def test_an_officer_on_a_phone_places_a_complaint_and_records_a_measure(
    browser: Browser, live_server: str, governance: Demo, unplaced_in_officer_area: int
) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server)
    context.set_default_timeout(15_000)
    errors: list[str] = []
    context.route(
        "**/*",
        lambda route, request: (
            route.continue_() if request.url.startswith(live_server) else route.abort()
        ),
    )
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        sign_in(page, "officer", governance.password, "/governance")
        page.wait_for_selector("#gov-page[data-state=ready]")
        expect(page.locator("#import-panel")).to_be_hidden()  # admins import
        expect(page.locator("#f-subdistrict")).to_be_hidden()  # officers: their own only

        page.check("#f-unplaced")
        item = show_in_the_list(page, governance, unplaced_in_officer_area)
        expect(item.locator(".where .tag")).to_have_text(zh("Not placed"))
        item.locator("button.place-btn").click()
        expect(page.locator("#place-panel")).to_be_visible()
        expect(page.locator("#place-map")).to_have_attribute("data-state", "ready")
        page.fill("#place-q", OFFICER_STATION)
        page.click("#place-search-form button[type=submit]")
        page.locator("#place-results .pick", has_text=OFFICER_STATION).first.click()
        # A place of the map was chosen: the address's way of writing it may be remembered.
        expect(page.locator("#remember-as")).to_be_visible()
        address = page.locator("#place-address").inner_text()
        written = address[address.index("无名小路") :]
        page.fill("#remember-as", written)
        page.click("#place-save")
        expect(page.locator("#notice")).to_contain_text(OFFICER_STATION)
        expect(page.locator("#place-panel")).to_be_hidden()
        with governance.platform.factory() as session:
            row = session.get(GovComplaint, unplaced_in_officer_area)
            assert row is not None
            assert (row.placed, row.placed_how, row.place_name) == (True, "person", OFFICER_STATION)
            alias = session.scalar(select(GovPlaceAlias).where(GovPlaceAlias.alias == written))
            assert alias is not None
        assert_fits(page, "complaints")

        # A measure at the officer's driver home.
        page.click("#tab-measures")
        expect(page.locator("#measure-map")).to_have_attribute("data-state", "ready")
        title = f"夜间照明-{uuid.uuid4().hex[:4]}"
        page.select_option("#m-kind", "night_lighting")
        page.fill("#m-title", title)
        page.fill("#m-place-q", OFFICER_STATION)
        page.click("#m-place-find")
        page.locator("#m-place-results .pick", has_text=OFFICER_STATION).first.click()
        page.fill("#m-radius", "200")
        page.fill("#m-cost", "12000")
        page.click("#measure-form button[type=submit]")
        expect(page.locator("#notice")).to_contain_text(title)
        listed = page.locator("#measures li.measure", has_text=title)
        expect(listed).to_be_visible()
        expect(listed.locator(".tag.kind")).to_have_text(zh_kind("night_lighting"))
        with governance.platform.factory() as session:
            measure = session.scalar(select(GovMeasure).where(GovMeasure.title == title))
            assert measure is not None
            assert (measure.radius_m, measure.place_name) == (200, OFFICER_STATION)
        assert_fits(page, "measures")
    finally:
        context.close()
    assert errors == [], errors


def zh_kind(kind: str) -> str:
    from gigcity.i18n import gettext
    from gigcity.services.governance.measures import MEASURE_TITLES
    from gigcity.services.governance.schemas import MeasureKind

    return gettext("zh_CN", MEASURE_TITLES[MeasureKind(kind)])


def assert_fits(page: Page, where: str) -> None:
    """Nothing wider than the phone's screen (no sideways scrolling)."""
    wide = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert wide <= 0, f"the page scrolls sideways by {wide} px on the {where} tab"


@pytest.mark.browser
def test_a_text_tried_against_the_rules_shows_the_rule_that_fires(
    page: Page, governance: Demo
) -> None:
    text = "外卖骑手的电动车在人行道上乱停乱放"
    officer = demo_principal(governance, "officer")
    expected = governance.platform.governance.classify_text(officer, text, "zh_CN")
    assert expected.rule is not None
    assert expected.matched
    sign_in(page, "officer", governance.password, "/governance")
    page.wait_for_selector("#gov-page[data-state=ready]")
    page.click("#tab-rules")
    expect(page.locator("#panel-rules")).to_be_visible()
    expect(page.locator(f"#rules li[data-rule='{expected.rule}']")).to_be_visible()
    expect(page.locator("#rules-readonly")).to_be_visible()  # officers read, admins edit
    expect(page.locator("#rule-new")).to_be_hidden()
    page.fill("#try-text", text)
    page.click("#try-form button[type=submit]")
    expect(page.locator("#try-verdict .fired-rule")).to_have_text(expected.rule)
    expect(page.locator("#try-verdict .tag")).to_have_text(expected.topic_title or "")
    marked = page.locator("#try-words mark").all_inner_texts()
    assert marked, "no word is marked"
    for word in expected.matched:  # each word of the rule is marked, alone or within a word
        assert any(word in m for m in marked), (word, marked)
    for m in marked:
        assert any(word in m for word in expected.matched), (m, expected.matched)
    expect(page.locator("#try-matched")).to_contain_text(expected.matched[0])
    assert page.locator("#try-words .word").count() == len(expected.words)


@pytest.mark.browser
def test_a_measure_s_evaluation_shows_the_sentence_the_interval_and_the_chart(
    page: Page, governance: Demo
) -> None:
    with governance.platform.factory() as session:
        measure_id = session.scalar(
            select(GovMeasure.id)
            .where(GovMeasure.place_name == MALL, GovMeasure.kind == "parking_zones")
            .order_by(GovMeasure.id)
        )
    assert measure_id is not None, "the demo has no measure at the mall"
    effect = governance.platform.governance.effect(ADMIN, measure_id, "complaints", "zh_CN")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "admin", governance.password, "/governance")
    page.wait_for_selector("#gov-page[data-state=ready]")
    page.click("#tab-measures")
    item = page.locator(f"#measures li[data-measure='{measure_id}']")
    expect(item).to_be_visible()
    expect(item.locator(".tag.synthetic")).to_have_text(zh("Synthetic data"))
    item.locator("button.evaluate").click()
    box = item.locator(".effect")
    expect(box).to_have_attribute("data-state", "ready", timeout=30_000)
    expect(box.locator(".sentence")).to_have_text(effect.sentence)
    expect(box.locator(".synthetic-band")).to_be_visible()
    expect(box.locator(".interval")).to_contain_text("95%")
    chart = box.locator("img.effect-chart")
    expect(chart).to_be_visible(timeout=30_000)
    assert (chart.get_attribute("src") or "").startswith("data:image/svg+xml;base64,")
    assert page.evaluate("(img) => img.naturalWidth > 0", chart.element_handle())
    with page.expect_download() as download:
        box.locator("button.pdf").click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"


@pytest.mark.browser
def test_a_rider_is_told_the_page_is_for_officers_and_admins(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, "/governance")
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(zh("grid officers and district admins"))
    expect(page.locator("#gov-page")).to_have_attribute("data-state", "loading")


def _places_named(demo: Demo, name: str) -> int:
    with demo.platform.factory() as session:
        return len(session.scalars(select(Place.id).where(Place.name == name)).all())


def test_the_officer_s_driver_home_and_the_mall_are_places_of_the_demo(demo: Demo) -> None:
    """What the browser tests find by name is on the demo's map."""
    assert _places_named(demo, OFFICER_STATION) >= 1
    assert _places_named(demo, MALL) >= 1


@pytest.mark.browser
def test_an_admin_adds_a_rule_tries_it_and_removes_it(page: Page, governance: Demo) -> None:
    rules = governance.platform.governance
    rule_id = f"test-night-{uuid.uuid4().hex[:4]}"
    text = "外卖骑手半夜敲门"
    sign_in(page, "admin", governance.password, "/governance")
    page.wait_for_selector("#gov-page[data-state=ready]")
    page.click("#tab-rules")
    expect(page.locator("#rules-readonly")).to_be_hidden()
    try:
        page.click("#rule-new")
        page.fill("#rule-id", rule_id)
        page.select_option("#rule-topic", "noise")
        page.fill("#rule-groups", "外卖 骑手\n半夜 敲门")
        page.fill("#rule-exclude", "快递")
        page.fill("#rule-priority", "1")
        page.click("#rule-form button[type=submit]")
        listed = page.locator(f"#rules li[data-rule='{rule_id}']")
        expect(listed).to_be_visible()
        expect(page.locator("#rules li").first).to_have_attribute("data-rule", rule_id)
        saved = next(r for r in rules.rules(ADMIN, "zh_CN") if r.id == rule_id)
        assert saved.groups == [["外卖", "骑手"], ["半夜", "敲门"]]
        assert (saved.topic, saved.exclude, saved.priority) == ("noise", ["快递"], 1)

        page.fill("#try-text", text)
        page.click("#try-form button[type=submit]")
        expect(page.locator("#try-verdict .fired-rule")).to_have_text(rule_id)
        page.fill("#try-text", "快递小哥半夜敲门")  # the excluded word: the rule stays quiet
        page.click("#try-form button[type=submit]")
        expect(page.locator("#try-verdict .fired-rule")).not_to_have_text(rule_id)

        page.click("#reclassify")
        sorted_again = zh("Sorted again: {changed} complaints changed topic.")
        pattern = re.escape(sorted_again).replace(re.escape("{changed}"), r"\d+")
        expect(page.locator("#notice")).to_have_text(re.compile(pattern))

        page.once("dialog", lambda dialog: dialog.accept())
        listed.locator("button", has_text=zh("Remove")).click()
        expect(listed).to_have_count(0)
        assert rule_id not in {r.id for r in rules.rules(ADMIN, "zh_CN")}
    finally:
        if rule_id in {r.id for r in rules.rules(ADMIN, "zh_CN")}:
            rules.delete_rule(ADMIN, rule_id)
            rules.reclassify(ADMIN)


@pytest.mark.browser
def test_the_hotspots_show_the_mall_with_its_trend(page: Page, governance: Demo) -> None:
    spots = governance.platform.governance.hotspots(ADMIN)
    mall = next(p for p in spots.places if p.name == MALL)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "admin", governance.password, "/governance")
    page.wait_for_selector("#gov-page[data-state=ready]")
    page.click("#tab-hotspots")
    row = page.locator("#hot-places li.hot-place", has_text=MALL)
    expect(row).to_be_visible()
    expect(row).to_contain_text(
        zh(
            "{complaints} complaints; last 30 days {last}, the 30 before {before}",
            complaints=mall.complaints,
            last=mall.last_month,
            before=mall.month_before,
        )
    )
    arrow = "" if mall.trend is None else "↑" if mall.trend > 0 else "↓"
    if arrow:
        expect(row.locator(".trend")).to_contain_text(arrow)
    expect(row.locator("svg.spark")).to_have_count(1)
    circles = page.locator("#hot-map path.hot-cell")
    assert circles.count() == min(30, len(spots.cells))


@pytest.mark.browser
def test_an_officer_places_a_complaint_by_tapping_the_map(
    page: Page, governance: Demo, unplaced_in_officer_area: int
) -> None:
    """The map centred on the officer's driver home (found by name), then tapped at its
    centre: the complaint is placed at that point (WGS-84, a few metres from the home)."""
    with governance.platform.factory() as session:
        home = session.scalar(select(Place).where(Place.name == OFFICER_STATION))
        assert home is not None
        home_lat, home_lon = home.lat, home.lon
    sign_in(page, "officer", governance.password, "/governance")
    page.wait_for_selector("#gov-page[data-state=ready]")
    page.check("#f-unplaced")
    item = show_in_the_list(page, governance, unplaced_in_officer_area)
    item.locator("button.place-btn").click()
    page.fill("#place-q", OFFICER_STATION)
    page.click("#place-search-form button[type=submit]")
    page.locator("#place-results .pick", has_text=OFFICER_STATION).first.click()
    page.wait_for_timeout(300)  # the map's move to the place
    box = page.locator("#place-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # The tapped point replaces the place chosen by name.
    expect(page.locator("#place-point")).not_to_contain_text(OFFICER_STATION)
    page.fill("#place-name", "小区北门")
    page.click("#place-save")
    expect(page.locator("#place-panel")).to_be_hidden()
    with governance.platform.factory() as session:
        row = session.get(GovComplaint, unplaced_in_officer_area)
        assert row is not None
        assert (row.placed_how, row.place_name) == ("person", "小区北门")
        assert row.lat is not None
        assert row.lon is not None
        assert abs(row.lat - home_lat) < 0.0005
        assert abs(row.lon - home_lon) < 0.0005
