"""Truck-driver stations (issue 17): services and hours, visits at the desk, queues for
showers and washing machines with the expected wait, parking offers by distance, and the
legal-aid window (rosters, bookings, case notes).

Anyone reads the stations, the queues' state, parking offers and rosters. The station's
staff (and district admins) keep services, parking and rosters, log visits and work the
queues. Truck drivers (rider accounts of worker type truck_driver) show their QR code,
queue and book legal aid. Volunteer lawyers (accounts of role `lawyer`, bound to no station)
see their own slots at every station. A case's notes are read only by its lawyer and its
driver."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from gigcity.http.deps import Allow, PlatformDep, PublicCaller, RowId
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.stations import (
    BookingIn,
    DeskJoinIn,
    DriverCode,
    EntryOut,
    JoinIn,
    LawyerOut,
    LawyerSlotOut,
    NoteIn,
    NoteOut,
    ParkingIn,
    ParkingOut,
    ParkingUpdate,
    QueueOut,
    ServiceIn,
    ServiceKind,
    ServiceOut,
    SlotIn,
    SlotOut,
    StartIn,
    StationOut,
    VisitDay,
    VisitIn,
    VisitOut,
)

router = APIRouter(prefix="/api/stations", tags=["stations"])

Driver = Annotated[Principal, Depends(Allow(Role.rider, note="truck drivers only"))]
Keeper = Annotated[
    Principal,
    Depends(Allow(Role.staff, Role.admin, note="staff only for their own station")),
]
Lawyer = Annotated[Principal, Depends(Allow(Role.lawyer))]
CaseParty = Annotated[
    Principal,
    Depends(
        Allow(Role.rider, Role.lawyer, note="only the case's driver and its lawyer, never admins")
    ),
]

Lon = Annotated[float | None, Query(ge=-180, le=180, description="WGS-84 longitude")]
Lat = Annotated[float | None, Query(ge=-90, le=90, description="WGS-84 latitude")]
K = Annotated[int, Query(ge=1, le=50, description="How many, nearest first.")]


@router.get("", response_model=list[StationOut], summary="Truck-driver stations")
def stations(platform: PlatformDep, _: PublicCaller) -> list[StationOut]:
    """Every truck-driver station with its services, units, typical durations and hours."""
    return platform.stations.stations()


@router.get("/me/code", response_model=DriverCode, summary="My QR code for the desk")
def driver_code(platform: PlatformDep, caller: Driver) -> DriverCode:
    """A short-lived code (15 minutes) the driver's phone shows as a QR; the desk logs a
    visit or adds the driver to a queue with it."""
    return platform.stations.driver_code(caller)


# -- parking ------------------------------------------------------------------------------


@router.get("/parking", response_model=list[ParkingOut], summary="Parking offers nearby")
def parking(
    platform: PlatformDep,
    _: PublicCaller,
    station_id: Annotated[
        int | None, Query(ge=1, le=2_147_483_647, description="From this station.")
    ] = None,
    lon: Lon = None,
    lat: Lat = None,
    k: K = 10,
) -> list[ParkingOut]:
    """Car parks' offers nearest first, from a station or from a point (lon, lat): hours,
    price per hour in fen, the off-peak discount, and whether it is open and off-peak now."""
    return platform.stations.parking_near(station_id=station_id, lon=lon, lat=lat, k=k)


@router.post("/parking", response_model=ParkingOut, status_code=201, summary="Add a parking offer")
def create_parking(platform: PlatformDep, caller: Keeper, body: ParkingIn) -> ParkingOut:
    return platform.stations.create_parking(caller, body)


@router.patch("/parking/{parking_id}", response_model=ParkingOut, summary="Change a parking offer")
def update_parking(
    platform: PlatformDep, caller: Keeper, parking_id: RowId, body: ParkingUpdate
) -> ParkingOut:
    """Any field; `active: false` withdraws it."""
    return platform.stations.update_parking(caller, parking_id, body)


# -- queues -------------------------------------------------------------------------------


@router.get(
    "/services/{service_id}/queue", response_model=QueueOut, summary="A service's queue now"
)
def queue(platform: PlatformDep, caller: PublicCaller, service_id: RowId) -> QueueOut:
    """Units free, people waiting and the expected wait of a driver joining now (before
    walking over); a signed-in driver's own place and wait in `mine`."""
    return platform.stations.queue(caller, service_id)


