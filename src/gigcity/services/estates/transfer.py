"""Estates in and out: import from OpenStreetMap (.osm, .osm.gz, .osm.bz2, .osm.pbf) or
GeoJSON, export as GeoJSON.

An import stores the estates that pass in one transaction; each estate of the file is
reported as created, updated (its `external_id` was stored already), unchanged, or skipped
with the reason. Officers import only estates of their own sub-district; the others are
skipped, saying so. Re-importing from OpenStreetMap keeps what OSM does not hold: the stored
measures, and the stored hand-off points the file does not map (by ref).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Estate as EstateRow
from gigcity.db.session import begin_write, lock_named
from gigcity.geo.estates import Estate
from gigcity.geo.estates.errors import EstateFormatError
from gigcity.geo.estates.geojson import estate_from_geojson, estate_to_geojson
from gigcity.geo.estates.osm import read_osm_estates
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal
from gigcity.services.errors import InvalidInput, ServiceError
from gigcity.services.estates import access
from gigcity.services.estates.schemas import EstateImportReport, ImportItem
from gigcity.services.estates.service import EXTERNAL_ID_LOCK, EstatesService

Format = Literal["osm", "geojson"]
OSM_SUFFIXES = (".osm", ".osm.gz", ".osm.bz2", ".osm.pbf", ".pbf", ".xml", ".xml.gz")
GEOJSON_SUFFIXES = (".geojson", ".json")
MAX_IMPORT_ESTATES = 2_000


def format_of(filename: str) -> Format | None:
    name = filename.lower()
    if name.endswith(GEOJSON_SUFFIXES):
        return "geojson"
    if name.endswith(OSM_SUFFIXES):
        return "osm"
    return None


def read_estates(
    data: bytes, filename: str, fmt: Format | None = None
) -> tuple[Format, list[Estate], tuple[str, ...]]:
    """The estates of a file (its format from `fmt` or the file name) and the areas of an
    OSM file that could not become one (each with the reason), or InvalidInput saying what
    is wrong with the file."""
    chosen = fmt or format_of(filename)
    if chosen is None:
        raise InvalidInput(
            N_("Name the file .osm, .osm.gz, .osm.pbf or .geojson, or say which format it is."),
            field="file",
        )
    try:
        if chosen == "geojson":
            try:
                obj: Any = json.loads(data.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InvalidInput(
                    N_("The file is not valid JSON: {reason}."), field="file", reason=str(exc)
                ) from exc
            if isinstance(obj, list):  # several estates: a list of FeatureCollections
                return chosen, [estate_from_geojson(item) for item in obj], ()
            if not isinstance(obj, dict):
                raise InvalidInput(N_("The file is not a GeoJSON FeatureCollection."), field="file")
            return chosen, [estate_from_geojson(obj)], ()
        name = filename.lower()
        suffix = next((s for s in OSM_SUFFIXES if name.endswith(s)), ".osm")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(data)
            found = read_osm_estates(path)
            return chosen, list(found.estates), found.skipped
    except EstateFormatError as exc:
        raise InvalidInput(
            N_("The file cannot be read as estates: {reason}."), field="file", reason=str(exc)
        ) from exc
    except (ValueError, OSError, EOFError) as exc:  # the OSM reader's own faults
        raise InvalidInput(
            N_("The file cannot be read as estates: {reason}."), field="file", reason=str(exc)
        ) from exc


def _reason(exc: ServiceError, locale: str) -> str:
    return gettext(locale, exc.message, **exc.params)


def import_estates(
    service: EstatesService,
    principal: Principal,
    data: bytes,
    filename: str,
    *,
    fmt: Format | None = None,
    subdistrict: str | None = None,
    dry_run: bool = False,
    locale: str = "zh_CN",
) -> EstateImportReport:
    """Store the file's estates (all that pass, in one transaction); `subdistrict` is the
    sub-district of estates the file places in none (else their centre's)."""
    access.check_can_import(principal)
    if subdistrict is not None:
        service.check_subdistrict(subdistrict)
    chosen, estates, not_estates = read_estates(data, filename, fmt)
    if len(estates) > MAX_IMPORT_ESTATES:
        raise InvalidInput(
            N_("At most {max} estates can be imported at once."), max=MAX_IMPORT_ESTATES
        )
    report = EstateImportReport(format=chosen, dry_run=dry_run)
    for area in not_estates:  # named residential areas the file could not make estates of
        reason = gettext(
            locale, N_("this OpenStreetMap area is not an estate yet: {reason}"), reason=area
        )
        name = area.split(" (", 1)[0]
        report.skipped.append(ImportItem(index=0, name=name, reason=reason))
    prepared: list[tuple[int, Estate]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(estates, start=1):
        item = ImportItem(index=index, name=raw.name, external_id=raw.external_id)
        try:
            estate = service.prepare(raw, subdistrict=subdistrict)
            access.check_can_add(principal, estate.subdistrict)
        except ServiceError as exc:
            report.skipped.append(item.model_copy(update={"reason": _reason(exc, locale)}))
            continue
        if estate.external_id is not None:
            if estate.external_id in seen:
                reason = gettext(
                    locale,
                    N_("external_id '{external_id}' repeats estate {index} of the file"),
                    external_id=estate.external_id,
                    index=seen[estate.external_id],
                )
                report.skipped.append(item.model_copy(update={"reason": reason}))
                continue
            seen[estate.external_id] = index
        prepared.append((index, estate))
    with service.factory() as session:
        begin_write(session)
        lock_named(session, EXTERNAL_ID_LOCK)
        for index, estate in prepared:
            item = ImportItem(index=index, name=estate.name, external_id=estate.external_id)
            row = _existing(session, estate)
            if row is None:
                if estate.external_id is None and _same_name(session, estate):
                    reason = gettext(
                        locale,
                        N_("an estate of this name exists in this sub-district; give the file an external_id to update it"),
                    )  # fmt: skip
                    report.skipped.append(item.model_copy(update={"reason": reason}))
                    continue
                made = service.create_in(session, principal, estate, action="import")
                report.created.append(item.model_copy(update={"id": made.id}))
                continue
            try:
                access.check_can_edit(principal, row.id, row.subdistrict)
                access.check_can_move(principal, row.subdistrict, estate.subdistrict)
            except ServiceError as exc:
                reason = _reason(exc, locale)
                report.skipped.append(item.model_copy(update={"id": row.id, "reason": reason}))
                continue
            stored = Estate.model_validate(row.document)
            if chosen == "osm":
                estate = _kept_from_stored(stored, estate)
            if stored.zones and not _zones_differ(stored, estate):
                estate = estate.model_copy(update={"zones": stored.zones})
            changed = service.update_in(session, principal, row, estate, action="import")
            bucket = report.updated if changed else report.unchanged
            bucket.append(item.model_copy(update={"id": row.id}))
        # One transaction for every estate that passed: all of them land, or none.
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return report


def _existing(session: Session, estate: Estate) -> EstateRow | None:
    if estate.external_id is None:
        return None
    row: EstateRow | None = session.scalar(
        select(EstateRow).where(EstateRow.external_id == estate.external_id).with_for_update()
    )
    return row


def _same_name(session: Session, estate: Estate) -> bool:
    found = session.scalar(
        select(EstateRow.id).where(
            EstateRow.name == estate.name, EstateRow.subdistrict == estate.subdistrict
        )
    )
    return found is not None


def _kept_from_stored(stored: Estate, new: Estate) -> Estate:
    """`new` (read from OSM) with the stored measures when it has none (OSM maps none), and
    the stored hand-off points it does not map: points property staff added, which relay
    items may be waiting at, never vanish with a newer extract (removing one is an edit).
    A stored point whose ref the file now uses for another part gives way to the file."""
    taken = {
        *(g.ref for g in new.gates),
        *(b.ref for b in new.buildings),
        *(e.ref for b in new.buildings for e in b.entrances),
        *(n.ref for n in new.nodes),
        *(p.ref for p in new.parking),
        *(h.ref for h in new.handoffs),
    }
    kept = tuple(h for h in stored.handoffs if h.ref not in taken)
    measures = new.measures or stored.measures
    if not kept and measures == new.measures:
        return new
    return new.model_copy(update={"handoffs": (*new.handoffs, *kept), "measures": measures})


def _zones_differ(stored: Estate, new: Estate) -> bool:
    """Whether re-importing would change the zones for a reason other than the file carrying
    none (a file from OSM never does): then the stored ones stay when nothing they are
    drawn from changed."""
    return any(getattr(stored, p) != getattr(new, p) for p in ("buildings", "nodes", "walkways"))


def export_geojson(service: EstatesService, estate_id: int) -> dict[str, Any]:
    """The estate as an RFC 7946 FeatureCollection (importable again)."""
    return estate_to_geojson(service.current(estate_id).estate)
