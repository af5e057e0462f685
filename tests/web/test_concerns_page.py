"""The concerns board (/concerns, 周二见, issue 20). In the browser, on a 390 px phone in
Chinese: a rider sees the demo's concerns (the answered one with the platform's answer, the
overdue one flagged, nobody named as raiser) and next Tuesday's agenda, says "me too" and
the count follows, and raises a concern of their own; the demo staff, the committee's
officer, puts it on next Tuesday's agenda. Without a browser: the page carries every string
its script asks for, in both languages, including the names built from the API's values."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from gigcity.services.organisation.concerns_schemas import ConcernStatus, Topic
from gigcity.sim.scenarios import ScenarioWorkbench
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import expect, sign_in, zh
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

RUN_STATUSES = ("queued", "running", "done", "failed", "interrupted")
# The keys the script builds from the API's values ("topic_" + c.topic, ...) or chooses.
BUILT_KEYS = (
    {f"topic_{t}" for t in Topic}
    | {f"status_{s}" for s in ConcernStatus}
    | {f"run_{s}" for s in RUN_STATUSES}
    | {"supported", "support_taken_back", "answer_title", "declined_answer"}
)


def test_the_scripts_strings_are_on_the_page_in_both_languages(page_client: TestClient) -> None:
    strings = page_strings(
        page_client, "/concerns", "concerns-strings", STATIC_DIR / "js" / "concerns.js"
    )
    assert strings.asked, "concerns.js asks for no string"
    wanted = strings.asked | BUILT_KEYS
    assert wanted <= set(strings.chinese), sorted(wanted - set(strings.chinese))
    assert 'data-roles="rider staff admin"' in strings.chinese_html
    assert "<script>" not in strings.chinese_html  # no inline script (CSP)


@pytest.mark.browser
def test_a_rider_says_me_too_and_raises_a_concern_the_officer_takes_up(
    page: Page, demo: Demo
) -> None:
    sign_in(page, "rider", demo.password, "/concerns")
    page.wait_for_selector("#concerns-page[data-state=ready] #concerns li")
    answered = page.locator("#concerns li[data-status=answered]")
    expect(answered).to_contain_text("老旧小区爬楼费")
    expect(answered).to_contain_text(zh("The platform's answer"))
    lateness = page.locator("#concerns li", has_text="取消超时扣款")
    expect(lateness).to_contain_text(zh("Past its due date"))
    expect(lateness).to_contain_text(zh("You raised this"))
    expect(page.locator("#concerns")).not_to_contain_text("骑手小李")  # nobody named
    expect(page.locator("#agenda")).to_contain_text("交通管制绕行谁来承担")

    detours = page.locator("#concerns li", has_text="交通管制绕行谁来承担")
    detours_id = int(detours.get_attribute("data-concern") or 0)
    assert detours_id
    before = detours.locator("[data-role=supporters]").inner_text()
    detours.locator("[data-role=support]").click()
    expect(page.locator("#notice")).to_have_text(zh("Counted: you have this problem too."))
    after = page.locator(f"#concerns li[data-concern='{detours_id}'] [data-role=supporters]")
    expect(after).not_to_have_text(before)

    page.fill("#raise-title-input", "暴雨天配送无补贴")
    page.select_option("#raise-topic", "pay")
    page.fill("#raise-detail", "暴雨天单量大、路难走，没有恶劣天气补贴。")
    page.click("#raise-send")
    mine = page.locator("#concerns li", has_text="暴雨天配送无补贴")
    expect(mine).to_contain_text(zh("Not yet taken up"))
    expect(mine).to_contain_text(zh("{count} riders share this").format(count=1))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width

    # The committee's officer (the demo's staff) puts it on next Tuesday's agenda.
    page.evaluate("localStorage.clear()")
    sign_in(page, "staff", demo.password, "/concerns")
    page.wait_for_selector("#concerns-page[data-state=ready] #concerns li")
    mine = page.locator("#concerns li", has_text="暴雨天配送无补贴")
    expect(mine.locator("[data-role=support]")).to_have_count(0)  # only riders say me too
    mine.locator("details.concern-manage-box summary").click()
    mine.locator("select[name=status]").select_option("on_agenda")
    mine.locator("select[name=meeting]").select_option(index=1)
    mine.locator("input[name=owner]").fill("平台骑手服务部")
    mine.locator("button[type=submit]").first.click()
    expect(page.locator("#notice")).to_have_text(zh("Saved."))
    mine = page.locator("#concerns li", has_text="暴雨天配送无补贴")
    expect(mine).to_have_attribute("data-status", "on_agenda")
    expect(mine).to_contain_text(zh("Owner: {owner}").format(owner="平台骑手服务部"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


@pytest.mark.browser
def test_an_admin_prices_a_concern_on_the_workbench(page: Page, demo: Demo) -> None:
    workbench = demo.platform.workbench
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workbench, "engine", ScenarioWorkbench())  # as `gigcity serve` has it
        sign_in(page, "admin", demo.password, "/concerns")
        page.wait_for_selector("#concerns-page[data-state=ready] #concerns li")
        lateness = page.locator("#concerns li", has_text="取消超时扣款")
        lateness.locator("details.concern-propose-box summary").click()
        form = lateness.locator("form.concern-propose")
        expect(form.locator("select[name=rules_a]")).to_have_value("baseline-2024")
        expect(form.locator("select[name=rules_b]")).to_have_value("putuo-2025")
        form.locator("input[name=orders]").fill("50")
        form.locator("button[type=submit]").click()
        expect(page.locator("#notice")).to_have_text(
            zh("The comparison has started and is linked to this concern.")
        )
        link = page.locator("#concerns li", has_text="取消超时扣款").locator(".concern-run a")
        href = link.get_attribute("href") or ""
        assert href.startswith("/workbench?run="), href
        run = workbench.get(int(href.split("=")[1]))
        assert run.orders == 50
        deadline = time.monotonic() + 60
        while run.status == "queued":  # handed to the simulator before it is patched out
            assert time.monotonic() < deadline, run.stage
            time.sleep(0.05)
            run = workbench.get(run.id)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
