"""Organisation work at district scale (issue 20): the organisation overview, and theme-day
check-ins at a steady rate against one worker.

    .venv/bin/python benchmarks/organisation.py [--database-url URL] [--stations 300]
        [--members 50000] [--repeat 50] [--rate 100] [--seconds 20] [--keep]

    # on PostgreSQL (a scratch database is created on that server and dropped afterwards):
    .venv/bin/python benchmarks/organisation.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Without `--database-url` the run is on SQLite, in a temporary file. Loads, with a fixed seed:
`--stations` stations (rider stations, driver homes, truck-driver stations) over the ten
sub-districts, a check-in point in each sub-district, `--members` riders registered at the
points (check-in dates over three years), a year of theme days at every station with about
half the members attending each month (a fifth of them online), 2,000 concerns (70 %
closed), a volunteer team per station with 20 activities a year and 5 sign-ups each (85 %
confirmed); then ANALYZE.

Then:
1. the overview (`OrganisationOverview.overview`, 12 months, the answer serialised as the
   API does) `--repeat` times in this process; and `GET /api/organisation/overview?months=12`
   as an admin `--repeat` times over HTTP against `gigcity serve` (one uvicorn worker);
2. theme-day check-ins: `POST /api/organisation/theme-days/checkin {"code": ...}` at
   `--rate` per second for `--seconds` (open-loop: latency from each request's due time),
   each by a different rider (bearer token) with a random station's code for today's
   session. The server runs with GIGCITY_TIMEZONE set to a fixed-offset zone where it is
   day now, so the session's check-in window (06:00-24:00 local) is open whatever the hour
   of the run; the work per check-in does not depend on the zone. Then 200 more
   check-ins called in this process (`ThemeDayService.check_in`, no HTTP): the server's
   own cost per check-in.

Targets (issue 20): the overview under 200 ms on PostgreSQL with 50,000 members and 300
stations; a check-in p99 under 50 ms at 100 a second on one worker. Writes
benchmarks/results/organisation_{sqlite,postgresql}.{json,md}. Never part of the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from gigcity.config import Settings
from gigcity.db.models import (
    CheckinPoint,
    Concern,
    Membership,
    Organisation,
    Place,
    ThemeAttendance,
    ThemeDay,
    VolunteerActivity,
    VolunteerSignup,
    VolunteerTeam,
)
from gigcity.services.accounts import Principal, Role
from gigcity.services.platform import Platform
from reports_bench_support import (
    RESULTS,
    bearer,
    insert_rows,
    machine,
    make_accounts,
    open_loop,
    percentiles,
    read_answer,
    request,
    scratch_database,
    serve,
    timed,
)

SEED = 20
TARGET_OVERVIEW_MS = 200.0
TARGET_CHECKIN_P99_MS = 50.0
CENTRE = (121.392, 31.262)  # Putuo
STATION_KINDS = ("rider_station", "rider_station", "driver_home", "truck_driver_station")


# -- the database --------------------------------------------------------------------------


@contextmanager
def scratch(database_url: str | None, keep: bool) -> Iterator[str]:
    """SQLite in a temporary file, or a new database on the PostgreSQL server of
    `database_url` (created here, dropped afterwards unless `keep`)."""
    if database_url is None or make_url(database_url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield database_url or f"sqlite:///{folder}/organisation.db"
        return
    with scratch_database(keep, server=database_url) as url:
        yield url


def _month(first: date, back: int) -> date:
    year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
    return date(year, month + 1, 1)


def _instant(rng: random.Random, start: datetime, days: float) -> datetime:
    return start + timedelta(seconds=rng.uniform(0, days * 86400))


def load(
    platform: Platform, rng: random.Random, stations: int, riders: list[int], today: date
) -> tuple[dict[str, int], list[str]]:
    """Everything the overview reads; returns the row counts and today's session codes."""
    codes = [s.code for s in platform.district.subdistricts]
    now = datetime.now(UTC)
    counts: dict[str, int] = {}
    insert_rows(
        platform,
        Place,
        [{"name": f"驿站 {k + 1}", "kind": STATION_KINDS[k % 4], "subdistrict": codes[k % 10],
          "lon": CENTRE[0] + rng.uniform(-0.03, 0.03), "lat": CENTRE[1] + rng.uniform(-0.03, 0.03),
          "amenities": {}, "amenity_mask": 0, "hours": {}, "version": 1}
         for k in range(stations)],
    )  # fmt: skip
    with platform.factory() as session:
        places = list(session.execute(select(Place.id, Place.subdistrict).order_by(Place.id)))
    insert_rows(
        platform,
        Organisation,
        [{"name": f"{code} 骑手联合党支部", "kind": "station_group", "sector": "instant_retail",
          "subdistrict": code} for code in codes],
    )  # fmt: skip
    with platform.factory() as session:
        orgs = dict(session.execute(select(Organisation.subdistrict, Organisation.id)).all())
    first_station = {}
    for place_id, sub in places:
        first_station.setdefault(sub, place_id)
    insert_rows(
        platform,
        CheckinPoint,
        [{"subdistrict": c, "place_id": first_station[c], "organisation_id": orgs[c]} for c in codes],
    )  # fmt: skip
    with platform.factory() as session:
        points = list(session.scalars(select(CheckinPoint.id)))

    # Members: registered over three years, each sealed as the service seals them.
    three_years_ago = now - timedelta(days=3 * 365)
    seal = platform.organisation.seal
    insert_rows(
        platform,
        Membership,
        [{"account_key": seal.key(r), "account_enc": seal.seal(r), "checkin_point_id": rng.choice(points),
          "organisation_id": None, "checked_in_at": _instant(rng, three_years_ago, 3 * 365),
          "transfer_status": "none"} for r in riders],
    )  # fmt: skip
    counts["members"] = len(riders)

    # Theme days: the last twelve months at every station, and today's session.
    this_month = today.replace(day=1)
    months = [_month(this_month, back) for back in range(12, 0, -1)]
    days = [
        {"place_id": p, "month": m.strftime("%Y-%m"), "kind": "theme", "held_on": m.replace(day=17),
         "title": "", "code": uuid.uuid4().hex, "created_at": now}
        for m in months for p, _ in places
    ]  # fmt: skip
    today_days = [
        {"place_id": p, "month": this_month.strftime("%Y-%m"), "kind": "theme", "held_on": today,
         "title": "", "code": uuid.uuid4().hex, "created_at": now}
        for p, _ in places
    ]  # fmt: skip
    insert_rows(platform, ThemeDay, days + today_days)
    with platform.factory() as session:
        by_month: dict[str, list[int]] = {}
        for day_id, month in session.execute(select(ThemeDay.id, ThemeDay.month)):
            by_month.setdefault(month, []).append(day_id)
    attendance = []
    for m in months:
        label = m.strftime("%Y-%m")
        at = datetime(m.year, m.month, 17, 4, tzinfo=UTC)
        for r in riders:
            if rng.random() < 0.5:
                attendance.append(
                    {"theme_day_id": rng.choice(by_month[label]), "account_id": r, "month": label,
                     "mode": "online" if rng.random() < 0.2 else "station", "at": at}
                )  # fmt: skip
    insert_rows(platform, ThemeAttendance, attendance)
    counts["theme_days"] = len(days) + len(today_days)
    counts["attendance"] = len(attendance)

    # Concerns over the year.
    year_ago = now - timedelta(days=365)
    concerns = []
    for k in range(2000):
        created = _instant(rng, year_ago, 365)
        closed = created + timedelta(days=rng.uniform(1, 60)) if rng.random() < 0.7 else None
        concerns.append(
            {"title": f"诉求 {k}", "detail": "", "topic": "pay", "created_at": created,
             "updated_at": created, "status": "closed" if closed else "open",
             "closed_at": closed if closed and closed < now else None}
        )  # fmt: skip
    insert_rows(platform, Concern, concerns)
    counts["concerns"] = len(concerns)

    # Volunteers: a team per station, 20 activities a year, 5 sign-ups each.
    insert_rows(
        platform,
        VolunteerTeam,
        [{"name": f"志愿队 {p}", "sector": "instant_retail", "subdistrict": s, "description": "",
          "created_at": now} for p, s in places],
    )  # fmt: skip
    with platform.factory() as session:
        teams = list(session.scalars(select(VolunteerTeam.id)))
    activities = []
    for team in teams:
        for _ in range(20):
            starts = _instant(rng, year_ago, 365)
            activities.append(
                {"team_id": team, "kind": "patrol", "title": "巡逻", "where_text": "",
                 "starts_at": starts, "ends_at": starts + timedelta(hours=2), "capacity": 10}
            )  # fmt: skip
    insert_rows(platform, VolunteerActivity, activities)
    with platform.factory() as session:
        activity_ids = list(session.scalars(select(VolunteerActivity.id)))
    signups = []
    for activity in activity_ids:
        for r in rng.sample(riders, 5):
            confirmed = rng.random() < 0.85
            signups.append(
                {"activity_id": activity, "account_id": r, "signed_at": now,
                 "minutes": rng.choice((60, 90, 120, 180)), "recorded_at": now,
                 "confirmed_at": now if confirmed else None}
            )  # fmt: skip
    insert_rows(platform, VolunteerSignup, signups)
    counts["volunteer_activities"] = len(activities)
    counts["volunteer_signups"] = len(signups)
    counts["stations"] = len(places)
    return counts, [d["code"] for d in today_days]


