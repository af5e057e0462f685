"""The district's overview of organisation work (issue 20), for its social-work staff (the
admin role): check-ins per point, theme-day attendance by month (at a station or online),
concerns raised and closed, and volunteers' confirmed hours, for the last N local months.

Every figure is an aggregate the database computes (GROUP BY over the window; no row is
brought into Python one member at a time): the month of a timestamp is a CASE over the
window's local month starts as UTC instants (the same SQL on SQLite and PostgreSQL); theme
attendance carries its month as text already. Counts only: no member's name is read, so
nothing here is a membership read to log. Nothing is cached: several workers answer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from gigcity.db.models import (
    CheckinPoint,
    Concern,
    Membership,
    Place,
    ThemeAttendance,
    VolunteerActivity,
    VolunteerSignup,
    VolunteerTeam,
)
from gigcity.geo.district import District
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock, as_utc
from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.governance.dashboard import OverviewFile
from gigcity.services.governance.dashboard_files import CSV_MEDIA, XLSX_MEDIA
from gigcity.services.month_counts import grouped, month_bucket, side_by_side
from gigcity.services.organisation.overview_schemas import (
    MAX_MONTHS,
    MONTH_FIGURES,
    MonthFigures,
    OrganisationOverviewOut,
    PointFigures,
    TeamFigures,
    Totals,
)
from gigcity.services.spreadsheets import csv_safe

N_ADMINS_ONLY = N_("Only the district's social-work staff (admins) see the organisation overview.")
N_MONTHS = N_("months must be between 1 and {max}.")
HEADER = ["section", "month", "key", "name", "figure", "figure_name", "value"]
TOTAL = "total"


def _confirmed_in(edges: Sequence[datetime]) -> tuple[ColumnElement[bool], ...]:
    """Volunteer sign-ups with confirmed minutes, for activities started in the window
    (the query joins the activity): unconfirmed hours never count."""
    s, act = VolunteerSignup, VolunteerActivity
    return (
        act.starts_at >= edges[0],
        act.starts_at < edges[-1],
        s.confirmed_at.is_not(None),
        s.minutes.is_not(None),
    )


def _add_months(first: date, n: int) -> date:
    year, month = divmod(first.year * 12 + first.month - 1 + n, 12)
    return date(year, month + 1, 1)


class OrganisationOverview:
    """The overview's figures, read from the database."""

    def __init__(self, factory: sessionmaker[Session], district: District, clock: DayClock) -> None:
        self._factory = factory
        self._district = district
        self._clock = clock

    # -- the window ------------------------------------------------------------------------

    def window(self, months: int) -> tuple[list[str], list[datetime]]:
        """The last `months` local months to the current one ('YYYY-MM'), and their starts
        and the window's end as UTC instants."""
        if not 1 <= months <= MAX_MONTHS:
            raise InvalidInput(N_MONTHS, field="months", max=MAX_MONTHS)
        this_month = self._clock.local(self._clock.now()).date().replace(day=1)
        firsts = [_add_months(this_month, k) for k in range(1 - months, 2)]  # and the end
        edges = [as_utc(self._clock.midnight(d)) for d in firsts]
        firsts = firsts[:-1]
        return [d.strftime("%Y-%m") for d in firsts], edges

    # -- the overview ----------------------------------------------------------------------

    def overview(
        self, caller: Principal, months: int = 12, locale: str = "zh_CN"
    ) -> OrganisationOverviewOut:
        if caller.role != Role.admin:  # first: a refused caller learns nothing
            raise Forbidden(N_ADMINS_ONLY)
        labels, edges = self.window(months)
        rows = [MonthFigures(month=label) for label in labels]
        totals = Totals(members=0)
        found: dict[str, Any] = {}

        # Each part fills its own figures of `rows` (none shares a field with another).
        def attendance(session: Session) -> None:
            self._attendance(session, labels, rows)

        def members(session: Session) -> None:
            found["points"] = self._points(session, edges, locale)
            self._checkins(session, edges, rows)
            found["open_now"] = self._concerns(session, edges, rows)

        def volunteers(session: Session) -> None:
            self._volunteers(session, edges, rows)
            found["teams"] = self._teams(session, edges)

        def run(session: Session, parts: Sequence[Callable[[Session], None]]) -> None:
            for part in parts:
                part(session)

        # On PostgreSQL three connections at once: the year's attendance (some 300,000 rows
        # for 50,000 members) is the slowest third, and the wall time is its own.
        side_by_side(self._factory, [[attendance], [members], [volunteers]], run)
        totals.members, points = found["points"]
        totals.concerns_open_now = found["open_now"]
        teams = found["teams"]
        for row in rows:
            for name in MONTH_FIGURES:
                setattr(totals, name, getattr(totals, name) + getattr(row, name))
        return OrganisationOverviewOut(
            today=self._clock.local(self._clock.now()).date(),
            since=labels[0],
            until=labels[-1],
            months=rows,
            points=points,
            teams=teams,
            totals=totals,
        )

    def _points(
        self, session: Session, edges: list[datetime], locale: str
    ) -> tuple[int, list[PointFigures]]:
        """Every point with its members now and those checked in within the window; and
        the district's members in all (at a point or not)."""
        m = Membership
        recent = case((m.checked_in_at >= edges[0], 1), else_=0)
        counts = {
            point: (int(n), int(new or 0))
            for point, n, new in session.execute(
                select(m.checkin_point_id, func.count(), func.sum(recent)).group_by(
                    m.checkin_point_id
                )
            )
        }
        members = sum(n for n, _ in counts.values())
        points = []
        query = (
            select(CheckinPoint.id, CheckinPoint.subdistrict, Place.name)
            .join(Place, Place.id == CheckinPoint.place_id)
            .order_by(CheckinPoint.subdistrict)
        )
        for point_id, code, place_name in session.execute(query):
            sub = self._district.get(code)
            n, new = counts.get(point_id, (0, 0))
            points.append(
                PointFigures(
                    id=point_id,
                    subdistrict=code,
                    subdistrict_name=sub.display_name(locale) if sub else code,
                    place_name=place_name,
                    members=n,
                    checkins=new,
                )
            )
        return members, points

    def _checkins(self, session: Session, edges: list[datetime], rows: list[MonthFigures]) -> None:
        m = Membership
        inner = select(month_bucket(m.checked_in_at, edges)).where(
            m.checked_in_at >= edges[0], m.checked_in_at < edges[-1]
        )
        for k, n in grouped(session, inner, 1):
            rows[int(k)].checkins += int(n)

    def _attendance(self, session: Session, labels: list[str], rows: list[MonthFigures]) -> None:
        a = ThemeAttendance
        index = {label: k for k, label in enumerate(labels)}
        query = (
            select(a.month, a.mode, func.count())
            .where(a.month >= labels[0], a.month <= labels[-1])
            .group_by(a.month, a.mode)
        )
        for month, mode, n in session.execute(query):
            row = rows[index[month]] if month in index else None
            if row is None:
                continue
            if mode == "online":
                row.attendance_online += int(n)
            else:
                row.attendance_station += int(n)

    def _concerns(self, session: Session, edges: list[datetime], rows: list[MonthFigures]) -> int:
        """Raised and closed per month; the number not closed today."""
        c = Concern
        for column, figure in ((c.created_at, "concerns_opened"), (c.closed_at, "concerns_closed")):
            inner = select(month_bucket(column, edges)).where(
                column >= edges[0], column < edges[-1]
            )
            for k, n in grouped(session, inner, 1):
                row = rows[int(k)]
                setattr(row, figure, getattr(row, figure) + int(n))
        open_now = session.scalar(select(func.count()).where(c.closed_at.is_(None)))
        return int(open_now or 0)

    def _volunteers(
        self, session: Session, edges: list[datetime], rows: list[MonthFigures]
    ) -> None:
        """Confirmed hours in the month their activity started (unconfirmed never count)."""
        s, act = VolunteerSignup, VolunteerActivity
        inner = (
            select(month_bucket(act.starts_at, edges), s.minutes.label("minutes"))
            .join(act, act.id == s.activity_id)
            .where(*_confirmed_in(edges))
        )
        for k, n, minutes in grouped(session, inner, 1, ["minutes"]):
            rows[int(k)].volunteer_signups += int(n)
            rows[int(k)].volunteer_minutes += int(minutes)

    def _teams(self, session: Session, edges: list[datetime]) -> list[TeamFigures]:
        """Each team's confirmed minutes and volunteers in the window, most hours first."""
        s, act, t = VolunteerSignup, VolunteerActivity, VolunteerTeam
        given = (
            select(
                act.team_id.label("team_id"),
                func.sum(s.minutes).label("minutes"),
                func.count(func.distinct(s.account_id)).label("people"),
            )
            .join(act, act.id == s.activity_id)
            .where(*_confirmed_in(edges))
            .group_by(act.team_id)
            .subquery()
        )
        query = (
            select(
                t.id,
                t.name,
                t.subdistrict,
                func.coalesce(given.c.minutes, 0),
                func.coalesce(given.c.people, 0),
            )
            .outerjoin(given, given.c.team_id == t.id)
            .order_by(func.coalesce(given.c.minutes, 0).desc(), t.id)
        )
        return [
            TeamFigures(
                id=i, name=name, subdistrict=sub, volunteer_minutes=int(mins), volunteers=int(n)
            )
            for i, name, sub, mins, n in session.execute(query)
        ]

    # -- exports ---------------------------------------------------------------------------

    def overview_file(
        self,
        caller: Principal,
        kind: Literal["csv", "xlsx"],
        months: int = 12,
        locale: str = "zh_CN",
    ) -> OverviewFile:
        """The overview's figures as CSV or XLSX: the same numbers as its JSON answer."""
        answer = self.overview(caller, months, locale)
        name = f"organisation-overview-{answer.since}-{answer.until}"
        rows = list(overview_rows(answer, locale))
        if kind == "xlsx":
            return OverviewFile(f"{name}.xlsx", XLSX_MEDIA, _xlsx(rows))
        return OverviewFile(f"{name}.csv", CSV_MEDIA, _csv(rows))


