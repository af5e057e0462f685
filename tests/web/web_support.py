"""Constants, shapes and fixtures shared by the page tests (imported by conftest and the
tests): among them the list of every page with the role that uses it (CASES), walked by the
width test and the language test."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import uvicorn

from gigcity.services.accounts import Principal, Role
from gigcity.services.demo import DEMO_PASSWORD
from gigcity.services.places import Beds
from gigcity.services.platform import Platform
from gigcity.services.workbench import RunCreate
from gigcity.sim.scenarios import ScenarioWorkbench
from services.pay_support import delivery, platform_key, spans

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Tiles from a host that cannot resolve: the pages must work without them (no internet here).
TILE_HOST = "tiles.invalid"
TILE_URL = f"https://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
PHONE = {"width": 390, "height": 844}
STAFF_BEDS = Beds(count=8, free=3)  # entered by hand at the station `BEDS_STAFF` keep
BEDS_STAFF = "bedstaff"
DEMO_POINTS = 300


@dataclass(frozen=True)
class Demo:
    platform: Platform
    staff_station_id: int  # `staff`'s: the flagship driver home, its beds counted by stays
    officer_subdistrict: str
    beds_station_id: int  # `BEDS_STAFF`'s: a rider station with beds entered by hand
    password: str = DEMO_PASSWORD


PHONE_WIDTH = 390
DESKTOP_WIDTH = 1366
HEIGHTS = {PHONE_WIDTH: 844, DESKTOP_WIDTH: 768}
LOCALES = {"zh_CN": "zh-CN", "en": "en-US"}
# A day of the rider's own, before the days other tests report, so the statement has lines.
STATEMENT_DAY = date(2025, 5, 20)


@dataclass(frozen=True)
class Case:
    path: str
    role: str | None  # the demo account that uses the page; None: signed out
    ready: str  # a selector that matches once the page's data is on it
    needs: tuple[str, ...] = ()  # fixtures that make the page's data
    xfail: str | None = None  # why the page does not fit yet (a non-strict xfail)


CASES = [
    Case("/", None, "#map[data-state=ready]"),
    Case("/", "rider", "#map[data-state=ready]"),
    Case("/login", None, "#login-form"),
    Case("/report", "rider", "#report-page[data-state=ready]"),
    Case(
        f"/me/statement?date={STATEMENT_DAY.isoformat()}",
        "rider",
        "#statement[data-state=ready]",
        needs=("statement_day",),
    ),
    Case("/manage", "staff", "#editor:not([hidden]) #history-rows tr"),
    Case("/manage", "officer", "#point-list li"),
    Case("/officer", "officer", "#officer-page[data-state=ready]"),
    Case("/dashboard", "admin", "#dashboard-page[data-state=ready] #cards > *"),
    # The district overview (issue 18): an officer's own sub-district, an admin's district.
    Case("/district", "officer", "#district-page[data-state=ready] #cards > *"),
    # A survey's answer page, opened from its QR code on a phone (signed out).
    Case("/s/{survey}", None, "#survey-page[data-state=ready]", needs=("open_survey",)),
    Case("/district", "admin", "#district-page[data-state=ready] #district-map[data-cells]"),
    # The building guide (opened from a gate poster, signed out, or by a rider) and the
    # estate page of property staff (the demo's sample estate) and officers (the estate of
    # tests/web/estate_support.py in their sub-district).
    Case(
        "/estates/{estate}/guide?building=7",
        None,
        "#guide-page[data-state=found]",
        needs=("guide_estate",),
    ),
    Case(
        "/estates/{estate}/guide?building=7&by=foot",
        "rider",
        "#guide-page[data-state=found]",
        needs=("guide_estate",),
    ),
    Case("/estate", "property", "#history-rows tr"),
    Case("/estate", "officer", "#estate-list li", needs=("guide_estate",)),
    # Relay delivery: the courier's queue (their home) and property staff's consents, both
    # at the demo's sample estate (services/demo/relay.py seeds items and consents).
    Case("/relay", "courier", "#relay-page[data-state=ready] #queue li"),
    Case("/relay", "property", "#relay-page[data-state=ready] #queue li"),
    Case("/relay/consents", "property", "#consents-page[data-state=ready] #consent-rows tr"),
    # The rider's gate pass (the demo certifies the rider; the sample estate has gates).
    Case("/pass", "rider", "#gate-pass[data-state=ready]"),
    # Station staff's certifications (the demo staff certified the demo rider).
    Case("/certify", "staff", "#certify-page[data-state=ready] #certifications li"),
    # Beds (services/demo/stays.py): the demo's driver homes near the rider, and the
    # flagship home's desk kept by `homestaff`.
    Case("/stays", "rider", "#stays-page[data-state=ready] #homes li"),
    Case("/stays/desk", "homestaff", "#desk-page[data-state=ready]"),
    # Truck-driver stations (services/demo/stations.py): the demo truck driver's stations
    # with the nearest card open, and the demo station's desk kept by `truckdesk`.
    Case("/stations", "driver", "#stations-page[data-state=ready] #stations details[open]"),
    Case("/stations/desk", "truckdesk", "#desk-page[data-state=ready] #queues section"),
    # The volunteer lawyer's slots to come (services/demo/stations.py: `lawyer` on the roster).
    Case("/legal", "lawyer", "#legal-page[data-state=ready] #slots li"),
    # The familiar rider's meals round (services/demo/eldercare.py: today's meals, planned).
    Case("/eldercare/round", "rider", "#round-page[data-state=ready] #doors li"),
    # The staff page of meals for the elderly: the open alerts live, enrolment, statements.
    Case(
        "/eldercare/staff", "officer", "#staff-page[data-state=ready] #alert-map[data-state=ready]"
    ),
    # A family member's meals page: the demo family linked to the demo's first older person.
    Case("/eldercare/family", "family", "#family-page[data-state=ready]", needs=("demo_family",)),
    # Neighbourhood-committee staff on the staff page, and the demo canteen's kitchen page
    # (services/demo/eldercare_staff.py: the `committee` and `canteen` accounts).
    Case(
        "/eldercare/staff",
        "committee",
        "#staff-page[data-state=ready] #alert-map[data-state=ready]",
    ),
    Case("/eldercare/kitchen", "canteen", "#kitchen-page[data-state=ready] .meal-total"),
    # Volunteer tasks for older people (services/demo/eldercare_volunteers.py: two open
    # tasks); the demo rider has no sub-district, so the page is asked for the demo
    # officer's (where the demo's older people live: 桃浦镇, round the demo station).
    Case("/eldercare/volunteer?area=taopu", "rider", "#volunteer-page[data-state=ready] #open li"),
    # Rest and care (services/demo/care.py): the anonymous self-check, signed out; the
    # rider's sessions and nearest meal; the counsellor's call-backs and sessions.
    Case("/care/check", None, "#check-page[data-state=ready] .question"),
    Case("/care", "rider", "#care-page[data-state=ready] #sessions li"),
    Case("/care/counsellor", "counsellor", "#counsellor-page[data-state=ready] #sessions li"),
    # Family doctors (services/demo/doctors.py): the centres with free places for the rider,
    # and the desk of `doctor`, the first centre's first doctor.
    Case("/doctors", "rider", "#doctors-page[data-state=ready] #centres li"),
    Case("/doctors/desk", "doctor", "#desk-page[data-state=ready] #my-slots li"),
    # The governance hub (issue 18): a grid officer (their sub-district's complaints) and a
    # district admin (with the import panel), on the complaints tab.
    Case("/governance", "officer", "#gov-page[data-state=ready] #complaints[data-state=ready]"),
    Case("/governance", "admin", "#gov-page[data-state=ready] #complaints[data-state=ready]"),
    Case(
        "/workbench?run={run}",
        "admin",
        "#result:not([hidden]) #attribution-table tbody tr",
        needs=("workbench_run",),
    ),
]


def saved_token(live_server: str, username: str, password: str) -> str:
    r = httpx.post(
        f"{live_server}/api/auth/token", data={"username": username, "password": password}
    )
    r.raise_for_status()
    body = r.json()
    saved = {"token": body["access_token"], "role": body["role"], "expiresAt": 0}
    return json.dumps(saved)


@pytest.fixture(scope="session")
def statement_day(demo: Demo) -> date:
    """The demo rider's day: three orders and the hours around them."""
    _, key = platform_key(demo.platform, "widths-feed")
    for n, (accepted, promised, delivered) in enumerate(
        (("10:40", "11:10", "11:05"), ("11:20", "11:50", "12:05"), ("12:30", "13:00", "12:55"))
    ):
        report = delivery(
            f"W{n}", day=STATEMENT_DAY, accepted=accepted, promised=promised, delivered=delivered
        )
        demo.platform.pay.report_delivery(key, "rider", report)
    activity = spans(STATEMENT_DAY, ("10:30", "13:30", "on_order"))
    demo.platform.pay.report_activity(key, "rider", activity)
    return STATEMENT_DAY


