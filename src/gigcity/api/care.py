"""Rest and care: psychological support and meal offers (issue 17).

The anonymous self-check and call-back requests are public and never read the caller: the
self-check stores no answers and no identity (a count per day and band), a call-back keeps
only the number (encrypted) and the time window. Counsellors work the call-back queue and
run group sessions; riders and drivers take places in them. Rider set meals and
free-water fridges are kept by the service point's staff; anyone may find the nearest."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from gigcity.http.deps import Allow, PlatformDep, PublicCaller, RowId
from gigcity.services.accounts import Principal, Role
from gigcity.services.care import (
    CallbackAccepted,
    CallbackDone,
    CallbackIn,
    CallbackOut,
    OfferIn,
    OfferKind,
    OfferOut,
    OfferUpdate,
    OutcomeIn,
    SelfCheckCountOut,
    SelfCheckIn,
    SelfCheckOut,
    SessionIn,
    SessionOut,
)

router = APIRouter(prefix="/api/care", tags=["care"])

Counsellor = Annotated[Principal, Depends(Allow(Role.counsellor))]
SessionKeeper = Annotated[Principal, Depends(Allow(Role.counsellor, Role.admin))]
Worker = Annotated[Principal, Depends(Allow(Role.rider))]
SessionReader = Annotated[Principal, Depends(Allow(Role.rider, Role.counsellor, Role.admin))]
OfferKeeper = Annotated[Principal, Depends(Allow(Role.staff, Role.admin))]

Lon = Annotated[float, Query(ge=-180, le=180, description="WGS-84 longitude")]
Lat = Annotated[float, Query(ge=-90, le=90, description="WGS-84 latitude")]
OpenNow = Annotated[bool, Query(description="Only offers open now.")]
K = Annotated[int, Query(ge=1, le=50, description="How many, nearest first.")]


@router.post("/self-check", response_model=SelfCheckOut, summary="Anonymous self-check")
def self_check(platform: PlatformDep, _: PublicCaller, body: SelfCheckIn) -> SelfCheckOut:
    """PHQ-2 and GAD-2, each two answers 0-3; a total of 3 or more on either suggests a
    fuller assessment. The answer always gives the 24-hour hotline. Nothing of it is stored
    but one more in the day's count of each band: no answers, no account (even when signed
    in), no address."""
    return platform.care.self_check(body)


@router.get(
    "/self-check/counts", response_model=list[SelfCheckCountOut], summary="Self-check counts"
)
def self_check_counts(
    platform: PlatformDep,
    caller: SessionKeeper,
    first: Annotated[date, Query(description="The first day (district time).")],
    last: Annotated[date, Query(description="The last day; at most a year after `first`.")],
) -> list[SelfCheckCountOut]:
    """How many self-checks fell in each band, by day and questionnaire: all that is kept
    of them."""
    return platform.care.self_check_counts(caller, first, last)


@router.post(
    "/callbacks", response_model=CallbackAccepted, status_code=201, summary="Ask for a call-back"
)
def request_callback(platform: PlatformDep, _: PublicCaller, body: CallbackIn) -> CallbackAccepted:
    """A counsellor calls the number in the chosen window. The number is stored encrypted,
    linked to no account and no self-check, and deleted 30 days after the call."""
    return platform.care.request_callback(body)


@router.get("/callbacks", response_model=list[CallbackOut], summary="Call-backs to make")
def callback_queue(platform: PlatformDep, caller: Counsellor) -> list[CallbackOut]:
    """The call-backs still to make, oldest first, with their numbers; every number shown
    is logged (who, when)."""
    return platform.care.callback_queue(caller)


@router.post(
    "/callbacks/{callback_id}/outcome", response_model=CallbackDone, summary="Mark a call-back"
)
def mark_callback(
    platform: PlatformDep, caller: Counsellor, callback_id: RowId, body: OutcomeIn
) -> CallbackDone:
    """Called, or not reached: once (a second mark is a 409). The number is deleted 30 days
    later."""
    return platform.care.mark_callback(caller, callback_id, body)


@router.post(
    "/sessions", response_model=SessionOut, status_code=201, summary="Put on a group session"
)
def create_session(platform: PlatformDep, caller: SessionKeeper, body: SessionIn) -> SessionOut:
    """A group session: title, when, where (or online) and how many places."""
    return platform.care.create_session(caller, body)


@router.get("/sessions", response_model=list[SessionOut], summary="Coming group sessions")
def sessions(platform: PlatformDep, caller: SessionReader) -> list[SessionOut]:
    """Sessions not yet started, soonest first, with their free places; `mine` marks a
    rider's own. Counsellors see counts, never who signed up."""
    return platform.care.upcoming_sessions(caller)


