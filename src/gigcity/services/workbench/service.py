"""The negotiation workbench on the platform: runs as background jobs with progress.

A run is a row (queued -> running -> done | failed) and a job of the platform's job queue
(`workbench.run`, on the `workbench` queue), deferred in the same transaction. Whoever
executes the job (a `gigcity worker`, or the server itself in the embedded single-machine
mode) hands the run to a worker process (`job.run_job`), so a long comparison holds up
neither the server nor the worker's other jobs.

On PostgreSQL the jobs are durable: a run waits for a worker however long it takes, and a
run whose worker died is run again from the start (runs are seeded, so the result is the
same). In-process jobs die with the server: a run whose server stopped beating is shown as
interrupted rather than left running forever.

A run is of a kind: `compare` (one day under both rulebooks) or `equal_service` (the
fewest riders each rulebook needs for the same service over a few seeds, and who gains);
its parameters are kept on the row (`params`) and the job calls the engine's method for it.

The comparisons themselves come from the `WorkbenchEngine` the platform is given (the
simulator; services do not import it). A platform built without one still serves stored
runs and their reports, but offers no scenarios and refuses to start a run.

Who may do what: the negotiating parties start runs (district admins, and platforms through
their API key); anyone signed in may read runs and their reports (rider representatives
sign in with their own accounts).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import uuid
from collections.abc import Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import WorkbenchRun, utcnow
from gigcity.db.session import lock_named, transaction
from gigcity.i18n import DEFAULT_LOCALE, N_
from gigcity.rules import list_rulebooks
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound, TooBusy
from gigcity.services.jobs import InProcessQueue, JobQueue, JobSpec, RetryLater
from gigcity.services.workbench import wording
from gigcity.services.workbench.engine import WorkbenchEngine
from gigcity.services.workbench.job import HEARTBEAT_S, exit_with_parent, run_job
from gigcity.services.workbench.schemas import (
    MAX_EQUAL_SERVICE_ORDERS,
    MAX_ORDERS,
    Choice,
    Plot,
    RunCreate,
    RunOut,
    RunResult,
    WorkbenchOptions,
)

log = logging.getLogger("gigcity.workbench")
STARTERS = frozenset({Role.admin, Role.platform})
STALE = timedelta(seconds=max(120.0, 6 * HEARTBEAT_S))
ACTIVE = ("queued", "running")
# A run holds a core for up to minutes: at most this many wait or run at once, in all and
# for one caller (an account, or a platform's key), so no one can queue the server full.
MAX_ACTIVE_RUNS = 6
MAX_ACTIVE_PER_CALLER = 2
BUSY_RETRY_S = 60
RUN_JOB = JobSpec("workbench.run", queue="workbench")


class WorkbenchService:
    def __init__(
        self,
        factory: sessionmaker[Session],
        database_url: str,
        *,
        engine: WorkbenchEngine | None = None,
        jobs: JobQueue | None = None,
        workers: int = 1,
        pool: Literal["process", "thread"] = "process",
        max_active: int = MAX_ACTIVE_RUNS,
        max_active_per_caller: int = MAX_ACTIVE_PER_CALLER,
    ) -> None:
        self.factory = factory
        self.engine = engine
        self.database_url = database_url
        self.workers = workers
        self.pool = pool
        self.max_active = max_active
        self.max_active_per_caller = max_active_per_caller
        self.instance_id = uuid.uuid4().hex
        # Standing alone (tests, tools), the service runs its own jobs in this process.
        self._own_jobs = jobs is None
        self.jobs: JobQueue = jobs or InProcessQueue(
            [RUN_JOB],
            lambda _name, args, last: self._execute_job(args, last),
            {"workbench": workers},
        )
        self._executor: Executor | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beating = False

    # -- reading -----------------------------------------------------------------------

    def options(self, caller: Principal, locale: str = DEFAULT_LOCALE) -> WorkbenchOptions:
        engine = self.engine
        scenarios = list(engine.scenario_names()) if engine is not None else []
        return WorkbenchOptions(
            rulebooks=[
                Choice(id=name, title=wording.rulebook_title(name, locale))
                for name in list_rulebooks()
            ],
            scenarios=[
                Choice(id=name, title=wording.scenario_title(name, locale)) for name in scenarios
            ],
            max_orders=MAX_ORDERS,
            may_start=engine is not None and caller.role in STARTERS,
        )

    def recent(self, limit: int = 50, locale: str = DEFAULT_LOCALE) -> list[RunOut]:
        with transaction(self.factory) as session:
            rows = session.scalars(
                select(WorkbenchRun).order_by(WorkbenchRun.id.desc()).limit(limit)
            ).all()
            return [self._out(self._checked(row), locale) for row in rows]

    def get(self, run_id: int, locale: str = DEFAULT_LOCALE) -> RunOut:
        with transaction(self.factory) as session:
            return self._out(self._checked(self._row(session, run_id)), locale)

    def result(self, run_id: int, locale: str = DEFAULT_LOCALE) -> RunResult:
        """The comparison with words in `locale` beside its keys, and its plots drawn in
        `locale` (a run stored before plots had languages: its English ones)."""
        with self.factory() as session:
            row = self._finished(session, run_id)
            if row.kind == "equal_service":
                data = wording.localise_equal_service(row.result or {}, row.scenario, locale)
            else:
                data = wording.localise_result(row.result or {}, row.scenario, locale)
            return RunResult(
                id=row.id,
                **data,
                plots=[Plot(**p) for p in wording.plots_for(row.plots or [], locale)],
            )

    def report(self, run_id: int) -> str:
        with self.factory() as session:
            return self._finished(session, run_id).report_html or ""

    # -- starting ----------------------------------------------------------------------

    def start(self, caller: Principal, request: RunCreate, locale: str = DEFAULT_LOCALE) -> RunOut:
        if caller.role not in STARTERS:
            raise Forbidden(N_("Only district admins and platforms may start workbench runs."))
        if self.engine is None:
            raise Conflict(
                N_("This platform runs no simulator, so workbench runs cannot be started here.")
            )
        scenarios = self.engine.scenario_names()
        if request.scenario not in scenarios:
            raise InvalidInput(
                N_("There is no scenario {name} (known: {known})."),
                field="scenario",
                name=request.scenario,
                known=", ".join(scenarios),
            )
        known = list_rulebooks()
        for field, name in (("rules_a", request.rules_a), ("rules_b", request.rules_b)):
            if name not in known:
                raise InvalidInput(
                    N_("There is no rulebook {name} (known: {known})."),
                    field=field,
                    name=name,
                    known=", ".join(known),
                )
        params = self._params(request)
        now = utcnow()
        with transaction(self.factory) as session:
            self._check_room(session, caller)
            row = WorkbenchRun(
                status="queued",
                rules_a=request.rules_a,
                rules_b=request.rules_b,
                scenario=request.scenario,
                seed=request.seed,
                orders=request.orders,
                attribution=request.attribution and params is None,
                kind=request.kind,
                params=params,
                progress=0.0,
                stage="queued",
                requested_by=caller.label or caller.role.value,
                account_id=caller.account_id,
                owner=self.instance_id,
                created_at=now,
                heartbeat_at=now,
            )
            session.add(row)
            session.flush()
            row.job_id = self.jobs.defer(session, RUN_JOB.name, run_id=row.id)
            out = self._out(row, locale)
        if not self.jobs.durable:
            self._beat_while_queued()
        return out

    @staticmethod
    def _params(request: RunCreate) -> dict[str, Any] | None:
        """An equal-service run's parameters (None for a comparison), refusing with the
        field what does not fit the run's kind."""
        extras = {
            "seeds": request.seeds != 1,
            "target_undelivered": request.target_undelivered is not None,
            "target_p90_min": request.target_p90_min is not None,
            "who_gains": request.who_gains,
        }
        if request.kind == "compare":
            for field, given in extras.items():
                if given:
                    raise InvalidInput(
                        N_("This field is only for equal-service runs; this run is a comparison."),
                        field=field,
                    )
            return None
        if request.attribution and "attribution" in request.model_fields_set:
            raise InvalidInput(
                N_("An equal-service run attributes nothing to clauses: leave attribution out."),
                field="attribution",
            )
        if request.orders > MAX_EQUAL_SERVICE_ORDERS:
            raise InvalidInput(
                N_("An equal-service run simulates the day many times: at most {most} orders."),
                field="orders",
                most=MAX_EQUAL_SERVICE_ORDERS,
            )
        return {
            "seeds": request.seeds,
            "target_undelivered": request.target_undelivered,
            "target_p90_min": request.target_p90_min,
            "who_gains": request.who_gains,
        }

    def _check_room(self, session: Session, caller: Principal) -> None:
        """Refuse (429) a run when too many are waiting or running already, counted under a
        lock so that simultaneous starts cannot all slip under the cap."""
        lock_named(session, "workbench-start")
        active = session.execute(
            select(
                func.count(),
                func.count().filter(self._started_by(caller)),
            ).where(WorkbenchRun.status.in_(ACTIVE))
        ).one()
        if active[1] >= self.max_active_per_caller:
            raise TooBusy(
                N_("You have {count} workbench runs waiting or running; start another when one has finished."),
                retry_after_s=BUSY_RETRY_S,
                count=active[1],
            )  # fmt: skip
        if active[0] >= self.max_active:
            raise TooBusy(
                N_("{count} workbench runs are waiting or running; try again when one has finished."),
                retry_after_s=BUSY_RETRY_S,
                count=active[0],
            )  # fmt: skip

    @staticmethod
    def _started_by(caller: Principal) -> ColumnElement[bool]:
        """Runs started by this account, or by this platform key (keys have no account)."""
        if caller.account_id is not None:
            return WorkbenchRun.account_id == caller.account_id
        return and_(
            WorkbenchRun.account_id.is_(None),
            WorkbenchRun.requested_by == (caller.label or caller.role.value),
        )

    # -- executing (called by the job queue) ---------------------------------------------

    def _execute_job(self, args: Mapping[str, Any], last_attempt: bool) -> None:
        self.execute(int(args["run_id"]), last_attempt=last_attempt)

    def execute(self, run_id: int, *, last_attempt: bool = True) -> str:
        """Execute run `run_id` in a worker process and wait for it; its final status.

        A worker process that died (killed, out of memory) is a passing failure: the job
        runs again (`RetryLater`) unless this was its last attempt, which fails the run.
        What the comparison itself raises fails the run.
        """
        if self.engine is None:
            self._fail(run_id, "this job worker runs no simulator")
            return "failed"
        with self.factory() as session:
            kind = session.scalar(select(WorkbenchRun.kind).where(WorkbenchRun.id == run_id))
        call = self.engine.equal_service if kind == "equal_service" else self.engine.compare
        executor = self._pool()
        try:
            future = executor.submit(run_job, call, self.database_url, run_id, self.jobs.durable)
            return future.result()
        except BrokenProcessPool as error:
            with self._lock:
                if self._executor is executor:
                    self._executor = None
            if last_attempt:
                self._fail(run_id, "the worker process running this run died, every time")
                return "failed"
            raise RetryLater(f"the worker process running run {run_id} died") from error

    def _pool(self) -> Executor:
        with self._lock:
            if self._executor is None:
                if self.pool == "thread":
                    self._executor = ThreadPoolExecutor(self.workers, "workbench")
                else:
                    # spawn: the server has threads, and fork would copy their locks.
                    context = multiprocessing.get_context("spawn")
                    self._executor = ProcessPoolExecutor(
                        self.workers,
                        mp_context=context,
                        initializer=exit_with_parent,
                        initargs=(os.getpid(),),
                    )
            return self._executor

    def _beat_while_queued(self) -> None:
        """In-process jobs: runs waiting in this server's queue beat too, so other servers
        sharing the database do not take them for abandoned."""
        with self._lock:
            if self._beating:
                return
            self._beating = True
            self._stop.clear()
        threading.Thread(target=self._beat_queued, name="workbench-beat", daemon=True).start()

    def _beat_queued(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                with transaction(self.factory) as session:
                    session.execute(
                        update(WorkbenchRun)
                        .where(
                            WorkbenchRun.owner == self.instance_id,
                            WorkbenchRun.status == "queued",
                        )
                        .values(heartbeat_at=utcnow())
                    )
            except SQLAlchemyError:  # the database is going away; the next beat may work
                log.warning("workbench: could not record the queue's heartbeat", exc_info=True)

    def _fail(self, run_id: int, message: str) -> None:
        with transaction(self.factory) as session:
            session.execute(
                update(WorkbenchRun)
                .where(WorkbenchRun.id == run_id, WorkbenchRun.status.in_(ACTIVE))
                .values(status="failed", error=message[:2000], finished_at=utcnow())
            )

    def close(self) -> None:
        self._stop.set()
        if self._own_jobs:
            self.jobs.close()
        with self._lock:
            self._beating = False
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None

    # -- helpers -----------------------------------------------------------------------

    @staticmethod
    def _row(session: Session, run_id: int) -> WorkbenchRun:
        row = session.get(WorkbenchRun, run_id)
        if row is None:
            raise NotFound(N_("There is no workbench run {id}."), id=run_id)
        return row

    def _finished(self, session: Session, run_id: int) -> WorkbenchRun:
        row = self._row(session, run_id)
        if row.status != "done":
            raise Conflict(
                N_("Workbench run {id} is {status}: its report exists once it is done."),
                id=run_id,
                status=row.status,
            )
        return row

    def _checked(self, row: WorkbenchRun) -> WorkbenchRun:
        """In-process jobs: a queued or running row whose server has gone quiet becomes
        interrupted (durable jobs are run again instead)."""
        if not self.jobs.durable and row.status in ACTIVE and row.owner != self.instance_id:
            beat = row.heartbeat_at or row.created_at
            if beat.tzinfo is None:
                from datetime import UTC

                beat = beat.replace(tzinfo=UTC)
            if utcnow() - beat > STALE:
                row.status = "interrupted"
                row.error = "the server stopped while this run was queued or running"
                row.finished_at = utcnow()
        return row

    @staticmethod
    def _out(row: WorkbenchRun, locale: str) -> RunOut:
        done = row.status == "done"
        base = f"/api/workbench/runs/{row.id}"
        params = row.params or {}
        return RunOut(
            id=row.id,
            kind="equal_service" if row.kind == "equal_service" else "compare",
            seeds=int(params.get("seeds", 1)),
            target_undelivered=params.get("target_undelivered"),
            target_p90_min=params.get("target_p90_min"),
            who_gains=bool(params.get("who_gains", False)),
            status=row.status,
            rules_a=row.rules_a,
            rules_b=row.rules_b,
            scenario=row.scenario,
            seed=row.seed,
            orders=row.orders,
            attribution=row.attribution,
            progress=round(row.progress, 4),
            stage=row.stage,
            stage_text=wording.stage_text(row.stage, locale),
            error=row.error,
            error_text=wording.error_text(row.error, locale),
            rules_a_title=wording.rulebook_title(row.rules_a, locale),
            rules_b_title=wording.rulebook_title(row.rules_b, locale),
            scenario_title=wording.scenario_title(row.scenario, locale),
            requested_by=row.requested_by,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            result_url=f"{base}/result" if done else None,
            report_url=f"{base}/report" if done else None,
        )
