"""An audit shown to people: the HTML page, the PDF for the meeting, findings.csv for a
spreadsheet, and the files of a run written together.

Every word goes through the `messages` catalogue (English msgids, `zh_CN` first). The page
is one file (inline CSS and SVG, no scripts, no external assets); its charts keep their text
as text for the reader's fonts. The PDF is A4 pages drawn as SVG and set by cairosvg with
Noto Sans CJK (fonts-noto-cjk), as the governance sheets are; its charts draw their text as
outlines so that nothing depends on the fonts of the machine that opens it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from gigcity.i18n import N_, format_number, gettext
from gigcity.rules import clause_title
from gigcity.services.audit import catalog
from gigcity.services.audit.report_model import (
    AuditComparison,
    AuditReport,
    CheckChange,
    CheckResult,
    Finding,
    LogSummary,
    RulebookRef,
    Value,
)
from gigcity.services.printed_page import (
    A4_H,
    A4_W,
    INK,
    MUTED,
    TextMode,
    a4_page,
    matplotlib_svg,
    nested_svg,
    rule_line,
    svg_text,
    text_width,
    wrap_text,
)

if TYPE_CHECKING:
    import polars as pl

    from gigcity.services.audit.engine import AuditResult

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
"""Findings' times are UTC; people read them in the district's time."""
REFUSALS_SHOWN = 20
PDF_WORST_SHOWN = 8  # per check: the meeting needs the pattern, findings.csv has them all
ORDERS_SHOWN = 6

# --- words -----------------------------------------------------------------------------------

N_AUDIT = N_("Algorithm audit")
N_SUBTITLE = N_("The decision log {filename} checked against {rulebook}")
N_LOG = N_("The decision log")
N_FILE = N_("File")
N_SHA256 = N_("SHA-256")
N_ROWS = N_("Rows read")
N_REFUSED = N_("Rows refused")
N_ORDERS = N_("Orders")
N_RIDERS = N_("Riders")
N_TRIPS = N_("Trips")
N_DAYS = N_("Days")
N_DAY_RANGE = N_("{first} to {last} ({count} days)")
N_RULEBOOK = N_("The rulebook")
N_RULEBOOK_REF = N_("{title} ({id}, version {version})")
N_PSEUDONYMS = N_("Riders are named by pseudonyms (a keyed hash of the platform's id).")
N_STAFF_ONLY = N_("Staff only: riders are named by the platform's ids. Do not share this report.")
N_RUN = N_(
    "Audited on {created} in {seconds} s; tolerance for delivery-time promises {tolerance_s} s."
)
N_VERDICT_FAILED = N_("Failed: {failed} of {applicable} applicable checks.")
N_VERDICT_PASSED = N_("All applicable checks passed ({applicable}).")
N_VERDICT_NONE = N_("No check applied to this log.")
N_SUMMARY = N_("Summary: one row per check")
N_CHECK = N_("Check")
N_CLAUSE = N_("Clause cited")
N_CHECKED = N_("Checked")
N_BREACHES = N_("Breaches")
N_RATE = N_("Rate")
N_RESULT = N_("Result")
N_PASS = N_("Pass")
N_FAIL = N_("Fail")
N_NOTHING = N_("Nothing to check")
N_NOT_APPLICABLE = N_("Not applicable: the rulebook requires nothing here")
N_RATE_NOTE = N_(
    "Rate: the share of what was checked that kept the clause; for combined orders, the "
    "share that was on the way (the rules require more than {threshold}%)."
)
N_RATE_NOTE_PLAIN = N_("Rate: the share of what was checked that kept the clause.")
N_CHART_BREACHES = N_("Breaches per check")
N_CHART_TREND = N_("Rate by day, per check")
N_AXIS_BREACHES = N_("breaches")
N_AXIS_RATE = N_("% kept")
N_REQUIRED = N_("required")
N_WORST = N_("The worst cases")
N_WORST_HEAD = N_("{title} — findings: {findings}, shown: {shown}")
N_WORST_NOTE = N_("Every finding is in findings.csv; the times are Shanghai time.")
N_NO_BREACHES = N_("No breaches found.")
N_RIDER = N_("Rider")
N_DAY = N_("Day")
N_TIME = N_("Time")
N_EVIDENCE = N_("Evidence")
N_MORE_ORDERS = N_("and {more} more")
N_NOT_CHECKED = N_("Clauses not checked")
N_NOT_CHECKED_NOTE = N_("No check of this audit covers these clauses of the rulebook.")
N_REFUSALS = N_("Rows refused")
N_REFUSALS_NOTE = N_(
    "Rows that could not be read and were left out of the audit: {refused}. The first ones:"
)
N_LINE = N_("Line")
N_COLUMN = N_("Column")
N_REASON = N_("Reason")
N_CHANGED = N_("What changed")
N_COMPARISON = N_("Audit comparison")
N_BEFORE = N_("Before")
N_AFTER = N_("After")
N_BEFORE_AUDIT = N_("Before: {filename}, {days}, {rulebook}")
N_AFTER_AUDIT = N_("After: {filename}, {days}, {rulebook}")
N_RATE_BEFORE = N_("Rate before")
N_RATE_AFTER = N_("Rate after")
N_BREACHES_BEFORE = N_("Breaches before")
N_BREACHES_AFTER = N_("Breaches after")
N_CHANGE = N_("Change")
N_PAGE = N_("Page {page} of {pages}")
CHANGES = {
    "better": N_("better"),
    "worse": N_("worse"),
    "same": N_("same"),
    "new": N_("new"),
    "gone": N_("gone"),
}


def _t(locale: str, msgid: str, **params: Any) -> str:
    return gettext(locale, msgid, **params)


# --- values as text --------------------------------------------------------------------------


def percent(rate: float | None) -> str:
    """A rate (in per cent, as the engine gives it) with one decimal, '–' for none."""
    return "–" if rate is None else f"{rate:.1f}%"


def local_time(moment: datetime) -> datetime:
    """A finding's time (UTC; a naive one is taken as UTC) in the district's time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(LOCAL_TZ)


