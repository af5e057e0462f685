"""The demo's stays: the flagship driver home (居高司机之家, or the first driver home) and a
second driver home opened to stays with rooms in the men's, women's and mixed sections
(free bunks, recliners, paid single rooms), nap slots between the peaks, and `homestaff`,
the flagship home's desk staff. With the demo password."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Place, StayBed, StayHome, StayRoom
from gigcity.services.accounts import Role, hash_password
from gigcity.services.demo.accounts import DEMO_PASSWORD
from gigcity.services.stays.map_figures import write_figures

HOME_STAFF_USERNAME = "homestaff"
FLAGSHIP = "居高司机之家"
RULES = "入住请出示入住码；22:00 后保持安静；室内禁烟；贵重物品请存前台。"
NAPS = [["13:00", "15:00"], ["15:00", "17:00"]]
# (room, section, [(label prefix, kind, count, price in fen)])
FLAGSHIP_ROOMS = [
    ("男宿舍 A", "men", [("A", "bunk_lower", 10, 0), ("A", "bunk_upper", 10, 0)]),
    ("女宿舍 B", "women", [("B", "bunk_lower", 4, 0), ("B", "bunk_upper", 4, 0)]),
    ("躺椅休息区", "mixed", [("R", "recliner", 10, 0)]),
    ("单人间", "mixed", [("S", "single", 4, 3000)]),
]
SECOND_ROOMS = [
    ("男宿舍", "men", [("M", "bunk_lower", 6, 0), ("M", "bunk_upper", 6, 0)]),
    ("女宿舍", "women", [("W", "single", 4, 0)]),
]


def _open(session: Session, place_id: int, cutoff: str, rooms: list) -> None:  # type: ignore[type-arg]
    session.add(
        StayHome(
            place_id=place_id, house_rules=RULES, checkin_cutoff=cutoff, nap_slots=NAPS,
            updated_at=datetime.now(UTC),
        )
    )  # fmt: skip
    session.flush()
    for name, section, kinds in rooms:
        room = StayRoom(place_id=place_id, name=name, section=section)
        session.add(room)
        session.flush()
        number = 0
        for prefix, kind, count, price in kinds:
            for _ in range(count):
                number += 1
                session.add(
                    StayBed(
                        room_id=room.id, place_id=place_id, section=section,
                        label=f"{prefix}{number:02d}", kind=kind, price_fen=price, active=True,
                    )
                )  # fmt: skip
    session.flush()
    # On the map from the start, as counted (no bookings yet: every bed is free).
    now = datetime.now(UTC)
    write_figures(session, place_id, now, now)


def seed_stays(session: Session) -> None:
    """Open two driver homes to stays and make their desk staff, unless there (in the
    caller's transaction)."""
    if session.scalar(select(StayHome.place_id).limit(1)) is not None:
        return
    homes = list(
        session.scalars(
            select(Place.id)
            .where(Place.kind == "driver_home")
            .order_by((Place.name == FLAGSHIP).desc(), Place.id)
            .limit(2)
        )
    )
    if not homes:
        return
    _open(session, homes[0], "23:30", FLAGSHIP_ROOMS)
    if len(homes) > 1:
        _open(session, homes[1], "23:00", SECOND_ROOMS)
    if session.scalar(select(Account.id).where(Account.username == HOME_STAFF_USERNAME)) is None:
        session.add(
            Account(
                username=HOME_STAFF_USERNAME,
                display_name="司机之家前台小陈",
                password_hash=hash_password(DEMO_PASSWORD),
                role=Role.staff.value,
                station_id=homes[0],
                active=True,
            )
        )
    session.flush()
