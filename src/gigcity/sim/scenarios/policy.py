"""The rulebook's dispatch policy with what a scenario knows about each rider.

`RulebookPolicy` judges riders by today's work alone, with one overtime setting for all.
A scenario also knows which riders are on their seventh working day (the weekly rest day is
due) and which would confirm working beyond the daily threshold, and dispatch cannot see
everything that makes a trip last longer (stairs, a merchant's delay, a customer who does
not answer): work is planned to end a margin before the fatigue clock's limit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from gigcity.dispatch.model import CourierState, Reason, ServiceTimes
from gigcity.dispatch.policy import ALLOWED, Verdict, WorkWindow
from gigcity.dispatch.rulebook_policy import RulebookPolicy
from gigcity.geo.travel import TravelModel
from gigcity.rules import FatigueClock, Rulebook

DAY_S = 86_400
PLANNING_MARGIN_S = 15 * 60.0
"""assumption: dispatch keeps 15 minutes between planned work and a fatigue limit."""


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
        self._without_weekly = rulebook.model_copy(
            update={"fatigue": rulebook.fatigue.model_copy(update={"weekly_rest_days": 0})}
        )
        self.confirms_overtime = confirms_overtime
        self.margin_s = margin_s

    def make_clock(self, courier: CourierState) -> FatigueClock:
        return FatigueClock(
            self._without_weekly if courier.id in self._short_history else self.rulebook,
            courier.work_intervals,
            other_work_days=self.history.get(courier.id, frozenset()),
        )

    def work_window(self, courier: CourierState, start_s: float) -> WorkWindow:
        cached = self._windows.get(courier.id)
        if cached is not None and cached[0] is courier.work_intervals and cached[1] == start_s:
            return cached[2]
        confirmed = courier.id in self.confirms_overtime
        room = self._room(courier, start_s, confirmed)
        window = (
            WorkWindow(deadline_s=math.inf)
            if not math.isfinite(room)
            else WorkWindow(deadline_s=start_s + room - self.margin_s)
        )
        self._windows[courier.id] = (courier.work_intervals, start_s, window)
        return window

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
        confirmed = courier.id in self.confirms_overtime
        if start_s + expected_duration_s <= self.work_window(courier, start_s).deadline_s:
            return ALLOWED
        clock = (
            self._full_clock(courier)
            if start_s + expected_duration_s + self.margin_s > 2 * DAY_S
            else self.clock(courier)
        )
        key = (courier.id, int(start_s // 600))
        known = self._refusals.get(key)
        if known is not None and known[0] is courier.work_intervals:
            return known[1]
        decision = clock.may_assign(
            start_s, expected_duration_s + self.margin_s, overtime_confirmed=confirmed
        )
        refused = [r for r in decision.reasons if r.clause in decision.refused_by] or list(
            decision.reasons
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
