"""The volunteer lawyers' page (/legal) in headless Chromium on a phone, in Chinese: the demo
lawyer signs in and sees the slots to come at the demo station, a slot a truck
driver booked for an insurance claim with the driver's name and note, and adds a case note
that the driver then reads (stored encrypted); a rider is told whom the page is for."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.db.models import StationCaseNote
from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role, WorkerType
from gigcity.services.care.stations import BookingIn, NoteIn, SlotIn, SlotOut, Topic
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import Demo, demo_account, demo_principal

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCRIPT = STATIC_DIR / "js" / "legal.js"
PATH = "/legal"
DRIVER_NOTE = "车险理赔被保险公司拒绝，想咨询下一步"


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@dataclass(frozen=True)
class BookedCase:
    slot: SlotOut
    driver: Principal
    driver_name: str


@pytest.fixture
def booked_case(demo: Demo) -> Iterator[BookedCase]:
    """A slot of the demo lawyer after the demo's week of sittings, booked by a truck driver
    of its own for an insurance claim, with the driver's note; given back and taken off the
    roster afterwards, so the demo's roster is as it was."""
    stations = demo.platform.stations
    desk = demo_principal(demo, "truckdesk")
    lawyer = demo_principal(demo, "lawyer")
    assert desk.station_id is not None
    name = f"legal{uuid.uuid4().hex[:8]}"
    driver = demo_account(demo, name, Role.rider, worker_type=WorkerType.truck_driver)
    day = (stations.local_now() + timedelta(days=9)).date()
    slot = stations.add_slot(
        desk,
        desk.station_id,
        SlotIn(lawyer_id=lawyer.account_id or 0, day=day, start="14:00", end="15:00"),
    )
    stations.book_slot(driver, slot.id, BookingIn(topic=Topic.insurance_claim))
    stations.add_note(driver, slot.id, NoteIn(text=DRIVER_NOTE))
    yield BookedCase(slot, driver, name)
    stations.cancel_booking(driver, slot.id)
    stations.remove_slot(desk, slot.id)


def test_the_page_carries_its_strings_in_both_languages(page_client: TestClient) -> None:
    strings = page_strings(page_client, PATH, "legal-strings", SCRIPT)
    assert strings.asked <= strings.chinese.keys()
    for topic in Topic:  # the script builds these keys from the API's topic
        assert f"topic_{topic.value}" in strings.chinese


@pytest.mark.browser
def test_a_lawyer_sees_the_booked_slot_and_adds_a_case_note(
    page: Page, demo: Demo, booked_case: BookedCase
) -> None:
    sign_in(page, "lawyer", demo.password, PATH)
    page.wait_for_selector("#legal-page[data-state=ready]")
    page.click("#menu summary")  # the menu offers the lawyer this page
    expect(page.locator("#menu a[href='/legal']")).to_be_visible()
    page.click("#menu summary")
    # The demo's free sittings at the station are there too, booked by no one.
    free = page.locator("#slots li[data-booked=no]").first
    expect(free).to_contain_text(zh("No one has booked it yet."))
    expect(free.locator("textarea")).to_have_count(0)

    row = page.locator(f"#slots li[data-slot='{booked_case.slot.id}']")
    expect(row).to_contain_text(
        zh("Booked by {driver} for {topic}").format(
            driver=booked_case.driver_name, topic=zh("an insurance-claim case")
        )
    )
    notes = row.locator(".notes li")
    expect(notes).to_have_count(1)
    expect(notes.first).to_contain_text(DRIVER_NOTE)
    expect(notes.first).to_contain_text(zh("Written by the driver"))

    advice = "请带上保单和拒赔通知书，周五来窗口面谈"
    row.get_by_label(zh("A new case note")).fill(advice)
    row.get_by_role("button", name=zh("Add the case note")).click()
    expect(page.locator("#notice")).to_have_text(zh("The case note is added."))
    expect(notes).to_have_count(2)
    expect(notes.nth(1)).to_contain_text(advice)
    expect(notes.nth(1)).to_contain_text(zh("Written by you"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The driver reads the lawyer's note; the database holds it encrypted only.
    read = demo.platform.stations.notes(booked_case.driver, booked_case.slot.id)
    assert [(n.by, n.text) for n in read] == [("driver", DRIVER_NOTE), ("lawyer", advice)]
    with demo.platform.factory() as session:
        stored = session.scalars(
            select(StationCaseNote.body).where(StationCaseNote.slot_id == booked_case.slot.id)
        ).all()
    assert len(stored) == 2
    assert all("保单" not in body and "理赔" not in body for body in stored)


@pytest.mark.browser
def test_a_rider_is_told_whom_the_page_is_for(page: Page, demo: Demo) -> None:
    sign_in(page, "rider", demo.password, "/care")
    page.goto(PATH)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(zh("volunteer lawyers"))
    expect(page.locator("#role-gate-home")).to_have_text(zh("Back to the map"))
