"""A home's beds on the friendly map follow its bookings: the service point's "beds" amenity
(count and free tonight) and its "free beds now" flag are written in the transaction of each
booking, cancellation and bed change, the points' revision moves (so every worker's map
index refreshes), the sweep writes them again when the night turns over, figures so counted
are not entered by hand, and a home with no beds in stays keeps what its staff entered.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gigcity.db.models import Place
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import InvalidInput
from gigcity.services.places import Amenity, PlaceStatus, PlaceUpdate
from gigcity.services.places.schemas import Beds
from gigcity.services.places.search import current_revision
from gigcity.services.places.transfer import export_geojson, import_geojson
from gigcity.services.platform import Platform
from gigcity.services.stays import BedIn, BookIn
from gigcity.services.stays.map_figures import mark_home
from services.stays.stays_support import TODAY, StaysWorld, add_person, make_stays_world

ADMIN = Principal(role=Role.admin, label="test-admin")


@pytest.fixture
def sw(platform: Platform) -> StaysWorld:
    return make_stays_world(platform)


def _beds(platform: Platform, place_id: int) -> tuple[int, int, bool]:
    point = platform.places.get(place_id)
    assert point.amenities.beds is not None
    return point.amenities.beds.count, point.amenities.beds.free, bool(point.amenities.beds.free)


def _revision(platform: Platform) -> int:
    with platform.factory() as session:
        return current_revision(session)


def test_the_map_shows_each_booking_and_release_at_once(platform: Platform, sw: StaysWorld) -> None:
    stays = platform.stays
    total = len(sw.beds)
    with transaction(platform.factory) as session:  # a first figure, as the sweep writes it
        mark_home(session, sw.home_id)
    assert _beds(platform, sw.home_id)[:2] == (total, total)
    before = _revision(platform)

    booked = stays.book(sw.riders[0], BookIn(place_id=sw.home_id, night=TODAY, section="men"))
    assert _beds(platform, sw.home_id)[:2] == (total, total - 1)
    assert _revision(platform) > before
    # A booking of another night leaves tonight's figure as it is, and writes nothing.
    moved = _revision(platform)
    stays.book(
        sw.riders[1], BookIn(place_id=sw.home_id, night=TODAY + timedelta(days=2), section="men")
    )
    assert _beds(platform, sw.home_id)[:2] == (total, total - 1)
    assert _revision(platform) == moved

    stays.cancel(sw.riders[0], booked.id)
    assert _beds(platform, sw.home_id)[:2] == (total, total)


def test_a_full_home_is_not_found_by_the_free_beds_filter(
    platform: Platform, sw: StaysWorld
) -> None:
    stays = platform.stays
    riders = list(sw.riders)
    for n in range(len(sw.beds) - len(riders)):
        riders.append(add_person(platform, f"extra-{n}", Role.rider))
    for rider in riders[: len(sw.beds)]:
        stays.book(rider, BookIn(place_id=sw.home_id, night=TODAY))
    assert _beds(platform, sw.home_id) == (len(sw.beds), 0, False)
    home = platform.places.get(sw.home_id)
    with_free = platform.places.nearby(home.lon, home.lat, k=50, amenities=[Amenity.free_beds])
    assert sw.home_id not in {p.id for p in with_free}
    anywhere = platform.places.nearby(home.lon, home.lat, k=50, amenities=[Amenity.beds])
    assert sw.home_id in {p.id for p in anywhere}
    # A bed taken out of use leaves the count; one put back brings it in again.
    bed = next(iter(sw.beds.values()))
    stays.update_bed(sw.staff, bed, BedIn(label="X", active=False))
    assert _beds(platform, sw.home_id)[0] == len(sw.beds) - 1


def test_the_sweep_writes_the_figures_when_the_night_turns_over(
    platform: Platform, sw: StaysWorld
) -> None:
    stays = platform.stays
    booked = stays.book(sw.riders[0], BookIn(place_id=sw.home_id, night=TODAY, section="men"))
    sw.clock.to(TODAY, 19)
    stays.check_in(sw.staff, sw.home_id, booked.code or "")
    assert _beds(platform, sw.home_id)[1] == len(sw.beds) - 1
    sw.clock.to(TODAY + timedelta(days=1), 11)  # the night is over: tonight is the next one
    stays.sweep()
    assert _beds(platform, sw.home_id)[1] == len(sw.beds)


def test_a_home_without_beds_in_stays_keeps_the_figures_staff_entered(
    platform: Platform, sw: StaysWorld
) -> None:
    entered = platform.places.get(sw.world.station_id).amenities.beds
    platform.stays.sweep()
    assert platform.places.get(sw.world.station_id).amenities.beds == entered


def test_counted_beds_are_not_entered_by_hand_until_the_home_keeps_none(
    platform: Platform, sw: StaysWorld
) -> None:
    stays = platform.stays
    stays.sweep()
    counted = platform.places.get(sw.home_id).amenities.beds
    assert counted is not None
    assert counted.counted
    # Free beds by hand, or a changed count in the point's details: refused, nothing written.
    with pytest.raises(InvalidInput) as refused:
        platform.places.set_status(sw.staff, sw.home_id, PlaceStatus(beds_free=0))
    assert refused.value.field == "beds_free"
    amenities = platform.places.get(sw.home_id).amenities
    for beds in (counted.model_copy(update={"free": 0}), None):
        with pytest.raises(InvalidInput) as refused:
            platform.places.update(
                ADMIN,
                sw.home_id,
                PlaceUpdate(amenities=amenities.model_copy(update={"beds": beds})),
            )
        assert refused.value.field == "amenities.beds"
    assert platform.places.get(sw.home_id).amenities.beds == counted
    # Other amenities change with the counted beds as they are.
    platform.places.update(
        ADMIN, sw.home_id, PlaceUpdate(amenities=amenities.model_copy(update={"microwave": True}))
    )
    assert platform.places.get(sw.home_id).amenities.microwave

    # Every bed out of use: the figures go back to the home's staff.
    for bed in sw.beds.values():
        stays.update_bed(sw.staff, bed, BedIn(label=f"X{bed}", active=False))
    handed_back = platform.places.get(sw.home_id).amenities.beds
    assert handed_back is not None
    assert not handed_back.counted
    platform.places.set_status(sw.staff, sw.home_id, PlaceStatus(beds_free=0))
    assert platform.places.get(sw.home_id).amenities.beds == handed_back.model_copy(
        update={"free": 0}
    )


def test_imports_and_edits_keep_counted_beds_and_mark_no_beds_counted(
    platform: Platform, sw: StaysWorld
) -> None:
    platform.stays.sweep()
    counted = platform.places.get(sw.home_id).amenities.beds
    assert counted is not None
    assert counted.counted
    with transaction(platform.factory) as session:
        home = session.get(Place, sw.home_id)
        assert home is not None
        home.external_id = "home-under-test"
    # An export's row with other figures, imported again: the bookings' count stays.
    exported = export_geojson(platform.places)
    feature = next(
        f for f in exported["features"] if f["properties"].get("external_id") == "home-under-test"
    )
    feature["properties"]["amenities"]["beds"] = {"count": counted.count, "free": 0}
    collection = {"type": "FeatureCollection", "features": [feature]}
    report = import_geojson(platform.places, ADMIN, collection)
    assert (report.created, len(report.rejected)) == (0, 0)
    assert platform.places.get(sw.home_id).amenities.beds == counted
    # A client that does not know the mark sends the figures as they are: still counted.
    amenities = platform.places.get(sw.home_id).amenities
    plain = Beds(count=counted.count, free=counted.free)
    platform.places.update(
        ADMIN,
        sw.home_id,
        PlaceUpdate(amenities=amenities.model_copy(update={"beds": plain, "charging": True})),
    )
    assert platform.places.get(sw.home_id).amenities.beds == counted
    # Nobody marks a point's beds counted by hand: only stays does.
    station = sw.world.station_id
    marked = platform.places.get(station).amenities.model_copy(
        update={"beds": Beds(count=5, free=2, counted=True)}
    )
    platform.places.update(ADMIN, station, PlaceUpdate(amenities=marked))
    assert platform.places.get(station).amenities.beds == Beds(count=5, free=2)
