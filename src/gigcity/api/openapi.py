"""The OpenAPI document, made to say what the API really does.

FastAPI's own document names operations after their paths (`nearby_api_places_nearby_get`),
declares its validation schema for 422 and leaves mounted sub-applications out. Here:

- every operation is named `<tag>_<function>` (`places_nearby`), stable while the code is;
- every 4xx answer of /api is declared as what it is, an RFC 9457 problem
  (`application/problem+json`, the `Problem` schema), with 422 wherever input is validated;
- the Open311 GeoReport v2 sub-application (mounted under /open311/v2) is described in the
  same document, with its own error format.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import Mount

from gigcity.api.problems import PROBLEM_JSON, Problem

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
# FastAPI's own validation-error schemas, replaced by Problem and dropped when unused.
_FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")


def operation_id(route: APIRoute) -> str:
    """`<first tag>_<endpoint function>`, e.g. `places_nearby`, `reports_get_report`."""
    tag = str(route.tags[0]) if route.tags else "api"
    return f"{tag}_{route.name}"


def problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": dict(PROBLEM_REF)}}}


def media_response(
    media_type: str, description: str, schema: dict[str, Any] | None = None, status: int = 200
) -> dict[int | str, Any]:
    """`responses=` of a route answering a body that is not JSON (a file, CSV, an image)."""
    content = {media_type: {"schema": schema or {"type": "string"}}}
    return {status: {"description": description, "content": content}}


def _problem_components() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {**defs, "Problem": schema}


def _declare_problems(document: dict[str, Any]) -> None:
    """Every 4xx/5xx of every operation is a problem; 4XX covers those not listed one by one."""
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _HTTP_METHODS:
                continue
            responses: dict[str, Any] = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code[0] in "45":
                    response["content"] = {PROBLEM_JSON: {"schema": dict(PROBLEM_REF)}}
            validation = responses.get("422")
            if validation is not None and validation.get("description") == "Validation Error":
                validation["description"] = "Invalid input: `errors` names every invalid field"
            responses.setdefault(
                "4XX",
                problem_response(
                    "Refused: not signed in (401), not allowed (403), not found (404), "
                    "conflict (409), too many requests (429), ..."
                ),
            )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(_problem_components())
    for name in _FASTAPI_SCHEMAS:  # HTTPValidationError first: it refers to ValidationError
        rest = {key: value for key, value in schemas.items() if key != name}
        if f'"#/components/schemas/{name}"' not in json.dumps([document["paths"], rest]):
            schemas.pop(name, None)


def _merge_components(into: dict[str, Any], other: dict[str, Any], where: str) -> None:
    for section, entries in other.items():
        target = into.setdefault(section, {})
        for name, value in entries.items():
            if name in target and target[name] != value:
                raise ValueError(f"OpenAPI components.{section}.{name} differs in {where}")
            target[name] = value


def build_document(app: FastAPI) -> dict[str, Any]:
    """The app's document, with the FastAPI applications mounted in it described too."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        servers=app.servers,
    )
    _declare_problems(document)
    components = document.setdefault("components", {})
    for route in app.routes:
        if not (isinstance(route, Mount) and isinstance(route.app, FastAPI)):
            continue
        mounted = route.app
        part = get_openapi(title=mounted.title, version=mounted.version, routes=mounted.routes)
        for path, item in part.get("paths", {}).items():
            document["paths"][route.path + path] = item
        _merge_components(components, part.get("components", {}), route.path)
    return document


def install(app: FastAPI) -> None:
    """Serve `build_document(app)` as /openapi.json (built once, on first use)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


__all__ = [
    "PROBLEM_REF",
    "build_document",
    "install",
    "media_response",
    "operation_id",
    "problem_response",
]
