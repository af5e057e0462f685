"""The district and its sub-districts (public reference data)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from gigcity.http.deps import PlatformDep, PublicCaller

router = APIRouter(prefix="/api/district", tags=["district"])


class SubdistrictOut(BaseModel):
    code: str
    name: str
    pinyin: str
    kind: str
    lon: float
    lat: float


class DistrictOut(BaseModel):
    name: str
    bbox: tuple[float, float, float, float]
    subdistricts: list[SubdistrictOut]


@router.get("", response_model=DistrictOut, summary="The district and its sub-districts")
def district(platform: PlatformDep, _: PublicCaller) -> DistrictOut:
    d = platform.district
    return DistrictOut(
        name=d.name,
        bbox=d.bbox,
        subdistricts=[
            SubdistrictOut.model_validate(s, from_attributes=True) for s in d.subdistricts
        ],
    )


@router.get("/subdistricts.geojson", summary="Sub-district partition as GeoJSON (RFC 7946)")
def subdistricts_geojson(platform: PlatformDep, _: PublicCaller) -> dict[str, Any]:
    return platform.district.geojson()


@router.get(
    "/locate", response_model=SubdistrictOut | None, summary="Which sub-district a point is in"
)
def locate(
    platform: PlatformDep,
    _: PublicCaller,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
) -> SubdistrictOut | None:
    """`null` when the point is outside the district."""
    sub = platform.district.locate(lon, lat)
    return SubdistrictOut.model_validate(sub, from_attributes=True) if sub else None
