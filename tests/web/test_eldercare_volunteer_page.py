"""Volunteer tasks for older people (/eldercare/volunteer) in headless Chromium on a phone,
in Chinese: the open tasks where the phone is, filtered by kind, taken (the door shown
while held), finished with a note and given back; a task someone else took first explained
kindly with the list refreshed; a non-rider told whom the page is for. Each test posts its
own tasks through the service for the demo's older people and uses a new rider."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.db.models import Elder, VolunteerTask
from gigcity.db.session import transaction
from gigcity.i18n import translations
from gigcity.services.accounts import AccountCreate, Principal, Role, create_account, principal_for
from gigcity.services.eldercare.volunteers import TaskIn, TaskKind
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import sign_in
from web.test_pages import assets
from web.web_support import PHONE, Demo, demo_principal

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from web.conftest import Watch

SCRIPT = STATIC_DIR / "js" / "eldercare-volunteer.js"
PATH = "/eldercare/volunteer"


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def new_rider(demo: Demo) -> tuple[str, Principal]:
    username = f"volunteer-{uuid.uuid4().hex[:8]}"
    person = AccountCreate(
        username=username, password=demo.password, display_name=username, role=Role.rider
    )
    with transaction(demo.platform.factory) as session:
        return username, principal_for(create_account(session, person, demo.platform.district))


def demo_elders(demo: Demo) -> list[Elder]:
    with demo.platform.factory() as session:
        return list(
            session.scalars(
                select(Elder)
                .where(Elder.subdistrict == demo.officer_subdistrict, Elder.ended_at.is_(None))
                .order_by(Elder.id)
            )
        )


def post_task(demo: Demo, elder: Elder, kind: TaskKind, title: str, days: int = 1) -> int:
    care = demo.platform.eldercare
    day = care.day_clock.today() + timedelta(days=days)
    body = TaskIn(elder_id=elder.id, kind=kind, title=title, day=day, team="货车司机爱心车队")
    return care.volunteers.post(demo_principal(demo, "officer"), body).id


def task_row(demo: Demo, task_id: int) -> VolunteerTask:
    with demo.platform.factory() as session:
        task = session.get(VolunteerTask, task_id)
        assert task is not None
        return task


def door_of(demo: Demo, elder: Elder) -> str:
    return demo.platform.eldercare.cipher.decrypt(elder.door_enc)


def where_elder_lives(page: Page, demo: Demo, elder: Elder) -> None:
    """The phone allows its position and stands at the older person's door."""
    assert demo.platform.district.locate(elder.lon, elder.lat) is not None
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": elder.lon, "latitude": elder.lat})


def open_page(page: Page, demo: Demo, username: str, path: str = PATH) -> None:
    sign_in(page, username, demo.password, path)
    page.wait_for_selector("#volunteer-page[data-state=ready]")


def task(page: Page, where: str, task_id: int) -> Any:
    return page.locator(f"#{where} li[data-task='{task_id}']")


# -- the page and its strings ---------------------------------------------------------------


def test_every_string_the_script_asks_for_is_on_the_page_in_both_languages(
    page_client: TestClient,
) -> None:
    strings = page_strings(page_client, PATH, "volunteer-strings", SCRIPT)
    chinese, chinese_html = strings.chinese, strings.chinese_html
    assert '<h1 id="volunteer-title">助老志愿任务</h1>' in chinese_html
    assert '<h1 id="volunteer-title">Volunteer tasks for older people</h1>' in strings.english_html
    asked = strings.asked | {"taken", "given_back"}  # built from the step taken
    assert asked <= set(chinese), sorted(asked - set(chinese))
    # The kind filter and the area chooser in the reader's words.
    assert '<option value="carry_large_item">搬运大件</option>' in chinese_html
    assert '<option value="carry_large_item">Carry a large item</option>' in strings.english_html
    assert ">桃浦镇</option>" in chinese_html
    # The menu shows riders the page, and the role gate names whom it is for.
    assert 'href="/eldercare/volunteer" data-for="rider"' in chinese_html
    shared = json.loads(assets(chinese_html).blocks["gigcity-strings"])
    assert shared["page_for_eldercare_volunteer"] == zh("riders and drivers")


# -- in the browser -------------------------------------------------------------------------


