"""The embedded mode's job queue: jobs run in threads of the server process itself.

With SQLite (one process on one machine) there is no `gigcity worker`: `gigcity serve` runs
the jobs. Each queue has its own pool of threads (its concurrency cap); a job that raises
`RetryLater` runs again after its back-off; periodic jobs are scheduled by one timer thread.
Jobs are kept in memory only: a job waiting or running when the process stops is lost, and
the service that queued it says so (a workbench run shows as interrupted).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from croniter import croniter
from sqlalchemy import event
from sqlalchemy.orm import Session

from gigcity.services.jobs.context import job_context, tagged
from gigcity.services.jobs.spec import JobArgs, JobSpec, RetryLater, Runner
from gigcity.services.jobs.stats import QueueDepth

log = logging.getLogger("gigcity.jobs")


@dataclass
class _Job:
    id: int
    spec: JobSpec
    args: JobArgs
    queued_at: float
    attempt: int = 0
    running: bool = False


class InProcessQueue:
    durable = False

    def __init__(self, specs: list[JobSpec], runner: Runner, caps: dict[str, int]) -> None:
        self._specs = {spec.name: spec for spec in specs}
        self._runner = runner
        self._caps = caps
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._jobs: dict[int, _Job] = {}
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
            pool = self._pools.get(job.spec.queue)
            if pool is None:
                cap = self._caps.get(job.spec.queue, 1)
                pool = ThreadPoolExecutor(cap, f"jobs-{job.spec.queue}")
                self._pools[job.spec.queue] = pool
            pool.submit(self._run, job)

    def _run(self, job: _Job) -> None:
        job.running = True
        try:
            with job_context(job.args) as args:
                self._runner(job.spec.name, args, job.attempt + 1 >= job.spec.retry.attempts)
        except RetryLater as reason:
            job.attempt += 1
            job.running = False
            if job.attempt < job.spec.retry.attempts and not self._stop.is_set():
                wait = job.spec.retry.wait_s(job.attempt - 1)
                log.warning("job %s %d retried in %.0f s: %s", job.spec.name, job.id, wait, reason)
                timer = threading.Timer(wait, self._resubmit, (job,))
                timer.daemon = True
                timer.start()
                return
            log.error("job %s %d failed after %d attempts", job.spec.name, job.id, job.attempt)
        except Exception:
            log.exception("job %s %d failed", job.spec.name, job.id)
        with self._lock:
            self._jobs.pop(job.id, None)

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

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)
