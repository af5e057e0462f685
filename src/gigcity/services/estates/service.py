"""Estates on the platform: read them (a list near a position or in a sub-district, one with
its version), keep them (create, change with the version read, delete, each audited in the
same transaction), and answer the guide ("find building 37") for anyone."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from gigcity.db.models import Estate as EstateRow
from gigcity.db.models import EstateAudit, utcnow
from gigcity.db.session import lock_named, transaction
from gigcity.geo.coords import haversine_m
from gigcity.geo.district import District
from gigcity.geo.estates import Estate, LonLat
from gigcity.geo.estates.wayfinding import GuideError, UnknownUnit
from gigcity.geo.estates.zones import with_zones
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.estates import access
from gigcity.services.estates.documents import (
    changed_parts,
    document,
    parse_estate,
    zones_stale,
)
from gigcity.services.estates.guide import Approaches, Compiled, EstateCache, answer
from gigcity.services.estates.poster import poster_pdf, poster_svg
from gigcity.services.estates.schemas import (
    Approach,
    AuditEntry,
    EstateRecord,
    EstateSummary,
    GuideAnswer,
)
from gigcity.services.positions import check_position
from gigcity.services.streets import StreetsService

# An estate's centre farther than this outside the district's box is a wrong coordinate.
BORDER_MARGIN_DEG = 0.05
MAX_LIST = 1000
MAX_RADIUS_M = 50_000.0
MAX_AUDIT = 500
EXTERNAL_ID_LOCK = "estates-external-id"


class EstatesService:
    def __init__(
        self,
        factory: sessionmaker[Session],
        district: District,
        streets: StreetsService | None = None,
        timezone: str = "Asia/Shanghai",
    ) -> None:
        self.factory = factory
        self.district = district
        self.tz = ZoneInfo(timezone)
        self.cache = EstateCache()
        self.approaches = Approaches(streets)
        # (id, version) -> (name_en, buildings, gates): what a list shows beyond the columns.
        self._counts: dict[tuple[int, int], tuple[str, int, int]] = {}

    # -- reading -------------------------------------------------------------------------

    def list(
        self,
        *,
        near: LonLat | None = None,
        radius_m: float | None = None,
        subdistrict: str | None = None,
        limit: int = 200,
    ) -> builtins.list[EstateSummary]:
        """Estates, nearest first from `near` (within `radius_m`), or by name; optionally
        only those of one sub-district."""
        if near is not None:
            check_position(*near, field="lon")
        elif radius_m is not None:
            raise InvalidInput(N_("Give lon and lat with radius_m."), field="radius_m")
        if radius_m is not None and not 0 < radius_m <= MAX_RADIUS_M:
            raise InvalidInput(
                N_("radius_m must be above 0 and at most {max}."),
                field="radius_m",
                max=MAX_RADIUS_M,
            )
        if not 1 <= limit <= MAX_LIST:
            raise InvalidInput(
                N_("limit must be between 1 and {max}."), field="limit", max=MAX_LIST
            )
        if subdistrict is not None:
            self.check_subdistrict(subdistrict)
        query = select(
            EstateRow.id,
            EstateRow.version,
            EstateRow.name,
            EstateRow.subdistrict,
            EstateRow.lon,
            EstateRow.lat,
            EstateRow.synthetic,
        ).order_by(EstateRow.name, EstateRow.id)
        if subdistrict is not None:
            query = query.where(EstateRow.subdistrict == subdistrict)
        with self.factory() as session:
            rows = session.execute(query).all()
            found: builtins.list[tuple[float | None, Any]] = []
            for row in rows:
                distance = haversine_m(*near, row.lon, row.lat) if near is not None else None
                if distance is not None and radius_m is not None and distance > radius_m:
                    continue
                found.append((distance, row))
            if near is not None:
                found.sort(key=lambda item: (item[0], item[1].id))
            found = found[:limit]
            counts = self._counts_of(session, [(r.id, r.version) for _, r in found])
        return [
            EstateSummary(
                id=row.id,
                name=row.name,
                name_en=counts[row.id, row.version][0],
                subdistrict=row.subdistrict,
                lon=row.lon,
                lat=row.lat,
                synthetic=row.synthetic,
                buildings=counts[row.id, row.version][1],
                gates=counts[row.id, row.version][2],
                distance_m=round(distance, 1) if distance is not None else None,
            )
            for distance, row in found
        ]

    def _counts_of(
        self, session: Session, keys: builtins.list[tuple[int, int]]
    ) -> dict[tuple[int, int], tuple[str, int, int]]:
        """English name and counts of each (id, version), from this worker's memory or the
        stored documents (read once per version)."""
        missing = [key for key in keys if key not in self._counts]
        for start in range(0, len(missing), 500):
            ids = [estate_id for estate_id, _ in missing[start : start + 500]]
            for row in session.execute(
                select(EstateRow.id, EstateRow.version, EstateRow.document).where(
                    EstateRow.id.in_(ids)
                )
            ):
                doc = row.document
                self._counts[row.id, row.version] = (
                    str(doc.get("name_en") or ""),
                    len(doc.get("buildings") or ()),
                    len(doc.get("gates") or ()),
                )
        out = {}
        for key in keys:  # an estate changed meanwhile: counted as of the version listed
            out[key] = self._counts.get(key) or self._counts_now(session, key[0])
        if len(self._counts) > 4 * MAX_LIST:
            self._counts.clear()
        return out

    def _counts_now(self, session: Session, estate_id: int) -> tuple[str, int, int]:
        doc = session.scalar(select(EstateRow.document).where(EstateRow.id == estate_id)) or {}
        return (
            str(doc.get("name_en") or ""),
            len(doc.get("buildings") or ()),
            len(doc.get("gates") or ()),
        )

    def get(self, estate_id: int) -> EstateRecord:
        """The estate as stored now (from this worker's cache when its version is current:
        validating a 100-building document costs about 5 ms)."""
        with self.factory() as session:
            held = self.cache.read(session, estate_id)
        return EstateRecord(
            id=estate_id, version=held.version, updated_at=held.updated_at, estate=held.estate
        )

    def count(self) -> int:
        with self.factory() as session:
            return int(session.scalar(select(func.count()).select_from(EstateRow)) or 0)

    def current(self, estate_id: int) -> Compiled:
        """The estate as stored now: from this worker's memory when the stored version is
        the one it holds (one small read), else read and kept."""
        with self.factory() as session:
            return self.cache.read(session, estate_id)

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def guide(
        self,
        estate_id: int,
        building: str,
        *,
        unit: str | None = None,
        position: LonLat | None = None,
        by: Literal["ebike", "foot"] = "ebike",
        locale: str = "zh_CN",
    ) -> GuideAnswer:
        """Find a building: the zone colour, the best gate (for where the rider comes from,
        when `position` is given), where to leave the e-bike and the walk to the entrance."""
        if position is not None:
            check_position(*position, field="lon")
        compiled = self.current(estate_id)
        estate = compiled.estate
        found = estate.building(building.strip())
        if found is None:
            raise NotFound(
                N_("Estate {id} has no building '{building}'."),
                field="building",
                id=estate_id,
                building=building,
            )
        guide = compiled.guide()
        approach_s = None
        approach: Approach | None = None
        if position is not None:
            approach_s, approach = self.approaches.times(guide, position)
        try:
            route = guide.route(
                found.ref,
                unit=unit.strip() if unit and unit.strip() else None,
                approach_s=approach_s,
                by=by,
                day=self.today(),
                at=datetime.now(self.tz).replace(tzinfo=None),
            )
        except UnknownUnit as exc:
            raise NotFound(exc.msgid, field="unit", **exc.params) from exc
        except GuideError as exc:
            raise Conflict(exc.msgid, **exc.params) from exc
        return answer(estate_id, compiled, route, approach, locale)

    def poster_svg(self, estate_id: int, *, guide_url: str, locale: str = "zh_CN") -> str:
        """The printable poster for the estate's gates, its QR code leading to `guide_url`."""
        return poster_svg(self.current(estate_id).estate, guide_url=guide_url, locale=locale)

    def poster_pdf(self, estate_id: int, *, guide_url: str, locale: str = "zh_CN") -> bytes:
        return poster_pdf(self.current(estate_id).estate, guide_url=guide_url, locale=locale)

    def audit(
        self, principal: Principal, estate_id: int, limit: int = 100
    ) -> builtins.list[AuditEntry]:
        """Who changed what and when, newest first (admins, the officer of the estate's
        sub-district, its property staff)."""
        if not 1 <= limit <= MAX_AUDIT:
            raise InvalidInput(
                N_("limit must be between 1 and {max}."), field="limit", max=MAX_AUDIT
            )
        with self.factory() as session:
            row = session.get(EstateRow, estate_id)
            if row is not None:
                access.check_can_edit(principal, estate_id, row.subdistrict)
            else:
                access.check_admin(principal)  # the history of a deleted estate
            rows = session.scalars(
                select(EstateAudit)
                .where(EstateAudit.estate_id == estate_id)
                .order_by(EstateAudit.at.desc(), EstateAudit.id.desc())
                .limit(limit)
            ).all()
            if not rows and row is None:
                raise NotFound(N_("Estate {id} does not exist."), id=estate_id)
            return [_audit_out(r) for r in rows]

    # -- writing -------------------------------------------------------------------------

    def _load(self, session: Session, estate_id: int, *, for_update: bool = False) -> EstateRow:
        row = session.get(EstateRow, estate_id, with_for_update=for_update or None)
        if row is None:
            raise NotFound(N_("Estate {id} does not exist."), id=estate_id)
        return row

    def _record(self, row: EstateRow) -> EstateRecord:
        return EstateRecord(
            id=row.id,
            version=row.version,
            updated_at=row.updated_at,
            estate=Estate.model_validate(row.document),
        )

    def check_subdistrict(self, code: str) -> None:
        if self.district.get(code) is None:
            raise InvalidInput(
                N_("Unknown sub-district '{code}'; known: {codes}."),
                field="subdistrict",
                code=code,
                codes=", ".join(s.code for s in self.district.subdistricts),
            )

    def prepare(
        self, data: Any, *, before: Estate | None = None, subdistrict: str | None = None
    ) -> Estate:
        """The document to store: validated, in the district, its sub-district known (given,
        else `subdistrict`, else the one its centre lies in) and its zones computed when it
        has none or its buildings or walkways changed under zones kept as they were."""
        estate = parse_estate(data)
        lon, lat = estate.centre()
        if not self.district.near(lon, lat, BORDER_MARGIN_DEG):
            raise InvalidInput(
                N_("The estate's centre ({lon}, {lat}) is far outside {district}; check the coordinates."),
                field="boundary",
                lon=round(lon, 6),
                lat=round(lat, 6),
                district=self.district,
            )  # fmt: skip
        code = estate.subdistrict or subdistrict
        if code is not None:
            self.check_subdistrict(code)
        else:
            located = self.district.locate(lon, lat)
            code = located.code if located is not None else None
        if code != estate.subdistrict:
            estate = estate.model_copy(update={"subdistrict": code})
        if not estate.zones or (before is not None and zones_stale(before, estate)):
            try:
                estate = with_zones(estate.model_copy(update={"zones": ()}))
            except ValueError as exc:
                raise InvalidInput(
                    N_("The estate's colour zones cannot be drawn: {reason}."),
                    field="zones",
                    reason=str(exc),
                ) from exc
        return estate

    @contextmanager
    def _writing(self, estate_id: int | None) -> Iterator[Session]:
        """A writing transaction; a write that finds the estate moved on by another writer is
        a Conflict, and an external id taken meanwhile too: nothing is stored."""
        try:
            with transaction(self.factory) as session:
                yield session
        except StaleDataError as exc:
            raise Conflict(
                N_("Estate {id} was changed by someone else; reload and try again."),
                id=estate_id,
            ) from exc
        except IntegrityError as exc:
            raise Conflict(
                N_("Estate {id} cannot be stored as it is: another record refers to it or uses its external id."),
                id=estate_id,
            ) from exc  # fmt: skip

    def _check_external_id(
        self, session: Session, external_id: str | None, own: int | None
    ) -> None:
        if external_id is None:
            return
        lock_named(session, EXTERNAL_ID_LOCK)  # checked and written one writer at a time
        holder = session.scalar(select(EstateRow.id).where(EstateRow.external_id == external_id))
        if holder is not None and holder != own:
            raise Conflict(
                N_("An estate with external_id '{external_id}' exists already."),
                field="external_id",
                external_id=external_id,
            )

    def create_in(
        self, session: Session, principal: Principal, estate: Estate, action: str = "create"
    ) -> EstateRow:
        """Store a prepared estate within the caller's transaction."""
        return insert_estate(session, principal, estate, action)

    def update_in(
        self,
        session: Session,
        principal: Principal,
        row: EstateRow,
        estate: Estate,
        action: str = "update",
    ) -> bool:
        """Store a prepared estate over `row` (locked or version-checked); False if nothing
        changed."""
        before = row.document
        after = document(estate)
        if after == before:
            return False
        lon, lat = estate.centre()
        row.name = estate.name
        row.subdistrict = estate.subdistrict
        row.lon, row.lat = lon, lat
        row.synthetic = estate.synthetic
        row.external_id = estate.external_id
        row.document = after
        row.version += 1  # the UPDATE says WHERE version = <the version read>
        row.updated_at = utcnow()
        # Only the parts that changed: an edit of one gate's hours does not store the whole
        # 100-building document twice.
        changed = changed_parts(before, after)
        audit_row(
            session,
            principal,
            row,
            action,
            {k: before.get(k) for k in changed},
            {k: after.get(k) for k in changed},
        )
        return True

    def create(self, principal: Principal, data: Any) -> EstateRecord:
        """A new estate (admins anywhere; officers within their sub-district)."""
        if principal.role not in (Role.admin, Role.officer):
            access.check_can_add(principal, None)  # refused before any work
        estate = self.prepare(data)
        access.check_can_add(principal, estate.subdistrict)
        with self._writing(None) as session:
            self._check_external_id(session, estate.external_id, None)
            row = self.create_in(session, principal, estate)
            out = self._record(row)
        return out

    def update(self, principal: Principal, estate_id: int, version: int, data: Any) -> EstateRecord:
        """Replace the estate's document, if `version` is still the stored one (else 409)."""
        with self._writing(estate_id) as session:
            row = self._load(session, estate_id, for_update=True)
            access.check_can_edit(principal, estate_id, row.subdistrict)
            if version != row.version:
                raise Conflict(
                    N_("Estate {id} was changed by someone else (now version {version}); reload and try again."),
                    id=estate_id,
                    version=row.version,
                )  # fmt: skip
            stored = Estate.model_validate(row.document)
            # A document that names no sub-district stays in the one it is stored in.
            estate = self.prepare(data, before=stored, subdistrict=row.subdistrict)
            access.check_can_move(principal, row.subdistrict, estate.subdistrict)
            if estate.external_id != row.external_id:
                access.check_admin(principal)
                self._check_external_id(session, estate.external_id, estate_id)
            self.update_in(session, principal, row, estate)
            out = self._record(row)
        return out

    def delete(self, principal: Principal, estate_id: int) -> None:
        access.check_admin(principal)
        with self._writing(estate_id) as session:
            row = self._load(session, estate_id, for_update=True)
            audit_row(session, principal, row, "delete", row.document, None)
            session.delete(row)
        self.cache.forget(estate_id)


