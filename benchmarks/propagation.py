"""Propagation between workers: how long after a phase feed or a closure is posted to one
`gigcity serve` process another one, on the same PostgreSQL database, uses it.

    .venv/bin/python benchmarks/propagation.py [--trials 100] [--readme]

Creates the PostgreSQL database `gigcity_bench_prop` (on GIGCITY_BENCH_POSTGRES_URL's server,
default the tests' one; dropped at the end), an admin and a traffic-control API key, and
starts two `gigcity serve` processes (GIGCITY_MODE=dev, the shipped street sample) on two
ports. Each trial posts to one server and polls the other, back to back, until the change
shows (trials alternate the direction):

- phases: `POST /api/signals/phases` (every signal on a route, a new `observed_at` each
  trial), then `GET /api/signals` until that signal's live phase has that `observed_at`;
- closure: `POST /api/closures` across the middle of the route, then `GET /api/route`
  until the route reports the closure; lift: `DELETE /api/closures/{id}`, then
  `GET /api/route` until it reports none.

Times run from just before the post is sent (so they include the writing request itself)
to the first answer of the other server that shows the change; the poll's own length (a few
ms) bounds the resolution. Target (issue 13): p99 < 1 s. Prints the figures, writes
benchmarks/results/propagation.{json,md}, and with --readme adds the run to the history
in benchmarks/README.md ("Propagation between workers").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gigcity.config import Settings
from gigcity.services.accounts import AccountCreate, Role, Scope
from gigcity.services.platform import Platform
from reports_bench_support import RESULTS, SERVER_URL, machine, percentiles

DATABASE = "gigcity_bench_prop"
README = Path(__file__).parent / "README.md"
SECTION = "## Propagation between workers (`propagation.py`)"
ORIGIN, DESTINATION = "121.465,31.235", "121.482,31.225"  # across the shipped sample
PASSWORD = "Bench-propagation-2026"
INTRO = """A phase feed or a closure posted to one `gigcity serve` process, and how long until another
process on the same PostgreSQL database answers with it (LISTEN/NOTIFY: no polling between
workers). Two servers (one uvicorn worker each), PostgreSQL and the polling client share the
machine; times run from just before the post is sent to the first answer of the other server
that shows the change, so they include the writing request itself. Target (issue 13): p99
< 1 s.

```sh
.venv/bin/python benchmarks/propagation.py --trials 100 --readme
```

| date | load (1 / 5 / 15 min) before → after | trials | phase feed p50 / p99 / max | closure added p50 / p99 / max | closure lifted p50 / p99 / max |
|---|---|---|---|---|---|
"""


@contextmanager
def database() -> Iterator[str]:
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    try:
        yield make_url(SERVER_URL).set(database=DATABASE).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        admin.dispose()


def credentials(url: str) -> tuple[dict[str, str], dict[str, str]]:
    """The schema, an admin's bearer token and a signals API key, made in this process."""
    platform = Platform.from_settings(Settings(mode="dev", database_url=url))
    try:
        platform.upgrade_database()
        platform.accounts.create_by_operator(
            AccountCreate(username="bench-admin", password=PASSWORD, display_name="Bench", role=Role.admin)
        )  # fmt: skip
        token = platform.accounts.sign_in("bench-admin", PASSWORD).access_token
        key = platform.accounts.create_api_key_by_operator("traffic", scopes=[Scope.signals]).key
        assert key is not None  # shown at creation
    finally:
        platform.close()
    return {"Authorization": f"Bearer {token}"}, {"X-API-Key": key}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def servers(url: str, count: int) -> Iterator[list[httpx.Client]]:
    """`count` `gigcity serve` processes on one database; a kept-alive client for each."""
    data = tempfile.mkdtemp(prefix="gigcity-prop-")
    env = {
        **os.environ,
        "GIGCITY_DATABASE_URL": url,
        "GIGCITY_MODE": "dev",
        "GIGCITY_DATA_DIR": data,
    }
    procs, clients = [], []
    try:
        for _ in range(count):
            port = free_port()
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gigcity", "serve", "--port", str(port)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            clients.append(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30))
        for proc, client in zip(procs, clients, strict=True):
            deadline = time.monotonic() + 90
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("a server did not start")
                time.sleep(0.2)
        yield clients
    finally:
        for client in clients:
            client.close()
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)


def route(client: httpx.Client, at: datetime) -> dict[str, Any]:
    r = client.get("/api/route", params={"from": ORIGIN, "to": DESTINATION, "at": at.isoformat()})
    r.raise_for_status()
    answer: dict[str, Any] = r.json()
    return answer


def until(read: Callable[[], bool], start: float, limit_s: float = 30.0) -> float:
    """Seconds from `start` to the first time `read()` holds (polling back to back)."""
    while not read():
        if time.perf_counter() - start > limit_s:
            raise SystemExit(f"the change did not show within {limit_s:g} s")
    return time.perf_counter() - start


def phase_trial(
    sender: httpx.Client, reader: httpx.Client, key: dict[str, str], signals: list[int]
) -> tuple[float, float]:
    """(seconds until the reader shows the feed, seconds the post itself took)"""
    observed = datetime.now(UTC)
    state = random.choice(["red", "green"])
    feed = {
        "observed_at": observed.isoformat(),
        "valid_for_s": 600,
        "phases": [{"signal_id": s, "state": state, "remaining_s": 5} for s in signals],
    }

    def shows() -> bool:
        listed = reader.get("/api/signals").json()["signals"]
        live = next(s["live"] for s in listed if s["signal_id"] == signals[0])
        return live is not None and datetime.fromisoformat(live["observed_at"]) == observed

    start = time.perf_counter()
    r = sender.post("/api/signals/phases", json=feed, headers=key)
    r.raise_for_status()
    posted = time.perf_counter() - start
    return until(shows, start), posted


