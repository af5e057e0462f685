"""Hotspots: where delivery complaints, hazard reports and survey answers concentrate — on
a grid of square cells and by named place (the map's places and estates the complaints
were matched to) — with the last 30 days against the 30 before."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from gigcity.db.models import GovComplaint, GovSurvey, GovSurveyAnswer, Report
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import InvalidInput
from gigcity.services.governance.base import METRES_PER_DEGREE, GovernanceBase
from gigcity.services.governance.dashboard import OverviewFile, month_starts
from gigcity.services.governance.dashboard_files import CSV_MEDIA, XLSX_MEDIA
from gigcity.services.governance.hotspot_files import hotspots_csv, hotspots_xlsx
from gigcity.services.governance.schemas import HotspotCell, HotspotPlace, Hotspots

MAX_DAYS = 366
SHOWN = 50
TREND_DAYS = 30


@dataclass
class _Cell:
    complaints: int = 0
    reports: int = 0
    answers: int = 0
    last: int = 0
    before: int = 0
    subdistricts: dict[str | None, int] = field(default_factory=dict)


def _trend(last: int, before: int) -> float | None:
    return None if before == 0 else round((last - before) / before, 3)


class HotspotsMixin(GovernanceBase):
    def hotspots_file(
        self,
        principal: Principal,
        kind: Literal["csv", "xlsx"],
        *,
        since: date | None = None,
        until: date | None = None,
        subdistrict: str | None = None,
        cell_m: int = 250,
        locale: str = "zh_CN",
    ) -> OverviewFile:
        """The hotspots as CSV or XLSX, scoped as the JSON answer is; in an officer's file
        counts of 1 or 2 are written "<3"."""
        spots = self.hotspots(
            principal, since=since, until=until, subdistrict=subdistrict, cell_m=cell_m
        )
        small = principal.role == Role.officer
        name = f"hotspots-{spots.subdistrict or 'all'}-{spots.since}-{spots.until}"
        if kind == "xlsx":
            body = hotspots_xlsx(spots, locale, small_cells=small)
            return OverviewFile(f"{name}.xlsx", XLSX_MEDIA, body)
        return OverviewFile(f"{name}.csv", CSV_MEDIA, hotspots_csv(spots, small_cells=small))

    def hotspots(
        self,
        principal: Principal,
        *,
        since: date | None = None,
        until: date | None = None,
        subdistrict: str | None = None,
        cell_m: int = 250,
    ) -> Hotspots:
        area = self.area(principal, subdistrict)
        self.check_day(since, "since")
        self.check_day(until, "until")
        until = until or self.today()
        since = since or until - timedelta(days=364)
        if since > until:
            raise InvalidInput(N_("since must not be after until."), field="since")
        if (until - since).days + 1 > MAX_DAYS:
            raise InvalidInput(
                N_("The window may span at most {max} days."), field="since", max=MAX_DAYS
            )
        if not 50 <= cell_m <= 2000:
            raise InvalidInput(
                N_("A cell is {low} to {high} metres wide."), field="cell_m", low=50, high=2000
            )
        start, end = self.day_start(since), self.day_end(until)
        recent = end - timedelta(days=TREND_DAYS)
        previous = recent - timedelta(days=TREND_DAYS)
        lat0 = (self.district.bbox[1] + self.district.bbox[3]) / 2
        step_lat = cell_m / METRES_PER_DEGREE
        step_lon = cell_m / (METRES_PER_DEGREE * math.cos(math.radians(lat0)))
        cells: dict[tuple[int, int], _Cell] = {}
        with self.factory() as session:
            sources: Sequence[tuple[str, Any, Any, Any, Any, list[ColumnElement[bool]]]] = (
                (
                    "complaints",
                    GovComplaint.lat,
                    GovComplaint.lon,
                    GovComplaint.received_at,
                    GovComplaint.subdistrict,
                    [
                        *_area(GovComplaint.subdistrict, area),
                        GovComplaint.topic.is_not(None),
                        GovComplaint.placed.is_(True),
                    ],
                ),
                (
                    "reports",
                    Report.lat,
                    Report.lon,
                    Report.created_at,
                    Report.subdistrict,
                    # Confirmed reports only: not held for review, not a duplicate merged.
                    [
                        *_area(Report.subdistrict, area),
                        Report.held.is_(False),
                        Report.merged_into_id.is_(None),
                    ],
                ),
            )
            for source, lat, lon, at, sub, filters in sources:
                self._grid(
                    session, cells, source, lat, lon, at, sub, filters,
                    (start, end, recent, previous, step_lat, step_lon),
                )  # fmt: skip
            self._grid(
                session,
                cells,
                "answers",
                GovSurvey.lat,
                GovSurvey.lon,
                GovSurveyAnswer.at,
                GovSurveyAnswer.subdistrict,
                _area(GovSurveyAnswer.subdistrict, area),
                (start, end, recent, previous, step_lat, step_lon),
                join=True,
            )
            places = self._places(session, area, start, end, recent, previous, since, until)
        ranked = sorted(
            cells.items(),
            key=lambda kv: (-(kv[1].complaints + kv[1].reports + kv[1].answers), kv[0]),
        )[:SHOWN]
        return Hotspots(
            since=since,
            until=until,
            cell_m=cell_m,
            subdistrict=area,
            cells=[
                HotspotCell(
                    lat=round((y + 0.5) * step_lat, 6),
                    lon=round((x + 0.5) * step_lon, 6),
                    subdistrict=max(c.subdistricts.items(), key=lambda kv: kv[1])[0],
                    complaints=c.complaints,
                    reports=c.reports,
                    answers=c.answers,
                    total=c.complaints + c.reports + c.answers,
                    last_month=c.last,
                    month_before=c.before,
                    trend=_trend(c.last, c.before),
                )
                for (y, x), c in ranked
            ],
            places=places,
        )

    def _grid(
        self,
        session: Session,
        cells: dict[tuple[int, int], _Cell],
        source: str,
        lat: Any,
        lon: Any,
        at: Any,
        sub: Any,
        filters: list[ColumnElement[bool]],
        frame: tuple[datetime, datetime, datetime, datetime, float, float],
        *,
        join: bool = False,
    ) -> None:
        start, end, recent, previous, step_lat, step_lon = frame
        # Truncation is flooring here: the district's coordinates are positive.
        y = cast(lat / step_lat, Integer)
        x = cast(lon / step_lon, Integer)
        query = select(
            y,
            x,
            sub,
            func.count(),
            func.sum(case((at >= recent, 1), else_=0)),
            func.sum(case((and_(at >= previous, at < recent), 1), else_=0)),
        )
        if join:
            query = query.select_from(GovSurveyAnswer).join(
                GovSurvey, GovSurvey.id == GovSurveyAnswer.survey_id
            )
        rows = session.execute(
            query.where(at >= start, at < end, lat.is_not(None), *filters).group_by(y, x, sub)
        )
        for cy, cx, subdistrict, total, last, before in rows:
            cell = cells.setdefault((int(cy), int(cx)), _Cell())
            setattr(cell, source, getattr(cell, source) + int(total))
            cell.last += int(last or 0)
            cell.before += int(before or 0)
            cell.subdistricts[subdistrict] = cell.subdistricts.get(subdistrict, 0) + int(total)

    def _places(
        self,
        session: Session,
        area: str | None,
        start: datetime,
        end: datetime,
        recent: datetime,
        previous: datetime,
        since: date,
        until: date,
    ) -> list[HotspotPlace]:
        months = month_starts(since, until)
        bounds = [self.day_start(m) for m in months] + [end]
        at = GovComplaint.received_at
        per_month = [
            func.sum(case((and_(at >= bounds[i], at < bounds[i + 1]), 1), else_=0))
            for i in range(len(months))
        ]
        rows = session.execute(
            select(
                GovComplaint.place_ref,
                func.max(GovComplaint.place_name),
                func.avg(GovComplaint.lat),
                func.avg(GovComplaint.lon),
                func.max(GovComplaint.subdistrict),
                func.count(),
                func.sum(case((at >= recent, 1), else_=0)),
                func.sum(case((and_(at >= previous, at < recent), 1), else_=0)),
                *per_month,
            )
            .where(
                at >= start,
                at < end,
                GovComplaint.topic.is_not(None),
                GovComplaint.placed_how.in_(["place", "estate"]),
                *_area(GovComplaint.subdistrict, area),
            )
            .group_by(GovComplaint.place_ref)
            .order_by(func.count().desc(), GovComplaint.place_ref)
            .limit(SHOWN)
        ).all()
        return [
            HotspotPlace(
                name=str(name or ref),
                ref=str(ref),
                lat=float(lat),
                lon=float(lon),
                subdistrict=sub,
                complaints=int(total),
                last_month=int(last or 0),
                month_before=int(before or 0),
                trend=_trend(int(last or 0), int(before or 0)),
                months=[int(v or 0) for v in counts],
            )
            for ref, name, lat, lon, sub, total, last, before, *counts in rows
        ]


def _area(column: Any, area: str | None) -> list[ColumnElement[bool]]:
    return [] if area is None else [column == area]


__all__ = ["HotspotsMixin"]
