"""Truck-driver stations (货车司机驿站, issue 17): the services of each station (showers,
washing machines, dryers, recliners, simple repairs) and their hours; visits logged at the
desk by the driver's QR code or by plate with consent (rolled into daily counts after 30
days); queues for showers and washing machines with the expected wait shown before a
driver walks over; parking offers at nearby car parks by distance; and the legal-aid
window: volunteer lawyers' (role `lawyer`) rosters, slots booked once for a topic, case
notes only the lawyer and the driver read."""

from gigcity.services.care.stations.estimate import (
    MIN_RECENT_USES,
    RECENT_USES,
    Estimate,
    expected_wait,
)
from gigcity.services.care.stations.schemas import (
    QUEUED,
    BookingIn,
    DeskJoinIn,
    DriverCode,
    EntryOut,
    EntryState,
    LawyerOut,
    LawyerSlotOut,
    NoteIn,
    NoteOut,
    Origin,
    ParkingIn,
    ParkingOut,
    ParkingUpdate,
    QueueOut,
    ServiceIn,
    ServiceKind,
    ServiceOut,
    SlotIn,
    SlotOut,
    StationOut,
    Topic,
    VisitDay,
    VisitIn,
    VisitOut,
)
from gigcity.services.care.stations.service import VISITS_KEPT, StationsService

__all__ = [
    "MIN_RECENT_USES",
    "QUEUED",
    "RECENT_USES",
    "VISITS_KEPT",
    "BookingIn",
    "DeskJoinIn",
    "DriverCode",
    "EntryOut",
    "EntryState",
    "Estimate",
    "LawyerOut",
    "LawyerSlotOut",
    "NoteIn",
    "NoteOut",
    "Origin",
    "ParkingIn",
    "ParkingOut",
    "ParkingUpdate",
    "QueueOut",
    "ServiceIn",
    "ServiceKind",
    "ServiceOut",
    "SlotIn",
    "SlotOut",
    "StationOut",
    "StationsService",
    "Topic",
    "VisitDay",
    "VisitIn",
    "VisitOut",
    "expected_wait",
]
