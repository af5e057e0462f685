"""The rolling-horizon dispatcher: one decision epoch, state in, decisions and reasons out.

At each epoch:

1. every waiting order is costed against every courier who could still pick it up: the
   pickup time (the food waits if the courier is late) plus the courier's travel to the
   restaurant, weighted by how scarce couriers are right now;
2. orders are matched to couriers with the Hungarian method (`linear_sum_assignment`);
3. a match is committed only if waiting one more epoch would make the food wait (the
   courier must leave now); otherwise the order is held, so that later orders and
   couriers can still change the plan;
4. a committed trip takes on other orders of the same restaurant when the click-to-door
   time this costs is worth less than the courier time it saves (and the rules allow the
   combination).

The dispatcher keeps no state between calls: the same state always gives the same decision
(it only remembers what it read from recent decisions' `CourierState`s and `PendingOrder`s,
which are immutable, to read each once while it is handed back unchanged).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from typing import Generic, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from gigcity.dispatch.bundling import Route, best_route
from gigcity.dispatch.config import DispatchConfig
from gigcity.dispatch.model import (
    Assignment,
    Block,
    CourierState,
    Decision,
    DispatchState,
    Hold,
    PendingOrder,
    Reason,
    ServiceTimes,
)
from gigcity.dispatch.policy import DispatchPolicy, Unconstrained, WorkWindows
from gigcity.dispatch.travel_matrix import travel_matrix_s, travel_pairs_s
from gigcity.geo.travel import TravelModel

FloatArray = NDArray[np.float64]

_INFEASIBLE = 1e12
_NOT_YET = Reason("hold.not_yet", "no courier needs to leave for it yet")
_QUEUED = Reason("hold.queued", "every courier who could take it is better used elsewhere")
_NO_COURIER = Reason("hold.no_courier", "no courier on shift can pick it up before going off")
_ORDER_KEY = attrgetter("ready_s", "placed_s", "id")
_COURIER_KEY = attrgetter("id")
_STARTING = Reason("hold.courier_starting", "the best courier starts their shift soon")
_BUSY = Reason("hold.courier_busy", "the best courier is still busy")
_CAN_WAIT = Reason("hold.can_wait", "the best courier can still leave later and meet the food")


def clock(seconds: float) -> str:
    """Seconds since the start of the day as h:mm (for reasons a person reads)."""
    minutes = math.floor(seconds / 60.0)
    return f"{minutes // 60}:{minutes % 60:02d}"


@dataclass(slots=True)
class _Job:
    courier: int
    orders: list[int]
    route: Route
    pickup_s: float
    reasons: list[Reason] = field(default_factory=list)


@dataclass(slots=True)
class _Epoch:
    """Arrays for one decision; rows are orders, columns couriers."""

    now: float
    orders: list[PendingOrder]
    couriers: list[CourierState]
    ready: FloatArray
    placed: FloatArray
    restaurant_of: NDArray[np.intp]
    start: FloatArray
    free_at: FloatArray
    shift_start: FloatArray
    shift_end: FloatArray
    committed: FloatArray
    """Per courier: orders committed to them so far (`CourierState.orders_committed`)."""
    guaranteed: FloatArray
    """Per courier: `CourierState.guaranteed_orders`."""
    deadline: FloatArray
    to_restaurant: FloatArray
    drops: FloatArray
    """Per order: where the rider hands it over (x, y)."""
    restaurant_to_drop: FloatArray
    pickup: FloatArray
    end: FloatArray
    in_shift: NDArray[np.bool_]
    """The courier can pick the order up before their shift ends."""
    unlimited: bool
    """No courier has a work deadline (the plain MDRP, a rulebook without fatigue clauses)."""
    feasible: NDArray[np.bool_]
    latest_departure: FloatArray
    """Per order: the latest time some feasible courier can leave and meet the food."""
    courier_value: float


def _restaurants_of(
    orders: list[PendingOrder],
) -> tuple[list[tuple[float, float]], NDArray[np.intp]]:
    """The distinct restaurants (first seen first) and each order's row among them."""
    restaurant_index: dict[str, int] = {}
    restaurant_points: list[tuple[float, float]] = []
    restaurant_of: list[int] = []
    for order in orders:
        index = restaurant_index.get(order.restaurant_id)
        if index is None:
            index = len(restaurant_points)
            restaurant_index[order.restaurant_id] = index
            restaurant_points.append(order.pickup)
        restaurant_of.append(index)
    return restaurant_points, np.array(restaurant_of, dtype=np.intp)


