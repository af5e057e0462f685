"""GeoJSON (RFC 7946) export and import, and CSV import with a row-level report.

Imports are all-or-nothing for the rows that pass: good rows are written in one transaction
(so a crash half-way leaves nothing half-imported), bad rows are reported with their line or
feature number and the reason. Rows with an `external_id` that exists already update that
point (so the same file can be imported again).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Place
from gigcity.db.session import begin_write
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.errors import InvalidInput
from gigcity.services.places import access
from gigcity.services.places.records import row_out, snapshot
from gigcity.services.places.schemas import Amenities, Amenity, PlaceCreate
from gigcity.services.places.service import PlacesService

MAX_IMPORT_ROWS = 200_000
CSV_COLUMNS = (
    "external_id",
    "name",
    "kind",
    "lon",
    "lat",
    "address",
    "hours",
    "amenities",
    "beds",
    "beds_free",
    "meal_price_fen",
    "capacity",
    "operator",
    "contact",
    "notes",
)


class RejectedRow(BaseModel):
    line: int
    reason: str


class ImportReport(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = []
    dry_run: bool = False


def export_geojson(service: PlacesService) -> dict[str, Any]:
    with service.factory() as session:
        rows = session.scalars(select(Place).order_by(Place.id)).all()
        features = []
        for row in rows:
            out = row_out(row, service.district)
            props = out.model_dump(
                mode="json",
                exclude={"lon", "lat", "navigation", "open_now", "next_change_at", "distance_m"},
            )
            features.append(
                {
                    "type": "Feature",
                    "id": row.id,
                    "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
                    "properties": props,
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _reason(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "row"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def _feature_to_place(feature: Any) -> PlaceCreate:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("not a GeoJSON Feature")
    geometry = feature.get("geometry") or {}
    coords = geometry.get("coordinates")
    if geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
        raise ValueError("geometry must be a Point with [lon, lat]")
    props = dict(feature.get("properties") or {})
    allowed = set(PlaceCreate.model_fields) - {"lon", "lat"}
    data = {k: v for k, v in props.items() if k in allowed}
    return PlaceCreate.model_validate({**data, "lon": coords[0], "lat": coords[1]})


def _blank(value: str | None) -> bool:
    return value is None or value.strip() == ""


def _csv_row_to_place(row: dict[str, str | None]) -> PlaceCreate:
    unknown = [k for k in row if k is not None and k not in CSV_COLUMNS]
    if unknown:
        raise ValueError(f"unknown column(s) {', '.join(unknown)}")
    if None in row:
        raise ValueError("more values than columns")
    data: dict[str, Any] = {}
    for key in (
        "external_id",
        "name",
        "kind",
        "lon",
        "lat",
        "address",
        "hours",
        "capacity",
        "operator",
        "contact",
        "notes",
    ):
        value = row.get(key)
        if not _blank(value):
            data[key] = value.strip()  # type: ignore[union-attr]
    amenities: dict[str, Any] = {}
    for name in filter(
        None, (a.strip() for a in (row.get("amenities") or "").replace(",", ";").split(";"))
    ):
        if name in ("beds", "free_beds", "discounted_meals"):
            continue  # given by their own columns
        if name not in Amenity.__members__:
            raise ValueError(f"amenities: unknown amenity '{name}'")
        amenities[name] = True
    if not _blank(row.get("beds")):
        free = row.get("beds_free")
        amenities["beds"] = {"count": row["beds"], "free": free if not _blank(free) else 0}
    if not _blank(row.get("meal_price_fen")):
        amenities["discounted_meals"] = {"price_fen": row["meal_price_fen"]}
    data["amenities"] = Amenities.model_validate(amenities)
    return PlaceCreate.model_validate(data)


def _parse_rows(
    service: PlacesService,
    items: list[tuple[int, Any]],
    parse: Any,
    outside_district: bool,
    rejected: list[RejectedRow],
) -> tuple[list[tuple[int, PlaceCreate]], dict[str, int]]:
    """The rows that parse, lie where places may be and repeat no external id (with the
    line of each external id); the others go to `rejected` with the reason."""
    parsed: list[tuple[int, PlaceCreate]] = []
    seen_ids: dict[str, int] = {}
    for line, raw in items:
        try:
            place = parse(raw)
        except ValidationError as exc:
            rejected.append(RejectedRow(line=line, reason=_reason(exc)))
            continue
        except ValueError as exc:
            rejected.append(RejectedRow(line=line, reason=str(exc)))
            continue
        try:
            service.check_location(place.lon, place.lat, outside_district=outside_district)
        except InvalidInput as exc:
            rejected.append(RejectedRow(line=line, reason=str(exc)))
            continue
        if place.external_id:
            if place.external_id in seen_ids:
                rejected.append(
                    RejectedRow(
                        line=line,
                        reason=f"external_id '{place.external_id}' repeats line {seen_ids[place.external_id]}",
                    )
                )
                continue
            seen_ids[place.external_id] = line
        parsed.append((line, place))
    return parsed, seen_ids


def _existing_places(session: Session, ids: list[str]) -> dict[str | None, Place]:
    """The places already holding these external ids, locked for the update."""
    existing: dict[str | None, Place] = {}
    for start in range(0, len(ids), 500):
        for row in session.scalars(
            select(Place).where(Place.external_id.in_(ids[start : start + 500])).with_for_update()
        ):
            existing[row.external_id] = row
    return existing


def _import(
    service: PlacesService,
    principal: Principal,
    items: list[tuple[int, Any]],
    parse: Any,
    dry_run: bool,
    outside_district: bool = False,
) -> ImportReport:
    access.check_admin(principal)
    if len(items) > MAX_IMPORT_ROWS:
        raise InvalidInput(N_("At most {max} rows can be imported at once."), max=MAX_IMPORT_ROWS)
    report = ImportReport(dry_run=dry_run)
    parsed, seen_ids = _parse_rows(service, items, parse, outside_district, report.rejected)
    with service.factory() as session:
        begin_write(session)
        existing = _existing_places(session, list(seen_ids)) if seen_ids else {}
        for _, place in parsed:
            current = existing.get(place.external_id) if place.external_id else None
            if current is None:
                service.create_in(session, principal, place, action="import")
                report.created += 1
                continue
            before = snapshot(current)
            service.update_in(session, principal, current, place.model_dump(), action="import")
            if snapshot(current) == before:
                report.unchanged += 1
            else:
                report.updated += 1
        # One transaction for every good row: all of them land, or (on any error) none.
        if dry_run:
            session.rollback()
        else:
            session.commit()
    service.index.mark_dirty()
    return report


def import_geojson(
    service: PlacesService,
    principal: Principal,
    data: Any,
    *,
    dry_run: bool = False,
    outside_district: bool = False,
) -> ImportReport:
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise InvalidInput(N_("The file is not a GeoJSON FeatureCollection."))
    items = list(enumerate(data["features"], start=1))
    return _import(service, principal, items, _feature_to_place, dry_run, outside_district)


def import_csv(
    service: PlacesService,
    principal: Principal,
    text: str,
    *,
    dry_run: bool = False,
    outside_district: bool = False,
) -> ImportReport:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    missing = [c for c in ("name", "kind", "lon", "lat") if c not in header]
    if missing:
        raise InvalidInput(
            N_("The CSV header lacks required column(s): {columns}."), columns=", ".join(missing)
        )
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        raise InvalidInput(
            N_("The CSV header has unknown column(s): {columns}. Known columns: {known}."),
            columns=", ".join(unknown),
            known=", ".join(CSV_COLUMNS),
        )
    items = []
    try:
        for row in reader:
            items.append((reader.line_num, row))
    except csv.Error as exc:
        raise InvalidInput(N_("The CSV file cannot be read: {reason}."), reason=str(exc)) from exc
    return _import(service, principal, items, _csv_row_to_place, dry_run, outside_district)
