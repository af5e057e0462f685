"""A day of relay delivery through one hand-off point: nothing is lost.

    .venv/bin/python benchmarks/relay_day.py [--items 2000] [--couriers 10] [--riders 4]
        [--absent 0.1] [--shelf 60] [--seed 2025] [--keep]

Target (issue 15): a day of 2,000 items through one point with 10 couriers loses nothing —
every item delivered or back at the point, every custody step recorded.

1. Creates a PostgreSQL database of its own (on GIGCITY_BENCH_POSTGRES_URL's server, default
   the tests' one; dropped at the end unless --keep), migrates it, and stores the sample
   estate (`sample_estate()`: about a hundred buildings) with its hand-off point open all day
   and a shelf of `--shelf` items. Each item's address gets a resident's consent first.
2. Registers the platform's webhook (answered in process by an httpx MockTransport), so
   every status change is also POSTed, signed, through the job queue.
3. Runs, all at once in threads, through the real service (`platform.relay`):
   `--riders` riders announcing and dropping `--items` items (a full shelf refuses an
   announcement: the rider comes back a little later, and the refusal is counted), and
   `--couriers` couriers who read the point's queue, claim one of the oldest items (several
   go for the same ones: races lost are counted), and deliver it with the recipient's code;
   a share `--absent` of first trips find nobody home: the item goes back to the point, and
   half of those are collected there by the recipient, the others carried again.
4. Checks, when every item is done: each item is delivered or collected (the "back at the
   point" end), no item is stuck anywhere else; each custody chain verifies; each item's
   events make a complete story (announced, dropped, then claimed → delivered or claimed →
   absent → returned ... ending delivered or collected); the pay ledger has one row per
   delivered item and nothing more; the platform received one signed webhook call per
   custody step.

Prints items/s, claim latency (p50, p99), races lost, shelf-full refusals, and `lost`
(items not in an end state, chains broken, stories incomplete, pay rows wrong, webhooks
missing: all must be 0); writes benchmarks/results/relay_day.json (or --output).
Exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from gigcity.config import Settings
from gigcity.db.models import Estate as EstateRow
from gigcity.db.models import RelayCustody, RelayItem, RelayPay, RelayWebhookCall
from gigcity.db.session import transaction
from gigcity.geo.estates.sample import sample_estate
from gigcity.services.accounts import (
    AccountCreate,
    Principal,
    Role,
    Scope,
    create_account,
    principal_for,
)
from gigcity.services.errors import Conflict
from gigcity.services.platform import Platform
from gigcity.services.relay import (
    SIGNATURE_HEADER,
    AddressIn,
    AnnounceIn,
    CodeIn,
    WebhookIn,
    WhereIn,
    verify,
)

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get(
    "GIGCITY_BENCH_POSTGRES_URL",
    os.environ.get(
        "GIGCITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
)
DONE = ("delivered", "collected")


def make_database(keep: bool) -> tuple[str, Any]:
    name = f"gigcity_bench_relay_{uuid.uuid4().hex[:8]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def setup(platform: Platform, args: argparse.Namespace) -> dict[str, Any]:
    estate = sample_estate()
    point = estate.handoffs[0].model_copy(update={"hours": "", "shelf_capacity": args.shelf})
    estate = estate.model_copy(update={"handoffs": (point,)})
    with transaction(platform.factory) as session:
        lon, lat = estate.centre()
        row = EstateRow(
            name=estate.name, subdistrict=estate.subdistrict, lon=lon, lat=lat,
            synthetic=True, document=estate.model_dump(mode="json"), version=1,
        )  # fmt: skip
        session.add(row)
        session.flush()
        estate_id = row.id
        couriers = [
            principal_for(
                create_account(
                    session,
                    AccountCreate(
                        username=f"courier{i}", password="bench relay courier pw",
                        display_name=f"courier {i}", role=Role.courier, estate_id=estate_id,
                    ),
                    platform.district,
                )
            )
            for i in range(args.couriers)
        ]  # fmt: skip
        staff = principal_for(
            create_account(
                session,
                AccountCreate(
                    username="property", password="bench relay property pw",
                    display_name="property", role=Role.property, estate_id=estate_id,
                ),
                platform.district,
            )
        )  # fmt: skip
    key = platform.accounts.create_api_key_by_operator("bench platform", scopes=[Scope.deliveries])
    assert key.key is not None
    caller = platform.accounts.principal_from_api_key(key.key)
    rng = random.Random(args.seed)
    addresses = []
    for i in range(args.items):
        building = estate.buildings[i % len(estate.buildings)]
        addresses.append((building.ref, str(1 + i % 4), str(100 * (1 + i // 400) + i % 97)))
    for address in sorted(set(addresses)):
        platform.relay.record_consent(
            staff, estate_id, AddressIn(building=address[0], unit=address[1], room=address[2])
        )
    rng.shuffle(addresses)
    return {
        "estate_id": estate_id, "point": point.ref, "couriers": couriers, "staff": staff,
        "platform": caller, "addresses": addresses,
    }  # fmt: skip


class Day:
    """What the threads share: codes handed to "customers", figures, the end condition."""

    def __init__(self, items: int) -> None:
        self.lock = threading.Lock()
        self.codes: dict[int, str] = {}
        self.claim_ms: list[float] = []
        self.counts: Counter[str] = Counter()
        self.items = items
        self.done = 0
        self.errors: list[str] = []

    def count(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.counts[what] += n


def rider(
    platform: Platform,
    world: dict[str, Any],
    day: Day,
    share: list[tuple[int, tuple[str, str, str]]],
) -> None:
    caller: Principal = world["platform"]
    for n, (building, unit, room) in share:
        while True:
            try:
                item = platform.relay.announce(
                    caller,
                    AnnounceIn(
                        order_ref=f"BENCH-{n:05d}", estate_id=world["estate_id"],
                        building=building, unit=unit, room=room,
                    ),
                )  # fmt: skip
                break
            except Conflict as refused:
                if "full" not in str(refused):
                    raise
                day.count("shelf_full_refusals")
                with day.lock:
                    if day.errors:  # the couriers stopped: nobody will free the shelf
                        return
                time.sleep(0.05)  # the rider comes back a little later
        with day.lock:
            day.codes[item.id] = item.confirm_code
        platform.relay.drop(caller, item.id, CodeIn(code=item.handoff_code))


def courier(
    platform: Platform, world: dict[str, Any], day: Day, me: Principal, seed: int, absent: float
) -> None:
    rng = random.Random(seed)
    relay = platform.relay
    while True:
        with day.lock:
            if day.done >= day.items or day.errors:
                return
        try:
            queue = relay.queue(me, world["estate_id"], world["point"])
            if not queue.waiting:
                time.sleep(0.02)
                continue
            # Several couriers go for the oldest few: some races are lost.
            target = rng.choice(queue.waiting[:3])
            start = time.perf_counter()
            try:
                relay.claim(me, target.id)
            except Conflict:
                day.count("claim_races_lost")
                continue
            finally:
                with day.lock:
                    day.claim_ms.append((time.perf_counter() - start) * 1000)
            with day.lock:
                code = day.codes[target.id]
            if target.attempts == 0 and rng.random() < absent:
                relay.absent(me, target.id, WhereIn())
                relay.return_to_point(me, target.id, WhereIn())
                day.count("recipient_absent")
                if rng.random() < 0.5:  # the recipient comes down for it
                    try:
                        relay.collect(world["staff"], target.id, CodeIn(code=code))
                    except Conflict:
                        day.count("collect_too_late")  # a courier took it up again first
                        continue
                    day.count("collected_at_point")
                    with day.lock:
                        day.done += 1
                continue
            relay.deliver(me, target.id, CodeIn(code=code))
            day.count("delivered")
            with day.lock:
                day.done += 1
        except Exception as error:  # a failure ends the day and is reported
            with day.lock:
                day.errors.append(f"{type(error).__name__}: {error}")
            traceback.print_exc()
            return


def check(
    platform: Platform, world: dict[str, Any], day: Day, received: list[dict[str, Any]]
) -> dict[str, int]:
    relay = platform.relay
    with platform.factory() as session:
        items = session.execute(select(RelayItem.id, RelayItem.state, RelayItem.courier_id)).all()
        steps: dict[int, list[str]] = {}
        for item_id, event in session.execute(
            select(RelayCustody.item_id, RelayCustody.event).order_by(
                RelayCustody.item_id, RelayCustody.seq
            )
        ):
            steps.setdefault(item_id, []).append(event)
        pay_rows = session.scalar(select(func.count()).select_from(RelayPay)) or 0
        pay_total = session.scalar(select(func.coalesce(func.sum(RelayPay.amount_fen), 0))) or 0
        calls = session.execute(
            select(RelayWebhookCall.state, func.count()).group_by(RelayWebhookCall.state)
        ).all()
        custody_rows = session.scalar(select(func.count()).select_from(RelayCustody)) or 0
    delivered = sum(state == "delivered" for _, state, _ in items)
    not_done = sum(state not in DONE for _, state, _ in items)
    broken = sum(relay.verify_custody(item_id) is not None for item_id, _, _ in items)
    incomplete = sum(
        not _complete_story(steps.get(item_id, []), state) for item_id, state, _ in items
    )
    sent = dict(calls).get("sent", 0)
    return {
        "items": len(items),
        "missing_items": day.items - len(items),
        "not_in_an_end_state": not_done,
        "chains_broken": broken,
        "stories_incomplete": incomplete,
        "delivered": delivered,
        "pay_rows": pay_rows,
        "pay_rows_wrong": abs(pay_rows - delivered)
        + int(pay_total != delivered * platform.settings.relay_pay_per_item_fen),
        "custody_steps": custody_rows,
        "webhook_calls_sent": sent,
        "webhook_calls_received": len({(e["item_id"], e["seq"]) for e in received}),
        "webhooks_missing": custody_rows - len({(e["item_id"], e["seq"]) for e in received}),
    }


def _complete_story(events: list[str], state: str) -> bool:
    """announced, dropped_at_point, then trips (claimed → delivered, or claimed →
    recipient_absent → returned_to_point), ending delivered, or collected at the point."""
    if events[:2] != ["announced", "dropped_at_point"]:
        return False
    rest = events[2:]
    i = 0
    while i < len(rest):
        if rest[i : i + 2] == ["claimed", "delivered"]:
            return i + 2 == len(rest) and state == "delivered"
        if rest[i : i + 3] == ["claimed", "recipient_absent", "returned_to_point"]:
            i += 3
            continue
        if rest[i:] == ["collected_by_recipient"]:
            return state == "collected"
        return False
    return False


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--couriers", type=int, default=10)
    parser.add_argument("--riders", type=int, default=4)
    parser.add_argument("--absent", type=float, default=0.1)
    parser.add_argument("--shelf", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks/results/relay_day.json")
    args = parser.parse_args()

    url, drop_database = make_database(args.keep)
    settings = Settings(mode="dev", database_url=url, job_queue="in-process", jobs_concurrency=4)
    platform = Platform.from_settings(settings)
    try:
        platform.upgrade_database()
        world = setup(platform, args)
        received: list[dict[str, Any]] = []
        bad_signatures = 0
        hook = platform.relay.set_webhook(
            world["platform"], WebhookIn(url="https://platform.example/relay")
        )  # type: ignore[arg-type]
        secret = hook.secret or ""
        got = threading.Lock()

        def platform_endpoint(request: httpx.Request) -> httpx.Response:
            nonlocal bad_signatures
            body = request.read()
            with got:
                if not verify(
                    secret, request.headers.get(SIGNATURE_HEADER, ""), body, int(time.time())
                ):
                    bad_signatures += 1
                received.append(json.loads(body))
            return httpx.Response(204)

        platform.relay.http = httpx.Client(transport=httpx.MockTransport(platform_endpoint))
        day = Day(args.items)
        numbered = list(enumerate(world["addresses"]))
        shares = [numbered[i :: args.riders] for i in range(args.riders)]
        threads = [threading.Thread(target=rider, args=(platform, world, day, s)) for s in shares]
        threads += [
            threading.Thread(
                target=courier, args=(platform, world, day, c, args.seed + i, args.absent)
            )
            for i, c in enumerate(world["couriers"])
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        if day.errors:
            print("errors:", *day.errors[:5], sep="\n  ")
        # The webhook calls still queued drain before the checks.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with platform.factory() as session:
                pending = session.scalar(
                    select(func.count())
                    .select_from(RelayWebhookCall)
                    .where(RelayWebhookCall.state == "pending")
                )
            if not pending:
                break
            time.sleep(0.2)
        figures = check(platform, world, day, received)
    finally:
        platform.close()
        drop_database()
    lost = (
        sum(
            figures[k]
            for k in (
                "missing_items",
                "not_in_an_end_state",
                "chains_broken",
                "stories_incomplete",
                "pay_rows_wrong",
                "webhooks_missing",
            )
        )
        + bad_signatures
        + len(day.errors)
    )
    result = {
        "items": args.items,
        "couriers": args.couriers,
        "riders": args.riders,
        "shelf": args.shelf,
        "absent_share": args.absent,
        "seconds": round(elapsed, 2),
        "items_per_s": round(args.items / elapsed, 1),
        "claims": len(day.claim_ms),
        "claim_ms_p50": round(statistics.median(day.claim_ms), 1) if day.claim_ms else None,
        "claim_ms_p99": round(percentile(day.claim_ms, 0.99), 1),
        **dict(day.counts),
        **figures,
        "bad_signatures": bad_signatures,
        "errors": day.errors[:5],
        "lost": lost,
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
    }
    for key, value in result.items():
        print(f"{key:>24}: {value}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
