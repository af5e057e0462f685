"""The job worker that `benchmarks/jobs_drain.py` starts, kills and starts again.

    GIGCITY_DATABASE_URL=... GIGCITY_BENCH_DRAIN_LOG=/tmp/x.log .venv/bin/python benchmarks/jobs_drain_worker.py

It is `gigcity worker` (the same `Platform`, `JOBS`, `queue_caps` and `run_worker`, so the
same procrastinate workers, concurrency caps, stalled-job rescue and workbench service that
hands each run to a spawned process) with one difference: the workbench engine is a
stand-in whose comparison sleeps GIGCITY_BENCH_DRAIN_SLEEP_MS (default 100) instead of
simulating a day, so the benchmark measures the queue, not the simulator. Everything around
the comparison is the real path: the job claims the run's row, beats, writes its stage and
stores the result.

Each comparison appends two lines to GIGCITY_BENCH_DRAIN_LOG, `start <seed> <pid> <time>`
when it begins and `finish <seed> <pid> <time>` when it ends (wall-clock seconds, one
`write` on a file opened for appending, so lines of concurrent processes do not mix). The
benchmark queues run i with seed i, so the seed names the run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gigcity.rules import Rulebook
from gigcity.services.workbench import CompareDays, Progress

LOG_ENV = "GIGCITY_BENCH_DRAIN_LOG"
SLEEP_ENV = "GIGCITY_BENCH_DRAIN_SLEEP_MS"
SCENARIO = "putuo-weekday"


@dataclass(frozen=True)
class StandInComparison:
    result: Mapping[str, Any]
    plots: Sequence[Mapping[str, str]] = field(default_factory=list)
    html: str = "<p>stand-in comparison (benchmarks/jobs_drain.py)</p>"


def _record(event: str, seed: int) -> None:
    line = f"{event} {seed} {os.getpid()} {time.time():.6f}\n".encode()
    fd = os.open(os.environ[LOG_ENV], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def sleepy_compare(
    scenario: str,
    seed: int,
    orders: int,
    rules_a: Rulebook,
    rules_b: Rulebook,
    *,
    attribution: bool,
    progress: Progress,
) -> StandInComparison:
    """The stand-in comparison (module level: it is sent to the spawned run process)."""
    _record("start", seed)
    time.sleep(float(os.environ.get(SLEEP_ENV, "100")) / 1000)
    progress(1, 1, scenario)  # the real engine's last progress call: "drawing the report"
    _record("finish", seed)
    return StandInComparison(
        result={
            "rulebooks": {"a": rules_a.id, "b": rules_b.id},
            "scenario": {"name": scenario, "seed": seed, "orders": orders},
            "yardstick": {},
            "table": [],
            "attribution": None,
        }
    )


class SleepyWorkbench:
    """A `WorkbenchEngine` whose comparisons only sleep."""

    def scenario_names(self) -> Sequence[str]:
        return [SCENARIO]

    @property
    def compare(self) -> CompareDays:
        return sleepy_compare


def main() -> None:
    """`gigcity worker`, all queues, with the stand-in engine."""
    from gigcity.config import get_settings
    from gigcity.logs import configure_logging
    from gigcity.services.jobs.worker import run_worker
    from gigcity.services.platform import JOBS, Platform, queue_caps

    settings = get_settings()
    configure_logging(settings)
    platform = Platform.from_settings(settings, workbench_engine=SleepyWorkbench())
    try:
        run_worker(
            settings.database_url,
            JOBS,
            platform.run_job,
            queue_caps(settings),
            stalled_after_s=settings.job_stalled_after_s,
        )
    finally:
        platform.close()


if __name__ == "__main__":
    main()
