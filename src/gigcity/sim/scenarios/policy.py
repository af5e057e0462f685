"""The rulebook's dispatch policy with what a scenario knows about each rider.

`RulebookPolicy` judges riders by today's work alone, with one overtime setting for all.
A scenario also knows which riders are on their seventh working day (the weekly rest day is
due) and which would confirm working beyond the daily threshold, and dispatch cannot see
everything that makes a trip last longer (stairs, a merchant's delay, a customer who does
not answer): work is planned to end a margin before the fatigue clock's limit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from numpy.typing import NDArray

from gigcity.dispatch.model import CourierState, Reason, ServiceTimes
from gigcity.dispatch.policy import ALLOWED, Verdict, WorkWindow
from gigcity.dispatch.rulebook_policy import RulebookPolicy
from gigcity.geo.travel import TravelModel
from gigcity.rules import FatigueClock, Rulebook
from gigcity.rules.fatigue import merged_work

FloatArray = NDArray[np.float64]
_FACTS = 8
"""Numbers `deadlines_s` keeps per rider (see `ScenarioPolicy._facts_of`)."""

DAY_S = 86_400
PLANNING_MARGIN_S = 15 * 60.0
"""assumption: dispatch keeps 15 minutes between planned work and a fatigue limit."""


@dataclass(slots=True)
class _Batch:
    """What `deadlines_s` last answered; looked up by rider once `may_assign` asks."""

    couriers: Sequence[CourierState]
    starts: FloatArray
    deadlines: FloatArray
    rows: dict[str, int] | None = None
    """Per rider: their row (built on the first look-up, with the lists below)."""
    start_list: list[float] = field(default_factory=list)
    deadline_list: list[float] = field(default_factory=list)


class ScenarioPolicy(RulebookPolicy):
    def __init__(
        self,
        rulebook: Rulebook,
        travel: TravelModel,
        service: ServiceTimes,
        *,
        days_worked_before: Mapping[str, int],
        confirms_overtime: frozenset[str],
        margin_s: float = PLANNING_MARGIN_S,
    ) -> None:
        super().__init__(rulebook, travel, service)
        self.history = {
            rider: frozenset(range(-days, 0)) for rider, days in days_worked_before.items() if days
        }
        # A simulated day's work touches today and, past midnight, tomorrow. A rider with
        # fewer than 7 - required - 2 days behind them keeps the weekly rest day whatever
        # they do, so their clock can skip that (costly) test: the answers are the same.
        required = rulebook.fatigue.weekly_rest_days
        self._short_history = frozenset(
            rider for rider, days in days_worked_before.items() if days <= 7 - required - 2
        )
        # The dispatcher asks every epoch; busy riders ask with the same state and start.
        self._windows: dict[str, tuple[tuple[tuple[float, float], ...], float, WorkWindow]] = {}
        # Refusal reasons are worded once per rider state and ten minutes of start time.
        self._refusals: dict[tuple[str, int], tuple[tuple[tuple[float, float], ...], Verdict]] = {}
        self._full_clocks: dict[str, tuple[tuple[tuple[float, float], ...], FatigueClock]] = {}
        # Per rider: their work as the clock merged it, and the clock before its last
        # interval (`make_clock` extends that one when only the end of the work changed).
        self._clock_parts: dict[str, tuple[list[tuple[float, float]], FatigueClock]] = {}
        # What `deadlines_s` needs of a rider's clock, per rider and change of their work.
        self._facts: dict[str, tuple[tuple[tuple[float, float], ...], tuple[float, ...]]] = {}
        # The last `deadlines_s` answers: the dispatcher then asks `may_assign` of some of
        # the same riders at the same starts.
        self._batch = _Batch((), np.zeros(0), np.zeros(0))
        self._without_weekly = rulebook.model_copy(
            update={"fatigue": rulebook.fatigue.model_copy(update={"weekly_rest_days": 0})}
        )
        # The weekly rest day alone, for the day a rider's weekly rest day stops them.
        self._weekly_only = rulebook.model_copy(
            update={
                "fatigue": rulebook.fatigue.model_copy(
                    update={"continuous_work_limit_min": None, "daily_confirmation_after_min": None}
                )
            }
        )
        self._weekly: dict[frozenset[int], tuple[float, float]] = {}
        fatigue = rulebook.fatigue
        self._limitless = (
            fatigue.continuous_work_limit_min is None
            and fatigue.daily_confirmation_after_min is None
            and not fatigue.weekly_rest_days
        )
        self.confirms_overtime = confirms_overtime
        self.margin_s = margin_s

    def make_clock(self, courier: CourierState) -> FatigueClock:
        work = merged_work(courier.work_intervals)
        kept = self._clock_parts.get(courier.id)
        # A rider's new work mostly keeps all but its last interval (a job queued, a trip
        # done): the clock before that interval, extended interval by interval as the
        # constructor appends them, is the clock of the new work.
        if (
            kept is not None
            and len(work) >= len(kept[0]) >= 1
            and work[: len(kept[0]) - 1] == kept[0][:-1]
        ):
            clock, done = kept[1], len(kept[0]) - 1
        else:
            clock = FatigueClock(
                self._without_weekly if courier.id in self._short_history else self.rulebook,
                work[:-1],
                other_work_days=self.history.get(courier.id, frozenset()),
            )
            done = max(len(work) - 1, 0)
        before_last = clock
        for start, end in work[done:]:
            before_last = clock
            clock = clock.add_work(start, end)
        self._clock_parts[courier.id] = (work, before_last)
        return clock

    def work_window(self, courier: CourierState, start_s: float) -> WorkWindow:
        cached = self._windows.get(courier.id)
        if cached is not None and cached[0] is courier.work_intervals and cached[1] == start_s:
            return cached[2]
        known = self._batch_deadline(courier, start_s)
        if known is not None:
            window = WorkWindow(deadline_s=known)
        else:
            confirmed = courier.id in self.confirms_overtime
            room = self._room(courier, start_s, confirmed)
            window = (
                WorkWindow(deadline_s=math.inf)
                if not math.isfinite(room)
                else WorkWindow(deadline_s=start_s + room - self.margin_s)
            )
        self._windows[courier.id] = (courier.work_intervals, start_s, window)
        return window

    def _batch_deadline(self, courier: CourierState, start_s: float) -> float | None:
        """The deadline `deadlines_s` last gave this rider's work at this start, if it did."""
        batch = self._batch
        if batch.rows is None:
            # Only a few riders are looked up per batch: a row index each, no tuples.
            batch.rows = {c.id: row for row, c in enumerate(batch.couriers)}
            batch.start_list = batch.starts.tolist()
            batch.deadline_list = batch.deadlines.tolist()
        row = batch.rows.get(courier.id)
        if (
            row is None
            or batch.couriers[row].work_intervals is not courier.work_intervals
            or batch.start_list[row] != start_s
        ):
            return None
        return batch.deadline_list[row]

    def deadlines_s(self, couriers: Sequence[CourierState], start_s: FloatArray) -> FloatArray:
        """`work_window(c, s).deadline_s` for many riders at once, bit for bit.

        What `_room` (a short history) or the clock's `headroom_s` (a long one) compute is
        computed here on arrays, with the same float operations in the same order, from a
        few numbers kept per rider and change of their work. The rare riders the arrays do
        not cover (a daily room reaching past tomorrow, a start after tomorrow, a short
        history's work reaching a third day) are asked one by one.
        """
        n = len(couriers)
        known = self._facts
        facts = np.fromiter(
            chain.from_iterable(
                # `_facts_of`, its cache looked up inline: most riders' work is unchanged.
                [
                    kept[1]
                    if (kept := known.get(c.id)) is not None and kept[0] is c.work_intervals
                    else self._facts_of(c)
                    for c in couriers
                ]
            ),
            np.float64,
            count=_FACTS * n,
        ).reshape(n, _FACTS)
        short, last_end, streak = facts[:, 0] == 1.0, facts[:, 2], facts[:, 3]
        start = start_s
        day = np.floor(start / DAY_S)
        on_kept_day = (day == 0.0) | (day == 1.0)
        # The clock plans forward: an earlier start is the scalar path's error to raise.
        fast = start >= last_end
        rules = self.rulebook.fatigue
        room = np.full(n, math.inf)
        if rules.continuous_work_limit_min is not None:
            # FatigueClock.continuous_s: no work (last end -inf) is an endless gap.
            gap = start - last_end
            continuous = np.where(
                gap >= rules.min_rest_min * 60,
                0.0,
                np.where(gap >= rules.gap_counts_as_rest_from_min * 60, streak, streak + gap),
            )
            room = np.maximum(0.0, rules.continuous_work_limit_min * 60 - continuous)
        if rules.daily_confirmation_after_min is not None:
            room, fast = self._daily_rooms(facts, start, day, room, fast)
        if rules.weekly_rest_days:
            # FatigueClock._weekly_room from the day's bound (inf for a short history,
            # whose clock leaves the weekly rest day out).
            bound = np.where(day == 0.0, facts[:, 6], facts[:, 7])
            room = np.minimum(room, np.maximum(0.0, bound - start))
            fast &= short | on_kept_day
        unlimited = np.isinf(room)
        # A short history's work reaching a third day: `_room` asks the full clock, whose
        # answer is the same when there is no limit at all and no weekly rest day.
        third_day = short & (start + room > 2 * DAY_S)
        fast &= ~third_day | (unlimited & (rules.weekly_rest_days == 0))
        deadline: FloatArray = np.where(unlimited, math.inf, start + room - self.margin_s)
        for i in np.flatnonzero(~fast).tolist():
            deadline[i] = self.work_window(couriers[i], float(start[i])).deadline_s
        self._batch = _Batch(couriers, start.copy(), deadline.copy())
        return deadline

    def _daily_rooms(
        self,
        facts: FloatArray,
        start: FloatArray,
        day: FloatArray,
        room: FloatArray,
        fast: NDArray[np.bool_],
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        """`room` capped by the daily threshold for riders who would be asked, and which
        riders the arrays answer: `_room`, or `FatigueClock._daily_room` over one midnight."""
        threshold_s = self.rulebook.fatigue.daily_confirmation_after_min
        assert threshold_s is not None
        asked = facts[:, 1] == 0.0
        available = threshold_s * 60 - np.where(day == 0.0, facts[:, 4], facts[:, 5])
        to_midnight = (day + 1) * DAY_S - start
        today = ((day == 0.0) | (day == 1.0)) & (available < to_midnight)
        # Room reaching past midnight (late in the evening): the clock's headroom, whose
        # daily room then continues into tomorrow (kept for day 0 only).
        tomorrow = threshold_s * 60 - facts[:, 5]
        into_tomorrow = (day == 0.0) & ~today & (tomorrow < DAY_S)
        daily = np.where(today, np.maximum(0.0, available), to_midnight + np.maximum(0.0, tomorrow))
        fast = fast & (~asked | today | into_tomorrow)
        return np.where(asked, np.minimum(room, daily), room), fast

    def _facts_of(self, courier: CourierState) -> tuple[float, ...]:
        """(short history, confirms overtime, last work end or -inf, continuous work then,
        seconds worked on day 0, on day 1, weekly bound for a start on day 0, on day 1),
        the 0/1 flags as floats."""
        cached = self._facts.get(courier.id)
        work = courier.work_intervals
        # A new state often repeats the work (a trip that ended as planned): same facts.
        if cached is not None and (cached[0] is work or cached[0] == work):
            self._facts[courier.id] = (work, cached[1])
            return cached[1]
        if self._limitless and all(end >= start for start, end in work):
            # No fatigue clause: only where the work ends matters (the clock plans forward
            # from the end of its merged work, empty intervals left out), no clock needed.
            last_end = max((end for start, end in work if end > start), default=-math.inf)
            history = 1.0 if courier.id in self._short_history else 0.0
            limitless = (history, 0.0, last_end, 0.0, 0.0, 0.0, math.inf, math.inf)
            self._facts[courier.id] = (work, limitless)
            return limitless
        clock = self.clock(courier)
        merged = clock.work
        last_end = merged[-1][1] if merged else -math.inf
        # With no gap, continuous_s is the current streak itself.
        streak = clock.continuous_s(last_end) if merged else 0.0
        short = courier.id in self._short_history
        facts = (
            1.0 if short else 0.0,
            1.0 if courier.id in self.confirms_overtime else 0.0,
            last_end,
            streak,
            clock.worked_on_day_s(0),
            clock.worked_on_day_s(1),
            *((math.inf, math.inf) if short else self._weekly_bounds(courier, clock)),
        )
        self._facts[courier.id] = (work, facts)
        return facts

    def _weekly_bounds(self, courier: CourierState, clock: FatigueClock) -> tuple[float, float]:
        """When the weekly rest day stops work started on day 0, on day 1 (inf: never).

        `FatigueClock._weekly_room(start)` is `max(0.0, bound - start)` for the bound of
        start's day, which depends on the days worked alone: asked once per set of days,
        of a clock with no other limit and no work to plan forward from.
        """
        days = set(self.history.get(courier.id, frozenset()))
        work = clock.work
        if work:
            first, last = math.floor(work[0][0] / DAY_S), math.floor(work[-1][1] / DAY_S)
            # A day is a working day when it holds some of the work.
            days.update(d for d in range(first, last + 1) if clock.worked_on_day_s(d) > 0)
        worked = frozenset(days)
        bounds = self._weekly.get(worked)
        if bounds is None:
            weekly_only = FatigueClock(self._weekly_only, (), other_work_days=worked)
            bounds = (
                0 * DAY_S + weekly_only.headroom_s(0.0),
                1 * DAY_S + weekly_only.headroom_s(float(DAY_S)),
            )
            self._weekly[worked] = bounds
        return bounds

    def _room(self, courier: CourierState, start_s: float, confirmed: bool) -> float:
        """`FatigueClock.headroom_s`, computed directly in the common case.

        For a rider whose weekly rest day cannot bind today or tomorrow, whose daily room
        ends before midnight and whose work would end before the day after tomorrow, the
        room is the smaller of what the continuous-work limit and the daily threshold leave;
        otherwise (rarely) the clock is asked. Both give the same answer.
        """
        clock = self.clock(courier)
        if courier.id not in self._short_history:
            return clock.headroom_s(start_s, overtime_confirmed=confirmed)
        rules = self.rulebook.fatigue
        room = math.inf
        if rules.continuous_work_limit_min is not None:
            room = max(0.0, rules.continuous_work_limit_min * 60 - clock.continuous_s(start_s))
        if rules.daily_confirmation_after_min is not None and not confirmed:
            day = math.floor(start_s / DAY_S)
            available = rules.daily_confirmation_after_min * 60 - clock.worked_on_day_s(day)
            if available >= (day + 1) * DAY_S - start_s:
                room = clock.headroom_s(start_s, overtime_confirmed=confirmed)
            else:
                room = min(room, max(0.0, available))
        if start_s + room > 2 * DAY_S:
            return self._full_clock(courier).headroom_s(start_s, overtime_confirmed=confirmed)
        return room

    def _full_clock(self, courier: CourierState) -> FatigueClock:
        """The clock with the weekly rest day, for work reaching a third calendar day (past
        what a simulated day touches), where the weekly rest day may bind after all."""
        cached = self._full_clocks.get(courier.id)
        if cached is not None and cached[0] is courier.work_intervals:
            return cached[1]
        clock = FatigueClock(
            self.rulebook,
            courier.work_intervals,
            other_work_days=self.history.get(courier.id, frozenset()),
        )
        self._full_clocks[courier.id] = (courier.work_intervals, clock)
        return clock

    def may_assign(
        self, courier: CourierState, start_s: float, expected_duration_s: float
    ) -> Verdict:
        # The dispatcher asks at the starts it has just had the deadlines of: read from the
        # last batch (what `work_window` would find there) without wrapping a window.
        deadline = self._batch_deadline(courier, start_s)
        if deadline is None:
            deadline = self.work_window(courier, start_s).deadline_s
        if start_s + expected_duration_s <= deadline:
            return ALLOWED
        key = (courier.id, int(start_s // 600))
        known = self._refusals.get(key)
        if known is not None and known[0] is courier.work_intervals:
            return known[1]
        confirmed = courier.id in self.confirms_overtime
        clock = (
            self._full_clock(courier)
            if start_s + expected_duration_s + self.margin_s > 2 * DAY_S
            else self.clock(courier)
        )
        # Only the refusing clauses are worded (the reason names no other).
        refused = clock.refusal_reasons(
            start_s, expected_duration_s + self.margin_s, overtime_confirmed=confirmed
        )
        first = refused[0] if refused else None
        verdict = Verdict(
            ok=False,
            reason=Reason(
                "rules.fatigue",
                "; ".join(r.text for r in refused) or "refused by the active rulebook",
                rule=f"{first.rulebook}@{first.version}:{first.clause}" if first else None,
            ),
        )
        self._refusals[key] = (courier.work_intervals, verdict)
        return verdict
