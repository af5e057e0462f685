"""Relay delivery (接力送): the last leg from an estate's hand-off point to the door, carried
by the estate's community couriers, who are a pool of their own (not riders).

A rider's trip to a relay address ends at the hand-off point (`PendingOrder.rider_dropoff`);
`relay_legs` turns the dispatcher's assignments into the legs that follow, and
`assign_relay_legs` gives the legs on the shelf to the couriers: first in, first out, the
courier who has waited longest takes the oldest item, with the other items already on the
shelf for buildings within a short walk of its building (a batch), walks them door to door
(nearest building next) and back to the point. Pure and deterministic: the same legs and
couriers always give the same trips. Times are seconds on the dispatcher's clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from gigcity.dispatch.model import Decision, PendingOrder

WalkSeconds = Callable[[str, str], float]
"""Walking seconds between two places of the estate, by ref (hand-off point or building)."""


@dataclass(frozen=True, slots=True)
class RelayLeg:
    """One item to carry from the hand-off point to a building's door."""

    id: str
    """The order's id (one leg per order)."""
    estate: str
    handoff: str
    """The hand-off point's ref."""
    building: str
    """The building's ref."""
    ready_s: float
    """When the rider has left it on the shelf."""
    door_s: float = 60.0
    """Seconds at the building: stairs, the handover, a recipient slow to answer."""


@dataclass(frozen=True, slots=True)
class RelayCourier:
    """A community courier of one estate and their hours (start a walk only within them)."""

    id: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class RelayTrip:
    """One walk of a courier: from the point, door to door, back to the point."""

    courier_id: str
    leg_ids: tuple[str, ...]
    """In delivery order."""
    depart_s: float
    delivered_s: tuple[float, ...]
    """Per leg, in delivery order: when the item was handed over at the door."""
    back_s: float
    """Back at the hand-off point, free for the next walk."""


@dataclass(frozen=True, slots=True)
class RelayPlan:
    """Every leg's fate: carried in exactly one trip, or still on the shelf (`left`)."""

    trips: tuple[RelayTrip, ...]
    left: tuple[str, ...]
    """Legs no courier could take before the last courier's hours ended."""

    def delivered_at(self) -> dict[str, float]:
        return {
            leg: at
            for trip in self.trips
            for leg, at in zip(trip.leg_ids, trip.delivered_s, strict=True)
        }


@dataclass(frozen=True, slots=True)
class RelaySettings:
    """How the pool works: batches and the walk between buildings."""

    max_batch: int = 4
    """assumption: items one courier carries in one walk (a bag and a small trolley)."""
    batch_within_s: float = 180.0
    """assumption: another item joins the walk when its building is at most this far on
    foot from the oldest item's building."""

    def __post_init__(self) -> None:
        if self.max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {self.max_batch}")
        if self.batch_within_s < 0:
            raise ValueError(f"batch_within_s must be >= 0, got {self.batch_within_s}")


def relay_legs(
    decision: Decision,
    orders: Mapping[str, PendingOrder],
    *,
    door_s: Callable[[PendingOrder], float] | None = None,
) -> tuple[RelayLeg, ...]:
    """The relay legs the decision's assignments start: one per relay order, ready when the
    rider is planned to leave it at the hand-off point."""
    legs = []
    for assignment in decision.assignments:
        for order_id, drop_s in zip(assignment.order_ids, assignment.dropoff_s, strict=True):
            order = orders[order_id]
            address = order.estate
            if address is None or not address.relay:
                continue
            legs.append(
                RelayLeg(
                    order_id,
                    address.estate,
                    address.handoff_ref,
                    address.building,
                    drop_s,
                    door_s(order) if door_s is not None else 60.0,
                )
            )
    return tuple(legs)


def assign_relay_legs(
    legs: Iterable[RelayLeg],
    couriers: Sequence[RelayCourier],
    walk_s: WalkSeconds,
    settings: RelaySettings | None = None,
) -> RelayPlan:
    """Give every leg to a courier, first in first out, batching nearby buildings.

    The oldest item on the shelf goes to the courier who is free soonest (by id on a tie),
    no earlier than the item is shelved and within the courier's hours; items already on
    the shelf for buildings within `batch_within_s` of its building join it, nearest first,
    up to `max_batch`. Items of one estate's point only: legs of several points are
    assigned per point by the caller.
    """
    cfg = settings or RelaySettings()
    waiting = sorted(legs, key=lambda leg: (leg.ready_s, leg.id))
    if len({leg.id for leg in waiting}) != len(waiting):
        raise ValueError("relay legs must have distinct ids")
    free = {c.id: c.start_s for c in couriers}
    by_id = {c.id: c for c in couriers}
    if len(by_id) != len(couriers):
        raise ValueError("relay couriers must have distinct ids")
    trips: list[RelayTrip] = []
    while waiting:
        oldest = waiting[0]
        options = [
            (max(free[c.id], oldest.ready_s), c.id)
            for c in couriers
            if max(free[c.id], oldest.ready_s) < c.end_s
        ]
        if not options:
            break
        depart, courier_id = min(options)
        batch = _batch(oldest, waiting[1:], depart, walk_s, cfg)
        trip = _walk(courier_id, depart, batch, walk_s)
        trips.append(trip)
        free[courier_id] = trip.back_s
        taken = {leg.id for leg in batch}
        waiting = [leg for leg in waiting if leg.id not in taken]
    return RelayPlan(tuple(trips), tuple(leg.id for leg in waiting))


def _batch(
    oldest: RelayLeg,
    others: Sequence[RelayLeg],
    depart: float,
    walk_s: WalkSeconds,
    cfg: RelaySettings,
) -> list[RelayLeg]:
    """The oldest item and the shelved items for buildings near its building, nearest first."""
    near = sorted(
        (walk_s(oldest.building, leg.building), leg.ready_s, leg.id, leg)
        for leg in others
        if leg.ready_s <= depart and leg.handoff == oldest.handoff
    )
    joined = [leg for seconds, _, _, leg in near if seconds <= cfg.batch_within_s]
    return [oldest, *joined[: cfg.max_batch - 1]]


def _walk(courier_id: str, depart: float, batch: list[RelayLeg], walk_s: WalkSeconds) -> RelayTrip:
    """Door to door from the point, the nearest building next, then back to the point."""
    here = batch[0].handoff
    clock = depart
    order: list[RelayLeg] = []
    delivered: list[float] = []
    todo = list(batch)
    while todo:
        nxt = min(todo, key=lambda leg: (walk_s(here, leg.building), leg.ready_s, leg.id))
        todo.remove(nxt)
        clock += walk_s(here, nxt.building) + nxt.door_s
        order.append(nxt)
        delivered.append(clock)
        here = nxt.building
    back = clock + walk_s(here, batch[0].handoff)
    return RelayTrip(courier_id, tuple(leg.id for leg in order), depart, tuple(delivered), back)
