"""The friendly map's service: find, read, create, keep current, delete and audit points."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from gigcity.db.models import Place, PlaceAudit, utcnow
from gigcity.db.session import lock_named, transaction
from gigcity.geo.coords import haversine_m, validate_lon_lat
from gigcity.geo.district import District
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.places import access
from gigcity.services.places.calendar import holiday_name, is_public_holiday
from gigcity.services.places.hours import OpeningHours
from gigcity.services.places.records import apply_fields, row_out, snapshot
from gigcity.services.places.schemas import (
    Amenities,
    Amenity,
    AuditEntry,
    DayHours,
    Markers,
    PlaceCreate,
    PlaceKind,
    PlaceOut,
    PlaceStatus,
    PlaceUpdate,
    TimeRangeOut,
    mask_of,
)
from gigcity.services.places.search import PlaceIndex, Snapshot, bump_revision
from gigcity.services.positions import check_position

# How far outside the district's box a service point may stand without being called a
# mistake: about 5 km, so a station just across the border is accepted.
BORDER_MARGIN_DEG = 0.05

MAX_K = 100
MAX_RADIUS_M = 50_000.0
MAX_BBOX_RESULTS = 5_000

# Where a driver home's beds are counted from the bookings at its desk (`Beds.counted`).
BEDS_COUNTED = N_(
    "This home counts its beds from the bookings at its desk; "
    "they change as guests book, check in and leave."
)


class PlacesService:
    def __init__(
        self, factory: sessionmaker[Session], district: District, timezone: str = "Asia/Shanghai"
    ) -> None:
        self.factory = factory
        self.district = district
        self.tz = ZoneInfo(timezone)
        self.index = PlaceIndex(factory)

    # -- reading -------------------------------------------------------------------------

    def local_time(self, at: datetime | None) -> datetime:
        """`at` (aware, or naive meaning district local time) or now, as district local time."""
        if at is None:
            return datetime.now(self.tz)
        if at.tzinfo is None:
            return at.replace(tzinfo=self.tz)
        return at.astimezone(self.tz)

    def nearby(
        self,
        lon: float,
        lat: float,
        *,
        k: int = 10,
        radius_m: float | None = None,
        amenities: Iterable[Amenity] = (),
        kinds: Iterable[PlaceKind] = (),
        open_at: datetime | None = None,
        open_only: bool = False,
    ) -> list[PlaceOut]:
        """The `k` nearest points (within `radius_m`) having every amenity, optionally open."""
        check_position(lon, lat)
        if not 1 <= k <= MAX_K:
            raise InvalidInput(N_("k must be between 1 and {max}."), field="k", max=MAX_K)
        if radius_m is not None and not 0 < radius_m <= MAX_RADIUS_M:
            raise InvalidInput(
                N_("radius_m must be above 0 and at most {max}."),
                field="radius_m",
                max=MAX_RADIUS_M,
            )
        snap = self.index.get()
        when = self.local_time(open_at)
        kind_set = {PlaceKind(k_) for k_ in kinds}

        def accept(position: int) -> bool:
            entry = snap.entry_at(position)
            if kind_set and entry.row.kind not in kind_set:
                return False
            return not open_only or entry.hours.is_open(when)

        needs_filter = bool(kind_set) or open_only
        hits = snap.index.nearest(
            lon,
            lat,
            k,
            radius_m=radius_m,
            required_mask=mask_of(list(amenities)),
            accept=accept if needs_filter else None,
        )
        results = []
        for hit in hits:
            entry = snap.entry_at(hit.index)
            update = {**_now(entry.hours, when), "distance_m": round(hit.distance_m, 1)}
            results.append(entry.out(self.district).model_copy(update=update))
        return results

    def _select(
        self,
        bbox: tuple[float, float, float, float] | None,
        amenities: Iterable[Amenity],
        kinds: Iterable[PlaceKind],
        subdistrict: str | None,
        limit: int,
    ) -> tuple[Snapshot, NDArray[np.intp], int]:
        """Positions of the matching points, spread evenly over the area when over `limit`."""
        if bbox is None and subdistrict is None:
            raise InvalidInput(N_("Give a bbox or a sub-district."), field="bbox")
        if bbox is not None:
            min_lon, min_lat, max_lon, max_lat = bbox
            for lon, lat in ((min_lon, min_lat), (max_lon, max_lat)):
                try:
                    validate_lon_lat(lon, lat)
                except ValueError as exc:
                    raise InvalidInput(
                        N_("The bbox is not valid: {reason}."), field="bbox", reason=str(exc)
                    ) from exc
            if min_lon > max_lon or min_lat > max_lat:
                raise InvalidInput(
                    N_("The bbox must be min_lon,min_lat,max_lon,max_lat with min below max."),
                    field="bbox",
                )
        if subdistrict is not None and self.district.get(subdistrict) is None:
            raise InvalidInput(
                N_("Unknown sub-district '{code}'; known: {codes}."),
                field="subdistrict",
                code=subdistrict,
                codes=", ".join(s.code for s in self.district.subdistricts),
            )
        if not 1 <= limit <= MAX_BBOX_RESULTS:
            raise InvalidInput(
                N_("limit must be between 1 and {max}."), field="limit", max=MAX_BBOX_RESULTS
            )
        snap = self.index.get()
        box = bbox if bbox is not None else (-180.0, -90.0, 180.0, 90.0)
        positions = snap.index.within_bbox(*box, required_mask=mask_of(list(amenities)))
        kind_set = [k.value for k in kinds]
        if kind_set:
            positions = positions[np.isin(snap.kinds[positions], kind_set)]
        if subdistrict is not None:
            positions = positions[snap.subdistricts[positions] == subdistrict]
        total = len(positions)
        if total > limit:
            positions = snap.index.spread(positions, limit)
        return snap, positions, total

    def in_bbox(
        self,
        bbox: tuple[float, float, float, float] | None,
        *,
        amenities: Iterable[Amenity] = (),
        kinds: Iterable[PlaceKind] = (),
        subdistrict: str | None = None,
        open_at: datetime | None = None,
        limit: int = 1000,
    ) -> list[PlaceOut]:
        """Points in a box and/or a sub-district; over `limit`, an even spread of them."""
        snap, positions, _ = self._select(bbox, amenities, kinds, subdistrict, limit)
        when = self.local_time(open_at)
        results = []
        for position in positions:
            entry = snap.entry_at(int(position))
            update = _now(entry.hours, when)
            results.append(entry.out(self.district).model_copy(update=update))
        return results

    def markers(
        self,
        bbox: tuple[float, float, float, float] | None,
        *,
        amenities: Iterable[Amenity] = (),
        kinds: Iterable[PlaceKind] = (),
        subdistrict: str | None = None,
        open_at: datetime | None = None,
        limit: int = 5000,
    ) -> Markers:
        """Compact markers for a map: [id, lon, lat, kind, open now] each."""
        snap, positions, total = self._select(bbox, amenities, kinds, subdistrict, limit)
        when = self.local_time(open_at)
        rows = []
        for position in positions:
            entry = snap.entry_at(int(position))
            r = entry.row
            rows.append((r.id, r.lon, r.lat, r.kind, entry.hours.is_open(when)))
        return Markers(total=total, truncated=total > len(rows), markers=rows)

    def search_text(
        self, query: str, *, limit: int = 20, near: tuple[float, float] | None = None
    ) -> list[PlaceOut]:
        """Points whose name or address contains `query` (case-insensitive), shortest names
        first; with `near` (lon, lat: the rider or the map centre) each with its distance,
        so that points of the same name are told apart."""
        text = query.strip()
        if near is not None:
            check_position(*near, field="near")
        if not text:
            raise InvalidInput(N_("Type something to search for."), field="q")
        if not 1 <= limit <= MAX_K:
            raise InvalidInput(N_("limit must be between 1 and {max}."), field="limit", max=MAX_K)
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        when = self.local_time(None)
        with self.factory() as session:
            rows = session.scalars(
                select(Place)
                .where(
                    or_(
                        Place.name.ilike(pattern, escape="\\"),
                        Place.address.ilike(pattern, escape="\\"),
                    )
                )
                .order_by(func.length(Place.name), Place.id)
                .limit(limit)
            ).all()
            outs = [row_out(r, self.district) for r in rows]
        results = []
        for out in outs:
            update: dict[str, Any] = _now(out.hours, when)
            if near is not None:
                update["distance_m"] = round(haversine_m(near[0], near[1], out.lon, out.lat), 1)
            results.append(out.model_copy(update=update))
        return results

    def get(self, place_id: int, locale: str = "zh_CN") -> PlaceOut:
        """One point, with its state now and its hours on each of the next 7 days (holiday
        names in `locale`)."""
        with self.factory() as session:
            place = self._load(session, place_id)
            out = row_out(place, self.district)
        now = self.local_time(None)
        update = {**_now(out.hours, now), "days_ahead": _days_ahead(out.hours, now, locale)}
        return out.model_copy(update=update)

    def count(self) -> int:
        with self.factory() as session:
            return int(session.scalar(select(func.count()).select_from(Place)) or 0)

    # -- writing -------------------------------------------------------------------------

    def _load(self, session: Session, place_id: int, *, for_update: bool = False) -> Place:
        """The place; `for_update` locks its row until the transaction ends (PostgreSQL; a
        writing transaction on SQLite holds the whole database's write lock already)."""
        place = session.get(Place, place_id, with_for_update=for_update or None)
        if place is None:
            raise NotFound(N_("Service point {id} does not exist."), id=place_id)
        return place

    @contextmanager
    def _writing(self, place_id: int) -> Iterator[Session]:
        """A writing transaction on one place; a write that finds the place moved on by
        another writer (its version no longer the one read) is a Conflict, nothing stored."""
        try:
            with transaction(self.factory) as session:
                yield session
        except StaleDataError as exc:
            raise Conflict(
                N_("Service point {id} was changed by someone else; reload and try again."),
                id=place_id,
            ) from exc

    def _audit(
        self,
        session: Session,
        principal: Principal,
        place_id: int,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        session.add(
            PlaceAudit(
                place_id=place_id,
                actor_id=principal.account_id,
                actor=principal.label or principal.role.value,
                action=action,
                at=utcnow(),
                before=before,
                after=after,
            )
        )

    def create_in(
        self, session: Session, principal: Principal, data: PlaceCreate, action: str = "create"
    ) -> Place:
        """Create within a caller's transaction (used by imports to stay all-or-nothing)."""
        place = Place(version=1, created_at=utcnow(), updated_at=utcnow())
        fields = data.model_dump()
        fields["amenities"] = beds_as_kept(None, fields["amenities"], refuse_changes=False)
        apply_fields(place, fields, self.district)
        session.add(place)
        session.flush()
        self._audit(session, principal, place.id, action, None, snapshot(place))
        bump_revision(session)
        return place

    def check_location(self, lon: float, lat: float, *, outside_district: bool = False) -> None:
        """Refuse a point far outside the district (a typo such as lon 91 for 121) unless
        the caller says it is meant; one just across the border (a station serving both
        sides) is fine."""
        if outside_district or self.district.near(lon, lat, BORDER_MARGIN_DEG):
            return
        x0, _, x1, _ = self.district.bbox
        lon_is_off = not x0 - BORDER_MARGIN_DEG <= lon <= x1 + BORDER_MARGIN_DEG
        raise InvalidInput(
            N_("The point ({lon}, {lat}) is far outside {district}; check the coordinates, or say outside_district=true if it is meant."),
            field="lon" if lon_is_off else "lat",
            lon=round(lon, 6),
            lat=round(lat, 6),
            district=self.district,  # named in the reader's language
        )  # fmt: skip

    def create(
        self, principal: Principal, data: PlaceCreate, *, outside_district: bool = False
    ) -> PlaceOut:
        access.check_admin(principal)
        self.check_location(data.lon, data.lat, outside_district=outside_district)
        with transaction(self.factory) as session:
            if data.external_id:  # checked and inserted one at a time: no duplicate slips in
                lock_named(session, "places-external-id")
            if data.external_id and session.scalar(
                select(Place.id).where(Place.external_id == data.external_id)
            ):
                raise Conflict(
                    N_("A service point with external_id '{external_id}' exists already."),
                    field="external_id",
                    external_id=data.external_id,
                )
            place = self.create_in(session, principal, data)
            out = row_out(place, self.district)
        self.index.mark_dirty()
        return out

    def update_in(
        self,
        session: Session,
        principal: Principal,
        place: Place,
        changes: dict[str, Any],
        action: str = "update",
    ) -> None:
        if "amenities" in changes:  # counted beds are kept, whoever writes (an import too)
            amenities = beds_as_kept(place, changes["amenities"], refuse_changes=False)
            changes = {**changes, "amenities": amenities}
        before = snapshot(place)
        apply_fields(place, changes, self.district)
        after = snapshot(place)
        if after == before:
            return
        place.version += 1
        place.updated_at = utcnow()
        self._audit(session, principal, place.id, action, before, after)
        bump_revision(session)

    def update(
        self,
        principal: Principal,
        place_id: int,
        data: PlaceUpdate,
        *,
        outside_district: bool = False,
    ) -> PlaceOut:
        changes = data.model_dump(exclude_unset=True)
        expected_version = changes.pop("version", None)
        with self._writing(place_id) as session:
            place = self._load(session, place_id, for_update=True)
            access.check_can_edit_fields(principal, place, set(changes))
            if data.hours is not None:
                changes["hours"] = _keep_exceptions(place, data.hours)
            if expected_version is not None and expected_version != place.version:
                raise Conflict(
                    N_(
                        "Service point {id} was changed by someone else (now version {version}); reload and try again."
                    ),
                    id=place_id,
                    version=place.version,
                )
            if "amenities" in changes:
                changes["amenities"] = beds_as_kept(
                    place, changes["amenities"], refuse_changes=True
                )
            merged = {**snapshot(place), **changes}
            if "lon" in changes or "lat" in changes:
                self.check_location(merged["lon"], merged["lat"], outside_district=outside_district)
            # Validate the point as a whole, so a change cannot leave it inconsistent.
            try:
                PlaceCreate.model_validate({k: v for k, v in merged.items() if k != "subdistrict"})
            except ValueError as exc:
                raise InvalidInput(
                    N_("The change is not valid: {reason}."), reason=str(exc)
                ) from exc
            self.update_in(session, principal, place, changes)
            out = row_out(place, self.district)
        self.index.mark_dirty()
        return out

    def set_status(self, principal: Principal, place_id: int, status: PlaceStatus) -> PlaceOut:
        """Closed today, free beds and hours: what the people on the spot keep current."""
        with self._writing(place_id) as session:
            place = self._load(session, place_id, for_update=True)
            access.check_can_keep(principal, place)
            changes: dict[str, Any] = {}
            stored = OpeningHours.model_validate(place.hours or {})
            hours = _keep_exceptions(place, status.hours) if status.hours else stored
            if status.closed_today is not None:
                today = self.local_time(None).date()
                hours = hours.with_closed_day(today, status.closed_today, status.closed_note)
            if status.hours is not None or status.closed_today is not None:
                changes["hours"] = hours
            if status.beds_free is not None:
                amenities = Amenities.model_validate(place.amenities or {})
                if amenities.beds is None:
                    raise InvalidInput(N_("This service point has no beds."), field="beds_free")
                if amenities.beds.counted:
                    raise InvalidInput(BEDS_COUNTED, field="beds_free")
                if status.beds_free > amenities.beds.count:
                    raise InvalidInput(
                        N_("Free beds ({free}) cannot exceed the bed count ({count})."),
                        field="beds_free",
                        free=status.beds_free,
                        count=amenities.beds.count,
                    )
                beds = amenities.beds.model_copy(update={"free": status.beds_free})
                changes["amenities"] = amenities.model_copy(update={"beds": beds}).model_dump()
            if not changes:
                raise InvalidInput(N_("Nothing to change: give closed_today, beds_free or hours."))
            self.update_in(session, principal, place, changes, action="status")
            out = row_out(place, self.district)
        self.index.mark_dirty()
        return out.model_copy(update=_now(out.hours, self.local_time(None)))

    def delete(self, principal: Principal, place_id: int) -> None:
        access.check_admin(principal)
        with self._writing(place_id) as session:
            place = self._load(session, place_id, for_update=True)
            self._audit(session, principal, place.id, "delete", snapshot(place), None)
            session.delete(place)
            bump_revision(session)
        self.index.mark_dirty()

    def audit(self, principal: Principal, place_id: int, limit: int = 200) -> list[AuditEntry]:
        with self.factory() as session:
            place = session.get(Place, place_id)
            if place is not None:
                access.check_can_keep(principal, place)
            else:
                access.check_admin(principal)
            rows = session.scalars(
                select(PlaceAudit)
                .where(PlaceAudit.place_id == place_id)
                .order_by(PlaceAudit.at.desc(), PlaceAudit.id.desc())
                .limit(limit)
            ).all()
            if not rows and place is None:
                raise NotFound(N_("Service point {id} does not exist."), id=place_id)
            return [
                AuditEntry(
                    id=r.id,
                    place_id=r.place_id,
                    actor=r.actor,
                    action=r.action,
                    at=r.at,
                    before=r.before,
                    after=r.after,
                    changed=sorted(
                        k
                        for k in set(r.before or {}) | set(r.after or {})
                        if (r.before or {}).get(k) != (r.after or {}).get(k)
                    ),
                )
                for r in rows
            ]


def _days_ahead(hours: OpeningHours, when: datetime, locale: str) -> list[DayHours]:
    days = [when.date() + timedelta(days=n) for n in range(7)]
    return [
        DayHours(
            day=day,
            ranges=[TimeRangeOut(start=s, end=e) for s, e in hours.ranges_on(day)],
            holiday=holiday_name(day, locale) if is_public_holiday(day) else None,
        )
        for day in days
    ]


def _now(hours: OpeningHours, when: datetime) -> dict[str, Any]:
    """A point's state at `when`: open or not, and when that next changes."""
    return {"open_now": hours.is_open(when), "next_change_at": hours.next_change(when)}


def _keep_exceptions(place: Place, hours: OpeningHours) -> OpeningHours:
    """New hours given without date exceptions keep the stored ones (e.g. "closed today"):
    the text form of hours carries no exceptions, so an edit must not silently reopen."""
    if hours.exceptions:
        return hours
    stored = OpeningHours.model_validate(place.hours or {})
    return hours.model_copy(update={"exceptions": stored.exceptions})


def beds_as_kept(
    place: Place | None, amenities: dict[str, Any], *, refuse_changes: bool
) -> dict[str, Any]:
    """`amenities` as an edit or an import may store them. `Beds.counted` is read-only: only
    a home's stays bookings set it (`stays.map_figures`). A point whose beds are counted
    keeps them: other figures are refused (`refuse_changes`: an edit, whose sender is told)
    or left out (an import's row, a snapshot the bookings have moved on from)."""
    stored = Amenities.model_validate(place.amenities or {}).beds if place is not None else None
    wanted = amenities.get("beds")
    if stored is not None and stored.counted:
        figures = None if wanted is None else (wanted["count"], wanted["free"])
        if refuse_changes and figures != (stored.count, stored.free):
            raise InvalidInput(BEDS_COUNTED, field="amenities.beds")
        return {**amenities, "beds": stored.model_dump()}
    if wanted is not None and wanted.get("counted"):  # absent when the sender left it out
        return {**amenities, "beds": {**wanted, "counted": False}}
    return amenities
