"""The voices API (surveys and consultation meetings) on SQLite and PostgreSQL: who may call
each endpoint (anonymous, a rider, an officer of another sub-district), bad input (422
naming the field), an answer resent counting once, closed and ended surveys, overdue
agreed items, the CSV exports and the QR codes."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.services.platform import Platform
from support import World, token

# Points in wanli and changzheng (tests/support.py's stations).
WANLI = {"lon": 121.3995, "lat": 31.2713}
CHANGZHENG = {"lon": 121.3729, "lat": 31.2367}
NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def survey_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "电动车禁入后的送餐",
        "audience": "everyone",
        "place_name": "万里小区南门",
        **WANLI,
        "questions": [
            {"kind": "single", "text": "您是？", "options": ["住户", "骑手"]},
            {"kind": "multiple", "text": "遇到的问题", "options": ["等待", "步行远", "找不到楼"]},
            {"kind": "scale", "text": "满意度"},
            {"kind": "text", "text": "建议"},
        ],
    }
    body.update(over)
    return body


def consultation_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "万里小区电动车协商会",
        "held_on": "2026-06-01",
        "place_name": "万里小区居委会",
        **WANLI,
        "parties": [
            {"party": "residents", "people": 12},
            {"party": "property", "people": 2},
            {"party": "riders", "people": 5},
        ],
        "agreed": [
            {"what": "南门设骑手临时停车区", "owner": "property", "due_on": "2026-06-05"},
            {"what": "每月复盘一次", "owner": "committee", "due_on": "2026-07-01"},
        ],
        "note": "=cmd|' /C calc'!A0",
    }
    body.update(over)
    return body


@pytest.fixture
def voices(platform: Platform) -> Platform:
    platform.governance.clock = lambda: NOW
    return platform


@pytest.fixture
def t(client: TestClient, world: World, voices: Platform) -> dict[str, dict[str, str]]:
    return {n: token(client, n) for n in ("admin", "rider", "officer", "officer2")}


def answer(client: TestClient, code: str, key: str, **answers: Any) -> Any:
    body = {"client_key": key, "respondent": "resident", "answers": answers or {"2": 4}}
    return client.post(f"/api/governance/public-surveys/{code}/answers", json=body)


@pytest.mark.one_database  # the HTTP layer; the flows below run on both databases
def test_who_may_call_each_endpoint(client: TestClient, t: dict[str, dict[str, str]]) -> None:
    survey = client.post("/api/governance/surveys", headers=t["officer"], json=survey_body())
    assert survey.status_code == 201, survey.text
    sid = survey.json()["id"]
    meeting = client.post(
        "/api/governance/consultations", headers=t["officer"], json=consultation_body()
    )
    assert meeting.status_code == 201, meeting.text
    cid = meeting.json()["id"]
    s = f"/api/governance/surveys/{sid}"
    c = f"/api/governance/consultations/{cid}"
    cases: list[tuple[str, str, Any]] = [
        ("post", "/api/governance/surveys", survey_body()),
        ("get", s, None),
        ("post", f"{s}/close", None),
        ("post", f"{s}/reopen", None),
        ("get", f"{s}/results", None),
        ("get", f"{s}/answers.csv", None),
        ("get", f"{s}/qr.svg", None),
        ("get", f"{s}/qr.png", None),
        ("post", "/api/governance/consultations", consultation_body()),
        ("get", c, None),
        ("put", f"{c}/agreed/0", {"done_on": "2026-06-04"}),
    ]
    for method, path, body in cases:
        kwargs = {} if body is None else {"json": body}
        r = client.request(method, path, **kwargs)
        assert r.status_code == 401, (method, path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        for who in ("rider", "officer2"):  # officer2 works in changzheng
            r = client.request(method, path, headers=t[who], **kwargs)
            assert r.status_code == 403, (method, path, who, r.text)
            assert r.json()["title"]
    for path in ("/api/governance/surveys", "/api/governance/consultations",
                 "/api/governance/consultations.csv"):  # fmt: skip
        assert client.get(path).status_code == 401
        assert client.get(path, headers=t["rider"]).status_code == 403
        asked = client.get(path, headers=t["officer2"], params={"subdistrict": "wanli"})
        assert asked.status_code == 403, path
        own = client.get(path, headers=t["officer2"])
        assert own.status_code == 200
        if path.endswith(".csv"):
            assert len(list(csv.reader(io.StringIO(own.text.lstrip("\ufeff"))))) == 1
        else:
            assert own.json() == []  # nothing of wanli's leaks into changzheng's list
        assert len(client.get(path, headers=t["officer"]).text) > len(own.text)
    # The answer page and answering are public.
    code = survey.json()["code"]
    assert client.get(f"/api/governance/public-surveys/{code}").status_code == 200
    assert answer(client, code, "anon-key-1").status_code == 200


def test_a_survey_answered_from_its_qr_code(
    client: TestClient, t: dict[str, dict[str, str]]
) -> None:
    r = client.post(
        "/api/governance/surveys", headers=t["officer"], json=survey_body(closes_on="2026-06-30")
    )
    assert r.status_code == 201, r.text
    survey = r.json()
    assert survey["subdistrict"] == "wanli"
    assert survey["url"] == f"/s/{survey['code']}"
    assert survey["open_now"]
    public = client.get(f"/api/governance/public-surveys/{survey['code']}").json()
    assert public["title"] == "电动车禁入后的送餐"
    assert "answers" not in public
    assert "created_by" not in public
    assert "subdistrict" not in public

    given = [
        ("k-first-000", {"0": 0, "1": [0, 2], "2": 2, "3": "南门太远"}),
        ("k-second-00", {"0": 1, "1": [2], "2": 5, "3": '=HYPERLINK("x")'}),
        ("k-third-000", {"0": 1, "2": 4}),
    ]
    for key, answers in given:
        r = answer(client, survey["code"], key, **answers)
        assert r.status_code == 200, r.text
        assert r.json() == {"counted": True}
    # The first phone sends again (no signal, a double tap): counted once.
    again = answer(client, survey["code"], "k-first-000", **{"0": 1})
    assert again.status_code == 200
    assert again.json() == {"counted": False}

    results = client.get(f"/api/governance/surveys/{survey['id']}/results", headers=t["officer"])
    assert results.status_code == 200
    body = results.json()
    assert body["answers"] == 3
    assert body["by_respondent"] == {"rider": 0, "resident": 3, "other": 0}
    single, multiple, scale, text = body["questions"]
    assert single["counts"] == [1, 2]
    assert single["answered"] == 3
    assert multiple["counts"] == [1, 0, 2]
    assert multiple["answered"] == 2
    assert scale["counts"] == [0, 1, 0, 1, 1]
    assert scale["mean"] == pytest.approx(11 / 3, abs=0.01)
    assert text["texts"] == ['=HYPERLINK("x")', "南门太远"]  # newest first
    # Admins see every sub-district's; the list counts the answers.
    listed = client.get("/api/governance/surveys", headers=t["admin"]).json()
    assert [(s["id"], s["answers"]) for s in listed] == [(survey["id"], 3)]

    sheet = client.get(f"/api/governance/surveys/{survey['id']}/answers.csv", headers=t["admin"])
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(sheet.text.lstrip("\ufeff"))))
    assert rows[0] == ["at", "respondent", "您是？", "遇到的问题", "满意度", "建议"]
    assert rows[1] == ["2026-06-10 12:00", "resident", "住户", "等待; 找不到楼", "2", "南门太远"]
    assert rows[2][-1] == '\'=HYPERLINK("x")'  # a formula stays text in a spreadsheet
    assert len(rows) == 4

    svg = client.get(f"/api/governance/surveys/{survey['id']}/qr.svg", headers=t["officer"])
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text
    png = client.get(f"/api/governance/surveys/{survey['id']}/qr.png", headers=t["officer"])
    assert png.status_code == 200
    assert png.content.startswith(b"\x89PNG")

    # Closed by staff: answers are refused with a reason, and taken again once reopened.
    closed = client.post(f"/api/governance/surveys/{survey['id']}/close", headers=t["officer"])
    assert closed.json()["open_now"] is False
    refused = answer(client, survey["code"], "k-fourth-00")
    assert refused.status_code == 409
    assert "已关闭" in refused.json()["detail"]  # Chinese by default
    assert (
        client.get(f"/api/governance/public-surveys/{survey['code']}").json()["open_now"] is False
    )
    client.post(f"/api/governance/surveys/{survey['id']}/reopen", headers=t["officer"])
    assert answer(client, survey["code"], "k-fourth-00").json() == {"counted": True}


def test_a_survey_past_its_last_day_refuses_answers(
    client: TestClient, t: dict[str, dict[str, str]], voices: Platform
) -> None:
    r = client.post(
        "/api/governance/surveys", headers=t["admin"], json=survey_body(closes_on="2026-06-10")
    )
    code = r.json()["code"]
    assert answer(client, code, "on-the-last-day").json() == {"counted": True}
    voices.governance.clock = lambda: NOW + timedelta(days=1)
    late = answer(client, code, "the-day-after")
    assert late.status_code == 409
    assert "2026-06-10" in late.json()["detail"]
    zh = client.post(
        f"/api/governance/public-surveys/{code}/answers",
        headers={"Accept-Language": "zh-CN"},
        json={"client_key": "the-day-after", "respondent": "rider", "answers": {"2": 3}},
    )
    assert zh.status_code == 409
    assert "结束" in zh.json()["detail"]
    missing = client.get("/api/governance/public-surveys/nosuchcode")
    assert missing.status_code == 404


def test_the_same_answer_sent_at_once_counts_once(
    client: TestClient, t: dict[str, dict[str, str]]
) -> None:
    code = client.post("/api/governance/surveys", headers=t["officer"], json=survey_body()).json()[
        "code"
    ]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: answer(client, code, "same-key-twice"), range(6)))
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    assert sum(r.json()["counted"] for r in answers) == 1


@pytest.mark.one_database
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"questions": []}, "questions"),
        ({"questions": [{"kind": "single", "text": "x", "options": ["only"]}]}, "questions.0"),
        ({"questions": [{"kind": "scale", "text": "x", "options": ["a", "b"]}]}, "questions.0"),
        ({"questions": [{"kind": "text", "text": "x"}] * 11}, "questions"),
        ({"questions": [{"kind": "poll", "text": "x"}]}, "questions.0.kind"),
        ({"audience": "tourists"}, "audience"),
        ({"title": ""}, "title"),
        ({"closes_on": "2026-06-09"}, "closes_on"),
        ({"lon": 121.0, "lat": 31.0}, "lon"),
        ({"place_name": None}, "place_name"),
        ({"lon": None, "lat": None, "place_name": None}, "place_id"),
        ({"place_id": 999999}, "place_id"),
    ],
)
def test_a_bad_survey_is_refused_naming_the_field(
    client: TestClient, t: dict[str, dict[str, str]], change: dict[str, Any], field: str
) -> None:
    r = client.post("/api/governance/surveys", headers=t["admin"], json=survey_body(**change))
    assert r.status_code == 422, r.text
    problem = r.json()
    named = [problem.get("field")] + [e["field"] for e in problem.get("errors") or []]
    assert any(n and n.startswith(field) for n in named), (field, problem)


@pytest.mark.one_database
@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"0": 2}, "answers.0"),
        ({"0": True}, "answers.0"),
        ({"1": [0, 7]}, "answers.1"),
        ({"2": 6}, "answers.2"),
        ({"3": "长" * 301}, "answers.3"),
        ({"9": 1}, "answers"),
        ({}, "answers"),
        ({"0": None, "3": ""}, "answers"),
    ],
)
def test_a_bad_answer_is_refused_naming_the_question(
    client: TestClient, t: dict[str, dict[str, str]], answers: dict[str, Any], field: str
) -> None:
    code = client.post("/api/governance/surveys", headers=t["admin"], json=survey_body()).json()[
        "code"
    ]
    body = {"client_key": "bad-answer-1", "respondent": "rider", "answers": answers}
    r = client.post(f"/api/governance/public-surveys/{code}/answers", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    short = {**body, "client_key": "x"}
    r = client.post(f"/api/governance/public-surveys/{code}/answers", json=short)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "client_key"
    r = client.post(
        f"/api/governance/public-surveys/{code}/answers", json={**body, "respondent": "mayor"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "respondent"


def test_officers_make_surveys_in_their_own_sub_district_only(
    client: TestClient, t: dict[str, dict[str, str]], world: World
) -> None:
    there = client.post(
        "/api/governance/surveys", headers=t["officer"], json=survey_body(**CHANGZHENG)
    )
    assert there.status_code == 403
    by_place = client.post(
        "/api/governance/surveys",
        headers=t["officer2"],
        json=survey_body(lon=None, lat=None, place_name=None, place_id=world.other_station_id),
    )
    assert by_place.status_code == 201, by_place.text
    assert by_place.json()["place_name"] == "长征暖心岗亭"
    assert by_place.json()["subdistrict"] == "changzheng"
    assert client.get("/api/governance/surveys", headers=t["officer"]).json() == []


def test_a_consultation_and_its_agreed_items(
    client: TestClient, t: dict[str, dict[str, str]], voices: Platform
) -> None:
    r = client.post("/api/governance/consultations", headers=t["officer"], json=consultation_body())
    assert r.status_code == 201, r.text
    meeting = r.json()
    assert meeting["people"] == 19
    assert meeting["subdistrict"] == "wanli"
    first, second = meeting["agreed"]
    assert first["overdue"] is True
    assert second["overdue"] is False
    assert meeting["overdue"] == 1
    assert "name" not in str(meeting["parties"])

    listed = client.get("/api/governance/consultations", headers=t["admin"]).json()
    assert [m["id"] for m in listed] == [meeting["id"]]
    done = client.put(
        f"/api/governance/consultations/{meeting['id']}/agreed/0",
        headers=t["officer"],
        json={"done_on": "2026-06-09"},
    )
    assert done.status_code == 200, done.text
    assert done.json()["agreed"][0]["done_on"] == "2026-06-09"
    assert done.json()["overdue"] == 0
    future = client.put(
        f"/api/governance/consultations/{meeting['id']}/agreed/1",
        headers=t["officer"],
        json={"done_on": "2026-06-11"},
    )
    assert future.status_code == 422
    assert future.json()["field"] == "done_on"
    absent = client.put(
        f"/api/governance/consultations/{meeting['id']}/agreed/5",
        headers=t["officer"],
        json={"done_on": None},
    )
    assert absent.status_code == 404
    # Later, the second item's day passes undone: flagged.
    voices.governance.clock = lambda: NOW + timedelta(days=30)
    later = client.get(f"/api/governance/consultations/{meeting['id']}", headers=t["officer"])
    assert [a["overdue"] for a in later.json()["agreed"]] == [False, True]

    sheet = client.get("/api/governance/consultations.csv", headers=t["officer"])
    assert sheet.status_code == 200
    rows = list(csv.reader(io.StringIO(sheet.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "held_on", "title"]
    assert [r[7] for r in rows[1:]] == ["南门设骑手临时停车区", "每月复盘一次"]
    assert [r[11] for r in rows[1:]] == ["", "yes"]
    assert rows[1][5] == "residents 12; property 2; riders 5"
    assert rows[1][-1].startswith("'=")  # the note's formula stays text


@pytest.mark.one_database
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"parties": []}, "parties"),
        ({"parties": [{"party": "residents", "people": 3}] * 2}, "parties"),
        ({"parties": [{"party": "residents", "people": 0}]}, "parties.0.people"),
        ({"parties": [{"party": "mayor", "people": 1}]}, "parties.0.party"),
        ({"agreed": [{"what": "", "owner": "police"}]}, "agreed.0.what"),
        (
            {"agreed": [{"what": "x", "owner": "police", "done_on": "2026-07-01"}]},
            "agreed.0.done_on",
        ),
        ({"held_on": "2026-06-11"}, "held_on"),
        ({"held_on": "soon"}, "held_on"),
        ({"estate_id": 424242}, "estate_id"),
        ({"lon": 120.0, "lat": 30.0}, "lon"),
    ],
)
def test_a_bad_consultation_is_refused_naming_the_field(
    client: TestClient, t: dict[str, dict[str, str]], change: dict[str, Any], field: str
) -> None:
    r = client.post(
        "/api/governance/consultations", headers=t["admin"], json=consultation_body(**change)
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    named = [problem.get("field")] + [e["field"] for e in problem.get("errors") or []]
    assert any(n and n.startswith(field) for n in named), (field, problem)


@pytest.mark.one_database
def test_answers_from_one_address_are_rate_limited(
    client: TestClient, t: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gigcity.api import governance_voices
    from gigcity.services.ratelimit import Rate

    monkeypatch.setattr(governance_voices, "ANSWERS_PER_IP", Rate(2, 3600.0))
    code = client.post("/api/governance/surveys", headers=t["admin"], json=survey_body()).json()[
        "code"
    ]
    assert answer(client, code, "limit-key-1").status_code == 200
    assert answer(client, code, "limit-key-2").status_code == 200
    refused = answer(client, code, "limit-key-3")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    results = client.get("/api/governance/surveys", headers=t["admin"]).json()
    assert results[0]["answers"] == 2
