"""Test support for gate passes: a small estate (three gates, one closed to riders),
gate-controller and platform keys, a clock the tests move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from estate_support import square_estate
from gigcity.geo.estates import Estate, Gate
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.platform import Platform
from support import ADMIN

START = datetime(2026, 12, 3, 2, 0, 5, tzinfo=UTC)  # 5 s into a 30-second step


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def estate_document(name: str = "测试小区", subdistrict: str | None = "wanli") -> Estate:
    """Three gates, the garage gate closed to riders; no buildings (stored with
    `estate_support.add_estate`)."""
    return square_estate(
        name,
        south=31.27,
        subdistrict=subdistrict,
        gates=(
            Gate(ref="g1", name="北门", at=(121.405, 31.28)),
            Gate(ref="g2", name="南门", at=(121.405, 31.27)),
            Gate(ref="g3", name="车库门", at=(121.40, 31.275), riders_pass=False),
        ),
    )


@dataclass
class Keys:
    gate_key: str  # the gate controller of the first estate
    gate: Principal
    platform_key: str  # a delivery platform (scope deliveries)
    platform: Principal


def make_keys(platform: Platform, estate_id: int) -> Keys:
    gate = platform.accounts.create_api_key(
        ADMIN, "gate controller", scopes=[Scope.gates], estate_id=estate_id
    )
    deliveries = platform.accounts.create_api_key(
        ADMIN, "delivery platform", scopes=[Scope.deliveries]
    )
    assert gate.key
    assert deliveries.key
    return Keys(
        gate.key,
        platform.accounts.principal_from_api_key(gate.key),
        deliveries.key,
        platform.accounts.principal_from_api_key(deliveries.key),
    )


def gate_controller(api_key_id: int, estate_id: int) -> Principal:
    return Principal(
        role=Role.platform,
        api_key_id=api_key_id,
        label="api-key:gate",
        scopes=frozenset({Scope.gates}),
        estate_id=estate_id,
    )
