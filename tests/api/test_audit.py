"""The audit API: every endpoint's callers (401 signed out, 403 for roles and keys without
the `audit` scope, a platform key's own runs only), bad input (422 naming the field), 409
before a run is done, and the way of a log from upload to report, findings and comparison."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.db.models import AuditRun
from gigcity.db.session import transaction
from gigcity.services.accounts import Scope
from gigcity.services.platform import Platform
from services.audit.platform_support import FINED, small_log
from services.pay_support import platform_key
from support import World, token

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
NO_SUCH_ID = 987654


@pytest.fixture
def t(client: TestClient, world: World) -> dict[str, dict[str, str]]:
    return {name: token(client, name) | EN for name in ("admin", "officer", "rider", "staff")}


def _key(platform: Platform, *scopes: Scope) -> dict[str, str]:
    secret, _ = platform_key(platform, "-".join(scopes) or "none", scopes)
    return {"X-API-Key": secret} | EN


def _upload(
    client: TestClient,
    headers: dict[str, str],
    data: bytes | None = None,
    name: str = "day.jsonl",
    **form: Any,
) -> Any:
    files = {"file": (name, small_log() if data is None else data, "application/x-ndjson")}
    return client.post("/api/audit/runs", headers=headers, files=files, data=form)


def _done(client: TestClient, headers: dict[str, str], run: dict[str, Any]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while run["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, run
        time.sleep(0.05)
        r = client.get(run["status_url"], headers=headers)
        assert r.status_code == 200, r.text
        run = r.json()
    return run


def _queued_run(platform: Platform) -> int:
    with transaction(platform.factory) as session:
        row = AuditRun(
            filename="waiting.jsonl", sha256="0" * 64, status="queued", eta_tolerance_s=120.0
        )
        session.add(row)
        session.flush()
        return row.id


@pytest.mark.one_database
def test_the_log_format_is_public(client: TestClient) -> None:
    schema = client.get("/api/audit/schema")
    assert schema.status_code == 200
    assert schema.headers["content-type"].startswith("application/schema+json")
    assert schema.json()["title"] == "gigcity-decision-log/1"
    sample = client.get("/api/audit/sample")
    assert sample.status_code == 200, sample.text
    assert "attachment" in sample.headers["content-disposition"]
    lines = [json.loads(line) for line in sample.text.splitlines() if line.strip()]
    assert {line["kind"] for line in lines} >= {"order", "work", "pay"}
    # The sample is a log the platform audits.


def test_a_log_from_upload_to_report(client: TestClient, t: dict[str, dict[str, str]]) -> None:
    admin, officer = t["admin"], t["officer"]
    r = _upload(client, admin, small_log(), "day.jsonl", rules="putuo-2025", eta_tolerance_s="90")
    assert r.status_code == 202, r.text
    assert r.headers["location"] == r.json()["status_url"]
    run = _done(client, admin, r.json())
    assert run["status"] == "done", run["error"]
    assert (run["rules_asked"], run["rulebook_id"], run["eta_tolerance_s"]) == (
        "putuo-2025",
        "putuo-2025",
        90.0,
    )
    assert {c["check"]: c["passed"] for c in run["checks"]}["lateness_deductions"] is False
    files = run["files"]

    report = client.get(files["report_json"], headers=officer)
    assert report.status_code == 200, report.text
    assert report.json()["log"]["sha256"] == run["sha256"]
    assert report.json()["eta_tolerance_s"] == 90.0
    html = client.get(files["report_html"], headers=officer)
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in html.headers["content-security-policy"]
    pdf = client.get(files["report_pdf"], headers=admin)
    assert pdf.status_code == 200, pdf.text
    assert pdf.content.startswith(b"%PDF")
    csv = client.get(files["findings_csv"], headers=officer)
    assert csv.status_code == 200, csv.text
    assert csv.headers["content-type"].startswith("text/csv")
    assert FINED not in csv.text

    mine = client.get(f"/api/audit/runs/{run['id']}/riders/{FINED}/findings", headers=officer)
    assert mine.status_code == 200, mine.text
    assert mine.json()["rider"].startswith("R-")
    assert "lateness_deductions" in {f["check"] for f in mine.json()["findings"]}

    listed = client.get("/api/audit/runs", headers=officer).json()
    assert [x["id"] for x in listed] == [run["id"]]
    other = _done(client, admin, _upload(client, admin, small_log("csv"), "day.csv").json())
    compared = client.get(
        "/api/audit/compare", params={"before": run["id"], "after": other["id"]}, headers=officer
    )
    assert compared.status_code == 200, compared.text
    assert {c["change"] for c in compared.json()["changes"]} <= {
        "same",
        "better",
        "worse",
        "new",
        "gone",
    }
    page = client.get(
        "/api/audit/compare.html", params={"before": run["id"], "after": other["id"]}, headers=admin
    )
    assert page.status_code == 200, page.text

    assert client.delete(f"/api/audit/runs/{run['id']}", headers=officer).status_code == 403
    assert client.delete(f"/api/audit/runs/{run['id']}", headers=admin).status_code == 204
    assert client.get(run["status_url"], headers=admin).status_code == 404
    assert client.get(files["report_json"], headers=admin).status_code == 404


@pytest.mark.one_database
def test_who_may_call(client: TestClient, platform: Platform, t: dict[str, dict[str, str]]) -> None:
    run_id = _queued_run(platform)
    reads = [
        "/api/audit/runs",
        "/api/audit/options",
        f"/api/audit/runs/{run_id}",
        f"/api/audit/runs/{run_id}/report.json",
        f"/api/audit/runs/{run_id}/report.html",
        f"/api/audit/runs/{run_id}/report.pdf",
        f"/api/audit/runs/{run_id}/findings.csv",
        f"/api/audit/runs/{run_id}/riders/{FINED}/findings",
        f"/api/audit/compare?before={run_id}&after={run_id}",
    ]
    for path in reads:
        assert client.get(path, headers=EN).status_code == 401, path
        for role in ("rider", "staff"):
            assert client.get(path, headers=t[role]).status_code == 403, (path, role)
    assert _upload(client, EN).status_code == 401
    for role in ("rider", "staff", "officer"):
        assert _upload(client, t[role]).status_code == 403, role
    assert client.delete(f"/api/audit/runs/{run_id}", headers=EN).status_code == 401

    # A key without the scope is told which it lacks; one with it pushes and reads its own.
    feed = _key(platform, Scope.deliveries)
    refused = _upload(client, feed)
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:gigcity:problem:missing-scope"
    assert client.get("/api/audit/runs", headers=feed).status_code == 403
    pusher, other = _key(platform, Scope.audit), _key(platform, Scope.audit)
    r = _upload(client, pusher)
    assert r.status_code == 202, r.text
    pushed = _done(client, pusher, r.json())
    assert pushed["status"] == "done", pushed["error"]
    assert client.get(pushed["files"]["report_json"], headers=pusher).status_code == 200
    assert client.get(f"/api/audit/runs/{run_id}", headers=pusher).status_code == 404
    assert client.get(pushed["status_url"], headers=other).status_code == 404
    assert client.get("/api/audit/runs", headers=other).json() == []
    assert client.delete(pushed["status_url"], headers=pusher).status_code == 403
    assert client.get(pushed["status_url"], headers=t["officer"]).status_code == 200
    options = client.get("/api/audit/options", headers=t["officer"]).json()
    assert options["may_upload"] is False
    assert "putuo-2025@1" in {o["value"] for o in options["rulebooks"]}


@pytest.mark.one_database
@pytest.mark.parametrize(
    ("name", "data", "form", "field"),
    [
        ("day.jsonl", b"", {}, "file"),
        ("day.txt", b"x", {}, "file"),
        ("day.jsonl", b"x", {"rules": "no-such-rulebook"}, "rules"),
        ("day.jsonl", b"x", {"rules": "putuo-2025@x"}, "rules"),
        ("day.jsonl", b"x", {"eta_tolerance_s": "soon"}, "eta_tolerance_s"),
        ("day.jsonl", b"x", {"eta_tolerance_s": "7200"}, "eta_tolerance_s"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    client: TestClient,
    t: dict[str, dict[str, str]],
    name: str,
    data: bytes,
    form: dict[str, str],
    field: str,
) -> None:
    r = _upload(client, t["admin"], data, name, **form)
    assert r.status_code == 422, r.text
    body = r.json()
    fields = {body.get("field")} | {e.get("field") for e in body.get("errors", [])}
    assert any(f and f.endswith(field) for f in fields), body
    assert client.get("/api/audit/runs", headers=t["admin"]).json() == []


@pytest.mark.one_database
def test_no_file_and_bad_ids(client: TestClient, t: dict[str, dict[str, str]]) -> None:
    r = client.post("/api/audit/runs", headers=t["admin"], data={"rules": "putuo-2025"})
    assert r.status_code == 422
    assert "file" in {e["field"].split(".")[-1] for e in r.json()["errors"]}
    assert client.get(f"/api/audit/runs/{NO_SUCH_ID}", headers=t["admin"]).status_code == 404
    assert client.get("/api/audit/compare?before=1", headers=t["admin"]).status_code == 422


@pytest.mark.one_database
def test_a_run_not_done_answers_409(
    client: TestClient, platform: Platform, t: dict[str, dict[str, str]]
) -> None:
    run_id = _queued_run(platform)
    for what in ("report.json", "report.html", "report.pdf", "findings.csv"):
        r = client.get(f"/api/audit/runs/{run_id}/{what}", headers=t["officer"])
        assert r.status_code == 409, (what, r.text)
        assert "not finished" in r.json()["detail"]
    zh = client.get(
        f"/api/audit/runs/{run_id}/report.json",
        headers={"Authorization": t["officer"]["Authorization"]} | ZH,
    )
    assert zh.status_code == 409
    assert "尚未完成" in zh.json()["detail"]
    r = client.get(f"/api/audit/runs/{run_id}", headers=t["officer"])
    assert (r.json()["status"], r.json()["files"]) == ("queued", None)
