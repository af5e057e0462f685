"""The officer queue and the dashboard with 2,000,000 stored reports, on PostgreSQL.

    .venv/bin/python benchmarks/reports_scale.py [--reports 2000000] [--years 3] [--repeat 15]

Creates a scratch PostgreSQL database (GIGCITY_BENCH_POSTGRES_URL, default the tests'
server), bulk-loads `--reports` reports with COPY (spread over `--years`, about 2% still
open, in every status, category and sub-district), fills the daily-count rollup, runs
VACUUM ANALYZE, then times the API in process (FastAPI's TestClient, so routing,
validation and JSON are included; no network): the officer queue, the admins' queue, the
dashboard summary and heatmap for 30, 90 and 366 days, and Open311's default request list.
Target (issue 7): the officer queue and the dashboard answer in under 200 ms. The database
is dropped at the end (`--keep` keeps it; `--database NAME` reuses a kept one, which
skips the loading). Writes benchmarks/results/reports_scale.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from fastapi.testclient import TestClient
from rich.progress import Progress
from sqlalchemy import func, insert, select, text

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.db.models import (
    Account,
    Report,
    ReportDailyCount,
    ReportHeatCount,
    ReportResolutionCount,
    ReportRoute,
)
from gigcity.db.session import transaction
from gigcity.geo.coords import local_plane_factors
from gigcity.services.platform import Platform
from gigcity.services.reports import DEFAULT_RULES, Category, stats
from reports_bench_support import (
    RESULTS,
    bearer,
    machine,
    make_accounts,
    percentiles,
    scratch_database,
)

CATEGORY_WEIGHTS = np.array([0.18, 0.12, 0.1, 0.2, 0.2, 0.05, 0.15])
CHUNK = 100_000
COLUMNS = (
    "id", "token", "category", "description", "lon", "lat", "subdistrict", "status",
    "is_open", "held", "reject_reason", "source", "reporter_id", "assignee_id",
    "reward_status", "reward_fen", "created_at", "updated_at", "due_at", "resolved_at",
    "resolution_s", "closed_at",
)  # fmt: skip


def generate(
    platform: Platform,
    rng: np.random.Generator,
    n: int,
    age_range_s: tuple[float, float],
    riders: np.ndarray,
    officers: dict[str, int],
    now: np.datetime64,
) -> dict[str, np.ndarray]:
    """`n` reports filed between `age_range_s` seconds ago, as columns, oldest first."""
    subs = platform.district.subdistricts
    sub_index = rng.integers(0, len(subs), n)
    centre_lon = np.array([s.lon for s in subs])
    centre_lat = np.array([s.lat for s in subs])
    west, south, east, north = platform.district.bbox
    lon = np.clip(centre_lon[sub_index] + rng.normal(0, 0.006, n), west + 1e-4, east - 1e-4)
    lat = np.clip(centre_lat[sub_index] + rng.normal(0, 0.005, n), south + 1e-4, north - 1e-4)
    # The sub-district is the nearest interior point on the local plane (as District.locate).
    fx, fy = local_plane_factors((south + north) / 2)
    d2 = ((lon[:, None] - centre_lon) * fx) ** 2 + ((lat[:, None] - centre_lat) * fy) ** 2
    codes = np.array([s.code for s in subs])[d2.argmin(axis=1)]
    categories = list(Category)
    category_index = rng.choice(len(categories), n, p=CATEGORY_WEIGHTS / CATEGORY_WEIGHTS.sum())
    age_s = np.sort(rng.uniform(*age_range_s, n))[::-1]
    created = now - (age_s * 1000).astype("timedelta64[ms]")
    sla_h = np.array([DEFAULT_RULES[c].sla_hours for c in categories])[category_index]
    resolution_s = (np.minimum(rng.lognormal(np.log(sla_h * 0.4), 0.8), 24 * 60) * 3600).astype(
        np.int64
    )
    resolved = created + (resolution_s * 1000).astype("timedelta64[ms]")
    # Fates: old reports are done; the last two weeks still have open ones (~2% overall).
    roll = rng.uniform(0, 1, n)
    status = np.where(roll < 0.08, "rejected", "closed").astype("<U12")
    fresh = (age_s < 14 * 86400) & (roll >= 0.08)
    stages = ["submitted", "accepted", "dispatched", "in_progress", "resolved", "closed"]
    stage = rng.choice(stages, n, p=[0.2, 0.15, 0.15, 0.2, 0.1, 0.2])
    status[fresh] = stage[fresh]
    done = np.isin(status, ["resolved", "closed"])
    status[done & (resolved > now)] = "in_progress"
    done = np.isin(status, ["resolved", "closed"])
    accepted = ~np.isin(status, ["submitted", "rejected"])
    category = np.array([c.value for c in categories])[category_index]
    assignee = np.array([officers[c] for c in codes])
    assignee[category == Category.food_safety.value] = 0  # the admins' queue
    return {
        "lon": lon.round(6),
        "lat": lat.round(6),
        "subdistrict": codes,
        "category": category,
        "status": status,
        "is_open": ~np.isin(status, ["rejected", "closed"]),
        "accepted": accepted,
        "done": done,
        "created": created,
        "due": created + (sla_h * 3600 * 1000).astype("timedelta64[ms]"),
        "resolved": resolved,
        "resolution_s": resolution_s,
        "reward": np.array([DEFAULT_RULES[c].reward_fen for c in categories])[category_index],
        "reporter": riders[rng.integers(0, len(riders), n)],
        "assignee": assignee,
        "reject": np.where(rng.uniform(0, 1, n) < 0.3, "duplicate", "invalid"),
    }


def _iso(times: np.ndarray) -> np.ndarray:
    return np.char.add(np.datetime_as_string(times, unit="ms"), "+00:00")


def copy_chunk(cursor: object, data: dict[str, np.ndarray], first_id: int) -> None:
    """COPY one chunk of generated reports (text format, \\N for null)."""
    n = len(data["lon"])
    done, status = data["done"], data["status"]
    created, resolved = _iso(data["created"]), _iso(data["resolved"])
    null = np.full(n, "\\N")
    columns = [
        np.arange(first_id, first_id + n).astype(str),
        np.char.add("bench", np.arange(first_id, first_id + n).astype(str)),
        data["category"],
        np.char.add("benchmark report ", np.arange(first_id, first_id + n).astype(str)),
        data["lon"].astype(str),
        data["lat"].astype(str),
        data["subdistrict"],
        status,
        np.where(data["is_open"], "t", "f"),
        np.full(n, "f"),
        np.where(status == "rejected", data["reject"], null),
        np.full(n, "app"),
        data["reporter"].astype(str),
        np.where(data["assignee"] > 0, data["assignee"].astype(str), null),
        np.where(data["accepted"], "paid", "none"),
        np.where(data["accepted"], data["reward"].astype(str), "0"),
        created,
        np.where(done, resolved, created),
        _iso(data["due"]),
        np.where(done, resolved, null),
        np.where(done, data["resolution_s"].astype(str), null),
        np.where(status == "closed", resolved, null),
    ]
    lines = ["\t".join(row) for row in zip(*(c.tolist() for c in columns), strict=True)]
    cursor.write("\n".join(lines) + "\n")  # type: ignore[attr-defined]


def load(
    platform: Platform,
    total: int,
    years: float,
    riders: list[int],
    officers: dict[str, int],
    tz: ZoneInfo,
    seed: int,
) -> tuple[int, Counter[tuple[str, str, str, str]]]:
    """Generate and COPY `total` reports in chunks; the open count and the daily counts."""
    rng = np.random.default_rng(seed)
    now = np.datetime64(datetime.now(UTC).replace(tzinfo=None), "ms")
    offset = np.timedelta64(int(datetime.now(tz).utcoffset().total_seconds()), "s")  # type: ignore[union-attr]
    span_s = years * 365 * 86400
    chunks = max(1, total // CHUNK)
    counts: Counter[tuple[str, str, str, str]] = Counter()
    open_reports = 0
    rider_ids = np.array(riders)
    raw = platform.engine.raw_connection()
    try:
        cursor = raw.cursor()
        with (
            Progress() as progress,
            cursor.copy(f"COPY reports ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):  # type: ignore[attr-defined]
            task = progress.add_task("COPY reports", total=total)
            made = 0
            for k in range(chunks):
                n = total // chunks + (1 if k < total % chunks else 0)
                ages = (span_s * (1 - (k + 1) / chunks), span_s * (1 - k / chunks))
                data = generate(platform, rng, n, ages, rider_ids, officers, now)
                copy_chunk(copy, data, made + 1)
                days = np.datetime_as_string((data["created"] + offset).astype("datetime64[D]"))
                keys = np.char.add(
                    np.char.add(
                        np.char.add(np.char.add(days, "|"), data["subdistrict"]),
                        np.char.add("|", data["category"]),
                    ),
                    np.char.add("|", data["status"]),
                )
                unique, number = np.unique(keys, return_counts=True)
                for key, count in zip(unique.tolist(), number.tolist(), strict=True):
                    counts[tuple(key.split("|"))] += count  # type: ignore[index]
                open_reports += int(data["is_open"].sum())
                made += n
                progress.update(task, completed=made)
        raw.commit()
    finally:
        raw.close()
    with platform.engine.begin() as conn:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('reports', 'id'), {total})"))
    return open_reports, counts


def fill_rollup(
    platform: Platform, counts: Counter[tuple[str, str, str, str]], tz: ZoneInfo
) -> int:
    """The rollups the service keeps per intake and resolution, for the generated reports
    (the daily counts from what was generated; the heatmap and resolution-time rollups as
    `gigcity reports recount` builds them), then VACUUM ANALYZE."""
    rows = [
        {"day": date.fromisoformat(d), "subdistrict": s, "category": c, "status": st, "count": n}
        for (d, s, c, st), n in counts.items()
    ]
    with transaction(platform.factory) as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(ReportDailyCount), rows[start : start + 5000])
        for table, found in zip(
            (ReportHeatCount, ReportResolutionCount),
            stats.dashboard_rollups(session, tz),
            strict=True,
        ):
            for start in range(0, len(found), 5000):
                session.execute(insert(table), found[start : start + 5000])
    with platform.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return len(rows)


def existing(platform: Platform) -> tuple[int, dict[str, int], int, int]:
    """A kept database's admin, officers by sub-district, open and stored reports."""
    with platform.factory() as session:
        found = session.execute(select(Account.id, Account.username, Account.subdistrict)).all()
        open_reports = session.scalar(select(func.count()).where(Report.is_open.is_(True)))
        stored = session.scalar(select(func.count()).select_from(Report))
    officers = {str(sub): aid for aid, name, sub in found if name.startswith("officer-")}
    admin_id = next(aid for aid, name, _ in found if name == "admin")
    return admin_id, officers, int(open_reports or 0), int(stored or 0)


