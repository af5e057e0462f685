"""The agreement over HTTP: reading rulebooks, publishing versions, pricing orders."""

from __future__ import annotations

import json

import pytest
import yaml
from fastapi.testclient import TestClient

from gigcity.services.platform import Platform
from services.pay_support import platform_key, putuo_version, shipped_text
from support import World, token

EN = {"Accept-Language": "en"}
YAML = {"Content-Type": "application/yaml"}


def publish(client: TestClient, headers: dict[str, str], text: str, **params: str) -> object:
    return client.post(
        "/api/rules", content=text.encode(), headers={**headers, **YAML}, params=params
    )


def test_anyone_reads_the_rulebook_in_force_and_the_versions(client: TestClient) -> None:
    r = client.get("/api/rules", params={"date": "2025-06-02"}, headers=EN)
    assert r.status_code == 200
    body = r.json()
    assert body["day"] == "2025-06-02"
    assert body["active"]["ref"] == "putuo-2025@1"
    assert "version of record" in body["active"]["audit"]
    assert [v["ref"] for v in body["versions"]] == ["putuo-2025@1"]
    assert body["versions"][0]["url"] == "/api/rules/putuo-2025/versions/1"
    # In Chinese by default, the audit too.
    zh = client.get("/api/rules").json()
    assert "正式记录版本" in zh["active"]["audit"]
    # Before the agreement nothing is in force.
    assert client.get("/api/rules", params={"date": "2024-01-01"}).json()["active"] is None


def test_a_version_reads_clause_by_clause_with_its_text(client: TestClient) -> None:
    r = client.get("/api/rules/putuo-2025/versions/1")
    assert r.status_code == 200
    body = r.json()
    assert body["source_text"] == shipped_text("putuo-2025")
    assert body["source_format"] == "yaml"
    rows = {row["clause"]: row for row in body["clauses"]}
    assert rows["guarantee.hourly_minimum_fen"]["value"] == 2500
    assert rows["fatigue.continuous_work_limit_min"]["value"] == 240
    assert body["rulebook"]["guarantee"]["hourly_minimum_fen"] == 2500
    missing = client.get("/api/rules/putuo-2025/versions/9", headers=EN)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Rulebook putuo-2025@9 is not published."
    assert client.get("/api/rules/Not_A_Name/versions/1").status_code == 422


def test_admins_publish_yaml_and_old_versions_stay_readable(
    client: TestClient, world: World
) -> None:
    admin = token(client, "admin")
    text = putuo_version(2, hourly_minimum_fen="hourly_minimum_fen: 3000  # raised")
    r = publish(client, admin, text, effective_from="2026-01-01", note="annual review")
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["ref"], body["effective_from"], body["audit"]) == (
        "putuo-2025@2",
        "2026-01-01",
        "annual review",
    )
    assert body["publisher"] == "admin"
    assert "# raised" in client.get(body["url"]).json()["source_text"]
    assert (
        client.get("/api/rules/putuo-2025/versions/1").json()["rulebook"]["guarantee"][
            "hourly_minimum_fen"
        ]
        == 2500
    )
    overview = client.get("/api/rules", params={"date": "2026-01-01"}).json()
    assert overview["active"]["ref"] == "putuo-2025@2"
    assert [v["ref"] for v in overview["versions"]] == ["putuo-2025@2", "putuo-2025@1"]


