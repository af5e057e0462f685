"""Shared by the streets service tests: the shipped sample's streets under a small district of
two sub-districts, a clock the tests move, closures and phase feeds over the sample."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TypeVar

from gigcity.geo import ClosureSpec, District, PhaseFeed, Subdistrict
from gigcity.services.accounts import Principal, Role
from gigcity.services.streets import StreetsService

T = TypeVar("T")

SHANGHAI = timezone(timedelta(hours=8))
NOON = datetime(2026, 11, 28, 12, 0, tzinfo=SHANGHAI)
ORIGIN = (121.465, 31.235)
DESTINATION = (121.482, 31.225)
ADMIN = Principal(role=Role.admin, label="test-admin")
WANLI = Principal(role=Role.officer, subdistrict="wanli")
CHANGZHENG = Principal(role=Role.officer, subdistrict="changzheng")
BORDER_LON = 121.478  # between the two sub-districts' points: west is Wanli, east Changzheng
NORTH_EDGE = 31.238  # the district ends here; the sample's northern streets lie beyond


@dataclass
class Clock:
    now: float

    def __call__(self) -> float:
        return self.now


def sample_district() -> District:
    """Two sub-districts over the sample's streets, split along BORDER_LON."""
    return District(
        "测试区",
        (121.44, 31.20, 121.52, NORTH_EDGE),
        [
            Subdistrict("wanli", "万里街道", "Wanli", "street", 121.455, 31.23),
            Subdistrict("changzheng", "长征镇", "Changzheng", "town", 121.501, 31.23),
        ],
        [],
    )


def spec(hours: float = 6.0, point: tuple[float, float] = (121.4735, 31.2310)) -> ClosureSpec:
    """A small triangle around `point`, from an hour before NOON for `hours` after it."""
    lon, lat = point
    return ClosureSpec(
        starts_at=NOON - timedelta(hours=1),
        ends_at=NOON + timedelta(hours=hours),
        polygon=[(lon - 4e-4, lat - 4e-4), (lon + 4e-4, lat - 4e-4), (lon, lat + 4e-4)],
    )


def middle_of_route(service: StreetsService) -> tuple[float, float]:
    coordinates = service.route(ORIGIN, DESTINATION, NOON).geometry.coordinates
    return coordinates[len(coordinates) // 2]


def feed(service: StreetsService, at: datetime, valid_for_s: float, state: str) -> PhaseFeed:
    """Every signal on the route from ORIGIN to DESTINATION showing `state` for 20 s more."""
    signals = service.route(ORIGIN, DESTINATION, NOON).signals
    return PhaseFeed.model_validate(
        {
            "observed_at": at.isoformat(),
            "valid_for_s": valid_for_s,
            "phases": [
                {"signal_id": s.signal_id, "state": state, "remaining_s": 20} for s in signals
            ],
        }
    )


def eventually(read: Callable[[], T], until: Callable[[T], bool], within_s: float = 5.0) -> T:
    """`read()` again and again until `until` holds of it (or the time is up): what another
    worker sees once a change has reached it. The last value read."""
    deadline = time.monotonic() + within_s
    while True:
        value = read()
        if until(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.02)
