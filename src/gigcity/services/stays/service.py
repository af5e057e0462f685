"""Stays (住宿): the service the platform holds (`platform.stays`), assembled from its
parts."""

from __future__ import annotations

from gigcity.services.jobs import JobArgs, JobSpec
from gigcity.services.stays.bookings import SWEEP_JOB, Bookings

STAYS_JOBS: list[JobSpec] = [SWEEP_JOB]


class StaysService(Bookings):
    """Homes with rooms and beds, bookings of nights and naps, the desk's check-in and
    check-out, the no-show release and the waiting list."""

    def run_job(self, task: str, args: JobArgs, last_attempt: bool) -> None:
        if task == SWEEP_JOB.name:
            self.sweep()
        else:
            raise ValueError(f"no stays job is called {task!r}")
