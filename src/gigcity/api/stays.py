"""Stays (住宿): homes with rooms and beds, free beds near a point, bookings of nights and
naps, the desk's check-in by code and check-out, cancelling, and the waiting list."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from gigcity.http.deps import Allow, PlatformDep, PublicCaller, RowId
from gigcity.services.accounts import Principal, Role
from gigcity.services.stays import (
    BedIn,
    BedOut,
    BookIn,
    BookingOut,
    CodeIn,
    GuestCode,
    HomeIn,
    HomeNearby,
    HomeOut,
    MoveIn,
    RoomIn,
    RoomOut,
    SweepOut,
    WaitIn,
    WaitOut,
    WalkInIn,
)

router = APIRouter(prefix="/api/stays", tags=["stays"])

# Who keeps a home: admins, and the station staff of that service point.
Keeper = Annotated[
    Principal, Depends(Allow(Role.admin, Role.staff, note="station staff of the home only"))
]
Rider = Annotated[Principal, Depends(Allow(Role.rider))]
RiderOrKeeper = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.staff,
            Role.rider,
            note="riders their own bookings; station staff the bookings of their home",
        )
    ),
]
SignedIn = Annotated[Principal, Depends(Allow(Role.admin, Role.staff, Role.rider, Role.officer))]
Admin = Annotated[Principal, Depends(Allow(Role.admin))]
Night = Annotated[
    date | None, Query(description="A night (the night of this date); default tonight")
]
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The bed, the person or the booking is not free to change"}
}


# -- homes ------------------------------------------------------------------------------


@router.get("/homes", response_model=list[HomeNearby], summary="Homes with free beds near a point")
def free_beds(
    platform: PlatformDep,
    _: PublicCaller,
    lat: Annotated[float, Query(ge=-90, le=90, description="WGS-84 latitude")],
    lon: Annotated[float, Query(ge=-180, le=180, description="WGS-84 longitude")],
    radius_m: Annotated[int, Query(ge=1, le=20_000)] = 5_000,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    night: Night = None,
) -> list[HomeNearby]:
    """The homes within `radius_m`, nearest first, with their beds and free beds tonight
    (or `night`) by section: what the friendly map's marker and card show."""
    return platform.stays.nearby(lon, lat, radius_m, limit, night)


@router.put("/homes/{place_id}", response_model=HomeOut, summary="Open a home or change it")
def set_home(platform: PlatformDep, caller: Keeper, place_id: RowId, body: HomeIn) -> HomeOut:
    """A service point's stays profile: house rules, the latest check-in (local HH:MM; a
    night booking not checked in by then is released) and the daytime nap slots."""
    return platform.stays.set_home(caller, place_id, body)


@router.get("/homes/{place_id}", response_model=HomeOut, summary="A home, its rooms and beds")
def get_home(platform: PlatformDep, _: SignedIn, place_id: RowId, night: Night = None) -> HomeOut:
    """With `night`, each bed says whether it is free that night."""
    return platform.stays.home(place_id, night)


@router.post(
    "/homes/{place_id}/rooms", response_model=RoomOut, status_code=201, summary="Add a room"
)
def add_room(platform: PlatformDep, caller: Keeper, place_id: RowId, body: RoomIn) -> RoomOut:
    return platform.stays.add_room(caller, place_id, body)


@router.put("/rooms/{room_id}", response_model=RoomOut, summary="Change a room")
def update_room(platform: PlatformDep, caller: Keeper, room_id: RowId, body: RoomIn) -> RoomOut:
    """Rename a room or move it to another section; its beds move with it."""
    return platform.stays.update_room(caller, room_id, body)


@router.post("/rooms/{room_id}/beds", response_model=BedOut, status_code=201, summary="Add a bed")
def add_bed(platform: PlatformDep, caller: Keeper, room_id: RowId, body: BedIn) -> BedOut:
    return platform.stays.add_bed(caller, room_id, body)


@router.put("/beds/{bed_id}", response_model=BedOut, summary="Change a bed")
def update_bed(platform: PlatformDep, caller: Keeper, bed_id: RowId, body: BedIn) -> BedOut:
    """`active: false` takes a bed out of use: its bookings stay, no new ones are made."""
    return platform.stays.update_bed(caller, bed_id, body)


# -- bookings ---------------------------------------------------------------------------


@router.post(
    "/bookings",
    response_model=BookingOut,
    status_code=201,
    summary="Book a bed",
    responses={409: {"description": "No free bed of that kind, the bed is taken, or you hold "
                     "a bed for that time already"}},
)  # fmt: skip
def book(platform: PlatformDep, caller: Rider, body: BookIn) -> BookingOut:
    """Nights (18:00 to 10:00 local) from tonight up to a week ahead, or a nap slot today:
    the bed named, or the cheapest free bed of the section and kind asked. The answer
    carries the check-in code the desk scans."""
    return platform.stays.book(caller, body)


@router.get("/bookings/mine", response_model=list[BookingOut], summary="My bookings")
def my_bookings(platform: PlatformDep, caller: Rider) -> list[BookingOut]:
    """Stays to come, under way and ended in the last two days, each with its check-in code
    while it can be used."""
    return platform.stays.my_bookings(caller)


