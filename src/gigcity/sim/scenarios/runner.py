"""Running simulated days as independent tasks: inline, in local processes, or on Ray.

A task names its scenario (a generated one by name, seed and size, or a folder) rather than
carrying it, so a worker builds or reads it once and keeps it; it simulates the day under one
rulebook's dispatch clauses and judges the outcome under every rulebook that shares them.
Results come back in task order whatever order the workers finish in.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from gigcity.rules import Rulebook
from gigcity.sim.scenarios.evaluate import DayFacts, Yardstick, judge
from gigcity.sim.scenarios.fileformat import read_scenario
from gigcity.sim.scenarios.fleet import scale_fleet
from gigcity.sim.scenarios.generate import generate_scenario
from gigcity.sim.scenarios.model import Scenario, ScenarioError
from gigcity.sim.scenarios.simulate import SimulationSettings, simulate_scenario

Progress = Callable[[int, int, str], None]
"""(tasks done, tasks in all, what just finished)."""


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """A generated scenario (name, seed, orders) or a scenario folder (path), with its
    fleet scaled by `fleet` (see `fleet.scale_fleet`; 1.0: the roster as it is)."""

    name: str = "putuo-weekday"
    seed: int = 0
    orders: int | None = None
    path: str | None = None
    fleet: float = 1.0

    def describe(self) -> str:
        fleet = "" if self.fleet == 1.0 else f", fleet x{self.fleet:.4g}"
        if self.path:
            return f"{self.path}{f' ({fleet[2:]})' if fleet else ''}"
        size = f", {self.orders} orders" if self.orders else ""
        return f"{self.name} (seed {self.seed}{size}{fleet})"


@lru_cache(maxsize=4)
def _roster_scenario(spec: ScenarioSpec) -> Scenario:
    """The day as generated or read (kept apart, so scaled fleets never evict it)."""
    if spec.path:
        return read_scenario(spec.path)
    return generate_scenario(spec.name, seed=spec.seed, orders=spec.orders)


@lru_cache(maxsize=4)
def load_scenario(spec: ScenarioSpec) -> Scenario:
    """The scenario a spec names (kept, so a worker builds each one once)."""
    scenario = _roster_scenario(replace(spec, fleet=1.0))
    return scenario if spec.fleet == 1.0 else scale_fleet(scenario, spec.fleet)


@dataclass(frozen=True, slots=True)
class DayTask:
    spec: ScenarioSpec
    dispatch: Rulebook
    """The rulebook whose dispatch clauses run the day."""
    judged: tuple[tuple[str, Rulebook], ...]
    """(key, rulebook) pairs to judge the outcome under; all share `dispatch`'s clauses."""
    stick: Yardstick
    series: frozenset[str] = frozenset()
    """Keys whose per-rider and per-order series are kept (for plots)."""
    settings: SimulationSettings = field(default_factory=SimulationSettings)


def simulate_task(task: DayTask) -> DayFacts:
    """The task's day simulated under its dispatch rulebook."""
    scenario = load_scenario(task.spec)
    return DayFacts(simulate_scenario(scenario, task.dispatch, settings=task.settings))


def run_day_task(task: DayTask) -> dict[str, dict[str, Any]]:
    return judge_task(task, simulate_task(task))


def judge_task(task: DayTask, facts: DayFacts) -> dict[str, dict[str, Any]]:
    """The simulated day's figures under each judged rulebook (series only where asked)."""
    results: dict[str, dict[str, Any]] = {}
    for key, rulebook in task.judged:
        figures = judge(facts, rulebook, task.stick)
        if key not in task.series:
            figures.pop("_series", None)
        results[key] = figures
    return results


def run_tasks(
    tasks: Sequence[DayTask],
    *,
    workers: int = 1,
    ray_address: str | None = None,
    progress: Progress | None = None,
    run: Callable[[DayTask], Any] = run_day_task,
) -> list[Any]:
    """`run` (a module-level function, so processes and Ray can import it; by default the
    day simulated and judged) for every task; inline when `workers` is 1, else in processes
    (or on Ray); results in task order. One batch: a search that runs many keeps a
    `TaskPool` open instead."""
    with TaskPool(workers=workers, ray_address=ray_address) as pool:
        return pool.run(tasks, progress=progress, run=run)


class RayUnavailable(ScenarioError):
    """`--ray` was given but Ray is not installed."""


class TaskPool:
    """Where tasks run, opened once for many batches: inline (`workers` 1), in processes
    kept between batches, or on Ray (started once, unless it already runs). Kept workers
    keep the scenarios they built (`load_scenario`), so a search's later rounds neither
    start processes or Ray again nor generate its days again."""

    def __init__(self, *, workers: int = 1, ray_address: str | None = None) -> None:
        self.workers = workers
        self.ray_address = ray_address
        self._processes: ProcessPoolExecutor | None = None
        self._ray: Any = None
        self._ray_started_here = False

    def __enter__(self) -> TaskPool:
        if self.ray_address is not None:
            self._start_ray(self.ray_address)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._processes is not None:
            self._processes.shutdown()
            self._processes = None
        if self._ray is not None and self._ray_started_here:
            self._ray.shutdown()
        self._ray = None

    def run(
        self,
        tasks: Sequence[DayTask],
        *,
        progress: Progress | None = None,
        run: Callable[[DayTask], Any] = run_day_task,
    ) -> list[Any]:
        """`run` for every task, results in task order (see `run_tasks`)."""
        results: list[Any] = [None] * len(tasks)
        for done, (index, result) in enumerate(self._finished(tasks, run), start=1):
            results[index] = result
            if progress:
                progress(done, len(tasks), tasks[index].dispatch.ref)
        return results

    def _finished(
        self, tasks: Sequence[DayTask], run: Callable[[DayTask], Any]
    ) -> Iterator[tuple[int, Any]]:
        """(task index, result) as each task finishes, wherever the tasks run."""
        if self._ray is not None:
            ray = self._ray
            remote = ray.remote(run)
            pending = {remote.remote(task): i for i, task in enumerate(tasks)}
            waiting = list(pending)
            while waiting:
                ready, waiting = ray.wait(waiting, num_returns=1)
                for ref in ready:
                    yield pending[ref], ray.get(ref)
        elif self.workers <= 1 or len(tasks) <= 1:
            for index, task in enumerate(tasks):
                yield index, run(task)
        else:
            if self._processes is None:
                # spawn: the parent may be a server with threads, where fork is unsafe.
                context = multiprocessing.get_context("spawn")
                self._processes = ProcessPoolExecutor(self.workers, mp_context=context)
            futures = {self._processes.submit(run, task): i for i, task in enumerate(tasks)}
            for future in as_completed(futures):
                yield futures[future], future.result()

    def _start_ray(self, address: str) -> None:
        try:
            import ray
        except ImportError:
            raise RayUnavailable(
                "Ray is not installed: pip install 'gigcity[ray]' (or run without --ray)"
            ) from None
        self._ray_started_here = not ray.is_initialized()
        if self._ray_started_here:
            # "local" starts a Ray instance on this machine; anything else is a cluster address.
            if address == "local":
                ray.init(include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=address, log_to_driver=False)
        self._ray = ray
