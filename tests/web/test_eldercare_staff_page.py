"""The staff page of meals for the elderly (/eldercare/staff) in headless Chromium on a phone,
in Chinese: the open alerts oldest first, a door check made while the page is open appearing
without a reload, a step logged and an alert closed; enrolment with a bad field told next to
it and nothing stored; a month's statement; a rider told whom the page is for; its strings in
both languages. Each test builds its own canteen, riders and older people through the
services (the demo's eldercare data is not used)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from gigcity.api import eldercare_alert_stream
from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare import CanteenIn, ContactIn, ElderIn, SubscriptionIn
from gigcity.services.eldercare.schemas import Meal
from gigcity.web.templating import STATIC_DIR
from support import principal
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.test_pages import CJK
from web.web_support import PHONE, Demo, demo_account

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCRIPT = STATIC_DIR / "js" / "eldercare-staff.js"
PATH = "/eldercare/staff"
STRINGS = "staff-strings"
# Keys the script builds from API values (besides the literal say("...") calls).
BUILT = {
    *(
        f"outcome_{o}"
        for o in ("found_well", "helped", "hospital", "false_alarm", "away", "deceased")
    ),
    *(f"relation_{r}" for r in ("family", "neighbour", "committee", "other")),
    *(f"funder_{f}" for f in ("subsidy", "enterprise", "charity", "copay")),
    *(f"live_{s}" for s in ("connecting", "live", "reconnecting", "off")),
}


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@dataclass
class Kitchen:
    """A canteen of the demo officer's sub-district, its familiar rider, and the older
    people enrolled there with today's lunch made."""

    officer: Principal
    rider: Principal
    canteen_id: int
    lunches: dict[str, int]  # first name -> today's lunch


def make_kitchen(demo: Demo, first_names: tuple[str, ...]) -> Kitchen:
    care = demo.platform.eldercare
    tag = uuid.uuid4().hex[:8]
    code = demo.officer_subdistrict
    place = next(s for s in demo.platform.district.subdistricts if s.code == code)
    officer = principal(demo.platform, "officer")
    rider = demo_account(demo, f"staff-rider-{tag}", Role.rider)
    canteen = care.add_canteen(
        officer,
        CanteenIn(
            name=f"长者食堂 {tag}", subdistrict=code, lon=place.lon, lat=place.lat,
            lunch_capacity=10, price_fen=1500,
        ),
    )  # fmt: skip
    today = care.day_clock.today()
    for n, first_name in enumerate(first_names):
        elder = care.enrol(
            officer,
            ElderIn(
                name="王" + first_name, first_name=first_name, subdistrict=code,
                canteen_id=canteen.id, building=f"{n + 3}号楼", unit="1单元", floor=4,
                door=f"某小区{n + 3}号楼1单元40{n + 1}室", lon=place.lon + 0.002 * (n + 1),
                lat=place.lat + 0.001, subsidy_category="over_80",
                contacts=[
                    ContactIn(relation="family", name="王芳", phone=f"1380000{n:04d}"),
                    ContactIn(relation="committee", name="居委会李主任", phone="021-6222 0000"),
                ],
                primary_rider_id=rider.account_id, consent_by="self", consent_note="本人签字同意",
            ),
        )  # fmt: skip
        care.subscribe(officer, elder.id, SubscriptionIn(lunch=list(range(7)), starts_on=today))
    care.generate(today, Meal.lunch, [canteen.id])
    lunches = {m.first_name: m.meal_id for m in care.rider_meals(rider, today)}
    return Kitchen(officer, rider, canteen.id, lunches)


def no_answer(demo: Demo, kitchen: Kitchen, first_name: str) -> int:
    check = demo.platform.eldercare.record_door_check(
        kitchen.rider, kitchen.lunches[first_name], "no_answer", "敲门三次无人应答"
    )
    assert check.alert_id is not None
    return check.alert_id


