"""The FastAPI application, assembled from the two adapters: the API's routers, problem
details and OpenAPI document (`gigcity.api`) and the pages and static assets (`gigcity.web`).
Neither adapter imports the other; both read the caller and the locale from `gigcity.http`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import APIRouter, FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.routing import APIRoute
from starlette.types import ASGIApp

from gigcity import __version__
from gigcity.api import (
    accounts,
    audit,
    body_limit,
    care,
    dashboard,
    district,
    doctors,
    eldercare,
    eldercare_alert_stream,
    eldercare_alerts,
    eldercare_clashes,
    eldercare_family,
    eldercare_kitchen,
    eldercare_statements,
    eldercare_volunteers,
    estates,
    gates,
    governance,
    governance_dashboard,
    governance_voices,
    health,
    jobs,
    metrics,
    notify,
    open311,
    openapi,
    organisation,
    organisation_concerns,
    organisation_overview,
    organisation_theme,
    organisation_three_ones,
    pay,
    places,
    problems,
    relay,
    reports,
    rulebooks,
    stations,
    stays,
    streets,
    volunteers,
    workbench,
)
from gigcity.api.headers import DefaultHeaders
from gigcity.api.request_id import RequestId
from gigcity.config import WORKER_THREADS, Settings, get_settings
from gigcity.http.deps import find_allow
from gigcity.services.platform import Platform
from gigcity.sim.scenarios import ScenarioWorkbench
from gigcity.web import (
    audit_pages,
    care_pages,
    district_pages,
    docs,
    doctor_pages,
    eldercare_pages,
    estate_pages,
    gate_pages,
    governance_pages,
    governance_voice_pages,
    legal_pages,
    organisation_pages,
    pages,
    relay_pages,
    report_pages,
    station_pages,
    stays_pages,
    volunteer_pages,
)

DESCRIPTION = """\
gigcity: the district platform for delivery riders, ride-hailing drivers and truck drivers.

Sign in with `POST /api/auth/token` and send `Authorization: Bearer <token>`; platforms send
their key as `X-API-Key`. Every endpoint's description says who may call it. Errors are
RFC 9457 problem details (`application/problem+json`) in Simplified Chinese by default,
English with `Accept-Language: en` or `?lang=en`.
"""


def _state_access(router: APIRouter) -> APIRouter:
    """Append "Who may call" to every route's description, from its `Allow` dependency."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        allow = find_allow(route.dependant)
        if allow is None or "x-gigcity-access" in (route.openapi_extra or {}):
            continue  # no statement, or stated already (routers are shared by apps)
        statement = allow.statement()
        route.description = f"{route.description}\n\n**Who may call:** {statement}".strip()
        route.openapi_extra = {**(route.openapi_extra or {}), "x-gigcity-access": statement}
    return router


class _App(FastAPI):
    """FastAPI with middleware wrapped around its server-error handler (`add_middleware`
    puts middleware inside it): an unexpected error's 500 is counted and carries its
    request id like every other answer."""

    outermost: Sequence[Callable[[ASGIApp], ASGIApp]] = ()

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        for wrap in reversed(self.outermost):
            stack = wrap(stack)
        return stack


def create_app(settings: Settings | None = None, platform: Platform | None = None) -> FastAPI:
    settings = settings or get_settings()
    # A platform made here is this app's to close; one passed in is its caller's.
    owned = platform is None
    platform = platform or Platform.from_settings(settings, workbench_engine=ScenarioWorkbench())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # As many threads for blocking work as the database pool keeps connections: more
        # only contend for the GIL and the pool (anyio's default is 40).
        to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        platform.upgrade_database()  # the server brings its database up to date at start
        platform.places.index.get()  # build the map's search index before the first query
        platform.jobs.start_periodic()  # single-machine mode: the daily purge runs here
        try:
            yield
        finally:
            if owned:  # the listener, job threads, simulation processes and pool end with us
                platform.close()

    app = _App(
        title="gigcity",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by gigcity.web.docs, with a Content-Security-Policy
        redoc_url=None,
        generate_unique_id_function=openapi.operation_id,
    )
    app.state.settings = settings
    app.state.platform = platform
    outermost: list[Callable[[ASGIApp], ASGIApp]] = [RequestId]  # ids, access lines
    if settings.metrics_enabled:
        outermost.append(metrics.install(app, settings, platform))
    app.outermost = outermost
    body_limit.install(app)  # body size per route, callers checked before a body is read
    # Map layers and exports are large JSON; compress them (small answers are left alone).
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(DefaultHeaders)  # Referrer-Policy, nosniff
    problems.install(app)
    for router in (
        accounts.router,
        district.router,
        health.router,
        places.router,
        estates.router,
        rulebooks.router,
        pay.router,
        streets.router,
        reports.router,
        dashboard.router,
        workbench.router,
        jobs.router,
        relay.router,
        eldercare.router,
        eldercare_alerts.router,
        eldercare_clashes.router,
        eldercare_alert_stream.router,
        eldercare_family.router,
        eldercare_kitchen.router,
        eldercare_statements.router,
        eldercare_volunteers.router,
        gates.router,
        notify.router,
        care.router,
        doctors.router,
        stays.router,
        stations.router,
        governance.router,
        governance_voices.router,
        governance_dashboard.router,
        audit.router,
        organisation.router,
        organisation_theme.router,
        organisation_three_ones.router,
        organisation_concerns.router,
        organisation_overview.router,
        volunteers.router,
    ):
        app.include_router(_state_access(router))
    # The gate check, which gate controllers call at the busiest rate, is answered before
    # any other route is matched (routes are tried one by one, in order).
    gates.install_fast_check(app)
    open311.install(app, settings, platform)
    openapi.install(app)

    docs.install(app)
    pages.install(app)
    report_pages.install(app)
    estate_pages.install(app)
    relay_pages.install(app)
    gate_pages.install(app)
    eldercare_pages.install(app)
    care_pages.install(app)
    doctor_pages.install(app)
    stays_pages.install(app)
    station_pages.install(app)
    legal_pages.install(app)
    governance_voice_pages.install(app)
    governance_pages.install(app)
    district_pages.install(app)
    audit_pages.install(app)
    organisation_pages.install(app)
    volunteer_pages.install(app)
    return app
