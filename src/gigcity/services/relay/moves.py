"""An item's life in relay delivery (接力送): a platform's rider leaves it at an estate's
hand-off point, a community courier carries it to the door.

Every change of an item is one conditional UPDATE (`WHERE state = <the state it must be
in>`) whose row count says whether this caller won: two couriers claiming one item, one
wins. The winner's UPDATE holds the item's row until its transaction ends, so the custody
step appended in the same transaction is the only one with its seq. A platform hears of
each step through a webhook call queued in that transaction (never sent inside a request).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from gigcity.db.models import (
    RelayAlert,
    RelayCustody,
    RelayItem,
    RelayPay,
)
from gigcity.db.session import lock_named, transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import as_utc
from gigcity.services.errors import Conflict, Forbidden, InvalidInput
from gigcity.services.estates.hours import open_at
from gigcity.services.idempotent import insert_unless_present
from gigcity.services.relay import access
from gigcity.services.relay.base import (
    PAY_KIND,
    RelayBase,
    State,
    _address_in,
    _clean,
    _Move,
    _rowcount,
)
from gigcity.services.relay.codes import MAX_WRONG_CODES, code_hash, code_matches, new_code
from gigcity.services.relay.custody import GENESIS, Event, Holder, Step, step_hash
from gigcity.services.relay.places import building_of, point_of
from gigcity.services.relay.schemas import (
    AnnounceIn,
    AnnounceOut,
    CodeIn,
    ItemOut,
    WhereIn,
)
from gigcity.services.relay.webhooks import queue_call


class Moves(RelayBase):
    """An item's life: announced, dropped, claimed, delivered or back at the point."""

    def announce(self, principal: Principal, data: AnnounceIn) -> AnnounceOut:
        key_id = access.platform_key(principal)
        handoff, confirm = new_code(8), new_code(6)
        salt = f"{key_id}:{data.order_ref}"
        now = self.now()
        with transaction(self.factory) as session:
            estate = self.estates.read(session, data.estate_id).estate
            point = point_of(estate, data.point)
            building = building_of(estate, data.building)
            if self._consent_in_force(session, estate, data.estate_id, data) is None:
                raise Conflict(
                    N_(
                        "This address has not agreed to relay delivery: deliver to the door "
                        "(a parcel is never left at a point for someone who did not agree)."
                    ),
                    field="building",
                )
            # One announcement of an order at a time (a platform's retries may race).
            lock_named(session, f"relay-order:{key_id}:{data.order_ref}")
            exists = session.scalar(
                select(RelayItem.id).where(
                    RelayItem.api_key_id == key_id, RelayItem.order_ref == data.order_ref
                )
            )
            if exists is not None:
                raise Conflict(
                    N_("Order '{order}' was announced already (item {id})."),
                    field="order_ref",
                    order=data.order_ref,
                    id=exists,
                )
            # The shelf slot is counted and taken under one lock per point.
            lock_named(session, f"relay-shelf:{data.estate_id}:{point.ref}")
            if self._on_shelf(session, data.estate_id, point.ref) >= point.shelf_capacity:
                raise Conflict(
                    N_(
                        "The hand-off point's shelf is full ({capacity} items); deliver to the door."
                    ),
                    capacity=point.shelf_capacity,
                )
            item = RelayItem(
                api_key_id=key_id,
                order_ref=data.order_ref,
                estate_id=data.estate_id,
                point_ref=point.ref,
                building=building.ref,
                unit=_clean(data.unit),
                room=_clean(data.room),
                state=State.announced,
                handoff_code_hash=code_hash(salt, "handoff", handoff),
                confirm_code_hash=code_hash(salt, "confirm", confirm),
                code_failures=0,
                attempts=0,
                announced_at=now,
                updated_at=now,
            )
            session.add(item)
            session.flush()
            self._step(session, item, Event.announced, Holder.rider, principal, None, now)
            out = self._item_out(item, estate, principal, now)
        return AnnounceOut(**out.model_dump(), handoff_code=handoff, confirm_code=confirm)

    def drop(self, principal: Principal, item_id: int, data: CodeIn) -> ItemOut:
        """The rider's drop at the point: a scan of the hand-off code, by the platform (the
        rider's app), or by the point's courier or property staff scanning it."""
        if (again := self._repeated(principal, item_id, Event.dropped_at_point)) is not None:
            return again
        now = self.now()
        with transaction(self.factory) as session:
            item = self._item(session, item_id)
            self._may_handle_at_point(principal, item)
            estate = self.estates.read(session, item.estate_id).estate
            point = point_of(estate, item.point_ref)
            if item.state != State.announced:
                raise self._wrong_state(item)
            if not open_at(point.hours, self.clock.local(now)):
                raise Conflict(
                    N_("The hand-off point is closed now (hours: {hours})."), hours=point.hours
                )
            if self._consent_in_force(session, estate, item.estate_id, _address_in(item)) is None:
                raise Conflict(
                    N_("The resident has revoked consent to relay delivery: deliver to the door."),
                )
        self._check_code(item, "handoff", data.code)
        return self._move(
            principal,
            item_id,
            _Move((State.announced,), State.at_point, Event.dropped_at_point, Holder.point),
            data,
            extra={
                "dropped_at": now,
                "claim_due_at": now + timedelta(minutes=point.claim_within_min),
                "code_failures": 0,
            },
        )

    def cancel(self, principal: Principal, item_id: int) -> ItemOut:
        if (again := self._repeated(principal, item_id, Event.cancelled)) is not None:
            return again
        with self.factory() as session:
            item = self._item(session, item_id)
        if principal.role != Role.platform or principal.api_key_id != item.api_key_id:
            raise Forbidden(N_("Only the platform that announced an item may cancel it."))
        return self._move(
            principal,
            item_id,
            _Move((State.announced,), State.cancelled, Event.cancelled, Holder.rider),
            None,
            extra={"finished_at": self.now()},
        )

    def claim(self, principal: Principal, item_id: int) -> ItemOut:
        if (again := self._repeated(principal, item_id, Event.claimed)) is not None:
            return again
        with self.factory() as session:
            item = self._item(session, item_id)
            estate = self.estates.read(session, item.estate_id).estate
        courier = access.courier_of(principal, item.estate_id)
        point = point_of(estate, item.point_ref)
        now = self.now()
        return self._move(
            principal,
            item_id,
            _Move((State.at_point,), State.claimed, Event.claimed, Holder.courier),
            None,
            extra={
                "courier_id": courier,
                "claimed_at": now,
                "deliver_due_at": now + timedelta(minutes=point.deliver_within_min),
                "attempts": RelayItem.attempts + 1,
            },
            clear_alerts=("not_claimed",),
        )

    def deliver(self, principal: Principal, item_id: int, data: CodeIn) -> ItemOut:
        if (again := self._repeated(principal, item_id, Event.delivered)) is not None:
            return again
        item = self._held_item(principal, item_id, (State.claimed,))
        self._check_code(item, "confirm", data.code)
        return self._move(
            principal,
            item_id,
            _Move((State.claimed,), State.delivered, Event.delivered, Holder.recipient),
            data,
            extra={"finished_at": self.now(), "code_failures": 0},
            courier=item.courier_id,
            clear_alerts=("not_delivered",),
            pay=True,
        )

    def absent(self, principal: Principal, item_id: int, data: WhereIn) -> ItemOut:
        if (again := self._repeated(principal, item_id, Event.recipient_absent)) is not None:
            return again
        self._held_item(principal, item_id, (State.claimed,))
        return self._move(
            principal,
            item_id,
            _Move((State.claimed,), State.returning, Event.recipient_absent, Holder.courier),
            data,
            courier=principal.account_id,
        )

    def return_to_point(self, principal: Principal, item_id: int, data: WhereIn) -> ItemOut:
        """Back on the shelf (even a full one: it was the point's before). The claim limit
        starts again; the platform hears of it and tells its customer."""
        if (again := self._repeated(principal, item_id, Event.returned_to_point)) is not None:
            return again
        item = self._held_item(principal, item_id, (State.claimed, State.returning))
        with self.factory() as session:
            point = point_of(self.estates.read(session, item.estate_id).estate, item.point_ref)
        now = self.now()
        return self._move(
            principal,
            item_id,
            _Move(
                (State.claimed, State.returning),
                State.at_point,
                Event.returned_to_point,
                Holder.point,
            ),
            data,
            extra={
                "courier_id": None,
                "claim_due_at": now + timedelta(minutes=point.claim_within_min),
                "deliver_due_at": None,
            },
            courier=item.courier_id,
            clear_alerts=("not_delivered", "not_claimed"),
        )

    def collect(self, principal: Principal, item_id: int, data: CodeIn) -> ItemOut:
        """The recipient collects at the point, showing the confirmation code."""
        if (again := self._repeated(principal, item_id, Event.collected_by_recipient)) is not None:
            return again
        with self.factory() as session:
            item = self._item(session, item_id)
        access.estate_worker(principal, item.estate_id)
        if item.state != State.at_point:
            raise self._wrong_state(item)
        self._check_code(item, "confirm", data.code)
        return self._move(
            principal,
            item_id,
            _Move(
                (State.at_point,), State.collected, Event.collected_by_recipient, Holder.recipient
            ),
            data,
            extra={"finished_at": self.now(), "code_failures": 0},
            clear_alerts=("not_claimed",),
        )

    def unlock_codes(self, principal: Principal, item_id: int) -> ItemOut:
        """Property staff let codes be tried again after too many wrong ones (having checked
        who is asking)."""
        with transaction(self.factory) as session:
            item = self._item(session, item_id)
            access.estate_staff(principal, item.estate_id)
            item.code_failures = 0
            item.updated_at = self.now()
        return self.get(principal, item_id)

    def _repeated(self, principal: Principal, item_id: int, event: Event) -> ItemOut | None:
        """The item as it is when its last step is `event` by this same caller: a retry (an
        answer lost to a dropped signal) changes nothing and is answered as a success."""
        with self.factory() as session:
            last = session.execute(
                select(RelayCustody.event, RelayCustody.actor_kind, RelayCustody.actor_id)
                .where(RelayCustody.item_id == item_id)
                .order_by(RelayCustody.seq.desc())
                .limit(1)
            ).first()
        if last is None or (last[0], (last[1], last[2])) != (
            event.value,
            access.actor_of(principal),
        ):
            return None
        return self.get(principal, item_id)

    def _may_handle_at_point(self, principal: Principal, item: RelayItem) -> None:
        if principal.role == Role.platform:
            if principal.api_key_id != item.api_key_id:
                raise Forbidden(N_("This item was announced by another platform."))
            return
        access.estate_worker(principal, item.estate_id)

    def _held_item(self, principal: Principal, item_id: int, states: tuple[str, ...]) -> RelayItem:
        with self.factory() as session:
            item = self._item(session, item_id)
        access.courier_of(principal, item.estate_id)
        if item.state not in states:
            raise self._wrong_state(item)
        if item.courier_id != principal.account_id:
            raise Forbidden(N_("Another courier has this item."))
        return item

    def _check_code(self, item: RelayItem, kind: str, code: str) -> None:
        """Raise unless `code` is the item's; a wrong code counts (committed on its own)."""
        if item.code_failures >= MAX_WRONG_CODES:
            raise Conflict(
                N_("Too many wrong codes for this item; property staff must check and unlock it."),
                field="code",
            )
        stored = item.handoff_code_hash if kind == "handoff" else item.confirm_code_hash
        if code_matches(stored, f"{item.api_key_id}:{item.order_ref}", kind, code):
            return
        with transaction(self.factory) as session:
            session.execute(
                update(RelayItem)
                .where(RelayItem.id == item.id)
                .values(code_failures=RelayItem.code_failures + 1)
            )
        raise InvalidInput(N_("That code is not this item's."), field="code")

    def _move(
        self,
        principal: Principal,
        item_id: int,
        move: _Move,
        where: WhereIn | CodeIn | None,
        *,
        extra: dict[str, Any] | None = None,
        courier: int | None = None,
        clear_alerts: tuple[str, ...] = (),
        pay: bool = False,
    ) -> ItemOut:
        now = self.now()
        with transaction(self.factory) as session:
            conditions = [RelayItem.id == item_id, RelayItem.state.in_(move.source)]
            if courier is not None:
                conditions.append(RelayItem.courier_id == courier)
            won = _rowcount(
                session.execute(
                    update(RelayItem)
                    .where(and_(*conditions))
                    .values(state=move.target, updated_at=now, **(extra or {}))
                    .execution_options(synchronize_session=False)
                )
            )
            if won != 1:
                item = self._item(session, item_id)
                if move.event == Event.claimed and item.state == State.claimed:
                    raise Conflict(N_("Another courier claimed this item first."))
                raise self._wrong_state(item)
            item = self._item(session, item_id)
            session.refresh(item)
            self._step(session, item, move.event, move.holder, principal, where, now)
            if clear_alerts:
                session.execute(
                    update(RelayAlert)
                    .where(
                        RelayAlert.item_id == item_id,
                        RelayAlert.kind.in_(clear_alerts),
                        RelayAlert.cleared_at.is_(None),
                    )
                    .values(cleared_at=now)
                )
            if pay:
                self._pay(session, item)
            estate = self.estates.read(session, item.estate_id).estate
            return self._item_out(item, estate, principal, now)

    def _step(
        self,
        session: Session,
        item: RelayItem,
        event: Event,
        holder: Holder,
        principal: Principal,
        where: WhereIn | CodeIn | None,
        now: datetime,
    ) -> None:
        last = session.execute(
            select(RelayCustody.seq, RelayCustody.hash)
            .where(RelayCustody.item_id == item.id)
            .order_by(RelayCustody.seq.desc())
            .limit(1)
        ).first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        kind, actor = access.actor_of(principal)
        step = Step(
            item.id, seq, now, event.value, holder.value, kind, actor,
            where.lon if where else None, where.lat if where else None, prev,
        )  # fmt: skip
        session.add(
            RelayCustody(
                item_id=item.id, seq=seq, at=now, event=step.event, holder=step.holder,
                actor_kind=kind, actor_id=actor, lon=step.lon, lat=step.lat,
                prev_hash=prev, hash=step_hash(step),
            )
        )  # fmt: skip
        queue_call(session, self.jobs, item, event, seq, now)

    def _pay(self, session: Session, item: RelayItem) -> bool:
        """The courier's pay for the item, at most once (True when this call stored it)."""
        if item.state != State.delivered or item.courier_id is None:
            return False
        at = as_utc(item.finished_at or self.now())
        return insert_unless_present(
            session,
            RelayPay,
            {
                "courier_id": item.courier_id,
                "item_id": item.id,
                "kind": PAY_KIND,
                "amount_fen": self.pay_per_item_fen,
                "day": self.clock.day_of(at),
                "at": at,
            },
            ("courier_id", "item_id", "kind"),
        )

    def settle_pay(self, item_id: int) -> bool:
        """Pay the courier of a delivered item unless paid already (the delivery pays in its
        own transaction; this is for reconciliation and retries). True when it paid now."""
        with transaction(self.factory) as session:
            return self._pay(session, self._item(session, item_id))
