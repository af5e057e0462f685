"""The in-memory index of points never serves a deleted point's cached copy for a new one."""

from __future__ import annotations

from gigcity.services.places import PlaceCreate, PlaceKind
from gigcity.services.platform import Platform
from support import ADMIN, World


def test_a_new_point_that_reuses_a_deleted_points_id_is_shown_as_itself(
    platform: Platform, world: World
) -> None:
    places = platform.places
    box = (121.42, 31.25, 121.44, 31.27)
    first = places.create(
        ADMIN, PlaceCreate(name="旧点", kind=PlaceKind.toilet, lon=121.43, lat=31.26)
    )
    assert [m[3] for m in places.markers(box).markers] == ["toilet"]  # now in the index
    places.delete(ADMIN, first.id)
    second = places.create(
        ADMIN,
        PlaceCreate(name="新点", kind=PlaceKind.canteen, lon=121.43, lat=31.26, hours="Mo-Su off"),
    )
    # SQLite hands the freed id out again, and the new point starts at version 1 too.
    rows = places.markers(box).markers
    assert rows == [(second.id, 121.43, 31.26, "canteen", False)]
    assert places.nearby(121.43, 31.26, k=1)[0].name == "新点"
