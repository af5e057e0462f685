"""Changing one clause of a rulebook, and which clauses change what the dispatcher does.

A clause is named by its dotted path (`pricing.stairs.fen_per_floor`, see
`gigcity.rules.clause_paths`). Values are given as JSON (numbers, `true`, `null`, lists) or
as a range `start:stop:step` for sweeps. A changed rulebook is validated like any rulebook,
so a value the agreement's schema refuses is refused here with the same message.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from gigcity.rules import Rulebook, clause_paths, diff_rulebooks

# The clauses the dispatcher or the simulated day read; every other clause only changes
# pay, fines, points or promises, so a day is simulated once for all of them.
DISPATCH_CLAUSES: tuple[str, ...] = (
    "fatigue.continuous_work_limit_min",
    "fatigue.gap_counts_as_rest_from_min",
    "fatigue.min_rest_min",
    "fatigue.daily_confirmation_after_min",
    "fatigue.weekly_rest_days",
    "combining.max_extra_min",
    "combining.max_extra_distance_pct",
    "guarantee.hourly_minimum_fen",
    "eta.include_predicted_prep",
    "eta.include_closures",
)
# Clauses that describe the agreement rather than rule anything.
_NOT_RULES = ("id", "version", "title", "parties", "effective_from", "effective_until")
# Clauses only valid together (the schema checks them against each other).
COUPLED: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "service_score.lateness_deducts_money",
            "service_score.late_fine_fen_per_min",
            "service_score.late_fine_cap_fen",
        }
    ),
    frozenset({"fatigue.gap_counts_as_rest_from_min", "fatigue.min_rest_min"}),
)


class ClauseError(ValueError):
    """A clause path or value that cannot be used; the message says which and why."""


def rule_clauses() -> tuple[str, ...]:
    return tuple(p for p in clause_paths() if p not in _NOT_RULES)


def check_clause(path: str) -> str:
    known = rule_clauses()
    if path in known:
        return path
    close = difflib.get_close_matches(path, known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise ClauseError(f"{path!r} is not a clause of a rulebook{hint}")


def clause_value(rulebook: Rulebook, path: str) -> Any:
    data: Any = rulebook.model_dump(mode="json")
    for part in path.split("."):
        data = data[part]
    return data


def with_clauses(rulebook: Rulebook, changes: dict[str, Any]) -> Rulebook:
    """`rulebook` with the given clause values (JSON values), validated."""
    data: Any = rulebook.model_dump(mode="json")
    for path, value in changes.items():
        check_clause(path)
        holder = data
        parts = path.split(".")
        for part in parts[:-1]:
            holder = holder[part]
        holder[parts[-1]] = value
    try:
        return Rulebook.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        shown = ", ".join(f"{k}={json.dumps(v)}" for k, v in changes.items())
        raise ClauseError(f"{shown} makes an invalid rulebook: {problems}") from None


def dispatch_signature(rulebook: Rulebook) -> str:
    """Equal for rulebooks under which the dispatcher and the day behave identically."""
    return json.dumps([clause_value(rulebook, path) for path in DISPATCH_CLAUSES])


def changed_clauses(a: Rulebook, b: Rulebook) -> list[str]:
    """Rule clauses whose values differ between a and b, in schema order."""
    rules = set(rule_clauses())
    return [row.clause for row in diff_rulebooks(a, b) if row.changed and row.clause in rules]


def switch_groups(a: Rulebook, b: Rulebook) -> list[tuple[str, ...]]:
    """The changed clauses as groups switched together from A to B.

    A clause is switched alone when A with B's value for it is a valid rulebook. Otherwise
    its group grows until it is: first by the clauses it is coupled to, then by the changed
    clauses the refusal names, then by its whole section, and finally by every clause left.
    """
    changed = changed_clauses(a, b)
    groups: list[tuple[str, ...]] = []
    placed: set[str] = set()
    for clause in changed:
        if clause in placed:
            continue
        members = {clause}
        error = _invalid(a, b, members)
        while error is not None:  # grow by coupled clauses and clauses the refusal names
            coupled = set().union(*(c for c in COUPLED if members & c))
            grown = (members | coupled | {c for c in changed if c in error}) & set(changed)
            grown -= placed - members
            if grown == members:
                break
            members = grown
            error = _invalid(a, b, members)
        if error is not None:
            sections = {c.split(".")[0] for c in members}
            members |= {c for c in changed if c.split(".")[0] in sections} - placed
            if _invalid(a, b, members) is not None:
                members = set(changed) - placed
        group = tuple(c for c in changed if c in members)
        placed.update(group)
        groups.append(group)
    return groups


def _invalid(a: Rulebook, b: Rulebook, members: set[str]) -> str | None:
    try:
        with_clauses(a, {c: clause_value(b, c) for c in members})
    except ClauseError as error:
        return str(error)
    return None


def switched(a: Rulebook, b: Rulebook, group: Sequence[str]) -> Rulebook:
    return with_clauses(a, {clause: clause_value(b, clause) for clause in group})


def parse_values(rulebook: Rulebook, path: str, text: str) -> list[Any]:
    """Values for a sweep: `start:stop:step` (stop included) or a comma list of JSON values."""
    check_clause(path)
    current = clause_value(rulebook, path)
    if ":" in text and not text.lstrip().startswith(("[", "{", '"')):
        parts = text.split(":")
        if len(parts) != 3:
            raise ClauseError(f"{path}: a range is start:stop:step, got {text!r}")
        try:
            start, stop, step = (Decimal(p) for p in parts)
        except InvalidOperation:
            raise ClauseError(f"{path}: {text!r} is not a numeric range") from None
        if step <= 0 or stop < start:
            raise ClauseError(f"{path}: a range needs step > 0 and stop >= start, got {text!r}")
        count = int((stop - start) / step) + 1
        if count > 1000:
            raise ClauseError(f"{path}: {count} values is too many (at most 1000)")
        values: list[Any] = [start + i * step for i in range(count)]
        integral = isinstance(current, int) and not isinstance(current, bool)
        return [int(v) if integral or v == v.to_integral_value() else float(v) for v in values]
    result: list[Any] = []
    for item in _split_top(text):
        try:
            result.append(json.loads(item))
        except json.JSONDecodeError:
            raise ClauseError(
                f"{path}: {item!r} is not a JSON value (use 300, true, null, ...)"
            ) from None
    if not result:
        raise ClauseError(f"{path}: no values given")
    return result


def _split_top(text: str) -> Iterable[str]:
    """Split on commas that are not inside brackets or quotes."""
    depth, quoted, start = 0, False, 0
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "[{":
            depth += 1
        elif not quoted and ch in "]}":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            yield text[start:i].strip()
            start = i + 1
    tail = text[start:].strip()
    if tail:
        yield tail
