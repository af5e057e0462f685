"""Stays over HTTP on PostgreSQL: "free beds tonight near me", the last beds fought over,
and bookings at a steady rate, against one `gigcity serve` worker.

    .venv/bin/python benchmarks/stays.py [--homes 15] [--beds 3000] [--lookups 2000]
        [--lookup-connections 2] [--fighters 200] [--last 10] [--rate 50] [--seconds 20]

Creates a scratch PostgreSQL database (GIGCITY_BENCH_POSTGRES_URL, default the tests'
server) with `--homes` driver homes spread over 6 x 6 km of Putuo and `--beds` beds among
them (rooms of 20 in the men's, women's and mixed sections, 40 % of them booked for the
night measured), riders with bearer tokens, and starts `gigcity serve` (one uvicorn
worker). The night measured is tomorrow's (so the run does not depend on the hour: the
latest check-in of tonight may have passed). Then, one after another:

1. free beds near a point: `GET /api/stays/homes?lat&lon&radius_m=5000&night` from random
   points of the area, `--lookups` requests over `--lookup-connections` (2) kept-alive
   connections, closed-loop;
2. the last beds: one home is filled up to its `--last` free beds, then `--fighters` riders
   send `POST /api/stays/bookings` for that home at the same moment (one connection each);
   exactly `--last` must be booked and the rest refused with 409;
3. bookings at `--rate` per second for `--seconds` (open-loop, latency from each request's
   due time), each a different rider asking for any free bed of a random home.

Targets (issue 17): lookup p99 < 20 ms; exactly 10 of 200 booked; booking p99 < 50 ms at
50/s. Writes benchmarks/results/stays.{json,md}.
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
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, insert, select, text

from gigcity.config import Settings
from gigcity.db.models import Place, StayBed, StayBooking, StayHome, StayRoom
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.platform import Platform
from gigcity.services.stays import BookIn
from reports_bench_support import (
    RESULTS,
    bearer,
    free_port,
    machine,
    make_accounts,
    open_loop,
    percentiles,
    read_answer,
    request,
    scratch_database,
)

CENTRE = (121.392, 31.262)  # Putuo
SPAN = 0.06  # degrees: about 6 km
BOOKED_SHARE = 0.4  # of the beds booked for the night measured before the run
SECTIONS = ("men", "men", "men", "women", "mixed")  # rooms of 20 beds, in turn


def seed(platform: Platform, homes: int, beds: int, booked_share: float, riders: list[int]):
    """Homes, rooms and beds; `booked_share` of the beds booked for the night measured by
    the first riders. Returns (home ids, the night, the next free rider index)."""
    rng = random.Random(17)
    stays = platform.stays
    night = stays.tonight(datetime.now(UTC)) + timedelta(days=1)
    starts, ends = stays.night_range(night)
    check_by = stays.cutoff_of(StayHome(checkin_cutoff="23:00"), night)
    per_home = beds // homes
    home_ids: list[int] = []
    with transaction(platform.factory) as session:
        for h in range(homes):
            place = Place(
                name=f"司机之家 {h + 1}", kind="driver_home",
                lon=CENTRE[0] + rng.uniform(-SPAN / 2, SPAN / 2),
                lat=CENTRE[1] + rng.uniform(-SPAN / 2, SPAN / 2),
                amenities={}, amenity_mask=0, hours={},
            )  # fmt: skip
            session.add(place)
            session.flush()
            session.add(
                StayHome(place_id=place.id, house_rules="", checkin_cutoff="23:00",
                         nap_slots=[], updated_at=datetime.now(UTC))
            )  # fmt: skip
            session.flush()
            home_ids.append(place.id)
            rows = []
            for r in range((per_home + 19) // 20):
                section = SECTIONS[r % len(SECTIONS)]
                room = StayRoom(place_id=place.id, name=f"{r + 1}", section=section)
                session.add(room)
                session.flush()
                count = min(20, per_home - 20 * r)
                rows += [
                    {"room_id": room.id, "place_id": place.id, "section": section,
                     "label": f"{r + 1}-{b + 1}", "kind": "bunk_lower" if b % 2 else "bunk_upper",
                     "price_fen": 0, "active": True}
                    for b in range(count)
                ]  # fmt: skip
            session.execute(insert(StayBed), rows)
        bed_ids = list(session.scalars(select(StayBed.id).order_by(StayBed.id)))
        taken = rng.sample(bed_ids, int(len(bed_ids) * booked_share))
        place_of = dict(session.execute(select(StayBed.id, StayBed.place_id)).all())
        session.execute(
            insert(StayBooking),
            [
                {"bed_id": bed, "place_id": place_of[bed], "account_id": riders[i],
                 "kind": "night", "starts_at": starts, "ends_at": ends, "state": "booked",
                 "check_by": check_by, "created_at": datetime.now(UTC)}
                for i, bed in enumerate(taken)
            ],
        )  # fmt: skip
    return home_ids, night, len(taken)


def fill_up_to(platform: Platform, place_id: int, night, left: int, riders: list[int]) -> int:  # type: ignore[no-untyped-def]
    """Book every free bed of `place_id` for `night` but `left`; returns riders used."""
    stays = platform.stays
    starts, ends = stays.night_range(night)
    with transaction(platform.factory) as session:
        busy = select(StayBooking.bed_id).where(
            StayBooking.state.in_(["offered", "booked", "checked_in"]),
            StayBooking.starts_at < ends, StayBooking.ends_at > starts,
        )  # fmt: skip
        free = list(
            session.scalars(
                select(StayBed.id).where(StayBed.place_id == place_id, StayBed.id.not_in(busy))
            )
        )
        fill = free[: max(len(free) - left, 0)]
        if fill:
            session.execute(
                insert(StayBooking),
                [
                    {"bed_id": bed, "place_id": place_id, "account_id": riders[i],
                     "kind": "night", "starts_at": starts, "ends_at": ends, "state": "booked",
                     "check_by": ends, "created_at": datetime.now(UTC)}
                    for i, bed in enumerate(fill)
                ],
            )  # fmt: skip
    return len(fill)


async def lookups(
    port: int, n: int, night: str, connections: int = 8
) -> tuple[list[float], dict[int, int]]:
    rng = random.Random(5)
    latency: list[float] = []
    statuses: dict[int, int] = {}
    left = [n]

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while left[0] > 0:
            left[0] -= 1
            lon = CENTRE[0] + rng.uniform(-SPAN / 2, SPAN / 2)
            lat = CENTRE[1] + rng.uniform(-SPAN / 2, SPAN / 2)
            path = f"/api/stays/homes?lon={lon:.6f}&lat={lat:.6f}&radius_m=5000&night={night}"
            started = time.perf_counter()
            writer.write(request(port, "GET", path, {}))
            code, _ = await read_answer(reader)
            latency.append(time.perf_counter() - started)
            statuses[code] = statuses.get(code, 0) + 1
        writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))
    return latency, statuses


async def fight(
    port: int, heads: list[dict[str, str]], body: dict[str, object]
) -> list[tuple[int, str]]:
    """Every rider's booking at the same moment, one connection each."""
    pairs = [await asyncio.open_connection("127.0.0.1", port) for _ in heads]
    start = asyncio.Event()

    async def one(pair, head):  # type: ignore[no-untyped-def]
        reader, writer = pair
        await start.wait()
        writer.write(request(port, "POST", "/api/stays/bookings", head, body))
        code, answer = await read_answer(reader)
        writer.close()
        return code, (json.loads(answer).get("detail", "") if code != 201 else "")

    tasks = [asyncio.create_task(one(p, h)) for p, h in zip(pairs, heads, strict=True)]
    await asyncio.sleep(0.2)
    start.set()
    return list(await asyncio.gather(*tasks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--homes", type=int, default=15)
    parser.add_argument("--beds", type=int, default=3000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--lookup-connections", type=int, default=2)
    parser.add_argument("--fighters", type=int, default=200)
    parser.add_argument("--last", type=int, default=10)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    steady_count = int(args.rate * args.seconds)
    with scratch_database() as url:
        platform = Platform.from_settings(Settings(mode="dev", database_url=url))
        platform.upgrade_database()
        _, _, riders = make_accounts(platform, args.beds + args.fighters + steady_count + 100)
        homes, night, used = seed(platform, args.homes, args.beds, BOOKED_SHARE, riders)
        with platform.engine.connect() as conn:  # as autovacuum would, after the bulk load
            conn.execute(text("ANALYZE"))
            conn.commit()
        contested = homes[0]
        used += fill_up_to(platform, contested, night, args.last, riders[used:])
        fighters = [bearer(platform, r) for r in riders[used : used + args.fighters]]
        used += args.fighters
        rng = random.Random(9)
        bodies = [
            (bearer(platform, r), {"place_id": rng.choice(homes[1:]), "night": str(night)})
            for r in riders[used : used + steady_count]
        ]
        port = free_port()
        env = {**os.environ, "GIGCITY_DATABASE_URL": url, "GIGCITY_MODE": "dev"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gigcity", "serve", "--port", str(port), "--workers", "1"],
            env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/api/health", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            load_before = os.getloadavg()
            asyncio.run(lookups(port, 100, str(night)))  # warm-up
            look, look_status = asyncio.run(
                lookups(port, args.lookups, str(night), args.lookup_connections)
            )
            fought = asyncio.run(
                fight(port, fighters, {"place_id": contested, "night": str(night)})
            )
            wire = [request(port, "POST", "/api/stays/bookings", h, b) for h, b in bodies]
            booked, booked_status, elapsed, _ = asyncio.run(open_loop(port, args.rate, wire))
        finally:
            server.terminate()
            server.wait(timeout=15)
        # The same work called in this process (no HTTP, no server): the service's own cost.
        direct_look, direct_book = [], []
        for _ in range(200):
            lon = CENTRE[0] + rng.uniform(-SPAN / 2, SPAN / 2)
            lat = CENTRE[1] + rng.uniform(-SPAN / 2, SPAN / 2)
            started = time.perf_counter()
            platform.stays.nearby(lon, lat, 5000, 20, night)
            direct_look.append(time.perf_counter() - started)
        for rider in riders[used + steady_count : used + steady_count + 100]:
            started = time.perf_counter()
            platform.stays.book(
                Principal(role=Role.rider, account_id=rider),
                BookIn(place_id=rng.choice(homes[1:]), night=night),
            )
            direct_book.append(time.perf_counter() - started)
        with platform.factory() as session:
            contested_booked = session.scalar(
                select(func.count())
                .select_from(StayBooking)
                .where(StayBooking.place_id == contested, StayBooking.state == "booked")
            )
            contested_beds = session.scalar(
                select(func.count()).select_from(StayBed).where(StayBed.place_id == contested)
            )
        platform.close()
    fight_codes: dict[str, int] = {}
    for code, _ in fought:
        fight_codes[str(code)] = fight_codes.get(str(code), 0) + 1
    record = {
        "targets": {"lookup_p99_ms": 20, "last_beds": f"{args.last} of {args.fighters}", "booking_p99_ms_at_50_per_s": 50},
        "homes": args.homes, "beds": args.beds, "night": str(night), "booked_before": f"{BOOKED_SHARE:.0%}",
        "free_beds_lookup": {**percentiles(look), "statuses": look_status, "connections": args.lookup_connections},
        "last_beds": {
            "fighters": args.fighters, "free_beds": args.last, "statuses": fight_codes,
            "refusals": sorted({d for c, d in fought if c != 201}),
            "home_fully_booked_after": contested_booked == contested_beds,
        },
        "steady_bookings": {
            "rate_per_s": args.rate, "sent": steady_count,
            "achieved_per_s": round(steady_count / elapsed, 1),
            "statuses": {str(k): v for k, v in sorted(booked_status.items())},
            **percentiles(booked),
        },
        "in_process": {"free_beds_lookup": percentiles(direct_look), "booking": percentiles(direct_book)},
        "server": "gigcity serve, 1 uvicorn worker, PostgreSQL 15 on the same machine",
        "machine": {**machine(), "load_average_before_run": [round(x, 2) for x in load_before]},
        "command": f"python benchmarks/stays.py --homes {args.homes} --beds {args.beds} --lookups {args.lookups} --lookup-connections {args.lookup_connections} --fighters {args.fighters} --last {args.last} --rate {args.rate:g} --seconds {args.seconds:g}",
    }  # fmt: skip
    print(json.dumps(record, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stays.json").write_text(json.dumps(record, indent=2) + "\n")
    lk, sb = record["free_beds_lookup"], record["steady_bookings"]
    (RESULTS / "stays.md").write_text(
        f"Stays, PostgreSQL, 1 worker (`gigcity serve`), {args.homes} homes, {args.beds} beds ({BOOKED_SHARE:.0%} booked before the run); "
        f"load average before {record['machine']['load_average_before_run']}, after {record['machine']['load_average_1_5_15']}.\n\n"  # type: ignore[index]
        "| measure | p50 | p99 | max | answers | target |\n|---|---|---|---|---|---|\n"
        f"| free beds near a point (GET, {args.lookup_connections} connections, {args.lookups} requests) | {lk['p50_ms']} ms | {lk['p99_ms']} ms | {lk['max_ms']} ms | {lk['statuses']} | p99 < 20 ms |\n"  # type: ignore[index]
        f"| booking at {args.rate:g}/s for {args.seconds:g} s (open-loop) | {sb['p50_ms']} ms | {sb['p99_ms']} ms | {sb['max_ms']} ms | {sb['statuses']} | p99 < 50 ms |\n\n"  # type: ignore[index]
        f"The same calls in the benchmark's process (no HTTP): lookup p50 {record['in_process']['free_beds_lookup']['p50_ms']} ms, "  # type: ignore[index]
        f"p99 {record['in_process']['free_beds_lookup']['p99_ms']} ms; booking p50 {record['in_process']['booking']['p50_ms']} ms, p99 {record['in_process']['booking']['p99_ms']} ms.\n\n"  # type: ignore[index]
        f"Last beds: {args.fighters} riders at once for {args.last} free beds: {fight_codes} "
        f"(refusals: {record['last_beds']['refusals']}).\n\n"  # type: ignore[index]
        f"Command: `{record['command']}`\n"
    )


if __name__ == "__main__":
    main()
