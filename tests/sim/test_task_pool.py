"""A task pool runs many batches in the same processes: a search's later rounds start none."""

from __future__ import annotations

import os

from gigcity.rules import Rulebook
from gigcity.sim.scenarios import DayTask, ScenarioSpec, TaskPool, run_tasks, yardstick
from sim.sim_support import process_id


def _tasks(rulebook: Rulebook, count: int) -> list[DayTask]:
    task = DayTask(
        ScenarioSpec("putuo-weekday", 0, 120), rulebook, (("a", rulebook),), yardstick([rulebook])
    )
    return [task] * count


def test_every_batch_runs_in_the_same_processes(baseline: Rulebook) -> None:
    with TaskPool(workers=2) as pool:
        batches = [pool.run(_tasks(baseline, 4), run=process_id) for _ in range(3)]
    used = set().union(*batches)
    assert all(len(batch) == 4 for batch in batches)
    assert os.getpid() not in used
    assert len(used) <= 2, f"{len(used)} processes for a pool of 2: each batch started its own"


def test_one_task_and_one_worker_run_here(baseline: Rulebook) -> None:
    with TaskPool(workers=2) as pool:
        assert pool.run(_tasks(baseline, 1), run=process_id) == [os.getpid()]
    assert run_tasks(_tasks(baseline, 3), workers=1, run=process_id) == [os.getpid()] * 3