def test_admins_publish_json_too(client: TestClient, world: World) -> None:
    data = yaml.safe_load(putuo_version(2))
    r = client.post(
        "/api/rules",
        content=json.dumps(data, default=str),
        headers={**token(client, "admin"), "Content-Type": "application/json"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["source_format"] == "json"
    assert r.json()["effective_from"] == "2025-04-25"


def test_a_bad_rulebook_is_a_422_naming_the_field_and_line(
    client: TestClient, world: World
) -> None:
    text = putuo_version(2, bulky_fen="bulky_fen: -300")
    bulky_line = next(i for i, line in enumerate(text.splitlines(), 1) if "bulky_fen: -300" in line)
    r = publish(client, {**token(client, "admin"), **EN}, text)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["field"] == "pricing.bulky_fen"
    assert body["line"] == bulky_line
    assert body["errors"] == [
        {
            "field": "pricing.bulky_fen",
            "line": bulky_line,
            "message": "money must not be negative (got -300 fen; 1 yuan = 100 fen)",
        }
    ]
    assert f"line {bulky_line}: pricing.bulky_fen" in body["detail"]
    # Not YAML at all; a JSON body that is not a mapping.
    broken = publish(client, token(client, "admin"), "id: [unclosed\n")
    assert broken.status_code == 422
    assert broken.json()["field"] == "(yaml)"
    listed = client.post(
        "/api/rules",
        content=b"[1, 2]",
        headers={**token(client, "admin"), "Content-Type": "application/json"},
    )
    assert listed.status_code == 422
    # Nothing was published by any of these.
    assert [v["ref"] for v in client.get("/api/rules").json()["versions"]] == ["putuo-2025@1"]


def test_a_published_version_is_a_409(client: TestClient, world: World) -> None:
    admin = {**token(client, "admin"), **EN}
    r = publish(client, admin, shipped_text("putuo-2025"))
    assert r.status_code == 409
    assert r.json()["field"] == "version"
    assert "publish version 2" in r.json()["detail"]
    assert publish(client, admin, putuo_version(2)).status_code == 201
    assert publish(client, admin, putuo_version(2)).status_code == 409


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"effective_from": "2025-01-01"}, "effective_from"),
        ({"effective_from": "soon"}, "effective_from"),
    ],
)
def test_a_bad_effective_date_is_a_422(
    client: TestClient, world: World, params: dict[str, str], field: str
) -> None:
    r = publish(client, token(client, "admin"), putuo_version(2), **params)
    assert r.status_code == 422
    body = r.json()
    fields = [e["field"] for e in body.get("errors", [])] or [body["field"]]
    assert any(f.endswith(field) for f in fields)


def test_bodies_of_other_kinds_or_sizes_are_refused(client: TestClient, world: World) -> None:
    admin = token(client, "admin")
    form = client.post("/api/rules", data={"x": "1"}, headers=admin)
    assert form.status_code == 415
    huge = publish(client, admin, "# " + "x" * 300_000)
    assert huge.status_code == 413
    empty = publish(client, admin, "  \n")
    assert empty.status_code == 422
    latin = client.post(
        "/api/rules", content="id: caf\xe9".encode("latin-1"), headers={**admin, **YAML}
    )
    assert latin.status_code == 422


def test_only_admins_publish(client: TestClient, platform: Platform, world: World) -> None:
    text = putuo_version(2)
    assert publish(client, {}, text).status_code == 401
    assert publish(client, token(client, "rider"), text).status_code == 403
    assert publish(client, token(client, "officer"), text).status_code == 403
    key, _ = platform_key(platform)
    assert publish(client, {"X-API-Key": key}, text).status_code == 403
    assert [v["ref"] for v in client.get("/api/rules").json()["versions"]] == ["putuo-2025@1"]


def test_a_quote_lists_each_line_with_its_clause(
    client: TestClient, platform: Platform, world: World
) -> None:
    order = {"order_id": "Q1", "distance_m": 2400, "floor": 6, "has_lift": False,
             "at": "2025-06-02T22:30:00+08:00"}  # fmt: skip
    r = client.post("/api/rules/quote", json=order, headers={**token(client, "rider"), **EN})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["rulebook"]["ref"] == "putuo-2025@1"
    assert body["published"] is True
    assert [(line["clause"], line["amount_fen"]) for line in body["lines"]] == [
        ("pricing.base_fare_fen", 450),
        ("pricing.distance_tiers", 140),
        ("pricing.stairs", 150),
        ("pricing.night", 100),
    ]
    assert body["total_fen"] == 840
    assert body["total_yuan"] == "8.40"
    assert body["lines"][2]["title"] == "Stairs without a lift"
    assert body["lines"][2]["text"].startswith("Stairs: 5 floors")
    # Titles in Chinese by default.
    zh = client.post("/api/rules/quote", json=order, headers=token(client, "rider")).json()
    assert zh["lines"][0]["title"] == "基础运费"
    # A named (shipped, unpublished) rulebook: the practice before the agreement.
    key, _ = platform_key(platform)
    baseline = client.post(
        "/api/rules/quote",
        json=order,
        params={"rulebook": "baseline-2024"},
        headers={"X-API-Key": key},
    ).json()
    assert (baseline["rulebook"]["ref"], baseline["published"], baseline["total_fen"]) == (
        "baseline-2024@1",
        False,
        700,
    )


