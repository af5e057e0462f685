"""Reading relay items: the point's queue, a courier's items and earnings, alerts (and the
periodic job that raises them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from gigcity.db.models import (
    RelayAlert,
    RelayItem,
    RelayPay,
)
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import as_utc
from gigcity.services.errors import Forbidden
from gigcity.services.idempotent import insert_unless_present
from gigcity.services.relay import access
from gigcity.services.relay.base import (
    ON_SHELF,
    WITH_COURIER,
    RelayBase,
    State,
)
from gigcity.services.relay.custody import verify_chain
from gigcity.services.relay.places import point_of
from gigcity.services.relay.schemas import (
    AlertOut,
    EarningsOut,
    ItemOut,
    PayLineOut,
    PointOut,
    QueueOut,
)


class Views(RelayBase):
    """What couriers, property staff and platforms read; the alerts job."""

    def verify_custody(self, item_id: int) -> int | None:
        """None when the item's custody chain is intact, else the first broken seq."""
        with self.factory() as session:
            return verify_chain(self._steps(session, item_id))

    def queue(self, principal: Principal, estate_id: int, point_ref: str) -> QueueOut:
        access.estate_worker(principal, estate_id)
        now = self.now()
        with self.factory() as session:
            estate = self.estates.read(session, estate_id).estate
            point = point_of(estate, point_ref)
            rows = list(
                session.scalars(
                    select(RelayItem)
                    .where(
                        RelayItem.estate_id == estate_id,
                        RelayItem.point_ref == point.ref,
                        RelayItem.state.in_((State.announced, State.at_point, *WITH_COURIER)),
                    )
                    .order_by(RelayItem.dropped_at, RelayItem.id)
                )
            )
            alerts = self._open_alerts(session, [r.id for r in rows])
        waiting = [
            self._item_out(r, estate, principal, now, alerts)
            for r in rows
            if r.state == State.at_point
        ]
        out = [
            self._item_out(r, estate, principal, now, alerts)
            for r in rows
            if r.state in WITH_COURIER
        ]
        return QueueOut(
            point=self._point_out(estate_id, point, now, sum(r.state in ON_SHELF for r in rows)),
            waiting=waiting,
            coming=sum(r.state == State.announced for r in rows),
            out=out,
            alerts=sum(bool(i.alerts) for i in [*waiting, *out]),
        )

    def points(self, principal: Principal, estate_id: int) -> list[PointOut]:
        access.estate_worker(principal, estate_id)
        now = self.now()
        with self.factory() as session:
            estate = self.estates.read(session, estate_id).estate
            return [
                self._point_out(estate_id, p, now, self._on_shelf(session, estate_id, p.ref))
                for p in estate.handoffs
            ]

    def my_points(self, principal: Principal) -> list[PointOut]:
        """The hand-off points of the caller's own estate (property staff and couriers)."""
        if principal.estate_id is None:
            raise Forbidden(
                N_("Only property staff and community couriers of an estate have hand-off points.")
            )
        return self.points(principal, principal.estate_id)

    def my_items(self, principal: Principal) -> list[ItemOut]:
        if principal.role != Role.courier or principal.estate_id is None:
            raise Forbidden(N_("Only community couriers carry relay items."))
        now = self.now()
        with self.factory() as session:
            estate = self.estates.read(session, principal.estate_id).estate
            rows = list(
                session.scalars(
                    select(RelayItem)
                    .where(
                        RelayItem.courier_id == principal.account_id,
                        RelayItem.state.in_(WITH_COURIER),
                    )
                    .order_by(RelayItem.claimed_at, RelayItem.id)
                )
            )
            alerts = self._open_alerts(session, [r.id for r in rows])
            return [self._item_out(r, estate, principal, now, alerts) for r in rows]

    def earnings(self, principal: Principal, day: date | None = None) -> EarningsOut:
        if principal.role != Role.courier or principal.account_id is None:
            raise Forbidden(N_("Only community couriers earn relay pay."))
        day = day or self.clock.day_of(self.now())
        with self.factory() as session:
            rows = session.execute(
                select(RelayPay, RelayItem.order_ref)
                .join(RelayItem, RelayItem.id == RelayPay.item_id)
                .where(RelayPay.courier_id == principal.account_id, RelayPay.day == day)
                .order_by(RelayPay.at, RelayPay.id)
            ).all()
        lines = [
            PayLineOut(item_id=p.item_id, order_ref=ref, amount_fen=p.amount_fen, at=as_utc(p.at))
            for p, ref in rows
        ]
        return EarningsOut(
            day=day, items=len(lines), total_fen=sum(x.amount_fen for x in lines), lines=lines
        )

    def alerts(self, principal: Principal, estate_id: int) -> list[AlertOut]:
        access.estate_worker(principal, estate_id)
        with self.factory() as session:
            rows = session.execute(
                select(RelayAlert, RelayItem.order_ref, RelayItem.point_ref)
                .join(RelayItem, RelayItem.id == RelayAlert.item_id)
                .where(RelayAlert.estate_id == estate_id, RelayAlert.cleared_at.is_(None))
                .order_by(RelayAlert.raised_at, RelayAlert.id)
            ).all()
        return [
            AlertOut(id=a.id, item_id=a.item_id, order_ref=ref, point=point, kind=a.kind,
                     raised_at=as_utc(a.raised_at))
            for a, ref, point in rows
        ]  # fmt: skip

    def raise_alerts(self, now: datetime | None = None) -> int:
        """Raise an alert for each item past its claim or delivery limit (once per item and
        kind); how many were raised now."""
        now = now or self.now()
        raised = 0
        with transaction(self.factory) as session:
            late = session.execute(
                select(RelayItem.id, RelayItem.estate_id, RelayItem.state).where(
                    ((RelayItem.state == State.at_point) & (RelayItem.claim_due_at <= now))
                    | (RelayItem.state.in_(WITH_COURIER) & (RelayItem.deliver_due_at <= now))
                )
            ).all()
            for item_id, estate_id, state in late:
                kind = "not_claimed" if state == State.at_point else "not_delivered"
                raised += insert_unless_present(
                    session,
                    RelayAlert,
                    {"item_id": item_id, "estate_id": estate_id, "kind": kind, "raised_at": now},
                    ("item_id", "kind"),
                )
        return raised
