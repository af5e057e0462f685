"""The pages without a browser: languages, static assets served by the app, security headers,
and the rule that every string a page shows comes from a catalog."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

import gigcity
from gigcity.services.accounts import Role
from gigcity.services.places.records import AUDITED_FIELDS
from gigcity.web.catalog import extract_template_messages
from gigcity.web.csp import content_security_policy, tile_origin
from gigcity.web.templating import STATIC_DIR
from web.web_support import TILE_HOST

PAGES = ("/", "/login", "/manage")
WEB_PO = Path(gigcity.__file__).parent / "locales/zh_CN/LC_MESSAGES/web.po"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


class _Assets(HTMLParser):
    """The script and stylesheet URLs, and the JSON blocks, of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.blocks: dict[str, str] = {}
        self._block: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("rel") in ("stylesheet", "icon"):
            self.urls.append(found.get("href") or "")
        if tag == "script" and found.get("type") == "application/json":
            self._block = found.get("id")

    def handle_data(self, data: str) -> None:
        if self._block:
            self.blocks[self._block] = self.blocks.get(self._block, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._block = None


def assets(html: str) -> _Assets:
    parser = _Assets()
    parser.feed(html)
    return parser


def page_strings(client: TestClient, path: str = "/", **headers: str) -> dict[str, object]:
    html = client.get(path, headers=headers).text
    strings: dict[str, object] = json.loads(assets(html).blocks["gigcity-strings"])
    return strings


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_chinese_by_default(page_client: TestClient, path: str) -> None:
    response = page_client.get(path, headers={"Accept-Language": ""})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in response.text
    assert "友好地图" in response.text
    assert "set-cookie" not in response.headers  # no choice made, nothing remembered


@pytest.mark.parametrize("path", PAGES)
def test_lang_en_switches_to_english_and_is_remembered(page_client: TestClient, path: str) -> None:
    response = page_client.get(path, params={"lang": "en"})
    assert '<html lang="en">' in response.text
    assert "Friendly map" in response.text
    assert not CJK.search(response.text.split('id="gigcity-strings"')[1])
    assert "lang=en" in response.headers["set-cookie"]
    # The switch link leads back to Chinese, keeping the rest of the query.
    assert 'href="' + path + '?lang=zh-CN"' in response.text


def test_the_map_page_names_its_controls_in_the_reader_language(page_client: TestClient) -> None:
    zh = page_client.get("/").text
    en = page_client.get("/", params={"lang": "en"}).text
    assert "附近营业中" in zh
    assert "Nearest open now" in en
    assert 'data-amenity="drinking_water" aria-pressed="false">饮用水<' in zh
    assert 'data-amenity="drinking_water" aria-pressed="false">Drinking water<' in en


@pytest.mark.parametrize(
    ("headers", "lang"),
    [
        ({"Accept-Language": "en-US,en;q=0.9"}, "en"),
        ({"Accept-Language": "en;q=0.5, zh-CN;q=0.9"}, "zh-CN"),
        ({"Accept-Language": "fr-FR, en;q=0.8"}, "en"),
        ({"Accept-Language": "de"}, "zh-CN"),
        ({"Cookie": "lang=en", "Accept-Language": "zh-CN"}, "en"),
    ],
)
def test_pages_follow_the_cookie_then_accept_language(
    page_client: TestClient, headers: dict[str, str], lang: str
) -> None:
    response = page_client.get("/", headers=headers)
    assert f'<html lang="{lang}">' in response.text


@settings(max_examples=40, deadline=None)
@given(
    header=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
    lang=st.text(max_size=12),
)
def test_any_language_header_or_parameter_gives_a_page(
    web_app: FastAPI, header: str, lang: str
) -> None:
    client = TestClient(web_app)
    response = client.get("/", params={"lang": lang}, headers={"Accept-Language": header})
    assert response.status_code == 200
    assert re.search(r'<html lang="(zh-CN|en)">', response.text)


def test_leaflet_is_served_by_the_app(page_client: TestClient) -> None:
    js = page_client.get("/static/leaflet/leaflet.js")
    assert js.status_code == 200
    assert "javascript" in js.headers["content-type"]
    assert "Leaflet" in js.text[:2000]
    css = page_client.get("/static/leaflet/leaflet.css")
    assert css.status_code == 200
    assert ".leaflet-container" in css.text


@pytest.mark.parametrize("path", PAGES)
def test_every_asset_of_a_page_is_served_from_this_server(
    page_client: TestClient, path: str
) -> None:
    urls = assets(page_client.get(path).text).urls
    assert any(u.startswith("/static/js/common.js") for u in urls)
    for url in urls:
        assert url.startswith("/static/"), f"{url} is not served by the app"
        assert page_client.get(url).status_code == 200, url


def test_pages_forbid_scripts_from_other_sites(page_client: TestClient) -> None:
    policy = page_client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert f"https://{TILE_HOST}" in policy  # tiles are the one thing from elsewhere


def test_the_map_page_gets_tiles_and_district_from_the_settings(page_client: TestClient) -> None:
    config = json.loads(assets(page_client.get("/").text).blocks["gigcity-config"])
    settings = page_client.app.state.settings  # type: ignore[attr-defined]
    assert config["tileUrl"] == settings.tile_url
    assert config["tileAttribution"] == settings.tile_attribution
    assert config["bbox"] == list(page_client.app.state.platform.district.bbox)  # type: ignore[attr-defined]
    assert config["kinds"]["rider_station"] == "骑手驿站"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("", None),
    ],
)
def test_tile_origin(url: str, origin: str | None) -> None:
    assert tile_origin(url) == origin
    assert (
        "img-src 'self' data:" + (f" {origin}" if origin else "") + ";"
    ) in content_security_policy(url)


