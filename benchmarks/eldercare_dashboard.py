"""Meals for the elderly: the staff's monthly statements and exports over a year of meals, on
PostgreSQL.

    .venv/bin/python benchmarks/eldercare_dashboard.py [--elders 5000] [--repeat 15]
        [--indexes] [--keep | --database NAME]

Creates a scratch PostgreSQL database (GIGCITY_BENCH_POSTGRES_URL, default the tests'
server), then with a fixed seed: 30 canteens, `--elders` older people in every
sub-district and subsidy category, 300 riders, and a year of meals (2025-12-01 to
2026-11-30: lunch on ~75 % of days, dinner on ~7 %: about 1.5 million meals for 5,000
people), each split by the example funding rule, ~96 % delivered (the rest cancelled or
not delivered), the delivered ones on the funders' ledger (one line per funder with a
part). Meals and ledger go in with COPY, then VACUUM ANALYZE.

Then it times, through the service (as the API calls it, without HTTP): an admin's
statement of one month, a grid officer's, a canteen's, each of the twelve months in turn
(the year), and the district's meals export of a month as CSV and as XLSX (with the
process's peak memory growth during the export). Target (issue 16): the staff dashboard
answers in under 200 ms on PostgreSQL.

`--indexes none|ledger|all` keeps none, the first or both of the statement's covering
indexes (PROPOSED_INDEXES, created by migration 0016), so runs with and without them compare; a kept database is
reused with `--database NAME`. Writes benchmarks/results/eldercare_dashboard.{json,md}
(`--indexes ledger`: eldercare_dashboard_ledger_index.*, `none`: eldercare_dashboard_no_index.*).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from rich.progress import Progress
from sqlalchemy import func, insert, select, text

from gigcity.config import Settings
from gigcity.db.models import Canteen, Elder, ElderMeal
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock
from gigcity.services.eldercare.base import load_funding
from gigcity.services.eldercare.funding import split
from gigcity.services.eldercare.statements import Statements
from gigcity.services.platform import Platform
from reports_bench_support import RESULTS, machine, make_accounts, percentiles, scratch_database

FIRST_DAY = date(2025, 12, 1)
DAYS = 365
CANTEENS = 30
RIDERS = 300
PRICES = np.array([1200, 1300, 1500, 1600, 1800])
CATEGORY_WEIGHTS = {"standard": 0.4, "over_80": 0.3, "over_90": 0.1, "low_income": 0.12,
                    "disabled": 0.08}  # fmt: skip
MEAL_COLUMNS = (
    "id", "elder_id", "canteen_id", "day", "meal", "state", "subsidy_category", "funding_rule",
    "price_fen", "subsidy_fen", "enterprise_fen", "charity_fen", "copay_fen", "rider_id",
    "by_primary", "left_kitchen_at", "delivered_at", "door_check", "generated_at",
)  # fmt: skip
LEDGER_COLUMNS = ("id", "meal_id", "funder", "day", "amount_fen", "at")
PARTS = ("subsidy", "enterprise", "charity", "copay")

# The statement's covering indexes (in migration 0016); `--indexes none|ledger` drops them
# to compare.
PROPOSED_INDEXES = (
    "CREATE INDEX ix_eldercare_ledger_day_funder ON eldercare_ledger (day, funder) "
    "INCLUDE (amount_fen, meal_id)",
    "CREATE INDEX ix_eldercare_meals_day_totals ON eldercare_meals (day) INCLUDE (state, "
    "subsidy_category, funding_rule, price_fen, subsidy_fen, enterprise_fen, charity_fen, "
    "copay_fen, elder_id, canteen_id)",
)

INDEX_TEXTS = {
    "none": "none of the covering indexes (dropped)",
    "ledger": "the ledger's (day, funder) covering index",
    "all": "both (the ledger's and the meals' covering indexes)",
}


def seed_people(platform: Platform, rng: np.random.Generator, elders: int) -> dict[str, Any]:
    """Canteens, older people and riders; what the meals need of them, as arrays."""
    subs = [s.code for s in platform.district.subdistricts]
    _, _, riders = make_accounts(platform, RIDERS)
    canteen_rows = [
        {
            "name": f"长者食堂 {k + 1}", "subdistrict": subs[k % len(subs)], "lon": 121.40,
            "lat": 31.25, "lunch_capacity": 400, "dinner_capacity": 60,
            "price_fen": int(PRICES[k % len(PRICES)]),
        }
        for k in range(CANTEENS)
    ]  # fmt: skip
    categories = list(CATEGORY_WEIGHTS)
    weights = np.array(list(CATEGORY_WEIGHTS.values()))
    with transaction(platform.factory) as session:
        session.execute(insert(Canteen), canteen_rows)
        canteens = session.execute(select(Canteen.id, Canteen.subdistrict, Canteen.price_fen)).all()
        by_sub: dict[str, list[tuple[int, int]]] = {}
        for cid, sub, price in canteens:
            by_sub.setdefault(sub, []).append((cid, price))
        elder_sub = rng.integers(0, len(subs), elders)
        elder_category = rng.choice(len(categories), elders, p=weights / weights.sum())
        primary = rng.choice(riders, elders)
        rows = []
        for k in range(elders):
            sub = subs[int(elder_sub[k])]
            options = by_sub.get(sub) or canteens[:1]
            cid = options[k % len(options)][0]
            rows.append(
                {
                    "subdistrict": sub, "canteen_id": cid, "lon": 121.40, "lat": 31.25,
                    "subsidy_category": categories[int(elder_category[k])],
                    "name_enc": "x", "first_name_enc": "x", "door_enc": "x", "care_enc": "x",
                    "consent_by": "self", "consent_note_enc": "x",
                    "consented_at": datetime(2025, 11, 1, tzinfo=UTC),
                    "primary_rider_id": int(primary[k]),
                }
            )  # fmt: skip
        session.execute(insert(Elder), rows)
        found = session.execute(
            select(Elder.id, Elder.canteen_id, Elder.subsidy_category, Elder.primary_rider_id)
            .order_by(Elder.id)
        ).all()  # fmt: skip
    price_of = {cid: price for cid, _, price in canteens}
    return {
        "ids": np.array([r[0] for r in found]),
        "canteen": np.array([r[1] for r in found]),
        "category": np.array([r[2] for r in found]),
        "price": np.array([price_of[r[1]] for r in found]),
        "primary": np.array([r[3] for r in found]),
        "riders": np.array(riders),
        "subdistricts": subs,
        "canteen_ids": [c[0] for c in canteens],
    }


def split_table(platform: Platform, rule_name: str) -> dict[tuple[int, str], tuple[int, ...]]:
    rule = load_funding(None)
    assert rule.name == rule_name
    table = {}
    for price in PRICES.tolist():
        for category in CATEGORY_WEIGHTS:
            s = split(price, category, rule)
            table[(price, category)] = (s.subsidy_fen, s.enterprise_fen, s.charity_fen, s.copay_fen)
    return table


def _iso(times: np.ndarray) -> np.ndarray:
    return np.char.add(np.datetime_as_string(times, unit="s"), "+00:00")


def load_meals(
    platform: Platform, rng: np.random.Generator, people: dict[str, Any]
) -> dict[str, int]:
    """COPY a year of meals and their ledger lines, a month at a time."""
    rule = load_funding(None)
    parts_of = split_table(platform, rule.name)
    n_elders = len(people["ids"])
    category = people["category"]
    price = people["price"]
    parts = np.array([parts_of[(int(p), str(c))] for p, c in zip(price, category, strict=True)])
    meal_id = ledger_id = 0
    raw = platform.engine.raw_connection()
    try:
        cursor = raw.cursor()
        with Progress() as progress:
            task = progress.add_task("COPY meals and ledger", total=DAYS)
            for start in range(0, DAYS, 30):
                days = range(start, min(start + 30, DAYS))
                meal_lines: list[str] = []
                ledger_lines: list[str] = []
                for offset in days:
                    day = FIRST_DAY + timedelta(days=offset)
                    for meal, share, hour in (("lunch", 0.75, 3), ("dinner", 0.07, 9)):
                        who = np.flatnonzero(rng.random(n_elders) < share)
                        n = len(who)
                        ids = np.arange(meal_id + 1, meal_id + n + 1)
                        meal_id += n
                        roll = rng.random(n)
                        state = np.where(
                            roll < 0.96,
                            "delivered",
                            np.where(roll < 0.99, "cancelled", "not_delivered"),
                        )
                        delivered = state == "delivered"
                        by_primary = rng.random(n) < 0.92
                        rider = np.where(
                            by_primary, people["primary"][who], rng.choice(people["riders"], n)
                        )
                        base = np.datetime64(day.isoformat()) + np.timedelta64(hour, "h")
                        left = base + rng.integers(0, 1800, n).astype("timedelta64[s]")
                        at = left + rng.integers(300, 1800, n).astype("timedelta64[s]")
                        door = rng.choice(
                            ["seen_well", "needs_help", "no_answer"], n, p=[0.98, 0.01, 0.01]
                        )
                        p = parts[who]
                        null = np.full(n, "\\N")
                        cols = [
                            ids.astype(str), people["ids"][who].astype(str),
                            people["canteen"][who].astype(str), np.full(n, day.isoformat()),
                            np.full(n, meal), state, category[who], np.full(n, rule.name),
                            price[who].astype(str), *(p[:, k].astype(str) for k in range(4)),
                            np.where(state == "cancelled", null, rider.astype(str)),
                            np.where(delivered, np.where(by_primary, "t", "f"), null),
                            np.where(state == "cancelled", null, _iso(left)),
                            np.where(delivered, _iso(at), null),
                            np.where(delivered, door, null),
                            _iso(np.full(n, base - np.timedelta64(20, "h"))),
                        ]  # fmt: skip
                        meal_lines.extend(
                            "\t".join(r) for r in zip(*(c.tolist() for c in cols), strict=True)
                        )
                        for k, funder in enumerate(PARTS):
                            owed = delivered & (p[:, k] > 0)
                            m = int(owed.sum())
                            lids = np.arange(ledger_id + 1, ledger_id + m + 1)
                            ledger_id += m
                            lcols = [
                                lids.astype(str), ids[owed].astype(str), np.full(m, funder),
                                np.full(m, day.isoformat()), p[owed, k].astype(str), _iso(at[owed]),
                            ]  # fmt: skip
                            ledger_lines.extend(
                                "\t".join(r) for r in zip(*(c.tolist() for c in lcols), strict=True)
                            )
                with cursor.copy(
                    f"COPY eldercare_meals ({', '.join(MEAL_COLUMNS)}) FROM STDIN"
                ) as copy:  # type: ignore[attr-defined]
                    copy.write("\n".join(meal_lines) + "\n")
                with cursor.copy(
                    f"COPY eldercare_ledger ({', '.join(LEDGER_COLUMNS)}) FROM STDIN"
                ) as copy:  # type: ignore[attr-defined]
                    copy.write("\n".join(ledger_lines) + "\n")
                raw.commit()
                progress.update(task, advance=len(days))
    finally:
        raw.close()
    with platform.engine.begin() as conn:
        for table, last in (("eldercare_meals", meal_id), ("eldercare_ledger", ledger_id)):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})"))
    return {"meals": meal_id, "ledger_lines": ledger_id}


def timed(call: Any, repeat: int) -> dict[str, Any]:
    samples = []
    for i in range(repeat + 2):
        start = time.perf_counter()
        call()
        if i >= 2:  # two warm-up calls
            samples.append(time.perf_counter() - start)
    return percentiles(samples)


def peak_rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def reset_peak_rss() -> None:
    """Linux: make the peak resident size start again from the current size."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def time_export(service: Statements, admin: Principal, month: date, kind: str) -> dict[str, Any]:
    last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    reset_peak_rss()
    before = peak_rss_kib()
    start = time.perf_counter()
    export = service.meals_export(admin, month, last, kind)
    size = 0
    first_chunk_s = None
    for chunk in export.chunks:
        if first_chunk_s is None:
            first_chunk_s = time.perf_counter() - start
        size += len(chunk)
    return {
        "format": kind,
        "seconds": round(time.perf_counter() - start, 2),
        "first_bytes_s": round(first_chunk_s or 0.0, 2),
        "bytes": size,
        "peak_rss_growth_mib": round((peak_rss_kib() - before) / 1024, 1),
    }


