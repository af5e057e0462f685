"""The friendly map's endpoints: find points, read them, keep them current, import/export."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import BaseModel

from gigcity.api.openapi import media_response
from gigcity.api.uploads import read_upload
from gigcity.http.deps import Admin, PlaceKeeper, PlatformDep, PublicCaller, RowId
from gigcity.http.locale import locale_of
from gigcity.i18n import N_, gettext
from gigcity.services.errors import InvalidInput
from gigcity.services.places import (
    AMENITY_LABELS,
    KIND_LABELS,
    Amenity,
    AuditEntry,
    ImportReport,
    Markers,
    PlaceCreate,
    PlaceKind,
    PlaceOut,
    PlaceStatus,
    PlaceUpdate,
    export_geojson,
    import_csv,
    import_geojson,
)
from gigcity.services.platform import Platform

router = APIRouter(prefix="/api/places", tags=["places"])
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
OutsideDistrict = Annotated[
    bool,
    Query(description="Accept a point far outside the district's bounds (otherwise a typo)."),
]

AmenityQuery = Annotated[
    list[str] | None,
    Query(description="Required amenities; repeat the parameter or separate with commas."),
]
KindQuery = Annotated[
    list[str] | None, Query(description="Only these kinds; repeat or separate with commas.")
]


def _named(request: Request, platform: Platform, places: list[PlaceOut]) -> list[PlaceOut]:
    """The points with their sub-district named in the reader's language (桃浦镇, Taopu Town);
    the code in `subdistrict` stays as it is."""
    locale = locale_of(request)
    out = []
    for place in places:
        sub = platform.district.get(place.subdistrict) if place.subdistrict else None
        name = sub.display_name(locale) if sub is not None else place.subdistrict_name
        if name != place.subdistrict_name:
            place = place.model_copy(update={"subdistrict_name": name})
        out.append(place)
    return out


def _one(request: Request, platform: Platform, place: PlaceOut) -> PlaceOut:
    return _named(request, platform, [place])[0]


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _amenities(values: list[str] | None) -> list[Amenity]:
    names = _split(values)
    unknown = [n for n in names if n not in Amenity.__members__]
    if unknown:
        raise InvalidInput(
            N_("Unknown amenity '{name}'; known: {known}."),
            field="amenity",
            name=unknown[0],
            known=", ".join(Amenity.__members__),
        )
    return [Amenity(n) for n in names]


def _kinds(values: list[str] | None) -> list[PlaceKind]:
    names = _split(values)
    unknown = [n for n in names if n not in PlaceKind.__members__]
    if unknown:
        raise InvalidInput(
            N_("Unknown kind '{name}'; known: {known}."),
            field="kind",
            name=unknown[0],
            known=", ".join(PlaceKind.__members__),
        )
    return [PlaceKind(n) for n in names]


@router.get("/nearby", response_model=list[PlaceOut], summary="Nearest service points")
def nearby(
    request: Request,
    platform: PlatformDep,
    _: PublicCaller,
    lat: Annotated[float, Query(ge=-90, le=90, description="WGS-84 latitude")],
    lon: Annotated[float, Query(ge=-180, le=180, description="WGS-84 longitude")],
    amenity: AmenityQuery = None,
    kind: KindQuery = None,
    open_now: Annotated[bool, Query(description="Only points open now (or at `at`).")] = False,
    at: Annotated[
        datetime | None, Query(description="Evaluate opening hours at this time (ISO 8601).")
    ] = None,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    radius_m: Annotated[float | None, Query(gt=0, le=50_000)] = None,
) -> list[PlaceOut]:
    """The `k` nearest points from a position (within `radius_m`), each with its distance and
    navigation links (Amap in GCJ-02, geo: URI, OpenStreetMap)."""
    found = platform.places.nearby(
        lon,
        lat,
        k=k,
        radius_m=radius_m,
        amenities=_amenities(amenity),
        kinds=_kinds(kind),
        open_at=at,
        open_only=open_now,
    )
    platform.governance.count_map_use("nearby", lon=lon, lat=lat)  # a count, nothing more
    return _named(request, platform, found)


def _bbox(bbox: str | None) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    try:
        parts = [float(p) for p in bbox.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4:
        raise InvalidInput(
            N_("The bbox must be four numbers: min_lon,min_lat,max_lon,max_lat."), field="bbox"
        )
    return (parts[0], parts[1], parts[2], parts[3])


BboxQuery = Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat (WGS-84)")]
SubdistrictQuery = Annotated[
    str | None, Query(max_length=64, description="Only this sub-district (code, e.g. wanli).")
]


@router.get("", response_model=list[PlaceOut], summary="Service points in a box or sub-district")
def in_bbox(
    request: Request,
    platform: PlatformDep,
    _: PublicCaller,
    bbox: BboxQuery = None,
    subdistrict: SubdistrictQuery = None,
    amenity: AmenityQuery = None,
    kind: KindQuery = None,
    at: Annotated[datetime | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[PlaceOut]:
    """Give a `bbox`, a `subdistrict`, or both. Over `limit`, the answer is an even spread
    over the area."""
    found = platform.places.in_bbox(
        _bbox(bbox),
        amenities=_amenities(amenity),
        kinds=_kinds(kind),
        subdistrict=subdistrict,
        open_at=at,
        limit=limit,
    )
    return _named(request, platform, found)


@router.get("/markers", response_model=Markers, summary="Compact map markers")
def markers(
    platform: PlatformDep,
    _: PublicCaller,
    bbox: BboxQuery = None,
    subdistrict: SubdistrictQuery = None,
    amenity: AmenityQuery = None,
    kind: KindQuery = None,
    at: Annotated[datetime | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 5000,
) -> Markers:
    """`[id, lon, lat, kind, open_now]` per point, for drawing many points; `truncated` says
    the points were thinned to an even spread of `limit`."""
    return platform.places.markers(
        _bbox(bbox),
        amenities=_amenities(amenity),
        kinds=_kinds(kind),
        subdistrict=subdistrict,
        open_at=at,
        limit=limit,
    )


@router.get("/search", response_model=list[PlaceOut], summary="Find service points by name")
def search(
    request: Request,
    platform: PlatformDep,
    _: PublicCaller,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    lat: Annotated[
        float | None, Query(ge=-90, le=90, description="With lon: give each point's distance")
    ] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
) -> list[PlaceOut]:
    """Points whose name or address contains `q`. With `lat` and `lon` (the rider, or the
    map's centre) each carries `distance_m`; `subdistrict_name` tells apart points of the
    same name."""
    if (lat is None) != (lon is None):
        raise InvalidInput(
            N_("Give both lat and lon, or neither."), field="lat" if lat is None else "lon"
        )
    near = (lon, lat) if lon is not None and lat is not None else None
    return _named(request, platform, platform.places.search_text(q, limit=limit, near=near))


class Label(BaseModel):
    code: str
    label: str


class PlacesMeta(BaseModel):
    kinds: list[Label]
    amenities: list[Label]


@router.get("/meta", response_model=PlacesMeta, summary="Kinds and amenities with their names")
def meta(request: Request, _: PublicCaller) -> PlacesMeta:
    """Labels in the reader's language (Accept-Language or `?lang=`)."""
    locale = locale_of(request)
    return PlacesMeta(
        kinds=[Label(code=k.value, label=gettext(locale, KIND_LABELS[k])) for k in PlaceKind],
        amenities=[Label(code=a.value, label=gettext(locale, AMENITY_LABELS[a])) for a in Amenity],
    )


@router.get(
    "/export.geojson",
    summary="All service points as GeoJSON (RFC 7946)",
    response_class=Response,
    responses=media_response(
        "application/geo+json", "A FeatureCollection of every point", {"type": "object"}
    ),
)
def export(platform: PlatformDep, _: PublicCaller) -> Response:
    body = json.dumps(export_geojson(platform.places), ensure_ascii=False)
    return Response(
        body,
        media_type="application/geo+json",
        headers={"Content-Disposition": 'attachment; filename="places.geojson"'},
    )


@router.post(
    "/import", response_model=ImportReport, summary="Import service points (CSV or GeoJSON)"
)
async def import_places(
    platform: PlatformDep,
    caller: Admin,
    file: Annotated[UploadFile, File(description="A .csv or .geojson file (UTF-8).")],
    format: Annotated[
        Literal["csv", "geojson"] | None, Query(description="Default: from the file name.")
    ] = None,
    dry_run: bool = False,
    outside_district: OutsideDistrict = False,
) -> ImportReport:
    """Good rows are stored together in one transaction; bad rows are listed with their line
    (CSV) or feature number (GeoJSON) and the reason. Rows whose `external_id` exists update
    that point."""
    raw = await read_upload(file, MAX_UPLOAD_BYTES, message=N_("The file is larger than {max} MB."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(N_("The file is not UTF-8 text."), field="file") from exc
    name = (file.filename or "").lower()
    chosen = format or (
        "csv"
        if name.endswith(".csv")
        else "geojson"
        if name.endswith((".geojson", ".json"))
        else None
    )
    if chosen is None:
        raise InvalidInput(
            N_("Say format=csv or format=geojson, or name the file .csv or .geojson."),
            field="format",
        )
    if chosen == "csv":
        return import_csv(
            platform.places, caller, text, dry_run=dry_run, outside_district=outside_district
        )
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            N_("The file is not valid JSON: {reason}."), field="file", reason=str(exc)
        ) from exc
    return import_geojson(
        platform.places, caller, data, dry_run=dry_run, outside_district=outside_district
    )


@router.get("/{place_id:int}", response_model=PlaceOut, summary="One service point")
def get_place(
    request: Request, platform: PlatformDep, _: PublicCaller, place_id: RowId
) -> PlaceOut:
    place = platform.places.get(place_id, locale_of(request))
    platform.governance.count_map_use("details", subdistrict=place.subdistrict)
    return _one(request, platform, place)


@router.post("", response_model=PlaceOut, status_code=201, summary="Add a service point")
def create_place(
    request: Request,
    platform: PlatformDep,
    caller: Admin,
    body: PlaceCreate,
    outside_district: OutsideDistrict = False,
) -> PlaceOut:
    """A point far outside the district (more than about 5 km beyond its bounds) is refused
    as a likely typo unless `outside_district=true`."""
    made = platform.places.create(caller, body, outside_district=outside_district)
    return _one(request, platform, made)


@router.patch("/{place_id:int}", response_model=PlaceOut, summary="Change a service point")
def update_place(
    request: Request,
    platform: PlatformDep,
    caller: PlaceKeeper,
    place_id: RowId,
    body: PlaceUpdate,
    outside_district: OutsideDistrict = False,
) -> PlaceOut:
    """Admins may change anything; staff (own station) and officers (own sub-district) may
    change hours, amenities, capacity, contact, address, operator and notes. Send `version`
    to refuse the change if someone else changed the point meanwhile (409). A field left out
    stays as it is; a required field (name, kind, lon, lat, amenities, hours) cannot be set
    to null. A move far outside the district needs `outside_district=true`."""
    changed = platform.places.update(caller, place_id, body, outside_district=outside_district)
    return _one(request, platform, changed)


@router.put(
    "/{place_id:int}/status", response_model=PlaceOut, summary="Closed today, free beds, hours"
)
def set_status(
    request: Request,
    platform: PlatformDep,
    caller: PlaceKeeper,
    place_id: RowId,
    body: PlaceStatus,
) -> PlaceOut:
    return _one(request, platform, platform.places.set_status(caller, place_id, body))


@router.delete("/{place_id:int}", status_code=204, summary="Remove a service point")
def delete_place(platform: PlatformDep, caller: Admin, place_id: RowId) -> Response:
    platform.places.delete(caller, place_id)
    return Response(status_code=204)


@router.get(
    "/{place_id:int}/audit", response_model=list[AuditEntry], summary="Change history of a point"
)
def audit(platform: PlatformDep, caller: PlaceKeeper, place_id: RowId) -> list[AuditEntry]:
    """Who changed what and when, newest first, with the values before and after."""
    return platform.places.audit(caller, place_id)
