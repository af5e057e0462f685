"""The running platform's services, built once from the settings and shared by API and CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from gigcity.config import Settings, SettingsError
from gigcity.db.migrate import current_revision, head_revision, is_current, upgrade
from gigcity.db.session import make_engine, make_sessionmaker
from gigcity.geo.district import District, load_district
from gigcity.services.accounts import AccountsService
from gigcity.services.audit.service import AUDIT_JOBS, AuditService
from gigcity.services.care import CareService
from gigcity.services.care.doctors import DOCTORS_JOBS, DoctorsService
from gigcity.services.care.stations import StationsService
from gigcity.services.day_clock import DayClock
from gigcity.services.eldercare import ELDERCARE_JOBS, EldercareService
from gigcity.services.eldercare.base import load_funding
from gigcity.services.estates import EstatesService
from gigcity.services.gates import GatesService
from gigcity.services.governance import GOVERNANCE_JOBS, GovernanceService
from gigcity.services.jobs import InProcessQueue, JobArgs, JobQueue, JobSpec, PostgresQueue
from gigcity.services.notify import NOTIFY_JOBS, NotifyService
from gigcity.services.organisation.concerns import ConcernsService
from gigcity.services.organisation.overview import OrganisationOverview
from gigcity.services.organisation.service import OrganisationService
from gigcity.services.organisation.theme_service import ThemeDayService
from gigcity.services.organisation.three_ones import ThreeOnesService
from gigcity.services.pay import PayService
from gigcity.services.places.service import PlacesService
from gigcity.services.relay import RELAY_JOBS, RelayService
from gigcity.services.reports import ReportsService
from gigcity.services.retention import apply_retention, retention_rules
from gigcity.services.rulebooks import RulebooksService
from gigcity.services.stays import STAYS_JOBS, StaysService
from gigcity.services.storage import FileStore, StorageUnavailable, file_store_from_settings
from gigcity.services.streets import StreetsService
from gigcity.services.volunteers import VolunteersService
from gigcity.services.workbench import WorkbenchEngine, WorkbenchService
from gigcity.services.workbench.service import RUN_JOB

# Daily at 03:30 Shanghai time (cron times are UTC).
RETENTION_JOB = JobSpec("retention.purge", cron="30 19 * * *")
# Every kind of background job the platform runs (a new service adds its own here).
JOBS: list[JobSpec] = [RUN_JOB, RETENTION_JOB, *RELAY_JOBS, *ELDERCARE_JOBS, *NOTIFY_JOBS]
JOBS += DOCTORS_JOBS
JOBS += STAYS_JOBS
JOBS += GOVERNANCE_JOBS
JOBS += AUDIT_JOBS


def queue_caps(settings: Settings) -> dict[str, int]:
    """How many jobs of each queue one process runs at once."""
    return {"workbench": settings.workbench_concurrency, "default": settings.jobs_concurrency}


class _JobRunner:
    """Hands a job to the platform that runs it (set once the platform is built)."""

    platform: Platform | None = None

    def __call__(self, task: str, args: JobArgs, last_attempt: bool) -> None:
        assert self.platform is not None
        self.platform.run_job(task, args, last_attempt)


@dataclass
class Platform:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    district: District
    places: PlacesService
    accounts: AccountsService
    rulebooks: RulebooksService
    pay: PayService
    streets: StreetsService
    reports: ReportsService
    workbench: WorkbenchService
    jobs: JobQueue
    files: FileStore
    estates: EstatesService
    gates: GatesService
    relay: RelayService
    eldercare: EldercareService
    notify: NotifyService
    care: CareService = field(init=False)  # built after: it reads the map's places
    stays: StaysService = field(init=False)
    doctors: DoctorsService = field(init=False)
    stations: StationsService = field(init=False)
    governance: GovernanceService = field(init=False)
    audit: AuditService = field(init=False)
    organisation: OrganisationService = field(init=False)
    theme_days: ThemeDayService = field(init=False)
    three_ones: ThreeOnesService = field(init=False)
    concerns: ConcernsService = field(init=False)
    volunteers: VolunteersService = field(init=False)
    organisation_overview: OrganisationOverview = field(init=False)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, workbench_engine: WorkbenchEngine | None = None
    ) -> Platform:
        """Build every service. `workbench_engine` runs the workbench's comparisons (the API
        and CLI pass `gigcity.sim.scenarios.ScenarioWorkbench()`); without it the workbench
        serves stored runs but starts none."""
        engine = make_engine(settings.database_url)
        factory = make_sessionmaker(engine)
        district = load_district(settings.district_file)
        clock = DayClock(settings.timezone)
        rulebooks = RulebooksService(factory, clock)
        runner = _JobRunner()
        jobs = _job_queue(settings, engine, runner)
        # One file store for every service that keeps files, shared by all workers.
        files = file_store_from_settings(settings)
        reports = ReportsService(factory, district, settings, files)
        streets = StreetsService(
            factory,
            settings.data_dir,
            settings.streets,
            timezone=settings.timezone,
            district=district,
        )
        # Estates are read by the guide and by relay points through one per-worker cache.
        estates = EstatesService(factory, district, streets, settings.timezone)
        platform = cls(
            settings=settings,
            engine=engine,
            factory=factory,
            district=district,
            places=PlacesService(factory, district, settings.timezone),
            accounts=AccountsService(
                factory,
                district,
                settings.signing_key,
                timedelta(minutes=settings.token_ttl_minutes),
            ),
            rulebooks=rulebooks,
            pay=PayService(factory, rulebooks, clock),
            streets=streets,
            reports=reports,
            workbench=WorkbenchService(
                factory,
                settings.database_url,
                engine=workbench_engine,
                jobs=jobs,
                workers=settings.workbench_concurrency,
                max_active=settings.workbench_max_active,
                max_active_per_caller=settings.workbench_max_active_per_caller,
            ),
            jobs=jobs,
            files=files,
            estates=estates,
            gates=GatesService(
                factory,
                settings.timezone,
                rate_limit_store=settings.rate_limit_store,
                estates=estates.cache,
            ),
            relay=RelayService(
                factory,
                jobs,
                clock,
                pay_per_item_fen=settings.relay_pay_per_item_fen,
                estates=estates.cache,
            ),
            eldercare=EldercareService(
                factory,
                district,
                clock,
                jobs,
                keys=settings.eldercare_keys,
                signing_secret=settings.signing_key,
                funding=load_funding(settings.eldercare_funding_file),
                rulebooks=rulebooks,
            ),
            notify=NotifyService(
                factory,
                vapid_private_key=settings.vapid_private_key,
                vapid_subject=settings.vapid_subject,
            ),
        )
        platform.care = CareService(
            factory,
            platform.places,
            hotline=settings.care_hotline,
            timezone=settings.timezone,
            jobs=jobs,
            keys=settings.eldercare_keys,
            signing_secret=settings.signing_key,
        )
        platform.stays = StaysService(factory, clock, jobs, signing_secret=settings.signing_key)
        platform.stations = StationsService(
            factory,
            jobs,
            timezone=settings.timezone,
            keys=settings.eldercare_keys,
            signing_secret=settings.signing_key,
        )
        platform.doctors = DoctorsService(
            factory,
            jobs,
            timezone=settings.timezone,
            keys=settings.eldercare_keys,
            signing_secret=settings.signing_key,
        )
        platform.governance = GovernanceService(
            factory, district, files, jobs, timezone=settings.timezone
        )
        platform.audit = AuditService(
            factory,
            files,
            jobs,
            rulebooks,
            clock,
            signing_secret=settings.signing_key,
            timezone=settings.timezone,
            streets=streets,
        )
        platform.organisation = OrganisationService(
            factory, district, keys=settings.eldercare_keys, signing_secret=settings.signing_key
        )
        members = platform.organisation.seal  # one seal of memberships, shared by the two below
        platform.theme_days = ThemeDayService(factory, clock)
        platform.three_ones = ThreeOnesService(
            factory, clock, members, signing_secret=settings.signing_key
        )
        platform.concerns = ConcernsService(factory, platform.workbench, clock, members)
        platform.volunteers = VolunteersService(
            factory, district, clock, signing_secret=settings.signing_key
        )
        platform.organisation_overview = OrganisationOverview(factory, district, clock)
        runner.platform = platform
        return platform

    def run_job(self, task: str, args: JobArgs, last_attempt: bool = True) -> None:
        """Do one job of `JOBS` now, in this process (the job queue calls this)."""
        if task == RUN_JOB.name:
            self.workbench.execute(int(args["run_id"]), last_attempt=last_attempt)
        elif task == RETENTION_JOB.name:
            apply_retention(
                retention_rules(
                    self.settings,
                    self.reports,
                    self.jobs,
                    gates=self.gates,
                    relay=self.relay,
                    eldercare=self.eldercare,
                    stations=self.stations,
                    care=self.care,
                    stays=self.stays,
                    organisation=self.organisation,
                )
                + self.doctors.retention_rules()
            )
        elif task.startswith("relay."):
            self.relay.run_job(task, args, last_attempt)
        elif task.startswith("eldercare."):
            self.eldercare.run_job(task, args, last_attempt)
        elif task.startswith("stays."):
            self.stays.run_job(task, args, last_attempt)
        elif task.startswith("doctors."):
            self.doctors.run_job(task, args, last_attempt)
        elif task.startswith("governance."):
            self.governance.run_job(task, args, last_attempt)
        elif task.startswith("audit."):
            self.audit.run_job(task, args, last_attempt)
        elif task.startswith("notify."):
            self.notify.run_job(task, args, last_attempt)
        else:
            raise ValueError(f"no job is called {task!r}")

    def upgrade_database(self) -> None:
        # Migration 0029 seals existing memberships with the organisation service's keys.
        upgrade(self.engine, attributes={"member_seal": self.organisation.seal_on})

    def schema_behind(self) -> tuple[str | None, str] | None:
        """None if the database is at the newest schema this version ships, else the revision
        it is at (None: never migrated) and the one it needs."""
        if is_current(self.engine):
            return None
        return current_revision(self.engine), head_revision()

    def readiness(self) -> dict[str, str]:
        """What a load balancer asks before sending requests: each check's state, "ok" when
        it passes (the database answers; its schema is the newest this version ships)."""
        checks: dict[str, str] = {}
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            checks["database"] = f"unreachable ({type(error).__name__})"
            checks["schema"] = "unknown"
            return checks
        checks["database"] = "ok"
        behind = self.schema_behind()
        checks["schema"] = "ok" if behind is None else f"at {behind[0]}, needs {behind[1]}"
        try:
            self.files.check()
            checks["storage"] = "ok"
        except StorageUnavailable:
            checks["storage"] = "unreachable (see the log)"
        listener = self.streets.listener_state()
        if listener is not None:  # PostgreSQL: closures and phases reach this worker
            checks["listener"] = listener
        return checks

    def close(self) -> None:
        self.streets.close()
        self.workbench.close()
        self.jobs.close()
        self.relay.close()
        self.stays.close()
        self.governance.close()  # the map's last counts of use, before the engine goes
        self.engine.dispose()


def _job_queue(settings: Settings, engine: Engine, runner: _JobRunner) -> JobQueue:
    """procrastinate on PostgreSQL (run by `gigcity worker`), else the server's own threads."""
    postgres = engine.dialect.name == "postgresql"
    if settings.job_queue == "procrastinate" and not postgres:
        raise SettingsError(
            "GIGCITY_JOB_QUEUE=procrastinate needs PostgreSQL; with SQLite, jobs run in the "
            "server (GIGCITY_JOB_QUEUE=in-process or auto)."
        )
    if settings.job_queue == "procrastinate" or (settings.job_queue == "auto" and postgres):
        return PostgresQueue(engine, JOBS)
    return InProcessQueue(JOBS, runner, queue_caps(settings))