def open_page(page: Page, demo: Demo) -> None:
    sign_in(page, "officer", demo.password, PATH)
    page.wait_for_selector("#staff-page[data-state=ready]")


def card(page: Page, alert_id: int) -> Any:
    return page.locator(f"#alerts > li[data-alert='{alert_id}']")


def card_ids(page: Page) -> list[int]:
    ids: list[str] = page.eval_on_selector_all(
        "#alerts > li", "items => items.map(li => li.dataset.alert)"
    )
    return [int(i) for i in ids]


# -- strings ------------------------------------------------------------------------------


def test_every_string_the_script_asks_for_is_on_the_page_in_both_languages(
    page_client: TestClient,
) -> None:
    strings = page_strings(page_client, PATH, STRINGS, SCRIPT)
    asked = strings.asked | BUILT
    assert asked <= set(strings.chinese), sorted(asked - set(strings.chinese))


def test_the_page_is_chinese_first_and_offers_the_subsidy_categories(
    page_client: TestClient,
) -> None:
    html = page_client.get(PATH, headers={"Accept-Language": "zh-CN"}).text
    assert "<h1>助老送餐：工作人员</h1>" in html
    assert '<option value="over_80">80 周岁以上</option>' in html
    english = page_client.get(PATH, params={"lang": "en"}).text
    assert '<option value="over_80">Aged 80 and over</option>' in english


# -- in the browser -----------------------------------------------------------------------


@pytest.mark.browser
def test_alerts_oldest_first_live_with_a_step_and_a_closing(page: Page, demo: Demo) -> None:
    kitchen = make_kitchen(demo, ("秀英", "桂兰"))
    older = no_answer(demo, kitchen, "秀英")
    open_page(page, demo)
    first = card(page, older)
    expect(first).to_contain_text("秀英")
    expect(first).to_contain_text("某小区3号楼1单元401室")
    expect(first).to_contain_text(zh("The rider found: {text}").format(text="无人应答"))
    expect(first.locator(".open-for")).to_contain_text("分钟")
    expect(page.locator("#live-state")).to_have_text(zh("Live"))

    # A door check while the page is open: the alert comes without a reload, after the older.
    newer = no_answer(demo, kitchen, "桂兰")
    expect(card(page, newer)).to_contain_text("桂兰", timeout=15_000)
    ids = card_ids(page)
    assert ids.index(older) < ids.index(newer)  # oldest first
    assert page.locator("#alert-map path.alert-dot").count() >= 2  # drawn without tiles
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The next step of the ladder: calling the older person, logged with who and when.
    step = card(page, newer).locator(".take-step")
    expect(step).to_contain_text("已完成")
    card(page, newer).locator(".step-note").fill("电话无人接听")
    step.click()
    expect(page.locator("#notice")).to_have_text(zh("Step logged."))
    called = translations("zh_CN", "messages").gettext("Call the older person.").rstrip("。")
    expect(card(page, newer).locator(".last-step")).to_contain_text(called)
    alerts = demo.platform.eldercare.alerts(kitchen.officer)
    [taken] = next(a for a in alerts if a.id == newer).steps
    assert (taken.index, taken.note) == (0, "电话无人接听")

    # Closing with an outcome: gone from the page and from the open alerts.
    close = card(page, newer).locator(".close-form")
    close.locator("select.outcome").select_option("false_alarm")
    close.locator(".close-alert").click()
    expect(page.locator("#notice")).to_have_text(zh("Alert closed."))
    expect(card(page, newer)).to_have_count(0)
    assert newer not in {a.id for a in demo.platform.eldercare.alerts(kitchen.officer)}
    expect(card(page, older)).to_have_count(1)


@pytest.mark.browser
def test_the_page_connects_again_when_the_stream_ends(
    page: Page, demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eldercare_alert_stream, "LIFETIME_S", 1.0)  # the served app's too
    kitchen = make_kitchen(demo, ("凤英",))
    open_page(page, demo)
    page.wait_for_timeout(2500)  # the first stream has ended by now
    later = no_answer(demo, kitchen, "凤英")
    expect(card(page, later)).to_contain_text("凤英", timeout=15_000)
    expect(page.locator("#live-state")).to_have_text(zh("Live"))