def explain(platform: Platform, service: Statements, admin: Principal, month: date) -> list[str]:
    """The plans of the statement's two queries for `month` (what an index would change)."""
    from gigcity.services.eldercare.statements import _meal_filters, month_days

    first, last = month_days(month)
    where = _meal_filters(first, last, None, None)
    query = service._meal_totals_query(where)
    with platform.engine.connect() as conn:
        sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        meals = [r[0] for r in conn.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + sql))]
        ledger = [
            r[0]
            for r in conn.execute(
                text(
                    "EXPLAIN (ANALYZE, BUFFERS) SELECT funder, count(*), sum(amount_fen) FROM "
                    f"eldercare_ledger WHERE day >= '{first}' AND day <= '{last}' GROUP BY funder"
                )
            )
        ]
    return [*meals, "--", *ledger]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--elders", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--indexes",
        choices=["none", "ledger", "all"],
        default="all",
        help="Keep none, the first (ledger) or all of PROPOSED_INDEXES (default: all, as migrated).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    parser.add_argument("--database", help="Reuse a database kept by --keep (no loading).")
    args = parser.parse_args()
    rng = np.random.default_rng(16)
    with scratch_database(args.keep, reuse=args.database) as url:
        platform = Platform.from_settings(Settings(mode="dev", database_url=url))
        platform.upgrade_database()
        load_s = 0.0
        if not args.database:
            t0 = time.perf_counter()
            people = seed_people(platform, rng, args.elders)
            counts = load_meals(platform, rng, people)
            load_s = time.perf_counter() - t0
            print(
                f"{counts['meals']} meals, {counts['ledger_lines']} ledger lines in {load_s:.0f} s"
            )
        with platform.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            wanted = {"none": 0, "ledger": 1, "all": len(PROPOSED_INDEXES)}[args.indexes]
            for k, statement in enumerate(PROPOSED_INDEXES):
                conn.execute(text(f"DROP INDEX IF EXISTS {statement.split()[2]}"))
                if k < wanted:
                    conn.execute(text(statement))
            conn.execute(text("VACUUM ANALYZE"))
        service = Statements(
            factory=platform.factory,
            district=platform.district,
            day_clock=DayClock(platform.settings.timezone),
            jobs=platform.jobs,
        )
        with platform.factory() as session:
            meals = int(session.scalar(select(func.count()).select_from(ElderMeal)) or 0)
            ledger = int(session.scalar(text("SELECT count(*) FROM eldercare_ledger")) or 0)
            canteen = int(session.scalar(select(func.min(Canteen.id))) or 0)
            sub = str(session.scalar(select(Elder.subdistrict).order_by(Elder.id).limit(1)))
        admin = Principal(role=Role.admin, label="bench")
        officer = Principal(role=Role.officer, subdistrict=sub, label="bench")
        month = date(2026, 6, 1)
        months = [(FIRST_DAY + timedelta(days=31 * k)).replace(day=1) for k in range(12)]
        out = service.statement(admin, month)
        assert out.reconciled, out.differences[:5]
        results: dict[str, Any] = {
            "month": month.isoformat(),
            "meals_stored": meals,
            "ledger_lines_stored": ledger,
            "meals_in_month": out.meals.total,
            "proposed_indexes": args.indexes,
            "statement_admin_month": timed(lambda: service.statement(admin, month), args.repeat),
            "statement_officer_month": timed(
                lambda: service.statement(officer, month), args.repeat
            ),
            "statement_canteen_month": timed(
                lambda: service.statement(admin, month, canteen_id=canteen), args.repeat
            ),
        }
        year_samples = []
        for m in months:
            t0 = time.perf_counter()
            service.statement(admin, m)
            year_samples.append(time.perf_counter() - t0)
        results["statement_each_month_of_the_year"] = percentiles(year_samples)
        results["statement_whole_year_s"] = round(sum(year_samples), 3)
        results["meals_export_month"] = [
            time_export(service, admin, month, "csv"),
            time_export(service, admin, month, "xlsx"),
        ]
        results["plans"] = explain(platform, service, admin, month)
        results["load_s"] = round(load_s, 1)
        results["machine"] = machine()
        platform.close()
    write(results, args)


