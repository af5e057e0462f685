"""The running platform's services, built once from the settings and shared by API and CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from gigcity.config import Settings
from gigcity.db.migrate import current_revision, head_revision, is_current, upgrade
from gigcity.db.session import make_engine, make_sessionmaker
from gigcity.geo.district import District, load_district
from gigcity.services.accounts import AccountsService
from gigcity.services.day_clock import DayClock
from gigcity.services.pay import PayService
from gigcity.services.places.service import PlacesService
from gigcity.services.reports import ReportsService
from gigcity.services.rulebooks import RulebooksService
from gigcity.services.streets import StreetsService
from gigcity.services.workbench import WorkbenchEngine, WorkbenchService


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
        return cls(
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
            streets=StreetsService(
                factory,
                settings.data_dir,
                settings.streets,
                timezone=settings.timezone,
                district=district,
            ),
            reports=ReportsService(factory, district, settings),
            workbench=WorkbenchService(factory, settings.database_url, engine=workbench_engine),
        )

    def upgrade_database(self) -> None:
        upgrade(self.engine)

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
        return checks

    def close(self) -> None:
        self.streets.close()
        self.workbench.close()
        self.engine.dispose()
