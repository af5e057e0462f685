"""/api/workbench: who may start and read runs, bad input, a run from queued to done, restarts,
and a platform without a simulator."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

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
def platform(settings: Settings) -> Iterator[Platform]:
    """The platform as the API app builds it: the simulator is the workbench's engine."""
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
    assert {"baseline-2024", "putuo-2025"} <= set(options["rulebooks"])
    admin_options = client.get("/api/workbench/options", headers=token(client, "admin")).json()
    assert admin_options["may_start"] is True
    assert admin_options["scenarios"] == list(scenario_names())


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