@pytest.fixture(scope="session")
def demo_family(demo: Demo) -> str:
    """The demo family account (services/demo/eldercare_family.py), linked to the demo's
    first older person; its username."""
    from gigcity.db.session import transaction
    from gigcity.services.demo.eldercare import EldercareDemo
    from gigcity.services.demo.eldercare_family import FAMILY_USERNAME, seed_family

    cipher = EldercareDemo.of(demo.platform.eldercare)
    with transaction(demo.platform.factory) as session:
        seed_family(session, cipher)
    return FAMILY_USERNAME


@pytest.fixture(scope="session")
def open_survey(demo: Demo) -> str:
    """A survey of every question kind at the officer's sub-district: its code."""
    from gigcity.services.governance.voices_schemas import SurveyIn

    sub = demo.platform.district.get(demo.officer_subdistrict)
    assert sub is not None
    body = SurveyIn.model_validate(
        {
            "title": "骑手停车区问卷",
            "audience": "everyone",
            "place_name": "商场北门",
            "lon": sub.lon,
            "lat": sub.lat,
            "questions": [
                {"kind": "single", "text": "您平时在哪里停车？", "options": ["北门", "南门"]},
                {"kind": "multiple", "text": "遇到过哪些问题？", "options": ["没有车位", "被贴条"]},
                {"kind": "scale", "text": "对现在的停车区满意吗？"},
                {"kind": "text", "text": "还有什么建议？"},
            ],
        }
    )
    admin = Principal(role=Role.admin, label="widths-admin")
    return demo.platform.governance.create_survey(admin, body).code


