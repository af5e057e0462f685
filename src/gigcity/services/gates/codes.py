"""The codes a rider shows at a gate: the pass's rotating code (RFC 6238 TOTP through
pyotp: 30-second steps, 6 digits, HMAC-SHA1 as authenticator apps use), its QR payload and
SVG, and the one-time order codes (8 digits, only a keyed hash stored).

A pass's code is accepted in its own 30-second step and in the one before (a code read just
before the step turned still opens), never later and never twice (`last_used_step`)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import pyotp

STEP_S = 30
DIGITS = 6
ACCEPTED_PAST_STEPS = 1  # the step before the current one
EXPIRED_LOOKBACK_STEPS = 20  # older codes within 10 minutes are "expired", not "wrong"
PAYLOAD_PREFIX = "GCP1"
ORDER_CODE_DIGITS = 8

_PAYLOAD = re.compile(rf"^{PAYLOAD_PREFIX}:([1-9][0-9]{{0,9}}):([0-9]{{{DIGITS}}})$")
_ORDER_CODE = re.compile(rf"^[0-9]{{{ORDER_CODE_DIGITS}}}$")


def new_secret() -> str:
    """A pass's secret: 160 random bits, base32 (RFC 4226's recommended length)."""
    return pyotp.random_base32(32)


def step_of(unix_s: float) -> int:
    return int(unix_s // STEP_S)


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S).generate_otp(step)


def matching_step(secret: str, code: str, now_s: float) -> tuple[int | None, bool]:
    """The step `code` belongs to if it is accepted now (None otherwise), and whether it is
    an older code of this pass (expired rather than wrong)."""
    current = step_of(now_s)
    for step in range(current, current - ACCEPTED_PAST_STEPS - 1, -1):
        if hmac.compare_digest(code_at_step(secret, step), code):
            return step, False
    first_old = current - ACCEPTED_PAST_STEPS - 1
    expired = any(
        hmac.compare_digest(code_at_step(secret, step), code)
        for step in range(first_old, first_old - EXPIRED_LOOKBACK_STEPS, -1)
    )
    return None, expired


def payload(pass_id: int, code: str) -> str:
    """What the QR code holds: "GCP1:<pass id>:<code>" (a keypad controller builds the same
    from the pass number and code the rider's screen shows)."""
    return f"{PAYLOAD_PREFIX}:{pass_id}:{code}"


def parse_payload(text: str) -> tuple[int, str] | None:
    found = _PAYLOAD.match(text.strip())
    if found is None:
        return None
    return int(found.group(1)), found.group(2)


def new_order_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(ORDER_CODE_DIGITS))


def clean_order_code(text: str) -> str | None:
    """An order code as typed (spaces and dashes allowed), or None if it is not one."""
    code = re.sub(r"[\s-]", "", text)
    return code if _ORDER_CODE.match(code) else None


def order_code_hash(pepper: str, code: str) -> str:
    """A keyed hash: 10^8 codes are too few for a plain hash to hide them."""
    return hmac.new(pepper.encode(), code.encode(), hashlib.sha256).hexdigest()
