"""Helpers for the rules tests: rulebook variants built inline, a reference fatigue measure."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from gigcity.rules import Rulebook


def variant(book: Rulebook, **changes: Any) -> Rulebook:
    """`book` with clauses replaced; keys are clause paths with `__` for dots."""
    data = copy.deepcopy(book.model_dump(mode="json"))
    for key, value in changes.items():
        *parents, name = key.split("__")
        holder = data
        for part in parents:
            holder = holder[part]
        holder[name] = value
    return Rulebook.model_validate(data)


def longest_streak_min(work_min: Iterable[tuple[int, int]], pause_min: int, rest_min: int) -> int:
    """Longest continuous work, minute by minute: an independent check on the fatigue clock.

    A gap of `rest_min` or more resets the streak, one of `pause_min` or more leaves it as it
    was, a shorter gap counts as work.
    """
    worked = {minute for start, end in work_min for minute in range(start, end)}
    if not worked:
        return 0
    streak = longest = gap = 0
    seen = False
    for minute in range(min(worked), max(worked) + 1):
        if minute in worked:
            if seen and gap:
                if gap >= rest_min:
                    streak = 0
                elif gap < pause_min:
                    streak += gap
            gap, seen = 0, True
            streak += 1
            longest = max(longest, streak)
        else:
            gap += 1
    return longest
