"""Couriers racing for one item, platforms racing for the last shelf slot: on PostgreSQL with
real threads, exactly one wins each race."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import TypeVar

import pytest

from gigcity.config import Settings
from gigcity.services.errors import Conflict
from gigcity.services.platform import Platform
from gigcity.services.relay import AnnounceIn
from services.relay.relay_support import consent, dropped, make_relay_world

T = TypeVar("T")


@pytest.fixture
def pg(empty_postgres: str) -> Iterator[Platform]:
    settings = Settings(mode="dev", database_url=empty_postgres, job_queue="in-process")
    platform = Platform.from_settings(settings)
    platform.upgrade_database()
    yield platform
    platform.close()


def race(n: int, work: Callable[[int], T]) -> list[T | Conflict]:
    barrier = Barrier(n)

    def one(i: int) -> T | Conflict:
        barrier.wait()
        try:
            return work(i)
        except Conflict as lost:
            return lost

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


@pytest.mark.postgres
def test_two_couriers_claim_one_item_exactly_one_wins(pg: Platform) -> None:
    world = make_relay_world(pg, couriers=2)
    consent(pg, world)
    for round_ in range(15):
        item = dropped(pg, world, f"R-{round_}")
        results = race(2, lambda i, item_id=item.id: pg.relay.claim(world.couriers[i], item_id))
        winners = [r for r in results if not isinstance(r, Conflict)]
        assert len(winners) == 1
        steps = pg.relay.get(world.admin, item.id).custody or []
        assert [s.event for s in steps].count("claimed") == 1


@pytest.mark.postgres
def test_announcements_racing_for_the_last_slots_never_overfill_the_shelf(pg: Platform) -> None:
    world = make_relay_world(pg, shelf=3)
    consent(pg, world)
    results = race(
        8,
        lambda i: pg.relay.announce(
            world.platform,
            AnnounceIn(
                order_ref=f"X-{i}", estate_id=world.estate_id, building="b1", unit="1", room="101"
            ),
        ),
    )
    assert sum(not isinstance(r, Conflict) for r in results) == 3
    queue = pg.relay.queue(world.property, world.estate_id, "h1")
    assert queue.point.on_shelf == 3
