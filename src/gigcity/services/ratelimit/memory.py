"""Token buckets kept in this process: so many actions per period for each key.

Each key (an account, an IP address) has a bucket holding up to `capacity` tokens that
refills evenly over `period_s`; an action takes a token or is refused with the seconds
until one is back. `RateLimiter` keeps buckets in memory (one set per worker process),
bounded in number: the least recently used are forgotten first, which can only ever be
generous. `database.DatabaseRateLimiter` keeps the same buckets in the database, shared
by every worker (`GIGCITY_RATE_LIMIT_STORE`).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Rate:
    """`capacity` actions per `period_s` seconds; a capacity of 0 means no limit."""

    capacity: int
    period_s: float

    @property
    def unlimited(self) -> bool:
        return self.capacity <= 0

    @property
    def refill_per_s(self) -> float:
        return self.capacity / self.period_s


class Limiter(Protocol):
    """What the API asks of a rate limiter, wherever its buckets live."""

    def take(self, rule: str, key: str, rate: Rate) -> float: ...

    def take_all(self, buckets: list[tuple[str, str, Rate]]) -> float: ...

    def give_back(self, buckets: list[tuple[str, str, Rate]]) -> None: ...

    def reset(self) -> None: ...


class RateLimiter:
    """Buckets in this process's memory: exact for one worker, N times generous for N."""

    def __init__(
        self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, rule: str, key: str, rate: Rate) -> float:
        """Take a token from `key`'s bucket of `rule`: 0 if allowed, else seconds to wait."""
        return self.take_all([(rule, key, rate)])

    def take_all(self, buckets: list[tuple[str, str, Rate]]) -> float:
        """Take a token from each bucket only if every one has a token (a request refused
        by one limit does not use up the others); 0 if allowed, else seconds to wait."""
        limited = [(rule, key, rate) for rule, key, rate in buckets if not rate.unlimited]
        if not limited:
            return 0.0
        now = self.clock()
        with self._lock:
            levels = []
            for rule, key, rate in limited:
                tokens, last = self._buckets.pop((rule, key), (float(rate.capacity), now))
                tokens = min(float(rate.capacity), tokens + (now - last) * rate.refill_per_s)
                levels.append(tokens)
            wait = max(
                ((1.0 - tokens) / rate.refill_per_s if tokens < 1.0 else 0.0)
                for tokens, (_, _, rate) in zip(levels, limited, strict=True)
            )
            spend = 1.0 if wait == 0.0 else 0.0
            for tokens, (rule, key, _) in zip(levels, limited, strict=True):
                self._buckets[(rule, key)] = (tokens - spend, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait

    def give_back(self, buckets: list[tuple[str, str, Rate]]) -> None:
        """Return the token an allowed action took from each bucket, when the action turned
        out not to count (a sign-in limit counts failures only: a right password gives its
        token back). A bucket never holds more than its capacity."""
        now = self.clock()
        with self._lock:
            for rule, key, rate in buckets:
                entry = self._buckets.get((rule, key))
                if rate.unlimited or entry is None:
                    continue  # no limit, or a forgotten bucket: full already
                tokens, last = entry
                refilled = tokens + (now - last) * rate.refill_per_s + 1.0
                self._buckets[(rule, key)] = (min(float(rate.capacity), refilled), now)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


def retry_after_s(wait: float) -> int:
    """Whole seconds for a Retry-After header (at least 1)."""
    return max(1, math.ceil(wait))
