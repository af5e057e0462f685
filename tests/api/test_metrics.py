"""Prometheus metrics at /metrics: requests under their route template, the database pool,
the street ETA cache and the job queue; a token when one is set; nothing when switched off."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from gigcity.api.metrics_gauges import PlatformGauges
from gigcity.app import create_app
from gigcity.services.jobs.stats import QueueDepth
from gigcity.services.platform import Platform

TOKEN = "scrape-8Jf3kQ0pLr"


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """(sample name, its labels) -> value, from the exposition text."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float | None:
    return samples(text).get((name, frozenset(labels.items())))


def test_requests_are_counted_under_their_route_template(client: TestClient) -> None:
    for place_id in (111111, 222222, 333333):
        assert client.get(f"/api/places/{place_id}").status_code == 404
    client.get("/healthz")
    text = client.get("/metrics").text
    route = {"method": "GET", "route": "/api/places/{place_id}", "status": "4xx"}
    assert value(text, "gigcity_http_requests_total", **route) == 3
    assert value(text, "gigcity_http_request_duration_seconds_count", **route) == 3
    healthz = {"method": "GET", "route": "/healthz", "status": "2xx"}
    assert value(text, "gigcity_http_requests_total", **healthz) == 1
    assert "/111111" not in text  # never the raw path: its values are unbounded


def test_paths_that_match_nothing_share_one_label(client: TestClient) -> None:
    for n in range(3):
        client.get(f"/no/such/page/{n}")
    client.request("BREW", "/healthz")  # a method no route has: one label for all such
    text = client.get("/metrics").text
    unmatched = {"method": "GET", "route": "unmatched", "status": "4xx"}
    assert value(text, "gigcity_http_requests_total", **unmatched) == 3
    other = {"method": "other", "route": "/healthz", "status": "4xx"}
    assert value(text, "gigcity_http_requests_total", **other) == 1
    assert "/no/such" not in text
    assert "BREW" not in text


def test_pool_and_street_gauges_describe_this_worker(client: TestClient) -> None:
    text = client.get("/metrics").text
    assert value(text, "gigcity_db_pool_size") is not None
    assert value(text, "gigcity_db_pool_checked_out") == 0  # the scrape holds none
    assert value(text, "gigcity_streets_loaded") == 0  # no street graph in the tests
    assert value(text, "gigcity_streets_closures") == 0


def test_an_unexpected_error_is_counted_as_5xx(platform: Platform) -> None:
    app = create_app(platform.settings, platform)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/test/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/test/boom").status_code == 500
        text = client.get("/metrics").text
    labels = {"method": "GET", "route": "/test/boom", "status": "5xx"}
    assert value(text, "gigcity_http_requests_total", **labels) == 1


def test_a_set_token_is_required(platform: Platform) -> None:
    settings = platform.settings.model_copy(update={"metrics_token": TOKEN})
    with TestClient(create_app(settings, platform)) as client:
        refused = client.get("/metrics")
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
        for wrong in (f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", TOKEN, f"Basic {TOKEN}"):
            assert client.get("/metrics", headers={"Authorization": wrong}).status_code == 401
        allowed = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200
    assert allowed.headers["content-type"].startswith("text/plain")
    assert "gigcity_http_requests_total" in allowed.text


def test_switched_off_there_is_nothing_at_metrics(platform: Platform) -> None:
    settings = platform.settings.model_copy(update={"metrics_enabled": False})
    app = create_app(settings, platform)
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/healthz").status_code == 200  # the request id stays
    assert [wrap.__name__ for wrap in app.outermost] == ["RequestId"]  # type: ignore[attr-defined]


def test_metrics_are_not_in_the_api_document(client: TestClient) -> None:
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def _collected(gauges: PlatformGauges) -> str:
    registry = CollectorRegistry()
    registry.register(gauges)
    return generate_latest(registry).decode()


def test_job_queue_depth_and_age_per_queue_and_status() -> None:
    depths = [
        QueueDepth(queue="workbench", status="todo", count=3, oldest_age_s=42.5),
        QueueDepth(queue="default", status="doing", count=1, oldest_age_s=2.0),
    ]
    streets = {"loaded": 1.0, "closures": 4.0, "snapshot_age_s": 12.0}  # a key added later
    text = _collected(PlatformGauges(pool=dict, streets=lambda: streets, jobs=lambda: depths))
    assert value(text, "gigcity_jobs", queue="workbench", status="todo") == 3
    assert value(text, "gigcity_jobs_oldest_age_seconds", queue="workbench", status="todo") == 42.5
    assert value(text, "gigcity_jobs", queue="default", status="doing") == 1
    assert value(text, "gigcity_jobs_stats_up") == 1
    assert value(text, "gigcity_streets_closures") == 4
    assert value(text, "gigcity_streets_snapshot_age_s") == 12  # every key is exported


def test_a_failing_job_queue_does_not_fail_the_scrape() -> None:
    def unreachable() -> list[QueueDepth]:
        raise ConnectionError("database is down")

    text = _collected(PlatformGauges(pool=dict, streets=dict, jobs=unreachable))
    assert value(text, "gigcity_jobs_stats_up") == 0
    assert value(text, "gigcity_info", version="0.1.0") == 1


_WORKER = """
import sys
from fastapi.testclient import TestClient
from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.services.platform import Platform

settings = Settings(mode="dev", database_url=sys.argv[1])
platform = Platform.from_settings(settings)
with TestClient(create_app(settings, platform)) as client:
    client.get("/healthz")
    if sys.argv[2] == "scrape":
        print(client.get("/metrics").text)
"""


@pytest.mark.slow
def test_several_worker_processes_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    """`gigcity serve --workers N` with PROMETHEUS_MULTIPROC_DIR: any worker's scrape
    counts the requests of all of them."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    url = f"sqlite:///{tmp_path / 'gigcity.db'}"
    script = textwrap.dedent(_WORKER)

    def worker(role: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, url, role],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return done.stdout

    worker("serve")
    text = worker("scrape")
    healthz = {"method": "GET", "route": "/healthz", "status": "2xx"}
    assert value(text, "gigcity_http_requests_total", **healthz) == 2
    assert value(text, "gigcity_db_pool_size") is not None  # the scraped worker's own


def test_the_job_queue_is_scraped(client: TestClient) -> None:
    text = client.get("/metrics").text
    assert "gigcity_jobs_stats_up 1.0" in text
