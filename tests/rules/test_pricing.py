"""Pricing: itemised quotes by clause; pay never negative and never lower for a harder order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.rules import (
    OrderFacts,
    Rulebook,
    clause_paths,
    load_rulebook,
    order_pay_fen,
    quote_order,
)
from rules.rules_support import variant

PUTUO = load_rulebook("putuo-2025")
BASELINE = load_rulebook("baseline-2024")
NOON = 12 * 3600


def known_clauses() -> set[str]:
    paths = set(clause_paths())
    groups = {path.rsplit(".", 1)[0] for path in paths if path.count(".") == 2}
    return paths | groups


orders = st.builds(
    OrderFacts,
    order_id=st.just("o"),
    distance_m=st.integers(0, 30_000),
    weight_g=st.integers(0, 40_000),
    bulky=st.booleans(),
    floor=st.integers(1, 40),
    has_lift=st.booleans(),
    old_estate=st.booleans(),
    weather_alert=st.booleans(),
    at_s=st.integers(0, 3 * 86_400),
    traffic_control_detour_m=st.integers(0, 5_000),
    traffic_control_detour_s=st.integers(0, 1_800),
)


def _tiers(key: str, rate: str) -> st.SearchStrategy[list[dict[str, int]]]:
    thresholds = st.lists(st.integers(0, 20_000), unique=True, max_size=4).map(sorted)
    return thresholds.flatmap(
        lambda above: st.lists(
            st.tuples(st.integers(0, 500), st.integers(0, 500)),
            min_size=len(above),
            max_size=len(above),
        ).map(
            lambda pay: [
                {key: a, "step_fen": step, rate: per}
                for a, (step, per) in zip(above, pay, strict=True)
            ]
        )
    )


@st.composite
def rulebooks(draw: st.DrawFn) -> Rulebook:
    """The shipped rulebooks, and putuo-2025 with any valid pricing section."""
    choice = draw(st.sampled_from(["putuo", "baseline", "random"]))
    if choice == "putuo":
        return PUTUO
    if choice == "baseline":
        return BASELINE
    money = st.integers(0, 2_000)
    changes: dict[str, Any] = {
        "pricing__base_fare_fen": draw(money),
        "pricing__distance_tiers": draw(_tiers("above_m", "fen_per_km")),
        "pricing__weight_tiers": draw(_tiers("above_g", "fen_per_kg")),
        "pricing__bulky_fen": draw(money),
        "pricing__stairs": {"free_floors": draw(st.integers(0, 6)), "fen_per_floor": draw(money)},
        "pricing__old_estate_fen": draw(money),
        "pricing__bad_weather_fen": draw(money),
        "pricing__traffic_control_detour": {"fen_per_km": draw(money), "fen_per_min": draw(money)},
    }
    return variant(PUTUO, **changes)


def test_plain_putuo_order_is_base_plus_distance() -> None:
    quote = quote_order(PUTUO, OrderFacts(order_id="a", distance_m=2_400, at_s=NOON))
    assert [(line.clause, line.amount_fen) for line in quote.lines] == [
        ("pricing.base_fare_fen", 450),
        ("pricing.distance_tiers", 140),
    ]
    assert quote.total_fen == 590
    assert (quote.rulebook, quote.version, quote.order_id) == ("putuo-2025", 1, "a")


def test_hard_putuo_order_pays_every_difficulty() -> None:
    order = OrderFacts(
        distance_m=6_000,
        weight_g=12_000,
        bulky=True,
        floor=7,
        has_lift=False,
        old_estate=True,
        weather_alert=True,
        at_s=23 * 3600,
        traffic_control_detour_m=800,
        traffic_control_detour_s=300,
    )
    quote = quote_order(PUTUO, order)
    assert {line.clause: line.amount_fen for line in quote.lines} == {
        "pricing.base_fare_fen": 450,
        "pricing.distance_tiers": 200 + 300 + 200,
        "pricing.weight_tiers": 200 + 250 + 300 + 200,
        "pricing.bulky_fen": 300,
        "pricing.stairs": 4 * 50,
        "pricing.old_estate_fen": 100,
        "pricing.night": 100,
        "pricing.bad_weather_fen": 200,
        "pricing.traffic_control_detour": 80 + 210,
    }
    assert quote.total_fen == 3_290
    # The same order under the baseline: flat pay, the detour is the rider's cost.
    assert quote_order(BASELINE, order).total_fen == 700


def test_fractions_of_a_fen_round_to_the_rider() -> None:
    quote = quote_order(PUTUO, OrderFacts(distance_m=1_001, at_s=NOON))
    assert quote.total_fen == 451


@pytest.mark.parametrize(
    ("clock", "night"),
    [("21:59", False), ("22:00", True), ("23:30", True), ("05:59", True), ("06:00", False)],
)
def test_night_window_wraps_midnight(clock: str, night: bool) -> None:
    hours, minutes = map(int, clock.split(":"))
    for day in (0, 2):
        at_s = day * 86_400 + hours * 3600 + minutes * 60
        quote = quote_order(PUTUO, OrderFacts(distance_m=0, at_s=at_s))
        assert any(line.clause == "pricing.night" for line in quote.lines) is night


def test_daytime_window_does_not_wrap() -> None:
    lunch = variant(PUTUO, pricing__night={"start": "11:00", "end": "13:00", "surcharge_fen": 50})
    assert quote_order(lunch, OrderFacts(distance_m=0, at_s=NOON)).total_fen == 500
    assert quote_order(lunch, OrderFacts(distance_m=0, at_s=14 * 3600)).total_fen == 450


@given(rulebooks(), orders)
def test_pay_is_never_negative_and_adds_up(book: Rulebook, order: OrderFacts) -> None:
    quote = quote_order(book, order)
    assert quote.total_fen >= 0
    assert order_pay_fen(book, order) == quote.total_fen
    assert quote.total_fen == sum(line.amount_fen for line in quote.lines)
    assert all(line.amount_fen >= 0 for line in quote.lines)
    assert quote.lines[0].clause == "pricing.base_fare_fen"
    assert {line.clause for line in quote.lines} <= known_clauses()
    assert all((line.rulebook, line.version) == (book.id, book.version) for line in quote.lines)


@given(rulebooks(), orders, st.integers(0, 20_000))
def test_pay_never_decreases_with_distance(book: Rulebook, order: OrderFacts, more: int) -> None:
    longer = order.model_copy(update={"distance_m": order.distance_m + more})
    assert quote_order(book, longer).total_fen >= quote_order(book, order).total_fen


@given(rulebooks(), orders, st.integers(0, 30_000))
def test_pay_never_decreases_with_weight(book: Rulebook, order: OrderFacts, more: int) -> None:
    heavier = order.model_copy(update={"weight_g": order.weight_g + more})
    assert quote_order(book, heavier).total_fen >= quote_order(book, order).total_fen


@given(rulebooks(), orders, st.integers(0, 30))
def test_pay_never_decreases_with_floors(book: Rulebook, order: OrderFacts, more: int) -> None:
    higher = order.model_copy(update={"floor": order.floor + more})
    walk_up = order.model_copy(update={"has_lift": False})
    assert quote_order(book, higher).total_fen >= quote_order(book, order).total_fen
    assert quote_order(book, walk_up).total_fen >= quote_order(book, order).total_fen


@given(rulebooks(), orders, st.integers(0, 5_000), st.integers(0, 1_800))
def test_pay_never_decreases_with_a_forced_detour(
    book: Rulebook, order: OrderFacts, more_m: int, more_s: int
) -> None:
    longer = order.model_copy(
        update={
            "traffic_control_detour_m": order.traffic_control_detour_m + more_m,
            "traffic_control_detour_s": order.traffic_control_detour_s + more_s,
        }
    )
    assert quote_order(book, longer).total_fen >= quote_order(book, order).total_fen


@given(orders)
def test_putuo_pays_difficulty_flags(order: OrderFacts) -> None:
    plain = order.model_copy(update={"bulky": False, "old_estate": False, "weather_alert": False})
    hard = order.model_copy(update={"bulky": True, "old_estate": True, "weather_alert": True})
    assert quote_order(PUTUO, hard).total_fen == quote_order(PUTUO, plain).total_fen + 600


def test_quote_serialises_to_json() -> None:
    quote = quote_order(PUTUO, OrderFacts(distance_m=3_500, weight_g=7_000, at_s=NOON))
    again = type(quote).model_validate_json(quote.model_dump_json())
    assert again == quote


def test_order_facts_refuse_bad_input() -> None:
    with pytest.raises(ValueError, match="distance_m"):
        OrderFacts(distance_m=-1, at_s=NOON)
    with pytest.raises(ValueError, match="colour"):
        OrderFacts.model_validate({"distance_m": 1, "at_s": NOON, "colour": "red"})
