"""The labour side of a simulated day: the rulebook's policy and how its rules are measured."""

from __future__ import annotations

from collections.abc import Sequence

from gigcity.dispatch.model import ServiceTimes
from gigcity.dispatch.policy import DispatchPolicy, Unconstrained
from gigcity.dispatch.rulebook_policy import RulebookPolicy
from gigcity.rules import FatigueClock, Rulebook, load_rulebook
from gigcity.sim.mdrp.instance import Instance
from gigcity.sim.metrics import LabourContext, StretchMeter

REFERENCE_WORK_MIN = 240.0
REFERENCE_REST_MIN = 20.0


def fatigue_stretches(rulebook: Rulebook) -> StretchMeter:
    """Continuous-work stretches as the rulebook's fatigue clock counts them."""

    def lengths(spans: Sequence[tuple[float, float]]) -> list[float]:
        clock = FatigueClock(rulebook)
        result: list[float] = []
        for start, end in spans:
            if end <= start:
                continue
            begins_anew = clock.continuous_s(start * 60.0) == 0.0
            clock = clock.add_work(start * 60.0, end * 60.0)
            streak = clock.continuous_s(end * 60.0) / 60.0
            if begins_anew or not result:
                result.append(streak)
            else:
                result[-1] = max(result[-1], streak)
        return result

    return lengths


def labour_context(rulebook: Rulebook | None, *, enforced: bool = True) -> LabourContext:
    """How rest and on-route combining are measured, with or without a rulebook."""
    if rulebook is None:
        return LabourContext()
    fatigue = rulebook.fatigue
    limit = fatigue.continuous_work_limit_min
    on_route_active = (
        rulebook.combining.max_extra_min is not None
        or rulebook.combining.max_extra_distance_pct is not None
    )
    return LabourContext(
        max_work_min=float(limit) if limit is not None else REFERENCE_WORK_MIN,
        min_rest_min=float(fatigue.min_rest_min),
        rest_source=rulebook.ref
        if limit is not None
        else f"reference {REFERENCE_WORK_MIN:g} min ({rulebook.ref} sets no limit)",
        enforced=enforced and limit is not None,
        stretches=fatigue_stretches(rulebook),
        on_route_test=rulebook.combining.allows if on_route_active else None,
        on_route_source=rulebook.ref if on_route_active else None,
    )


def policy_for(
    rules: str | None, instance: Instance, judge: str | None = None
) -> tuple[DispatchPolicy, LabourContext]:
    """The dispatch policy for `--rules NAME` (None: plain MDRP) and how labour is measured.

    Rest and on-route combining are measured against `judge` if given (without enforcing
    it), else against the enforced rulebook, else against the reference rest rule only.
    """
    judged = load_rulebook(judge) if judge is not None else None
    if rules is None:
        return Unconstrained(), labour_context(judged, enforced=False)
    rulebook = load_rulebook(rules)
    p = instance.parameters
    service = ServiceTimes(p.pickup_service_min * 60.0, p.dropoff_service_min * 60.0)
    policy = RulebookPolicy(rulebook, instance.travel, service)
    if judged is not None and judged.ref != rulebook.ref:
        return policy, labour_context(judged, enforced=False)
    return policy, labour_context(rulebook)
