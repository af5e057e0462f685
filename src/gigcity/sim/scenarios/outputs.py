"""Writing a comparison or a sweep to a folder: JSON, markdown, CSV and the HTML report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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

SWEEP_KEYS = (
    "cost_per_order",
    "pay_per_hour_mean",
    "below_guarantee",
    "c2d_mean",
    "on_time",
    "rest_breaches",
    "on_route",
)


def without_series(result: dict[str, Any]) -> dict[str, Any]:
    """The comparison without its per-rider and per-order series (those only feed plots)."""
    figures = {
        key: {k: v for k, v in value.items() if k != "_series"}
        for key, value in result["figures"].items()
    }
    return {**result, "figures": figures}


def write_comparison(result: dict[str, Any], out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plots = compare_plots(result)
    files = {
        "json": out / "comparison.json",
        "markdown": out / "comparison.md",
        "csv": out / "comparison.csv",
        "attribution": out / "attribution.csv",
        "report": out / "report.html",
    }
    files["json"].write_text(
        json.dumps(without_series(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    files["markdown"].write_text(compare_markdown(result), encoding="utf-8")
    files["csv"].write_text(compare_csv(result), encoding="utf-8")
    files["attribution"].write_text(attribution_csv(result), encoding="utf-8")
    files["report"].write_text(render_compare_html(result, plots), encoding="utf-8")
    return files


def write_sweep(
    result: dict[str, Any], out_dir: str | Path, x_key: str, y_key: str
) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    svg = sweep_plot(result, x_key, y_key)
    keys = tuple(dict.fromkeys((x_key, y_key, *SWEEP_KEYS)))
    files = {
        "json": out / "sweep.json",
        "markdown": out / "sweep.md",
        "csv": out / "sweep.csv",
        "plot": out / "tradeoff.svg",
        "report": out / "sweep.html",
    }
    files["json"].write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    files["markdown"].write_text(sweep_markdown(result, keys), encoding="utf-8")
    lines = [",".join(["seed", *result["clauses"], *keys])]
    for point in result["points"]:
        for seed, values in zip(result["seeds"], point["values"], strict=True):
            row = [str(seed), *(json.dumps(point["setting"][c]) for c in result["clauses"])]
            row += ["" if values[k] is None else str(values[k]) for k in keys]
            lines.append(",".join(row))
    files["csv"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    files["plot"].write_text(svg, encoding="utf-8")
    files["report"].write_text(render_sweep_html(result, keys, svg), encoding="utf-8")
    return files
