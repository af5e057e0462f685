"""Homes as the stays service keeps them: a service point's profile (house rules, latest
check-in, nap slots), its rooms and beds, and the free beds of the homes near a point."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import StayBed, StayHome, StayRoom
from gigcity.db.session import transaction
from gigcity.geo.coords import box_around, haversine_m
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.stays.base import (
    StaysBase,
    get_bed,
    get_home,
    get_place,
    require_keeper,
)
from gigcity.services.stays.counts import busy_beds
from gigcity.services.stays.map_figures import mark_home
from gigcity.services.stays.schemas import (
    BedIn,
    BedOut,
    HomeIn,
    HomeNearby,
    HomeOut,
    NapSlot,
    RoomIn,
    RoomOut,
    SectionCount,
)

MAX_RADIUS_M = 20_000


def _bed_out(bed: StayBed, free: bool | None = None) -> BedOut:
    return BedOut.model_validate(
        {
            "id": bed.id,
            "room_id": bed.room_id,
            "label": bed.label,
            "kind": bed.kind,
            "section": bed.section,
            "price_fen": bed.price_fen,
            "active": bed.active,
            "free": free,
        }
    )


class Homes(StaysBase):
    # -- the profile -------------------------------------------------------------------

    def set_home(self, principal: Principal, place_id: int, body: HomeIn) -> HomeOut:
        """Open a service point to stays, or change its profile."""
        require_keeper(principal, place_id)
        with transaction(self.factory) as session:
            get_place(session, place_id)
            home = session.get(StayHome, place_id)
            if home is None:
                home = StayHome(place_id=place_id)
                session.add(home)
            home.house_rules = body.house_rules
            home.checkin_cutoff = body.checkin_cutoff
            home.nap_slots = [[s.starts, s.ends] for s in body.nap_slots]
            home.updated_at = self.clock()
            session.flush()
            return self._home_out(session, home, None)

    def home(self, place_id: int, night: date | None = None) -> HomeOut:
        """A home's profile, rooms and beds (with `night`: whether each bed is free then)."""
        with self.factory() as session:
            return self._home_out(session, get_home(session, place_id), night)

    def _home_out(self, session: Session, home: StayHome, night: date | None) -> HomeOut:
        place = get_place(session, home.place_id)
        rooms = list(
            session.scalars(
                select(StayRoom).where(StayRoom.place_id == home.place_id).order_by(StayRoom.id)
            )
        )
        beds = list(
            session.scalars(
                select(StayBed).where(StayBed.place_id == home.place_id).order_by(StayBed.id)
            )
        )
        busy: set[int] = set()
        if night is not None:
            start, end = self.night_range(night)
            busy = set(session.scalars(busy_beds(start, end)))
        out_rooms = [
            RoomOut.model_validate(
                {
                    "id": room.id,
                    "name": room.name,
                    "section": room.section,
                    "beds": [
                        _bed_out(bed, None if night is None else bed.active and bed.id not in busy)
                        for bed in beds
                        if bed.room_id == room.id
                    ],
                }
            )
            for room in rooms
        ]
        return HomeOut(
            place_id=home.place_id,
            name=place.name,
            lon=place.lon,
            lat=place.lat,
            house_rules=home.house_rules,
            checkin_cutoff=home.checkin_cutoff,
            nap_slots=[NapSlot(starts=s, ends=e) for s, e in home.nap_slots],
            rooms=out_rooms,
        )

    # -- rooms and beds ----------------------------------------------------------------

    def add_room(self, principal: Principal, place_id: int, body: RoomIn) -> RoomOut:
        require_keeper(principal, place_id)
        with transaction(self.factory) as session:
            get_home(session, place_id)
            room = StayRoom(place_id=place_id, name=body.name, section=body.section.value)
            session.add(room)
            session.flush()
            return RoomOut(id=room.id, name=room.name, section=body.section, beds=[])

    def _room(self, session: Session, principal: Principal, room_id: int) -> StayRoom:
        room = session.get(StayRoom, room_id)
        if room is None:
            raise NotFound(N_("No room {id}."), id=room_id)
        require_keeper(principal, room.place_id)
        return room

    def update_room(self, principal: Principal, room_id: int, body: RoomIn) -> RoomOut:
        """Rename a room or move it to another section (its beds move with it)."""
        with transaction(self.factory) as session:
            room = self._room(session, principal, room_id)
            room.name, room.section = body.name, body.section.value
            beds = list(session.scalars(select(StayBed).where(StayBed.room_id == room.id)))
            for bed in beds:
                bed.section = room.section
            return RoomOut(
                id=room.id, name=room.name, section=body.section, beds=[_bed_out(b) for b in beds]
            )

    def add_bed(self, principal: Principal, room_id: int, body: BedIn) -> BedOut:
        with transaction(self.factory) as session:
            room = self._room(session, principal, room_id)
            bed = StayBed(
                room_id=room.id,
                place_id=room.place_id,
                section=room.section,
                label=body.label,
                kind=body.kind.value,
                price_fen=body.price_fen,
                active=body.active,
            )
            session.add(bed)
            session.flush()
            mark_home(session, room.place_id)
            return _bed_out(bed)

    def update_bed(self, principal: Principal, bed_id: int, body: BedIn) -> BedOut:
        """Change a bed; taking it out of use (`active` false) keeps the bookings it has,
        and no new ones are made on it."""
        with transaction(self.factory) as session:
            bed = get_bed(session, bed_id)
            require_keeper(principal, bed.place_id)
            bed.label, bed.kind = body.label, body.kind.value
            bed.price_fen, bed.active = body.price_fen, body.active
            mark_home(session, bed.place_id)
            return _bed_out(bed)

    # -- free beds near a point --------------------------------------------------------

    def nearby(
        self, lon: float, lat: float, radius_m: int, limit: int, night: date | None = None
    ) -> list[HomeNearby]:
        """The homes within `radius_m` of (lon, lat), nearest first, with their beds and
        free beds for `night` (default tonight) by section, from every home's counts
        (`counts.NightCounts`: at most a second old in this process)."""
        if not 0 < radius_m <= MAX_RADIUS_M:
            raise InvalidInput(
                N_("The radius must be between 1 and {most} m."),
                field="radius_m",
                most=MAX_RADIUS_M,
            )
        night = night or self.tonight(self.clock())
        west, south, east, north = box_around(lon, lat, radius_m)
        homes: dict[int, HomeNearby] = {}
        for row in self.night_counts.get(night):
            if not (south <= row.lat <= north and west <= row.lon <= east):
                continue
            distance = haversine_m(lon, lat, row.lon, row.lat)
            if distance > radius_m:
                continue
            home = homes.get(row.place_id)
            if home is None:
                home = homes[row.place_id] = HomeNearby(
                    place_id=row.place_id, name=row.name, lon=row.lon, lat=row.lat,
                    distance_m=round(distance), night=night, beds=0, free=0, sections=[],
                )  # fmt: skip
            home.beds += row.beds
            home.free += row.free
            home.sections.append(
                SectionCount.model_validate(
                    {"section": row.section, "beds": row.beds, "free": row.free}
                )
            )
        for home in homes.values():
            home.sections.sort(key=lambda s: s.section.value)
        return sorted(homes.values(), key=lambda h: (h.distance_m, h.place_id))[:limit]
