"""Replaying days: event queue, simulator, MDRP instances, validation, metrics, reports."""

from gigcity.sim.events import Event, EventQueue, Priority
from gigcity.sim.labour import labour_context, policy_for
from gigcity.sim.mdrp.bench import BenchRow, bench_instance, mean_row, run_bench, write_summary
from gigcity.sim.mdrp.instance import (
    AssignmentRecord,
    Courier,
    Instance,
    MdrpFormatError,
    MoveRecord,
    Order,
    OrderRecord,
    Parameters,
    Restaurant,
    Solution,
    find_instances,
    read_instance,
    read_solution,
    write_instance,
    write_solution,
)
from gigcity.sim.mdrp.outputs import run_metrics, write_run
from gigcity.sim.mdrp.report import render_report
from gigcity.sim.mdrp.simulator import SimulationConfig, SimulationResult, Trip, simulate
from gigcity.sim.mdrp.synthetic import generate_instance
from gigcity.sim.mdrp.validate import CONDITIONS, ValidationReport, Violation, validate
from gigcity.sim.metrics import (
    CourierFigures,
    LabourContext,
    click_to_door_lower_bounds,
    compute_metrics,
    courier_figures,
)
from gigcity.sim.stats import describe, gini

__all__ = [
    "CONDITIONS",
    "AssignmentRecord",
    "BenchRow",
    "Courier",
    "CourierFigures",
    "Event",
    "EventQueue",
    "Instance",
    "LabourContext",
    "MdrpFormatError",
    "MoveRecord",
    "Order",
    "OrderRecord",
    "Parameters",
    "Priority",
    "Restaurant",
    "SimulationConfig",
    "SimulationResult",
    "Solution",
    "Trip",
    "ValidationReport",
    "Violation",
    "bench_instance",
    "click_to_door_lower_bounds",
    "compute_metrics",
    "courier_figures",
    "describe",
    "find_instances",
    "generate_instance",
    "gini",
    "labour_context",
    "mean_row",
    "policy_for",
    "read_instance",
    "read_solution",
    "render_report",
    "run_bench",
    "run_metrics",
    "simulate",
    "validate",
    "write_instance",
    "write_run",
    "write_solution",
    "write_summary",
]
