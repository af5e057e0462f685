"""A measure's effect: the interrupted time-series model, its sentence, chart and sheet."""

from __future__ import annotations

import math
import re
import time
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gigcity.services.errors import InvalidInput
from gigcity.services.governance import effect
from gigcity.services.governance.effect import (
    Evaluation,
    evaluate,
    per_month_number,
    period_counts,
    sentence,
)
from gigcity.services.governance.effect_chart import (
    ChartLabels,
    EvaluationSheet,
    effect_svg,
    evaluation_pdf,
    evaluation_svg,
)

MONDAY = date(2025, 1, 6)
MEASURE = date(2025, 6, 9)  # week 22 of 52
LABELS = ChartLabels("观测值", "模型拟合", "若无措施", "措施开始", "每周投诉数")


def weekly(weeks: int = 52, first: date = MONDAY) -> tuple[date, ...]:
    return period_counts([], first, weeks)[0]


def drawn(starts: tuple[date, ...], means: list[float], seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    return [int(v) for v in rng.poisson(means)]


def step(starts: tuple[date, ...], before: float, ratio: float, at: date) -> list[float]:
    return [before * (ratio if s >= at else 1.0) for s in starts]


# --- known answers -------------------------------------------------------------------------


def test_a_generated_85_percent_drop_lies_in_the_interval_and_is_reported_as_a_drop() -> None:
    starts = weekly()
    counts = drawn(starts, step(starts, 10.0, 0.15, MEASURE), seed=1)

    ev = evaluate(starts, counts, MEASURE)

    assert ev.change_low <= -0.85 <= ev.change_high
    assert ev.clear
    assert ev.p_value < 0.001
    assert (ev.periods_before, ev.periods_after) == (22, 30)
    msgid, params = sentence(ev, "Complaints")
    assert msgid == effect.N_FELL
    assert params["low"] <= 85 <= params["high"]  # type: ignore[operator]
    assert params["low"] <= params["drop"] <= params["high"]  # type: ignore[operator]


def test_no_change_gives_an_interval_across_zero_and_says_so() -> None:
    starts = weekly()
    counts = drawn(starts, [5.0] * len(starts), seed=2)

    ev = evaluate(starts, counts, MEASURE)

    assert ev.change_low < 0 < ev.change_high
    assert not ev.clear
    msgid, params = sentence(ev, "Complaints")
    assert msgid == effect.N_NO_CLEAR_CHANGE
    assert msgid.format(**params).startswith("Complaints: ")
    assert params["drop"] == round(-ev.change_low * 100)
    assert params["rise"] == round(ev.change_high * 100)


def test_the_interval_covers_the_true_change_about_95_times_in_100() -> None:
    # Short series make HAC intervals too narrow; the model takes the wider standard error.
    starts = weekly()
    covered = 0
    for seed in range(60):
        counts = drawn(starts, step(starts, 4.0, 0.5, MEASURE), seed=100 + seed)
        ev = evaluate(starts, counts, MEASURE)
        covered += ev.change_low <= -0.5 <= ev.change_high
    assert covered >= 53  # 95 % of 60 is 57; 53 leaves room for chance, not for a bad interval


def test_a_rise_is_reported_as_a_rise() -> None:
    starts = weekly()
    counts = drawn(starts, step(starts, 3.0, 3.0, MEASURE), seed=3)

    ev = evaluate(starts, counts, MEASURE)

    assert ev.change_low > 0
    msgid, params = sentence(ev, "Reports")
    assert msgid == effect.N_ROSE
    assert params["low"] <= params["rise"] <= params["high"]  # type: ignore[operator]
    assert params["low"] <= 200 <= params["high"]  # type: ignore[operator]


def test_a_monthly_series_of_four_years_is_evaluated_with_the_annual_season() -> None:
    starts = period_counts([], date(2021, 1, 1), 48, "month")[0]
    means = [
        18.0 * math.exp(0.4 * math.cos(2 * math.pi * (s.month - 1) / 12)) * (0.15 if s >= date(2023, 1, 1) else 1)
        for s in starts
    ]  # fmt: skip
    ev = evaluate(starts, drawn(starts, means, seed=4), date(2023, 1, 1))

    assert ev.frequency == "month"
    assert ev.season == "fourier+holidays"
    assert ev.change_low <= -0.85 <= ev.change_high
    assert effect.N_NO_ANNUAL_SEASON not in {n.msgid for n in ev.warnings}


def test_a_strong_season_without_change_is_not_taken_for_a_drop() -> None:
    # Three years of weeks, high in summer, low in winter; the measure starts as winter comes.
    starts = weekly(156, date(2022, 1, 3))
    means = [
        8.0 * math.exp(0.8 * math.sin(2 * math.pi * (s.timetuple().tm_yday - 100) / 365.25))
        for s in starts
    ]
    counts = drawn(starts, means, seed=5)
    measure = date(2023, 9, 25)

    seasonal = evaluate(starts, counts, measure)
    naive = evaluate(starts, counts, measure, season=False)

    assert seasonal.season == "fourier+holidays"
    assert seasonal.change_low < 0 < seasonal.change_high
    assert sentence(seasonal, "x")[0] == effect.N_NO_CLEAR_CHANGE
    # Without the season the same data show a "drop": what the season terms are there for.
    assert naive.change_high < 0


def test_spring_festival_weeks_are_allowed_for_in_a_single_year() -> None:
    starts = weekly()
    holiday = effect.holiday_shares(starts, [s + timedelta(days=7) for s in starts])
    # Spring Festival 2025: 28 January to 4 February, weekend included.
    assert holiday[3] == pytest.approx(6 / 7)
    assert holiday[4] == pytest.approx(2 / 7)
    means = [6.0 * (0.3 if h > 0.5 else 1.0) for h in holiday]
    ev = evaluate(starts, drawn(starts, means, seed=6), MEASURE)
    assert ev.season == "holidays"
    assert ev.change_low < 0 < ev.change_high
    assert ev.fitted[3] < 0.6 * ev.fitted[10]  # the fit follows the holiday dip


def test_a_measure_in_the_middle_of_a_week_counts_that_week_partly() -> None:
    starts = weekly()
    counts = drawn(starts, step(starts, 10.0, 0.15, MEASURE), seed=7)
    ev = evaluate(starts, counts, MEASURE + timedelta(days=3))
    assert effect.N_PARTIAL_PERIOD in {n.msgid for n in ev.warnings}
    assert (ev.periods_before, ev.periods_after) == (22, 29)


def test_a_short_series_is_evaluated_with_a_warning() -> None:
    starts = weekly()
    ev = evaluate(starts, drawn(starts, [4.0] * 52, seed=8), MEASURE)
    notes = {n.msgid: n.params for n in ev.warnings}
    assert notes[effect.N_SHORT] == {"before": 22, "after": 30}
    assert effect.N_NO_ANNUAL_SEASON in notes


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "msgid"),
    [
        (MONDAY + timedelta(weeks=7), effect.N_TOO_FEW),  # 7 before
        (MONDAY + timedelta(weeks=45), effect.N_TOO_FEW),  # 7 after
        (MONDAY - timedelta(days=1), effect.N_OUTSIDE),
        (MONDAY + timedelta(weeks=60), effect.N_OUTSIDE),
    ],
)
def test_too_few_periods_on_a_side_or_a_measure_outside_is_refused(
    measure: date, msgid: str
) -> None:
    starts = weekly()
    with pytest.raises(InvalidInput) as refused:
        evaluate(starts, [3] * 52, measure)
    assert refused.value.message == msgid