def timed(
    client: TestClient, path: str, headers: dict[str, str], repeat: int, **params: object
) -> dict[str, object]:
    samples = []
    size = 0
    for i in range(repeat + 2):
        start = time.perf_counter()
        response = client.get(path, params=params, headers=headers)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.text[:300]
        size = len(response.content)
        if i >= 2:  # two warm-up calls
            samples.append(elapsed)
    return {
        "path": path,
        "params": {k: str(v) for k, v in params.items()},
        "bytes": size,
        **percentiles(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=2_000_000)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--riders", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    parser.add_argument(
        "--database",
        help="Reuse a database kept by an earlier --keep run (named as it printed): its "
        "schema is upgraded (later migrations fill their rollups from the stored reports), "
        "nothing is loaded, and it is kept.",
    )
    args = parser.parse_args()
    tz = ZoneInfo("Asia/Shanghai")
    with scratch_database(args.keep, reuse=args.database) as url:
        platform = Platform.from_settings(
            Settings(mode="dev", database_url=url, open311_rate_ip_per_minute=0)
        )
        t0 = time.perf_counter()
        platform.upgrade_database()
        upgrade_s = time.perf_counter() - t0
        if args.database:
            admin_id, officers, open_reports, stored = existing(platform)
            if stored != args.reports:
                raise SystemExit(f"{args.database} holds {stored} reports, not {args.reports}")
            copy_s = finish_s = 0.0
            with platform.engine.connect() as conn:  # the new rollups' statistics
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
            print(
                f"reusing {args.database}: {stored} reports; schema upgraded in {upgrade_s:.0f} s"
            )
        else:
            admin_id, officers, riders = make_accounts(platform, args.riders)
            with transaction(platform.factory) as session:
                for sub, officer in officers.items():
                    session.add(ReportRoute(subdistrict=sub, category="*", officer_id=officer))
            t0 = time.perf_counter()
            open_reports, counts = load(
                platform, args.reports, args.years, riders, officers, tz, seed=7
            )
            copy_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            rollup_rows = fill_rollup(platform, counts, tz)
            finish_s = time.perf_counter() - t0
            print(
                f"{args.reports} reports ({open_reports} open) generated and copied in {copy_s:.0f} s; rollups ({rollup_rows} daily-count rows) + VACUUM ANALYZE in {finish_s:.0f} s"
            )
        with platform.factory() as session:
            open_by_sub = dict(
                session.execute(
                    text(
                        "SELECT subdistrict, count(*) FROM reports WHERE is_open GROUP BY subdistrict"
                    )
                ).all()
            )

        busiest = max(officers, key=lambda sub: int(open_by_sub.get(sub, 0)))
        officer = bearer(platform, officers[busiest])
        admin = bearer(platform, admin_id)
        results = []
        with TestClient(create_app(platform.settings, platform)) as client:
            runs = [
                ("officer queue (mine, 500 most urgent)", "/api/reports/queue", officer, {}),
                ("officer queue, overdue only", "/api/reports/queue", officer, {"overdue": "true"}),
                ("officer queue, whole sub-district", "/api/reports/queue", officer, {"scope": "subdistrict"}),
                ("admins' queue (unrouted)", "/api/reports/queue", admin, {}),
                ("dashboard, last 30 days", "/api/dashboard/reports", admin, {}),
                ("dashboard, last 90 days, weekly", "/api/dashboard/reports", admin, {"since": (datetime.now(tz).date() - timedelta(days=89)).isoformat(), "bucket": "week"}),
                ("dashboard, last 366 days, monthly", "/api/dashboard/reports", admin, {"since": (datetime.now(tz).date() - timedelta(days=365)).isoformat(), "bucket": "month"}),
                ("dashboard, one sub-district, 30 days", "/api/dashboard/reports", officer, {"subdistrict": busiest}),
                ("heatmap, last 30 days", "/api/dashboard/heatmap", admin, {}),
                ("heatmap, last 366 days", "/api/dashboard/heatmap", admin, {"since": (datetime.now(tz).date() - timedelta(days=365)).isoformat()}),
                ("Open311 requests (default 90 days, 1000 cap)", "/open311/v2/requests.json", {}, {}),
            ]  # fmt: skip
            for label, path, headers, params in runs:
                result = {"what": label, **timed(client, path, headers, args.repeat, **params)}
                results.append(result)
                print(
                    f"{label:48s} p50 {result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms  max {result['max_ms']:7.1f} ms  ({result['bytes']} bytes)"
                )
        platform.close()
    record = {
        "reports": args.reports,
        "open_reports": open_reports,
        "years": args.years,
        "open_in_busiest_subdistrict": int(open_by_sub.get(busiest, 0)),
        "load_seconds": {
            "generate_and_copy": round(copy_s),
            "rollup_and_analyze": round(finish_s),
            "schema_upgrade": round(upgrade_s),
        },
        "reused_database": args.database,
        "measured": "in process through the API (FastAPI TestClient), PostgreSQL 15 on the same machine",
        "target": "officer queue and dashboard < 200 ms",
        "results": results,
        "machine": machine(),
        "command": f"python benchmarks/reports_scale.py --reports {args.reports} --years {args.years} --repeat {args.repeat}"
        + (f" --database {args.database}" if args.database else ""),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reports_scale.json").write_text(
        json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    )
    lines = [
        f"{args.reports:,} stored reports ({open_reports:,} open), PostgreSQL, through the API in process; load average {record['machine']['load_average_1_5_15']}.",  # type: ignore[index]
        "",
        "| what | p50 | p95 | max | target |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        target = (
            "< 200 ms"
            if "queue" in str(r["what"])
            or "dashboard" in str(r["what"])
            or "heatmap" in str(r["what"])
            else ""
        )
        lines.append(
            f"| {r['what']} | {r['p50_ms']} ms | {r['p95_ms']} ms | {r['max_ms']} ms | {target} |"
        )
    lines += ["", f"Command: `{record['command']}`"]
    (RESULTS / "reports_scale.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
