"""Side-by-side tables (markdown, CSV, HTML) and inline-SVG plots for comparisons and sweeps.

No scripts and no CDN: the HTML report is one file. Plots come from matplotlib through the
simulator report's reproducible `svg_chart`, so the same result gives the same bytes.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from typing import Any

import numpy as np

from gigcity.sim.charts import svg_chart
from gigcity.sim.scenarios.compare import MEASURE_BY_KEY

COLOURS = ("#8e6c8a", "#3b6ea8")


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if unit == "share":
            return f"{100 * value:.1f} %"
        return f"{value:,.2f}"
    return str(value)


def _signed(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "share":
        return f"{100 * value:+.1f} pts"
    return f"{value:+,.2f}"


def table_rows(result: dict[str, Any]) -> list[list[str]]:
    rows = [["measure", "unit", result["rulebooks"]["a"], result["rulebooks"]["b"], "B − A"]]
    for row in result["table"]:
        rows.append(
            [
                row["label"],
                row["unit"],
                _fmt(row["a"], row["unit"]),
                _fmt(row["b"], row["unit"]),
                _signed(row["difference"], row["unit"]),
            ]
        )
    return rows


def attribution_rows(result: dict[str, Any]) -> list[list[str]]:
    attribution = result.get("attribution")
    if not attribution:
        return []
    keys = attribution["measures"]
    header = ["clause(s) switched A → B"] + [
        f"{MEASURE_BY_KEY[k].label} ({MEASURE_BY_KEY[k].unit})".replace(" ()", "") for k in keys
    ]
    rows = [header]
    for row in attribution["rows"]:
        rows.append(
            [" + ".join(row["clauses"])]
            + [_signed(row["effects"][k], MEASURE_BY_KEY[k].unit) for k in keys]
        )
    for name, label in (
        ("sum_of_effects", "sum of the single switches"),
        ("all_together", "all clauses together (B − A)"),
        ("interaction", "interaction (together − sum)"),
    ):
        rows.append([label] + [_signed(attribution[name][k], MEASURE_BY_KEY[k].unit) for k in keys])
    return rows


def _markdown_table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in body]
    return "\n".join(lines)


def compare_markdown(result: dict[str, Any]) -> str:
    s = result["scenario"]
    parts = [
        f"# {result['rulebooks']['a']} vs {result['rulebooks']['b']} on {s['spec']}",
        "",
        f"{s['orders']} orders, {s['merchants']} merchants, {s['riders']} riders "
        f"({', '.join(f'{v} {k}' for k, v in s['rider_kinds'].items())}), "
        f"sub-districts: {', '.join(s['areas'])}; {s['closures']} traffic-control closure(s)"
        f"{'; weather alert' if s['weather_alerts'] else ''}. Rest measured against "
        f"{result['yardstick']['rest']}, combining against {result['yardstick']['on_route']}.",
        "",
        _markdown_table(table_rows(result)),
    ]
    if result.get("attribution"):
        parts += ["", "## Attribution: one clause at a time from A to B", ""]
        parts.append(_markdown_table(attribution_rows(result)))
    return "\n".join(parts) + "\n"


def compare_csv(result: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["key", "measure", "unit", result["rulebooks"]["a"], result["rulebooks"]["b"], "difference"]
    )
    for row in result["table"]:
        writer.writerow(
            [row["key"], row["label"], row["unit"], row["a"], row["b"], row["difference"]]
        )
    return buffer.getvalue()


def attribution_csv(result: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    attribution = result.get("attribution") or {"measures": [], "rows": []}
    writer.writerow(["clauses", *attribution["measures"]])
    for row in attribution["rows"]:
        writer.writerow(
            [" + ".join(row["clauses"]), *(row["effects"][k] for k in attribution["measures"])]
        )
    return buffer.getvalue()


Draw = Callable[[Any], None]


def _overlay(
    series: dict[str, Any],
    labels: dict[str, str],
    name: str,
    xlabel: str,
    line: float | None,
    line_label: str,
    bins: int = 30,
) -> Draw:
    """A drawer of a and b's histograms of one series, with a reference line."""

    def draw(ax: Any) -> None:
        data = [np.asarray(series[k][name], dtype=float) for k in ("a", "b")]
        joined = np.concatenate([d for d in data if d.size] or [np.zeros(1)])
        edges = np.histogram_bin_edges(joined, bins=bins)
        for (key, values), colour in zip(zip(("a", "b"), data, strict=True), COLOURS, strict=True):
            ax.hist(
                values,
                bins=edges,
                histtype="step",
                linewidth=1.6,
                color=colour,
                label=labels[key],
            )
        if line is not None:
            ax.axvline(line, color="#c0392b", linestyle="--", label=line_label)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("count")
        ax.legend()

    return draw


