"""The demo's meals for the elderly: one community canteen for the elderly (长者食堂) in the
demo officer's sub-district, by the demo station, with a week of menus; eight older people
enrolled with their consent (synthetic people at a synthetic address), lunch every day and
dinner on weekdays for those living alone; the demo rider `rider` as everyone's familiar
rider and `rider2` as the backup; today's meals made and their rounds planned, so the rider
has a round whatever the hour; and yesterday's round, all delivered but for one door nobody
answered, whose alert is still open for the officer.

The sample estate is in another sub-district than the officer's, so the doors are in a
synthetic 演示新村 by the station rather than in the estate.

Sensitive fields are encrypted with the platform's cipher (`EldercareDemo.of`); without
one, with the database's own dev key, which is what the platform uses in dev and demo mode
when no key or secret is set. Seeding again adds nothing twice; a later day's start adds
that day's meals and menus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import (
    Account,
    Canteen,
    CanteenMenu,
    Elder,
    ElderAlert,
    ElderAlertStep,
    ElderContact,
    ElderMeal,
    InstanceSecret,
    MealSubscription,
    utcnow,
)
from gigcity.db.models import Place as PlaceRow
from gigcity.dispatch.meal_rounds import MealStop, RoundRider, RoundsProblem, plan_rounds
from gigcity.geo.coords import local_plane_factors
from gigcity.geo.district import District
from gigcity.rules import load_rulebook
from gigcity.services.accounts.instance_secrets import read_secret
from gigcity.services.cipher import FieldCipher, new_key
from gigcity.services.day_clock import DayClock
from gigcity.services.eldercare.base import DEV_KEY, EldercareBase, load_funding
from gigcity.services.eldercare.funding import FundingRule, split
from gigcity.services.eldercare.generation import MEAL_KEY
from gigcity.services.eldercare.ladder import DoorCheck, Ladder, risk_tier
from gigcity.services.eldercare.ledger import post_delivered_meal
from gigcity.services.eldercare.rounds import (
    EBIKE,
    FALLBACK_RULEBOOK,
    HOT_MEAL_MINUTES,
    PEAK,
    door_minutes,
)
from gigcity.services.eldercare.schemas import CareIn, Diet, Dish, Meal, Mobility
from gigcity.services.eldercare.subscriptions import mask_of, wants_meal
from gigcity.services.idempotent import insert_all_unless_present, insert_unless_present

DEFAULT_TIMEZONE = "Asia/Shanghai"
STATION = "居高司机之家"  # the demo staff's station; the canteen is round its corner
MENU_DAYS = 7
ALL_DAYS = list(range(7))
WEEKDAYS = list(range(5))


@dataclass(frozen=True)
class EldercareDemo:
    """What seeding needs from the platform's eldercare service: its cipher (None: the
    database's dev key), its funding rule (None: the shipped example) and its timezone."""

    cipher: FieldCipher | None = None
    funding: FundingRule | None = None
    timezone: str = DEFAULT_TIMEZONE

    @classmethod
    def of(cls, service: EldercareBase) -> EldercareDemo:
        """From the platform's service. Call it before the seeding transaction opens: the
        first use of the cipher may store the dev key in a transaction of its own."""
        return cls(service.cipher, service.funding, service.day_clock.tz.key)


@dataclass(frozen=True)
class _Person:
    name: str
    first_name: str
    building: int
    unit: int
    floor: int
    mobility: Mobility
    lives_alone: bool
    diet: tuple[Diet, ...]
    allergies: tuple[str, ...]
    notes: str
    category: str  # a subsidy category of the example funding rule
    family: tuple[str, str]  # (name, phone) called first
    offset: tuple[float, float]  # metres east and north of the canteen


