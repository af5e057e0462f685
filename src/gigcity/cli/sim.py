"""`gigcity validate`, `gigcity simulate` and `gigcity bench mdrp`: the day simulator's commands."""

from __future__ import annotations

import platform
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gigcity.cli.root import app

if TYPE_CHECKING:
    from gigcity.dispatch.policy import DispatchPolicy
    from gigcity.sim.mdrp.instance import Instance
    from gigcity.sim.metrics import LabourContext

bench_app = typer.Typer(help="Benchmarks that print and write figures.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")

_SHOWN_PER_CONDITION = 10


def _console() -> Console:
    return Console(highlight=False)


def _metrics_table(metrics: dict[str, Any]) -> Table:
    table = Table(
        "measure", "mean", "std", "min", "p10", "p50", "p90", "max", title=metrics["instance"]
    )
    for name in (
        "click_to_door",
        "click_to_door_overage",
        "ready_to_door",
        "ready_to_pickup",
        "utilisation",
        "orders_per_hour",
        "bundles_per_hour",
        "orders_per_bundle",
    ):
        stats = metrics[name]
        table.add_row(
            name.replace("_", "-"),
            *(
                "–" if stats[k] is None else f"{stats[k]:.2f}"
                for k in ("mean", "std", "min", "p10", "p50", "p90", "max")
            ),
        )
    return table


def _print_summary(console: Console, metrics: dict[str, Any]) -> None:
    orders, pay, rest = metrics["orders"], metrics["pay"], metrics["rest"]
    console.print(
        f"orders delivered: {orders['delivered']} of {orders['total']} "
        f"({100 * orders['undelivered_share']:.2f} % undelivered)"
    )
    console.print(
        f"total courier pay: {pay['total']:.2f}  per order: {pay['per_order'] or 0:.2f}  "
        f"couriers on the hourly guarantee: {100 * pay['on_guarantee_share']:.1f} %"
    )
    console.print(_metrics_table(metrics))
    on_route = metrics["on_route"]
    rate = "–" if on_route["rate"] is None else f"{100 * on_route['rate']:.1f} %"
    console.print(
        f"on-route combining rate: {rate} of {on_route['combined_orders']} combined orders; "
        f"rest breaches: {rest['breaches']} ({rest['rule'] or 'reference 240/20 min, not enforced'}); "
        f"longest continuous work: {rest['longest_continuous_work_min']:g} min; "
        f"Gini of pay per active hour: {metrics['fairness']['gini_pay_per_active_hour']}"
    )


@app.command("validate")
def validate_command(
    instance_dir: Annotated[Path, typer.Argument(help="MDRP instance folder")],
    solution_dir: Annotated[Path, typer.Argument(help="Folder with the three solution files")],
) -> None:
    """Check a solution against the MDRP's feasibility conditions and print its metrics.

    Exits 1 if the solution is infeasible (naming the courier and order of each violation),
    2 if a file cannot be read.
    """
    from gigcity.sim.mdrp.instance import MdrpFormatError, read_instance, read_solution
    from gigcity.sim.mdrp.validate import CONDITIONS, CONSISTENCY, validate
    from gigcity.sim.metrics import compute_metrics

    console = _console()
    try:
        instance = read_instance(instance_dir)
        solution = read_solution(solution_dir)
    except MdrpFormatError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    report = validate(instance, solution)
    grouped = report.by_condition()
    for number, (name, text) in enumerate(
        [*CONDITIONS.items(), (CONSISTENCY, "files agree with each other and the instance")],
        start=1,
    ):
        found = grouped.get(name, [])
        mark = "[green]ok[/green]" if not found else f"[red]{len(found)} violation(s)[/red]"
        label = f"{number}." if name != CONSISTENCY else "+"
        console.print(f"{label} {text}: {mark}")
        for violation in found[:_SHOWN_PER_CONDITION]:
            console.print(f"    {violation.message}")
        if len(found) > _SHOWN_PER_CONDITION:
            console.print(f"    … and {len(found) - _SHOWN_PER_CONDITION} more")
    _print_summary(console, compute_metrics(instance, solution))
    if not report.feasible:
        console.print(f"[red]INFEASIBLE[/red]: {len(report.violations)} violation(s)")
        raise typer.Exit(1)
    console.print("[green]FEASIBLE[/green]")


