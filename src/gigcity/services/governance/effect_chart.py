"""A measure's evaluation drawn: the chart (SVG) and a printable one-page A4 sheet (PDF).

The chart shows the observed counts of each period, the model's fit, the counterfactual
after the measure (what the trend and season alone would have given) and the measure's date.
Text is passed in already translated: the caller knows the reader's language.

Like the simulator's charts (`gigcity.sim.charts`, which services may not import), the SVG
has no date and a fixed hash salt, so the same evaluation gives the same bytes. For pages the
text stays `<text>` and the reader's fonts draw it; for the PDF it is drawn as outlines with
Noto Sans CJK (installed on the server: fonts-noto-cjk) and the page goes through cairosvg.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from gigcity.i18n import N_
from gigcity.services.printed_page import (
    A4_H,
    A4_W,
    MUTED,
    a4_page,
    matplotlib_svg,
    nested_svg,
    svg_text,
    wrap_text,
)

"""Chinese first, then matplotlib's own sans-serif fonts."""
PAGE_W, PAGE_H, MARGIN = A4_W, A4_H, 18.0
COLOURS = {
    "observed": "#4a4a4a",
    "fitted": "#0b6fa4",
    "counterfactual": "#d55e00",
    "measure": "#009e73",
}

# Words for the chart and the sheet, for the caller to translate and pass in.
N_OBSERVED = N_("Observed counts")
N_FITTED = N_("Fitted by the model")
N_COUNTERFACTUAL = N_("Without the measure (model)")
N_MEASURE_STARTS = N_("Measure starts")
N_PER_WEEK = N_("Complaints a week")
N_PER_MONTH = N_("Complaints a month")
N_SHEET_TITLE = N_("Evaluation of a measure: {measure}")
N_PLACE = N_("Where the measure was taken")
N_MEASURE = N_("What was done")
N_START_DATE = N_("In place since")
N_COST = N_("What it cost")
N_MODEL_HEADING = N_("Model and caveats")
N_SYNTHETIC_DATA = N_(
    "Synthetic data for the demonstration: generated complaints, not real hotline records; "
    "the measures' dates and costs are assumptions."
)
N_CAVEAT_REPORTING = N_(
    "Complaints count what people report, not everything that happens: anything that makes "
    "reporting easier or harder changes the counts too."
)
N_CAVEAT_CONCURRENT = N_(
    "Other changes at the same time (other measures, enforcement, the weather) are not in the "
    "model and may share in the change."
)


class Charted(Protocol):
    """What a chart draws: an evaluation of counts (`effect.Evaluation`) or of mean pickup
    times (`pickup_effect.MeanEvaluation`)."""

    @property
    def period_starts(self) -> Sequence[date]: ...
    @property
    def measure_on(self) -> date: ...
    @property
    def observed(self) -> Sequence[float]: ...
    @property
    def fitted(self) -> Sequence[float]: ...
    @property
    def counterfactual(self) -> Sequence[float]: ...


@dataclass(frozen=True)
class ChartLabels:
    """The chart's words in the reader's language."""

    observed: str
    fitted: str
    counterfactual: str
    measure: str
    y_axis: str


@dataclass(frozen=True)
class EvaluationSheet:
    """What the printed page says, translated by the caller."""

    title: str
    facts: Sequence[tuple[str, str]]
    """(label, value) lines: place, measure, start date, cost."""
    sentence: str
    model_heading: str
    model: str
    caveats: Sequence[str]
    labels: ChartLabels
    synthetic: str | None = None
    """The "synthetic data" band, when the data are synthetic."""
    footer: str = ""


def effect_svg(
    ev: Charted,
    labels: ChartLabels,
    *,
    text: Literal["fonts", "paths"] = "fonts",
    width: float = 6.4,
    height: float = 3.2,
) -> str:
    """The chart as an inline `<svg>` element; each series is a group with its own id
    (observed, fitted, counterfactual, measure) so a page or a test can find it."""
    # Days since the first period on the x axis (plain floats), months as its ticks.
    x = [float((d - ev.period_starts[0]).days) for d in ev.period_starts]
    ticks = _month_ticks(ev)
    after = [i for i, d in enumerate(ev.period_starts) if d >= ev.measure_on]
    # The counterfactual from the last period before the measure, so the line joins the fit.
    cf_from = max(0, after[0] - 1) if after else len(x)

    def draw(figure: Any) -> None:
        axes = figure.subplots()
        axes.plot(
            x,
            ev.observed,
            "o",
            ms=3,
            color=COLOURS["observed"],
            label=labels.observed,
            gid="observed",
        )
        axes.plot(
            x,
            ev.fitted,
            "-",
            lw=1.6,
            color=COLOURS["fitted"],
            label=labels.fitted,
            gid="fitted",
        )
        axes.plot(
            x[cf_from:],
            ev.counterfactual[cf_from:],
            "--",
            lw=1.4,
            color=COLOURS["counterfactual"],
            label=labels.counterfactual,
            gid="counterfactual",
        )
        axes.axvline(
            float((ev.measure_on - ev.period_starts[0]).days),
            color=COLOURS["measure"],
            lw=1.2,
            label=labels.measure,
            gid="measure",
        )
        axes.set_ylabel(labels.y_axis)
        axes.set_ylim(bottom=0)
        axes.set_xticks([t for t, _ in ticks], [label for _, label in ticks])
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(frameon=False, fontsize=8, loc="upper right")
        figure.tight_layout()

    return matplotlib_svg(draw, width=width, height=height, text=text, font_size=9)


