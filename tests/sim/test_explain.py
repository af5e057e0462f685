"""Explained differences: each headline difference split by factor and by clause, adding up
exactly, with its largest cause named; and why the 1,000-order day's pay per hour falls."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.i18n import translations
from gigcity.rules import load_rulebook
from gigcity.sim.scenarios import ScenarioSpec, compare
from gigcity.sim.scenarios.explain import HEADLINE, Ratio, explain, split_ratio
from gigcity.sim.scenarios.report import (
    ENGLISH,
    explained_rows,
    explained_sentence,
    render_compare_html,
)

pytestmark = pytest.mark.one_database

money = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)


def _ratio(order_pay: float, fines: float, top_up: float, hours: float) -> Ratio:
    return Ratio({"order_pay": order_pay, "fines": -fines, "top_up": top_up}, hours)


@given(money, money, money, positive, money, money, money, positive)
def test_the_factors_add_up_to_the_change_of_the_ratio(
    pa: float, fa: float, ta: float, ha: float, pb: float, fb: float, tb: float, hb: float
) -> None:
    a, b = _ratio(pa, fa, ta, ha), _ratio(pb, fb, tb, hb)
    effects = split_ratio(a, b, "active_hours")
    change = b.numerator / b.denominator - a.numerator / a.denominator
    scale = max(1.0, *(abs(v) for v in effects.values()))
    assert math.isclose(sum(effects.values()), change, rel_tol=1e-9, abs_tol=1e-9 * scale)
    assert set(effects) == {"order_pay", "fines", "top_up", "active_hours"}


@given(
    st.lists(st.floats(min_value=0, max_value=1e5, allow_nan=False), min_size=6, max_size=6),
    st.floats(min_value=1, max_value=1e4),
    st.floats(min_value=1, max_value=1e4),
    st.floats(min_value=-100, max_value=100),
)
def test_every_explained_difference_adds_up(
    pay: list[float], hours_a: float, hours_b: float, noise: float
) -> None:
    """Factors plus residual, and clause effects plus interaction, give B − A."""
    figures = {"a": _figures(*pay[:3], hours_a), "b": _figures(*pay[3:], hours_b)}
    values = {"a": {"pay_per_hour_mean": 10.0}, "switch0": {"pay_per_hour_mean": 10.0 + noise}}
    (entry,) = explain(_table(10.0, 10.0 + noise), figures, [("pricing.bulky_fen",)], values)[
        "measures"
    ]
    factors, clauses = entry["factors"], entry["clauses"]
    by_factor = sum(factors["effects"].values()) + factors["residual"]
    by_clause = sum(r["effect"] for r in clauses["rows"]) + clauses["interaction"]
    assert by_factor == pytest.approx(entry["difference"], abs=1e-5)
    assert by_clause == pytest.approx(entry["difference"], abs=1e-5)


def _figures(order_pay: float, fines: float, top_up: float, hours: float) -> dict[str, Any]:
    return {
        "pay": {
            "order_pay_fen": order_pay * 100,
            "fines_fen": fines * 100,
            "top_up_fen": top_up * 100,
            "active_hours": hours,
        },
        "orders": {"delivered": 100},
    }


def _table(a: float, b: float, key: str = "pay_per_hour_mean", unit: str = "¥/h") -> list[Any]:
    return [{"key": key, "unit": unit, "a": a, "b": b, "difference": round(b - a, 6)}]


def test_a_day_with_the_same_pay_in_fewer_hours_names_the_hours() -> None:
    figures = {"a": _figures(3000, 100, 0, 100), "b": _figures(3000, 80, 0, 80)}
    explained = explain(_table(29.0, 36.5), figures)
    (entry,) = explained["measures"]
    assert entry["largest"] == {
        "kind": "factor",
        "key": "active_hours",
        "effect": entry["factors"]["effects"]["active_hours"],
    }
    factors = entry["factors"]
    assert sum(factors["effects"].values()) + factors["residual"] == pytest.approx(7.5)
    assert factors["effects"]["fines"] > 0  # fewer fines raise pay per hour too
    sentence = explained_sentence(entry)
    assert sentence.startswith("Rider pay per active hour, mean: +7.50 (B − A).")
    assert "Largest cause: on-order hours" in sentence


def test_clause_effects_and_interaction_add_up_to_the_difference() -> None:
    values = {
        "a": {"c2d_mean": 20.0},
        "b": {"c2d_mean": 23.0},
        "switch0": {"c2d_mean": 21.0},
        "switch1": {"c2d_mean": 19.5},
    }
    groups = [("fatigue.continuous_work_limit_min",), ("eta.include_predicted_prep",)]
    figures = {"a": _figures(1, 0, 0, 1), "b": _figures(1, 0, 0, 1)}
    (entry,) = explain(_table(20.0, 23.0, "c2d_mean", "min"), figures, groups, values)["measures"]
    assert entry["factors"] is None  # not a ratio of pay
    effects = [r["effect"] for r in entry["clauses"]["rows"]]
    assert effects == [1.0, -0.5]
    assert entry["clauses"]["interaction"] == pytest.approx(2.5)
    assert entry["largest"]["kind"] == "interaction"  # together they do more than alone
    assert explained_rows(entry)[-1] == ["B − A", "+3.00"]


def test_a_result_stored_without_hours_is_explained_by_clause_only() -> None:
    figures = {"a": {"pay": {}, "orders": {}}, "b": {"pay": {}, "orders": {}}}
    (entry,) = explain(_table(30.0, 28.0), figures)["measures"]
    assert entry["factors"] is None
    assert entry["largest"] is None
    assert explained_sentence(entry) == "Rider pay per active hour, mean: -2.00"


@pytest.fixture(scope="module")
def default_day() -> dict[str, Any]:
    """The workbench's default run: putuo-weekday, seed 0, 1,000 orders (two days, no
    attribution, about two seconds)."""
    spec = ScenarioSpec("putuo-weekday", seed=0, orders=1000)
    a, b = load_rulebook("baseline-2024"), load_rulebook("putuo-2025")
    return compare(spec, a, b, attribution=False)


def test_the_default_days_pay_per_hour_falls_because_orders_pay_less(
    default_day: dict[str, Any],
) -> None:
    """Not a defect: putuo-2025 pays ¥5.68 an order on this day's short (1.1 km) orders
    against the baseline's flat ¥7; no fines and fewer on-order hours per order win back
    part of it, not all."""
    measures = {m["key"]: m for m in default_day["explained"]["measures"]}
    assert list(measures) == list(HEADLINE)
    pay = measures["pay_per_hour_mean"]
    assert pay["difference"] < 0
    effects = pay["factors"]["effects"]
    assert pay["largest"]["key"] == "order_pay"
    assert effects["order_pay"] < -5
    assert effects["fines"] > 2  # the baseline's fines are gone
    assert effects["active_hours"] > 0  # fewer on-order hours: pay per hour would rise
    assert abs(pay["factors"]["residual"]) < 0.5  # mean over riders vs the total ratio
    total = sum(effects.values()) + pay["factors"]["residual"]
    assert total == pytest.approx(pay["difference"], abs=1e-6)
    cost = measures["cost_per_order"]
    assert cost["largest"]["key"] == "order_pay"
    hours = pay["factors"]["denominator"]
    assert hours["b"] < hours["a"]


def test_the_report_explains_next_to_the_table_in_chinese(default_day: dict[str, Any]) -> None:
    from gigcity.services.workbench.wording import engine_wording

    zh = engine_wording("zh_CN", "baseline-2024@1", "putuo-2025@1", "putuo-weekday")
    catalog = translations("zh_CN")
    # the report's own words, as the workbench hands them in (wording.REPORT)
    zh |= {k: catalog.gettext(v) for k, v in ENGLISH.items() if k not in zh}
    page = render_compare_html(default_day, [], zh)
    assert page.index("指标") < page.index("差异的成因")  # right after the table
    assert "骑手每在线工作小时收入（平均）：-2.20（B − A）。最大原因：订单收入" in page
    assert "Largest" not in page
    english = render_compare_html(default_day, [])
    assert "Largest cause: order pay (base fare and supplements) (-6.41)" in english

    entry = {
        "key": "cost_per_order",
        "unit": "¥",
        "difference": -0.74,
        "largest": {"kind": "factor", "key": "order_pay", "effect": -1.33},
        "largest_clause": {"kind": "clause", "clauses": ["pricing.base_fare_fen"], "effect": -1.9},
    }
    assert explained_sentence(entry, zh) == (
        "平台每单成本（骑手报酬）：-0.74（B − A）。最大原因：订单收入（基础运费与各项补贴）"
        "（-1.33）。影响最大的条款：基础运费（-1.90）。"
    )
