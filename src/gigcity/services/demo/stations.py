"""The demo's truck-driver station: the first 货车司机驿站 of the map with its showers,
washing machines, dryers, recliners and repair bay, a car park's off-peak offer beside it,
its desk (`truckdesk`, staff of the station) and a volunteer lawyer (`lawyer`, an account of
role `lawyer`, bound to no station; home: `/legal`) on the legal-aid roster for the coming
week. Both with the demo password. The washing machines and dryers run programmes (快洗 30
minutes, 标准 45, 大件 60; dryers 标准 40, 低温 50, 大件 60)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import (
    Account,
    Place,
    StationLawyerSlot,
    StationParking,
    StationProgramme,
    StationService,
    utcnow,
)
from gigcity.services.accounts import Role, hash_password
from gigcity.services.demo.accounts import DEMO_PASSWORD
from gigcity.services.places import PlaceKind

DESK_USERNAME = "truckdesk"
LAWYER_USERNAME = "lawyer"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SERVICES: tuple[tuple[str, int, int, dict[str, Any]], ...] = (  # kind, units, typical minutes, hours (empty: the station's)
    ("shower", 8, 15, {}),
    ("washer", 6, 40, {}),
    ("dryer", 4, 40, {}),
    ("recliner", 20, 60, {}),
    ("repair", 1, 45, {"weekly": {d: [{"start": "08:00", "end": "20:00"}] for d in
                                 ("mo", "tu", "we", "th", "fr", "sa", "su")}}),
)  # fmt: skip
PROGRAMMES: dict[str, tuple[tuple[str, int], ...]] = {  # kind -> (name, minutes), in order
    "washer": (("快洗", 30), ("标准", 45), ("大件", 60)),
    "dryer": (("标准", 40), ("低温", 50), ("大件", 60)),
}
WINDOWS = ((time(10, 0), time(12, 0)), (time(19, 0), time(21, 0)))  # the lawyer's sittings


def seed_stations(session: Session, now: datetime | None = None) -> None:
    """Seed the demo station unless it has services already (in the caller's transaction);
    nothing when the map has no truck-driver station."""
    place = session.scalar(
        select(Place)
        .where(Place.kind == PlaceKind.truck_driver_station.value)
        .order_by(Place.id)
        .limit(1)
    )
    if place is None:
        return
    if session.scalar(select(StationService.id).where(StationService.place_id == place.id)):
        return
    now = now or datetime.now(UTC)
    for kind, units, minutes, hours in SERVICES:
        service = StationService(
            place_id=place.id, kind=kind, units=units, typical_minutes=minutes,
            hours=hours, active=True, updated_at=now,
        )  # fmt: skip
        session.add(service)
        session.flush()
        for position, (name, run) in enumerate(PROGRAMMES.get(kind, ())):
            session.add(
                StationProgramme(
                    service_id=service.id, name=name, minutes=run, position=position, active=True
                )
            )
    session.add(
        StationParking(
            place_id=place.id, name=f"{place.name}旁社会停车场", lon=place.lon + 0.003,
            lat=place.lat + 0.001, hours={"always_open": True}, price_per_hour_fen=800,
            offpeak_text="货车司机夜间 22:00-06:00 停车半价",
            offpeak_hours={"weekly": {d: [{"start": "22:00", "end": "06:00"}] for d in
                                      ("mo", "tu", "we", "th", "fr", "sa", "su")}},
            offpeak_price_per_hour_fen=400, active=True, updated_at=now,
        )
    )  # fmt: skip
    _add(session, DESK_USERNAME, "驿站值班员小周", Role.staff, place.id)
    lawyer = _add(session, LAWYER_USERNAME, "志愿律师王律师", Role.lawyer)
    today = now.astimezone(SHANGHAI).date()
    for offset in range(1, 8):
        day = today + timedelta(days=offset)
        for start, end in WINDOWS:
            session.add(
                StationLawyerSlot(
                    place_id=place.id, lawyer_id=lawyer,
                    starts_at=datetime.combine(day, start, tzinfo=SHANGHAI).astimezone(UTC),
                    ends_at=datetime.combine(day, end, tzinfo=SHANGHAI).astimezone(UTC),
                    created_at=utcnow(),
                )
            )  # fmt: skip
    session.flush()


def _add(
    session: Session, username: str, display_name: str, role: Role, place_id: int | None = None
) -> int:
    found = session.scalar(select(Account.id).where(Account.username == username))
    if found is not None:
        return found
    account = Account(
        username=username, display_name=display_name, password_hash=hash_password(DEMO_PASSWORD),
        role=role.value, station_id=place_id, active=True,
    )  # fmt: skip
    session.add(account)
    session.flush()
    return account.id
