"""Replaying a day: a discrete-event simulation that drives the dispatcher.

Couriers come on and go off shift, orders are placed, and at every decision epoch the
dispatcher gets the current state and returns assignments. The simulator then executes the
trips itself, from the travel model and the service times: it does not take the
dispatcher's planned times on trust. With `prep_delay_max_min > 0` kitchens run late by a
random number of whole minutes that the dispatcher does not know about (drawn from `seed`);
a courier whose food is still not ready at the end of their shift leaves without it and the
order goes back to the queue.
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque
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
    Reason,
    ServiceTimes,
)
from gigcity.dispatch.policy import DispatchPolicy, Unconstrained
from gigcity.geo.travel import Location
from gigcity.sim.events import EventQueue, Priority
from gigcity.sim.mdrp import (
    HOME,
    AssignmentRecord,
    Courier,
    Instance,
    MoveRecord,
    OrderRecord,
    Solution,
)


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    seed: int = 0
    prep_delay_max_min: int = 0
    """Kitchens finish up to this many whole minutes late (0: exactly on time, as in MDRP)."""
    dispatch: DispatchConfig = field(default_factory=DispatchConfig)

    def __post_init__(self) -> None:
        if self.prep_delay_max_min < 0:
            raise ValueError(f"prep_delay_max_min must be >= 0, got {self.prep_delay_max_min}")
        if self.dispatch.epoch_s % 60:
            raise ValueError("the MDRP works in whole minutes: epoch_s must be a multiple of 60")


@dataclass(frozen=True, slots=True)
class Trip:
    """One executed (or abandoned) assignment, in seconds."""

    courier_id: str
    restaurant_id: str
    order_ids: tuple[str, ...]
    assigned_s: float
    start_s: float
    arrive_s: float
    pickup_s: float | None
    """None when the courier's shift ended before the food was ready."""
    dropoff_s: tuple[float, ...]
    end_s: float


@dataclass(frozen=True, slots=True)
class LoggedDecision:
    """A decision that affects a worker, with its reasons (assignments and rule blocks)."""

    time_s: float
    kind: str
    courier_id: str
    order_ids: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class SimulationResult:
    instance: Instance
    solution: Solution
    trips: tuple[Trip, ...]
    log: tuple[LoggedDecision, ...]
    undelivered: tuple[str, ...]
    policy_name: str
    config: SimulationConfig
    decisions: int
    """Epochs at which the dispatcher was asked."""
    plan_deviations: int
    """Trips whose executed times differ from the dispatcher's plan (0 without kitchen delays)."""


@dataclass(slots=True)
class _Job:
    assignment: Assignment
    assigned_s: float


@dataclass(slots=True)
class _CourierRun:
    courier: Courier
    place: str
    location: Location
    free_at_s: float
    on_duty: bool = False
    busy: bool = False
    queue: deque[_Job] = field(default_factory=deque)
    orders_committed: int = 0
    work: list[tuple[float, float]] = field(default_factory=list)
    state: CourierState | None = None
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class _Kind:
    name: str
    subject: str = ""


