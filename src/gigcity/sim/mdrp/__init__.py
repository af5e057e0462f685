"""The MDRP (meal delivery routing problem) benchmark: the instance and solution format,
synthetic instances, the simulator that replays an instance through the dispatcher, the
validator of a solution, and each run's outputs, report and benchmark table (`outputs`,
`report`, `bench`)."""

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
from gigcity.sim.mdrp.simulator import SimulationConfig, SimulationResult, Trip, simulate
from gigcity.sim.mdrp.synthetic import generate_instance
from gigcity.sim.mdrp.validate import CONDITIONS, ValidationReport, Violation, validate

__all__ = [
    "CONDITIONS",
    "AssignmentRecord",
    "Courier",
    "Instance",
    "MdrpFormatError",
    "MoveRecord",
    "Order",
    "OrderRecord",
    "Parameters",
    "Restaurant",
    "SimulationConfig",
    "SimulationResult",
    "Solution",
    "Trip",
    "ValidationReport",
    "Violation",
    "find_instances",
    "generate_instance",
    "read_instance",
    "read_solution",
    "simulate",
    "validate",
    "write_instance",
    "write_solution",
]
