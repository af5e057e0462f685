"""Theme days at every station (issue 20): generated from the 17th of each month, QR and
online check-in, make-up sessions, attendance.

Who sees what: the month's sessions (station, day, window) are public; a session's `code`
(the secret its QR poster carries) and its attendance list go only to the station's own
staff and admins; a rider reads their own attendance.

Atomic across workers: generation inserts with ON CONFLICT DO NOTHING on the unique
(place_id, month, kind, held_on), so two workers generating the same month store one row;
a check-in is one short transaction (the session by its unique code, then an insert with
ON CONFLICT DO NOTHING on the unique (account_id, month)), so one attendance per rider and
month whatever the number of tries, and a second try answers the first.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import Account, Place, ThemeAttendance, ThemeDay, utcnow
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.idempotent import (
    insert_all_unless_present,
    insert_returning_id,
    insert_unless_present,
)
from gigcity.services.organisation.service import STATION_KINDS
from gigcity.services.organisation.theme_days import (
    CHECK_IN_OPENS,
    CHINA,
    THEME_DAY_OF_MONTH,
    Window,
    WorkingDays,
    attendance_window,
    make_up_window,
    theme_day,
)
from gigcity.services.organisation.theme_poster import poster_svg
from gigcity.services.organisation.theme_schemas import (
    AttendanceListOut,
    AttendanceOut,
    AttendeeOut,
    MakeupIn,
    Mode,
    SessionKind,
    StationMonthOut,
    StationThemeDayOut,
    ThemeDayOut,
)
from gigcity.services.places.access import check_station_staff
from gigcity.services.qr import qr_svg
from gigcity.services.types import as_utc

N_NO_CODE = N_("This check-in code is not known: scan the poster at the station again.")
N_NO_SESSION = N_("No such theme day.")
N_NO_STATION = N_("No such rider station.")
N_NOT_RIDER = N_("Only a rider checks in, and only themselves.")
N_NOT_KEEPER = N_("Only the station's own staff and district admins keep its theme days.")
N_CLOSED = N_("Check-in for this session is open on {day} from {opens} to {closes} only.")
N_MONTH = N_("Theme days are kept from {first} to {last}; {month} is outside.")
N_MAKEUP_OF_MAKEUP = N_("A make-up session is added to the theme day itself.")
N_MAKEUP_WINDOW = N_("A make-up session is held between {first} and {last}.")
N_MAKEUP_PAST = N_("A make-up session cannot be held on a day that has passed.")

FIRST_MONTH = "2020-01"
MONTHS_AHEAD = 12  # generated up to a year ahead: a public GET must not fill the table
MINE_LIMIT = 60  # five years of months
SESSION_KEY = ("place_id", "month", "kind", "held_on")
ATTENDANCE_KEY = ("account_id", "month")
CHECKIN_PATH = "/theme-day?code="


def new_code() -> str:
    """A check-in code: 16 random bytes, URL-safe (22 characters), unguessable."""
    return secrets.token_urlsafe(16)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _shift(month: str, by: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + mon - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def theme_rows(
    month: str, place_ids: Sequence[int], calendar: WorkingDays = CHINA
) -> list[dict[str, Any]]:
    """The rows of a month's theme day at each of `place_ids` (each with a new code)."""
    year, mon = int(month[:4]), int(month[5:7])
    held = theme_day(year, mon, calendar)
    nominal = date(year, mon, THEME_DAY_OF_MONTH)
    now = utcnow()
    return [
        {
            "place_id": place_id,
            "month": month,
            "kind": SessionKind.theme.value,
            "held_on": held,
            "moved_from": nominal if held != nominal else None,
            "title": "",
            "code": new_code(),
            "created_at": now,
        }
        for place_id in place_ids
    ]


def insert_theme_days(
    session: Session, month: str, place_ids: Sequence[int], calendar: WorkingDays = CHINA
) -> int:
    """Store the month's theme day at each station that has none; how many were stored."""
    rows = theme_rows(month, place_ids, calendar)
    return insert_all_unless_present(session, ThemeDay, rows, SESSION_KEY)


