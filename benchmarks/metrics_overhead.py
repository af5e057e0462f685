"""What the request-id, access-log and metrics middleware add to every request.

    .venv/bin/python benchmarks/metrics_overhead.py [--requests 1000] [--rounds 25]

`GET /healthz` (the cheapest endpoint) through the whole app in process: a loop of ASGI calls
with no server and no network, so that what differs between the variants is the middleware
alone. Each round runs every variant, one after another and each round in another order,
`--requests` calls each after a warm-up. What a variant adds is its time per request minus
the bare app's in the same round, median over the rounds; CPU time of the process (what the
middleware costs, without waiting for a core when other jobs share the machine) and wall
clock. Variants:

- `bare`: neither middleware (the stack below them is the same in all variants);
- `request id`: ids taken or made and answered, the access line skipped (level WARNING);
- `request id + JSON access line`: as in production, each line rendered to /dev/null;
- `metrics`: the request counter and latency histogram, nothing else;
- `all`: request id, JSON access line and metrics.

Also times one scrape of /metrics. Target (issue 13): metrics add < 0.2 ms a request.
Results: benchmarks/results/metrics_overhead.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.types import Message

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.logs import configure_logging
from gigcity.services.platform import Platform

RESULTS = Path(__file__).parent / "results"


def _scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"user-agent", b"bench")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _call(app: FastAPI, path: str) -> bytes:
    """One request; the answer's body (checked once, then thrown away)."""
    body = b""
    status = 0

    async def send(message: Message) -> None:
        nonlocal body, status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body += message.get("body", b"")

    await app(_scope(path), _receive, send)
    assert status == 200, (path, status, body[:200])
    return body


async def _mean_seconds(app: FastAPI, requests: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds per request."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        await _call(app, "/healthz")
    return (time.perf_counter() - wall) / requests, (time.process_time() - cpu) / requests


class Variant:
    def __init__(self, name: str, app: FastAPI, access_log: bool) -> None:
        self.name, self.app, self.access_log = name, app, access_log
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def prepare(self) -> None:
        level = logging.INFO if self.access_log else logging.WARNING
        logging.getLogger("gigcity.access").setLevel(level)


def _variants(settings: Settings, platform: Platform) -> list[Variant]:
    with_metrics = create_app(settings, platform)
    without = create_app(settings.model_copy(update={"metrics_enabled": False}), platform)
    _, metrics = with_metrics.outermost  # type: ignore[attr-defined]

    def app_with(*outermost: Callable[..., Any]) -> FastAPI:
        app = create_app(settings.model_copy(update={"metrics_enabled": False}), platform)
        app.outermost = outermost  # type: ignore[attr-defined]
        return app

    return [
        Variant("bare", app_with(), access_log=False),
        Variant("request id", without, access_log=False),
        Variant("request id + JSON access line", without, access_log=True),
        Variant("metrics", app_with(metrics), access_log=False),
        Variant("all", with_metrics, access_log=True),
    ]


async def _scrape_ms(app: FastAPI, times: int = 50) -> float:
    start = time.perf_counter()
    for _ in range(times):
        body = await _call(app, "/metrics")
    assert b"gigcity_http_requests_total" in body
    return (time.perf_counter() - start) / times * 1000


async def run(requests: int, rounds: int) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="gigcity-metrics-"))
    settings = Settings(
        mode="production",
        secret_key="bench-" + "x7Qm2Rv9Lp4Tz8Wn3Kb6Hd1Fs5Gj0Yc",
        database_url=f"sqlite:///{workdir / 'bench.db'}",
        log_format="json",
    )
    platform = Platform.from_settings(settings)
    platform.upgrade_database()
    devnull = open(os.devnull, "w")  # noqa: SIM115  (open for the whole run)
    configure_logging(settings, stream=devnull)
    variants = _variants(settings, platform)
    for variant in variants:  # warm-up: imports, caches, the label series
        variant.prepare()
        await _mean_seconds(variant.app, 300)
    for n in range(rounds):
        # Every round in another order, so a drift of the machine falls on all alike.
        for variant in variants[n % len(variants) :] + variants[: n % len(variants)]:
            variant.prepare()
            wall, cpu = await _mean_seconds(variant.app, requests)
            variant.wall.append(wall)
            variant.cpu.append(cpu)
    scrape = await _scrape_ms(variants[-1].app)
    devnull.close()
    platform.close()
    bare = variants[0]
    rows = []
    for variant in variants:
        # What a variant adds: its time minus the bare app's in the same round, median of
        # the rounds (a busy moment of the machine lands on both of a pair).
        added_cpu = [v - b for v, b in zip(variant.cpu, bare.cpu, strict=True)]
        added_wall = [v - b for v, b in zip(variant.wall, bare.wall, strict=True)]
        rows.append(
            {
                "variant": variant.name,
                "cpu_us_per_request": _us(statistics.median(variant.cpu)),
                "added_cpu_us": _us(statistics.median(added_cpu)),
                "wall_us_per_request": _us(statistics.median(variant.wall)),
                "added_wall_us": _us(statistics.median(added_wall)),
                "rounds_cpu_us": [_us(s) for s in variant.cpu],
            }
        )
    return {"rows": rows, "scrape_ms": round(scrape, 2)}


def _us(seconds: float) -> float:
    return round(seconds * 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()
    load_before = os.getloadavg()
    result = asyncio.run(run(args.requests, args.rounds))
    load_after = os.getloadavg()
    print(f"{args.rounds} rounds of {args.requests} GET /healthz in process per variant")
    print(
        f"{'variant':30} {'CPU µs/request':>15} {'added':>7} {'wall µs/request':>16} {'added':>7}"
    )
    for row in result["rows"]:
        print(
            f"{row['variant']:30} {row['cpu_us_per_request']:>15} {row['added_cpu_us']:>7} "
            f"{row['wall_us_per_request']:>16} {row['added_wall_us']:>7}"
        )
    print(f"one scrape of /metrics: {result['scrape_ms']} ms")
    print("load average before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}".format(
        *load_before, *load_after))  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    record = {
        **result,
        "requests": args.requests,
        "rounds": args.rounds,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "command": "python benchmarks/metrics_overhead.py",
    }
    (RESULTS / "metrics_overhead.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
