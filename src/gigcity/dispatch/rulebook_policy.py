"""A `DispatchPolicy` backed by a `gigcity.rules` rulebook.

- The fatigue clock decides how long a courier may still work: an assignment that would
  run past it is not made (a rider due for rest gets no orders until rested).
- Combined orders must pass the rulebook's on-route test, order by order: its time and
  distance from pickup to drop-off inside the trip against the same alone.

Reasons cite the clause and rulebook version (`"putuo-2025@1:fatigue.continuous_work_limit_min"`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from gigcity.dispatch.model import CourierState, Reason, ServiceTimes
from gigcity.dispatch.policy import ALLOWED, Verdict, WorkWindow
from gigcity.geo.travel import Location, TravelModel
from gigcity.rules import FatigueClock, Rulebook, on_route
from gigcity.rules import Reason as RuleReason

_LIMIT = "fatigue.continuous_work_limit_min"
_DAILY = "fatigue.daily_confirmation_after_min"
_WEEKLY = "fatigue.weekly_rest_days"


def _reason(code: str, rule_reasons: Sequence[RuleReason], clauses: Sequence[str]) -> Reason:
    chosen = [r for r in rule_reasons if r.clause in clauses] or list(rule_reasons)
    if not chosen:
        return Reason(code, "refused by the active rulebook")
    first = chosen[0]
    return Reason(
        code,
        "; ".join(r.text for r in chosen),
        rule=f"{first.rulebook}@{first.version}:{first.clause}",
    )


class RulebookPolicy:
    """Fatigue clock and on-route test of one rulebook version, for the dispatcher."""

    def __init__(
        self,
        rulebook: Rulebook,
        travel: TravelModel,
        service: ServiceTimes,
        *,
        overtime_confirmed: bool = False,
    ) -> None:
        self.rulebook = rulebook
        self.travel = travel
        self.service = service
        self.overtime_confirmed = overtime_confirmed
        # The latest clock per courier: rebuilt only when their work changes.
        self._clocks: dict[str, tuple[tuple[tuple[float, float], ...], FatigueClock]] = {}

    @property
    def name(self) -> str:
        return self.rulebook.ref

    def clock(self, courier: CourierState) -> FatigueClock:
        """The courier's fatigue clock, built by `make_clock` once per change of their work."""
        cached = self._clocks.get(courier.id)
        # Identity first: the dispatcher hands back the same tuple until the work changes.
        if cached is not None and (
            cached[0] is courier.work_intervals or cached[0] == courier.work_intervals
        ):
            return cached[1]
        clock = self.make_clock(courier)
        self._clocks[courier.id] = (courier.work_intervals, clock)
        return clock

    def make_clock(self, courier: CourierState) -> FatigueClock:
        """A new fatigue clock for the courier's work so far.

        The hook for subclasses that know more about a courier (days worked before today,
        say): override this, not `clock`, and the cache around it keeps working.
        """
        return FatigueClock(self.rulebook, courier.work_intervals)

    def work_window(self, courier: CourierState, start_s: float) -> WorkWindow:
        room = self.clock(courier).headroom_s(start_s, overtime_confirmed=self.overtime_confirmed)
        return WorkWindow(deadline_s=start_s + room if math.isfinite(room) else math.inf)

    def may_assign(
        self, courier: CourierState, start_s: float, expected_duration_s: float
    ) -> Verdict:
        clock = self.clock(courier)
        decision = clock.may_assign(
            start_s, expected_duration_s, overtime_confirmed=self.overtime_confirmed
        )
        if decision.allowed:
            return ALLOWED
        return Verdict(
            ok=False,
            reason=_reason(
                "rules.fatigue",
                decision.reasons,
                self._binding(clock, start_s, expected_duration_s),
            ),
        )

    def _binding(self, clock: FatigueClock, start_s: float, duration_s: float) -> tuple[str, ...]:
        """The fatigue clauses that refuse this work (for the reason shown to the rider)."""
        rules = self.rulebook.fatigue
        clauses: list[str] = []
        limit = rules.continuous_work_limit_min
        if limit is not None and clock.continuous_s(start_s) + duration_s > limit * 60:
            clauses += [_LIMIT, "fatigue.min_rest_min"]
        if not clauses and rules.daily_confirmation_after_min is not None:
            clauses.append(_DAILY)
        if not clauses:
            clauses.append(_WEEKLY)
        return tuple(clauses)

    def combination_ok(self, pickup: Location, dropoffs: Sequence[Location]) -> Verdict:
        rules = self.rulebook.combining
        if rules.max_extra_min is None and rules.max_extra_distance_pct is None:
            return ALLOWED
        half_pickup, half_drop = self.service.pickup_s / 2, self.service.dropoff_s / 2
        combined_s, combined_m = half_pickup, 0.0
        previous = pickup
        # Every stop's ride alone from the pickup in one question (the first stop's is also
        # its ride in the trip): the travel model answers each destination on its own.
        alone_s = self.travel.travel_seconds_many(pickup, list(dropoffs)).tolist()
        for position, stop in enumerate(dropoffs):
            if position:
                combined_s += 2 * half_drop
                combined_s += float(self.travel.travel_seconds_many(previous, [stop])[0])
            else:
                combined_s += float(alone_s[0])
            combined_m += self.travel.distance_m(previous, stop)
            solo_s = half_pickup + float(alone_s[position]) + half_drop
            solo_m = self.travel.distance_m(pickup, stop)
            total_s = combined_s + half_drop
            if not rules.allows(solo_s, total_s, solo_m, combined_m):
                verdict = on_route(self.rulebook, solo_s, total_s, solo_m, combined_m)
                return Verdict(
                    ok=False,
                    reason=_reason(
                        "rules.on_route",
                        verdict.reasons,
                        ("combining.max_extra_min", "combining.max_extra_distance_pct"),
                    ),
                )
            previous = stop
        return ALLOWED
