"""Family doctors (issue 17): from 2026 the district's 12 community health centres sign
riders, couriers and drivers up with a family doctor. Centres and doctors with capacities
no race can pass, one sign-up per worker, check-up slots in bands that fit shift work with
reminders, and health readings taken only with the worker's consent, encrypted, shown only
to the worker and their doctor, every read logged and deleted after two years."""

from gigcity.services.care.doctors.schemas import (
    AppointmentOut,
    Band,
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
from gigcity.services.care.doctors.service import DOCTORS_JOBS, REMIND_JOB, DoctorsService
from gigcity.services.care.doctors.slots import BANDS, band_of

__all__ = [
    "BANDS",
    "DOCTORS_JOBS",
    "REMIND_JOB",
    "AppointmentOut",
    "Band",
    "CentreIn",
    "CentreOut",
    "ConsentOut",
    "DoctorIn",
    "DoctorOut",
    "DoctorUpdate",
    "DoctorsService",
    "MyDoctorOut",
    "PatientOut",
    "ReadLogOut",
    "ReadingIn",
    "ReadingOut",
    "ReadingRecorded",
    "SignupIn",
    "SignupOut",
    "SlotIn",
    "SlotOut",
    "band_of",
]