def overview_rows(answer: OrganisationOverviewOut, locale: str) -> Iterator[list[Any]]:
    """One row per (section, month or total, key, figure): long-form, for a pivot table."""
    titles = {name: gettext(locale, title) for name, title in MONTH_FIGURES.items()}
    for row in answer.months:
        for name, title in titles.items():
            yield ["month", row.month, "", "", name, title, getattr(row, name)]
    for name, title in titles.items():
        yield [TOTAL, TOTAL, "", "", name, title, getattr(answer.totals, name)]
    members = gettext(locale, N_("Members held"))
    yield [TOTAL, TOTAL, "", "", "members", members, answer.totals.members]
    still_open = gettext(locale, N_("Concerns open now"))
    yield [TOTAL, TOTAL, "", "", "concerns_open_now", still_open, answer.totals.concerns_open_now]
    for p in answer.points:
        name = f"{p.subdistrict_name} · {p.place_name}"
        yield ["point", TOTAL, p.subdistrict, name, "members", members, p.members]
        yield ["point", TOTAL, p.subdistrict, name, "checkins", titles["checkins"], p.checkins]
    volunteers = gettext(locale, N_("Volunteers with confirmed hours"))
    for t in answer.teams:
        minutes = titles["volunteer_minutes"]
        yield ["team", TOTAL, str(t.id), t.name, "volunteer_minutes", minutes, t.volunteer_minutes]
        yield ["team", TOTAL, str(t.id), t.name, "volunteers", volunteers, t.volunteers]


def _csv(rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM (spreadsheets read it as such); text cells through `csv_safe`."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _xlsx(rows: list[list[Any]]) -> bytes:
    import xlsxwriter  # only when a spreadsheet is asked for: not at every start-up

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("overview")
    sheet.write_row(0, 0, HEADER, book.add_format({"bold": True}))
    sheet.freeze_panes(1, 0)
    for r, (*text, value) in enumerate(rows, start=1):
        for c, cell in enumerate(text):
            sheet.write_string(r, c, str(csv_safe(cell)))
        sheet.write_number(r, len(text), value)
    book.close()
    return buffer.getvalue()
