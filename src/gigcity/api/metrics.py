"""Prometheus metrics at `GET /metrics`: requests and their latency by method, route template
and status class (counted by a pure ASGI middleware), and the platform's gauges read at
scrape time (`metrics_gauges`). Left out of the OpenAPI document: it is for Prometheus, in
its own text format (see docs/monitoring.md).

With several server workers (`gigcity serve --workers N`) each is a process of its own: set
PROMETHEUS_MULTIPROC_DIR to a directory they share and the request metrics of all of them
are added up in every scrape (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable
from functools import partial

from fastapi import FastAPI
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gigcity.api.metrics_gauges import PlatformGauges
from gigcity.api.route_template import route_template
from gigcity.config import Settings
from gigcity.i18n import N_
from gigcity.services.errors import NotAuthenticated
from gigcity.services.platform import Platform
from gigcity.services.pool_state import pool_state

PATH = "/metrics"
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# From 1 ms (most API answers take a few) to 30 s (a large import or export).
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LABELS = ("method", "route", "status")


class HttpInstruments:
    """The request counter and latency histogram, with their labelled series kept at hand
    (prometheus_client's `labels()` takes a lock and builds a key on every call)."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.requests = Counter(
            "gigcity_http_requests",
            "HTTP requests answered, by method, route template and status class.",
            LABELS,
            registry=registry,
        )
        self.duration = Histogram(
            "gigcity_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer.",
            LABELS,
            buckets=BUCKETS,
            registry=registry,
        )
        self._series: dict[tuple[str, str, str], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        # Methods and routes are bounded (a client may send any method name); so is status.
        key = (method if method in _METHODS else "other", route, f"{status // 100}xx")
        series = self._series.get(key)
        if series is None:
            series = (self.requests.labels(*key), self.duration.labels(*key))
            self._series[key] = series
        series[0].inc()
        series[1].observe(seconds)


class HttpMetrics:
    """Pure ASGI middleware counting every HTTP answer under its route template."""

    def __init__(self, app: ASGIApp, instruments: HttpInstruments) -> None:
        self.app = app
        self.instruments = instruments

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # if the app ends without answering, the server answers 500
        app = scope.get("app")  # the outermost app: a mounted one replaces it in `scope`
        start = time.perf_counter()

        async def send_keeping_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_keeping_status)
        finally:
            elapsed = time.perf_counter() - start
            route = route_template(scope, app)
            self.instruments.observe(scope["method"], route, status, elapsed)


def _registries(gauges: PlatformGauges) -> tuple[CollectorRegistry, CollectorRegistry | None]:
    """What a scrape reads, and where the request instruments register."""
    scraped = CollectorRegistry()
    if os.environ.get(MULTIPROCESS_ENV):
        # The instruments write to files in the shared directory; each scrape adds up every
        # worker's files. Process and GC metrics would describe one worker only: left out.
        MultiProcessCollector(scraped)  # type: ignore[no-untyped-call]
        scraped.register(gauges)
        return scraped, None
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR, gauges):
        scraped.register(collector)
    return scraped, scraped


def _authorised(request: Request, token: str) -> bool:
    if not token:
        return True
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # Constant time: how much of a wrong token matched must not show in the answer's timing.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode("utf-8"), token.encode("utf-8")
    )


def install(app: FastAPI, settings: Settings, platform: Platform) -> Callable[[ASGIApp], ASGIApp]:
    """Serve `GET /metrics` (with `Authorization: Bearer <token>` if `metrics_token` is set);
    return the middleware that counts requests, for the app to put outermost."""
    gauges = PlatformGauges(
        pool=partial(pool_state, platform.engine),
        streets=platform.streets.cache_state,
        jobs=platform.jobs.stats,
    )
    scraped, registry = _registries(gauges)
    # `*_created` series (when each series began) double the output and tell little.
    disable_created_metrics()  # type: ignore[no-untyped-call]
    token = settings.metrics_token
    instruments = HttpInstruments(registry)

    async def metrics(request: Request) -> Response:
        if not _authorised(request, token):
            raise NotAuthenticated(N_("The bearer token is not valid."))
        body = await run_in_threadpool(generate_latest, scraped)  # the gauges may query
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    app.add_route(PATH, metrics, methods=["GET"], include_in_schema=False)
    return lambda inner: HttpMetrics(inner, instruments)
