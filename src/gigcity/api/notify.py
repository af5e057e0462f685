"""Notifications: the key a browser subscribes with, and a signed-in worker's browsers that
get notices ("booking confirmed", "a bed was released to you", "your shower is next")."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from gigcity.http.deps import AnyAccount, PlatformDep, PublicCaller
from gigcity.http.locale import locale_of
from gigcity.services.notify import PushKeyOut, SubscriptionIn, SubscriptionsOut, Unsubscribe

router = APIRouter(prefix="/api/notify", tags=["notify"])


@router.get("/push-key", response_model=PushKeyOut, summary="The Web Push key to subscribe with")
def push_key(platform: PlatformDep, caller: PublicCaller) -> PushKeyOut:
    """The installation's VAPID public key (`applicationServerKey` of
    `PushManager.subscribe`)."""
    return PushKeyOut(public_key=platform.notify.public_key())


@router.get(
    "/subscriptions", response_model=SubscriptionsOut, summary="How many of my browsers get notices"
)
def my_subscriptions(platform: PlatformDep, caller: AnyAccount) -> SubscriptionsOut:
    return SubscriptionsOut(browsers=platform.notify.subscribed(caller))


@router.post(
    "/subscriptions",
    status_code=204,
    response_class=Response,
    summary="Get notices in this browser",
)
def subscribe(
    platform: PlatformDep, caller: AnyAccount, body: SubscriptionIn, request: Request
) -> Response:
    """Keep this browser's push subscription (`PushSubscription.toJSON()`); notices come in
    the language of the request. At most five browsers per account: the oldest go first."""
    platform.notify.subscribe(caller, body, locale_of(request))
    return Response(status_code=204)


@router.post(
    "/subscriptions/remove",
    status_code=204,
    response_class=Response,
    summary="Stop notices in this browser",
)
def unsubscribe(platform: PlatformDep, caller: AnyAccount, body: Unsubscribe) -> Response:
    platform.notify.unsubscribe(caller, body.endpoint)
    return Response(status_code=204)