@pytest.mark.browser
def test_a_rider_takes_a_task_near_them_and_finishes_it_in_chinese(
    page: Page, demo: Demo, watch: Watch
) -> None:
    elders = demo_elders(demo)
    tag = uuid.uuid4().hex[:6]
    carry = post_task(demo, elders[1], TaskKind.carry_large_item, f"搬旧沙发下楼 {tag}")
    visit = post_task(demo, elders[2], TaskKind.visit, f"陪老人聊天 {tag}", days=0)
    username, rider = new_rider(demo)
    where_elder_lives(page, demo, elders[1])
    open_page(page, demo, username)

    # Found by the phone's position, with the minimum: first name, building, the day.
    expect(page.locator("#area-line")).to_have_text(zh("Near where your phone is"))
    row = task(page, "open", carry)
    expect(row.locator(".kind-badge")).to_have_text("搬运大件")
    expect(row.locator(".task-title")).to_have_text(f"搬旧沙发下楼 {tag}")
    first_name = demo.platform.eldercare.cipher.decrypt(elders[1].first_name_enc)
    expect(row.locator(".task-whom")).to_have_text(f"帮助对象：{first_name}，{elders[1].building}")
    expect(row.locator(".task-day")).to_have_text("明天")
    expect(row.locator(".task-team")).to_have_text("队伍：货车司机爱心车队")
    expect(task(page, "open", visit).locator(".task-day")).to_have_text("今天")
    assert door_of(demo, elders[1]) not in page.content()  # no door before taking
    # Big targets on a 390 px phone, and nothing wider than the screen.
    for target in (row.locator("button.task-take"), page.locator("#kind"), page.locator("#area")):
        box = target.bounding_box()
        assert box is not None
        assert box["height"] >= 48, box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The kind filter narrows the list.
    page.select_option("#kind", "visit")
    expect(task(page, "open", carry)).to_have_count(0)
    expect(task(page, "open", visit)).to_have_count(1)
    page.select_option("#kind", "")
    expect(task(page, "open", carry)).to_have_count(1)

    # Take it: it moves to my tasks, with the door.
    expect(page.locator("#mine-empty")).to_be_visible()
    task(page, "open", carry).locator("button.task-take").click()
    expect(page.locator("#notice")).to_have_text(
        zh("You have taken this task. Its door is shown below until it is done.")
    )
    held = task(page, "mine", carry)
    expect(held.locator(".task-door")).to_have_text("门牌：" + door_of(demo, elders[1]))
    expect(task(page, "open", carry)).to_have_count(0)
    assert task_row(demo, carry).taken_by == rider.account_id
    for target in ("button.task-done", "button.task-give-back", "textarea.task-note"):
        box = held.locator(target).bounding_box()
        assert box is not None
        assert box["height"] >= 48, (target, box)

    # Done with a note: the door goes, the note stays with the task.
    held.locator("textarea.task-note").fill("沙发已搬到楼下回收点")
    held.locator("button.task-done").click()
    expect(page.locator("#notice")).to_have_text(zh("Thank you! The task is marked done."))
    expect(task(page, "mine", carry)).to_have_count(0)
    expect(page.locator("#done-title")).to_have_text("以前完成的（1）")
    page.locator("#done-box summary").click()
    finished = task(page, "done", carry)
    expect(finished.locator(".task-done-note")).to_have_text("你的备注：沙发已搬到楼下回收点")
    assert door_of(demo, elders[1]) not in page.content()
    saved = task_row(demo, carry)
    assert saved.done_at is not None
    assert saved.note == "沙发已搬到楼下回收点"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert watch.errors == []


@pytest.mark.browser
def test_a_task_given_back_is_open_again(page: Page, demo: Demo) -> None:
    elders = demo_elders(demo)
    tag = uuid.uuid4().hex[:6]
    repair = post_task(demo, elders[3], TaskKind.repair, f"修水龙头 {tag}")
    username, rider = new_rider(demo)
    demo.platform.eldercare.volunteers.take(rider, repair)
    open_page(page, demo, username, f"{PATH}?area={demo.officer_subdistrict}")
    held = task(page, "mine", repair)
    expect(held.locator(".task-door")).to_contain_text(door_of(demo, elders[3]))
    held.locator("button.task-give-back").click()
    expect(page.locator("#notice")).to_have_text(
        zh("Given back: the task is open for others again.")
    )
    expect(task(page, "open", repair)).to_have_count(1)
    expect(page.locator("#mine-empty")).to_be_visible()
    assert task_row(demo, repair).taken_by is None


@pytest.mark.browser
def test_a_task_someone_else_took_first_is_explained_kindly_and_the_list_refreshed(
    page: Page, demo: Demo, watch: Watch
) -> None:
    elders = demo_elders(demo)
    tag = uuid.uuid4().hex[:6]
    wanted = post_task(demo, elders[0], TaskKind.carry_large_item, f"搬米上楼 {tag}")
    username, _ = new_rider(demo)
    open_page(page, demo, username, f"{PATH}?area={demo.officer_subdistrict}")
    area = demo.platform.district.get(demo.officer_subdistrict)
    assert area is not None
    expect(page.locator("#area-line")).to_have_text(f"{area.name}的任务")
    row = task(page, "open", wanted)
    expect(row).to_have_count(1)

    _, quicker = new_rider(demo)
    demo.platform.eldercare.volunteers.take(quicker, wanted)  # meanwhile, on another phone
    row.locator("button.task-take").click()
    expect(page.locator("#notice")).to_have_text(
        zh(
            "Someone else took this task just before you. Thank you all the same: the list "
            "is up to date again."
        )
    )
    expect(page.locator("#alert")).to_be_hidden()
    expect(task(page, "open", wanted)).to_have_count(0)
    expect(task(page, "mine", wanted)).to_have_count(0)
    assert task_row(demo, wanted).taken_by == quicker.account_id
    assert watch.errors == []


@pytest.mark.browser
def test_a_rider_without_position_or_area_is_asked_to_choose_one(page: Page, demo: Demo) -> None:
    username, _ = new_rider(demo)  # no sub-district; the phone gives no position
    open_page(page, demo, username)
    expect(page.locator("#area-line")).to_have_text(
        zh("Choose an area above: your phone gave no position and your account has no area.")
    )
    expect(page.locator("#alert")).to_be_hidden()
    page.select_option("#area", demo.officer_subdistrict)
    page.wait_for_selector("#volunteer-page[data-state=ready] #open li")
    assert page.locator("#open li").count() >= 1


@pytest.mark.browser
def test_a_non_rider_is_told_the_page_is_for_riders(page: Page, demo: Demo) -> None:
    sign_in(page, "officer", demo.password, "/officer")
    page.goto(PATH)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-text")).to_contain_text(zh("riders and drivers"))
    expect(page.locator("#role-gate-home")).to_have_attribute("href", "/officer")
    expect(page.locator("#volunteer-page")).to_be_hidden()
