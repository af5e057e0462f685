"""The district overview (issue 18) over a year of every service, on PostgreSQL.

    .venv/bin/python benchmarks/governance_dashboard.py [--complaints 100000] [--repeat 30]
        [--keep | --database NAME]

Creates a scratch PostgreSQL database (GIGCITY_BENCH_POSTGRES_URL, default the tests'
server) and loads, with a fixed seed, a year (2025-12-01 to 2026-11-30) of: `--complaints`
hotline complaints (85 % delivery-related, 95 % placed), 30,000 hazard reports with the
rollups the reports' service keeps (30 of them held), 20,000 survey answers, 200
consultation meetings with agreed items, 60 measures, 60,000 relay items in 40 estates,
~150,000 meals for 1,000 older people, 40,000 night bookings in 20 homes, 3,000 volunteer
tasks and 300 service points; then VACUUM ANALYZE.

It times `district_overview` through the service (as the API calls it, without HTTP; the
answer serialised to JSON as the API does) for the whole year: a district admin's whole
district, an admin's one sub-district, a grid officer's own; and the CSV and XLSX exports
of the whole district. Target (issue 18): under 200 ms on PostgreSQL. Writes
benchmarks/results/governance_dashboard.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select, text

from gigcity.config import Settings
from gigcity.db import rollups
from gigcity.db.models import (
    Canteen,
    Elder,
    ElderMeal,
    Estate,
    GovComplaint,
    GovConsultation,
    GovMeasure,
    GovSurvey,
    GovSurveyAnswer,
    Place,
    RelayItem,
    Report,
    ReportDailyCount,
    ReportResolutionCount,
    StayBed,
    StayBooking,
    StayHome,
    StayRoom,
    VolunteerTask,
)
from gigcity.services.accounts import Principal, Role
from gigcity.services.platform import Platform
from reports_bench_support import (
    RESULTS,
    insert_rows,
    machine,
    make_accounts,
    scratch_database,
    timed,
)

FIRST_DAY = date(2025, 12, 1)
DAYS = 365
LAST_DAY = FIRST_DAY + timedelta(days=DAYS - 1)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
TOPICS = ["parking", "pavement", "noise", "passage", "conflict", "other"]
TARGET_MS = 200.0


def _instants(rng: np.random.Generator, n: int) -> list[datetime]:
    start = datetime.combine(FIRST_DAY, datetime.min.time(), UTC) - timedelta(hours=8)
    seconds = np.sort(rng.integers(0, DAYS * 86400, n))
    return [start + timedelta(seconds=int(s)) for s in seconds]


def load(platform: Platform, rng: np.random.Generator, complaints: int) -> dict[str, int]:
    codes = [s.code for s in platform.district.subdistricts]
    _, _, riders = make_accounts(platform, 300)
    counts: dict[str, int] = {}

    # Complaints.
    rows = []
    for n, at in enumerate(_instants(rng, complaints)):
        placed = rng.random() < 0.95
        topic = TOPICS[int(rng.integers(len(TOPICS)))] if rng.random() < 0.85 else None
        rows.append(
            {"fingerprint": f"b{n}", "received_at": at, "address": "普陀区某路", "category": "",
             "content": "外卖", "placed": placed, "subdistrict": codes[n % 10] if placed else None,
             "lat": 31.26, "lon": 121.40, "topic": topic, "synthetic": True, "topic_words": []}
        )  # fmt: skip
    insert_rows(platform, GovComplaint, rows)
    counts["complaints"] = len(rows)

    # Reports: the rows, and the rollups the reports' service keeps with them.
    report_rows = []
    daily: dict[tuple[date, str, str, str], int] = {}
    resolved: dict[tuple[str, date, str, str], int] = {}
    for n, at in enumerate(_instants(rng, 30_000)):
        sub = codes[int(rng.integers(10))]
        category = ["road_hazard", "dangerous_intersection", "elder_needs_help"][n % 3]
        done = rng.random() < 0.7
        resolution_s = int(rng.integers(600, 5 * 86400)) if done else None
        resolved_at = at + timedelta(seconds=resolution_s) if resolution_s else None
        report_rows.append(
            {"token": f"b{n}", "category": category, "lon": 121.40, "lat": 31.26,
             "subdistrict": sub, "status": "resolved" if done else "submitted",
             "is_open": not done, "held": n % 1000 == 0, "source": "app", "created_at": at,
             "updated_at": at, "due_at": at + timedelta(days=2), "resolved_at": resolved_at,
             "resolution_s": resolution_s, "description": "", "reward_status": "none",
             "reward_fen": 0}
        )  # fmt: skip
        day = (at + timedelta(hours=8)).date()
        key = (day, sub, category, "resolved" if done else "submitted")
        daily[key] = daily.get(key, 0) + 1
        if resolved_at is not None:
            local = (resolved_at + timedelta(hours=8)).date()
            bucket = rollups.resolution_bucket(resolution_s or 0)
            for s, c in rollups.resolution_keys(sub, category):
                for grain, period in ((rollups.DAY, local), (rollups.MONTH, local.replace(day=1))):
                    rkey = (grain, period, s, c, bucket)
                    resolved[rkey] = resolved.get(rkey, 0) + 1  # type: ignore[index]
    insert_rows(platform, Report, report_rows)
    insert_rows(
        platform,
        ReportDailyCount,
        [{"day": d, "subdistrict": s, "category": c, "status": st, "count": n}
         for (d, s, c, st), n in daily.items()],
    )  # fmt: skip
    insert_rows(
        platform,
        ReportResolutionCount,
        [{"grain": g, "period": p, "subdistrict": s, "category": c, "bucket": b, "count": n,
          "within_sla": n} for (g, p, s, c, b), n in resolved.items()],  # type: ignore[misc]
    )  # fmt: skip
    counts["reports"] = len(report_rows)

    # Voices: surveys and answers, consultations, measures.
    insert_rows(
        platform,
        GovSurvey,
        [{"code": f"b{k}", "title": "问卷", "audience": "riders", "questions": [],
          "place_name": "驿站", "lat": 31.26, "lon": 121.40, "subdistrict": codes[k % 10],
          "is_open": True} for k in range(20)],
    )  # fmt: skip
    with platform.factory() as session:
        surveys = list(session.scalars(select(GovSurvey.id)))
    insert_rows(
        platform,
        GovSurveyAnswer,
        [{"survey_id": surveys[n % 20], "client_key": f"b{n}", "respondent": "rider",
          "answers": {}, "subdistrict": codes[(n % 20) % 10], "at": at}
         for n, at in enumerate(_instants(rng, 20_000))],
    )  # fmt: skip
    insert_rows(
        platform,
        GovConsultation,
        [{"title": "协商", "held_on": FIRST_DAY + timedelta(days=int(rng.integers(DAYS))),
          "place_name": "小区", "lat": 31.26, "lon": 121.40, "subdistrict": codes[k % 10],
          "parties": [], "note": "",
          "agreed": [{"what": "划线", "owner": "物业", "due_on": "2026-03-01", "done_on": None}] * 3}
         for k in range(200)],
    )  # fmt: skip
    insert_rows(
        platform,
        GovMeasure,
        [{"kind": "parking_zones", "title": "停车区", "place_name": "商场", "lat": 31.26,
          "lon": 121.40, "subdistrict": codes[k % 10], "radius_m": 300, "note": "",
          "started_on": FIRST_DAY + timedelta(days=int(rng.integers(DAYS))),
          "cost_fen": int(rng.integers(1, 10**7))} for k in range(60)],
    )  # fmt: skip

    # Relay.
    insert_rows(
        platform,
        Estate,
        [{"name": f"小区{k}", "subdistrict": codes[k % 10], "lon": 121.40, "lat": 31.26,
          "document": {}, "synthetic": True} for k in range(40)],
    )  # fmt: skip
    with platform.factory() as session:
        estates = list(session.scalars(select(Estate.id)))
    insert_rows(
        platform,
        RelayItem,
        [{"order_ref": f"b{n}", "estate_id": estates[n % 40], "point_ref": "p1",
          "building": "1", "state": "delivered" if n % 10 else "cancelled",
          "handoff_code_hash": "x", "confirm_code_hash": "y", "finished_at": at,
          "announced_at": at, "updated_at": at}
         for n, at in enumerate(_instants(rng, 60_000))],
    )  # fmt: skip
    counts["relay_items"] = 60_000

    # Meals for the elderly.
    insert_rows(
        platform,
        Canteen,
        [{"name": f"食堂{k}", "subdistrict": codes[k], "lon": 121.40, "lat": 31.26,
          "lunch_capacity": 200, "price_fen": 1500} for k in range(10)],
    )  # fmt: skip
    with platform.factory() as session:
        canteens = list(session.scalars(select(Canteen.id)))
    insert_rows(
        platform,
        Elder,
        [{"subdistrict": codes[k % 10], "canteen_id": canteens[k % 10], "lon": 121.40,
          "lat": 31.26, "subsidy_category": "standard", "name_enc": "x", "first_name_enc": "x",
          "door_enc": "x", "care_enc": "x", "consent_by": "self", "consent_note_enc": "x",
          "consented_at": NOW, "building": "", "unit": ""} for k in range(1000)],
    )  # fmt: skip
    with platform.factory() as session:
        elders = list(session.scalars(select(Elder.id)))
    meals = []
    for k, elder in enumerate(elders):
        for d in np.flatnonzero(rng.random(DAYS) < 0.4):
            meals.append(
                {"elder_id": elder, "canteen_id": canteens[k % 10],
                 "day": FIRST_DAY + timedelta(days=int(d)), "meal": "lunch",
                 "state": "delivered" if rng.random() < 0.96 else "cancelled",
                 "subsidy_category": "standard", "funding_rule": "r", "price_fen": 1500,
                 "subsidy_fen": 0, "enterprise_fen": 0, "charity_fen": 0, "copay_fen": 1500}
            )  # fmt: skip
    insert_rows(platform, ElderMeal, meals)
    counts["meals"] = len(meals)
    insert_rows(
        platform,
        VolunteerTask,
        [{"elder_id": elders[n % 1000], "kind": "carry", "title": "搬米", "team": "",
          "day": (at + timedelta(hours=8)).date(), "done_at": at if n % 4 else None, "note": ""}
         for n, at in enumerate(_instants(rng, 3000))],
    )  # fmt: skip

    # Beds: 20 homes of 20 beds, bookings of one to three nights, one bed at a time.
    insert_rows(
        platform,
        Place,
        [{"name": f"点{k}", "kind": "driver_home" if k < 20 else "rider_station",
          "lon": 121.40, "lat": 31.26, "subdistrict": codes[k % 10], "amenities": {},
          "hours": {}, "version": 1} for k in range(300)],
    )  # fmt: skip
    with platform.factory() as session:
        homes = list(session.scalars(select(Place.id).order_by(Place.id).limit(20)))
    insert_rows(platform, StayHome, [{"place_id": p, "checkin_cutoff": "23:00"} for p in homes])
    insert_rows(
        platform, StayRoom, [{"place_id": p, "name": "1", "section": "mixed"} for p in homes]
    )
    with platform.factory() as session:
        rooms = dict(session.execute(select(StayRoom.place_id, StayRoom.id)).all())
    insert_rows(
        platform,
        StayBed,
        [{"room_id": rooms[p], "place_id": p, "section": "mixed", "label": str(b),
          "kind": "single"} for p in homes for b in range(20)],
    )  # fmt: skip
    with platform.factory() as session:
        beds = session.execute(select(StayBed.id, StayBed.place_id)).all()
    bookings = []
    for bed, place in beds:
        night = 0
        while night < DAYS and len(bookings) < 40_000:
            nights = int(rng.integers(1, 4))
            first = FIRST_DAY + timedelta(days=night)
            starts = datetime.combine(first, datetime.min.time(), UTC) + timedelta(hours=10)
            bookings.append(
                {"bed_id": bed, "place_id": place, "account_id": riders[len(bookings) % 300],
                 "kind": "night", "starts_at": starts,
                 "ends_at": starts + timedelta(days=nights, hours=-8),
                 "state": "checked_out" if rng.random() < 0.9 else "cancelled",
                 "check_by": starts + timedelta(hours=5), "created_at": starts}
            )  # fmt: skip
            night += nights
    insert_rows(platform, StayBooking, bookings)
    counts["bookings"] = len(bookings)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--database", help="Reuse a database kept by --keep (no loading).")
    args = parser.parse_args()
    rng = np.random.default_rng(18)
    with scratch_database(args.keep, reuse=args.database) as url:
        platform = Platform.from_settings(Settings(mode="dev", database_url=url))
        platform.upgrade_database()
        counts: dict[str, int] = {}
        load_s = 0.0
        if not args.database:
            t0 = time.perf_counter()
            counts = load(platform, rng, args.complaints)
            load_s = time.perf_counter() - t0
            print(f"loaded {counts} in {load_s:.0f} s")
        with platform.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        gov = platform.governance
        gov.clock = lambda: NOW
        admin = Principal(role=Role.admin, label="bench-admin")
        sub = platform.district.subdistricts[0].code
        officer = Principal(role=Role.officer, label="bench-officer", subdistrict=sub)

        def overview(who: Principal, area: str | None = None) -> Callable[[], Any]:
            return lambda: gov.district_overview(who, FIRST_DAY, LAST_DAY, area).model_dump_json()

        cases = {
            "admin, whole district, a year": overview(admin),
            "admin, one sub-district, a year": overview(admin, sub),
            "grid officer, own sub-district, a year": overview(officer),
            "admin, CSV export, a year": lambda: gov.overview_file(
                admin, "csv", FIRST_DAY, LAST_DAY
            ),
            "admin, XLSX export, a year": lambda: gov.overview_file(
                admin, "xlsx", FIRST_DAY, LAST_DAY
            ),
        }
        results: dict[str, Any] = {
            "window": [FIRST_DAY.isoformat(), LAST_DAY.isoformat()],
            "rows": counts,
            "load_s": round(load_s, 1),
            "target_ms": TARGET_MS,
            "timings": {},
            "machine": machine(),
        }
        for name, call in cases.items():
            results["timings"][name] = timed(call, args.repeat)
            print(name, results["timings"][name])
        platform.close()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "governance_dashboard.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    )
    lines = [
        "# District overview (issue 18): a year of every service on PostgreSQL",
        "",
        f"Rows: {counts}. Target: {TARGET_MS:.0f} ms.",
        "",
        "| case | p50 ms | p95 ms | p99 ms | max ms | n |",
        "|---|---|---|---|---|---|",
    ]
    for name, t in results["timings"].items():
        lines.append(
            f"| {name} | {t['p50_ms']} | {t['p95_ms']} | {t['p99_ms']} | {t['max_ms']} | {t['n']} |"
        )
    (RESULTS / "governance_dashboard.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
