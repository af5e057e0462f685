"""Finding what a new report may repeat: open reports of its category nearby, and stored
photos that are near-identical to a new one (perceptual hash)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from gigcity.db.models import Report, ReportPhoto
from gigcity.geo.coords import box_around, haversine_m
from gigcity.services.reports import phash
from gigcity.services.reports.categories import Category
from gigcity.services.reports.lifecycle import UNRESOLVED
from gigcity.services.reports.schemas import SimilarReport
from gigcity.services.reports.views import first_thumbs, snippet

# Photos this many bits apart (of 64) or fewer are "near-identical": the same picture after
# re-encoding, scaling or a small crop; two photos of the same spot taken moments apart are
# usually further apart. Must not exceed phash.MAX_GUARANTEED_DISTANCE.
NEAR_IDENTICAL_BITS = 6
MAX_SIMILAR = 5
_CANDIDATE_LIMIT = 5000
_UNRESOLVED = [s.value for s in UNRESOLVED]


def near_photo(
    session: Session, dhash_unsigned: int, exclude_ids: Sequence[int] = ()
) -> int | None:
    """The oldest stored photo of a report whose hash is within NEAR_IDENTICAL_BITS."""
    if not phash.informative(dhash_unsigned):
        return None
    columns = (ReportPhoto.band0, ReportPhoto.band1, ReportPhoto.band2, ReportPhoto.band3)
    lookups = [
        column.in_(phash.band_neighbours(band))
        for column, band in zip(columns, phash.bands(dhash_unsigned), strict=True)
    ]
    query = (
        select(ReportPhoto.id, ReportPhoto.dhash)
        .where(or_(*lookups))
        .where(ReportPhoto.report_id.is_not(None))
        .order_by(ReportPhoto.id)
        .limit(_CANDIDATE_LIMIT)
    )
    if exclude_ids:
        query = query.where(ReportPhoto.id.not_in(list(exclude_ids)))
    for photo_id, stored in session.execute(query):
        if phash.hamming(phash.to_unsigned(stored), dhash_unsigned) <= NEAR_IDENTICAL_BITS:
            return int(photo_id)
    return None


def distance_m(report: Report, lon: float, lat: float) -> float:
    """How far the point is from the report, in metres (great circle)."""
    return haversine_m(lon, lat, report.lon, report.lat)


def nearby_open(
    session: Session, category: Category, lon: float, lat: float, radius_m: float
) -> list[tuple[Report, float]]:
    """Unresolved, visible reports of `category` within `radius_m`, nearest first."""
    if radius_m <= 0:
        return []
    west, south, east, north = box_around(lon, lat, radius_m)
    rows = session.scalars(
        select(Report)
        .where(Report.is_open.is_(True))
        .where(Report.category == category.value)
        .where(Report.lat.between(south, north))
        .where(Report.lon.between(west, east))
        .where(Report.status.in_(_UNRESOLVED))
        .where(Report.held.is_(False))
        .limit(200)
    )
    found = []
    for report in rows:
        distance = distance_m(report, lon, lat)
        if distance <= radius_m:
            found.append((report, distance))
    found.sort(key=lambda pair: (pair[1], pair[0].id))
    return found


def similar_reports(
    session: Session,
    category: Category,
    lon: float,
    lat: float,
    radius_m: float,
    photo_near_report_ids: Sequence[int],
    exclude_id: int | None = None,
    with_thumbs: bool = False,
) -> list[SimilarReport]:
    """What to offer as "same as this one?": reports with a near-identical photo first, then
    open reports of the category nearby. Thumbnails only `with_thumbs` (for staff): other
    riders' photos are not shown to a rider (`photo_access`)."""
    picked: list[tuple[Report, float, str]] = []
    seen: set[int] = set() if exclude_id is None else {exclude_id}
    if photo_near_report_ids:
        for report in session.scalars(
            select(Report)
            .where(Report.id.in_(list(photo_near_report_ids)))
            .where(Report.status.in_(_UNRESOLVED))
            .where(Report.held.is_(False))
            .order_by(Report.id)
        ):
            if report.id not in seen:
                seen.add(report.id)
                picked.append((report, distance_m(report, lon, lat), "photo"))
    for report, distance in nearby_open(session, category, lon, lat, radius_m):
        if report.id not in seen:
            seen.add(report.id)
            picked.append((report, distance, "nearby"))
    picked = picked[:MAX_SIMILAR]
    thumbs = first_thumbs(session, [r.id for r, _, _ in picked]) if with_thumbs else {}
    return [
        SimilarReport(
            id=report.id,
            category=report.category,
            status=report.status,
            description=snippet(report.description),
            distance_m=round(distance, 1),
            created_at=report.created_at,
            thumb_url=thumbs.get(report.id),
            why=why,
        )
        for report, distance, why in picked
    ]


def staged_near_reports(session: Session, photo_ids: Sequence[int]) -> list[int]:
    """Reports holding a photo near-identical to one of `photo_ids`."""
    if not photo_ids:
        return []
    near = select(ReportPhoto.near_photo_id).where(ReportPhoto.id.in_(list(photo_ids)))
    rows = session.scalars(
        select(ReportPhoto.report_id).where(ReportPhoto.id.in_(near)).order_by(ReportPhoto.id)
    )
    return [r for r in dict.fromkeys(rows) if r is not None]