def time_span(start: datetime | None, end: datetime | None) -> str:
    if start is None:
        return "–"
    first = local_time(start)
    text = first.strftime("%Y-%m-%d %H:%M")
    if end is not None:
        last = local_time(end)
        same_day = last.date() == first.date()
        text += "–" + last.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")
    return text


def orders_text(orders: Sequence[str], locale: str) -> str:
    shown = ", ".join(orders[:ORDERS_SHOWN])
    if len(orders) > ORDERS_SHOWN:
        shown += " " + _t(locale, N_MORE_ORDERS, more=len(orders) - ORDERS_SHOWN)
    return shown or "–"


def _tidy(value: Value) -> Value:
    """A number as people write it: 13.0 minutes are 13, 87.456% is 87.5."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 1)
    return value


def evidence(finding: Finding, locale: str) -> str:
    """The finding told in words; its raw numbers if the catalogue's text does not fit them
    (a report must show every finding, even one a newer engine wrote)."""
    tidy = {k: _tidy(v) for k, v in finding.values.items()}
    try:
        return catalog.evidence_text(finding.model_copy(update={"values": tidy}), locale)
    except (KeyError, IndexError, ValueError):
        return json.dumps(finding.values, ensure_ascii=False, sort_keys=True)


def requirement(result: CheckResult, locale: str) -> str:
    try:
        return catalog.requirement_text(result, locale)
    except (KeyError, IndexError, ValueError):
        return ""


def title(check: str, locale: str) -> str:
    return catalog.check_title(check, locale) if check in catalog.BY_ID else check


def _days(days: Sequence[date], locale: str) -> str:
    if not days:
        return "–"
    if len(days) == 1:
        return days[0].isoformat()
    return _t(
        locale, N_DAY_RANGE, first=days[0].isoformat(), last=days[-1].isoformat(),
        count=len(days),
    )  # fmt: skip


def _rulebook(ref: RulebookRef, locale: str) -> str:
    name = ref.title_zh if locale.startswith("zh") and ref.title_zh else ref.title
    return _t(locale, N_RULEBOOK_REF, title=name, id=ref.id, version=ref.version)


def _result_word(result: CheckResult, locale: str) -> tuple[str, str]:
    """(words, css class) of a check's outcome: the word carries it, the colour repeats it."""
    if not result.applicable:
        return _t(locale, N_NOT_APPLICABLE), "na"
    if result.passed is None:
        return _t(locale, N_NOTHING), "na"
    if result.passed:
        return "✓ " + _t(locale, N_PASS), "pass"
    return "× " + _t(locale, N_FAIL), "fail"


def _checked(result: CheckResult, locale: str) -> str:
    return f"{format_number(result.checked, locale)} {catalog.unit_text(result.unit, locale)}"


def _verdict(report: AuditReport, locale: str) -> str:
    applicable = [c for c in report.checks if c.applicable and c.passed is not None]
    failed = sum(1 for c in applicable if c.passed is False)
    if not applicable:
        return _t(locale, N_VERDICT_NONE)
    if failed:
        return _t(locale, N_VERDICT_FAILED, failed=failed, applicable=len(applicable))
    return _t(locale, N_VERDICT_PASSED, applicable=len(applicable))


def _rate_note(report: AuditReport, locale: str) -> str:
    for result in report.checks:
        if result.applicable and result.threshold is not None:
            return _t(locale, N_RATE_NOTE, threshold=f"{result.threshold:g}")
    return _t(locale, N_RATE_NOTE_PLAIN)


def _log_facts(log: LogSummary, locale: str) -> list[tuple[str, str]]:
    return [
        (_t(locale, N_FILE), log.filename),
        (_t(locale, N_SHA256), log.sha256),
        (_t(locale, N_ROWS), format_number(log.rows, locale)),
        (_t(locale, N_REFUSED), format_number(log.refused, locale)),
        (_t(locale, N_ORDERS), format_number(log.orders, locale)),
        (_t(locale, N_RIDERS), format_number(log.riders, locale)),
        (_t(locale, N_TRIPS), format_number(log.trips, locale)),
        (_t(locale, N_DAYS), _days(log.days, locale)),
    ]


def _run_line(report: AuditReport, locale: str) -> str:
    return _t(
        locale,
        N_RUN,
        created=local_time(report.created_at).strftime("%Y-%m-%d %H:%M"),
        seconds=f"{report.seconds:.1f}",
        tolerance_s=f"{report.eta_tolerance_s:g}",
    )


# --- charts ----------------------------------------------------------------------------------

PASS_COLOUR, FAIL_COLOUR, LINE_COLOUR, LIMIT_COLOUR = "#3f7f4f", "#b3262d", "#0b6fa4", "#d55e00"