_PEOPLE = (
    _Person("王秀英", "王阿婆", 5, 2, 5, Mobility.wheelchair, True, (Diet.soft, Diet.low_salt), ("花生",), "耳背，敲门要用力", "over_80", ("李明（儿子）", "13900001001"), (320.0, 180.0)),
    _Person("张桂兰", "张阿婆", 7, 1, 3, Mobility.walks, True, (Diet.diabetic,), (), "糖尿病，饭后要吃药", "over_90", ("张伟（女婿）", "13900001002"), (450.0, -120.0)),
    _Person("李建国", "李老伯", 9, 3, 2, Mobility.walks, False, (Diet.low_salt, Diet.low_fat), (), "", "standard", ("李娜（女儿）", "13900001003"), (-260.0, 240.0)),
    _Person("陈玉珍", "陈阿婆", 12, 1, 1, Mobility.bedridden, False, (Diet.soft,), (), "卧床，老伴开门", "disabled", ("陈强（儿子）", "13900001004"), (-380.0, -200.0)),
    _Person("刘志强", "刘老伯", 15, 2, 6, Mobility.walks, True, (), ("虾",), "", "low_income", ("刘芳（侄女）", "13900001005"), (150.0, -420.0)),
    _Person("赵淑芬", "赵阿婆", 18, 1, 4, Mobility.walks, True, (Diet.vegetarian,), (), "吃素", "over_80", ("赵磊（儿子）", "13900001006"), (600.0, 60.0)),
    _Person("孙德明", "孙老伯", 21, 2, 2, Mobility.wheelchair, False, (Diet.diabetic, Diet.soft), (), "", "disabled", ("孙丽（女儿）", "13900001007"), (-120.0, 520.0)),
    _Person("周美华", "周阿婆", 23, 1, 5, Mobility.walks, False, (Diet.low_salt,), (), "", "standard", ("周军（儿子）", "13900001008"), (-550.0, 30.0)),
)  # fmt: skip
ALERT_PERSON = 1  # 张阿婆, living alone: yesterday nobody answered her door

_ALL_DIETS = tuple(Diet)
_DISHES: dict[str, tuple[tuple[Diet, ...], tuple[str, ...]]] = {
    "清蒸鲈鱼": ((Diet.soft, Diet.low_salt, Diet.diabetic, Diet.low_fat, Diet.halal), ("鱼",)),
    "番茄炒蛋": ((Diet.soft, Diet.vegetarian, Diet.diabetic, Diet.halal), ("鸡蛋",)),
    "红烧狮子头": ((Diet.soft,), ()),
    "香菇青菜": (_ALL_DIETS, ()),
    "冬瓜排骨汤": ((Diet.low_salt, Diet.low_fat, Diet.diabetic), ()),
    "杂粮饭": ((Diet.low_salt, Diet.low_fat, Diet.diabetic, Diet.vegetarian, Diet.halal), ()),
    "白米饭": ((Diet.soft, Diet.low_salt, Diet.low_fat, Diet.vegetarian, Diet.halal), ()),
    "宫保鸡丁": ((Diet.halal,), ("花生",)),
    "虾仁豆腐": ((Diet.soft, Diet.low_salt, Diet.low_fat), ("虾",)),
    "清炒西兰花": (_ALL_DIETS, ()),
    "小米南瓜粥": ((Diet.soft, Diet.low_salt, Diet.low_fat, Diet.vegetarian, Diet.halal), ()),
    "土豆烧牛肉": ((Diet.soft, Diet.halal), ()),
    "麻婆豆腐": ((Diet.vegetarian, Diet.halal), ()),
    "紫菜蛋花汤": ((Diet.soft, Diet.low_fat, Diet.vegetarian, Diet.halal), ("鸡蛋",)),
}
# A fortnight's rotation of menus: (lunch, dinner), each four dishes.
_MENUS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("清蒸鲈鱼", "香菇青菜", "冬瓜排骨汤", "杂粮饭"), ("番茄炒蛋", "清炒西兰花", "紫菜蛋花汤", "白米饭")),
    (("宫保鸡丁", "番茄炒蛋", "香菇青菜", "白米饭"), ("小米南瓜粥", "麻婆豆腐", "清炒西兰花", "杂粮饭")),
    (("土豆烧牛肉", "清炒西兰花", "冬瓜排骨汤", "杂粮饭"), ("虾仁豆腐", "香菇青菜", "紫菜蛋花汤", "白米饭")),
    (("红烧狮子头", "香菇青菜", "紫菜蛋花汤", "白米饭"), ("清蒸鲈鱼", "清炒西兰花", "小米南瓜粥", "杂粮饭")),
    (("虾仁豆腐", "麻婆豆腐", "清炒西兰花", "杂粮饭"), ("土豆烧牛肉", "香菇青菜", "冬瓜排骨汤", "白米饭")),
    (("清蒸鲈鱼", "番茄炒蛋", "香菇青菜", "白米饭"), ("红烧狮子头", "清炒西兰花", "小米南瓜粥", "杂粮饭")),
    (("土豆烧牛肉", "麻婆豆腐", "紫菜蛋花汤", "杂粮饭"), ("宫保鸡丁", "香菇青菜", "冬瓜排骨汤", "白米饭")),
)  # fmt: skip


