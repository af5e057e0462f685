"""Decision logs for the platform's audit tests: a small hand-made day whose breaches are
known (rider `p-1001` had money taken for lateness, which putuo-2025 forbids), and a wait
for a queued run to finish."""

from __future__ import annotations

import time
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from gigcity.services.accounts import Principal
from gigcity.services.audit.logwriter import log_bytes, log_frame
from gigcity.services.audit.run_schemas import RunOut
from gigcity.services.platform import Platform

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2025, 6, 2)  # putuo-2025 is in force
FINED = "p-1001"  # the rider fined for lateness
CLEAN = "p-2002"  # the rider kept to the rules on lateness


def at(hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(DAY, clock_time(hour, minute), SHANGHAI)


def small_log_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for rider, number, late in ((FINED, 1, True), (CLEAN, 2, False)):
        trip, order = f"t-{number}", f"o-{number}"
        rows.append({"kind": "trip", "trip": trip, "rider": rider, "assigned_at": at("10:00")})
        rows.append(
            {
                "kind": "order",
                "order": order,
                "rider": rider,
                "trip": trip,
                "placed_at": at("10:00"),
                "ready_at": at("10:10"),
                "picked_up_at": at("10:15"),
                "delivered_at": at("10:52") if late else at("10:35"),
                "promised_at": at("10:40"),
                "distance_m": 2000,
                "counted_late": late,
            }
        )
        rows.append(
            {
                "kind": "work",
                "rider": rider,
                "activity": "delivering",
                "start_at": at("10:00"),
                "end_at": at("10:52"),
            }
        )
        rows.append(
            {
                "kind": "pay",
                "rider": rider,
                "order": order,
                "at": at("10:52"),
                "line": "base",
                "amount_fen": 4000,
            }
        )
        if late:
            rows.append(
                {
                    "kind": "pay",
                    "rider": rider,
                    "order": order,
                    "at": at("10:53"),
                    "line": "deduction",
                    "amount_fen": -300,
                    "reason": "lateness",
                }
            )
    return rows


def small_log(fmt: str = "jsonl") -> bytes:
    return log_bytes(log_frame(small_log_rows()), fmt)


def finished(platform: Platform, caller: Principal, run: RunOut, timeout_s: float = 60) -> RunOut:
    """The run once its job has finished (done or failed)."""
    deadline = time.monotonic() + timeout_s
    while run.status in ("queued", "running"):
        assert time.monotonic() < deadline, run
        time.sleep(0.05)
        run = platform.audit.get_run(caller, run.id, "en")
    return run
