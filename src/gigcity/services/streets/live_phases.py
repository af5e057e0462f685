"""Live signal phases in a worker's snapshot: when the first expires, and dropping expired ones.

A feed's phases may be projected for `valid_for_s` after `observed_at`; past that the
platform forgets them and falls back to the plans' expected waits. (Which observation of a
junction is kept, the newest, is decided where they are stored: `state.store_phases`.)
"""

from __future__ import annotations

import math

from gigcity.geo import SignalTiming


def expiry_s(timing: SignalTiming) -> float:
    """When the first live phase expires (UNIX s); +inf when there is none."""
    return min((p.observed_at_s + p.valid_for_s for p in timing.live.values()), default=math.inf)


def without_expired(timing: SignalTiming, now_s: float) -> SignalTiming:
    """`timing` without the live phases no longer valid at `now_s`."""
    live = {j: p for j, p in timing.live.items() if p.observed_at_s + p.valid_for_s >= now_s}
    if len(live) == len(timing.live):
        return timing
    return SignalTiming(timing.plans, timing.junction_of_signal, live)
