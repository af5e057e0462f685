"""The embedded mode's job queue: jobs run in threads of the server process itself.

With SQLite (one process on one machine) there is no `gigcity worker`: `gigcity serve` runs
the jobs. Each queue has its own pool of threads (its concurrency cap); a job that raises
`RetryLater` runs again after its back-off; periodic jobs are scheduled by one timer thread.
Jobs are kept in memory only: a job waiting or running when the process stops is lost, and
the service that queued it says so (a workbench run shows as interrupted). The last
`history` finished jobs are kept for admins (`/api/jobs`), less those the daily retention
job purges.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter
from sqlalchemy import event
from sqlalchemy.orm import Session

from gigcity.services.jobs.context import job_context, tagged
from gigcity.services.jobs.spec import REQUEST_ID_ARG, JobArgs, JobSpec, RetryLater, Runner
from gigcity.services.jobs.stats import (
    FINISHED,
    JobCount,
    JobDetail,
    JobEvent,
    JobOut,
    JobQuery,
    JobStatus,
    QueueDepth,
)

log = logging.getLogger("gigcity.jobs")


@dataclass
class _Job:
    id: int
    spec: JobSpec
    args: JobArgs
    queued_at: float
    attempt: int = 0  # RetryLater raised so far
    running: bool = False
    # What admins see (changed under the queue's lock):
    status: JobStatus = JobStatus.todo
    runs: int = 0  # runs finished
    scheduled_at: float | None = None  # a retry's time
    started_at: float | None = None
    finished_at: float | None = None
    events: list[tuple[str, float]] = field(default_factory=list)

    def out(self) -> JobOut:
        request_id = self.args.get(REQUEST_ID_ARG)
        return JobOut(
            id=self.id,
            task=self.spec.name,
            queue=self.spec.queue,
            status=self.status,
            attempts=self.runs,
            queued_at=_utc(self.queued_at),
            scheduled_at=_utc(self.scheduled_at),
            started_at=_utc(self.started_at),
            finished_at=_utc(self.finished_at),
            request_id=request_id if isinstance(request_id, str) else None,
            arg_keys=sorted(k for k in self.args if k != REQUEST_ID_ARG),
        )


def _utc(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


class InProcessQueue:
    durable = False

    def __init__(
        self, specs: list[JobSpec], runner: Runner, caps: dict[str, int], *, history: int = 1000
    ) -> None:
        self._specs = {spec.name: spec for spec in specs}
        self._runner = runner
        self._caps = caps
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._jobs: dict[int, _Job] = {}  # waiting or running
        # Every job submitted, for admins: the waiting and running ones, and the last
        # `history` finished ones (their ids in `_finished`, oldest first).
        self._history: dict[int, _Job] = {}
        self._finished: deque[int] = deque()
        self._history_cap = history
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._scheduler: threading.Thread | None = None

    # -- queueing ------------------------------------------------------------------------

    def defer(self, session: Session, task: str, **args: Any) -> int:
        spec = self._spec(task)
        job = _Job(next(self._ids), spec, tagged(args), time.time())
        # Started when (and only if) the caller's transaction commits.
        event.listen(session, "after_commit", lambda _s: self._submit(job), once=True)
        return job.id

    def defer_now(self, task: str, **args: Any) -> int:
        """Queue a job outside any transaction (periodic jobs, operators' commands)."""
        job = _Job(next(self._ids), self._spec(task), tagged(args), time.time())
        self._submit(job)
        return job.id

    def _spec(self, task: str) -> JobSpec:
        try:
            return self._specs[task]
        except KeyError:
            raise ValueError(f"no job is called {task!r}") from None

    def _submit(self, job: _Job) -> None:
        with self._lock:
            if self._stop.is_set():
                log.warning("job %s %d dropped: the queue is closed", job.spec.name, job.id)
                return
            self._jobs[job.id] = job
            if job.id not in self._history:
                self._history[job.id] = job
                job.events.append(("deferred", job.queued_at))
            pool = self._pools.get(job.spec.queue)
            if pool is None:
                cap = self._caps.get(job.spec.queue, 1)
                pool = ThreadPoolExecutor(cap, f"jobs-{job.spec.queue}")
                self._pools[job.spec.queue] = pool
            pool.submit(self._run, job)

    def _run(self, job: _Job) -> None:
        self._mark(job, JobStatus.doing, "started")
        ended = JobStatus.failed
        try:
            with job_context(job.args) as args:
                self._runner(job.spec.name, args, job.attempt + 1 >= job.spec.retry.attempts)
            ended = JobStatus.succeeded
        except RetryLater as reason:
            job.attempt += 1
            if job.attempt < job.spec.retry.attempts and not self._stop.is_set():
                wait = job.spec.retry.wait_s(job.attempt - 1)
                log.warning("job %s %d retried in %.0f s: %s", job.spec.name, job.id, wait, reason)
                self._mark(job, JobStatus.todo, "deferred_for_retry", retry_in=wait)
                timer = threading.Timer(wait, self._resubmit, (job,))
                timer.daemon = True
                timer.start()
                return
            log.error("job %s %d failed after %d attempts", job.spec.name, job.id, job.attempt)
        except Exception:
            log.exception("job %s %d failed", job.spec.name, job.id)
        self._mark(job, ended, ended.value)

    def _mark(self, job: _Job, status: JobStatus, event: str, retry_in: float = 0.0) -> None:
        """Record a job's new status (and, once finished, keep it among the history)."""
        now = time.time()
        with self._lock:
            job.status = status
            job.running = status is JobStatus.doing
            job.events.append((event, now))
            if status is JobStatus.doing:
                job.started_at, job.scheduled_at = now, None
                return
            job.runs += 1
            if status is JobStatus.todo:
                job.scheduled_at = now + retry_in
                return
            job.finished_at = now
            self._jobs.pop(job.id, None)
            self._finished.append(job.id)
            while len(self._finished) > self._history_cap:
                self._history.pop(self._finished.popleft(), None)

    def _resubmit(self, job: _Job) -> None:
        with self._lock:
            self._jobs.pop(job.id, None)
        self._submit(job)

    # -- periodic jobs -------------------------------------------------------------------

    def start_periodic(self) -> None:
        """Run the periodic jobs at their times from now on (the server calls this once)."""
        periodic = [spec for spec in self._specs.values() if spec.cron]
        if not periodic or self._scheduler is not None:
            return
        self._scheduler = threading.Thread(
            target=self._schedule, args=(periodic,), name="jobs-periodic", daemon=True
        )
        self._scheduler.start()

    def _schedule(self, periodic: list[JobSpec]) -> None:
        now = datetime.now(UTC)
        due = {spec.name: croniter(spec.cron, now).get_next(float) for spec in periodic}
        while not self._stop.is_set():
            name, when = min(due.items(), key=lambda item: item[1])
            if self._stop.wait(max(0.0, when - time.time())):
                return
            self.defer_now(name, timestamp=int(when))
            spec = self._specs[name]
            due[name] = croniter(spec.cron, datetime.fromtimestamp(when, UTC)).get_next(float)

    # -- state ---------------------------------------------------------------------------

    def stats(self) -> list[QueueDepth]:
        now = time.time()
        with self._lock:
            jobs = list(self._jobs.values())
        groups: dict[tuple[str, str], list[float]] = {}
        for job in jobs:
            status = "doing" if job.running else "todo"
            groups.setdefault((job.spec.queue, status), []).append(job.queued_at)
        return [
            QueueDepth(queue, status, len(times), now - min(times))
            for (queue, status), times in sorted(groups.items())
        ]

    def jobs(self, query: JobQuery) -> list[JobOut]:
        with self._lock:
            found = [
                job
                for job in sorted(self._history.values(), key=lambda j: j.id, reverse=True)
                if (query.queue is None or job.spec.queue == query.queue)
                and (query.status is None or job.status is query.status)
                and (query.before is None or job.id < query.before)
            ]
            return [job.out() for job in found[: query.limit]]

    def job(self, job_id: int) -> JobDetail | None:
        with self._lock:
            job = self._history.get(job_id)
            if job is None:
                return None
            events = [JobEvent(type=t, at=datetime.fromtimestamp(at, UTC)) for t, at in job.events]
            return JobDetail(**job.out().model_dump(), events=events)

    def counts(self) -> list[JobCount]:
        totals: dict[tuple[str, JobStatus], int] = {}
        with self._lock:
            for job in self._history.values():
                key = (job.spec.queue, job.status)
                totals[key] = totals.get(key, 0) + 1
        return [JobCount(queue=q, status=s, count=n) for (q, s), n in sorted(totals.items())]

    def purge(self, statuses: Sequence[JobStatus], older_than: timedelta) -> int:
        cutoff = time.time() - older_than.total_seconds()
        wanted = set(statuses) & FINISHED
        with self._lock:
            old = [
                job.id
                for job in self._history.values()
                if job.status in wanted and job.finished_at is not None and job.finished_at < cutoff
            ]
            for job_id in old:
                del self._history[job_id]
            if old:
                self._finished = deque(i for i in self._finished if i in self._history)
        return len(old)

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)
