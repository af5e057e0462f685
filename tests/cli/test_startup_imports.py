"""The command line answers `--help` without importing the platform or the engine: each
command imports what it needs when it runs (the figure is benchmarks/cli_startup.py's; this
checks the cause, not the clock)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# pydantic is not listed: Typer itself imports it to read parameters.
HEAVY = ("numpy", "scipy", "sqlalchemy", "fastapi", "shapely", "matplotlib", "PIL", "yaml", "jwt")

_PROBE = """
import sys
from gigcity.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[0].split(',')))
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["rules", "--help"],
        ["reports", "--help"],
        ["streets", "--help"],
        ["streets", "closures", "--help"],
        ["scenario", "--help"],
        ["places", "--help"],
        ["accounts", "--help"],
        ["db", "--help"],
        ["serve", "--help"],
        ["compare", "--help"],
        ["jobs", "--help"],
        ["worker", "--help"],
    ],
)
def test_help_imports_nothing_heavy(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.replace("sys.argv[0]", repr(",".join(HEAVY))), *args],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )
    imported = next(x[6:] for x in done.stderr.splitlines() if x.startswith("HEAVY="))
    assert imported == "", f"gigcity {' '.join(args)} imported {imported}"


def test_the_scenario_names_in_the_help_are_the_simulators() -> None:
    from gigcity.cli.workbench import SCENARIO_NAMES
    from gigcity.sim.scenarios import scenario_names

    assert scenario_names() == SCENARIO_NAMES
