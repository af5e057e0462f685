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
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from gigcity.services.jobs.context import tagged
from gigcity.services.jobs.spec import JobSpec
from gigcity.services.jobs.stats import QueueDepth

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

    def close(self) -> None:
        pass
