"""Open311 GeoReport v2 under /open311/v2/: discovery, services, service definitions,
requests (GET and POST), one request, tokens; each as .json or .xml.

A sub-application of its own, so that its errors follow the GeoReport format (an array of
{code, description}; 400, 403 for api_key problems, 404 for what does not exist) while the
rest of the API keeps RFC 9457 problem details. Dates are ISO 8601 in district time with the
offset. Nothing here tells who filed a request.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Mount

from gigcity import __version__
from gigcity.api.open311.form import FormError, read_form, request_form
from gigcity.api.open311.rendering import (
    Format,
    error_response,
    render,
    request_out,
    service_out,
    tz_of,
)
from gigcity.api.open311.schemas import (
    ERRORS,
    FORMAT_SCHEMA,
    POST_REQUEST_BODY,
    Open311Discovery,
    Open311Receipt,
    Open311Request,
    Open311Service,
    Open311ServiceDefinition,
    Open311Token,
    answers,
)
from gigcity.api.openapi import operation_id
from gigcity.api.problems import allowed_methods
from gigcity.api.ratelimit import check_rate, check_rates, client_ip
from gigcity.config import Settings
from gigcity.http.locale import locale_of
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Scope
from gigcity.services.errors import Forbidden, NotAuthenticated, NotFound, ServiceError
from gigcity.services.platform import Platform
from gigcity.services.reports import (
    REFERENCE_REQUIRED,
    Category,
    ReportCreate,
    reference_hint,
)

log = logging.getLogger("gigcity.open311")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2025-06-01T00:00:00Z"  # when this server's service list last changed shape
MAX_SPAN = timedelta(days=90)
MAX_IDS = 1000


class Open311Error(Exception):
    def __init__(self, status: int, message: str, **params: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.params = params


# -- shared arguments -----------------------------------------------------------------------


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def _check_format(fmt: str) -> Format:
    if fmt not in ("json", "xml"):
        raise Open311Error(
            404, N_("Format '{format}' is not offered; use .json or .xml."), format=fmt
        )
    return fmt  # type: ignore[return-value]


def _check_jurisdiction(request: Request, jurisdiction_id: str | None) -> None:
    settings: Settings = request.app.state.settings
    if jurisdiction_id and jurisdiction_id != settings.open311_jurisdiction_id:
        raise Open311Error(
            404,
            N_("jurisdiction_id '{given}' was not found; this server serves '{ours}'."),
            given=jurisdiction_id,
            ours=settings.open311_jurisdiction_id,
        )


def read_limit(request: Request, platform: PlatformDep) -> None:
    check_rate(
        request,
        platform,
        "open311-read-ip",
        client_ip(request),
        platform.reports.rates.open311_reads_per_ip,
    )


Jurisdiction = Annotated[str | None, Query(max_length=200)]
# Documented as json|xml; any other is answered by _check_format (404, as GeoReport says).
Fmt = Annotated[str, Path(description="json or xml", json_schema_extra=FORMAT_SCHEMA)]
router = APIRouter(
    dependencies=[Depends(read_limit)],
    tags=["open311"],
    responses={"4XX": ERRORS},
    generate_unique_id_function=operation_id,
)


def _parse_date(name: str, value: str | None, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise Open311Error(
            400,
            N_("{name} must be a w3c date and time, such as 2025-05-01T00:00:00+08:00."),
            name=name,
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _request_number(text: str) -> int | None:
    """A request id as we issue them: ASCII digits within a 32-bit column (`isdigit` would
    take "²", which `int` refuses, and "١٢", which it reads as 12)."""
    if not (0 < len(text) <= 10 and text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number < 2**31 else None


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _codes(value: str | None) -> list[Category]:
    codes = _split(value)
    unknown = [c for c in codes if c not in Category.__members__]
    if unknown:
        raise Open311Error(404, N_("service_code '{code}' was not found."), code=unknown[0])
    return [Category(c) for c in codes]


def _one_code(value: str) -> Category:
    codes = _codes(value)
    if len(codes) != 1:
        raise Open311Error(400, N_("Give exactly one service_code."))
    return codes[0]


# -- discovery and services ------------------------------------------------------------------


@router.get(
    "/discovery.{fmt}",
    summary="Service discovery",
    responses={200: answers(Open311Discovery, "Where and how this server answers")},
)
def discovery(request: Request, fmt: Fmt) -> Response:
    chosen = _check_format(fmt)
    settings: Settings = request.app.state.settings
    # This endpoint sits at the API root: its own URL minus the file name is the base.
    base = str(request.url.replace(query="")).rsplit("/", 1)[0]
    data = {
        "changeset": CHANGESET,
        "contact": settings.open311_contact or request.app.state.platform.district.name,
        "key_service": gettext(
            locale_of(request), N_("API keys are issued by the district's admins.")
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(chosen, "discovery", data)


@router.get(
    "/services.{fmt}",
    summary="Service list",
    responses={200: answers(list[Open311Service], "What can be reported")},
)
def services(request: Request, fmt: Fmt, jurisdiction_id: Jurisdiction = None) -> Response:
    chosen = _check_format(fmt)
    _check_jurisdiction(request, jurisdiction_id)
    locale = locale_of(request)
    return render(chosen, "services", [service_out(c, locale) for c in Category])


@router.get(
    "/services/{service_code}.{fmt}",
    summary="Service definition",
    responses={200: answers(Open311ServiceDefinition, "The attributes a request may carry")},
)
def service_definition(
    request: Request, service_code: str, fmt: Fmt, jurisdiction_id: Jurisdiction = None
) -> Response:
    chosen = _check_format(fmt)
    _check_jurisdiction(request, jurisdiction_id)
    category = _one_code(service_code)
    locale = locale_of(request)
    attribute = {
        "variable": True,
        "code": "reference",
        "datatype": "string",
        "required": category in REFERENCE_REQUIRED,
        "datatype_description": gettext(locale, N_("Up to 200 characters.")),
        "order": 1,
        "description": gettext(locale, reference_hint(category)),
        "values": [],
    }
    return render(
        chosen, "service_definition", {"service_code": category.value, "attributes": [attribute]}
    )


# -- requests ---------------------------------------------------------------------------------


@router.get(
    "/requests.{fmt}",
    summary="Service requests",
    responses={200: answers(list[Open311Request], "Published requests, newest first")},
)
def requests(
    request: Request,
    platform: PlatformDep,
    fmt: Fmt,
    jurisdiction_id: Jurisdiction = None,
    service_request_id: Annotated[str | None, Query(max_length=12_000)] = None,
    service_code: Annotated[str | None, Query(max_length=1000)] = None,
    start_date: Annotated[str | None, Query(max_length=40)] = None,
    end_date: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """Newest first, at most 1,000, within 90 days (the last 90 by default);
    `service_request_id` (comma-separated) overrides every other filter."""
    chosen = _check_format(fmt)
    _check_jurisdiction(request, jurisdiction_id)
    locale = locale_of(request)
    ids = _split(service_request_id)
    if ids:
        numbers = [_request_number(i) for i in ids]
        if len(ids) > MAX_IDS or None in numbers:
            raise Open311Error(
                400,
                N_("service_request_id must be up to {max} comma-separated numbers."),
                max=MAX_IDS,
            )
        found = platform.reports.public_requests(ids=[n for n in numbers if n is not None])
        return render(chosen, "service_requests", [request_out(r, request, locale) for r in found])
    tz = tz_of(request)
    start = _parse_date("start_date", start_date, tz)
    end = _parse_date("end_date", end_date, tz)
    if start is None and end is None:
        end = datetime.now(tz)
        start = end - MAX_SPAN
    elif start is None:
        assert end is not None
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, N_("end_date must not be before start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, N_("The date range may not span more than 90 days."))
    statuses = _split(status)
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, N_("status must be open, closed, or both (comma-separated)."))
    found = platform.reports.public_requests(
        categories=_codes(service_code), start=start, end=end, statuses=statuses
    )
    return render(chosen, "service_requests", [request_out(r, request, locale) for r in found])


@router.get(
    "/requests/{service_request_id}.{fmt}",
    summary="One service request",
    responses={200: answers(list[Open311Request], "The request (a list of one)")},
)
def one_request(
    request: Request,
    platform: PlatformDep,
    service_request_id: str,  # any text: what is not one of ours is a 404, as GeoReport says
    fmt: Fmt,
    jurisdiction_id: Jurisdiction = None,
) -> Response:
    chosen = _check_format(fmt)
    _check_jurisdiction(request, jurisdiction_id)
    number = _request_number(service_request_id)
    found = platform.reports.public_request(number) if number is not None else None
    if found is None:
        shown = service_request_id[:20] + ("…" if len(service_request_id) > 20 else "")
        raise Open311Error(404, N_("service_request_id '{id}' was not found."), id=shown)
    return render(chosen, "service_requests", [request_out(found, request, locale_of(request))])


@router.get(
    "/tokens/{token}.{fmt}",
    summary="A request id from a token",
    responses={200: answers(list[Open311Token], "The id (null while held for review)")},
)
def token(
    request: Request,
    platform: PlatformDep,
    token: Annotated[str, Path(max_length=64)],
    fmt: Fmt,
    jurisdiction_id: Jurisdiction = None,
) -> Response:
    chosen = _check_format(fmt)
    _check_jurisdiction(request, jurisdiction_id)
    found = platform.reports.token(token)
    if found is None:
        raise Open311Error(404, N_("token '{token}' was not found."), token=token)
    return render(chosen, "service_requests", [{"service_request_id": found[1], "token": found[0]}])


# -- filing a request ----------------------------------------------------------------------


@router.post(
    "/requests.{fmt}",
    summary="File a service request",
    status_code=201,
    responses={201: answers(list[Open311Receipt], "The filed request (a list of one)")},
    openapi_extra={"requestBody": POST_REQUEST_BODY},
)
async def post_request(request: Request, platform: PlatformDep, fmt: Fmt) -> Response:
    """Form-encoded (`application/x-www-form-urlencoded`) with `api_key`; `lat` and `long`
    are required (this server does not geocode addresses)."""
    chosen = _check_format(fmt)
    try:
        form = await read_form(request)  # refuses what is not UTF-8, naming the field
    except FormError as exc:
        raise Open311Error(400, exc.message, **exc.params) from exc
    _check_jurisdiction(request, form.get("jurisdiction_id") or None)
    api_key = str(form.get("api_key") or request.headers.get("x-api-key") or "")
    if not api_key:
        raise Open311Error(403, N_("api_key was not provided."))
    try:
        principal = await run_in_threadpool(platform.accounts.principal_from_api_key, api_key)
    except NotAuthenticated as exc:
        raise Open311Error(403, N_("The api_key is not valid or has been revoked.")) from exc
    if Scope.open311 not in principal.scopes:
        raise Open311Error(403, N_("This api_key lacks the 'open311' scope."))
    rates = platform.reports.rates
    # The buckets may be a database statement: not on the event loop.
    await run_in_threadpool(
        check_rates,
        request,
        platform,
        [
            ("report-key", str(principal.api_key_id), rates.reports_per_account),
            ("report-ip", client_ip(request), rates.reports_per_ip),
        ],
    )
    code = str(form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, N_("service_code was not provided."))
    category = _one_code(code)
    try:
        fields = request_form(form, category)
    except FormError as exc:
        raise Open311Error(400, exc.message, **exc.params) from exc
    try:
        data = ReportCreate(
            category=category,
            description=fields.description,
            lon=fields.long,
            lat=fields.lat,
            address=fields.address,
            reference=fields.reference,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "request"
        raise Open311Error(
            400, N_("{name} is not valid: {reason}"), name=field, reason=first["msg"]
        ) from exc
    receipt = await run_in_threadpool(
        platform.reports.submit_open311, principal, data, fields.contact, fields.media_url
    )
    locale = locale_of(request)
    if receipt.held:
        item: dict[str, Any] = {
            "token": receipt.token,
            "service_notice": gettext(
                locale, N_("The request will be reviewed before it is published.")
            ),
            "account_id": fields.account_id,
        }
    else:
        item = {
            "service_request_id": receipt.id,
            "service_notice": gettext(
                locale, N_("The district's grid officers will look into it.")
            ),
            "account_id": fields.account_id,
        }
    return render(chosen, "service_requests", [item], status=201)


# -- the sub-application --------------------------------------------------------------------

_SERVICE_STATUS = {401: 403, 403: 403, 404: 404}


def create_open311_app(settings: Settings, platform: Platform) -> FastAPI:
    app = FastAPI(
        title="gigcity Open311 GeoReport v2",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.platform = platform
    app.include_router(router)

    def described(request: Request, message: str, params: dict[str, Any]) -> str:
        return gettext(locale_of(request), message, **params)

    @app.exception_handler(Open311Error)
    async def _open311(request: Request, exc: Open311Error) -> Response:
        return error_response(request, exc.status, described(request, exc.message, exc.params))

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> Response:
        status = _SERVICE_STATUS.get(exc.status, 400)
        if isinstance(exc, Forbidden | NotAuthenticated):
            status = 403
        elif isinstance(exc, NotFound):
            status = 404
        return error_response(request, status, described(request, exc.message, exc.params))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        name = str((first.get("loc") or ("request",))[-1])
        return error_response(
            request,
            400,
            described(
                request,
                N_("{name} is not valid: {reason}"),
                {"name": name, "reason": first.get("msg", "")},
            ),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            text = described(request, N_("There is nothing at {path}."), {"path": request.url.path})
        elif exc.status_code == 405:
            text = described(
                request,
                N_("{method} is not allowed on {path}."),
                {"method": request.method, "path": request.url.path},
            )
        else:
            text = str(exc.detail)
        status = exc.status_code if exc.status_code in (404, 405, 429) else 400
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return error_response(request, status, text, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(
            request,
            500,
            described(
                request, N_("Something went wrong on our side; the error has been logged."), {}
            ),
        )

    return app


def install(app: FastAPI, settings: Settings, platform: Platform) -> None:
    mount = Mount("/open311/v2", create_open311_app(settings, platform))
    # Starlette's pattern (`.*`) stops at a newline (%0A): every path under it is Open311's.
    mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)
    app.router.routes.append(mount)


__all__ = ["create_open311_app", "install"]
