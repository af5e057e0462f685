"""Token buckets kept in the database, shared by every worker process (`serve --workers N`).

Each bucket is one row of `rate_buckets` holding the time at which it is full again (`tat`,
the generic cell rate algorithm): with a capacity of C per period P, an action moves `tat`
on by P/C from max(tat, now) and is allowed if `tat` then lies no more than P ahead of now.
That is the in-memory token bucket exactly (the same admissions, the same Retry-After), in
one row per key and one statement per request: INSERT ... ON CONFLICT DO UPDATE ... WHERE
... RETURNING takes a token from each bucket that has one, atomically row by row, and runs
without a transaction on PostgreSQL (`single_statement_sessions`: no BEGIN and COMMIT round
trips). A bucket the statement did not return had no token: the request is refused and the
tokens it took from its other buckets are given back, so a refused request uses up nothing
(meanwhile a concurrent request may find them taken: that can refuse, never over-admit).

A row whose `tat` has passed is a full bucket, so deleting it changes nothing: each process
deletes such rows now and then (every `purge_every_s`), which keeps the table to the keys
seen within the last period. Time is the workers' wall clock (`time.time`); workers on
several machines need their clocks in step (NTP) to well under a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import Engine, TextClause, and_, delete, or_, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import RateBucket
from gigcity.db.session import single_statement_sessions, transaction
from gigcity.services.ratelimit.memory import Limiter, Rate, RateLimiter

MAX_KEY = 200  # the column's length; longer keys (never seen: IPs, ids) are cut
# Float slack when comparing times, so a bucket's last token is not lost to rounding.
EPSILON_S = 1e-6


class DatabaseRateLimiter:
    def __init__(
        self,
        factory: sessionmaker[Session],
        clock: Callable[[], float] = time.time,
        purge_every_s: float = 60.0,
    ) -> None:
        dialect = factory.kw["bind"].dialect.name
        if dialect not in ("postgresql", "sqlite"):
            raise ValueError(f"database rate limits need PostgreSQL or SQLite, not {dialect}")
        self._sessions = single_statement_sessions(factory)
        self._engine: Engine = self._sessions.kw["bind"]
        self.clock = clock
        self.purge_every_s = purge_every_s
        self._next_purge = clock() + purge_every_s
        self._lock = threading.Lock()

    def take(self, rule: str, key: str, rate: Rate) -> float:
        """Take a token from `key`'s bucket of `rule`: 0 if allowed, else seconds to wait."""
        return self.take_all([(rule, key, rate)])

    def take_all(self, buckets: list[tuple[str, str, Rate]]) -> float:
        """Take a token from each bucket only if every one has a token (a request refused
        by one limit does not use up the others); 0 if allowed, else seconds to wait."""
        wanted: dict[tuple[str, str], Rate] = {}
        for rule, key, rate in buckets:
            if not rate.unlimited:
                wanted.setdefault((rule, key[:MAX_KEY]), rate)
        if not wanted:
            return 0.0
        now = self.clock()
        taken = self._take(now, wanted)
        wait = self._refuse(now, wanted, taken) if len(taken) < len(wanted) else 0.0
        self._purge_now_and_then(now)
        return wait

    def _take(self, now: float, wanted: dict[tuple[str, str], Rate]) -> set[tuple[str, str]]:
        """One statement: a token from each bucket that has one; which buckets gave one."""
        params: dict[str, object] = {"now": now}
        for i, ((rule, key), rate) in enumerate(sorted(wanted.items())):  # one lock order
            params |= {
                f"r{i}": rule,
                f"k{i}": key,
                f"t{i}": now + rate.period_s / rate.capacity,
                f"p{i}": rate.period_s,
            }
        with self._engine.begin() as conn:  # autocommit on PostgreSQL: no BEGIN, no COMMIT
            found = conn.execute(_take_sql(len(wanted)), params)
            return {(rule, key) for rule, key in found}

    def _refuse(
        self, now: float, wanted: dict[tuple[str, str], Rate], taken: set[tuple[str, str]]
    ) -> float:
        """Give back the tokens taken; the seconds until every refusing bucket has one."""
        self._give_back({pair: wanted[pair] for pair in taken})
        refused = [pair for pair in wanted if pair not in taken]
        which = or_(*(and_(RateBucket.rule == r, RateBucket.key == k) for r, k in refused))
        with transaction(self._sessions) as session:
            found = session.execute(
                select(RateBucket.rule, RateBucket.key, RateBucket.tat).where(which)
            )
            tats = {(rule, key): tat for rule, key, tat in found}
        wait = 0.0
        for pair in refused:
            rate = wanted[pair]
            ahead = max(tats.get(pair, now), now) - now
            wait = max(wait, ahead + rate.period_s / rate.capacity - rate.period_s)
        # The statement refused: never answer "no wait" (only if a row changed meanwhile).
        return max(wait, EPSILON_S)

    def give_back(self, buckets: list[tuple[str, str, Rate]]) -> None:
        """Return the token an allowed action took from each bucket, when the action turned
        out not to count (a sign-in limit counts failures only: a right password gives its
        token back). `tat` moving below now is a full bucket, never a fuller one."""
        self._give_back(
            {(rule, key[:MAX_KEY]): rate for rule, key, rate in buckets if not rate.unlimited}
        )

    def _give_back(self, buckets: dict[tuple[str, str], Rate]) -> None:
        for (rule, key), rate in sorted(buckets.items()):  # one row a statement: no lock held
            with transaction(self._sessions) as session:
                session.execute(
                    update(RateBucket)
                    .where(RateBucket.rule == rule, RateBucket.key == key)
                    .values(tat=RateBucket.tat - rate.period_s / rate.capacity)
                )

    def _purge_now_and_then(self, now: float) -> None:
        with self._lock:
            if now < self._next_purge:
                return
            self._next_purge = now + self.purge_every_s
        self.purge()

    def purge(self) -> int:
        """Delete full buckets (their `tat` has passed, so nothing is lost); how many."""
        now = self.clock()
        with transaction(self._sessions) as session:
            result: Any = session.execute(delete(RateBucket).where(RateBucket.tat < now))
            return int(result.rowcount)

    def reset(self) -> None:
        with transaction(self._sessions) as session:
            session.execute(delete(RateBucket))


