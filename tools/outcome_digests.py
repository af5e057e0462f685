"""Digests of simulated days, to show that a change to the engine changes no outcome.

    .venv/bin/python tools/outcome_digests.py OUT.json [--compare REFERENCE.json] [--only TEXT]

Simulates a fixed set of days — the Putuo weekday at 5,000 orders (seeds 0 and 1, fleets
1.0 and 1.15, baseline-2024 and putuo-2025), the estate and rainy days at 3,000, the
weekday at 20,000 under putuo-2025, and the MDRP simulator on a 3,000-order instance with
and without rules — and writes the SHA-256 of each whole outcome (every field's `repr`,
floats exact; the scenario and configuration left out) with its CPU seconds. Run it before a
change, then after it with `--compare` on the first file: any digest that moved is named
and the exit status is 1. Speed-ups to the dispatcher or the simulator must leave every
digest as it was (about 3 minutes on one core).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from gigcity.rules import load_rulebook
from gigcity.sim import SimulationConfig, policy_for, simulate
from gigcity.sim.scenarios.runner import ScenarioSpec, load_scenario
from gigcity.sim.scenarios.simulate import simulate_scenario


def digest(outcome: Any, skip: tuple[str, ...]) -> str:
    """SHA-256 over every dataclass field's name and `repr` but those skipped."""
    sha = hashlib.sha256()
    for field in dataclasses.fields(outcome):
        if field.name not in skip:
            sha.update(field.name.encode())
            sha.update(repr(getattr(outcome, field.name)).encode())
    return sha.hexdigest()


def scenario_days() -> Iterator[tuple[str, ScenarioSpec, str]]:
    for seed in (0, 1):
        for fleet in (1.0, 1.15):
            for rules in ("baseline-2024", "putuo-2025"):
                spec = ScenarioSpec("putuo-weekday", seed, 5000, fleet=fleet)
                yield f"weekday-5000-s{seed}-f{fleet}-{rules}", spec, rules
    yield "estate-3000-s0-putuo-2025", ScenarioSpec("putuo-estate", 0, 3000), "putuo-2025"
    yield "rainy-3000-s2-putuo-2025", ScenarioSpec("putuo-rainy", 2, 3000), "putuo-2025"
    yield "weekday-20000-s0-putuo-2025", ScenarioSpec("putuo-weekday", 0, 20000), "putuo-2025"


Simulation = Callable[[], Any]


def days() -> Iterator[tuple[str, Callable[[], Simulation], tuple[str, ...]]]:
    """Each day: its name, how to load it (giving the simulation to time), and the outcome's
    fields left out of its digest."""
    for name, spec, rules in scenario_days():
        yield name, partial(_scenario_day, spec, rules), ("scenario",)
    for mdrp_rules in (None, "putuo-2025"):
        name = f"mdrp-3000-{mdrp_rules or 'unconstrained'}"
        yield name, partial(_mdrp_day, mdrp_rules), ("instance", "config")


def _scenario_day(spec: ScenarioSpec, rules: str) -> Simulation:
    return partial(simulate_scenario, load_scenario(spec), load_rulebook(rules))


def _mdrp_day(rules: str | None) -> Simulation:
    instance = load_scenario(ScenarioSpec("putuo-weekday", 0, 3000)).instance
    policy, _ = policy_for(rules, instance)
    return partial(simulate, instance, policy, SimulationConfig(seed=1, prep_delay_max_min=6))


def digests(only: str | None) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name, load, skip in days():
        if only and only not in name:
            continue
        simulation = load()
        started = time.process_time()
        outcome = simulation()
        cpu = round(time.process_time() - started, 2)
        found[name] = {"sha256": digest(outcome, skip), "cpu_s": cpu}
        print(name, found[name]["sha256"][:16], f"{cpu} s", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to write the digests (JSON)")
    parser.add_argument("--compare", type=Path, default=None, help="digests to compare with")
    parser.add_argument("--only", default=None, help="only the days whose name has this text")
    args = parser.parse_args()
    found = digests(args.only)
    args.out.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if args.compare is None:
        return
    reference = json.loads(args.compare.read_text(encoding="utf-8"))
    compared = [name for name in found if name in reference]
    moved = [name for name in compared if reference[name]["sha256"] != found[name]["sha256"]]
    for name in moved:
        print(f"changed: {name}")
    for name in sorted(set(found) - set(reference)):
        print(f"not in {args.compare}: {name}")
    print(f"{len(compared) - len(moved)} of {len(compared)} days compared unchanged")
    sys.exit(1 if moved or not compared else 0)


if __name__ == "__main__":
    main()
