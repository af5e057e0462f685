"""Rate limits at the door: per account and per IP address, refused with 429 and Retry-After.

The buckets live in the reports service: in the database, shared by every worker, on
PostgreSQL; in this process on SQLite (`GIGCITY_RATE_LIMIT_STORE` chooses). The limits come
from the settings (`GIGCITY_REPORT_RATE_*`, `GIGCITY_OPEN311_RATE_*`; 0 turns a limit off).
"""

from __future__ import annotations

from fastapi import Request
from starlette.exceptions import HTTPException as StarletteHTTPException

from gigcity.http.locale import locale_of
from gigcity.i18n import N_, gettext
from gigcity.services.platform import Platform
from gigcity.services.ratelimit import Rate, retry_after_s


def client_ip(request: Request) -> str:
    """The peer address (behind a proxy, run uvicorn with --proxy-headers and
    --forwarded-allow-ips so this is the real client)."""
    return request.client.host if request.client else "unknown"


def check_rate(request: Request, platform: Platform, rule: str, key: str, rate: Rate) -> None:
    check_rates(request, platform, [(rule, key, rate)])


def check_rates(request: Request, platform: Platform, buckets: list[tuple[str, str, Rate]]) -> None:
    """Refuse with 429 (and Retry-After) unless every bucket has room; a refused request
    uses up none of them."""
    wait = platform.reports.limiter.take_all(buckets)
    if wait > 0:
        seconds = retry_after_s(wait)
        detail = gettext(
            locale_of(request),
            N_("Too many requests; please try again in {seconds} seconds."),
            seconds=seconds,
        )
        raise StarletteHTTPException(429, detail=detail, headers={"Retry-After": str(seconds)})
