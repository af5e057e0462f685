"""The demo's family doctors: three community health centres that sign workers up (of the
district's twelve), two doctors each, and `doctor`, the first doctor's own sign-in (a staff
account of the first centre, with the demo password), with check-up slots in each band
for the coming two weeks. Nothing if the map has no health centres or they are there."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Doctor, DoctorCentre, DoctorSlot, Place
from gigcity.services.accounts import Role, hash_password
from gigcity.services.demo.accounts import DEMO_PASSWORD
from gigcity.services.places.schemas import PlaceKind

DOCTOR_USERNAME = "doctor"
CENTRES = 3
DOCTORS = (("王医生", 600), ("李医生", 400))
SLOT_TIMES = (time(7, 30), time(8, 0), time(14, 30), time(15, 30), time(20, 0))
DAYS = 14


def seed_doctors(session: Session, timezone: str = "Asia/Shanghai") -> None:
    """Seed the demo's centres, doctors, the doctor's account and slots (in the caller's
    transaction) unless a centre is there already."""
    if session.scalar(select(DoctorCentre.id).limit(1)) is not None:
        return
    places = list(
        session.scalars(
            select(Place)
            .where(Place.kind == PlaceKind.health_center.value)
            .order_by(Place.id)
            .limit(CENTRES)
        )
    )
    tz = ZoneInfo(timezone)
    today = datetime.now(UTC).astimezone(tz).date()
    for number, place in enumerate(places):
        centre = DoctorCentre(place_id=place.id, capacity=1000, taken=0)
        session.add(centre)
        session.flush()
        for name, list_size in DOCTORS:
            doctor = Doctor(
                centre_id=centre.id, name=name, list_size=list_size, taken=0, active=True
            )
            session.add(doctor)
            session.flush()
            if number == 0 and doctor.account_id is None and name == DOCTORS[0][0]:
                doctor.account_id = _doctor_account(session, place.id)
            for day in range(1, DAYS + 1):
                for at in SLOT_TIMES:
                    starts = datetime.combine(today + timedelta(days=day), at, tz)
                    session.add(
                        DoctorSlot(
                            centre_id=centre.id,
                            doctor_id=doctor.id,
                            starts_at=starts.astimezone(UTC),
                            minutes=20,
                            band=_band(at),
                        )
                    )
    session.flush()


def _band(at: time) -> str:
    if at < time(9):
        return "early"
    return "afternoon" if at < time(17) else "evening"


def _doctor_account(session: Session, place_id: int) -> int:
    existing = session.scalar(select(Account.id).where(Account.username == DOCTOR_USERNAME))
    if existing is not None:
        return existing
    account = Account(
        username=DOCTOR_USERNAME,
        display_name="王医生",
        password_hash=hash_password(DEMO_PASSWORD),
        role=Role.staff.value,
        station_id=place_id,
        active=True,
    )
    session.add(account)
    session.flush()
    return account.id
