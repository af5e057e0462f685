"""How long `gigcity --help` and a command group's `--help` take to answer (issue 12's target:
under 0.3 s each on the 2-core development machine).

    .venv/bin/python benchmarks/cli_startup.py [--repeat 15]

Each command runs in a fresh process (as a person types it), `--repeat` times after one
warm-up run (so the files are in the page cache); the table gives the median and the worst
wall time, and the modules each command imported that it should not need to answer
(numpy, SQLAlchemy, FastAPI, …). Results: benchmarks/results/cli_startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [
    ["--help"],
    ["rules", "--help"],
    ["reports", "--help"],
    ["streets", "--help"],
    ["scenario", "--help"],
    ["places", "--help"],
]
# pydantic is not listed: Typer itself imports it to read parameters.
HEAVY = ("numpy", "scipy", "sqlalchemy", "fastapi", "shapely", "matplotlib", "PIL", "yaml", "jwt")

_PROBE = """
import sys
from gigcity.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(%r))
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def time_command(args: list[str], repeat: int) -> dict[str, object]:
    exe = [sys.executable, "-m", "gigcity", *args]
    env = {**os.environ, "COLUMNS": "100"}
    subprocess.run(exe, capture_output=True, check=False, env=env)  # warm the page cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(exe, capture_output=True, check=False, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.decode()[-500:]}")
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE % (HEAVY,), *args],
        capture_output=True,
        check=False,
        env=env,
        text=True,
    )
    heavy = next((line[6:] for line in probe.stderr.splitlines() if line.startswith("HEAVY=")), "?")
    return {
        "command": "gigcity " + " ".join(args),
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "heavy_imports": heavy,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    rows = [time_command(command, args.repeat) for command in COMMANDS]
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.repeat} runs each")
    print(f"{'command':28} {'median':>8} {'max':>8}  heavy modules imported")
    for row in rows:
        print(
            f"{row['command']:28} {row['median_s']:>7.3f}s {row['max_s']:>7.3f}s  "
            f"{row['heavy_imports'] or '-'}"
        )
    out = ROOT / "benchmarks" / "results" / "cli_startup.json"
    out.write_text(
        json.dumps({"load_average": load, "repeat": args.repeat, "rows": rows}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
