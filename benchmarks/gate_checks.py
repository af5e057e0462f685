"""Gate checks over HTTP: allow-or-deny answers per second from one `gigcity serve` worker
on PostgreSQL, and the latency a gate controller sees.

    .venv/bin/python benchmarks/gate_checks.py [--rate 300] [--seconds 30] [--riders 12000]

Creates a scratch PostgreSQL database (GIGCITY_BENCH_POSTGRES_URL, default the tests'
server) with one estate (four gates, one closed to riders), `--riders` certified riders
each holding a pass there, a batch of one-time order codes and the estate's gate
controller key; starts `gigcity serve` (one uvicorn worker); then sends
`POST /api/gates/check` open-loop at `--rate` per second for `--seconds` (after a short
warm-up) over 32 kept-alive connections from a minimal HTTP/1.1 client. The mix: 70 % a
valid rotating code (computed at send time, each pass used at most once per 30-second step),
10 % a wrong code for a pass, 5 % an unknown pass, 5 % a gate closed to riders, 5 % a valid
order code, 5 % a wrong order code. Every answer is a logged decision. Latency is counted
from the moment a request was due (no coordinated omission). Afterwards the decision log
is checked against the answers (one row each, allowed exactly as answered).
Target (issue 15): 300 checks/s on one worker, p99 < 20 ms.
Writes benchmarks/results/gate_checks_<rate>rps.{json,md}.

    .venv/bin/python benchmarks/gate_checks.py --in-process 3000

calls the gate service directly instead (no server): CPU and SQL statements per check.
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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import uvloop
from sqlalchemy import event, func, insert, select

from gigcity.config import Settings
from gigcity.db.models import (
    Estate,
    GateDecision,
    GateOrderCode,
    GatePass,
    RiderCertification,
)
from gigcity.db.session import transaction
from gigcity.geo.estates import Estate as EstateDocument
from gigcity.geo.estates import Gate
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.gates import CheckIn
from gigcity.services.gates.codes import (
    code_at_step,
    new_order_code,
    new_secret,
    order_code_hash,
    step_of,
)
from gigcity.services.platform import Platform
from reports_bench_support import (
    RESULTS,
    free_port,
    machine,
    make_accounts,
    percentiles,
    read_answer,
    scratch_database,
)

CONNECTIONS = 32


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def seed(
    platform: Platform, riders: int, order_codes: int
) -> tuple[str, list[tuple[int, str]], list[str]]:
    """The estate, certified riders with passes, order codes and the gate key: the key,
    the passes (id, secret) and the order codes' plaintexts."""
    admin_id, _, rider_ids = make_accounts(platform, riders)
    doc = EstateDocument(
        name="基准小区",
        synthetic=True,
        boundary=((121.40, 31.27), (121.41, 31.27), (121.41, 31.28), (121.40, 31.28)),
        gates=(
            Gate(ref="g1", at=(121.405, 31.28)),
            Gate(ref="g2", at=(121.405, 31.27)),
            Gate(ref="g3", at=(121.40, 31.275)),
            Gate(ref="g4", at=(121.41, 31.275), riders_pass=False),
        ),
    )
    now = datetime.now(UTC)
    pepper = platform.gates.pepper
    with transaction(platform.factory) as session:
        estate = Estate(
            name=doc.name, lon=121.405, lat=31.275, synthetic=True,
            document=doc.model_dump(mode="json"),
        )  # fmt: skip
        session.add(estate)
        session.flush()
        estate_id = estate.id
        session.execute(
            insert(RiderCertification),
            [
                {
                    "rider_id": rider, "vouched_by_account_id": admin_id, "voucher": "admin",
                    "certified_at": now, "valid_from": now - timedelta(hours=1),
                    "valid_until": now + timedelta(days=30), "note": "",
                }
                for rider in rider_ids
            ],
        )  # fmt: skip
        secrets = [new_secret() for _ in rider_ids]
        session.execute(
            insert(GatePass),
            [
                {"rider_id": rider, "estate_id": estate_id, "secret": secret,
                 "created_at": now, "last_used_step": 0}
                for rider, secret in zip(rider_ids, secrets, strict=True)
            ],
        )  # fmt: skip
        codes = list({new_order_code() for _ in range(order_codes)})
        session.execute(
            insert(GateOrderCode),
            [
                {"estate_id": estate_id, "code_hash": order_code_hash(pepper, code),
                 "rider_id": rider_ids[i % len(rider_ids)], "order_ref": f"bench-{i}",
                 "created_at": now, "expires_at": now + timedelta(hours=2)}
                for i, code in enumerate(codes)
            ],
        )  # fmt: skip
        passes = [
            (pass_id, secret)
            for pass_id, secret in session.execute(
                select(GatePass.id, GatePass.secret).order_by(GatePass.id)
            )
        ]
    admin = Principal(role=Role.admin, account_id=admin_id, label="bench")
    key = platform.accounts.create_api_key(
        admin, "bench gate", scopes=[Scope.gates], estate_id=estate_id
    )
    assert key.key is not None
    return key.key, passes, codes