def _policy(
    rules: str | None, console: Console, instance: Instance, judge: str | None = None
) -> tuple[DispatchPolicy, LabourContext]:
    from gigcity.rules import RulebookError
    from gigcity.sim.labour import policy_for

    try:
        return policy_for(rules, instance, judge)
    except RulebookError as error:
        console.print(f"[red]error:[/red] rulebook: {error}")
        raise typer.Exit(2) from None


_JUDGE_HELP = "Measure rest and on-route combining against this rulebook without enforcing it"


@app.command("simulate")
def simulate_command(
    instance_dir: Annotated[Path, typer.Argument(help="MDRP instance folder")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the solution, metrics.json and report.html")
    ],
    rules: Annotated[
        str | None, typer.Option("--rules", help="Rulebook to dispatch under, e.g. putuo-2025")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for the random kitchen delays")] = 0,
    prep_delay_max: Annotated[
        int, typer.Option(help="Kitchens run up to this many minutes late, unknown to dispatch")
    ] = 0,
    judge: Annotated[str | None, typer.Option("--judge", help=_JUDGE_HELP)] = None,
) -> None:
    """Simulate one day with the rolling-horizon dispatcher and write all outputs."""
    from gigcity.sim.mdrp.instance import MdrpFormatError, read_instance
    from gigcity.sim.mdrp.outputs import write_run
    from gigcity.sim.mdrp.simulator import SimulationConfig, simulate
    from gigcity.sim.mdrp.validate import validate

    console = _console()
    try:
        instance = read_instance(instance_dir)
    except MdrpFormatError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    policy, labour = _policy(rules, console, instance, judge)
    config = SimulationConfig(seed=seed, prep_delay_max_min=prep_delay_max)
    started = time.perf_counter()
    result = simulate(instance, policy, config)
    elapsed = time.perf_counter() - started
    metrics = write_run(result, out, labour)
    report = validate(instance, result.solution)
    _print_summary(console, metrics)
    console.print(f"simulated in {elapsed:.2f} s under {result.policy_name}; outputs in {out}")
    if not report.feasible:
        for violation in report.violations[:_SHOWN_PER_CONDITION]:
            console.print(f"[red]{violation.condition}[/red]: {violation.message}")
        raise typer.Exit(1)


@bench_app.command("mdrp")
def bench_mdrp_command(
    dirs: Annotated[list[Path], typer.Argument(help="Instance folders, or folders holding them")],
    out: Annotated[
        Path, typer.Option("--out", help="Where the CSV and markdown summary go")
    ] = Path("benchmarks/results"),
    name: Annotated[str, typer.Option(help="File stem of the summary")] = "mdrp",
    rules: Annotated[str | None, typer.Option("--rules", help="Rulebook to dispatch under")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N instances")] = None,
    judge: Annotated[str | None, typer.Option("--judge", help=_JUDGE_HELP)] = None,
) -> None:
    """Run the dispatcher on many MDRP instances; write a CSV and markdown summary."""
    from gigcity.rules import RulebookError
    from gigcity.sim.mdrp.bench import bench_instance, mean_row, write_summary
    from gigcity.sim.mdrp.instance import MdrpFormatError, find_instances

    console = _console()
    try:
        directories = find_instances(dirs)
    except MdrpFormatError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    if limit is not None:
        directories = directories[:limit]
    if not directories:
        console.print("[red]error:[/red] no MDRP instance folders found")
        raise typer.Exit(2)
    rows = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("instances", total=len(directories))
        for directory in directories:
            progress.update(task, description=directory.name)
            try:
                rows.append(bench_instance(directory, rules, judge=judge))
            except RulebookError as error:
                console.print(f"[red]error:[/red] rulebook: {error}")
                raise typer.Exit(2) from None
            progress.advance(task)
    header = (
        f"# MDRP benchmark ({len(rows)} instances, rules: {rules or 'none (plain MDRP)'}"
        f"{f', measured against {judge}' if judge else ''})\n\n"
        f"Command: `gigcity bench mdrp {' '.join(str(d) for d in dirs)}"
        f"{f' --rules {rules}' if rules else ''}{f' --judge {judge}' if judge else ''}`  \n"
        f"Python {platform.python_version()} on {platform.machine()}, one process, one core.\n"
    )
    csv_path, md_path = write_summary(rows, out, name, header)
    mean = mean_row(rows)
    table = Table(
        "undelivered %",
        "c2d mean",
        "c2d p90",
        "lower bound",
        "r2p mean",
        "cost/order",
        "solve s",
        "feasible",
    )
    table.add_row(
        *(
            f"{mean[k]:.3f}"
            for k in (
                "undelivered_pct",
                "click_to_door_mean_min",
                "click_to_door_p90_min",
                "lower_bound_mean_min",
                "ready_to_pickup_mean_min",
                "cost_per_order",
                "solve_s",
            )
        ),
        str(mean["feasible"]),
    )
    console.print(table)
    console.print(f"wrote {csv_path} and {md_path}")
    if any(not row.feasible for row in rows):
        raise typer.Exit(1)


def estate_compare(
    console: Console,
    rulebook: Any,
    seed: int,
    orders: int | None,
    consent: float | None,
    out: Path | None,
    *,
    as_json: bool,
) -> None:
    """`gigcity compare --scenario putuo-estate`: the same day four ways (no help, guide,
    relay, both) as a table, or JSON with `--json`; `--out` also writes estate.json."""
    import json

    from gigcity.sim.scenarios import calibration as cal
    from gigcity.sim.scenarios.estate_compare import compare_estate, estate_rows

    started = time.perf_counter()
    quiet = as_json
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
    ) as bar:
        task = bar.add_task("variants", total=4)

        def advance(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=f"variants ({label})")

        result = compare_estate(
            rulebook,
            seed=seed,
            orders=orders,
            consent_share=cal.RELAY_CONSENT_SHARE if consent is None else consent,
            progress=advance,
        )
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "estate.json").write_text(text + "\n", encoding="utf-8")
    if as_json:
        print(text)
        return
    info = result["scenario"]
    rows = estate_rows(result)
    table = Table(
        *rows[0],
        title=(
            f"{info['estate_en'] or info['estate']}: {info['estate_orders']} of {info['orders']} "
            f"orders, seed {info['seed']}, consent {info['consent_share']:.0%}, {info['rulebook']}"
        ),
    )
    for row in rows[1:]:
        table.add_row(*row)
    console.print(table)
    saved = result["saved"]
    console.print(
        "rider minutes saved per estate order: "
        + ", ".join(
            f"{k} {v['rider_min_per_order']:+.2f}"
            for k, v in saved.items()
            if v["rider_min_per_order"] is not None
        )
        + f"; {time.perf_counter() - started:.1f} s"
        + (f"; wrote {out / 'estate.json'}" if out is not None else "")
    )


