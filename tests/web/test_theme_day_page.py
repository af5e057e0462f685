"""The theme-day pages (issue 20). In the browser, on a 390 px phone in Chinese, on the day of
this month's theme day: the demo rider opens the station's QR link (/theme-day?code=...),
signs in and is checked in at once; opening it again says they had checked in already; the
month is in their history. The station's staff see the poster with its QR code and the
rider in the attendance list, and schedule a make-up session. Without a browser: both
pages carry every string their scripts ask for, in both languages."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.db.models import Account, ThemeDay
from gigcity.services.organisation.theme_days import LOCAL_TZ
from gigcity.services.organisation.theme_schemas import Mode, SessionKind
from gigcity.web.templating import STATIC_DIR
from web.strings_support import page_strings
from web.test_browser import expect, sign_in, zh
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.mark.parametrize(
    ("path", "block", "script", "built"),
    [
        (
            "/theme-day",
            "theme-strings",
            "theme-day.js",
            {f"kind_{k}" for k in SessionKind} | {f"mode_{m}" for m in Mode},
        ),
        (
            "/station-team",
            "org-strings",
            "station-team.js",
            {f"theme_kind_{k}" for k in SessionKind}
            | {f"theme_mode_{m}" for m in Mode}
            | {f"theme_poster_heading_{k}" for k in SessionKind},
        ),
    ],
)
def test_the_scripts_strings_are_on_the_pages_in_both_languages(
    page_client: TestClient, path: str, block: str, script: str, built: set[str]
) -> None:
    strings = page_strings(page_client, path, block, STATIC_DIR / "js" / script)
    wanted = strings.asked | built
    assert wanted <= set(strings.chinese), sorted(wanted - set(strings.chinese))
    assert "<script>" not in strings.chinese_html  # no inline script (CSP)


@pytest.mark.browser
def test_a_rider_checks_in_by_the_qr_link_and_the_staff_see_it(
    page: Page, demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    themes = demo.platform.theme_days
    month = themes.this_month()
    themes.ensure_month(month)
    with demo.platform.factory() as session:
        day = session.scalars(
            select(ThemeDay).where(
                ThemeDay.place_id == demo.staff_station_id,
                ThemeDay.month == month,
                ThemeDay.kind == "theme",
            )
        ).one()
        rider = session.scalar(select(Account.display_name).where(Account.username == "rider"))
    on_the_day = datetime.combine(day.held_on, time(10), tzinfo=LOCAL_TZ)
    monkeypatch.setattr(themes, "now", lambda: on_the_day)

    link = f"/theme-day?code={day.code}"
    sign_in(page, "rider", demo.password, link)
    page.wait_for_selector("#theme-day-page[data-state=ready]")
    expect(page.locator("#result-title")).to_have_text(zh("You are checked in"))
    assert "code=" not in page.url  # posted once: a reload does not post it again
    # The month as a reader says it (2026年12月), not its code.
    expect(page.locator(f"#mine li[data-month='{month}']")).to_contain_text(
        f"{int(month[:4])}年{int(month[5:])}月"
    )
    # The month's day is said once above the list, not on every station's row.
    said = f"{day.held_on.month}月{day.held_on.day}日"
    expect(page.locator("#theme-summary")).to_contain_text(said)
    assert said not in page.locator("#days li").first.inner_text()
    page.click("#show-all")
    expect(page.locator(f"#days li[data-day='{day.id}'][data-open=yes]")).to_be_visible()

    page.goto(link)
    page.wait_for_selector("#theme-day-page[data-state=ready]")
    expect(page.locator("#result-title")).to_have_text(zh("Checked in already this month"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width

    page.evaluate("localStorage.clear()")
    sign_in(page, "staff", demo.password, "/station-team")
    page.wait_for_selector("#station-team-page[data-state=ready] #theme-sessions li")
    src = page.locator("#poster-qr").get_attribute("src") or ""
    assert src.startswith("data:image/svg+xml"), src[:40]
    expect(page.locator("#attendance")).to_contain_text(str(rider))
    sessions = page.locator("#theme-sessions li").count()
    page.fill("#makeup-day", (day.held_on + timedelta(days=3)).isoformat())
    page.fill("#makeup-title", "补课：安全骑行")
    page.click("#makeup-add")
    expect(page.locator("#theme-sessions li")).to_have_count(sessions + 1)
    expect(page.locator("#theme-sessions li[data-kind=makeup]").last).to_contain_text(
        "补课：安全骑行"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
