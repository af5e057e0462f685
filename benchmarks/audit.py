"""Algorithm audit at district scale: a day of 1,000,000 orders by 30,000 riders audited
against putuo-2025 on one core, compliant and with planted breaches (issue 19).

    .venv/bin/python benchmarks/audit.py [--orders 1000000] [--riders 30000] [--seed 1]
        [--rules putuo-2025] [--formats parquet jsonl.gz] [--per-check 3]

The day is `generate.synthetic_log` (it keeps every clause of the rulebook); the planted
variant is the same day after `generate.plant_breaches`. Each is written in each format to
a temporary folder, read back as bytes and audited with `engine.audit_file(..., key=b"bench")`
(reading the file included) with POLARS_MAX_THREADS=1. Targets: 0 findings on the
compliant day; every planted breach found (recall 100 %) and nothing else. Prints the
figures and the machine load and writes benchmarks/results/audit.{json,md}.
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"  # one core, before Polars starts its pool

import argparse
import json
import platform as py_platform
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from gigcity.rules import Rulebook, load_rulebook
from gigcity.services.audit.engine import audit_file
from gigcity.services.audit.generate import Planted, plant_breaches, synthetic_log
from gigcity.services.audit.logwriter import write_log
from gigcity.services.audit.pseudonym import pseudonym

RESULTS = Path(__file__).parent / "results"
DAY = date(2026, 5, 12)
KEY = b"bench"


def machine() -> dict[str, object]:
    return {
        "cpu": f"{py_platform.processor() or py_platform.machine()}, {os.cpu_count()} cores",
        "python": py_platform.python_version(),
        "polars": pl.__version__,
        "polars_threads": pl.thread_pool_size(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "note": "shared machine: other work may have been running during the measurement",
    }


def recall(findings: pl.DataFrame, planted: tuple[Planted, ...]) -> dict[str, Any]:
    """Which planted breaches the audit found (check, rider pseudonym, day and orders as
    recorded), and how many findings were not planted."""
    found = {
        (row["check"], row["rider"], row["day"]): set(row["orders"] or ())
        for row in findings.iter_rows(named=True)
    }
    hits = 0
    missed: list[str] = []
    for p in planted:
        key = (p.check, pseudonym(KEY, p.rider) if p.rider else None, p.day)
        orders = found.get(key)
        ok = orders is not None and (
            orders <= set(p.orders) if p.check == "on_route" else orders == set(p.orders)
        )
        hits += ok
        if not ok:
            missed.append(f"{p.check} {p.rider} {p.day} {list(p.orders)[:5]}")
    expected = {(p.check, pseudonym(KEY, p.rider) if p.rider else None, p.day) for p in planted}
    return {
        "planted": len(planted),
        "found": hits,
        "recall_pct": round(100 * hits / len(planted), 2) if planted else None,
        "unplanted_findings": sum(1 for key in found if key not in expected),
        "missed": missed,
    }


def run(
    name: str,
    log: pl.DataFrame,
    planted: tuple[Planted, ...] | None,
    rulebook: Rulebook,
    formats: list[str],
    folder: Path,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for fmt in formats:
        started = time.perf_counter()
        path = write_log(log, folder / f"{name}.{fmt}")
        written_s = time.perf_counter() - started
        data = path.read_bytes()
        started = time.perf_counter()
        result = audit_file(data, path.name, rulebook, key=KEY)
        audit_s = time.perf_counter() - started
        row: dict[str, Any] = {
            "log": name,
            "format": fmt,
            "rows": result.report.log.rows,
            "refused": result.report.log.refused,
            "megabytes": round(len(data) / 1e6, 1),
            "write_s": round(written_s, 2),
            "audit_s": round(audit_s, 2),
            "findings": result.findings.height,
            "load_1min": round(os.getloadavg()[0], 2),
        }
        if planted is not None:
            row |= recall(result.findings, planted)
        print(json.dumps(row, ensure_ascii=False))
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--riders", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rules", default="putuo-2025")
    parser.add_argument("--per-check", type=int, default=3)
    parser.add_argument("--formats", nargs="+", default=["parquet", "jsonl.gz"])
    args = parser.parse_args()
    rulebook = load_rulebook(args.rules)

    started = time.perf_counter()
    clean = synthetic_log(
        orders=args.orders, riders=args.riders, rulebook=rulebook, day=DAY, seed=args.seed
    )
    generate_s = time.perf_counter() - started
    started = time.perf_counter()
    broken, planted = plant_breaches(clean, rulebook, seed=args.seed, per_check=args.per_check)
    plant_s = time.perf_counter() - started
    print(
        f"generated {clean.height:,} rows in {generate_s:.1f} s, planted {len(planted)} "
        f"breaches in {plant_s:.1f} s"
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = run("compliant", clean, None, rulebook, args.formats, folder)
        results += run("planted", broken, planted, rulebook, args.formats, folder)

    out = {
        "machine": machine(),
        "rules": args.rules,
        "orders": args.orders,
        "riders": args.riders,
        "seed": args.seed,
        "generate_s": round(generate_s, 2),
        "plant_s": round(plant_s, 2),
        "results": results,
    }
    print(json.dumps(out["machine"], ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    lines = [
        f"{args.orders:,} orders, {args.riders:,} riders, {args.rules}, one core "
        f"(load {out['machine']['load_average_1_5_15']})",
        "",
        "| log | format | MB | rows | audit (s) | findings | recall | unplanted findings |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results:
        lines.append(
            f"| {row['log']} | {row['format']} | {row['megabytes']} | {row['rows']:,} | "
            f"{row['audit_s']} | {row['findings']} | {row.get('recall_pct', '')} | "
            f"{row.get('unplanted_findings', '')} |"
        )
    (RESULTS / "audit.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
