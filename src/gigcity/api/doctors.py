"""Family doctors (issue 17): community health centres sign riders, couriers and drivers up
with a family doctor, offer check-up slots that fit shift work, and take health readings
with the worker's consent.

Readings are shown only to the worker and their current family doctor (a staff account of
the centre named on the doctor's record): a 403 for everyone else, district admins
included. Every read is logged; the worker sees the log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from gigcity.http.deps import Allow, AnyAccount, PlatformDep, RowId
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.doctors import (
    AppointmentOut,
    CentreIn,
    CentreOut,
    ConsentOut,
    DoctorIn,
    DoctorOut,
    DoctorUpdate,
    MyDoctorOut,
    PatientOut,
    ReadingIn,
    ReadingOut,
    ReadingRecorded,
    ReadLogOut,
    SignupIn,
    SignupOut,
    SlotIn,
    SlotOut,
)

router = APIRouter(prefix="/api/doctors", tags=["doctors"])

Worker = Annotated[Principal, Depends(Allow(Role.rider))]
CentreKeeper = Annotated[
    Principal,
    Depends(Allow(Role.admin, Role.officer, note="officers only within their sub-district")),
]
SlotKeeper = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.officer,
            Role.staff,
            note="officers only within their sub-district, staff only of the centre itself",
        )
    ),
]
Staff = Annotated[Principal, Depends(Allow(Role.staff, note="the staff of any service point"))]
DoctorCaller = Annotated[
    Principal, Depends(Allow(Role.staff, note="only a family doctor's own sign-in"))
]


@router.get("/centres", response_model=list[CentreOut], summary="Health centres that sign up")
def centres(platform: PlatformDep, _: AnyAccount) -> list[CentreOut]:
    """Every community health centre that signs workers up, with its free places and its
    doctors' (never who signed up)."""
    return platform.doctors.centres()


@router.get("/centres/{place_id}", response_model=CentreOut, summary="One health centre")
def centre(platform: PlatformDep, _: AnyAccount, place_id: RowId) -> CentreOut:
    return platform.doctors.centre(place_id)


@router.put("/centres/{place_id}", response_model=CentreOut, summary="Set a centre's capacity")
def set_centre(
    platform: PlatformDep, caller: CentreKeeper, place_id: RowId, body: CentreIn
) -> CentreOut:
    """Make a place of kind health_center sign workers up, or change how many it takes; a
    capacity below the sign-ups it has is a 409."""
    return platform.doctors.set_centre(caller, place_id, body)


@router.post(
    "/centres/{place_id}/doctors",
    response_model=DoctorOut,
    status_code=201,
    summary="Add a doctor to a centre",
)
def add_doctor(
    platform: PlatformDep, caller: CentreKeeper, place_id: RowId, body: DoctorIn
) -> DoctorOut:
    """A doctor with their list size; `account_id` (optional) is their sign-in, a staff
    account of the centre's place."""
    return platform.doctors.add_doctor(caller, place_id, body)


@router.patch("/doctors/{doctor_id}", response_model=DoctorOut, summary="Change a doctor")
def update_doctor(
    platform: PlatformDep, caller: CentreKeeper, doctor_id: RowId, body: DoctorUpdate
) -> DoctorOut:
    """Name, list size, sign-in, active. A list size below the patients the doctor has, or
    leaving with patients, is a 409."""
    return platform.doctors.update_doctor(caller, doctor_id, body)


@router.post("/signup", response_model=SignupOut, status_code=201, summary="Sign up")
def sign_up(platform: PlatformDep, caller: Worker, body: SignupIn) -> SignupOut:
    """Sign up at any centre, with the doctor chosen or the one with the most room. A
    sign-up elsewhere ends (and its coming check-up is given back). A full centre or doctor
    is a 409 naming it; then nothing changes."""
    return platform.doctors.sign_up(caller, body)


@router.get("/signup", response_model=SignupOut, summary="My sign-up")
def my_signup(platform: PlatformDep, caller: Worker) -> SignupOut:
    """404 when the worker is not signed up."""
    return platform.doctors.my_signup(caller)


@router.delete("/signup", status_code=204, summary="End my sign-up")
def end_signup(platform: PlatformDep, caller: Worker) -> Response:
    platform.doctors.end_my_signup(caller)
    return Response(status_code=204)


