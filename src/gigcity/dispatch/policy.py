"""The rules the dispatcher must respect, as a small interface.

The dispatcher optimises; a `DispatchPolicy` says what it may not do. `Unconstrained` is
the plain Meal Delivery Routing Problem. A rulebook-backed policy (see
`gigcity.dispatch.rulebook_policy`) adds the fatigue clock and the on-route test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from gigcity.dispatch.model import CourierState, Reason
from gigcity.geo.travel import Location


@dataclass(frozen=True, slots=True)
class Verdict:
    """Allowed or not; when not, the reason names the rule."""

    ok: bool
    reason: Reason | None = None


ALLOWED = Verdict(ok=True)


@dataclass(frozen=True, slots=True)
class WorkWindow:
    """Work started at some time must end by `deadline_s` (math.inf: no limit)."""

    deadline_s: float
    reason: Reason | None = None


UNLIMITED = WorkWindow(deadline_s=math.inf)


@runtime_checkable
class DispatchPolicy(Protocol):
    """What the dispatcher may not do. Implementations must be pure and deterministic."""

    @property
    def name(self) -> str:
        """Shown in reasons and reports, e.g. `"putuo-2025"` or `"mdrp"`."""
        ...

    def work_window(self, courier: CourierState, start_s: float) -> WorkWindow:
        """Until when `courier` may work if they start a new job at `start_s`.

        The dispatcher uses this for all candidate jobs at once, so it must be cheap.
        """
        ...

    def may_assign(
        self, courier: CourierState, start_s: float, expected_duration_s: float
    ) -> Verdict:
        """May `courier` take a job starting at `start_s` that lasts `expected_duration_s`?"""
        ...

    def combination_ok(self, pickup: Location, dropoffs: Sequence[Location]) -> Verdict:
        """May these drop-offs (in delivery order) from one pickup be combined in one trip?"""
        ...


@runtime_checkable
class WorkWindows(Protocol):
    """A policy that also answers `work_window` for many couriers at once (optional)."""

    def deadlines_s(
        self, couriers: Sequence[CourierState], start_s: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """`work_window(couriers[i], start_s[i]).deadline_s` for every i, bit for bit."""
        ...


@dataclass(frozen=True, slots=True)
class Unconstrained:
    """No labour rules: the plain MDRP."""

    @property
    def name(self) -> str:
        return "mdrp"

    def work_window(self, courier: CourierState, start_s: float) -> WorkWindow:
        return UNLIMITED

    def may_assign(
        self, courier: CourierState, start_s: float, expected_duration_s: float
    ) -> Verdict:
        return ALLOWED

    def combination_ok(self, pickup: Location, dropoffs: Sequence[Location]) -> Verdict:
        return ALLOWED


def may_assign_within_window(
    policy: DispatchPolicy, courier: CourierState, start_s: float, expected_duration_s: float
) -> Verdict:
    """`may_assign` derived from `work_window`, for policies that have nothing more to say."""
    window = policy.work_window(courier, start_s)
    if start_s + expected_duration_s <= window.deadline_s:
        return ALLOWED
    return Verdict(ok=False, reason=window.reason)
