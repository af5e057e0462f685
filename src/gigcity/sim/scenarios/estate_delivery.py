"""Delivering into a giant estate on a simulated day, under one of four variants: with or
without the seven-colour guide, with or without relay delivery.

For each order addressed into the estate (`Scenario.estate`):

- relay (the variant has relay, the address consented, the point is staffed, and the
  point has a free place on its shelf when the order is placed): the rider's trip ends at
  the hand-off point (the dispatcher plans it there through `EstateAddress.handoff`); a
  relay leg follows, carried by the estate's community couriers
  (`gigcity.dispatch.relay.assign_relay_legs`);
- the shelf's capacity is enforced as the relay service enforces it: the platform announces
  the item when the order is placed, and the point refuses it when its places are taken
  (items announced and not yet dropped, and items on the shelf, count: a place is freed when
  a courier sets off with the item). A refused order goes to the door with the rider, as
  without relay (with or without the guide), and is counted ("relay refused: shelf full");
- with the guide: the rider rides to the guide's best gate for where they come from (the
  order's merchant) and walks the guide's route in and back, the e-bike rule applied (where
  e-bikes are banned inside: parked at the gate's parking);
- without the guide: the rider rides to the gate a map app stops at (the main gate), walks
  from there and loses a search time (an assumption drawn per order, `calibration`) on the
  way in; the way back is known.

Stairs and a customer who does not answer cost the rider as elsewhere, or, for relay, the
courier. What is recorded per estate order gives rider minutes, click-to-door, e-bikes
parked at the gate over the day and courier minutes per item (`estate_figures`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gigcity.dispatch.model import EstateAddress
from gigcity.dispatch.relay import (
    RelayCourier,
    RelayLeg,
    RelayPlan,
    RelaySettings,
    assign_relay_legs,
)
from gigcity.geo.estates.model import Estate
from gigcity.geo.estates.wayfinding import WALK_MPS, EstateGuide
from gigcity.geo.travel import Location, TravelModel
from gigcity.sim.courier_day import Ride
from gigcity.sim.mdrp.instance import Order
from gigcity.sim.scenarios import calibration as cal
from gigcity.sim.scenarios.estate_day import EstateOrder
from gigcity.sim.scenarios.model import Scenario

VARIANTS: dict[str, tuple[bool, bool]] = {
    "none": (False, False),
    "guide": (True, False),
    "relay": (False, True),
    "guide+relay": (True, True),
}
"""The four variants by key: (guide, relay)."""

_DAY_WINDOW_S = (cal.FIRST_HOUR * 3600.0, 24 * 3600.0)
_FAR_S = 1e6  # a gate the rider will not use


@dataclass(frozen=True, slots=True)
class EstateSettings:
    """Which help the estate's riders have on the simulated day."""

    guide: bool = False
    relay: bool = False
    consent_share: float = cal.RELAY_CONSENT_SHARE
    """Share of estate addresses whose residents consented to relay (the rest: the door)."""
    pool: RelaySettings = field(default_factory=RelaySettings)

    def __post_init__(self) -> None:
        if not 0.0 <= self.consent_share <= 1.0:
            raise ValueError(f"consent_share must be within [0, 1], got {self.consent_share}")

    @property
    def variant(self) -> str:
        return {v: k for k, v in VARIANTS.items()}[(self.guide, self.relay)]


@dataclass(frozen=True, slots=True)
class EstateDrop:
    """One estate order as the rider did it, in seconds."""

    order_id: str
    rider_id: str
    relay: bool
    depart_s: float
    """The rider set off towards the estate (from the pickup or the previous drop)."""
    arrive_s: float
    """At the gate (or the hand-off point)."""
    handover_s: float
    """Handed over at the door (relay: left at the hand-off point)."""
    leave_s: float
    """Back on the e-bike and off."""
    parked: bool
    """The e-bike waited at the gate (or its parking) from arrival until leaving."""


@dataclass(frozen=True, slots=True)
class EstateOutcome:
    variant: str
    drops: tuple[EstateDrop, ...]
    legs: tuple[RelayLeg, ...]
    couriers: tuple[RelayCourier, ...]
    plan: RelayPlan
    announced: tuple[tuple[str, float], ...] = ()
    """Relay orders the point accepted, with when (seconds): each held a place on the shelf
    from then until a courier set off with it."""
    refused: tuple[str, ...] = ()
    """Relay orders the point refused because its shelf was full: the rider took them to
    the door."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one estate order is delivered under the variant."""

    location: Location
    address: EstateAddress
    before_s: float
    after_s: float
    parked: bool


