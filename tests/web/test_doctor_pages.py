"""Family doctors on a phone in Chinese: a rider signs up with the demo's first doctor at
their centre, books an early-morning check-up and consents to health readings; the doctor
(the demo's `doctor`, a staff account named on the doctor's record) sees the check-up and
the patient on the desk, records a blood-pressure reading and adds a slot; the rider sees
the reading and that their doctor read it. Without consent the doctor's reading is refused
with the reason; a staff account that is no doctor is told the desk is for doctors; the
wrong role is told whom each page is for."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.doctors import MyDoctorOut, SignupIn
from gigcity.services.demo.doctors import DOCTOR_USERNAME
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import PHONE, Demo, demo_account, demo_principal

if TYPE_CHECKING:
    from playwright.sync_api import Page

BUILT_KEYS = {f"band_{b}" for b in ("early", "afternoon", "evening")} | {
    f"worker_{w}" for w in ("delivery_rider", "ride_hailing_driver", "truck_driver")
}


def zh(message: str, **params: Any) -> str:
    return translations("zh_CN", "web").gettext(message).format(**params)


def zh_api(message: str) -> str:
    return translations("zh_CN", "messages").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _doctor(demo: Demo) -> MyDoctorOut:
    return demo.platform.doctors.my_doctor(demo_principal(demo, DOCTOR_USERNAME))


def _rider(demo: Demo) -> tuple[str, Principal]:
    username = f"rider-{uuid.uuid4().hex[:8]}"
    return username, demo_account(demo, username, Role.rider)


@pytest.mark.parametrize(
    ("path", "script"), [("/doctors", "doctors.js"), ("/doctors/desk", "doctors-desk.js")]
)
def test_every_string_the_scripts_ask_for_is_on_the_page_in_both_languages(
    page_client: TestClient, path: str, script: str
) -> None:
    strings = page_strings(page_client, path, "doctors-strings", STATIC_DIR / "js" / script)
    asked = strings.asked | BUILT_KEYS
    assert asked <= set(strings.chinese), sorted(asked - set(strings.chinese))


@pytest.mark.browser
def test_a_rider_signs_up_books_early_consents_and_sees_the_doctors_reading(
    page: Page, demo: Demo, live_server: str
) -> None:
    doctor = _doctor(demo)
    username, rider = _rider(demo)
    sign_in(page, username, demo.password, "/doctors")
    page.wait_for_selector("#doctors-page[data-state=ready]")
    expect(page.locator("#my-doctor-line")).to_have_text(
        zh("You have no family doctor yet: choose one at any centre below.")
    )
    expect(page.locator("#checkups")).to_be_hidden()
    centre = page.locator(f"#centres li[data-centre='{doctor.place_id}']")
    expect(centre).to_contain_text(doctor.centre)
    choice = centre.locator(f"li[data-doctor='{doctor.id}']")
    expect(choice).to_contain_text("签约名额")
    choice.locator("button.sign-up").click()
    expect(page.locator("#notice")).to_have_text(
        zh("You are signed up with {doctor} at {centre}.", doctor=doctor.name, centre=doctor.centre)
    )
    expect(page.locator("#my-doctor-line")).to_contain_text(doctor.name)
    expect(centre.locator(f"li[data-doctor='{doctor.id}']")).to_contain_text(zh("Your doctor"))

    # an early-morning check-up, before the breakfast orders
    expect(page.locator("#checkups")).to_be_visible()
    page.select_option("#band", "early")
    expect(page.locator("#slots li")).to_have_count(6)  # the first few, then all on asking
    page.click("#more-slots")
    expect(page.locator("#more-slots")).to_be_hidden()
    assert page.locator("#slots li.band-early").count() > 6
    assert page.locator("#slots li:not(.band-early)").count() == 0
    first = page.locator("#slots li.band-early").first
    slot_id = int(first.get_attribute("data-slot") or 0)
    first.locator("button.book").click()
    expect(page.locator("#notice")).to_contain_text("已预约体检")
    expect(page.locator("#my-checkup-line")).to_contain_text(zh("Early morning (06:00–09:00)"))
    booked = [s for s in demo.platform.doctors.my_slots(rider) if s.mine]
    assert [(s.id, s.band.value) for s in booked] == [(slot_id, "early")]

    page.click("#give-consent")
    expect(page.locator("#notice")).to_have_text(
        zh("Thank you: readings may now be recorded at your visits.")
    )
    expect(page.locator("#withdraw-consent")).to_be_visible()
    expect(page.locator("#tell-name")).to_contain_text(username)

    browser = page.context.browser
    assert browser is not None
    other = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server)
    desk = other.new_page()
    sign_in(desk, DOCTOR_USERNAME, demo.password, "/doctors/desk")
    desk.wait_for_selector("#desk-page[data-state=ready]")
    expect(desk.locator("#desk-title")).to_contain_text(doctor.name)
    expect(desk.locator("#list-counts")).to_contain_text(str(doctor.list_size))
    expect(desk.locator(f"#coming li[data-slot='{slot_id}']")).to_contain_text(username)
    expect(desk.locator("#patients li", has_text=username)).to_be_visible()
    desk.fill("#worker", username)
    desk.fill("#systolic", "128")
    desk.fill("#diastolic", "82")
    desk.fill("#heart-rate", "72")
    desk.click("#record")
    expect(desk.locator("#notice")).to_have_text(
        zh(
            "Reading recorded for {worker}. Only they and their family doctor see it.",
            worker=username,
        )
    )
    patient = desk.locator("#patients li", has_text=username)
    patient.locator("button.show-readings").click()
    expect(patient.locator(".readings")).to_contain_text("128/82")

    # the doctor offers one more early slot in the band, from the form
    desk.select_option("#slot-band", "early")
    desk.select_option("#slot-time", "06:10")
    desk.click("#add-slot")
    expect(desk.locator("#notice")).to_contain_text("已添加号源")
    expect(desk.locator("#my-slots li", has_text="06:10").first).to_be_visible()
    other.close()

    page.reload()
    page.wait_for_selector("#doctors-page[data-state=ready]")
    page.click("#show-readings")
    expect(page.locator("#readings li").first).to_contain_text(
        zh("Blood pressure {systolic}/{diastolic} mmHg", systolic=128, diastolic=82)
    )
    expect(page.locator("#readings li").first).to_contain_text(doctor.centre)
    expect(page.locator("#reads")).to_contain_text(zh("your family doctor"))
    expect(page.locator("#reads")).to_contain_text(zh("you"))


@pytest.mark.browser
def test_without_consent_the_doctors_reading_is_refused_with_the_reason(
    page: Page, demo: Demo
) -> None:
    doctor = _doctor(demo)
    username, rider = _rider(demo)
    demo.platform.doctors.sign_up(rider, SignupIn(place_id=doctor.place_id, doctor_id=doctor.id))
    sign_in(page, DOCTOR_USERNAME, demo.password, "/doctors/desk")
    page.wait_for_selector("#desk-page[data-state=ready]")
    page.fill("#worker", username)
    page.fill("#systolic", "140")
    page.fill("#diastolic", "90")
    page.click("#record")
    expect(page.locator("#reading-alert")).to_have_text(
        zh_api("This worker has not consented to health readings.")
    )
    expect(page.locator("#notice")).to_be_hidden()
    assert not demo.platform.doctors.my_readings(rider)


@pytest.mark.browser
def test_a_staff_account_that_is_no_doctor_is_told_the_desk_is_for_doctors(
    page: Page, demo: Demo
) -> None:
    sign_in(page, "staff", demo.password, "/doctors/desk")
    page.wait_for_selector("#desk-page[data-state=not-doctor]")
    expect(page.locator("#not-doctor")).to_contain_text("家庭医生")
    expect(page.locator("#desk-body")).to_be_hidden()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("who", "path", "for_whom"),
    [
        ("rider", "/doctors/desk", "family doctors (their staff accounts) and district admins"),
        ("officer", "/doctors", "riders and drivers"),
    ],
)
def test_the_wrong_role_is_told_whom_the_page_is_for(
    page: Page, demo: Demo, who: str, path: str, for_whom: str
) -> None:
    home = {"rider": "/me/statement", "officer": "/officer"}[who]
    sign_in(page, who, demo.password, home)
    page.goto(path)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(zh(for_whom))
