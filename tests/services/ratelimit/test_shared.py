"""Rate limits shared by every worker: buckets in the database, so N workers (here N limiter
instances or N platforms on one database) together allow the configured rate, not N times it.

Run on SQLite and PostgreSQL (the store works on both; `auto` picks it on PostgreSQL); the
PostgreSQL half skips, saying so, without a server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.db.migrate import upgrade
from gigcity.db.models import RateBucket
from gigcity.db.session import make_engine, make_sessionmaker
from gigcity.services.platform import Platform
from gigcity.services.ratelimit import DatabaseRateLimiter, Rate, RateLimiter, make_limiter
from gigcity.services.reports import PhotoStore
from services.reports.reports_support import WANLI, database_url, setup_district
from support import World, token

__all__ = ["database_url"]  # the faster PostgreSQL reset of the reports tests

T0 = 1_800_000_000.0  # a wall-clock time (the shared store works in epoch seconds)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


def rows(factory: sessionmaker[Session]) -> set[str]:
    with factory() as session:
        return set(session.scalars(select(RateBucket.key)))


def test_two_workers_together_allow_the_capacity_not_twice_it(
    factory: sessionmaker[Session],
) -> None:
    clock = Clock()
    one, two = DatabaseRateLimiter(factory, clock), DatabaseRateLimiter(factory, clock)
    rate = Rate(capacity=5, period_s=60)
    answers = [(one if i % 2 else two).take("report-ip", "10.0.0.1", rate) for i in range(12)]
    assert answers[:5] == [0] * 5
    # Refused from then on, by either worker, with the token bucket's wait (60 s / 5).
    assert answers[5:] == [pytest.approx(12.0)] * 7
    assert one.take("report-ip", "10.0.0.2", rate) == 0  # another key, its own bucket
    clock.now += 12
    assert two.take("report-ip", "10.0.0.1", rate) == 0  # one token back after 12 s
    assert one.take("report-ip", "10.0.0.1", rate) == pytest.approx(12.0)


def test_the_shared_store_answers_as_the_in_memory_bucket(
    factory: sessionmaker[Session],
) -> None:
    """Same admissions and waits as one process's bucket, including refill and idle time."""
    clock = Clock()
    shared, memory = DatabaseRateLimiter(factory, clock), RateLimiter(clock=clock)
    rate = Rate(capacity=3, period_s=3600)
    for gap in [0, 0, 0, 0, 500, 700, 1, 1200, 0, 0, 5000, 0, 0, 0, 0, 1199, 1]:
        clock.now += gap
        assert shared.take("r", "k", rate) == pytest.approx(memory.take("r", "k", rate))


def test_a_refusal_by_one_limit_uses_up_none_of_the_others(
    factory: sessionmaker[Session],
) -> None:
    clock = Clock()
    one, two = DatabaseRateLimiter(factory, clock), DatabaseRateLimiter(factory, clock)
    account, ip = Rate(2, 3600), Rate(1, 3600)
    assert one.take_all([("acct", "7", account), ("ip", "a", ip)]) == 0
    # The IP is spent: refused, and account 7 keeps its last token for another address.
    assert two.take_all([("acct", "7", account), ("ip", "a", ip)]) == pytest.approx(3600)
    assert two.take_all([("acct", "7", account), ("ip", "b", ip)]) == 0
    assert one.take_all([("acct", "7", account), ("ip", "c", ip)]) == pytest.approx(1800)
    assert one.take("ip", "c", ip) == 0  # ... and that refusal left address c untouched


def test_concurrent_workers_do_not_over_admit(factory: sessionmaker[Session]) -> None:
    """Eight threads, each its own limiter (a worker), race for one key's 20 tokens."""
    rate = Rate(capacity=20, period_s=3600)  # refills 0.006 a second: none during the test
    limiters = [DatabaseRateLimiter(factory) for _ in range(8)]
    start = threading.Barrier(len(limiters))
    allowed = [0] * len(limiters)

    def worker(i: int) -> None:
        start.wait()
        for _ in range(10):
            if (
                limiters[i].take_all(
                    [("report-account", "42", rate), ("report-ip", "x", Rate(0, 1))]
                )
                == 0
            ):
                allowed[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(limiters))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 20


def test_full_buckets_are_purged_and_nothing_is_lost(factory: sessionmaker[Session]) -> None:
    clock = Clock()
    limiter = DatabaseRateLimiter(factory, clock, purge_every_s=60)
    rate = Rate(capacity=1, period_s=60)
    limiter.take("r", "a", rate)
    limiter.take("r", "b", rate)
    clock.now += 30
    limiter.take("r", "c", rate)
    assert rows(factory) == {"a", "b", "c"}
    clock.now += 31  # a and b are full again, c is not
    assert limiter.purge() == 2
    assert rows(factory) == {"c"}
    assert limiter.take("r", "c", rate) == pytest.approx(29)  # c is still limited
    assert limiter.take("r", "a", rate) == 0  # a forgotten = a full bucket
    # Left alone, a limiter purges by itself once a minute.
    clock.now += 120
    limiter.take("r", "d", rate)
    assert rows(factory) == {"d"}


def test_auto_shares_the_buckets_on_postgresql_only(factory: sessionmaker[Session]) -> None:
    shared = factory.kw["bind"].dialect.name == "postgresql"
    assert isinstance(make_limiter("auto", factory), DatabaseRateLimiter) is shared
    assert isinstance(make_limiter("memory", factory), RateLimiter)
    assert isinstance(make_limiter("database", factory), DatabaseRateLimiter)


# -- over HTTP: two workers ------------------------------------------------------------------


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        mode="dev", database_url=database_url, secret_key="", rate_limit_store="database"
    )


@pytest.fixture
def workers(platform: Platform, world: World, tmp_path: Path) -> Iterator[list[TestClient]]:
    """Two workers: two platforms (each its own limiter) on one database."""
    setup_district(platform, world)
    second = Platform.from_settings(platform.settings)
    rates = platform.reports.rates.__class__(
        reports_per_account=Rate(3, 3600),
        reports_per_ip=Rate(0, 1),
        photos_per_account=Rate(0, 1),
        open311_reads_per_ip=Rate(0, 1),
    )
    for p in (platform, second):
        p.reports.photos = PhotoStore(tmp_path / "photos")
        p.reports.rates = rates
    with (
        TestClient(create_app(platform.settings, platform)) as one,
        TestClient(create_app(second.settings, second)) as two,
    ):
        yield [one, two]
    second.close()


def test_two_workers_answer_429_with_retry_after_past_the_shared_limit(
    workers: list[TestClient],
) -> None:
    rider = token(workers[0], "rider")
    body = {"category": "road_hazard", "description": "pothole", "lon": WANLI[0], "lat": WANLI[1]}
    codes = [
        workers[i % 2].post("/api/reports", headers=rider, json=body).status_code for i in range(6)
    ]
    assert codes == [201, 201, 201, 429, 429, 429]
    limited = workers[1].post("/api/reports", headers=rider | {"Accept-Language": "en"}, json=body)
    assert limited.status_code == 429
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert "try again" in limited.json()["detail"]
    assert 1 <= int(limited.headers["retry-after"]) <= 1200  # 3600 s / 3 per token


def test_database_rows_count_keys_not_requests(factory: sessionmaker[Session]) -> None:
    limiter = DatabaseRateLimiter(factory, Clock())
    for _ in range(5):
        limiter.take("r", "same", Rate(10, 60))
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(RateBucket)) == 1
