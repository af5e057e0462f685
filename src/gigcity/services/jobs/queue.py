"""The job queue as services see it: defer a job inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from gigcity.services.jobs.stats import JobCount, JobDetail, JobOut, JobQuery, JobStatus, QueueDepth


class JobQueue(Protocol):
    @property
    def durable(self) -> bool:
        """Jobs outlive this process (procrastinate) or die with it (in-process)."""
        ...

    def defer(self, session: Session, task: str, **args: Any) -> int:
        """Queue `task` with `args` (JSON values) as part of `session`'s transaction: the job
        exists if and only if the transaction commits. Returns the job's id."""
        ...

    def start_periodic(self) -> None:
        """Begin queueing the periodic jobs at their times, if this process is the one that
        schedules them (the server in the single-machine mode; `gigcity worker` otherwise)."""
        ...

    def stats(self) -> list[QueueDepth]:
        """Jobs waiting and running now, per queue and status."""
        ...

    def jobs(self, query: JobQuery) -> list[JobOut]:
        """The jobs matching `query`, newest first (at most `query.limit`)."""
        ...

    def job(self, job_id: int) -> JobDetail | None:
        """One job and what happened to it; None if the queue holds no such job."""
        ...

    def counts(self) -> list[JobCount]:
        """How many jobs the queue holds, per queue and status."""
        ...

    def purge(self, statuses: Sequence[JobStatus], older_than: timedelta) -> int:
        """Delete the jobs in one of `statuses` (finished ones) whose last event is older
        than `older_than`; how many."""
        ...

    def close(self) -> None: ...
