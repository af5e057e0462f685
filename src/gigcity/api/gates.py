"""Gate passes without face data: certifying riders, a rider's passes and current code,
one-time order codes, and the gate controllers' allow-or-deny check with its log."""

from __future__ import annotations

import email.message
import json
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from gigcity.http.deps import (
    Allow,
    PlatformDep,
    RowId,
    api_key_scheme,
    bearer_scheme,
    optional_principal,
)
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.gates import (
    CertificationIn,
    CertificationOut,
    CheckIn,
    CheckOut,
    CountOut,
    DecisionOut,
    OrderCodeIn,
    OrderCodeOut,
    PassCodeOut,
    PassesOut,
    Reason,
)
from gigcity.services.platform import Platform as Platform_

router = APIRouter(prefix="/api/gates", tags=["gates"])

Voucher = Annotated[
    Principal,
    Depends(
        Allow(
            Role.staff,
            Role.admin,
            Role.platform,
            scope=Scope.deliveries,
            note="staff and platforms withdraw only the certifications they gave",
        )
    ),
]
CertificationReader = Annotated[
    Principal,
    Depends(
        Allow(
            Role.rider,
            Role.staff,
            Role.admin,
            Role.platform,
            scope=Scope.deliveries,
            note="riders see their own, staff their station's, platforms the ones they gave",
        )
    ),
]
Rider = Annotated[Principal, Depends(Allow(Role.rider))]
PassKeeper = Annotated[
    Principal,
    Depends(Allow(Role.admin, Role.property, note="property staff only their own estate's")),
]
Platform = Annotated[Principal, Depends(Allow(Role.platform, scope=Scope.deliveries))]
GATE_CONTROLLERS = Allow(
    Role.platform, scope=Scope.gates, note="the key answers for its own estate"
)
GateController = Annotated[Principal, Depends(GATE_CONTROLLERS)]
LogReader = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.property,
            Role.officer,
            note="property staff their own estate, officers estates in their sub-district",
        )
    ),
]
EstateFilter = Annotated[
    int | None, Query(ge=1, le=2_147_483_647, description="The estate (property staff: theirs)")
]


@router.post(
    "/certifications", response_model=CertificationOut, status_code=201, summary="Certify a rider"
)
def certify(platform: PlatformDep, caller: Voucher, body: CertificationIn) -> CertificationOut:
    """Vouch for a rider from `valid_from` (default now) until `valid_until` (at most a
    year). The voucher (the staff member's station, the platform's key, the admin) is
    recorded; a certified rider may ask for gate passes."""
    return platform.gates.certify(caller, body)