def write(results: dict[str, Any], args: argparse.Namespace) -> None:
    suffix = {"none": "_no_index", "ledger": "_ledger_index", "all": ""}[args.indexes]
    name = f"eldercare_dashboard{suffix}"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    command = "benchmarks/eldercare_dashboard.py" + (
        f" --indexes {args.indexes}" if args.indexes != "all" else ""
    )
    rows = [
        ("admin, one month", results["statement_admin_month"]),
        ("officer (one sub-district), one month", results["statement_officer_month"]),
        ("one canteen, one month", results["statement_canteen_month"]),
        ("each month of the year in turn", results["statement_each_month_of_the_year"]),
    ]
    lines = [
        f"# Meals for the elderly: statements and exports on PostgreSQL ({name})",
        "",
        f"`.venv/bin/python {command}` — {results['meals_stored']:,} meals and "
        f"{results['ledger_lines_stored']:,} ledger lines stored (a year for "
        f"{args.elders:,} older people); month {results['month']} has "
        f"{results['meals_in_month']:,} meals. Proposed indexes: "
        f"{INDEX_TEXTS[args.indexes]}. Load average "
        f"{results['machine']['load_average_1_5_15']} (1, 5, 15 min), "
        f"{results['machine']['cpu']}.",
        "",
        "| statement() | p50 ms | p95 ms | max ms | n |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {label} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | {r['n']} |"
            for label, r in rows
        ),
        "",
        f"All twelve monthly statements of the year: {results['statement_whole_year_s']} s.",
        "",
        "| meals export of the month | seconds | first bytes s | size | peak RSS growth |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {e['format']} | {e['seconds']} | {e['first_bytes_s']} | "
            f"{e['bytes'] / 2**20:.1f} MiB | {e['peak_rss_growth_mib']} MiB |"
            for e in results["meals_export_month"]
        ),
        "",
        "Target (issue 16): the staff dashboard answers in under 200 ms on PostgreSQL.",
        "",
    ]
    (RESULTS / f"{name}.md").write_text("\n".join(lines))
    print("\n".join(lines))
    print(f"load average now: {os.getloadavg()}")


if __name__ == "__main__":
    main()
