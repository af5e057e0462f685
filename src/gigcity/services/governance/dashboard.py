"""The district dashboard across every service: for a window of local days (at most a
year), per local month and in total, per sub-district where the caller may see several —
delivery-related complaints by topic, hazard reports filed and resolved, survey answers,
consultations and their agreed items overdue, measures started and their cost, relay items
delivered, meals for the elderly delivered, bed-nights booked, volunteer tasks done, the
friendly map's use (`map_use`) — and its service points by kind.

Every figure is read with the caller's area (`GovernanceBase.area`) in its WHERE clause:
a grid officer's answer, exports and map layer are computed from their sub-district's rows
alone, so no other sub-district's number can reach them, not even inside a total. Nothing
is cached.

Each query reads one table's window grouped by (month, sub-district): the month is a CASE
over the window's local month boundaries (UTC instants, or days for date columns), the
same SQL on SQLite and PostgreSQL, ranging over the table's time index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from gigcity.db import rollups
from gigcity.db.models import (
    Elder,
    ElderMeal,
    Estate,
    GovComplaint,
    GovConsultation,
    GovMapUse,
    GovMeasure,
    GovSurveyAnswer,
    Place,
    RelayItem,
    Report,
    ReportDailyCount,
    ReportResolutionCount,
    StayBooking,
    VolunteerTask,
)
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import InvalidInput
from gigcity.services.governance.base import GovernanceBase
from gigcity.services.governance.dashboard_files import (
    CSV_MEDIA,
    XLSX_MEDIA,
    overview_csv,
    overview_geojson,
    overview_xlsx,
)
from gigcity.services.governance.dashboard_schemas import (
    SOURCES,
    AreaFigures,
    Figure,
    Figures,
    FigureSource,
    MonthFigures,
    Overview,
)
from gigcity.services.governance.map_use import MapUse
from gigcity.services.month_counts import grouped, month_bucket, side_by_side
from gigcity.services.types import as_utc

MAX_DAYS = 366
DEFAULT_MONTHS = 12
# Figures by (sub-district, month index).
Cells = dict[tuple[str | None, int], Figures]
# Bookings that held a bed for their nights (offers not taken, cancellations and lapsed
# offers did not).
BOOKED_STATES = ("booked", "checked_in", "checked_out", "no_show")


# -- the window ------------------------------------------------------------------------------


def month_starts(since: date, until: date) -> list[date]:
    """The first days of the local months the window [since, until] touches."""
    months = [since.replace(day=1)]
    while True:
        after = (months[-1] + timedelta(days=32)).replace(day=1)
        if after > until:
            return months
        months.append(after)


@dataclass(frozen=True)
class OverviewFile:
    filename: str
    media_type: str
    body: bytes


class DashboardMixin(GovernanceBase):
    # -- the window and who asks ---------------------------------------------------------

    def overview_window(self, since: date | None, until: date | None) -> tuple[date, date]:
        """[since, until] as asked, or the last twelve local months to today."""
        until = until or self.today()
        if since is None:
            start = until.replace(day=1)
            for _ in range(DEFAULT_MONTHS - 1):
                start = (start - timedelta(days=1)).replace(day=1)
            since = max(start, until - timedelta(days=MAX_DAYS - 1))
        if since > until:
            raise InvalidInput(N_("since must not be after until."), field="since")
        if (until - since).days + 1 > MAX_DAYS:
            raise InvalidInput(
                N_("The window may span at most {max} days."), field="since", max=MAX_DAYS
            )
        return since, until

    def district_overview(
        self,
        principal: Principal,
        since: date | None = None,
        until: date | None = None,
        subdistrict: str | None = None,
    ) -> Overview:
        """Every service's figures for the window, scoped by who asks (see `area`)."""
        area = self.area(principal, subdistrict)  # first: a refused caller learns nothing
        since, until = self.overview_window(since, until)
        self.map_uses.flush()  # this process's last minute of map use (others' are stored)
        months = month_starts(since, until)
        days = [since, *months[1:], until + timedelta(days=1)]
        instants = [self.day_start(d) for d in days]
        points: dict[str | None, dict[str, int]] = {}

        def first(session: Session, cells: Cells) -> None:
            self._complaints(session, area, instants, cells)
            self._surveys(session, area, instants, cells)
            self._consultations(session, area, days, cells)
            self._measures(session, area, days, cells)
            self._map_uses(session, area, days, cells)
            points.update(self._service_points(session, area))

        def second(session: Session, cells: Cells) -> None:
            self._meals(session, area, days, cells)
            self._volunteers(session, area, instants, cells)

        def third(session: Session, cells: Cells) -> None:
            self._relay(session, area, instants, cells)
            self._beds(session, area, instants, cells)
            self._reports(session, principal, area, since, until, months, instants, cells)

        def run(session: Session, parts: Sequence[Callable[[Session, Cells], None]]) -> Cells:
            cells: Cells = defaultdict(Figures)
            for part in parts:
                part(session, cells)
            return cells

        # On PostgreSQL the services' tables are read on three connections at once: a year
        # is a few hundred thousand rows in all, and the wall time is the slowest third's.
        answers = side_by_side(self.factory, [[first], [second], [third]], run)
        cells: Cells = defaultdict(Figures)
        for answer in answers:
            for key, figures in answer.items():
                cells[key].add(figures)
        return self._assemble(area, since, until, months, cells, points)

    def overview_geojson(
        self,
        principal: Principal,
        since: date | None = None,
        until: date | None = None,
        subdistrict: str | None = None,
    ) -> dict[str, Any]:
        """The map layer: each visible sub-district's cell with its window totals."""
        overview = self.district_overview(principal, since, until, subdistrict)
        return overview_geojson(overview, self.district)

    def overview_file(
        self,
        principal: Principal,
        kind: Literal["csv", "xlsx"],
        since: date | None = None,
        until: date | None = None,
        subdistrict: str | None = None,
        *,
        locale: str = "zh_CN",
    ) -> OverviewFile:
        """The overview's figures as CSV or XLSX, scoped as its JSON answer is."""
        overview = self.district_overview(principal, since, until, subdistrict)
        name = (
            f"district-overview-{overview.subdistrict or 'all'}-{overview.since}-{overview.until}"
        )
        # Officers' files leave the platform with counts of 1–2 hidden; admins' are exact.
        small = principal.role == Role.officer
        if kind == "xlsx":
            body = overview_xlsx(overview, self.district, locale, small_cells=small)
            return OverviewFile(f"{name}.xlsx", XLSX_MEDIA, body)
        body = overview_csv(overview, self.district, locale, small_cells=small)
        return OverviewFile(f"{name}.csv", CSV_MEDIA, body)

    # -- assembling --------------------------------------------------------------------------

    def _assemble(
        self,
        area: str | None,
        since: date,
        until: date,
        months: list[date],
        cells: Cells,
        points: dict[str | None, dict[str, int]],
    ) -> Overview:
        visible = [s for s in self.district.subdistricts if area in (None, s.code)]
        codes = {s.code for s in visible}

        def block(code: str | None, name: str | None, keys: Iterable[str | None]) -> AreaFigures:
            keys = list(keys)
            per_month = []
            total = Figures()
            for k, month in enumerate(months):
                figures = Figures()
                for key in keys:
                    if (key, k) in cells:
                        figures.add(cells[(key, k)])
                per_month.append(MonthFigures(month=month, figures=figures))
                total.add(figures)
            kinds: dict[str, int] = defaultdict(int)
            for key in keys:
                for kind, n in points.get(key, {}).items():
                    kinds[kind] += n
            sub = self.district.get(code) if code else None
            return AreaFigures(
                code=code,
                name=name,
                lon=sub.lon if sub else None,
                lat=sub.lat if sub else None,
                total=total,
                months=per_month,
                service_points=dict(sorted(kinds.items())),
            )

        subs = [block(s.code, s.name, [s.code]) for s in visible]
        # The area's total: its sub-districts' rows, and for the district the rows placed
        # in none (complaints not yet placed). Rows of a code the district no longer has
        # are counted in the district's total only.
        if area is None:
            keys: set[str | None] = {key for key, _ in cells} | set(points) | codes
        else:
            keys = {area}
        total = block(area, None, sorted(keys, key=lambda c: c or ""))
        unplaced = sum(f.complaints for (key, _), f in cells.items() if key is None)
        return Overview(
            since=since,
            until=until,
            subdistrict=area,
            today=self.today(),
            sources=[FigureSource(figure=f, service=SOURCES[f]) for f in Figure],
            total=total,
            subdistricts=subs,
            unplaced_complaints=unplaced if area is None else 0,
        )

    @staticmethod
    def _where(column: Any, area: str | None) -> list[ColumnElement[bool]]:
        return [] if area is None else [column == area]

    # -- one query per service ---------------------------------------------------------------

    def _complaints(
        self,
        session: Session,
        area: str | None,
        edges: list[datetime],
        cells: Cells,
    ) -> None:
        c = GovComplaint
        month = month_bucket(c.received_at, edges)
        inner = select(month, c.subdistrict, c.topic).where(
            c.received_at >= edges[0],
            c.received_at < edges[-1],
            c.topic.is_not(None),
            *self._where(c.subdistrict, area),
        )
        for k, sub, topic, n in grouped(session, inner, 3):
            figures = cells[(sub, int(k))]
            figures.complaints += int(n)
            figures.complaints_by_topic[topic] = figures.complaints_by_topic.get(topic, 0) + int(n)

    def _reports(
        self,
        session: Session,
        principal: Principal,
        area: str | None,
        since: date,
        until: date,
        months: list[date],
        edges: list[datetime],
        cells: Cells,
    ) -> None:
        """Filed from the daily rollup, resolved from the day and month rollups (as the
        reports' dashboard counts them); held reports are an admin's only, so for anyone
        else the few held ones of the window are taken off."""
        index = {m: k for k, m in enumerate(months)}
        daily = ReportDailyCount
        day_edges = [since, *months[1:], until + timedelta(days=1)]
        month = month_bucket(daily.day, day_edges)
        inner = select(month, daily.subdistrict, daily.count.label("n")).where(
            daily.day.between(since, until), *self._where(daily.subdistrict, area)
        )
        for k, sub, _, n in grouped(session, inner, 2, ["n"]):
            cells[(sub, int(k))].reports_filed += int(n)
        table = ReportResolutionCount
        whole, ends = rollups.split_window(since, until)
        spans = [(rollups.DAY, a, b) for a, b in ends]
        if whole is not None:
            spans.append((rollups.MONTH, *whole))
        for grain, a, b in spans:
            rows = session.execute(
                select(table.period, table.subdistrict, func.sum(table.count))
                .where(
                    table.grain == grain,
                    table.period.between(a, b),
                    table.category == rollups.ALL,
                    table.subdistrict == area if area else table.subdistrict != rollups.ALL,
                )
                .group_by(table.period, table.subdistrict)
            )
            for period, sub, n in rows:
                k = index[rollups.month_of(period)]
                cells[(sub, k)].reports_resolved += int(n or 0)
        if principal.role == Role.admin:
            return
        for created_at, sub in session.execute(
            select(Report.created_at, Report.subdistrict).where(
                Report.held,
                Report.created_at >= edges[0],
                Report.created_at < edges[-1],
                *self._where(Report.subdistrict, area),
            )
        ):
            k = index[self._local_month(created_at)]
            cells[(sub, k)].reports_filed -= 1
        for resolved_at, sub in session.execute(
            select(Report.resolved_at, Report.subdistrict).where(
                Report.held,
                Report.resolution_s.is_not(None),
                Report.resolved_at >= edges[0],
                Report.resolved_at < edges[-1],
                *self._where(Report.subdistrict, area),
            )
        ):
            k = index[self._local_month(resolved_at)] if resolved_at else 0
            cells[(sub, k)].reports_resolved -= 1

    def _local_month(self, at: datetime) -> date:
        return as_utc(at).astimezone(self.tz).date().replace(day=1)

    def _surveys(
        self,
        session: Session,
        area: str | None,
        edges: list[datetime],
        cells: Cells,
    ) -> None:
        a = GovSurveyAnswer
        month = month_bucket(a.at, edges)
        inner = select(month, a.subdistrict).where(
            a.at >= edges[0], a.at < edges[-1], *self._where(a.subdistrict, area)
        )
        for k, sub, n in grouped(session, inner, 2):
            cells[(sub, int(k))].survey_answers += int(n)

    def _consultations(
        self,
        session: Session,
        area: str | None,
        days: list[date],
        cells: Cells,
    ) -> None:
        """Meetings held in the window (a few a month), and their agreed items whose date
        has passed today without being done, counted in the meeting's month."""
        c = GovConsultation
        month = month_bucket(c.held_on, days)
        today = self.today()
        rows = session.execute(
            select(month, c.subdistrict, c.agreed).where(
                c.held_on >= days[0], c.held_on < days[-1], *self._where(c.subdistrict, area)
            )
        )
        for k, sub, agreed in rows:
            figures = cells[(sub, int(k))]
            figures.consultations_held += 1
            figures.agreed_overdue += sum(1 for item in agreed or [] if _overdue(item, today))

    def _measures(
        self,
        session: Session,
        area: str | None,
        days: list[date],
        cells: Cells,
    ) -> None:
        m = GovMeasure
        month = month_bucket(m.started_on, days)
        inner = select(month, m.subdistrict, m.cost_fen.label("cost")).where(
            m.started_on >= days[0], m.started_on < days[-1], *self._where(m.subdistrict, area)
        )
        for k, sub, n, cost in grouped(session, inner, 2, ["cost"]):
            figures = cells[(sub, int(k))]
            figures.measures_started += int(n)
            figures.measures_cost_fen += int(cost or 0)

    def _relay(
        self,
        session: Session,
        area: str | None,
        edges: list[datetime],
        cells: Cells,
    ) -> None:
        """Items handed to their recipient in the window, in their estate's sub-district."""
        i = RelayItem
        month = month_bucket(i.finished_at, edges)
        inner = (
            select(month, Estate.subdistrict)
            .select_from(i)
            .join(Estate, Estate.id == i.estate_id)
            .where(
                i.state == "delivered",
                i.finished_at >= edges[0],
                i.finished_at < edges[-1],
                *self._where(Estate.subdistrict, area),
            )
        )
        for k, sub, n in grouped(session, inner, 2):
            cells[(sub, int(k))].relay_delivered += int(n)

    def _meals(
        self,
        session: Session,
        area: str | None,
        days: list[date],
        cells: Cells,
    ) -> None:
        """Meals delivered on the window's days, in the older person's sub-district."""
        meal = ElderMeal
        month = month_bucket(meal.day, days)
        inner = (
            select(month, Elder.subdistrict)
            .select_from(meal)
            .join(Elder, Elder.id == meal.elder_id)
            .where(
                meal.day >= days[0],
                meal.day < days[-1],
                meal.state == "delivered",
                *self._where(Elder.subdistrict, area),
            )
        )
        for k, sub, n in grouped(session, inner, 2):
            cells[(sub, int(k))].meals_delivered += int(n)

    def _beds(
        self,
        session: Session,
        area: str | None,
        edges: list[datetime],
        cells: Cells,
    ) -> None:
        """Nights booked, in the month of each booking's first night, in the home's
        sub-district. A booking of n nights runs from 18:00 of its first to 10:00 after its
        last: n days less 8 hours, so its nights are its length in days rounded."""
        b = StayBooking
        month = month_bucket(b.starts_at, edges)
        if session.get_bind().dialect.name == "postgresql":
            length = func.extract("epoch", b.ends_at - b.starts_at) / 86400.0
        else:
            length = func.julianday(b.ends_at) - func.julianday(b.starts_at)
        inner = (
            select(month, Place.subdistrict, func.round(length).label("nights"))
            .select_from(b)
            .join(Place, Place.id == b.place_id)
            .where(
                b.kind == "night",
                b.state.in_(BOOKED_STATES),
                b.starts_at >= edges[0],
                b.starts_at < edges[-1],
                *self._where(Place.subdistrict, area),
            )
        )
        for k, sub, _, n in grouped(session, inner, 2, ["nights"]):
            cells[(sub, int(k))].bed_nights += round(float(n or 0))

    def _volunteers(
        self,
        session: Session,
        area: str | None,
        edges: list[datetime],
        cells: Cells,
    ) -> None:
        """Volunteer tasks done in the window, in the older person's sub-district."""
        t = VolunteerTask
        month = month_bucket(t.done_at, edges)
        inner = (
            select(month, Elder.subdistrict)
            .select_from(t)
            .join(Elder, Elder.id == t.elder_id)
            .where(
                t.done_at >= edges[0], t.done_at < edges[-1], *self._where(Elder.subdistrict, area)
            )
        )
        for k, sub, n in grouped(session, inner, 2):
            cells[(sub, int(k))].volunteer_tasks_done += int(n)

    def _map_uses(
        self,
        session: Session,
        area: str | None,
        days: list[date],
        cells: Cells,
    ) -> None:
        """The friendly map's use on the window's days (counts by day, sub-district, kind)."""
        u = GovMapUse
        month = month_bucket(u.day, days)
        inner = select(month, u.subdistrict, u.kind, u.count.label("n")).where(
            u.day >= days[0], u.day < days[-1], *self._where(u.subdistrict, area)
        )
        for k, sub, kind, _, n in grouped(session, inner, 3, ["n"]):
            figures = cells[(sub, int(k))]
            if kind == "nearby":
                figures.map_nearby += int(n or 0)
            elif kind == "details":
                figures.map_details += int(n or 0)

    def count_map_use(
        self,
        kind: MapUse,
        *,
        lon: float | None = None,
        lat: float | None = None,
        subdistrict: str | None = None,
    ) -> None:
        """Count one use of the friendly map where it happened (the sub-district of the
        position, or of the point opened); nothing is counted outside the district, and
        nothing about who or exactly where is kept."""
        if subdistrict is None and lon is not None and lat is not None:
            found = self.district.locate(lon, lat)
            subdistrict = found.code if found else None
        if subdistrict is not None and self.district.get(subdistrict) is not None:
            self.map_uses.count(kind, subdistrict)

    def _service_points(
        self, session: Session, area: str | None
    ) -> dict[str | None, dict[str, int]]:
        """The friendly map's service points by sub-district and kind, as they are today."""
        rows = session.execute(
            select(Place.subdistrict, Place.kind, func.count())
            .where(*self._where(Place.subdistrict, area))
            .group_by(Place.subdistrict, Place.kind)
        )
        points: dict[str | None, dict[str, int]] = defaultdict(dict)
        for sub, kind, n in rows:
            points[sub][kind] = int(n)
        return dict(points)


def _overdue(item: Any, today: date) -> bool:
    """An agreed item ({what, owner, due_on, done_on}) past its date and not done."""
    if not isinstance(item, dict) or item.get("done_on") or not item.get("due_on"):
        return False
    try:
        return date.fromisoformat(str(item["due_on"])[:10]) < today
    except ValueError:
        return False


__all__ = ["DashboardMixin", "OverviewFile", "month_starts"]
