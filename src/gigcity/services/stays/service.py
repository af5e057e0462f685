"""Stays (住宿): the service the platform holds (`platform.stays`), assembled from its
parts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from gigcity.db.models import StayBooking, StayWait
from gigcity.db.session import transaction
from gigcity.services.jobs import JobArgs, JobSpec
from gigcity.services.stays.bookings import SWEEP_JOB
from gigcity.services.stays.counts import ACTIVE
from gigcity.services.stays.desk import Desk

STAYS_JOBS: list[JobSpec] = [SWEEP_JOB]


class StaysService(Desk):
    """Homes with rooms and beds, bookings of nights and naps, the desk's check-in and
    check-out, walk-ins and moves, the no-show release and the waiting list."""

    def run_job(self, task: str, args: JobArgs, last_attempt: bool) -> None:
        if task == SWEEP_JOB.name:
            self.sweep()
        else:
            raise ValueError(f"no stays job is called {task!r}")

    def purge_ended(self, kept: timedelta) -> int:
        """Delete the bookings that ended (checked out, cancelled, not shown up, lapsed)
        and the waiting-list entries whose night is more than `kept` ago: who slept where
        is not kept for ever. A booking still held is never deleted, however old."""
        cutoff = self.clock() - kept
        with transaction(self.factory) as session:
            waits = session.execute(
                delete(StayWait).where(StayWait.night < self.night_of(cutoff))
            ).rowcount  # type: ignore[attr-defined]
            bookings = session.execute(
                delete(StayBooking).where(
                    StayBooking.ends_at < cutoff, StayBooking.state.not_in(ACTIVE)
                )
            ).rowcount  # type: ignore[attr-defined]
        return int(waits or 0) + int(bookings or 0)
