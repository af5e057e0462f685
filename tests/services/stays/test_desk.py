"""The desk's walk-ins and moves, on SQLite and PostgreSQL: a rider or driver who walked in
booked (and checked in) by their desk code or username; a guest moved to another free bed
in one step (the old bed freed, the new one taken, never two beds, never a double booking),
the guest told, the map's figures and the waiting list following; many desks moving guests
to one bed at once get one move and clear refusals naming the bed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from gigcity.db.models import StayBooking
from gigcity.services.accounts import Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput
from gigcity.services.platform import Platform
from gigcity.services.stays import (
    ACTIVE_STATES,
    BedIn,
    BedKind,
    BookIn,
    MoveIn,
    WaitIn,
    WalkInIn,
    desk,
)
from gigcity.services.stays.desk import BED_TAKEN
from services.stays.stays_support import TODAY, StaysWorld, add_person, make_stays_world
from support import ADMIN

ACTIVE = [s.value for s in ACTIVE_STATES]


@pytest.fixture
def sw(platform: Platform) -> StaysWorld:
    world = make_stays_world(platform)
    world.clock.to(TODAY, 19)
    return world


def walk_in(sw: StaysWorld, guest: str, **extra: object) -> WalkInIn:
    return WalkInIn.model_validate({"guest": guest, "night": TODAY, **extra})


def free_tonight(platform: Platform, sw: StaysWorld) -> int:
    point = platform.places.get(sw.home_id)
    assert point.amenities.beds is not None
    return point.amenities.beds.free


def active_of(platform: Platform, account_id: int | None) -> list[StayBooking]:
    with platform.factory() as session:
        return list(
            session.scalars(
                select(StayBooking).where(
                    StayBooking.account_id == account_id, StayBooking.state.in_(ACTIVE)
                )
            )
        )


def test_a_walk_in_by_username_is_booked_and_checked_in(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    out = stays.walk_in(sw.staff, sw.home_id, walk_in(sw, "rider2", section="men"))
    assert (out.state, out.bed_label, out.guest, out.code) == ("checked_in", "M1", "Li", None)
    assert out.checked_in_at == sw.clock.now
    assert sw.notices.kinds() == ["stays.walk_in"]
    notice = sw.notices.sent[0]
    assert notice["account_id"] == sw.riders[1].account_id
    assert notice["params"]["bed"] == "M1"
    assert free_tonight(platform, sw) == len(sw.beds) - 1  # the map follows
    assert [b.id for b in stays.desk(sw.staff, sw.home_id, TODAY)] == [out.id]
    # the guest sees it as theirs; a second walk-in for the same night is refused
    assert [b.id for b in stays.my_bookings(sw.riders[1])] == [out.id]
    with pytest.raises(Conflict, match="This guest already holds a bed"):
        stays.walk_in(sw.staff, sw.home_id, walk_in(sw, "rider2"))


def test_a_walk_in_by_the_desk_code_and_its_refusals(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    code = stays.guest_code(sw.riders[2]).code
    assert code.startswith(f"{sw.riders[2].account_id}.")
    # booked only (for later tonight): a check-in code like any booking
    out = stays.walk_in(sw.staff, sw.home_id, walk_in(sw, code, check_in=False))
    assert out.state == "booked"
    assert stays.booking(sw.riders[2], out.id).code
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")
    staff_name = "homestaff"
    for guest in (forged, "nobody-here", staff_name, "1.2.3"):
        with pytest.raises(InvalidInput) as refused:
            stays.walk_in(sw.staff, sw.home_id, walk_in(sw, guest))
        assert refused.value.field == "guest"
    sw.clock.forward(minutes=16)
    with pytest.raises(InvalidInput, match="expired"):
        stays.walk_in(sw.staff, sw.home_id, walk_in(sw, code))
    # only the home's staff and admins; riders have no desk code of staff
    other = add_person(platform, "otherdesk", Role.staff, station_id=sw.world.station_id)
    with pytest.raises(Forbidden):
        stays.walk_in(other, sw.home_id, walk_in(sw, "rider4"))
    with pytest.raises(Forbidden):
        stays.walk_in(sw.riders[0], sw.home_id, walk_in(sw, "rider4"))
    with pytest.raises(Forbidden):
        stays.guest_code(sw.staff)
    assert stays.walk_in(ADMIN, sw.home_id, walk_in(sw, "rider4")).state == "checked_in"


def test_after_the_latest_check_in_a_guest_at_the_desk_is_still_taken_in(
    platform: Platform, sw: StaysWorld
) -> None:
    stays = platform.stays
    sw.clock.to(TODAY + timedelta(days=1), 1)  # 01:00, past the 23:00 latest check-in
    with pytest.raises(Conflict, match="latest check-in"):
        stays.walk_in(sw.staff, sw.home_id, walk_in(sw, "rider3", check_in=False))
    out = stays.walk_in(sw.staff, sw.home_id, walk_in(sw, "rider3"))
    assert out.state == "checked_in"
    assert stays.sweep().no_shows == 0  # checked in: nothing to release
    with pytest.raises(Conflict, match="Too early"):  # tomorrow night: not yet
        stays.walk_in(sw.staff, sw.home_id, walk_in(sw, "rider4", night=TODAY + timedelta(days=1)))


def test_a_booked_guest_moves_with_a_new_code_and_the_old_bed_goes_to_the_waiting_list(
    platform: Platform, sw: StaysWorld
) -> None:
    stays = platform.stays
    a, b, c, woman = sw.riders[:4]
    for rider, bed in ((a, "M1"), (b, "M2"), (c, "W1")):
        stays.book(rider, BookIn(place_id=sw.home_id, night=TODAY, bed_id=sw.beds[bed]))
    # no women's bed free: the woman waits for one
    wait = stays.join_wait(woman, sw.home_id, WaitIn(night=TODAY, section="women"))
    booked = stays.my_bookings(c)[0]
    old_code = booked.code
    assert old_code
    free_before = free_tonight(platform, sw)
    sw.notices.sent.clear()

    moved = stays.move(sw.staff, booked.id, MoveIn(bed_id=sw.beds["M3"]))
    assert (moved.id, moved.bed_label, moved.state) == (booked.id, "M3", "booked")
    new_code = stays.booking(c, booked.id).code
    assert new_code
    assert new_code != old_code
    # W1 went to the woman waiting; the guest was told
    assert sw.notices.kinds() == ["stays.offered", "stays.moved"]
    assert sw.notices.sent[1]["account_id"] == c.account_id
    assert sw.notices.sent[1]["params"]["bed"] == "M3"
    assert [w.state for w in stays.my_waits(woman) if w.id == wait.id] == ["offered"]
    assert free_tonight(platform, sw) == free_before - 1  # M3 taken, W1 held by the offer
    # the old code opens nothing; the new one checks the guest in
    with pytest.raises(Exception, match="No booking with that code"):
        stays.check_in(sw.staff, sw.home_id, old_code)
    assert stays.check_in(sw.staff, sw.home_id, new_code).bed_label == "M3"


def test_a_checked_in_guest_moves_from_now_and_the_night_so_far_stays_on_record(
    platform: Platform, sw: StaysWorld
) -> None:
    stays = platform.stays
    rider = sw.riders[0]
    first = stays.walk_in(
        sw.staff, sw.home_id, walk_in(sw, "rider", bed_id=sw.beds["M1"], nights=2)
    )
    sw.clock.to(TODAY, 22)
    moved = stays.move(sw.staff, first.id, MoveIn(bed_id=sw.beds["M2"]))
    assert moved.id != first.id
    assert (moved.state, moved.bed_label, moved.starts_at) == ("checked_in", "M2", sw.clock.now)
    assert moved.ends_at == first.ends_at
    before = stays.booking(sw.staff, first.id)
    assert (before.state, before.bed_label, before.ends_at) == ("moved", "M1", sw.clock.now)
    held = active_of(platform, rider.account_id)
    assert [h.id for h in held] == [moved.id]  # one bed, never two
    # M1 is free again from now: someone else may take it
    assert (
        stays.walk_in(sw.staff, sw.home_id, walk_in(sw, "rider2", bed_id=sw.beds["M1"])).bed_label
        == "M1"
    )
    # the guest's stay checks out from the new bed
    assert stays.check_out(sw.staff, moved.id).state == "checked_out"


def test_moves_that_cannot_be(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    a = stays.book(sw.riders[0], BookIn(place_id=sw.home_id, night=TODAY, bed_id=sw.beds["M1"]))
    stays.book(sw.riders[1], BookIn(place_id=sw.home_id, night=TODAY, bed_id=sw.beds["M2"]))
    with pytest.raises(Conflict) as taken:
        stays.move(sw.staff, a.id, MoveIn(bed_id=sw.beds["M2"]))
    assert taken.value.message == "Bed {bed} is taken for that time."
    assert taken.value.params == {"bed": "M2"}
    with pytest.raises(InvalidInput) as same:
        stays.move(sw.staff, a.id, MoveIn(bed_id=sw.beds["M1"]))
    assert same.value.field == "bed_id"
    stays.update_bed(ADMIN, sw.beds["M3"], BedIn(label="M3", kind=BedKind.single, active=False))
    with pytest.raises(Conflict, match="out of use"):
        stays.move(sw.staff, a.id, MoveIn(bed_id=sw.beds["M3"]))
    with pytest.raises(Forbidden):
        stays.move(sw.riders[0], a.id, MoveIn(bed_id=sw.beds["W1"]))
    other = add_person(platform, "otherdesk", Role.staff, station_id=sw.world.station_id)
    with pytest.raises(Forbidden):
        stays.move(other, a.id, MoveIn(bed_id=sw.beds["W1"]))
    stays.cancel(sw.riders[0], a.id)
    with pytest.raises(Conflict, match="booked or checked in"):
        stays.move(sw.staff, a.id, MoveIn(bed_id=sw.beds["W1"]))


def test_many_desks_moving_guests_to_one_bed_make_one_move(
    platform: Platform, sw: StaysWorld
) -> None:
    """Eight guests in eight beds; every desk moves its guest to the one free bed at once:
    one move, seven refusals naming the bed, nobody in two beds, the bed held once."""
    stays = platform.stays
    room = sw.rooms["men"]
    labels = [f"X{i}" for i in range(8)]
    extra = [stays.add_bed(ADMIN, room, BedIn(label=label)).id for label in labels]
    target = stays.add_bed(ADMIN, room, BedIn(label="窗边")).id
    guests = [add_person(platform, f"guest{i}", Role.rider) for i in range(8)]
    bookings = [
        stays.book(g, BookIn(place_id=sw.home_id, night=TODAY, bed_id=bed))
        for g, bed in zip(guests, extra, strict=True)
    ]
    barrier = threading.Barrier(len(bookings))

    def move(booking_id: int) -> str:
        barrier.wait()
        try:
            return stays.move(sw.staff, booking_id, MoveIn(bed_id=target)).bed_label
        except Conflict as refused:  # the reason, kept to be checked below
            return f"{refused.message} {refused.params}"

    with ThreadPoolExecutor(max_workers=len(bookings)) as pool:
        results = list(pool.map(move, [b.id for b in bookings]))
    refusal = "Bed {bed} is taken for that time. {'bed': '窗边'}"
    assert sorted(results) == [refusal] * 7 + ["窗边"]
    with platform.factory() as session:
        on_target = session.scalar(
            select(func.count())
            .select_from(StayBooking)
            .where(StayBooking.bed_id == target, StayBooking.state.in_(ACTIVE))
        )
    assert on_target == 1
    for guest in guests:
        assert len(active_of(platform, guest.account_id)) == 1


def test_past_the_service_the_database_refuses_the_move_naming_the_bed(
    platform: Platform, sw: StaysWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the service's own check blinded, PostgreSQL's exclusion constraint refuses the
    overlap, and the desk still gets the 409 naming the bed (SQLite has no such constraint:
    there the service's check under the write lock is the rule)."""
    if platform.engine.dialect.name != "postgresql":
        pytest.skip("the exclusion constraints are PostgreSQL's")
    stays = platform.stays
    a = stays.book(sw.riders[0], BookIn(place_id=sw.home_id, night=TODAY, bed_id=sw.beds["M1"]))
    stays.book(sw.riders[1], BookIn(place_id=sw.home_id, night=TODAY, bed_id=sw.beds["M2"]))
    nothing = select(StayBooking.bed_id).where(StayBooking.id < 0)
    monkeypatch.setattr(desk, "busy_beds", lambda starts, ends: nothing)
    with pytest.raises(Conflict) as refused:
        stays.move(sw.staff, a.id, MoveIn(bed_id=sw.beds["M2"]))
    assert (refused.value.message, refused.value.params) == (BED_TAKEN, {"bed": "M2"})
    assert isinstance(refused.value.__cause__, IntegrityError)  # the database said no
    assert stays.booking(sw.staff, a.id).bed_label == "M1"  # nothing half written