def _dishes(names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        Dish(name=name, suits=list(_DISHES[name][0]), allergens=list(_DISHES[name][1])).model_dump(
            mode="json"
        )
        for name in names
    ]


def dev_cipher(session: Session) -> FieldCipher:
    """The cipher of the database's own dev key, in the caller's transaction (stored the
    first time, as the platform's key ring would)."""
    key = read_secret(session, DEV_KEY)
    if key is None:
        row = {"name": DEV_KEY, "value": new_key(), "created_at": utcnow()}
        insert_unless_present(session, InstanceSecret, row, key=["name"])
        key = read_secret(session, DEV_KEY)
    assert key is not None
    return FieldCipher([key])


@dataclass
class _Seeding:
    session: Session
    cipher: FieldCipher
    funding: FundingRule
    clock: DayClock
    now: datetime

    def at(self, day: date, seconds: float) -> datetime:
        return self.clock.to_utc(self.clock.midnight(day) + timedelta(seconds=seconds))


def seed_eldercare(
    session: Session,
    district: District,
    demo: EldercareDemo | None = None,
    *,
    now: datetime | None = None,
) -> int | None:
    """The demo canteen, its older people, menus, today's meals with their rounds and an
    open alert from yesterday, each unless there (in the caller's transaction); the
    canteen's id, or None without the demo's officer and riders."""
    demo = demo or EldercareDemo()
    people = dict(
        session.execute(
            select(Account.username, Account.id).where(
                Account.username.in_(["officer", "rider", "rider2"])
            )
        ).all()
    )
    officer_sub = session.scalar(select(Account.subdistrict).where(Account.username == "officer"))
    if "rider" not in people or officer_sub is None or district.get(officer_sub) is None:
        return None
    seeding = _Seeding(
        session,
        demo.cipher or dev_cipher(session),
        demo.funding or load_funding(None),
        DayClock(demo.timezone),
        (now or datetime.now(UTC)).replace(microsecond=0),
    )
    canteen = _canteen(seeding, district, officer_sub)
    if not _has_elders(session, canteen.id):
        _enrol(seeding, canteen, people)
    today = seeding.clock.day_of(seeding.now)
    _menus(seeding, canteen, today)
    for meal in Meal:
        _make_meals(seeding, canteen, today, meal)
        _plan_round(seeding, canteen, today, meal)
    _yesterdays_alert(seeding, canteen, today - timedelta(days=1), people)
    return canteen.id


def _has_elders(session: Session, canteen_id: int) -> bool:
    return (
        session.scalar(select(Elder.id).where(Elder.canteen_id == canteen_id).limit(1)) is not None
    )


