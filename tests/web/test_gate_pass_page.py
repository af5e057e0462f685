"""The rider's gate pass page: rendered in both languages, and in headless Chromium a
certified rider's rotating code that the estate's gate controller accepts, fetched again
when it expires; a rider without certification is told how to get one."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.db.models import Estate as EstateRow
from gigcity.i18n import translations
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.gates import CheckIn
from gigcity.web.templating import STATIC_DIR
from web.language_support import latin_sentences
from web.test_browser import sign_in
from web.test_pages import CJK, assets
from web.web_support import PHONE, Demo

if TYPE_CHECKING:
    from playwright.sync_api import Page

PATH = "/pass"
SCRIPT = STATIC_DIR / "js" / "gate-pass.js"


def zh(message: str) -> str:
    return translations("zh_CN", "web").gettext(message)


def test_the_page_is_chinese_by_default_and_english_on_request(page_client: TestClient) -> None:
    response = page_client.get(PATH, headers={"Accept-Language": ""})
    assert response.status_code == 200
    assert f"<h1>{zh('My gate pass')}</h1>" in response.text
    assert zh("My gate pass") != "My gate pass"
    english = page_client.get(PATH, params={"lang": "en"})
    assert "<h1>My gate pass</h1>" in english.text
    strings = json.loads(assets(english.text).blocks["pass-strings"])
    assert not any(CJK.search(text) for text in strings.values())


def test_every_string_the_script_asks_for_is_on_the_page(page_client: TestClient) -> None:
    script = SCRIPT.read_text(encoding="utf-8")
    assert not CJK.search(script)
    asked = set(re.findall(r'say\("([a-z_]+)"', script))
    for lang in ("zh-CN", "en"):
        html = page_client.get(PATH, params={"lang": lang}).text
        strings: dict[str, Any] = json.loads(assets(html).blocks["pass-strings"])
        assert asked <= set(strings), asked - set(strings)


def gate_of(demo: Demo, estate_id: int) -> str:
    with demo.platform.factory() as session:
        document = session.scalar(select(EstateRow.document).where(EstateRow.id == estate_id))
    assert document is not None
    return next(g["ref"] for g in document["gates"] if g.get("riders_pass", True))


@pytest.mark.browser
def test_a_certified_rider_shows_a_code_the_gate_accepts(page: Page, demo: Demo) -> None:
    from playwright.sync_api import expect

    page.clock.install()
    sign_in(page, "rider", demo.password, PATH)
    page.wait_for_selector("#gate-pass[data-state=ready]")
    expect(page.locator("#standing")).to_contain_text("认证有效期至")
    code = page.locator("#code").inner_text().replace(" ", "")
    assert re.fullmatch(r"[0-9]{6}", code)
    assert page.evaluate("document.getElementById('qr').naturalWidth") > 0
    pass_number = page.locator("#pass-number").inner_text()
    estate_id = int(page.locator("#estate").input_value())
    controller = Principal(
        role=Role.platform, label="test gate", scopes=frozenset({Scope.gates}), estate_id=estate_id
    )
    answer = demo.platform.gates.check(
        controller,
        CheckIn(gate=gate_of(demo, estate_id), payload=f"GCP1:{pass_number}:{code}"),
        "zh_CN",
    )
    assert answer.allow, answer.reason
    assert answer.rider_label == page.locator("#pass-label").inner_text()
    assert not latin_sentences(page.locator("#gate-pass").inner_text())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # When the code's 30 seconds are up the page asks for the next one by itself.
    with page.expect_response(lambda r: r.url.endswith(f"/api/gates/passes/{estate_id}/code")):
        page.clock.fast_forward(31_000)
    page.wait_for_selector("#gate-pass[data-state=ready]")


@pytest.mark.browser
def test_a_rider_without_certification_is_told_how_to_get_one(page: Page, demo: Demo) -> None:
    from playwright.sync_api import expect

    sign_in(page, "rider2", demo.password, PATH)
    page.wait_for_selector("#gate-pass[data-state=not-certified]")
    expect(page.locator("#standing")).to_have_text(
        zh(
            "You are not certified for gate passes yet. A rider station or your platform can certify you."
        )
    )
    expect(page.locator("#card")).to_be_hidden()


@pytest.mark.browser
def test_other_accounts_are_told_the_page_is_for_riders(page: Page, demo: Demo) -> None:
    from playwright.sync_api import expect

    sign_in(page, "staff", demo.password, PATH)
    expect(page.locator("#role-gate")).to_be_visible()
    expect(page.locator("#role-gate-home")).to_have_attribute("href", "/manage")
