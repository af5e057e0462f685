"""A year of synthetic 12345 hotline complaints for the demo: clearly labelled, seeded.

The published account of 中海真如环宇城MAX says delivery-related complaints around the mall
fell from about 18 a month to about 2 after three dedicated e-bike parking zones, five
pickup-only lifts and a rider station were opened. It gives no dates and no costs: the dates
and costs of `MEASURES` are ASSUMPTIONS made for the demo. The generator draws complaints
around the mall at 18 a month before the main measure and 2 a month after it (Poisson, with
the season: fewer around Spring Festival when riders go home, more in summer), and a
background elsewhere in Putuo, delivery-related and not (construction noise, rubbish, street
lights …), so that a topic classifier has records to ignore.

With them, pickup times at the mall as a platform would send them (`synthetic_pickups`): about
four minutes quicker after the parking zones and the pickup-only lifts (the account says 3–5).

Every record is marked: its id starts with "SYN-" and its content ends with "（合成数据）";
`SYNTHETIC_NOTE` says what the data are. Rows carry the hotline export's columns (and the
generator's truth, for tests); `to_csv_bytes` writes the export's Chinese headers.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
SYNTHETIC_NOTE = (
    "合成数据：本数据为演示用的模拟 12345 工单，由程序按固定随机种子生成，并非真实市民诉求；"
    "措施的日期与费用为假设（公开报道未给出）。工单编号以“SYN-”开头。"
)
SYNTHETIC_MARK = "（合成数据）"
RECORD_PREFIX = "SYN-"
DEFAULT_SEED = 116
"""A seed whose year shows the reported pattern (observed 18 a month before, 2 after)."""
FIRST_DAY = date(2025, 1, 6)
"""A Monday: the year is 52 whole weeks from here (weekly counts need whole weeks)."""
WEEKS = 52
MALL = "中海真如环宇城MAX"
BEFORE_PER_MONTH = 18.0
AFTER_PER_MONTH = 2.0
CSV_HEADERS = ("工单编号", "受理时间", "事发地址", "诉求类别", "诉求内容")

Topic = Literal[
    "parking",
    "pavement_riding",
    "fire_passage",
    "conflict",
    "rider_noise",
    "mall_noise",
    "car_park",
    "construction_noise",
    "rubbish",
    "car_parking",
    "street_light",
    "property",
    "square_dance",
    "leak",
    "trees",
]
DELIVERY_TOPICS: frozenset[Topic] = frozenset(
    {"parking", "pavement_riding", "fire_passage", "conflict", "rider_noise"}
)


@dataclass(frozen=True)
class SyntheticMeasure:
    """A measure at the mall; dates and costs are assumptions (see the module's docstring)."""

    key: str
    title_en: str
    title_zh: str
    place: str
    starts_on: date
    cost_fen: int


MEASURES: tuple[SyntheticMeasure, ...] = (
    SyntheticMeasure(
        "parking_zones",
        "Three dedicated e-bike parking zones",
        "三处电动车专用停车区",
        MALL,
        date(2025, 6, 9),
        180_000_00,
    ),
    SyntheticMeasure(
        "pickup_lifts",
        "Five pickup-only lifts",
        "五部取餐专用电梯",
        MALL,
        date(2025, 6, 9),
        75_000_00,
    ),
    SyntheticMeasure(
        "rider_station",
        "A 24-hour rider station",
        "24小时骑手驿站",
        MALL,
        date(2025, 7, 7),
        320_000_00,
    ),
)
MAIN_MEASURE = MEASURES[0]
"""The measure the drop is generated at (the parking zones and the lifts opened together)."""


@dataclass(frozen=True)
class SyntheticComplaint:
    """One record as the hotline exports it, plus the generator's truth (not exported)."""

    record_id: str
    received_at: datetime
    address: str
    category: str
    content: str
    topic: Topic
    at_mall: bool

    @property
    def delivery(self) -> bool:
        return self.topic in DELIVERY_TOPICS


@dataclass(frozen=True)
class SyntheticTruth:
    """What the generator used, for tests to check an evaluation against."""

    first_day: date
    weeks: int
    measure_on: date
    before_per_month: float
    after_per_month: float

    @property
    def relative_change(self) -> float:
        """The generated change in level: −0.889 for 18 → 2 a month."""
        return self.after_per_month / self.before_per_month - 1


@dataclass(frozen=True)
class SyntheticYear:
    rows: tuple[SyntheticComplaint, ...]
    measures: tuple[SyntheticMeasure, ...]
    truth: SyntheticTruth
    note: str = SYNTHETIC_NOTE


# --- where --------------------------------------------------------------------------------

MALL_SPOTS = ("北门", "东侧人行道", "南广场", "地下车库出入口", "西侧消防通道", "北门外公交站旁")
MALL_ADDRESSES = (
    "普陀区真如镇街道铜川路中海真如环宇城MAX{spot}",
    "上海市普陀区铜川路近真北路中海真如环宇城MAX{spot}",
    "普陀区中海真如环宇城MAX{spot}",
    "普陀区真如镇街道中海真如环宇城MAX{spot}",
    "真如环宇城MAX{spot}",
    "上海市普陀区真如镇街道铜川路（中海真如环宇城MAX）{spot}",
)
# Roads and estates elsewhere in Putuo with their sub-districts (for the background).
PUTUO_PLACES: tuple[tuple[str, str, Literal["road", "estate"]], ...] = (
    ("长寿路街道", "长寿路", "road"),
    ("长寿路街道", "武宁路", "road"),
    ("长寿路街道", "西康路", "road"),
    ("长寿路街道", "昌化路", "road"),
    ("曹杨新村街道", "曹杨路", "road"),
    ("曹杨新村街道", "兰溪路", "road"),
    ("曹杨新村街道", "枣阳路", "road"),
    ("曹杨新村街道", "曹杨新村", "estate"),
    ("长风新村街道", "金沙江路", "road"),
    ("长风新村街道", "大渡河路", "road"),
    ("长风新村街道", "云岭东路", "road"),
    ("长风新村街道", "长风新村", "estate"),
    ("宜川路街道", "宜川路", "road"),
    ("宜川路街道", "光复西路", "road"),
    ("宜川路街道", "中远两湾城", "estate"),
    ("甘泉路街道", "甘泉路", "road"),
    ("甘泉路街道", "志丹路", "road"),
    ("甘泉路街道", "新村路", "road"),
    ("石泉路街道", "石泉路", "road"),
    ("石泉路街道", "中山北路", "road"),
    ("石泉路街道", "宁强路", "road"),
    ("万里街道", "真华路", "road"),
    ("万里街道", "万里城", "estate"),
    ("真如镇街道", "真北路", "road"),
    ("真如镇街道", "真光路", "road"),
    ("真如镇街道", "真光新村", "estate"),
    ("长征镇", "梅川路", "road"),
    ("长征镇", "同普路", "road"),
    ("桃浦镇", "桃浦路", "road"),
    ("桃浦镇", "祁连山南路", "road"),
    ("桃浦镇", "武威路", "road"),
)

# --- what: (category, templates) per topic; {spot} is a place at the mall or on the road ---

TEMPLATES: dict[Topic, tuple[str, tuple[str, ...]]] = {
    "parking": (
        "市容环境",
        (
            "{spot}外卖电动车乱停乱放，一到饭点几十辆车把人行道堵满，行人只能走到机动车道上，请相关部门管理。",
            "每天中午和晚上{spot}外卖骑手的电瓶车停得密密麻麻，推婴儿车根本过不去，希望设置专门的停车区域。",
            "{spot}盲道上停满外卖电动车，视障人士无法通行，已经反映过多次，没有改善。",
            "{spot}非机动车乱停，骑手取餐时车辆横七竖八，顾客进出都要绕行，请求整治。",
        ),
    ),
    "pavement_riding": (
        "交通管理",
        (
            "外卖骑手在{spot}一带人行道上逆行、快速骑行，差点撞到老人和小孩，存在很大安全隐患。",
            "每天饭点大量外卖电动车在{spot}人行道上穿行，车速很快，行人躲闪不及，请求交警加强管理。",
            "骑手为了赶时间直接从{spot}骑车穿过，那里有很多小孩玩耍，非常危险。",
        ),
    ),
    "fire_passage": (
        "消防安全",
        (
            "{spot}消防通道被外卖电动车长期占用，一旦发生火灾后果不堪设想，请消防部门核查。",
            "{spot}的消防通道停满骑手的电瓶车，物业劝离无效，请求处理。",
            "发现有骑手把电动车推进{spot}楼道充电，还堵住了安全出口，存在火灾隐患。",
        ),
    ),
    "conflict": (
        "城市管理",
        (
            "外卖骑手进商场取餐被保安拦下，不让走客梯，双方在{spot}发生争执，围观的人很多，希望商场给骑手一个取餐通道。",
            "骑手在{spot}等餐时间太长，和商户店员发生口角，影响顾客用餐，请协调处理。",
            "取餐电梯太挤，骑手和顾客抢电梯发生冲突，{spot}经常堵人，请商场合理安排。",
            "骑手因为停车问题和保安在{spot}推搡，希望有关部门介入调解，给骑手规划停车的地方。",
        ),
    ),
    "rider_noise": (
        "环境保护",
        (
            "深夜外卖骑手在{spot}楼下大声打电话、按喇叭，影响居民休息。",
            "{spot}附近每天凌晨都有骑手聚集等单，说话声音很大，老人睡不好觉。",
        ),
    ),
    "mall_noise": (
        "环境保护",
        (
            "{spot}外摆的音响声音过大，晚上十点以后还在播放，影响周边居民休息。",
            "{spot}搞促销活动，喇叭一整天循环播放，噪声扰民。",
        ),
    ),
    "car_park": (
        "城市管理",
        ("环宇城地下车库收费标准不清楚，出口排队时间很长，请求核实收费是否合规。",),
    ),
    "construction_noise": (
        "环境保护",
        (
            "{spot}附近工地夜间施工，晚上十一点以后还有打桩和渣土车的声音，严重影响休息。",
            "{spot}道路开挖施工，早上六点不到就开始作业，噪声很大，请查处。",
        ),
    ),
    "rubbish": (
        "市容环境",
        (
            "{spot}垃圾箱房垃圾满溢无人清运，气味很大，夏天蚊蝇很多。",
            "{spot}有人乱倒建筑垃圾，堆了好几天没人处理。",
        ),
    ),
    "car_parking": (
        "交通管理",
        (
            "{spot}沿街机动车乱停，占用非机动车道，早晚高峰拥堵严重。",
            "{spot}路口经常有车辆违停，公交车进站困难。",
        ),
    ),
    "street_light": (
        "市政设施",
        (
            "{spot}附近路灯不亮已经一周了，晚上走路很黑，存在安全隐患。",
            "{spot}人行道地砖松动破损，下雨天一踩就溅水，老人容易摔倒。",
        ),
    ),
    "property": (
        "物业管理",
        (
            "{spot}电梯经常故障，物业维修不及时，老人上下楼困难。",
            "{spot}物业不按规定公示维修资金使用情况，居民多次询问没有答复。",
        ),
    ),
    "square_dance": (
        "城市管理",
        ("{spot}广场舞音响声音太大，每天晚上持续到九点半以后。",),
    ),
    "leak": (
        "物业管理",
        ("{spot}地下室漏水，墙面发霉，多次联系物业没有解决。",),
    ),
    "trees": (
        "市容环境",
        ("{spot}行道树树枝遮挡交通信号灯，请求修剪。",),
    ),
}

# Per month, district-wide, before the season: the background's topics and rates.
MALL_OTHER: dict[Topic, float] = {"mall_noise": 0.7, "car_park": 0.3}
BACKGROUND: dict[Topic, float] = {
    "parking": 10.0,
    "pavement_riding": 8.0,
    "fire_passage": 4.0,
    "rider_noise": 6.0,
    "construction_noise": 22.0,
    "rubbish": 18.0,
    "car_parking": 20.0,
    "street_light": 12.0,
    "property": 16.0,
    "square_dance": 7.0,
    "leak": 6.0,
    "trees": 5.0,
}
MALL_WEIGHTS: dict[Topic, float] = {
    "parking": 0.4,
    "pavement_riding": 0.25,
    "fire_passage": 0.15,
    "conflict": 0.2,
}


def synthetic_year(seed: int = DEFAULT_SEED) -> SyntheticYear:
    """The demo year: complaints from `FIRST_DAY` for `WEEKS` weeks, the same for the same
    seed, sorted by time, numbered SYN-<year>-000001 … within each year."""
    rng = random.Random(seed)
    drafts: list[tuple[datetime, tuple[str, str], Topic, bool]] = []
    measure_on = MAIN_MEASURE.starts_on
    for k in range(WEEKS * 7):
        day = FIRST_DAY + timedelta(days=k)
        season = seasonal_factor(day)
        per_day = (BEFORE_PER_MONTH if day < measure_on else AFTER_PER_MONTH) / 30.4375
        for _ in range(_poisson(rng, per_day * season)):
            topic = _pick(rng, MALL_WEIGHTS)
            drafts.append((_when(rng, day, meal_peaks=True), _mall_place(rng), topic, True))
        for topic, rate in MALL_OTHER.items():
            for _ in range(_poisson(rng, rate / 30.4375 * season)):
                drafts.append((_when(rng, day, meal_peaks=False), _mall_place(rng), topic, True))
        for topic, rate in BACKGROUND.items():
            for _ in range(_poisson(rng, rate / 30.4375 * season)):
                at = _when(rng, day, meal_peaks=topic in DELIVERY_TOPICS)
                drafts.append((at, _district_place(rng), topic, False))
    drafts.sort(key=lambda d: d[0])
    rows = []
    numbers: dict[int, int] = {}  # numbered within each year, as the hotline does
    for at, (address, spot), topic, at_mall in drafts:
        category, templates = TEMPLATES[topic]
        numbers[at.year] = n = numbers.get(at.year, 0) + 1
        rows.append(
            SyntheticComplaint(
                record_id=f"{RECORD_PREFIX}{at.year}-{n:06d}",
                received_at=at,
                address=address,
                category=category,
                content=rng.choice(templates).format(spot=spot) + SYNTHETIC_MARK,
                topic=topic,
                at_mall=at_mall,
            )
        )
    truth = SyntheticTruth(FIRST_DAY, WEEKS, measure_on, BEFORE_PER_MONTH, AFTER_PER_MONTH)
    return SyntheticYear(rows=tuple(rows), measures=MEASURES, truth=truth)


# --- pickup times ---------------------------------------------------------------------------

PICKUPS_PER_DAY = 12.0
PICKUP_BEFORE_MINUTES = 11.0
PICKUP_AFTER_MINUTES = 7.0
"""Four minutes quicker after the parking zones and the pickup-only lifts: the middle of the
3–5 minutes the district reported (the before and after levels are ASSUMPTIONS)."""
PICKUP_SPREAD_MINUTES = 3.0
RUSH_EXTRA_MINUTES = 1.5
PICKUP_PREFIX = "SYN-P-"


@dataclass(frozen=True)
class SyntheticPickup:
    """One generated pickup at the mall: where relative to the mall's point, in metres."""

    pickup_id: str
    picked_at: datetime
    east_m: float
    north_m: float
    minutes: float


def synthetic_pickups(seed: int = DEFAULT_SEED) -> tuple[SyntheticPickup, ...]:
    """Pickup times at the mall over the demo year: about `PICKUPS_PER_DAY` a day within
    150 m of it, normal around 11 minutes before the main measure and 7 after (1.5 more in
    the lunch and dinner rushes), at least one minute. The same for the same seed."""
    rng = random.Random(seed * 7919 + 1)
    out: list[SyntheticPickup] = []
    for k in range(WEEKS * 7):
        day = FIRST_DAY + timedelta(days=k)
        mean = PICKUP_BEFORE_MINUTES if day < MAIN_MEASURE.starts_on else PICKUP_AFTER_MINUTES
        for _ in range(_poisson(rng, PICKUPS_PER_DAY)):
            at = _when(rng, day, meal_peaks=True)
            rush = at.hour in (11, 12, 17, 18, 19)
            minutes = max(
                1.0, rng.gauss(mean + (RUSH_EXTRA_MINUTES if rush else 0.0), PICKUP_SPREAD_MINUTES)
            )
            angle, r = rng.uniform(0, 2 * math.pi), 150 * math.sqrt(rng.random())
            out.append(
                SyntheticPickup(
                    pickup_id=f"{PICKUP_PREFIX}{len(out) + 1:06d}",
                    picked_at=at,
                    east_m=r * math.cos(angle),
                    north_m=r * math.sin(angle),
                    minutes=round(minutes, 1),
                )
            )
    return tuple(out)


def seasonal_factor(day: date) -> float:
    """Fewer complaints around Spring Festival (riders and residents go home), more in the
    summer months (more orders, longer evenings)."""
    if date(2025, 1, 25) <= day <= date(2025, 2, 9):
        return 0.5
    if day.month in (7, 8):
        return 1.2
    return 1.0


def to_csv_bytes(rows: Iterable[SyntheticComplaint]) -> bytes:
    """The rows as the hotline exports them: UTF-8 with BOM (as Excel saves it), Chinese
    headers, times as "YYYY-MM-DD HH:MM:SS" in Shanghai time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for row in rows:
        local = row.received_at.astimezone(SHANGHAI)
        when = local.strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow((row.record_id, when, row.address, row.category, row.content))
    return buffer.getvalue().encode("utf-8-sig")


# --- drawing ------------------------------------------------------------------------------


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: the means here are small (under 3 a day).
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _pick(rng: random.Random, weights: dict[Topic, float]) -> Topic:
    topics: Sequence[Topic] = list(weights)
    return rng.choices(topics, weights=[weights[t] for t in topics])[0]


def _when(rng: random.Random, day: date, *, meal_peaks: bool) -> datetime:
    if meal_peaks and rng.random() < 0.7:  # lunch and dinner rushes
        hour = rng.choice((11, 12, 12, 17, 18, 18, 19))
    else:
        hour = rng.randint(7, 22)
    return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), SHANGHAI)


def _mall_place(rng: random.Random) -> tuple[str, str]:
    """An address at the mall, and the place as a complaint names it."""
    spot = rng.choice(MALL_SPOTS)
    named = rng.choice(("中海真如环宇城MAX", "环宇城", "商场", "真如环宇城"))
    return rng.choice(MALL_ADDRESSES).format(spot=spot), f"{named}{spot}"


def _district_place(rng: random.Random) -> tuple[str, str]:
    subdistrict, name, kind = rng.choice(PUTUO_PLACES)
    prefix = rng.choice(("普陀区", "上海市普陀区", "普陀区"))
    if kind == "estate":
        building = f"{rng.randint(1, 60)}号楼"
        return f"{prefix}{subdistrict}{name}{building}", rng.choice((name, f"{name}{building}"))
    number = f"{rng.randint(1, 1800)}号"
    return f"{prefix}{subdistrict}{name}{number}", rng.choice((name, f"{name}{number}"))
