"""Refs for imported parts that have none: short, unique within the estate, and derived from
what the part is ("b37" for 37号楼) so that they read well and stay stable on re-import."""

from __future__ import annotations

import re
from collections.abc import Iterable

_VALID = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")
_SUFFIXES = ("号楼", "号", "幢", "栋", "楼")


def number_digits(number: str) -> str | None:
    """ "37号楼" -> "37", "３７" -> "37"; None when the number is not plain digits."""
    plain = number.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    plain = plain.replace(" ", "")
    for suffix in _SUFFIXES:
        if plain.endswith(suffix):
            plain = plain[: -len(suffix)]
            break
    plain = plain.lstrip("0") or plain
    return plain if plain.isascii() and plain.isdigit() else None


def is_valid_ref(ref: str) -> bool:
    return bool(_VALID.match(ref))


class RefPool:
    """The refs an estate already uses; hands out new ones that clash with none."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = set(taken)
        self._next: dict[str, int] = {}

    def __contains__(self, ref: str) -> bool:
        return ref in self._taken

    def claim(self, ref: str) -> None:
        self._taken.add(ref)

    def new(self, prefix: str, *preferred: str | None) -> str:
        """The first of `preferred` that is a valid, free ref; else `prefix` and the next
        free number."""
        for ref in preferred:
            if ref is not None and is_valid_ref(ref) and ref not in self._taken:
                self._taken.add(ref)
                return ref
        n = self._next.get(prefix, 1)
        while f"{prefix}{n}" in self._taken:
            n += 1
        self._next[prefix] = n + 1
        ref = f"{prefix}{n}"
        self._taken.add(ref)
        return ref