class Mix:
    """The request bodies, made at send time (a rotating code depends on the moment)."""

    def __init__(self, passes: list[tuple[int, str]], order_codes: list[str], seed: int) -> None:
        self.rnd = random.Random(seed)
        self.passes = passes
        self.order_codes = order_codes
        self.next_pass = 0
        self.next_wrong = len(passes) // 2  # wrong codes go to other passes than valid ones
        self.next_order = 0
        self.expected: dict[str, int] = {}

    def _pass(self, offset_attr: str) -> tuple[int, str]:
        i: int = getattr(self, offset_attr)
        setattr(self, offset_attr, i + 1)
        return self.passes[i % len(self.passes)]

    def body(self) -> tuple[str, dict[str, str]]:
        draw = self.rnd.random()
        gate = self.rnd.choice(["g1", "g2", "g3"])
        now = time.time()
        if draw < 0.70:
            pass_id, secret = self._pass("next_pass")
            code = code_at_step(secret, step_of(now))
            kind, body = "valid_pass", {"gate": gate, "payload": f"GCP1:{pass_id}:{code}"}
        elif draw < 0.80:
            pass_id, secret = self._pass("next_wrong")
            right = code_at_step(secret, step_of(now))
            wrong = f"{(int(right) + 1) % 1_000_000:06d}"
            kind, body = "wrong_code", {"gate": gate, "payload": f"GCP1:{pass_id}:{wrong}"}
        elif draw < 0.85:
            pass_id, secret = self._pass("next_wrong")
            old = code_at_step(secret, step_of(now) - 3)
            kind, body = "expired_code", {"gate": gate, "payload": f"GCP1:{pass_id}:{old}"}
        elif draw < 0.875:
            kind, body = "unknown_pass", {"gate": gate, "payload": "GCP1:999999999:123456"}
        elif draw < 0.90:
            pass_id, secret = self._pass("next_pass")
            code = code_at_step(secret, step_of(now))
            kind, body = "closed_gate", {"gate": "g4", "payload": f"GCP1:{pass_id}:{code}"}
        elif draw < 0.999 and self.next_order < len(self.order_codes):
            code = self.order_codes[self.next_order]
            self.next_order += 1
            kind, body = "valid_order_code", {"gate": gate, "code": code}
        else:  # rare: wrong order codes at a gate are limited to ten a minute
            kind, body = "wrong_order_code", {"gate": gate, "code": "00000000"}
        self.expected[kind] = self.expected.get(kind, 0) + 1
        return kind, body