@pytest.fixture(scope="module")
def workbench_run(demo: Demo) -> Iterator[int]:
    """A finished comparison (a small day, with attribution), so the workbench shows its
    tables; run by the simulator, as `gigcity serve` does."""
    workbench = demo.platform.workbench
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workbench, "engine", ScenarioWorkbench())
        admin = Principal(role=Role.admin, label="widths-admin")
        run = workbench.start(admin, RunCreate(orders=50, attribution=True))
        deadline = time.monotonic() + 180
        while run.status in ("queued", "running"):
            assert time.monotonic() < deadline, f"the workbench run is stuck at {run.stage}"
            time.sleep(0.1)
            run = workbench.get(run.id)
        assert run.status == "done", run.error
        yield run.id


@pytest.fixture(scope="module")
def contexts(
    browser: Browser, live_server: str, demo: Demo
) -> Iterator[dict[tuple[str | None, str], Page]]:
    """One page per (account, language), made when first asked for and reused by the cases;
    requests to other sites (the map tiles) are refused."""
    made: list[BrowserContext] = []

    def refuse_other_sites(route: Any, request: Any) -> None:
        if request.url.startswith(live_server):
            route.continue_()
        else:
            route.abort()

    class Pages(dict):  # type: ignore[type-arg]
        def __missing__(self, key: tuple[str | None, str]) -> Page:
            role, locale = key
            storage: dict[str, Any] = {"cookies": [], "origins": []}
            if role is not None:
                value = saved_token(live_server, role, demo.password)
                storage["origins"] = [
                    {
                        "origin": live_server,
                        "localStorage": [{"name": "gigcity.token", "value": value}],
                    }
                ]
            context = browser.new_context(
                locale=LOCALES[locale],
                base_url=live_server,
                storage_state=storage,  # type: ignore[arg-type]
            )
            context.set_default_timeout(20_000)
            context.route("**/*", refuse_other_sites)
            made.append(context)
            page = context.new_page()
            self[key] = page
            return page

    yield Pages()
    for context in made:
        context.close()


