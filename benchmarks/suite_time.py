"""Where the test suite's time goes, from a JUnit XML report of one run (CI's limit: the whole
`bash .ci/run` within 30 minutes on a 2-core machine).

    .venv/bin/pytest --junitxml=/tmp/suite.xml      # any run of the suite, e.g. as CI sets it
    .venv/bin/python benchmarks/suite_time.py /tmp/suite.xml [--top 25] [--name suite_time]

The report's time per test (setup, call and teardown) summed: in all, by database (the
`[sqlite…]` and `[postgres…]` variants, and tests on neither), and by module, largest first.
With xdist the sum is the workers' time: the run's wall time is about the sum over the
workers, plus each worker's collection. Results: benchmarks/results/suite_time.json.
"""

from __future__ import annotations

import argparse
import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def database_of(test_name: str) -> str:
    """A test's database ("postgres", "sqlite" or "neither"), from its parameter id."""
    for database in ("postgres", "sqlite"):
        if f"[{database}" in test_name:
            return database
    return "neither"


def summarise(report: Path, top: int) -> dict[str, object]:
    seconds: Counter[str] = Counter()
    tests: Counter[str] = Counter()
    by_module: Counter[str] = Counter()
    for case in ET.parse(report).iter("testcase"):
        spent = float(case.get("time") or 0.0)
        database = database_of(case.get("name") or "")
        seconds[database] += spent
        tests[database] += 1
        by_module[case.get("classname") or "?"] += spent
    return {
        "report": str(report),
        "tests": sum(tests.values()),
        "seconds": round(sum(seconds.values()), 1),
        "by_database": {
            database: {"tests": tests[database], "seconds": round(seconds[database], 1)}
            for database in ("sqlite", "postgres", "neither")
        },
        "modules": [
            {"module": module, "seconds": round(spent, 1)}
            for module, spent in by_module.most_common(top)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="a JUnit XML report (pytest --junitxml)")
    parser.add_argument("--top", type=int, default=25, help="modules to list")
    parser.add_argument("--name", default="suite_time", help="results file name")
    args = parser.parse_args()
    summary = summarise(args.report, args.top)
    print(json.dumps(summary, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