def _rows(rows: Iterable[Iterable[float]], count: int, width: int) -> FloatArray:
    """`count` rows of `width` numbers as a (count, width) array (faster than from a list
    of tuples)."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.float64, count=count * width)
    return flat.reshape(count, width)


def _match_reason(epoch: _Epoch, row: int, col: int, at: float) -> Reason:
    """Why the order goes to the courier now: when they reach it, the food, the pickup."""
    order, courier = epoch.orders[row], epoch.couriers[col]
    return Reason(
        "assign.match",
        f"{courier.id} reaches {order.restaurant_id} at "
        f"{clock(float(epoch.start[col] + epoch.to_restaurant[row, col]))}, "
        f"food ready {clock(order.ready_s)}, pickup {clock(at)}",
    )


def _relay_reasons(epoch: _Epoch, rows: list[int]) -> tuple[Reason, ...]:
    """For each relay order of a trip: the rider leaves it at the estate's hand-off point."""
    reasons = []
    for row in rows:
        order = epoch.orders[row]
        if order.estate is not None and order.estate.relay:
            reasons.append(
                Reason(
                    "relay.handoff",
                    f"{order.id} is left at hand-off point {order.estate.handoff_ref or '?'} of "
                    f"{order.estate.estate}; a community courier carries it to "
                    f"{order.estate.building}",
                )
            )
    return tuple(reasons)


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


_State = TypeVar("_State", bound=_Identified)


class _ReadOnce(Generic[_State]):
    """What the arrays need of each immutable state (an order, a courier), read once while a
    simulator hands the same state back decision after decision; kept by identity, so a new
    state of the same id is read again. Pruned to one decision's states once the others
    (delivered, off shift) outnumber them 4 to 1 (and 1,024), so a long life keeps no more."""

    def __init__(self, read: Callable[[_State], tuple[float, ...]]) -> None:
        self._read = read
        self._kept: dict[str, tuple[_State, tuple[float, ...]]] = {}

    def rows(self, states: Sequence[_State]) -> list[tuple[float, ...]]:
        kept = self._kept
        rows = [
            had[1] if (had := kept.get(x.id)) is not None and had[0] is x else self._new(x)
            for x in states
        ]
        if len(kept) > 4 * len(states) + 1024:
            self._kept = {x.id: kept[x.id] for x in states}
        return rows

    def __len__(self) -> int:
        return len(self._kept)

    def _new(self, state: _State) -> tuple[float, ...]:
        row = self._read(state)
        self._kept[state.id] = (state, row)
        return row


def _order_row(o: PendingOrder) -> tuple[float, ...]:
    """Ready, placed, pickup (x, y), drop-off (x, y)."""
    return (o.ready_s, o.placed_s, *o.pickup, *o.rider_dropoff)


def _courier_row(c: CourierState) -> tuple[float, ...]:
    """Free at, shift start and end, location (x, y), orders committed, orders guaranteed."""
    return (
        max(c.free_at_s, c.shift_start_s),
        c.shift_start_s,
        c.shift_end_s,
        *c.location,
        c.orders_committed,
        c.guaranteed_orders,
    )


