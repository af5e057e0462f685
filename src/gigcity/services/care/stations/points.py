"""Stations and their services: a truck-driver station (a service point of kind
`truck_driver_station`) lists its showers, washing machines, dryers, recliners and repair
bay, each with how many units, a typical use in minutes and its hours. The station's staff
and district admins keep them; anyone reads them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gigcity.db.models import Place, StationProgramme, StationService
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.care.stations.base import (
    StationsBase,
    get_station,
    service_hours,
)
from gigcity.services.care.stations.programmes import (
    active_programmes,
    programme_out,
    set_programmes,
)
from gigcity.services.care.stations.schemas import (
    QUEUED,
    ServiceIn,
    ServiceKind,
    ServiceOut,
    StationOut,
)
from gigcity.services.errors import Conflict
from gigcity.services.places import OpeningHours, PlaceKind
from gigcity.services.places.access import check_station_staff

KIND_ORDER = list(ServiceKind)


def service_out(
    row: StationService,
    place: Place,
    now_local: datetime,
    programmes: list[StationProgramme] | None = None,
) -> ServiceOut:
    hours = service_hours(row, place)
    kind = ServiceKind(row.kind)
    return ServiceOut(
        id=row.id,
        place_id=row.place_id,
        kind=kind,
        units=row.units,
        typical_minutes=row.typical_minutes,
        hours=hours.to_text(),
        open_now=hours.is_open(now_local),
        active=row.active,
        queued=kind in QUEUED,
        programmes=[programme_out(p) for p in programmes or []],
    )


class Points(StationsBase):
    def _station_out(
        self,
        place: Place,
        rows: list[StationService],
        programmes: dict[int, list[StationProgramme]],
    ) -> StationOut:
        now = self.local_now()
        hours = OpeningHours.model_validate(place.hours or {})
        rows = sorted(rows, key=lambda r: KIND_ORDER.index(ServiceKind(r.kind)))
        return StationOut(
            id=place.id,
            name=place.name,
            address=place.address,
            lon=place.lon,
            lat=place.lat,
            hours=hours.to_text(),
            open_now=hours.is_open(now),
            services=[service_out(r, place, now, programmes.get(r.id)) for r in rows],
        )

    def stations(self) -> list[StationOut]:
        """Every truck-driver station with its services, by name."""
        with self.factory() as session:
            places = list(
                session.scalars(
                    select(Place)
                    .where(Place.kind == PlaceKind.truck_driver_station.value)
                    .order_by(Place.name, Place.id)
                )
            )
            rows = list(
                session.scalars(
                    select(StationService).where(
                        StationService.place_id.in_([p.id for p in places])
                    )
                )
            )
            by_place: dict[int, list[StationService]] = {}
            for row in rows:
                by_place.setdefault(row.place_id, []).append(row)
            programmes = active_programmes(session, [r.id for r in rows])
            return [self._station_out(p, by_place.get(p.id, []), programmes) for p in places]

    def station(self, place_id: int) -> StationOut:
        with self.factory() as session:
            place = get_station(session, place_id)
            rows = list(
                session.scalars(select(StationService).where(StationService.place_id == place_id))
            )
            return self._station_out(place, rows, active_programmes(session, [r.id for r in rows]))

    def set_service(
        self, principal: Principal, place_id: int, kind: ServiceKind, data: ServiceIn
    ) -> ServiceOut:
        """Add or change one service of a station (one row per kind)."""
        check_station_staff(principal, place_id)
        try:
            with transaction(self.factory) as session:
                place = get_station(session, place_id)
                row = session.scalar(
                    select(StationService).where(
                        StationService.place_id == place_id, StationService.kind == kind.value
                    )
                )
                if row is None:
                    row = StationService(place_id=place_id, kind=kind.value)
                    session.add(row)
                row.units = data.units
                row.typical_minutes = data.typical_minutes
                row.hours = data.hours.model_dump(mode="json") if data.hours else {}
                row.active = data.active
                row.updated_by = principal.account_id
                row.updated_at = self.clock()
                session.flush()
                if data.programmes is not None:
                    set_programmes(session, row, data.programmes)
                    session.flush()
                found = active_programmes(session, [row.id])[row.id]
                return service_out(row, place, self.local_now(), found)
        except IntegrityError:  # added at the same moment by another keeper
            raise Conflict(N_("This service was just added by someone else; try again.")) from None
