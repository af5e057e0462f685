"""Every answer names its request id; the log lines of the request carry it; one access line
per request says what was asked (the route, never the query string) and how it went."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.logs import configure_logging
from gigcity.services.platform import Platform

# Request ids and access lines are the HTTP layer's, whatever the database.
pytestmark = pytest.mark.one_database

NEW_ID = re.compile(r"[0-9a-f]{32}")


def _app_with_trouble(platform: Platform) -> FastAPI:
    """The platform's app plus two routes: one logs from a worker thread, one fails."""
    app = create_app(platform.settings, platform)

    def work() -> dict[str, str]:  # a sync endpoint: runs in the thread pool
        logging.getLogger("gigcity.test").info("working")
        return {}

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/test/work", work)
    app.add_api_route("/test/boom", boom)
    return app


@pytest.fixture
def json_log(settings: Settings) -> Iterator[io.StringIO]:
    """Log lines as production writes them (JSON), into a buffer; logging put back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(settings.model_copy(update={"log_format": "json"}), stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)
    structlog.reset_defaults()


def _lines(stream: io.StringIO, logger: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == logger]


def test_a_sane_request_id_is_echoed(client: TestClient) -> None:
    for given in ("3f2c9a1e-7b4d-4c1a-9e0f-2b8d6a4c1e77", "edge-7.a_b", "x" * 128):
        r = client.get("/healthz", headers={"X-Request-ID": given})
        assert r.headers["X-Request-ID"] == given


@pytest.mark.parametrize(
    "given",
    ["x" * 129, "two words", '"><script>alert(1)</script>', "Root=1-5e1b4151;Parent=53995c", ""],
)
def test_a_strange_request_id_is_replaced_by_a_new_one(client: TestClient, given: str) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": given})
    assert NEW_ID.fullmatch(r.headers["X-Request-ID"])


def test_without_one_every_request_gets_its_own(client: TestClient) -> None:
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
    assert all(NEW_ID.fullmatch(i) for i in ids)


def test_errors_carry_the_request_id_too(client: TestClient) -> None:
    r = client.get("/api/places/987654", headers={"X-Request-ID": "not-found-1"})
    assert r.status_code == 404
    assert r.headers["X-Request-ID"] == "not-found-1"
    r = client.post("/api/places", json={}, headers={"X-Request-ID": "unauthorised-1"})
    assert r.status_code == 401
    assert r.headers["X-Request-ID"] == "unauthorised-1"


def test_an_unexpected_error_answers_500_with_its_id_and_logs_it_under_that_id(
    platform: Platform, json_log: io.StringIO
) -> None:
    with TestClient(_app_with_trouble(platform), raise_server_exceptions=False) as client:
        r = client.get("/test/boom", headers={"X-Request-ID": "boom-1"})
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["X-Request-ID"] == "boom-1"
    (error,) = _lines(json_log, "gigcity.api")
    assert error["request_id"] == "boom-1"
    assert "RuntimeError: a bug" in error["exception"]
    (access,) = _lines(json_log, "gigcity.access")
    assert (access["status"], access["request_id"]) == (500, "boom-1")


def test_lines_logged_in_a_worker_thread_carry_the_request_id(
    platform: Platform, json_log: io.StringIO
) -> None:
    with TestClient(_app_with_trouble(platform)) as client:
        client.get("/test/work", headers={"X-Request-ID": "job-7"})
        client.get("/test/work", headers={"X-Request-ID": "job-8"})
    assert [line["request_id"] for line in _lines(json_log, "gigcity.test")] == ["job-7", "job-8"]


def test_the_access_line_names_the_route_not_the_path_or_query(
    client: TestClient, json_log: io.StringIO
) -> None:
    r = client.get("/api/places/424242?phone=13800138000", headers={"X-Request-ID": "access-1"})
    assert r.status_code == 404
    (access,) = _lines(json_log, "gigcity.access")
    assert access["method"] == "GET"
    assert access["route"] == "/api/places/{place_id}"
    assert access["status"] == 404
    assert access["request_id"] == "access-1"
    assert access["client"] == "testclient"
    assert 0 < access["duration_ms"] < 10_000
    assert access["event"].startswith("GET /api/places/{place_id} 404 ")
    ours = json.dumps([access, *_lines(json_log, "gigcity.api")])
    assert "13800138000" not in ours
    assert "/424242" not in ours  # the path as asked is not logged (its template is)


def test_new_ids_are_32_hex_digits_and_never_repeat() -> None:
    from gigcity.api.request_id import new_request_id

    ids = [new_request_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
