"""The demo's relay delivery at the sample estate: a few residents' consents and items at
each stage (coming, waiting at the point, one late, one with the demo courier), announced
by the demo platform key. Demo items' recipient code is DEMO_CONFIRM_CODE, so the courier
page can be tried end to end (demo data only: real codes are random and shown once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, RelayConsent, RelayCustody, RelayItem
from gigcity.db.models import Estate as EstateRow
from gigcity.geo.estates import Estate
from gigcity.services.accounts.service import principal_from_api_key
from gigcity.services.demo.accounts import demo_api_key
from gigcity.services.relay.codes import code_hash
from gigcity.services.relay.custody import GENESIS, Step, step_hash

DEMO_CONFIRM_CODE = "123456"
DEMO_HANDOFF_CODE = "12345678"
# (minutes ago announced, state, with the demo courier)
_ITEMS = [
    (50, "at_point", False),  # waiting past the claim limit: an alert
    (12, "at_point", False),
    (5, "at_point", False),
    (25, "claimed", True),
    (2, "announced", False),
]
_STEPS = {
    "announced": [("announced", "rider", "platform")],
    "at_point": [("announced", "rider", "platform"), ("dropped_at_point", "point", "platform")],
    "claimed": [
        ("announced", "rider", "platform"),
        ("dropped_at_point", "point", "platform"),
        ("claimed", "courier", "courier"),
    ],
}


def seed_demo_relay(session: Session, estate_id: int) -> None:
    """Consents and items at the sample estate's first hand-off point, unless seeded."""
    if session.scalar(select(RelayItem.id).where(RelayItem.estate_id == estate_id).limit(1)):
        return
    row = session.get(EstateRow, estate_id)
    if row is None:
        return
    estate = Estate.model_validate(row.document)
    if not estate.handoffs or not estate.buildings:
        return
    point = estate.handoffs[0]
    key_id = principal_from_api_key(session, demo_api_key(session)).api_key_id
    courier_id = session.scalar(select(Account.id).where(Account.username == "courier"))
    now = datetime.now(UTC).replace(microsecond=0)
    buildings = estate.buildings[: len(_ITEMS)]
    for n, building in enumerate(buildings):
        room = f"{(n % 6 + 1) * 100 + n + 1}"
        session.add(
            RelayConsent(
                estate_id=estate_id, building=building.ref, unit="1", room=room,
                active_address=f"{estate_id}:{building.ref}:1:{room}", channel="property_desk",
                consented_at=now - timedelta(days=30 - n),
            )
        )  # fmt: skip
    session.flush()
    for n, (ago, state, mine) in enumerate(_ITEMS[: len(buildings)]):
        building = buildings[n]
        order = f"DEMO-{n + 1:03d}"
        salt = f"{key_id}:{order}"
        announced = now - timedelta(minutes=ago)
        dropped = announced + timedelta(minutes=1) if state != "announced" else None
        claimed = announced + timedelta(minutes=8) if mine else None
        item = RelayItem(
            api_key_id=key_id, order_ref=order, estate_id=estate_id, point_ref=point.ref,
            building=building.ref, unit="1", room=f"{(n % 6 + 1) * 100 + n + 1}", state=state,
            handoff_code_hash=code_hash(salt, "handoff", DEMO_HANDOFF_CODE),
            confirm_code_hash=code_hash(salt, "confirm", DEMO_CONFIRM_CODE),
            code_failures=0, courier_id=courier_id if mine else None, attempts=1 if mine else 0,
            announced_at=announced, dropped_at=dropped, claimed_at=claimed,
            claim_due_at=dropped + timedelta(minutes=point.claim_within_min) if dropped and not mine else None,
            deliver_due_at=claimed + timedelta(minutes=point.deliver_within_min) if claimed else None,
            updated_at=claimed or dropped or announced,
        )  # fmt: skip
        session.add(item)
        session.flush()
        prev = GENESIS
        times = [announced, dropped, claimed]
        for seq, (event, holder, actor) in enumerate(_STEPS[state], start=1):
            at = times[seq - 1]
            assert at is not None
            actor_id = key_id if actor == "platform" else courier_id
            step = Step(item.id, seq, at, event, holder, actor, actor_id, None, None, prev)
            digest = step_hash(step)
            session.add(
                RelayCustody(
                    item_id=item.id, seq=seq, at=at, event=event, holder=holder,
                    actor_kind=actor, actor_id=actor_id, prev_hash=prev, hash=digest,
                )
            )  # fmt: skip
            prev = digest
