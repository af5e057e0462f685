"""Estates' endpoints: the list and each estate (public), keeping them (admins, grid officers
of the sub-district, property staff of the estate), import and export, the seven-colour
guide and the gate poster (public)."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from gigcity.api.openapi import media_response
from gigcity.api.uploads import read_upload
from gigcity.geo.estates import Estate
from gigcity.http.deps import Admin, Allow, PlatformDep, PublicCaller, RowId
from gigcity.http.locale import locale_of
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import InvalidInput
from gigcity.services.estates import (
    AuditEntry,
    EstateImportReport,
    EstateRecord,
    EstateSummary,
    EstateUpdate,
    GuideAnswer,
    export_geojson,
    import_estates,
)

router = APIRouter(prefix="/api/estates", tags=["estates"])
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

EstateAdder = Annotated[
    Principal,
    Depends(Allow(Role.admin, Role.officer, note="officers only within their sub-district")),
]
EstateKeeper = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.officer,
            Role.property,
            note="officers only for estates of their sub-district, property staff only for "
            "their own estate",
        )
    ),
]
Lang = Annotated[
    str | None, Query(max_length=16, description="zh_CN or en (else Accept-Language).")
]


def guide_url(request: Request, estate_id: int) -> str:
    """The mobile guide page's address on this server (the poster's QR code)."""
    return f"{str(request.base_url).rstrip('/')}/estates/{estate_id}/guide"


@router.get("", response_model=list[EstateSummary], summary="Estates, nearest first")
def list_estates(
    platform: PlatformDep,
    _: PublicCaller,
    lat: Annotated[float | None, Query(ge=-90, le=90, description="WGS-84 latitude")] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180, description="WGS-84 longitude")] = None,
    radius_m: Annotated[float | None, Query(gt=0, le=50_000)] = None,
    subdistrict: Annotated[
        str | None, Query(max_length=64, description="Only this sub-district (code).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[EstateSummary]:
    """With `lon` and `lat`: nearest first, each with `distance_m` (within `radius_m`);
    otherwise by name."""
    if (lat is None) != (lon is None):
        raise InvalidInput(
            N_("Give both lat and lon, or neither."), field="lat" if lat is None else "lon"
        )
    near = (lon, lat) if lon is not None and lat is not None else None
    return platform.estates.list(near=near, radius_m=radius_m, subdistrict=subdistrict, limit=limit)


@router.post("", response_model=EstateRecord, status_code=201, summary="Add an estate")
def create_estate(platform: PlatformDep, caller: EstateAdder, body: Estate) -> EstateRecord:
    """The estate's sub-district is the one given, else the one its centre lies in. Colour
    zones are computed when the document has none."""
    return platform.estates.create(caller, body)


@router.post(
    "/import", response_model=EstateImportReport, summary="Import estates (OSM or GeoJSON)"
)
async def import_file(
    request: Request,
    platform: PlatformDep,
    caller: EstateAdder,
    file: Annotated[
        UploadFile, File(description="An .osm, .osm.gz, .osm.bz2, .osm.pbf or .geojson file.")
    ],
    format: Annotated[
        Literal["osm", "geojson"] | None, Query(description="Default: from the file name.")
    ] = None,
    subdistrict: Annotated[
        str | None,
        Query(max_length=64, description="For estates the file places in no sub-district."),
    ] = None,
    dry_run: bool = False,
) -> EstateImportReport:
    """Estates that pass are stored together; each estate of the file is reported as
    created, updated (same `external_id`), unchanged or skipped with the reason. Officers
    import estates of their own sub-district only."""
    raw = await read_upload(file, MAX_UPLOAD_BYTES, message=N_("The file is larger than {max} MB."))
    return await run_in_threadpool(
        import_estates,
        platform.estates,
        caller,
        raw,
        file.filename or "",
        fmt=format,
        subdistrict=subdistrict,
        dry_run=dry_run,
        locale=locale_of(request),
    )


@router.get("/{estate_id:int}", response_model=EstateRecord, summary="One estate")
def get_estate(platform: PlatformDep, _: PublicCaller, estate_id: RowId) -> EstateRecord:
    """The estate's document and its `version` (send it back with a change)."""
    return platform.estates.get(estate_id)


