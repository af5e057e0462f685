"""What the door-check tests stand on: a canteen in 万里, an older person enrolled with her
sensitive fields encrypted and two emergency contacts, her familiar riders, staff of her
sub-district and of another, today's lunch for her, and a clock the test moves by hand."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from gigcity.db.models import Canteen, Elder, ElderContact, ElderMeal
from gigcity.db.session import transaction
from gigcity.services.accounts import AccountCreate, Principal, Role, create_account, principal_for
from gigcity.services.day_clock import DayClock
from gigcity.services.eldercare.doorchecks import DoorChecks
from gigcity.services.platform import Platform
from support import PASSWORD

# 11:20 in Shanghai: the lunch round is at the doors.
LUNCH_ROUND = datetime(2026, 7, 14, 3, 20, tzinfo=UTC)
TODAY = date(2026, 7, 14)
FIRST_NAME = "秀英"
DOOR = "长寿路 88 弄 3 号 502 室"
CONTACTS = [("family", "王芳", "13800138000"), ("committee", "李主任", "021-62220000")]


@dataclass
class Clock:
    now: datetime = LUNCH_ROUND

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@dataclass
class Meals:
    """The service under test and the people and rows around it."""

    service: DoorChecks
    clock: Clock
    canteen_id: int
    primary: Principal
    backup: Principal
    other_rider: Principal
    officer: Principal  # of 万里, where the older people live
    officer2: Principal  # of 长征
    admin: Principal
    elders: list[int] = field(default_factory=list)


def _account(
    platform: Platform, username: str, role: Role, subdistrict: str | None = None
) -> Principal:
    person = AccountCreate(
        username=username, password=PASSWORD, display_name=f"{username}-name", role=role,
        subdistrict=subdistrict,
    )  # fmt: skip
    with transaction(platform.factory) as session:
        return principal_for(create_account(session, person, platform.district))


def make_meals(platform: Platform) -> Meals:
    clock = Clock()
    service = DoorChecks(
        platform.factory, platform.district, DayClock("Asia/Shanghai"), platform.jobs, clock=clock
    )
    with transaction(platform.factory) as session:
        canteen_id = session.execute(
            insert(Canteen).returning(Canteen.id),
            [{"name": "凯旋长者食堂", "subdistrict": "wanli", "lon": 121.40, "lat": 31.27,
              "lunch_capacity": 80, "price_fen": 1500}],
        ).scalar_one()  # fmt: skip
    return Meals(
        service=service,
        clock=clock,
        canteen_id=canteen_id,
        primary=_account(platform, "familiar", Role.rider),
        backup=_account(platform, "backup", Role.rider),
        other_rider=_account(platform, "stranger", Role.rider),
        officer=_account(platform, "officer", Role.officer, "wanli"),
        officer2=_account(platform, "officer2", Role.officer, "changzheng"),
        admin=_account(platform, "admin", Role.admin),
    )


def enrol(
    meals: Meals,
    *,
    mobility: str = "walks",
    lives_alone: bool = False,
    contacts: list[tuple[str, str, str]] = CONTACTS,
    first_name: str = FIRST_NAME,
) -> int:
    """An older person of 万里 with `meals.primary` and `meals.backup` as her riders."""
    cipher = meals.service.cipher
    care = {"mobility": mobility, "lives_alone": lives_alone, "diet": ["soft", "low_salt"],
            "allergies": ["peanut"], "notes": "右腿行动不便"}  # fmt: skip
    with transaction(meals.service.factory) as session:
        elder_id = session.execute(
            insert(Elder).returning(Elder.id),
            [{
                "subdistrict": "wanli", "canteen_id": meals.canteen_id, "building": "3",
                "unit": "1", "floor": 5, "lon": 121.401, "lat": 31.271,
                "subsidy_category": "over80", "name_enc": cipher.encrypt("王" + first_name),
                "first_name_enc": cipher.encrypt(first_name), "door_enc": cipher.encrypt(DOOR),
                "care_enc": cipher.encrypt(json.dumps(care, ensure_ascii=False)),
                "primary_rider_id": meals.primary.account_id,
                "backup_rider_id": meals.backup.account_id,
                "consent_by": "self", "consent_note_enc": cipher.encrypt("本人同意"),
                "consented_at": LUNCH_ROUND - timedelta(days=30),
            }],
        ).scalar_one()  # fmt: skip
        if contacts:
            session.execute(
                insert(ElderContact),
                [
                    {"elder_id": elder_id, "position": position, "relation": relation,
                     "name_enc": cipher.encrypt(name), "phone_enc": cipher.encrypt(phone)}
                    for position, (relation, name, phone) in enumerate(contacts, 1)
                ],
            )  # fmt: skip
    meals.elders.append(elder_id)
    return elder_id


def add_meal(
    meals: Meals,
    elder_id: int,
    *,
    day: date = TODAY,
    meal: str = "lunch",
    state: str = "out",
    rider: Principal | None = None,
) -> int:
    """A meal of 15 yuan: 8 from the subsidy, 3 enterprise, 2 charity, 2 co-pay."""
    with transaction(meals.service.factory) as session:
        return session.execute(
            insert(ElderMeal).returning(ElderMeal.id),
            [{
                "elder_id": elder_id, "canteen_id": meals.canteen_id, "day": day, "meal": meal,
                "state": state, "subsidy_category": "over80", "funding_rule": "test",
                "price_fen": 1500, "subsidy_fen": 800, "enterprise_fen": 300,
                "charity_fen": 200, "copay_fen": 200,
                "rider_id": rider.account_id if rider else None,
                "left_kitchen_at": LUNCH_ROUND - timedelta(minutes=20),
            }],
        ).scalar_one()  # fmt: skip
