"""Pure parts: the perceptual hash and its band lookup, the lifecycle table, token buckets."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from gigcity.services.ratelimit import Rate, RateLimiter
from gigcity.services.reports import Action, Status, open311_status, phash
from gigcity.services.reports.lifecycle import OPEN_STATUSES, STEPS, is_overdue, next_status
from services.reports.reports_support import scene

hashes = st.integers(min_value=0, max_value=2**64 - 1)


def _reencoded(image: Image.Image, quality: int, size: tuple[int, int]) -> Image.Image:
    out = io.BytesIO()
    image.resize(size).save(out, "JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue()))


def test_the_same_picture_re_encoded_and_resized_hashes_nearly_the_same() -> None:
    original = scene(640, 400, seed=3)
    base = phash.dhash(original)
    assert phash.informative(base)
    for quality, size in ((40, (640, 400)), (90, (320, 200)), (70, (1280, 800))):
        assert phash.hamming(base, phash.dhash(_reencoded(original, quality, size))) <= 4


def test_different_pictures_hash_far_apart() -> None:
    hashes_ = [phash.dhash(scene(seed=s)) for s in range(6)]
    for i, a in enumerate(hashes_):
        for b in hashes_[i + 1 :]:
            assert phash.hamming(a, b) > 6


def test_flat_pictures_are_not_informative() -> None:
    assert not phash.informative(phash.dhash(Image.new("RGB", (100, 100), (255, 255, 255))))


@given(hashes)
def test_signed_storage_round_trips(value: int) -> None:
    signed = phash.to_signed(value)
    assert -(2**63) <= signed < 2**63
    assert phash.to_unsigned(signed) == value


@given(hashes, st.sets(st.integers(0, 63), max_size=phash.MAX_GUARANTEED_DISTANCE))
def test_band_lookup_finds_every_hash_within_the_guaranteed_distance(
    value: int, flips: set[int]
) -> None:
    other = value
    for bit in flips:
        other ^= 1 << bit
    assert phash.hamming(value, other) == len(flips)
    # Some band of `other` is among the looked-up neighbours of the same band of `value`.
    assert any(
        theirs in phash.band_neighbours(mine)
        for mine, theirs in zip(phash.bands(value), phash.bands(other), strict=True)
    )


def test_lifecycle_steps() -> None:
    path = [Action.accept, Action.dispatch, Action.start, Action.resolve, Action.close]
    status = Status.submitted
    for action in path:
        after = next_status(action, status)
        assert after is not None
        status = after
    assert status == Status.closed
    assert next_status(Action.reject, Status.submitted) == Status.rejected
    assert next_status(Action.reject, Status.accepted) is None
    assert next_status(Action.resolve, Status.accepted) is None  # no skipping the work
    assert next_status(Action.accept, Status.closed) is None
    assert {next_status(Action.merge, s) for s in OPEN_STATUSES} == {Status.rejected}


@given(st.lists(st.sampled_from(list(STEPS)), max_size=20))
def test_no_sequence_of_steps_leaves_a_closed_or_rejected_report(actions: list[Action]) -> None:
    status = Status.submitted
    for action in actions:
        after = next_status(action, status)
        if status in (Status.closed, Status.rejected):
            assert after is None
        if after is not None:
            status = after


def test_open311_has_two_statuses() -> None:
    assert open311_status(Status.in_progress) == "open"
    assert {open311_status(s) for s in (Status.resolved, Status.closed, Status.rejected)} == {
        "closed"
    }


def test_overdue_only_while_unresolved() -> None:
    from datetime import UTC, datetime, timedelta

    due = datetime(2025, 5, 1, tzinfo=UTC)
    late = due + timedelta(seconds=1)
    assert is_overdue(Status.dispatched, due, late)
    assert not is_overdue(Status.dispatched, due, due)
    assert not is_overdue(Status.resolved, due, late)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_capacity_then_asks_to_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    rate = Rate(capacity=3, period_s=60)
    assert [limiter.take("r", "a", rate) for _ in range(3)] == [0, 0, 0]
    wait = limiter.take("r", "a", rate)
    assert wait == pytest.approx(20.0)
    assert limiter.take("r", "b", rate) == 0  # another key has its own bucket
    clock.now += 20
    assert limiter.take("r", "a", rate) == 0
    assert limiter.take("r", "a", Rate(0, 60)) == 0  # 0 means no limit


def test_buckets_are_bounded_and_forgetting_is_generous() -> None:
    limiter = RateLimiter(max_keys=2, clock=Clock())
    rate = Rate(capacity=1, period_s=3600)
    limiter.take("r", "a", rate)
    limiter.take("r", "b", rate)
    limiter.take("r", "c", rate)  # "a" is forgotten
    assert limiter.take("r", "a", rate) == 0


@settings(max_examples=60)
@given(
    capacity=st.integers(1, 20),
    period=st.floats(1, 3600),
    gaps=st.lists(st.floats(0, 100), min_size=1, max_size=80),
)
def test_never_more_than_capacity_plus_refill(
    capacity: int, period: float, gaps: list[float]
) -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    rate = Rate(capacity, period)
    allowed = 0
    for gap in gaps:
        clock.now += gap
        if limiter.take("r", "k", rate) == 0:
            allowed += 1
    elapsed = sum(gaps)
    assert allowed <= capacity + elapsed * capacity / period + 1e-9
