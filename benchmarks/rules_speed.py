"""How fast the rules answer the dispatcher and the pay engine.

    .venv/bin/python benchmarks/rules_speed.py [--repeat 20000] [--seed 1]

Times, per call, under putuo-2025 (the rulebook with every limit switched on):

- `FatigueClock.headroom_s` on a rider with 30 work intervals (the dispatcher's inner loop);
- `FatigueClock.may_assign` (the same question with reasons);
- `CombiningRules.allows` and `on_route` (fast test and verdict with reasons);
- `quote_order` (lines with text) and `order_pay_fen` (the total only) on a random order;
- `day_statement` for a 35-delivery day.

Writes benchmarks/results/rules_speed.{json,md}. Never part of the test run's pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as py_platform
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gigcity.rules import (
    ActivitySpan,
    Delivery,
    FatigueClock,
    OrderFacts,
    day_statement,
    load_rulebook,
    on_route,
    order_pay_fen,
    quote_order,
)

RESULTS = Path(__file__).resolve().parent / "results"


def per_call_us(call: Callable[[int], object], repeat: int) -> float:
    start = time.perf_counter()
    for index in range(repeat):
        call(index)
    return (time.perf_counter() - start) / repeat * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    book = load_rulebook("putuo-2025")

    clock = FatigueClock(book, other_work_days=range(-3, 0))
    at = 7 * 3600.0
    for _ in range(30):
        length = rng.uniform(600, 1800)
        clock = clock.add_work(at, at + length)
        at += length + rng.uniform(0, 900)
    starts = [at + rng.uniform(0, 1800) for _ in range(1024)]
    lengths = [rng.uniform(300, 3600) for _ in range(1024)]
    trips = [
        (rng.uniform(300, 1800), rng.uniform(0, 900), rng.uniform(500, 5000), rng.uniform(0, 2000))
        for _ in range(1024)
    ]
    orders = [
        OrderFacts(
            distance_m=rng.randrange(0, 8000),
            weight_g=rng.randrange(0, 15000),
            floor=rng.randrange(1, 8),
            has_lift=rng.random() < 0.7,
            old_estate=rng.random() < 0.2,
            at_s=rng.randrange(0, 86400),
        )
        for _ in range(1024)
    ]
    deliveries = [
        Delivery(
            order=orders[i],
            promised_at_s=8 * 3600 + i * 900,
            delivered_at_s=8 * 3600 + i * 900 + rng.randrange(-300, 900),
            late_cause=rng.choice([None, "traffic_control", "merchant_delay"]),
        )
        for i in range(35)
    ]
    activity = [
        ActivitySpan(start_s=8 * 3600 + i * 900, end_s=8 * 3600 + i * 900 + 700, kind="on_order")
        for i in range(35)
    ]
    combining = book.combining
    repeat = args.repeat
    figures: dict[str, float] = {
        "fatigue_headroom_us": per_call_us(lambda i: clock.headroom_s(starts[i % 1024]), repeat),
        "fatigue_may_assign_us": per_call_us(
            lambda i: clock.may_assign(starts[i % 1024], lengths[i % 1024]), repeat
        ),
        "combining_allows_us": per_call_us(
            lambda i: combining.allows(
                trips[i % 1024][0],
                trips[i % 1024][0] + trips[i % 1024][1],
                trips[i % 1024][2],
                trips[i % 1024][2] + trips[i % 1024][3],
            ),
            repeat,
        ),
        "on_route_verdict_us": per_call_us(
            lambda i: on_route(
                book,
                trips[i % 1024][0],
                trips[i % 1024][0] + trips[i % 1024][1],
                trips[i % 1024][2],
                trips[i % 1024][2] + trips[i % 1024][3],
            ),
            repeat,
        ),
        "quote_order_us": per_call_us(lambda i: quote_order(book, orders[i % 1024]), repeat),
        "order_pay_fen_us": per_call_us(lambda i: order_pay_fen(book, orders[i % 1024]), repeat),
        "day_statement_35_deliveries_us": per_call_us(
            lambda i: day_statement(book, deliveries, activity), max(1, repeat // 50)
        ),
    }
    load = os.getloadavg()
    result: dict[str, Any] = {
        "command": f"benchmarks/rules_speed.py --repeat {repeat} --seed {args.seed}",
        "python": py_platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_1_5_15": [round(value, 2) for value in load],
        "per_call_us": {name: round(value, 2) for name, value in figures.items()},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "rules_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Rules speed (putuo-2025)",
        "",
        f"`{result['command']}` — Python {result['python']}, {result['cpus']} CPUs, "
        f"load average {result['load_average_1_5_15']} (shared machine).",
        "",
        "| call | µs per call |",
        "|---|---|",
        *(f"| {name} | {value:.2f} |" for name, value in result["per_call_us"].items()),
        "",
    ]
    (RESULTS / "rules_speed.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
