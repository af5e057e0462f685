"""Shared by the snap-and-report and gate benchmarks: a dedicated PostgreSQL database
(created, then dropped), accounts made in bulk, a free port and the answers of a minimal
HTTP/1.1 client, percentiles, and where results go."""

from __future__ import annotations

import asyncio
import os
import platform as py_platform
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

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
def scratch_database(keep: bool = False, reuse: str | None = None) -> Iterator[str]:
    """A new, empty PostgreSQL database for one benchmark run; dropped afterwards (unless
    `keep`). `reuse` names a database kept earlier instead: it is used and kept."""
    name = reuse or f"gigcity_bench_{uuid.uuid4().hex[:10]}"
    keep = keep or reuse is not None
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    if reuse is None:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
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


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Read one HTTP/1.1 answer (the server sends Content-Length): its status and body."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, await reader.readexactly(length)


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