# -- over HTTP ----------------------------------------------------------------------------


async def overview_over_http(
    port: int, headers: dict[str, str], repeat: int
) -> tuple[list[float], dict[int, int]]:
    """One kept-alive connection, one request after another (a person at the page)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    latency: list[float] = []
    statuses: dict[int, int] = {}
    wire = request(port, "GET", "/api/organisation/overview?months=12", headers)
    for k in range(repeat + 1):
        started = time.perf_counter()
        writer.write(wire)
        code, _ = await read_answer(reader)
        if k:  # the first one warms the worker
            latency.append(time.perf_counter() - started)
        statuses[code] = statuses.get(code, 0) + 1
    writer.close()
    return latency, statuses


def daytime_zone() -> str:
    """A fixed-offset zone where it is between 09:00 and 21:00 now (Etc/GMT signs are
    inverted: Etc/GMT-8 is UTC+8)."""
    hour = datetime.now(UTC).hour
    offset = 15 - hour  # local 15:00, give or take
    offset = max(-12, min(14, offset if offset <= 12 else offset - 24))
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


# -- the run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server (a scratch database is made).")
    parser.add_argument("--stations", type=int, default=300)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL database.")
    args = parser.parse_args()
    rng = random.Random(SEED)
    zone = daytime_zone()
    today = datetime.now(ZoneInfo(zone)).date()
    checkins = int(args.rate * args.seconds)
    with scratch(args.database_url, args.keep) as url:
        dialect = make_url(url).get_backend_name()
        platform = Platform.from_settings(Settings(mode="dev", database_url=url))
        platform.upgrade_database()
        started = time.perf_counter()
        admin_id, _, riders = make_accounts(platform, args.members)
        counts, codes = load(platform, rng, args.stations, riders, today)
        load_s = time.perf_counter() - started
        print(f"loaded {counts} in {load_s:.0f} s")
        with platform.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if dialect == "postgresql" else "ANALYZE"))
        admin = Principal(role=Role.admin, account_id=admin_id, label="bench-admin")
        service = platform.organisation_overview
        in_process = timed(lambda: service.overview(admin, 12).model_dump_json(), args.repeat)
        print("overview in process", in_process)
        export = timed(lambda: service.overview_file(admin, "csv", 12), 10)
        sample = service.overview(admin, 12)

        # Over HTTP, against one worker.
        checkin_riders = rng.sample(riders, checkins)
        bodies = [(bearer(platform, r), {"code": rng.choice(codes)}) for r in checkin_riders]
        with serve(url, GIGCITY_TIMEZONE=zone) as (port, _):
            path = "/api/organisation/theme-days/checkin"
            wire = [request(port, "POST", path, head, body) for head, body in bodies]
            load_before = os.getloadavg()
            http, http_status = asyncio.run(
                overview_over_http(port, bearer(platform, admin_id), args.repeat)
            )
            print("overview over HTTP", percentiles(http), http_status)
            sent, sent_status, elapsed, refusals = asyncio.run(open_loop(port, args.rate, wire))
            print("check-ins", percentiles(sent), sent_status, refusals[:3])
        # The same check-in called in this process (no HTTP, no queue): the server's own
        # cost per check-in, with the server's zone (the session's window open).
        checker = Platform.from_settings(Settings(mode="dev", database_url=url, timezone=zone))
        others = rng.sample(sorted(set(riders) - set(checkin_riders)), 200)
        direct = []
        for rider in others:
            started = time.perf_counter()
            checker.theme_days.check_in(
                Principal(role=Role.rider, account_id=rider), rng.choice(codes)
            )
            direct.append(time.perf_counter() - started)
        checker.close()
        with platform.factory() as session:
            stored = session.scalar(
                select(func.count())
                .select_from(ThemeAttendance)
                .where(ThemeAttendance.month == today.strftime("%Y-%m"))
            )
        platform.close()
    record: dict[str, Any] = {
        "database": dialect,
        "attendance_index": True,  # ix_org_theme_attendance_month_mode, in the migration
        "rows": counts,
        "load_s": round(load_s, 1),
        "targets": {"overview_ms": TARGET_OVERVIEW_MS, "checkin_p99_ms_at_100_per_s": TARGET_CHECKIN_P99_MS},
        "overview_in_process": in_process,
        "overview_http": {**percentiles(http), "statuses": http_status},
        "overview_csv_export_in_process": export,
        "overview_totals": sample.totals.model_dump(),
        "checkins": {
            "rate_per_s": args.rate, "sent": checkins, "achieved_per_s": round(checkins / elapsed, 1),
            "statuses": {str(k): v for k, v in sorted(sent_status.items())},
            "refusals": refusals[:5], "stored_this_month": stored, **percentiles(sent),
        },
        "checkin_in_process": percentiles(direct),
        "server": f"gigcity serve, 1 uvicorn worker, GIGCITY_TIMEZONE={zone}",
        "machine": {**machine(), "load_average_before_http": [round(x, 2) for x in load_before]},
        "command": " ".join(["python benchmarks/organisation.py", *sys.argv[1:]]),
    }  # fmt: skip
    print(json.dumps(record, indent=2, ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    name = f"organisation_{dialect}"
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    o, h, c = record["overview_in_process"], record["overview_http"], record["checkins"]
    (RESULTS / f"{name}.md").write_text(
        f"# Organisation work at district scale ({dialect})\n\n"
        f"Rows: {counts}. Load average before the HTTP part {record['machine']['load_average_before_http']}, "
        f"after {record['machine']['load_average_1_5_15']}.\n\n"
        "| measure | p50 | p95 | p99 | max | n | target |\n|---|---|---|---|---|---|---|\n"
        f"| overview, 12 months, in process | {o['p50_ms']} ms | {o['p95_ms']} ms | {o['p99_ms']} ms | {o['max_ms']} ms | {o['n']} | < {TARGET_OVERVIEW_MS:.0f} ms |\n"
        f"| overview, 12 months, HTTP | {h['p50_ms']} ms | {h['p95_ms']} ms | {h['p99_ms']} ms | {h['max_ms']} ms | {h['n']} | < {TARGET_OVERVIEW_MS:.0f} ms |\n"
        f"| check-in at {args.rate:g}/s for {args.seconds:g} s (open-loop), {c['statuses']} | {c['p50_ms']} ms | {c['p95_ms']} ms | {c['p99_ms']} ms | {c['max_ms']} ms | {c['n']} | p99 < {TARGET_CHECKIN_P99_MS:.0f} ms |\n\n"
        f"The same check-in in this process (no HTTP): p50 {record['checkin_in_process']['p50_ms']} ms, "
        f"p99 {record['checkin_in_process']['p99_ms']} ms; achieved {c['achieved_per_s']}/s over HTTP.\n\n"
        f"Command: `{record['command']}`\n"
    )  # fmt: skip


if __name__ == "__main__":
    main()
