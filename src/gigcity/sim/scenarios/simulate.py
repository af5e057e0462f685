"""Replaying a scenario day under a rulebook: the dispatcher decides, the street decides how long.

Like `gigcity.sim.simulate` (same dispatcher, same event queue, same commitment rules), with
what a Putuo day adds:

- dispatch areas: a sub-district's merchants' orders go to the riders of its station and to
  riders whose committed work ends in it, so one decision is ten small problems rather than
  one large one; a rider delivering across the border may take the next order there, and
  an idle rider belongs to their station again (supply does not drain to the edges);
  an area with more waiting orders than idle riders borrows nearby idle riders from areas
  with riders to spare, one decision at a time;
- the dispatcher plans with what the rulebook says it is told (predicted kitchen delays
  under `eta.include_predicted_prep`, closures under `eta.include_closures`); the trip is
  then executed with what really happens: the kitchen's actual delay, a mall's long pickup,
  stairs, old estates, a customer who does not answer, rain, detours round closures;
- riders' rest-day history and overtime confirmations feed the fatigue clock, and a queued
  job whose start slipped is checked again before it starts (a rider due for rest hands it
  back rather than work on);
- under a continuous-work limit, riders take their rest early when their area is quiet
  (few orders waiting for the idle riders) rather than be stopped by it at a peak.

Times are seconds from the scenario's midnight. The same scenario, rulebook and settings
give the same outcome.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, deque
from dataclasses import dataclass, field

import numpy as np

from gigcity.dispatch.config import DispatchConfig
from gigcity.dispatch.dispatcher import Dispatcher
from gigcity.dispatch.model import (
    Assignment,
    CourierState,
    Decision,
    DispatchState,
    PendingOrder,
    ServiceTimes,
)
from gigcity.dispatch.travel_matrix import travel_matrix_s
from gigcity.geo.travel import Location, TravelModel
from gigcity.rules import Rulebook
from gigcity.sim.events import EventQueue, Priority
from gigcity.sim.mdrp import Courier, Order
from gigcity.sim.scenarios.model import Scenario
from gigcity.sim.scenarios.policy import PLANNING_MARGIN_S, ScenarioPolicy
from gigcity.sim.scenarios.travel import DistrictTravel


@dataclass(frozen=True, slots=True)
class TripRecord:
    """One executed (or abandoned) trip, in seconds."""

    courier_id: str
    merchant_id: str
    order_ids: tuple[str, ...]
    assigned_s: float
    start_s: float
    arrive_s: float
    pickup_s: float | None
    """None when the rider's shift ended before the food was ready: the orders went back."""
    dropoff_s: tuple[float, ...]
    end_s: float
    closure_m: tuple[float, ...]
    """Per order: extra metres its leg rode round a closure."""
    closure_s: tuple[float, ...]
    """Per order: extra seconds a closure cost its leg."""


@dataclass(frozen=True, slots=True)
class DayOutcome:
    """What happened on the day under one rulebook's dispatch clauses."""

    scenario: Scenario
    rulebook_ref: str
    trips: tuple[TripRecord, ...]
    undelivered: tuple[str, ...]
    decisions: int
    plan_deviations: int
    handed_back: int
    """Queued jobs a rider handed back because their start slipped into a rest."""
    rested_early: int
    """Rests taken early because the rider's area was quiet."""
    blocks: dict[str, int]
    """Rule clause -> how many times a rider was kept from work by it."""
    blocked_riders: tuple[str, ...]
    asks_confirmation: bool
    """The rulebook asks riders before work beyond its daily threshold."""


@dataclass(frozen=True, slots=True)
class SimulationSettings:
    dispatch: DispatchConfig = field(default_factory=DispatchConfig)
    margin_s: float = PLANNING_MARGIN_S
    rest_early_after_s: float | None = 150 * 60.0
    """assumption: an idle rider with this much continuous work rests when it is quiet
    (None: riders rest only when the limit stops them)."""
    quiet_ratio: float = 0.5
    """An area is quiet when its waiting orders are at most this share of its idle riders."""
    lend_within_s: float | None = 900.0
    """assumption: when an area has more waiting orders than idle riders, idle riders of
    areas with riders to spare, at most this far (riding time) from it, are lent to it for
    the next decision (None: riders are dispatched in their own area only)."""


