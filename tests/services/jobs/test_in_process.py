"""The embedded mode's queue: a job starts only if its transaction commits, runs at most
its queue's cap at once, and a passing failure is retried after its back-off."""

from __future__ import annotations

import threading
import time

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from gigcity.services.jobs import InProcessQueue, JobArgs, JobSpec, Retry, RetryLater


def _wait(condition: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_jobs_start_on_commit_only_and_respect_the_cap() -> None:
    running, peak, done = [0], [0], []
    lock = threading.Lock()

    def runner(task: str, args: JobArgs, last: bool) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
            done.append(args["n"])

    queue = InProcessQueue([JobSpec("t.slow", queue="slow")], runner, {"slow": 2})
    engine = create_engine("sqlite://")
    try:
        with Session(engine) as session, session.begin():
            queue.defer(session, "t.slow", n=-1)
            session.rollback()
        for n in range(8):
            with Session(engine) as session, session.begin():
                queue.defer(session, "t.slow", n=n)
        _wait(lambda: len(done) == 8)
        assert sorted(done) == list(range(8))  # the rolled-back job never ran
        assert peak[0] == 2
        assert queue.stats() == []
    finally:
        queue.close()


def test_a_passing_failure_is_retried_until_the_last_attempt() -> None:
    calls: list[bool] = []

    def runner(task: str, args: JobArgs, last: bool) -> None:
        calls.append(last)
        raise RetryLater("not yet")

    spec = JobSpec("t.flaky", retry=Retry(attempts=3, base_s=0))
    queue = InProcessQueue([spec], runner, {})
    try:
        queue.defer_now("t.flaky")
        _wait(lambda: len(calls) == 3 and queue.stats() == [])
        time.sleep(0.1)
        assert calls == [False, False, True]
    finally:
        queue.close()


def test_periodic_jobs_are_queued_at_their_times_once_started() -> None:
    ticks: list[int] = []

    def runner(task: str, args: JobArgs, last: bool) -> None:
        ticks.append(int(args["timestamp"]))

    # Six fields: croniter reads the last one as seconds (every second here).
    queue = InProcessQueue([JobSpec("t.tick", cron="* * * * * *")], runner, {})
    try:
        time.sleep(1.2)
        assert ticks == []  # nothing runs before the server starts the schedule
        queue.start_periodic()
        _wait(lambda: len(ticks) >= 2, seconds=5)
        assert ticks[1] - ticks[0] == 1  # the scheduled times, one second apart
    finally:
        queue.close()