def _fines_points(result: dict[str, Any]) -> Draw:
    """A drawer of a and b's total fines (left axis) and service-score points (right)."""
    a_ref, b_ref = result["rulebooks"]["a"], result["rulebooks"]["b"]

    def draw(ax: Any) -> None:
        fines = [result["figures"][k]["pay"]["fines_fen"] / 100 for k in ("a", "b")]
        points = [result["figures"][k]["score"]["points_total"] for k in ("a", "b")]
        x = np.arange(2)
        ax.bar(x - 0.2, fines, width=0.4, color="#c0392b", label="fines (¥)")
        ax.set_ylabel("fines (¥)")
        twin = ax.twinx()
        twin.bar(x + 0.2, points, width=0.4, color="#5b8c5a", label="service-score points")
        twin.set_ylabel("points")
        ax.set_xticks(x, [a_ref, b_ref])
        ax.legend(loc="upper left")
        twin.legend(loc="upper right")

    return draw


def _click_to_door(series: dict[str, Any], labels: dict[str, str]) -> Draw:
    """A drawer of a and b's cumulative click-to-door curves."""

    def draw(ax: Any) -> None:
        for key, colour in zip(("a", "b"), COLOURS, strict=True):
            values = np.sort(np.asarray(series[key]["click_to_door_min"], dtype=float))
            if values.size:
                ax.plot(
                    values,
                    np.arange(1, values.size + 1) / values.size,
                    color=colour,
                    label=labels[key],
                )
        ax.set_xlabel("click-to-door (min)")
        ax.set_ylabel("share of delivered orders")
        ax.legend()

    return draw


def _effects(rows: list[dict[str, Any]]) -> Draw:
    """A drawer of each switched clause group's effect on cost per order and click-to-door."""

    def draw(ax: Any) -> None:
        names = [" + ".join(r["clauses"]) for r in rows]
        y = np.arange(len(rows))
        cost = [r["effects"]["cost_per_order"] or 0.0 for r in rows]
        c2d = [r["effects"]["c2d_mean"] or 0.0 for r in rows]
        ax.barh(y - 0.2, cost, height=0.4, color="#8e6c8a", label="cost per order (¥)")
        ax.barh(y + 0.2, c2d, height=0.4, color="#3b6ea8", label="click-to-door (min)")
        ax.set_yticks(y, [n if len(n) < 48 else n[:45] + "…" for n in names], fontsize=7)
        ax.axvline(0, color="#444", linewidth=0.8)
        ax.invert_yaxis()
        ax.legend()

    return draw


def compare_plots(result: dict[str, Any]) -> list[dict[str, str]]:
    """The report's plots as {id, title, svg}."""
    a_ref, b_ref = result["rulebooks"]["a"], result["rulebooks"]["b"]
    series = {k: result["figures"][k]["_series"] for k in ("a", "b")}
    labels = {"a": a_ref, "b": b_ref}
    hourly = result["yardstick"]["hourly_fen"] / 100

    def overlay(
        name: str, xlabel: str, line: float | None, line_label: str, bins: int = 30
    ) -> Draw:
        return _overlay(series, labels, name, xlabel, line, line_label, bins)

    plots = [
        ("pay", "Rider pay per active hour (after top-up)",
         svg_chart(overlay("pay_per_active_hour", "¥ per active hour", hourly, "hourly guarantee"))),
        ("pay_before", "Rider pay per active hour before top-up",
         svg_chart(overlay("pay_before_top_up_per_hour", "¥ per active hour", hourly, "hourly guarantee"))),
        ("fines", "Fines and service-score points", svg_chart(_fines_points(result))),
        ("rest", "Continuous work stretches",
         svg_chart(overlay("continuous_work_min", "minutes of continuous work",
                          result["figures"]["a"]["rest"]["max_continuous_work_min"], "limit"))),
        ("hours", "Hours worked per rider",
         svg_chart(overlay("work_hours", "hours of work", result["yardstick"]["daily_min"] / 60, "daily threshold", 20))),
        ("c2d", "Click-to-door (cumulative)", svg_chart(_click_to_door(series, labels))),
    ]  # fmt: skip
    attribution = result.get("attribution")
    if attribution and attribution["rows"]:
        rows = attribution["rows"]
        plots.append(
            ("attribution", "Effect of each clause switched from A to B",
             svg_chart(_effects(rows), height=max(3.2, 0.28 * len(rows) + 1.0)))
        )  # fmt: skip
    return [{"id": pid, "title": title, "svg": svg} for pid, title, svg in plots]


