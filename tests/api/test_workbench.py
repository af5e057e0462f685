"""/api/workbench: who may start and read runs, bad input, a run from queued to done, restarts,
and a platform without a simulator."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import start_migrated
from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.db.models import WorkbenchRun, utcnow
from gigcity.db.session import transaction
from gigcity.services.platform import Platform
from gigcity.services.workbench.service import MAX_ACTIVE_PER_CALLER
from gigcity.sim.scenarios import ScenarioWorkbench, scenario_names
from support import World, make_world, token

EN = {"Accept-Language": "en"}


@pytest.fixture
def platform(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Platform]:
    """The platform as the API app builds it: the simulator is the workbench's engine."""
    start_migrated(settings.database_url, request)
    p = Platform.from_settings(settings, workbench_engine=ScenarioWorkbench())
    p.upgrade_database()
    yield p
    p.close()


def test_only_admins_and_platforms_start_runs(client: TestClient, world: World) -> None:
    assert client.post("/api/workbench/runs", json={}).status_code == 401
    rider = token(client, "rider")
    r = client.post("/api/workbench/runs", json={}, headers=rider | EN)
    assert r.status_code == 403
    assert client.get("/api/workbench/runs", headers=rider).status_code == 200
    options = client.get("/api/workbench/options", headers=rider).json()
    assert options["may_start"] is False
    assert {"baseline-2024", "putuo-2025"} <= {c["id"] for c in options["rulebooks"]}
    admin_options = client.get("/api/workbench/options", headers=token(client, "admin")).json()
    assert admin_options["may_start"] is True
    assert [c["id"] for c in admin_options["scenarios"]] == list(scenario_names())


def test_bad_input_names_the_fields(client: TestClient, world: World) -> None:
    admin = token(client, "admin") | EN
    r = client.post(
        "/api/workbench/runs", json={"orders": 5, "scenario": "mars", "extra": 1}, headers=admin
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"orders", "scenario", "extra"} <= fields
    r = client.post("/api/workbench/runs", json={"rules_b": "putuo-2099"}, headers=admin)
    assert r.status_code == 422
    assert r.json()["field"] == "rules_b"
    assert "putuo-2099" in r.json()["detail"]
    assert client.get("/api/workbench/runs/0", headers=admin).status_code == 422
    assert client.get("/api/workbench/runs/999", headers=admin).status_code == 404