def _equal_service_cell(value: float | None, unit: str, *, signed: bool = False) -> str:
    if value is None:
        return "–"
    sign = "+" if signed else ""
    if unit == "share":  # a difference of shares is in percentage points
        return f"{100 * value:{sign}.2f} {'pts' if signed else '%'}"
    if unit in ("riders", "stretches"):
        return f"{value:{sign}.1f}" if value % 1 else f"{value:{sign}.0f}"
    if unit in ("¥", "¥/h"):
        return f"{value:{sign}.2f}"
    if unit == "h":
        return f"{value:{sign}.1f}"
    return f"{value:{sign}.3f}" if unit == "" else f"{value:{sign}.2f}"


def equal_service_rows(result: dict[str, Any]) -> list[list[str]]:
    """The side-by-side table of `equal_service` as text rows, header first."""
    a, b = result["a"], result["b"]
    rows = [["measure", f"A {a['rulebook']}", f"B {b['rulebook']}", "B − A"]]
    for row in result["table"]:
        label = row["label"] + (f" ({row['unit']})" if row["unit"] not in ("", "share") else "")
        cells = []
        for side, value in ((a, row["a"]), (b, row["b"])):
            if row["key"] == "riders" and not side["met"]:
                largest = max(s["largest_tried"] or 0 for s in side["per_seed"])
                cells.append(f"not met (> {largest})")
            elif row["key"] == "riders" and side["spread"]:
                spread = side["spread"]
                cells.append(f"{value:.0f} ({spread['min']}–{spread['max']})")
            else:
                cells.append(_equal_service_cell(value, row["unit"]))
        rows.append(
            [label, *cells, _equal_service_cell(row["difference"], row["unit"], signed=True)]
        )
    return rows


