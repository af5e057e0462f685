"""`gigcity worker` on PostgreSQL: a workbench run queued by the platform is executed by a
separate worker process, and a worker killed mid-run is replaced and the run finished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gigcity.services.platform import Platform
from gigcity.services.workbench import RunCreate, RunOut
from support import ADMIN

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _worker(url: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GIGCITY_DATABASE_URL": url,
        "GIGCITY_MODE": "dev",
        "GIGCITY_JOB_STALLED_AFTER_S": "5",
    }
    log = (tmp_path / "worker.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "gigcity", "worker"], env=env, stdout=log, stderr=log
    )


def _until(platform: Platform, run: RunOut, statuses: set[str], seconds: float) -> RunOut:
    deadline = time.monotonic() + seconds
    while run.status not in statuses:
        assert time.monotonic() < deadline, f"still {run.status}: {run.stage}"
        time.sleep(0.2)
        run = platform.workbench.get(run.id)
    return run


def test_the_worker_runs_a_queued_run_and_finishes_it_after_being_killed(
    pg_platform: Platform, tmp_path: Path
) -> None:
    url = pg_platform.settings.database_url
    run = pg_platform.workbench.start(ADMIN, RunCreate(orders=400, seed=5, attribution=True))
    assert run.status == "queued"
    assert [(d.queue, d.status, d.count) for d in pg_platform.jobs.stats()] == [
        ("workbench", "todo", 1)
    ]
    time.sleep(1.0)
    assert pg_platform.workbench.get(run.id).status == "queued"  # nobody runs it yet

    first = _worker(url, tmp_path)
    try:
        run = _until(pg_platform, run, {"running", "done"}, 60)
        assert run.status == "running", "the run finished before the worker could be killed"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    second = _worker(url, tmp_path)
    try:
        run = _until(pg_platform, run, {"done", "failed"}, 240)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert run.status == "done", f"{run.error}\n{log[-3000:]}"
    assert "queued again" in log  # the second worker took over the dead one's job
    assert pg_platform.workbench.result(run.id).table
    assert pg_platform.jobs.stats() == []


def _children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (from /proc; zombies count as gone)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, NotADirectoryError):
            continue
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if int(ppid) == pid and state not in "ZX":
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


def test_a_killed_worker_leaves_no_idle_run_process_behind(
    pg_platform: Platform, tmp_path: Path
) -> None:
    """A run process waiting for its next run when its worker is killed exits too (it used
    to wait forever: only a busy one watched its parent)."""
    run = pg_platform.workbench.start(ADMIN, RunCreate(orders=50, seed=1, attribution=False))
    worker = _worker(pg_platform.settings.database_url, tmp_path)
    try:
        run = _until(pg_platform, run, {"done", "failed"}, 120)
        assert run.status == "done", run.error
        left = _children(worker.pid)  # the idle run process, multiprocessing's tracker
        assert left
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        worker.kill()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in left) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [pid for pid in left if _alive(pid)]
    for pid in alive:  # leave nothing behind, then fail
        os.kill(pid, signal.SIGKILL)
    assert alive == [], "run processes outlived their killed worker"


def test_the_worker_refuses_sqlite(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GIGCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "GIGCITY_MODE": "dev",
    }
    done = subprocess.run(
        [sys.executable, "-m", "gigcity", "worker"], env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 2
    assert b"gigcity serve" in done.stderr


def test_the_worker_refuses_a_database_behind_it(empty_postgres: str) -> None:
    env = {**os.environ, "GIGCITY_DATABASE_URL": empty_postgres, "GIGCITY_MODE": "dev"}
    done = subprocess.run(
        [sys.executable, "-m", "gigcity", "worker"], env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 2
    assert b"gigcity db upgrade" in done.stderr