def test_a_run_goes_from_queued_to_done_and_its_report_is_served(
    client: TestClient, world: World
) -> None:
    admin = token(client, "admin")
    body = {"orders": 60, "seed": 3, "attribution": False}
    r = client.post("/api/workbench/runs", json=body, headers=admin)
    assert r.status_code == 202, r.text
    run = r.json()
    assert run["status"] == "queued"
    assert r.headers["location"] == f"/api/workbench/runs/{run['id']}"
    seen = [run["status"]]
    deadline = time.monotonic() + 120
    while run["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, f"still {run['status']}: {run['stage']}"
        time.sleep(0.3)
        run = client.get(f"/api/workbench/runs/{run['id']}", headers=admin).json()
        if run["status"] != seen[-1]:
            seen.append(run["status"])
    assert run["status"] == "done", run["error"]
    assert seen in (["queued", "running", "done"], ["queued", "done"])
    assert run["progress"] == 1
    assert run["started_at"] is not None
    rider = token(client, "rider")
    result = client.get(run["result_url"], headers=rider).json()
    assert {row["key"] for row in result["table"]} >= {
        "rest_breaches",
        "c2d_mean",
        "cost_per_order",
    }
    assert result["attribution"] is None
    assert result["plots"][0]["svg"].startswith("<svg")
    report = client.get(run["report_url"], headers=rider)
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in report.headers["content-security-policy"]
    assert "putuo-2025@1" in report.text
    listed = client.get("/api/workbench/runs", headers=rider).json()
    assert listed[0]["id"] == run["id"]


def test_a_run_left_by_a_stopped_server_shows_as_interrupted(
    client: TestClient, world: World, platform: Platform
) -> None:
    long_ago = utcnow() - timedelta(minutes=30)
    with transaction(platform.factory) as session:
        row = WorkbenchRun(
            status="running",
            rules_a="baseline-2024",
            rules_b="putuo-2025",
            scenario="putuo-weekday",
            seed=0,
            orders=100,
            attribution=True,
            progress=0.4,
            stage="simulating",
            requested_by="admin",
            owner="a-server-that-stopped",
            created_at=long_ago,
            heartbeat_at=long_ago,
        )
        session.add(row)
        session.flush()
        run_id = row.id
    admin = token(client, "admin") | EN
    run = client.get(f"/api/workbench/runs/{run_id}", headers=admin).json()
    assert run["status"] == "interrupted"
    r = client.get(f"/api/workbench/runs/{run_id}/report", headers=admin)
    assert r.status_code == 409
    assert "interrupted" in r.json()["detail"]


def test_the_app_gives_its_own_platform_the_simulator(settings: Settings) -> None:
    app = create_app(settings)
    assert isinstance(app.state.platform.workbench.engine, ScenarioWorkbench)
    app.state.platform.close()


def test_without_a_simulator_runs_are_read_but_none_is_started(settings: Settings) -> None:
    bare = Platform.from_settings(settings)
    bare.upgrade_database()
    make_world(bare)
    try:
        with TestClient(create_app(settings, bare)) as client:
            admin = token(client, "admin") | EN
            options = client.get("/api/workbench/options", headers=admin).json()
            assert options["scenarios"] == []
            assert options["may_start"] is False
            r = client.post("/api/workbench/runs", json={}, headers=admin)
            assert r.status_code == 409
            assert r.headers["content-type"].startswith("application/problem+json")
            assert "no simulator" in r.json()["detail"]
            zh = client.post("/api/workbench/runs", json={}, headers=token(client, "admin"))
            assert "模拟" in zh.json()["detail"]
            assert client.get("/api/workbench/runs", headers=admin).json() == []
    finally:
        bare.close()


def test_a_full_queue_is_a_429_with_retry_after(
    client: TestClient, platform: Platform, world: World
) -> None:
    """Runs a caller already has waiting count against a cap; the next is refused, saying
    when to try again (rows stand in for runs that are still queued)."""
    admin = token(client, "admin")
    with transaction(platform.factory) as session:
        for seed in range(MAX_ACTIVE_PER_CALLER):
            session.add(
                WorkbenchRun(
                    status="queued", rules_a="baseline-2024", rules_b="putuo-2025",
                    scenario="putuo-weekday", seed=seed, orders=100, attribution=False,
                    progress=0.0, stage="queued", requested_by="admin",
                    account_id=world.ids["admin"], owner=platform.workbench.instance_id,
                    created_at=utcnow(), heartbeat_at=utcnow(),
                )
            )  # fmt: skip
    r = client.post("/api/workbench/runs", json={"orders": 100}, headers=admin | EN)
    assert r.status_code == 429, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert int(r.headers["retry-after"]) > 0
    assert "2 workbench runs waiting or running" in r.json()["detail"]
    assert len(client.get("/api/workbench/runs", headers=admin).json()) == MAX_ACTIVE_PER_CALLER


CJK = re.compile(r"[\u4e00-\u9fff]")
CLAUSE_PATH = re.compile(r"\b[a-z_]+\.[a-z_.]+\b")


def _done(client: TestClient, run: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    while run["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, f"still {run['status']}: {run['stage']}"
        time.sleep(0.3)
        run = client.get(f"/api/workbench/runs/{run['id']}", headers=headers).json()
    assert run["status"] == "done", run["error"]
    return run


def test_a_run_reads_in_chinese_by_default_and_in_english_on_request(
    client: TestClient, world: World
) -> None:
    """Keys stay (measure keys, clause paths, rulebook and scenario ids, stage ids); words
    come in the request's language: measure names and units, clause titles for attribution
    rows, rulebook and day titles, the stage, the plots and the options' titles."""
    admin = token(client, "admin")
    r = client.post(
        "/api/workbench/runs", json={"orders": 50, "seed": 2, "attribution": True}, headers=admin
    )
    assert r.status_code == 202, r.text
    assert r.json()["stage"] == "queued"
    assert r.json()["stage_text"] == "排队等待中"
    run = _done(client, r.json(), admin)
    assert (run["stage"], run["stage_text"]) == ("done", "已完成")
    assert run["rules_a_title"] == "《协议签订前的平台配送惯例（2024）》第1版"
    assert run["scenario"] == "putuo-weekday"
    assert run["scenario_title"] == "普陀区工作日"

    zh = client.get(run["result_url"], headers=admin).json()
    en = client.get(run["result_url"], headers=admin | EN).json()
    lang = client.get(run["result_url"] + "?lang=en", headers=admin).json()
    assert lang["table"] == en["table"]
    rows = {row["key"]: row for row in zh["table"]}
    assert rows["c2d_mean"]["label"] == "下单到送达时长（平均）"
    assert (rows["c2d_mean"]["unit"], rows["c2d_mean"]["unit_label"]) == ("min", "分钟")
    assert rows["below_guarantee"]["unit"] == "share"
    assert all(CJK.search(row["label"]) for row in zh["table"])
    en_rows = {row["key"]: row for row in en["table"]}
    assert en_rows["c2d_mean"]["label"] == "Click-to-door, mean"
    assert en_rows["c2d_mean"]["unit_label"] == "minutes"
    assert zh["rulebooks"] == {"a": "baseline-2024@1", "b": "putuo-2025@1"}
    assert zh["rulebook_titles"]["b"] == "《普陀区外卖算法与劳动规则协议（2025）》第1版"
    assert en["rulebook_titles"]["b"].startswith("“")
    assert "version 1" in en["rulebook_titles"]["b"]
    assert (zh["scenario"]["title"], en["scenario"]["title"]) == (
        "普陀区工作日",
        "Putuo District, a weekday",
    )

    attribution = zh["attribution"]
    assert attribution["labels"]["cost_per_order"] == "平台每单成本（骑手报酬）"
    titles = [row["title"] for row in attribution["rows"]]
    assert "每层爬楼补贴" in titles
    assert "基础运费 + 超时是否扣款 + 超时罚款 + 超时罚款上限" in titles  # several joined
    assert not [t for t in titles if CLAUSE_PATH.search(t)]
    assert ["pricing.stairs.fen_per_floor"] in [row["clauses"] for row in attribution["rows"]]
    assert "Pay per floor climbed" in [row["title"] for row in en["attribution"]["rows"]]

    assert {p["lang"] for p in zh["plots"]} == {"zh_CN"}
    assert zh["plots"][0]["title"] == "骑手每在线工作小时收入（补差后）"
    assert "每小时保底收入" in zh["plots"][0]["svg"]
    assert en["plots"][0]["title"] == "Rider pay per active hour (after top-up)"
    assert "hourly guarantee" in en["plots"][0]["svg"]
    assert [p["id"] for p in zh["plots"]] == [p["id"] for p in en["plots"]]

    report = client.get(run["report_url"], headers=admin).text
    assert '<section id="zh-CN" lang="zh-CN">' in report
    assert '<section id="en" lang="en">' in report
    assert "普陀区工作日" in report
    assert "Putuo District, a weekday" in report

    options = client.get("/api/workbench/options", headers=admin).json()
    assert {"id": "putuo-weekday", "title": "普陀区工作日"} in options["scenarios"]
    assert {"id": "putuo-2025", "title": zh["rulebook_titles"]["b"]} in options["rulebooks"]
    en_options = client.get("/api/workbench/options", headers=admin | EN).json()
    assert {"id": "putuo-rainy", "title": "Putuo District, a rainy day"} in en_options["scenarios"]


def test_a_run_stored_before_labels_had_languages_still_reads(
    client: TestClient, world: World, platform: Platform
) -> None:
    """A run stored with English labels, English plots and an English stage sentence shows
    by its keys in Chinese; what has no key known here keeps its stored English."""
    stored = {
        "rulebooks": {"a": "baseline-2024@1", "b": "putuo-2025@1"},
        "scenario": {"spec": "putuo-weekday (seed 0, 100 orders)"},
        "yardstick": {"hourly_fen": 2500},
        "table": [
            {"key": "fines", "label": "Fines", "unit": "¥", "better": "lower",
             "a": 12.0, "b": 0.0, "difference": -12.0},
            {"key": "retired_measure", "label": "A measure since retired", "unit": "odd",
             "better": "", "a": 1.0, "b": 2.0, "difference": 1.0},
        ],
        "attribution": {
            "measures": ["fines"],
            "rows": [{"clauses": ["service_score.late_fine_cap_fen"], "a": [None], "b": [0],
                      "effects": {"fines": -12.0}}],
            "sum_of_effects": {"fines": -12.0},
            "all_together": {"fines": -12.0},
            "interaction": {"fines": 0.0},
        },
    }  # fmt: skip
    with transaction(platform.factory) as session:
        row = WorkbenchRun(
            status="done", rules_a="baseline-2024", rules_b="putuo-2025",
            scenario="putuo-weekday", seed=0, orders=100, attribution=True, progress=1.0,
            stage="done", requested_by="admin", owner="an-older-server",
            created_at=utcnow(), heartbeat_at=utcnow(),
            finished_at=utcnow(), result=stored,
            plots=[{"id": "fines", "title": "Fines and service-score points", "svg": "<svg/>"}],
            report_html="<p>old report</p>",
        )  # fmt: skip
        session.add(row)
        session.flush()
        run_id = row.id
    admin = token(client, "admin")
    run = client.get(f"/api/workbench/runs/{run_id}", headers=admin).json()
    assert (run["stage_text"], run["scenario_title"]) == ("已完成", "普陀区工作日")
    result = client.get(f"/api/workbench/runs/{run_id}/result", headers=admin).json()
    labels = {row["key"]: (row["label"], row["unit_label"]) for row in result["table"]}
    assert labels == {
        "fines": ("罚款", "元"),
        "retired_measure": ("A measure since retired", "odd"),
    }
    assert result["attribution"]["rows"][0]["title"] == "超时罚款上限"
    assert [p["svg"] for p in result["plots"]] == ["<svg/>"]  # its English plots, as stored
    report = client.get(f"/api/workbench/runs/{run_id}/report", headers=admin)
    assert report.text == "<p>old report</p>"
