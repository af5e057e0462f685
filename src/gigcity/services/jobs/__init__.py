"""Background work: the job queue every service defers to (procrastinate on PostgreSQL, run
by `gigcity worker`; in-process threads in the embedded single-machine mode)."""

from gigcity.services.jobs.in_process import InProcessQueue
from gigcity.services.jobs.postgres_queue import PostgresQueue
from gigcity.services.jobs.queue import JobQueue
from gigcity.services.jobs.spec import JobArgs, JobSpec, Retry, RetryLater, Runner, queue_names
from gigcity.services.jobs.stats import QueueDepth

__all__ = [
    "InProcessQueue",
    "JobArgs",
    "JobQueue",
    "JobSpec",
    "PostgresQueue",
    "QueueDepth",
    "Retry",
    "RetryLater",
    "Runner",
    "queue_names",
]
