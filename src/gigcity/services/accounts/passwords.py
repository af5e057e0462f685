"""Password rules: at least 10 characters, not a common password, not a pattern.

The common passwords are a bundled list (`common_passwords.txt`, ~11,800 entries: the
10,000 most common of a well-known public list plus local guesses; see
tools/common_passwords.py), compared lowercased and without surrounding spaces. Repeated
characters ("aaaaaaaaaa", "abababababab") and runs ("abcdefghij", "9876543210") are refused
by rule rather than listed.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_DISTINCT = 4  # fewer different characters than this is a repetition, however long
_LIST = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list, lowercased."""
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("# "))


def _is_run(text: str) -> bool:
    """Each character the one after (or before) the previous: "abcdef", "54321"."""
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return steps in ({1}, {-1})


def is_guessable(password: str) -> bool:
    """Common, repetitive or a run of consecutive characters."""
    word = password.strip().lower()
    return word in common_passwords() or len(set(word)) < MIN_DISTINCT or _is_run(word)


def check_password(password: str) -> None:
    """Refuse a password that is too short or too easy to guess (422 naming `password`)."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            N_("The password must have at least {min} characters."),
            field="password",
            min=MIN_LENGTH,
        )
    if is_guessable(password):
        raise InvalidInput(
            N_(
                "This password is one of the most common ones or too easy to guess; "
                "choose a longer, less predictable one."
            ),
            field="password",
        )
