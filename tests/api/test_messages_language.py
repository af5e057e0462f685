"""Every problem the API answers to a Chinese reader reads as Chinese: bad input of a few
kinds is sent to every operation of the OpenAPI document (with Accept-Language: zh-CN, signed
in and not), and each problem's `title`, `detail` and field messages are checked for English
sentences and raw ids (tests/web/language_support.py says what counts). Field paths (`field`,
`errors[].field`) are codes and stay as they are."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError

from gigcity.api.validation_messages import MESSAGES, validation_message
from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.i18n import translations
from gigcity.services.platform import Platform
from support import make_world, token
from web.language_support import latin_sentences

ZH = {"Accept-Language": "zh-CN"}
NO_SUCH_ID = 987654
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("language") / "language.db"
    platform = Platform.from_settings(Settings(mode="dev", database_url=f"sqlite:///{db}"))
    platform.upgrade_database()
    make_world(platform)
    app = create_app(platform.settings, platform)
    # Another test finds 500s (test_no_500.py); here even a 500 must answer in Chinese.
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    platform.close()


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = document["components"]["schemas"][name]
    return node


def _requests(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, url, request arguments): bad input of a few kinds for every operation."""
    for template, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            params = operation.get("parameters", [])
            in_path = [p for p in params if p["in"] == "path"]
            in_query = [p for p in params if p["in"] == "query"]

            def url(value: object, template: str = template, in_path: Any = in_path) -> str:
                out = template
                for p in in_path:
                    out = out.replace("{" + p["name"] + "}", str(value))
                return out

            # An id that does not exist, and one that is not an id.
            yield method, url(NO_SUCH_ID), {}
            if in_path:
                yield method, url("not-an-id"), {}
            if in_query:
                junk = {p["name"]: "x,y;z" for p in in_query}
                yield method, url(NO_SUCH_ID), {"params": junk}
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                schema = _resolve(document, content["application/json"].get("schema", {}))
                props = schema.get("properties", {}) if isinstance(schema, dict) else {}
                yield method, url(NO_SUCH_ID), {"content": b"{not json"}
                yield method, url(NO_SUCH_ID), {"json": []}
                if props:
                    wrong = {name: [[True]] for name in props}
                    yield method, url(NO_SUCH_ID), {"json": wrong}
            for form in ("application/x-www-form-urlencoded", "multipart/form-data"):
                if form in content:
                    yield method, url(NO_SUCH_ID), {"data": {"x": "y"}}
            if "multipart/form-data" in content:  # cut off before its closing boundary
                broken = b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nab'
                yield (
                    method,
                    url(NO_SUCH_ID),
                    {"content": broken, "type": "multipart/form-data; boundary=x"},
                )


def _problems_read_as_chinese(body: dict[str, Any]) -> list[str]:
    codes = {body.get("field") or ""} | {e.get("field", "") for e in body.get("errors") or []}
    codes.discard("")
    texts = [body.get("title", ""), body.get("detail", "")]
    texts += [e.get("message", "") for e in body.get("errors") or []]
    found = []
    for text in texts:
        for code in sorted(codes, key=len, reverse=True):
            text = text.replace(code, " ")
        found.extend(latin_sentences(str(text)))
    return found


# Publishing a rulebook: the rules engine's own faults (gigcity.rules.loader and model),
# as message ids translated at the edge; swept again on their own below.
RULES = {("post", "/api/rules")}


def _sweep(client: TestClient, only: set[tuple[str, str]] | None = None) -> tuple[int, list[str]]:
    document = client.get("/openapi.json").json()
    callers = (
        {**ZH, **token(client, "admin")},
        {**ZH, **token(client, "rider")},  # not allowed on staff operations
        {**ZH, "Authorization": "Bearer not-a-token"},
        ZH,  # not signed in
    )
    faults: list[str] = []
    checked = 0
    for method, url, kwargs in _requests(document):
        if only and (method, url) not in only:
            continue
        for headers in callers:
            args = dict(kwargs)
            if "type" in args:
                headers = {**headers, "Content-Type": args.pop("type")}
            response = client.request(method.upper(), url, headers=headers, **args)
            if response.status_code < 400:
                continue
            if "json" not in response.headers.get("content-type", ""):
                continue
            body = response.json()
            if isinstance(body, list):  # Open311's errors: [{"code", "description"}]
                body = {"errors": [{"message": e.get("description", "")} for e in body]}
            elif not isinstance(body, dict) or "title" not in body:
                continue
            checked += 1
            found = _problems_read_as_chinese(body)
            if found:
                sent = json.dumps(kwargs, default=str)[:80]
                faults.append(
                    f"{method.upper()} {url} {sent} → {response.status_code}: {found} in "
                    f"{json.dumps(body, ensure_ascii=False)[:300]}"
                )
    return checked, faults


def test_every_problem_answered_in_chinese_reads_as_chinese(client: TestClient) -> None:
    checked, faults = _sweep(client)
    assert checked > 100, f"only {checked} problems were checked"
    assert not faults, f"{len(faults)} English answers to a Chinese reader:\n" + "\n".join(faults)


def test_a_rulebook_refused_is_explained_in_chinese(client: TestClient) -> None:
    checked, faults = _sweep(client, RULES)
    assert checked
    assert not faults, "\n".join(faults)


class _Sample(BaseModel):
    count: int = Field(ge=1)
    kind: str = Field(pattern="^[a-z]+$")


