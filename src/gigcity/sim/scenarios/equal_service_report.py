"""The equal-service answer (and who gains) as a table with its spread over days, and as one
self-contained HTML report in several languages.

The engine speaks no language of its own: every word is looked up by key in a `text`
mapping (`ENGLISH`, with `who_gains.ENGLISH` for the riders' tables and plots, by default);
the workbench service hands in the same keys in the reader's language with `lang`,
`rulebook_a`/`rulebook_b`, `scenario` and `unit.<unit>`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from gigcity.sim.scenarios.equal_service import ROWS
from gigcity.sim.scenarios.report import _html_table, _page
from gigcity.sim.scenarios.who_gains import ENGLISH as WHO_ENGLISH
from gigcity.sim.scenarios.who_gains import who_gains_rows

Text = Mapping[str, str]
ENGLISH: dict[str, str] = {
    "equal.title": "Equal service: {a} vs {b} — {scenario}",
    "equal.target": "Service target: undelivered orders at most {undelivered} %, click-to-door p90 at most {p90} min.",
    "equal.target_own": "The target is rulebook A's own service on each day with the day's own riders.",
    "equal.target_given": "The target is as given.",
    "equal.target_mixed": "The target is as given; the part not given is rulebook A's own service on each day.",
    "equal.days": "Days (seeds): {seeds}; {days} days simulated.",
    "equal.note": "Each figure is the mean over the days, each day at its own answer; the range over the days is in brackets.",
    "equal.measure": "measure",
    "equal.side_a": "rulebook A",
    "equal.side_b": "rulebook B",
    "equal.difference": "B − A",
    "equal.not_met": "not met (more than {riders})",
    "equal.who_gains": "Who gains",
    **{f"row.{key}": label for key, label, _ in ROWS},
}  # fmt: skip
"""The equal-service table's and report's words by key (`row.<key>`: the rows of `ROWS`)."""


def _t(text: Text, key: str) -> str:
    return text.get(key) or ENGLISH.get(key) or WHO_ENGLISH[key]


def _per_seed(side: Mapping[str, Any], key: str) -> list[float]:
    """The figure `key` of each day at its own answer (riders only where the target is met)."""
    values: list[Any]
    if key == "riders":
        values = [s["riders"] for s in side["per_seed"] if s["met"]]
    elif key == "rider_hours":
        values = [s["rider_hours"] for s in side["per_seed"]]
    else:
        values = [s["values"].get(key) for s in side["per_seed"]]
    return [float(v) for v in values if v is not None]


def table_with_ranges(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`result["table"]` with each side's range over the days (`a_range`, `b_range`: [min,
    max], None with one day or no figure): the confidence over seeds, row by row."""
    several = len(result["seeds"]) > 1
    rows = []
    for row in result["table"]:
        ranges = {}
        for key in ("a", "b"):
            values = _per_seed(result[key], row["key"])
            ranges[f"{key}_range"] = [min(values), max(values)] if several and values else None
        rows.append({**row, **ranges})
    return rows


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "share":
        return f"{100 * value:.2f} %"
    if unit in ("riders", "stretches"):
        return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return f"{value:,.3f}" if unit == "" else f"{value:,.2f}"


