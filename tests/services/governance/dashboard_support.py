"""A small year of every service in two sub-districts, written straight into the tables the
district overview reads, with the numbers each of A and B must show (and a few rows that
must be counted nowhere: outside the window, not delivered, not delivery-related).

The two areas differ in every figure, so a number of B's appearing in A's answer (or in a
total an officer of A sees) is caught."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from gigcity.db import rollups
from gigcity.db.models import (
    Canteen,
    Elder,
    ElderMeal,
    Estate,
    GovComplaint,
    GovConsultation,
    GovMapUse,
    GovMeasure,
    GovSurvey,
    GovSurveyAnswer,
    Place,
    RelayItem,
    Report,
    ReportDailyCount,
    ReportResolutionCount,
    StayBed,
    StayBooking,
    StayHome,
    StayRoom,
    VolunteerTask,
)
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.platform import Platform
from support import add_account

A = "wanli"
B = "changzheng"
SINCE = date(2025, 1, 1)
UNTIL = date(2025, 12, 31)
TODAY = date(2025, 12, 15)
NOW = datetime(2025, 12, 15, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time as the UTC instant stored."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


# What each area must show for the window SINCE..UNTIL, figure by figure (the month of each
# non-zero figure as (month, value) pairs where it matters).
EXPECTED: dict[str, dict[str, int]] = {
    A: {
        "complaints": 4,
        "reports_filed": 4,  # 3 for an officer: one of them is held
        "reports_resolved": 2,  # 1 for an officer
        "survey_answers": 3,
        "consultations_held": 1,
        "agreed_overdue": 1,
        "measures_started": 1,
        "measures_cost_fen": 150_000,
        "relay_delivered": 2,
        "meals_delivered": 2,
        "bed_nights": 3,
        "volunteer_tasks_done": 1,
        "map_nearby": 5,
        "map_details": 1,
    },
    B: {
        "complaints": 3,
        "reports_filed": 7,
        "reports_resolved": 5,
        "survey_answers": 5,
        "consultations_held": 2,
        "agreed_overdue": 3,
        "measures_started": 2,
        "measures_cost_fen": 100,
        "relay_delivered": 4,
        "meals_delivered": 3,
        "bed_nights": 1,
        "volunteer_tasks_done": 2,
        "map_nearby": 4,
        "map_details": 7,
    },
}
TOPICS = {A: {"parking": 2, "noise": 1, "pavement": 1}, B: {"parking": 3}}
UNPLACED = 1  # a complaint placed in no sub-district: the district's total only
HELD_FILED = 1  # held reports of A (filed and resolved): an admin's only
POINTS = {A: {"rider_station": 1}, B: {"rider_station": 1}}


@dataclass
class Seeded:
    officer_a: Principal
    officer_b: Principal
    rider: Principal


def seed_overview(platform: Platform) -> Seeded:
    rider = add_account(platform, "dash-rider", Role.rider)
    guest = add_account(platform, "dash-guest", Role.rider)
    seeded = Seeded(
        officer_a=add_account(platform, "dash-officer-a", Role.officer, subdistrict=A),
        officer_b=add_account(platform, "dash-officer-b", Role.officer, subdistrict=B),
        rider=rider,
    )
    with transaction(platform.factory) as s:
        _complaints(s)
        _map_uses(s)
        _reports(s)
        _voices(s)
        _relay(s)
        _meals(s)
        _beds(s, [rider.account_id or 0, guest.account_id or 0])
    return seeded


def _complaint(s: Any, n: int, at: datetime, sub: str | None, topic: str | None) -> None:
    s.add(
        GovComplaint(
            fingerprint=f"dash-{n}", received_at=at, address="地址", content="内容",
            subdistrict=sub, placed=sub is not None, topic=topic,
        )
    )  # fmt: skip


def _complaints(s: Any) -> None:
    rows = [
        # 00:30 on 1 March in Shanghai is still February in UTC: March.
        (datetime(2025, 2, 28, 16, 30, tzinfo=UTC), A, "parking"),
        (local(date(2025, 3, 20)), A, "parking"),
        (local(date(2025, 11, 3)), A, "noise"),
        (local(date(2025, 1, 1), 0, 30), A, "pavement"),  # the window's first half hour
        (local(date(2024, 12, 31), 23, 30), A, "parking"),  # before the window
        (local(date(2025, 3, 2)), A, None),  # not about deliveries
        (local(date(2025, 3, 3)), B, "parking"),
        (local(date(2025, 3, 4)), B, "parking"),
        (local(date(2025, 12, 31), 23, 59), B, "parking"),  # the window's last minute
        (local(date(2026, 1, 1), 0, 1), B, "parking"),  # after it
        (local(date(2025, 6, 1)), None, "conflict"),  # not placed yet
    ]
    for n, (at, sub, topic) in enumerate(rows):
        _complaint(s, n, at, sub, topic)


def _map_uses(s: Any) -> None:
    """The friendly map's counters as the workers' UPSERTs leave them (by local day)."""
    rows = [
        (date(2025, 1, 1), A, "nearby", 3),
        (date(2025, 6, 30), A, "nearby", 2),
        (date(2025, 6, 30), A, "details", 1),
        (date(2024, 12, 31), A, "nearby", 50),  # before the window
        (date(2025, 12, 31), B, "nearby", 4),
        (date(2025, 3, 3), B, "details", 7),
        (date(2026, 1, 1), B, "details", 60),  # after it
    ]
    for day, sub, kind, n in rows:
        s.add(GovMapUse(day=day, subdistrict=sub, kind=kind, count=n))


def _reports(s: Any) -> None:
    """The rollups as the reports' service keeps them, and A's held report behind them."""
    s.add_all(
        [
            ReportDailyCount(day=date(2025, 3, 5), subdistrict=A, category="road_hazard",
                             status="resolved", count=2),
            ReportDailyCount(day=date(2025, 3, 5), subdistrict=A, category="road_hazard",
                             status="submitted", count=2),
            ReportDailyCount(day=date(2025, 3, 6), subdistrict=B, category="road_hazard",
                             status="submitted", count=7),
            ReportDailyCount(day=date(2024, 12, 31), subdistrict=B, category="road_hazard",
                             status="submitted", count=50),
        ]
    )  # fmt: skip
    for grain, period in ((rollups.MONTH, date(2025, 3, 1)), (rollups.DAY, date(2025, 3, 10))):
        for sub, category, n in ((A, rollups.ALL, 2), (A, "road_hazard", 2), (B, rollups.ALL, 5),
                                 (B, "road_hazard", 5), (rollups.ALL, rollups.ALL, 7)):  # fmt: skip
            s.add(
                ReportResolutionCount(
                    grain=grain, period=period, subdistrict=sub, category=category, bucket=30,
                    count=n, within_sla=n,
                )
            )  # fmt: skip
    filed = local(date(2025, 3, 5), 9)
    s.add(
        Report(
            token="dash-held", category="road_hazard", lon=121.40, lat=31.27, subdistrict=A,
            status="resolved", is_open=False, held=True, source="app", created_at=filed,
            due_at=filed + timedelta(days=2), resolved_at=filed + timedelta(hours=3),
            resolution_s=3 * 3600,
        )
    )  # fmt: skip


def _voices(s: Any) -> None:
    surveys = {
        sub: GovSurvey(code=f"dash-{sub}", title="问卷", audience="riders", questions=[],
                       place_name="驿站", lat=31.27, lon=121.40, subdistrict=sub)
        for sub in (A, B)
    }  # fmt: skip
    s.add_all(surveys.values())
    s.flush()
    for sub, n in ((A, 3), (B, 5)):
        for k in range(n):
            s.add(
                GovSurveyAnswer(survey_id=surveys[sub].id, client_key=f"{sub}-{k}",
                                respondent="rider", answers={}, subdistrict=sub,
                                at=local(date(2025, 5, 10 + k)))
            )  # fmt: skip
    s.add(GovSurveyAnswer(survey_id=surveys[A].id, client_key="late", respondent="rider",
                          answers={}, subdistrict=A, at=local(date(2026, 1, 2))))  # fmt: skip
    due, later = "2025-05-01", "2026-01-10"

    def meeting(sub: str, held: date, agreed: list[dict[str, Any]]) -> GovConsultation:
        return GovConsultation(title="协商", held_on=held, place_name="小区", lat=31.27,
                               lon=121.40, subdistrict=sub, parties=[], agreed=agreed)  # fmt: skip

    s.add_all(
        [
            meeting(A, date(2025, 4, 10), [
                {"what": "划线", "owner": "物业", "due_on": due, "done_on": None},
                {"what": "开门", "owner": "物业", "due_on": due, "done_on": "2025-04-30"},
                {"what": "装灯", "owner": "街道", "due_on": later, "done_on": None},
            ]),
            meeting(B, date(2025, 4, 12), [
                {"what": "划线", "owner": "物业", "due_on": due, "done_on": None},
                {"what": "开门", "owner": "物业", "due_on": due, "done_on": None},
            ]),
            meeting(B, date(2025, 8, 1), [
                {"what": "装灯", "owner": "街道", "due_on": "2025-09-01", "done_on": None},
            ]),
            meeting(A, date(2024, 12, 31), [
                {"what": "旧的", "owner": "物业", "due_on": due, "done_on": None},
            ]),
        ]
    )  # fmt: skip

    def measure(sub: str, started: date, cost: int | None) -> GovMeasure:
        return GovMeasure(kind="parking_zones", title="停车区", place_name="商场", lat=31.27,
                          lon=121.40, subdistrict=sub, radius_m=300, started_on=started,
                          cost_fen=cost)  # fmt: skip

    s.add_all(
        [
            measure(A, date(2025, 7, 1), 150_000),
            measure(B, date(2025, 7, 2), 100),
            measure(B, date(2025, 7, 3), None),
            measure(A, date(2026, 1, 1), 999),
        ]
    )


def _relay(s: Any) -> None:
    estates = {
        sub: Estate(name=f"小区{sub}", subdistrict=sub, lon=121.40, lat=31.27, document={})
        for sub in (A, B)
    }
    s.add_all(estates.values())
    s.flush()
    items = [(A, "delivered"), (A, "delivered"), (A, "cancelled"), *[(B, "delivered")] * 4]
    for n, (sub, state) in enumerate(items):
        s.add(
            RelayItem(order_ref=f"dash-{n}", estate_id=estates[sub].id, point_ref="p1",
                      building="1", state=state, handoff_code_hash="x", confirm_code_hash="y",
                      finished_at=local(date(2025, 8, 5 + n)))
        )  # fmt: skip


def _meals(s: Any) -> None:
    # One canteen in A cooks for older people of both: meals count where the person lives.
    canteen = Canteen(name="长者食堂", subdistrict=A, lon=121.40, lat=31.27, lunch_capacity=50,
                      price_fen=1500)  # fmt: skip
    s.add(canteen)
    s.flush()
    elders = {}
    for sub in (A, B):
        elders[sub] = Elder(
            subdistrict=sub, canteen_id=canteen.id, lon=121.40, lat=31.27,
            subsidy_category="standard", name_enc="x", first_name_enc="x", door_enc="x",
            care_enc="x", consent_by="self", consent_note_enc="x", consented_at=NOW,
        )  # fmt: skip
    s.add_all(elders.values())
    s.flush()
    meals = [(A, 1, "delivered"), (A, 2, "delivered"), (A, 3, "cancelled"),
             (B, 1, "delivered"), (B, 2, "delivered"), (B, 3, "delivered")]  # fmt: skip
    for sub, day, state in meals:
        s.add(
            ElderMeal(elder_id=elders[sub].id, canteen_id=canteen.id, day=date(2025, 9, day),
                      meal="lunch", state=state, subsidy_category="standard",
                      funding_rule="r", price_fen=1500, subsidy_fen=0, enterprise_fen=0,
                      charity_fen=0, copay_fen=1500)
        )  # fmt: skip
    tasks = [(A, True), (A, False), (B, True), (B, True)]
    for n, (sub, done) in enumerate(tasks):
        s.add(
            VolunteerTask(elder_id=elders[sub].id, kind="carry", title="搬米",
                          day=date(2025, 10, 1 + n),
                          done_at=local(date(2025, 10, 1 + n), 15) if done else None)
        )  # fmt: skip


def _beds(s: Any, accounts: list[int]) -> None:
    for sub, lon, bookings in (
        (A, 121.40, [(3, "checked_out"), (2, "cancelled")]),
        (B, 121.37, [(1, "booked")]),
    ):
        place = Place(name=f"司机之家{sub}", kind="rider_station", lon=lon, lat=31.27,
                      subdistrict=sub)  # fmt: skip
        s.add(place)
        s.flush()
        s.add(StayHome(place_id=place.id, checkin_cutoff="23:00"))
        room = StayRoom(place_id=place.id, name="1", section="mixed")
        s.add(room)
        s.flush()
        for n, (nights, state) in enumerate(bookings):
            bed = StayBed(room_id=room.id, place_id=place.id, section="mixed", label=f"{n}",
                          kind="single")  # fmt: skip
            s.add(bed)
            s.flush()
            first = date(2025, 10, 1)
            s.add(
                StayBooking(bed_id=bed.id, place_id=place.id, account_id=accounts[n],
                            kind="night", starts_at=local(first, 18),
                            ends_at=local(first + timedelta(days=nights), 10), state=state,
                            check_by=local(first, 23))
            )  # fmt: skip
