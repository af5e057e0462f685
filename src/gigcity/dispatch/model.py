"""What the dispatcher sees and what it decides: plain frozen values, times in seconds.

The dispatcher is pure: a `DispatchState` goes in, a `Decision` comes out. The simulator
builds states from its event queue; the live platform builds them from the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from gigcity.geo.travel import Location


@dataclass(frozen=True, slots=True)
class Reason:
    """Why something was decided: a stable code, a sentence, and the rule behind it if any.

    `rule` names the rule that produced the decision as `"<rulebook>:<rule path>"`
    (e.g. `"putuo-2025:fatigue.max_continuous_work"`); `None` for plain optimisation.
    """

    code: str
    message: str
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class EstateAddress:
    """Where inside an estate an order goes: the estate and the building (as its ref).

    `handoff` is set when the address takes relay delivery (the resident consented): the
    rider's drop-off is then the estate's hand-off point, and a community courier carries
    the last leg (`gigcity.dispatch.relay`). Without it the rider goes to the door.
    """

    estate: str
    building: str
    handoff: Location | None = None
    handoff_ref: str = ""

    @property
    def relay(self) -> bool:
        return self.handoff is not None


@dataclass(frozen=True, slots=True)
class PendingOrder:
    """An order the customer has placed and nobody has been sent for yet."""

    id: str
    restaurant_id: str
    pickup: Location
    dropoff: Location
    placed_s: float
    ready_s: float
    """When the kitchen expects the food to be ready."""
    estate: EstateAddress | None = None
    """Set when the order is addressed into an estate."""

    @property
    def rider_dropoff(self) -> Location:
        """Where the rider hands the order over: the hand-off point for a relay address,
        else the drop-off."""
        if self.estate is not None and self.estate.handoff is not None:
            return self.estate.handoff
        return self.dropoff


@dataclass(frozen=True, slots=True)
class CourierState:
    """A courier as the dispatcher needs to know them.

    `location` and `free_at_s` describe where and when the courier's committed work ends
    (for an idle courier: where they wait, and a time at or before now). Work that is
    committed is never changed: new work is queued after it.
    """

    id: str
    location: Location
    free_at_s: float
    shift_start_s: float
    shift_end_s: float
    """No pickups after this time; drop-offs after it are allowed."""
    orders_committed: int = 0
    """Orders delivered or in hand today (for pay balancing)."""
    guaranteed_orders: float = 0.0
    """How many orders' per-order pay equals the shift's guaranteed pay (0: no guarantee)."""
    work_intervals: tuple[tuple[float, float], ...] = ()
    """Work done and committed today as (start, end) pairs, oldest first (for rest rules)."""


@dataclass(frozen=True, slots=True)
class ServiceTimes:
    """Time spent at each stop: half before the handover and half after it (MDRP rule)."""

    pickup_s: float
    dropoff_s: float

    def __post_init__(self) -> None:
        if self.pickup_s < 0 or self.dropoff_s < 0:
            raise ValueError(f"service times must be >= 0, got {self.pickup_s}, {self.dropoff_s}")


@dataclass(frozen=True, slots=True)
class DispatchState:
    """Everything the dispatcher may look at when deciding at `now_s`."""

    now_s: float
    orders: tuple[PendingOrder, ...]
    couriers: tuple[CourierState, ...]


@dataclass(frozen=True, slots=True)
class Assignment:
    """A bundle of one restaurant's orders given to a courier, with the planned timeline."""

    courier_id: str
    restaurant_id: str
    order_ids: tuple[str, ...]
    """In drop-off sequence."""
    depart_s: float
    """When the courier leaves for the restaurant (after any work already committed)."""
    arrive_s: float
    pickup_s: float
    dropoff_s: tuple[float, ...]
    end_s: float
    """When the courier leaves the last drop-off and is free again."""
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Hold:
    """An order deliberately left unassigned at this decision, and why."""

    order_id: str
    reason: Reason


@dataclass(frozen=True, slots=True)
class Block:
    """A courier the active rules kept from taking work they could otherwise have had."""

    courier_id: str
    reason: Reason


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one decision epoch: what is committed now, and what waits and why."""

    now_s: float
    assignments: tuple[Assignment, ...]
    holds: tuple[Hold, ...]
    blocks: tuple[Block, ...] = ()
    courier_value: float = 0.0
    """Courier-seconds were worth this many click-to-door seconds at this decision."""
