"""Meals for the elderly: a district's day of meals generated, on PostgreSQL.

    .venv/bin/python benchmarks/eldercare_generation.py [--elders 5000] [--canteens 30]

Creates a scratch PostgreSQL database (GIGCITY_BENCH_POSTGRES_URL, default the tests'
server) with `--canteens` canteens and `--elders` older people enrolled through the service
(encrypted fields, contacts, 300 riders as familiar riders), each with lunch on weekdays,
5 % paused and 5 % skipping the day; then times `generate` of one weekday's lunch for every
canteen (what the scheduled job does after the cut-off), and a second run of it (which must
add nothing). Target (issue 16): a day's orders generated in under 5 s.
Writes benchmarks/results/eldercare_generation.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import date, timedelta

from gigcity.config import Settings
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare import (
    CanteenIn,
    CareIn,
    ChangeIn,
    ContactIn,
    ElderIn,
    Meal,
    PauseIn,
    SubscriptionIn,
)
from gigcity.services.platform import Platform
from reports_bench_support import RESULTS, machine, make_accounts, scratch_database

DAY = date(2026, 12, 7)  # a Monday
RIDERS = 300


def seed(platform: Platform, elders: int, canteens: int, rng: random.Random) -> None:
    admin_id, _, riders = make_accounts(platform, RIDERS)
    admin = Principal(role=Role.admin, account_id=admin_id, label="bench")
    service = platform.eldercare
    codes = [s.code for s in platform.district.subdistricts]
    categories = service.funding.categories()
    canteen_ids = [
        service.add_canteen(
            admin,
            CanteenIn(
                name=f"长者食堂 {k + 1}", subdistrict=codes[k % len(codes)],
                lon=121.40 + 0.01 * (k % 6), lat=31.22 + 0.01 * (k // 6),
                lunch_capacity=elders // canteens + 20, price_fen=1500,
            ),
        ).id
        for k in range(canteens)
    ]  # fmt: skip
    for i in range(elders):
        k = i % canteens
        primary = riders[i % RIDERS]
        elder = service.enrol(
            admin,
            ElderIn(
                name=f"老人{i}", first_name=f"阿婆{i}", subdistrict=codes[k % len(codes)],
                canteen_id=canteen_ids[k], building=f"{i % 40 + 1}号楼", floor=i % 7 + 1,
                door=f"某小区{i % 40 + 1}号楼{i % 7 + 1}0{i % 4 + 1}室",
                lon=121.40 + 0.01 * (k % 6) + rng.uniform(-0.01, 0.01),
                lat=31.22 + 0.01 * (k // 6) + rng.uniform(-0.01, 0.01),
                subsidy_category=categories[i % len(categories)],
                care=CareIn(lives_alone=i % 3 == 0),
                contacts=[ContactIn(relation="family", name=f"家属{i}", phone=f"139{i:08d}")],
                primary_rider_id=primary, backup_rider_id=riders[(i + 1) % RIDERS],
                consent_by="self", consent_note="本人签字同意",
            ),
        )  # fmt: skip
        service.subscribe(admin, elder.id, SubscriptionIn(lunch=[0, 1, 2, 3, 4], starts_on=DAY))
        draw = rng.random()
        if draw < 0.05:
            pause = PauseIn(first_day=DAY, last_day=DAY + timedelta(days=6), reason="hospital")
            service.pause(admin, elder.id, pause)
        elif draw < 0.10:
            service.change(admin, elder.id, ChangeIn(day=DAY, meal=Meal.lunch, action="skip"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--elders", type=int, default=5000)
    parser.add_argument("--canteens", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(16)
    with scratch_database() as url:
        platform = Platform.from_settings(Settings(mode="dev", database_url=url))
        platform.upgrade_database()
        # Enrolment and changes happen the week before; the cut-off is long past by DAY.
        from datetime import UTC, datetime

        platform.eldercare.clock = lambda: datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
        t0 = time.perf_counter()
        seed(platform, args.elders, args.canteens, rng)
        seed_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        first = platform.eldercare.generate(DAY, Meal.lunch)
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = platform.eldercare.generate(DAY, Meal.lunch)
        again_s = time.perf_counter() - t0
        platform.close()
    record = {
        "target": {"generate_s": 5.0},
        "elders": args.elders,
        "canteens": args.canteens,
        "seed_s": round(seed_s, 1),
        "generate_s": round(first_s, 3),
        "created": first.created,
        "over_capacity": first.over_capacity,
        "rerun_s": round(again_s, 3),
        "rerun_created": again.created,
        "rerun_already": again.already,
        "machine": machine(),
        "command": f"python benchmarks/eldercare_generation.py --elders {args.elders} --canteens {args.canteens}",
    }
    print(json.dumps(record, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "eldercare_generation.json").write_text(json.dumps(record, indent=2) + "\n")
    (RESULTS / "eldercare_generation.md").write_text(
        f"Meals for the elderly, a day's lunch generated on PostgreSQL: {args.elders} older "
        f"people, {args.canteens} canteens (load {record['machine']['load_average_1_5_15']}).\n\n"  # type: ignore[index]
        "| run | seconds | meals created | already there | target |\n|---|---|---|---|---|\n"
        f"| first | {first_s:.3f} | {first.created} | {first.already} | < 5 s |\n"
        f"| again | {again_s:.3f} | {again.created} | {again.already} | adds nothing |\n\n"
        f"Command: `{record['command']}`\n"
    )


if __name__ == "__main__":
    main()
