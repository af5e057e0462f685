"""Streets: routes with their ETA breakdown, the live signal feed, and temporary closures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError

from gigcity.geo import PhaseFeed, PhaseFeedReport, RouteQuery
from gigcity.http.deps import Allow, PlatformDep, PublicCaller
from gigcity.http.locale import locale_of
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.streets import ClosureIn, ClosureOut, RouteEstimate, RouteOut, SignalsOut

router = APIRouter(prefix="/api", tags=["streets"])

PhaseSender = Annotated[
    Principal,
    Depends(
        Allow(
            Role.platform,
            Role.admin,
            scope=Scope.signals,
            note="a traffic-management system uses its API key",
        )
    ),
]
ClosureKeeper = Annotated[
    Principal,
    Depends(
        Allow(
            Role.officer,
            Role.admin,
            note="officers only for closures wholly within their sub-district",
        )
    ),
]
ClosureId = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Closure id, e.g. c3")
]

RouteOrEstimate = Annotated[RouteOut | RouteEstimate, Field(discriminator="kind")]

_LON_LAT_HINT = N_("Must be lon,lat in WGS-84 degrees, such as 121.4735,31.2310 ({reason}).")
_AWARE_HINT = N_("Must carry a time zone, such as 2026-11-28T12:00:00+08:00.")


def _query_errors(request: Request, exc: ValidationError) -> RequestValidationError:
    """RouteQuery's errors as query-parameter errors (`query.from`, ...), in plain words."""
    locale = locale_of(request)
    errors: list[dict[str, Any]] = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "query"
        item: dict[str, Any] = {**error, "loc": ("query", field)}
        if field in ("from", "to") and error["type"] == "value_error":
            reason = str(error.get("ctx", {}).get("error", error["msg"]))
            item["msg"] = gettext(locale, _LON_LAT_HINT, reason=reason)
            item["type"] = "lon_lat"
        elif error["type"] == "timezone_aware":
            item["msg"] = gettext(locale, _AWARE_HINT)
        errors.append(item)
    return RequestValidationError(errors)


@router.get("/route", response_model=RouteOrEstimate, summary="An e-bike route and its ETA")
def route(
    request: Request,
    platform: PlatformDep,
    _: PublicCaller,
    origin: Annotated[
        str, Query(alias="from", max_length=100, description="Start, lon,lat (WGS-84)")
    ],
    destination: Annotated[
        str, Query(alias="to", max_length=100, description="End, lon,lat (WGS-84)")
    ],
    at: Annotated[
        str | None,
        Query(max_length=64, description="Departure, ISO 8601 with a time zone; default now"),
    ] = None,
    name: Annotated[
        str, Query(max_length=200, description="The destination's name, for the app links")
    ] = "",
) -> RouteOut | RouteEstimate:
    """The fastest route for an e-bike on the configured street network, as a GeoJSON
    LineString, with its distance and ETA: `eta_s` = `moving_s` + `signal_wait_s` (the wait
    at each signal at the predicted arrival: exact where a live phase is known, expected
    otherwise). `closure_extra_s`/`closure_extra_m` say how much of the trip closures in
    force cause (included in the ETA, not added to it). Show `attribution` with the route.

    The answer's `kind` says which it is. `kind: "streets"`: the route above, when both
    points lie within 500 m of a street of the loaded network. `kind: "estimate"`: no
    street network covers the trip (an end is farther from every street, or no network is
    loaded on this server): the straight-line distance × `detour_factor` at `speed_kmh`,
    its `minutes`, a `note` labelling it as an estimate in the reader's language, and
    riding navigation links from `from` to `to` in Amap, Baidu and Tencent Maps (`name`
    labels the destination there). Points more than 60 km apart are a 422 naming `to`;
    when closures cut every way between the points, 404 `no-route` (the query is valid,
    but no route exists at that time)."""
    raw = {"from": origin, "to": destination} | ({"at": at} if at is not None else {})
    try:
        query = RouteQuery.model_validate(raw)
    except ValidationError as exc:
        raise _query_errors(request, exc) from None
    return platform.streets.route_or_estimate(
        query.origin,
        query.destination,
        query.at,
        locale=locale_of(request),
        destination_name=name.strip(),
    )


@router.post("/signals/phases", response_model=PhaseFeedReport, summary="Report live signal phases")
def post_phases(platform: PlatformDep, _: PhaseSender, body: PhaseFeed) -> PhaseFeedReport:
    """Per signal (OSM node id of any of a junction's signal nodes): the state of the major
    or minor approach and the seconds remaining, optionally the cycle and green. Routes
    use the phases, projected along the cycle, for `valid_for_s` after `observed_at`; a
    newer observation of a junction replaces an older one. The report counts the accepted
    observations and lists unknown signal ids and rejected observations with the reason.

    Phases are stored for every server worker: post to any one of them."""
    return platform.streets.apply_phases(body)


@router.get("/signals", response_model=SignalsOut, summary="Traffic signals and their phases")
def signals(platform: PlatformDep, _: PublicCaller) -> SignalsOut:
    """Every signalised junction of the street network: its timing plan (assumed from the
    road classes unless known) and its live phase, when a feed reported one still valid."""
    return platform.streets.signals()


@router.get("/closures", response_model=list[ClosureOut], summary="Temporary closures")
def list_closures(platform: PlatformDep, _: PublicCaller) -> list[ClosureOut]:
    """Closures in force now or still to come (ended ones are left out), by start time."""
    return platform.streets.closures()


@router.post(
    "/closures", response_model=ClosureOut, status_code=201, summary="Close streets for a time"
)
def add_closure(platform: PlatformDep, caller: ClosureKeeper, body: ClosureIn) -> ClosureOut:
    """A polygon (every street segment touching it is closed) or a list of OSM way ids,
    from `starts_at` to `ends_at`. Routes avoid it while it is in force; route answers
    report the detour it causes. It must close at least one street and not have ended.

    A grid officer may add only a closure wholly within their sub-district (every polygon
    vertex, or both ends of every segment of the ways); otherwise 403
    `outside-subdistrict`, and nothing is stored."""
    return platform.streets.add_closure(caller, body)


@router.delete("/closures/{closure_id}", status_code=204, summary="Lift a closure")
def remove_closure(platform: PlatformDep, caller: ClosureKeeper, closure_id: ClosureId) -> Response:
    """Lift a closure at once. A grid officer may lift only closures wholly within their
    sub-district, whoever added them; otherwise 403 `outside-subdistrict`."""
    platform.streets.remove_closure(caller, closure_id)
    return Response(status_code=204)
