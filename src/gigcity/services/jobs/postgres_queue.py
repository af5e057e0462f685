"""The job queue on PostgreSQL: procrastinate's tables, written in the caller's transaction.

A service defers a job in the same transaction as the rows it belongs to (a workbench run
and the job that executes it are both stored or neither is): the job row is inserted with
procrastinate's own SQL function, on the caller's connection. The jobs are executed by
`gigcity worker` (`gigcity.services.jobs.worker`).

procrastinate's schema is created by migration 0011 from the procrastinate version gigcity
pins; a procrastinate upgrade that changes its schema comes with a migration of ours.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Row, text
from sqlalchemy.orm import Session

from gigcity.services.jobs.context import tagged
from gigcity.services.jobs.spec import REQUEST_ID_ARG, JobSpec
from gigcity.services.jobs.stats import (
    FINISHED,
    JobCount,
    JobDetail,
    JobEvent,
    JobOut,
    JobQuery,
    JobStatus,
    QueueDepth,
    job_status,
)

_DEFER = text(
    "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, NULL, NULL, "
    "CAST(:args AS jsonb), NULL)::procrastinate_job_to_defer_v1])) AS id"
)
# Waiting and running jobs per queue and status, and how long ago the oldest was queued.
_STATS = text(
    "SELECT g.queue_name, g.status::text, g.n, coalesce(extract(epoch FROM now() - e.at), 0) "
    "FROM (SELECT queue_name, status, count(*) AS n, min(id) AS oldest FROM procrastinate_jobs "
    "WHERE status IN ('todo', 'doing') GROUP BY queue_name, status) g "
    "LEFT JOIN LATERAL (SELECT min(at) AS at FROM procrastinate_events "
    "WHERE job_id = g.oldest AND type = 'deferred') e ON true ORDER BY 1, 2"
)

# A job as admins see it: its times from its events, the names of its arguments (never their
# values: they may hold personal data) and the request id it was queued with.
_JOB_COLUMNS = (
    "SELECT j.id, j.task_name, j.queue_name, j.status::text, j.attempts, e.queued_at, "
    "j.scheduled_at, e.started_at, e.finished_at, "
    f"CASE WHEN jsonb_typeof(j.args -> '{REQUEST_ID_ARG}') = 'string' "
    f"THEN j.args ->> '{REQUEST_ID_ARG}' END, "
    "CASE WHEN jsonb_typeof(j.args) = 'object' "
    "THEN ARRAY(SELECT jsonb_object_keys(j.args) ORDER BY 1) ELSE ARRAY[]::text[] END "
    "FROM procrastinate_jobs j LEFT JOIN LATERAL (SELECT "
    "min(at) FILTER (WHERE type = 'deferred') AS queued_at, "
    "max(at) FILTER (WHERE type = 'started') AS started_at, "
    "max(at) FILTER (WHERE type IN ('succeeded', 'failed', 'cancelled', 'aborted')) "
    "AS finished_at FROM procrastinate_events WHERE job_id = j.id) e ON true"
)
_COUNTS = text(
    "SELECT queue_name, status::text, count(*) FROM procrastinate_jobs GROUP BY 1, 2 ORDER BY 1, 2"
)
_EVENTS = text(
    "SELECT type::text, at FROM procrastinate_events WHERE job_id = :id AND at IS NOT NULL "
    "ORDER BY at, id"
)
# Finished jobs whose last event is older than the cutoff, a batch at a time (short locks).
# Their events go with them (ON DELETE CASCADE); procrastinate's own trigger unlinks a
# periodic job's tick (procrastinate_periodic_defers keeps the tick, so it is not queued
# twice, and prunes old ticks itself).
_PURGE = text(
    "DELETE FROM procrastinate_jobs WHERE id IN (SELECT j.id FROM procrastinate_jobs j "
    "WHERE j.status::text = ANY(:statuses) AND (SELECT max(e.at) FROM procrastinate_events e "
    "WHERE e.job_id = j.id) < :cutoff ORDER BY j.id LIMIT :batch)"
)
_PURGE_BATCH = 5000


class PostgresQueue:
    durable = True

    def __init__(self, engine: Engine, specs: list[JobSpec]) -> None:
        self.engine = engine
        self._specs = {spec.name: spec for spec in specs}

    def defer(self, session: Session, task: str, **args: Any) -> int:
        spec = self._specs.get(task)
        if spec is None:
            raise ValueError(f"no job is called {task!r}")
        row = session.execute(
            _DEFER, {"queue": spec.queue, "task": spec.name, "args": json.dumps(tagged(args))}
        ).one()
        return int(row[0])

    def start_periodic(self) -> None:
        """Nothing to do here: `gigcity worker` schedules the periodic jobs (once across all
        workers)."""

    def stats(self) -> list[QueueDepth]:
        with self.engine.connect() as connection:
            rows = connection.execute(_STATS).all()
        return [QueueDepth(str(q), str(s), int(n), float(age)) for q, s, n, age in rows]

    def jobs(self, query: JobQuery) -> list[JobOut]:
        where: list[str] = []
        params: dict[str, Any] = {"limit": query.limit}
        if query.queue is not None:
            where.append("j.queue_name = :queue")
            params["queue"] = query.queue
        if query.status is not None:
            # procrastinate's legacy `aborting` is shown (and found) as running
            where.append("j.status::text = ANY(:statuses)")
            statuses = [query.status.value]
            if query.status is JobStatus.doing:
                statuses.append("aborting")
            params["statuses"] = statuses
        if query.before is not None:
            where.append("j.id < :before")
            params["before"] = query.before
        sql = _JOB_COLUMNS + (f" WHERE {' AND '.join(where)}" if where else "")
        with self.engine.connect() as connection:
            rows = connection.execute(text(sql + " ORDER BY j.id DESC LIMIT :limit"), params)
            return [_job_out(row) for row in rows]

    def job(self, job_id: int) -> JobDetail | None:
        with self.engine.connect() as connection:
            row = connection.execute(text(_JOB_COLUMNS + " WHERE j.id = :id"), {"id": job_id})
            found = row.one_or_none()
            if found is None:
                return None
            events = connection.execute(_EVENTS, {"id": job_id}).all()
        return JobDetail(
            **_job_out(found).model_dump(),
            events=[JobEvent(type=str(kind), at=at) for kind, at in events],
        )

    def counts(self) -> list[JobCount]:
        totals: dict[tuple[str, JobStatus], int] = {}
        with self.engine.connect() as connection:
            for queue, status, n in connection.execute(_COUNTS):
                key = (str(queue), job_status(str(status)))
                totals[key] = totals.get(key, 0) + int(n)
        return [JobCount(queue=q, status=s, count=n) for (q, s), n in sorted(totals.items())]

    def purge(self, statuses: Sequence[JobStatus], older_than: timedelta) -> int:
        cutoff = datetime.now(UTC) - older_than
        params = {"statuses": [s.value for s in statuses], "cutoff": cutoff, "batch": _PURGE_BATCH}
        removed = 0
        while True:
            with self.engine.begin() as connection:
                n = connection.execute(_PURGE, params).rowcount
            removed += n
            if n < _PURGE_BATCH:
                return removed

    def close(self) -> None:
        pass


def _job_out(row: Row[Any]) -> JobOut:
    values: tuple[Any, ...] = tuple(row)
    (job_id, task, queue, status, attempts, queued, scheduled, started, finished, rid, keys) = (
        values
    )
    state = job_status(status)
    return JobOut(
        id=job_id,
        task=task,
        queue=queue,
        status=state,
        attempts=attempts,
        queued_at=queued,
        scheduled_at=scheduled,
        started_at=started,
        finished_at=finished if state in FINISHED else None,  # not a retried job's
        request_id=rid,
        arg_keys=[k for k in keys if k != REQUEST_ID_ARG],
    )