def evaluation_svg(ev: Charted, sheet: EvaluationSheet) -> str:
    """The one-page A4 evaluation as SVG (millimetre units)."""
    parts: list[str] = []
    y = MARGIN
    if sheet.synthetic:
        band = wrap_text(sheet.synthetic, PAGE_W - 2 * MARGIN, 3.4)
        parts.append(
            f'<rect x="0" y="0" width="{PAGE_W:g}" height="{len(band) * 4.8 + 4:.2f}" '
            'fill="#fff3cd"/>'
        )
        for i, line in enumerate(band):
            parts.append(
                svg_text(PAGE_W / 2, 6.2 + i * 4.8, line, 3.4, anchor="middle", weight="bold")
            )
        y += len(band) * 4.8 - 2
    for line in wrap_text(sheet.title, PAGE_W - 2 * MARGIN, 7.0):
        y += 7.5
        parts.append(svg_text(MARGIN, y, line, 7.0, weight="bold"))
    y += 4
    for label, value in sheet.facts:
        y += 6
        parts.append(svg_text(MARGIN, y, label, 3.8, fill=MUTED))
        for i, line in enumerate(wrap_text(value, PAGE_W - 2 * MARGIN - 35, 3.8)):
            parts.append(svg_text(MARGIN + 35, y + i * 5, line, 3.8))
            if i:
                y += 5
    y += 6
    box_top = y
    lines = wrap_text(sheet.sentence, PAGE_W - 2 * MARGIN - 8, 5.0)
    parts.append(
        f'<rect x="{MARGIN}" y="{box_top:.2f}" width="{PAGE_W - 2 * MARGIN}" '
        f'height="{len(lines) * 7 + 6:.2f}" fill="#eef6fb" stroke="#0b6fa4" stroke-width="0.3"/>'
    )
    y += 3
    for line in lines:
        y += 7
        parts.append(svg_text(MARGIN + 4, y, line, 5.0, weight="bold"))
    y += 8
    chart_w = PAGE_W - 2 * MARGIN
    chart_h = chart_w / 2
    parts.append(
        nested_svg(effect_svg(ev, sheet.labels, text="paths"), MARGIN, y, chart_w, chart_h)
    )
    y += chart_h + 6
    parts.append(svg_text(MARGIN, y, sheet.model_heading, 4.2, weight="bold"))
    for line in wrap_text(sheet.model, PAGE_W - 2 * MARGIN, 3.4):
        y += 5
        parts.append(svg_text(MARGIN, y, line, 3.4))
    y += 2
    bottom = PAGE_H - MARGIN
    for caveat in sheet.caveats:
        for i, line in enumerate(wrap_text(caveat, PAGE_W - 2 * MARGIN - 5, 3.4)):
            y += 5
            if y > bottom - 6:  # one page: what does not fit is left out, marked
                parts.append(svg_text(MARGIN + 5, y, "…", 3.4))
                break
            if i == 0:
                parts.append(svg_text(MARGIN, y, "•", 3.4))
            parts.append(svg_text(MARGIN + 5, y, line, 3.4))
        else:
            continue
        break
    if sheet.footer:
        parts.append(svg_text(MARGIN, PAGE_H - 10, sheet.footer, 3.0, fill=MUTED))
    return a4_page(parts)


def evaluation_pdf(ev: Charted, sheet: EvaluationSheet) -> bytes:
    """The one-page A4 evaluation as a PDF to print."""
    import cairosvg  # type: ignore[import-untyped]  # no stubs; imported here: half a second

    pdf = cairosvg.svg2pdf(bytestring=evaluation_svg(ev, sheet).encode("utf-8"))
    assert isinstance(pdf, bytes)
    return pdf


def _month_ticks(ev: Charted) -> list[tuple[float, str]]:
    """First days of months along the series (every second or third on long ones)."""
    first = ev.period_starts[0]
    last = ev.period_starts[-1]
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = 1 if months <= 8 else 2 if months <= 18 else 3 if months <= 36 else 6
    out: list[tuple[float, str]] = []
    for k in range(1, months + 1):
        year, month = first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1
        if (month - 1) % step == 0:
            day = date(year, month, 1)
            if day <= last:
                out.append((float((day - first).days), f"{year}-{month:02d}"))
    return out
