"""The dispatcher on the Grubhub MDRP instances: `gigcity bench mdrp`, with and without rules.

    .venv/bin/python benchmarks/mdrp_dispatch.py [INSTANCE_DIR ...]

Defaults to ../shared/data/mdrp (144 of the 240 public instances). Runs the same code as
`gigcity bench mdrp DIR --out benchmarks/results` (plain MDRP, then under putuo-2025) and
writes benchmarks/results/mdrp.{csv,md} and mdrp-putuo-2025.{csv,md}. Targets and published
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
    for name, extra in (("mdrp", []), ("mdrp-putuo-2025", ["--rules", "putuo-2025"])):
        print(f"== {name}", flush=True)
        try:
            app(["bench", "mdrp", *dirs, "--out", str(RESULTS), "--name", name, *extra])
        except SystemExit as stop:
            if stop.code not in (0, None):
                raise


if __name__ == "__main__":
    main()
