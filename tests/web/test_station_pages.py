"""Truck-driver stations on a phone in Chinese: a truck driver opens the demo station's card
(as the queue notices link to it), sees the shower's expected wait the service computes,
joins the queue, is told they are next, and leaves it; shows their QR code; books a
legal-aid slot for a topic and reads the lawyer's case note (read only). The station's desk
logs a visit by the driver's code, calls the next driver in the shower queue and marks the
use served. A rider who is not a truck driver is told plainly the page is for truck
drivers; the wrong role is told whom each page is for.

The demo station's showers and washing machines are opened round the clock for each test
(the demo's station hours are random) and their queues emptied, so the tests do not depend
on the hour the suite runs at or on each other."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.db.models import Account
from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role, WorkerType
from gigcity.services.care.stations import (
    EntryState,
    NoteIn,
    ProgrammeIn,
    ServiceIn,
    ServiceKind,
)
from gigcity.services.demo.stations import DESK_USERNAME, LAWYER_USERNAME
from gigcity.services.demo.stations import PROGRAMMES as DEMO_PROGRAMMES
from gigcity.web.templating import STATIC_DIR
from support import Notices
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.web_support import Demo, demo_account, demo_principal

if TYPE_CHECKING:
    from playwright.sync_api import Page

ADMIN = Principal(role=Role.admin, label="station-pages-admin")
BUILT_KEYS = (
    {f"service_{k.value}" for k in ServiceKind}
    | {f"topic_{t}" for t in ("freight_payment", "insurance_claim", "traffic_fine", "other")}
    | {f"entry_{s.value}" for s in EntryState}
    | {"origin_road", "origin_desk", "note_by_lawyer", "note_by_driver"}
    | {"open_now", "closed_now", "near_position", "near_district"}
    | {"added_driver", "added_walk_in", "slot_booked", "slot_free", "start", "served", "no_show"}
)


def zh(message: str, **params: Any) -> str:
    text = translations("zh_CN", "web").gettext(message)
    return text.format(**params) if params else text


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _station(demo: Demo) -> int:
    with demo.platform.factory() as session:
        place_id = session.scalar(
            select(Account.station_id).where(Account.username == DESK_USERNAME)
        )
    assert place_id is not None, "the demo has no truck-driver station desk"
    return place_id


def _service(demo: Demo, station_id: int, kind: ServiceKind) -> int:
    station = demo.platform.stations.station(station_id)
    return next(s.id for s in station.services if s.kind == kind)


@pytest.fixture
def station(demo: Demo) -> Iterator[int]:
    """The demo station, its showers and washing machines open round the clock with empty
    queues."""
    stations = demo.platform.stations
    station_id = _station(demo)
    for service in stations.station(station_id).services:
        if not service.queued:
            continue
        body = ServiceIn.model_validate(
            {"units": service.units, "typical_minutes": service.typical_minutes, "hours": "24/7"}
        )
        stations.set_service(ADMIN, station_id, service.kind, body)
        _empty(demo, service.id)
    yield station_id
    for service in stations.station(station_id).services:
        if service.queued:
            _empty(demo, service.id)


def _empty(demo: Demo, service_id: int) -> None:
    stations = demo.platform.stations
    for entry in stations.live_entries(ADMIN, service_id):
        if entry.state == EntryState.in_use:
            stations.finish_use(ADMIN, entry.id)
        else:
            stations.no_show(ADMIN, entry.id)


def _driver(demo: Demo) -> tuple[str, Principal]:
    username = f"trucker-{uuid.uuid4().hex[:8]}"
    return username, demo_account(demo, username, Role.rider, worker_type=WorkerType.truck_driver)


@pytest.mark.parametrize(
    ("path", "script"),
    [("/stations", "stations.js"), ("/stations/desk", "stations-desk.js")],
)
def test_every_string_the_scripts_ask_for_is_on_the_page_in_both_languages(
    page_client: TestClient, path: str, script: str
) -> None:
    strings = page_strings(page_client, path, "station-strings", STATIC_DIR / "js" / script)
    asked = strings.asked | BUILT_KEYS
    assert asked <= set(strings.chinese), sorted(asked - set(strings.chinese))


def test_the_queue_notices_open_the_station_card_on_the_page(
    demo: Demo, station: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Your shower is ready" and "your shower is next" link to /stations?station=<id>,
    the address whose card the page opens."""
    stations = demo.platform.stations
    notices = Notices()
    monkeypatch.setattr(stations, "jobs", notices)
    shower = _service(demo, station, ServiceKind.shower)
    stations.join(_driver(demo)[1], shower)
    stations.join(_driver(demo)[1], shower)
    stations.call_next(ADMIN, shower)
    assert notices.kinds() == ["stations.called", "stations.next"]
    assert {n["url"] for n in notices.sent} == {f"/stations?station={station}"}


