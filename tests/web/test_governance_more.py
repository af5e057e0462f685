"""The governance hub in the browser, two more stories: a district admin changes an existing
topic rule (the form comes filled in, the change is saved and fires on a tried text), and a
district admin on a 390 px phone in Chinese uploads an XLSX export through the page, follows
it to the counts and finds it, with the earlier imports, in the list of every import."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from gigcity.services.accounts import Principal, Role
from gigcity.services.governance import RuleIn
from gigcity.services.governance.synthetic import CSV_HEADERS, MALL
from web.test_browser import sign_in
from web.test_governance_pages import assert_fits, expect, governance, zh
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ADMIN = Principal(role=Role.admin, label="governance-more-admin")
__all__ = ["governance"]  # the module's fixture, shared


@pytest.mark.browser
def test_an_admin_changes_an_existing_rule_and_it_fires_as_changed(
    page: Page, governance: Demo
) -> None:
    service = governance.platform.governance
    rule_id = f"test-edit-{uuid.uuid4().hex[:4]}"
    service.save_rule(
        ADMIN,
        rule_id,
        RuleIn(topic="noise", groups=[["外卖"], ["唱歌"]], priority=2),
        "zh_CN",
        new=True,
    )
    try:
        sign_in(page, "admin", governance.password, "/governance")
        page.wait_for_selector("#gov-page[data-state=ready]")
        page.click("#tab-rules")
        listed = page.locator(f"#rules li[data-rule='{rule_id}']")
        listed.locator("button", has_text=zh("Edit")).click()
        # The form holds the rule as it is; its id cannot change.
        expect(page.locator("#rule-form")).to_be_visible()
        expect(page.locator("#rule-form-title")).to_have_text(
            zh("Change rule {rule}", rule=rule_id)
        )
        expect(page.locator("#rule-id")).to_have_value(rule_id)
        expect(page.locator("#rule-id")).to_be_disabled()
        expect(page.locator("#rule-topic")).to_have_value("noise")
        expect(page.locator("#rule-groups")).to_have_value("外卖\n唱歌")
        expect(page.locator("#rule-priority")).to_have_value("2")

        page.select_option("#rule-topic", "conflict")
        page.fill("#rule-groups", "外卖 骑手\n吵架 争执")
        page.fill("#rule-exclude", "快递")
        page.fill("#rule-priority", "1")
        page.click("#rule-form button[type=submit]")
        expect(page.locator("#notice")).to_have_text(
            zh("Rule {rule} saved. Apply the rules to all complaints to sort them again.",
               rule=rule_id)
        )  # fmt: skip
        expect(page.locator("#rule-form")).to_be_hidden()
        expect(listed.locator(".tag.topic")).to_have_attribute("data-topic", "conflict")
        expect(page.locator("#rules li").first).to_have_attribute("data-rule", rule_id)
        saved = next(r for r in service.rules(ADMIN, "zh_CN") if r.id == rule_id)
        assert (saved.topic, saved.priority, saved.exclude) == ("conflict", 1, ["快递"])
        assert saved.groups == [["外卖", "骑手"], ["吵架", "争执"]]

        page.fill("#try-text", "外卖骑手和保安在门口吵架")
        page.click("#try-form button[type=submit]")
        expect(page.locator("#try-verdict .fired-rule")).to_have_text(rule_id)
        page.fill("#try-text", "外卖小哥在楼下唱歌")  # the old words no longer fire it
        page.click("#try-form button[type=submit]")
        expect(page.locator("#try-verdict .fired-rule")).not_to_have_text(rule_id)
    finally:
        if rule_id in {r.id for r in service.rules(ADMIN, "zh_CN")}:
            service.delete_rule(ADMIN, rule_id)


def _xlsx(rows: list[tuple[Any, ...]]) -> bytes:
    """A hotline export as XLSX, with a title row above the header as the hotline writes."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["12345 市民服务热线工单导出"])
    sheet.append(list(CSV_HEADERS))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.browser
def test_an_admin_on_a_phone_uploads_an_xlsx_export_and_finds_every_import_listed(
    browser: Browser, live_server: str, governance: Demo, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    name = f"热线-{tag}.xlsx"
    path = tmp_path / name
    path.write_bytes(
        _xlsx(
            [
                (f"X{tag}-1", "2024-05-02 12:05", MALL, "城市管理", "外卖骑手把电动车乱停在商场门口"),
                (f"X{tag}-2", "2024-05-03 18:40", MALL, "交通管理", "送外卖的电动车在人行道上逆行"),
                (f"X{tag}-3", "2024-05-04 09:00", "", "城市管理", "外卖电动车占道"),
                (f"X{tag}-4", "2024-05-05 19:30", MALL, "城市管理", "骑手电动车堵住消防通道"),
            ]
        )
    )  # fmt: skip
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        sign_in(page, "admin", governance.password, "/governance")
        page.wait_for_selector("#gov-page[data-state=ready]")
        expect(page.locator("#imports-list")).to_have_attribute("data-state", "ready")
        before = page.locator("#imports-list li.import-item").count()
        assert before >= 1  # the demo's synthetic year at least

        page.set_input_files("#import-file", str(path))
        page.click("#import-form button[type=submit]")
        result = page.locator("#import-result")
        expect(result).to_have_attribute("data-status", "done", timeout=30_000)
        counts = page.locator("#import-counts")
        expect(page.locator("#import-status .filename")).to_have_text(name)
        expect(counts.locator("[data-count=rows_read] dd")).to_have_text("4")
        expect(counts.locator("[data-count=accepted] dd")).to_have_text("3")
        expect(counts.locator("[data-count=refused] dd")).to_have_text("1")
        expect(page.locator("#refusal-rows tr")).to_have_count(1)
        expect(page.locator("#refusal-rows tr td").first).to_have_text("5")  # title + header

        # Every import, newest first: this one on top with its counts, the others below.
        items = page.locator("#imports-list li.import-item")
        expect(items).to_have_count(before + 1)
        newest = items.first
        expect(newest.locator(".filename")).to_have_text(name)
        expect(newest.locator(".import-line")).to_have_text(
            zh(
                "{read} rows read: {accepted} kept, {duplicates} duplicates, {refused} refused, "
                "{unplaced} not placed.",
                read=4, accepted=3, duplicates=0, refused=1, unplaced=0,
            )
        )  # fmt: skip
        # An earlier one opens in the result box, with its own counts.
        older = items.nth(before)
        older_id = int(older.get_attribute("data-import-id") or 0)
        older.locator("button.show-import").click()
        shown = governance.platform.governance.get_import(ADMIN, older_id, "zh_CN")
        expect(page.locator("#import-status .filename")).to_have_text(shown.filename)
        expect(counts.locator("[data-count=accepted] dd")).to_have_text(str(shown.accepted))
        assert_fits(page, "complaints")
    finally:
        context.close()
    assert errors == [], errors
