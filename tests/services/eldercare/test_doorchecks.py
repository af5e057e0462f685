"""The door check at every delivery and the alerts it opens, on SQLite and PostgreSQL: what
each answer does to the meal and the funders' ledger, who hears of it and when, the ladder
taken in order with who and when, and races where exactly one wins."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gigcity.db.models import ElderAlert, ElderAlertStep, ElderMeal, ElderRead, FunderMovement
from gigcity.services.eldercare.doorchecks import ESCALATE_JOB
from gigcity.services.eldercare.ladder import DoorCheck, Outcome, StepKind
from gigcity.services.errors import Conflict, Forbidden, NotFound
from gigcity.services.platform import Platform
from services.eldercare.doorcheck_support import (
    DOOR,
    FIRST_NAME,
    LUNCH_ROUND,
    TODAY,
    Meals,
    add_meal,
    enrol,
    make_meals,
)

T = TypeVar("T")


@pytest.fixture
def meals(platform: Platform) -> Meals:
    return make_meals(platform)


def meal_row(meals: Meals, meal_id: int) -> ElderMeal:
    with meals.service.factory() as session:
        meal = session.get(ElderMeal, meal_id)
        assert meal is not None
        return meal


def ledger(meals: Meals) -> dict[int, int]:
    """Fen owed by all funders, by meal."""
    with meals.service.factory() as session:
        rows = session.execute(
            select(FunderMovement.meal_id, func.sum(FunderMovement.amount_fen)).group_by(
                FunderMovement.meal_id
            )
        )
        return {meal_id: int(total) for meal_id, total in rows}


def count(meals: Meals, model: type[ElderAlert] | type[ElderAlertStep]) -> int:
    with meals.service.factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def race(n: int, work: Callable[[int], T]) -> list[T | Exception]:
    """`work(i)` for i < n in n threads started together; each result or the error."""
    barrier = Barrier(n)

    def one(i: int) -> T | Exception:
        barrier.wait()
        try:
            return work(i)
        except (Conflict, Forbidden) as lost:
            return lost

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


# -- what each answer does ----------------------------------------------------------------


def test_seen_well_delivers_the_meal_charges_the_funders_and_opens_no_alert(
    meals: Meals,
) -> None:
    meal_id = add_meal(meals, enrol(meals))
    out = meals.service.record_door_check(meals.primary, meal_id, "seen_well", locale="en")
    assert (out.result, out.state, out.alert_id) == (DoorCheck.seen_well, "delivered", None)
    assert out.result_text == "Seen and well"
    assert out.recorded_at == LUNCH_ROUND
    meal = meal_row(meals, meal_id)
    assert meal.rider_id == meals.primary.account_id
    assert meal.by_primary is True
    assert ledger(meals) == {meal_id: 1500}
    assert count(meals, ElderAlert) == 0


def test_the_backup_rider_delivers_when_no_rider_is_set_and_it_is_not_by_the_primary(
    meals: Meals,
) -> None:
    meal_id = add_meal(meals, enrol(meals))
    meals.service.record_door_check(meals.backup, meal_id, DoorCheck.seen_well)
    meal = meal_row(meals, meal_id)
    assert (meal.state, meal.rider_id, meal.by_primary) == (
        "delivered",
        meals.backup.account_id,
        False,
    )


def test_only_the_rider_carrying_the_meal_may_record_its_door_check(meals: Meals) -> None:
    elder = enrol(meals)
    unassigned = add_meal(meals, elder)
    with pytest.raises(Forbidden):
        meals.service.record_door_check(meals.other_rider, unassigned, "seen_well")
    with pytest.raises(Forbidden):  # staff record no door checks
        meals.service.record_door_check(meals.officer, unassigned, "seen_well")
    carried_by_backup = add_meal(meals, elder, meal="dinner", rider=meals.backup)
    with pytest.raises(Forbidden):  # the meal's rider is set: the primary is not carrying it
        meals.service.record_door_check(meals.primary, carried_by_backup, "seen_well")
    with pytest.raises(NotFound):
        meals.service.record_door_check(meals.primary, 999_999, "seen_well")
    assert ledger(meals) == {}


def test_needs_help_delivers_and_alerts_the_committee_at_once(meals: Meals) -> None:
    meal_id = add_meal(meals, enrol(meals))
    out = meals.service.record_door_check(
        meals.primary, meal_id, "needs_help", "坐在地上起不来", locale="en"
    )
    assert out.state == "delivered"
    assert ledger(meals) == {meal_id: 1500}  # the meal was handed over
    assert out.alert_id is not None
    assert out.next_step is not None
    assert out.next_step.kind == StepKind.call_contact

    # No time has passed: the committee's staff see it already, its first rung done.
    [alert] = meals.service.alerts(meals.officer, locale="en")
    assert alert.id == out.alert_id
    assert (alert.door_check, alert.note) == (DoorCheck.needs_help, "坐在地上起不来")
    assert [(s.kind, s.taken_at, s.taken_by) for s in alert.steps] == [
        (StepKind.alert_committee, LUNCH_ROUND, None)
    ]
    assert alert.steps[0].taken_by_name == "Automatic (the system)"
    assert alert.next_step is not None
    assert alert.next_step.text == "Call emergency contact 1."
    assert [(c.position, c.relation, c.name, c.phone) for c in alert.contacts] == [
        (1, "family", "王芳", "13800138000"),
        (2, "committee", "李主任", "021-62220000"),
    ]


def test_no_answer_is_not_delivered_not_charged_and_opens_the_ladder(meals: Meals) -> None:
    meal_id = add_meal(meals, enrol(meals))  # walks, lives with family: standard tier
    out = meals.service.record_door_check(meals.primary, meal_id, "no_answer", locale="en")
    assert out.state == "not_delivered"
    assert meal_row(meals, meal_id).delivered_at is None
    assert ledger(meals) == {}
    assert out.next_step is not None
    assert (out.next_step.kind, out.next_step.is_due) == (StepKind.call_elder, True)

    [alert] = meals.service.alerts(meals.admin, locale="en")
    assert alert.tier == "standard"
    assert alert.steps == []
    # The ladder: the older person, her contacts in her order, the committee, emergency.
    expected = [
        ("call_elder", None, 0),
        ("call_contact", 1, 10),
        ("call_contact", 2, 20),
        ("alert_committee", None, 35),
        ("call_emergency", None, 55),
    ]
    for index, (kind, position, minutes) in enumerate(expected):
        taker = meals.primary if kind == "call_elder" else meals.officer
        current = meals.service.alerts(meals.officer, locale="en")[0]
        assert current.next_step is not None
        assert (current.next_step.index, current.next_step.kind) == (index, kind)
        assert current.next_step.contact_position == position
        assert current.next_step.due_at == LUNCH_ROUND + timedelta(minutes=minutes)
        meals.clock.advance(1)
        taken = meals.service.take_step(taker, alert.id, index, f"step {index}")
        assert taken.steps[-1].taken_by == taker.account_id
        assert taken.steps[-1].taken_at == meals.clock.now
    done = meals.service.alerts(meals.officer, locale="en")[0]
    assert [s.index for s in done.steps] == [0, 1, 2, 3, 4]
    assert done.next_step is None  # every rung taken: it waits for an outcome
    assert done.closed_at is None


def test_a_higher_risk_tier_climbs_the_ladder_faster(meals: Meals) -> None:
    alone_in_bed = add_meal(meals, enrol(meals, mobility="bedridden", lives_alone=True))
    meals.service.record_door_check(meals.primary, alone_in_bed, "no_answer")
    with_family = add_meal(meals, enrol(meals, first_name="桂兰"))
    meals.service.record_door_check(meals.primary, with_family, "no_answer")
    high, standard = meals.service.alerts(meals.officer)
    assert (high.tier, standard.tier) == ("high", "standard")
    for alert in (high, standard):
        meals.service.take_step(meals.primary, alert.id, 0, "")
    high, standard = meals.service.alerts(meals.officer)
    assert high.next_step is not None
    assert standard.next_step is not None
    assert high.next_step.due_at < standard.next_step.due_at


def test_steps_are_taken_in_order_and_only_the_call_to_the_elder_by_the_rider(
    meals: Meals,
) -> None:
    meal_id = add_meal(meals, enrol(meals))
    alert_id = meals.service.record_door_check(meals.primary, meal_id, "no_answer").alert_id
    assert alert_id is not None
    with pytest.raises(Conflict):  # the older person is called first
        meals.service.take_step(meals.officer, alert_id, 1, "")
    with pytest.raises(Forbidden):  # the rider who did not open it
        meals.service.take_step(meals.backup, alert_id, 0, "")
    with pytest.raises(Forbidden):  # staff of another sub-district
        meals.service.take_step(meals.officer2, alert_id, 0, "")
    meals.service.take_step(meals.primary, alert_id, 0, "没人接")
    with pytest.raises(Conflict):  # a double click
        meals.service.take_step(meals.primary, alert_id, 0, "没人接")
    with pytest.raises(Forbidden):  # calling the family is the staff's rung
        meals.service.take_step(meals.primary, alert_id, 1, "")
    with pytest.raises(NotFound):
        meals.service.take_step(meals.officer, 999_999, 0, "")
    assert count(meals, ElderAlertStep) == 1


# -- recording twice ----------------------------------------------------------------------


def test_the_same_answer_twice_is_stored_once(meals: Meals) -> None:
    for result in DoorCheck:
        meal_id = add_meal(meals, enrol(meals, first_name=f"长者{result}"))
        first = meals.service.record_door_check(meals.primary, meal_id, result, "第一次")
        meals.clock.advance(2)  # the queued check is sent again when back online
        again = meals.service.record_door_check(meals.primary, meal_id, result, "第二次")
        assert again == first.model_copy(update={"next_step": again.next_step})
    assert count(meals, ElderAlert) == 2  # needs_help and no_answer, once each
    delivered = dict(ledger(meals).items())
    assert sorted(delivered.values()) == [1500, 1500]


def test_a_different_answer_after_one_was_recorded_is_a_conflict(meals: Meals) -> None:
    meal_id = add_meal(meals, enrol(meals))
    meals.service.record_door_check(meals.primary, meal_id, "no_answer")
    with pytest.raises(Conflict):
        meals.service.record_door_check(meals.primary, meal_id, "seen_well")
    assert meal_row(meals, meal_id).state == "not_delivered"
    assert ledger(meals) == {}
    assert count(meals, ElderAlert) == 1


def test_no_door_check_for_a_cancelled_meal_or_one_of_a_later_day(meals: Meals) -> None:
    elder = enrol(meals)
    cancelled = add_meal(meals, elder, state="cancelled")
    tomorrow = add_meal(meals, elder, day=TODAY + timedelta(days=1))
    for meal_id in (cancelled, tomorrow):
        with pytest.raises(Conflict):
            meals.service.record_door_check(meals.primary, meal_id, "seen_well")
    assert ledger(meals) == {}


answers = st.sampled_from(list(DoorCheck))


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(checks=st.lists(st.tuples(answers, st.none() | answers), min_size=1, max_size=4))
def test_funders_pay_for_delivered_meals_only_and_alerts_open_once(
    meals: Meals, checks: list[tuple[DoorCheck, DoorCheck | None]]
) -> None:
    """Each meal's door check, perhaps sent a second time (the same answer or another):
    the funders owe the meals seen at the door, an alert per meal not seen well."""
    elder = enrol(meals)
    first_meal = None
    alerts_before = count(meals, ElderAlert)
    for day_back, (answer, again) in enumerate(checks):
        meal_id = add_meal(meals, elder, day=TODAY - timedelta(days=day_back))
        first_meal = first_meal or meal_id
        meals.service.record_door_check(meals.primary, meal_id, answer)
        if again is not None and again != answer:
            with pytest.raises(Conflict):
                meals.service.record_door_check(meals.primary, meal_id, again)
        elif again is not None:
            meals.service.record_door_check(meals.primary, meal_id, again)
    assert first_meal is not None
    owed = {m: fen for m, fen in ledger(meals).items() if m >= first_meal}
    delivered = [a is not DoorCheck.no_answer for a, _ in checks]
    assert list(owed.values()) == [1500] * sum(delivered)
    opened = count(meals, ElderAlert) - alerts_before
    assert opened == sum(a is not DoorCheck.seen_well for a, _ in checks)


# -- the staff's list ---------------------------------------------------------------------


def test_alerts_are_for_managers_of_the_sub_district_oldest_first(meals: Meals) -> None:
    first = add_meal(meals, enrol(meals, first_name="秀英"))
    second = add_meal(meals, enrol(meals, first_name="桂兰"))
    meals.service.record_door_check(meals.primary, first, "no_answer")
    meals.clock.advance(3)
    meals.service.record_door_check(meals.primary, second, "needs_help")
    listed = meals.service.alerts(meals.officer)
    assert [(a.first_name, a.door) for a in listed] == [("秀英", DOOR), ("桂兰", DOOR)]
    assert meals.service.alerts(meals.officer2) == []  # 长征's staff see their own
    with pytest.raises(Forbidden):
        meals.service.alerts(meals.officer2, subdistrict="wanli")
    with pytest.raises(Forbidden):
        meals.service.alerts(meals.primary)
    assert len(meals.service.alerts(meals.admin, subdistrict="wanli")) == 2


def test_every_read_of_an_alert_is_logged(meals: Meals) -> None:
    elder = enrol(meals)
    meal_id = add_meal(meals, elder)
    meals.service.record_door_check(meals.primary, meal_id, "no_answer")
    with meals.service.factory() as session:  # the rider's answer read nobody's data
        assert session.scalar(select(func.count()).select_from(ElderRead)) == 0
    meals.service.alerts(meals.officer)
    with meals.service.factory() as session:
        [read] = session.scalars(select(ElderRead))
    assert (read.elder_id, read.account_id, read.purpose) == (
        elder,
        meals.officer.account_id,
        "alert",
    )
    assert read.fields == "contacts,door,first_name"
    assert read.at.replace(tzinfo=None) == LUNCH_ROUND.replace(tzinfo=None)


def test_closing_takes_an_outcome_once_and_hides_the_contacts(meals: Meals) -> None:
    meal_id = add_meal(meals, enrol(meals))
    alert_id = meals.service.record_door_check(
        meals.primary, meal_id, "no_answer", "敲门无人"
    ).alert_id
    assert alert_id is not None
    with pytest.raises(Forbidden):  # riders do not close alerts
        meals.service.close_alert(meals.primary, alert_id, Outcome.found_well, "")
    meals.clock.advance(7)
    closed = meals.service.close_alert(
        meals.officer, alert_id, Outcome.false_alarm, "在午睡，没听见", locale="en"
    )
    assert (closed.outcome, closed.outcome_text) == (Outcome.false_alarm, "False alarm")
    assert (closed.closed_at, closed.closed_by) == (meals.clock.now, meals.officer.account_id)
    assert closed.note == "敲门无人\n在午睡，没听见"
    assert closed.next_step is None
    assert closed.contacts == []
    with pytest.raises(Conflict):
        meals.service.close_alert(meals.admin, alert_id, Outcome.found_well, "")
    with pytest.raises(Conflict):
        meals.service.take_step(meals.officer, alert_id, 0, "")
    assert meals.service.alerts(meals.officer) == []
    [past] = meals.service.alerts(meals.officer, open_only=False)
    assert (past.id, past.outcome, past.first_name) == (alert_id, Outcome.false_alarm, FIRST_NAME)
    with meals.service.factory() as session:
        fields = session.scalars(select(ElderRead.fields).order_by(ElderRead.id)).all()
    assert fields[-1] == "door,first_name"  # a closed alert's contacts are not read


def test_an_older_person_without_contacts_still_gets_a_ladder(meals: Meals) -> None:
    meal_id = add_meal(meals, enrol(meals, contacts=[]))
    meals.service.record_door_check(meals.primary, meal_id, "no_answer")
    [alert] = meals.service.alerts(meals.officer)
    meals.service.take_step(meals.primary, alert.id, 0, "")
    [alert] = meals.service.alerts(meals.officer)
    assert alert.contacts == []
    assert alert.next_step is not None
    assert alert.next_step.kind == StepKind.alert_committee


# -- the clock ----------------------------------------------------------------------------


def test_overdue_alerts_are_the_ones_whose_next_step_is_past_due(meals: Meals) -> None:
    assert ESCALATE_JOB.cron == "* * * * *"
    first = add_meal(meals, enrol(meals))
    alert_id = meals.service.record_door_check(meals.primary, first, "no_answer").alert_id
    assert [o.alert_id for o in meals.service.overdue_alerts()] == [alert_id]  # call her now
    meals.service.take_step(meals.primary, alert_id or 0, 0, "")
    assert meals.service.overdue_alerts() == []
    meals.clock.advance(9)
    assert meals.service.escalate() == 0  # contact 1 is due at 10 minutes
    meals.clock.advance(3)
    [late] = meals.service.overdue_alerts()
    assert (late.alert_id, late.index, late.kind, late.overdue_s) == (
        alert_id,
        1,
        "call_contact",
        120,
    )
    assert meals.service.escalate() == 1
    assert meals.service.overdue_alerts(subdistrict="changzheng") == []
    meals.service.close_alert(meals.officer, alert_id or 0, Outcome.away, "去女儿家了")
    assert meals.service.escalate() == 0


# -- races --------------------------------------------------------------------------------


def test_two_staff_taking_the_same_step_at_once_exactly_one_wins(meals: Meals) -> None:
    staff = [meals.officer, meals.admin]
    for attempt in range(6):
        meal_id = add_meal(meals, enrol(meals, first_name=f"长者{attempt}"))
        alert_id = meals.service.record_door_check(meals.primary, meal_id, "needs_help").alert_id
        assert alert_id is not None
        results = race(2, lambda i, a=alert_id: meals.service.take_step(staff[i], a, 1, ""))
        assert sum(not isinstance(r, Exception) for r in results) == 1
        assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))
    with meals.service.factory() as session:
        seqs = session.execute(select(ElderAlertStep.alert_id, ElderAlertStep.seq)).all()
    assert len(seqs) == 6 * 2  # per alert: the committee (automatic) and one call


def test_both_familiar_riders_answering_at_once_record_one_door_check(meals: Meals) -> None:
    riders = [meals.primary, meals.backup]
    answers = [DoorCheck.needs_help, DoorCheck.no_answer]
    meal_ids = []
    for attempt in range(6):
        meal_id = add_meal(meals, enrol(meals, first_name=f"长者{attempt}"))
        meal_ids.append(meal_id)
        results = race(
            2,
            lambda i, m=meal_id: meals.service.record_door_check(riders[i], m, answers[i]),
        )
        assert sum(not isinstance(r, Exception) for r in results) == 1
    assert count(meals, ElderAlert) == 6  # one per meal, whoever won
    delivered = [m for m in meal_ids if meal_row(meals, m).state == "delivered"]
    assert sorted(ledger(meals)) == delivered