@pytest.mark.browser
def test_a_driver_sees_the_wait_joins_a_queue_and_books_legal_aid_for_a_topic(
    page: Page, demo: Demo, station: int
) -> None:
    stations = demo.platform.stations
    shower = _service(demo, station, ServiceKind.shower)
    expected = stations.queue(None, shower).estimate_minutes
    assert expected is not None
    username, me = _driver(demo)
    sign_in(page, username, demo.password, f"/stations?station={station}")
    page.wait_for_selector("#stations-page[data-state=ready]")
    expect(page.locator("#not-driver")).to_be_hidden()

    # My code, as a QR for the desk.
    expect(page.locator("#code-qr")).to_be_visible()
    assert page.locator("#code-value").inner_text().strip()

    # The card the link named is open; the wait is shown before joining.
    card = page.locator(f"#stations details[data-station='{station}']")
    expect(card).to_have_attribute("open", "")
    block = card.locator(f"li[data-service='{shower}']")
    wait = zh("no wait") if expected == 0 else zh("about {minutes} min wait", minutes=expected)
    expect(block.locator(".wait")).to_have_text(zh("If you join now: {wait}", wait=wait))

    block.locator("button.join").click()
    expect(page.locator("#notice")).to_contain_text(zh("Showers"))
    mine = stations.queue(me, shower).mine
    assert mine is not None
    assert mine.state == EntryState.waiting
    expect(block.locator(".mine.next")).to_have_text(
        zh("You are next (ticket {ticket}): head over now.", ticket=mine.id)
    )
    page.once("dialog", lambda d: d.accept())
    block.locator("button.leave").click()
    expect(page.locator("#notice")).to_have_text(zh("You left the queue."))
    expect(block.locator("button.join")).to_be_visible()
    assert stations.queue(me, shower).mine is None

    # Legal aid: a free slot booked for a traffic fine.
    page.select_option("#topic", "traffic_fine")
    slot = page.locator("#slots li").first
    slot_id = int(slot.get_attribute("data-slot") or 0)
    slot.locator("button.book").click()
    expect(page.locator("#notice")).to_contain_text(zh("Traffic fine"))
    booked = page.locator(f"#cases li[data-slot='{slot_id}']")
    expect(booked).to_contain_text(zh("Traffic fine"))
    expect(page.locator(f"#slots li[data-slot='{slot_id}']")).to_have_count(0)
    (case,) = [c for c in stations.my_cases(me) if c.id == slot_id]
    assert case.topic is not None
    assert case.topic.value == "traffic_fine"

    # The lawyer's note, read (never written) by the driver.
    lawyer = demo_principal(demo, LAWYER_USERNAME)
    stations.add_note(lawyer, slot_id, NoteIn(text="请带上罚单和行驶证"))
    booked.locator("button.read-notes").click()
    expect(booked.locator(".case-notes")).to_contain_text("请带上罚单和行驶证")
    expect(booked.locator("textarea, input")).to_have_count(0)


