"""Audit runs on the platform: a decision log uploaded by district staff or pushed by a
platform (API key of scope `audit`) is kept in the file store, audited by the background
job `audit.run` against the rulebook in force on the log's first day (or the one asked),
and its report and findings are kept, pseudonymised, in the file store.

Who sees what: district admins upload, read and delete every run; a platform key uploads
and reads only the runs it pushed; grid officers read every run's (pseudonymised) report
but upload nothing. Rider ids never reach the database or the kept files: the log is
deleted once read, and staff find a rider's findings by hashing the id they type."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import secrets
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import AuditRun
from gigcity.db.session import transaction
from gigcity.i18n import N_, gettext
from gigcity.rules import Rulebook, list_rulebooks, load_rulebook
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.accounts.instance_secrets import get_or_create_secret
from gigcity.services.audit import engine
from gigcity.services.audit.catalog import BY_ID, check_title, evidence_text
from gigcity.services.audit.logfile import LogFileError, read_log
from gigcity.services.audit.pseudonym import pseudonym
from gigcity.services.audit.report_model import AuditComparison, AuditReport, Finding
from gigcity.services.audit.run_schemas import (
    AuditOptions,
    CheckVerdict,
    FindingOut,
    RiderFindings,
    RulebookOption,
    RunFiles,
    RunOut,
    RunStatus,
)
from gigcity.services.audit.streets_eta import StreetRides
from gigcity.services.day_clock import DayClock
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.jobs import JobQueue, JobSpec
from gigcity.services.rulebooks import RulebooksService
from gigcity.services.storage import FileStore
from gigcity.services.streets import StreetsService
from gigcity.services.streets.service import StreetsUnavailable
from gigcity.services.types import as_utc
from gigcity.services.uploads import upload_name

log = logging.getLogger("gigcity.audit")

AUDIT_JOB = JobSpec("audit.run")
AUDIT_JOBS = [AUDIT_JOB]
MB = 1024 * 1024
MAX_FILE_BYTES = 512 * MB
SUFFIXES = (".jsonl", ".jsonl.gz", ".csv", ".csv.gz", ".parquet")
MAX_ETA_TOLERANCE_S = 3600.0
PROGRESS_STEP = 0.05  # progress written to the run at most every 5 %
# Embedded mode: a queued or running run silent this long was lost with its server (a day's
# audit writes progress every few seconds; reading a month's file takes a minute or two).
STALE_AFTER = timedelta(minutes=30)
N_LOST = N_("The server stopped while this audit was waiting or running: upload the log again.")
# The share of a run's progress before the checks start (reading the log) and after they
# end (writing the report): the engine's own progress fills the rest.
READ_SHARE, WRITE_SHARE = 0.15, 0.05
PSEUDONYM_LABEL = b"gigcity audit pseudonyms"
DEV_KEY_SECRET = "audit-pseudonym-key"  # dev and demo without a secret: kept per database
LIST_LIMIT = 200


def _parse_rules(text: str) -> tuple[str, int | None]:
    """`putuo-2025` or `putuo-2025@2`."""
    name, _, version = text.strip().partition("@")
    if not name or len(name) > 64 or (version and not version.isdigit()):
        raise InvalidInput(
            N_("Name a rulebook as its id, or its id and version (id@version)."), field="rules"
        )
    return name, int(version) if version else None


class AuditService:
    def __init__(
        self,
        factory: sessionmaker[Session],
        files: FileStore,
        jobs: JobQueue | None,
        rulebooks: RulebooksService,
        clock: DayClock,
        *,
        signing_secret: str = "",
        timezone: str = "Asia/Shanghai",
        streets: StreetsService | None = None,
    ) -> None:
        self.factory = factory
        self.streets = streets
        self.files = files
        self.jobs = jobs
        self.rulebooks = rulebooks
        self.clock = clock
        self.timezone = timezone
        self._signing_secret = signing_secret
        self._key: bytes | None = None
        self._key_lock = threading.Lock()
        self._titles: dict[tuple[str, int | None, str], str] = {}

    # -- the pseudonym key -------------------------------------------------------------------

    @property
    def pseudonym_key(self) -> bytes:
        """HMAC of a fixed label under the platform's secret key: the same on every worker
        and at every start, so a rider keeps one pseudonym across reports. Without a secret
        (dev, demo) the secret is a random one the database keeps."""
        if self._key is None:
            with self._key_lock:
                if self._key is None:
                    secret = self._signing_secret or get_or_create_secret(
                        self.factory, DEV_KEY_SECRET, lambda: secrets.token_hex(32)
                    )
                    self._key = hmac.new(
                        secret.encode("utf-8"), PSEUDONYM_LABEL, hashlib.sha256
                    ).digest()
        return self._key

    def pseudonym_of(self, rider_id: str) -> str:
        return pseudonym(self.pseudonym_key, rider_id)

    # -- who may ---------------------------------------------------------------------------

    @staticmethod
    def may_upload(principal: Principal) -> bool:
        if principal.role == Role.admin:
            return True
        return principal.role == Role.platform and Scope.audit in principal.scopes

    def _require_upload(self, principal: Principal) -> None:
        if not self.may_upload(principal):
            raise Forbidden(
                N_("Only district admins and platforms with an audit key may upload logs.")
            )

    @staticmethod
    def _require_reader(principal: Principal) -> None:
        if principal.role in (Role.admin, Role.officer):
            return
        if principal.role == Role.platform and Scope.audit in principal.scopes:
            return
        raise Forbidden(N_("Only district staff and the platform that sent a log read audits."))

    def _readable(self, session: Session, principal: Principal, run_id: int) -> AuditRun:
        """The run, if `principal` may read it (a platform key: only those it pushed; others'
        are answered as missing, so a key learns nothing of other platforms' runs)."""
        self._require_reader(principal)
        row = session.get(AuditRun, run_id)
        if row is None or (
            principal.role == Role.platform and row.by_api_key_id != principal.api_key_id
        ):
            raise NotFound(N_("There is no audit run {id}."), id=run_id)
        return row

    # -- uploading -------------------------------------------------------------------------

    def start_run(
        self,
        principal: Principal,
        filename: str,
        data: bytes,
        *,
        rules: str | None = None,
        eta_tolerance_s: float | None = None,
        wait: bool = False,
    ) -> RunOut:
        """Keep the file and queue its audit; the answer's `status_url` tells its progress.
        `wait` (tools, the demo): audit it now, in this process."""
        self._require_upload(principal)
        name = upload_name(filename, data, MAX_FILE_BYTES)
        suffix = next((s for s in SUFFIXES if name.lower().endswith(s)), None)
        if suffix is None:
            raise InvalidInput(
                N_(
                    "A decision log is a JSON Lines, CSV or Parquet file, gzip-compressed or "
                    "not (.jsonl, .jsonl.gz, .csv, .csv.gz, .parquet)."
                ),
                field="file",
            )
        asked = rules.strip() if rules and rules.strip() else None
        if asked is not None:
            self._rulebook_asked(asked, self.clock.today())  # refused now, not in the job
        tolerance = engine.DEFAULT_ETA_TOLERANCE_S if eta_tolerance_s is None else eta_tolerance_s
        if not 0 <= tolerance <= MAX_ETA_TOLERANCE_S:
            raise InvalidInput(
                N_("The tolerance is from 0 to {max} seconds."),
                field="eta_tolerance_s",
                max=int(MAX_ETA_TOLERANCE_S),
            )
        sha = hashlib.sha256(data).hexdigest()
        with transaction(self.factory) as session:
            row = AuditRun(
                filename=name,
                sha256=sha,
                status=RunStatus.queued.value,
                progress=0.0,
                rules_asked=asked,
                eta_tolerance_s=float(tolerance),
                by_account_id=principal.account_id,
                by_api_key_id=principal.api_key_id,
                at=self.clock.now(),
                heartbeat_at=self.clock.now(),
            )
            session.add(row)
            session.flush()
            # A random part: ids restart with a new database, file stores may be shared.
            key = f"audit/runs/{row.id}-{secrets.token_hex(8)}/log{suffix}"
            self.files.put(key, data, "application/octet-stream")
            row.file_key = key
            queued = self.jobs is not None and not wait
            if queued:
                assert self.jobs is not None
                self.jobs.defer(session, AUDIT_JOB.name, run_id=row.id)
            run_id = row.id
        if not queued:
            try:
                self.run_audit(run_id)
            except Exception:  # the run is failed and says why; the log has the rest
                log.exception("audit run %d failed", run_id)
        return self.get_run(principal, run_id, "en")

    # -- the rulebook ------------------------------------------------------------------------

    def _rulebook_asked(self, asked: str, day: date) -> Rulebook:
        name, version = _parse_rules(asked)
        try:
            return self.rulebooks.choose(day, name, version).rulebook
        except NotFound:
            raise InvalidInput(
                N_("No rulebook of that name is published or shipped; choose one from the list."),
                field="rules",
            ) from None

    def _rulebook_in_force(self, day: date) -> Rulebook:
        """The published version in force on `day`; else the shipped rulebook whose dates
        cover it (the latest to take effect)."""
        try:
            return self.rulebooks.choose(day, None, None).rulebook
        except NotFound:
            pass
        covering = [
            book
            for book in (load_rulebook(name) for name in list_rulebooks())
            if book.effective_from <= day
            and (book.effective_until is None or day <= book.effective_until)
        ]
        if not covering:
            raise InvalidInput(
                N_("No rulebook is in force on {day}; choose the rulebook to audit against."),
                field="rules",
                day=day.isoformat(),
            )
        return max(covering, key=lambda book: (book.effective_from, book.version))

    def _one_rulebook(self, first: Rulebook, days: tuple[date, ...]) -> None:
        """A log whose days fall under two rulebooks is refused, naming the day the rules
        changed: each part is then audited against its own rules, never both against one."""
        for day in days[1:]:
            book = self._rulebook_in_force(day)
            if (book.id, book.version) != (first.id, first.version):
                raise InvalidInput(
                    N_(
                        "The rules in force changed on {day}: upload the days before it and "
                        "the days from it as two logs, or choose the rulebook to audit against."
                    ),
                    field="rules",
                    day=day.isoformat(),
                )

    def _street_rides(self) -> StreetRides | None:
        """The district's streets, when loaded, for the ETA check's own estimate."""
        if self.streets is None:
            return None
        try:
            return StreetRides(self.streets.travel)
        except StreetsUnavailable:
            return None

    def options(self, principal: Principal, locale: str) -> AuditOptions:
        """What the upload form offers: the published versions and the shipped rulebooks."""
        self._require_reader(principal)
        overview = self.rulebooks.overview()
        choices: list[RulebookOption] = []
        seen: set[str] = set()
        for version in overview.versions:
            seen.add(version.rulebook_id)
            title = version.title_zh if locale.startswith("zh") else version.title_en
            choices.append(
                RulebookOption(
                    value=version.ref,
                    title=gettext(
                        locale,
                        N_("{title}, version {version}"),
                        title=title,
                        version=version.version,
                    ),
                )
            )
        for name in list_rulebooks():
            if name not in seen:
                book = load_rulebook(name)
                choices.append(
                    RulebookOption(
                        value=f"{book.id}@{book.version}",
                        title=gettext(
                            locale,
                            N_("{title}, version {version}"),
                            title=book.title_in(locale),
                            version=book.version,
                        ),
                    )
                )
        return AuditOptions(
            rulebooks=choices,
            max_file_mb=MAX_FILE_BYTES // MB,
            suffixes=list(SUFFIXES),
            default_eta_tolerance_s=engine.DEFAULT_ETA_TOLERANCE_S,
            may_upload=self.may_upload(principal),
        )

    # -- the job -----------------------------------------------------------------------------

    def run_job(self, task: str, args: Any, last_attempt: bool) -> None:
        if task == AUDIT_JOB.name:
            self.run_audit(int(args["run_id"]))
        else:
            raise ValueError(f"no audit job is called {task!r}")

    def run_audit(self, run_id: int) -> None:
        """The job: read the log, audit it, keep the report and findings, fill the run in
        one transaction. Whatever goes wrong leaves the run failed with the reason and no
        files of it behind; the uploaded log is deleted either way (it names riders)."""
        with transaction(self.factory) as session:
            claimed = session.execute(
                update(AuditRun)
                .where(
                    AuditRun.id == run_id,
                    AuditRun.status.in_([RunStatus.queued.value, RunStatus.running.value]),
                )
                .values(
                    status=RunStatus.running.value,
                    progress=0.0,
                    error=None,
                    heartbeat_at=self.clock.now(),
                )
            ).rowcount  # type: ignore[attr-defined]
            row = session.get(AuditRun, run_id)
            if not claimed or row is None or row.file_key is None:
                return  # done, failed, or deleted: nothing to do
            key, name = row.file_key, row.filename
            asked, tolerance = row.rules_asked, row.eta_tolerance_s
        written: list[str] = []
        try:
            values = self._audit(run_id, key, name, asked, tolerance, written)
        except LogFileError as error:
            self._fail(
                run_id, written, N_("The file is no decision log: {reason}"), reason=str(error)
            )
        except InvalidInput as error:
            self._fail(run_id, written, error.message, **error.params)
        except Exception:
            self._fail(
                run_id,
                written,
                N_("The audit stopped on an unexpected error; try again, or tell the operators."),
            )
            raise
        else:
            with transaction(self.factory) as session:
                finished = session.execute(
                    update(AuditRun)
                    .where(AuditRun.id == run_id, AuditRun.status == RunStatus.running.value)
                    .values(**values)
                ).rowcount  # type: ignore[attr-defined]
            if not finished:  # deleted while it ran
                self._delete_files(written)
        finally:
            self.files.delete(key)

    def _audit(
        self,
        run_id: int,
        key: str,
        name: str,
        asked: str | None,
        tolerance: float,
        written: list[str],
    ) -> dict[str, Any]:
        data = self.files.get(key)
        if data is None:
            raise InvalidInput(N_("The uploaded log is no longer kept; upload it again."))
        decision_log = read_log(data, name, timezone=self.timezone)
        del data
        report_progress = self._progress_writer(run_id)
        report_progress(READ_SHARE)
        day = decision_log.days[0] if decision_log.days else self.clock.today()
        if asked is not None:
            rulebook = self._rulebook_asked(asked, day)
        else:
            rulebook = self._rulebook_in_force(day)
            self._one_rulebook(rulebook, decision_log.days)
        scale = 1.0 - READ_SHARE - WRITE_SHARE
        result = engine.audit(
            decision_log,
            rulebook,
            key=self.pseudonym_key,
            eta_tolerance_s=tolerance,
            streets=self._street_rides(),
            progress=lambda share: report_progress(READ_SHARE + scale * share),
        )
        report = result.report
        from gigcity.services.audit import render  # the renderer loads its fonts and charts

        prefix = key.rsplit("/", 1)[0]
        report_key = f"{prefix}/report.json"
        csv_key = f"{prefix}/findings.csv"
        parquet_key = f"{prefix}/findings.parquet"

        def parquet() -> bytes:
            buffer = io.BytesIO()
            result.findings.write_parquet(buffer)
            return buffer.getvalue()

        # Each file made only after the one before is kept, so a failure leaves `written`
        # naming exactly what to remove.
        outputs: list[tuple[str, Callable[[], bytes], str]] = [
            (report_key, lambda: report.model_dump_json().encode("utf-8"), "application/json"),
            (csv_key, lambda: render.findings_csv(result.findings), "text/csv"),
            (parquet_key, parquet, "application/octet-stream"),
        ]
        for file_key, make, kind in outputs:
            self.files.put(file_key, make(), kind)
            written.append(file_key)
        applicable = [c for c in report.checks if c.applicable]
        days = report.log.days
        return {
            "status": RunStatus.done.value,
            "progress": 1.0,
            "rulebook_id": report.rulebook.id,
            "rulebook_version": report.rulebook.version,
            "first_day": min(days) if days else None,
            "last_day": max(days) if days else None,
            "rows": report.log.rows,
            "refused": report.log.refused,
            "orders": report.log.orders,
            "riders": report.log.riders,
            "checks_failed": sum(1 for c in applicable if c.passed is False),
            "checks_applicable": len(applicable),
            "findings": sum(c.findings for c in report.checks),
            "checks": [
                {
                    "check": c.check,
                    "applicable": c.applicable,
                    "passed": c.passed,
                    "checked": c.checked,
                    "breaches": c.breaches,
                    "rate": c.rate,
                }
                for c in report.checks
            ],
            "report_key": report_key,
            "findings_key": csv_key,
            "finished_at": self.clock.now(),
        }

    def _progress_writer(self, run_id: int) -> Callable[[float], None]:
        """Writes the share done to the run, each in its own short transaction, when it has
        moved by `PROGRESS_STEP` since the last write (pages poll it)."""
        last = [0.0]

        def write(share: float) -> None:
            share = min(max(share, 0.0), 1.0)
            if share - last[0] < PROGRESS_STEP:
                return
            last[0] = share
            with transaction(self.factory) as session:
                session.execute(
                    update(AuditRun)
                    .where(AuditRun.id == run_id, AuditRun.status == RunStatus.running.value)
                    .values(progress=round(share, 3), heartbeat_at=self.clock.now())
                )

        return write

    def _fail(self, run_id: int, written: list[str], message: str, **params: Any) -> None:
        self._delete_files(written)
        with transaction(self.factory) as session:
            session.execute(
                update(AuditRun)
                .where(AuditRun.id == run_id, AuditRun.status == RunStatus.running.value)
                .values(
                    status=RunStatus.failed.value,
                    error=message,
                    error_params={k: str(v)[:500] for k, v in params.items()},
                    finished_at=self.clock.now(),
                )
            )

    def _delete_files(self, keys: list[str]) -> None:
        for key in keys:
            self.files.delete(key)

    # -- reading -----------------------------------------------------------------------------

    def _expire_lost(self) -> None:
        """Embedded mode: runs whose server stopped while they waited or ran are failed,
        saying so (on PostgreSQL the job queue runs them again instead)."""
        if self.jobs is not None and self.jobs.durable:
            return
        lost = (
            AuditRun.status.in_([RunStatus.queued.value, RunStatus.running.value]),
            AuditRun.heartbeat_at < self.clock.now() - STALE_AFTER,
        )
        # Pages poll the runs every few seconds: read first, write only when one was lost.
        with self.factory() as session:
            if session.scalar(select(AuditRun.id).where(*lost).limit(1)) is None:
                return
        with transaction(self.factory) as session:
            session.execute(
                update(AuditRun)
                .where(*lost)
                .values(
                    status=RunStatus.failed.value,
                    error=N_LOST,
                    error_params={},
                    finished_at=self.clock.now(),
                )
            )

    def get_run(self, principal: Principal, run_id: int, locale: str) -> RunOut:
        self._expire_lost()
        with self.factory() as session:
            return self._out(self._readable(session, principal, run_id), locale)

    def list_runs(
        self, principal: Principal, locale: str, *, limit: int = 50, offset: int = 0
    ) -> list[RunOut]:
        """Newest first: every run for staff, a platform key's own for the key."""
        self._require_reader(principal)
        self._expire_lost()
        query = select(AuditRun)
        if principal.role == Role.platform:
            query = query.where(AuditRun.by_api_key_id == principal.api_key_id)
        with self.factory() as session:
            rows = session.scalars(
                query.order_by(AuditRun.id.desc())
                .limit(max(1, min(limit, LIST_LIMIT)))
                .offset(max(0, offset))
            )
            return [self._out(row, locale) for row in rows]

    def _done(self, session: Session, principal: Principal, run_id: int) -> AuditRun:
        row = self._readable(session, principal, run_id)
        if row.status == RunStatus.failed.value:
            raise Conflict(N_("The audit failed, so it has no report."))
        if row.status != RunStatus.done.value or row.report_key is None:
            raise Conflict(
                N_("The audit has not finished yet; its report is ready when it is done.")
            )
        return row

    def _stored(self, key: str | None) -> bytes:
        data = self.files.get(key) if key else None
        if data is None:
            raise Conflict(N_("The audit's report is no longer kept."))
        return data

    def report(self, principal: Principal, run_id: int) -> AuditReport:
        with self.factory() as session:
            key = self._done(session, principal, run_id).report_key
        return AuditReport.model_validate_json(self._stored(key))

    def report_html(self, principal: Principal, run_id: int, locale: str) -> str:
        from gigcity.services.audit import render

        return render.report_html(self.report(principal, run_id), locale)

    def report_pdf(self, principal: Principal, run_id: int, locale: str) -> bytes:
        from gigcity.services.audit import render

        return render.report_pdf(self.report(principal, run_id), locale)

    def findings_csv(self, principal: Principal, run_id: int) -> bytes:
        with self.factory() as session:
            key = self._done(session, principal, run_id).findings_key
        return self._stored(key)

    def compare(self, principal: Principal, before_id: int, after_id: int) -> AuditComparison:
        return engine.compare_reports(
            self.report(principal, before_id), self.report(principal, after_id)
        )

    def comparison_html(
        self, principal: Principal, before_id: int, after_id: int, locale: str
    ) -> str:
        from gigcity.services.audit import render

        return render.comparison_html(self.compare(principal, before_id, after_id), locale)

    def rider_findings(
        self, principal: Principal, run_id: int, rider_id: str, locale: str
    ) -> RiderFindings:
        """The findings of the rider whose platform id staff typed: the id is hashed with
        the platform's key and never stored or logged."""
        rider_id = rider_id.strip()
        if not rider_id or len(rider_id) > 200:
            raise InvalidInput(N_("Type the rider's id on the platform."), field="rider_id")
        with self.factory() as session:
            key = self._done(session, principal, run_id).report_key
        assert key is not None
        table = pl.read_parquet(io.BytesIO(self._stored(_parquet_key(key))))
        alias = self.pseudonym_of(rider_id)
        mine = table.filter(pl.col("rider") == alias)
        return RiderFindings(
            run_id=run_id,
            rider=alias,
            findings=[_finding_out(row, locale) for row in mine.iter_rows(named=True)],
        )

    # -- deleting ----------------------------------------------------------------------------

    def delete_run(self, principal: Principal, run_id: int) -> None:
        if principal.role != Role.admin:
            raise Forbidden(N_("Only district admins may delete audit runs."))
        with transaction(self.factory) as session:
            row = session.get(AuditRun, run_id)
            if row is None:
                raise NotFound(N_("There is no audit run {id}."), id=run_id)
            keys = [row.file_key, row.report_key, row.findings_key, _parquet_key(row.report_key)]
            session.execute(delete(AuditRun).where(AuditRun.id == run_id))
        self._delete_files([k for k in keys if k])

    # -- shaping ---------------------------------------------------------------------------

    def _out(self, row: AuditRun, locale: str) -> RunOut:
        url = f"/api/audit/runs/{row.id}"
        done = row.status == RunStatus.done.value
        return RunOut(
            id=row.id,
            filename=row.filename,
            sha256=row.sha256,
            status=RunStatus(row.status),
            progress=row.progress,
            error=gettext(locale, row.error, **(row.error_params or {})) if row.error else None,
            rules_asked=row.rules_asked,
            rulebook_id=row.rulebook_id,
            rulebook_version=row.rulebook_version,
            rulebook_title=self._rulebook_title(row, locale),
            eta_tolerance_s=row.eta_tolerance_s,
            first_day=row.first_day,
            last_day=row.last_day,
            rows=row.rows,
            refused=row.refused,
            orders=row.orders,
            riders=row.riders,
            checks_failed=row.checks_failed,
            checks_applicable=row.checks_applicable,
            findings=row.findings,
            checks=[_verdict(c, locale) for c in row.checks or [] if c.get("check") in BY_ID],
            by_platform=row.by_api_key_id is not None,
            status_url=url,
            files=RunFiles(
                report_json=f"{url}/report.json",
                report_html=f"{url}/report.html",
                report_pdf=f"{url}/report.pdf",
                findings_csv=f"{url}/findings.csv",
            )
            if done
            else None,
            at=as_utc(row.at),
            finished_at=as_utc(row.finished_at) if row.finished_at else None,
        )

    def _rulebook_title(self, row: AuditRun, locale: str) -> str | None:
        if row.rulebook_id is None:
            return None
        known = (row.rulebook_id, row.rulebook_version, locale)
        if known in self._titles:  # versions never change once published
            return self._titles[known]
        try:
            book = self.rulebooks.choose(
                row.first_day or self.clock.today(), row.rulebook_id, row.rulebook_version
            ).rulebook
        except NotFound:
            return row.rulebook_id
        title = gettext(
            locale,
            N_("{title}, version {version}"),
            title=book.title_in(locale),
            version=book.version,
        )
        self._titles[known] = title
        return title


def _parquet_key(report_key: str | None) -> str | None:
    """The findings as Parquet (what a rider's lookup reads) sit beside the report."""
    return None if report_key is None else report_key.rsplit("/", 1)[0] + "/findings.parquet"


def _verdict(stored: dict[str, Any], locale: str) -> CheckVerdict:
    return CheckVerdict(
        check=stored["check"],
        title=check_title(stored["check"], locale),
        applicable=bool(stored["applicable"]),
        passed=stored.get("passed"),
        checked=int(stored.get("checked") or 0),
        breaches=int(stored.get("breaches") or 0),
        rate=stored.get("rate"),
    )


def _finding_out(row: dict[str, Any], locale: str) -> FindingOut:
    values = json.loads(row["values"]) if isinstance(row.get("values"), str) else {}
    finding = Finding(
        check=row["check"],
        clause=row["clause"],
        day=row["day"],
        rider=row.get("rider"),
        orders=tuple(row.get("orders") or ()),
        start=_aware(row.get("start")),
        end=_aware(row.get("end")),
        severity=float(row["severity"]),
        values=values,
    )
    try:
        evidence = evidence_text(finding, locale)
    except (KeyError, IndexError, ValueError):  # values short of what the text names
        evidence = ""
    return FindingOut(
        check=finding.check,
        title=check_title(finding.check, locale) if finding.check in BY_ID else finding.check,
        clause=finding.clause,
        day=finding.day,
        rider=finding.rider,
        orders=list(finding.orders),
        start=finding.start,
        end=finding.end,
        severity=finding.severity,
        evidence=evidence,
        values=values,
    )


def _aware(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


__all__ = ["AUDIT_JOB", "AUDIT_JOBS", "MAX_FILE_BYTES", "SUFFIXES", "AuditService"]