def test_eight_periods_on_each_side_are_enough() -> None:
    starts = weekly(16)
    ev = evaluate(starts, [5, 4, 6, 5, 3, 6, 5, 4, 1, 0, 1, 2, 0, 1, 1, 0], starts[8])
    assert (ev.periods_before, ev.periods_after) == (8, 8)


def test_one_year_of_months_is_too_short() -> None:
    starts = period_counts([], date(2025, 1, 1), 12, "month")[0]
    with pytest.raises(InvalidInput) as refused:
        evaluate(starts, [18] * 5 + [2] * 7, date(2025, 6, 1))
    assert refused.value.message == effect.N_TOO_FEW


@pytest.mark.parametrize(
    ("counts", "msgid"),
    [
        ([0] * 52, effect.N_ALL_ZERO),
        ([3] * 22 + [0] * 30, effect.N_ONE_SIDE_ZERO),
        ([3] * 51 + [-1], effect.N_NEGATIVE),
        ([3] * 51, effect.N_LENGTHS),
    ],
)
def test_series_that_cannot_be_evaluated_are_refused(counts: list[int], msgid: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        evaluate(weekly(), counts, MEASURE)
    assert refused.value.message == msgid


def test_periods_with_a_gap_are_refused() -> None:
    starts = list(weekly())
    del starts[10]
    with pytest.raises(InvalidInput) as refused:
        evaluate(starts, [3] * 51, MEASURE)
    assert refused.value.message == effect.N_IRREGULAR


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"), [(17.6, 18), (10.0, 10), (9.94, 9.9), (2.04, 2.0), (0.25, 0.2)]
)
def test_counts_a_month_are_whole_from_ten_and_have_one_decimal_below(
    value: float, shown: float
) -> None:
    assert per_month_number(value) == shown


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(st.integers(0, 12), min_size=30, max_size=30),
    cut=st.integers(10, 20),
    k=st.integers(2, 6),
)
def test_scaling_every_count_keeps_the_change_and_the_sentence_tells_observed_means(
    counts: list[int], cut: int, k: int
) -> None:
    assume(sum(counts[:cut]) >= 3 and sum(counts[cut:]) >= 3)
    starts = weekly(30)
    measure = starts[cut]
    one = evaluate(starts, counts, measure)
    scaled = evaluate(starts, [c * k for c in counts], measure)

    assert scaled.change == pytest.approx(one.change, rel=1e-4, abs=1e-6)
    assert scaled.before_per_month == pytest.approx(k * one.before_per_month)
    per_month = 365.25 / 12 / 7
    _, params = sentence(one, "x")
    assert params["before"] == per_month_number(sum(counts[:cut]) / cut * per_month)
    assert params["after"] == per_month_number(sum(counts[cut:]) / (30 - cut) * per_month)


