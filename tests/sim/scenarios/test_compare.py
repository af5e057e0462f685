"""Compare and sweep on small days: the agreement's effects and each clause's share of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.rules import load_rulebook
from gigcity.sim.scenarios import (
    ClauseError,
    ScenarioSpec,
    changed_clauses,
    compare,
    parse_values,
    sweep,
    switch_groups,
    with_clauses,
)
from gigcity.sim.scenarios.outputs import write_comparison, write_sweep
from ray_support import need_ray

SPEC = ScenarioSpec("putuo-weekday", seed=1, orders=250)


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return compare(SPEC, load_rulebook("baseline-2024"), load_rulebook("putuo-2025"))


def _row(result: dict[str, Any], key: str) -> dict[str, Any]:
    return next(r for r in result["table"] if r["key"] == key)


def test_the_agreement_removes_rest_breaches_and_fines(result: dict[str, Any]) -> None:
    assert _row(result, "rest_breaches")["b"] == 0
    assert _row(result, "fines")["b"] == 0
    assert _row(result, "hours_unconfirmed")["b"] == 0
    assert _row(result, "rest_day_worked")["b"] == 0
    assert _row(result, "fines")["a"] > 0


def test_every_changed_clause_is_attributed_once(result: dict[str, Any]) -> None:
    a, b = load_rulebook("baseline-2024"), load_rulebook("putuo-2025")
    rows = result["attribution"]["rows"]
    switched = [c for row in rows for c in row["clauses"]]
    assert sorted(switched) == sorted(changed_clauses(a, b))
    assert len(switched) == len(set(switched))
    attribution = result["attribution"]
    for key in attribution["measures"]:
        total = attribution["all_together"][key]
        assert total == _row(result, key)["difference"]
        if total is not None:
            assert attribution["interaction"][key] == pytest.approx(
                total - attribution["sum_of_effects"][key], abs=1e-5
            )


def test_the_fines_clauses_remove_all_fines_alone(result: dict[str, Any]) -> None:
    fines_row = next(
        r
        for r in result["attribution"]["rows"]
        if "service_score.late_fine_fen_per_min" in r["clauses"]
    )
    assert fines_row["effects"]["fines"] == -_row(result, "fines")["a"]
    limit_row = next(
        r
        for r in result["attribution"]["rows"]
        if r["clauses"] == ["fatigue.continuous_work_limit_min"]
    )
    assert limit_row["effects"]["rest_breaches"] <= 0


def test_pricing_clauses_add_up_exactly() -> None:
    # Without an hourly minimum (whose top-up is not additive), order pay is a sum of lines.
    a = with_clauses(load_rulebook("putuo-2025"), {"guarantee.hourly_minimum_fen": 0})
    b = with_clauses(a, {"pricing.stairs.fen_per_floor": 300, "pricing.bulky_fen": 800})
    result = compare(SPEC, a, b)
    attribution = result["attribution"]
    assert result["simulated_days"] == 1  # pay clauses only: one day, re-priced
    assert attribution["interaction"]["cost_per_order"] == pytest.approx(0, abs=2e-3)
    assert attribution["all_together"]["cost_per_order"] > 0
    assert attribution["all_together"]["c2d_mean"] == 0


def test_invalid_switches_are_grouped() -> None:
    groups = switch_groups(load_rulebook("baseline-2024"), load_rulebook("putuo-2025"))
    fines = next(g for g in groups if "service_score.late_fine_cap_fen" in g)
    assert {"service_score.lateness_deducts_money", "service_score.late_fine_fen_per_min"} <= set(
        fines
    )


def test_comparison_files(result: dict[str, Any], tmp_path: Path) -> None:
    files = write_comparison(result, tmp_path)
    report = files["report"].read_text()
    assert report.count("<svg") >= 6
    assert "<script" not in report
    assert "http" not in report.split("<svg", 1)[0]
    assert "fatigue.continuous_work_limit_min" in files["markdown"].read_text()
    assert files["csv"].read_text().startswith("key,measure,unit,baseline-2024@1,putuo-2025@1")


def test_clause_values_and_errors() -> None:
    book = load_rulebook("putuo-2025")
    assert parse_values(book, "pricing.stairs.fen_per_floor", "50:300:50") == [
        50,
        100,
        150,
        200,
        250,
        300,
    ]
    assert parse_values(book, "combining.max_extra_min", "5,null") == [5, None]
    with pytest.raises(ClauseError, match=r"did you mean pricing\.stairs\.fen_per_floor"):
        parse_values(book, "pricing.stairs.per_floor_fen", "50:300:50")
    with pytest.raises(ClauseError, match="money must not be negative"):
        with_clauses(book, {"pricing.bulky_fen": -5})


@given(st.integers(0, 500), st.integers(1, 60), st.integers(0, 20))
def test_ranges_include_both_ends(start: int, step: int, count: int) -> None:
    book = load_rulebook("putuo-2025")
    stop = start + step * count
    values = parse_values(book, "pricing.bulky_fen", f"{start}:{stop}:{step}")
    assert values[0] == start
    assert values[-1] == stop
    assert len(values) == count + 1


def test_sweep_in_local_processes(tmp_path: Path) -> None:
    book = load_rulebook("putuo-2025")
    grid = [("pricing.stairs.fen_per_floor", [0, 300])]
    result = sweep(ScenarioSpec("putuo-weekday", 0, 120), book, grid, [0, 1], workers=2)
    assert result["simulated_days"] == 2  # one day per seed, re-priced for both values
    cheap, dear = (p["mean"]["cost_per_order"] for p in result["points"])
    assert dear > cheap
    files = write_sweep(result, tmp_path, "cost_per_order", "pay_per_hour_mean")
    assert files["plot"].read_text().startswith("<svg")
    assert len(files["csv"].read_text().splitlines()) == 1 + 2 * 2


@pytest.mark.slow
def test_sweep_on_a_local_ray_instance() -> None:
    need_ray()
    book = load_rulebook("putuo-2025")
    grid = [("pricing.stairs.fen_per_floor", [0, 300])]
    spec = ScenarioSpec("putuo-weekday", 0, 60)
    on_ray = sweep(spec, book, grid, [0], ray_address="local")
    local = sweep(spec, book, grid, [0])
    assert on_ray["points"] == local["points"]


def test_plots_and_report_speak_the_language_they_are_given(result: dict[str, Any]) -> None:
    """The engine has no words of its own: in Chinese the plots' titles, axes and legends,
    the tables and the attribution rows (clause titles, not paths) are Chinese; the SVG keeps
    its text as text for the reader's fonts (no CJK font on the server); same bytes twice."""
    from gigcity.services.workbench.wording import engine_wording
    from gigcity.sim.charts import FONT_FAMILIES
    from gigcity.sim.scenarios.report import (
        attribution_rows,
        compare_plots,
        render_compare_report,
        table_rows,
    )

    zh = engine_wording("zh_CN", "baseline-2024@1", "putuo-2025@1", "putuo-weekday")
    en = engine_wording("en", "baseline-2024@1", "putuo-2025@1", "putuo-weekday")
    plots = compare_plots(result, zh)
    assert [p["title"] for p in plots][:3] == [
        "骑手每在线工作小时收入（补差后）",
        "骑手每在线工作小时收入（补差前）",
        "罚款与服务分",
    ]
    pay = plots[0]["svg"]
    assert "<text" in pay
    assert FONT_FAMILIES[0] in pay
    assert "sans-serif" in pay
    for words in (
        "每在线工作小时收入（元）",
        "每小时保底收入",
        "《普陀区外卖算法与劳动规则协议（2025）》第1版",
    ):
        assert words in pay
    assert "putuo-2025@1" not in pay
    effects = next(p for p in plots if p["id"] == "attribution")["svg"]
    assert "每层爬楼补贴" in effects
    assert "pricing.stairs" not in effects
    assert compare_plots(result, zh) == plots  # deterministic: same result, same bytes

    assert table_rows(result, zh)[0][0] == "指标"
    assert "下单到送达时长（平均）" in [row[0] for row in table_rows(result, zh)]
    groups = [row[0] for row in attribution_rows(result, zh)[1:]]
    assert "每层爬楼补贴" in groups
    assert not [g for g in groups if "." in g]

    report = render_compare_report(result, [(zh, plots), (en, compare_plots(result, en))])
    assert report.index('<section id="zh-CN" lang="zh-CN">') < report.index('<section id="en"')
    assert '<html lang="zh-CN">' in report
    assert "<script" not in report
    assert "逐条从 A 换成 B 时各条款的影响" in report
    assert "Pay per floor climbed" in report


def test_the_cli_plots_stay_english_and_drawn_as_outlines(result: dict[str, Any]) -> None:
    from gigcity.sim.scenarios.report import compare_plots

    plots = compare_plots(result)
    assert plots[0]["title"] == "Rider pay per active hour (after top-up)"
    assert "<text" not in plots[0]["svg"]  # text as paths: no font needed anywhere