@pytest.mark.browser
def test_a_long_washing_queue_shows_a_range_and_says_why(
    page: Page, demo: Demo, station: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every washing machine just started and as many drivers waiting again, none of them
    naming a programme: a driver joining now waits through a second round of washes of
    unknown length, so the card shows the range 8 in 10 waits fall in (as the service gives
    it) and says so; the driver chooses the programme they will run (标准, its minutes shown
    in the choice), joins, is told the same range, and the ticket names the programme.
    The service's clock stands still, so the page is asked at the moment the expected
    figures were worked out for."""
    stations = demo.platform.stations
    now = stations.clock()
    monkeypatch.setattr(stations, "clock", lambda: now)
    washer = _service(demo, station, ServiceKind.washer)
    units = stations.queue(None, washer).units
    programmes = [ProgrammeIn(name=n, minutes=m) for n, m in DEMO_PROGRAMMES["washer"]]
    body = ServiceIn(units=units, typical_minutes=40, hours="24/7", programmes=programmes)
    stations.set_service(ADMIN, station, ServiceKind.washer, body)
    for _ in range(units):
        entry = stations.join(_driver(demo)[1], washer)
        stations.call_next(ADMIN, washer)
        stations.start_use(ADMIN, entry.id)
    for _ in range(units):
        stations.join(_driver(demo)[1], washer)
    queue = stations.queue(None, washer)
    assert queue.estimate_low is not None and queue.estimate_high is not None  # noqa: PT018
    assert queue.estimate_low < queue.estimate_minutes < queue.estimate_high  # type: ignore[operator]

    username, me = _driver(demo)
    sign_in(page, username, demo.password, f"/stations?station={station}")
    page.wait_for_selector("#stations-page[data-state=ready]")
    block = page.locator(f"#stations details[data-station='{station}'] li[data-service='{washer}']")
    shown = zh("{low}–{high} min wait, about {minutes}", low=queue.estimate_low,
               high=queue.estimate_high, minutes=queue.estimate_minutes)  # fmt: skip
    expect(block.locator(".wait")).to_have_text(zh("If you join now: {wait}", wait=shown))
    expect(block.locator(".wait-range")).to_have_text(
        zh(
            "A long queue's wait varies with every use: 8 in 10 drivers wait within the range shown."
        )
    )
    standard = next(p for p in queue.programmes if p.name == "标准")
    choice = block.locator("select.programme")
    expect(choice.locator("option")).to_have_count(len(queue.programmes) + 1)
    expect(choice.locator("option").first).to_have_text(zh("Not chosen yet"))
    choice.select_option(str(standard.id))
    expect(choice.locator("option:checked")).to_have_text(
        zh("{name} · about {minutes} min", name="标准", minutes=round(standard.run_minutes))
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    block.locator("button.join").click()
    expect(page.locator("#notice")).to_contain_text(shown)
    mine = stations.queue(me, washer).mine
    assert mine is not None
    assert mine.position == units + 1
    assert (mine.programme_id, mine.programme_name) == (standard.id, "标准")
    expect(block.locator(".mine")).to_contain_text(zh("Programme: {name}.", name="标准"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
def test_the_desk_logs_a_visit_by_code_and_calls_the_next_driver(
    page: Page, demo: Demo, station: int
) -> None:
    stations = demo.platform.stations
    shower = _service(demo, station, ServiceKind.shower)
    _, driver = _driver(demo)
    entry = stations.join(driver, shower)
    code = stations.driver_code(driver).code

    sign_in(page, DESK_USERNAME, demo.password, "/stations/desk")
    page.wait_for_selector("#desk-page[data-state=ready]")
    name = stations.station(station).name
    expect(page.locator("#desk-title")).to_have_text(zh("Desk of {station}", station=name))
    before = stations.visit_day(ADMIN, station, stations.local_now().date()).visits

    # A plate without the driver's consent is refused; the code is what the desk scans.
    page.click("#by-plate summary")
    page.fill("#visit-plate", "沪A12345")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#alert")).to_be_visible()
    page.fill("#visit-plate", "")
    page.fill("#visit-code", code)
    page.check("#visit-form input[value=shower]")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#notice")).to_have_text(
        zh("Visit logged: {services}.", services=zh("Showers"))
    )
    expect(page.locator("#visit-count")).to_have_text(zh("Visits today: {count}", count=before + 1))

    queue = page.locator(f"#queues section[data-service='{shower}']")
    row = queue.locator(f"li[data-entry='{entry.id}']")
    expect(row).to_contain_text(zh("Waiting"))
    queue.locator("button.call-next").click()
    expect(page.locator("#notice")).to_have_text(
        zh("Called ticket {ticket} for {service}.", ticket=entry.id, service=zh("Showers"))
    )
    expect(row).to_contain_text(zh("Called to the desk"))
    mine = stations.queue(driver, shower).mine
    assert mine is not None
    assert mine.state == EntryState.called

    row.locator("button.start").click()
    expect(row).to_contain_text(zh("In use"))
    row.locator("button.served").click()
    expect(page.locator("#notice")).to_have_text(zh("Ticket {ticket} served.", ticket=entry.id))
    expect(row).to_have_count(0)
    assert stations.queue(driver, shower).mine is None

    # The legal-aid roster: a slot added for the demo's volunteer lawyer.
    lawyer = demo_principal(demo, LAWYER_USERNAME).account_id
    # Past the demo's week of slots, and apart from the lawyer page's test (days=9, 14:00).
    day = stations.local_now().date() + timedelta(days=10)
    page.click("#slot-add summary")
    page.select_option("#slot-lawyer", str(lawyer))
    page.fill("#slot-day", day.isoformat())
    page.fill("#slot-start", "16:00")
    page.fill("#slot-end", "17:30")
    page.click("#slot-form button[type=submit]")
    expect(page.locator("#notice")).to_have_text(zh("Slot added to the roster."))
    (added,) = [
        s
        for s in stations.roster(None, station, day)
        if s.starts_at.astimezone(stations.tz).date() == day and s.lawyer_id == lawyer
    ]
    row = page.locator(f"#roster li[data-slot='{added.id}']")
    expect(row).to_contain_text(zh("Not booked yet"))
    expect(row).to_contain_text(added.lawyer_name)
    stations.remove_slot(demo_principal(demo, DESK_USERNAME), added.id)  # as it was


@pytest.mark.browser
def test_a_rider_who_is_not_a_truck_driver_is_told_the_page_is_for_truck_drivers(
    page: Page, demo: Demo, station: int
) -> None:
    sign_in(page, "rider", demo.password, "/stations")
    page.wait_for_selector("#stations-page[data-state=ready]")
    expect(page.locator("#not-driver")).to_be_visible()
    expect(page.locator("#not-driver")).to_contain_text(zh("This page is for truck drivers"))
    expect(page.locator("#stations li").first).to_be_visible()
    expect(page.locator("button.join")).to_have_count(0)
    expect(page.locator("#legal-panel")).to_be_hidden()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("who", "own_page", "path", "for_whom"),
    [
        ("driver", "/me/statement", "/stations/desk", "station staff and district admins"),
        ("officer", "/officer", "/stations", "truck drivers"),
    ],
)
def test_the_wrong_role_is_told_whom_the_page_is_for(
    page: Page, demo: Demo, who: str, own_page: str, path: str, for_whom: str
) -> None:
    sign_in(page, who, demo.password, own_page)
    page.goto(path)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(zh(for_whom))
