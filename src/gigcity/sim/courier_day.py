"""What the MDRP simulator and the scenario day simulator share: couriers working through
queues of committed jobs on one event queue, with the dispatcher asked at every epoch.

`CourierDay` runs the event loop (shifts, order placements, decisions, job starts and ends),
commits couriers to the dispatcher's assignments, executes a job from the travel model, the
kitchens' actual ready times and the service times, and hands orders back to the waiting
pool when a courier will not do them. The simulators say where waiting orders and active
couriers are kept, when to decide, what a trip record holds and what happens around a job.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from gigcity.dispatch.config import DispatchConfig
from gigcity.dispatch.dispatcher import Dispatcher
from gigcity.dispatch.model import (
    Assignment,
    Block,
    CourierState,
    Decision,
    DispatchState,
    PendingOrder,
    ServiceTimes,
)
from gigcity.dispatch.policy import DispatchPolicy
from gigcity.geo.travel import Location, TravelModel
from gigcity.sim.events import EventQueue, Priority
from gigcity.sim.gc_thresholds import fewer_collections
from gigcity.sim.mdrp.instance import Courier, Instance, Order


@dataclass(frozen=True, slots=True)
class DayEvent:
    name: str
    """on, off, placed, decide, job_start or job_end."""
    subject: str = ""
    """The courier or order it is about."""


@dataclass(slots=True)
class Job:
    assignment: Assignment
    assigned_s: float


@dataclass(slots=True)
class CourierRun:
    """A courier during the day; the simulators add what else they track."""

    courier: Courier
    location: Location
    """Where the courier's committed work ends (what the dispatcher plans from)."""
    on_duty: bool = False
    busy: bool = False
    """A job is running or about to start (a job_start or job_end event is due)."""
    queue: deque[Job] = field(default_factory=deque)
    orders_committed: int = 0
    state: CourierState | None = None
    """What the dispatcher was last told; None once anything it depends on changed."""
    blocked: bool = False
    """The rules kept the courier from work at the last decision that saw them."""


@dataclass(frozen=True, slots=True)
class Leg:
    """One ride between two places as executed."""

    total: float
    closure_m: float = 0.0
    """Extra metres ridden round a closure."""
    closure_s: float = 0.0
    """Extra seconds a closure cost."""


@dataclass(frozen=True, slots=True)
class Ride:
    """The executed times of one job, in seconds."""

    arrive_s: float
    pickup_s: float | None
    """None when the food was not ready before the shift ended (nothing delivered)."""
    dropoff_s: tuple[float, ...]
    end_s: float
    """Free again (or, when abandoned, off shift)."""
    departs_s: tuple[float, ...]
    """Per order: when its leg set off (after the pickup, then after the previous drop)."""
    legs: tuple[Leg, ...]
    """Per order: its leg from the previous place."""


RunT = TypeVar("RunT", bound=CourierRun)


def service_times(instance: Instance) -> ServiceTimes:
    p = instance.parameters
    return ServiceTimes(p.pickup_service_min * 60.0, p.dropoff_service_min * 60.0)


