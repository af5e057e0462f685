"""`gigcity worker`: the process that executes the platform's jobs on PostgreSQL.

One procrastinate worker per queue runs in this process, each with its own concurrency cap
(`workbench_concurrency` for workbench runs, `jobs_concurrency` for the rest): with W job
worker processes, a queue runs at most W x its cap at once. Jobs are procrastinate's rows:
they survive restarts; a job that raises `RetryLater` runs again after its back-off;
periodic jobs are deferred once across all workers (procrastinate keeps one row per
schedule tick); a worker that stops beating for `stalled_after_s` (killed, its host gone)
is taken for dead, and its running jobs are queued again by whichever worker notices first.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import procrastinate
from sqlalchemy import make_url

from gigcity.services.jobs.context import job_context
from gigcity.services.jobs.spec import JobSpec, RetryLater, Runner, queue_names

log = logging.getLogger("gigcity.jobs")


def libpq_conninfo(database_url: str) -> str:
    """The libpq URI of a SQLAlchemy PostgreSQL URL (`postgresql+psycopg://` -> `postgresql://`)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"job workers need PostgreSQL, not {url.get_backend_name()}")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def build_app(conninfo: str, specs: list[JobSpec], runner: Runner) -> procrastinate.App:
    """A procrastinate app with one task per spec, each handing its job to `runner`."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=8)
    )
    for spec in specs:
        strategy = procrastinate.RetryStrategy(
            max_attempts=max(0, spec.retry.attempts - 1),  # procrastinate counts re-runs
            exponential_wait=spec.retry.base_s,
            retry_exceptions=[RetryLater],
        )

        def run(context: procrastinate.JobContext, /, _spec: JobSpec = spec, **args: Any) -> None:
            last = context.job.attempts + 1 >= _spec.retry.attempts
            with job_context(args) as plain:
                runner(_spec.name, plain, last)

        task = app.task(name=spec.name, queue=spec.queue, retry=strategy, pass_context=True)(run)
        if spec.cron:
            app.periodic(cron=spec.cron, periodic_id=spec.name)(task)  # type: ignore[arg-type]
    return app


async def _rescue_stalled(app: procrastinate.App, stalled_after_s: float) -> None:
    """Queue again the running jobs of workers silent for `stalled_after_s`."""
    while True:
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                seconds_since_heartbeat=stalled_after_s
            )
            for job in stalled:
                log.warning(
                    "job %s %s was running on a dead worker: queued again", job.task_name, job.id
                )
                await app.job_manager.retry_job(job)
        except Exception:  # another worker retried it first, or the database blinked
            log.warning("could not look for stalled jobs", exc_info=True)
        await asyncio.sleep(max(1.0, stalled_after_s / 3))


async def _serve(
    app: procrastinate.App, caps: dict[str, int], queues: list[str], stalled_after_s: float
) -> None:
    host = socket.gethostname()
    loop = asyncio.get_running_loop()
    # Sync jobs run on the default executor: room for every queue's cap at once.
    loop.set_default_executor(ThreadPoolExecutor(sum(caps.get(q, 1) for q in queues) + 2))
    async with app.open_async():
        tasks = [
            asyncio.create_task(
                app.run_worker_async(
                    queues=[queue],
                    concurrency=caps.get(queue, 1),
                    name=f"{host}:{queue}",
                    install_signal_handlers=False,
                    update_heartbeat_interval=max(1.0, stalled_after_s / 3),
                    stalled_worker_timeout=stalled_after_s,
                    # Finished jobs stay for admins (`/api/jobs`) until the daily
                    # retention job purges them (GIGCITY_RETENTION_*_JOBS_DAYS).
                    delete_jobs="never",
                ),
                name=f"worker-{queue}",
            )
            for queue in queues
        ]
        tasks.append(asyncio.create_task(_rescue_stalled(app, stalled_after_s)))
        stopping = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)
        log.info(
            "job worker started: queues %s", ", ".join(f"{q} x{caps.get(q, 1)}" for q in queues)
        )
        waiter = asyncio.create_task(stopping.wait())
        await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
        log.info("job worker stopping: running jobs finish first")
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def run_worker(
    database_url: str,
    specs: list[JobSpec],
    runner: Runner,
    caps: dict[str, int],
    *,
    queues: list[str] | None = None,
    stalled_after_s: float = 30.0,
) -> None:
    """Execute jobs until SIGINT/SIGTERM (running jobs are allowed to finish)."""
    app = build_app(libpq_conninfo(database_url), specs, runner)
    asyncio.run(_serve(app, caps, queues or queue_names(specs), stalled_after_s))