@cache
def _take_sql(buckets: int) -> TextClause:
    """The taking statement for so many buckets (SQLite and PostgreSQL alike). Written out
    rather than built with the ORM: built, the statement compiled afresh on every call and
    took ~3 ms of Python; this one is prepared once per worker and runs in well under 1 ms.
    excluded.tat is now + P/C: the new `tat` is that plus how far the bucket is behind now."""
    values = ", ".join(f"(:r{i}, :k{i}, :t{i}, :p{i})" for i in range(buckets))
    behind = "CASE WHEN rate_buckets.tat > :now THEN rate_buckets.tat - :now ELSE 0.0 END"
    return text(
        f"INSERT INTO rate_buckets (rule, key, tat, period_s) VALUES {values} "
        "ON CONFLICT (rule, key) DO UPDATE "
        f"SET tat = {behind} + excluded.tat, period_s = excluded.period_s "
        f"WHERE {behind} + excluded.tat - :now <= excluded.period_s + {EPSILON_S!r} "
        "RETURNING rule, key"
    )


def make_limiter(store: str, factory: sessionmaker[Session]) -> Limiter:
    """`memory`: buckets in this process; `database`: shared by every worker; `auto`: the
    database on PostgreSQL (where several workers run), memory on SQLite (one process)."""
    if store == "auto":
        store = "database" if factory.kw["bind"].dialect.name == "postgresql" else "memory"
    if store == "database":
        return DatabaseRateLimiter(factory)
    if store == "memory":
        return RateLimiter()
    raise ValueError(f"unknown rate limit store {store!r}: memory, database or auto")
