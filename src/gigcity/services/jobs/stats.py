"""What the job queue reports about itself: how many jobs wait or run, per queue and status,
and how old the oldest is (for `/metrics`); each job's status and times, without its
arguments' values (for `/api/jobs` and `gigcity jobs`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field

from gigcity.services.types import UtcDatetime


@dataclass(frozen=True, slots=True)
class QueueDepth:
    queue: str  # "workbench", "default", ...
    status: str  # "todo" (waiting), "doing" (running), "failed", "succeeded", ...
    count: int
    oldest_age_s: float  # seconds since the oldest of them was queued (0 when none)


MAX_JOB_ID = 2**63 - 1  # procrastinate's ids are bigserial


class JobStatus(StrEnum):
    todo = "todo"  # waiting (a retry waits here too, until its scheduled time)
    doing = "doing"  # running
    succeeded = "succeeded"
    failed = "failed"  # raised, or gave up after its last attempt
    cancelled = "cancelled"  # cancelled before it ran
    aborted = "aborted"  # stopped while it ran


FINISHED_OK = (JobStatus.succeeded,)
FINISHED_BADLY = (JobStatus.failed, JobStatus.cancelled, JobStatus.aborted)
FINISHED = frozenset({*FINISHED_OK, *FINISHED_BADLY})


def job_status(value: str) -> JobStatus:
    """A status as the queue stores it (procrastinate's legacy `aborting` is still running)."""
    return JobStatus.doing if value == "aborting" else JobStatus(value)


class JobOut(BaseModel):
    """One job, without its arguments' values (they may hold personal data)."""

    id: int
    task: str = Field(description="What the job does, e.g. `workbench.run`")
    queue: str
    status: JobStatus
    attempts: int = Field(description="Runs finished so far (a retry counts one more)")
    queued_at: UtcDatetime | None = Field(description="When it was queued")
    scheduled_at: UtcDatetime | None = Field(
        description="Not run before this time (a retry's back-off), if set"
    )
    started_at: UtcDatetime | None = Field(description="When its latest run started")
    finished_at: UtcDatetime | None = Field(description="When it succeeded or failed")
    request_id: str | None = Field(
        description="The id of the request that queued it (find its log lines by it)"
    )
    arg_keys: list[str] = Field(description="The names of its arguments (values not shown)")


class JobEvent(BaseModel):
    type: str = Field(description="deferred, started, deferred_for_retry, succeeded, failed, ...")
    at: UtcDatetime


class JobDetail(JobOut):
    events: list[JobEvent] = Field(description="What happened to the job, oldest first")


class JobCount(BaseModel):
    queue: str
    status: JobStatus
    count: int


@dataclass(frozen=True, slots=True)
class JobQuery:
    queue: str | None = None
    status: JobStatus | None = None
    limit: int = 50
    before: int | None = None  # only jobs with a smaller id (older)
