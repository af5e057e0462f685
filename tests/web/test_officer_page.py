"""The officer's page in headless Chromium, in Chinese (issue 14): a report is rejected with
a reason the officer picks (and the reporter reads it on "我的上报"), and the action
buttons are on the screen without scrolling on a 1,366 x 768 desktop and in reach on a
390 px phone, dispatch before merge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from gigcity.services.reports import DispatchIn, NoteIn, PhotoStore, ReportCreate, ResolveIn
from services.reports.reports_support import jpeg, scene
from support import principal
from web.test_report_pages import blocks, expect, sign_in, zh
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module", autouse=True)
def _photos_in_tmp(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    before = demo.platform.reports.photos
    demo.platform.reports.photos = PhotoStore(tmp_path_factory.mktemp("officer-photos"))
    yield
    demo.platform.reports.photos = before


def _report(demo: Demo, description: str) -> int:
    """A new report of the rider's in the demo officer's sub-district."""
    sub = demo.platform.district.get(demo.officer_subdistrict)
    assert sub is not None
    data = ReportCreate(
        category="fire_passage_blocked", description=description, lon=sub.lon, lat=sub.lat
    )
    report = demo.platform.reports.submit(principal(demo.platform, "rider"), data)
    assert report.subdistrict == demo.officer_subdistrict
    return report.id


@pytest.fixture
def sized(browser: Browser, live_server: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in Chinese at the size the test is parametrised with."""
    context = browser.new_context(viewport=request.param, locale="zh-CN", base_url=live_server)
    context.set_default_timeout(10_000)
    context.route(
        "**/*",
        lambda route, req: route.continue_() if req.url.startswith(live_server) else route.abort(),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


def _open(page: Page, report_id: int) -> None:
    page.goto(f"/officer#{report_id}")
    page.wait_for_selector("#officer-page[data-state=ready]")
    page.wait_for_selector(f"#detail[data-report-id='{report_id}'] #action-bar button")


def _in_view(page: Page, selector: str) -> list[str]:
    """The texts of the elements matching `selector` that are not wholly on the screen."""
    out: list[str] = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter((el) => {
             const r = el.getBoundingClientRect();
             return !(r.width > 0 && r.top >= 0 && r.left >= 0 &&
                      r.bottom <= window.innerHeight && r.right <= window.innerWidth);
           }).map((el) => el.textContent)""",
        selector,
    )
    return out


@pytest.mark.browser
def test_an_officer_rejects_with_a_reason_and_the_reporter_reads_it(page: Page, demo: Demo) -> None:
    other = _report(demo, "楼道里堆了杂物")
    gone = _report(demo, "通道被车挡住")
    sign_in(page, "officer", demo.password, "/officer")
    _open(page, other)
    detail = page.locator(f"#detail[data-report-id='{other}']")
    reject = detail.locator("#action-bar button", has_text=zh("Reject with this reason"))
    # No reason chosen, then "other" without words: the page says what is missing.
    reject.click()
    expect_alert(page, zh("Choose why the report is rejected."))
    expect(detail.locator("#reject-text")).to_be_hidden()
    options = detail.locator("#reject-reason option").all_text_contents()
    assert options[1:] == [
        zh("Duplicate of another report"),
        zh("Out of scope (not for the district)"),
        zh("Not found on site"),
        zh("Other reason (say why)"),
    ]
    detail.locator("#reject-reason").select_option("other")
    expect(detail.locator("#reject-text")).to_be_visible()
    assert detail.locator("#reject-text").get_attribute("maxlength") == "300"
    reject.click()
    expect_alert(page, zh("Say why the report is rejected."))
    words = "该楼道属于小区物业管理，已转物业处理"
    detail.locator("#reject-text").fill(words)
    reject.click()
    expect(page.locator(f"#detail[data-report-id='{other}'][data-status=rejected]")).to_be_visible()
    expect(page.locator("#detail .reject-reason")).to_have_text(
        zh("Rejected: {reason}").replace("{reason}", words)
    )
    # A duplicate: picked from the open reports nearby, it names the report it repeats.
    keeper = _report(demo, "同一处楼道，杂物还在")
    duplicate = _report(demo, "楼道杂物，和前面那条一样")
    _open(page, duplicate)
    page.locator("#detail .candidates button", has_text=f"#{keeper} ").click()
    expect(page.locator("#reject-reason")).to_have_value("duplicate")
    expect(page.locator("#reject-duplicate-of")).to_have_value(str(keeper))
    page.locator("#action-bar button", has_text=zh("Reject with this reason")).click()
    expect(
        page.locator(f"#detail[data-report-id='{duplicate}'][data-status=rejected]")
    ).to_be_visible()
    expect(page.locator("#detail .reject-reason")).to_have_text(
        zh("Rejected: a duplicate of report #{id}").replace("{id}", str(keeper))
    )
    # Not found on site.
    _open(page, gone)
    page.locator("#reject-reason").select_option("not_found")
    page.locator("#action-bar button", has_text=zh("Reject with this reason")).click()
    expect(page.locator(f"#detail[data-report-id='{gone}'][data-status=rejected]")).to_be_visible()

    # The reporter reads why, in Chinese, under 我的上报.
    page.evaluate("localStorage.clear()")
    sign_in(page, "rider", demo.password, "/report")
    page.wait_for_selector("#report-page[data-state=ready]")
    page.click("#tab-mine")
    mine = page.locator(f"#my-reports [data-report-id='{other}'] .reject-reason")
    expect(mine).to_have_text(zh("Rejected: {reason}").replace("{reason}", words))
    expect(page.locator(f"#my-reports [data-report-id='{gone}'] .reject-reason")).to_have_text(
        zh("Rejected: {reason}").replace("{reason}", zh("not found on site"))
    )
    assert "未采纳" in (mine.text_content() or "")


def expect_alert(page: Page, text: str) -> None:
    expect(page.locator("#alert")).to_be_visible()
    expect(page.locator("#alert")).to_contain_text(text)


@pytest.mark.browser
@pytest.mark.parametrize(
    "sized", [DESKTOP, PHONE], ids=["desktop-1366", "phone-390"], indirect=True
)
def test_the_action_buttons_are_in_reach_dispatch_before_merge(sized: Page, demo: Demo) -> None:
    page = sized
    width = page.viewport_size["width"] if page.viewport_size else 0
    # A long description: the report is taller than the screen, its buttons still in reach.
    fresh = _report(demo, "消防通道被电动车和杂物占满，" * 150)
    accepted = _report(demo, "消防通道又被占了")
    demo.platform.reports.accept(principal(demo.platform, "officer"), accepted, NoteIn())
    sign_in(page, "officer", demo.password, "/officer")
    for report_id in (fresh, accepted):
        _open(page, report_id)
        page.wait_for_timeout(300)  # the scroll to the report (phone) settles
        bar = page.locator("#action-bar button")
        assert bar.count() >= 2
        assert _in_view(page, "#action-bar button") == [], f"buttons off screen at {width} px"
        if width == DESKTOP["width"]:
            # Beside the map, on the first screen: nothing had to scroll.
            assert page.evaluate("window.scrollY") == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    texts = page.locator("#action-bar button").all_text_contents()
    assert texts.index(zh("Dispatch")) < texts.index(zh("Merge into…"))
    if width == PHONE["width"]:
        # Scrolled back up to the top of the report, the bar is still at the bottom of the
        # screen (sticky), over the rest of the report.
        page.locator("#detail .report-head").scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -40)")
        assert _in_view(page, "#action-bar button") == []


@pytest.mark.browser
def test_an_officer_sees_the_photos_and_publishes_the_after_photo(page: Page, demo: Demo) -> None:
    reports = demo.platform.reports
    rider, officer = principal(demo.platform, "rider"), principal(demo.platform, "officer")
    sub = demo.platform.district.get(demo.officer_subdistrict)
    assert sub is not None
    before = reports.stage_photo(rider, jpeg(scene(seed=41)))
    data = ReportCreate(
        category="road_hazard",
        description="井盖松动",
        lon=sub.lon,
        lat=sub.lat,
        photo_ids=[before.id],
    )
    report_id = reports.submit(rider, data).id
    reports.accept(officer, report_id, NoteIn())
    reports.dispatch(officer, report_id, DispatchIn(to="市政养护"))
    reports.start(officer, report_id, NoteIn())
    after = reports.stage_photo(officer, jpeg(scene(seed=42)))
    reports.resolve(officer, report_id, ResolveIn(photo_ids=[after.id]))
    sign_in(page, "officer", demo.password, "/officer")
    page.goto(f"/officer#{report_id}")
    detail = page.locator(f"#detail[data-report-id='{report_id}']")
    # Both photos are fetched signed in and shown (an <img> alone would get 404 now).
    expect(detail.locator(".photo-strip img[data-state=ready]")).to_have_count(2)
    assert page.request.get(before.url).status == 404  # the same link, not signed in
    page.once("dialog", lambda dialog: dialog.accept())
    detail.locator(".photo-publish button", has_text=zh("Publish for the public")).click()
    expect(detail.locator(".photo-publish .badge")).to_have_text(zh("Public"))
    media = page.request.get(f"/open311/v2/requests/{report_id}.json").json()[0]["media_url"]
    assert "sig=" in media
    served = page.request.get(media)  # nobody signed in: the signed link alone
    assert served.status == 200
    assert served.headers["content-type"] == "image/jpeg"
    # Taken back: the link stops working.
    detail.locator(".photo-publish button", has_text=zh("Stop publishing")).click()
    expect(detail.locator(".photo-publish .badge")).to_have_count(0)
    assert page.request.get(media).status == 404


@pytest.mark.parametrize("path", ["/report", "/officer"])
def test_the_reasons_are_on_the_pages_in_chinese_and_english(
    page_client: TestClient, path: str
) -> None:
    for lang, expected in (
        ("zh_CN", ["重复", "不属于本区处理范围", "现场未发现问题", "其他原因"]),
        (
            "en",
            [
                "a duplicate",
                "not something the district handles",
                "not found on site",
                "another reason",
            ],
        ),
    ):
        strings = blocks(page_client.get(f"{path}?lang={lang}").text)["report-strings"]
        codes = ("duplicate", "out_of_scope", "not_found", "other")
        assert [strings[f"reason_{c}"] for c in codes] == expected