def _html_table(rows: list[list[str]]) -> str:
    head, *body = rows
    out = [
        "<table><thead><tr>"
        + "".join(f"<th>{html.escape(c)}</th>" for c in head)
        + "</tr></thead><tbody>"
    ]
    for row in body:
        out.append(
            "<tr><th>"
            + html.escape(row[0])
            + "</th>"
            + "".join(f"<td>{html.escape(c)}</td>" for c in row[1:])
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "\n".join(out)


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; padding: 0 1rem; }
table { border-collapse: collapse; margin-bottom: 2rem; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5rem 0; }
figcaption { font-weight: 600; margin-bottom: 0.5rem; }
svg { max-width: 100%; height: auto; }
.note { color: #555; font-size: 0.9rem; }
"""


def render_compare_html(result: dict[str, Any], plots: list[dict[str, str]]) -> str:
    s = result["scenario"]
    title = html.escape(f"{result['rulebooks']['a']} vs {result['rulebooks']['b']} — {s['spec']}")
    summary = html.escape(compare_markdown(result).split("\n")[2])
    attribution = ""
    if result.get("attribution"):
        attribution = (
            "<h2>Attribution: one clause at a time from A to B</h2>"
            "<p class=note>Each row is A with only these clauses set to B's values, minus A. "
            "Clauses that make an invalid rulebook alone are switched together. The last rows "
            "compare the sum of the single switches with all of them at once.</p>"
            + _html_table(attribution_rows(result))
        )
    figures = "\n".join(
        f"<figure><figcaption>{html.escape(p['title'])}</figcaption>{p['svg']}</figure>"
        for p in plots
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{title}</h1>
<p class=note>{summary}</p>
{_html_table(table_rows(result))}
{attribution}
{figures}
</body>
</html>
"""


def sweep_plot(result: dict[str, Any], x_key: str, y_key: str) -> str:
    """Mean of y against mean of x across seeds, one point per grid value, labelled."""
    points = result["points"]

    def draw(ax: Any) -> None:
        xs = [p["mean"][x_key] for p in points]
        ys = [p["mean"][y_key] for p in points]
        xe = [p["std"][x_key] for p in points]
        ye = [p["std"][y_key] for p in points]
        ax.errorbar(xs, ys, xerr=xe, yerr=ye, fmt="o-", color="#3b6ea8", capsize=3)
        for p, x, y in zip(points, xs, ys, strict=True):
            if x is not None and y is not None:
                ax.annotate(
                    p["label"], (x, y), fontsize=7, xytext=(4, 4), textcoords="offset points"
                )
        ax.set_xlabel(f"{MEASURE_BY_KEY[x_key].label} ({MEASURE_BY_KEY[x_key].unit})")
        ax.set_ylabel(f"{MEASURE_BY_KEY[y_key].label} ({MEASURE_BY_KEY[y_key].unit})")

    return svg_chart(draw, width=7.0, height=4.2)


def sweep_markdown(result: dict[str, Any], keys: tuple[str, ...]) -> str:
    rows = [["setting", "seeds", *(MEASURE_BY_KEY[k].label for k in keys)]]
    for p in result["points"]:
        rows.append(
            [p["label"], str(p["seeds"])]
            + [
                f"{_fmt(p['mean'][k], MEASURE_BY_KEY[k].unit)} ± {_fmt(p['std'][k], MEASURE_BY_KEY[k].unit)}"
                for k in keys
            ]
        )
    return (
        f"# Sweep of {', '.join(result['clauses'])} under {result['rulebook']}\n\n"
        + _markdown_table(rows)
        + "\n"
    )


def render_sweep_html(result: dict[str, Any], keys: tuple[str, ...], svg: str) -> str:
    title = html.escape(f"Sweep of {', '.join(result['clauses'])} under {result['rulebook']}")
    rows = [["setting", "seeds", *(MEASURE_BY_KEY[k].label for k in keys)]]
    for p in result["points"]:
        rows.append(
            [p["label"], str(p["seeds"])]
            + [_fmt(p["mean"][k], MEASURE_BY_KEY[k].unit) for k in keys]
        )
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title><style>{_STYLE}</style></head>
<body>
<h1>{title}</h1>
<p class=note>{html.escape(result["scenario"])}; means over seeds.</p>
{_html_table(rows)}
<figure><figcaption>Trade-off</figcaption>{svg}</figure>
</body>
</html>
"""
