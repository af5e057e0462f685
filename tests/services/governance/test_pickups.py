"""Pickup times from the platforms: a batch stored minimised and once (by the platform's
id), bad rows refused row by row; and a measure evaluated on them — the demo's synthetic
pickups at the mall, four minutes quicker after the parking zones and lifts, give back that
drop within the model's interval."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from gigcity.db.models import GovPickup
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.governance import MeasureIn, MeasureKind, PickupBatch, PickupRow
from gigcity.services.governance.base import METRES_PER_DEGREE
from gigcity.services.governance.pickup_effect import evaluate_means, weekly_means
from gigcity.services.governance.synthetic import (
    FIRST_DAY,
    MAIN_MEASURE,
    PICKUP_AFTER_MINUTES,
    PICKUP_BEFORE_MINUTES,
    WEEKS,
    synthetic_pickups,
)
from gigcity.services.platform import Platform
from services.governance.governance_support import GovWorld, make_gov_world
from support import ADMIN

NOW = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
KEY = Principal(role=Role.platform, api_key_id=7, label="api-key:platform-a")
OTHER_KEY = Principal(role=Role.platform, api_key_id=8, label="api-key:platform-b")


@pytest.fixture
def gov(platform: Platform) -> GovWorld:
    platform.governance.clock = lambda: NOW
    return make_gov_world(platform)


def _batch(*rows: object) -> PickupBatch:
    return PickupBatch(pickups=list(rows))


def test_a_batch_is_stored_minimised_once_and_bad_rows_are_refused_one_by_one(
    platform: Platform, gov: GovWorld
) -> None:
    good = [
        # At a place of the map; the rider's id is read past and never stored.
        {"id": "p-1", "at": "2026-12-01T12:10:42+08:00", "place_id": gov.mall_id,
         "minutes": 9.5, "rider_id": "R-123", "order_id": "O-9"},
        # At a point, local time without an offset.
        {"id": 2, "at": "2026-12-01 18:05", "lat": 31.2576, "lon": 121.4129, "minutes": 6},
    ]  # fmt: skip
    bad = [
        "not an object",
        {"id": "", "at": "2026-12-01T12:10", "place_id": gov.mall_id, "minutes": 5},
        {"id": "p-4", "at": "yesterday", "place_id": gov.mall_id, "minutes": 5},
        {"id": "p-5", "at": "2027-01-01T12:00", "place_id": gov.mall_id, "minutes": 5},
        {"id": "p-6", "at": "2026-12-01T12:10", "place_id": gov.mall_id, "minutes": 0},
        {"id": "p-7", "at": "2026-12-01T12:10", "place_id": gov.mall_id, "minutes": 900},
        {"id": "p-8", "at": "2026-12-01T12:10", "minutes": 5},
        {"id": "p-9", "at": "2026-12-01T12:10", "place_id": 999_999, "minutes": 5},
        {"id": "p-10", "at": "2026-12-01T12:10", "lat": 40.0, "lon": 116.4, "minutes": 5},
        {"id": "p-1", "at": "2026-12-01T12:10", "place_id": gov.mall_id, "minutes": 5},
    ]
    receipt = platform.governance.receive_pickups(KEY, _batch(*good, *bad), "en")
    assert (receipt.received, receipt.stored, receipt.duplicates) == (12, 2, 0)
    assert receipt.refused == 10
    fields = [(r.row, r.field) for r in receipt.refusals]
    assert fields == [
        (2, None), (3, "id"), (4, "at"), (5, "at"), (6, "minutes"), (7, "minutes"),
        (8, "place_id"), (9, "place_id"), (10, "lat"), (11, "id"),
    ]  # fmt: skip
    assert "future" in receipt.refusals[3].reason
    zh = platform.governance.receive_pickups(KEY, _batch(bad[4]), "zh_CN")
    assert zh.refusals[0].reason != receipt.refusals[4].reason  # translated

    # Sent again: duplicates, nothing stored twice; another platform's "p-1" is its own.
    again = platform.governance.receive_pickups(KEY, _batch(*good), "en")
    assert (again.stored, again.duplicates, again.refused) == (0, 2, 0)
    theirs = platform.governance.receive_pickups(OTHER_KEY, _batch(good[0]), "en")
    assert theirs.stored == 1

    with platform.factory() as session:
        rows = session.scalars(select(GovPickup).order_by(GovPickup.id)).all()
        columns = {c.key for c in inspect(GovPickup).columns}
    assert len(rows) == 3
    assert not {"rider_id", "order_id", "account_id"} & columns
    first = rows[0]
    assert first.pickup_id == "p-1"
    assert first.source == "api-key:7"
    assert first.picked_at.second == 0  # to the minute
    assert first.subdistrict == gov.mall_subdistrict
    assert first.minutes == 9.5
    assert rows[1].pickup_id == "2"
    assert rows[1].picked_at.replace(tzinfo=UTC) == datetime(2026, 12, 1, 10, 5, tzinfo=UTC)


@pytest.mark.one_database  # who may send: no query involved
def test_only_platforms_send_pickup_times(platform: Platform, gov: GovWorld) -> None:
    row = {"id": "x", "at": "2026-12-01T12:10", "place_id": gov.mall_id, "minutes": 5}
    for caller in (ADMIN, gov.officer):
        with pytest.raises(Forbidden):
            platform.governance.receive_pickups(caller, _batch(row), "en")


def _store_demo_pickups(platform: Platform, gov: GovWorld, shift: timedelta) -> None:
    mall = platform.places.get(gov.mall_id)
    kx = math.cos(math.radians(mall.lat))
    platform.governance.store_synthetic_pickups(
        [
            PickupRow(
                pickup_id=p.pickup_id,
                at=p.picked_at + shift,
                minutes=p.minutes,
                lat=mall.lat + p.north_m / METRES_PER_DEGREE,
                lon=mall.lon + p.east_m / (METRES_PER_DEGREE * kx),
            )
            for p in synthetic_pickups()
        ]
    )


@pytest.mark.one_database  # the box query is the complaints'; the fit is pure
def test_the_evaluation_recovers_the_generated_drop_in_pickup_time(
    platform: Platform, gov: GovWorld
) -> None:
    today = NOW.date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS)
    shift = first - FIRST_DAY
    _store_demo_pickups(platform, gov, shift)
    measure = platform.governance.add_measure(
        ADMIN,
        MeasureIn(
            kind=MeasureKind.pickup_lifts,
            title="五部取餐专用电梯",
            place_id=gov.mall_id,
            started_on=MAIN_MEASURE.starts_on + shift,
        ),
        "en",
    )
    effect = platform.governance.effect(ADMIN, measure.id, "pickups", "en")
    drop = PICKUP_AFTER_MINUTES - PICKUP_BEFORE_MINUTES  # −4 minutes
    assert effect.unit == "minutes"
    assert effect.ci_low <= drop <= effect.ci_high
    assert 3 <= -effect.change <= 5
    assert effect.synthetic
    assert effect.before_mean_minutes is not None
    assert effect.before_mean_minutes > effect.after_mean_minutes  # type: ignore[operator]
    assert "minutes less" in effect.sentence
    assert "Pickups around 中海真如环宇城MAX" in effect.sentence
    assert effect.series[0]["pickups"] > 0
    assert "weighted least squares" in effect.model
    zh = platform.governance.effect(ADMIN, measure.id, "pickups", "zh_CN")
    assert "分钟" in zh.sentence
    svg = platform.governance.effect_svg(ADMIN, measure.id, "pickups", "zh_CN")
    assert "<svg" in svg[:500]
    # An officer of another sub-district cannot read it; no pickups around: refused.
    with pytest.raises(Forbidden):
        platform.governance.effect(gov.other_officer, measure.id, "pickups", "en")
    store = platform.governance.add_measure(
        ADMIN,
        MeasureIn(
            kind=MeasureKind.parking_zones,
            title="停车区",
            place_id=gov.store_id,
            started_on=MAIN_MEASURE.starts_on + shift,
        ),
        "en",
    )
    with pytest.raises(InvalidInput):
        platform.governance.effect(ADMIN, store.id, "pickups", "en")


@pytest.mark.one_database  # pure
def test_no_change_in_pickup_time_gives_an_interval_around_zero() -> None:
    first = date(2025, 1, 6)
    flat = [(first + timedelta(days=k), 8.0 + (k % 5) * 0.5) for k in range(52 * 7)]
    starts, means, numbers = weekly_means(flat, first, 52)
    ev = evaluate_means(starts, means, numbers, date(2025, 6, 9))
    assert ev.change_low < 0 < ev.change_high
    assert not ev.clear
    gaps = [n if k % 3 else 0 for k, n in enumerate(numbers)]  # weeks without pickups
    gapped_means = [m if g else None for m, g in zip(means, gaps, strict=True)]
    gapped = evaluate_means(starts, gapped_means, gaps, date(2025, 6, 9))
    assert gapped.periods_before + gapped.periods_after < 52
    with pytest.raises(InvalidInput):
        evaluate_means(starts[:10], means[:10], numbers[:10], date(2025, 2, 1))