def load_case(
    request: pytest.FixtureRequest,
    contexts: dict[tuple[str | None, str], Page],
    case: Case,
    width: int,
    locale: str,
) -> Page:
    """Open the case's page as its role in `locale` at `width`, with its data on it."""
    # The data a page shows is made only when that page is tested.
    made = {name: request.getfixturevalue(name) for name in case.needs}
    page = contexts[(case.role, locale)]
    page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
    page.goto(
        case.path.format(
            run=made.get("workbench_run"),
            estate=made.get("guide_estate"),
            survey=made.get("open_survey"),
        )
    )
    page.wait_for_selector(case.ready, state="attached")
    page.wait_for_load_state("load")
    return page


@contextmanager
def served(app: Any) -> Iterator[str]:
    """`app` served over HTTP by uvicorn in a thread, on a free local port: its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def demo_account(demo: Demo, username: str, role: Role, **binding: Any) -> Principal:
    """A new account on the demo (the demo's password), bound as `binding` says
    (`subdistrict=`, `canteen_id=`, `station_id=`...); its principal."""
    from gigcity.db.session import transaction
    from gigcity.services.accounts import AccountCreate, create_account, principal_for

    person = AccountCreate(
        username=username, password=demo.password, display_name=username, role=role, **binding
    )
    with transaction(demo.platform.factory) as session:
        return principal_for(create_account(session, person, demo.platform.district))


def demo_principal(demo: Demo, username: str) -> Principal:
    """The principal of the demo's account `username`."""
    from sqlalchemy import select

    from gigcity.db.models import Account
    from gigcity.services.accounts import principal_for

    with demo.platform.factory() as session:
        account = session.scalar(select(Account).where(Account.username == username))
        assert account is not None
        return principal_for(account)


# Governance voices: the staff page of surveys and consultations (officers and admins).
# The public answer page /s/{code} needs a survey: tests/web/test_survey_pages.py walks it
# at 390 px in Chinese.
CASES += [
    Case("/voices", "officer", "#voices-page[data-state=ready][data-meetings=ready]"),
    Case("/voices", "admin", "#voices-page[data-state=ready][data-meetings=ready]"),
]


@pytest.fixture(scope="module")
def audit_run(demo: Demo) -> int:
    """A finished audit of a small hand-made day (one rider fined for lateness), so the audit
    page shows a run with its verdicts."""
    from services.audit.platform_support import small_log

    admin = Principal(role=Role.admin, label="widths-admin")
    run = demo.platform.audit.start_run(admin, "platform-day.jsonl", small_log(), wait=True)
    assert run.status == "done", run.error
    return run.id


# The algorithm audit (issue 19): an admin (the upload form, a finished run with its
# verdicts and files) and a grid officer (read-only).
CASES += [
    Case(
        "/audit",
        "admin",
        "#audit-page[data-state=ready] #runs .run[data-status=done]",
        needs=("audit_run",),
    ),
    Case(
        "/audit",
        "officer",
        "#audit-page[data-state=ready] #runs .run[data-status=done]",
        needs=("audit_run",),
    ),
]


# Organisation (issue 20): the district's organisations and check-in points (admins) and the
# demo staff's station with its 1+1+N roster and plan (services/demo/organisation.py).
CASES += [
    Case("/organisation", "admin", "#organisation-page[data-state=ready] #orgs li"),
    Case("/station-team", "staff", "#station-team-page[data-state=ready] #team li"),
]

# Organisation, continued (issue 20): theme-day check-in and a rider's organisation, the
# concerns board, volunteer teams and the district's overview, each with the demo's data.
CASES += [
    Case("/theme-day", "rider", "#theme-day-page[data-state=ready]"),
    Case("/my-organisation", "rider", "#my-organisation-page[data-state=ready]"),
    Case("/concerns", "rider", "#concerns-page[data-state=ready]"),
    Case("/concerns", "admin", "#concerns-page[data-state=ready]"),
    Case("/volunteers", "rider", "#volunteers-page[data-state=ready]"),
    Case("/organisation-overview", "admin", "#organisation-overview-page[data-state=ready]"),
]