def _svg(
    draw: Callable[[Any], None], *, width: float, height: float, text: TextMode, prefix: str
) -> str:
    return matplotlib_svg(
        draw, width=width, height=height, text=text, salt="gigcity-audit", prefix=prefix
    )


def _label(text: str, width: int) -> str:
    """A chart label broken into lines of about `width` characters (Chinese counts double)."""
    lines: list[str] = []
    line = ""
    for piece in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+", text):
        if line and text_width(line + piece) * 2 > width and not piece.isspace():
            lines.append(line.strip())
            line = ""
        line += piece
    lines.append(line.strip())
    return "\n".join(lines)


def _applicable(report: AuditReport) -> list[CheckResult]:
    return [c for c in report.checks if c.applicable]


def breaches_chart(report: AuditReport, locale: str, *, text: TextMode = "fonts") -> str:
    """Horizontal bars: each applicable check's breaches, failing checks in red."""
    checks = _applicable(report)
    if not checks:
        return ""

    def draw(figure: Any) -> None:
        from matplotlib.ticker import MaxNLocator

        axes = figure.add_subplot()
        names = [_label(title(c.check, locale), 26) for c in checks]
        counts = [c.breaches for c in checks]
        colours = [FAIL_COLOUR if c.passed is False else PASS_COLOUR for c in checks]
        bars = axes.barh(range(len(checks)), counts, color=colours, height=0.6)
        axes.bar_label(bars, [format_number(n, locale) for n in counts], padding=3, fontsize=8)
        axes.set_yticks(range(len(checks)), names, fontsize=8)
        axes.invert_yaxis()
        axes.set_xlabel(_t(locale, N_AXIS_BREACHES))
        axes.set_xlim(0, max(1, max(counts)) * 1.15)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()

    return _svg(draw, width=5.6, height=0.42 * len(checks) + 0.8, text=text, prefix="breaches")


def _trended(report: AuditReport) -> list[CheckResult]:
    """The checks a trend is drawn for: applicable ones with a rate, when the log has days."""
    if len(report.log.days) < 2:
        return []
    return [c for c in _applicable(report) if any(d.rate is not None for d in c.by_day)]