class CourierDay(ABC, Generic[RunT]):
    """One simulated day; mutable, used once."""

    def __init__(
        self,
        instance: Instance,
        couriers: dict[str, RunT],
        upcoming: Iterable[RunT],
        *,
        travel: TravelModel,
        planning: TravelModel,
        policy: DispatchPolicy,
        dispatch: DispatchConfig,
        planned_ready_s: dict[str, float],
        actual_ready_s: dict[str, float],
        guaranteed_orders: dict[str, float],
    ) -> None:
        """`upcoming`: the couriers in the order they join the dispatcher's view;
        `travel` executes trips, `planning` is what the dispatcher plans with."""
        self.instance = instance
        self.couriers = couriers
        self.upcoming = deque(upcoming)
        self.travel = travel
        self.dispatch = dispatch
        self.service = service_times(instance)
        # Holds are not kept by the simulators: skip writing a sentence for each of them.
        quiet = dataclasses.replace(dispatch, explain_holds=False)
        self.dispatcher = Dispatcher(planning, self.service, quiet, policy)
        self.planned_ready_s = planned_ready_s
        self.actual_ready_s = actual_ready_s
        self.guaranteed_orders = guaranteed_orders
        self.queue: EventQueue[DayEvent] = EventQueue()
        self.orders: dict[str, Order] = {o.id: o for o in instance.orders}
        self.to_place = len(instance.orders)
        self.end_of_day_s = max((c.off_min for c in instance.couriers), default=0) * 60.0
        self.decisions = 0
        """Times the dispatcher was asked."""

    # -- what each simulator decides ---------------------------------------------------

    @abstractmethod
    def _pool_of(self, order_id: str) -> dict[str, PendingOrder]:
        """The waiting orders `order_id` belongs with."""

    @abstractmethod
    def _active_of(self, run: RunT) -> dict[str, RunT]:
        """The couriers on shift (or starting soon) that `run` is dispatched with."""

    @abstractmethod
    def _free_and_work(self, run: RunT) -> tuple[float, tuple[tuple[float, float], ...]]:
        """When the courier is free, and their work intervals, as the dispatcher is told."""

    @abstractmethod
    def _decide(self, now: float) -> None: ...

    @abstractmethod
    def _start_next(self, courier_id: str, now: float) -> None: ...

    def _leg(self, origin: Location, destination: Location, depart_s: float) -> Leg:
        return Leg(self.travel.travel_seconds_many(origin, [destination], depart_s)[0])

    def _dropoff_extra_s(self, order_id: str) -> tuple[float, float]:
        """Seconds the drop-off of `order_id` takes beyond the service time, before and after."""
        return 0.0, 0.0

    def _drop_location(self, order_id: str) -> Location:
        """Where the courier hands `order_id` over (an estate's gate or hand-off point may
        stand in for the door)."""
        return self.orders[order_id].location

    # -- event loop --------------------------------------------------------------------

    def _run_events(self) -> None:
        with fewer_collections():  # the collector's walks were 9 % of a large day
            self._replay_events()

    def _replay_events(self) -> None:
        for c in self.instance.couriers:
            self.queue.schedule(c.on_min * 60.0, Priority.COURIER_ON, DayEvent("on", c.id))
            self.queue.schedule(c.off_min * 60.0, Priority.COURIER_OFF, DayEvent("off", c.id))
        for o in self.instance.orders:
            self.queue.schedule(
                o.placement_min * 60.0, Priority.ORDER_PLACED, DayEvent("placed", o.id)
            )
        if self.orders:
            first = min(o.placement_min for o in self.orders.values()) * 60.0
            self.queue.schedule(first, Priority.DECIDE, DayEvent("decide"))
        while (event := self.queue.pop()) is not None:
            now, kind = event.time_s, event.payload
            if kind.name == "placed":
                self._pool_of(kind.subject)[kind.subject] = self._pending_order(kind.subject)
                self.to_place -= 1
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
                self._active_of(run).pop(kind.subject, None)
            else:  # pragma: no cover - every kind is scheduled above
                raise AssertionError(f"unknown event {kind.name}")

    def _pending_order(self, order_id: str) -> PendingOrder:
        order = self.orders[order_id]
        restaurant = self.instance.restaurants[order.restaurant_id]
        return PendingOrder(
            order.id,
            order.restaurant_id,
            restaurant.location,
            order.location,
            order.placement_min * 60.0,
            self.planned_ready_s[order.id],
        )

    # -- deciding ----------------------------------------------------------------------

    def _activate_due(self, now: float) -> None:
        """Couriers whose shift starts soon join the dispatcher's view."""
        soon = now + self.dispatch.pre_shift_s
        while self.upcoming and self.upcoming[0].courier.on_min * 60.0 <= soon:
            run = self.upcoming.popleft()
            if run.courier.off_min * 60.0 > now:  # a shift may be over before it is seen
                self._active_of(run)[run.courier.id] = run

    def _state(self, run: RunT) -> CourierState:
        if run.state is None:
            free_at_s, work = self._free_and_work(run)
            run.state = CourierState(
                id=run.courier.id,
                location=run.location,
                free_at_s=free_at_s,
                shift_start_s=run.courier.on_min * 60.0,
                shift_end_s=run.courier.off_min * 60.0,
                orders_committed=run.orders_committed,
                guaranteed_orders=self.guaranteed_orders[run.courier.id],
                work_intervals=work,
            )
        return run.state

    def _ask(
        self, now: float, pending: dict[str, PendingOrder], states: tuple[CourierState, ...]
    ) -> Decision:
        self.decisions += 1
        return self.dispatcher.decide(DispatchState(now, tuple(pending.values()), states))

    def _decide_again(self, now: float, *, waiting: bool) -> None:
        """Decide again an epoch later while orders wait or are still to come."""
        following = now + self.dispatch.epoch_s
        if (waiting or self.to_place) and following <= self.end_of_day_s:
            self.queue.schedule(following, Priority.DECIDE, DayEvent("decide"))

    def _blocks_starting(self, decision: Decision, watched: Iterable[RunT]) -> list[Block]:
        """The blocks of `decision` that start a stretch of being kept from work.

        `watched`: the couriers the decision saw; those it no longer blocks are free again.
        """
        blocked_now = {b.courier_id for b in decision.blocks}
        for run in watched:
            if run.blocked and run.courier.id not in blocked_now:
                run.blocked = False
        starting: list[Block] = []
        for block in decision.blocks:
            run = self.couriers[block.courier_id]
            if not run.blocked:
                run.blocked = True
                starting.append(block)
        return starting

    def _take_on(
        self, assignment: Assignment, now: float, pending: dict[str, PendingOrder]
    ) -> RunT:
        """Commit the courier to `assignment`: its orders stop waiting and the job joins the
        courier's queue (starting as planned if the courier is idle)."""
        run = self.couriers.get(assignment.courier_id)
        if run is None or not run.on_duty:
            raise RuntimeError(
                f"dispatcher assigned unknown or off-duty courier {assignment.courier_id}"
            )
        missing = [oid for oid in assignment.order_ids if oid not in pending]
        if missing:
            raise RuntimeError(f"dispatcher assigned orders that are not waiting: {missing}")
        for oid in assignment.order_ids:
            del pending[oid]
        run.orders_committed += len(assignment.order_ids)
        run.location = self._drop_location(assignment.order_ids[-1])
        run.state = None
        run.queue.append(Job(assignment, now))
        if not run.busy:
            run.busy = True
            start = max(now, assignment.depart_s)
            self.queue.schedule(start, Priority.JOB_START, DayEvent("job_start", run.courier.id))
        return run

    # -- executing jobs ----------------------------------------------------------------

    def _ride(
        self,
        run: RunT,
        assignment: Assignment,
        now: float,
        origin: Location,
        pickup_extra_s: float = 0.0,
    ) -> Ride:
        """Execute `assignment` from `origin` at `now`: the street and the kitchen decide
        how long, not the dispatcher's plan."""
        restaurant = self.instance.restaurants[assignment.restaurant_id]
        half_pickup, half_drop = self.service.pickup_s / 2, self.service.dropoff_s / 2
        arrive = now + self._leg(origin, restaurant.location, now).total
        ready = max(self.actual_ready_s[oid] for oid in assignment.order_ids)
        pickup = max(ready, arrive + half_pickup + pickup_extra_s)
        off = run.courier.off_min * 60.0
        if pickup > off:
            return Ride(arrive, None, (), max(off, arrive), (), ())
        clock = pickup + half_pickup
        previous = restaurant.location
        drops: list[float] = []
        departs: list[float] = []
        legs: list[Leg] = []
        for oid in assignment.order_ids:
            here = self._drop_location(oid)
            leg = self._leg(previous, here, clock)
            before, after = self._dropoff_extra_s(oid)
            drop = clock + leg.total + half_drop + before
            departs.append(clock)
            drops.append(drop)
            legs.append(leg)
            clock = drop + half_drop + after
            previous = here
        return Ride(arrive, pickup, tuple(drops), clock, tuple(departs), tuple(legs))

    def _abandon(self, run: RunT, job: Job, ride: Ride) -> None:
        """The food is not ready before the shift ends: the courier leaves without it, and
        the orders of this job and of the queued ones wait again."""
        a = job.assignment
        self._give_back(run, [a, *(j.assignment for j in run.queue)])
        run.queue.clear()
        run.location = self.instance.restaurants[a.restaurant_id].location
        run.state = None
        self.queue.schedule(ride.end_s, Priority.JOB_END, DayEvent("job_end", run.courier.id))

    def _give_back(self, run: RunT, assignments: Sequence[Assignment]) -> None:
        """The courier will not do `assignments`: their orders go back to the waiting ones."""
        for a in assignments:
            for oid in a.order_ids:
                self._pool_of(oid)[oid] = self._pending_order(oid)
            run.orders_committed -= len(a.order_ids)

    def _end_job(self, courier_id: str, now: float) -> None:
        run = self.couriers[courier_id]
        if run.queue:
            start = max(now, run.queue[0].assignment.depart_s)
            self.queue.schedule(start, Priority.JOB_START, DayEvent("job_start", courier_id))
        else:
            run.busy = False
