"""Sign-in is limited on failures: per address (10 a minute, then 100 an hour) and per
username (20 a minute, from anywhere). A limited attempt is refused with 429, Retry-After and
a problem body before the password is hashed; a right password gives its tokens back.

Run on SQLite (buckets in memory) and PostgreSQL (buckets in the database, as in production);
the clock is the tests' own, so nothing waits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from gigcity.app import create_app
from gigcity.services.accounts import service as accounts_module
from gigcity.services.platform import Platform
from gigcity.services.ratelimit import DatabaseRateLimiter, RateLimiter
from support import PASSWORD, World

T0 = 1_800_000_000.0
PROBLEM = "application/problem+json"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(platform: Platform) -> Clock:
    """The platform's buckets on a clock the test moves: in memory on SQLite, in the
    database on PostgreSQL (what `GIGCITY_RATE_LIMIT_STORE=auto` chooses)."""
    clock = Clock()
    if platform.engine.dialect.name == "postgresql":
        platform.reports.limiter = DatabaseRateLimiter(platform.factory, clock)
    else:
        platform.reports.limiter = RateLimiter(clock=clock)
    return clock


@pytest.fixture
def from_address(platform: Platform) -> Iterator[Callable[[str], TestClient]]:
    """Clients of one app, each calling from its own IP address."""
    app = create_app(platform.settings, platform)
    opened: list[TestClient] = []

    def client(ip: str) -> TestClient:
        c = TestClient(app, client=(ip, 50000))
        c.__enter__()
        opened.append(c)
        return c

    yield client
    for c in opened:
        c.__exit__(None, None, None)


def sign_in(client: TestClient, username: str, password: str) -> int:
    return client.post(
        "/api/auth/token", data={"username": username, "password": password}
    ).status_code


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the passwords verified (each an argon2 run)."""
    seen: list[str] = []
    real = accounts_module.verify_password

    def counting(stored_hash: str, password: str) -> bool:
        seen.append(password)
        return real(stored_hash, password)

    monkeypatch.setattr(accounts_module, "verify_password", counting)
    return seen


def test_the_11th_wrong_password_in_a_minute_from_one_address_is_429_without_argon2(
    world: World,
    clock: Clock,
    from_address: Callable[[str], TestClient],
    hashes: list[str],
) -> None:
    attacker = from_address("203.0.113.7")
    assert [sign_in(attacker, "rider", f"guess-{i:04d}-x") for i in range(10)] == [401] * 10
    assert len(hashes) == 10
    limited = attacker.post(
        "/api/auth/token",
        data={"username": "rider", "password": "guess-0010-x"},
        headers={"Accept-Language": "en"},
    )
    assert limited.status_code == 429
    assert limited.headers["content-type"].startswith(PROBLEM)
    assert limited.headers["retry-after"] == "6"  # a minute's 10, one back every 6 s
    assert limited.json()["status"] == 429
    assert "try again in 6 seconds" in limited.json()["detail"]
    # Refused before the password is checked: even the right one, and no argon2 spent.
    assert sign_in(attacker, "rider", PASSWORD) == 429
    assert sign_in(attacker, "rider2", PASSWORD) == 429  # the address, not the account
    assert len(hashes) == 10
    clock.now += 6
    assert sign_in(attacker, "rider", PASSWORD) == 200


def test_fifty_wrong_passwords_at_once_get_ten_401s_and_the_rest_429(
    world: World, clock: Clock, from_address: Callable[[str], TestClient]
) -> None:
    attacker = from_address("203.0.113.7")
    codes: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def attempt(i: int) -> None:
        start.wait()
        code = sign_in(attacker, "rider", f"guess-{i:04d}-x")
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [401] * 10 + [429] * 40


def test_right_passwords_do_not_count(
    world: World, clock: Clock, from_address: Callable[[str], TestClient]
) -> None:
    shared = from_address("198.51.100.20")  # e.g. many riders behind one carrier's NAT
    assert [sign_in(shared, "rider", f"typo-{i:04d}-xx") for i in range(9)] == [401] * 9
    assert [sign_in(shared, u, PASSWORD) for u in ("rider", "rider2", "staff") * 10] == [200] * 30
    assert sign_in(shared, "rider", "typo-0009-xx") == 401  # the 10th failure
    assert sign_in(shared, "rider", "typo-0010-xx") == 429


def test_an_attacker_limited_on_their_address_cannot_lock_the_rider_out(
    world: World, clock: Clock, from_address: Callable[[str], TestClient]
) -> None:
    attacker, rider = from_address("203.0.113.7"), from_address("192.0.2.55")
    codes = [sign_in(attacker, "rider", f"guess-{i:04d}-x") for i in range(50)]
    assert codes == [401] * 10 + [429] * 40
    # The 40 refused attempts took nothing from the account's bucket: the rider signs in.
    assert sign_in(rider, "rider", PASSWORD) == 200


def test_one_username_from_many_addresses_is_limited_for_a_short_while(
    world: World, clock: Clock, from_address: Callable[[str], TestClient]
) -> None:
    botnet = [from_address(f"203.0.113.{n}") for n in range(1, 6)]
    codes = [sign_in(botnet[i % 5], "rider", f"guess-{i:04d}-x") for i in range(20)]
    assert codes == [401] * 20  # four from each address: no address is limited
    fresh = from_address("192.0.2.55")
    limited = fresh.post("/api/auth/token", data={"username": "rider", "password": PASSWORD})
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "3"  # 20 a minute: one back every 3 s
    assert sign_in(fresh, "rider2", PASSWORD) == 200  # other accounts are not affected
    clock.now += 3
    assert sign_in(fresh, "rider", PASSWORD) == 200  # a short window: the rider is back in


def test_the_delay_grows_past_a_hundred_failures_an_hour(
    world: World, clock: Clock, from_address: Callable[[str], TestClient]
) -> None:
    attacker = from_address("203.0.113.7")
    waits: list[int] = []
    failures = 0
    for i in range(400):
        r = attacker.post(
            "/api/auth/token", data={"username": f"user{i % 7}", "password": f"guess-{i:04d}-x"}
        )
        if r.status_code == 401:
            failures += 1
            continue
        assert r.status_code == 429
        waits.append(int(r.headers["retry-after"]))
        clock.now += waits[-1]
        if waits[-1] > 6:
            break
    # First 6 s an attempt (10 a minute), then ~36 s (100 an hour) once the hour is spent.
    assert waits[0] == 6
    assert 30 <= waits[-1] <= 36
    assert 100 <= failures <= 130


def test_two_workers_share_the_failure_buckets(
    platform: Platform, world: World, from_address: Callable[[str], TestClient]
) -> None:
    """Two platforms (two workers) on one database, buckets in it: together they allow 10
    failures from an address, not 10 each."""
    settings = platform.settings.model_copy(update={"rate_limit_store": "database"})
    one, two = Platform.from_settings(settings), Platform.from_settings(settings)
    try:
        with (
            TestClient(create_app(settings, one), client=("203.0.113.7", 1)) as a,
            TestClient(create_app(settings, two), client=("203.0.113.7", 2)) as b,
        ):
            codes = [sign_in((a, b)[i % 2], "rider", f"guess-{i:04d}-x") for i in range(12)]
            assert codes == [401] * 10 + [429] * 2
            limited = b.post("/api/auth/token", data={"username": "rider", "password": PASSWORD})
            assert limited.status_code == 429
            assert int(limited.headers["retry-after"]) >= 1
    finally:
        one.close()
        two.close()
