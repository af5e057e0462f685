"""The relay service's shared base: states, lookups and how an item is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import (
    RelayAlert,
    RelayConsent,
    RelayCustody,
    RelayItem,
    utcnow,
)
from gigcity.geo.estates import Estate, HandoffPoint
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock, as_utc
from gigcity.services.errors import Conflict, NotFound
from gigcity.services.estates.guide import EstateCache
from gigcity.services.estates.hours import open_at
from gigcity.services.jobs import JobQueue, JobSpec
from gigcity.services.relay import access
from gigcity.services.relay.custody import Event, Holder, Step, verify_chain
from gigcity.services.relay.places import building_of
from gigcity.services.relay.schemas import (
    AddressIn,
    CustodyOut,
    ItemOut,
    PointOut,
)

WEBHOOK_JOB = JobSpec("relay.webhook")
# Every minute: items past their point's claim or delivery limit raise an alert.
ALERTS_JOB = JobSpec("relay.alerts", cron="* * * * *")
RELAY_JOBS = [WEBHOOK_JOB, ALERTS_JOB]


PAY_KIND = "door_delivery"
ON_SHELF = ("announced", "at_point")  # a slot is taken from the announcement on
WITH_COURIER = ("claimed", "returning")
FINISHED = ("delivered", "collected", "cancelled")


class State:
    announced = "announced"
    at_point = "at_point"
    claimed = "claimed"
    returning = "returning"
    delivered = "delivered"
    collected = "collected"
    cancelled = "cancelled"


# Why an item cannot take a step: where it is now.
WHERE_IT_IS = {
    State.announced: N_("Item {id} is not at the hand-off point yet."),
    State.at_point: N_("Item {id} is at the hand-off point, not with a courier."),
    State.claimed: N_("Item {id} is with a courier."),
    State.returning: N_("Item {id} is on its way back to the hand-off point."),
    State.delivered: N_("Item {id} was delivered already."),
    State.collected: N_("Item {id} was collected at the hand-off point already."),
    State.cancelled: N_("Item {id} was cancelled by the platform."),
}


@dataclass(frozen=True, slots=True)
class _Move:
    """One transfer of custody: from which state, to which, and the step it records."""

    source: tuple[str, ...]
    target: str
    event: Event
    holder: Holder


def _address(estate_id: int, building: str, unit: str, room: str) -> str:
    return f"{estate_id}:{building}:{unit}:{room}"


def _clean(part: str) -> str:
    return part.strip()


def _rowcount(result: object) -> int:
    """Rows an UPDATE changed (how a conditional UPDATE tells who won)."""
    return int(getattr(result, "rowcount", 0))


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def _address_in(item: RelayItem) -> AddressIn:
    return AddressIn(building=item.building, unit=item.unit, room=item.room)


class RelayBase:
    """What the parts of the relay service share: the database, the job queue, the clock,
    the estates read, and how an item is looked up and shown."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        jobs: JobQueue,
        clock: DayClock,
        *,
        pay_per_item_fen: int,
        http: httpx.Client | None = None,
        now: Callable[[], datetime] = utcnow,
        estates: EstateCache | None = None,
    ) -> None:
        self.factory = factory
        self.jobs = jobs
        self.clock = clock
        self.pay_per_item_fen = pay_per_item_fen
        self.http = http or httpx.Client(timeout=10.0, follow_redirects=False)
        self.now = now
        # The estates service's cache when the platform builds it (one per worker).
        self.estates = estates or EstateCache()

    def _item(self, session: Session, item_id: int) -> RelayItem:
        item = session.get(RelayItem, item_id)
        if item is None:
            raise NotFound(N_("There is no relay item {id}."), id=item_id)
        return item

    def _wrong_state(self, item: RelayItem) -> Conflict:
        return Conflict(WHERE_IT_IS.get(item.state, WHERE_IT_IS[State.announced]), id=item.id)

    def _consent_in_force(
        self, session: Session, estate: Estate, estate_id: int, data: AddressIn
    ) -> RelayConsent | None:
        building = building_of(estate, data.building)
        key = _address(estate_id, building.ref, _clean(data.unit), _clean(data.room))
        return session.scalars(
            select(RelayConsent).where(RelayConsent.active_address == key)
        ).one_or_none()

    def _on_shelf(self, session: Session, estate_id: int, point_ref: str) -> int:
        return (
            session.scalar(
                select(func.count())
                .select_from(RelayItem)
                .where(
                    RelayItem.estate_id == estate_id,
                    RelayItem.point_ref == point_ref,
                    RelayItem.state.in_(ON_SHELF),
                )
            )
            or 0
        )

    def _open_alerts(self, session: Session, item_ids: list[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        if not item_ids:
            return found
        rows = session.execute(
            select(RelayAlert.item_id, RelayAlert.kind).where(
                RelayAlert.item_id.in_(item_ids), RelayAlert.cleared_at.is_(None)
            )
        )
        for item_id, kind in rows:
            found.setdefault(item_id, []).append(kind)
        return found

    def _item_out(
        self,
        item: RelayItem,
        estate: Estate,
        principal: Principal,
        now: datetime,
        alerts: dict[int, list[str]] | None = None,
    ) -> ItemOut:
        building = estate.building(item.building)
        late = set((alerts or {}).get(item.id, []))
        # Shown as soon as the limit passes, whether or not the periodic job has run.
        if item.state == State.at_point and item.claim_due_at and as_utc(item.claim_due_at) <= now:
            late.add("not_claimed")
        if (
            item.state in WITH_COURIER
            and item.deliver_due_at
            and as_utc(item.deliver_due_at) <= now
        ):
            late.add("not_delivered")
        return ItemOut(
            id=item.id,
            order_ref=item.order_ref,
            estate_id=item.estate_id,
            point=item.point_ref,
            building=item.building,
            building_number=building.number if building else item.building,
            unit=item.unit,
            room=item.room,
            state=item.state,
            mine=principal.role == Role.courier and item.courier_id == principal.account_id,
            attempts=item.attempts,
            announced_at=as_utc(item.announced_at),
            dropped_at=_utc(item.dropped_at),
            claimed_at=_utc(item.claimed_at),
            finished_at=_utc(item.finished_at),
            claim_due_at=_utc(item.claim_due_at),
            deliver_due_at=_utc(item.deliver_due_at),
            alerts=sorted(late),
        )

    def _point_out(
        self, estate_id: int, point: HandoffPoint, now: datetime, on_shelf: int
    ) -> PointOut:
        return PointOut(
            estate_id=estate_id,
            ref=point.ref,
            name=point.name,
            hours=point.hours,
            open_now=open_at(point.hours, self.clock.local(now)),
            shelf_capacity=point.shelf_capacity,
            on_shelf=on_shelf,
            claim_within_min=point.claim_within_min,
            deliver_within_min=point.deliver_within_min,
        )

    def _steps(self, session: Session, item_id: int) -> list[Step]:
        rows = session.scalars(
            select(RelayCustody).where(RelayCustody.item_id == item_id).order_by(RelayCustody.seq)
        )
        return [
            Step(r.item_id, r.seq, r.at, r.event, r.holder, r.actor_kind, r.actor_id, r.lon,
                 r.lat, r.prev_hash, r.hash)
            for r in rows
        ]  # fmt: skip

    def get(self, principal: Principal, item_id: int) -> ItemOut:
        now = self.now()
        with self.factory() as session:
            item = self._item(session, item_id)
            access.can_read(principal, item)
            estate = self.estates.read(session, item.estate_id).estate
            out = self._item_out(item, estate, principal, now)
            steps = self._steps(session, item_id)
        out.custody = [
            CustodyOut(
                seq=s.seq, at=as_utc(s.at), event=s.event, holder=s.holder, actor_kind=s.actor_kind,
                lon=s.lon, lat=s.lat, hash=s.hash,
            )
            for s in steps
        ]  # fmt: skip
        out.chain_intact = verify_chain(steps) is None
        return out
