"""The job queue as admins see it, and the purge of old finished jobs: the in-process queue's
bounded history, procrastinate's tables on PostgreSQL, and the daily retention job."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from gigcity.config import Settings
from gigcity.db.session import transaction
from gigcity.logs import bound_request_id
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.jobs import (
    FINISHED_BADLY,
    FINISHED_OK,
    InProcessQueue,
    JobArgs,
    JobQuery,
    JobSpec,
    JobStatus,
    PostgresQueue,
    Retry,
    RetryLater,
    get_job,
    job_query,
    list_jobs,
)
from gigcity.services.platform import JOBS, Platform


def _wait(condition: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline
        time.sleep(0.01)


# -- the in-process queue ---------------------------------------------------------------


def _outcome_runner(task: str, args: JobArgs, last: bool) -> None:
    if args.get("fail"):
        raise ValueError("broken")
    if args.get("later") and not last:
        raise RetryLater("not yet")


SPECS = [JobSpec("t.work", queue="work"), JobSpec("t.later", retry=Retry(attempts=2, base_s=60))]


def test_in_process_history_shows_statuses_times_and_only_argument_names() -> None:
    queue = InProcessQueue(SPECS, _outcome_runner, {"work": 1})
    try:
        with bound_request_id("req-42"):
            ok = queue.defer_now("t.work", rider="王五", phone="13800138000")
        bad = queue.defer_now("t.work", fail=True)
        later = queue.defer_now("t.later", later=True)
        # Waiting again after its first attempt (todo from the start: wait for the attempt).
        _wait(lambda: [j.attempts for j in queue.jobs(JobQuery(status=JobStatus.todo))] == [1])
        _wait(lambda: len(queue.jobs(JobQuery(status=JobStatus.succeeded))) == 1)
        _wait(lambda: len(queue.jobs(JobQuery(status=JobStatus.failed))) == 1)

        listed = queue.jobs(JobQuery())
        assert [j.id for j in listed] == [later, bad, ok]  # newest first
        done = listed[2]
        assert (done.task, done.queue, done.status, done.attempts) == (
            "t.work", "work", JobStatus.succeeded, 1,
        )  # fmt: skip
        assert done.request_id == "req-42"
        assert done.arg_keys == ["phone", "rider"]
        assert "13800138000" not in done.model_dump_json()
        assert done.queued_at
        assert done.started_at
        assert done.finished_at
        assert done.queued_at <= done.started_at <= done.finished_at
        waiting = listed[0]  # its first run asked to be retried in 60 s
        assert waiting.status is JobStatus.todo
        assert waiting.attempts == 1
        assert waiting.scheduled_at is not None
        assert waiting.finished_at is None
        assert waiting.started_at is not None
        assert waiting.scheduled_at > waiting.started_at + timedelta(seconds=50)
        detail = queue.job(later)
        assert detail is not None
        assert [e.type for e in detail.events] == ["deferred", "started", "deferred_for_retry"]

        assert [j.id for j in queue.jobs(JobQuery(queue="work"))] == [bad, ok]
        assert [j.id for j in queue.jobs(JobQuery(before=later, limit=1))] == [bad]
        assert [(c.queue, c.status.value, c.count) for c in queue.counts()] == [
            ("default", "todo", 1),
            ("work", "failed", 1),
            ("work", "succeeded", 1),
        ]
        assert queue.job(999) is None
    finally:
        queue.close()


def test_in_process_history_is_bounded_to_the_last_finished_jobs() -> None:
    release = threading.Event()

    def runner(task: str, args: JobArgs, last: bool) -> None:
        if args.get("hold"):
            release.wait(10)

    queue = InProcessQueue([JobSpec("t.work", queue="work")], runner, {"work": 2}, history=3)
    try:
        held = queue.defer_now("t.work", hold=True)
        ids = [queue.defer_now("t.work") for _ in range(5)]
        # Until only the held one is left running:
        _wait(lambda: [(d.status, d.count) for d in queue.stats()] == [("doing", 1)])
        # The three newest finished jobs and the one still running; older ones forgotten.
        assert [j.id for j in queue.jobs(JobQuery())] == [*ids[:1:-1], held]
        assert queue.job(ids[0]) is None
    finally:
        release.set()
        queue.close()


def test_in_process_purge_drops_old_finished_jobs_and_keeps_recent_and_waiting_ones() -> None:
    release = threading.Event()

    def runner(task: str, args: JobArgs, last: bool) -> None:
        if args.get("hold"):
            release.wait(10)
        elif args.get("fail"):
            raise ValueError("broken")

    queue = InProcessQueue([JobSpec("t.work", queue="work")], runner, {"work": 2})
    try:
        old = queue.defer_now("t.work", fail=True)
        _wait(lambda: queue.jobs(JobQuery(status=JobStatus.failed)) != [])
        time.sleep(1.0)
        held = queue.defer_now("t.work", hold=True)
        recent = queue.defer_now("t.work", fail=True)
        ok = queue.defer_now("t.work")
        _wait(lambda: len(queue.jobs(JobQuery(status=JobStatus.failed))) == 2)
        _wait(lambda: queue.jobs(JobQuery(status=JobStatus.succeeded)) != [])

        assert queue.purge(FINISHED_BADLY, timedelta(seconds=0.5)) == 1
        assert queue.job(old) is None
        assert [j.id for j in queue.jobs(JobQuery())] == [ok, recent, held]
        assert queue.purge(FINISHED_OK, timedelta(0)) == 1  # the running one stays
        assert [j.id for j in queue.jobs(JobQuery())] == [recent, held]
    finally:
        release.set()
        queue.close()


def test_filters_are_checked_and_unknown_jobs_are_not_found() -> None:
    with pytest.raises(InvalidInput) as caught:
        job_query(JOBS, status="done")
    assert caught.value.field == "status"
    assert "succeeded" in str(caught.value)
    with pytest.raises(InvalidInput) as caught:
        job_query(JOBS, queue="fast")
    assert caught.value.field == "queue"
    assert "workbench, default" in str(caught.value)
    for limit in (0, 201):
        with pytest.raises(InvalidInput) as caught:
            job_query(JOBS, limit=limit)
        assert caught.value.field == "limit"
    with pytest.raises(InvalidInput):
        job_query(JOBS, before=0)
    query = job_query(JOBS, queue="workbench", status="failed", limit=200, before=7)
    assert query == JobQuery("workbench", JobStatus.failed, 200, 7)
    queue = InProcessQueue(JOBS, _outcome_runner, {})
    try:
        with pytest.raises(NotFound):
            get_job(queue, 5)
        page = list_jobs(queue, query)
        assert (page.jobs, page.next_before, page.counts, page.durable) == ([], None, [], False)
    finally:
        queue.close()


# -- PostgreSQL -------------------------------------------------------------------------


def _job(
    platform: Platform, task: str, *transitions: str, days_ago: float = 0, **args: object
) -> int:
    """A job queued through the platform's queue, moved through `transitions` as a worker
    would, its events then moved `days_ago` into the past."""
    with transaction(platform.factory) as session:
        job_id = platform.jobs.defer(session, task, **args)
    with platform.engine.begin() as connection:
        for status in transitions:  # procrastinate's trigger records each as an event
            connection.execute(
                text(
                    "UPDATE procrastinate_jobs SET status = CAST(:s AS procrastinate_job_status), "
                    "attempts = attempts + CASE WHEN :s IN ('succeeded', 'failed') THEN 1 "
                    "ELSE 0 END WHERE id = :id"
                ),
                {"s": status, "id": job_id},
            )
        connection.execute(
            text(
                "UPDATE procrastinate_events SET at = at - make_interval(secs => :s) "
                "WHERE job_id = :id"
            ),
            {"s": days_ago * 86400, "id": job_id},
        )
    return job_id


def _ids(platform: Platform) -> list[int]:
    with platform.engine.connect() as connection:
        return list(
            connection.execute(text("SELECT id FROM procrastinate_jobs ORDER BY id")).scalars()
        )


@pytest.mark.postgres
def test_postgres_lists_jobs_from_procrastinate_tables(pg_platform: Platform) -> None:
    queue = pg_platform.jobs
    assert isinstance(queue, PostgresQueue)
    with bound_request_id("req-pg"):
        waiting = _job(pg_platform, "workbench.run", run_id=1, note="李四 13900000000")
    failed = _job(pg_platform, "retention.purge", "doing", "failed")
    running = _job(pg_platform, "retention.purge", "doing")
    with pg_platform.engine.begin() as connection:  # procrastinate's legacy status
        connection.execute(
            text("UPDATE procrastinate_jobs SET status = 'aborting' WHERE id = :id"),
            {"id": running},
        )

    page = list_jobs(queue, JobQuery())
    assert [j.id for j in page.jobs] == [running, failed, waiting]
    first = page.jobs[2]
    assert (first.task, first.queue, first.status, first.attempts) == (
        "workbench.run", "workbench", JobStatus.todo, 0,
    )  # fmt: skip
    assert first.request_id == "req-pg"
    assert first.arg_keys == ["note", "run_id"]
    assert "13900000000" not in page.model_dump_json()
    assert first.queued_at is not None
    assert first.started_at is None
    assert first.finished_at is None
    broken = page.jobs[1]
    assert broken.status is JobStatus.failed
    assert broken.attempts == 1
    assert broken.started_at is not None
    assert broken.finished_at is not None
    assert page.jobs[0].status is JobStatus.doing
    assert page.durable is True
    assert [(c.queue, c.status.value, c.count) for c in page.counts] == [
        ("default", "doing", 1),
        ("default", "failed", 1),
        ("workbench", "todo", 1),
    ]
    assert [j.id for j in queue.jobs(JobQuery(status=JobStatus.doing))] == [running]
    assert [j.id for j in queue.jobs(JobQuery(queue="default", limit=1))] == [running]
    assert [j.id for j in queue.jobs(JobQuery(before=failed))] == [waiting]
    detail = get_job(queue, failed)
    assert [e.type for e in detail.events] == ["deferred", "started", "failed"]
    with pytest.raises(NotFound):
        get_job(queue, 10**12)


@pytest.mark.postgres
def test_the_retention_job_purges_old_finished_jobs_on_postgres(pg_platform: Platform) -> None:
    settings = pg_platform.settings
    assert (settings.retention_succeeded_jobs_days, settings.retention_failed_jobs_days) == (7, 30)
    keep = [
        _job(pg_platform, "retention.purge", "doing", "failed", days_ago=29),
        _job(pg_platform, "retention.purge", "doing", "succeeded", days_ago=6),
        _job(pg_platform, "retention.purge", days_ago=90),  # still waiting: never purged
        _job(pg_platform, "retention.purge", "doing", days_ago=90),  # running
    ]
    old_failed = _job(pg_platform, "retention.purge", "doing", "failed", days_ago=31)
    old_cancelled = _job(pg_platform, "retention.purge", "cancelled", days_ago=31)
    old_succeeded = _job(pg_platform, "workbench.run", "doing", "succeeded", days_ago=8, run_id=1)
    # A periodic job's tick points at its job: purging the job must not trip over it.
    with pg_platform.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO procrastinate_periodic_defers (task_name, defer_timestamp, job_id, "
                "periodic_id) VALUES ('retention.purge', 1, :id, 'retention.purge')"
            ),
            {"id": old_failed},
        )

    pg_platform.run_job("retention.purge", {})  # what the daily job does

    assert _ids(pg_platform) == keep
    with pg_platform.engine.connect() as connection:
        orphans = connection.execute(
            text("SELECT count(*) FROM procrastinate_events WHERE job_id = ANY(:ids)"),
            {"ids": [old_failed, old_cancelled, old_succeeded]},
        ).scalar_one()
        tick = connection.execute(
            text("SELECT job_id FROM procrastinate_periodic_defers WHERE defer_timestamp = 1")
        ).one()
    assert orphans == 0
    assert tick == (None,)  # the tick stays (so it is not queued twice), unlinked


@pytest.mark.postgres
def test_postgres_purge_works_in_batches(
    pg_platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gigcity.services.jobs import postgres_queue

    monkeypatch.setattr(postgres_queue, "_PURGE_BATCH", 2)
    old = [_job(pg_platform, "retention.purge", "doing", "failed", days_ago=2) for _ in range(5)]
    recent = _job(pg_platform, "retention.purge", "doing", "failed")
    assert pg_platform.jobs.purge(FINISHED_BADLY, timedelta(days=1)) == len(old)
    assert _ids(pg_platform) == [recent]


def test_in_process_platform_retention_job_trims_its_own_history(tmp_path: Path) -> None:
    settings = Settings(
        mode="dev", database_url=f"sqlite:///{tmp_path / 'x.db'}", job_queue="in-process"
    )
    platform = Platform.from_settings(settings)
    platform.upgrade_database()
    try:
        queue = platform.jobs
        assert isinstance(queue, InProcessQueue)
        with Session(platform.engine) as session, session.begin():
            first = queue.defer(session, "retention.purge")
        _wait(lambda: queue.jobs(JobQuery(status=JobStatus.succeeded)) != [])
        # Eight days later (the default keeps succeeded jobs seven days):
        real_time = time.time
        with pytest.MonkeyPatch.context() as m:
            m.setattr(time, "time", lambda: real_time() + 8 * 86400)
            platform.run_job("retention.purge", {})
        assert queue.job(first) is None
    finally:
        platform.close()
