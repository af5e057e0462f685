"""What a kind of background job is: its name, its queue, how it is retried, when it recurs.

The platform lists its jobs once (`gigcity.services.platform.JOBS`); both queues (the
in-process one of the embedded mode and procrastinate on PostgreSQL) run that list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

JobArgs = Mapping[str, Any]
"""A job's keyword arguments: JSON values only (they are stored in the database)."""

Runner = Callable[[str, JobArgs, bool], None]
"""`runner(task_name, args, last_attempt)`: do the job now, in this process (raise
`RetryLater` to be run again, unless `last_attempt`; anything else fails the job)."""

# A job's arguments carry the request id of the request that queued it under this key, so
# the worker's log lines for the job can be joined to the request's.
REQUEST_ID_ARG = "_request_id"


class RetryLater(Exception):
    """Raised by a job that met a passing failure (the database went away, a worker process
    died): the queue runs it again after a back-off. Any other exception fails the job."""


@dataclass(frozen=True, slots=True)
class Retry:
    """Up to `attempts` runs in all, waiting `base_s`, `base_s`², ... seconds in between
    (procrastinate's exponential back-off: 2 s, 4 s, 8 s, ... with the default)."""

    attempts: int = 5
    base_s: int = 2

    def wait_s(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (0 = the first run)."""
        return float(self.base_s ** (attempt + 1))


@dataclass(frozen=True, slots=True)
class JobSpec:
    name: str  # "workbench.run": the service, then what it does
    queue: str = "default"  # each queue has its own concurrency cap in a job worker
    retry: Retry = field(default_factory=Retry)
    cron: str | None = None  # a periodic job: when (UTC, five crontab fields)


def queue_names(specs: list[JobSpec]) -> list[str]:
    """The queues the specs use, in first-use order."""
    return list(dict.fromkeys(spec.queue for spec in specs))
