"""One workbench run, executed in a worker process: compare (or search for equal service),
render, store.

The comparison itself is the engine's (`engine.CompareDays`, or `engine.EqualServiceDays`
for an equal-service run: a module-level function sent along with the run's id); this
module only keeps the run's row up to date. The worker opens its own connection to the database (it may be another process), marks the
run running, reports progress and a heartbeat while it works, and stores the comparison,
its plots and the HTML report, or the error. A run whose heartbeat stops (the server died)
is shown as interrupted by the service.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import WorkbenchRun, utcnow
from gigcity.db.session import make_engine, make_sessionmaker, transaction
from gigcity.rules import load_rulebook
from gigcity.services.workbench.engine import (
    CompareDays,
    Comparison,
    EqualServiceDays,
    Progress,
    SearchProgress,
)
from gigcity.services.workbench.wording import (
    all_equal_service_wording,
    all_wording,
    search_stage_id,
    stage_id,
)

HEARTBEAT_S = 10.0


@dataclass(frozen=True, slots=True)
class _Claimed:
    """What a claimed run asks for: the day and the two rulebooks by name."""

    scenario: str
    seed: int
    orders: int
    names: tuple[str, str]
    attribution: bool
    kind: str = "compare"
    params: dict[str, Any] | None = None


def _claim(factory: sessionmaker[Session], run_id: int, rerun: bool) -> _Claimed | str:
    """Mark the run running if still queued (or, with `rerun`, running: a durable job is run
    again only once its first worker is dead); else its status (or "missing")."""
    claimable = ("queued", "running") if rerun else ("queued",)
    with transaction(factory) as session:
        # Claimed only if still claimable, in the UPDATE itself: one worker runs it.
        claimed = session.execute(
            update(WorkbenchRun)
            .where(WorkbenchRun.id == run_id, WorkbenchRun.status.in_(claimable))
            .values(
                status="running",
                started_at=utcnow(),
                heartbeat_at=utcnow(),
                stage="simulating",
            )
        )
        run = session.get(WorkbenchRun, run_id)
        if run is None or claimed.rowcount != 1:  # type: ignore[attr-defined]
            return run.status if run is not None else "missing"
        return _Claimed(
            run.scenario, run.seed, run.orders, (run.rules_a, run.rules_b), run.attribution,
            run.kind, dict(run.params or {}),
        )  # fmt: skip


def _beat(factory: sessionmaker[Session], run_id: int, stop: threading.Event) -> None:
    """Refresh the running run's heartbeat every HEARTBEAT_S until `stop` is set."""
    while not stop.wait(HEARTBEAT_S):
        with transaction(factory) as session:
            session.execute(
                update(WorkbenchRun)
                .where(WorkbenchRun.id == run_id, WorkbenchRun.status == "running")
                .values(heartbeat_at=utcnow())
            )


def _variant(label: str, names: tuple[str, str]) -> str:
    """Which side's dispatch a simulated day used ("a" or "b"), from the engine's label (the
    dispatching rulebook's ref); A's when it cannot tell."""
    name = label.partition("@")[0]
    return "b" if name == names[1] and name != names[0] else "a"


def _progress_writer(
    factory: sessionmaker[Session], run_id: int, names: tuple[str, str]
) -> Progress:
    """A progress callback that writes the run's stage (an id with its parameters, put into
    words when read: `wording.stage_text`), at most twice a second."""
    last = [0.0]

    def progress(done: int, total: int, label: str) -> None:
        if done >= total:  # the last day is simulated: the engine draws the report next
            _set(factory, run_id, progress=0.92, stage="drawing")
            return
        now = time.monotonic()
        if now - last[0] < 0.5:
            return  # at most two writes a second
        last[0] = now
        _set(
            factory,
            run_id,
            progress=0.05 + 0.85 * done / total,
            stage=stage_id(done, total, _variant(label, names)),
        )

    return progress


SEARCH_ROUNDS = 8
"""About how many rounds an equal-service search takes (per wave of seeds): the bar moves
towards its end as rounds pass, more slowly once past them (the number is not known ahead)."""