class EstateDelivery:
    """The estate part of one simulated day under one variant; records what riders did.

    The simulator asks `address` when an order is placed (for the dispatcher's pending
    order): for a relay order that first ask is the platform announcing the item to the
    point, which takes a place on the shelf or is refused (then the order goes to the door).
    """

    def __init__(self, scenario: Scenario, settings: EstateSettings, travel: TravelModel) -> None:
        if scenario.estate is None:
            raise ValueError("the scenario has no estate orders")
        self.scenario = scenario
        self.settings = settings
        self.estate: Estate = scenario.estate.estate
        self.orders = scenario.estate.orders
        self.guide = EstateGuide(self.estate)
        self.travel = travel
        to_xy = scenario.plane.to_xy
        self.gate_xy = {g.ref: to_xy(*g.at) for g in self.estate.gates}
        self.order_by_id: dict[str, Order] = {o.id: o for o in scenario.instance.orders}
        self.handoff = self.estate.handoffs[0] if self.estate.handoffs else None
        points = [self.handoff.ref] if self.handoff is not None else []
        self._walk_index = {
            ref: i for i, ref in enumerate([*points, *(b.ref for b in self.estate.buildings)])
        }
        self._walks: np.ndarray | None = None
        self.couriers = self._couriers() if settings.relay and self.handoff else ()
        self.plans = {oid: self._plan(order) for oid, order in self.orders.items()}
        self.drops: list[EstateDrop] = []
        self._asked: set[str] = set()
        self._accepted: dict[str, float] = {}  # relay order -> when it took its place
        self._set_off: set[str] = set()  # accepted items a courier has set off with
        self.refused: list[str] = []

    # -- planning ------------------------------------------------------------------------

    def relay_offered(self, order: EstateOrder) -> bool:
        """The address consented, the variant has relay, and the point is staffed."""
        if not self.settings.relay or self.handoff is None:
            return False
        placed = self._placed_min(order.order_id)
        start, end = cal.RELAY_HOURS_MIN
        return order.consent_u < self.settings.consent_share and start <= placed < end

    def _placed_min(self, order_id: str) -> int:
        return self.order_by_id[order_id].placement_min

    def _plan(self, order: EstateOrder) -> _Plan:
        if self.relay_offered(order):
            assert self.handoff is not None
            at = self.scenario.plane.to_xy(*self.handoff.at)
            address = EstateAddress(self._name, order.building, at, self.handoff.ref)
            return _Plan(at, address, 0.0, 0.0, parked=True)
        return self._door_plan(order)

    @property
    def _name(self) -> str:
        return self.estate.name_en or self.estate.name

    def _door_plan(self, order: EstateOrder) -> _Plan:
        """The rider to the door: from the guide's best gate on the guide's route, or from
        the main gate with the search time."""
        base_before, base_after = self.scenario.dropoff_extra_s(order.order_id)
        if self.settings.guide:
            approach = self._approach_s(order.order_id)
            route = self.guide.route(order.building, approach_s=approach, by="ebike")
            inside = max(0.0, route.total_s - approach[route.gate.ref])
            search = 0.0
        else:
            main = self.estate.gates[0].ref
            approach = {g.ref: (0.0 if g.ref == main else _FAR_S) for g in self.estate.gates}
            route = self.guide.route(order.building, approach_s=approach, by="ebike")
            inside = max(0.0, route.total_s - approach[route.gate.ref])
            search = order.search_s
        return _Plan(
            self.gate_xy[route.gate.ref],
            EstateAddress(self._name, order.building),
            base_before + inside + search,
            base_after + inside,
            parked=not route.riding_inside,
        )

    def _approach_s(self, order_id: str) -> dict[str, float]:
        """Seconds by e-bike from the order's merchant to each gate (where the rider comes
        from; the guide picks the gate)."""
        order = self.order_by_id[order_id]
        merchant = self.scenario.instance.restaurants[order.restaurant_id].location
        refs = list(self.gate_xy)
        seconds = self.travel.travel_seconds_many(
            merchant, [self.gate_xy[r] for r in refs], order.placement_min * 60.0
        )
        return {ref: float(s) for ref, s in zip(refs, seconds, strict=True)}

    def _couriers(self) -> tuple[RelayCourier, ...]:
        """One full-time community courier all day, and part-timers in blocks round the
        day: as many as the block's busiest hour of relay items needs, at
        `RELAY_STAFFED_ITEMS_PER_WALK` items a walk there and back, at least one per block."""
        per_hour = np.zeros(25)
        walks: list[float] = []
        for order in self.orders.values():
            if self.relay_offered(order):
                per_hour[self._placed_min(order.order_id) // 60] += 1
                walk = 2 * self._walk_s(self._handoff_ref, order.building)
                walks.append(walk + self._door_s(order.order_id))
        mean_walk_s = sum(walks) / len(walks) if walks else 0.0
        start, end = cal.RELAY_FULL_TIME_MIN
        couriers = [RelayCourier("rc1", start * 60.0, end * 60.0)]
        for first, last in cal.RELAY_PART_TIME_MIN:
            busiest = float(per_hour[first // 60 : math.ceil(last / 60)].max())
            need = busiest * mean_walk_s / 3600.0 / cal.RELAY_STAFFED_ITEMS_PER_WALK
            part = max(1, math.ceil(need) - 1)
            for _ in range(part):
                couriers.append(RelayCourier(f"rc{len(couriers) + 1}", first * 60.0, last * 60.0))
        return tuple(couriers)

    @property
    def _handoff_ref(self) -> str:
        return self.handoff.ref if self.handoff is not None else ""

    # -- what the simulator asks ---------------------------------------------------------

    def drop_location(self, order_id: str) -> Location | None:
        plan = self.plans.get(order_id)
        return None if plan is None else plan.location

    def address(self, order_id: str) -> EstateAddress | None:
        """Where the order goes (asked first when it is placed: see the class)."""
        if order_id not in self._asked and order_id in self.plans:
            self._asked.add(order_id)
            self._announce(order_id)
        plan = self.plans.get(order_id)
        return None if plan is None else plan.address

    # -- the shelf -----------------------------------------------------------------------

    def _announce(self, order_id: str) -> None:
        """The platform announces a relay order to the point when it is placed: it takes a
        place on the shelf, or the shelf is full and the order goes to the door."""
        if not self.plans[order_id].address.relay:
            return
        assert self.handoff is not None
        now = self._placed_min(order_id) * 60.0
        if self._places_taken(now) < self.handoff.shelf_capacity:
            self._accepted[order_id] = now
        else:
            self.refused.append(order_id)
            self.plans[order_id] = self._door_plan(self.orders[order_id])

    def _places_taken(self, now: float) -> int:
        """Items accepted and not yet carried off by a courier at `now`.

        The couriers' walks that start by `now` depend only on items dropped by `now` (the
        pool is first in, first out and takes only items on the shelf), and every trip that
        drops an item by `now` has started and been recorded: so the pool run over the
        drops recorded so far tells exactly which items have left the shelf. It is run only
        when the count without the latest walks reaches the capacity.
        """
        assert self.handoff is not None
        held = len(self._accepted) - len(self._set_off)
        if held < self.handoff.shelf_capacity:
            return held
        plan = assign_relay_legs(self._legs(), self.couriers, self._walk_s, self.settings.pool)
        self._set_off = {i for t in plan.trips if t.depart_s <= now for i in t.leg_ids}
        return len(self._accepted) - len(self._set_off)

    def dropoff_extra_s(self, order_id: str) -> tuple[float, float] | None:
        plan = self.plans.get(order_id)
        return None if plan is None else (plan.before_s, plan.after_s)

    def record(self, rider_id: str, order_ids: tuple[str, ...], ride: Ride) -> None:
        """Note the estate orders of an executed trip."""
        for i, oid in enumerate(order_ids):
            plan = self.plans.get(oid)
            if plan is None:
                continue
            depart = ride.departs_s[i]
            leave = ride.departs_s[i + 1] if i + 1 < len(order_ids) else ride.end_s
            self.drops.append(
                EstateDrop(
                    oid,
                    rider_id,
                    plan.address.relay,
                    depart,
                    depart + ride.legs[i].total,
                    ride.dropoff_s[i],
                    leave,
                    plan.parked,
                )
            )

    # -- after the day -------------------------------------------------------------------

    def outcome(self) -> EstateOutcome:
        legs = self._legs()
        plan = assign_relay_legs(legs, self.couriers, self._walk_s, self.settings.pool)
        return EstateOutcome(
            self.settings.variant,
            tuple(self.drops),
            legs,
            self.couriers,
            plan,
            tuple(self._accepted.items()),
            tuple(self.refused),
        )

    def _legs(self) -> tuple[RelayLeg, ...]:
        """The relay legs of the drops recorded so far."""
        if self.handoff is None:
            return ()
        return tuple(
            RelayLeg(
                d.order_id,
                self._name,
                self.handoff.ref,
                self.orders[d.order_id].building,
                d.handover_s,
                self._door_s(d.order_id),
            )
            for d in self.drops
            if d.relay
        )

    def _door_s(self, order_id: str) -> float:
        """A courier's time at the building: stairs up and down, the handover, waiting for
        a recipient who does not answer."""
        details = self.scenario.orders[order_id]
        service = self.scenario.service
        floors = details.floors_climbed
        seconds = cal.COURIER_HANDOVER_S + floors * (
            service.per_floor_up_s + service.per_floor_down_s
        )
        return float(seconds + (service.unreachable_s if details.customer_unreachable else 0))

    def _walk_s(self, a: str, b: str) -> float:
        """Walking seconds along the estate's walkways between the hand-off point and
        buildings (the guide's walk graph, at the guide's walking pace)."""
        if self._walks is None:
            graph = self.guide.graph
            nodes = [graph.feature[ref] for ref in self._feature_refs()]
            dist, _ = graph.distances(nodes)
            self._walks = dist[:, nodes] / WALK_MPS
        return float(self._walks[self._walk_index[a], self._walk_index[b]])

    def _feature_refs(self) -> list[str]:
        """The walk graph's node of the point and of each building (a building with unit
        entrances by its first entrance)."""
        refs = [self._handoff_ref] if self.handoff is not None else []
        for b in self.estate.buildings:
            refs.append(b.ref if b.ref in self.guide.graph.feature else b.entrances[0].ref)
        return refs


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _count_over_time(intervals: list[tuple[float, float]]) -> tuple[int, float]:
    """Peak and time-weighted mean (over the delivery day) of intervals open at once."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    peak = current = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    start, end = _DAY_WINDOW_S
    inside = sum(max(0.0, min(e, end) - max(s, start)) for s, e in intervals)
    return peak, inside / (end - start)


def estate_figures(outcome: EstateOutcome, scenario: Scenario) -> dict[str, Any]:
    """The comparison's figures for one variant (minutes, counts), JSON-ready."""
    placed = {o.id: o.placement_min * 60.0 for o in scenario.instance.orders}
    delivered = outcome.plan.delivered_at()
    door: list[float] = []
    for d in outcome.drops:
        at = delivered.get(d.order_id) if d.relay else d.handover_s
        if at is not None:
            door.append((at - placed[d.order_id]) / 60.0)
    parked = [(d.arrive_s, d.leave_s) for d in outcome.drops if d.parked]
    peak, mean = _count_over_time(parked)
    ready = {leg.id: leg.ready_s for leg in outcome.legs}
    set_off = {i: t.depart_s for t in outcome.plan.trips for i in t.leg_ids}
    shelf = [(ready[i], set_off[i]) for i in set_off]
    shelf += [(ready[i], _DAY_WINDOW_S[1]) for i in outcome.plan.left]
    # A place is held from the announcement until a courier sets off (all day when never).
    places = [(at, set_off.get(oid, math.inf)) for oid, at in outcome.announced]
    walked = sum(t.back_s - t.depart_s for t in outcome.plan.trips)
    claimed_late = delivered_late = 0
    point = (
        scenario.estate.estate.handoffs[0]
        if scenario.estate and scenario.estate.estate.handoffs
        else None
    )
    if point is not None:
        for trip in outcome.plan.trips:
            for leg_id, at in zip(trip.leg_ids, trip.delivered_s, strict=True):
                claimed_late += trip.depart_s - ready[leg_id] > point.claim_within_min * 60
                delivered_late += at - ready[leg_id] > point.deliver_within_min * 60
    items = sum(len(t.leg_ids) for t in outcome.plan.trips)
    return {
        "variant": outcome.variant,
        "estate_orders": len(outcome.drops),
        "relay_orders": sum(1 for d in outcome.drops if d.relay),
        "rider_min_per_order": _mean([(d.leave_s - d.depart_s) / 60.0 for d in outcome.drops]),
        "rider_min_at_estate": _mean([(d.leave_s - d.arrive_s) / 60.0 for d in outcome.drops]),
        "c2d_min": _mean(door),
        "ebikes_at_gate_peak": peak,
        "ebikes_at_gate_mean": round(mean, 3),
        "ebike_min_at_gate": round(sum(e - s for s, e in parked) / 60.0, 1),
        "courier_min_per_item": round(walked / items / 60.0, 3) if items else None,
        "couriers": len(outcome.couriers),
        "relay_trips": len(outcome.plan.trips),
        "relay_left_on_shelf": len(outcome.plan.left),
        "shelf_peak": _count_over_time(shelf)[0],
        "shelf_places_peak": _count_over_time(places)[0],
        "relay_refused_shelf_full": len(outcome.refused),
        "relay_claimed_late": claimed_late,
        "relay_delivered_late": delivered_late,
    }
