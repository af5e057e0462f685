"""Small data for the statement tests: canteens, older people and their meals, each meal
priced by `funding.split` and, when delivered, posted to the funders' ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from gigcity.db.models import Canteen, Elder, ElderMeal, FunderMovement
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock
from gigcity.services.eldercare.funding import FundingRule, load_funding_rule, split
from gigcity.services.eldercare.ledger import post_delivered_meal
from gigcity.services.eldercare.statements import Statements
from gigcity.services.platform import Platform

ADMIN = Principal(role=Role.admin, label="test-admin")
WANLI_OFFICER = Principal(role=Role.officer, account_id=None, subdistrict="wanli")
CHANGZHENG_OFFICER = Principal(role=Role.officer, account_id=None, subdistrict="changzheng")
RIDER = Principal(role=Role.rider, account_id=None)

# A secret-looking name: it must never reach an export.
SECRET_NAME = "张秘密"

RULE = load_funding_rule(
    {
        "name": "test-meals-2026",
        "subsidy": {
            "standard": {},
            "over_80": {"fixed_fen": 500},
            "low_income": {"fixed_fen": 1000},
            "disabled": {"per_mille": 500, "cap_fen": 900},
        },
        "category_titles": {
            "standard": {"zh_CN": "一般老人", "en": "Standard"},
            "over_80": {"zh_CN": "80岁以上", "en": "Aged 80 or over"},
            "low_income": {"zh_CN": "低保、低收入", "en": "Low income"},
            "disabled": {"zh_CN": "失能", "en": "Disabled"},
        },
        "enterprise": {"fixed_fen": 200},
        "charity": {"per_mille": 100},
        "copay_floor_fen": 100,
        "copay_ceiling_fen": 800,
    }
)
STATES = ("ordered", "out", "delivered", "not_delivered", "cancelled")


def statements_service(platform: Platform, rule: FundingRule = RULE) -> Statements:
    return Statements(
        factory=platform.factory,
        district=platform.district,
        day_clock=DayClock("Asia/Shanghai"),
        jobs=platform.jobs,
        funding=rule,
    )


@dataclass(frozen=True)
class Place:
    """Two canteens and an older person of each category in each of two sub-districts."""

    canteens: dict[str, int]  # by sub-district
    elders: dict[tuple[str, str], int]  # by (sub-district, category)


def add_canteen(session: Session, name: str, subdistrict: str, price_fen: int = 1500) -> int:
    canteen = Canteen(
        name=name, subdistrict=subdistrict, lon=121.40, lat=31.27,
        lunch_capacity=200, price_fen=price_fen,
    )  # fmt: skip
    session.add(canteen)
    session.flush()
    return canteen.id


def add_elder(session: Session, canteen_id: int, subdistrict: str, category: str) -> int:
    elder = Elder(
        subdistrict=subdistrict, canteen_id=canteen_id, lon=121.40, lat=31.27,
        subsidy_category=category, name_enc=SECRET_NAME, first_name_enc="秘密",
        door_enc="3号楼2单元401", care_enc='{"diet": ["soft"]}', consent_by="self",
        consent_note_enc="signed", consented_at=datetime(2026, 1, 5, tzinfo=UTC),
    )  # fmt: skip
    session.add(elder)
    session.flush()
    return elder.id


def make_place(platform: Platform) -> Place:
    canteens, elders = {}, {}
    with transaction(platform.factory) as session:
        for sub, name in (("wanli", "=万里长者食堂"), ("changzheng", "长征长者食堂")):
            canteens[sub] = add_canteen(session, name, sub)
            for category in RULE.categories():
                elders[(sub, category)] = add_elder(session, canteens[sub], sub, category)
    return Place(canteens, elders)


@dataclass(frozen=True)
class MealSpec:
    elder: tuple[str, str]  # (sub-district, category)
    day: date
    meal: str
    state: str
    price_fen: int
    rider_id: int | None = None


def add_meals(platform: Platform, place: Place, specs: list[MealSpec]) -> list[int]:
    """Store the meals, each split by RULE when generated; delivered ones are posted to the
    ledger (as the door check does). Their ids, in order."""
    ids = []
    with transaction(platform.factory) as session:
        for spec in specs:
            sub, category = spec.elder
            parts = split(spec.price_fen, category, RULE)
            delivered = spec.state == "delivered"
            at = datetime.combine(spec.day, time(3, 40), tzinfo=UTC)  # 11:40 in Shanghai
            meal = ElderMeal(
                elder_id=place.elders[spec.elder], canteen_id=place.canteens[sub],
                day=spec.day, meal=spec.meal, state=spec.state, subsidy_category=category,
                funding_rule=parts.rule, price_fen=spec.price_fen,
                subsidy_fen=parts.subsidy_fen, enterprise_fen=parts.enterprise_fen,
                charity_fen=parts.charity_fen, copay_fen=parts.copay_fen,
                rider_id=spec.rider_id, by_primary=True if delivered else None,
                left_kitchen_at=at - timedelta(minutes=20) if spec.state != "ordered" else None,
                delivered_at=at if delivered else None,
                door_check="seen_well" if delivered else None,
            )  # fmt: skip
            session.add(meal)
            session.flush()
            if delivered:
                post_delivered_meal(session, meal)
            ids.append(meal.id)
    return ids


def clear_meals(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        session.execute(delete(FunderMovement))
        session.execute(delete(ElderMeal))