def _canteen(seeding: _Seeding, district: District, code: str) -> Canteen:
    sub = district.get(code)
    assert sub is not None
    name = f"{sub.name}社区长者食堂"
    session = seeding.session
    found = session.scalar(
        select(Canteen).where(Canteen.name == name, Canteen.subdistrict == code).limit(1)
    )
    if found is not None:
        return found
    station = session.scalar(
        select(PlaceRow).where(PlaceRow.name == STATION, PlaceRow.subdistrict == code).limit(1)
    )
    lon, lat = (station.lon, station.lat) if station is not None else (sub.lon, sub.lat)
    canteen = Canteen(
        name=name, subdistrict=code, lon=round(lon + 0.0012, 6), lat=round(lat - 0.0009, 6),
        lunch_capacity=40, dinner_capacity=20, lunch_cutoff="09:00", dinner_cutoff="14:00",
        lunch_ready="10:30", dinner_ready="16:30", price_fen=1500, active=True,
    )  # fmt: skip
    session.add(canteen)
    session.flush()
    return canteen


def _enrol(seeding: _Seeding, canteen: Canteen, people: dict[str, int]) -> None:
    session, encrypt = seeding.session, seeding.cipher.encrypt
    fx, fy = local_plane_factors(canteen.lat)
    categories = seeding.funding.categories()
    sub_name = canteen.name.removesuffix("社区长者食堂")
    enrolled = seeding.now - timedelta(days=30)
    for person in _PEOPLE:
        room = f"{person.floor}0{person.unit}"
        care = CareIn(
            mobility=person.mobility,
            lives_alone=person.lives_alone,
            diet=list(person.diet),
            allergies=list(person.allergies),
            notes=person.notes,
        )
        elder = Elder(
            subdistrict=canteen.subdistrict, canteen_id=canteen.id, estate_id=None,
            building=f"{person.building}号楼", unit=f"{person.unit}单元", floor=person.floor,
            lon=round(canteen.lon + person.offset[0] / fx, 6),
            lat=round(canteen.lat + person.offset[1] / fy, 6),
            subsidy_category=person.category if person.category in categories else categories[0],
            name_enc=encrypt(person.name), first_name_enc=encrypt(person.first_name),
            door_enc=encrypt(
                f"{sub_name}演示新村{person.building}号楼{person.unit}单元{room}室"
            ),
            care_enc=encrypt(care.model_dump_json()),
            primary_rider_id=people["rider"], backup_rider_id=people.get("rider2"),
            consent_by="self" if person.mobility is not Mobility.bedridden else "family",
            consent_note_enc=encrypt("演示数据：本人或家属签字同意（纸质表格存居委会）"),
            consented_at=enrolled, enrolled_by=people.get("officer"), enrolled_at=enrolled,
        )  # fmt: skip
        session.add(elder)
        session.flush()
        contacts = [
            ("family", *person.family),
            ("committee", f"{sub_name}演示居委会", "021-5555 0101"),
        ]
        session.add_all(
            ElderContact(
                elder_id=elder.id,
                position=position,
                relation=relation,
                name_enc=encrypt(name),
                phone_enc=encrypt(phone),
            )
            for position, (relation, name, phone) in enumerate(contacts, start=1)
        )
        session.add(
            MealSubscription(
                elder_id=elder.id,
                lunch_days=mask_of(ALL_DAYS),
                dinner_days=mask_of(WEEKDAYS if person.lives_alone else []),
                starts_on=seeding.clock.day_of(enrolled),
                updated_at=enrolled,
            )
        )
    session.flush()


def _menus(seeding: _Seeding, canteen: Canteen, today: date) -> None:
    rows = []
    for offset in range(MENU_DAYS):
        day = today + timedelta(days=offset)
        lunch, dinner = _MENUS[day.toordinal() % len(_MENUS)]
        for meal, names in ((Meal.lunch, lunch), (Meal.dinner, dinner)):
            rows.append(
                {"canteen_id": canteen.id, "day": day, "meal": meal.value,
                 "dishes": _dishes(names), "price_fen": None, "updated_at": seeding.now}
            )  # fmt: skip
    insert_all_unless_present(seeding.session, CanteenMenu, rows, ("canteen_id", "day", "meal"))