def _draw_trend(
    axes: Any, result: CheckResult, days: list[date], locale: str, *, size: float
) -> None:
    """One check's rate by day on `axes`, the rules' required rate dashed where there is one."""
    points = [(days.index(d.day), d.rate) for d in result.by_day
              if d.rate is not None and d.day in days]  # fmt: skip
    colour = FAIL_COLOUR if result.passed is False else LINE_COLOUR
    axes.plot([x for x, _ in points], [y for _, y in points], "o-", ms=2.5, lw=1.2,
              color=colour)  # fmt: skip
    if result.threshold is not None:
        axes.axhline(result.threshold, color=LIMIT_COLOUR, lw=0.9, ls="--",
                     label=_t(locale, N_REQUIRED))  # fmt: skip
        axes.legend(frameon=False, fontsize=size - 1, loc="lower left")
    step = max(1, len(days) // 6)
    axes.set_ylim(0, 105)
    axes.set_xlim(-0.3, len(days) - 0.7)
    axes.set_xticks(range(0, len(days), step), [d.strftime("%m-%d") for d in days[::step]])
    axes.tick_params(labelsize=size - 1)
    axes.set_ylabel(_t(locale, N_AXIS_RATE), fontsize=size)
    axes.spines[["top", "right"]].set_visible(False)


def trend_charts(report: AuditReport, locale: str) -> list[tuple[CheckResult, str]]:
    """For the page: one small chart per check (the page lays them out to fit the screen
    and names each in its caption)."""
    days = list(report.log.days)
    charts = []
    for result in _trended(report):

        def draw(figure: Any, result: CheckResult = result) -> None:
            _draw_trend(figure.add_subplot(), result, days, locale, size=9)
            figure.tight_layout()

        charts.append(
            (
                result,
                _svg(draw, width=3.6, height=2.0, text="fonts", prefix=f"trend-{result.check}"),
            )
        )
    return charts


def trend_chart(report: AuditReport, locale: str, *, text: TextMode = "paths") -> str:
    """For the PDF: small multiples in one figure, each titled (empty when the log has one
    day)."""
    checks = _trended(report)
    if not checks:
        return ""
    days = list(report.log.days)
    columns = 2
    rows = (len(checks) + columns - 1) // columns

    def draw(figure: Any) -> None:
        grid = figure.subplots(rows, columns, squeeze=False)
        for index, axes in enumerate(grid.flat):
            if index >= len(checks):
                axes.set_visible(False)
                continue
            _draw_trend(axes, checks[index], days, locale, size=7)
            axes.set_title(_label(title(checks[index].check, locale), 34), fontsize=7, loc="left")
        figure.tight_layout()

    return _svg(draw, width=6.4, height=1.5 * rows + 0.3, text=text, prefix="trend")


def changes_chart(comparison: AuditComparison, locale: str, *, text: TextMode = "fonts") -> str:
    """Breaches before and after, side by side for each check checked in either."""
    changes = [c for c in comparison.changes
               if c.before_breaches is not None or c.after_breaches is not None]  # fmt: skip
    if not changes:
        return ""

    def draw(figure: Any) -> None:
        axes = figure.add_subplot()
        y = range(len(changes))
        before = [c.before_breaches or 0 for c in changes]
        after = [c.after_breaches or 0 for c in changes]
        axes.barh([i - 0.2 for i in y], before, height=0.38, color="#9a9a9a",
                  label=_t(locale, N_BEFORE))  # fmt: skip
        axes.barh([i + 0.2 for i in y], after, height=0.38, color=LINE_COLOUR,
                  label=_t(locale, N_AFTER))  # fmt: skip
        axes.set_yticks(list(y), [_label(title(c.check, locale), 26) for c in changes],
                        fontsize=7)  # fmt: skip
        axes.invert_yaxis()
        axes.set_xlabel(_t(locale, N_AXIS_BREACHES))
        axes.legend(frameon=False, fontsize=7, loc="lower right")
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()

    return _svg(draw, width=6.4, height=0.5 * len(changes) + 0.9, text=text, prefix="changes")


# --- the HTML page ---------------------------------------------------------------------------

_STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  margin: 0 auto; max-width: 64rem; padding: 1rem; color: #1a1a1a; line-height: 1.5; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid #ddd; }
h3 { font-size: 1rem; margin: 1.5rem 0 0.5rem; }
.note, .sub { color: #555; font-size: 0.9rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0; }
dl.facts dt { color: #555; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
code { font-size: 0.85em; overflow-wrap: anywhere; }
.verdict { font-size: 1.1rem; font-weight: 600; padding: 0.5rem 0.75rem; border-left: 4px solid; }
.verdict.fail { border-color: #b3262d; background: #fbeaea; }
.verdict.pass { border-color: #3f7f4f; background: #eaf5ec; }
.staff { background: #fff3cd; padding: 0.5rem 0.75rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 0.5rem 0 1rem; }
th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #ddd;
  vertical-align: top; overflow-wrap: anywhere; }
thead th { border-bottom: 2px solid #999; }
td.nowrap { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pass { color: #2d6a3a; font-weight: 600; } .fail { color: #b3262d; font-weight: 700; }
.na { color: #666; font-style: italic; }
tr.fail-row { background: #fdf3f3; }
small.req { display: block; color: #555; }
figure { margin: 1rem 0; } figcaption { font-weight: 600; margin-bottom: 0.25rem; }
figure svg { display: block; width: 100%; max-width: 46rem; height: auto; }
.multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr));
  gap: 0 1.5rem; }
.multiples figure { margin: 0.5rem 0; } .multiples figcaption { font-weight: normal; }
tbody th { font-weight: normal; }
.evidence { max-width: 40rem; }
@media (max-width: 40rem) {
  body { padding: 0.75rem; font-size: 0.95rem; }
  table.cards thead { display: none; }
  table.cards tr { display: block; border-bottom: 2px solid #ccc; padding: 0.4rem 0; }
  table.cards th, table.cards td { display: block; border: 0; padding: 0.1rem 0; text-align: left; }
  table.cards td[data-label]::before { content: attr(data-label) ": "; color: #555; }
  td.num { white-space: normal; }
  table.cards tbody th { font-weight: 600; }
  dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: 0.3rem; }
}
@media print {
  @page { size: A4; margin: 15mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; } figure, tr { break-inside: avoid; }
  tr.fail-row, .verdict { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


def _esc(text: object) -> str:
    return html.escape(str(text))


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Sequence[int] = (),
    nowrap: Sequence[int] = (), row_class: Sequence[str] | None = None, raw: bool = False,
) -> str:  # fmt: skip
    """A table that turns into labelled cards on a phone. Cells are escaped unless `raw`
    (the caller escaped them and added markup)."""
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in headers)
    body: list[str] = []
    for r, row in enumerate(rows):
        cls = f' class="{row_class[r]}"' if row_class and row_class[r] else ""
        cells = []
        for i, cell in enumerate(row):
            content = cell if raw else _esc(cell)
            if i == 0:
                cells.append(f'<th scope="row">{content}</th>')
            else:
                num = ' class="num"' if i in numeric else ' class="nowrap"' if i in nowrap else ""
                cells.append(f'<td{num} data-label="{_esc(headers[i])}">{content}</td>')
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return (
        f'<table class="cards"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _facts(facts: Sequence[tuple[str, str]], *, code: Sequence[int] = ()) -> str:
    items = []
    for i, (label, value) in enumerate(facts):
        shown = f"<code>{_esc(value)}</code>" if i in code else _esc(value)
        items.append(f"<dt>{_esc(label)}</dt><dd>{shown}</dd>")
    return f'<dl class="facts">{"".join(items)}</dl>'


def _clause_cell(clause: str, locale: str) -> str:
    return f"{_esc(clause_title(clause, locale))}<br><code>{_esc(clause)}</code>"


def _summary_table(report: AuditReport, locale: str) -> str:
    headers = [_t(locale, m) for m in (N_CHECK, N_CLAUSE, N_CHECKED, N_BREACHES, N_RATE, N_RESULT)]
    rows: list[list[str]] = []
    classes: list[str] = []
    for result in report.checks:
        word, cls = _result_word(result, locale)
        need = requirement(result, locale) if result.applicable else ""
        name = f"<strong>{_esc(title(result.check, locale))}</strong>"
        if need:
            name += f'<small class="req">{_esc(need)}</small>'
        clause = _clause_cell(result.clauses[0], locale) if result.clauses else "–"
        if not result.applicable:
            rows.append([name, clause, "–", "–", "–", f'<span class="na">{_esc(word)}</span>'])
        else:
            rows.append([
                name, clause, _esc(_checked(result, locale)),
                _esc(format_number(result.breaches, locale)), _esc(percent(result.rate)),
                f'<span class="{cls}">{_esc(word)}</span>',
            ])  # fmt: skip
        classes.append("fail-row" if cls == "fail" else "")
    return _table(headers, rows, numeric=(2, 3, 4), row_class=classes, raw=True)


def _worst_section(report: AuditReport, locale: str) -> str:
    parts = [f"<h2>{_esc(_t(locale, N_WORST))}</h2>",
             f'<p class="note">{_esc(_t(locale, N_WORST_NOTE))}</p>']  # fmt: skip
    headers = [_t(locale, m) for m in (N_EVIDENCE, N_RIDER, N_ORDERS, N_TIME)]
    any_shown = False
    for result in report.checks:
        if not result.worst:
            continue
        any_shown = True
        head = _t(
            locale, N_WORST_HEAD, title=title(result.check, locale),
            findings=format_number(result.findings or result.breaches, locale),
            shown=len(result.worst),
        )  # fmt: skip
        rows = [
            [evidence(f, locale), f.rider or "–", orders_text(f.orders, locale),
             time_span(f.start, f.end) if f.start else f.day.isoformat()]
            for f in result.worst
        ]  # fmt: skip
        parts.append(f'<h3 id="worst-{_esc(result.check)}">{_esc(head)}</h3>')
        parts.append(_table(headers, rows, nowrap=(1,)))
    if not any_shown:
        parts.append(f"<p>{_esc(_t(locale, N_NO_BREACHES))}</p>")
    return "\n".join(parts)


def _not_checked(report: AuditReport, locale: str) -> str:
    if not report.not_checked:
        return ""
    items = "".join(f"<li>{_clause_cell(c, locale)}</li>" for c in report.not_checked)
    return (
        f"<h2>{_esc(_t(locale, N_NOT_CHECKED))}</h2>"
        f'<p class="note">{_esc(_t(locale, N_NOT_CHECKED_NOTE))}</p><ul>{items}</ul>'
    )


def _refusals(report: AuditReport, locale: str) -> str:
    if not report.log.refused and not report.refusals:
        return ""
    rows = [[str(r.line), r.field, r.reason] for r in report.refusals[:REFUSALS_SHOWN]]
    headers = [_t(locale, m) for m in (N_LINE, N_COLUMN, N_REASON)]
    note = _t(locale, N_REFUSALS_NOTE, refused=format_number(report.log.refused, locale))
    return f'<h2 id="refusals">{_esc(_t(locale, N_REFUSALS))}</h2><p>{_esc(note)}</p>' + _table(
        headers, rows
    )


def _change_rows(comparison: AuditComparison, locale: str) -> tuple[list[list[str]], list[str]]:
    rows: list[list[str]] = []
    classes: list[str] = []
    for change in comparison.changes:
        rows.append(_change_row(change, locale))
        classes.append("fail-row" if change.change == "worse" else "")
    return rows, classes


def _breaches(value: int | None, locale: str) -> str:
    return "–" if value is None else format_number(value, locale)


def _change_row(change: CheckChange, locale: str) -> list[str]:
    word = _t(locale, CHANGES.get(change.change, change.change))
    mark = {"better": "▲ ", "worse": "▼ "}.get(change.change, "")
    return [
        title(change.check, locale), percent(change.before_rate), percent(change.after_rate),
        _breaches(change.before_breaches, locale), _breaches(change.after_breaches, locale),
        mark + word,
    ]  # fmt: skip


def _comparison_section(comparison: AuditComparison, locale: str, *, heading: bool) -> str:
    headers = [_t(locale, m) for m in (N_CHECK, N_RATE_BEFORE, N_RATE_AFTER, N_BREACHES_BEFORE,
                                       N_BREACHES_AFTER, N_CHANGE)]  # fmt: skip
    rows, classes = _change_rows(comparison, locale)
    lines = [
        _t(locale, N_BEFORE_AUDIT, filename=comparison.before.filename,
           days=_days(comparison.before.days, locale),
           rulebook=_rulebook(comparison.before_rulebook, locale)),
        _t(locale, N_AFTER_AUDIT, filename=comparison.after.filename,
           days=_days(comparison.after.days, locale),
           rulebook=_rulebook(comparison.after_rulebook, locale)),
    ]  # fmt: skip
    chart = changes_chart(comparison, locale)
    figure = (
        f"<figure><figcaption>{_esc(_t(locale, N_CHART_BREACHES))}</figcaption>{chart}</figure>"
        if chart
        else ""
    )
    top = f'<h2 id="changes">{_esc(_t(locale, N_CHANGED))}</h2>' if heading else ""
    return (
        top
        + "".join(f'<p class="note">{_esc(line)}</p>' for line in lines)
        + _table(headers, rows, numeric=(1, 2, 3, 4), row_class=classes)
        + figure
    )


def _page(locale: str, page_title: str, body: str) -> str:
    lang = locale.replace("_", "-")
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(page_title)}</title>
<style>{_STYLE}</style>
</head>
<body>
{body}
</body>
</html>
"""


def report_html(
    report: AuditReport, locale: str, *, comparison: AuditComparison | None = None
) -> str:
    """The audit as one standalone page in `locale` (phone, desktop and print)."""
    failed = any(c.applicable and c.passed is False for c in report.checks)
    rulebook = _rulebook(report.rulebook, locale)
    header = [
        f"<h1>{_esc(_t(locale, N_AUDIT))}</h1>",
        f'<p class="sub">{_esc(_t(locale, N_SUBTITLE, filename=report.log.filename, rulebook=rulebook))}</p>',
        f'<p class="verdict {"fail" if failed else "pass"}">{_esc(_verdict(report, locale))}</p>',
    ]
    pseudonyms = _t(locale, N_PSEUDONYMS if report.pseudonymised else N_STAFF_ONLY)
    header.append(
        f'<p class="{"note" if report.pseudonymised else "staff"}">{_esc(pseudonyms)}</p>'
    )
    sections = [
        "<header>" + "\n".join(header) + "</header>",
        f"<h2>{_esc(_t(locale, N_LOG))}</h2>" + _facts(_log_facts(report.log, locale), code=(1,)),
        f"<h2>{_esc(_t(locale, N_RULEBOOK))}</h2><p>{_esc(rulebook)}</p>"
        f'<p class="note">{_esc(_run_line(report, locale))}</p>',
        f'<h2 id="summary">{_esc(_t(locale, N_SUMMARY))}</h2>'
        + _summary_table(report, locale)
        + f'<p class="note">{_esc(_rate_note(report, locale))}</p>',
    ]
    bars = breaches_chart(report, locale)
    if bars:
        sections.append(
            f"<figure><figcaption>{_esc(_t(locale, N_CHART_BREACHES))}</figcaption>{bars}</figure>"
        )
    trends = trend_charts(report, locale)
    if trends:
        cells = "".join(
            f"<figure><figcaption>{_esc(title(result.check, locale))}</figcaption>{svg}</figure>"
            for result, svg in trends
        )
        sections.append(
            f'<h3>{_esc(_t(locale, N_CHART_TREND))}</h3><div class="multiples">{cells}</div>'
        )
    if comparison is not None:
        sections.append(_comparison_section(comparison, locale, heading=True))
    sections += [_worst_section(report, locale), _not_checked(report, locale),
                 _refusals(report, locale)]  # fmt: skip
    page_title = f"{_t(locale, N_AUDIT)} — {report.log.filename}"
    return _page(locale, page_title, "\n".join(s for s in sections if s))


def comparison_html(comparison: AuditComparison, locale: str) -> str:
    """Two audits (two months, before and after a measure) side by side, one page."""
    heading = f"<h1>{_esc(_t(locale, N_COMPARISON))}</h1>"
    body = heading + _comparison_section(comparison, locale, heading=False)
    page_title = (
        f"{_t(locale, N_COMPARISON)} — {comparison.before.filename} → {comparison.after.filename}"
    )
    return _page(locale, page_title, body)


# --- the PDF ---------------------------------------------------------------------------------

PAGE_W, PAGE_H, MARGIN = A4_W, A4_H, 15.0
BOTTOM = PAGE_H - MARGIN - 6  # the footer's line below


def _svg_size(svg: str) -> tuple[float, float]:
    match = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    return (float(match.group(1)), float(match.group(2))) if match else (4.0, 3.0)


@dataclass(frozen=True, slots=True)
class _Col:
    header: str
    width: float
    numeric: bool = False


class _Pages:
    """A4 pages filled top to bottom: what does not fit goes on the next page."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.y = MARGIN

    def room(self, height: float) -> None:
        if self.y + height > BOTTOM and self.y > MARGIN + 1:
            self.pages.append([])
            self.y = MARGIN

    def add(self, part: str) -> None:
        self.pages[-1].append(part)

    def paragraph(self, text: str, size: float, *, weight: str = "normal", fill: str = INK,
                  gap: float = 1.5) -> None:  # fmt: skip
        for line in wrap_text(text, PAGE_W - 2 * MARGIN, size):
            self.room(size * 1.45)
            self.y += size * 1.45
            self.add(svg_text(MARGIN, self.y, line, size, weight=weight, fill=fill))
        self.y += gap

    def heading(self, text: str, size: float = 5.0) -> None:
        self.room(size * 1.5 + 12)  # keep a heading with what follows it
        self.y += 3
        self.paragraph(text, size, weight="bold", gap=1.0)

    def figure(self, svg: str, caption: str) -> None:
        w, h = _svg_size(svg)
        width = PAGE_W - 2 * MARGIN
        height = width * h / w
        if height > BOTTOM - MARGIN - 12:
            width, height = width * (BOTTOM - MARGIN - 12) / height, BOTTOM - MARGIN - 12
        self.room(height + 12)  # the caption stays with its chart
        self.heading(caption)
        self.add(nested_svg(svg, MARGIN, self.y + 1, width, height))
        self.y += height + 3

    def table(self, cols: Sequence[_Col], rows: Sequence[Sequence[str]], *, size: float = 3.0,
              fills: Sequence[str | None] = ()) -> None:  # fmt: skip
        line_h = size * 1.35

        def header() -> None:
            self.room(line_h * 3)
            x = MARGIN
            self.y += line_h
            for col in cols:
                anchor, tx = ("end", x + col.width - 1) if col.numeric else ("start", x + 1)
                self.add(svg_text(tx, self.y, col.header, size, anchor=anchor, weight="bold",
                               fill=MUTED))  # fmt: skip
                x += col.width
            self.y += 1.2
            self.add(_rule(self.y, 0.35))

        header()
        for r, row in enumerate(rows):
            spans = _spans(cols, len(row))
            cells = [
                wrap_text(cell, col.width - 2, size) for cell, col in zip(row, spans, strict=True)
            ]
            height = max(len(c) for c in cells) * line_h + 1.6
            if self.y + height > BOTTOM:
                self.room(BOTTOM)  # a new page, with the header again
                header()
            fill = fills[r] if r < len(fills) else None
            if fill:
                self.add(f'<rect x="{MARGIN}" y="{self.y:.2f}" width="{PAGE_W - 2 * MARGIN}" '
                         f'height="{height:.2f}" fill="{fill}"/>')  # fmt: skip
            x = MARGIN
            for lines, col in zip(cells, spans, strict=True):
                anchor, tx = ("end", x + col.width - 1) if col.numeric else ("start", x + 1)
                for i, line in enumerate(lines):
                    self.add(svg_text(tx, self.y + (i + 1) * line_h, line, size, anchor=anchor))
                x += col.width
            self.y += height
            self.add(_rule(self.y, 0.15))
        self.y += 3

    def svgs(self, footer: str, locale: str) -> list[str]:
        count = len(self.pages)
        out = []
        for number, parts in enumerate(self.pages, start=1):
            page = _t(locale, N_PAGE, page=number, pages=count)
            foot = svg_text(MARGIN, PAGE_H - MARGIN + 2, footer, 2.6, fill=MUTED) + svg_text(
                PAGE_W - MARGIN, PAGE_H - MARGIN + 2, page, 2.6, anchor="end", fill=MUTED
            )
            out.append(a4_page([*parts, foot]))
        return out


def _spans(cols: Sequence[_Col], cells: int) -> list[_Col]:
    """The columns of a row of `cells` cells: its last cell spans what is left (a
    not-applicable check says so across the numbers' columns)."""
    if cells >= len(cols):
        return list(cols)
    rest = sum(col.width for col in cols[cells - 1 :])
    return [*cols[: cells - 1], _Col(cols[cells - 1].header, rest)]


def _rule(y: float, width: float) -> str:
    return rule_line(MARGIN, PAGE_W - MARGIN, y, width)


def report_pages(report: AuditReport, locale: str) -> list[str]:
    """The PDF's pages as SVG documents (A4, millimetres): what `report_pdf` prints."""
    pages = _Pages()
    rulebook = _rulebook(report.rulebook, locale)
    pages.paragraph(_t(locale, N_AUDIT), 7.0, weight="bold", gap=1.0)
    pages.paragraph(
        _t(locale, N_SUBTITLE, filename=report.log.filename, rulebook=rulebook), 3.6, fill=MUTED
    )
    failed = any(c.applicable and c.passed is False for c in report.checks)
    pages.paragraph(_verdict(report, locale), 4.6, weight="bold",
                    fill=FAIL_COLOUR if failed else PASS_COLOUR)  # fmt: skip
    pages.paragraph(_t(locale, N_PSEUDONYMS if report.pseudonymised else N_STAFF_ONLY), 3.2,
                    weight="normal" if report.pseudonymised else "bold")  # fmt: skip
    pages.table(
        [_Col(_t(locale, N_LOG), 40), _Col("", PAGE_W - 2 * MARGIN - 40)],
        [*_log_facts(report.log, locale), (_t(locale, N_RULEBOOK), rulebook)],
        size=3.0,
    )
    pages.paragraph(_run_line(report, locale), 2.8, fill=MUTED)

    pages.heading(_t(locale, N_SUMMARY))
    cols = [
        _Col(_t(locale, N_CHECK), 52), _Col(_t(locale, N_CLAUSE), 42),
        _Col(_t(locale, N_CHECKED), 26, numeric=True), _Col(_t(locale, N_BREACHES), 18, numeric=True),
        _Col(_t(locale, N_RATE), 16, numeric=True), _Col(_t(locale, N_RESULT), 26),
    ]  # fmt: skip
    rows: list[list[str]] = []
    fills: list[str | None] = []
    for result in report.checks:
        word, cls = _result_word(result, locale)
        clause = clause_title(result.clauses[0], locale) if result.clauses else "–"
        if result.applicable:
            rows.append([title(result.check, locale), clause, _checked(result, locale),
                         format_number(result.breaches, locale), percent(result.rate), word])  # fmt: skip
        else:
            rows.append([title(result.check, locale), clause, word])
        fills.append("#fbeaea" if cls == "fail" else None)
    pages.table(cols, rows, size=2.9, fills=fills)
    pages.paragraph(_rate_note(report, locale), 2.8, fill=MUTED)

    bars = breaches_chart(report, locale, text="paths")
    if bars:
        pages.figure(bars, _t(locale, N_CHART_BREACHES))
    trend = trend_chart(report, locale, text="paths")
    if trend:
        pages.figure(trend, _t(locale, N_CHART_TREND))

    pages.heading(_t(locale, N_WORST))
    pages.paragraph(_t(locale, N_WORST_NOTE), 2.8, fill=MUTED)
    worst_cols = [
        _Col(_t(locale, N_EVIDENCE), 88), _Col(_t(locale, N_RIDER), 24),
        _Col(_t(locale, N_ORDERS), 36), _Col(_t(locale, N_TIME), 32),
    ]  # fmt: skip
    shown_any = False
    for result in report.checks:
        if not result.worst:
            continue
        shown_any = True
        worst = result.worst[:PDF_WORST_SHOWN]
        pages.heading(
            _t(locale, N_WORST_HEAD, title=title(result.check, locale),
               findings=format_number(result.findings or result.breaches, locale),
               shown=len(worst)),
            size=3.6,
        )  # fmt: skip
        pages.table(
            worst_cols,
            [[evidence(f, locale), f.rider or "–", orders_text(f.orders, locale),
              time_span(f.start, f.end) if f.start else f.day.isoformat()] for f in worst],
            size=2.8,
        )  # fmt: skip
    if not shown_any:
        pages.paragraph(_t(locale, N_NO_BREACHES), 3.2)

    if report.not_checked:
        pages.heading(_t(locale, N_NOT_CHECKED))
        pages.paragraph(_t(locale, N_NOT_CHECKED_NOTE), 2.8, fill=MUTED)
        for clause in report.not_checked:
            pages.paragraph(f"• {clause_title(clause, locale)} ({clause})", 3.0, gap=0.2)
    if report.log.refused or report.refusals:
        pages.heading(_t(locale, N_REFUSALS))
        pages.paragraph(
            _t(locale, N_REFUSALS_NOTE, refused=format_number(report.log.refused, locale)), 3.0
        )
        pages.table(
            [_Col(_t(locale, N_LINE), 20, numeric=True), _Col(_t(locale, N_COLUMN), 40),
             _Col(_t(locale, N_REASON), PAGE_W - 2 * MARGIN - 60)],
            [[str(r.line), r.field, r.reason] for r in report.refusals[:REFUSALS_SHOWN]],
            size=2.8,
        )  # fmt: skip
    footer = f"{_t(locale, N_AUDIT)} · {report.log.filename} · {report.log.sha256[:12]}"
    return pages.svgs(footer, locale)


def pages_pdf(pages: Sequence[str]) -> bytes:
    """SVG pages set as one PDF: cairosvg draws each page onto one shared cairo PDF surface
    (cairosvg alone makes one page per file)."""
    import cairocffi  # type: ignore[import-untyped]  # no stubs
    import cairosvg.parser  # type: ignore[import-untyped]
    import cairosvg.surface  # type: ignore[import-untyped]

    output = io.BytesIO()
    shared = cairocffi.PDFSurface(output, PAGE_W / 25.4 * 72, PAGE_H / 25.4 * 72)

    class PageSurface(cairosvg.surface.PDFSurface):  # type: ignore[misc]
        def _create_surface(self, width: float, height: float) -> tuple[Any, float, float]:
            shared.set_size(width, height)
            return shared, width, height

    for svg in pages:
        tree = cairosvg.parser.Tree(bytestring=svg.encode("utf-8"))
        page = PageSurface(tree, output, 96)
        page.context.show_page()
    shared.finish()
    return output.getvalue()


def report_pdf(report: AuditReport, locale: str) -> bytes:
    """The audit as an A4 PDF for the meeting: summary, charts, the worst cases."""
    return pages_pdf(report_pages(report, locale))


# --- CSV and the files of a run --------------------------------------------------------------

CSV_COLUMNS = ("check", "clause", "day", "rider", "orders", "start", "end", "severity", "values")


def _iso_local(value: datetime | None) -> str:
    return "" if value is None else local_time(value).isoformat()


def findings_csv(findings: pl.DataFrame) -> bytes:
    """Every finding, one a row, for a spreadsheet: UTF-8 with a BOM (Excel reads Chinese
    right), orders joined with spaces, times in ISO 8601 local time with their offset."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in findings.select(CSV_COLUMNS).iter_rows(named=True):
        day = row["day"]
        writer.writerow([
            row["check"], row["clause"], day.isoformat() if day is not None else "",
            row["rider"] or "", " ".join(row["orders"] or ()), _iso_local(row["start"]),
            _iso_local(row["end"]), "" if row["severity"] is None else repr(row["severity"]),
            row["values"] or "{}",
        ])  # fmt: skip
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def write_outputs(
    result: AuditResult,
    out_dir: Path,
    locale: str,
    *,
    comparison: AuditComparison | None = None,
) -> dict[str, Path]:
    """report.json, report.html, report.pdf and findings.csv (and comparison.json) in
    `out_dir`, by kind: json, html, pdf, csv, comparison."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = result.report
    files: dict[str, tuple[str, bytes]] = {
        "json": ("report.json", report.model_dump_json(indent=2).encode("utf-8")),
        "html": ("report.html", report_html(report, locale, comparison=comparison).encode("utf-8")),
        "pdf": ("report.pdf", report_pdf(report, locale)),
        "csv": ("findings.csv", findings_csv(result.findings)),
    }
    if comparison is not None:
        files["comparison"] = (
            "comparison.json",
            comparison.model_dump_json(indent=2).encode("utf-8"),
        )
    written: dict[str, Path] = {}
    for kind, (name, data) in files.items():
        path = out_dir / name
        path.write_bytes(data)
        written[kind] = path
    return written