@router.get("/bookings/{booking_id}", response_model=BookingOut, summary="A booking")
def get_booking(platform: PlatformDep, caller: RiderOrKeeper, booking_id: RowId) -> BookingOut:
    return platform.stays.booking(caller, booking_id)


@router.post(
    "/bookings/{booking_id}/accept",
    response_model=BookingOut,
    summary="Accept a bed offered from the waiting list",
    responses=CONFLICT,
)
def accept(platform: PlatformDep, caller: Rider, booking_id: RowId) -> BookingOut:
    return platform.stays.accept(caller, booking_id)


@router.post(
    "/bookings/{booking_id}/cancel",
    response_model=BookingOut,
    summary="Cancel a booking or decline an offer",
    responses=CONFLICT,
)
def cancel(platform: PlatformDep, caller: RiderOrKeeper, booking_id: RowId) -> BookingOut:
    """The bed's nights still to come go to the next in the waiting list."""
    return platform.stays.cancel(caller, booking_id)


@router.post(
    "/homes/{place_id}/check-in",
    response_model=BookingOut,
    summary="Check a guest in by their code",
    responses=CONFLICT,
)
def check_in(platform: PlatformDep, caller: Keeper, place_id: RowId, body: CodeIn) -> BookingOut:
    return platform.stays.check_in(caller, place_id, body.code)


@router.post(
    "/bookings/{booking_id}/check-out",
    response_model=BookingOut,
    summary="Check a guest out",
    responses=CONFLICT,
)
def check_out(platform: PlatformDep, caller: Keeper, booking_id: RowId) -> BookingOut:
    """An early check-out releases the nights left to the waiting list."""
    return platform.stays.check_out(caller, booking_id)


@router.post(
    "/homes/{place_id}/walk-in",
    response_model=BookingOut,
    status_code=201,
    summary="Book a bed for a guest at the desk",
    responses={409: {"description": "No free bed of that kind, the bed is taken, or the "
                     "guest holds a bed for that time already"}},
)  # fmt: skip
def walk_in(platform: PlatformDep, caller: Keeper, place_id: RowId, body: WalkInIn) -> BookingOut:
    """A rider or driver who walked in, named by the code their stays page shows for the
    desk (`GET /api/stays/me/code`) or by their username: the bed named, or the cheapest
    free one of the section and kind asked; checked in at once unless `check_in` is false.
    The guest is told."""
    return platform.stays.walk_in(caller, place_id, body)


@router.post(
    "/bookings/{booking_id}/move",
    response_model=BookingOut,
    summary="Move a guest to another free bed",
    responses={409: {"description": "The bed is taken for the rest of the stay (named), or "
                     "the booking is not booked or checked in"}},
)  # fmt: skip
def move(platform: PlatformDep, caller: Keeper, booking_id: RowId, body: MoveIn) -> BookingOut:
    """The old bed freed and the new one (of the same home) taken in one step. A guest
    already checked in: the old booking ends as `moved` now and the answer is the new one
    from now; a booked guest keeps the booking with the new bed and a new check-in code.
    The guest is told."""
    return platform.stays.move(caller, booking_id, body)


@router.get("/me/code", response_model=GuestCode, summary="My code for a home's desk")
def guest_code(platform: PlatformDep, caller: Rider) -> GuestCode:
    """For a walk-in at a home's desk: the account and an expiry (15 minutes), signed."""
    return platform.stays.guest_code(caller)


@router.get(
    "/homes/{place_id}/bookings", response_model=list[BookingOut], summary="The desk's bookings"
)
def desk(
    platform: PlatformDep, caller: Keeper, place_id: RowId, night: Night = None
) -> list[BookingOut]:
    """The bookings of a night (default tonight) and that day's naps, with guests' names."""
    return platform.stays.desk(caller, place_id, night)


@router.post("/sweep", response_model=SweepOut, summary="Release no-shows and lapsed offers now")
def sweep(platform: PlatformDep, _: Admin) -> SweepOut:
    """What the periodic job does every five minutes."""
    return platform.stays.sweep()


# -- the waiting list -------------------------------------------------------------------


@router.post(
    "/homes/{place_id}/waits",
    response_model=WaitOut,
    status_code=201,
    summary="Join a home's waiting list",
    responses=CONFLICT,
)
def join_wait(platform: PlatformDep, caller: Rider, place_id: RowId, body: WaitIn) -> WaitOut:
    """For one night (and section): when a bed of it is released, the first in line is
    offered it for 30 minutes."""
    return platform.stays.join_wait(caller, place_id, body)


@router.get("/waits/mine", response_model=list[WaitOut], summary="My waiting lists")
def my_waits(platform: PlatformDep, caller: Rider) -> list[WaitOut]:
    return platform.stays.my_waits(caller)


@router.post(
    "/waits/{wait_id}/leave", response_model=WaitOut, summary="Leave a waiting list",
    responses=CONFLICT,
)  # fmt: skip
def leave_wait(platform: PlatformDep, caller: Rider, wait_id: RowId) -> WaitOut:
    return platform.stays.leave_wait(caller, wait_id)
