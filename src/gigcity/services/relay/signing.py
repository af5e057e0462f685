"""Webhook signatures: HMAC-SHA256 of "<timestamp>.<body>" with the webhook's secret, sent as
`X-Gigcity-Signature: t=<unix seconds>,v1=<hex>` (the scheme Stripe uses). A receiver
recomputes it, compares in constant time and refuses a timestamp far from its clock."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Gigcity-Signature"
TOLERANCE_S = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_s: int = TOLERANCE_S) -> bool:
    """What a platform does with a call (shown in docs/relay.md): True when the header's
    signature matches the body and its time is within `tolerance_s` of `now`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
