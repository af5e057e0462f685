"""The demo's family doctors: three health centres that sign workers up, two doctors each,
slots in every band, and `doctor`, the first doctor's own sign-in; seeding again adds
nothing twice."""

from __future__ import annotations

from sqlalchemy import func, select

from gigcity.db.models import DoctorCentre, DoctorSlot
from gigcity.db.session import transaction
from gigcity.services.accounts import Role
from gigcity.services.care.doctors import SignupIn
from gigcity.services.demo import seed_demo
from gigcity.services.demo.accounts import demo_logins
from gigcity.services.demo.doctors import seed_doctors
from gigcity.services.platform import Platform
from support import principal


def test_the_demo_has_health_centres_and_a_doctor(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=200)
    centres = platform.doctors.centres()
    assert 1 <= len(centres) <= 3
    assert all(len(c.doctors) == 2 for c in centres)
    doctor = principal(platform, "doctor")
    assert doctor.role == Role.staff
    rider = principal(platform, "rider")
    first = min(centres, key=lambda c: c.place_id)
    signed = platform.doctors.sign_up(
        rider, SignupIn(place_id=first.place_id, doctor_id=first.doctors[0].id)
    )
    assert [p.account_id for p in platform.doctors.patients(doctor)] == [rider.account_id]
    assert {s.band for s in platform.doctors.my_slots(rider)} == {"early", "afternoon", "evening"}
    assert signed.doctor == "王医生"
    with platform.factory() as session:
        logins = {lg.username: lg for lg in demo_logins(session, platform.district)}
    assert logins["doctor"].role == Role.staff
    with transaction(platform.factory) as session:
        seed_doctors(session)
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(DoctorCentre)) == len(centres)
        assert session.scalar(select(func.count()).select_from(DoctorSlot)) > 0
