"""The map index keeps the garbage collector off its snapshot (gc.freeze) without leaking:
cycles alive at a refresh and dropped later are still collected, and a refresh leaves no
garbage of its own behind in the frozen generation."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

import pytest

from gigcity.db.session import transaction
from gigcity.services.demo import bulk_insert_places, generate_places
from gigcity.services.places.freezer import SnapshotFreezer
from gigcity.services.platform import Platform

# The collector's behaviour around the index does not depend on the database: SQLite only.
pytestmark = pytest.mark.one_database


class Node:
    """A reference cycle, as a request's session, task or traceback makes."""

    def __init__(self) -> None:
        self.me = self


# The deep settles below collect the whole heap: in a process of its own that heap is small
# (in the test process, other tests' objects made each settle take seconds).
_CYCLE = """
import sys, weakref
from gigcity.config import Settings
from gigcity.services.places.freezer import SnapshotFreezer
from gigcity.services.places.search import PlaceIndex
from gigcity.services.platform import Platform

class Node:
    def __init__(self):
        self.me = self  # a reference cycle, as a request's session, task or traceback makes

def refresh(index, times):
    for _ in range(times):
        index.mark_dirty()  # as after an edit: the next query builds a new snapshot
        index.get()

settings = Settings(mode="dev", database_url=sys.argv[1], job_queue="in-process")
index = PlaceIndex(Platform.from_settings(settings).factory, freezer=SnapshotFreezer(deep_every=5))
refresh(index, 2)
node = Node()
alive = weakref.ref(node)
refresh(index, 1)  # frozen with everything else alive now
del node
refresh(index, 10)  # a long-running server keeps refreshing
print(alive() is None)
"""


def test_a_cycle_alive_at_a_refresh_is_collected_once_dropped(platform: Platform) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CYCLE, platform.settings.database_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split()[-1] == "True"


# Run in a process of its own: in the test process, other tests' background threads (job
# queues, listeners) leave cycles of their own frozen during the measurement.
_MEASURE = """
import gc, sys
from sqlalchemy import update
from gigcity.config import Settings
from gigcity.db.models import Place
from gigcity.db.session import transaction
from gigcity.services.places.freezer import SnapshotFreezer
from gigcity.services.places.search import PlaceIndex, bump_revision
from gigcity.services.platform import Platform

settings = Settings(mode="dev", database_url=sys.argv[1], job_queue="in-process")
platform = Platform.from_settings(settings)
index = PlaceIndex(platform.factory, refresh_interval_s=0, freezer=SnapshotFreezer(deep_every=1000))
ids = sorted(index.get().entries)
gc.unfreeze(); gc.collect(); gc.freeze()  # from here, only the refreshes can leave garbage
for n in range(30):  # each time a point is edited: the refresh reads its row again
    with transaction(platform.factory) as session:
        point = Place.id == ids[n % len(ids)]
        session.execute(update(Place).where(point).values(version=Place.version + 1))
        bump_revision(session)
    index.get()
gc.unfreeze()
print(gc.collect())  # cycles that were frozen and are garbage by now
"""


def test_a_refresh_leaves_no_garbage_in_the_frozen_generation(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        points = generate_places(platform.district, 20)
        bulk_insert_places(session, platform.district, points, actor="test")
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, platform.settings.database_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    leaked = int(done.stdout.split()[-1])
    # Freezing while the refresh's session was open froze its query's cycles with it:
    # about 10 objects a refresh.
    assert leaked < 30


def test_the_deep_settle_comes_back_every_so_often() -> None:
    freezer = SnapshotFreezer(deep_every=3)
    frozen_before = []
    for _ in range(7):
        node = Node()
        alive = weakref.ref(node)
        freezer.settle()  # node is frozen
        del node
        frozen_before.append(alive)
    # Deep settles 4 and 7 (counting from 1) collected what was frozen before them.
    assert [ref() is None for ref in frozen_before] == [True] * 6 + [False]


def test_a_fresh_freezer_leaves_the_frozen_heap_alone() -> None:
    # Its first settle has frozen nothing of its own: unfreezing would only make every new
    # index (a new Platform in a long-lived process) pay for a collection of the whole heap.
    node = Node()
    alive = weakref.ref(node)
    gc.freeze()  # frozen by someone else, earlier
    del node
    try:
        SnapshotFreezer(deep_every=3).settle()
        assert alive() is not None
    finally:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
    assert alive() is None
