"""Several workers on one PostgreSQL database: a closure or a phase feed sent to one worker is
used by the other's next routes, with no polling (LISTEN/NOTIFY); a worker whose listening
connection is cut reconnects and catches up with what changed meanwhile.

Each worker is a whole Platform, as each `gigcity serve` process builds one. The waits are
generous (up to 5 s) and nothing here measures time: benchmarks/propagation.py does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from gigcity.config import Settings
from gigcity.geo import ClosureSpec, PhaseFeed
from gigcity.services.platform import Platform
from services.streets.sample_support import ADMIN, DESTINATION, ORIGIN, eventually

pytestmark = pytest.mark.postgres

Workers = Callable[[], Platform]


@pytest.fixture
def workers(postgres_database: str, tmp_path: Path) -> Iterator[Workers]:
    """Makes platforms on one fresh PostgreSQL database (the first one migrates it)."""
    reset = create_engine(postgres_database)
    with reset.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    reset.dispose()
    made: list[Platform] = []

    def make() -> Platform:
        settings = Settings(mode="dev", database_url=postgres_database, data_dir=tmp_path)
        platform = Platform.from_settings(settings)
        if not made:
            platform.upgrade_database()
        made.append(platform)
        return platform

    yield make
    for platform in made:
        platform.close()


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def closure_across(platform: Platform, at: datetime) -> ClosureSpec:
    """A small square on the middle of the route from ORIGIN to DESTINATION."""
    coordinates = platform.streets.route(ORIGIN, DESTINATION, at).geometry.coordinates
    lon, lat = coordinates[len(coordinates) // 2]
    half = 0.0004
    return ClosureSpec(
        starts_at=at - timedelta(hours=1),
        ends_at=at + timedelta(hours=2),
        polygon=[(lon - half, lat - half), (lon + half, lat - half), (lon + half, lat + half)],
    )


def red_everywhere(platform: Platform, at: datetime) -> PhaseFeed:
    signals = platform.streets.route(ORIGIN, DESTINATION, at).signals
    return PhaseFeed.model_validate(
        {
            "observed_at": at.isoformat(),
            "valid_for_s": 3600,  # the whole ride
            "phases": [
                {"signal_id": s.signal_id, "state": "red", "remaining_s": 40} for s in signals
            ],
        }
    )


def listening_pid(platform: Platform) -> int:
    """The server process of the platform's listening session, once it listens."""
    streets = platform.streets
    assert eventually(streets.listener_state, lambda s: s == "ok") == "ok"
    assert streets._listener is not None
    assert streets._listener.backend_pid is not None
    return streets._listener.backend_pid


def sessions(platform: Platform) -> list[int]:
    """The server processes of the database's listening sessions."""
    with platform.engine.connect() as conn:
        return list(
            conn.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = 'gigcity streets listener'"
                )
            )
        )


def test_a_closure_added_through_one_worker_is_routed_around_by_the_other(
    workers: Workers,
) -> None:
    one, two = workers(), workers()
    at = now()
    before = two.streets.route(ORIGIN, DESTINATION, at)  # `two` has loaded and listens
    assert two.streets.listener_state() == "ok" or eventually(
        two.streets.listener_state, lambda s: s == "ok"
    )

    added = one.streets.add_closure(ADMIN, closure_across(one, at))

    after = eventually(
        lambda: two.streets.route(ORIGIN, DESTINATION, at),
        lambda answer: answer.breakdown.closures != [],
    )
    assert after.breakdown.closures == [added.id]
    assert after.eta_s > before.eta_s
    one.streets.remove_closure(ADMIN, added.id)
    lifted = eventually(
        lambda: two.streets.route(ORIGIN, DESTINATION, at),
        lambda answer: answer.breakdown.closures == [],
    )
    assert lifted.eta_s == before.eta_s


def test_a_phase_feed_posted_to_one_worker_changes_the_others_eta(workers: Workers) -> None:
    one, two = workers(), workers()
    at = now()
    before = two.streets.route(ORIGIN, DESTINATION, at)
    assert before.breakdown.signals_exact == 0

    report = one.streets.apply_phases(red_everywhere(one, at))
    assert report.accepted > 0

    after = eventually(
        lambda: two.streets.route(ORIGIN, DESTINATION, at),
        lambda answer: answer.breakdown.signals_exact > 0,
    )
    assert after.breakdown.signals_exact == after.breakdown.signals_passed
    assert after.eta_s != before.eta_s


def test_a_worker_whose_listening_connection_is_cut_reconnects_and_catches_up(
    workers: Workers,
) -> None:
    one, two = workers(), workers()
    at = now()
    two.streets.route(ORIGIN, DESTINATION, at)
    closure = closure_across(one, at)
    listening = listening_pid(two)
    # Hold `two`'s listener off the database until the closure is stored, so that it can
    # only learn of it by catching up after it reconnects.
    listener = two.streets._listener
    assert listener is not None
    may_connect, connect = threading.Event(), listener._connect

    def held_connect() -> Any:
        may_connect.wait(timeout=30)
        return connect()

    listener._connect = held_connect
    with one.engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": listening})
    state = eventually(two.streets.listener_state, lambda s: s != "ok")
    assert state.startswith("reconnecting")  # what /readyz shows meanwhile
    added = one.streets.add_closure(ADMIN, closure)
    may_connect.set()

    after = eventually(
        lambda: two.streets.route(ORIGIN, DESTINATION, at),
        lambda answer: answer.breakdown.closures != [],
    )
    assert after.breakdown.closures == [added.id]
    again = listening_pid(two)
    assert again != listening  # a new session, not the killed one
    assert listening not in sessions(two)


def test_closing_a_platform_stops_its_listener(workers: Workers) -> None:
    one = workers()
    assert one.streets.listener_state() == "ok"  # nothing loaded yet: nothing can be stale
    one.streets.route(ORIGIN, DESTINATION, now())
    listening = listening_pid(one)
    assert listening in sessions(one)
    one.streets.close()
    assert one.streets.listener_state() == "stopped"
    assert listening not in eventually(lambda: sessions(one), lambda pids: listening not in pids)
