"""The staff page's opening hours form, on a 390 px phone in Chinese: a week of times,
public holidays and make-up working days set without writing opening_hours syntax; half a
range is refused naming the day; hours beyond the form are changed as OSM text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.places import PlaceUpdate, parse_opening_hours
from web.test_browser import sign_in
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
ADMIN = Principal(role=Role.admin, label="test-admin")
WEEKDAYS = ("mo", "tu", "we", "th", "fr")


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def station(demo: Demo) -> Iterator[int]:
    """The staff's station, its hours put back after the test (the demo is shared)."""
    places = demo.platform.places
    before = places.get(demo.staff_station_id).hours
    yield demo.staff_station_id
    places.update(ADMIN, demo.staff_station_id, PlaceUpdate(hours=before))


def open_station(page: Page, demo: Demo, station: int) -> None:
    """Sign in as the station's staff and wait until the form holds the stored hours."""
    sign_in(page, "staff", demo.password, f"/manage?place={station}")
    expect(page.locator("#status-hours")).not_to_have_value("")


def day(page: Page, code: str) -> Any:
    return page.locator(f"#hours-week .hours-day[data-day='{code}']")


def test_staff_set_a_week_holidays_and_makeup_days_with_the_form(
    page: Page, demo: Demo, station: int
) -> None:
    open_station(page, demo, station)
    expect(page.locator("#hours-editor legend")).to_have_text(zh("Opening hours"))
    expect(page.locator("#hours-advanced")).not_to_have_attribute("open", "")
    page.uncheck("#hours-24h")
    day(page, "mo").locator(".day-closed").uncheck()
    day(page, "mo").locator("input.start").first.fill("08:00")
    day(page, "mo").locator("input.end").first.fill("20:00")
    page.click("#hours-copy-monday")  # Tuesday to Friday as Monday
    for code in ("sa", "su"):
        day(page, code).locator(".day-closed").check()
        expect(day(page, code).locator("input.start").first).to_be_hidden()
    page.select_option("#hours-holidays", "closed")
    page.select_option("#hours-makeup", "mo")

    with page.expect_response(lambda r: r.url.endswith(f"/api/places/{station}/status")) as sent:
        page.click("#status-form button[type=submit]")
    assert sent.value.status == 200, sent.value.text()

    place = demo.platform.places.get(station)
    assert place.hours.always_open is False
    assert sorted(place.hours.weekly) == sorted(WEEKDAYS)
    assert [str(r) for r in place.hours.weekly["mo"]] == ["08:00-20:00"]
    assert place.hours.public_holidays == []
    assert place.hours.makeup_workdays == "mo"
    assert place.hours_text == "Mo-Fr 08:00-20:00; PH off"
    # The form shows what was stored after the page reloads it.
    page.reload()
    expect(page.locator("#hours-holidays")).to_have_value("closed")
    expect(day(page, "sa").locator(".day-closed")).to_be_checked()
    expect(day(page, "we").locator("input.end").first).to_have_value("20:00")


def test_half_a_range_is_refused_naming_the_day_and_nothing_is_saved(
    page: Page, demo: Demo, station: int
) -> None:
    # The hours are compared, not the version: the point's live figures (free beds) may be
    # written by another hand meanwhile.
    hours = demo.platform.places.get(station).hours
    open_station(page, demo, station)
    page.uncheck("#hours-24h")
    day(page, "tu").locator(".day-closed").uncheck()
    day(page, "tu").locator("input.start").first.fill("09:00")
    page.click("#status-form button[type=submit]")
    tuesday = translations("zh_CN", "web").gettext("Tue")
    expect(page.locator("#alert")).to_contain_text(tuesday)
    expect(page.locator("#alert")).to_contain_text(
        zh("{day}: give both the opening and the closing time, or neither.").split("：")[-1]
    )
    assert demo.platform.places.get(station).hours == hours


def test_hours_beyond_the_form_are_changed_as_text(page: Page, demo: Demo, station: int) -> None:
    summer = "Apr-Oct Mo-Fr 07:00-19:00; Nov-Mar Mo-Fr 09:00-17:00; PH off"
    demo.platform.places.update(ADMIN, station, PlaceUpdate(hours=parse_opening_hours(summer)))
    open_station(page, demo, station)
    expect(page.locator("#hours-osm-note")).to_be_visible()
    expect(page.locator("#hours-24h")).to_be_disabled()
    expect(page.locator("#status-hours")).to_have_value(summer)

    page.fill("#status-hours", "Apr-Oct Mo-Sa 07:00-19:00; PH 10:00-14:00")
    with page.expect_response(lambda r: r.url.endswith(f"/api/places/{station}/status")) as sent:
        page.click("#status-form button[type=submit]")
    assert sent.value.status == 200, sent.value.text()
    place = demo.platform.places.get(station)
    assert place.hours.osm == "Apr-Oct Mo-Sa 07:00-19:00"
    assert [str(r) for r in place.hours.public_holidays or []] == ["10:00-14:00"]


def test_a_riders_card_reads_osm_hours_as_the_next_days(
    page: Page, demo: Demo, station: int
) -> None:
    demo.platform.places.update(
        ADMIN, station, PlaceUpdate(hours=parse_opening_hours("Jan-Dec Mo-Su 07:00-19:00"))
    )
    page.goto(f"/?place={station}")
    card = page.locator("#card")
    expect(card).to_be_visible()
    expect(card).to_contain_text("07:00–19:00")
    assert "Jan-Dec" not in card.inner_text()  # the rule is read for the rider, not shown
    answer = page.request.get(f"/api/places/{station}").json()
    assert len(answer["days_ahead"]) == 7
    assert all(d["ranges"] == [{"start": "07:00", "end": "19:00"}] for d in answer["days_ahead"])