@router.put("/{estate_id:int}", response_model=EstateRecord, summary="Change an estate")
def update_estate(
    platform: PlatformDep, caller: EstateKeeper, estate_id: RowId, body: EstateUpdate
) -> EstateRecord:
    """The whole document anew. 409 when `version` is no longer the stored one (someone
    else changed the estate meanwhile). Zones are recomputed when the buildings or walkways
    changed, unless the document's zones were changed too (or left empty: computed)."""
    return platform.estates.update(caller, estate_id, body.version, body.estate)


@router.delete("/{estate_id:int}", status_code=204, summary="Remove an estate")
def delete_estate(platform: PlatformDep, caller: Admin, estate_id: RowId) -> Response:
    platform.estates.delete(caller, estate_id)
    return Response(status_code=204)


@router.get("/{estate_id:int}/audit", response_model=list[AuditEntry], summary="Change history")
def audit(
    platform: PlatformDep,
    caller: EstateKeeper,
    estate_id: RowId,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditEntry]:
    """Who changed what and when, newest first, with the parts that changed before and
    after."""
    return platform.estates.audit(caller, estate_id, limit)


@router.get(
    "/{estate_id:int}/export.geojson",
    summary="The estate as GeoJSON (RFC 7946)",
    response_class=Response,
    responses=media_response(
        "application/geo+json", "A FeatureCollection, importable again", {"type": "object"}
    ),
)
def export(platform: PlatformDep, _: PublicCaller, estate_id: RowId) -> Response:
    body = json.dumps(export_geojson(platform.estates, estate_id), ensure_ascii=False)
    return Response(
        body,
        media_type="application/geo+json",
        headers={"Content-Disposition": f'attachment; filename="estate-{estate_id}.geojson"'},
    )


@router.get("/{estate_id:int}/guide", response_model=GuideAnswer, summary="Find a building")
def guide(
    request: Request,
    platform: PlatformDep,
    _: PublicCaller,
    estate_id: RowId,
    building: Annotated[
        str, Query(min_length=1, max_length=40, description='As residents say it: "37", "37号楼"')
    ],
    unit: Annotated[
        str | None, Query(max_length=40, description='"2", "2单元" or an entrance ref')
    ] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90, description="Where the rider is")] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    by: Literal["ebike", "foot"] = "ebike",
    lang: Lang = None,
) -> GuideAnswer:
    """The zone colour to follow, the best gate (for where the rider is, when `lon` and
    `lat` are given: `approach` says whether the streets router timed the ride to each
    gate or the straight line did), where to leave the e-bike where it may not be ridden
    inside, and the walk to the unit entrance, in the reader's language."""
    if (lat is None) != (lon is None):
        raise InvalidInput(
            N_("Give both lat and lon, or neither."), field="lat" if lat is None else "lon"
        )
    position = (lon, lat) if lon is not None and lat is not None else None
    return platform.estates.guide(
        estate_id, building, unit=unit, position=position, by=by, locale=locale_of(request)
    )


@router.get(
    "/{estate_id:int}/poster.svg",
    summary="The gate poster (SVG)",
    response_class=Response,
    responses=media_response("image/svg+xml", "The poster, with a QR code to the guide"),
)
def poster_svg(
    request: Request, platform: PlatformDep, _: PublicCaller, estate_id: RowId, lang: Lang = None
) -> Response:
    svg = platform.estates.poster_svg(
        estate_id, guide_url=guide_url(request, estate_id), locale=locale_of(request)
    )
    return Response(svg, media_type="image/svg+xml")


@router.get(
    "/{estate_id:int}/poster.pdf",
    summary="The gate poster (PDF, to print)",
    response_class=Response,
    responses=media_response(
        "application/pdf", "The poster, to print", {"type": "string", "format": "binary"}
    ),
)
def poster_pdf(
    request: Request, platform: PlatformDep, _: PublicCaller, estate_id: RowId, lang: Lang = None
) -> Response:
    pdf = platform.estates.poster_pdf(
        estate_id, guide_url=guide_url(request, estate_id), locale=locale_of(request)
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="estate-{estate_id}-poster.pdf"'},
    )
