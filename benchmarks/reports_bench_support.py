"""Shared by the benchmarks: a dedicated PostgreSQL database (created, then dropped),
accounts made in bulk, one `gigcity serve` worker on a free port, a minimal HTTP/1.1 client
(requests, answers, an open-loop load), timings and percentiles, and where results go."""

from __future__ import annotations

import asyncio
import json
import os
import platform as py_platform
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from gigcity.db.models import Account
from gigcity.db.session import transaction
from gigcity.services.accounts import hash_password, issue_token
from gigcity.services.platform import Platform

RESULTS = Path(__file__).parent / "results"
SERVER_URL = os.environ.get(
    "GIGCITY_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def scratch_database(
    keep: bool = False, reuse: str | None = None, server: str = SERVER_URL
) -> Iterator[str]:
    """A new, empty PostgreSQL database on `server` for one benchmark run; dropped
    afterwards (unless `keep`). `reuse` names a database kept earlier instead: it is used
    and kept."""
    name = reuse or f"gigcity_bench_{uuid.uuid4().hex[:10]}"
    keep = keep or reuse is not None
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    if reuse is None:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_accounts(platform: Platform, riders: int) -> tuple[int, dict[str, int], list[int]]:
    """One admin, one grid officer per sub-district and `riders` riders (one password hash
    shared, so this takes seconds). Returns the admin's id, officer ids by sub-district
    and rider ids."""
    shared_hash = hash_password("benchmark-password")
    rows = [
        {"username": "admin", "display_name": "Admin", "role": "admin"},
        *(
            {
                "username": f"officer-{s.code}",
                "display_name": s.name,
                "role": "officer",
                "subdistrict": s.code,
            }
            for s in platform.district.subdistricts
        ),
        *(
            {
                "username": f"rider-{i}",
                "display_name": f"Rider {i}",
                "role": "rider",
                "worker_type": "delivery_rider",
            }
            for i in range(riders)
        ),
    ]
    for row in rows:
        row.setdefault("subdistrict", None)
        row.setdefault("worker_type", None)
        row.update(password_hash=shared_hash, active=True)
    with transaction(platform.factory) as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(Account), rows[start : start + 5000])
        found = session.execute(select(Account.id, Account.username, Account.subdistrict)).all()
    officers = {sub: aid for aid, name, sub in found if name.startswith("officer-")}
    rider_ids = [aid for aid, name, _ in found if name.startswith("rider-")]
    admin_id = next(aid for aid, name, _ in found if name == "admin")
    return admin_id, officers, rider_ids


def insert_rows(
    platform: Platform, model: Any, rows: list[dict[str, Any]], batch: int = 10_000
) -> None:
    """Bulk-insert `rows` into `model`'s table in one transaction, `batch` rows a statement."""
    with transaction(platform.factory) as session:
        for k in range(0, len(rows), batch):
            session.execute(insert(model), rows[k : k + batch])


def bearer(platform: Platform, account_id: int) -> dict[str, str]:
    with platform.factory() as session:
        account = session.get(Account, account_id)
        assert account is not None
        token = issue_token(account, platform.accounts.signing_key, timedelta(hours=6))
    return {"Authorization": f"Bearer {token.access_token}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(database_url: str, **env: str) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """`gigcity serve` with one uvicorn worker on a free port, on `database_url` in dev mode
    (`env`: more GIGCITY_* settings), once it answers; stopped afterwards. Yields the port
    and the server's process."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gigcity", "serve", "--port", str(port), "--workers", "1"],
        env={**os.environ, "GIGCITY_DATABASE_URL": database_url, "GIGCITY_MODE": "dev", **env},
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=15)


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: object = None
) -> bytes:
    """One HTTP/1.1 request as the bytes sent (a JSON body when `body` is given)."""
    data = b"" if body is None else json.dumps(body).encode()
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept-Language: en"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Read one HTTP/1.1 answer (the server sends Content-Length): its status and body."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, await reader.readexactly(length)


async def open_loop(
    port: int, rate: float, wire: Sequence[bytes], connections: int = 16
) -> tuple[list[float], dict[int, int], float, list[str]]:
    """Send the prepared requests `wire` open-loop at `rate` per second over `connections`
    kept-alive connections. Latency counts from each request's due time, so a server that
    falls behind shows it (no coordinated omission). Returns the latencies, the answers by
    status, the seconds taken and the distinct refusals (bodies of answers >= 300, cut)."""
    latency: list[float] = []
    statuses: dict[int, int] = {}
    refusals: set[str] = set()
    queue: asyncio.Queue[tuple[float, int] | None] = asyncio.Queue()

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while (item := await queue.get()) is not None:
            due, i = item
            writer.write(wire[i])
            code, answer = await read_answer(reader)
            latency.append(time.perf_counter() - due)
            statuses[code] = statuses.get(code, 0) + 1
            if code >= 300:
                refusals.add(answer.decode("utf-8", "replace")[:200])
        writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(connections)]
    start = time.perf_counter()
    for i in range(len(wire)):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, i))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return latency, statuses, time.perf_counter() - start, sorted(refusals)


def timed(call: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Percentiles of `repeat` calls, after one call that warms (compiles the statements)."""
    call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def percentiles(samples_s: list[float]) -> dict[str, float]:
    ms = np.array(samples_s) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
        "max_ms": round(float(ms.max()), 1),
        "n": len(ms),
    }


def machine() -> dict[str, object]:
    return {
        "cpu": f"{py_platform.processor() or py_platform.machine()}, {os.cpu_count()} cores",
        "python": py_platform.python_version(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "note": "shared machine: other work was running during the measurement",
    }
