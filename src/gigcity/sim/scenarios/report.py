"""Side-by-side tables (markdown, CSV, HTML) and inline-SVG plots for comparisons and sweeps.

No scripts and no CDN: the HTML report is one file. Plots come from matplotlib through the
simulator report's reproducible `svg_chart`, so the same result gives the same bytes.

The engine speaks no language of its own: every word of a plot or report is looked up by key
in a `text` mapping (`ENGLISH` by default, as the CLI prints). The workbench service hands
in the same keys in the reader's language, with `measure.<key>`, `unit.<unit>`, `scenario`,
`rulebook_a`/`rulebook_b` and `lang` (which makes attribution rows name clauses by their
titles from `gigcity.rules.clause_title` instead of their paths).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np

from gigcity.rules import clause_title
from gigcity.sim.charts import svg_chart
from gigcity.sim.scenarios.compare import MEASURE_BY_KEY

COLOURS = ("#8e6c8a", "#3b6ea8")

Text = Mapping[str, str]
ENGLISH: dict[str, str] = {
    "plot.pay": "Rider pay per active hour (after top-up)",
    "plot.pay_before": "Rider pay per active hour before top-up",
    "plot.fines": "Fines and service-score points",
    "plot.rest": "Continuous work stretches",
    "plot.hours": "Hours worked per rider",
    "plot.c2d": "Click-to-door (cumulative)",
    "plot.attribution": "Effect of each clause switched from A to B",
    "axis.count": "count",
    "axis.pay_per_hour": "¥ per active hour",
    "axis.continuous_work": "minutes of continuous work",
    "axis.work_hours": "hours of work",
    "axis.c2d": "click-to-door (min)",
    "axis.delivered_share": "share of delivered orders",
    "axis.fines": "fines (¥)",
    "axis.points": "score points",
    "side.a": "rulebook A",
    "side.b": "rulebook B",
    "legend.hourly_guarantee": "hourly guarantee",
    "legend.limit": "limit",
    "legend.daily_threshold": "daily threshold",
    "legend.points": "service-score points",
    "legend.cost_per_order": "cost per order (¥)",
    "report.title": "{a} vs {b} — {scenario}",
    "report.summary": "{orders} orders, {merchants} merchants, {riders} riders; "
    "{closures} traffic-control closure(s).",
    "report.weather_alert": "Weather alert.",
    "report.measure": "measure",
    "report.unit": "unit",
    "report.difference": "B − A",
    "report.percentage_points": "pts",
    "report.attribution": "Attribution: one clause at a time from A to B",
    "report.attribution_note": "Each row is A with only these clauses set to B's values, "
    "minus A. Clauses that make an invalid rulebook alone are switched together. The last "
    "rows compare the sum of the single switches with all of them at once.",
    "report.clauses_switched": "clause(s) switched A → B",
    "report.sum_of_effects": "sum of the single switches",
    "report.all_together": "all clauses together (B − A)",
    "report.interaction": "interaction (together − sum)",
    "report.explained": "Explained differences",
    "report.explained_note": "Each difference B − A is split two ways, and each split adds "
    "up exactly: by factor (pay over on-order hours or over delivered orders, split at the "
    "midpoint of A and B, with what the factors leave as the residual) and by clause (one "
    "clause at a time from A to B, plus the interaction).",
    "report.part": "part",
    "report.effect": "effect",
    "report.by_factor": "by factor",
    "report.by_clause": "by clause",
    "report.other_clauses": "other clauses",
    "factor.order_pay": "order pay (base fare and supplements)",
    "factor.fines": "fines",
    "factor.top_up": "top-ups to the hourly minimum",
    "factor.active_hours": "on-order hours",
    "factor.delivered": "orders delivered",
    "factor.residual": "residual (spread across riders, rounding)",
    "factor.interaction": "clauses acting together (interaction)",
    "explain.sentence": "{measure}: {difference} (B − A). Largest cause: {cause} ({effect}).",
    "explain.clause": "Largest clause: {cause} ({effect}).",
}
"""The words of the plots and the report by key (the CLI's; the workbench brings its own)."""


def _t(text: Text, key: str) -> str:
    return text.get(key) or ENGLISH[key]


def measure_label(text: Text, key: str, fallback: str | None = None) -> str:
    """A measure's name in `text`, else the engine's English label."""
    measure = MEASURE_BY_KEY.get(key)
    return text.get(f"measure.{key}") or fallback or (measure.label if measure else key)


def unit_label(text: Text, unit: str) -> str:
    return text.get(f"unit.{unit}", unit) if unit else ""


def clause_group(text: Text, clauses: Sequence[str]) -> str:
    """A switched group of clauses: their titles in `text`'s language (`lang`) joined, or
    their paths when `text` names no language (the CLI)."""
    lang = text.get("lang")
    return " + ".join(clause_title(c, lang) if lang else c for c in clauses)


def _rulebooks(result: dict[str, Any], text: Text) -> tuple[str, str]:
    refs = result["rulebooks"]
    return text.get("rulebook_a") or refs["a"], text.get("rulebook_b") or refs["b"]


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if unit == "share":
            return f"{100 * value:.1f} %"
        return f"{value:,.2f}"
    return str(value)


def _signed(value: Any, unit: str = "", points: str = "pts") -> str:
    if value is None:
        return "–"
    if unit == "share":
        return f"{100 * value:+.1f} {points}"
    return f"{value:+,.2f}"


def table_rows(result: dict[str, Any], text: Text = ENGLISH) -> list[list[str]]:
    a, b = _rulebooks(result, text)
    rows = [
        [_t(text, "report.measure"), _t(text, "report.unit"), a, b, _t(text, "report.difference")]
    ]
    points = _t(text, "report.percentage_points")
    for row in result["table"]:
        rows.append(
            [
                measure_label(text, row["key"], row.get("label")),
                unit_label(text, row["unit"]),
                _fmt(row["a"], row["unit"]),
                _fmt(row["b"], row["unit"]),
                _signed(row["difference"], row["unit"], points),
            ]
        )
    return rows


def attribution_rows(result: dict[str, Any], text: Text = ENGLISH) -> list[list[str]]:
    attribution = result.get("attribution")
    if not attribution:
        return []
    keys = attribution["measures"]
    units = {k: MEASURE_BY_KEY[k].unit for k in keys}
    points = _t(text, "report.percentage_points")
    header = [_t(text, "report.clauses_switched")] + [
        f"{measure_label(text, k)} ({unit_label(text, units[k])})".replace(" ()", "") for k in keys
    ]
    rows = [header]
    for row in attribution["rows"]:
        rows.append(
            [clause_group(text, row["clauses"])]
            + [_signed(row["effects"][k], units[k], points) for k in keys]
        )
    for name in ("sum_of_effects", "all_together", "interaction"):
        rows.append(
            [_t(text, f"report.{name}")]
            + [_signed(attribution[name][k], units[k], points) for k in keys]
        )
    return rows


SHOWN_CLAUSES = 5
"""Clause groups shown by name in an explained difference; the rest are summed."""


def _cause(text: Text, cause: Mapping[str, Any]) -> str:
    """A part of an explained difference in words: a factor, a clause group, the residual
    or the interaction."""
    if cause["kind"] == "factor":
        return _t(text, f"factor.{cause['key']}")
    if cause["kind"] == "clause":
        return clause_group(text, cause["clauses"])
    return _t(text, f"factor.{cause['kind']}")


def explained_sentence(entry: Mapping[str, Any], text: Text = ENGLISH) -> str:
    """One measure's difference and its largest cause (and largest clause, when the largest
    cause is a factor), in `text`'s language."""
    unit = entry["unit"]
    points = _t(text, "report.percentage_points")
    largest = entry.get("largest")
    if largest is None:
        return f"{measure_label(text, entry['key'])}: {_signed(entry['difference'], unit, points)}"
    sentence = _t(text, "explain.sentence").format(
        measure=measure_label(text, entry["key"]),
        difference=_signed(entry["difference"], unit, points),
        cause=_cause(text, largest),
        effect=_signed(largest["effect"], unit, points),
    )
    clause = entry.get("largest_clause")
    if clause is not None and largest["kind"] != clause["kind"]:
        space = "" if sentence.endswith(("。", "）")) else " "  # Chinese runs on unspaced
        sentence += space + _t(text, "explain.clause").format(
            cause=_cause(text, clause), effect=_signed(clause["effect"], unit, points)
        )
    return sentence


def explained_rows(entry: Mapping[str, Any], text: Text = ENGLISH) -> list[list[str]]:
    """One measure's difference by factor, then by clause (the largest groups by name, the
    rest summed, then the interaction)."""
    unit = entry["unit"]
    points = _t(text, "report.percentage_points")

    def signed(value: float | None) -> str:
        return _signed(value, unit, points)

    rows = [[_t(text, "report.part"), _t(text, "report.effect")]]
    factors = entry.get("factors")
    if factors:
        rows.append([_t(text, "report.by_factor"), ""])
        rows += [[_t(text, f"factor.{k}"), signed(v)] for k, v in factors["effects"].items()]
        rows.append([_t(text, "factor.residual"), signed(factors["residual"])])
    clauses = entry.get("clauses")
    if clauses:
        rows.append([_t(text, "report.by_clause"), ""])
        ranked = sorted(
            (r for r in clauses["rows"] if r["effect"]), key=lambda r: -abs(r["effect"])
        )
        rows += [
            [clause_group(text, r["clauses"]), signed(r["effect"])] for r in ranked[:SHOWN_CLAUSES]
        ]
        if len(ranked) > SHOWN_CLAUSES:
            rest = sum(r["effect"] for r in ranked[SHOWN_CLAUSES:])
            rows.append([_t(text, "report.other_clauses"), signed(rest)])
        rows.append([_t(text, "factor.interaction"), signed(clauses["interaction"])])
    rows.append([_t(text, "report.difference"), signed(entry["difference"])])
    return rows


def _explained_measures(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    explained = result.get("explained") or {}
    return list(explained.get("measures", []))


def markdown_table(rows: list[list[str]]) -> str:
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
        markdown_table(table_rows(result)),
    ]
    if _explained_measures(result):
        parts += ["", f"## {ENGLISH['report.explained']}", "", ENGLISH["report.explained_note"]]
        for entry in _explained_measures(result):
            parts += ["", explained_sentence(entry), "", markdown_table(explained_rows(entry))]
    if result.get("attribution"):
        parts += ["", "## Attribution: one clause at a time from A to B", ""]
        parts.append(markdown_table(attribution_rows(result)))
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


def histogram_overlay(
    series: dict[str, Any],
    labels: dict[str, str],
    name: str,
    xlabel: str,
    ylabel: str,
    line: float | None,
    line_label: str,
    bins: int = 30,
) -> Draw:
    """A drawer of a and b's histograms of one series (`series[key][name]`), on shared bins,
    with a reference line (None: none)."""

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
        ax.set_ylabel(ylabel)
        ax.legend()

    return draw


def _fines_points(result: dict[str, Any], text: Text) -> Draw:
    """A drawer of a and b's total fines (left axis) and service-score points (right)."""

    def draw(ax: Any) -> None:
        fines = [result["figures"][k]["pay"]["fines_fen"] / 100 for k in ("a", "b")]
        points = [result["figures"][k]["score"]["points_total"] for k in ("a", "b")]
        x = np.arange(2)
        ax.bar(x - 0.2, fines, width=0.4, color="#c0392b", label=_t(text, "axis.fines"))
        ax.set_ylabel(_t(text, "axis.fines"))
        twin = ax.twinx()
        twin.bar(x + 0.2, points, width=0.4, color="#5b8c5a", label=_t(text, "legend.points"))
        twin.set_ylabel(_t(text, "axis.points"))
        ax.set_xticks(x, [_t(text, "side.a"), _t(text, "side.b")])
        ax.legend(loc="upper left")
        twin.legend(loc="upper right")

    return draw


def _short(label: str, most: int = 40) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def _click_to_door(series: dict[str, Any], labels: dict[str, str], text: Text) -> Draw:
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
        ax.set_xlabel(_t(text, "axis.c2d"))
        ax.set_ylabel(_t(text, "axis.delivered_share"))
        ax.legend()

    return draw


def _effects(rows: list[dict[str, Any]], text: Text) -> Draw:
    """A drawer of each switched clause group's effect on cost per order and click-to-door."""

    def draw(ax: Any) -> None:
        names = [clause_group(text, r["clauses"]) for r in rows]
        y = np.arange(len(rows))
        cost = [r["effects"]["cost_per_order"] or 0.0 for r in rows]
        c2d = [r["effects"]["c2d_mean"] or 0.0 for r in rows]
        ax.barh(y - 0.2, cost, height=0.4, color="#8e6c8a", label=_t(text, "legend.cost_per_order"))
        ax.barh(y + 0.2, c2d, height=0.4, color="#3b6ea8", label=_t(text, "axis.c2d"))
        ax.set_yticks(y, [_short(n, 48) for n in names], fontsize=7)
        ax.axvline(0, color="#444", linewidth=0.8)
        ax.invert_yaxis()
        ax.legend()

    return draw


def compare_plots(result: dict[str, Any], text: Text = ENGLISH) -> list[dict[str, str]]:
    """The report's plots as {id, title, svg}, every word from `text`. With the workbench's
    `text` (it names a `lang`) the SVG keeps its text as text for the reader's fonts (Chinese
    needs no font on the server); the CLI's English plots draw their text as outlines."""
    a_label, b_label = _rulebooks(result, text)
    series = {k: result["figures"][k]["_series"] for k in ("a", "b")}
    labels = {"a": _short(a_label), "b": _short(b_label)}
    hourly = result["yardstick"]["hourly_fen"] / 100
    mode: Literal["paths", "fonts"] = "fonts" if text.get("lang") else "paths"
    count = _t(text, "axis.count")

    def chart(draw: Draw, height: float = 3.2) -> str:
        return svg_chart(draw, height=height, text=mode)

    def overlay(
        name: str, xlabel: str, line: float | None, line_label: str, bins: int = 30
    ) -> Draw:
        return histogram_overlay(
            series, labels, name, _t(text, xlabel), count, line, _t(text, line_label), bins
        )

    plots = [
        ("pay", chart(overlay("pay_per_active_hour", "axis.pay_per_hour", hourly, "legend.hourly_guarantee"))),
        ("pay_before", chart(overlay("pay_before_top_up_per_hour", "axis.pay_per_hour", hourly, "legend.hourly_guarantee"))),
        ("fines", chart(_fines_points(result, text))),
        ("rest", chart(overlay("continuous_work_min", "axis.continuous_work",
                               result["figures"]["a"]["rest"]["max_continuous_work_min"], "legend.limit"))),
        ("hours", chart(overlay("work_hours", "axis.work_hours", result["yardstick"]["daily_min"] / 60, "legend.daily_threshold", 20))),
        ("c2d", chart(_click_to_door(series, labels, text))),
    ]  # fmt: skip
    attribution = result.get("attribution")
    if attribution and attribution["rows"]:
        rows = attribution["rows"]
        plots.append(
            ("attribution", chart(_effects(rows, text), height=max(3.2, 0.28 * len(rows) + 1.0)))
        )
    return [{"id": pid, "title": _t(text, f"plot.{pid}"), "svg": svg} for pid, svg in plots]


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
body { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; padding: 0 1rem; }
table { border-collapse: collapse; margin-bottom: 2rem; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5rem 0; }
figcaption { font-weight: 600; margin-bottom: 0.5rem; }
svg { max-width: 100%; height: auto; }
.note { color: #555; font-size: 0.9rem; }
nav { margin-bottom: 1rem; }
section + section { border-top: 2px solid #ddd; margin-top: 3rem; }
"""


def _title(result: dict[str, Any], text: Text) -> str:
    a, b = _rulebooks(result, text)
    scenario = text.get("scenario") or result["scenario"]["spec"]
    return _t(text, "report.title").format(a=a, b=b, scenario=scenario)


def _summary(result: dict[str, Any], text: Text) -> str:
    s = result["scenario"]
    if not text.get("lang"):  # the CLI's report: the markdown's full English summary
        return compare_markdown(result).split("\n")[2]
    summary = _t(text, "report.summary").format(
        orders=s["orders"], merchants=s["merchants"], riders=s["riders"], closures=s["closures"]
    )
    return summary + (_t(text, "report.weather_alert") if s.get("weather_alerts") else "")


def _explained_html(result: dict[str, Any], text: Text) -> str:
    """The explained differences: per measure its sentence and its parts."""
    measures = _explained_measures(result)
    if not measures:
        return ""
    parts = [
        f"<h2>{html.escape(_t(text, 'report.explained'))}</h2>",
        f"<p class=note>{html.escape(_t(text, 'report.explained_note'))}</p>",
    ]
    for entry in measures:
        parts.append(f"<p class=explained>{html.escape(explained_sentence(entry, text))}</p>")
        parts.append(_html_table(explained_rows(entry, text)))
    return "\n".join(parts)


def _report_body(result: dict[str, Any], plots: list[dict[str, str]], text: Text) -> str:
    attribution = ""
    if result.get("attribution"):
        attribution = (
            f"<h2>{html.escape(_t(text, 'report.attribution'))}</h2>"
            f"<p class=note>{html.escape(_t(text, 'report.attribution_note'))}</p>"
            + _html_table(attribution_rows(result, text))
        )
    explained = _explained_html(result, text)
    figures = "\n".join(
        f"<figure><figcaption>{html.escape(p['title'])}</figcaption>{p['svg']}</figure>"
        for p in plots
    )
    refs = f"{result['rulebooks']['a']} → {result['rulebooks']['b']}"
    return f"""<h1>{html.escape(_title(result, text))}</h1>
<p class=note>{html.escape(_summary(result, text))} <code>{html.escape(refs)}</code></p>
{_html_table(table_rows(result, text))}
{explained}
{attribution}
{figures}"""


def _page(lang: str, title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
{body}
</body>
</html>
"""


def render_compare_html(
    result: dict[str, Any], plots: list[dict[str, str]], text: Text = ENGLISH
) -> str:
    """The self-contained report in one language."""
    lang = (text.get("lang") or "en").replace("_", "-")
    return _page(lang, _title(result, text), _report_body(result, plots, text))


def render_compare_report(
    result: dict[str, Any], versions: Sequence[tuple[Text, list[dict[str, str]]]]
) -> str:
    """One self-contained report in several languages, each a section (`lang`) with its own
    plots, the first language first; a line of links at the top jumps between them."""
    if len(versions) == 1:
        return render_compare_html(result, versions[0][1], versions[0][0])
    tags = [(text.get("lang") or "en").replace("_", "-") for text, _ in versions]
    nav = " · ".join(
        f'<a href="#{tag}" lang="{tag}">{html.escape(text.get("language_name") or tag)}</a>'
        for tag, (text, _) in zip(tags, versions, strict=True)
    )
    sections = "\n".join(
        f'<section id="{tag}" lang="{tag}">\n{_report_body(result, plots, text)}\n</section>'
        for tag, (text, plots) in zip(tags, versions, strict=True)
    )
    return _page(tags[0], _title(result, versions[0][0]), f"<nav>{nav}</nav>\n{sections}")


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
        + markdown_table(rows)
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
