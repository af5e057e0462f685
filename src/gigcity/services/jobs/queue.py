"""The job queue as services see it: defer a job inside the caller's transaction."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from gigcity.services.jobs.stats import QueueDepth


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

    def close(self) -> None: ...
