"""The API documents itself: /docs, and every endpoint says who may call it."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from gigcity.api.problems import PROBLEM_JSON, Problem

# The document and the problem answers are the HTTP layer's, whatever the database.
pytestmark = pytest.mark.one_database


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


METHODS = ("get", "put", "post", "delete", "patch")


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_every_operation_has_a_named_stable_id(client: TestClient) -> None:
    """`<tag>_<function>`, not FastAPI's `nearby_api_places_nearby_get`."""
    operations = _operations(client.get("/openapi.json").json())
    ids = [op.get("operationId", "") for _, _, op in operations]
    assert len(ids) == len(set(ids)), "operation ids must be unique"
    for method, path, op in operations:
        op_id = op.get("operationId", "")
        assert re.fullmatch(r"[a-z0-9]+_[a-z0-9_]+", op_id), (method, path, op_id)
        assert op_id.startswith(f"{op['tags'][0]}_"), (method, path, op_id)
        assert not op_id.endswith(f"_{method}"), (method, path, op_id)
    by_route = {(method, path): op["operationId"] for method, path, op in operations}
    assert by_route["get", "/api/places/nearby"] == "places_nearby"
    assert by_route["get", "/api/reports/{report_id}"] == "reports_get_report"
    assert by_route["get", "/api/workbench/runs/{run_id}/report"] == "workbench_get_report"
    assert by_route["post", "/open311/v2/requests.{fmt}"] == "open311_post_request"


def test_errors_are_declared_as_problem_details(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    problem = {"$ref": "#/components/schemas/Problem"}
    for method, path, op in _operations(schema):
        if not path.startswith("/api/"):
            continue
        responses = op["responses"]
        assert "4XX" in responses, (method, path)
        for code, response in responses.items():
            if code[0] in "45":
                assert response["content"] == {PROBLEM_JSON: {"schema": problem}}, (
                    method,
                    path,
                    code,
                )
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in responses, (method, path)
    assert "HTTPValidationError" not in json.dumps(schema)
    members = schema["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "instance", "field", "errors", "line"} <= set(
        members
    )
    assert set(schema["components"]["schemas"]["Problem"]["required"]) == {
        "type",
        "title",
        "status",
        "detail",
        "instance",
    }


def test_a_validation_error_matches_the_declared_problem(client: TestClient) -> None:
    r = client.get("/api/places/nearby", params={"lat": "north", "lon": 121.4})
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM_JSON
    body = r.json()
    assert Problem.model_validate(body).errors is not None
    assert {"type", "title", "status", "detail", "instance", "errors"} <= set(body)


def test_open311_is_described_with_its_own_errors(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    open311 = {(m, p) for m, p, _ in _operations(schema) if p.startswith("/open311/v2/")}
    assert open311 == {
        ("get", "/open311/v2/discovery.{fmt}"),
        ("get", "/open311/v2/services.{fmt}"),
        ("get", "/open311/v2/services/{service_code}.{fmt}"),
        ("get", "/open311/v2/requests.{fmt}"),
        ("post", "/open311/v2/requests.{fmt}"),
        ("get", "/open311/v2/requests/{service_request_id}.{fmt}"),
        ("get", "/open311/v2/tokens/{token}.{fmt}"),
    }
    post = schema["paths"]["/open311/v2/requests.{fmt}"]["post"]
    form = post["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert {"service_code", "lat", "long"} <= set(form["required"])
    assert set(post["responses"]["201"]["content"]) == {"application/json", "text/xml"}
    errors = post["responses"]["4XX"]["content"]["application/json"]["schema"]
    assert errors["items"] == {"$ref": "#/components/schemas/Open311Error"}
    fmt = next(p for p in post["parameters"] if p["name"] == "fmt")
    assert fmt["schema"]["enum"] == ["json", "xml"]


def test_the_document_is_valid_openapi_3_1(client: TestClient) -> None:
    """Against the OpenAPI 3.1 meta-schema, every schema valid JSON Schema 2020-12."""
    schema = client.get("/openapi.json").json()
    faults = [
        (error.instance_path, error.message)
        for error in OPENAPI_31_VALIDATOR.iter_errors(schema)
        # The meta-schema wants an absolute tokenUrl (and so rejects the flow); the spec lets
        # URLs be relative ("Relative References in URLs"), as FastAPI writes it.
        if error.instance_path[:3] != ["components", "securitySchemes", "OAuth2PasswordBearer"]
    ]
    assert faults == []
    for component in schema["components"]["schemas"].values():
        jsonschema_rs.meta.validate(component)
    # The heatmap's cells, `[lon, lat, count]`, as three numbers (not a 2020-12 tuple, which
    # tools reading draft-7 `items` mistake for an invalid schema).
    cells = schema["components"]["schemas"]["Heatmap"]["properties"]["cells"]["items"]
    assert cells == {
        "type": "array",
        "items": {"type": "number"},
        "minItems": 3,
        "maxItems": 3,
        "description": "[lon, lat, count] of a cell's centre (WGS-84) and its reports",
    }


def test_405_allows_every_method_of_the_path(client: TestClient) -> None:
    r = client.put("/api/places/1")
    assert r.status_code == 405
    assert r.headers["content-type"] == PROBLEM_JSON
    assert r.headers["allow"] == "GET, PATCH, DELETE"
    r = client.post("/api/reports/routes")
    assert r.headers["allow"] == "GET, PUT"
    r = client.delete("/open311/v2/requests.json")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"


def test_every_response_has_a_referrer_policy(client: TestClient) -> None:
    for path in ("/", "/login", "/api/district", "/api/nothing-here", "/static/icon.svg"):
        r = client.get(path)
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert r.headers["x-content-type-options"] == "nosniff", path
    assert "content-security-policy" in client.get("/").headers  # pages keep theirs


def test_docs_page_has_a_content_security_policy(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in r.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    inline = re.findall(r"<script>(.*?)</script>", r.text, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    # Swagger UI's files come from this server only (no CDN): /docs works offline.
    assert policy["script-src"].split() == ["'self'", f"'sha256-{digest}'"]
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', r.text) == []
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "content-security-policy" in client.get("/docs/oauth2-redirect").headers
