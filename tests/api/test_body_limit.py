"""Request bodies: a limit per route (413 problem, before reading a declared length, while
streaming an undeclared one), callers checked before the body, uploads up to the photo limit
still accepted. Requests are also driven at the ASGI level, to see what the app read."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.api.body_limit import DEFAULT_LIMIT, MULTIPART_ENVELOPE, ROUTE_LIMITS, _api_routes
from gigcity.api.streets import post_phases
from gigcity.config import Settings
from gigcity.services.platform import Platform
from gigcity.services.reports import PhotoStore
from services.reports.reports_support import jpeg
from support import World, token

# Body limits act before any database is asked.
pytestmark = pytest.mark.one_database

PROBLEM = "application/problem+json"
EN = {"Accept-Language": "en"}
PHOTO_MAX = 200_000  # a small photo limit, so a photo at the limit is quick to make


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        mode="dev",
        database_url=database_url,
        secret_key="",
        data_dir=tmp_path,
        report_photo_max_bytes=PHOTO_MAX,
    )


@pytest.fixture(autouse=True)
def _ready(platform: Platform, world: World, tmp_path: Path) -> None:
    platform.reports.photos = PhotoStore(tmp_path / "photos")


def place(**fields: object) -> dict[str, object]:
    return {"name": "桃浦驿站", "kind": "rider_station", "lon": 121.3601, "lat": 31.2812} | fields


class Sent:
    """What an ASGI app answered, and how much of the request body it asked for."""

    def __init__(self) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""
        self.read = 0  # body bytes handed to the app
        self.reads = 0  # calls of receive() that handed out body

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    client: TestClient,
    path: str,
    headers: dict[str, str],
    chunks: Iterator[bytes],
    method: str = "POST",
) -> Sent:
    """Run the app on one request whose body comes from `chunks` (pulled only when the app
    reads), outside the test client, which would read the whole body first."""
    sent = Sent()

    async def receive() -> dict[str, Any]:
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        sent.read += len(chunk)
        sent.reads += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            sent.status = message["status"]
            sent.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            sent.body += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(client.app(scope, receive, send))  # type: ignore[arg-type]
    return sent


def endless(piece: bytes = b" " * 16_384) -> Iterator[bytes]:
    while True:
        yield piece


def test_a_declared_length_over_the_limit_is_413_before_reading(client: TestClient) -> None:
    admin = token(client, "admin")
    r = client.post(
        "/api/places",
        content=json.dumps(place(notes="x" * 100_000)).encode(),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.headers["content-type"].startswith(PROBLEM)
    problem = r.json()
    assert problem["type"] == "urn:gigcity:problem:too-large"
    assert problem["title"] == "请求过大"  # Chinese by default
    assert problem["max_bytes"] == DEFAULT_LIMIT
    assert problem["instance"] == "/api/places"
    english = client.post(
        "/api/places",
        content=b"[" + b" " * 70_000 + b"]",
        headers={**admin, **EN, "Content-Type": "application/json"},
    ).json()
    assert english["title"] == "Request too large"
    assert english["detail"] == "The request is too large: at most 64 KB may be sent here."
    # At the ASGI level: the app was never asked for a byte of the 200 MB.
    sent = call(client, "/api/places", {**admin, "Content-Length": str(200 * 2**20)}, endless())
    assert sent.status == 413
    assert sent.reads == 0


def test_a_chunked_or_understated_body_is_cut_off_at_the_limit(client: TestClient) -> None:
    admin = token(client, "admin")

    def chunks() -> Iterator[bytes]:
        yield b"["
        yield from (b" " * 10_000 for _ in range(20))
        yield b"]"

    r = client.post(
        "/api/places", content=chunks(), headers={**admin, "Content-Type": "application/json"}
    )
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413
    assert r.json()["type"] == "urn:gigcity:problem:too-large"
    # An endless chunked body, and one whose Content-Length lies: reading stops at the limit.
    for lying in ({"Transfer-Encoding": "chunked"}, {"Content-Length": "100"}):
        sent = call(client, "/api/places", {**admin, **lying, **EN}, endless())
        assert sent.status == 413, sent.body
        assert sent.headers["content-type"].startswith(PROBLEM)
        assert sent.json()["max_bytes"] == DEFAULT_LIMIT
        assert DEFAULT_LIMIT < sent.read <= DEFAULT_LIMIT + 16_384
    # A public route is limited too (no credential is needed to reach it).
    form = {"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"}
    sent = call(client, "/api/auth/token", form, endless(b"a" * 16_384))
    assert sent.status == 413
    assert sent.read <= DEFAULT_LIMIT + 16_384


def test_callers_are_checked_before_the_body_is_read(client: TestClient) -> None:
    body = json.dumps(place()).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    nobody = call(client, "/api/places", headers, iter([body]))
    assert nobody.status == 401
    assert nobody.reads == 0
    assert nobody.headers["content-type"].startswith(PROBLEM)
    assert nobody.headers["www-authenticate"] == "Bearer"
    assert nobody.json()["type"] == "urn:gigcity:problem:not-authenticated"
    assert nobody.json()["title"] == "未登录"
    stranger = call(client, "/api/places", {**headers, "Authorization": "Bearer nonsense"}, iter([body]))  # fmt: skip
    assert (stranger.status, stranger.reads) == (401, 0)
    rider = call(client, "/api/places", {**headers, **token(client, "rider"), **EN}, iter([body]))
    assert (rider.status, rider.reads) == (403, 0)
    assert rider.json()["detail"] == "Your role (rider) may not do this."
    # The same over the test client: the answer is the route's own.
    r = client.post("/api/places", content=b"{broken", headers=headers | EN)
    assert r.status_code == 401
    assert r.json()["detail"] == "Please sign in (a bearer token or an API key is required)."
    # A stranger's 200 MB is a 401 too (who asks comes before what they send).
    huge = call(client, "/api/places", {"Content-Length": str(200 * 2**20)}, endless())
    assert (huge.status, huge.reads) == (401, 0)
    # A stranger's endless upload is refused at once too.
    photo = call(client, "/api/reports/photos", {"Transfer-Encoding": "chunked"}, endless())
    assert (photo.status, photo.reads) == (401, 0)


def test_ordinary_requests_are_unaffected(client: TestClient) -> None:
    admin = token(client, "admin")
    created = client.post("/api/places", json=place(notes="n" * 2_000), headers=admin)
    assert created.status_code == 201, created.text
    assert client.get(f"/api/places/{created.json()['id']}").status_code == 200
    assert client.get("/api/reports/categories", headers=admin).status_code == 200
    # Bad input is still the route's 422 (the body was read and judged), not a 413.
    r = client.post("/api/places", json=place(lon="east"), headers=admin)
    assert r.status_code == 422
    assert r.json()["type"] == "urn:gigcity:problem:invalid-input"
    sent = call(
        client,
        "/api/places",
        {**admin, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        iter(
            [json.dumps(place(name="A"))[:20].encode(), json.dumps(place(name="A"))[20:].encode()]
        ),
    )
    assert sent.status == 201, sent.body


def test_photos_up_to_the_limit_are_accepted_and_bigger_uploads_are_not(
    client: TestClient,
) -> None:
    rider = token(client, "rider") | EN
    photo = jpeg()
    at_limit = photo + b"\0" * (PHOTO_MAX - len(photo))  # trailing bytes: dropped on rebuild
    r = client.post("/api/reports/photos", headers=rider, files={"file": ("a.jpg", at_limit)})
    assert r.status_code == 201, r.text
    # One byte over: within the multipart envelope, so the route itself says why (field).
    r = client.post(
        "/api/reports/photos", headers=rider, files={"file": ("a.jpg", at_limit + b"\0")}
    )
    assert r.status_code == 422
    assert r.json()["field"] == "file"
    # Beyond the photo limit and its envelope: refused before the upload is read.
    huge = at_limit + b"\0" * (MULTIPART_ENVELOPE + 1)
    r = client.post("/api/reports/photos", headers=rider, files={"file": ("a.jpg", huge)})
    assert r.status_code == 413
    assert r.json()["max_bytes"] == PHOTO_MAX + MULTIPART_ENVELOPE
    # Streamed in small pieces (as a server hands them over), a photo still gets through.
    body, content_type = _multipart(photo)
    sent = call(
        client,
        "/api/reports/photos",
        {**rider, "Content-Type": content_type},
        (body[i : i + 4096] for i in range(0, len(body), 4096)),
    )
    assert sent.status == 201, sent.body
    assert sent.reads > 1


def _multipart(data: bytes) -> tuple[bytes, str]:
    boundary = "gigcity-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_the_largest_signal_feed_fits_its_limit() -> None:
    observation = {
        "signal_id": 12_345_678_901,
        "approach": "minor",
        "state": "green",
        "remaining_s": 123.45,
        "cycle_s": 180.25,
        "major_green_s": 95.75,
    }
    feed = {
        "observed_at": "2025-05-01T08:00:00.000000+08:00",
        "valid_for_s": 600.0,
        "phases": [observation] * 50_000,  # the most PhaseFeed accepts
    }
    assert len(json.dumps(feed, separators=(",", ":"))) < ROUTE_LIMITS[post_phases]


def test_every_larger_limit_belongs_to_a_route_of_the_app(client: TestClient) -> None:
    endpoints = {route.endpoint for route in _api_routes(client.app.routes)}  # type: ignore[attr-defined]
    assert set(ROUTE_LIMITS) <= endpoints