class ThemeDayService:
    """Theme days and their attendance on the database."""

    def __init__(self, factory: sessionmaker[Session], clock: DayClock) -> None:
        self._factory = factory
        self._clock = clock
        self.now: Callable[[], datetime] = clock.now  # tests set their own
        self.calendar: WorkingDays = CHINA

    def _now(self) -> datetime:
        # In UTC: SQLite keeps a time's wall clock without its offset.
        return as_utc(self.now())

    # -- generation ------------------------------------------------------------------------

    def this_month(self) -> str:
        return month_of(self._clock.day_of(self._now()))

    def check_month(self, month: str) -> None:
        """422 `month` outside 2020-01 .. a year from now."""
        last = _shift(self.this_month(), MONTHS_AHEAD)
        if not FIRST_MONTH <= month <= last:
            raise InvalidInput(N_MONTH, field="month", first=FIRST_MONTH, last=last, month=month)

    def ensure_month(self, month: str) -> int:
        """The month's theme day at every station (inserting the missing only; a read
        first, so the usual call writes nothing); how many were stored."""
        missing_at = (
            select(Place.id)
            .where(Place.kind.in_(STATION_KINDS))
            .where(
                ~exists().where(
                    ThemeDay.place_id == Place.id,
                    ThemeDay.month == month,
                    ThemeDay.kind == SessionKind.theme.value,
                )
            )
            .order_by(Place.id)
        )
        with self._factory() as session:
            missing = session.scalars(missing_at).all()
        if not missing:
            return 0
        with transaction(self._factory) as session:
            return insert_theme_days(session, month, missing, self.calendar)

    # -- public ----------------------------------------------------------------------------

    def month(self, month: str | None, station_id: int | None = None) -> list[ThemeDayOut]:
        """A month's theme days and make-up sessions (this month's by default), generated
        when first asked for; without codes."""
        month = month or self.this_month()
        self.check_month(month)
        rows = self._month_rows(month, station_id)
        if station_id is not None and not rows:
            raise InvalidInput(N_NO_STATION, field="station")
        if _lacks_theme_day(rows):  # the month's first read (or a new station): generate
            self.ensure_month(month)
            rows = self._month_rows(month, station_id)
        now = self._now()
        return [self._public(day, place, now) for place, day in rows if day is not None]

    def _month_rows(self, month: str, station_id: int | None) -> list[Any]:
        """(station, session or None) of the month: every station once at least, so the
        read that answers also tells whether the month is generated at each."""
        query = (
            select(Place, ThemeDay)
            .outerjoin(ThemeDay, and_(ThemeDay.place_id == Place.id, ThemeDay.month == month))
            .where(Place.kind.in_(STATION_KINDS))
            .order_by(Place.id, ThemeDay.held_on, ThemeDay.id)
        )
        if station_id is not None:
            query = query.where(Place.id == station_id)
        with self._factory() as session:
            return list(session.execute(query).all())

    # -- riders ----------------------------------------------------------------------------

    def check_in(self, caller: Principal, code: str) -> AttendanceOut:
        """The calling rider checks in at the station by the code of its QR poster."""
        return self._check_in(caller, ThemeDay.code == code, N_NO_CODE, Mode.station)

    def check_in_online(self, caller: Principal, theme_day_id: int) -> AttendanceOut:
        """The calling rider, on shift, checks in online to a session while it is open."""
        return self._check_in(caller, ThemeDay.id == theme_day_id, N_NO_SESSION, Mode.online)

    def _check_in(
        self, caller: Principal, which: ColumnElement[bool], unknown: str, mode: Mode
    ) -> AttendanceOut:
        """The hot path: one short transaction, the session then the attendance."""
        account_id = _rider(caller)
        now = self._now()
        with transaction(self._factory) as session:
            day, place = _session_of(session, which, unknown)
            return self._attend(session, account_id, day, place, mode, now)

    def mine(self, caller: Principal) -> list[AttendanceOut]:
        """The calling rider's attendance, newest month first."""
        account_id = _rider(caller)
        with self._factory() as session:
            rows = session.execute(
                _attendance()
                .where(ThemeAttendance.account_id == account_id)
                .order_by(ThemeAttendance.month.desc())
                .limit(MINE_LIMIT)
            )
            return [_attendance_out(a, day, place) for a, day, place in rows]

    def _attend(
        self, session: Session, account_id: int, day: ThemeDay, place: Place, mode: Mode,
        now: datetime,
    ) -> AttendanceOut:  # fmt: skip
        """Insert the attendance unless the rider has the month's already (then answer
        that one, whether or not this session is open now)."""
        window = self._window(day)
        if now in window:
            stored = insert_returning_id(session, ThemeAttendance, {
                "theme_day_id": day.id, "account_id": account_id, "month": day.month,
                "mode": mode.value, "at": now,
            }, ATTENDANCE_KEY)  # fmt: skip
            if stored is not None:
                return AttendanceOut(
                    id=stored, month=day.month, mode=mode, at=as_utc(now), theme_day_id=day.id,
                    kind=SessionKind(day.kind), held_on=day.held_on, station_id=place.id,
                    station_name=place.name,
                )  # fmt: skip
        held = session.execute(
            _attendance().where(
                ThemeAttendance.account_id == account_id, ThemeAttendance.month == day.month
            )
        ).first()
        if held is not None:
            return _attendance_out(*held, already=True)
        raise Conflict(
            N_CLOSED, day=day.held_on.isoformat(), opens=CHECK_IN_OPENS.strftime("%H:%M"),
            closes="24:00",
        )  # fmt: skip

    # -- the station's staff ---------------------------------------------------------------

    def station_month(
        self, caller: Principal, station_id: int, month: str | None, base_url: str
    ) -> StationMonthOut:
        """A station's sessions of the month with their codes, QR codes and attendance
        counts, for its staff and admins."""
        check_station_staff(caller, station_id, N_NOT_KEEPER)
        month = month or self.this_month()
        self.check_month(month)
        station, rows = self._station_rows(station_id, month)
        if not any(d.kind == SessionKind.theme.value for d, _ in rows):  # not generated yet
            self.ensure_month(month)
            station, rows = self._station_rows(station_id, month)
        now = self._now()
        sessions = [self._keeper(day, station, now, base_url, n) for day, n in rows]
        theme = next((d for d, _ in rows if d.kind == SessionKind.theme.value), None)
        held = theme.held_on if theme else theme_day(int(month[:4]), int(month[5:]), self.calendar)
        first, last = self._makeup_days(held)
        return StationMonthOut(
            station_id=station.id, station_name=station.name, month=month, sessions=sessions,
            makeup_from=first, makeup_until=last,
        )  # fmt: skip

    def _station_rows(self, station_id: int, month: str) -> tuple[Place, list[Any]]:
        """The station and its sessions of the month with their attendance counts (only the
        month's attendance grouped: an attendance carries its session's month)."""
        counts = (
            select(ThemeAttendance.theme_day_id, func.count().label("n"))
            .where(ThemeAttendance.month == month)
            .group_by(ThemeAttendance.theme_day_id)
            .subquery()
        )
        with self._factory() as session:
            station = _station(session, station_id)
            rows = session.execute(
                select(ThemeDay, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.theme_day_id == ThemeDay.id)
                .where(ThemeDay.place_id == station_id, ThemeDay.month == month)
                .order_by(ThemeDay.held_on, ThemeDay.id)
            ).all()
        return station, list(rows)

    def add_makeup(
        self, caller: Principal, theme_day_id: int, body: MakeupIn, base_url: str
    ) -> StationThemeDayOut:
        """A make-up session after the theme day, on one of the 14 days after it (the same
        day twice is the one session)."""
        with transaction(self._factory) as session:
            day, place = _session_of(session, ThemeDay.id == theme_day_id, N_NO_SESSION)
            check_station_staff(caller, place.id, N_NOT_KEEPER)
            if day.kind != SessionKind.theme.value:
                raise Conflict(N_MAKEUP_OF_MAKEUP)
            first, last = self._makeup_days(day.held_on)
            if not first <= body.held_on <= last:
                raise InvalidInput(
                    N_MAKEUP_WINDOW, field="held_on", first=first.isoformat(),
                    last=last.isoformat(),
                )  # fmt: skip
            if body.held_on < self._clock.day_of(self._now()):
                raise InvalidInput(N_MAKEUP_PAST, field="held_on")
            values = {
                "place_id": place.id, "month": day.month, "kind": SessionKind.makeup.value,
                "held_on": body.held_on, "moved_from": None, "title": body.title,
                "code": new_code(), "created_at": utcnow(),
            }  # fmt: skip
            insert_unless_present(session, ThemeDay, values, SESSION_KEY)
            makeup = session.scalars(
                select(ThemeDay).where(
                    ThemeDay.place_id == place.id,
                    ThemeDay.month == day.month,
                    ThemeDay.kind == SessionKind.makeup.value,
                    ThemeDay.held_on == body.held_on,
                )
            ).one()
            count = session.scalar(
                select(func.count()).where(ThemeAttendance.theme_day_id == makeup.id)
            )
            return self._keeper(makeup, place, self._now(), base_url, count or 0)

    def attendance(self, caller: Principal, theme_day_id: int) -> AttendanceListOut:
        """Who came: to a theme day, at it and at its make-up sessions; to a make-up
        session, at that one. Display names only."""
        with self._factory() as session:
            day, place = _session_of(session, ThemeDay.id == theme_day_id, N_NO_SESSION)
            check_station_staff(caller, place.id, N_NOT_KEEPER)
            query = (
                select(ThemeAttendance, ThemeDay, Account.display_name)
                .join(ThemeDay, ThemeDay.id == ThemeAttendance.theme_day_id)
                .join(Account, Account.id == ThemeAttendance.account_id)
                .order_by(ThemeAttendance.at, ThemeAttendance.id)
            )
            if day.kind == SessionKind.theme.value:
                query = query.where(ThemeDay.place_id == place.id, ThemeDay.month == day.month)
            else:
                query = query.where(ThemeDay.id == day.id)
            attendees = [
                AttendeeOut(
                    display_name=name,
                    mode=Mode(a.mode),
                    at=as_utc(a.at),
                    kind=SessionKind(d.kind),
                    held_on=d.held_on,
                )
                for a, d, name in session.execute(query)
            ]
        return AttendanceListOut(
            theme_day_id=day.id, station_name=place.name, month=day.month,
            count=len(attendees), attendees=attendees,
        )  # fmt: skip

    def poster(self, caller: Principal, theme_day_id: int, base_url: str, locale: str) -> str:
        """The session's check-in poster (SVG, A4) with its QR code, for the station."""
        with self._factory() as session:
            day, place = _session_of(session, ThemeDay.id == theme_day_id, N_NO_SESSION)
        check_station_staff(caller, place.id, N_NOT_KEEPER)
        return poster_svg(
            station=place.name, kind=day.kind, held_on=day.held_on, moved_from=day.moved_from,
            title=day.title, url=_checkin_url(base_url, day.code), locale=locale,
        )  # fmt: skip

    # -- shapes ----------------------------------------------------------------------------

    def _window(self, day: ThemeDay) -> Window:
        return attendance_window(day.held_on, self._clock.tz)

    def _makeup_days(self, held_on: date) -> tuple[date, date]:
        """The first and last local day a make-up session of the theme day may be held on."""
        window = make_up_window(held_on, self._clock.tz)
        return window.start.date(), (window.end - timedelta(days=1)).date()

    def _public(self, day: ThemeDay, place: Place, now: datetime) -> ThemeDayOut:
        window = self._window(day)
        return ThemeDayOut(
            id=day.id, station_id=place.id, station_name=place.name, lon=place.lon,
            lat=place.lat, month=day.month, kind=SessionKind(day.kind), held_on=day.held_on,
            moved_from=day.moved_from, title=day.title, opens_at=as_utc(window.start),
            closes_at=as_utc(window.end), open_now=now in window,
        )  # fmt: skip

    def _keeper(
        self, day: ThemeDay, place: Place, now: datetime, base_url: str, attendance: int
    ) -> StationThemeDayOut:
        url = _checkin_url(base_url, day.code)
        return StationThemeDayOut(
            **self._public(day, place, now).model_dump(), code=day.code, checkin_url=url,
            qr_svg=qr_svg(url), attendance=attendance,
        )  # fmt: skip


