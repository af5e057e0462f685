"""The algorithm audit page (/audit, issue 19). In the browser, a district admin on a 390 px
phone in Chinese uploads a small decision log, sees its audit finish with the verdict per
check (the planted lateness fine breached), and finds the fined rider's findings by the
platform's rider id. Without a browser: the script's strings are on the page in both
languages, and the page is for officers and admins."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from gigcity.web.templating import STATIC_DIR
from services.audit.platform_support import FINED, small_log
from web.strings_support import page_strings
from web.test_browser import expect, sign_in, zh
from web.web_support import Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCRIPT = STATIC_DIR / "js" / "audit.js"
BUILT_KEYS = (
    {f"status_{s}" for s in ("queued", "running", "done", "failed")}
    | {f"count_{k}" for k in ("orders", "riders", "refused", "failed", "findings")}
    | {f"file_{f}" for f in ("report_html", "report_pdf", "report_json", "findings_csv")}
    | {f"change_{c}" for c in ("better", "worse", "same", "new", "gone")}
    | {"passed", "breached", "not_applicable", "nothing_checked", "rider_some", "rider_none"}
    | {"by_platform", "by_staff", "days_one", "days_many"}
)


def test_the_scripts_strings_are_on_the_page_in_both_languages(page_client: TestClient) -> None:
    strings = page_strings(page_client, "/audit", "audit-strings", SCRIPT)
    asked = strings.asked | BUILT_KEYS
    assert strings.asked, "audit.js asks for no string"
    assert asked <= set(strings.chinese), sorted(asked - set(strings.chinese))
    assert 'data-roles="officer admin"' in strings.chinese_html
    assert "<h1>算法审计</h1>" in strings.chinese_html
    assert "<script>" not in strings.chinese_html  # no inline script (CSP)


@pytest.mark.browser
def test_an_admin_uploads_a_log_and_sees_its_audit_on_a_phone(page: Page, demo: Demo) -> None:
    sign_in(page, "admin", demo.password, "/audit")
    page.wait_for_selector("#audit-page[data-state=ready]")
    expect(page.locator("#upload-panel")).to_be_visible()
    page.set_input_files(
        "#log-file",
        files=[
            {"name": "upload-day.jsonl", "mimeType": "application/x-ndjson", "buffer": small_log()}
        ],
    )
    page.click("#upload-submit")
    run = page.locator("#runs .run", has=page.locator("code.filename", has_text="upload-day.jsonl"))
    expect(run).to_have_attribute("data-status", "done", timeout=60_000)
    fine = run.locator(".check[data-check=lateness_deductions]")
    expect(fine).to_have_attribute("data-verdict", "breached")
    expect(fine.locator(".verdict")).to_have_text(zh("Breached"))
    expect(run.locator(".count[data-count=orders] dd")).to_have_text("2")
    expect(run.locator("button[data-file=report_pdf]")).to_have_text(zh("Report (PDF)"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The fined rider, found by the platform's id: under a pseudonym, with the fine.
    run_id = run.get_attribute("data-run")
    page.select_option("#rider-run", run_id)
    page.fill("#rider-id", FINED)
    page.click("#rider-submit")
    found = page.locator("#rider-findings li[data-check=lateness_deductions]")
    expect(found).to_have_count(1)
    summary = page.locator("#rider-summary code").inner_text()
    assert summary.startswith("R-")
    assert FINED not in page.locator("#rider-result").inner_text()
