"""Fixtures for the page tests: a seeded demo platform, the app served by uvicorn in a thread,
and Debian's headless Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.db.models import Account, Place
from gigcity.db.session import transaction
from gigcity.services.accounts import AccountCreate, Principal, Role
from gigcity.services.demo import seed_demo
from gigcity.services.demo.accounts import DEMO_PASSWORD
from gigcity.services.demo.estates import demo_estate_id
from gigcity.services.demo.governance import seed_demo_governance
from gigcity.services.places import PlaceKind, PlaceUpdate
from gigcity.services.platform import Platform
from web import estate_support, web_support
from web.web_support import (
    BEDS_STAFF,
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_POINTS,
    PHONE,
    STAFF_BEDS,
    TILE_HOST,
    TILE_URL,
    Demo,
    served,
)

# Fixtures shared by the page tests that walk every page (test_widths, test_language).
contexts = web_support.contexts
statement_day = web_support.statement_day
workbench_run = web_support.workbench_run
open_survey = web_support.open_survey
guide_estate = estate_support.guide_estate
demo_family = web_support.demo_family
audit_run = web_support.audit_run

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def _seed(platform: Platform) -> Demo:
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=DEMO_POINTS, seed=7)
    seed_demo_governance(platform)  # as `gigcity serve --demo`: the synthetic hotline year
    with platform.factory() as session:
        station_id = session.scalar(select(Account.station_id).where(Account.username == "staff"))
        subdistrict = session.scalar(
            select(Account.subdistrict).where(Account.username == "officer")
        )
    assert station_id is not None
    assert subdistrict is not None
    admin = Principal(role=Role.admin, label="test-admin")
    beds_station_id = _station_keeping_its_beds(platform, admin, station_id)
    _open_handoffs_round_the_clock(platform, admin)
    return Demo(platform, station_id, subdistrict, beds_station_id)


def _station_keeping_its_beds(platform: Platform, admin: Principal, staff_station_id: int) -> int:
    """A rider station with beds its staff (`BEDS_STAFF`) enter by hand. The demo's `staff`
    keep a driver home whose beds its stays desk counts (they cannot enter them), and other
    tests' bookings there move its figures."""
    with platform.factory() as session:
        place_id = session.scalar(
            select(Place.id)
            .where(Place.kind == PlaceKind.rider_station.value, Place.id != staff_station_id)
            .order_by(Place.id)
            .limit(1)
        )
    assert place_id is not None
    amenities = platform.places.get(place_id).amenities.model_copy(update={"beds": STAFF_BEDS})
    platform.places.update(admin, place_id, PlaceUpdate(amenities=amenities))
    account = AccountCreate(
        username=BEDS_STAFF, password=DEMO_PASSWORD, display_name="驿站值班员",
        role=Role.staff, station_id=place_id,
    )  # fmt: skip
    platform.accounts.create(admin, account)
    return place_id


def _open_handoffs_round_the_clock(platform: Platform, admin: Principal) -> None:
    """The pages are tried at whatever hour CI runs; the sample estate's hand-off point
    (07:00-22:00) would refuse the relay pages' items at night."""
    with platform.factory() as session:
        estate_id = demo_estate_id(session)
    assert estate_id is not None
    record = platform.estates.get(estate_id)
    handoffs = tuple(h.model_copy(update={"hours": "24/7"}) for h in record.estate.handoffs)
    estate = record.estate.model_copy(update={"handoffs": handoffs})
    platform.estates.update(admin, estate_id, record.version, estate.model_dump(mode="json"))


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A platform on a temporary SQLite database, seeded with a small demo district."""
    database = tmp_path_factory.mktemp("web") / "web.db"
    settings = Settings(mode="demo", database_url=f"sqlite:///{database}", tile_url=TILE_URL)
    platform = Platform.from_settings(settings)
    platform.upgrade_database()
    yield _seed(platform)
    platform.close()


@pytest.fixture(scope="session")
def web_app(demo: Demo) -> FastAPI:
    return create_app(demo.platform.settings, demo.platform)


@pytest.fixture
def page_client(web_app: FastAPI) -> TestClient:
    """A fresh client (no cookies) of the app; the demo database is migrated already."""
    return TestClient(web_app)


@pytest.fixture(scope="session")
def live_server(demo: Demo) -> Iterator[str]:
    """The app served over HTTP on a free local port, for the browser."""
    with served(create_app(demo.platform.settings, demo.platform)) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("GIGCITY_REQUIRE_BROWSER") == "1":
            pytest.fail("GIGCITY_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watch:
    """What a page asked of other sites, and the script errors it raised."""

    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Browser, live_server: str, watch: Watch) -> Iterator[Page]:
    """A phone-sized page in Chinese; requests to other sites are refused and recorded."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server)
    context.set_default_timeout(10_000)

    def refuse_other_sites(route, request) -> None:  # type: ignore[no-untyped-def]
        if request.url.startswith(live_server):
            route.continue_()
        else:
            watch.external.append(request.url)
            route.abort()

    context.route("**/*", refuse_other_sites)
    page = context.new_page()
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    yield page
    context.close()
    assert watch.errors == [], f"script errors on the page: {watch.errors}"
    foreign = {urlsplit(url).hostname for url in watch.external} - {TILE_HOST}
    assert not foreign, f"the page loaded from other sites (only tiles may): {foreign}"
