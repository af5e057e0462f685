"""Service score, fines and the day statement with the hourly guarantee."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.rules import (
    ActivitySpan,
    Delivery,
    OrderFacts,
    Rulebook,
    Statement,
    day_statement,
    load_rulebook,
    quote_order,
    score_delivery,
)
from gigcity.rules.statement import active_seconds
from rules.rules_support import variant

PUTUO = load_rulebook("putuo-2025")
BASELINE = load_rulebook("baseline-2024")
NOON = 12 * 3600
CAUSES = [
    "traffic_control",
    "weather_alert",
    "merchant_delay",
    "lift_out_of_order",
    "customer_unreachable",
]


def delivery(late_s: int, cause: str | None = None, order_id: str = "o1") -> Delivery:
    order = OrderFacts(order_id=order_id, distance_m=2_400, at_s=NOON)
    return Delivery.model_validate(
        {
            "order": order,
            "promised_at_s": NOON + 1800,
            "delivered_at_s": NOON + 1800 + late_s,
            "late_cause": cause,
        }
    )


def test_on_time_delivery_earns_points() -> None:
    event = score_delivery(PUTUO, delivery(0))
    assert (event.kind, event.points, event.fine_fen) == ("on_time_delivery", 1, 0)
    assert event.reasons[0].clause == "service_score.on_time_points"


def test_putuo_late_delivery_costs_points_never_money() -> None:
    event = score_delivery(PUTUO, delivery(25 * 60))
    assert (event.kind, event.points, event.fine_fen) == ("late_delivery", -1, 0)
    assert [reason.clause for reason in event.reasons] == [
        "service_score.late_points",
        "service_score.lateness_deducts_money",
    ]


@pytest.mark.parametrize("cause", CAUSES)
def test_putuo_exempt_causes_cost_nothing(cause: str) -> None:
    event = score_delivery(PUTUO, delivery(25 * 60, cause))
    assert (event.kind, event.points, event.fine_fen) == ("exempt_late_delivery", 0, 0)
    assert event.reasons[0].clause == "service_score.exempt_causes"
    assert cause.replace("_", " ") in event.reasons[0].text


def test_baseline_fines_per_minute_late_up_to_the_cap() -> None:
    # 50 fen per started minute, at most ¥7; no cause excuses lateness.
    assert score_delivery(BASELINE, delivery(60)).fine_fen == 50
    assert score_delivery(BASELINE, delivery(61)).fine_fen == 100
    assert score_delivery(BASELINE, delivery(10 * 60, "traffic_control")).fine_fen == 500
    capped = score_delivery(BASELINE, delivery(40 * 60))
    assert capped.fine_fen == 700
    assert capped.reasons[-1].clause == "service_score.late_fine_cap_fen"


def test_grace_minutes_delay_lateness() -> None:
    graceful = variant(BASELINE, service_score__late_grace_min=5)
    assert score_delivery(graceful, delivery(5 * 60)).kind == "on_time_delivery"
    late = score_delivery(graceful, delivery(6 * 60))
    assert (late.kind, late.fine_fen) == ("late_delivery", 50)


def test_statement_lists_orders_fines_and_top_up() -> None:
    deliveries = [delivery(0, order_id="a"), delivery(20 * 60, order_id="b")]
    activity = [
        ActivitySpan(start_s=NOON, end_s=NOON + 3600, kind="on_order"),
        ActivitySpan(start_s=NOON + 3600, end_s=NOON + 5400, kind="waiting"),
    ]
    putuo = day_statement(PUTUO, deliveries, activity, day=date(2025, 6, 2))
    # Two orders of ¥5.90; one active hour guarantees ¥25, so ¥13.20 is topped up.
    assert (putuo.order_pay_fen, putuo.fines_fen, putuo.guaranteed_fen) == (1_180, 0, 2_500)
    assert (putuo.top_up_fen, putuo.total_fen, putuo.score_points) == (1_320, 2_500, 0)
    assert [line.clause for line in putuo.lines] == [
        "pricing",
        "pricing",
        "guarantee.hourly_minimum_fen",
    ]
    assert (putuo.rulebook, putuo.version, putuo.day) == ("putuo-2025", 1, date(2025, 6, 2))

    baseline = day_statement(BASELINE, deliveries, activity)
    assert (baseline.order_pay_fen, baseline.fines_fen, baseline.top_up_fen) == (1_400, 700, 0)
    assert baseline.total_fen == 700
    assert baseline.lines[-1].amount_fen == -700
    assert baseline.lines[-1].clause == "service_score.late_fine_cap_fen"


def test_online_time_counts_waiting_too() -> None:
    online = variant(PUTUO, guarantee__active_time="online")
    activity = [
        ActivitySpan(start_s=0, end_s=3600, kind="on_order"),
        ActivitySpan(start_s=3600, end_s=7200, kind="waiting"),
    ]
    assert day_statement(online, [], activity).total_fen == 5_000
    assert day_statement(PUTUO, [], activity).total_fen == 2_500


def test_overlapping_spans_count_once() -> None:
    spans = [
        ActivitySpan(start_s=0, end_s=100, kind="on_order"),
        ActivitySpan(start_s=50, end_s=150, kind="on_order"),
        ActivitySpan(start_s=20, end_s=30, kind="on_order"),
        ActivitySpan(start_s=200, end_s=260, kind="on_order"),
        ActivitySpan(start_s=0, end_s=1000, kind="waiting"),
    ]
    assert active_seconds(spans, ["on_order"]) == 210
    assert active_seconds(spans, ["on_order", "waiting"]) == 1000


def test_span_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="end_s"):
        ActivitySpan(start_s=10, end_s=5, kind="waiting")


def test_statement_serialises_to_json() -> None:
    statement = day_statement(PUTUO, [delivery(90, "weather_alert")], [])
    assert Statement.model_validate_json(statement.model_dump_json()) == statement


late_deliveries = st.lists(
    st.tuples(
        st.integers(0, 20_000),  # distance
        st.integers(0, 3 * 3600),  # seconds late
        st.sampled_from([None, *CAUSES]),
    ),
    max_size=30,
)
spans = st.lists(
    st.tuples(
        st.integers(0, 86_400), st.integers(0, 4 * 3600), st.sampled_from(["on_order", "waiting"])
    ),
    max_size=30,
)


def build(raw: list[tuple[int, int, str | None]], late: bool = True) -> list[Delivery]:
    return [
        Delivery.model_validate(
            {
                "order": OrderFacts(order_id=str(i), distance_m=distance, at_s=NOON),
                "promised_at_s": NOON,
                "delivered_at_s": NOON + (seconds if late else 0),
                "late_cause": cause,
            }
        )
        for i, (distance, seconds, cause) in enumerate(raw)
    ]


def activity_of(raw: list[tuple[int, int, str]]) -> list[ActivitySpan]:
    return [
        ActivitySpan.model_validate({"start_s": start, "end_s": start + length, "kind": kind})
        for start, length, kind in raw
    ]


@given(late_deliveries, spans)
def test_under_putuo_lateness_never_costs_money(
    raw: list[tuple[int, int, str | None]], activity: list[tuple[int, int, str]]
) -> None:
    spans_ = activity_of(activity)
    late = day_statement(PUTUO, build(raw), spans_)
    on_time = day_statement(PUTUO, build(raw, late=False), spans_)
    assert late.total_fen == on_time.total_fen
    assert late.fines_fen == 0


@given(st.sampled_from([PUTUO, BASELINE]), late_deliveries, spans)
def test_hourly_guarantee_holds_and_pay_is_never_negative(
    book: Rulebook, raw: list[tuple[int, int, str | None]], activity: list[tuple[int, int, str]]
) -> None:
    spans_ = activity_of(activity)
    statement = day_statement(book, build(raw), spans_)
    minimum = book.guarantee.hourly_minimum_fen
    assert statement.total_fen * 3600 >= minimum * statement.active_s
    assert statement.total_fen >= 0
    assert statement.top_up_fen >= 0
    assert statement.total_fen == sum(line.amount_fen for line in statement.lines)
    assert statement.order_pay_fen == sum(
        quote_order(book, item.order).total_fen for item in build(raw)
    )
    # The top-up is no bigger than needed.
    if statement.top_up_fen:
        assert statement.total_fen == statement.guaranteed_fen


@given(late_deliveries, spans, st.integers(0, 5_000))
def test_guarantee_holds_for_any_minimum_and_either_way_of_counting(
    raw: list[tuple[int, int, str | None]], activity: list[tuple[int, int, str]], minimum: int
) -> None:
    for active_time in ("on_order", "online"):
        book = variant(
            PUTUO, guarantee__hourly_minimum_fen=minimum, guarantee__active_time=active_time
        )
        statement = day_statement(book, build(raw), activity_of(activity))
        assert statement.total_fen * 3600 >= minimum * statement.active_s
