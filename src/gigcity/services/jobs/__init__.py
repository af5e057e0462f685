"""Background work: the job queue every service defers to (procrastinate on PostgreSQL, run
by `gigcity worker`; in-process threads in the embedded single-machine mode)."""

from gigcity.services.jobs.admin import MAX_LIMIT, JobPage, get_job, job_query, list_jobs
from gigcity.services.jobs.in_process import InProcessQueue
from gigcity.services.jobs.postgres_queue import PostgresQueue
from gigcity.services.jobs.queue import JobQueue
from gigcity.services.jobs.spec import JobArgs, JobSpec, Retry, RetryLater, Runner, queue_names
from gigcity.services.jobs.stats import (
    FINISHED_BADLY,
    FINISHED_OK,
    JobCount,
    JobDetail,
    JobEvent,
    JobOut,
    JobQuery,
    JobStatus,
    QueueDepth,
)

__all__ = [
    "FINISHED_BADLY",
    "FINISHED_OK",
    "MAX_LIMIT",
    "InProcessQueue",
    "JobArgs",
    "JobCount",
    "JobDetail",
    "JobEvent",
    "JobOut",
    "JobPage",
    "JobQuery",
    "JobQueue",
    "JobSpec",
    "JobStatus",
    "PostgresQueue",
    "QueueDepth",
    "Retry",
    "RetryLater",
    "Runner",
    "get_job",
    "job_query",
    "list_jobs",
    "queue_names",
]
