"""The route a request matched, as its template (`/api/places/{place_id}`), for log lines
and metric labels: bounded, and free of the ids and names a raw path carries."""

from __future__ import annotations

from collections.abc import Iterable
from weakref import WeakKeyDictionary

from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Scope

UNMATCHED = "unmatched"
_KEY = "gigcity.route_template"  # computed once per request, by whichever middleware asks first
_BY_ENDPOINT: WeakKeyDictionary[object, dict[object, str]] = WeakKeyDictionary()


def route_template(scope: Scope, app: object) -> str:
    """Read after the request was routed by `app` (the outermost application: a mounted
    one replaces `scope["app"]`). FastAPI's own routes leave themselves in `scope["route"]`
    (under a mount, its `root_path`); other routes (/openapi.json, /docs, /metrics) and
    mounts (static files) are found by the endpoint they left in `scope["endpoint"]`."""
    template = scope.get(_KEY)
    if template is None:
        template = _resolve(scope, app)
        scope[_KEY] = template
    return str(template)


def _resolve(scope: Scope, app: object) -> str:
    path_format = getattr(scope.get("route"), "path_format", None)
    if isinstance(path_format, str):
        return str(scope.get("root_path", "")).rstrip("/") + path_format
    by_endpoint = _BY_ENDPOINT.get(app)
    if by_endpoint is None:
        by_endpoint = _BY_ENDPOINT[app] = _templates(getattr(app, "routes", ()), "")
    endpoint = scope.get("endpoint")
    return by_endpoint.get(endpoint, UNMATCHED) if endpoint is not None else UNMATCHED


def _templates(routes: Iterable[BaseRoute], prefix: str) -> dict[object, str]:
    """Endpoint -> template of the plain routes and mounts among `routes` (and inside the
    mounted apps); FastAPI's routes need none."""
    found: dict[object, str] = {}
    for route in routes:
        if isinstance(route, Route):
            found[route.endpoint] = prefix + route.path_format
        elif isinstance(route, Mount):
            inner = prefix + route.path.rstrip("/")
            found.update(_templates(getattr(route.app, "routes", ()), inner))
            found[route.app] = inner + "/{path}"
    return found