# -- catalogs: no text in scripts, every template string translated ---------------------


def _script_sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in (STATIC_DIR / "js").glob("*.js")}


def test_scripts_carry_no_chinese_text() -> None:
    for name, source in _script_sources().items():
        assert not CJK.search(source), f"{name} has text that belongs in the catalog"


def test_every_string_a_script_asks_for_is_on_the_page(page_client: TestClient) -> None:
    strings = page_strings(page_client)
    asked = set()
    for source in _script_sources().values():
        asked |= set(re.findall(r"\bt\(\s*\"([a-z0-9_]+)\"\s*[,)]", source))
    assert asked, "the pattern found no t(...) calls"
    assert asked <= set(strings), f"missing strings: {sorted(asked - set(strings))}"
    # Keys the scripts build from API values.
    for role in Role:
        if role != Role.platform:
            assert f"role_{role.value}" in strings
    for action in ("seed", "create", "update", "status", "import", "delete"):
        assert f"action_{action}" in strings
    for part in ("count", "free", "price_fen", "note"):
        assert f"part_{part}" in strings
    for name in AUDITED_FIELDS:  # the change history names each audited field
        assert f"field_{name}" in strings


def test_page_strings_are_chinese_or_english_by_locale(page_client: TestClient) -> None:
    zh = page_strings(page_client, "/", **{"Accept-Language": "zh-CN"})
    en = page_strings(page_client, "/", **{"Accept-Language": "en"})
    assert zh.keys() == en.keys()
    assert zh["navigate_ride"] == "高德导航（骑行）"
    assert en["navigate_ride"] == "Navigate with Amap (ride)"
    assert len(zh["weekdays"]) == len(en["weekdays"]) == 7  # type: ignore[arg-type]


def test_every_template_string_has_a_chinese_translation() -> None:
    from babel.messages.pofile import read_po

    wanted = {m.id for m in extract_template_messages() if m.id}
    with WEB_PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert wanted, "no strings were extracted from the templates"
    assert wanted <= translated, f"untranslated: {sorted(wanted - translated)}"
    obsolete = {m.id for m in catalog if m.id} - wanted
    assert not obsolete, f"no longer used by any template: {sorted(obsolete)}"
    # Placeholders survive translation.
    for message in catalog:
        if message.id and message.string:
            assert set(re.findall(r"\{\w+\}", str(message.id))) == set(
                re.findall(r"\{\w+\}", str(message.string))
            ), message.id
