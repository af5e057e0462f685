"""Small-cell suppression for the files sub-district officers export: a count of 1 or 2
(`K` = 3) is written "<3", so that nobody can be singled out from a file that leaves the
platform (one complaint about noise at one estate in one month names its caller to anyone
who knows the estate). Zero stays 0: it says nothing about a person.

A suppressed count must not come back by subtraction: where figures add up (the months
to the window's total, the topics to the complaints, complaints + reports + answers to a
hotspot's total) and exactly one cell of such a sum is suppressed, another is withheld too
(`WITHHELD`, the smallest other count above zero, else the sum), until no sum has exactly
one. A "<3" can then be bounded by the cells around it, but not known.

District admins get exact figures; this applies to officers' files only. Pure: keys and
numbers in, what to write out.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = 3
SMALL = f"<{K}"
WITHHELD = "*"
"""A count withheld so that a "<3" next to it cannot be worked out from a sum."""

Key = TypeVar("Key", bound=Hashable)
Sum = tuple[Key, Sequence[Key]]
"""A cell that is the sum of others: (the sum's key, the parts' keys)."""


def is_small(value: int) -> bool:
    return 0 < value < K


def suppress(
    values: Mapping[Key, int], sums: Sequence[tuple[Key, Sequence[Key]]]
) -> dict[Key, int | str]:
    """Each cell as it may be written: its count, `SMALL` or `WITHHELD`."""
    hidden: dict[Key, str] = {key: SMALL for key, v in values.items() if is_small(v)}
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            cells = [*parts, total]
            if sum(1 for c in cells if c in hidden) != 1:
                continue
            open_parts = [p for p in parts if p not in hidden]
            above_zero = [p for p in open_parts if values.get(p, 0) > 0]
            if above_zero:
                pick = min(above_zero, key=lambda p: values.get(p, 0))
            elif total not in hidden:
                pick = total
            else:
                pick = open_parts[0]
            hidden[pick] = WITHHELD
            changed = True
    return {key: hidden.get(key, value) for key, value in values.items()}


__all__ = ["SMALL", "WITHHELD", "K", "is_small", "suppress"]
