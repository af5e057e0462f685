"""Job-queue drain: N queued workbench runs drain through a job worker that is killed twice.

    .venv/bin/python benchmarks/jobs_drain.py [--jobs 1000] [--cap 4] [--sleep-ms 100]
        [--kill-at 0.3 0.6] [--stalled-after 5] [--timeout 1800] [--keep]

Target (issue 13): 1,000 queued workbench jobs drain with at most the configured number
running at once and none lost when the worker is killed twice during the drain.

1. Creates a PostgreSQL database of its own (on GIGCITY_BENCH_POSTGRES_URL's server, default
   the tests' one; dropped at the end unless --keep) and migrates it.
2. Queues `--jobs` workbench runs through the real service path, `WorkbenchService.start`
   (a run row and its `workbench.run` procrastinate job in one transaction; run i has seed
   i), with the workbench caps raised to let them all wait at once. No worker runs yet.
3. Starts `benchmarks/jobs_drain_worker.py`: `gigcity worker` with the workbench engine
   replaced by a stand-in whose comparison sleeps `--sleep-ms` and logs when it starts and
   ends (see that file); GIGCITY_WORKBENCH_CONCURRENCY=`--cap`,
   GIGCITY_JOB_STALLED_AFTER_S=`--stalled-after`.
4. When the share of runs done reaches each `--kill-at` fraction, SIGKILLs the worker (its
   run processes notice their parent is gone and exit) and starts a new one at once. The
   new worker takes the dead one's jobs back once its heartbeat is `--stalled-after` old.
5. Waits for every run to be done and the queue to be empty (`--timeout`), then checks:
   every run is done (none lost, failed, or left queued or running), no procrastinate job
   is left in any state, and the most comparisons running at once, computed from their
   logged start and end times, is at most `--cap`. A comparison cut off by a kill ends when
   its process was seen gone (polled every 10 ms).

Prints N, the cap, when each kill happened and what it cut off, the drain time and jobs/s,
the most comparisons running at once, lost runs and duplicate executions (comparisons run
again after a kill: expected, counted, not hidden); writes benchmarks/results/jobs_drain.json
(or --output). Exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from gigcity.config import Settings
from gigcity.services.accounts import Principal, Role
from gigcity.services.platform import Platform
from gigcity.services.workbench import RunCreate
from jobs_drain_worker import LOG_ENV, SCENARIO, SLEEP_ENV, SleepyWorkbench
from reports_bench_support import RESULTS, machine, scratch_database

HERE = Path(__file__).resolve().parent
WORKER = HERE / "jobs_drain_worker.py"
CALLER = Principal(role=Role.admin, label="jobs-drain-benchmark")
POLL_S = 0.05


# -- processes -------------------------------------------------------------------------------


def _proc_state(pid: int) -> tuple[int, str] | None:
    """(parent pid, state letter) of a live process, None once it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[1]), fields[0]) if fields[0] not in "ZX" else None


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (read from /proc)."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            state = _proc_state(int(entry.name))
            if state is not None:
                children[state[0]].append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def watch_until_gone(pids: list[int], gone_at: dict[int, float], limit_s: float = 30.0) -> None:
    """Record in `gone_at` when each of `pids` is first seen gone (polled every 10 ms)."""
    deadline = time.time() + limit_s
    alive = set(pids)
    while alive and time.time() < deadline:
        for pid in list(alive):
            if _proc_state(pid) is None:
                gone_at[pid] = time.time()
                alive.discard(pid)
        time.sleep(0.01)


@dataclass
class Worker:
    env: dict[str, str]
    logs: Path
    started: list[float] = field(default_factory=list)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.logs / f"worker-{len(self.started) + 1}.log").open("ab")
        self.started.append(time.time())
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER)], env=self.env, stdout=log, stderr=log
        )
        log.close()

    def kill(self) -> tuple[float, list[int]]:
        """SIGKILL the worker; (when, the processes it left behind)."""
        assert self.proc is not None
        left = descendants(self.proc.pid)
        at = time.time()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        return at, left

    def stop(self) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(30)


# -- the database ----------------------------------------------------------------------------


def run_counts(engine: Engine) -> Counter[str]:
    with engine.connect() as c:
        rows = c.execute(text("SELECT status, count(*) FROM workbench_runs GROUP BY status"))
        return Counter({str(status): int(n) for status, n in rows})


def job_counts(engine: Engine) -> Counter[str]:
    with engine.connect() as c:
        rows = c.execute(
            text("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status")
        )
        return Counter({str(status): int(n) for status, n in rows})