def _make_meals(seeding: _Seeding, canteen: Canteen, day: date, meal: Meal) -> None:
    """The canteen's `meal` on `day` as the daily job makes them (unless made)."""
    session = seeding.session
    elders = list(
        session.execute(
            select(Elder, MealSubscription)
            .join(MealSubscription, MealSubscription.elder_id == Elder.id)
            .where(Elder.canteen_id == canteen.id, Elder.ended_at.is_(None))
            .order_by(Elder.id)
        )
    )
    rows = []
    for elder, subscription in elders:
        if wants_meal(subscription, [], None, day, meal) != "subscribed":
            continue
        parts = split(canteen.price_fen, elder.subsidy_category, seeding.funding)
        rows.append(
            {
                "elder_id": elder.id, "canteen_id": canteen.id, "day": day,
                "meal": meal.value, "state": "ordered",
                "subsidy_category": elder.subsidy_category,
                "funding_rule": seeding.funding.name, "price_fen": canteen.price_fen,
                "subsidy_fen": parts.subsidy_fen, "enterprise_fen": parts.enterprise_fen,
                "charity_fen": parts.charity_fen, "copay_fen": parts.copay_fen,
                "rider_id": elder.primary_rider_id or elder.backup_rider_id,
                "generated_at": seeding.now,
            }
        )  # fmt: skip
    insert_all_unless_present(session, ElderMeal, rows, MEAL_KEY)


def _plan_round(seeding: _Seeding, canteen: Canteen, day: date, meal: Meal) -> None:
    """Plan the meals' round with the engine, as staff would (unless planned)."""
    session = seeding.session
    found: list[tuple[ElderMeal, Elder]] = [
        (row, elder)
        for row, elder in session.execute(
            select(ElderMeal, Elder)
            .join(Elder, Elder.id == ElderMeal.elder_id)
            .where(
                ElderMeal.canteen_id == canteen.id,
                ElderMeal.day == day,
                ElderMeal.meal == meal.value,
                ElderMeal.state == "ordered",
            )
            .order_by(ElderMeal.id)
        )
    ]
    if not found or any(row.planned_at is not None for row, _ in found):
        return
    fx, fy = local_plane_factors(canteen.lat)
    stops: list[MealStop] = []
    riders: set[int] = set()
    for row, elder in found:
        care = CareIn.model_validate_json(seeding.cipher.decrypt(elder.care_enc))
        stops.append(
            MealStop(
                id=str(row.id),
                at=((elder.lon - canteen.lon) * fx, (elder.lat - canteen.lat) * fy),
                primary_rider=str(elder.primary_rider_id or ""),
                backup_rider=str(elder.backup_rider_id or ""),
                door_minutes=door_minutes(elder.floor, care.mobility),
            )
        )
        riders.update(r for r in (elder.primary_rider_id, elder.backup_rider_id) if r)
    ready = _seconds(canteen.lunch_ready if meal is Meal.lunch else canteen.dinner_ready)
    peak = PEAK[meal]
    problem = RoundsProblem(
        canteen_at=(0.0, 0.0),
        kitchen_ready_s=ready,
        deadline_s=peak.hour * 3600 + peak.minute * 60,
        stops=tuple(stops),
        riders=tuple(RoundRider(id=str(r), available_from_s=ready) for r in sorted(riders)),
        max_minutes_from_kitchen=HOT_MEAL_MINUTES,
    )
    plan = plan_rounds(
        problem, EBIKE, rulebook=load_rulebook(FALLBACK_RULEBOOK), seed=0, iterations=200
    )
    planned = plan.planned()
    trips: dict[str, int] = {}
    for row, _elder in found:
        if str(row.id) not in planned:
            continue  # stays with its familiar rider, unplanned (none in this demo)
        rider, trip, stop = planned[str(row.id)]
        row.rider_id = int(rider)
        row.trip = trips.setdefault(f"{rider}:{trip.depart_s}", len(trips) + 1)
        row.planned_at = seeding.at(day, stop.arrive_s)
        row.plan_note = (
            None if stop.note is None else {"id": stop.note.id, "params": dict(stop.note.params)}
        )
    session.flush()


def _seconds(clock: str) -> float:
    hours, minutes = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60.0


