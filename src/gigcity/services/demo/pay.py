"""A demo day of deliveries for the demo rider, so the statement page has something to show."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from gigcity.db.models import Account, DeliveryReport
from gigcity.db.session import transaction
from gigcity.rules import LatenessCause
from gigcity.services.accounts import Principal, Role, Scope, create_api_key
from gigcity.services.pay.schemas import ActivityIn, DeliveryIn, DeliveryOrderIn, SpanIn
from gigcity.services.platform import Platform


def seed_demo_pay(platform: Platform, seed: int = 2025) -> int:
    """Yesterday's deliveries of the demo rider, reported by a demo platform feed, so the
    rider's statement page has a day to show. Runs once; returns how many were reported."""
    with platform.factory() as session:
        if session.scalar(select(DeliveryReport.id).limit(1)) is not None:
            return 0
        if session.scalar(select(Account.id).where(Account.username == "rider")) is None:
            return 0
    feed = _demo_feed(platform)
    tz = ZoneInfo(platform.settings.timezone)
    day = datetime.now(tz).date() - timedelta(days=1)
    rnd = random.Random(seed)
    start = datetime.combine(day, time(10, 30), tz)
    # A full-time rider's day (assumption shaped after delivery-facts.md): 10:30-14:00 and
    # 16:30-21:00 online, ~25 orders, some to walk-ups, a few late for various causes.
    shifts = [(start, start + timedelta(hours=3, minutes=30)), (start + timedelta(hours=6), start + timedelta(hours=10, minutes=30))]  # fmt: skip
    reported = 0
    spans: list[SpanIn] = []
    for begin, end in shifts:
        spans.append(SpanIn(start=begin, end=end, kind="waiting"))
        at = begin + timedelta(minutes=rnd.randint(2, 8))
        while at + timedelta(minutes=30) < end:
            delivery = _demo_delivery(rnd, f"demo-{day.isoformat()}-{reported + 1:03d}", at)
            delivered = delivery.delivered_at
            platform.pay.report_delivery(feed, "rider", delivery)
            spans.append(SpanIn(start=at, end=delivered, kind="on_order"))
            reported += 1
            at = delivered + timedelta(minutes=rnd.randint(1, 9))
    platform.pay.report_activity(feed, "rider", ActivityIn(spans=spans))
    return reported


def _demo_feed(platform: Platform) -> Principal:
    """A new platform API key for the demo delivery feed, as the principal that uses it."""
    with transaction(platform.factory) as session:
        key = create_api_key(session, "demo delivery feed", None, scopes=[Scope.deliveries])
    return Principal(
        role=Role.platform,
        api_key_id=key.id,
        label="api-key:demo delivery feed",
        scopes=frozenset({Scope.deliveries}),
    )


def _demo_delivery(rnd: random.Random, order_id: str, at: datetime) -> DeliveryIn:
    """One order placed `at`: distance, building, ride, and (sometimes) late for a cause."""
    distance = rnd.randint(600, 4200)
    walk_up = rnd.random() < 0.25
    ride = timedelta(minutes=8 + distance // 250 + rnd.randint(0, 6))
    late = rnd.random() < 0.15
    promised = at + ride + timedelta(minutes=rnd.randint(2, 10))
    delivered = promised + timedelta(minutes=rnd.randint(3, 12)) if late else at + ride
    order = DeliveryOrderIn(
        order_id=order_id,
        at=at,
        distance_m=distance,
        weight_g=rnd.choice((800, 1500, 2500, 6000, 12000)),
        floor=rnd.randint(3, 7) if walk_up else rnd.randint(1, 20),
        has_lift=not walk_up,
        old_estate=walk_up,
    )
    causes: tuple[LatenessCause | None, ...] = (
        None,
        "merchant_delay",
        "traffic_control",
        "lift_out_of_order",
    )
    cause = rnd.choice(causes) if late else None
    return DeliveryIn(order=order, promised_at=promised, delivered_at=delivered, late_cause=cause)
