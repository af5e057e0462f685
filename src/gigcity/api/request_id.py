"""Every request gets an id: the caller's `X-Request-ID` when it is a sane token, else a new
one. Log lines written while the request is handled carry it, the answer returns it (errors
too), and one access line per request says what was asked and how it went.

The access line names the route template, not the path or the query string: those carry
ids, positions and phone numbers that a log has no need of."""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gigcity.api.route_template import route_template
from gigcity.logs import bound_request_id

HEADER = "X-Request-ID"
_HEADER_KEY = HEADER.lower().encode("latin-1")
# UUIDs and the like pass; anything else (`Root=1-...;Parent=...`, quotes, newlines) is
# replaced, as it would be copied into every log line of the request.
_SANE = re.compile(rb"[A-Za-z0-9._-]{1,128}")
access_log = logging.getLogger("gigcity.access")


def request_id_of(scope: Scope) -> str:
    """The caller's id if it is a sane token (at most 128 of A-Z a-z 0-9 . _ -), else a
    new one (32 hex digits)."""
    for name, value in scope["headers"]:
        if name == _HEADER_KEY:
            if _SANE.fullmatch(value):
                return bytes(value).decode("ascii")
            break
    return new_request_id()


_counter = itertools.count()
_prefix: tuple[int, str] = (-1, "")


def new_request_id() -> str:
    """32 hex digits: this process's random 64-bit prefix and a counter. Unique across
    processes and hosts without a call for random bytes per request (uuid4's `urandom`
    was a twentieth of a gate check's time)."""
    global _prefix
    pid = os.getpid()
    if _prefix[0] != pid:  # first use, or a forked child: a prefix of its own
        _prefix = (pid, secrets.token_hex(8))
    return f"{_prefix[1]}{next(_counter) % 2**64:016x}"


class RequestId:
    """Pure ASGI middleware: binds the request id, answers it, writes the access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        app = scope.get("app")  # the outermost app: a mounted one replaces it in `scope`
        header = (_HEADER_KEY, request_id.encode("ascii"))
        status = 500  # if the app ends without answering, the server answers 500
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        with bound_request_id(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                if access_log.isEnabledFor(logging.INFO):
                    _log_access(scope, app, status, time.perf_counter() - start)


# Routes asked anonymously on purpose (the psychological self-check and its call-back
# request): their access lines leave out the caller's address too.
ANONYMOUS_ROUTES = frozenset({("POST", "/api/care/self-check"), ("POST", "/api/care/callbacks")})


def _log_access(scope: Scope, app: object, status: int, seconds: float) -> None:
    method, route = scope["method"], route_template(scope, app)
    client = scope.get("client")  # after uvicorn's proxy headers: the caller, not the proxy
    if (method, route) in ANONYMOUS_ROUTES:
        client = None
    duration_ms = round(seconds * 1000, 2)
    access_log.info(
        "%s %s %d %.1f ms",
        method,
        route,
        status,
        duration_ms,
        extra={
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": duration_ms,
            "client": client[0] if client else None,
        },
    )