def audit_row(
    session: Session,
    principal: Principal,
    row: EstateRow,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """The audit entry of one change, added to the change's own transaction."""
    session.add(
        EstateAudit(
            estate_id=row.id,
            actor_id=principal.account_id,
            actor=principal.label or principal.role.value,
            action=action,
            at=utcnow(),
            version=row.version,
            before=before,
            after=after,
        )
    )


def insert_estate(
    session: Session, principal: Principal, estate: Estate, action: str = "create"
) -> EstateRow:
    """Store a prepared estate (see `EstatesService.prepare`) and its audit entry within
    the caller's transaction."""
    lon, lat = estate.centre()
    now = utcnow()
    row = EstateRow(
        name=estate.name,
        subdistrict=estate.subdistrict,
        lon=lon,
        lat=lat,
        synthetic=estate.synthetic,
        external_id=estate.external_id,
        document=document(estate),
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    audit_row(session, principal, row, action, None, row.document)
    return row


def _audit_out(r: EstateAudit) -> AuditEntry:
    changed = changed_parts(r.before, r.after)
    return AuditEntry(
        id=r.id,
        estate_id=r.estate_id,
        actor=r.actor,
        action=r.action,
        at=r.at,
        version=r.version,
        changed=changed,
        before={k: (r.before or {}).get(k) for k in changed} if r.before is not None else None,
        after={k: (r.after or {}).get(k) for k in changed} if r.after is not None else None,
    )