def wire(port: int, key: str, made: tuple[str, dict[str, str]]) -> tuple[str, bytes]:
    kind, body = made
    data = json.dumps(body).encode()
    head = (
        f"POST /api/gates/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-API-Key: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return kind, head.encode() + data


async def fire(
    port: int, rate: float, count: int, make: Callable[[], tuple[str, bytes]]
) -> tuple[list[float], dict[int, int], dict[str, int], float]:
    """Send `count` requests open-loop at `rate`/s over CONNECTIONS kept-alive connections;
    latency from each request's due time; answers by status and by allow."""
    latency: list[float] = []
    statuses: dict[int, int] = {}
    allowed: dict[str, int] = {}  # allowed answers by kind of request
    queue: asyncio.Queue[float | None] = asyncio.Queue()

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while (due := await queue.get()) is not None:
            kind, request = make()
            try:
                writer.write(request)
                code, body = await read_answer(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                code, body = 0, b""
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            latency.append(time.perf_counter() - due)
            statuses[code] = statuses.get(code, 0) + 1
            if code == 200 and json.loads(body)["allow"]:
                allowed[kind] = allowed.get(kind, 0) + 1
        writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(CONNECTIONS)]
    start = time.perf_counter()
    for i in range(count):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(due)
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return latency, statuses, allowed, time.perf_counter() - start


def in_process(platform: Platform, key: str, mix: Mix, checks: int) -> dict[str, object]:
    """The same mix sent to the gate service directly (no HTTP, no server): CPU per check
    (`time.process_time`, which other work on the machine disturbs less than wall-clock)
    and SQL statements per check by kind, after 500 checks of warm-up."""
    gate = platform.accounts.principal_from_api_key(key)
    sent: list[int] = []
    event.listen(platform.engine, "before_cursor_execute", lambda *_: sent.append(1))
    for _ in range(500):
        platform.gates.check(gate, CheckIn(**mix.body()[1]), "en")
    mix.expected.clear()
    statements: dict[str, int] = {}
    cpu = 0.0
    load_before = os.getloadavg()
    for _ in range(checks):
        kind, body = mix.body()
        before = len(sent)
        start = time.process_time()
        platform.gates.check(gate, CheckIn(**body), "en")
        cpu += time.process_time() - start
        statements[kind] = statements.get(kind, 0) + len(sent) - before
    return {
        "checks": checks,
        "cpu_ms_per_check": round(1000 * cpu / checks, 2),
        "statements_per_check": round(sum(statements.values()) / checks, 2),
        "statements_by_kind": {k: round(n / mix.expected[k], 2) for k, n in statements.items()},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--riders", type=int, default=12000)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument(
        "--pin",
        action="store_true",
        help="Run the server on the last CPU and this load generator on the others (Linux)",
    )
    parser.add_argument(
        "--in-process",
        type=int,
        metavar="CHECKS",
        help="Call the gate service CHECKS times in this process instead (no server): "
        "CPU and SQL statements per check",
    )
    args = parser.parse_args()
    total = int(args.seconds * args.rate)
    with scratch_database() as url:
        platform = Platform.from_settings(Settings(mode="dev", database_url=url))
        platform.upgrade_database()
        if args.in_process:
            key, passes, order_codes = seed(platform, args.riders, args.in_process // 8 + 1000)
            print(
                json.dumps(in_process(platform, key, Mix(passes, order_codes, 2), args.in_process))
            )
            platform.close()
            return
        key, passes, order_codes = seed(platform, args.riders, total // 8 + 1000)
        port = free_port()
        env = {**os.environ, "GIGCITY_DATABASE_URL": url, "GIGCITY_MODE": "dev"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gigcity", "serve", "--port", str(port), "--workers", "1"],
            env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        if args.pin:  # the worker gets a CPU of its own; the client keeps off it
            cpus = sorted(os.sched_getaffinity(0))
            os.sched_setaffinity(server.pid, {cpus[-1]})
            os.sched_setaffinity(0, set(cpus[:-1]) or {cpus[-1]})
        base = f"http://127.0.0.1:{port}"
        mix = Mix(passes, order_codes, seed=2)
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/api/health", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            warm = int(args.warmup * args.rate / 2)
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                runner.run(fire(port, args.rate / 2, warm, lambda: wire(port, key, mix.body())))
                mix.expected.clear()
                load_before = os.getloadavg()
                cpu_before = cpu_seconds(server.pid)
                latency, statuses, allowed, elapsed = runner.run(
                    fire(port, args.rate, total, lambda: wire(port, key, mix.body()))
                )
                server_cpu = cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=15)
        with platform.factory() as session:
            logged = session.scalar(select(func.count()).select_from(GateDecision))
            logged_allowed = session.scalar(
                select(func.count()).select_from(GateDecision).where(GateDecision.allowed)
            )
        platform.close()
    answered = statuses.get(200, 0)
    expected_allowed = mix.expected.get("valid_pass", 0) + mix.expected.get("valid_order_code", 0)
    record = {
        "target": {"checks_per_second": args.rate, "p99_ms": 20},
        "sent": total,
        "mix": mix.expected,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": total - answered,
        "allowed_by_kind": allowed,
        "expected_allowed": expected_allowed,
        "achieved_checks_per_second": round(answered / elapsed, 1),
        "latency_from_due_time": percentiles(latency),
        "server_cpu_ms_per_check": round(1000 * server_cpu / max(answered, 1), 2),
        "decisions_logged_incl_warmup": logged,
        "allowed_logged_incl_warmup": logged_allowed,
        "server": "gigcity serve, 1 uvicorn worker, PostgreSQL 15 on the same machine",
        "client": f"a minimal asyncio HTTP/1.1 client (uvloop, {CONNECTIONS} kept-alive connections) in another process on the same machine, open-loop",
        "machine": {**machine(), "load_average_before_run": [round(x, 2) for x in load_before]},
        "server_pinned_to_its_own_cpu": args.pin,
        "command": f"python benchmarks/gate_checks.py --rate {args.rate:g} --seconds {args.seconds:g} --riders {args.riders}{' --pin' if args.pin else ''}",
    }
    print(json.dumps(record, indent=2))
    RESULTS.mkdir(exist_ok=True)
    name = f"gate_checks_{args.rate:g}rps"
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
    d = record["latency_from_due_time"]
    (RESULTS / f"{name}.md").write_text(
        f"Gate checks, PostgreSQL, 1 worker (`gigcity serve`); load average before the run {record['machine']['load_average_before_run']}, after {record['machine']['load_average_1_5_15']}.\n\n"  # type: ignore[index]
        "| offered rate | achieved | p50 | p95 | p99 | max | errors | target |\n|---|---|---|---|---|---|---|---|\n"
        f"| {args.rate:g}/s for {args.seconds:g} s | {record['achieved_checks_per_second']}/s | {d['p50_ms']} ms | {d['p95_ms']} ms | "  # type: ignore[index]
        f"{d['p99_ms']} ms | {d['max_ms']} ms | {record['errors']} | 300/s, p99 < 20 ms |\n\n"  # type: ignore[index]
        f"Server CPU per check: {record['server_cpu_ms_per_check']} ms (the worker process's user+system time / answers). "
        f"Mix: {mix.expected}; allowed by kind {allowed} ({expected_allowed} expected: the valid ones). "
        f"Latency counted from each request's due time.\n\n"
        f"Command: `{record['command']}`\n"
    )


if __name__ == "__main__":
    main()
