"""Rulebooks side by side, clause by clause."""

from __future__ import annotations

from gigcity.rules import Rulebook, clause_paths, clause_rows, diff_rulebooks
from rules.rules_support import variant


def test_every_clause_gets_a_row_with_a_readable_value(putuo: Rulebook) -> None:
    rows = clause_rows(putuo)
    assert [row.clause for row in rows] == list(clause_paths())
    shown = {row.clause: row.shown for row in rows}
    assert shown["guarantee.hourly_minimum_fen"] == "¥25.00/h"
    assert shown["fatigue.continuous_work_limit_min"] == "240 min (4 h)"
    assert shown["combining.target_on_route_pct"] == "90 %"
    assert shown["pricing.night"] == "22:00–06:00: ¥1.00"
    assert shown["pricing.distance_tiers"].startswith("1 km–3 km: ¥1.00/km")
    assert shown["service_score.lateness_deducts_money"] == "no"
    assert all(row.label for row in rows)


def test_assumed_clauses_are_flagged(putuo: Rulebook) -> None:
    flagged = {row.clause for row in clause_rows(putuo) if row.assumed}
    assert flagged == set(putuo.assumptions)


def test_a_rulebook_differs_from_itself_nowhere(putuo: Rulebook) -> None:
    assert not any(row.changed for row in diff_rulebooks(putuo, putuo))


def test_one_changed_clause_shows_as_one_change(putuo: Rulebook) -> None:
    dearer = variant(putuo, pricing__stairs__fen_per_floor=150)
    changed = [row for row in diff_rulebooks(putuo, dearer) if row.changed]
    assert [(row.clause, row.a, row.b) for row in changed] == [
        ("pricing.stairs.fen_per_floor", "¥0.50/floor", "¥1.50/floor")
    ]


def test_baseline_and_putuo_differ_in_the_negotiated_clauses(
    putuo: Rulebook, baseline: Rulebook
) -> None:
    changed = {row.clause for row in diff_rulebooks(baseline, putuo) if row.changed}
    assert {
        "guarantee.hourly_minimum_fen",
        "service_score.lateness_deducts_money",
        "fatigue.continuous_work_limit_min",
        "pricing.traffic_control_detour.fen_per_km",
        "combining.max_extra_min",
        "eta.include_signal_waits",
    } <= changed
    assert "fatigue.min_rest_min" not in changed