@pytest.mark.browser
def test_enrolment_with_a_bad_field_is_told_next_to_it_and_stores_nothing(
    page: Page, demo: Demo
) -> None:
    officer = principal(demo.platform, "officer")
    before = len(demo.platform.eldercare.elders(officer))
    open_page(page, demo)
    form = page.locator("#enrol-form")
    form.locator("[name=name]").fill("赵淑芬")
    form.locator("[name=first_name]").fill("赵阿婆")
    form.locator("[name=building]").fill("8号楼")
    form.locator("[name=door]").fill("某小区8号楼2单元301室")
    place = next(
        s for s in demo.platform.district.subdistricts if s.code == demo.officer_subdistrict
    )
    form.locator("[name=lon]").fill(str(place.lon))
    form.locator("[name=lat]").fill(str(place.lat))
    form.locator("[name='contacts.0.name']").fill("赵明")
    form.locator("[name='contacts.0.phone']").fill("打电话")  # not a phone number
    form.locator("[name=consent_note]").fill("本人签字同意")
    form.locator("#enrol-submit").click()
    error = form.locator(".field-error[data-field='contacts.0.phone']")
    expect(error).to_be_visible()
    assert CJK.search(error.inner_text())  # the API's message, in Chinese
    expect(form.locator("[name='contacts.0.phone']")).to_have_attribute("aria-invalid", "true")
    assert len(demo.platform.eldercare.elders(officer)) == before
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    form.locator("[name='contacts.0.phone']").fill("13900001111")
    form.locator("#enrol-submit").click()
    expect(page.locator("#notice")).to_have_text(zh("{name} is enrolled.").format(name="赵阿婆"))
    expect(form.locator(".field-error")).to_have_count(0)
    expect(page.locator("#elder-rows")).to_contain_text("赵阿婆")
    assert len(demo.platform.eldercare.elders(officer)) == before + 1


@pytest.mark.browser
def test_a_month_statement_shows_its_totals_and_downloads(page: Page, demo: Demo) -> None:
    kitchen = make_kitchen(demo, ("淑珍",))
    care = demo.platform.eldercare
    care.record_door_check(kitchen.rider, kitchen.lunches["淑珍"], "seen_well")
    month = care.day_clock.today().strftime("%Y-%m")
    expected = care.statement(kitchen.officer, care.day_clock.today().replace(day=1))
    open_page(page, demo)
    page.locator("#statement-month").fill(month)
    page.locator("#statement-form button[type=submit]").click()
    expect(page.locator("#statement")).to_be_visible()
    owed = expected.owed_fen
    yuan = str(owed // 100) if owed % 100 == 0 else f"{owed / 100:.2f}"
    expect(page.locator("#statement-summary")).to_contain_text(f"¥{yuan}")
    subsidy = next(f for f in expected.funders if f.funder == "subsidy")
    row = page.locator("#funder-rows tr[data-funder=subsidy]")
    expect(row).to_contain_text(zh("Government subsidy"))
    expect(row.locator(".money")).to_have_text(
        "¥"
        + (
            f"{subsidy.owed_fen // 100}"
            if subsidy.owed_fen % 100 == 0
            else f"{subsidy.owed_fen / 100:.2f}"
        )
    )
    expect(page.locator("#statement-meals")).to_contain_text(f"送达 {expected.meals.delivered}")
    with page.expect_download() as download:
        page.locator("#download-csv").click()
    assert download.value.suggested_filename.endswith(".csv")
    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")


@pytest.mark.browser
def test_a_rider_is_told_the_page_is_not_for_them(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, PATH)
    gate = page.locator("#role-gate")
    expect(gate).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(
        zh("grid officers, neighbourhood-committee staff and district admins")
    )
    expect(page.locator("#staff-page")).to_be_hidden()
