"""Rate limits for every intake (reports, Open311, sign-in): token buckets per key, kept in
this process (`memory`) or in the database, shared by every worker (`database`)."""

from gigcity.services.ratelimit.database import DatabaseRateLimiter, make_limiter
from gigcity.services.ratelimit.memory import Limiter, Rate, RateLimiter, retry_after_s

__all__ = [
    "DatabaseRateLimiter",
    "Limiter",
    "Rate",
    "RateLimiter",
    "make_limiter",
    "retry_after_s",
]
