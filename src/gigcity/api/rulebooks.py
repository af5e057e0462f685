"""The agreement, served: the rulebook in force, published versions, publishing, quotes."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from gigcity.api.problems import problem
from gigcity.api.validation_messages import validation_message
from gigcity.http.deps import Admin, Allow, PlatformDep, PublicCaller
from gigcity.http.locale import locale_of
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal, Scope
from gigcity.services.errors import InvalidInput, ServiceError
from gigcity.services.rulebooks import (
    OrderIn,
    QuoteOut,
    RulebookInvalid,
    RulebookVersionDetail,
    RuleProblem,
    RulesOverview,
    localise_version,
    message_text,
    title_of_clause,
)

router = APIRouter(prefix="/api/rules", tags=["rules"])

MAX_RULEBOOK_BYTES = 256 * 1024
YAML_TYPES = frozenset(
    {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain", ""}
)
JSON_TYPES = frozenset({"application/json"})

Quoter = Annotated[
    Principal,
    Depends(Allow.accounts_and_platform(Scope.deliveries)),
]
RulebookName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
OnDate = Annotated[
    date | None,
    Query(alias="date", description="The day (YYYY-MM-DD, district local); default today"),
]


class RequestTooLarge(ServiceError):
    status = 413
    title = N_("Request too large")
    type_slug = "too-large"


class UnsupportedMediaType(ServiceError):
    status = 415
    title = N_("Unsupported media type")
    type_slug = "unsupported-media-type"


def _too_large() -> RequestTooLarge:
    return RequestTooLarge(N_("A rulebook may have at most {max} bytes."), max=MAX_RULEBOOK_BYTES)


@router.get("", response_model=RulesOverview, summary="The rulebook in force and all versions")
def overview(
    platform: PlatformDep, request: Request, _: PublicCaller, on: OnDate = None
) -> RulesOverview:
    """The rulebook in force on `date` (the publication with the latest effective date on or
    before it) and every published version, newest first. The agreement is public."""
    out = platform.rulebooks.overview(on)
    locale = locale_of(request)
    return out.model_copy(
        update={
            "active": localise_version(out.active, locale) if out.active else None,
            "versions": [localise_version(v, locale) for v in out.versions],
        }
    )


@router.get(
    "/{rulebook_id}/versions/{version:int}",
    response_model=RulebookVersionDetail,
    summary="One published rulebook version, clause by clause",
)
def version_detail(
    platform: PlatformDep,
    request: Request,
    _: PublicCaller,
    rulebook_id: RulebookName,
    version: int,
) -> RulebookVersionDetail:
    """Old versions stay readable: the text as published, its clauses as data and as rows."""
    return localise_version(platform.rulebooks.detail(rulebook_id, version), locale_of(request))


_PUBLISH_BODY = {
    "required": True,
    "description": "The rulebook as YAML (comments are kept) or as JSON.",
    "content": {
        "application/yaml": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "object"}},
    },
}


@router.post(
    "",
    response_model=RulebookVersionDetail,
    status_code=201,
    summary="Publish a new rulebook version",
    openapi_extra={"requestBody": _PUBLISH_BODY},
    responses={409: {"description": "That version (or a later one) is published already"}},
)
async def publish(
    platform: PlatformDep,
    request: Request,
    caller: Admin,
    effective_from: Annotated[
        date | None,
        Query(description="The day it takes effect; default the rulebook's own effective_from"),
    ] = None,
    note: Annotated[str, Query(max_length=500, description="Kept in the audit")] = "",
) -> RulebookVersionDetail | JSONResponse:
    """Send the rulebook as the body (`Content-Type: application/yaml` or
    `application/json`). A rulebook that cannot be used is refused with 422 and every fault
    in `errors` (field path, line, message); a version already published is 409."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in YAML_TYPES | JSON_TYPES:
        raise UnsupportedMediaType(
            N_("Send the rulebook as application/yaml or application/json, not {type}."),
            type=media_type,
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_RULEBOOK_BYTES:
        raise _too_large()  # before reading it
    body = await request.body()
    if len(body) > MAX_RULEBOOK_BYTES:
        raise _too_large()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(N_("The rulebook must be UTF-8 text.")) from error
    try:
        return await run_in_threadpool(
            platform.rulebooks.publish,
            caller,
            text,
            source_format="json" if media_type in JSON_TYPES else "yaml",
            effective_from=effective_from,
            note=note,
        )
    except RulebookInvalid as error:
        locale = locale_of(request)
        first = error.problems[0]
        clause = first.path if locale == "en" else title_of_clause(first.path, locale)
        where = (
            gettext(locale, N_("line {line}: {field}"), line=first.line, field=clause)
            if first.line
            else clause
        )
        return problem(
            request,
            error.status,
            gettext(
                locale,
                error.message,
                **{**error.params, "where": where, "problem": _problem_text(first, locale)},
            ),
            slug=error.type_slug,
            title=error.title,
            extra={
                "field": first.path,
                "line": first.line,
                "errors": [
                    {"field": p.path, "line": p.line, "message": _problem_text(p, locale)}
                    for p in error.problems
                ],
            },
        )


def _problem_text(problem: RuleProblem, locale: str) -> str:
    """One fault of a rulebook in the reader's language (English keeps the parser's
    details, which only English has)."""
    if locale == "en":
        return problem.message
    if problem.said is not None:
        return message_text(problem.said, locale)
    if problem.error is not None:
        return validation_message(locale, problem.error, problem.path)
    return problem.message


@router.post("/quote", response_model=QuoteOut, summary="Price an order, line by line")
def quote(
    platform: PlatformDep,
    request: Request,
    _: Quoter,
    body: OrderIn,
    rulebook: Annotated[
        str | None,
        Query(
            pattern=r"^[a-z0-9][a-z0-9-]*$",
            max_length=64,
            description="A rulebook by name (published, else shipped); default the one in force",
        ),
    ] = None,
    version: Annotated[int | None, Query(ge=1, description="Its version; default latest")] = None,
) -> QuoteOut:
    """Each line names the clause that pays it. Without `rulebook`, the order is priced under
    the rulebook in force at `at` (default now, district local time)."""
    out = platform.rulebooks.quote(body, rulebook, version)
    return out.in_locale(locale_of(request))


__all__ = ["router"]
