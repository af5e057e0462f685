"""Algorithm audit: Polars against DuckDB on the two shapes of work the checks do, on one
thread, to choose the engine by measurement (issue 19).

    .venv/bin/python benchmarks/audit_engines.py [--orders 1000000] [--riders 30000] [--rounds 3]

The two shapes: a per-rider window over sorted intervals (the rest check: gaps, islands of
continuous work) and a grouped join of pay lines onto orders (the difficult-order checks).
Both engines read the same Parquet files and must give the same counts. Needs duckdb
(`pip install duckdb`: not a dependency of gigcity). Writes
benchmarks/results/audit_engines.{json,md}.
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"  # one core, before Polars starts its pool

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

RESULTS = Path(__file__).parent / "results"
REST_S = 1200
LIMIT_S = 4 * 3600


def write_inputs(folder: Path, orders: int, riders: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(1)
    start = rng.integers(8 * 3600, 22 * 3600, orders)
    frame = pl.DataFrame(
        {
            "order": np.arange(orders),
            "rider": rng.integers(0, riders, orders),
            "start": start,
            "end": start + rng.integers(600, 2400, orders),
            "weight_g": rng.integers(0, 15000, orders),
        }
    )
    lines = pl.DataFrame(
        {
            "order": np.repeat(np.arange(orders), 3),
            "line": np.tile(np.array(["base", "weight", "distance"]), orders),
            "amount": rng.integers(0, 500, 3 * orders),
        }
    )
    paths = folder / "orders.parquet", folder / "lines.parquet"
    frame.write_parquet(paths[0])
    lines.write_parquet(paths[1])
    return paths


def with_polars(orders: Path, lines: Path) -> tuple[int, int]:
    scan = pl.scan_parquet(orders)
    stretches = (
        scan.sort("rider", "start")
        .with_columns(reach=pl.col("end").cum_max().shift(1).over("rider"))
        .with_columns(new=pl.col("reach").is_null() | (pl.col("start") - pl.col("reach") >= REST_S))
        .with_columns(stretch=pl.col("new").cum_sum())
        .group_by("rider", "stretch")
        .agg(first=pl.col("start").min(), last=pl.col("end").max())
        .filter(pl.col("last") - pl.col("first") > LIMIT_S)
        .collect()
    )
    paid = (
        pl.scan_parquet(lines)
        .filter(pl.col("line") == "weight")
        .group_by("order")
        .agg(pl.col("amount").sum())
    )
    required = scan.with_columns(
        required=pl.when(pl.col("weight_g") > 5000)
        .then(200 + ((pl.col("weight_g") - 5000) * 50 + 999) // 1000)
        .otherwise(0)
    )
    short = (
        required.join(paid, on="order", how="left")
        .filter(pl.col("required") > pl.col("amount").fill_null(0))
        .collect()
    )
    return stretches.height, short.height


def with_duckdb(orders: Path, lines: Path) -> tuple[int, int]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 1")
    stretches = con.execute(
        f"""
        WITH o AS (SELECT * FROM '{orders}'),
        a AS (SELECT *, max("end") OVER (PARTITION BY rider ORDER BY start
              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach FROM o),
        b AS (SELECT *, sum(CASE WHEN reach IS NULL OR start - reach >= {REST_S} THEN 1
              ELSE 0 END) OVER (PARTITION BY rider ORDER BY start ROWS UNBOUNDED PRECEDING)
              AS stretch FROM a)
        SELECT rider, stretch FROM b GROUP BY rider, stretch
        HAVING max("end") - min(start) > {LIMIT_S}
        """
    ).fetchall()
    (short,) = con.execute(
        f"""
        WITH p AS (SELECT "order", sum(amount) AS amount FROM '{lines}'
                   WHERE line = 'weight' GROUP BY 1),
        r AS (SELECT "order", CASE WHEN weight_g > 5000
              THEN 200 + ((weight_g - 5000) * 50 + 999) // 1000 ELSE 0 END AS required
              FROM '{orders}')
        SELECT count(*) FROM r LEFT JOIN p USING ("order") WHERE required > coalesce(amount, 0)
        """
    ).fetchone() or (0,)
    return len(stretches), int(short)


def best_of(
    run: Callable[[Path, Path], tuple[int, int]], paths: tuple[Path, Path], rounds: int
) -> tuple[float, tuple[int, int]]:
    times, answer = [], (0, 0)
    for _ in range(rounds):
        started = time.perf_counter()
        answer = run(*paths)
        times.append(time.perf_counter() - started)
    return min(times), answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--riders", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_inputs(Path(folder), args.orders, args.riders)
        polars_s, polars_answer = best_of(with_polars, paths, args.rounds)
        duckdb_s, duckdb_answer = best_of(with_duckdb, paths, args.rounds)
    assert polars_answer == duckdb_answer, (polars_answer, duckdb_answer)
    figures = {
        "orders": args.orders,
        "riders": args.riders,
        "polars_s": round(polars_s, 3),
        "duckdb_s": round(duckdb_s, 3),
        "answers": list(polars_answer),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(figures, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit_engines.json").write_text(json.dumps(figures, indent=2) + "\n")
    (RESULTS / "audit_engines.md").write_text(
        f"| engine | best of {args.rounds} (s) |\n|---|---|\n"
        f"| Polars {pl.__version__} | {polars_s:.3f} |\n| DuckDB | {duckdb_s:.3f} |\n"
    )


if __name__ == "__main__":
    main()
