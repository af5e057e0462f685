"""The API documents itself: /docs, and every endpoint says who may call it."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_docs_page_and_schema(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "gigcity"


def test_every_api_operation_states_who_may_call_it(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        if path.startswith("/api")
        for method, op in ops.items()
        if "x-gigcity-access" not in op or "Who may call" not in op.get("description", "")
    ]
    assert missing == []


def test_unknown_paths_and_methods_are_problems(client: TestClient) -> None:
    r = client.get("/api/nothing-here", headers={"Accept-Language": "en"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"] == "There is nothing at /api/nothing-here."
    r = client.put("/api/places/meta")
    assert r.status_code == 405
    assert r.json()["status"] == 405
