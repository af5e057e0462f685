"""Booking beds, on SQLite and PostgreSQL: nights and naps, the bed picked, the check-in
code at the desk, check-out, cancelling, the no-show release and the waiting list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from gigcity.db.models import StayBooking
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.platform import Platform
from gigcity.services.retention import retention_rules
from gigcity.services.stays import BedKind, BookIn, HomeIn, RoomIn, Section, StayKind, WaitIn
from services.stays.stays_support import TODAY, StaysWorld, local, make_stays_world
from support import ADMIN, principal


@pytest.fixture
def sw(platform: Platform) -> StaysWorld:
    return make_stays_world(platform)


def night(sw: StaysWorld, **extra: object) -> BookIn:
    return BookIn.model_validate({"place_id": sw.home_id, "night": TODAY, **extra})


def test_a_night_is_booked_checked_in_and_out(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    rider = sw.riders[0]
    booked = stays.book(rider, night(sw, section="men"))
    assert booked.state == "booked"
    assert booked.bed_label == "M1"  # the cheapest free bed of the section, lowest id first
    assert booked.starts_at == local(TODAY, 18)
    assert booked.ends_at == local(TODAY + timedelta(days=1), 10)
    assert booked.check_by == local(TODAY, 23)
    assert booked.code
    assert len(booked.code) == 10
    assert sw.notices.kinds() == ["stays.booked"]
    # The booker sees the code again; only its hash is stored.
    assert stays.booking(rider, booked.id).code == booked.code
    with platform.factory() as session:
        row = session.get(StayBooking, booked.id)
        assert row is not None
        assert row.code_hash
        assert booked.code not in row.code_hash
    # The desk sees the guest's name and no code.
    desk = stays.desk(sw.staff, sw.home_id, TODAY)
    assert [(b.id, b.guest, b.code) for b in desk] == [(booked.id, "Wang", None)]
    with pytest.raises(Conflict):
        stays.check_in(sw.staff, sw.home_id, booked.code)  # before 16:00: too early
    sw.clock.to(TODAY, 19)
    with pytest.raises(NotFound):
        stays.check_in(sw.staff, sw.home_id, "AAAAAAAAAA")
    checked = stays.check_in(sw.staff, sw.home_id, booked.code.lower())
    assert checked.state == "checked_in"
    assert checked.guest == "Wang"
    with pytest.raises(Conflict):
        stays.check_in(sw.staff, sw.home_id, booked.code)
    assert stays.booking(rider, booked.id).code is None  # used
    with pytest.raises(Forbidden):
        stays.check_out(rider, booked.id)
    with pytest.raises(Conflict):
        stays.cancel(rider, booked.id)  # checked in: checked out at the desk
    out = stays.check_out(sw.staff, booked.id)
    assert out.state == "checked_out"
    assert out.ended_at == sw.clock.now


def test_the_bed_asked_for_is_given_or_refused(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    a, b, c = sw.riders[:3]
    assert stays.book(a, night(sw, bed_id=sw.beds["M3"])).bed_label == "M3"
    with pytest.raises(Conflict, match="taken"):
        stays.book(b, night(sw, bed_id=sw.beds["M3"]))
    assert stays.book(b, night(sw, section="men", bed_kind="bunk_upper")).bed_label == "M2"
    with pytest.raises(Conflict, match="No free bed"):
        stays.book(c, night(sw, section="men", bed_kind="bunk_upper"))
    assert stays.book(c, night(sw, section="women")).bed_label == "W1"
    with pytest.raises(Conflict, match="No free bed"):
        stays.book(sw.riders[3], night(sw, section="women"))
    # The next night is free again.
    assert stays.book(c, night(sw, bed_id=sw.beds["M3"], night=TODAY + timedelta(days=1)))
    with pytest.raises(NotFound):
        stays.book(sw.riders[3], night(sw, bed_id=10_000))


def test_a_person_holds_one_bed_at_a_time(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    rider = sw.riders[0]
    stays.book(rider, night(sw, nights=3))
    with pytest.raises(Conflict, match="already hold"):
        stays.book(rider, night(sw, night=TODAY + timedelta(days=2)))
    assert stays.book(rider, night(sw, night=TODAY + timedelta(days=3))).state == "booked"
    # A nap this afternoon does not overlap tonight.
    nap = stays.book(rider, BookIn(place_id=sw.home_id, kind=StayKind.nap, nap_starts="15:00"))
    assert (nap.starts_at, nap.ends_at) == (local(TODAY, 15), local(TODAY, 17))


def test_nights_ahead_cutoff_and_naps_are_checked(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    rider = sw.riders[0]
    with pytest.raises(InvalidInput):
        stays.book(rider, night(sw, night=TODAY + timedelta(days=8)))
    with pytest.raises(InvalidInput):
        stays.book(rider, night(sw, night=TODAY + timedelta(days=5), nights=4))
    with pytest.raises(InvalidInput):
        stays.book(rider, night(sw, night=TODAY - timedelta(days=1)))
    with pytest.raises(InvalidInput):
        stays.book(rider, BookIn(place_id=sw.home_id, kind=StayKind.nap, nap_starts="12:00"))
    sw.clock.to(TODAY, 17, 30)
    with pytest.raises(Conflict, match="over"):
        stays.book(rider, BookIn(place_id=sw.home_id, kind=StayKind.nap, nap_starts="15:00"))
    sw.clock.to(TODAY, 23, 30)
    with pytest.raises(Conflict, match="latest check-in"):
        stays.book(rider, night(sw))
    with pytest.raises(Forbidden):
        stays.book(sw.staff, night(sw, night=TODAY + timedelta(days=1)))
    with pytest.raises(NotFound):
        stays.book(rider, night(sw, place_id=sw.world.station_id, night=TODAY + timedelta(days=1)))


def test_a_cancelled_bed_is_offered_to_the_next_in_line(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    a, b, c, d, e, _ = sw.riders
    women = stays.book(a, night(sw, section="women"))
    with pytest.raises(Conflict, match="free"):
        stays.join_wait(b, sw.home_id, WaitIn(night=TODAY, section=Section.men))
    for rider in (c, d, e):  # the men's beds fill up
        stays.book(rider, night(sw, section="men"))
    with pytest.raises(Conflict, match="No free bed"):
        stays.book(b, night(sw, bed_kind=BedKind.bunk_lower))
    assert stays.nearby(121.4010, 31.2720, 2000, 10)[0].free == 0
    first = stays.join_wait(b, sw.home_id, WaitIn(night=TODAY, section=Section.women))
    assert first.position == 1
    with pytest.raises(Conflict, match="already hold"):
        stays.join_wait(c, sw.home_id, WaitIn(night=TODAY))
    sw.notices.sent.clear()
    stays.cancel(a, women.id)
    mine = stays.my_bookings(b)
    offered = [x for x in mine if x.state == "offered"]
    assert len(offered) == 1
    assert offered[0].bed_label == "W1"
    assert offered[0].code is None
    assert sw.notices.kinds() == ["stays.offered"]
    assert [w.state for w in stays.my_waits(b)] == ["offered"]
    accepted = stays.accept(b, offered[0].id)
    assert accepted.state == "booked"
    assert accepted.code
    assert [w.state for w in stays.my_waits(b)] == ["booked"]
    with pytest.raises(Conflict):
        stays.accept(b, offered[0].id)


def test_an_offer_lapses_to_the_next_person(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    a, b, c = sw.riders[:3]
    women = stays.book(a, night(sw, section="women"))
    stays.join_wait(b, sw.home_id, WaitIn(night=TODAY, section=Section.women))
    second = stays.join_wait(c, sw.home_id, WaitIn(night=TODAY, section=Section.women))
    assert second.position == 2
    stays.cancel(sw.staff, women.id)
    offer = next(x for x in stays.my_bookings(b) if x.state == "offered")
    sw.clock.forward(minutes=31)
    assert stays.booking(b, offer.id).state == "lapsed"  # shown so before the sweep
    with pytest.raises(Conflict, match="lapsed"):
        stays.accept(b, offer.id)
    result = stays.sweep()
    assert (result.lapsed, result.offered) == (1, 1)
    assert stays.booking(b, offer.id).state == "lapsed"
    assert [x.state for x in stays.my_bookings(c)] == ["offered"]
    # Declining passes it on (nobody left: the bed is free again).
    stays.cancel(c, stays.my_bookings(c)[0].id)
    assert stays.home(sw.home_id, TODAY).rooms[1].beds[0].free is True


def test_no_show_releases_the_bed_and_tells_the_booker(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    a, b = sw.riders[:2]
    booking = stays.book(a, night(sw, section="women", nights=2))
    stays.join_wait(b, sw.home_id, WaitIn(night=TODAY + timedelta(days=1), section=Section.women))
    sw.notices.sent.clear()
    sw.clock.to(TODAY, 22, 59)
    assert stays.sweep().no_shows == 0
    sw.clock.to(TODAY, 23, 1)
    result = stays.sweep()
    assert (result.no_shows, result.offered) == (1, 1)
    assert stays.booking(a, booking.id).state == "no_show"
    assert sw.notices.kinds() == ["stays.no_show", "stays.offered"]
    offer = stays.my_bookings(b)[0]
    assert offer.starts_at == local(TODAY + timedelta(days=1), 18)
    assert stays.sweep().no_shows == 0


def test_early_check_out_releases_the_nights_left(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    a, b = sw.riders[:2]
    booking = stays.book(a, night(sw, section="women", nights=3))
    stays.join_wait(b, sw.home_id, WaitIn(night=TODAY + timedelta(days=2), section=Section.women))
    sw.clock.to(TODAY, 20)
    assert booking.code
    stays.check_in(sw.staff, sw.home_id, booking.code)
    sw.clock.to(TODAY + timedelta(days=1), 8)
    stays.check_out(sw.staff, booking.id)
    offer = stays.my_bookings(b)[0]
    assert offer.state == "offered"
    assert offer.starts_at == local(TODAY + timedelta(days=2), 18)
    # Tonight's bed is free again for anyone.
    assert stays.book(sw.riders[2], night(sw, night=TODAY + timedelta(days=1), section="women"))


def test_staff_keep_only_their_home(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    station_staff = principal(platform, "staff")  # works at the station, not the home
    with pytest.raises(Forbidden):
        stays.set_home(station_staff, sw.home_id, HomeIn())
    with pytest.raises(Forbidden):
        stays.desk(station_staff, sw.home_id, None)
    with pytest.raises(Forbidden):
        stays.add_room(sw.riders[0], sw.home_id, RoomIn(name="x", section=Section.mixed))
    room = stays.add_room(sw.staff, sw.home_id, RoomIn(name="躺椅区", section=Section.mixed))
    assert room.section == "mixed"
    moved = stays.update_room(ADMIN, sw.rooms["women"], RoomIn(name="W", section=Section.mixed))
    assert [b.section for b in moved.beds] == ["mixed"]
    with pytest.raises(NotFound):
        stays.home(sw.world.station_id)


def test_free_beds_near_a_point_by_section(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    stays.book(sw.riders[0], night(sw, section="men"))
    stays.book(sw.riders[1], night(sw, section="men", night=TODAY + timedelta(days=1)))
    [home] = stays.nearby(121.4000, 31.2713, 1000, 10)
    assert (home.place_id, home.beds, home.free) == (sw.home_id, 4, 3)
    assert [(s.section, s.beds, s.free) for s in home.sections] == [("men", 3, 2), ("women", 1, 1)]
    assert 0 < home.distance_m < 1000
    assert stays.nearby(121.30, 31.20, 1000, 10) == []
    with pytest.raises(InvalidInput):
        stays.nearby(121.4, 31.27, 0, 10)
    with platform.factory() as session:
        assert len(session.scalars(select(StayBooking)).all()) == 2


def test_ended_bookings_and_waits_go_after_the_retention_period(
    platform: Platform, sw: StaysWorld
) -> None:
    stays = platform.stays
    a, b = sw.riders[:2]
    women = stays.book(a, night(sw, section="women"))
    stays.join_wait(b, sw.home_id, WaitIn(night=TODAY, section=Section.women))
    stays.cancel(a, women.id)  # ended; offered to b, who takes it (still held)
    held = stays.accept(b, next(x for x in stays.my_bookings(b) if x.state == "offered").id)
    rules = {r.kind: r for r in retention_rules(platform.settings, platform.reports, stays=stays)}
    ended = rules["ended bed bookings and waiting-list entries"]
    assert ended.kept == timedelta(days=90)
    sw.clock.forward(days=89)
    assert ended.purge(ended.kept) == 0
    sw.clock.forward(days=2)
    assert ended.purge(ended.kept) == 2  # a's cancelled booking and b's place in the line
    assert stays.my_bookings(a) == []
    assert stays.my_waits(b) == []
    with platform.factory() as session:
        left = session.scalars(select(StayBooking.id)).all()
    assert left == [held.id]  # a booking still held is never deleted