def _search_writer(factory: sessionmaker[Session], run_id: int) -> SearchProgress:
    """A progress callback for an equal-service run: the search's rounds and days as the
    stage, and an estimated share done, at most twice a second (phases at once)."""
    last = [0.0]

    def progress(phase: str, rounds: int, days: int) -> None:
        if phase == "who_gains":
            _set(factory, run_id, progress=0.85, stage="who_gains")
            return
        if phase == "drawing":
            _set(factory, run_id, progress=0.92, stage="drawing")
            return
        now = time.monotonic()
        if now - last[0] < 0.5:
            return
        last[0] = now
        share = 1.0 - 0.5 ** (rounds / SEARCH_ROUNDS * 2)  # half way at half the rounds
        _set(factory, run_id, progress=0.05 + 0.75 * share, stage=search_stage_id(rounds, days))

    return progress


def _execute(
    engine_call: Any, claimed: _Claimed, factory: sessionmaker[Session], run_id: int
) -> Comparison:
    """Call the engine as the run's kind asks: a comparison, or an equal-service search."""
    a, b = (load_rulebook(name) for name in claimed.names)
    if claimed.kind == "equal_service":
        params = claimed.params or {}
        share = params.get("target_undelivered")
        search: EqualServiceDays = engine_call
        return search(
            claimed.scenario,
            claimed.seed,
            claimed.orders,
            a,
            b,
            seeds=int(params.get("seeds", 1)),
            target_undelivered_share=None if share is None else float(share) / 100.0,
            target_p90_min=params.get("target_p90_min"),
            who_gains=bool(params.get("who_gains", False)),
            progress=_search_writer(factory, run_id),
            wording=all_equal_service_wording(a.ref, b.ref, claimed.scenario),
        )
    compare: CompareDays = engine_call
    return compare(
        claimed.scenario,
        claimed.seed,
        claimed.orders,
        a,
        b,
        attribution=claimed.attribution,
        progress=_progress_writer(factory, run_id, claimed.names),
        wording=all_wording(a.ref, b.ref, claimed.scenario),
    )


def _store(factory: sessionmaker[Session], run_id: int, comparison: Comparison) -> None:
    """Keep the comparison, its plots and report on the run, and mark it done."""
    with transaction(factory) as session:
        run = session.get(WorkbenchRun, run_id)
        if run is not None:
            run.result = dict(comparison.result)
            run.plots = [dict(plot) for plot in comparison.plots]
            run.report_html = comparison.html
            run.status, run.progress, run.stage = "done", 1.0, "done"
            run.finished_at = run.heartbeat_at = utcnow()


def _exit_with_parent(parent_pid: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            os._exit(3)


def exit_with_parent(parent_pid: int) -> None:
    """Initialise a worker process: it exits within half a second of its parent's death (a
    job worker killed), busy or idle. A busy one's job is run again elsewhere, and an orphan
    must not go on writing the run's row; an idle one would wait for work forever."""
    threading.Thread(
        target=_exit_with_parent, args=(parent_pid,), name="parent-watch", daemon=True
    ).start()


def run_job(
    compare: CompareDays | EqualServiceDays, database_url: str, run_id: int, rerun: bool = False
) -> str:
    """Execute run `run_id` with `compare` (the engine's function for the run's kind);
    returns its final status. `rerun`: a run left running by a dead worker may be taken
    again."""
    engine = make_engine(database_url)
    factory = make_sessionmaker(engine)
    stop = threading.Event()
    try:
        claimed = _claim(factory, run_id, rerun)
        if isinstance(claimed, str):
            return claimed
        heart = threading.Thread(target=_beat, args=(factory, run_id, stop), daemon=True)
        heart.start()
        _store(factory, run_id, _execute(compare, claimed, factory, run_id))
        return "done"
    except Exception as error:  # the run fails, the worker lives on
        _set(
            factory,
            run_id,
            status="failed",
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=utcnow(),
        )
        return "failed"
    finally:
        stop.set()
        engine.dispose()


def _set(factory: sessionmaker[Session], run_id: int, **values: float | str | datetime) -> None:
    with transaction(factory) as session:
        session.execute(
            update(WorkbenchRun)
            .where(WorkbenchRun.id == run_id)
            .values(heartbeat_at=utcnow(), **values)
        )