@router.post(
    "/centres/{place_id}/slots",
    response_model=SlotOut,
    status_code=201,
    summary="Offer a check-up slot",
)
def create_slot(
    platform: PlatformDep, caller: SlotKeeper, place_id: RowId, body: SlotIn
) -> SlotOut:
    """A slot with one of the centre's doctors, within 06:00-09:00, 14:00-16:30 or
    19:30-22:00 local time (else a 422 on `starts_at`)."""
    return platform.doctors.create_slot(caller, place_id, body)


@router.get(
    "/centres/{place_id}/slots", response_model=list[SlotOut], summary="A centre's coming slots"
)
def centre_slots(platform: PlatformDep, caller: SlotKeeper, place_id: RowId) -> list[SlotOut]:
    """Booked or not, never by whom."""
    return platform.doctors.centre_slots(caller, place_id)


@router.get("/slots", response_model=list[SlotOut], summary="Slots with my doctor")
def my_slots(platform: PlatformDep, caller: Worker) -> list[SlotOut]:
    """The free slots of the worker's doctor in the coming four weeks, and the worker's own
    booking (`mine`)."""
    return platform.doctors.my_slots(caller)


@router.post(
    "/slots/{slot_id}/booking", response_model=SlotOut, status_code=201, summary="Book a slot"
)
def book(platform: PlatformDep, caller: Worker, slot_id: RowId) -> SlotOut:
    """One coming check-up at a time, with the worker's own doctor; a slot someone has just
    booked is a 409."""
    return platform.doctors.book(caller, slot_id)


@router.delete("/slots/{slot_id}/booking", status_code=204, summary="Cancel my booking")
def cancel_booking(platform: PlatformDep, caller: Worker, slot_id: RowId) -> Response:
    platform.doctors.cancel_booking(caller, slot_id)
    return Response(status_code=204)


@router.get("/consent", response_model=ConsentOut, summary="My consent to health readings")
def consent(platform: PlatformDep, caller: Worker) -> ConsentOut:
    return platform.doctors.consent(caller)


@router.put("/consent", response_model=ConsentOut, summary="Consent to health readings")
def grant_consent(platform: PlatformDep, caller: Worker) -> ConsentOut:
    """Service-point staff and the worker's doctor may then record readings."""
    return platform.doctors.grant_consent(caller)


@router.delete("/consent", status_code=204, summary="Withdraw consent")
def withdraw_consent(platform: PlatformDep, caller: Worker) -> Response:
    """No new readings from now; those taken are kept for their period (two years)."""
    platform.doctors.withdraw_consent(caller)
    return Response(status_code=204)


@router.post(
    "/readings", response_model=ReadingRecorded, status_code=201, summary="Record readings"
)
def record(platform: PlatformDep, caller: Staff, body: ReadingIn) -> ReadingRecorded:
    """A visit's readings for the worker named by username, only while their consent
    stands (else a 409). The answer does not repeat the values: the staff may not read
    them back."""
    return platform.doctors.record(caller, body)


@router.get("/readings", response_model=list[ReadingOut], summary="My health readings")
def my_readings(platform: PlatformDep, caller: Worker) -> list[ReadingOut]:
    """Newest first; the read is logged."""
    return platform.doctors.my_readings(caller)


@router.get("/readings/log", response_model=list[ReadLogOut], summary="Who read my readings")
def read_log(platform: PlatformDep, caller: Worker) -> list[ReadLogOut]:
    return platform.doctors.my_read_log(caller)


@router.get("/me", response_model=MyDoctorOut, summary="My doctor's record (doctor)")
def my_doctor(platform: PlatformDep, caller: DoctorCaller) -> MyDoctorOut:
    """A family doctor's own record: list size, patients, free places and their centre
    (the doctor's desk starts from it); a 403 for anyone who is no doctor."""
    return platform.doctors.my_doctor(caller)


@router.get("/patients", response_model=list[PatientOut], summary="My patients")
def patients(platform: PlatformDep, caller: DoctorCaller) -> list[PatientOut]:
    """A family doctor's current patients."""
    return platform.doctors.patients(caller)


@router.get(
    "/patients/{account_id}/readings",
    response_model=list[ReadingOut],
    summary="A patient's health readings",
)
def patient_readings(
    platform: PlatformDep, caller: DoctorCaller, account_id: RowId
) -> list[ReadingOut]:
    """Only for the worker's current family doctor (a 403 for anyone else); logged."""
    return platform.doctors.patient_readings(caller, account_id)


@router.get(
    "/appointments", response_model=list[AppointmentOut], summary="My coming check-ups (doctor)"
)
def appointments(platform: PlatformDep, caller: DoctorCaller) -> list[AppointmentOut]:
    """A family doctor's booked slots and who comes."""
    return platform.doctors.appointments(caller)
