"""Putuo day scenarios and the negotiation workbench: the same day under two rulebooks.

`generate_scenario` builds a realistic day from a seed; `write_scenario`/`read_scenario` keep
it in a folder that extends the MDRP files (FORMAT.md); `simulate_scenario` replays it under
a rulebook; `compare` puts two rulebooks side by side with each clause's share of the
difference; `sweep` moves clauses over a grid of values and seeds; `ScenarioWorkbench` is
the engine the platform's workbench service is given to run comparisons in the background.
"""

from gigcity.sim.scenarios.clauses import (
    DISPATCH_CLAUSES,
    ClauseError,
    changed_clauses,
    check_clause,
    clause_value,
    dispatch_signature,
    parse_values,
    rule_clauses,
    switch_groups,
    with_clauses,
)
from gigcity.sim.scenarios.compare import (
    ATTRIBUTED,
    MEASURE_BY_KEY,
    MEASURES,
    Measure,
    compare,
    measure_values,
)
from gigcity.sim.scenarios.evaluate import DayFacts, Yardstick, judge, yardstick
from gigcity.sim.scenarios.fileformat import read_scenario, write_scenario
from gigcity.sim.scenarios.generate import (
    SCENARIOS,
    default_orders,
    district_plane,
    generate_scenario,
    scenario_names,
)
from gigcity.sim.scenarios.model import (
    Closure,
    MerchantDetails,
    OrderDetails,
    Plane,
    RiderDetails,
    Scenario,
    ScenarioError,
    WeatherAlert,
)
from gigcity.sim.scenarios.policy import PLANNING_MARGIN_S, ScenarioPolicy
from gigcity.sim.scenarios.report import (
    attribution_csv,
    compare_csv,
    compare_markdown,
    compare_plots,
    render_compare_html,
    render_sweep_html,
    sweep_markdown,
    sweep_plot,
)
from gigcity.sim.scenarios.runner import (
    DayTask,
    Progress,
    RayUnavailable,
    ScenarioSpec,
    TaskPool,
    load_scenario,
    run_day_task,
    run_tasks,
)
from gigcity.sim.scenarios.simulate import (
    DayOutcome,
    SimulationSettings,
    TripRecord,
    simulate_scenario,
)
from gigcity.sim.scenarios.sweep import sweep
from gigcity.sim.scenarios.travel import DistrictTravel, OnPlane
from gigcity.sim.scenarios.workbench_engine import (
    ScenarioWorkbench,
    WorkbenchComparison,
    compare_for_workbench,
)

__all__ = [
    "ATTRIBUTED",
    "DISPATCH_CLAUSES",
    "MEASURES",
    "MEASURE_BY_KEY",
    "PLANNING_MARGIN_S",
    "SCENARIOS",
    "ClauseError",
    "Closure",
    "DayFacts",
    "DayOutcome",
    "DayTask",
    "DistrictTravel",
    "Measure",
    "MerchantDetails",
    "OnPlane",
    "OrderDetails",
    "Plane",
    "Progress",
    "RayUnavailable",
    "RiderDetails",
    "Scenario",
    "ScenarioError",
    "ScenarioPolicy",
    "ScenarioSpec",
    "ScenarioWorkbench",
    "SimulationSettings",
    "TaskPool",
    "TripRecord",
    "WeatherAlert",
    "WorkbenchComparison",
    "Yardstick",
    "attribution_csv",
    "changed_clauses",
    "check_clause",
    "clause_value",
    "compare",
    "compare_csv",
    "compare_for_workbench",
    "compare_markdown",
    "compare_plots",
    "default_orders",
    "dispatch_signature",
    "district_plane",
    "generate_scenario",
    "judge",
    "load_scenario",
    "measure_values",
    "parse_values",
    "read_scenario",
    "render_compare_html",
    "render_sweep_html",
    "rule_clauses",
    "run_day_task",
    "run_tasks",
    "scenario_names",
    "simulate_scenario",
    "sweep",
    "sweep_markdown",
    "sweep_plot",
    "switch_groups",
    "with_clauses",
    "write_scenario",
    "yardstick",
]
