"""Benchmarking the dispatcher on many MDRP instances: one row each, a mean row, references.

`solve_s` is the wall-clock time of the simulation (dispatcher and simulator) for one
instance in this process, without reading files, validating or writing; `cpu_s` is the
process CPU time of the same span (less sensitive to other work on the machine).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from gigcity.sim.labour import policy_for
from gigcity.sim.mdrp.instance import read_instance
from gigcity.sim.mdrp.simulator import SimulationConfig, simulate
from gigcity.sim.mdrp.validate import validate
from gigcity.sim.metrics import compute_metrics


@dataclass(frozen=True, slots=True)
class BenchRow:
    instance: str
    orders: int
    couriers: int
    undelivered_pct: float
    click_to_door_mean_min: float
    click_to_door_p90_min: float
    lower_bound_mean_min: float
    lower_bound_p90_min: float
    ready_to_pickup_mean_min: float
    cost_per_order: float
    orders_per_bundle: float
    rest_breaches: int
    longest_work_min: float
    on_route_rate: float | None
    gini_pay_per_hour: float | None
    feasible: bool
    violations: int
    solve_s: float
    cpu_s: float


@dataclass(frozen=True, slots=True)
class Reference:
    name: str
    undelivered_pct: float
    click_to_door_mean_min: float
    click_to_door_p90_min: float
    ready_to_pickup_mean_min: float
    cost_per_order: float
    solve_s: float | None


# Published means over all 240 instances (issue 4 / FORMAT.md), each checked by the
# official evaluator. Our rows cover the 144 shared instances, so compare with care.
REFERENCES = (
    Reference(
        "Reyes et al. (C++ re-implementation), 240 instances", 0.52, 32.86, 48.6, 2.94, 11.63, 0.27
    ),
    Reference("FoodMatch (C++), 240 instances", 0.47, 31.80, 46.9, 1.94, 11.28, 2.96),
    Reference("target (issue 4)", 0.40, 31.3, 46.0, 1.8, 11.20, 1.0),
)


def bench_instance(
    directory: Path,
    rules: str | None = None,
    config: SimulationConfig | None = None,
    judge: str | None = None,
) -> BenchRow:
    """Simulate, validate and measure one instance.

    `rules`: rulebook to dispatch under (None: plain MDRP); `judge`: rulebook to measure rest
    and on-route combining against without enforcing it.
    """
    instance = read_instance(directory)
    policy, labour = policy_for(rules, instance, judge)
    wall, cpu = time.perf_counter(), time.process_time()
    result = simulate(instance, policy, config)
    solve_s, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    report = validate(instance, result.solution)
    metrics = compute_metrics(instance, result.solution, labour)
    orders = metrics["orders"]
    return BenchRow(
        instance=instance.name,
        orders=orders["total"],
        couriers=len(instance.couriers),
        undelivered_pct=round(100 * orders["undelivered_share"], 4),
        click_to_door_mean_min=metrics["click_to_door"]["mean"],
        click_to_door_p90_min=metrics["click_to_door"]["p90"],
        lower_bound_mean_min=metrics["click_to_door_lower_bound"]["mean"],
        lower_bound_p90_min=metrics["click_to_door_lower_bound"]["p90"],
        ready_to_pickup_mean_min=metrics["ready_to_pickup"]["mean"],
        cost_per_order=metrics["pay"]["per_order"],
        orders_per_bundle=metrics["orders_per_bundle"]["mean"],
        rest_breaches=metrics["rest"]["breaches"],
        longest_work_min=metrics["rest"]["longest_continuous_work_min"],
        on_route_rate=metrics["on_route"]["rate"],
        gini_pay_per_hour=metrics["fairness"]["gini_pay_per_active_hour"],
        feasible=report.feasible,
        violations=len(report.violations),
        solve_s=round(solve_s, 4),
        cpu_s=round(cpu_s, 4),
    )


def run_bench(
    directories: Sequence[Path],
    rules: str | None = None,
    config: SimulationConfig | None = None,
    progress: Callable[[Path], None] | None = None,
    judge: str | None = None,
) -> list[BenchRow]:
    rows: list[BenchRow] = []
    for directory in directories:
        rows.append(bench_instance(directory, rules, config, judge))
        if progress is not None:
            progress(directory)
    return rows


def mean_row(rows: Sequence[BenchRow]) -> dict[str, object]:
    """Means of every numeric column, in column order; `feasible` counts feasible solutions."""
    if not rows:
        return {}
    mean: dict[str, object] = {}
    for column in fields(BenchRow):
        name = column.name
        if name == "instance":
            mean[name] = f"mean of {len(rows)}"
        elif name == "feasible":
            mean[name] = f"{sum(row.feasible for row in rows)}/{len(rows)}"
        else:
            values = [float(v) for row in rows if (v := getattr(row, name)) is not None]
            mean[name] = round(sum(values) / len(values), 4) if values else None
    return mean


def summary_csv(rows: Sequence[BenchRow]) -> str:
    buffer = io.StringIO()
    columns = [f.name for f in fields(BenchRow)]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    if rows:
        writer.writerow(mean_row(rows))
    return buffer.getvalue()


def summary_markdown(rows: Sequence[BenchRow], header: str = "") -> str:
    columns = [f.name for f in fields(BenchRow)]
    lines = [header] if header else []
    if rows:
        mean = mean_row(rows)
        lines += [
            "## Mean over these instances vs published references",
            "",
            "| | undelivered % | click-to-door mean | click-to-door p90 | ready-to-pickup mean "
            "| cost per order | solve time per instance |",
            "|---|---|---|---|---|---|---|",
            f"| **gigcity, {len(rows)} instances** | {mean['undelivered_pct']:.2f} "
            f"| {mean['click_to_door_mean_min']:.2f} | {mean['click_to_door_p90_min']:.1f} "
            f"| {mean['ready_to_pickup_mean_min']:.2f} | {mean['cost_per_order']:.2f} "
            f"| {mean['solve_s']:.2f} s wall, {mean['cpu_s']:.2f} s CPU |",
        ]
        for ref in REFERENCES:
            solve = "" if ref.solve_s is None else f"{ref.solve_s:.2f} s"
            lines.append(
                f"| {ref.name} | {ref.undelivered_pct:.2f} | {ref.click_to_door_mean_min:.2f} "
                f"| {ref.click_to_door_p90_min:.1f} | {ref.ready_to_pickup_mean_min:.2f} "
                f"| {ref.cost_per_order:.2f} | {solve} |"
            )
        lines += [
            "",
            "Lower bound on click-to-door (every order's courier already waiting when the food "
            f"is ready), over these instances: mean {mean['lower_bound_mean_min']:.2f} min, "
            f"p90 {mean['lower_bound_p90_min']:.2f} min. No algorithm can go below it: for "
            "every order click-to-door >= its bound + its ready-to-pickup time.",
            f"Feasible solutions (own validator, 8 conditions): {mean['feasible']}.  ",
            f"Labour measures (means): rest breaches {mean['rest_breaches']}, longest continuous "
            f"work {mean['longest_work_min']} min, on-route combining rate "
            f"{_cell(mean['on_route_rate'])}, Gini of pay per active hour "
            f"{mean['gini_pay_per_hour']}.",
            "",
        ]
    lines += ["## Per instance", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(v) for v in asdict(row).values()) + " |")
    if rows:
        lines.append("| " + " | ".join(_cell(v) for v in mean_row(rows).values()) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def write_summary(
    rows: Sequence[BenchRow], out_dir: Path, stem: str, header: str = ""
) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / f"{stem}.csv"
    md_path = out_dir / f"{stem}.md"
    csv_path.write_text(summary_csv(rows), encoding="utf-8")
    md_path.write_text(summary_markdown(rows, header), encoding="utf-8")
    return csv_path, md_path