@router.get("/certifications", response_model=list[CertificationOut], summary="List certifications")
def list_certifications(
    platform: PlatformDep,
    caller: CertificationReader,
    rider: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    in_force: Annotated[bool, Query(description="Only those in force now")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[CertificationOut]:
    return platform.gates.certifications(caller, rider=rider, in_force_only=in_force, limit=limit)


@router.post(
    "/certifications/{certification_id}/revoke",
    response_model=CertificationOut,
    summary="Revoke a certification",
)
def revoke_certification(
    platform: PlatformDep, caller: Voucher, certification_id: RowId
) -> CertificationOut:
    """Takes effect at the next gate check, at every worker. Revoking again changes
    nothing."""
    return platform.gates.revoke_certification(caller, certification_id)


@router.get("/passes", response_model=PassesOut, summary="My gate passes")
def my_passes(platform: PlatformDep, caller: Rider) -> PassesOut:
    """Whether I am certified (until when), and the estates I may ask for a pass at."""
    return platform.gates.passes(caller)


@router.get(
    "/passes/{estate_id}/code", response_model=PassCodeOut, summary="My pass's current code"
)
def pass_code(
    platform: PlatformDep, caller: Rider, estate_id: RowId, response: Response
) -> PassCodeOut:
    """The current 6-digit code and its QR (SVG) for my pass at this estate, made on first
    request. Each code lasts one 30-second step (`expires_in_s`); the pass's secret stays on
    the server."""
    response.headers["Cache-Control"] = "no-store"
    return platform.gates.current_code(caller, estate_id)


@router.post("/passes/{pass_id}/revoke", status_code=204, summary="Revoke a gate pass")
def revoke_pass(platform: PlatformDep, caller: PassKeeper, pass_id: RowId) -> Response:
    platform.gates.revoke_pass(caller, pass_id)
    return Response(status_code=204)


@router.post(
    "/order-codes", response_model=OrderCodeOut, status_code=201, summary="Issue an order code"
)
def issue_order_code(platform: PlatformDep, caller: Platform, body: OrderCodeIn) -> OrderCodeOut:
    """A one-time 8-digit code for one order of a certified rider at one estate, valid for
    `minutes_valid` (at most 120). Show it to the rider: only its hash is kept. Issuing
    again for the same order ends the earlier code."""
    return platform.gates.issue_order_code(caller, body)


# The busiest route (gate controllers at rush hour). `install_fast_check` puts a plain
# Starlette route for it ahead of every other: the same caller check, body model and
# answer without FastAPI's per-request dependency solving, which was a fifth of a check's
# CPU. This route documents it (and answers where the fast one is not installed).
@router.post(
    "/check",
    response_model=None,
    responses={200: {"model": CheckOut, "description": "The decision, logged"}},
    summary="Allow or deny a rider at a gate",
)
def check(
    platform: PlatformDep, caller: GateController, body: CheckIn, request: Request
) -> Response:
    """Send the pass's QR payload (`payload`) or an order code (`code`) shown at gate
    `gate`. The answer says allow or deny, why (`reason`, and `reason_text` in the
    request's language) and a pseudonymous label of the rider; it is logged."""
    return _answer(platform, caller, body, request)


def _answer(platform: Platform_, caller: Principal, body: CheckIn, request: Request) -> Response:
    answer = platform.gates.check(caller, body, locale_of(request))
    return Response(answer.model_dump_json(), media_type="application/json")


async def _fast_check(request: Request) -> Response:
    platform: Platform_ = request.app.state.platform
    principal = await optional_principal(
        platform, await bearer_scheme(request), await api_key_scheme(request)
    )
    caller = await GATE_CONTROLLERS(principal)
    assert caller is not None  # Allow refuses the anonymous
    # A bad body is answered as FastAPI answers it (a test holds the two routes equal).
    raw = await request.body()
    if not raw:
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        raise RequestValidationError([missing])
    try:
        data = json.loads(raw) if _is_json(request.headers.get("content-type")) else raw
    except json.JSONDecodeError as exc:
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body", exc.pos), "msg": "JSON decode error",
              "input": {}, "ctx": {"error": exc.msg}}]
        ) from None  # fmt: skip
    try:
        body = CheckIn.model_validate(data)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None
    return await run_in_threadpool(_answer, platform, caller, body, request)


def _is_json(content_type: str | None) -> bool:
    """Whether FastAPI would read the body as JSON (else it validates the bytes, and fails)."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def install_fast_check(app: Starlette) -> None:
    """Answer `POST /api/gates/check` first, before the router looks at any other route."""
    app.router.routes.insert(0, Route("/api/gates/check", _fast_check, methods=["POST"]))


@router.get("/decisions", response_model=list[DecisionOut], summary="The gate log")
def decisions(
    platform: PlatformDep,
    caller: LogReader,
    request: Request,
    estate_id: EstateFilter = None,
    gate: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    allow: bool | None = None,
    reason: Reason | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DecisionOut]:
    """Newest first; kept 30 days, then only counted (`/api/gates/decisions/counts`)."""
    return platform.gates.decisions(
        caller, locale_of(request), estate_id=estate_id, gate=gate, allowed=allow,
        reason=reason, since=since, until=until, limit=limit,
    )  # fmt: skip


@router.get("/decisions/counts", response_model=list[CountOut], summary="Gate decisions per day")
def decision_counts(
    platform: PlatformDep,
    caller: LogReader,
    first: Annotated[date, Query(alias="from", description="First local day")],
    last: Annotated[date, Query(alias="to", description="Last local day")],
    estate_id: EstateFilter = None,
) -> list[CountOut]:
    return platform.gates.counts(caller, estate_id=estate_id, first=first, last=last)