def test_the_fit_and_the_counterfactual_agree_before_the_measure_and_part_after() -> None:
    starts = weekly()
    ev = evaluate(starts, drawn(starts, step(starts, 10.0, 0.15, MEASURE), seed=9), MEASURE)
    assert ev.fitted[:22] == pytest.approx(ev.counterfactual[:22])
    ratios = [f / c for f, c in zip(ev.fitted[22:], ev.counterfactual[22:], strict=True)]
    assert ratios == pytest.approx([1 + ev.change] * 30)


def test_one_evaluation_takes_well_under_two_seconds() -> None:
    starts = weekly()
    counts = drawn(starts, step(starts, 4.0, 0.11, MEASURE), seed=10)
    started = time.perf_counter()
    evaluate(starts, counts, MEASURE, slope_change=True)
    assert time.perf_counter() - started < 2.0


# --- chart and sheet -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_evaluation() -> Evaluation:
    starts = weekly()
    return evaluate(starts, drawn(starts, step(starts, 4.0, 0.11, MEASURE), seed=11), MEASURE)


def test_the_chart_is_svg_with_observed_fitted_counterfactual_and_the_measure(
    demo_evaluation: Evaluation,
) -> None:
    svg = effect_svg(demo_evaluation, LABELS)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    groups = {g.get("id"): g for g in root.iter(f"{ns}g")}
    for series in ("observed", "fitted", "counterfactual", "measure"):
        assert series in groups, series
    assert len(list(groups["observed"].iter(f"{ns}use"))) == 52  # a dot for each week
    assert "若无措施" in svg
    assert "每周投诉数" in svg
    assert svg == effect_svg(demo_evaluation, LABELS)  # same drawing, same bytes


def sheet(synthetic: str | None) -> EvaluationSheet:
    return EvaluationSheet(
        title="措施效果评估：三处电动车专用停车区",
        facts=[("地点", "中海真如环宇城MAX"), ("开始日期", "2025-06-09"), ("费用", "¥180,000")],
        sentence="外卖相关投诉由每月 18 降至 2.0；模型估计下降 89%（70%–96%）。",
        model_heading="模型与注意事项",
        model="log μ = …",
        caveats=["序列较短：置信区间可能偏窄。"] * 40,  # more than fits: still one page
        labels=LABELS,
        synthetic=synthetic,
    )


def test_the_sheet_is_a_one_page_pdf(demo_evaluation: Evaluation) -> None:
    pdf = evaluation_pdf(demo_evaluation, sheet("合成数据"))
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1


def test_the_sheet_carries_the_synthetic_label_only_when_the_data_are_synthetic(
    demo_evaluation: Evaluation,
) -> None:
    marked = evaluation_svg(demo_evaluation, sheet("合成数据：演示用"))
    plain = evaluation_svg(demo_evaluation, sheet(None))
    ET.fromstring(marked)
    assert "合成数据：演示用" in marked
    assert "#fff3cd" in marked
    assert "#fff3cd" not in plain
    assert "外卖相关投诉由每月 18 降至 2.0" in plain
