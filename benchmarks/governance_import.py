"""Governance: importing 100,000 12345 hotline records (read, placed, sorted by topic,
written) and evaluating one measure, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/governance_import.py [--rows 100000] [--format csv|xlsx]
        [--database sqlite|postgres|both]

The records are the demo's synthetic years (different seeds, record ids made unique)
against the demo's 1,000 service points, written as the hotline exports them. The import
runs in this process as the background job would (`start_import(..., wait=True)`); the
evaluation is the mall's parking-zones measure after the demo year is imported.

Targets (issue 18): 100,000 records in under 60 s with placement and topics; one
evaluation under 2 s. Writes benchmarks/results/governance_import_{csv,xlsx}.{json,md}.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import xlsxwriter

from gigcity.config import Settings
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.demo import seed_demo
from gigcity.services.demo.governance import seed_demo_governance
from gigcity.services.governance.synthetic import (
    CSV_HEADERS,
    SyntheticComplaint,
    synthetic_year,
    to_csv_bytes,
)
from gigcity.services.platform import Platform
from reports_bench_support import RESULTS, machine, scratch_database

ADMIN = Principal(role=Role.admin, label="benchmark")


def records(count: int) -> list[SyntheticComplaint]:
    rows: list[SyntheticComplaint] = []
    seed = 0
    while len(rows) < count:
        for row in synthetic_year(seed).rows:
            rows.append(dataclasses.replace(row, record_id=f"B{seed}-{row.record_id}"))
        seed += 1
    return rows[:count]


def to_xlsx(rows: list[SyntheticComplaint]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, CSV_HEADERS)
    for i, r in enumerate(rows, start=1):
        local = r.received_at.strftime("%Y-%m-%d %H:%M:%S")
        sheet.write_row(i, 0, (r.record_id, local, r.address, r.category, r.content))
    book.close()
    return out.getvalue()


@contextmanager
def platform_on(kind: str) -> Iterator[Platform]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(mode="dev", database_url=f"sqlite:///{tmp}/bench.db")
            yield from _platform(settings)
    else:
        with scratch_database() as url:
            yield from _platform(Settings(mode="dev", database_url=url))


def _platform(settings: Settings) -> Iterator[Platform]:
    platform = Platform.from_settings(settings)
    platform.upgrade_database()
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=1000, seed=2025)
    try:
        yield platform
    finally:
        platform.close()


def run(kind: str, rows: int, fmt: str) -> dict[str, Any]:
    data_rows = records(rows)
    data = to_csv_bytes(data_rows) if fmt == "csv" else to_xlsx(data_rows)
    with platform_on(kind) as platform:
        platform.governance.classifier()  # jieba's dictionary, once per process
        started = time.perf_counter()
        out = platform.governance.start_import(ADMIN, f"bench.{fmt}", data, wait=True)
        import_s = time.perf_counter() - started
        report = platform.governance.get_import(ADMIN, out.id, "en")
        seed_demo_governance(platform)
        [main] = [m for m in platform.governance.measures(ADMIN, "en") if m.kind == "parking_zones"]
        platform.governance.effect(ADMIN, main.id, "complaints", "en")  # statsmodels' import
        times = []
        for _ in range(5):
            started = time.perf_counter()
            platform.governance.effect(ADMIN, main.id, "complaints", "en")
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        platform.governance.effect_pdf(ADMIN, main.id, "complaints", "zh_CN")
        pdf_s = time.perf_counter() - started
    return {
        "database": kind,
        "format": fmt,
        "rows": rows,
        "file_mb": round(len(data) / 2**20, 1),
        "import_s": round(import_s, 2),
        "rows_per_s": round(rows / import_s),
        "accepted": report.accepted,
        "duplicates": report.duplicates,
        "refused": report.refused,
        "unplaced": report.unplaced,
        "evaluation_ms_median": round(sorted(times)[len(times) // 2] * 1000, 1),
        "evaluation_ms_max": round(max(times) * 1000, 1),
        "evaluation_pdf_ms": round(pdf_s * 1000),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [run(kind, args.rows, args.format) for kind in kinds]
    out = {"machine": machine(), "results": results}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"governance_import_{args.format}.json").write_text(
        json.dumps(out, indent=2, ensure_ascii=False)
    )
    lines = [
        "| database | format | rows | import s | rows/s | accepted | unplaced | eval ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['format']} | {r['rows']} | {r['import_s']} | "
            f"{r['rows_per_s']} | {r['accepted']} | {r['unplaced']} | "
            f"{r['evaluation_ms_median']} |"
        )
    (RESULTS / f"governance_import_{args.format}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