def closure_trial(
    sender: httpx.Client,
    reader: httpx.Client,
    admin: dict[str, str],
    at: datetime,
    square: list[list[float]],
) -> tuple[float, float]:
    body = {
        "starts_at": (at - timedelta(hours=1)).isoformat(),
        "ends_at": (at + timedelta(hours=1)).isoformat(),
        "polygon": square,
    }
    start = time.perf_counter()
    r = sender.post("/api/closures", json=body, headers=admin)
    r.raise_for_status()
    closure_id = r.json()["id"]
    closed = until(lambda: closure_id in route(reader, at)["breakdown"]["closures"], start)
    start = time.perf_counter()
    sender.delete(f"/api/closures/{closure_id}", headers=admin).raise_for_status()
    lifted = until(lambda: route(reader, at)["breakdown"]["closures"] == [], start)
    return closed, lifted


def measure(trials: int) -> dict[str, Any]:
    load_before = machine()["load_average_1_5_15"]
    with database() as url:
        admin, key = credentials(url)
        with servers(url, 2) as (one, two):
            at = datetime.now(UTC).replace(microsecond=0)
            for client in (one, two):  # load the street graph in both before measuring
                answer = route(client, at)
            signals = [s["signal_id"] for s in answer["signals"]]
            lon, lat = answer["geometry"]["coordinates"][
                len(answer["geometry"]["coordinates"]) // 2
            ]
            square = [[lon - 4e-4, lat - 4e-4], [lon + 4e-4, lat - 4e-4], [lon + 4e-4, lat + 4e-4]]
            phases, posts, closed, lifted = [], [], [], []
            for trial in range(trials):
                sender, reader = (one, two) if trial % 2 == 0 else (two, one)
                seen_s, post_s = phase_trial(sender, reader, key, signals)
                phases.append(seen_s)
                posts.append(post_s)
                time.sleep(random.uniform(0.05, 0.15))
                close_s, lift_s = closure_trial(sender, reader, admin, at, square)
                closed.append(close_s)
                lifted.append(lift_s)
                time.sleep(random.uniform(0.05, 0.15))
    return {
        "target": {"p99_ms": 1000},
        "trials": trials,
        "phase_feed": percentiles(phases),
        "phase_feed_post_itself": percentiles(posts),
        "closure_added": percentiles(closed),
        "closure_lifted": percentiles(lifted),
        "load_average_before": load_before,
        "machine": machine(),
        "command": f"python benchmarks/propagation.py --trials {trials}",
        "date": datetime.now(UTC).date().isoformat(),
        "setup": "two `gigcity serve` processes (one uvicorn worker each) and PostgreSQL on the same machine; the shipped street sample",
    }


def markdown(record: dict[str, Any]) -> str:
    rows = [
        ("phase feed → `GET /api/signals` on the other", record["phase_feed"]),
        ("(of which the post itself: store and commit)", record["phase_feed_post_itself"]),
        ("closure added → `GET /api/route` on the other", record["closure_added"]),
        ("closure lifted → `GET /api/route` on the other", record["closure_lifted"]),
    ]
    lines = [
        "| change posted to one worker, seen by the other | p50 | p99 | max | n |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {what} | {p['p50_ms']} ms | {p['p99_ms']} ms | {p['max_ms']} ms | {p['n']} |"
        for what, p in rows
    ]
    return "\n".join(lines) + "\n"


def add_to_readme(record: dict[str, Any]) -> None:
    """The run as the first row of the section's history, newest first like the rest of the
    README (the section is made on the first run)."""
    readme = README.read_text(encoding="utf-8")
    load = record["machine"]["load_average_1_5_15"]
    p = {k: record[k]["p99_ms"] for k in ("phase_feed", "closure_added", "closure_lifted")}
    m = {k: record[k]["max_ms"] for k in ("phase_feed", "closure_added", "closure_lifted")}
    row = (
        f"| {record['date']} | {' / '.join(map(str, record['load_average_before']))} → {' / '.join(map(str, load))} "
        f"| {record['trials']} | {record['phase_feed']['p50_ms']} / {p['phase_feed']} / {m['phase_feed']} ms "
        f"| {record['closure_added']['p50_ms']} / {p['closure_added']} / {m['closure_added']} ms "
        f"| {record['closure_lifted']['p50_ms']} / {p['closure_lifted']} / {m['closure_lifted']} ms |\n"
    )
    if SECTION not in readme:
        readme = readme.rstrip("\n") + "\n\n" + SECTION + "\n\n" + INTRO
    rule = "|---|---|---|---|---|---|\n"
    at = readme.index(rule, readme.index(SECTION)) + len(rule)
    README.write_text(readme[:at] + row + readme[at:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--readme", action="store_true", help="add the run to benchmarks/README.md")
    args = parser.parse_args()
    record = measure(args.trials)
    print(json.dumps(record, indent=2))
    print(markdown(record))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "propagation.json").write_text(json.dumps(record, indent=2) + "\n")
    (RESULTS / "propagation.md").write_text(
        f"Propagation between workers, {record['date']}, load {record['machine']['load_average_1_5_15']}.\n\n"
        + markdown(record)
        + f"\nCommand: `{record['command']}`\n"
    )
    if args.readme:
        add_to_readme(record)


if __name__ == "__main__":
    main()
