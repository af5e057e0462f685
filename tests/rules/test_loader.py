"""Loading rulebooks: the shipped ones, round trips, and errors that say where and what."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from gigcity.rules import (
    Rulebook,
    RulebookError,
    clause_paths,
    dump_rulebook,
    list_rulebooks,
    load_rulebook,
    parse_rulebook,
)
from gigcity.rules.loader import _SHIPPED

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "src" / "gigcity" / "rules" / _SHIPPED


def shipped_text(name: str) -> str:
    return (SHIPPED_DIR / f"{name}.yaml").read_text(encoding="utf-8")


def test_both_rulebooks_ship() -> None:
    assert list_rulebooks() == ["baseline-2024", "putuo-2025"]


@pytest.mark.parametrize("name", ["baseline-2024", "putuo-2025"])
def test_shipped_rulebook_loads_by_name_and_by_path(name: str) -> None:
    by_name = load_rulebook(name)
    by_path = load_rulebook(SHIPPED_DIR / f"{name}.yaml")
    assert by_name == by_path
    assert by_name.id == name
    assert by_name.ref == f"{name}@1"


@pytest.mark.parametrize("name", ["baseline-2024", "putuo-2025"])
def test_rulebook_round_trips_through_dict_json_and_yaml(name: str) -> None:
    book = load_rulebook(name)
    assert Rulebook.model_validate(book.model_dump(mode="json")) == book
    assert Rulebook.model_validate_json(book.model_dump_json()) == book
    assert parse_rulebook(dump_rulebook(book)) == book


def value_lines(node: yaml.Node, notes: bool = False) -> list[int]:
    """Lines (0-based) of every clause value in a composed YAML document, skipping notes."""
    if isinstance(node, yaml.MappingNode):
        lines = []
        for key, value in node.value:
            skip = key.value in (
                "id",
                "version",
                "title",
                "title_zh",
                "source",
                "assumptions",
                "parties",
            )
            lines.extend(value_lines(value, notes or skip))
        return lines
    if isinstance(node, yaml.SequenceNode):
        return [line for item in node.value for line in value_lines(item, notes)]
    return [] if notes else [node.start_mark.line]


@pytest.mark.parametrize("name", ["baseline-2024", "putuo-2025"])
def test_every_value_cites_a_clause_or_is_marked_as_an_assumption(name: str) -> None:
    text = shipped_text(name)
    lines = text.splitlines()
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None
    uncommented = []
    for index in value_lines(root):
        comment = lines[index].partition("#")[2]
        if (name == "putuo-2025" and not ("[" in comment or "assumption" in comment)) or (
            not comment.strip() and not _under_commented_key(lines, index)
        ):
            uncommented.append(lines[index])
    assert uncommented == []


def _under_commented_key(lines: list[str], index: int) -> bool:
    # In the baseline, a group of zeros may share one comment on the key above them.
    indent = len(lines[index]) - len(lines[index].lstrip())
    for above in range(index - 1, -1, -1):
        line = lines[above]
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            return "#" in line
    return False


def test_putuo_keeps_the_agreements_numbers(putuo: Rulebook) -> None:
    assert putuo.guarantee.hourly_minimum_fen == 2500
    assert putuo.fatigue.continuous_work_limit_min == 240
    assert putuo.fatigue.min_rest_min == 20
    assert putuo.fatigue.daily_confirmation_after_min == 480
    assert putuo.fatigue.weekly_rest_days == 1
    assert putuo.combining.target_on_route_pct == 90
    assert not putuo.service_score.lateness_deducts_money
    assert set(putuo.service_score.exempt_causes) == {
        "traffic_control",
        "weather_alert",
        "merchant_delay",
        "lift_out_of_order",
        "customer_unreachable",
    }
    # Numbers the agreement states are not listed as assumptions.
    assert "guarantee.hourly_minimum_fen" not in putuo.assumptions
    assert "fatigue.continuous_work_limit_min" not in putuo.assumptions


def test_baseline_is_practice_before_the_agreement(baseline: Rulebook) -> None:
    assert baseline.pricing.distance_tiers == ()
    assert baseline.pricing.weight_tiers == ()
    assert baseline.service_score.late_fine_fen_per_min > 0
    assert baseline.fatigue.continuous_work_limit_min is None
    assert baseline.pricing.traffic_control_detour.fen_per_km == 0
    assert baseline.pricing.traffic_control_detour.fen_per_min == 0
    assert baseline.guarantee.hourly_minimum_fen == 0


def test_assumptions_name_real_clauses(putuo: Rulebook, baseline: Rulebook) -> None:
    known = set(clause_paths())
    assert set(putuo.assumptions) <= known
    assert set(baseline.assumptions) <= known


def broken(old: str, new: str, name: str = "putuo-2025") -> str:
    text = shipped_text(name)
    assert old in text, old
    return text.replace(old, new, 1)


def problem_for(text: str, source: str = "broken.yaml") -> str:
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(text, source=source)
    return str(caught.value)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_unknown_key_names_file_line_path_and_allowed_keys() -> None:
    text = broken("  promise_buffer_min: 5", "  promise_buffer_min: 5\n  colour: blue")
    message = problem_for(text)
    assert message.startswith(f"broken.yaml:{line_of(text, 'colour: blue')}: eta.colour:")
    assert "unknown key 'colour'" in message
    assert "promise_buffer_min" in message


def test_negative_money_is_refused() -> None:
    text = broken("  bulky_fen: 300 ", "  bulky_fen: -300 ")
    message = problem_for(text)
    assert f"broken.yaml:{line_of(text, 'bulky_fen: -300')}: pricing.bulky_fen:" in message
    assert "money must not be negative" in message


def test_money_must_be_whole_fen() -> None:
    message = problem_for(broken("  bulky_fen: 300 ", "  bulky_fen: 2.5 "))
    assert "pricing.bulky_fen" in message
    assert "integer" in message


def test_rest_shorter_than_the_gap_rule_is_refused() -> None:
    message = problem_for(broken("  min_rest_min: 20 ", "  min_rest_min: 10 "))
    assert "fatigue.min_rest_min" in message
    assert "shorter than gap_counts_as_rest_from_min" in message


@pytest.mark.parametrize("new", ["    - above_m: 2000", "    - above_m: 3000"])
def test_overlapping_or_unsorted_tiers_are_refused(new: str) -> None:
    message = problem_for(broken("    - above_m: 5000", new))
    assert "pricing.distance_tiers" in message
    assert "tiers overlap or are out of order" in message


def test_weight_tiers_are_checked_too() -> None:
    message = problem_for(broken("    - above_g: 10000", "    - above_g: 4000"))
    assert "pricing.weight_tiers" in message


def test_missing_clause_is_named() -> None:
    message = problem_for(broken("  bulky_fen: 300 ", "  # bulky removed "))
    assert "pricing.bulky_fen: required key is missing" in message


def test_fine_without_the_money_switch_is_a_contradiction() -> None:
    message = problem_for(broken("  late_fine_fen_per_min: 0 ", "  late_fine_fen_per_min: 30 "))
    assert "service_score.late_fine_fen_per_min" in message
    assert "contradicts lateness_deducts_money" in message


def test_fine_cap_above_the_base_fare_is_refused() -> None:
    text = broken("late_fine_cap_fen: 700", "late_fine_cap_fen: 900", "baseline-2024")
    message = problem_for(text)
    line = line_of(text, "late_fine_cap_fen: 900")
    assert f"broken.yaml:{line}: service_score.late_fine_cap_fen: a cap of 900 fen" in message


def test_unquoted_clock_time_is_explained() -> None:
    message = problem_for(broken("start: '22:00'", "start: 22:00"))
    assert "pricing.night.start" in message
    assert "quoted text" in message


def test_unknown_lateness_cause_is_refused() -> None:
    message = problem_for(broken("    - lift_out_of_order ", "    - bad_luck "))
    assert "service_score.exempt_causes[3]" in message


def test_every_problem_is_reported_at_once() -> None:
    text = broken("  bulky_fen: 300 ", "  bulky_fen: -300 ")
    text = text.replace("  min_rest_min: 20 ", "  min_rest_min: 10 ")
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(text, source="two.yaml")
    assert {problem.path for problem in caught.value.problems} == {
        "pricing.bulky_fen",
        "fatigue.min_rest_min",
    }


def test_duplicate_keys_are_refused() -> None:
    text = broken("  bulky_fen: 300", "  bulky_fen: 300\n  bulky_fen: 400")
    message = problem_for(text)
    assert f"broken.yaml:{line_of(text, 'bulky_fen: 400')}: pricing.bulky_fen" in message
    assert "twice" in message


def test_effective_until_before_from_is_refused() -> None:
    message = problem_for(
        broken("effective_until: 2025-04-24", "effective_until: 2023-01-01", "baseline-2024")
    )
    assert "effective_until" in message


def test_unknown_assumption_is_refused() -> None:
    message = problem_for(broken("  - pricing.bulky_fen", "  - pricing.bulky_yuan"))
    assert "assumptions: not clauses of a rulebook: pricing.bulky_yuan" in message


def test_bad_yaml_and_non_mapping_are_refused() -> None:
    assert "not valid YAML" in problem_for("id: [unclosed\n")
    assert "a rulebook is a mapping" in problem_for("- just\n- a list\n")


def test_missing_file_and_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match=r"nope\.yaml"):
        load_rulebook(tmp_path / "nope.yaml")
    with pytest.raises(RulebookError, match="shipped: baseline-2024, putuo-2025"):
        load_rulebook("putuo-2099")


def test_file_on_disk_is_named_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(broken("  bulky_fen: 300 ", "  bulky_fen: -1 "), encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(path)
    assert caught.value.source == str(path)
    assert str(caught.value).startswith(f"{path}:")


def test_rulebook_is_immutable(putuo: Rulebook) -> None:
    with pytest.raises(ValueError, match="frozen"):
        putuo.pricing.bulky_fen = 0  # type: ignore[misc]


def test_yaml_dump_is_plain_data(putuo: Rulebook) -> None:
    data = yaml.safe_load(dump_rulebook(putuo))
    assert data["pricing"]["night"]["start"] == "22:00"
    assert data["fatigue"]["continuous_work_limit_min"] == 240


def _alias_bomb(levels: int) -> str:
    """A few hundred bytes whose aliases expand to 9**levels values ("billion laughs")."""
    names = [f"l{i}" for i in range(levels + 1)]
    lines = [f"{names[0]}: &{names[0]} [x, x, x, x, x, x, x, x, x]"]
    for prev, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_alias_bomb(9), id="alias-bomb"),
        pytest.param("[" * 1000 + "]" * 1000, id="deep-json"),
        pytest.param('{"id": ' + "{" * 30 + "}" * 30 + "}", id="deep-mapping"),
        pytest.param("x:\n" + "".join("  " * i + "- \n" for i in range(1, 600)), id="deep-yaml"),
        pytest.param("a: &a [*a]\n", id="self-reference"),
    ],
)
def test_text_that_would_explode_is_refused_at_once(text: str) -> None:
    """Deep nesting and alias bombs are a clear problem, in milliseconds, not a crash
    (recursion) or minutes of CPU (each level of the bomb multiplies the work by 9)."""
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(text, source="request body")
    (problem,) = caught.value.problems
    assert problem.path == "(yaml)"
    assert (
        "deeper than" in problem.message
        or "aliases" in problem.message
        or "alias" in problem.message
    )


def test_ordinary_aliases_still_load() -> None:
    """A rulebook may still use an anchor for a value it repeats."""
    plain = shipped_text("putuo-2025")
    text = plain.replace("      step_fen: 0 ", "      step_fen: &none 0 ", 1).replace(
        "      step_fen: 0 ", "      step_fen: *none ", 1
    )
    assert "*none" in text
    assert parse_rulebook(text) == parse_rulebook(plain)
