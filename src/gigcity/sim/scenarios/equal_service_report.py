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
from gigcity.sim.scenarios.report import ENGLISH as REPORT_ENGLISH
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
    "split.title": "Explained differences at equal service",
    "split.note": "Each difference B − A at equal service is the rules' part (B on A's riders, on the same days, minus A) plus the fleet's part (B on its own riders minus B on A's riders); the two add up exactly. The rules' part of pay per hour and of cost per order splits further by factor.",
    "split.rules": "the rules, same riders",
    "split.fleet": "the riders B adds",
    "split.difference": "at equal service (B − A)",
    "split.part_rules": "the rules",
    "split.part_fleet": "the riders B adds",
    "split.points": "pts",
    "split.sentence": "{measure}: {difference} at equal service (B − A): {rules} from the rules on the same riders, {fleet} from the riders B adds. The larger part is {part}.",
    "split.sentence_none": "{measure}: {difference} at equal service (B − A); neither the rules nor the riders added move it.",
    "split.factor": "Largest factor of the rules' part: {cause} ({effect}).",
    "split.fleet_sentence": "Riders B adds to A's answer: {riders} ({hours} rider-hours on shift, {worked} rider-hours worked), the mean over the days; days simulated for this split only: {added}.",
    **{key: words for key, words in REPORT_ENGLISH.items() if key.startswith("factor.")},
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


def _amount(value: float | None, unit: str, text: Text) -> str:
    """A signed part with its unit in words ('+0.64 yuan', '−0.25 pts')."""
    if value is None:
        return "–"
    if unit == "share":
        return f"{_signed(value, unit)} {_t(text, 'split.points')}"
    words = text.get(f"unit.{unit}", unit)
    return f"{_signed(value, unit)} {words}".rstrip()


def _cause(text: Text, cause: Mapping[str, Any]) -> str:
    return _t(text, f"factor.{cause['key'] if cause['kind'] == 'factor' else cause['kind']}")


def split_sentence(entry: Mapping[str, Any], text: Text = ENGLISH) -> str:
    """One measure's difference at equal service, its two parts and the larger one (and the
    rules' part's largest factor, where it has factors), in `text`'s language."""
    unit = entry["unit"]
    measure = _t(text, f"row.{entry['key']}")
    difference = _amount(entry["difference"], unit, text)
    part = entry.get("largest")
    if part is None:
        return _t(text, "split.sentence_none").format(measure=measure, difference=difference)
    sentence = _t(text, "split.sentence").format(
        measure=measure,
        difference=difference,
        rules=_amount(entry["rules"], unit, text),
        fleet=_amount(entry["fleet"], unit, text),
        part=_t(text, f"split.part_{part}"),
    )
    factor = entry.get("largest_rules_factor")
    if factor is not None and entry["rules"]:
        space = "" if sentence.endswith("。") else " "  # Chinese runs on unspaced
        sentence += space + _t(text, "split.factor").format(
            cause=_cause(text, factor), effect=_amount(factor["effect"], unit, text)
        )
    return sentence


def fleet_sentence(split: Mapping[str, Any], text: Text = ENGLISH) -> str:
    """What the fleet's part is made of: the riders and rider-hours B adds."""
    fleet = split["fleet"]
    riders = fleet["riders_added"]
    return _t(text, "split.fleet_sentence").format(
        riders=f"{riders:+,.0f}" if riders == int(riders) else f"{riders:+,.1f}",
        hours=_signed(fleet["shift_hours_added"], "h"),
        worked=_signed(fleet["worked_hours_added"], "h"),
        added=split["added_days"],
    )


def split_rows(split: Mapping[str, Any], text: Text = ENGLISH) -> list[list[str]]:
    """The split as text rows, header first: each measure's rules' part, fleet's part and
    the difference at equal service they add up to."""
    rows = [
        [_t(text, "equal.measure"), _t(text, "split.rules"), _t(text, "split.fleet"),
         _t(text, "split.difference")]
    ]  # fmt: skip
    for entry in split["measures"]:
        unit = entry["unit"]
        label = _t(text, f"row.{entry['key']}")
        if unit == "share":
            label += f" ({_t(text, 'split.points')})"
        elif unit:
            label += f" ({text.get(f'unit.{unit}', unit)})"
        rows.append([label, *(_signed(entry[k], unit) for k in ("rules", "fleet", "difference"))])
    return rows


def split_sentences(result: Mapping[str, Any], text: Text = ENGLISH) -> list[dict[str, str]]:
    """The fleet's sentence (key `riders`), then each measure's, as `{key, sentence}`; none
    for a result stored before differences at equal service were split."""
    split = result.get("split")
    if not split:
        return []
    return [{"key": "riders", "sentence": fleet_sentence(split, text)}] + [
        {"key": entry["key"], "sentence": split_sentence(entry, text)}
        for entry in split["measures"]
    ]


def _split_html(result: Mapping[str, Any], text: Text) -> list[str]:
    split = result.get("split")
    if not split:
        return []
    return [
        f"<h2>{html.escape(_t(text, 'split.title'))}</h2>",
        f"<p class=note>{html.escape(_t(text, 'split.note'))}</p>",
        _html_table(split_rows(split, text)),
        *(f"<p class=explained>{html.escape(s['sentence'])}</p>"
          for s in split_sentences(result, text)),
    ]  # fmt: skip


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
        *_split_html(result, text),
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
