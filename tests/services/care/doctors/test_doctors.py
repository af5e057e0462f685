"""Family doctors on SQLite and PostgreSQL: centres and doctors, sign-ups within capacity,
check-up slots in the shift-work bands, reminders, consented and encrypted readings only
the worker and their doctor read (logged), retention."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from gigcity.db.models import Doctor, DoctorCentre, DoctorRead, DoctorReading, DoctorSignup
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.doctors import (
    CentreIn,
    DoctorUpdate,
    ReadingIn,
    SignupIn,
    SlotIn,
    band_of,
)
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.jobs import JobQueue
from gigcity.services.platform import JOBS, Platform
from services.care.doctors.doctors_support import TZ, Centres, local_slot, setup_centres
from support import ADMIN, World, add_account, principal


@pytest.fixture
def centres(platform: Platform, world: World) -> Centres:
    return setup_centres(platform, world)


def rider(platform: Platform, name: str) -> Principal:
    return add_account(platform, name, Role.rider)


def test_a_worker_signs_up_with_the_doctor_with_most_room_and_moves(
    platform: Platform, world: World, centres: Centres
) -> None:
    doctors = platform.doctors
    wang = principal(platform, "rider")
    out = doctors.sign_up(wang, SignupIn(place_id=centres.a))
    assert (out.doctor_id, out.centre) == (centres.a1, "万里社区卫生服务中心")  # 2 free vs 1
    assert doctors.my_signup(wang).doctor_id == centres.a1
    with pytest.raises(Conflict):  # the same again
        doctors.sign_up(wang, SignupIn(place_id=centres.a))
    moved = doctors.sign_up(wang, SignupIn(place_id=centres.b))
    assert moved.doctor_id == centres.b1
    a = doctors.centre(centres.a)
    assert a.taken == 0
    assert all(d.taken == 0 for d in a.doctors)
    assert doctors.centre(centres.b).taken == 1
    doctors.end_my_signup(wang)
    with pytest.raises(NotFound):
        doctors.my_signup(wang)
    assert doctors.centre(centres.b).taken == 0


def test_a_full_doctor_or_centre_refuses_by_name_and_keeps_the_old_signup(
    platform: Platform, world: World, centres: Centres
) -> None:
    doctors = platform.doctors
    first = rider(platform, "worker1")
    doctors.sign_up(first, SignupIn(place_id=centres.a, doctor_id=centres.a2))
    second = rider(platform, "worker2")
    doctors.sign_up(second, SignupIn(place_id=centres.b))
    with pytest.raises(Conflict, match="李医生"):
        doctors.sign_up(second, SignupIn(place_id=centres.a, doctor_id=centres.a2))
    assert doctors.my_signup(second).doctor_id == centres.b1  # unchanged
    doctors.sign_up(rider(platform, "worker3"), SignupIn(place_id=centres.a))
    doctors.sign_up(rider(platform, "worker4"), SignupIn(place_id=centres.a))
    with pytest.raises(Conflict, match="万里社区卫生服务中心"):
        doctors.sign_up(rider(platform, "worker5"), SignupIn(place_id=centres.a))
    assert doctors.centre(centres.a).taken == 3


def test_only_workers_sign_up_and_only_keepers_change_centres(
    platform: Platform, world: World, centres: Centres
) -> None:
    doctors = platform.doctors
    with pytest.raises(Forbidden):
        doctors.sign_up(principal(platform, "staff"), SignupIn(place_id=centres.a))
    with pytest.raises(Forbidden):
        doctors.set_centre(principal(platform, "staff"), centres.a, CentreIn(capacity=9))
    other = "officer2" if centres.subdistrict_a != "changzheng" else "officer"
    with pytest.raises(Forbidden):  # an officer of the other sub-district
        doctors.set_centre(principal(platform, other), centres.a, CentreIn(capacity=9))
    with pytest.raises(NotFound):  # not a health centre
        doctors.set_centre(ADMIN, world.station_id, CentreIn(capacity=9))


def test_capacity_and_list_size_never_go_below_the_signups(
    platform: Platform, world: World, centres: Centres
) -> None:
    doctors = platform.doctors
    doctors.sign_up(principal(platform, "rider"), SignupIn(place_id=centres.a))
    doctors.sign_up(principal(platform, "rider2"), SignupIn(place_id=centres.a))
    with pytest.raises(Conflict):
        doctors.set_centre(ADMIN, centres.a, CentreIn(capacity=1))
    with pytest.raises(Conflict):
        doctors.update_doctor(ADMIN, centres.a1, DoctorUpdate(list_size=1))
    with pytest.raises(Conflict):
        doctors.update_doctor(ADMIN, centres.a1, DoctorUpdate(active=False))
    assert doctors.set_centre(ADMIN, centres.a, CentreIn(capacity=2)).capacity == 2
    assert doctors.update_doctor(ADMIN, centres.a2, DoctorUpdate(active=False)).active is False
    doctors.update_doctor(ADMIN, centres.a1, DoctorUpdate(account_id=None))
    with pytest.raises(Forbidden):  # no longer a doctor's sign-in
        doctors.patients(centres.doctor)


def test_a_doctors_account_is_staff_of_the_centre(
    platform: Platform, world: World, centres: Centres
) -> None:
    from gigcity.services.care.doctors import DoctorIn

    with pytest.raises(InvalidInput) as info:  # staff of another place
        platform.doctors.add_doctor(
            ADMIN, centres.a, DoctorIn(name="x", list_size=1, account_id=world.ids["staff"])
        )
    assert info.value.field == "account_id"
    with pytest.raises(Conflict):  # already a1's
        platform.doctors.add_doctor(
            ADMIN, centres.a, DoctorIn(name="x", list_size=1, account_id=centres.doctor.account_id)
        )


@pytest.mark.parametrize(
    ("at", "minutes", "band"),
    [
        (time(6, 0), 20, "early"),
        (time(8, 40), 20, "early"),
        (time(8, 50), 20, None),
        (time(14, 0), 30, "afternoon"),
        (time(16, 10), 20, "afternoon"),
        (time(16, 20), 20, None),
        (time(12, 0), 20, None),
        (time(19, 30), 20, "evening"),
        (time(21, 50), 20, None),
    ],
)
def test_slots_lie_in_the_shift_work_bands(at: time, minutes: int, band: str | None) -> None:
    start = datetime(2026, 12, 4, at.hour, at.minute, tzinfo=TZ)
    found = band_of(start, minutes)
    assert (found.value if found else None) == band


def test_a_worker_books_a_slot_with_their_doctor_once(
    platform: Platform, world: World, centres: Centres
) -> None:
    doctors = platform.doctors
    wang, li = principal(platform, "rider"), principal(platform, "rider2")
    early = doctors.create_slot(
        ADMIN, centres.a, SlotIn(doctor_id=centres.a1, starts_at=local_slot(1, time(7, 30)))
    )
    assert early.band == "early"
    evening = doctors.create_slot(
        centres.doctor, centres.a, SlotIn(doctor_id=centres.a1, starts_at=local_slot(2, time(20)))
    )
    with pytest.raises(InvalidInput) as info:
        doctors.create_slot(
            ADMIN, centres.a, SlotIn(doctor_id=centres.a1, starts_at=local_slot(1, time(12)))
        )
    assert info.value.field == "starts_at"
    with pytest.raises(Conflict):  # not signed up with a1
        doctors.book(wang, early.id)
    doctors.sign_up(wang, SignupIn(place_id=centres.a, doctor_id=centres.a1))
    doctors.sign_up(li, SignupIn(place_id=centres.a, doctor_id=centres.a1))
    assert {s.id for s in doctors.my_slots(wang)} == {early.id, evening.id}
    booked = doctors.book(wang, early.id)
    assert booked.mine
    assert booked.booked
    with pytest.raises(Conflict):  # someone else's now
        doctors.book(li, early.id)
    with pytest.raises(Conflict):  # one coming check-up at a time
        doctors.book(wang, evening.id)
    assert [s.id for s in doctors.my_slots(li)] == [evening.id]
    appointments = doctors.appointments(centres.doctor)
    assert [(a.slot_id, a.patient) for a in appointments] == [(early.id, "Wang")]
    doctors.cancel_booking(wang, early.id)
    with pytest.raises(NotFound):
        doctors.cancel_booking(wang, early.id)
    doctors.book(li, early.id)
    # moving away gives the coming check-up back
    doctors.sign_up(li, SignupIn(place_id=centres.b))
    assert not [s for s in doctors.centre_slots(ADMIN, centres.a) if s.booked]


def test_a_slot_given_in_local_time_is_kept_at_that_instant(
    platform: Platform, world: World, centres: Centres
) -> None:
    """The desk sends the district's wall time with its offset (+08:00); SQLite keeps no
    offset, so the slot is stored in UTC and listed at the same instant."""
    doctors = platform.doctors
    local = local_slot(3, time(6, 10)).astimezone(TZ)
    made = doctors.create_slot(
        centres.doctor, centres.a, SlotIn(doctor_id=centres.a1, starts_at=local)
    )
    listed = {s.id: s.starts_at for s in doctors.centre_slots(ADMIN, centres.a)}
    assert listed[made.id] == local
    assert listed[made.id].astimezone(TZ).time() == time(6, 10)


def test_reminders_the_day_before_and_when_a_yearly_check_up_is_due(
    platform: Platform, world: World, centres: Centres, monkeypatch: pytest.MonkeyPatch
) -> None:
    doctors = platform.doctors
    wang, li = principal(platform, "rider"), principal(platform, "rider2")
    slot = doctors.create_slot(
        ADMIN, centres.a, SlotIn(doctor_id=centres.a1, starts_at=local_slot(1, time(15)))
    )
    doctors.sign_up(wang, SignupIn(place_id=centres.a, doctor_id=centres.a1))
    doctors.sign_up(li, SignupIn(place_id=centres.b))
    doctors.book(wang, slot.id)
    sent: list[dict[str, object]] = []

    def defer(self: JobQueue, session: object, task: str, **args: object) -> None:
        sent.append({"task": task, **args})

    monkeypatch.setattr(type(platform.jobs), "defer", defer)
    assert doctors.send_reminders() == (1, 1)  # wang's tomorrow; li has none booked: due
    assert {(s["account_id"], s["kind"]) for s in sent} == {
        (wang.account_id, "doctors.reminder"),
        (li.account_id, "doctors.reminder"),
    }
    assert {s["url"] for s in sent} == {"/doctors"}  # both open the family-doctor page
    assert doctors.send_reminders() == (0, 0)  # each once
    platform.run_job("doctors.remind", {})  # the daily job
    assert len(sent) == 2


def test_readings_need_consent_and_only_the_worker_and_doctor_read_them(
    platform: Platform, world: World, centres: Centres
) -> None:
    doctors = platform.doctors
    wang = principal(platform, "rider")
    staff = principal(platform, "staff")
    reading = ReadingIn(worker="rider", systolic=128, diastolic=82, heart_rate=70, weight=68.5)
    with pytest.raises(Conflict):  # no consent yet
        doctors.record(staff, reading)
    assert doctors.consent(wang).granted is False
    doctors.grant_consent(wang)
    assert doctors.grant_consent(wang).granted  # standing consent stays
    recorded = doctors.record(staff, reading)
    with platform.factory() as session:
        stored = session.get(DoctorReading, recorded.id)
        assert stored is not None
        # Stored encrypted: no field name in the clear (a short number like "128" can turn up
        # in any base64 text by chance), and the platform's key reads it back.
        assert "systolic" not in stored.values_enc
        assert json.loads(doctors.cipher.decrypt(stored.values_enc))["systolic"] == 128
    mine = doctors.my_readings(wang)
    assert (mine[0].systolic, mine[0].diastolic, mine[0].weight, mine[0].glucose) == (
        128, 82, 68.5, None,
    )  # fmt: skip
    with pytest.raises(Forbidden):  # not yet wang's doctor
        doctors.patient_readings(centres.doctor, wang.account_id or 0)
    doctors.sign_up(wang, SignupIn(place_id=centres.a, doctor_id=centres.a1))
    assert [p.name for p in doctors.patients(centres.doctor)] == ["Wang"]
    assert doctors.patient_readings(centres.doctor, wang.account_id or 0)[0].heart_rate == 70
    for other in (ADMIN, staff, principal(platform, "officer")):
        with pytest.raises(Forbidden):
            doctors.patient_readings(other, wang.account_id or 0)
    assert [(r.role, r.purpose) for r in doctors.my_read_log(wang)] == [
        ("staff", "patient"),
        ("rider", "own"),
    ]
    doctors.withdraw_consent(wang)
    with pytest.raises(Conflict):
        doctors.record(staff, reading)
    with pytest.raises(NotFound):
        doctors.withdraw_consent(wang)
    with pytest.raises(Forbidden):
        doctors.record(wang, reading)


def test_retention_deletes_old_readings_and_reads(
    platform: Platform, world: World, centres: Centres
) -> None:
    doctors = platform.doctors
    wang = principal(platform, "rider")
    doctors.grant_consent(wang)
    doctors.record(principal(platform, "staff"), ReadingIn(worker="rider", heart_rate=72))
    doctors.my_readings(wang)
    real = doctors.clock
    doctors.clock = lambda: real() + timedelta(days=2 * 365 + 1)
    try:
        platform.run_job("retention.purge", {})  # the platform's daily job applies them
    finally:
        doctors.clock = real
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(DoctorReading)) == 0
        assert session.scalar(select(func.count()).select_from(DoctorRead)) == 1
    assert "doctors.remind" in {job.name for job in JOBS}


def test_counts_match_the_active_signups(
    platform: Platform, world: World, centres: Centres
) -> None:
    doctors = platform.doctors
    for name in ("worker1", "worker2", "worker3"):
        doctors.sign_up(rider(platform, name), SignupIn(place_id=centres.b))
    doctors.end_my_signup(principal(platform, "worker2"))
    with platform.factory() as session:
        centre = session.scalar(select(DoctorCentre).where(DoctorCentre.place_id == centres.b))
        doctor = session.get(Doctor, centres.b1)
        active = session.scalar(
            select(func.count()).select_from(DoctorSignup).where(DoctorSignup.current.is_not(None))
        )
        assert centre is not None
        assert doctor is not None
        assert centre.taken == doctor.taken == active == 2
