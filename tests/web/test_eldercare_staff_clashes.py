"""The staff page's "menu clashes this week" (/eldercare/staff), in headless Chromium on a
phone in Chinese: the demo canteen's coming menus against the demo's older people, each
clashing dish with how many and their first names, as the API gives them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from gigcity.db.models import Account, Canteen
from gigcity.services.accounts import principal_for
from gigcity.services.eldercare.clashes import MenuClashes
from web.test_browser import sign_in
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from web.conftest import Watch


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.mark.browser
def test_the_staff_page_shows_the_weeks_clashes_in_chinese(
    page: Page, demo: Demo, watch: Watch
) -> None:
    with demo.platform.factory() as session:
        officer = principal_for(
            session.scalars(select(Account).where(Account.username == "officer")).one()
        )
        canteen_id = session.scalars(
            select(Canteen.id).where(Canteen.subdistrict == demo.officer_subdistrict)
        ).first()
    assert canteen_id is not None
    week = MenuClashes(demo.platform.eldercare).for_manager(officer, canteen_id)
    assert week.meals, "the demo's menus clash with someone's diet this week"
    first = week.meals[0]

    sign_in(page, "officer", demo.password, "/eldercare/staff")
    row = page.locator(
        f"#clashes li.clash[data-canteen='{canteen_id}'][data-day='{first.day}']"
        f"[data-meal='{first.meal.value}']"
    )
    expect(row).to_have_count(1)
    expect(row.locator("strong")).to_contain_text(week.canteen_name)
    expect(row.locator("strong")).to_contain_text("午餐" if first.meal.value == "lunch" else "晚餐")
    dish = first.dishes[0]
    expect(row.locator("li").first).to_have_text(
        f"{dish.dish}：{dish.count} 人不宜（{'、'.join(dish.first_names)}）"
    )
    expect(page.locator("#clashes-empty")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert watch.errors == []
