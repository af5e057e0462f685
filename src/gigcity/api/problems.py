"""RFC 9457 problem details for every error, in the reader's language."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from gigcity.api.validation_messages import validation_message
from gigcity.http.locale import locale_of
from gigcity.i18n import N_, gettext
from gigcity.services.errors import ServiceError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("gigcity.api")

_STATUS_TITLES = {
    400: N_("Bad request"),
    401: N_("Not signed in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("Request too large"),
    415: N_("Unsupported media type"),
    422: N_("Invalid input"),
    429: N_("Too many requests"),
    500: N_("Internal error"),
}


class ProblemError(BaseModel):
    """One fault of a request (or of a published rulebook)."""

    field: str = Field(
        description="Where: a dotted path such as `query.lat`, `amenities.beds.free` or "
        "`clauses.pay.base_fen`."
    )
    message: str = Field(description="What is wrong, in the reader's language.")
    line: int | None = Field(
        default=None, description="The line of a published rulebook's text, when known."
    )


class Problem(BaseModel):
    """An RFC 9457 problem detail (`application/problem+json`): every error the API answers.

    `type` is `urn:gigcity:problem:<slug>` (e.g. `invalid-input`, `not-found`,
    `missing-scope`) or `about:blank`; `title` and `detail` are in the reader's language.
    Besides the standard members, a problem may carry `field` (the input at fault),
    `errors` (every invalid field, on 422) and `line` (of a rulebook)."""

    # Extension members may be added later (RFC 9457 section 3.2): clients ignore unknown ones.
    model_config = ConfigDict(extra="allow")

    type: str = Field(description="`urn:gigcity:problem:<slug>` or `about:blank`.")
    title: str
    status: int = Field(ge=400, le=599, description="The HTTP status code, repeated.")
    detail: str
    instance: str = Field(description="The request path.")
    field: str | None = Field(default=None, description="The input at fault, when one is.")
    line: int | None = Field(default=None, description="The line of a rulebook at fault.")
    errors: list[ProblemError] | None = Field(
        default=None, description="Every invalid field (422 invalid-input)."
    )


# The methods `Allow` may list, in the order it lists them.
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the request's app answers on its path.

    The 405 of Starlette and FastAPI names only the methods of the first route matching the
    path, while a path such as /api/places/{id} has one route per method. Each method is
    tried on a fresh scope (matching may leave state in the request's own)."""
    allowed = []
    for method in _METHODS:
        scope = {
            "type": "http",
            "method": method,
            "path": request.scope["path"],
            "root_path": request.scope.get("root_path", ""),
            "headers": [],
            "query_string": b"",
        }
        if any(
            route.matches(scope)[0] is Match.FULL
            for route in request.app.router.routes
            if not isinstance(route, Mount)  # a mount takes any method; its app answers
        ):
            allowed.append(method)
    return allowed


def request_locale(request: Request) -> str:
    return locale_of(request)


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    locale = request_locale(request)
    body: dict[str, Any] = {
        "type": f"urn:gigcity:problem:{slug}" if slug else "about:blank",
        "title": gettext(locale, title or _STATUS_TITLES.get(status, "Error")),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)] if len(loc) > 1 else [str(p) for p in loc]
    return ".".join(parts)


def _summary(locale: str, errors: list[dict[str, str]]) -> str:
    """The first invalid fields in one line: `query.lat: Must be a number.; …` in English,
    `query.lat：必须是数字；…` in Chinese."""
    if locale == "zh_CN":
        return "；".join(f"{e['field']}：{e['message'].rstrip('。')}" for e in errors) + "。"
    return "; ".join(f"{e['field']}: {e['message']}" for e in errors)


def install(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        locale = request_locale(request)
        detail = gettext(locale, exc.message, **exc.params)
        extra = {"field": exc.field} if exc.field else None
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        if exc.retry_after_s is not None:
            headers["Retry-After"] = str(exc.retry_after_s)
        return problem(
            request,
            exc.status,
            detail,
            slug=exc.type_slug,
            title=exc.title,
            extra=extra,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        locale = request_locale(request)
        errors = []
        for e in exc.errors():
            field = _field_path(tuple(e.get("loc", ())))
            errors.append({"field": field, "message": validation_message(locale, e, field)})
        summary = _summary(locale, errors[:5])
        detail = gettext(locale, N_("The request has invalid fields: {summary}"), summary=summary)
        return problem(request, 422, detail, slug="invalid-input", extra={"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        locale = request_locale(request)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        if exc.status_code == 404 and detail == "Not Found":
            detail = gettext(locale, N_("There is nothing at {path}."), path=request.url.path)
        elif exc.status_code == 405:
            detail = gettext(
                locale,
                N_("{method} is not allowed on {path}."),
                method=request.method,
                path=request.url.path,
            )
        return problem(request, exc.status_code, detail, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        locale = request_locale(request)
        detail = gettext(locale, N_("Something went wrong on our side; the error has been logged."))
        return problem(request, 500, detail, slug="internal-error")