def _signed(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "share":
        return f"{100 * value:+.2f}"
    if unit == "":
        return f"{value:+.3f}"
    return f"{value:+,.0f}" if unit == "riders" else f"{value:+,.2f}"


def equal_service_rows(result: Mapping[str, Any], text: Text = ENGLISH) -> list[list[str]]:
    """The side-by-side table as text rows, header first, each value with its range."""
    a, b = (
        text.get("rulebook_a") or result["rulebooks"]["a"],
        text.get("rulebook_b") or result["rulebooks"]["b"],
    )
    rows = [[_t(text, "equal.measure"), f"{_t(text, 'equal.side_a')} {a}", f"{_t(text, 'equal.side_b')} {b}", _t(text, "equal.difference")]]  # fmt: skip
    for row in table_with_ranges(result):
        unit = row["unit"]
        label = _t(text, f"row.{row['key']}")
        if unit and unit != "share":
            label += f" ({text.get(f'unit.{unit}', unit)})"
        elif unit == "share":
            label += " (%)"
        cells = []
        for key in ("a", "b"):
            side = result[key]
            if row["key"] == "riders" and not side["met"]:
                largest = max(s["largest_tried"] or 0 for s in side["per_seed"])
                cells.append(_t(text, "equal.not_met").format(riders=largest))
                continue
            cell = _number(row[key], unit)
            spread = row[f"{key}_range"]
            if spread is not None and spread[0] != spread[1]:
                cell += f" ({_number(spread[0], unit)}–{_number(spread[1], unit)})"
            cells.append(cell)
        rows.append([label, *cells, _signed(row["difference"], unit)])
    return rows


def target_sentences(result: Mapping[str, Any], text: Text = ENGLISH) -> str:
    """The service target and where it comes from, in words."""
    target = result["target"]
    source = target["source"]
    kind = "given" if source == "given" else "mixed" if source.startswith("given") else "own"
    figures = _t(text, "equal.target").format(
        undelivered=f"{100 * target['undelivered_share']:.2f}",
        p90=f"{target['click_to_door_p90_min']:.1f}",
    )
    return f"{figures} {_t(text, f'equal.target_{kind}')}"


def _body(
    result: Mapping[str, Any],
    gains: Mapping[str, Any] | None,
    plots: Sequence[Mapping[str, str]],
    text: Text,
) -> str:
    a, b = text.get("rulebook_a") or result["rulebooks"]["a"], text.get("rulebook_b") or result["rulebooks"]["b"]  # fmt: skip
    title = _t(text, "equal.title").format(
        a=a, b=b, scenario=text.get("scenario") or result["scenario"]
    )
    days = _t(text, "equal.days").format(
        seeds=", ".join(str(s) for s in result["seeds"]), days=result["simulated_days"]
    )
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p class=note>{html.escape(target_sentences(result, text))} {html.escape(days)}</p>",
        f"<p class=note>{html.escape(_t(text, 'equal.note'))}</p>",
        _html_table(equal_service_rows(result, text)),
    ]
    if gains is not None:
        # The riders' tables name the sides as the page does (titles, not refs).
        named = {**gains, "rulebooks": {"a": a, "b": b}}
        spread, people = who_gains_rows(named, text)
        parts.append(f"<h2>{html.escape(_t(text, 'equal.who_gains'))}</h2>")
        parts += [_html_table(spread), _html_table(people)]
        parts += [
            f"<figure><figcaption>{html.escape(p['title'])}</figcaption>{p['svg']}</figure>"
            for p in plots
        ]
    return "\n".join(parts)


def render_equal_service_report(
    result: Mapping[str, Any],
    gains: Mapping[str, Any] | None,
    versions: Sequence[tuple[Text, Sequence[Mapping[str, str]]]],
) -> str:
    """One self-contained page, a section per language (the first first, links between
    them), each with the table, the target, and who gains with its plots."""
    tags = [(text.get("lang") or "en").replace("_", "-") for text, _ in versions]
    nav = " · ".join(
        f'<a href="#{tag}" lang="{tag}">{html.escape(text.get("language_name") or tag)}</a>'
        for tag, (text, _) in zip(tags, versions, strict=True)
    )
    sections = "\n".join(
        f'<section id="{tag}" lang="{tag}">\n{_body(result, gains, plots, text)}\n</section>'
        for tag, (text, plots) in zip(tags, versions, strict=True)
    )
    first = versions[0][0]
    title = _t(first, "equal.title").format(
        a=first.get("rulebook_a") or result["rulebooks"]["a"],
        b=first.get("rulebook_b") or result["rulebooks"]["b"],
        scenario=first.get("scenario") or result["scenario"],
    )
    return _page(tags[0], title, (f"<nav>{nav}</nav>\n" if len(versions) > 1 else "") + sections)
