"""Request bodies: a size limit per route, and the caller checked before a byte is read.

FastAPI reads and parses a body before it runs a route's dependencies, so without this a
stranger's 200 MB JSON was read, held and parsed before its 401. This pure-ASGI middleware
sits outside the app and, for a request that announces a body:

1. runs the route's `Allow` (the caller's bearer token or API key, role and scope) when the
   route is not public, and answers 401/403 without reading the body;
2. refuses it with 413 (problem+json) when its Content-Length exceeds the route's limit,
   before reading anything;
3. counts the bytes as the app reads them (chunked or understated bodies) and answers 413
   as soon as the limit is passed, dropping whatever the app was about to answer.

Limits fit what a real request needs: `DEFAULT_LIMIT` for ordinary JSON and forms, more
for the few routes that take files or batches (`ROUTE_LIMITS`), and the photo byte limit
plus the multipart envelope for photo uploads. Uploads are passed through chunk by chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from re import Pattern
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gigcity.api import audit, governance, pay, places, reports, rulebooks, streets
from gigcity.api.problems import problem
from gigcity.http.deps import (
    Allow,
    api_key_scheme,
    bearer_scheme,
    find_allow,
    optional_principal,
)
from gigcity.http.locale import locale_of
from gigcity.i18n import N_, gettext
from gigcity.services.errors import ServiceError
from gigcity.services.platform import Platform

KB = 1024
MB = 1024 * KB

DEFAULT_LIMIT = 64 * KB
"""Ordinary JSON and forms: the largest (a report, a service point, a quote) are ~2 KB."""

MULTIPART_ENVELOPE = 16 * KB
"""Boundaries and part headers around an uploaded file (a long file name included)."""

ROUTE_LIMITS: dict[Callable[..., Any], int] = {
    # A CSV or GeoJSON file of service points; the route allows 20 MB of file.
    places.import_places: places.MAX_UPLOAD_BYTES + MULTIPART_ENVELOPE,
    # A rulebook as YAML or JSON; the route allows 256 KB.
    rulebooks.publish: rulebooks.MAX_RULEBOOK_BYTES,
    # Up to 50,000 signal phases in one feed, ~110 bytes each as compact JSON (5.5 MB).
    streets.post_phases: 8 * MB,
    # A closure polygon drawn or imported from a GIS may have thousands of points.
    streets.add_closure: 1 * MB,
    # A 12345 hotline export (CSV or XLSX); the route allows 64 MB of file.
    governance.import_hotline: governance.MAX_UPLOAD_BYTES + MULTIPART_ENVELOPE,
    # A platform's decision log (a day or a month of a district); the route allows 512 MB.
    audit.upload_log: audit.MAX_UPLOAD_BYTES + MULTIPART_ENVELOPE,
    # Up to 500 spans of a rider's day, ~110 bytes each (55 KB compact, more indented).
    pay.report_activity: 256 * KB,
}


@dataclass(frozen=True, slots=True)
class _Rule:
    path: Pattern[str]
    methods: frozenset[str]
    limit: int
    allow: Allow | None  # None: public (or not an API route)


def _api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        # Newer FastAPI keeps an included router as one entry holding the original router
        # (our routers are included without an extra prefix, so their paths are whole).
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _api_routes(inner.routes)


def _size(limit: int) -> str:
    return f"{limit / MB:.0f} MB" if limit >= MB else f"{limit // KB} KB"


def _announces_body(scope: Scope) -> tuple[bool, int | None]:
    """Whether the request has a body, and its declared length (None: unknown)."""
    length: int | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return True, None  # the server refuses these; count the bytes regardless
        elif name == b"transfer-encoding":
            chunked = True
    if length is not None:
        return length > 0, length
    # HTTP/1.x without either header has no body (RFC 9112 6.3); HTTP/2 may have one.
    return chunked or scope.get("http_version", "1.1") not in ("1.0", "1.1"), None


class _TooLarge(Exception):
    """Raised into the app from `receive` when the body passes the limit."""


class BodyLimit:
    """The middleware (see the module's docstring); `install` adds it to the app."""

    def __init__(self, app: ASGIApp, api: FastAPI, photo_limit: int) -> None:
        self.app = app
        self.api = api
        self.photo_limit = photo_limit
        self._rules: list[_Rule] | None = None

    def _table(self) -> list[_Rule]:
        # Built at the first request, when every router (and page) is in place.
        if self._rules is None:
            limits = {**ROUTE_LIMITS, reports.upload_photo: self.photo_limit}
            rules: list[_Rule] = []
            for route in _api_routes(self.api.routes):
                allow = find_allow(route.dependant)
                rules.append(
                    _Rule(
                        path=route.path_regex,
                        methods=frozenset(route.methods or ()),
                        limit=limits.get(route.endpoint, DEFAULT_LIMIT),
                        allow=None if allow is None or allow.public else allow,
                    )
                )
            self._rules = rules
        return self._rules

    def _rule(self, scope: Scope) -> _Rule | None:
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]  # routes match the path below the root, as Starlette's
        for rule in self._table():
            if scope["method"] in rule.methods and rule.path.match(path):
                return rule
        return None  # unknown, mounted (Open311) or a page: the default limit, no check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        has_body, declared = _announces_body(scope)
        if not has_body:
            await self.app(scope, receive, send)
            return
        rule = self._rule(scope)
        if rule is not None and rule.allow is not None:
            refusal = await self._refusal(scope, rule.allow)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        limit = rule.limit if rule else DEFAULT_LIMIT
        if declared is not None and declared > limit:
            await self._too_large(scope, send, limit)
            return
        await self._counted(scope, receive, send, limit)

    async def _refusal(self, scope: Scope, allow: Allow) -> Response | None:
        """The route's own answer to this caller (401 or 403), if it would refuse them."""
        request = Request(scope)
        platform: Platform = self.api.state.platform
        try:
            principal = await optional_principal(
                platform, await bearer_scheme(request), await api_key_scheme(request)
            )
            await allow(principal)
        except ServiceError as exc:  # as problems.install answers it
            return problem(
                request,
                exc.status,
                gettext(locale_of(request), exc.message, **exc.params),
                slug=exc.type_slug,
                title=exc.title,
                extra={"field": exc.field} if exc.field else None,
                headers={"WWW-Authenticate": "Bearer"} if exc.status == 401 else None,
            )
        return None

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to a body it could not read: ours replaces it
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded or started:
                raise
        if exceeded and not started:
            await self._too_large(scope, send, limit)

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        request = Request(scope)
        detail = gettext(
            locale_of(request),
            N_("The request is too large: at most {size} may be sent here."),
            size=_size(limit),
        )
        response = problem(request, 413, detail, slug="too-large", extra={"max_bytes": limit})

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)


def install(app: FastAPI) -> None:
    """Limit every route's body (photo uploads: the configured photo size) and check callers
    before reading one. Add it last, so it runs first."""
    photo_bytes: int = app.state.settings.report_photo_max_bytes
    app.add_middleware(BodyLimit, api=app, photo_limit=photo_bytes + MULTIPART_ENVELOPE)
