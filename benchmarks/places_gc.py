"""The map index and the garbage collector: GC pauses while points are edited and queried.

    .venv/bin/python benchmarks/places_gc.py [--points 100000] [--queries 4000] [--edit-every 20]

Seeds a SQLite database with deterministic demo points once, then runs the same workload in
a fresh process per variant: `--queries` nearest-10 queries (amenity + open now) at random
positions, and before every `--edit-every`-th one a point is edited and the index refreshed.
Variants of what a refresh does with the collector (`services.places.freezer`):

- `deep` (what gigcity does): collect and freeze, unfreezing first every 50th refresh;
- `never-deep`: collect and freeze every time, never unfreeze (the old behaviour, minus its
  leak of the refresh's own session);
- `none`: leave the collector alone.

Reports the collector's pauses by generation (from `gc.callbacks`), refresh and query times,
and how many objects were garbage yet frozen at the end. Results:
benchmarks/results/places_gc.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import update

from gigcity.config import Settings
from gigcity.db.models import Place
from gigcity.db.session import transaction
from gigcity.services.demo import bulk_insert_places, generate_places
from gigcity.services.places.freezer import SnapshotFreezer
from gigcity.services.places.schemas import Amenity
from gigcity.services.places.search import bump_revision
from gigcity.services.platform import Platform

RESULTS = Path(__file__).parent / "results"
VARIANTS = ("deep", "never-deep", "none")


class _LeaveAlone(SnapshotFreezer):
    def settle(self) -> None:
        pass


def _freezer(variant: str) -> SnapshotFreezer:
    if variant == "none":
        return _LeaveAlone()
    return SnapshotFreezer(deep_every=50 if variant == "deep" else 10**9)


class Pauses:
    """Every collection's duration, by generation."""

    def __init__(self) -> None:
        self.by_generation: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.by_generation[info["generation"]].append(time.perf_counter() - self._started)

    def summary(self) -> dict[str, dict[str, float]]:
        return {
            f"gen{g}": {
                "count": len(p),
                "total_ms": round(sum(p) * 1000, 1),
                "max_ms": round(max(p, default=0.0) * 1000, 2),
            }
            for g, p in self.by_generation.items()
        }


def _ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000, 2)


def _edit(platform: Platform, place_id: int, n: int) -> None:
    with transaction(platform.factory) as session:
        session.execute(
            update(Place)
            .where(Place.id == place_id)
            .values(version=Place.version + 1, name=f"edited {n}")
        )
        bump_revision(session)


def run_variant(url: str, variant: str, queries: int, edit_every: int) -> dict[str, Any]:
    platform = Platform.from_settings(Settings(mode="dev", database_url=url))
    index = platform.places.index
    index._freezer = _freezer(variant)  # the benchmark's one reach inside
    index.get()
    ids = sorted(index.get().entries)
    rnd = random.Random(1)
    x0, y0, x1, y1 = platform.district.bbox
    pauses = Pauses()
    gc.callbacks.append(pauses)
    query_s, refresh_s = [], []
    started = time.perf_counter()
    for n in range(queries):
        if n % edit_every == 0:
            _edit(platform, rnd.choice(ids), n)
            index.mark_dirty()  # as the service does after its own writes
            t = time.perf_counter()
            index.get()
            refresh_s.append(time.perf_counter() - t)
        lon, lat = rnd.uniform(x0, x1), rnd.uniform(y0, y1)
        t = time.perf_counter()
        platform.places.nearby(lon, lat, k=10, amenities=[Amenity.charging], open_only=True)
        query_s.append(time.perf_counter() - t)
    wall = time.perf_counter() - started
    gc.callbacks.remove(pauses)
    gc.collect()  # garbage not frozen: the collector would have found it anyway
    gc.unfreeze()
    frozen_garbage = gc.collect()
    return {
        "variant": variant,
        "wall_s": round(wall, 1),
        "refreshes": len(refresh_s),
        "refresh_p50_ms": _ms(refresh_s, 0.5),
        "refresh_max_ms": round(max(refresh_s) * 1000, 1),
        "query_p50_ms": _ms(query_s, 0.5),
        "query_p99_ms": _ms(query_s, 0.99),
        "query_mean_ms": round(statistics.fmean(query_s) * 1000, 3),
        "gc": pauses.summary(),
        "garbage_frozen_at_end": frozen_garbage,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=4000)
    parser.add_argument("--edit-every", type=int, default=20)
    parser.add_argument("--variant", choices=VARIANTS, help="run one variant here (internal)")
    parser.add_argument("--url", help="the seeded database (internal)")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.url, args.variant, args.queries, args.edit_every)))
        return

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='gigcity-gc-')) / 'bench.db'}"
    platform = Platform.from_settings(Settings(mode="dev", database_url=url))
    platform.upgrade_database()
    with transaction(platform.factory) as session:
        places = generate_places(platform.district, args.points, seed=1)
        bulk_insert_places(session, platform.district, places, actor="benchmark")
    platform.close()
    rows = []
    for variant in VARIANTS:
        command = [sys.executable, __file__, "--variant", variant, "--url", url]
        command += ["--queries", str(args.queries), "--edit-every", str(args.edit_every)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        gen2 = row["gc"]["gen2"]
        print(
            f"{variant:10} refresh p50 {row['refresh_p50_ms']} ms (max {row['refresh_max_ms']}), "
            f"query p50/p99 {row['query_p50_ms']}/{row['query_p99_ms']} ms, full collections "
            f"{gen2['count']} taking {gen2['total_ms']} ms (max {gen2['max_ms']}), "
            f"garbage left frozen {row['garbage_frozen_at_end']}, wall {row['wall_s']} s"
        )
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    RESULTS.mkdir(exist_ok=True)
    record = {
        "points": args.points,
        "queries": args.queries,
        "edit_every": args.edit_every,
        "variants": rows,
        "load_average": load,
        "command": "python benchmarks/places_gc.py",
    }
    (RESULTS / "places_gc.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