@router.delete("/sessions/{session_id}", status_code=204, summary="Cancel a group session")
def cancel_session(platform: PlatformDep, caller: SessionKeeper, session_id: RowId) -> Response:
    platform.care.cancel_session(caller, session_id)
    return Response(status_code=204)


@router.post(
    "/sessions/{session_id}/signup",
    response_model=SessionOut,
    status_code=201,
    summary="Take a place in a group session",
)
def sign_up(platform: PlatformDep, caller: Worker, session_id: RowId) -> SessionOut:
    """One atomic step: a full, cancelled or started session, or a second place, is a 409
    saying which."""
    return platform.care.sign_up(caller, session_id)


@router.delete("/sessions/{session_id}/signup", status_code=204, summary="Give a place back")
def give_back(platform: PlatformDep, caller: Worker, session_id: RowId) -> Response:
    platform.care.give_back(caller, session_id)
    return Response(status_code=204)


@router.post(
    "/offers", response_model=OfferOut, status_code=201, summary="Add a meal or water offer"
)
def create_offer(platform: PlatformDep, caller: OfferKeeper, body: OfferIn) -> OfferOut:
    """A rider set meal (price in fen, hours) or a free-water fridge at a service point: its
    own station staff, or district admins. Hours left out: the point's own."""
    return platform.care.create_offer(caller, body)


@router.patch("/offers/{offer_id}", response_model=OfferOut, summary="Change an offer")
def update_offer(
    platform: PlatformDep, caller: OfferKeeper, offer_id: RowId, body: OfferUpdate
) -> OfferOut:
    """Name, price, hours, or `active: false` to withdraw it."""
    return platform.care.update_offer(caller, offer_id, body)


@router.get("/places/{place_id}/offers", response_model=list[OfferOut], summary="A point's offers")
def offers_at(platform: PlatformDep, _: PublicCaller, place_id: RowId) -> list[OfferOut]:
    return platform.care.offers_at(place_id)


@router.get("/meals/nearest", response_model=list[OfferOut], summary="Nearest cheap meals")
def nearest_meals(
    platform: PlatformDep,
    _: PublicCaller,
    lon: Lon,
    lat: Lat,
    max_price_fen: Annotated[int, Query(ge=0, le=100_000, description="Price cap in fen.")] = 1500,
    open_now: OpenNow = True,
    k: K = 5,
) -> list[OfferOut]:
    """The nearest rider set meals at most `max_price_fen` (15 yuan by default), open now
    by default, nearest first, each with its distance in metres."""
    return platform.care.nearest_offers(
        OfferKind.meal, lon, lat, max_price_fen=max_price_fen, open_now=open_now, k=k
    )


@router.get("/water/nearest", response_model=list[OfferOut], summary="Nearest free water")
def nearest_water(
    platform: PlatformDep, _: PublicCaller, lon: Lon, lat: Lat, open_now: OpenNow = True, k: K = 5
) -> list[OfferOut]:
    """The nearest free-water fridges (爱"新"冰箱), open now by default, with distances."""
    return platform.care.nearest_offers(OfferKind.water, lon, lat, open_now=open_now, k=k)
