"""Report intake over HTTP: reports per second (without photos) into PostgreSQL through one
uvicorn worker, and the latency riders see.

    .venv/bin/python benchmarks/reports_intake.py [--rate 200] [--seconds 20] [--riders 1000]

Creates a scratch PostgreSQL database (GIGCITY_BENCH_POSTGRES_URL, default the tests'
server) with an admin, an officer per sub-district (routes for every category) and
`--riders` riders; starts `uvicorn gigcity.app:create_app --workers 1`; then sends
`POST /api/reports` open-loop at `--rate` per second for `--seconds` (after a short
warm-up), each from a random rider at a random place in the district, and measures every
answer, over 32 kept-alive connections from a minimal HTTP/1.1 client (so the client's
CPU takes little from the server's on a shared machine). Latency is counted from the
moment a request was due to be sent, so a server that falls behind shows it (no
coordinated omission). The per-IP limit is off (all load comes
from one address); the per-account limit stays on. Afterwards the stored reports and the
dashboard rollups (daily counts, heatmap cells) are checked against them. Target (issue 7): 200 reports/s, p99 < 100 ms.
Writes benchmarks/results/reports_intake_<rate>rps_<workers>w.{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Coroutine
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
import uvloop
from sqlalchemy import func, select

from gigcity.config import Settings
from gigcity.db.models import Report, ReportHeatCount, ReportRoute
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.platform import Platform
from gigcity.services.reports import stats
from reports_bench_support import (
    RESULTS,
    bearer,
    free_port,
    machine,
    make_accounts,
    percentiles,
    read_answer,
    scratch_database,
)

T = TypeVar("T")
CATEGORIES = ["fire_passage_blocked", "fire_hazard", "road_hazard", "broken_facility", "other"]


def bodies(platform: Platform, count: int, seed: int) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    subs = platform.district.subdistricts
    out = []
    for i in range(count):
        sub = rnd.choice(subs)
        out.append(
            {
                "category": rnd.choice(CATEGORIES),
                "description": f"benchmark hazard {i}",
                "lon": round(sub.lon + rnd.gauss(0, 0.004), 6),
                "lat": round(sub.lat + rnd.gauss(0, 0.003), 6),
                "client_key": f"bench-{seed}-{i:08d}",
            }
        )
    return out


def requests(
    port: int, headers: list[dict[str, str]], payloads: list[dict[str, object]]
) -> list[bytes]:
    """Each POST /api/reports as the bytes sent, prepared before the clock starts."""
    out = []
    for i, payload in enumerate(payloads):
        body = json.dumps(payload).encode()
        auth = headers[i % len(headers)]["Authorization"]
        head = (
            f"POST /api/reports HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: {auth}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        out.append(head.encode() + body)
    return out


async def fire(
    port: int, rate: float, wire: list[bytes]
) -> tuple[list[float], list[float], dict[int, int], float]:
    """Send every request open-loop at `rate`/s over 32 kept-alive connections; latencies
    from each request's due time and from its send. A minimal HTTP/1.1 client (requests
    prepared in advance), so the client's own CPU takes as little as possible from the
    server on a shared machine; beyond 32 in flight, requests wait in the client and that
    wait counts as latency (no coordinated omission)."""
    due_latency: list[float] = []
    send_latency: list[float] = []
    statuses: dict[int, int] = {}
    due_queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while (item := await due_queue.get()) is not None:
            i, due = item
            sent = time.perf_counter()
            try:
                writer.write(wire[i])
                code, _ = await read_answer(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                code = 0
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            done = time.perf_counter()
            statuses[code] = statuses.get(code, 0) + 1
            due_latency.append(done - due)
            send_latency.append(done - sent)
        writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(32)]
    start = time.perf_counter()
    for i in range(len(wire)):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        due_queue.put_nowait((i, due))
    for _ in workers:
        due_queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    return due_latency, send_latency, statuses, elapsed


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--riders", type=int, default=1000)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (target: 1)")
    args = parser.parse_args()
    with scratch_database() as url:
        platform = Platform.from_settings(Settings(mode="dev", database_url=url))
        platform.upgrade_database()
        admin_id, officers, riders = make_accounts(platform, args.riders)
        with transaction(platform.factory) as session:
            for sub, officer in officers.items():
                session.add(ReportRoute(subdistrict=sub, category="*", officer_id=officer))
        platform.reports.rewards.top_up(
            Principal(role=Role.admin, account_id=admin_id), 10**9, "bench-pool"
        )
        headers = [bearer(platform, rider) for rider in riders]
        port = free_port()
        env = {
            **os.environ,
            "GIGCITY_DATABASE_URL": url,
            "GIGCITY_MODE": "dev",
            "GIGCITY_REPORT_RATE_IP_PER_HOUR": "0",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "gigcity.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
             "--log-level", "warning", "--no-access-log"],
            env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/api/reports/categories", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            warm = bodies(platform, int(args.warmup * args.rate / 4), seed=1)
            run(fire(port, args.rate / 4, requests(port, headers, warm)))
            payloads = bodies(platform, int(args.seconds * args.rate), seed=2)
            wire = requests(port, headers, payloads)
            due, sent, statuses, elapsed = run(fire(port, args.rate, wire))
        finally:
            server.terminate()
            server.wait(timeout=15)
        with platform.factory() as session:
            stored = session.scalar(select(func.count()).select_from(Report))
            tz = ZoneInfo("Asia/Shanghai")
            heat, _ = stats.dashboard_rollups(session, tz)
            cells = session.execute(select(*ReportHeatCount.__table__.columns)).mappings()
            rollup_ok = stats.stored(session) == stats.counted(session, tz) and sorted(
                tuple(row.values()) for row in cells
            ) == sorted(tuple(row.values()) for row in heat)
        platform.close()
    created = statuses.get(201, 0)
    record = {
        "target": {"reports_per_second": args.rate, "p99_ms": 100},
        "sent": len(payloads),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "achieved_reports_per_second": round(created / elapsed, 1),
        "latency_from_due_time": percentiles(due),
        "latency_from_send": percentiles(sent),
        "stored_reports": stored,
        "rollup_matches_reports": rollup_ok,
        "server": f"uvicorn, {args.workers} worker(s) (httptools/uvloop as installed), PostgreSQL 15 on the same machine",
        "client": "a minimal asyncio HTTP/1.1 client (uvloop, 32 kept-alive connections, requests prepared in advance) in another process on the same machine, open-loop",
        "machine": machine(),
        "command": f"python benchmarks/reports_intake.py --rate {args.rate:g} --seconds {args.seconds:g} --riders {args.riders} --workers {args.workers}",
    }
    print(json.dumps(record, indent=2))
    RESULTS.mkdir(exist_ok=True)
    name = f"reports_intake_{args.rate:g}rps_{args.workers}w"
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
    d = record["latency_from_due_time"]
    s = record["latency_from_send"]
    (RESULTS / f"{name}.md").write_text(
        f"Report intake (no photos), PostgreSQL, {args.workers} uvicorn worker(s); load average {record['machine']['load_average_1_5_15']}.\n\n"  # type: ignore[index]
        "| offered rate | achieved | p50 | p95 | p99 | max | target |\n|---|---|---|---|---|---|---|\n"
        f"| {args.rate:g}/s for {args.seconds:g} s | {record['achieved_reports_per_second']}/s | {d['p50_ms']} ms | {d['p95_ms']} ms | "  # type: ignore[index]
        f"{d['p99_ms']} ms | {d['max_ms']} ms | 200/s, p99 < 100 ms |\n\n"  # type: ignore[index]
        f"Latency counted from each request's due time (from the actual send: p99 {s['p99_ms']} ms). "  # type: ignore[index]
        f"Answers: {record['statuses']}; stored {stored}; rollup consistent: {rollup_ok}.\n\n"
        f"Command: `{record['command']}`\n"
    )


if __name__ == "__main__":
    main()
