"""Stays (住宿): homes and apartments with rooms and beds, booked by riders and drivers for
tonight, the coming nights or a daytime nap; check-in at the desk by a code, check-out,
the no-show release at the latest check-in, and a waiting list that is offered each
released bed. No bed and no person is ever held twice for overlapping time."""

from gigcity.services.stays.bookings import SWEEP_JOB
from gigcity.services.stays.schemas import (
    ACTIVE_STATES,
    BedIn,
    BedKind,
    BedOut,
    BookIn,
    BookingOut,
    BookingState,
    CodeIn,
    HomeIn,
    HomeNearby,
    HomeOut,
    NapSlot,
    RoomIn,
    RoomOut,
    Section,
    SectionCount,
    StayKind,
    SweepOut,
    WaitIn,
    WaitOut,
    WaitState,
)
from gigcity.services.stays.service import STAYS_JOBS, StaysService

__all__ = [
    "ACTIVE_STATES",
    "STAYS_JOBS",
    "SWEEP_JOB",
    "BedIn",
    "BedKind",
    "BedOut",
    "BookIn",
    "BookingOut",
    "BookingState",
    "CodeIn",
    "HomeIn",
    "HomeNearby",
    "HomeOut",
    "NapSlot",
    "RoomIn",
    "RoomOut",
    "Section",
    "SectionCount",
    "StayKind",
    "StaysService",
    "SweepOut",
    "WaitIn",
    "WaitOut",
    "WaitState",
]