def test_quotes_need_a_caller_and_valid_facts(client: TestClient, world: World) -> None:
    assert client.post("/api/rules/quote", json={"distance_m": 1}).status_code == 401
    rider = {**token(client, "rider"), **EN}
    r = client.post(
        "/api/rules/quote",
        json={"distance_m": -5, "floor": 0, "colour": "red", "at": "noon"},
        headers=rider,
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"distance_m", "floor", "colour", "at"}
    missing = client.post("/api/rules/quote", json={}, headers=rider)
    assert [e["field"] for e in missing.json()["errors"]] == ["distance_m"]
    unknown = client.post(
        "/api/rules/quote", json={"distance_m": 1}, params={"rulebook": "nonesuch"}, headers=rider
    )
    assert unknown.status_code == 404
    assert unknown.json()["field"] == "rulebook"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param("[" * 1000 + "]" * 1000, "application/json", id="deep-json"),
        pytest.param(
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
                for a, b in zip("abcdefgh", "bcdefghi", strict=True)
            ),
            "application/yaml",
            id="alias-bomb",
        ),
    ],
)
def test_bodies_that_would_explode_are_a_422(
    client: TestClient, world: World, body: str, content_type: str
) -> None:
    headers = {**token(client, "admin"), **EN, "Content-Type": content_type}
    r = client.post("/api/rules", content=body.encode(), headers=headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == "(yaml)"


def test_rulebook_titles_are_in_the_readers_language(client: TestClient, world: World) -> None:
    english = "Putuo agreement on dispatch algorithms and labour rules (2025)"
    chinese = "普陀区外卖算法与劳动规则协议（2025）"
    zh = client.get("/api/rules", params={"date": "2025-06-02"}).json()
    assert (zh["active"]["title"], zh["active"]["title_en"], zh["active"]["title_zh"]) == (
        chinese,
        english,
        chinese,
    )
    assert zh["active"]["rulebook_id"] == "putuo-2025"  # ids stay for programs
    en = client.get("/api/rules", params={"date": "2025-06-02"}, headers=EN).json()
    assert en["active"]["title"] == english
    detail = client.get("/api/rules/putuo-2025/versions/1").json()
    assert detail["title"] == chinese
    order = {"distance_m": 3800, "floor": 6, "has_lift": False, "at": "2025-06-02T12:00:00"}
    quote = client.post("/api/rules/quote", json=order, headers=token(client, "rider")).json()
    assert quote["rulebook"]["title"] == chinese
    assert quote["rulebook"]["label"] == f"《{chinese}》第1版"
    lines = {line["clause"]: line for line in quote["lines"]}
    assert lines["pricing.base_fare_fen"]["clause_title"] == "基础运费"
    assert lines["pricing.distance_tiers"]["text"] == (
        "配送距离3.8公里：2公里按每公里¥1.00；800米按每公里¥1.50"
    )


def test_a_rulebook_without_its_chinese_title_is_a_422(client: TestClient, world: World) -> None:
    text = "\n".join(
        line for line in putuo_version(2).splitlines() if not line.startswith("title_zh:")
    )
    r = publish(client, {**token(client, "admin"), **EN}, text)
    assert r.status_code == 422
    assert r.json()["field"] == "title_zh"
    assert "title in Chinese" in r.json()["errors"][0]["message"]


def test_a_version_published_before_chinese_titles_stays_readable(
    client: TestClient, platform: Platform, world: World
) -> None:
    from sqlalchemy import select

    from gigcity.db.models import RulebookVersion
    from gigcity.db.session import transaction

    client.get("/api/rules")  # the version of record is published at first use
    old_text = "\n".join(
        line for line in putuo_version(2).splitlines() if not line.startswith("title_zh:")
    )
    with transaction(platform.factory) as session:
        first = session.scalars(select(RulebookVersion)).one()
        session.add(
            RulebookVersion(
                rulebook_id=first.rulebook_id,
                version=2,
                title=first.title,
                effective_from=first.effective_from,
                effective_until=None,
                source_text=old_text,
                source_format="yaml",
                content_sha256="0" * 64,
                published_at=first.published_at,
                published_by=None,
                publisher="admin",
                audit="",
            )
        )
    r = client.get("/api/rules/putuo-2025/versions/2")
    assert r.status_code == 200
    assert r.json()["title"] == r.json()["title_en"] == r.json()["title_zh"]
