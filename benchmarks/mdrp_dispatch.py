"""The dispatcher on the Grubhub MDRP instances: `gigcity bench mdrp`, with and without rules.

    .venv/bin/python benchmarks/mdrp_dispatch.py [INSTANCE_DIR ...]

Defaults to ../shared/data/mdrp (144 of the 240 public instances). Runs the same code as
`gigcity bench mdrp DIR --out benchmarks/results` three times: plain MDRP, under putuo-2025,
and plain but measured against putuo-2025; writes benchmarks/results/mdrp.{csv,md},
mdrp-putuo-2025.{csv,md} and mdrp-judged-putuo-2025.{csv,md}. Targets and published
references are in issue 4 and in the markdown summary.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from gigcity.cli import app

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"


def main() -> None:
    dirs = sys.argv[1:] or [os.path.relpath(REPO.parent / "shared" / "data" / "mdrp")]
    runs = (
        ("mdrp", []),
        ("mdrp-putuo-2025", ["--rules", "putuo-2025"]),
        ("mdrp-judged-putuo-2025", ["--judge", "putuo-2025"]),
    )
    for name, extra in runs:
        print(f"== {name}", flush=True)
        try:
            app(["bench", "mdrp", *dirs, "--out", str(RESULTS), "--name", name, *extra])
        except SystemExit as stop:
            if stop.code not in (0, None):
                raise


if __name__ == "__main__":
    main()