def equal_service_target(result: dict[str, Any]) -> str:
    """The service target in words: as given, or A's own service on each day."""
    target = result["target"]
    figures = (
        f"undelivered ≤ {100 * target['undelivered_share']:.3f} %, "
        f"click-to-door p90 ≤ {target['click_to_door_p90_min']:.2f} min"
    )
    if target["source"] == "given":
        return figures
    mean = " (mean over the days)" if len(target["per_seed"]) > 1 else ""
    return f"{target['source']}: {figures}{mean}"


def _equal_service_markdown(result: dict[str, Any], rows: list[list[str]]) -> str:
    from gigcity.sim.scenarios.equal_service_report import ENGLISH, split_rows, split_sentences
    from gigcity.sim.scenarios.report import markdown_table

    lines = [
        f"# Equal service: {result['rulebooks']['a']} vs {result['rulebooks']['b']}",
        "",
        f"{result['scenario']}, seeds {', '.join(str(s) for s in result['seeds'])}; target: "
        f"{equal_service_target(result)}; {result['simulated_days']} simulated days.",
        "",
        markdown_table(rows),
    ]
    if result.get("split"):
        lines += ["", f"## {ENGLISH['split.title']}", "", ENGLISH["split.note"], ""]
        lines += [markdown_table(split_rows(result["split"])), ""]
        lines += [line for s in split_sentences(result) for line in (s["sentence"], "")]
    return "\n".join(lines).rstrip("\n") + "\n"


def _print_split(console: Console, result: dict[str, Any]) -> None:
    """The differences at equal service as the rules' part and the fleet's part, in words."""
    from gigcity.sim.scenarios.equal_service_report import ENGLISH, split_rows, split_sentences

    if not result.get("split"):
        return
    rows = split_rows(result["split"])
    table = Table(*rows[0], title=ENGLISH["split.title"])
    for row in rows[1:]:
        table.add_row(*row)
    console.print(table)
    for sentence in split_sentences(result):
        console.print(sentence["sentence"], markup=False, highlight=False)


