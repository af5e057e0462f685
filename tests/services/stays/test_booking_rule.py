"""The booking rule, on SQLite and PostgreSQL: for any sequence of bookings, cancellations,
check-ins and check-outs, no bed and no person ever has two overlapping active bookings,
and a booking is refused exactly when a model of the beds says it must be. On PostgreSQL
the exclusion constraints refuse an overlap even when written past the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from gigcity.db.models import StayBooking, StayWait
from gigcity.db.session import transaction
from gigcity.services.errors import Conflict
from gigcity.services.platform import Platform
from gigcity.services.stays import ACTIVE_STATES, BedIn, BookIn
from services.stays.stays_support import TODAY, StaysWorld, local, make_stays_world

ACTIVE = [s.value for s in ACTIVE_STATES]


@pytest.fixture
def sw(platform: Platform) -> StaysWorld:
    return make_stays_world(platform)


def overlaps(platform: Platform, column: str) -> int:
    a, b = aliased(StayBooking), aliased(StayBooking)
    with platform.factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(a)
                .join(b, getattr(a, column) == getattr(b, column))
                .where(
                    a.id < b.id,
                    a.state.in_(ACTIVE),
                    b.state.in_(ACTIVE),
                    a.starts_at < b.ends_at,
                    b.starts_at < a.ends_at,
                )
            )
            or 0
        )


book_op = st.tuples(
    st.just("book"),
    st.integers(0, 3),  # rider
    st.one_of(st.none(), st.sampled_from(["M1", "M2", "W1"])),  # bed, or any
    st.integers(0, 2),  # first night, from tonight
    st.integers(1, 3),  # nights
)
end_op = st.tuples(st.sampled_from(["cancel", "stay"]), st.integers(0, 20))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(st.one_of(book_op, end_op), min_size=1, max_size=14))
def test_no_bed_or_person_is_ever_held_twice(
    platform: Platform, sw: StaysWorld, ops: list[tuple[object, ...]]
) -> None:
    stays = platform.stays
    with transaction(platform.factory) as session:
        session.execute(delete(StayWait))
        session.execute(delete(StayBooking))
    sw.clock.to(TODAY, 17)
    beds = {"M1": sw.beds["M1"], "M2": sw.beds["M2"], "W1": sw.beds["W1"]}
    usable = set(beds.values())
    for bed_id in set(sw.beds.values()) - usable:  # M3 out of use: three beds in play
        stays.update_bed(sw.staff, bed_id, BedIn(label="M3", active=False))
    held: dict[int, tuple[int, int, object, object]] = {}  # id -> (bed, rider, start, end)
    made: list[int] = []
    for op in ops:
        if op[0] == "book":
            _, who, label, first, nights = op
            assert isinstance(who, int)
            assert isinstance(first, int)
            assert isinstance(nights, int)
            rider = sw.riders[who]
            start = local(TODAY + timedelta(days=first), 18)
            end = local(TODAY + timedelta(days=first + nights), 10)

            def clash(b: int, r: int, start: object = start, end: object = end) -> bool:
                return any(
                    (hb == b or hr == r) and hs < end and start < he  # type: ignore[operator]
                    for hb, hr, hs, he in held.values()
                )

            wanted = [beds[label]] if isinstance(label, str) else sorted(usable)
            expect = any(not clash(b, who) for b in wanted)
            body = BookIn(
                place_id=sw.home_id, night=TODAY + timedelta(days=first), nights=nights,
                bed_id=beds[label] if isinstance(label, str) else None,
            )  # fmt: skip
            try:
                out = stays.book(rider, body)
            except Conflict:
                assert not expect, (op, held)
            else:
                assert expect, (op, held)
                held[out.id] = (out.bed_id, who, out.starts_at, out.ends_at)
                made.append(out.id)
        elif made:
            assert isinstance(op[1], int)
            booking_id = made[op[1] % len(made)]
            if booking_id not in held:
                continue
            if op[0] == "cancel":
                stays.cancel(sw.staff, booking_id)
                del held[booking_id]
            else:
                booking = stays.booking(sw.riders[held[booking_id][1]], booking_id)
                if booking.code and booking.starts_at == local(TODAY, 18):
                    stays.check_in(sw.staff, sw.home_id, booking.code)
                    stays.check_out(sw.staff, booking_id)  # released: nobody waits
                    del held[booking_id]
        assert overlaps(platform, "bed_id") == 0
        assert overlaps(platform, "account_id") == 0


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_database_refuses_an_overlap_written_past_the_service(
    platform: Platform, sw: StaysWorld
) -> None:
    booked = platform.stays.book(
        sw.riders[0], BookIn(place_id=sw.home_id, night=TODAY, bed_id=sw.beds["M1"])
    )
    row = {
        "bed_id": sw.beds["M1"], "place_id": sw.home_id, "kind": "night",
        "starts_at": local(TODAY, 20), "ends_at": local(TODAY, 22), "state": "booked",
        "check_by": local(TODAY, 23), "created_at": local(TODAY, 12),
    }  # fmt: skip
    insert = text(
        "INSERT INTO stays_bookings (bed_id, place_id, account_id, kind, starts_at, ends_at, "
        "state, check_by, created_at) VALUES (:bed_id, :place_id, :account_id, :kind, "
        ":starts_at, :ends_at, :state, :check_by, :created_at)"
    )
    for who, bed, constraint in (
        (sw.riders[1], sw.beds["M1"], "ex_stays_bookings_bed"),
        (sw.riders[0], sw.beds["M2"], "ex_stays_bookings_person"),
    ):
        with (
            pytest.raises(IntegrityError, match=constraint),
            transaction(platform.factory) as session,
        ):
            session.execute(insert, {**row, "bed_id": bed, "account_id": who.account_id})
    # An ended booking holds nothing.
    platform.stays.cancel(sw.riders[0], booked.id)
    with transaction(platform.factory) as session:
        session.execute(insert, {**row, "account_id": sw.riders[1].account_id})
