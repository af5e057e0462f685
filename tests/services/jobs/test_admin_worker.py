"""A job run by a real `gigcity worker` stays listed once it succeeded (until the retention
job purges it), with its attempt and times: admins see what ran, not only what waits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gigcity.db.session import transaction
from gigcity.services.jobs import JobStatus
from gigcity.services.platform import Platform

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_a_job_the_worker_ran_is_kept_as_succeeded(pg_platform: Platform, tmp_path: Path) -> None:
    with transaction(pg_platform.factory) as session:
        job_id = pg_platform.jobs.defer(session, "retention.purge")
    env = {
        **os.environ,
        "GIGCITY_DATABASE_URL": pg_platform.settings.database_url,
        "GIGCITY_MODE": "dev",
        "GIGCITY_DATA_DIR": str(tmp_path),
    }
    log = (tmp_path / "worker.log").open("ab")
    worker = subprocess.Popen(
        [sys.executable, "-m", "gigcity", "worker", "--queue", "default"],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        job = pg_platform.jobs.job(job_id)
        while job is not None and job.status in (JobStatus.todo, JobStatus.doing):
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
            job = pg_platform.jobs.job(job_id)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    assert job is not None, "the worker deleted the finished job"
    assert job.status is JobStatus.succeeded
    assert job.attempts == 1
    assert [e.type for e in job.events] == ["deferred", "started", "succeeded"]
    assert job.finished_at is not None
