"""The codes of a relay item: the hand-off code the rider shows at the point and the
recipient's confirmation code. Only salted hashes are stored; wrong tries are counted
so a code cannot be guessed (a million six-digit codes, ten tries)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

MAX_WRONG_CODES = 10


def new_code(digits: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def code_hash(salt: str, kind: str, code: str) -> str:
    return hashlib.sha256(f"{salt}|{kind}|{code.strip()}".encode()).hexdigest()


def code_matches(stored: str, salt: str, kind: str, code: str) -> bool:
    return hmac.compare_digest(stored, code_hash(salt, kind, code))