def _session_of(
    session: Session, which: ColumnElement[bool], unknown: str
) -> tuple[ThemeDay, Place]:
    """The session (theme day or make-up) `which` names and its station; NotFound(`unknown`)."""
    found = session.execute(
        select(ThemeDay, Place).join(Place, Place.id == ThemeDay.place_id).where(which)
    ).first()
    if found is None:
        raise NotFound(unknown)
    return found[0], found[1]


def _lacks_theme_day(rows: Sequence[Any]) -> bool:
    """Whether a station of (station, session or None) rows has no theme day."""
    held = {place.id for place, day in rows if day and day.kind == SessionKind.theme.value}
    return any(place.id not in held for place, _ in rows)


def _attendance() -> Any:
    return (
        select(ThemeAttendance, ThemeDay, Place)
        .join(ThemeDay, ThemeDay.id == ThemeAttendance.theme_day_id)
        .join(Place, Place.id == ThemeDay.place_id)
    )


def _attendance_out(
    a: ThemeAttendance, day: ThemeDay, place: Place, *, already: bool = False
) -> AttendanceOut:
    return AttendanceOut(
        id=a.id, month=a.month, mode=Mode(a.mode), at=as_utc(a.at), theme_day_id=day.id,
        kind=SessionKind(day.kind), held_on=day.held_on, station_id=place.id,
        station_name=place.name, already=already,
    )  # fmt: skip


def _checkin_url(base_url: str, code: str) -> str:
    return base_url.rstrip("/") + CHECKIN_PATH + code


def _rider(caller: Principal) -> int:
    if caller.role != Role.rider or caller.account_id is None:
        raise Forbidden(N_NOT_RIDER)
    return caller.account_id


def _station(session: Session, station_id: int) -> Place:
    place = session.get(Place, station_id)
    if place is None or place.kind not in STATION_KINDS:
        raise NotFound(N_NO_STATION)
    return place