class _Run:
    """One simulation; mutable, used once."""

    def __init__(
        self, instance: Instance, policy: DispatchPolicy, config: SimulationConfig
    ) -> None:
        p = instance.parameters
        self.instance = instance
        self.config = config
        self.policy = policy
        self.travel = instance.travel
        self.service = ServiceTimes(p.pickup_service_min * 60.0, p.dropoff_service_min * 60.0)
        # Holds are not kept by the simulator: skip writing a sentence for each of them.
        quiet = dataclasses.replace(config.dispatch, explain_holds=False)
        self.dispatcher = Dispatcher(self.travel, self.service, quiet, policy)
        self.queue: EventQueue[_Kind] = EventQueue()
        self.orders = {o.id: o for o in instance.orders}
        self.pending: dict[str, PendingOrder] = {}
        self.to_place = len(instance.orders)
        self.end_of_day_s = max((c.off_min for c in instance.couriers), default=0) * 60.0
        rng = np.random.Generator(np.random.PCG64(config.seed))
        delays = rng.integers(0, config.prep_delay_max_min + 1, size=len(instance.orders))
        self.actual_ready_s = {
            o.id: (o.ready_min + int(d)) * 60.0
            for o, d in zip(instance.orders, delays, strict=True)
        }
        self.couriers = {
            c.id: _CourierRun(c, HOME, c.location, c.on_min * 60.0) for c in instance.couriers
        }
        guarantee = p.guaranteed_pay_per_hour_cents / max(p.pay_per_order_cents, 1)
        self.guaranteed_orders = {c.id: guarantee * c.shift_min / 60.0 for c in instance.couriers}
        self.trips: list[Trip] = []
        self.moves: dict[str, list[MoveRecord]] = {c.id: [] for c in instance.couriers}
        self.log: list[LoggedDecision] = []
        self.decisions = 0
        self.plan_deviations = 0
        self.blocked: set[str] = set()
        self.active: dict[str, _CourierRun] = {}
        """Couriers on shift or starting soon (what the dispatcher sees)."""
        self.upcoming = sorted(self.couriers.values(), key=lambda r: r.courier.on_min)

    # -- event loop --------------------------------------------------------------------

    def run(self) -> SimulationResult:
        for courier in self.instance.couriers:
            self.queue.schedule(courier.on_min * 60.0, Priority.COURIER_ON, _Kind("on", courier.id))
            self.queue.schedule(
                courier.off_min * 60.0, Priority.COURIER_OFF, _Kind("off", courier.id)
            )
        for order in self.instance.orders:
            self.queue.schedule(
                order.placement_min * 60.0, Priority.ORDER_PLACED, _Kind("placed", order.id)
            )
        if self.instance.orders:
            first = min(o.placement_min for o in self.instance.orders) * 60.0
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
                self.couriers[kind.subject].on_duty = True
            elif kind.name == "off":
                run = self.couriers[kind.subject]
                run.on_duty = False
                run.state = None
                self.active.pop(kind.subject, None)
            else:  # pragma: no cover - every kind is scheduled above
                raise AssertionError(f"unknown event {kind.name}")
        return self._result()

    def _place(self, order_id: str) -> None:
        order = self.orders[order_id]
        restaurant = self.instance.restaurants[order.restaurant_id]
        self.pending[order_id] = PendingOrder(
            id=order.id,
            restaurant_id=order.restaurant_id,
            pickup=restaurant.location,
            dropoff=order.location,
            placed_s=order.placement_min * 60.0,
            ready_s=order.ready_min * 60.0,
        )
        self.to_place -= 1

    def _decide(self, now: float) -> None:
        if self.pending:
            soon = now + self.config.dispatch.pre_shift_s
            while self.upcoming and self.upcoming[0].courier.on_min * 60.0 <= soon:
                run = self.upcoming.pop(0)
                if run.courier.off_min * 60.0 > now:  # a shift may be over before it is seen
                    self.active[run.courier.id] = run
            states = tuple(self._state(run) for run in self.active.values())
            decision = self.dispatcher.decide(
                DispatchState(now, tuple(self.pending.values()), states)
            )
            self.decisions += 1
            self._apply(decision, now)
        following = now + self.config.dispatch.epoch_s
        if (self.pending or self.to_place) and following <= self.end_of_day_s:
            self.queue.schedule(following, Priority.DECIDE, _Kind("decide"))

    def _state(self, run: _CourierRun) -> CourierState:
        if run.state is None:
            run.state = CourierState(
                id=run.courier.id,
                location=run.location,
                free_at_s=run.free_at_s,
                shift_start_s=run.courier.on_min * 60.0,
                shift_end_s=run.courier.off_min * 60.0,
                orders_committed=run.orders_committed,
                guaranteed_orders=self.guaranteed_orders[run.courier.id],
                work_intervals=tuple(run.work),
            )
        return run.state

    # -- applying decisions ------------------------------------------------------------

    def _apply(self, decision: Decision, now: float) -> None:
        blocked_now = {block.courier_id: block for block in decision.blocks}
        for courier_id in sorted(self.blocked - blocked_now.keys()):
            self.couriers[courier_id].blocked = False
        for courier_id, block in blocked_now.items():
            if not self.couriers[courier_id].blocked:  # log when a block starts
                self.log.append(LoggedDecision(now, "block", courier_id, (), (block.reason,)))
                self.couriers[courier_id].blocked = True
        self.blocked = set(blocked_now)
        for assignment in decision.assignments:
            found = self.couriers.get(assignment.courier_id)
            if found is None or not found.on_duty:
                raise RuntimeError(
                    f"dispatcher assigned unknown or off-duty courier {assignment.courier_id}"
                )
            run = found
            missing = [oid for oid in assignment.order_ids if oid not in self.pending]
            if missing:
                raise RuntimeError(f"dispatcher assigned orders that are not waiting: {missing}")
            for oid in assignment.order_ids:
                del self.pending[oid]
            self.log.append(
                LoggedDecision(
                    now, "assign", run.courier.id, assignment.order_ids, assignment.reasons
                )
            )
            last = self.orders[assignment.order_ids[-1]]
            run.orders_committed += len(assignment.order_ids)
            run.free_at_s = assignment.end_s
            run.location = last.location
            run.work.append((assignment.depart_s, assignment.end_s))
            run.state = None
            run.queue.append(_Job(assignment, now))
            if not run.busy:
                run.busy = True
                start = max(now, assignment.depart_s)
                self.queue.schedule(start, Priority.JOB_START, _Kind("job_start", run.courier.id))

    # -- executing trips ---------------------------------------------------------------

    def _start_next(self, courier_id: str, now: float) -> None:
        run = self.couriers[courier_id]
        job = run.queue.popleft()
        a = job.assignment
        courier = run.courier
        restaurant = self.instance.restaurants[a.restaurant_id]
        half_pickup = self.service.pickup_s / 2
        half_drop = self.service.dropoff_s / 2

        origin = run.place if run.place != HOME else HOME
        origin_location = self._place_location(run)
        arrive = (
            now + self.travel.travel_seconds_many(origin_location, [restaurant.location], now)[0]
        )
        ready = max(self.actual_ready_s[oid] for oid in a.order_ids)
        pickup = max(ready, arrive + half_pickup)
        self.moves[courier_id].append(MoveRecord(courier_id, _minute(now), origin, a.restaurant_id))
        run.place = a.restaurant_id

        if pickup > courier.off_min * 60.0:
            self._abandon(run, job, now, arrive)
            return

        clock = pickup + half_pickup
        previous: Location = restaurant.location
        previous_place = a.restaurant_id
        drops: list[float] = []
        for oid in a.order_ids:
            order = self.orders[oid]
            self.moves[courier_id].append(
                MoveRecord(courier_id, _minute(clock), previous_place, oid)
            )
            clock += (
                self.travel.travel_seconds_many(previous, [order.location], clock)[0] + half_drop
            )
            drops.append(clock)
            clock += half_drop
            previous, previous_place = order.location, oid
        run.place = previous_place
        trip = Trip(
            courier_id,
            a.restaurant_id,
            a.order_ids,
            job.assigned_s,
            now,
            arrive,
            pickup,
            tuple(drops),
            clock,
        )
        self.trips.append(trip)
        if (now, arrive, pickup, tuple(drops), clock) != (
            a.depart_s,
            a.arrive_s,
            a.pickup_s,
            a.dropoff_s,
            a.end_s,
        ):
            self.plan_deviations += 1
            self._reschedule(run, clock)
        self.queue.schedule(clock, Priority.JOB_END, _Kind("job_end", courier_id))

    def _place_location(self, run: _CourierRun) -> Location:
        if run.place == HOME:
            return run.courier.location
        if run.place in self.orders:
            return self.orders[run.place].location
        return self.instance.restaurants[run.place].location

    def _reschedule(self, run: _CourierRun, end_s: float) -> None:
        """The trip ends at `end_s`, not as planned: move the courier's free time with it."""
        queued = sum(j.assignment.end_s - j.assignment.depart_s for j in run.queue)
        run.free_at_s = end_s + queued
        run.state = None

    def _abandon(self, run: _CourierRun, job: _Job, now: float, arrive: float) -> None:
        """The food is not ready before the shift ends: the courier leaves without it."""
        a = job.assignment
        off = run.courier.off_min * 60.0
        self.trips.append(
            Trip(
                run.courier.id,
                a.restaurant_id,
                a.order_ids,
                job.assigned_s,
                now,
                arrive,
                None,
                (),
                max(off, arrive),
            )
        )
        returned = [a, *(j.assignment for j in run.queue)]
        run.queue.clear()
        for assignment in returned:
            for oid in assignment.order_ids:
                order = self.orders[oid]
                restaurant = self.instance.restaurants[order.restaurant_id]
                self.pending[oid] = PendingOrder(
                    oid,
                    order.restaurant_id,
                    restaurant.location,
                    order.location,
                    order.placement_min * 60.0,
                    order.ready_min * 60.0,
                )
            run.orders_committed -= len(assignment.order_ids)
        run.location = self.instance.restaurants[a.restaurant_id].location
        run.free_at_s = max(off, arrive)
        run.state = None
        self.queue.schedule(max(off, arrive), Priority.JOB_END, _Kind("job_end", run.courier.id))

    def _end_job(self, courier_id: str, now: float) -> None:
        run = self.couriers[courier_id]
        if run.queue:
            start = max(now, run.queue[0].assignment.depart_s)
            self.queue.schedule(start, Priority.JOB_START, _Kind("job_start", courier_id))
        else:
            run.busy = False

    # -- results -----------------------------------------------------------------------

    def _result(self) -> SimulationResult:
        delivered: dict[str, OrderRecord] = {}
        assignments: list[AssignmentRecord] = []
        for trip in self.trips:
            if trip.pickup_s is None:
                continue
            assignments.append(
                AssignmentRecord(
                    _minute(trip.assigned_s),
                    _minute(trip.pickup_s),
                    trip.courier_id,
                    trip.order_ids,
                )
            )
            for oid, drop in zip(trip.order_ids, trip.dropoff_s, strict=True):
                order = self.orders[oid]
                delivered[oid] = OrderRecord(
                    oid,
                    order.placement_min,
                    order.ready_min,
                    _minute(trip.pickup_s),
                    _minute(drop),
                    trip.courier_id,
                )
        assignments.sort(key=lambda a: (a.assignment_min, a.pickup_min, a.courier_id, a.order_ids))
        solution = Solution(
            assignments=tuple(assignments),
            orders=tuple(delivered[o.id] for o in self.instance.orders if o.id in delivered),
            moves=tuple(m for c in self.instance.couriers for m in self.moves[c.id]),
        )
        return SimulationResult(
            instance=self.instance,
            solution=solution,
            trips=tuple(self.trips),
            log=tuple(self.log),
            undelivered=tuple(o.id for o in self.instance.orders if o.id not in delivered),
            policy_name=self.policy.name,
            config=self.config,
            decisions=self.decisions,
            plan_deviations=self.plan_deviations,
        )


def _minute(seconds: float) -> int:
    minutes = seconds / 60.0
    if not math.isclose(minutes, round(minutes), abs_tol=1e-9):
        raise ValueError(
            f"time {seconds} s is not a whole minute; MDRP solutions need whole minutes"
        )
    return round(minutes)


def simulate(
    instance: Instance,
    policy: DispatchPolicy | None = None,
    config: SimulationConfig | None = None,
) -> SimulationResult:
    """Run one day of `instance` with the rolling-horizon dispatcher under `policy`."""
    return _Run(instance, policy or Unconstrained(), config or SimulationConfig()).run()