def _yesterdays_alert(
    seeding: _Seeding, canteen: Canteen, day: date, people: dict[str, int]
) -> None:
    """Yesterday's lunch round, delivered but for one door nobody answered: its alert open,
    the rider's call and the first contact's taken. Only while no alert of the canteen's
    older people is open, and once per day (an alert per meal)."""
    session = seeding.session
    rider_id = people["rider"]
    elder_ids = select(Elder.id).where(Elder.canteen_id == canteen.id)
    if session.scalar(
        select(ElderAlert.id)
        .where(ElderAlert.elder_id.in_(elder_ids), ElderAlert.closed_at.is_(None))
        .limit(1)
    ):
        return
    _make_meals(seeding, canteen, day, Meal.lunch)
    meals: list[tuple[ElderMeal, Elder]] = [
        (row, elder)
        for row, elder in session.execute(
            select(ElderMeal, Elder)
            .join(Elder, Elder.id == ElderMeal.elder_id)
            .where(
                ElderMeal.canteen_id == canteen.id,
                ElderMeal.day == day,
                ElderMeal.meal == Meal.lunch.value,
            )
            .order_by(Elder.id)
        )
    ]
    by_elder = sorted({elder.id for _, elder in meals})
    if len(by_elder) <= ALERT_PERSON:
        return
    unanswered = by_elder[ALERT_PERSON]
    ready = _seconds(canteen.lunch_ready)
    for number, (row, elder) in enumerate(meals):
        if row.door_check is not None or row.state != "ordered":
            if elder.id == unanswered:
                return  # this meal's door check is recorded: no second alert from it
            continue
        at = seeding.at(day, ready + 240.0 * (number + 1))
        row.rider_id = rider_id
        row.trip = 1
        row.planned_at = at
        row.left_kitchen_at = seeding.at(day, ready)
        if elder.id != unanswered:
            row.state, row.door_check = "delivered", DoorCheck.seen_well.value
            row.delivered_at = at
            row.by_primary = rider_id == elder.primary_rider_id
            session.flush()
            post_delivered_meal(session, row)
            continue
        row.state, row.door_check = "not_delivered", DoorCheck.no_answer.value
        _open_alert(seeding, row, elder, (rider_id, people.get("officer")), at)
    session.flush()


def _open_alert(
    seeding: _Seeding,
    meal: ElderMeal,
    elder: Elder,
    takers: tuple[int, int | None],
    at: datetime,
) -> None:
    """The rider's alert: they called the older person, the officer called the first
    contact; the committee is next, and overdue."""
    session = seeding.session
    rider_id, officer_id = takers
    care = CareIn.model_validate_json(seeding.cipher.decrypt(elder.care_enc))
    tier = risk_tier(
        bedridden=care.mobility is Mobility.bedridden,
        lives_alone=care.lives_alone,
        wheelchair=care.mobility is Mobility.wheelchair,
    )
    alert = ElderAlert(
        elder_id=elder.id, meal_id=meal.id, subdistrict=elder.subdistrict,
        door_check=DoorCheck.no_answer.value, tier=tier.value, opened_at=at,
        opened_by=rider_id, note="敲门三次无人应答，邻居说上午没见她出门",
    )  # fmt: skip
    session.add(alert)
    session.flush()
    contacts = list(
        session.scalars(
            select(ElderContact.id)
            .where(ElderContact.elder_id == elder.id)
            .order_by(ElderContact.position)
        )
    )
    steps = Ladder.build(contacts, tier, check=DoorCheck.no_answer).steps
    taken = (
        (rider_id, 1, "电话没人接"),
        (officer_id, 4, "儿子说母亲可能去医院复查了，正在赶过去"),
    )
    for seq, ((who, minutes, note), step) in enumerate(zip(taken, steps, strict=False)):
        session.add(
            ElderAlertStep(
                alert_id=alert.id, seq=seq, kind=step.kind.value,
                contact_position=step.position, taken_at=at + timedelta(minutes=minutes),
                taken_by=who, note=note,
            )
        )  # fmt: skip
