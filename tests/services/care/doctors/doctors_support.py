"""Family-doctor test support: two health centres with doctors, and a doctor's sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gigcity.db.session import transaction
from gigcity.services.accounts import AccountCreate, Principal, Role, create_account, principal_for
from gigcity.services.care.doctors import CentreIn, DoctorIn
from gigcity.services.places import PlaceCreate, PlaceKind
from gigcity.services.platform import Platform
from support import ADMIN, PASSWORD, World

TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class Centres:
    a: int  # place id of 万里社区卫生服务中心 (capacity 3): doctors a1 (list 2), a2 (list 1)
    b: int  # place id of 长征社区卫生服务中心 (capacity 5): doctor b1 (list 5)
    a1: int
    a2: int
    b1: int
    doctor: Principal  # a1's sign-in: `doc`, staff of centre a
    subdistrict_a: str | None


def health_centre(platform: Platform, name: str, lon: float, lat: float) -> int:
    place = platform.places.create(
        ADMIN,
        PlaceCreate(name=name, kind=PlaceKind.health_center, lon=lon, lat=lat, hours="24/7"),
        outside_district=True,
    )
    return place.id


def staff_of(platform: Platform, username: str, place_id: int) -> Principal:
    person = AccountCreate(
        username=username, password=PASSWORD, display_name=username, role=Role.staff,
        station_id=place_id,
    )  # fmt: skip
    with transaction(platform.factory) as session:
        return principal_for(create_account(session, person, platform.district))


def setup_centres(platform: Platform, world: World) -> Centres:
    a = health_centre(platform, "万里社区卫生服务中心", 121.3990, 31.2710)
    b = health_centre(platform, "长征社区卫生服务中心", 121.3729, 31.2367)
    doctors = platform.doctors
    doctors.set_centre(ADMIN, a, CentreIn(capacity=3))
    doctors.set_centre(ADMIN, b, CentreIn(capacity=5))
    doc = staff_of(platform, "doc", a)
    a1 = doctors.add_doctor(
        ADMIN, a, DoctorIn(name="王医生", list_size=2, account_id=doc.account_id)
    )
    a2 = doctors.add_doctor(ADMIN, a, DoctorIn(name="李医生", list_size=1))
    b1 = doctors.add_doctor(ADMIN, b, DoctorIn(name="张医生", list_size=5))
    sub = platform.places.get(a).subdistrict
    return Centres(a, b, a1.id, a2.id, b1.id, doc, sub)


def local_slot(days: int, at: time) -> datetime:
    """`at` local time `days` from today (Shanghai), in UTC."""
    today = datetime.now(UTC).astimezone(TZ).date()
    return datetime.combine(today + timedelta(days=days), at, TZ).astimezone(UTC)
