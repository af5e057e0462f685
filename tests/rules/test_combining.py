"""The on-route test for combined orders, and delivery-time promises."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gigcity.rules import Rulebook, eta_promise, load_rulebook, on_route
from rules.rules_support import variant

PUTUO = load_rulebook("putuo-2025")
BASELINE = load_rulebook("baseline-2024")


def test_order_within_both_limits_is_on_route() -> None:
    verdict = on_route(PUTUO, solo_s=900, combined_s=900 + 600, solo_m=3_000, combined_m=3_900)
    assert verdict.on_route
    assert (verdict.extra_s, verdict.extra_m) == (600, 900)
    assert [reason.clause for reason in verdict.reasons] == [
        "combining.max_extra_min",
        "combining.max_extra_distance_pct",
    ]


def test_too_much_extra_time_or_distance_is_a_detour() -> None:
    late = on_route(PUTUO, solo_s=900, combined_s=900 + 601, solo_m=3_000, combined_m=3_000)
    assert not late.on_route
    assert late.refused_by == ("combining.max_extra_min",)
    assert "over 10 min" in late.reasons[0].text
    far = on_route(PUTUO, solo_s=900, combined_s=900, solo_m=3_000, combined_m=3_901)
    assert not far.on_route
    assert far.refused_by == ("combining.max_extra_distance_pct",)
    assert "over 30 %" in far.reasons[1].text


def test_baseline_has_no_on_route_test() -> None:
    verdict = on_route(BASELINE, solo_s=60, combined_s=6_000, solo_m=100, combined_m=9_000)
    assert verdict.on_route
    assert all(reason.rulebook == "baseline-2024" for reason in verdict.reasons)


def test_zero_length_solo_trip_allows_no_extra_distance() -> None:
    assert on_route(PUTUO, 0, 0, 0, 0).on_route
    assert not on_route(PUTUO, 0, 0, 0, 1).on_route


books = st.one_of(
    st.sampled_from([PUTUO, BASELINE]),
    st.builds(
        lambda minutes, pct: variant(
            PUTUO, combining__max_extra_min=minutes, combining__max_extra_distance_pct=pct
        ),
        st.one_of(st.none(), st.integers(0, 30)),
        st.one_of(st.none(), st.integers(0, 200)),
    ),
)
seconds = st.floats(0, 7_200, allow_nan=False)
metres = st.floats(0, 20_000, allow_nan=False)


@given(books, seconds, seconds, metres, metres)
def test_fast_test_and_verdict_agree(
    book: Rulebook, solo_s: float, combined_s: float, solo_m: float, combined_m: float
) -> None:
    verdict = on_route(book, solo_s, combined_s, solo_m, combined_m)
    assert verdict.on_route == book.combining.allows(solo_s, combined_s, solo_m, combined_m)


@given(books, seconds, seconds, metres, metres, seconds, metres)
def test_more_detour_never_turns_a_detour_into_on_route(
    book: Rulebook,
    solo_s: float,
    combined_s: float,
    solo_m: float,
    combined_m: float,
    more_s: float,
    more_m: float,
) -> None:
    if not book.combining.allows(solo_s, combined_s, solo_m, combined_m):
        assert not book.combining.allows(solo_s, combined_s + more_s, solo_m, combined_m + more_m)


def test_putuo_promise_includes_the_waits_baseline_ignores() -> None:
    putuo = eta_promise(PUTUO, travel_s=900, signal_wait_s=120, closure_extra_s=180, prep_s=600)
    baseline = eta_promise(
        BASELINE, travel_s=900, signal_wait_s=120, closure_extra_s=180, prep_s=600
    )
    assert putuo.total_s == 900 + 120 + 180 + 600 + 300
    assert baseline.total_s == 900
    assert [reason.clause for reason in putuo.reasons] == [
        "eta.include_predicted_prep",
        "eta.include_signal_waits",
        "eta.include_closures",
        "eta.promise_buffer_min",
    ]
    assert "not included" in baseline.reasons[1].text