@router.post(
    "/services/{service_id}/queue",
    response_model=EntryOut,
    status_code=201,
    summary="Join a queue from the road",
)
def join_queue(
    platform: PlatformDep, caller: Driver, service_id: RowId, body: JoinIn | None = None
) -> EntryOut:
    """A truck driver joins a shower or washing-machine queue, for a washing machine with
    the programme they will run if they choose one (`programme_id`, one of the queue's
    `programmes`; 422 otherwise); the answer has the place in line and the expected wait.
    A second place in the same queue is a 409."""
    return platform.stations.join(caller, service_id, body.programme_id if body else None)


@router.post(
    "/services/{service_id}/queue/desk",
    response_model=EntryOut,
    status_code=201,
    summary="Add a driver to a queue at the desk",
)
def desk_join(
    platform: PlatformDep, caller: Keeper, service_id: RowId, body: DeskJoinIn
) -> EntryOut:
    """By the driver's QR code, or a walk-in with a ticket number only (no code); with the
    programme the driver named, if any."""
    return platform.stations.desk_join(caller, service_id, body.code, body.programme_id)


@router.get(
    "/services/{service_id}/queue/entries",
    response_model=list[EntryOut],
    summary="The queue at the desk",
)
def queue_entries(platform: PlatformDep, caller: Keeper, service_id: RowId) -> list[EntryOut]:
    """Tickets waiting, called or in use, oldest first."""
    return platform.stations.live_entries(caller, service_id)


@router.post(
    "/services/{service_id}/queue/next", response_model=EntryOut, summary="Call the next driver"
)
def call_next(platform: PlatformDep, caller: Keeper, service_id: RowId) -> EntryOut:
    """Atomic: two staff pressing at once call two different drivers. 409 when nobody
    waits. The called driver and the next in line are notified."""
    return platform.stations.call_next(caller, service_id)


@router.post("/tickets/{entry_id}/start", response_model=EntryOut, summary="Start a use")
def start_use(
    platform: PlatformDep, caller: Keeper, entry_id: RowId, body: StartIn | None = None
) -> EntryOut:
    """A called ticket takes a unit; 409 when every unit is in use or it was not called.
    `programme_id`: the programme the machine runs, set or changed at the start (422 when
    it is not one of the service's)."""
    return platform.stations.start_use(caller, entry_id, body.programme_id if body else None)


@router.post("/tickets/{entry_id}/finish", response_model=EntryOut, summary="Finish a use")
def finish_use(platform: PlatformDep, caller: Keeper, entry_id: RowId) -> EntryOut:
    return platform.stations.finish_use(caller, entry_id)


@router.post("/tickets/{entry_id}/no-show", response_model=EntryOut, summary="Drop a ticket")
def no_show(platform: PlatformDep, caller: Keeper, entry_id: RowId) -> EntryOut:
    """The driver did not come: the ticket leaves the queue."""
    return platform.stations.no_show(caller, entry_id)


@router.delete("/tickets/{entry_id}", status_code=204, summary="Leave a queue")
def leave_queue(platform: PlatformDep, caller: Driver, entry_id: RowId) -> Response:
    platform.stations.leave(caller, entry_id)
    return Response(status_code=204)


# -- legal aid ----------------------------------------------------------------------------


@router.get("/legal/mine", response_model=list[SlotOut], summary="My legal-aid cases")
def my_cases(platform: PlatformDep, caller: CaseParty) -> list[SlotOut]:
    """A driver's bookings, or a lawyer's booked slots, from today on."""
    return platform.stations.my_cases(caller)


@router.get("/legal/slots", response_model=list[LawyerSlotOut], summary="A lawyer's slots")
def lawyer_slots(platform: PlatformDep, caller: Lawyer) -> list[LawyerSlotOut]:
    """The calling lawyer's slots from today on at every station, free or booked; a booked
    one with its topic and the driver's display name."""
    return platform.stations.lawyer_slots(caller)


@router.get("/legal/lawyers", response_model=list[LawyerOut], summary="Volunteer lawyers")
def lawyers(platform: PlatformDep, caller: Keeper) -> list[LawyerOut]:
    """The active lawyer accounts, one of which a roster slot names."""
    return platform.stations.lawyers(caller)