@dataclass(slots=True)
class _Job:
    assignment: Assignment
    assigned_s: float


@dataclass(slots=True)
class _Rider:
    courier: Courier
    area: str
    location: Location
    """Where the rider's committed work ends (what the dispatcher plans from)."""
    here: Location
    """Where the rider's last executed trip ended (or their starting point)."""
    on_duty: bool = False
    busy: bool = False
    queue: deque[_Job] = field(default_factory=deque)
    done: list[tuple[float, float]] = field(default_factory=list)
    """Work started or finished today (actual times)."""
    free_s: float = 0.0
    orders_committed: int = 0
    state: CourierState | None = None
    blocked: bool = False
    resting_until_s: float = -math.inf


@dataclass(frozen=True, slots=True)
class _Kind:
    name: str
    subject: str = ""


class _Day:
    """One simulated day; mutable, used once."""

    def __init__(
        self,
        scenario: Scenario,
        rulebook: Rulebook,
        travel: TravelModel,
        settings: SimulationSettings,
    ) -> None:
        instance = scenario.instance
        p = instance.parameters
        self.scenario = scenario
        self.rulebook = rulebook
        self.settings = settings
        self.travel = travel
        planning: TravelModel = travel
        if isinstance(travel, DistrictTravel) and not rulebook.eta.include_closures:
            planning = travel.without_closures()
        self.service = ServiceTimes(p.pickup_service_min * 60.0, p.dropoff_service_min * 60.0)
        self.policy = ScenarioPolicy(
            rulebook,
            planning,
            self.service,
            days_worked_before={r.rider_id: r.days_worked_before for r in scenario.riders.values()},
            confirms_overtime=frozenset(
                r.rider_id for r in scenario.riders.values() if r.confirms_overtime
            ),
            margin_s=settings.margin_s,
        )
        quiet = dataclasses.replace(settings.dispatch, explain_holds=False)
        self.dispatcher = Dispatcher(planning, self.service, quiet, self.policy)
        self.queue: EventQueue[_Kind] = EventQueue()
        self.orders: dict[str, Order] = {o.id: o for o in instance.orders}
        knows_delay = rulebook.eta.include_predicted_prep
        self.planned_ready_s = {
            o.id: (o.ready_min + (scenario.orders[o.id].predicted_delay_min if knows_delay else 0))
            * 60.0
            for o in instance.orders
        }
        self.actual_ready_s = {
            o.id: (o.ready_min + scenario.orders[o.id].prep_delay_min) * 60.0
            for o in instance.orders
        }
        self.area_of_order = {
            o.id: scenario.merchants[o.restaurant_id].area for o in instance.orders
        }
        self.pending: dict[str, dict[str, PendingOrder]] = {a: {} for a in scenario.areas}
        self.to_place = len(instance.orders)
        self.end_of_day_s = max((c.off_min for c in instance.couriers), default=0) * 60.0
        self.riders = {
            c.id: _Rider(
                c, scenario.riders[c.id].area, c.location, c.location, free_s=c.on_min * 60.0
            )
            for c in instance.couriers
        }
        per_order = max(p.pay_per_order_cents, 1)
        hourly = rulebook.guarantee.hourly_minimum_fen
        self.guaranteed_orders = {
            c.id: hourly / per_order * c.shift_min / 60.0 for c in instance.couriers
        }
        self.active: dict[str, dict[str, _Rider]] = {a: {} for a in scenario.areas}
        self.station = {r.rider_id: r.area for r in scenario.riders.values()}
        # An area's centre: the mean of its merchants (works for exported days too).
        self.area_names = list(scenario.areas)
        self.area_centres = np.array(
            [
                np.mean(
                    [
                        instance.restaurants[m.merchant_id].location
                        for m in scenario.merchants.values()
                        if m.area == area
                    ]
                    or [(0.0, 0.0)],
                    axis=0,
                )
                for area in self.area_names
            ]
        )
        self.upcoming = deque(
            sorted(self.riders.values(), key=lambda r: (r.courier.on_min, r.courier.id))
        )
        self.trips: list[TripRecord] = []
        self.decisions = 0
        self.deviations = 0
        self.handed_back = 0
        self.rested_early = 0
        self.blocks: Counter[str] = Counter()
        self.blocked_riders: set[str] = set()

    # -- event loop --------------------------------------------------------------------

    def run(self) -> DayOutcome:
        for c in self.scenario.instance.couriers:
            self.queue.schedule(c.on_min * 60.0, Priority.COURIER_ON, _Kind("on", c.id))
            self.queue.schedule(c.off_min * 60.0, Priority.COURIER_OFF, _Kind("off", c.id))
        for o in self.scenario.instance.orders:
            self.queue.schedule(
                o.placement_min * 60.0, Priority.ORDER_PLACED, _Kind("placed", o.id)
            )
        if self.orders:
            first = min(o.placement_min for o in self.orders.values()) * 60.0
            self.queue.schedule(first, Priority.DECIDE, _Kind("decide"))
        while (event := self.queue.pop()) is not None:
            now, kind = event.time_s, event.payload
            if kind.name == "placed":
                self._place(kind.subject)
            elif kind.name == "decide":
                self._decide(now)
            elif kind.name == "job_start":
                self._start_next(kind.subject, now)
            elif kind.name == "job_end":
                self._end_job(kind.subject, now)
            elif kind.name == "on":
                self.riders[kind.subject].on_duty = True
            elif kind.name == "off":
                rider = self.riders[kind.subject]
                rider.on_duty = False
                rider.state = None
                self.active[rider.area].pop(kind.subject, None)
            else:  # pragma: no cover - every kind is scheduled above
                raise AssertionError(f"unknown event {kind.name}")
        delivered = {oid for t in self.trips if t.pickup_s is not None for oid in t.order_ids}
        return DayOutcome(
            scenario=self.scenario,
            rulebook_ref=self.rulebook.ref,
            trips=tuple(self.trips),
            undelivered=tuple(o for o in self.orders if o not in delivered),
            decisions=self.decisions,
            plan_deviations=self.deviations,
            handed_back=self.handed_back,
            rested_early=self.rested_early,
            blocks=dict(sorted(self.blocks.items())),
            blocked_riders=tuple(sorted(self.blocked_riders)),
            asks_confirmation=self.rulebook.fatigue.daily_confirmation_after_min is not None,
        )

    def _pending_order(self, order_id: str) -> PendingOrder:
        order = self.orders[order_id]
        merchant = self.scenario.instance.restaurants[order.restaurant_id]
        return PendingOrder(
            order.id,
            order.restaurant_id,
            merchant.location,
            order.location,
            order.placement_min * 60.0,
            self.planned_ready_s[order.id],
        )

    def _place(self, order_id: str) -> None:
        self.pending[self.area_of_order[order_id]][order_id] = self._pending_order(order_id)
        self.to_place -= 1

    def _decide(self, now: float) -> None:
        soon = now + self.settings.dispatch.pre_shift_s
        while self.upcoming and self.upcoming[0].courier.on_min * 60.0 <= soon:
            rider = self.upcoming.popleft()
            if rider.courier.off_min * 60.0 > now:
                self.active[rider.area][rider.courier.id] = rider
        if self.settings.lend_within_s is not None:
            self._lend_idle_riders(now, self.settings.lend_within_s)
        waiting = False
        for area, pending in self.pending.items():
            if not pending:
                continue
            waiting = True
            riders = self.active[area]
            self._rest_when_quiet(now, riders, len(pending))
            states = tuple(self._state(r) for r in riders.values() if r.resting_until_s <= now)
            decision = self.dispatcher.decide(DispatchState(now, tuple(pending.values()), states))
            self.decisions += 1
            self._apply(decision, now, pending, riders)
        following = now + self.settings.dispatch.epoch_s
        if (waiting or self.to_place) and following <= self.end_of_day_s:
            self.queue.schedule(following, Priority.DECIDE, _Kind("decide"))

    def _idle(self, rider: _Rider, now: float) -> bool:
        return rider.on_duty and not rider.busy and rider.resting_until_s <= now

    def _lend_idle_riders(self, now: float, within_s: float) -> None:
        """Idle riders go home to their station's area, then areas short of idle riders
        borrow the nearest spare ones of other areas for this decision.

        Supply and demand differ between sub-districts at the evening peak; a platform
        dispatches across the line rather than leave orders waiting next to idle riders.
        """
        idle: dict[str, list[_Rider]] = {area: [] for area in self.area_names}
        everyone = [r for area in self.area_names for r in self.active[area].values()]
        for rider in everyone:
            if self._idle(rider, now):
                home = self.station[rider.courier.id]
                if home != rider.area:
                    self._move(rider, home)
                idle[home].append(rider)
        short = {a: len(self.pending[a]) - len(idle[a]) for a in self.area_names}
        # An area lends at most half of what it has to spare, so its own next orders still
        # find a rider.
        spare = {a: max(0, -short[a]) // 2 for a in self.area_names}
        for area in sorted((a for a in self.area_names if short[a] > 0), key=lambda a: -short[a]):
            offers = [r for a in self.area_names if a != area and spare[a] > 0 for r in idle[a]]
            if not offers:
                continue
            centre = self.area_centres[self.area_names.index(area)]
            seconds = travel_matrix_s(
                self.dispatcher.travel, [r.location for r in offers], [tuple(centre)], now
            )[:, 0]
            ranked = sorted(
                (float(t), r.courier.id, r) for t, r in zip(seconds, offers, strict=True)
            )
            wanted = short[area]
            for t, _, rider in ranked:
                if wanted == 0 or t > within_s:
                    break
                lender = rider.area
                if spare[lender] == 0:
                    continue
                spare[lender] -= 1
                idle[lender].remove(rider)
                self._move(rider, area)
                wanted -= 1

    def _move(self, rider: _Rider, area: str) -> None:
        if self.active[rider.area].pop(rider.courier.id, None) is not None:
            self.active[area][rider.courier.id] = rider
        rider.area = area

    def _rest_when_quiet(self, now: float, riders: dict[str, _Rider], waiting: int) -> None:
        limit = self.rulebook.fatigue.continuous_work_limit_min
        after = self.settings.rest_early_after_s
        if limit is None or after is None:
            return
        idle = [
            r
            for r in riders.values()
            if r.on_duty and not r.busy and r.resting_until_s <= now and r.done
        ]
        if not idle or waiting > self.settings.quiet_ratio * len(idle):
            return
        tired = []
        for rider in idle:
            state = self._state(rider)
            if state.free_at_s <= now:
                continuous = self.policy.clock(state).continuous_s(now)
                if continuous >= after:
                    tired.append((-continuous, rider.courier.id, rider))
        rest_s = self.rulebook.fatigue.min_rest_min * 60.0
        for _, _, rider in sorted(tired)[: max(1, len(idle) // 3)]:
            rider.resting_until_s = max(now, rider.done[-1][1]) + rest_s
            self.rested_early += 1

    def _planned_work(self, rider: _Rider) -> tuple[tuple[float, float], ...]:
        """Actual work so far, then queued jobs shifted behind any delay."""
        work = list(rider.done)
        at = work[-1][1] if work else -math.inf
        for job in rider.queue:
            a = job.assignment
            start = max(at, a.depart_s)
            at = start + (a.end_s - a.depart_s)
            work.append((start, at))
        return tuple(work)

    def _state(self, rider: _Rider) -> CourierState:
        if rider.state is None:
            work = self._planned_work(rider)
            free = max(rider.free_s, work[-1][1]) if work else rider.free_s
            rider.state = CourierState(
                id=rider.courier.id,
                location=rider.location,
                free_at_s=free,
                shift_start_s=rider.courier.on_min * 60.0,
                shift_end_s=rider.courier.off_min * 60.0,
                orders_committed=rider.orders_committed,
                guaranteed_orders=self.guaranteed_orders[rider.courier.id],
                work_intervals=work,
            )
        return rider.state

    def _apply(
        self,
        decision: Decision,
        now: float,
        pending: dict[str, PendingOrder],
        riders: dict[str, _Rider],
    ) -> None:
        blocked_now = {b.courier_id for b in decision.blocks}
        for rider in riders.values():
            if rider.blocked and rider.courier.id not in blocked_now:
                rider.blocked = False
        for block in decision.blocks:
            rider = self.riders[block.courier_id]
            if not rider.blocked:  # count each stretch of being kept from work once
                clause = (block.reason.rule or block.reason.code).split(":")[-1]
                self.blocks[clause] += 1
                self.blocked_riders.add(block.courier_id)
                rider.blocked = True
        for assignment in decision.assignments:
            rider = self.riders[assignment.courier_id]
            if not rider.on_duty:
                raise RuntimeError(f"dispatcher assigned off-duty rider {assignment.courier_id}")
            for oid in assignment.order_ids:
                del pending[oid]
            rider.orders_committed += len(assignment.order_ids)
            rider.location = self.orders[assignment.order_ids[-1]].location
            rider.state = None
            self._relocate(rider)
            rider.queue.append(_Job(assignment, now))
            if not rider.busy:
                rider.busy = True
                start = max(now, assignment.depart_s)
                self.queue.schedule(start, Priority.JOB_START, _Kind("job_start", rider.courier.id))

    # -- executing trips ---------------------------------------------------------------

    def _start_next(self, courier_id: str, now: float) -> None:
        rider = self.riders[courier_id]
        job = rider.queue[0]
        a = job.assignment
        if now > a.depart_s + 1.0 and not self._may_still_start(rider, now, a):
            self._hand_back(rider, now)
            return
        rider.queue.popleft()
        merchant = self.scenario.merchants[a.restaurant_id]
        restaurant = self.scenario.instance.restaurants[a.restaurant_id]
        half_pickup, half_drop = self.service.pickup_s / 2, self.service.dropoff_s / 2
        origin = rider.here
        arrive = now + self._leg(origin, restaurant.location, now).total
        ready = max(self.actual_ready_s[oid] for oid in a.order_ids)
        pickup = max(ready, arrive + half_pickup + merchant.pickup_extra_s)
        if pickup > rider.courier.off_min * 60.0:
            self._abandon(rider, job, now, arrive)
            return
        clock = pickup + half_pickup
        previous = restaurant.location
        drops: list[float] = []
        closure_m: list[float] = []
        closure_s: list[float] = []
        for oid in a.order_ids:
            order = self.orders[oid]
            leg = self._leg(previous, order.location, clock)
            before, after = self.scenario.dropoff_extra_s(oid)
            drop = clock + leg.total + half_drop + before
            drops.append(drop)
            closure_m.append(leg.closure_m)
            closure_s.append(leg.closure_s)
            clock = drop + half_drop + after
            previous = order.location
        self.trips.append(
            TripRecord(
                courier_id,
                a.restaurant_id,
                a.order_ids,
                job.assigned_s,
                now,
                arrive,
                pickup,
                tuple(drops),
                clock,
                tuple(closure_m),
                tuple(closure_s),
            )
        )
        if abs(clock - a.end_s) > 1e-6 or abs(now - a.depart_s) > 1e-6:
            self.deviations += 1
        rider.done.append((now, clock))
        rider.here = previous
        rider.location = (
            self.orders[rider.queue[-1].assignment.order_ids[-1]].location
            if rider.queue
            else previous
        )
        rider.state = None
        self._relocate(rider)
        self.queue.schedule(clock, Priority.JOB_END, _Kind("job_end", courier_id))

    def _relocate(self, rider: _Rider, *, idle: bool = False) -> None:
        """Put the rider in the dispatch area where their committed work ends (their
        station's when they have none)."""
        if idle:
            area = self.station[rider.courier.id]
        else:
            x, y = rider.location
            nearest = int(
                np.argmin(np.hypot(self.area_centres[:, 0] - x, self.area_centres[:, 1] - y))
            )
            area = self.area_names[nearest]
        if area != rider.area:
            self._move(rider, area)

    def _leg(self, origin: Location, destination: Location, depart_s: float) -> _Leg:
        if isinstance(self.travel, DistrictTravel):
            return _Leg(*self.travel.leg(origin, destination, depart_s))
        return _Leg(float(self.travel.travel_seconds_many(origin, [destination], depart_s)[0]))

    def _may_still_start(self, rider: _Rider, now: float, a: Assignment) -> bool:
        state = dataclasses.replace(self._state(rider), work_intervals=tuple(rider.done))
        return self.policy.may_assign(state, now, a.end_s - a.depart_s).ok

    def _hand_back(self, rider: _Rider, now: float) -> None:
        """The rider is due for rest: queued work goes back to the area's waiting orders."""
        for job in rider.queue:
            self.handed_back += 1
            for oid in job.assignment.order_ids:
                self.pending[self.area_of_order[oid]][oid] = self._pending_order(oid)
            rider.orders_committed -= len(job.assignment.order_ids)
        rider.queue.clear()
        rider.busy = False
        rider.free_s = now
        rider.location = rider.here
        rider.state = None
        self._relocate(rider, idle=True)

    def _abandon(self, rider: _Rider, job: _Job, now: float, arrive: float) -> None:
        a = job.assignment
        off = rider.courier.off_min * 60.0
        self.trips.append(
            TripRecord(
                rider.courier.id,
                a.restaurant_id,
                a.order_ids,
                job.assigned_s,
                now,
                arrive,
                None,
                (),
                max(off, arrive),
                (),
                (),
            )
        )
        returned = [a, *(j.assignment for j in rider.queue)]
        rider.queue.clear()
        for assignment in returned:
            for oid in assignment.order_ids:
                self.pending[self.area_of_order[oid]][oid] = self._pending_order(oid)
            rider.orders_committed -= len(assignment.order_ids)
        rider.done.append((now, max(off, arrive)))
        rider.here = rider.location = self.scenario.instance.restaurants[a.restaurant_id].location
        rider.state = None
        self._relocate(rider)
        self.queue.schedule(max(off, arrive), Priority.JOB_END, _Kind("job_end", rider.courier.id))

    def _end_job(self, courier_id: str, now: float) -> None:
        rider = self.riders[courier_id]
        rider.free_s = now
        if rider.queue:
            start = max(now, rider.queue[0].assignment.depart_s)
            self.queue.schedule(start, Priority.JOB_START, _Kind("job_start", courier_id))
        else:
            rider.busy = False
            self._relocate(rider, idle=True)
        rider.state = None


@dataclass(frozen=True, slots=True)
class _Leg:
    total: float
    closure_m: float = 0.0
    closure_s: float = 0.0


def simulate_scenario(
    scenario: Scenario,
    rulebook: Rulebook,
    *,
    travel: TravelModel | None = None,
    settings: SimulationSettings | None = None,
) -> DayOutcome:
    """Replay `scenario` with the dispatcher under `rulebook` (travel: the scenario's own)."""
    return _Day(
        scenario,
        rulebook,
        travel or DistrictTravel.for_scenario(scenario),
        settings or SimulationSettings(),
    ).run()
