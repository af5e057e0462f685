"""What the job queue reports about itself: how many jobs wait or run, per queue and status,
and how old the oldest is (for `/metrics`, `/api/jobs` and `gigcity jobs`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QueueDepth:
    queue: str  # "workbench", "default", ...
    status: str  # "todo" (waiting), "doing" (running), "failed", "succeeded", ...
    count: int
    oldest_age_s: float  # seconds since the oldest of them was queued (0 when none)