def test_pydantic_errors_are_translated_by_type_with_their_parameters() -> None:
    with pytest.raises(ValidationError) as raised:
        _Sample.model_validate({"count": 0})
    errors = {e["loc"][0]: e for e in raised.value.errors()}
    assert validation_message("zh_CN", dict(errors["count"]), "count") == "不能小于 1。"
    assert validation_message("zh_CN", dict(errors["kind"]), "kind") == "此字段为必填项。"
    assert validation_message("en", dict(errors["count"]), "count") == "Must be at least 1."
    # A type the table does not know: a generic message naming the field (pydantic's own
    # words in English).
    unknown = {"type": "something_new", "msg": "Something new went wrong", "loc": ("body", "x")}
    assert validation_message("zh_CN", unknown, "x") == "x 的值无效。"
    assert validation_message("en", unknown, "x") == "Something new went wrong"


def test_a_list_of_allowed_values_is_given_without_english_words() -> None:
    error = {"type": "enum", "ctx": {"expected": "'toilet', 'shower' or 'water'"}}
    message = validation_message("zh_CN", error, "amenity")
    assert message == "必须是以下之一：toilet、shower、water。"
    english = validation_message("en", error, "amenity")
    assert english == "Must be one of: toilet, shower, water."


def test_every_message_of_the_table_is_translated_with_the_same_parameters() -> None:
    catalog = translations("zh_CN")
    for kind, msgid in MESSAGES.items():
        text = catalog.gettext(msgid)
        assert text != msgid, kind
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", msgid)), kind


def test_a_bad_query_value_is_answered_in_chinese(client: TestClient) -> None:
    r = client.get("/api/places/nearby", params={"lat": "abc", "lon": "1"}, headers=ZH)
    assert r.status_code == 422
    body = r.json()
    assert {"field": "query.lat", "message": "必须是数字。"} in body["errors"]
    assert body["detail"] == "请求中有无效字段：query.lat：必须是数字。"
    assert "Input should be" not in r.text
    assert not _problems_read_as_chinese(body)


def test_a_point_names_its_sub_district_in_the_reader_s_language(client: TestClient) -> None:
    """English readers get the sub-district's English name; the operator, a proper name, stays
    as it was given."""
    admin = token(client, "admin")
    body = {
        "name": "桃浦测试驿站",
        "kind": "rider_station",
        "lon": 121.364,
        "lat": 31.2815,
        "operator": "街道总工会",
    }
    made = client.post("/api/places", json=body, headers={**admin, **ZH})
    assert made.status_code == 201, made.text
    assert made.json()["subdistrict_name"] == "桃浦镇"
    place_id = made.json()["id"]
    english = client.get(f"/api/places/{place_id}", headers={"Accept-Language": "en"}).json()
    assert english["subdistrict"] == "taopu"
    assert english["subdistrict_name"] == "Taopu Town"
    assert english["operator"] == "街道总工会"
    found = client.get(
        "/api/places/search", params={"q": "桃浦测试"}, headers={"Accept-Language": "en"}
    ).json()
    assert [p["subdistrict_name"] for p in found] == ["Taopu Town"]
    chinese = client.get(f"/api/places/{place_id}", headers=ZH).json()
    assert chinese["subdistrict_name"] == "桃浦镇"


def test_a_point_outside_the_district_is_refused_naming_it_in_the_reader_s_language(
    client: TestClient,
) -> None:
    admin = token(client, "admin")
    body = {"name": "远处", "kind": "rider_station", "lon": 116.4, "lat": 39.9}
    zh = client.post("/api/places", json=body, headers={**admin, **ZH})
    assert zh.status_code == 422, zh.text
    assert "普陀区" in zh.json()["detail"]
    assert not _problems_read_as_chinese(zh.json())
    en = client.post("/api/places", json=body, headers={**admin, "Accept-Language": "en"})
    assert "far outside Putuo District, Shanghai;" in en.json()["detail"]
    assert "普陀区" not in en.json()["detail"]


def _faulty_rulebook() -> str:
    """The shipped putuo-2025 with three faults: an unknown key, negative money and a rest
    shorter than the gap that counts as rest."""
    import yaml

    from gigcity.rules import dump_rulebook, load_rulebook

    data = yaml.safe_load(dump_rulebook(load_rulebook("putuo-2025")))
    data["pricing"]["colour"] = "red"
    data["pricing"]["base_fare_fen"] = -5
    data["fatigue"]["min_rest_min"] = 1
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize(
    "text",
    [_faulty_rulebook(), "id: [unclosed", "- just\n- a list\n"],
    ids=["faults", "yaml", "list"],
)
def test_a_refused_rulebook_names_every_fault_in_the_readers_language(
    client: TestClient, text: str
) -> None:
    headers = {**token(client, "admin"), "Content-Type": "application/yaml"}
    zh = client.post("/api/rules", content=text.encode(), headers={**headers, **ZH})
    en = client.post(
        "/api/rules", content=text.encode(), headers={**headers, "Accept-Language": "en"}
    )
    assert zh.status_code == en.status_code == 422
    said = [zh.json()["detail"], *(e["message"] for e in zh.json()["errors"])]
    assert all(re.search("[\u4e00-\u9fff]", s) for s in said), said
    assert not [s for s in said if latin_sentences(s)], said
    # The same faults, at the same places, in English with the parser's details.
    assert [e["field"] for e in zh.json()["errors"]] == [e["field"] for e in en.json()["errors"]]
    english = " ".join(e["message"] for e in en.json()["errors"])
    if text.startswith("id: ["):
        assert "not valid YAML:" in english
    elif text.startswith("-"):
        assert "a rulebook is a mapping" in english
    else:
        assert "unknown key 'colour'" in english
        assert "money must not be negative (got -5 fen" in english
        assert "shorter than gap_counts_as_rest_from_min" in english
