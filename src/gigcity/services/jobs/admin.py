"""The job queue as an admin sees it: recent jobs with their status, one job's history, how
many jobs each queue holds, and purging old finished ones (the `retention.purge` job).

Both queues answer the same questions: procrastinate's tables on PostgreSQL, a bounded
history in memory in the embedded mode. A job's arguments may carry personal data (a
report's text, a rider's account), so they are never shown: only their names are.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel, Field

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.jobs.queue import JobQueue
from gigcity.services.jobs.spec import JobSpec, queue_names
from gigcity.services.jobs.stats import (
    MAX_JOB_ID,
    JobCount,
    JobDetail,
    JobOut,
    JobQuery,
    JobStatus,
)

MAX_LIMIT = 200


class JobPage(BaseModel):
    jobs: list[JobOut] = Field(description="Newest first")
    next_before: int | None = Field(
        description="Pass as `before` for the next (older) page; null on the last page"
    )
    counts: list[JobCount] = Field(description="Jobs held now, per queue and status")
    durable: bool = Field(
        description="true: PostgreSQL's queue (every worker's jobs); false: the jobs of this "
        "server process only, kept in memory (single-machine mode)"
    )


def job_query(
    specs: list[JobSpec],
    *,
    queue: str | None = None,
    status: str | None = None,
    limit: int = 50,
    before: int | None = None,
) -> JobQuery:
    """A checked query: each bad filter is an `InvalidInput` naming its field."""
    known = queue_names(specs)
    if queue is not None and queue not in known:
        raise InvalidInput(
            N_("There is no queue {value}; the queues are: {known}."),
            field="queue",
            value=repr(queue),
            known=", ".join(known),
        )
    statuses = [s.value for s in JobStatus]
    if status is not None and status not in statuses:
        raise InvalidInput(
            N_("There is no job status {value}; the statuses are: {known}."),
            field="status",
            value=repr(status),
            known=", ".join(statuses),
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(N_("limit must be between 1 and {max}."), field="limit", max=MAX_LIMIT)
    if before is not None and not 1 <= before <= MAX_JOB_ID:
        raise InvalidInput(N_("before must be a job id (a positive number)."), field="before")
    return JobQuery(queue, JobStatus(status) if status else None, limit, before)


def list_jobs(jobs: JobQueue, query: JobQuery) -> JobPage:
    """Recent jobs matching `query`, newest first, and every queue's counts."""
    found = jobs.jobs(replace(query, limit=query.limit + 1))  # one more: is there a next page?
    page = found[: query.limit]
    next_before = page[-1].id if len(found) > query.limit else None
    return JobPage(jobs=page, next_before=next_before, counts=jobs.counts(), durable=jobs.durable)


def get_job(jobs: JobQueue, job_id: int) -> JobDetail:
    detail = jobs.job(job_id) if 1 <= job_id <= MAX_JOB_ID else None
    if detail is None:
        raise NotFound(N_("There is no job {id}."), id=job_id)
    return detail