@router.post(
    "/slots/{slot_id}/booking",
    response_model=SlotOut,
    status_code=201,
    summary="Book a legal-aid slot",
)
def book_slot(platform: PlatformDep, caller: Driver, slot_id: RowId, body: BookingIn) -> SlotOut:
    """For a topic: freight_payment, insurance_claim, traffic_fine or other. A slot is
    booked once only (409)."""
    return platform.stations.book_slot(caller, slot_id, body)


@router.delete("/slots/{slot_id}/booking", status_code=204, summary="Cancel a booking")
def cancel_booking(platform: PlatformDep, caller: Driver, slot_id: RowId) -> Response:
    """Before the slot starts; its case notes are deleted with it."""
    platform.stations.cancel_booking(caller, slot_id)
    return Response(status_code=204)


@router.delete("/slots/{slot_id}", status_code=204, summary="Take a slot off the roster")
def remove_slot(platform: PlatformDep, caller: Keeper, slot_id: RowId) -> Response:
    platform.stations.remove_slot(caller, slot_id)
    return Response(status_code=204)


@router.get("/slots/{slot_id}/notes", response_model=list[NoteOut], summary="A case's notes")
def notes(platform: PlatformDep, caller: CaseParty, slot_id: RowId) -> list[NoteOut]:
    """Only the slot's lawyer and the driver who booked it; 403 for everyone else."""
    return platform.stations.notes(caller, slot_id)


@router.post(
    "/slots/{slot_id}/notes", response_model=NoteOut, status_code=201, summary="Add a case note"
)
def add_note(platform: PlatformDep, caller: CaseParty, slot_id: RowId, body: NoteIn) -> NoteOut:
    """Stored encrypted; read only by the slot's lawyer and its driver."""
    return platform.stations.add_note(caller, slot_id, body)


# -- one station --------------------------------------------------------------------------


@router.get("/{place_id}", response_model=StationOut, summary="A station and its services")
def station(platform: PlatformDep, _: PublicCaller, place_id: RowId) -> StationOut:
    return platform.stations.station(place_id)


@router.put(
    "/{place_id}/services/{kind}", response_model=ServiceOut, summary="Set a station's service"
)
def set_service(
    platform: PlatformDep, caller: Keeper, place_id: RowId, kind: ServiceKind, body: ServiceIn
) -> ServiceOut:
    """Units, typical minutes per use, hours (empty: the station's), whether it is on and,
    for washing machines and dryers, their programmes (name and minutes, at most 6;
    omitted: unchanged)."""
    return platform.stations.set_service(caller, place_id, kind, body)


@router.post("/{place_id}/visits", response_model=VisitOut, status_code=201, summary="Log a visit")
def log_visit(platform: PlatformDep, caller: Keeper, place_id: RowId, body: VisitIn) -> VisitOut:
    """By the driver's QR code, or by plate with `plate_consent: true` (the plate is kept 30
    days, then only the day's counts), with the services used."""
    return platform.stations.log_visit(caller, place_id, body)


@router.get("/{place_id}/visits", response_model=VisitDay, summary="A day's visits")
def visit_day(
    platform: PlatformDep,
    caller: Keeper,
    place_id: RowId,
    day: Annotated[date, Query(description="The local day.")],
) -> VisitDay:
    return platform.stations.visit_day(caller, place_id, day)


@router.get("/{place_id}/roster", response_model=list[SlotOut], summary="Legal-aid roster")
def roster(
    platform: PlatformDep,
    caller: PublicCaller,
    place_id: RowId,
    since: Annotated[date, Query(description="The first local day (four weeks are shown).")],
) -> list[SlotOut]:
    """The volunteer lawyers' slots, free or booked (never by whom)."""
    return platform.stations.roster(caller, place_id, since)


@router.post(
    "/{place_id}/roster", response_model=SlotOut, status_code=201, summary="Add a roster slot"
)
def add_slot(platform: PlatformDep, caller: Keeper, place_id: RowId, body: SlotIn) -> SlotOut:
    """A lawyer (an active account of role `lawyer`, see `/legal/lawyers`), a day, a start
    and an end (local)."""
    return platform.stations.add_slot(caller, place_id, body)