def equal_service_compare(
    console: Console,
    a: Any,
    b: Any,
    spec: Any,
    *,
    seeds: int,
    target_undelivered_pct: float | None,
    target_p90: float | None,
    workers: int,
    ray: str | None,
    out: Path | None,
    as_json: bool,
    who_gains: bool = False,
) -> None:
    """`gigcity compare --equal-service`: the fewest riders each rulebook needs for the same
    service, side by side; JSON with `--json`; `--out` writes equal_service.json and .md.
    With `who_gains`, the riders of both answer fleets too: tables, and with `--out`
    who_gains.json, .md, .html and the plots as SVG."""
    import json

    from gigcity.sim.scenarios import ScenarioError
    from gigcity.sim.scenarios.equal_service import equal_service
    from gigcity.sim.scenarios.who_gains import who_gains as riders_compared

    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=as_json,
    ) as bar:
        task = bar.add_task("simulated days", total=None)

        def advance(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=f"simulated days ({label})")

        kept: dict[Any, Any] | None = {} if who_gains else None  # the answers' riders
        try:
            result = equal_service(
                spec,
                a,
                b,
                seeds=list(range(spec.seed, spec.seed + seeds)),
                target_undelivered=None
                if target_undelivered_pct is None
                else target_undelivered_pct / 100.0,
                target_p90_min=target_p90,
                workers=workers,
                ray_address=ray,
                progress=advance,
                kept=kept,
            )
            gains = None
            if kept is not None:
                gains = riders_compared(
                    spec, a, b, result, workers=workers, ray_address=ray, progress=advance,
                    kept=kept,
                )  # fmt: skip
        except ScenarioError as error:
            console.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2) from None
    if gains is not None:
        result["who_gains"] = {k: v for k, v in gains.items() if k != "series"}
    text = json.dumps(result, ensure_ascii=False, indent=2)
    rows = equal_service_rows(result)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "equal_service.json").write_text(text + "\n", encoding="utf-8")
        (out / "equal_service.md").write_text(_equal_service_markdown(result, rows), "utf-8")
        if gains is not None:
            _write_who_gains(gains, out)
    if as_json:
        print(text)
        return
    table = Table(
        *rows[0],
        title=(
            f"Equal service — {result['scenario']}, seeds {', '.join(map(str, result['seeds']))}"
        ),
    )
    for row in rows[1:]:
        table.add_row(*row)
    console.print(table)
    _print_split(console, result)
    per_seed = "; ".join(
        f"{side['rulebook']}: "
        + ", ".join(
            f"seed {s['seed']} {s['riders'] if s['met'] else 'not met'}" for s in side["per_seed"]
        )
        for side in (result["a"], result["b"])
    )
    console.print(
        f"target: {equal_service_target(result)}; riders per seed: {per_seed}; "
        f"{result['simulated_days']} simulated days in {time.perf_counter() - started:.1f} s"
        + (f"; wrote {out / 'equal_service.json'} and {out / 'equal_service.md'}" if out else "")
    )
    if gains is not None:
        _print_who_gains(console, gains, out)


def _write_who_gains(gains: dict[str, Any], out: Path) -> None:
    """who_gains.json (without the series), .md, .html (tables next to the plots) and each
    plot as its own SVG."""
    import json

    from gigcity.sim.scenarios.who_gains import (
        who_gains_html,
        who_gains_markdown,
        who_gains_plots,
    )

    plots = who_gains_plots(gains)
    saved = {k: v for k, v in gains.items() if k != "series"}
    (out / "who_gains.json").write_text(
        json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "who_gains.md").write_text(who_gains_markdown(gains), encoding="utf-8")
    (out / "who_gains.html").write_text(who_gains_html(gains, plots), encoding="utf-8")
    for plot in plots:
        (out / f"{plot['id']}.svg").write_text(plot["svg"], encoding="utf-8")


def _print_who_gains(console: Console, gains: dict[str, Any], out: Path | None) -> None:
    from gigcity.sim.scenarios.who_gains import who_gains_rows

    spread, people = who_gains_rows(gains)
    for title, rows in (
        ("Who gains — per rider at equal service", spread),
        ("Riders in both fleets: who earns less under B, by main reason", people),
    ):
        table = Table(*rows[0], title=title)
        for row in rows[1:]:
            table.add_row(*row)
        console.print(table)
    console.print(
        f"{gains['simulated_days']} simulated days"
        + (f"; wrote {out / 'who_gains.html'} and its plots" if out else "")
    )
