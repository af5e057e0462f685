"""Visits logged at a station's desk: by the driver's QR code (a short-lived code signed with
the instance's key, naming the driver's account) or by plate, the plate kept only when the
driver's consent is recorded with it. After 30 days a visit is rolled into its day's counts
(how many visits, how many used each service) and deleted: the retention job's rule."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import delete, select

from gigcity.db.models import StationVisit, StationVisitCount
from gigcity.db.session import lock_named, transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.care.stations.base import (
    StationsBase,
    get_station,
    require_driver,
)
from gigcity.services.care.stations.schemas import (
    DriverCode,
    ServiceKind,
    VisitDay,
    VisitIn,
    VisitOut,
)
from gigcity.services.errors import InvalidInput
from gigcity.services.places.access import check_station_staff
from gigcity.services.qr import qr_svg
from gigcity.services.types import as_utc

CODE_TTL = timedelta(minutes=15)  # a QR shown on a phone is good this long
VISITS_KEPT = timedelta(days=30)
ROLLUP_BATCH = 1000
ROLLUP_LOCK = "stations.visit_counts"


def _visit_out(row: StationVisit) -> VisitOut:
    return VisitOut(
        id=row.id,
        place_id=row.place_id,
        at=as_utc(row.at),
        by="plate" if row.plate else "code",
        plate=row.plate,
        services=[ServiceKind(s) for s in row.services],
    )


class Visits(StationsBase):
    # -- the driver's code -------------------------------------------------------------

    def driver_code(self, principal: Principal) -> DriverCode:
        """The code the driver's phone shows as a QR: their account, an expiry and a MAC."""
        with self.factory() as session:
            account_id = require_driver(session, principal)
        expires = self.clock() + CODE_TTL
        stamp = int(expires.timestamp())
        body = f"{account_id}.{stamp}"
        code = f"{body}.{self.mac(body)}"
        return DriverCode(code=code, expires_at=expires, qr_svg=qr_svg(code))

    # -- the desk ----------------------------------------------------------------------

    def log_visit(self, principal: Principal, place_id: int, data: VisitIn) -> VisitOut:
        check_station_staff(principal, place_id)
        if (data.code is None) == (data.plate is None):
            raise InvalidInput(N_("Give either the driver's code or a plate."), field="code")
        if data.plate is not None and not data.plate_consent:
            raise InvalidInput(
                N_("A plate is kept only with the driver's consent."), field="plate_consent"
            )
        account_id = self.account_of_code(data.code) if data.code is not None else None
        now = self.clock()
        with transaction(self.factory) as session:
            get_station(session, place_id)
            row = StationVisit(
                place_id=place_id,
                at=now,
                account_id=account_id,
                plate=data.plate,
                plate_consent_at=now if data.plate is not None else None,
                services=[s.value for s in data.services],
                logged_by=principal.account_id,
            )
            session.add(row)
            session.flush()
            return _visit_out(row)

    def visit_day(self, principal: Principal, place_id: int, day: date) -> VisitDay:
        """A local day's visits at the station: the list while kept, and the counts (from
        the list, plus what retention rolled up)."""
        check_station_staff(principal, place_id)
        start = self.local_at(day, time(0))
        end = start + timedelta(days=1)
        with self.factory() as session:
            get_station(session, place_id)
            rows = list(
                session.scalars(
                    select(StationVisit)
                    .where(
                        StationVisit.place_id == place_id,
                        StationVisit.at >= start,
                        StationVisit.at < end,
                    )
                    .order_by(StationVisit.at, StationVisit.id)
                )
            )
            rolled = session.scalar(
                select(StationVisitCount).where(
                    StationVisitCount.place_id == place_id, StationVisitCount.day == day
                )
            )
            services: dict[str, int] = dict(rolled.services) if rolled else {}
            for row in rows:
                for kind in row.services:
                    services[kind] = services.get(kind, 0) + 1
            return VisitDay(
                day=day,
                visits=len(rows) + (rolled.visits if rolled else 0),
                services=services,
                listed=[_visit_out(r) for r in rows],
            )

    # -- retention ---------------------------------------------------------------------

    def purge_visits(self, kept: timedelta = VISITS_KEPT) -> int:
        """Roll visits older than `kept` into their local day's counts and delete them (in
        batches, each one transaction); how many."""
        cutoff = self.clock() - kept
        total = 0
        while True:
            with transaction(self.factory) as session:
                lock_named(session, ROLLUP_LOCK)
                rows = list(
                    session.scalars(
                        select(StationVisit)
                        .where(StationVisit.at < cutoff)
                        .order_by(StationVisit.id)
                        .limit(ROLLUP_BATCH)
                    )
                )
                counts: dict[tuple[int, date], tuple[int, dict[str, int]]] = {}
                for row in rows:
                    key = (row.place_id, as_utc(row.at).astimezone(self.tz).date())
                    visits, services = counts.get(key, (0, {}))
                    for kind in row.services:
                        services[kind] = services.get(kind, 0) + 1
                    counts[key] = (visits + 1, services)
                for (place_id, day), (visits, services) in counts.items():
                    found = session.scalar(
                        select(StationVisitCount).where(
                            StationVisitCount.place_id == place_id, StationVisitCount.day == day
                        )
                    )
                    if found is None:
                        session.add(
                            StationVisitCount(
                                place_id=place_id, day=day, visits=visits, services=services
                            )
                        )
                    else:
                        merged = dict(found.services)
                        for kind, n in services.items():
                            merged[kind] = merged.get(kind, 0) + n
                        found.visits += visits
                        found.services = merged
                if rows:
                    session.execute(
                        delete(StationVisit).where(StationVisit.id.in_([r.id for r in rows]))
                    )
            total += len(rows)
            if len(rows) < ROLLUP_BATCH:
                return total
