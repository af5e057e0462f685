"""Writing a simulated day to a folder: solution files, metrics.json, report.html, decisions.

Nothing written depends on the clock or the machine, so a replay with the same instance,
rules and seed gives byte-identical files.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from gigcity.sim.mdrp.instance import write_solution
from gigcity.sim.mdrp.report import render_report
from gigcity.sim.mdrp.simulator import SimulationResult
from gigcity.sim.metrics import LabourContext, compute_metrics

METRICS_FILE = "metrics.json"
REPORT_FILE = "report.html"
DECISIONS_FILE = "decisions.jsonl"


def run_metrics(result: SimulationResult, labour: LabourContext | None = None) -> dict[str, Any]:
    """The solution's metrics plus how the run was made."""
    metrics = compute_metrics(result.instance, result.solution, labour)
    metrics["run"] = {
        "rules": result.policy_name,
        "seed": result.config.seed,
        "prep_delay_max_min": result.config.prep_delay_max_min,
        "dispatch": {
            k: v for k, v in asdict(result.config.dispatch).items() if k != "explain_holds"
        },
        "decision_epochs": result.decisions,
        "plan_deviations": result.plan_deviations,
    }
    return metrics


def write_run(
    result: SimulationResult, out_dir: str | Path, labour: LabourContext | None = None
) -> dict[str, Any]:
    """Write every output of one run into `out_dir`; return the metrics."""
    out = Path(out_dir)
    write_solution(result.solution, out)
    metrics = run_metrics(result, labour)
    (out / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (out / REPORT_FILE).write_text(
        render_report(result.instance, result.solution, metrics), encoding="utf-8"
    )
    lines = [
        json.dumps(
            {
                "time_min": entry.time_s / 60,
                "kind": entry.kind,
                "courier": entry.courier_id,
                "orders": list(entry.order_ids),
                "reasons": [
                    {"code": r.code, "message": r.message, "rule": r.rule} for r in entry.reasons
                ],
            },
            ensure_ascii=False,
        )
        for entry in result.log
    ]
    (out / DECISIONS_FILE).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return metrics
