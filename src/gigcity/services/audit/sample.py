"""The sample decision log the API hands out (`GET /api/audit/sample`): two riders' day,
written by the generator at first use and kept for the process (the same seed gives the
same file), so it works from a wheel with no docs folder beside it."""

from __future__ import annotations

from datetime import date
from functools import cache

SAMPLE_DAY = date(2025, 6, 2)
SAMPLE_ORDERS = 24
SAMPLE_RIDERS = 2
SAMPLE_SEED = 1
SAMPLE_RULES = "putuo-2025"


@cache
def sample_log() -> bytes:
    """The sample as JSON Lines."""
    from gigcity.rules import load_rulebook
    from gigcity.services.audit.generate import synthetic_log
    from gigcity.services.audit.logwriter import log_bytes

    log = synthetic_log(
        orders=SAMPLE_ORDERS,
        riders=SAMPLE_RIDERS,
        rulebook=load_rulebook(SAMPLE_RULES),
        day=SAMPLE_DAY,
        seed=SAMPLE_SEED,
    )
    return log_bytes(log, "jsonl")
