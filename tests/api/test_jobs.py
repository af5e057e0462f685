"""/api/jobs: district admins only; bad filters named; a workbench run's job listed with its
status and the request that queued it; job arguments' values never shown; pages.

The queue is the one the server uses: in-process on SQLite (jobs run here), procrastinate
on PostgreSQL (no worker runs in these tests, so jobs stay queued)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import start_migrated
from gigcity.config import Settings
from gigcity.db.session import transaction
from gigcity.logs import bound_request_id
from gigcity.services.accounts import PLATFORM_SCOPES
from gigcity.services.platform import Platform
from gigcity.sim.scenarios import ScenarioWorkbench
from support import ADMIN, World, token

EN = {"Accept-Language": "en"}


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(mode="dev", database_url=database_url, secret_key="", job_queue="auto")


@pytest.fixture
def platform(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Platform]:
    start_migrated(settings.database_url, request)
    p = Platform.from_settings(settings, workbench_engine=ScenarioWorkbench())
    p.upgrade_database()
    yield p
    p.close()


def _defer(platform: Platform, task: str, request_id: str | None = None, **args: Any) -> int:
    with transaction(platform.factory) as session:
        if request_id is None:
            return platform.jobs.defer(session, task, **args)
        with bound_request_id(request_id):
            return platform.jobs.defer(session, task, **args)


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


def test_only_district_admins_see_jobs(
    client: TestClient, world: World, platform: Platform
) -> None:
    _problem(client.get("/api/jobs"), 401)
    _problem(client.get("/api/jobs/1"), 401)
    for username in ("rider", "staff", "officer"):
        headers = token(client, username) | EN
        assert "role" in _problem(client.get("/api/jobs", headers=headers), 403)["detail"]
        _problem(client.get("/api/jobs/1", headers=headers), 403)
    key = platform.accounts.create_api_key(ADMIN, "everything", scopes=PLATFORM_SCOPES).key
    _problem(client.get("/api/jobs", headers={"X-API-Key": key}), 403)
    r = client.get("/api/jobs", headers=token(client, "admin"))
    assert r.status_code == 200, r.text
    assert r.json()["jobs"] == []
    assert r.json()["durable"] is (platform.settings.database_url.startswith("postgresql"))


def test_bad_filters_are_named(client: TestClient, world: World) -> None:
    admin = token(client, "admin") | EN
    body = _problem(client.get("/api/jobs?status=lost", headers=admin), 422)
    assert body["field"] == "status"
    assert "'lost'" in body["detail"]
    assert "succeeded" in body["detail"]
    body = _problem(client.get("/api/jobs?queue=nope", headers=admin), 422)
    assert body["field"] == "queue"
    assert "workbench" in body["detail"]
    for bad in ("limit=0", "limit=201", "limit=x", "before=0", "before=-3"):
        body = _problem(client.get(f"/api/jobs?{bad}", headers=admin), 422)
        name = bad.split("=")[0]
        assert [e["field"] for e in body["errors"]] == [f"query.{name}"], bad
    _problem(client.get("/api/jobs/0", headers=admin), 422)
    _problem(client.get("/api/jobs/abc", headers=admin), 422)
    _problem(client.get(f"/api/jobs/{2**63}", headers=admin), 422)
    body = _problem(client.get("/api/jobs/987654", headers=admin), 404)
    assert "987654" in body["detail"]


def test_a_workbench_run_queued_over_http_is_listed_with_its_status_and_request(
    client: TestClient, world: World, platform: Platform
) -> None:
    admin = token(client, "admin")
    r = client.post(
        "/api/workbench/runs",
        json={"orders": 50, "seed": 1, "attribution": False},
        headers=admin | {"X-Request-ID": "jobs-test-req-1"},
    )
    assert r.status_code == 202, r.text
    # Only the workbench queue: a periodic job (relay alerts, every minute) may run beside it.
    page = client.get("/api/jobs?queue=workbench", headers=admin).json()
    [job] = page["jobs"]
    assert job["task"] == "workbench.run"
    assert job["queue"] == "workbench"
    assert job["request_id"] == "jobs-test-req-1"
    assert job["arg_keys"] == ["run_id"]
    assert job["queued_at"] is not None
    if platform.jobs.durable:  # PostgreSQL: nobody runs it here
        assert job["status"] == "todo"
        workbench_counts = [c for c in page["counts"] if c["queue"] == "workbench"]
        assert workbench_counts == [{"queue": "workbench", "status": "todo", "count": 1}]
        assert client.get("/api/jobs?status=todo", headers=admin).json()["jobs"] == [job]
        assert client.get("/api/jobs?status=failed", headers=admin).json()["jobs"] == []
        assert client.get("/api/jobs?queue=default", headers=admin).json()["jobs"] == []
    else:  # SQLite: the server runs it
        deadline = time.monotonic() + 180
        while job["status"] in ("todo", "doing"):
            assert time.monotonic() < deadline, job
            time.sleep(0.3)
            job = client.get(f"/api/jobs/{job['id']}", headers=admin).json()
        assert job["status"] == "succeeded", job
        assert job["attempts"] == 1
        assert job["started_at"] <= job["finished_at"]
        assert [e["type"] for e in job["events"]] == ["deferred", "started", "succeeded"]
        counts = client.get("/api/jobs", headers=admin).json()["counts"]
        workbench_counts = [c for c in counts if c["queue"] == "workbench"]
        assert workbench_counts == [{"queue": "workbench", "status": "succeeded", "count": 1}]
    one = client.get(f"/api/jobs/{job['id']}", headers=admin).json()
    assert one["id"] == job["id"]
    assert one["events"][0]["type"] == "deferred"


def test_arguments_values_are_never_shown_and_pages_go_back_in_time(
    client: TestClient, world: World, platform: Platform
) -> None:
    # A job whose arguments hold personal data (the retention job ignores them).
    ids = [
        _defer(platform, "retention.purge", "req-x", reporter="张三", phone="13800138000"),
        _defer(platform, "retention.purge"),
        _defer(platform, "retention.purge"),
    ]
    admin = token(client, "admin")
    r = client.get("/api/jobs?limit=2&queue=default", headers=admin)
    assert "13800138000" not in r.text
    assert "张三" not in r.text
    first = r.json()
    assert [j["id"] for j in first["jobs"]] == [ids[2], ids[1]]
    assert first["next_before"] == ids[1]
    second = client.get(f"/api/jobs?limit=2&before={ids[1]}", headers=admin).json()
    assert [j["id"] for j in second["jobs"]] == [ids[0]]
    assert second["next_before"] is None
    exact = client.get("/api/jobs?limit=3", headers=admin).json()  # all of them: no next page
    assert [j["id"] for j in exact["jobs"]] == ids[::-1]
    assert exact["next_before"] is None
    assert second["jobs"][0]["arg_keys"] == ["phone", "reporter"]
    assert second["jobs"][0]["request_id"] == "req-x"
    detail = client.get(f"/api/jobs/{ids[0]}", headers=admin)
    assert "13800138000" not in detail.text
    assert "张三" not in detail.text
    assert detail.json()["arg_keys"] == ["phone", "reporter"]
