"""Relay delivery (接力送): residents' consents, items through an estate's hand-off point,
the point's queue, couriers' items and earnings, alerts, platforms' webhooks."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from gigcity.http.deps import Allow, PlatformDep, RowId
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.relay import (
    AddressIn,
    AlertOut,
    AnnounceIn,
    AnnounceOut,
    CodeIn,
    ConsentCheck,
    ConsentOut,
    EarningsOut,
    ItemOut,
    PointOut,
    QueueOut,
    WebhookIn,
    WebhookOut,
    WhereIn,
)

router = APIRouter(prefix="/api/relay", tags=["relay"])

Platform_ = Annotated[Principal, Depends(Allow(Role.platform, scope=Scope.deliveries))]
ConsentKeeper = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.property,
            Role.platform,
            scope=Scope.deliveries,
            note="property staff of the estate; platforms on the resident's behalf "
            "(revoking only the consents they recorded)",
        )
    ),
]
EstateStaff = Annotated[
    Principal, Depends(Allow(Role.admin, Role.property, note="property staff of the estate"))
]
PointWorker = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.property,
            Role.courier,
            note="property staff and couriers of the estate",
        )
    ),
]
ItemReader = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.property,
            Role.courier,
            Role.platform,
            scope=Scope.deliveries,
            note="the platform that announced it; property staff and couriers of the estate",
        )
    ),
]
Courier = Annotated[
    Principal, Depends(Allow(Role.courier, note="community couriers of the item's estate"))
]
PointRef = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")]
Building = Annotated[str, Query(min_length=1, max_length=40)]
Part = Annotated[str, Query(max_length=40)]


# -- consents ---------------------------------------------------------------------------------


@router.post(
    "/estates/{estate_id}/consents",
    response_model=ConsentOut,
    status_code=201,
    summary="Record a resident's consent to relay delivery for an address",
    responses={409: {"description": "The address has a consent in force already"}},
)
def record_consent(
    platform: PlatformDep, caller: ConsentKeeper, estate_id: RowId, body: AddressIn
) -> ConsentOut:
    """Per address (building, unit, room); timestamped, with who recorded it. The resident's
    name and phone are not stored."""
    return platform.relay.record_consent(caller, estate_id, body)


@router.get(
    "/estates/{estate_id}/consents",
    response_model=list[ConsentOut],
    summary="The consents of an estate",
)
def list_consents(
    platform: PlatformDep,
    caller: EstateStaff,
    estate_id: RowId,
    revoked: Annotated[bool, Query(description="Include revoked consents")] = False,
) -> list[ConsentOut]:
    return platform.relay.consents(caller, estate_id, include_revoked=revoked)


@router.get(
    "/estates/{estate_id}/consent",
    response_model=ConsentCheck,
    summary="Whether an address has agreed to relay delivery",
)
def check_consent(
    platform: PlatformDep,
    caller: ConsentKeeper,
    estate_id: RowId,
    building: Building,
    unit: Part = "",
    room: Part = "",
) -> ConsentCheck:
    return platform.relay.consent_check(
        caller, estate_id, AddressIn(building=building, unit=unit, room=room)
    )


@router.post(
    "/consents/{consent_id}/revoke",
    response_model=ConsentOut,
    summary="Revoke a consent",
    responses={409: {"description": "Revoked already"}},
)
def revoke_consent(platform: PlatformDep, caller: ConsentKeeper, consent_id: RowId) -> ConsentOut:
    """Takes effect at once: no new item is announced for the address, and an item not yet
    dropped is refused at the point."""
    return platform.relay.revoke_consent(caller, consent_id)


# -- items ----------------------------------------------------------------------------------


@router.post(
    "/items",
    response_model=AnnounceOut,
    status_code=201,
    summary="Announce an item for relay delivery",
    responses={
        409: {
            "description": "The address has not agreed, the shelf is full, the estate has no "
            "hand-off point, or the order was announced already"
        }
    },
)
def announce(platform: PlatformDep, caller: Platform_, body: AnnounceIn) -> AnnounceOut:
    """Takes a shelf slot at the point. The answer carries the hand-off code (for the rider,
    shown at the point) and the recipient's confirmation code (for the customer, asked for at
    the door); both are shown this once."""
    return platform.relay.announce(caller, body)


@router.get("/items/{item_id}", response_model=ItemOut, summary="An item, its state and custody")
def get_item(platform: PlatformDep, caller: ItemReader, item_id: RowId) -> ItemOut:
    """With every custody step and whether their hash chain is intact."""
    return platform.relay.get(caller, item_id)


@router.post(
    "/items/{item_id}/drop",
    response_model=ItemOut,
    summary="The rider leaves the item at the point (scan of the hand-off code)",
    responses={409: {"description": "Point closed, consent revoked, or not expected now"}},
)
def drop(
    platform: PlatformDep,
    caller: Annotated[
        Principal,
        Depends(
            Allow(
                Role.admin,
                Role.property,
                Role.courier,
                Role.platform,
                scope=Scope.deliveries,
                note="the announcing platform (the rider's app), or the point's staff scanning",
            )
        ),
    ],
    item_id: RowId,
    body: CodeIn,
) -> ItemOut:
    return platform.relay.drop(caller, item_id, body)


@router.post(
    "/items/{item_id}/cancel", response_model=ItemOut, summary="Withdraw an item not yet dropped"
)
def cancel(platform: PlatformDep, caller: Platform_, item_id: RowId) -> ItemOut:
    return platform.relay.cancel(caller, item_id)


@router.post(
    "/items/{item_id}/claim",
    response_model=ItemOut,
    summary="Claim an item at the point",
    responses={409: {"description": "Another courier claimed it first, or it is not at the point"}},
)
def claim(platform: PlatformDep, caller: Courier, item_id: RowId) -> ItemOut:
    return platform.relay.claim(caller, item_id)


@router.post(
    "/items/{item_id}/deliver",
    response_model=ItemOut,
    summary="Hand the item over at the door (the recipient's code)",
)
def deliver(platform: PlatformDep, caller: Courier, item_id: RowId, body: CodeIn) -> ItemOut:
    """The courier is paid for the item once (a retry pays nothing more)."""
    return platform.relay.deliver(caller, item_id, body)


@router.post("/items/{item_id}/absent", response_model=ItemOut, summary="Nobody at the door")
def absent(platform: PlatformDep, caller: Courier, item_id: RowId, body: WhereIn) -> ItemOut:
    """The platform is told (webhook); the courier brings the item back to the point."""
    return platform.relay.absent(caller, item_id, body)


@router.post(
    "/items/{item_id}/return", response_model=ItemOut, summary="Bring the item back to the point"
)
def return_item(platform: PlatformDep, caller: Courier, item_id: RowId, body: WhereIn) -> ItemOut:
    return platform.relay.return_to_point(caller, item_id, body)


@router.post(
    "/items/{item_id}/collect",
    response_model=ItemOut,
    summary="The recipient collects the item at the point (their code)",
)
def collect(platform: PlatformDep, caller: PointWorker, item_id: RowId, body: CodeIn) -> ItemOut:
    return platform.relay.collect(caller, item_id, body)


@router.post(
    "/items/{item_id}/unlock",
    response_model=ItemOut,
    summary="Let codes be tried again after too many wrong ones",
)
def unlock(platform: PlatformDep, caller: EstateStaff, item_id: RowId) -> ItemOut:
    return platform.relay.unlock_codes(caller, item_id)


# -- points, couriers, alerts -------------------------------------------------------------------


@router.get(
    "/estates/{estate_id}/points",
    response_model=list[PointOut],
    summary="An estate's hand-off points",
)
def points(platform: PlatformDep, caller: PointWorker, estate_id: RowId) -> list[PointOut]:
    return platform.relay.points(caller, estate_id)


@router.get(
    "/estates/{estate_id}/points/{point}/queue",
    response_model=QueueOut,
    summary="A hand-off point's queue",
)
def queue(
    platform: PlatformDep, caller: PointWorker, estate_id: RowId, point: PointRef
) -> QueueOut:
    """Items waiting at the point (oldest first) and those out with couriers, each with the
    limits it has passed."""
    return platform.relay.queue(caller, estate_id, point)


@router.get("/estates/{estate_id}/alerts", response_model=list[AlertOut], summary="Open alerts")
def alerts(platform: PlatformDep, caller: PointWorker, estate_id: RowId) -> list[AlertOut]:
    return platform.relay.alerts(caller, estate_id)


@router.get(
    "/me/points",
    response_model=list[PointOut],
    summary="The hand-off points of my estate",
)
def my_points(
    platform: PlatformDep,
    caller: Annotated[Principal, Depends(Allow(Role.property, Role.courier))],
) -> list[PointOut]:
    return platform.relay.my_points(caller)


@router.get("/me/items", response_model=list[ItemOut], summary="The items I carry")
def my_items(platform: PlatformDep, caller: Courier) -> list[ItemOut]:
    return platform.relay.my_items(caller)


@router.get("/me/earnings", response_model=EarningsOut, summary="My relay pay for a day")
def my_earnings(
    platform: PlatformDep,
    caller: Courier,
    day: Annotated[
        date | None, Query(alias="date", description="District local day; default today")
    ] = None,
) -> EarningsOut:
    return platform.relay.earnings(caller, day)


# -- webhooks ---------------------------------------------------------------------------------


@router.put("/webhook", response_model=WebhookOut, summary="Set this key's webhook (new secret)")
def set_webhook(platform: PlatformDep, caller: Platform_, body: WebhookIn) -> WebhookOut:
    """Every status change of this key's items is POSTed there as JSON, signed
    (`X-Gigcity-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`); the secret is shown
    in this answer only."""
    return platform.relay.set_webhook(caller, body)


@router.get("/webhook", response_model=WebhookOut, summary="This key's webhook")
def get_webhook(platform: PlatformDep, caller: Platform_) -> WebhookOut:
    return platform.relay.webhook(caller)


@router.delete("/webhook", status_code=204, summary="Remove this key's webhook")
def remove_webhook(platform: PlatformDep, caller: Platform_) -> Response:
    platform.relay.remove_webhook(caller)
    return Response(status_code=204)