class Dispatcher:
    """Pure rolling-horizon dispatcher shared by the simulator and the live platform."""

    def __init__(
        self,
        travel: TravelModel,
        service: ServiceTimes,
        config: DispatchConfig | None = None,
        policy: DispatchPolicy | None = None,
    ) -> None:
        self.travel = travel
        self.service = service
        self.config = config or DispatchConfig()
        self.policy: DispatchPolicy = policy or Unconstrained()
        # An order waits through many decisions; a courier's state is handed back until
        # something about them changes.
        self._order_rows: _ReadOnce[PendingOrder] = _ReadOnce(_order_row)
        self._courier_rows: _ReadOnce[CourierState] = _ReadOnce(_courier_row)

    def decide(self, state: DispatchState) -> Decision:
        now = state.now_s
        orders = sorted(state.orders, key=_ORDER_KEY)
        if not orders:
            return Decision(now_s=now, assignments=(), holds=())
        soonest_shift = now + self.config.pre_shift_s
        horizon = now + self.config.courier_horizon_s
        couriers = sorted(
            [
                c
                for c in state.couriers
                if c.shift_start_s <= soonest_shift
                and (available := max(now, c.free_at_s, c.shift_start_s)) < c.shift_end_s
                and available <= horizon
            ],
            key=_COURIER_KEY,
        )
        if not couriers:
            reason = Reason("hold.no_courier", "no courier on shift can pick up before going off")
            return Decision(now, (), tuple(Hold(o.id, reason) for o in orders))

        epoch = self._costed_epoch(now, orders, couriers)
        matched = self._match(epoch)
        jobs, holds = self._commit(epoch, matched)
        jobs = self._bundle(epoch, jobs, matched, holds)
        assignments, dropped = self._finalise(epoch, jobs)
        holds.update(dropped)
        hold_list = tuple(holds[row] for row in sorted(holds))
        return Decision(
            now_s=now,
            assignments=assignments,
            holds=hold_list,
            blocks=self._blocks(epoch),
            courier_value=epoch.courier_value,
        )

    # -- costing -----------------------------------------------------------------------

    def _costed_epoch(
        self, now: float, orders: list[PendingOrder], couriers: list[CourierState]
    ) -> _Epoch:
        half_pickup = self.service.pickup_s / 2
        half_drop = self.service.dropoff_s / 2

        restaurant_points, restaurant_of = _restaurants_of(orders)
        # What the arrays need of each order and each courier, read in one pass each.
        order_rows = _rows(self._order_rows.rows(orders), len(orders), 6)
        ready, placed = order_rows[:, 0], order_rows[:, 1]
        pickups, drops = order_rows[:, 2:4], order_rows[:, 4:6]
        courier_rows = _rows(self._courier_rows.rows(couriers), len(couriers), 7)
        free_at, shift_start, shift_end = courier_rows[:, 0], courier_rows[:, 1], courier_rows[:, 2]
        start = np.maximum(free_at, now)
        deadline = self._deadlines(couriers, start)

        courier_to_restaurant = travel_matrix_s(
            self.travel,
            courier_rows[:, 3:5],
            _rows(restaurant_points, len(restaurant_points), 2),
            now,
        )
        to_restaurant = courier_to_restaurant[:, restaurant_of].T
        restaurant_to_drop = travel_pairs_s(self.travel, pickups, drops, now)
        pickup = np.maximum(ready[:, None], start[None, :] + to_restaurant + half_pickup)
        end = pickup + (half_pickup + restaurant_to_drop + 2 * half_drop)[:, None]
        in_shift = pickup <= shift_end[None, :]
        # No work limit for anyone: every job ends in time.
        unlimited = bool(np.isposinf(deadline).all())
        feasible = in_shift if unlimited else in_shift & (end <= deadline[None, :])
        latest = np.maximum(ready[:, None] - half_pickup - to_restaurant, start[None, :])
        latest_departure = np.where(feasible, latest, np.inf).min(axis=1, initial=np.inf)

        return _Epoch(
            now=now,
            orders=orders,
            couriers=couriers,
            ready=ready,
            placed=placed,
            restaurant_of=restaurant_of,
            start=start,
            free_at=free_at,
            shift_start=shift_start,
            shift_end=shift_end,
            committed=courier_rows[:, 5],
            guaranteed=courier_rows[:, 6],
            deadline=deadline,
            to_restaurant=to_restaurant,
            drops=drops,
            restaurant_to_drop=restaurant_to_drop,
            pickup=pickup,
            end=end,
            in_shift=in_shift,
            unlimited=unlimited,
            feasible=feasible,
            latest_departure=latest_departure,
            courier_value=self._courier_value(now, ready, start),
        )

    def _deadlines(self, couriers: list[CourierState], start: FloatArray) -> FloatArray:
        """When each courier must be done, by the policy's work window from their start."""
        if isinstance(self.policy, Unconstrained):
            return np.full(len(couriers), np.inf)
        if isinstance(self.policy, WorkWindows):
            return self.policy.deadlines_s(couriers, start)
        return np.array(
            [
                self.policy.work_window(c, float(s)).deadline_s
                for c, s in zip(couriers, start, strict=True)
            ],
            dtype=np.float64,
        )

    def _courier_value(self, now: float, ready: FloatArray, start: FloatArray) -> float:
        """How many click-to-door seconds a courier-second is worth now."""
        cfg = self.config
        horizon = now + cfg.lookahead_s
        demand = float(np.count_nonzero(ready <= horizon))
        supply = float(np.count_nonzero(start <= horizon))
        load = demand / max(supply, 1.0)
        share = min(max((load - cfg.load_low) / (cfg.load_high - cfg.load_low), 0.0), 1.0)
        return cfg.courier_value_low + share * (cfg.courier_value_high - cfg.courier_value_low)

    def _pay_penalty(self, epoch: _Epoch) -> FloatArray:
        """Seconds of cost for giving one more order to each courier, from their pay."""
        weight = self.config.pay_weight_s
        if weight == 0:
            return np.zeros(len(epoch.couriers))
        shift = np.maximum(epoch.shift_end - epoch.shift_start, 1.0)
        elapsed = np.clip((epoch.now - epoch.shift_start) / shift, 0.0, 1.0)
        # Ahead of the pace that earns the guarantee: more orders will be paid extra.
        surplus = epoch.committed + 1.0 - epoch.guaranteed * elapsed
        penalty: FloatArray = weight * np.clip(surplus, 0.0, 1.0)
        return penalty

    # -- matching and commitment -------------------------------------------------------

    def _match(self, epoch: _Epoch) -> dict[int, int]:
        considered = self._due_rows(epoch)
        if considered.size == 0:
            return {}
        if considered.size == len(epoch.orders):
            # Every order is due (the usual case): the epoch's matrices as they are, uncopied.
            feasible, pickup, to_restaurant = epoch.feasible, epoch.pickup, epoch.to_restaurant
        else:
            feasible = epoch.feasible[considered]
            pickup, to_restaurant = epoch.pickup[considered], epoch.to_restaurant[considered]
        cost = (pickup - epoch.now) + epoch.courier_value * to_restaurant
        # In place (the same numbers): the matrix is the largest of the decision.
        cost += self._pay_penalty(epoch)[None, :]
        # The same numbers as setting the infeasible entries in place, in half the time.
        cost = np.where(feasible, cost, _INFEASIBLE)
        rows, cols = linear_sum_assignment(cost)
        kept = feasible[rows, cols]
        return dict(zip(considered[rows[kept]].tolist(), cols[kept].tolist(), strict=True))

    def _due_rows(self, epoch: _Epoch) -> NDArray[np.intp]:
        """Orders for which some courier must leave within the match window."""
        window = self.config.match_window_s
        if window is None:
            return np.arange(len(epoch.orders), dtype=np.intp)
        return np.flatnonzero(epoch.latest_departure <= epoch.now + window)

    def _commit(self, epoch: _Epoch, matched: dict[int, int]) -> tuple[list[_Job], dict[int, Hold]]:
        half_pickup = self.service.pickup_s / 2
        next_epoch = epoch.now + self.config.epoch_s + self.config.commit_ahead_s
        rows = np.array(sorted(matched), dtype=np.intp)
        cols = np.array([matched[row] for row in rows.tolist()], dtype=np.intp)
        pickup = epoch.pickup[rows, cols]
        later_start = np.maximum(next_epoch, epoch.free_at[cols])
        later_pickup = np.maximum(
            epoch.ready[rows], later_start + epoch.to_restaurant[rows, cols] + half_pickup
        )
        on_shift = epoch.shift_start[cols] <= epoch.now
        # Commit only when waiting one more epoch would make the food wait (or miss the shift).
        commit = on_shift & ((later_pickup > pickup) | (later_pickup > epoch.shift_end[cols]))
        busy = epoch.free_at[cols] > epoch.now

        jobs: list[_Job] = []
        holds = self._unmatched_holds(epoch, rows)
        for row, col, now_or_never, at, starting, working in zip(
            rows.tolist(),
            cols.tolist(),
            commit.tolist(),
            pickup.tolist(),
            on_shift.tolist(),
            busy.tolist(),
            strict=True,
        ):
            if now_or_never:
                reason = _match_reason(epoch, row, col, at)
                jobs.append(_Job(col, [row], self._single_route(epoch, row, at), at, [reason]))
            else:
                holds[row] = Hold(
                    epoch.orders[row].id,
                    self._hold_reason(epoch, row, col, on_shift=starting, busy=working),
                )
        return jobs, holds

    def _unmatched_holds(self, epoch: _Epoch, rows: NDArray[np.intp]) -> dict[int, Hold]:
        """A hold, with its reason, for each order the matching left out."""
        holds: dict[int, Hold] = {}
        unmatched = np.ones(len(epoch.orders), dtype=np.bool_)
        unmatched[rows] = False
        if unmatched.any():
            for row, reason in zip(
                np.flatnonzero(unmatched).tolist(),
                self._unmatched_reasons(epoch, unmatched),
                strict=True,
            ):
                holds[row] = Hold(epoch.orders[row].id, reason)
        return holds

    def _hold_reason(
        self, epoch: _Epoch, row: int, col: int, *, on_shift: bool, busy: bool
    ) -> Reason:
        """Why a matched order is not committed yet: the courier starts later, is busy, or
        can still leave later and meet the food — naming the courier and the time only when
        holds are explained (the simulators ask for no more than the same few sentences)."""
        if not self.config.explain_holds:
            return _STARTING if not on_shift else _BUSY if busy else _CAN_WAIT
        courier = epoch.couriers[col]
        if not on_shift:
            return Reason(
                "hold.courier_starting",
                f"best courier {courier.id} starts their shift at {clock(courier.shift_start_s)}",
            )
        if busy:
            return Reason(
                "hold.courier_busy",
                f"best courier {courier.id} is busy until {clock(float(epoch.free_at[col]))}",
            )
        half_pickup = self.service.pickup_s / 2
        latest = float(epoch.ready[row] - half_pickup - epoch.to_restaurant[row, col])
        return Reason(
            "hold.can_wait",
            f"{courier.id} can leave as late as {clock(latest)} and still meet the food",
        )

    def _unmatched_reasons(self, epoch: _Epoch, unmatched: NDArray[np.bool_]) -> list[Reason]:
        """Why each order left out of the matching waits, in row order."""
        window = self.config.match_window_s
        any_feasible = np.asarray(epoch.feasible[unmatched].any(axis=1), dtype=np.bool_)
        not_yet = (
            epoch.latest_departure[unmatched] > epoch.now + window
            if window is not None
            else np.zeros(int(unmatched.sum()), dtype=np.bool_)
        )
        shift_ok = np.asarray(epoch.in_shift[unmatched].any(axis=1), dtype=np.bool_)
        reasons: list[Reason] = []
        feasible_rows: list[bool] = any_feasible.tolist()
        later_rows: list[bool] = not_yet.tolist()
        shift_rows: list[bool] = shift_ok.tolist()
        for feasible, later, in_shift in zip(feasible_rows, later_rows, shift_rows, strict=True):
            if feasible and later:
                reasons.append(_NOT_YET)
            elif feasible:
                reasons.append(_QUEUED)
            elif in_shift:
                reasons.append(
                    Reason(
                        "hold.rules",
                        "the couriers who could take it are due for rest under the active rules",
                        rule=self.policy.name,
                    )
                )
            else:
                reasons.append(_NO_COURIER)
        return reasons

    def _single_route(self, epoch: _Epoch, row: int, pickup: float) -> Route:
        leg = float(epoch.restaurant_to_drop[row])
        drop = pickup + self.service.pickup_s / 2 + leg + self.service.dropoff_s / 2
        end = drop + self.service.dropoff_s / 2
        return Route((0,), (drop,), end, drop - float(epoch.placed[row]))

    # -- bundling ----------------------------------------------------------------------

    def _bundle(
        self,
        epoch: _Epoch,
        jobs: list[_Job],
        matched: dict[int, int],
        holds: dict[int, Hold],
    ) -> list[_Job]:
        if self.config.max_bundle < 2 or not jobs:
            return jobs
        by_restaurant: dict[int, list[int]] = {}
        for row, restaurant_row in enumerate(epoch.restaurant_of.tolist()):
            by_restaurant.setdefault(restaurant_row, []).append(row)
        ready: list[float] = epoch.ready.tolist()
        job_of: dict[int, _Job] = {job.orders[0]: job for job in jobs}
        taken: set[int] = set()
        kept: list[_Job] = []
        for job in sorted(jobs, key=lambda j: (j.pickup_s, epoch.orders[j.orders[0]].id)):
            if job.orders[0] in taken:
                continue  # merged into an earlier trip; its courier stays free
            taken.update(job.orders)
            restaurant = int(epoch.restaurant_of[job.orders[0]])
            while len(job.orders) < self.config.max_bundle:
                ready_by = job.pickup_s + self.config.bundle_ready_gap_s
                candidates = [
                    row
                    for row in by_restaurant[restaurant]
                    if row not in taken and ready[row] <= ready_by
                ]
                joined = self._best_join(epoch, job, candidates, matched)
                if joined is None:
                    break
                row, route, pickup, saving_s, extra_c2d_s = joined
                job.orders = [([*job.orders, row])[i] for i in route.sequence]
                job.route = Route(
                    tuple(range(len(job.orders))),
                    route.dropoff_s,
                    route.end_s,
                    route.click_to_door_s,
                )
                job.pickup_s = pickup
                job.reasons.append(
                    Reason(
                        "bundle.join",
                        f"{epoch.orders[row].id} joins the trip: {extra_c2d_s / 60:+.1f} min "
                        f"click-to-door for {saving_s / 60:.1f} courier-min saved",
                    )
                )
                taken.add(row)
                holds.pop(row, None)
                job_of.pop(row, None)
            kept.append(job)
        return kept

    def _best_join(
        self, epoch: _Epoch, job: _Job, candidates: Sequence[int], matched: dict[int, int]
    ) -> tuple[int, Route, float, float, float] | None:
        col = job.courier
        value = epoch.courier_value
        half_pickup = self.service.pickup_s / 2
        best: tuple[float, int, Route, float, float, float] | None = None
        for row in candidates:
            pickup = max(job.pickup_s, float(epoch.ready[row]))
            if pickup > epoch.shift_end[col]:
                continue
            rows = [*job.orders, row]
            route = self._route_for(epoch, rows, pickup, value)
            if route.end_s > epoch.deadline[col]:
                continue
            alternative = self._alternative(epoch, row, matched)
            if alternative is None:
                extra_c2d = -math.inf  # nobody else can take it: joining is its only chance
                saving = 0.0
                score = -math.inf
            else:
                alt_pickup, alt_col = alternative
                alt_end = (
                    float(epoch.end[row, alt_col]) - float(epoch.pickup[row, alt_col]) + alt_pickup
                )
                alt_drop = alt_end - self.service.dropoff_s / 2
                alt_busy = (
                    float(epoch.to_restaurant[row, alt_col]) + half_pickup + alt_end - alt_pickup
                )
                extra_c2d = (
                    route.click_to_door_s
                    - job.route.click_to_door_s
                    - (alt_drop - float(epoch.placed[row]))
                )
                saving = alt_busy - (route.end_s - job.route.end_s)
                score = extra_c2d - value * saving
            if score >= 0:
                continue
            if not self._combination_allowed(epoch, rows, route, job):
                continue
            key = (score, row)
            if best is None or key < (best[0], best[1]):
                best = (score, row, route, pickup, saving, extra_c2d)
        if best is None:
            return None
        _, row, route, pickup, saving, extra_c2d = best
        return row, route, pickup, saving, 0.0 if math.isinf(extra_c2d) else extra_c2d

    def _alternative(
        self, epoch: _Epoch, row: int, matched: dict[int, int]
    ) -> tuple[float, int] | None:
        """The pickup time and courier an order would get without joining a trip."""
        col = matched.get(row)
        if col is not None:
            return float(epoch.pickup[row, col]), col
        options = np.flatnonzero(epoch.feasible[row])
        if options.size == 0:
            return None
        best = int(options[np.argmin(epoch.pickup[row, options])])
        return float(epoch.pickup[row, best]), best

    def _route_for(self, epoch: _Epoch, rows: list[int], pickup: float, value: float) -> Route:
        drops = epoch.drops[rows]
        between = travel_matrix_s(self.travel, drops, drops, pickup)
        return best_route(
            pickup,
            [float(epoch.placed[row]) for row in rows],
            epoch.restaurant_to_drop[rows],
            between,
            self.service,
            value,
        )

    def _combination_allowed(self, epoch: _Epoch, rows: list[int], route: Route, job: _Job) -> bool:
        if isinstance(self.policy, Unconstrained):
            return True
        sequence = [rows[i] for i in route.sequence]
        verdict = self.policy.combination_ok(
            epoch.orders[rows[0]].pickup, [epoch.orders[row].rider_dropoff for row in sequence]
        )
        if not verdict.ok and verdict.reason is not None:
            job.reasons.append(verdict.reason)
        return verdict.ok

    # -- output ------------------------------------------------------------------------

    def _finalise(
        self, epoch: _Epoch, jobs: list[_Job]
    ) -> tuple[tuple[Assignment, ...], dict[int, Hold]]:
        assignments: list[Assignment] = []
        dropped: dict[int, Hold] = {}
        for job in sorted(jobs, key=lambda j: epoch.couriers[j.courier].id):
            courier = epoch.couriers[job.courier]
            depart = float(epoch.start[job.courier])
            verdict = self.policy.may_assign(courier, depart, job.route.end_s - depart)
            if not verdict.ok:
                reason = verdict.reason or Reason("hold.rules", "the active rules refuse it")
                for row in job.orders:
                    dropped[row] = Hold(epoch.orders[row].id, reason)
                continue
            first = job.orders[0]
            assignments.append(
                Assignment(
                    courier_id=courier.id,
                    restaurant_id=epoch.orders[first].restaurant_id,
                    order_ids=tuple(epoch.orders[row].id for row in job.orders),
                    depart_s=depart,
                    arrive_s=depart + float(epoch.to_restaurant[first, job.courier]),
                    pickup_s=job.pickup_s,
                    dropoff_s=job.route.dropoff_s,
                    end_s=job.route.end_s,
                    reasons=(*job.reasons, *_relay_reasons(epoch, job.orders)),
                )
            )
        return tuple(assignments), dropped

    def _blocks(self, epoch: _Epoch) -> tuple[Block, ...]:
        """Couriers the rules kept from a job they could otherwise have done, with the rule."""
        if epoch.unlimited:
            return ()  # nobody has a deadline to be kept from work by
        # In shift but not feasible: the deadline (end > deadline, nothing is NaN) kept them.
        blocked = epoch.in_shift & ~epoch.feasible
        cols = np.flatnonzero(blocked.any(axis=0))
        if cols.size == 0:
            return ()
        # Per blocked courier, the job that would end soonest (one min per column).
        soonest = np.where(blocked[:, cols], epoch.end[:, cols], np.inf).min(axis=0)
        blocks: list[Block] = []
        for col, end in zip(cols.tolist(), soonest.tolist(), strict=True):
            courier = epoch.couriers[col]
            start = float(epoch.start[col])
            verdict = self.policy.may_assign(courier, start, end - start)
            if not verdict.ok and verdict.reason is not None:
                blocks.append(Block(courier.id, verdict.reason))
        return tuple(blocks)
