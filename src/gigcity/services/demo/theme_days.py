"""The demo's theme days (issue 20): this month's and last month's theme day at every demo
station, with a few attendances at the staff's station: last month the demo rider and
骑手小李 (online); this month, once the day has come, 骑手小李 and the truck driver
(online). The demo rider has not checked in this month, so the check-in can be tried.
Idempotent (ON CONFLICT DO NOTHING on the unique keys): a few statements, well under 0.1 s."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Place, ThemeAttendance, ThemeDay, utcnow
from gigcity.services.day_clock import as_utc
from gigcity.services.idempotent import insert_all_unless_present
from gigcity.services.organisation.service import STATION_KINDS
from gigcity.services.organisation.theme_days import LOCAL_TZ
from gigcity.services.organisation.theme_service import insert_theme_days, month_of

# (username, months back, mode, local hour on the day)
ATTENDANCE = [
    ("rider", 1, "station", 10),
    ("rider2", 1, "online", 20),
    ("rider2", 0, "station", 9),
    ("driver", 0, "online", 21),
]


def seed_theme_days(session: Session, now: datetime | None = None) -> None:
    """Theme days and attendance where missing (in the caller's transaction)."""
    now = as_utc(now or utcnow())
    today = now.astimezone(LOCAL_TZ).date()
    months = (month_of(today), month_of(today.replace(day=1) - timedelta(days=1)))
    stations = session.scalars(
        select(Place.id).where(Place.kind.in_(STATION_KINDS)).order_by(Place.id)
    ).all()
    if not stations:
        return
    for month in months:
        insert_theme_days(session, month, stations)
    station = session.scalar(select(Account.station_id).where(Account.username == "staff"))
    days = _theme_days(
        session, station if station is not None and station in stations else stations[0], months
    )
    names = {name for name, *_ in ATTENDANCE}
    query = select(Account.username, Account.id).where(Account.username.in_(names))
    accounts = {name: id_ for name, id_ in session.execute(query).all()}  # noqa: C416 (rows)
    rows = []
    for username, back, mode, hour in ATTENDANCE:
        day = days.get(months[back])
        if day is None or username not in accounts:
            continue
        at = as_utc(datetime.combine(day[1], time(hour), tzinfo=LOCAL_TZ))
        if at > now:
            continue  # this month's theme day has not come yet
        rows.append({
            "theme_day_id": day[0], "account_id": accounts[username], "month": months[back],
            "mode": mode, "at": at,
        })  # fmt: skip
    insert_all_unless_present(session, ThemeAttendance, rows, ("account_id", "month"))


def _theme_days(
    session: Session, station: int, months: tuple[str, ...]
) -> dict[str, tuple[int, date]]:
    """The station's theme day (id, day) of each month."""
    rows = session.execute(
        select(ThemeDay.month, ThemeDay.id, ThemeDay.held_on).where(
            ThemeDay.place_id == station, ThemeDay.month.in_(months), ThemeDay.kind == "theme"
        )
    )
    return {month: (id_, held) for month, id_, held in rows}
