"""Parking offers at car parks near the stations: hours, the price per hour in fen, and the
off-peak discount (its words, its hours, its price), listed by distance from a station or
from a point. Distances and the district's local time are the friendly map's
(`geo.coords.haversine_m`, `services.positions`), not new ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from gigcity.db.models import StationParking
from gigcity.db.session import transaction
from gigcity.geo.coords import haversine_m
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.care.stations.base import StationsBase, get_station
from gigcity.services.care.stations.schemas import ParkingIn, ParkingOut, ParkingUpdate
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.places import OpeningHours
from gigcity.services.places.access import check_station_staff
from gigcity.services.positions import check_position

MAX_K = 50


def _parking_out(row: StationParking, now_local: datetime | None = None) -> ParkingOut:
    hours = OpeningHours.model_validate(row.hours or {})
    offpeak = OpeningHours.model_validate(row.offpeak_hours) if row.offpeak_hours else None
    out = ParkingOut(
        id=row.id,
        place_id=row.place_id,
        name=row.name,
        lon=row.lon,
        lat=row.lat,
        hours=hours.to_text(),
        hours_form=hours,
        price_per_hour_fen=row.price_per_hour_fen,
        offpeak_text=row.offpeak_text,
        offpeak_hours=offpeak.to_text() if offpeak else None,
        offpeak_hours_form=offpeak,
        offpeak_price_per_hour_fen=row.offpeak_price_per_hour_fen,
        active=row.active,
    )
    if now_local is not None:
        is_open = hours.is_open(now_local)
        in_offpeak = offpeak is not None and offpeak.is_open(now_local)
        price = row.price_per_hour_fen
        if in_offpeak and row.offpeak_price_per_hour_fen is not None:
            price = row.offpeak_price_per_hour_fen
        out = out.model_copy(
            update={
                "open_now": is_open,
                "offpeak_now": in_offpeak,
                "price_now_fen": price if is_open else None,
            }
        )
    return out


class Parking(StationsBase):
    def create_parking(self, principal: Principal, data: ParkingIn) -> ParkingOut:
        check_station_staff(principal, data.place_id)
        check_position(data.lon, data.lat, field="lon")
        with transaction(self.factory) as session:
            try:
                get_station(session, data.place_id)
            except NotFound:
                raise InvalidInput(
                    N_("No truck-driver station {id}."), field="place_id", id=data.place_id
                ) from None
            row = StationParking(
                place_id=data.place_id,
                name=data.name,
                lon=data.lon,
                lat=data.lat,
                hours=data.hours.model_dump(mode="json"),
                price_per_hour_fen=data.price_per_hour_fen,
                offpeak_text=data.offpeak_text,
                offpeak_hours=data.offpeak_hours.model_dump(mode="json")
                if data.offpeak_hours
                else {},
                offpeak_price_per_hour_fen=data.offpeak_price_per_hour_fen,
                active=True,
                updated_by=principal.account_id,
                updated_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return _parking_out(row, self.local_now())

    def update_parking(
        self, principal: Principal, parking_id: int, data: ParkingUpdate
    ) -> ParkingOut:
        with transaction(self.factory) as session:
            row = session.get(StationParking, parking_id)
            if row is None:
                raise NotFound(N_("No parking offer {id}."), id=parking_id)
            if row.place_id is None:
                check_station_staff(principal, 0)  # admins only once the station is gone
            else:
                check_station_staff(principal, row.place_id)
            for name in ("name", "price_per_hour_fen", "offpeak_text", "active"):
                value = getattr(data, name)
                if value is not None:
                    setattr(row, name, value)
            if data.hours is not None:
                row.hours = data.hours.model_dump(mode="json")
            if "offpeak_hours" in data.model_fields_set:
                row.offpeak_hours = (
                    data.offpeak_hours.model_dump(mode="json") if data.offpeak_hours else {}
                )
            if "offpeak_price_per_hour_fen" in data.model_fields_set:
                row.offpeak_price_per_hour_fen = data.offpeak_price_per_hour_fen
            row.updated_by = principal.account_id
            row.updated_at = self.clock()
            session.flush()
            return _parking_out(row, self.local_now())

    def parking_near(
        self,
        *,
        station_id: int | None = None,
        lon: float | None = None,
        lat: float | None = None,
        k: int = 10,
    ) -> list[ParkingOut]:
        """Active parking offers, nearest first, from a station or from a point (one of
        them), each with its distance, whether it is open and off-peak now, and the hour's
        price now."""
        if not 1 <= k <= MAX_K:
            raise InvalidInput(N_("k must be between 1 and {max}."), field="k", max=MAX_K)
        with self.factory() as session:
            if station_id is not None:
                if lon is not None or lat is not None:
                    raise InvalidInput(
                        N_("Give either a station or a point, not both."), field="station_id"
                    )
                place = get_station(session, station_id)
                lon, lat = place.lon, place.lat
            elif lon is None or lat is None:
                raise InvalidInput(N_("Give a station or a point (lon and lat)."), field="lon")
            check_position(lon, lat, field="lon")
            now = self.local_now()
            rows = session.scalars(select(StationParking).where(StationParking.active))
            found = []
            for row in rows:
                distance = haversine_m(lon, lat, row.lon, row.lat)
                found.append(
                    _parking_out(row, now).model_copy(update={"distance_m": round(distance, 1)})
                )
        found.sort(key=lambda o: (o.distance_m, o.id))
        return found[:k]
