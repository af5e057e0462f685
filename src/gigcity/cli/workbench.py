"""`gigcity scenario`, `gigcity compare` and `gigcity sweep`: the negotiation workbench."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gigcity.cli.root import app

if TYPE_CHECKING:
    from gigcity.rules import Rulebook
    from gigcity.sim.scenarios import ScenarioSpec

scenario_app = typer.Typer(
    help="Putuo day scenarios (MDRP files plus the rules' fields).", no_args_is_help=True
)
app.add_typer(scenario_app, name="scenario")

# The scenarios' names as help text; written out (a test keeps it equal to the simulator's
# list) so that `--help` does not import the simulator.
SCENARIO_NAMES = ("putuo-weekday", "putuo-weekend", "putuo-rainy", "putuo-estate")
_SCENARIO_HELP = f"A scenario ({', '.join(SCENARIO_NAMES)}) or a scenario folder"


def _console() -> Console:
    return Console(highlight=False)


def _fail(console: Console, message: str, code: int = 2) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def _spec(scenario: str, seed: int, orders: int | None) -> ScenarioSpec:
    from gigcity.sim.scenarios import ScenarioError, ScenarioSpec, scenario_names

    if scenario in scenario_names():
        return ScenarioSpec(scenario, seed, orders)
    if Path(scenario).is_dir():
        return ScenarioSpec(path=str(Path(scenario)))
    raise ScenarioError(
        f"{scenario!r} is neither a scenario ({', '.join(scenario_names())}) nor a folder"
    )


def _rulebook(console: Console, name: str) -> Rulebook:
    from gigcity.rules import RulebookError, load_rulebook

    try:
        return load_rulebook(name)
    except RulebookError as error:
        raise _fail(console, f"rulebook: {error}") from None


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


@scenario_app.command("generate")
def generate_command(
    name: Annotated[str, typer.Argument(help=", ".join(SCENARIO_NAMES))],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the scenario to")],
    seed: Annotated[int, typer.Option(min=0, help="Random seed")] = 0,
    orders: Annotated[
        int | None, typer.Option(min=10, help="Orders (default: a full Putuo day)")
    ] = None,
) -> None:
    """Generate a Putuo day and write it as a scenario folder (see FORMAT.md)."""
    from gigcity.sim.scenarios import ScenarioError, generate_scenario, write_scenario

    console = _console()
    try:
        scenario = generate_scenario(name, seed=seed, orders=orders)
    except ScenarioError as error:
        raise _fail(console, str(error)) from None
    write_scenario(scenario, out)
    console.print(
        f"{scenario.instance.name}: {len(scenario.instance.orders)} orders, "
        f"{len(scenario.instance.restaurants)} merchants, {len(scenario.instance.couriers)} riders "
        f"in {', '.join(scenario.areas)}; written to {out}"
    )


def _print_table(console: Console, rows: list[list[str]], title: str) -> None:
    table = Table(*rows[0], title=title)
    for row in rows[1:]:
        table.add_row(*row)
    console.print(table)


@app.command("compare")
def compare_command(
    rules: Annotated[
        list[str] | None,
        typer.Option("--rules", help="Two rulebooks: A then B (putuo-estate: at most one)"),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the tables and report.html")
    ] = None,
    scenario: Annotated[str, typer.Option("--scenario", help=_SCENARIO_HELP)] = "putuo-weekday",
    seed: Annotated[int, typer.Option(min=0, help="Seed of the generated day")] = 0,
    orders: Annotated[
        int | None, typer.Option(min=10, help="Orders in the day (default 3000)")
    ] = 3000,
    attribution: Annotated[
        bool, typer.Option(help="Switch one clause at a time from A to B")
    ] = True,
    workers: Annotated[int, typer.Option(min=1, help="Processes for the simulated days")] = 1,
    consent: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="putuo-estate: share of addresses consenting to relay"),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="putuo-estate or --equal-service: print the comparison as JSON"
        ),
    ] = False,
    fleet: Annotated[
        float, typer.Option(min=0.01, max=10.0, help="Scale the day's riders by shift (1: as is)")
    ] = 1.0,
    equal_service: Annotated[
        bool,
        typer.Option("--equal-service", help="Find the fewest riders each rulebook needs"),
    ] = False,
    target_undelivered: Annotated[
        float | None,
        typer.Option(
            min=0.0, max=100.0, help="--equal-service: undelivered at most this % (default: A's)"
        ),
    ] = None,
    target_p90: Annotated[
        float | None,
        typer.Option(
            min=0.0, help="--equal-service: click-to-door p90 at most this many min (default: A's)"
        ),
    ] = None,
    seeds: Annotated[
        int, typer.Option(min=1, help="--equal-service: seeds searched (from --seed on)")
    ] = 1,
    who_gains: Annotated[
        bool,
        typer.Option(
            "--who-gains", help="--equal-service: per-rider pay, hours and rests; who earns less"
        ),
    ] = False,
    ray: Annotated[
        str | None,
        typer.Option("--ray", help="Run on this Ray cluster ('local' starts one here)"),
    ] = None,
) -> None:
    """Replay the identical day under two rulebooks; side-by-side table, attribution, report.

    With `--scenario putuo-estate` and at most one rulebook (default putuo-2025): the same
    day without help, with the estate guide, with relay and with both. With
    `--equal-service`: the fewest riders each rulebook needs to give the same service
    (default: A's on the day's own riders), searched per seed, and what that costs.
    """
    from gigcity.sim.scenarios import ClauseError, ScenarioError, compare
    from gigcity.sim.scenarios.outputs import write_comparison
    from gigcity.sim.scenarios.report import attribution_rows, table_rows

    console = _console()
    rules = rules or []
    if scenario == "putuo-estate" and len(rules) <= 1:
        from gigcity.cli.sim import estate_compare

        rulebook = _rulebook(console, rules[0] if rules else "putuo-2025")
        estate_compare(console, rulebook, seed, orders, consent, out, as_json=as_json)
        return
    if len(rules) != 2:
        raise _fail(console, f"give exactly two rulebooks with --rules (got {len(rules)})")
    if who_gains and not equal_service:
        raise _fail(console, "--who-gains needs --equal-service")
    if equal_service:
        from gigcity.cli.sim import equal_service_compare

        a, b = (_rulebook(console, name) for name in rules)
        try:
            spec = replace(_spec(scenario, seed, orders), fleet=fleet)
        except ScenarioError as error:
            raise _fail(console, str(error)) from None
        equal_service_compare(
            console, a, b, spec, seeds=seeds, target_undelivered_pct=target_undelivered,
            target_p90=target_p90, workers=workers, ray=ray, out=out, as_json=as_json,
            who_gains=who_gains,
        )  # fmt: skip
        return
    if out is None:
        raise _fail(console, "give --out, the folder for the tables and report.html")
    a, b = (_rulebook(console, name) for name in rules)
    try:
        spec = replace(_spec(scenario, seed, orders), fleet=fleet)
        started = time.perf_counter()
        with _progress(console) as bar:
            task = bar.add_task("simulated days", total=None)

            def advance(done: int, total: int, label: str) -> None:
                bar.update(
                    task, completed=done, total=total, description=f"simulated days ({label})"
                )

            result = compare(
                spec, a, b, attribution=attribution, workers=workers, ray_address=ray,
                progress=advance,
            )  # fmt: skip
    except (ScenarioError, ClauseError) as error:
        raise _fail(console, str(error)) from None
    files = write_comparison(result, out)
    _print_table(console, table_rows(result), f"{a.ref} vs {b.ref} — {result['scenario']['spec']}")
    if attribution:
        rows = attribution_rows(result)
        keys = ("cost_per_order", "c2d_mean", "rest_breaches", "pay_per_hour_mean")
        columns = [0] + [1 + list(result["attribution"]["measures"]).index(k) for k in keys]
        _print_table(
            console,
            [[row[i] for i in columns] for row in rows],
            "Attribution (selected measures; all in attribution.csv)",
        )
    console.print(
        f"{result['simulated_days']} simulated day(s) in {time.perf_counter() - started:.1f} s; "
        f"wrote {', '.join(str(p) for p in files.values())}"
    )


@app.command("sweep")
def sweep_command(
    settings: Annotated[
        list[str],
        typer.Option("--set", help="clause=start:stop:step or clause=v1,v2,... (repeatable)"),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the table and trade-off plot")],
    rules: Annotated[
        str, typer.Option("--rules", help="The rulebook the grid starts from")
    ] = "putuo-2025",
    scenario: Annotated[str, typer.Option("--scenario", help=_SCENARIO_HELP)] = "putuo-weekday",
    orders: Annotated[int | None, typer.Option(min=10, help="Orders per day")] = 2000,
    seeds: Annotated[int, typer.Option(min=1, help="Seeds per grid point (0, 1, ...)")] = 3,
    seed: Annotated[int, typer.Option(min=0, help="First seed")] = 0,
    workers: Annotated[int, typer.Option(min=1, help="Local processes")] = _default_workers(),
    ray: Annotated[
        str | None,
        typer.Option("--ray", help="Run on this Ray cluster ('local' starts one here)"),
    ] = None,
    x: Annotated[str, typer.Option(help="Measure on the plot's x axis")] = "cost_per_order",
    y: Annotated[str, typer.Option(help="Measure on the plot's y axis")] = "pay_per_hour_mean",
) -> None:
    """A grid of clause values x seeds in parallel; a table and a trade-off plot."""
    from gigcity.sim.scenarios import (
        MEASURE_BY_KEY,
        ClauseError,
        ScenarioError,
        parse_values,
        sweep,
    )
    from gigcity.sim.scenarios.outputs import write_sweep

    console = _console()
    base = _rulebook(console, rules)
    for key in (x, y):
        if key not in MEASURE_BY_KEY:
            raise _fail(console, f"unknown measure {key!r}; known: {', '.join(MEASURE_BY_KEY)}")
    grid: list[tuple[str, list[Any]]] = []
    try:
        for item in settings:
            path, sep, values = item.partition("=")
            if not sep:
                raise ClauseError(f"--set {item!r}: write clause=values")
            grid.append((path.strip(), parse_values(base, path.strip(), values.strip())))
        spec = _spec(scenario, seed, orders)
        started = time.perf_counter()
        with _progress(console) as bar:
            task = bar.add_task("simulated days", total=None)

            def advance(done: int, total: int, label: str) -> None:
                bar.update(task, completed=done, total=total)

            result = sweep(
                spec,
                base,
                grid,
                list(range(seed, seed + seeds)),
                workers=workers,
                ray_address=ray,
                progress=advance,
            )
    except (ScenarioError, ClauseError) as error:
        raise _fail(console, str(error)) from None
    files = write_sweep(result, out, x, y)
    keys = (x, y)
    rows = [["setting", *(MEASURE_BY_KEY[k].label for k in keys)]]
    for point in result["points"]:
        rows.append(
            [
                point["label"],
                *(f"{point['mean'][k]:.3f}" if point["mean"][k] is not None else "–" for k in keys),
            ]
        )
    _print_table(console, rows, f"Sweep under {base.ref}")
    console.print(
        f"{len(result['points'])} grid point(s) x {len(result['seeds'])} seed(s): "
        f"{result['simulated_days']} simulated day(s) in {time.perf_counter() - started:.1f} s "
        f"({'Ray ' + ray if ray else f'{workers} process(es)'}); wrote {files['report']} and {files['plot']}"
    )
