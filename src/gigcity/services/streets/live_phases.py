"""Keeping a live signal feed current: newer observations win, expired ones are dropped.

A feed's phases may be projected for `valid_for_s` after `observed_at`; past that the
platform forgets them and falls back to the plans' expected waits.
"""

from __future__ import annotations

import math

from gigcity.geo import PhaseFeed, PhaseFeedReport, SignalTiming, apply_phase_feed


def expiry_s(timing: SignalTiming) -> float:
    """When the first live phase expires (UNIX s); +inf when there is none."""
    return min((p.observed_at_s + p.valid_for_s for p in timing.live.values()), default=math.inf)


def without_expired(timing: SignalTiming, now_s: float) -> SignalTiming:
    """`timing` without the live phases no longer valid at `now_s`."""
    live = {j: p for j, p in timing.live.items() if p.observed_at_s + p.valid_for_s >= now_s}
    if len(live) == len(timing.live):
        return timing
    return SignalTiming(timing.plans, timing.junction_of_signal, live)


def apply_feed(
    timing: SignalTiming, feed: PhaseFeed, now_s: float
) -> tuple[SignalTiming, PhaseFeedReport]:
    """`feed` applied on top of `timing`; a junction keeps an older feed's phase only when
    that observation is newer (feeds may arrive out of order)."""
    updated, report = apply_phase_feed(timing, feed)
    live = dict(updated.live)
    for junction, before in timing.live.items():
        if before.observed_at_s > live[junction].observed_at_s:
            live[junction] = before
    merged = SignalTiming(timing.plans, timing.junction_of_signal, live)
    return without_expired(merged, now_s), report