def enqueue(platform: Platform, jobs: int) -> dict[int, int]:
    """Queue `jobs` runs through the service; {seed: run id}."""
    runs = {}
    for seed in range(jobs):
        run = platform.workbench.start(
            CALLER, RunCreate(scenario=SCENARIO, seed=seed, orders=50, attribution=False)
        )
        assert run.status == "queued"
        runs[seed] = run.id
    return runs


# -- the executions' log ---------------------------------------------------------------------


@dataclass
class Execution:
    seed: int
    pid: int
    start: float
    end: float | None = None  # None: cut off by a kill


def read_executions(path: Path) -> list[Execution]:
    executions: list[Execution] = []
    open_ones: dict[tuple[int, int], list[Execution]] = defaultdict(list)
    if not path.exists():
        return executions
    for line in path.read_text().splitlines():
        event, seed, pid, at = line.split()
        key = (int(seed), int(pid))
        if event == "start":
            execution = Execution(int(seed), int(pid), float(at))
            executions.append(execution)
            open_ones[key].append(execution)
        else:
            open_ones[key].pop(0).end = float(at)
    return executions


def most_at_once(intervals: list[tuple[float, float]]) -> int:
    """The most intervals that overlap at one instant (one ending as another starts: not)."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    running = peak = 0
    for _, step in events:  # at equal times -1 sorts first
        running += step
        peak = max(peak, running)
    return peak


def ready_after(logs: Path, started: list[float]) -> list[float | None]:
    """Seconds from starting each worker to its "job worker started" log line."""
    ready: list[float | None] = []
    for i, at in enumerate(started, 1):
        lines = (logs / f"worker-{i}.log").read_text(errors="replace").splitlines()
        line = next((x for x in lines if "job worker started" in x), None)
        stamp = line.split()[0].replace("Z", "+00:00") if line else None
        ready.append(round(datetime.fromisoformat(stamp).timestamp() - at, 2) if stamp else None)
    return ready


# -- the benchmark ---------------------------------------------------------------------------


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def measure(args: argparse.Namespace) -> dict[str, Any]:
    n, cap = args.jobs, args.cap
    load_before, uptime_before = machine()["load_average_1_5_15"], uptime()
    logs = Path(tempfile.mkdtemp(prefix="gigcity-jobs-drain-"))
    record_file = logs / "executions.log"
    with scratch_database(keep=args.keep) as url:
        settings = Settings(
            mode="dev",
            database_url=url,
            data_dir=logs / "data",
            job_queue="procrastinate",
            workbench_concurrency=cap,
            workbench_max_active=n,
            workbench_max_active_per_caller=n,
        )
        platform = Platform.from_settings(settings, workbench_engine=SleepyWorkbench())
        try:
            platform.upgrade_database()
            t0 = time.perf_counter()
            runs = enqueue(platform, n)
            enqueue_s = time.perf_counter() - t0
            assert job_counts(platform.engine) == Counter({"todo": n})
            print(f"queued {n} runs in {enqueue_s:.1f} s; draining (worker logs in {logs})")

            worker = Worker(
                env={
                    **os.environ,
                    "GIGCITY_DATABASE_URL": url,
                    "GIGCITY_MODE": "dev",
                    "GIGCITY_DATA_DIR": str(logs / "data"),
                    "GIGCITY_JOB_QUEUE": "procrastinate",
                    "GIGCITY_WORKBENCH_CONCURRENCY": str(cap),
                    "GIGCITY_JOB_STALLED_AFTER_S": str(args.stalled_after),
                    LOG_ENV: str(record_file),
                    SLEEP_ENV: str(args.sleep_ms),
                },
                logs=logs,
            )
            kill_marks = [math.ceil(f * n) for f in sorted(args.kill_at)]
            kills: list[dict[str, Any]] = []
            gone_at: dict[int, float] = {}
            watchers: list[threading.Thread] = []
            worker.start()
            began = worker.started[0]
            timed_out = False
            try:
                while True:
                    counts = run_counts(platform.engine)
                    if kill_marks and counts["done"] >= kill_marks[0]:
                        kill_marks.pop(0)
                        at, left = worker.kill()
                        worker.start()
                        watcher = threading.Thread(
                            target=watch_until_gone, args=(left, gone_at), daemon=True
                        )
                        watcher.start()
                        watchers.append(watcher)
                        kills.append({"at": at, "done_before": counts["done"], "left": left})
                        print(
                            f"killed the worker at {at - began:.1f} s, {counts['done']} runs "
                            f"done; worker {len(worker.started)} started"
                        )
                        continue
                    if counts["done"] + counts["failed"] + counts["interrupted"] == n:
                        queue = job_counts(platform.engine)
                        if not (queue["todo"] or queue["doing"]):
                            break
                    if time.time() - began > args.timeout:
                        timed_out = True
                        break
                    time.sleep(POLL_S)
                drained = time.time()
            finally:
                stop_code = worker.stop()
                for watcher in watchers:
                    watcher.join(35)
            final_runs = run_counts(platform.engine)
            final_jobs = job_counts(platform.engine)
        finally:
            platform.close()
    load_after, uptime_after = machine()["load_average_1_5_15"], uptime()
    return summarise(
        args,
        runs=runs,
        executions=read_executions(record_file),
        kills=kills,
        gone_at=gone_at,
        began=began,
        drained=drained,
        timed_out=timed_out,
        enqueue_s=enqueue_s,
        final_runs=final_runs,
        final_jobs=final_jobs,
        stop_code=stop_code,
        worker_ready=ready_after(logs, worker.started),
        logs=logs,
        load=(load_before, load_after),
        uptimes=(uptime_before, uptime_after),
    )


def summarise(
    args: argparse.Namespace,
    *,
    runs: dict[int, int],
    executions: list[Execution],
    kills: list[dict[str, Any]],
    gone_at: dict[int, float],
    began: float,
    drained: float,
    timed_out: bool,
    enqueue_s: float,
    final_runs: Counter[str],
    final_jobs: Counter[str],
    stop_code: int | None,
    worker_ready: list[float | None],
    logs: Path,
    load: tuple[object, object],
    uptimes: tuple[str, str],
) -> dict[str, Any]:
    n, cap = args.jobs, args.cap
    unended = [e for e in executions if e.end is None]
    # A comparison cut off by a kill ran until its process was seen gone.
    ends = [e.end if e.end is not None else gone_at.get(e.pid, drained) for e in executions]
    intervals = [(e.start, end) for e, end in zip(executions, ends, strict=True)]
    started_per_run = Counter(e.seed for e in executions)
    finished_per_run = Counter(e.seed for e in executions if e.end is not None)
    kill_rows = []
    for kill in kills:
        at, left = kill["at"], set(kill["left"])
        in_flight = [e for e, end in zip(executions, ends, strict=True) if e.start <= at < end]
        # The killed worker's run processes finish or start comparisons until they notice.
        orphans = [e for e in executions if e.pid in left]
        cut_off = [e for e in orphans if e.end is None]
        new_worker = [e.start for e in executions if e.start > at and e.pid not in left]
        again = [
            min(
                (x.start for x in executions if x.seed == e.seed and x.start > e.start),
                default=None,
            )
            for e in cut_off
        ]
        gone = [gone_at.get(pid) for pid in left]
        kill_rows.append(
            {
                "at_s": round(at - began, 2),
                "runs_done_before": kill["done_before"],
                "comparisons_running": len(in_flight),
                "started_by_orphans_after_the_kill": sum(1 for e in orphans if e.start > at),
                "finished_by_orphans_after_the_kill": sum(
                    1 for e in orphans if e.end is not None and e.end > at
                ),
                "cut_off": len(cut_off),
                "processes_left": len(left),
                "processes_gone_after_s": round(max(g for g in gone if g) - at, 3)
                if gone and all(gone)
                else None,  # some outlived the watch (30 s)
                "first_comparison_of_new_worker_after_s": round(min(new_worker) - at, 2)
                if new_worker
                else None,
                "cut_off_runs_started_again_after_s": round(max(r for r in again if r) - at, 2)
                if again and all(again)
                else None,
            }
        )
    first = min((e.start for e in executions), default=drained)
    idle_s = (first - began) + sum(
        k["first_comparison_of_new_worker_after_s"] or 0.0 for k in kill_rows
    )
    drain_s = drained - began
    busy_s = sum(end - start for start, end in intervals)
    lost = n - final_runs["done"]
    peak = most_at_once(intervals)
    checks = {
        "drained_before_timeout": not timed_out,
        "every_run_done": final_runs == Counter({"done": n}),
        # The worker deletes succeeded jobs, or keeps them all as succeeded: nothing else.
        "every_job_succeeded": set(final_jobs) <= {"succeeded"}
        and final_jobs["succeeded"] in (0, n),
        "every_run_compared_at_least_once": all(finished_per_run[s] >= 1 for s in runs),
        "at_most_cap_at_once": peak <= cap,
        "killed_as_planned": len(kills) == len(args.kill_at),
    }
    return {
        "target": "1,000 queued workbench jobs drain with at most the configured number "
        "running at once and none lost when the worker is killed twice during the drain",
        "jobs": n,
        "cap": cap,
        "workers_at_once": 1,
        "comparison_sleep_ms": args.sleep_ms,
        "stalled_after_s": args.stalled_after,
        "enqueue_s": round(enqueue_s, 2),
        "enqueue_per_s": round(n / enqueue_s, 1),
        "kills": kill_rows,
        "drain_s": round(drain_s, 2),
        "jobs_per_s": round(n / drain_s, 1),
        "waiting_for_a_worker_s": round(idle_s, 2),
        "jobs_per_s_while_a_worker_ran": round(n / (drain_s - idle_s), 1),
        "worker_ready_after_s": worker_ready,
        "max_comparisons_at_once": peak,
        "mean_comparisons_running": round(busy_s / drain_s, 2),
        "lost": lost,
        "runs_by_status": dict(final_runs),
        "jobs_left_by_status": dict(final_jobs),
        "comparisons_started": len(executions),
        "comparisons_finished": len(executions) - len(unended),
        "comparisons_cut_off": len(unended),
        "duplicate_executions": len(executions) - n,
        "runs_executed_more_than_once": sum(1 for c in started_per_run.values() if c > 1),
        "runs_compared_to_the_end_more_than_once": sum(
            1 for c in finished_per_run.values() if c > 1
        ),
        "last_worker_exit_code": stop_code,
        "checks": checks,
        "passed": all(checks.values()),
        "worker_logs": str(logs),
        "command": "python benchmarks/jobs_drain.py " + " ".join(sys.argv[1:]),
        "date": datetime.now(UTC).date().isoformat(),
        "load_average_before": load[0],
        "load_average_after": load[1],
        "uptime_before": uptimes[0],
        "uptime_after": uptimes[1],
        "machine": machine(),
        "setup": "PostgreSQL, the benchmark (queueing and polling every 50 ms) and one job "
        "worker process (its run processes spawned by the workbench service) on the same "
        "machine; the worker is `gigcity worker` with a stand-in comparison that sleeps",
    }


def report(record: dict[str, Any]) -> str:
    lines = [
        f"jobs {record['jobs']}, cap {record['cap']} at once (one worker), comparison "
        f"{record['comparison_sleep_ms']} ms, stalled after {record['stalled_after_s']} s",
        f"queued in {record['enqueue_s']} s ({record['enqueue_per_s']}/s)",
    ]
    for i, kill in enumerate(record["kills"], 1):
        lines.append(
            f"kill {i} at {kill['at_s']} s ({kill['runs_done_before']} done): "
            f"{kill['comparisons_running']} comparisons running; the orphaned run processes "
            f"started {kill['started_by_orphans_after_the_kill']} more, finished "
            f"{kill['finished_by_orphans_after_the_kill']}, {kill['cut_off']} cut off; all "
            f"{kill['processes_left']} processes left gone {kill['processes_gone_after_s']} s "
            f"after; new worker's first comparison {kill['first_comparison_of_new_worker_after_s']} s after, "
            f"cut-off runs all started again {kill['cut_off_runs_started_again_after_s']} s after"
        )
    lines += [
        f"drained in {record['drain_s']} s: {record['jobs_per_s']} jobs/s; "
        f"{record['waiting_for_a_worker_s']} s of it waiting for a worker's first comparison "
        f"(start-ups {record['worker_ready_after_s']} s), "
        f"{record['jobs_per_s_while_a_worker_ran']} jobs/s the rest of the time",
        f"most comparisons at once {record['max_comparisons_at_once']} (cap {record['cap']}); "
        f"mean running {record['mean_comparisons_running']}",
        f"lost {record['lost']}; runs {record['runs_by_status']}; "
        f"jobs left {record['jobs_left_by_status'] or 'none'}",
        f"comparisons started {record['comparisons_started']}, finished "
        f"{record['comparisons_finished']}, cut off {record['comparisons_cut_off']}: "
        f"{record['duplicate_executions']} duplicate executions "
        f"({record['runs_executed_more_than_once']} runs executed more than once, "
        f"{record['runs_compared_to_the_end_more_than_once']} compared to the end twice)",
        f"load {record['uptime_before']} -> {record['uptime_after']}",
        "checks: "
        + ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in record["checks"].items()),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=1000, help="runs to queue")
    parser.add_argument("--cap", type=int, default=4, help="GIGCITY_WORKBENCH_CONCURRENCY")
    parser.add_argument("--sleep-ms", type=int, default=100, help="one stand-in comparison")
    parser.add_argument(
        "--kill-at", type=float, nargs="*", default=[0.3, 0.6], help="kill when this share is done"
    )
    parser.add_argument(
        "--stalled-after", type=float, default=5.0, help="GIGCITY_JOB_STALLED_AFTER_S"
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds for the drain")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--output", type=Path, default=RESULTS / "jobs_drain.json")
    args = parser.parse_args()
    record = measure(args)
    print(report(record))
    args.output.parent.mkdir(exist_ok=True)
    args.output.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {args.output}")
    if not record["passed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
