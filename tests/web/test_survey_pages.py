"""The voices pages on a phone in Chinese: a resident opens a survey from its QR code
(/s/{code}), answers it with large tap targets and no sideways scroll and is thanked, without
signing in; a closed survey says so. A grid officer makes a survey on /voices (its QR code
and results appear) and records a consultation meeting whose overdue item is flagged until
it is marked done. Every string the scripts ask for is on the pages in both languages."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.governance.voices_schemas import (
    Audience,
    Party,
    QuestionKind,
    SurveyIn,
)
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import Demo, demo_principal

if TYPE_CHECKING:
    from playwright.sync_api import Page

ADMIN = Principal(role=Role.admin, label="survey-pages-admin")
BUILT_KEYS = (
    {f"audience_{a.value}" for a in Audience}
    | {f"kind_{k.value}" for k in QuestionKind}
    | {f"party_{p.value}" for p in Party}
)


def zh(message: str, **params: Any) -> str:
    text = translations("zh_CN", "web").gettext(message)
    return text.format(**params) if params else text


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _point(demo: Demo) -> tuple[float, float]:
    sub = demo.platform.district.get(demo.officer_subdistrict)
    assert sub is not None
    return sub.lon, sub.lat


def _survey(demo: Demo, title: str) -> str:
    lon, lat = _point(demo)
    body = SurveyIn.model_validate(
        {
            "title": title,
            "audience": "residents",
            "place_name": "真如小区南门",
            "lon": lon,
            "lat": lat,
            "questions": [
                {"kind": "single", "text": "外卖送到哪里最方便？", "options": ["门口", "楼下"]},
                {"kind": "multiple", "text": "遇到过哪些问题？", "options": ["等待久", "找不到楼"]},
                {"kind": "scale", "text": "对现在的安排满意吗？"},
                {"kind": "text", "text": "还有什么建议？"},
            ],
        }
    )
    return demo.platform.governance.create_survey(ADMIN, body).code


@pytest.mark.parametrize(
    ("path", "script"),
    [
        ("/s/abcdefgh", "survey.js"),
        ("/voices", "survey-staff.js"),
        ("/voices", "consultations.js"),
    ],
)
def test_every_string_the_scripts_ask_for_is_on_the_page_in_both_languages(
    page_client: TestClient, path: str, script: str
) -> None:
    strings = page_strings(page_client, path, "survey-strings", STATIC_DIR / "js" / script)
    asked = strings.asked | BUILT_KEYS
    assert asked <= set(strings.chinese), sorted(asked - set(strings.chinese))
    assert zh("Send my answers") in strings.chinese_html or path != "/s/abcdefgh"


def test_a_code_that_cannot_be_a_survey_is_not_a_page(page_client: TestClient) -> None:
    assert page_client.get("/s/no!such").status_code in (404, 422)


@pytest.mark.browser
def test_a_resident_answers_a_survey_on_a_phone_in_chinese(page: Page, demo: Demo) -> None:
    title = f"电动车禁入后的送餐 {uuid.uuid4().hex[:4]}"
    code = _survey(demo, title)
    page.goto(f"/s/{code}")
    page.wait_for_selector("#survey-page[data-state=ready]")
    expect(page.locator("#survey-title")).to_have_text(title)
    expect(page.locator("#survey-place")).to_contain_text("真如小区南门")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the answer page is {width} px wide on a 390 px phone"
    # Big tap targets: every choice and scale step is at least 44 px tall.
    heights = page.evaluate(
        "[...document.querySelectorAll('#survey-form .answer, #survey-form .step span')]"
        ".map((el) => el.getBoundingClientRect().height)"
    )
    assert heights, "no choices on the page"
    assert min(heights) >= 44, heights

    page.click("#survey-submit")  # nothing chosen: told what is missing, nothing sent
    expect(page.locator("#survey-missing")).to_have_text(
        zh("Please say whether you ride, live here, or neither.")
    )
    page.locator("#respondent .answer", has_text=zh("A resident")).click()
    page.locator("fieldset[data-position='0'] .answer", has_text="楼下").click()
    page.locator("fieldset[data-position='1'] .answer", has_text="等待久").click()
    page.locator("fieldset[data-position='1'] .answer", has_text="找不到楼").click()
    page.locator("fieldset[data-position='2'] .step", has_text="4").click()
    page.fill("fieldset[data-position='3'] textarea", "希望在南门设临时停车点")
    page.click("#survey-submit")
    page.wait_for_selector("#survey-page[data-state=thanks]")
    expect(page.locator("#survey-thanks h2")).to_have_text(zh("Thank you!"))

    officer = demo_principal(demo, "officer")
    survey = next(s for s in demo.platform.governance.surveys(officer) if s.code == code)
    results = demo.platform.governance.survey_results(officer, survey.id)
    assert results.answers == 1
    assert results.by_respondent["resident"] == 1
    single, multiple, scale, text = results.questions
    assert single.counts == [0, 1]
    assert multiple.counts == [1, 1]
    assert scale.mean == 4
    assert text.texts == ["希望在南门设临时停车点"]

    # Closed by the officer: the page says so instead of the questions.
    demo.platform.governance.set_survey_open(officer, survey.id, False)
    page.goto(f"/s/{code}")
    page.wait_for_selector("#survey-page[data-state=closed]")
    expect(page.locator("#survey-closed h2")).to_have_text(zh("This survey is closed"))
    expect(page.locator("#survey-form")).to_be_hidden()


@pytest.mark.browser
def test_an_officer_makes_a_survey_and_records_a_consultation(page: Page, demo: Demo) -> None:
    sign_in(page, "officer", demo.password, "/voices")
    page.wait_for_selector("#voices-page[data-state=ready][data-meetings=ready]")
    lon, lat = _point(demo)
    title = f"骑手休息点需求 {uuid.uuid4().hex[:4]}"

    page.click("#survey-add summary")
    page.fill("#sv-title", title)
    page.select_option("#sv-audience", "riders")
    page.fill("#sv-place", "真如驿站")
    page.fill("#sv-lon", str(lon))
    page.fill("#sv-lat", str(lat))
    first = page.locator(".sv-question").first
    first.locator(".sv-kind").select_option("single")
    first.locator(".sv-text").fill("您最需要什么？")
    first.locator(".sv-options").fill("充电\n饮水\n休息")
    page.click("#sv-add-question")
    second = page.locator(".sv-question").nth(1)
    second.locator(".sv-kind").select_option("scale")
    expect(second.locator(".sv-options-label")).to_be_hidden()
    second.locator(".sv-text").fill("现在的休息点够用吗？")
    page.click("#survey-create button[type=submit]")
    expect(page.locator("#notice")).to_have_text(
        zh("The survey is made; print its QR code and put it up.")
    )
    expect(page.locator("#detail-title")).to_contain_text(title)
    page.wait_for_selector("#detail-qr-img")
    page.wait_for_function("document.getElementById('detail-qr-img').complete")
    natural = page.evaluate("document.getElementById('detail-qr-img').naturalWidth")
    assert natural > 100, "the QR code did not load"
    expect(page.locator("#survey-list li", has_text=title)).to_have_count(1)
    expect(page.locator("#detail-link")).to_contain_text("/s/")

    # A meeting whose first item was due yesterday: flagged overdue until marked done.
    meeting = f"电动车禁入协商会 {uuid.uuid4().hex[:4]}"
    yesterday = (demo.platform.governance.today() - timedelta(days=1)).isoformat()
    page.click("#meeting-add summary")
    page.fill("#mt-title", meeting)
    page.fill("#mt-place", "真如小区居委会")
    page.fill("#mt-lon", str(lon))
    page.fill("#mt-lat", str(lat))
    page.fill(".mt-party[data-party=residents]", "12")
    page.fill(".mt-party[data-party=riders]", "4")
    item = page.locator("#mt-items .agreed-row").first
    item.locator(".mt-what").fill("南门设骑手临时停车区")
    item.locator(".mt-owner").select_option("property")
    item.locator(".mt-due").fill(yesterday)
    page.click("#meeting-create button[type=submit]")
    expect(page.locator("#notice")).to_have_text(zh("The meeting is recorded."))
    row = page.locator("#meeting-list > li", has_text=meeting)
    expect(row).to_contain_text(zh("{people} people", people=16))
    expect(row.locator(".agreed.is-overdue")).to_have_count(1)
    expect(row).to_contain_text(zh("Residents") + "：12")
    row.get_by_role("button", name=zh("Mark done today")).click()
    expect(page.locator("#notice")).to_have_text(zh("The item is updated."))
    expect(row.locator(".agreed.is-overdue")).to_have_count(0)
    expect(row.get_by_role("button", name=zh("Not done after all"))).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"/voices is {width} px wide on a 390 px phone"
