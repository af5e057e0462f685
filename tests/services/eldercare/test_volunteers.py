"""Volunteer tasks for older people, on SQLite and PostgreSQL: staff post them in their own
sub-district and see who did what; riders and drivers see the open ones of an area with the
minimum (first name, building, day), take one (of several at once exactly one wins), give
it back or finish it with a note; every read of a first name or door is logged."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from threading import Barrier

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from gigcity.db.models import ElderRead, VolunteerTask
from gigcity.db.session import transaction
from gigcity.services.accounts import (
    AccountCreate,
    Principal,
    Role,
    WorkerType,
    create_account,
    principal_for,
)
from gigcity.services.eldercare.volunteers import (
    DoneIn,
    Holding,
    TaskAction,
    TaskIn,
    TaskKind,
    TaskState,
    after,
)
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, ServiceError
from gigcity.services.platform import Platform
from services.eldercare.eldercare_support import MONDAY, CareWorld, elder_in, make_care_world
from support import PASSWORD

FULL_NAME = "王秀英"
DOOR = "万里街道某小区12号楼2单元502室"


class Register:
    def __init__(self, platform: Platform) -> None:
        self.world: CareWorld = make_care_world(platform)
        self.platform = platform
        self.tasks = platform.eldercare.volunteers
        self.elder_id = platform.eldercare.enrol(self.world.officer, elder_in(self.world)).id
        self.driver = _driver(platform)

    @property
    def officer(self) -> Principal:
        return self.world.officer

    def post(self, day: date = MONDAY, **changes: object) -> int:
        data = {"elder_id": self.elder_id, "kind": "carry_large_item", "title": "搬旧冰箱下楼"}
        data.update({"day": day, "team": "货车司机爱心车队", **changes})
        return self.tasks.post(self.officer, TaskIn.model_validate(data)).id


def _driver(platform: Platform) -> Principal:
    person = AccountCreate(
        username="truck", password=PASSWORD, display_name="货车司机老张", role=Role.rider,
        worker_type=WorkerType.truck_driver,
    )  # fmt: skip
    with transaction(platform.factory) as session:
        return principal_for(create_account(session, person, platform.district))


@pytest.fixture
def register(platform: Platform) -> Register:
    return Register(platform)


def _row(register: Register, task_id: int) -> VolunteerTask:
    with register.platform.factory() as session:
        task = session.get(VolunteerTask, task_id)
        assert task is not None
        return task


# -- staff ---------------------------------------------------------------------------------


def test_staff_post_in_their_own_sub_district_and_bad_input_names_the_field(
    register: Register,
) -> None:
    task_id = register.post()
    [line] = register.tasks.register(register.officer)
    assert (line.id, line.state, line.first_name, line.building) == (
        task_id, TaskState.open, "王阿婆", "12号楼",
    )  # fmt: skip
    assert line.kind_text == "搬运大件"
    assert register.tasks.register(register.world.admin, subdistrict="wanli")[0].id == task_id
    other = register.world.other_officer
    with pytest.raises(Forbidden):
        register.tasks.post(other, TaskIn(elder_id=register.elder_id, kind=TaskKind.visit,
                                          title="探访", day=MONDAY))  # fmt: skip
    assert register.tasks.register(other) == []
    with pytest.raises(Forbidden):
        register.tasks.register(other, subdistrict="wanli")
    with pytest.raises(Forbidden):  # riders keep no register
        register.tasks.register(register.driver)
    for bad, field in (
        ({"day": MONDAY - timedelta(days=1)}, "day"),
        ({"day": MONDAY + timedelta(days=91)}, "day"),
        ({"elder_id": 999_999}, "elder_id"),
    ):
        with pytest.raises(InvalidInput) as refused:
            register.post(**bad)  # type: ignore[arg-type]
        assert refused.value.field == field
    register.platform.eldercare.end_enrolment(register.officer, register.elder_id)
    with pytest.raises(InvalidInput) as ended:
        register.post()
    assert ended.value.field == "elder_id"


def test_a_title_of_spaces_is_refused() -> None:
    with pytest.raises(ValueError, match="title"):
        TaskIn.model_validate({"elder_id": 1, "kind": "visit", "title": "   ", "day": "2026-12-07"})
    with pytest.raises(ValueError, match="kind"):
        TaskIn.model_validate({"elder_id": 1, "kind": "dance", "title": "x", "day": "2026-12-07"})


# -- volunteers ----------------------------------------------------------------------------


def test_volunteers_see_the_minimum_and_the_door_only_of_the_task_they_hold(
    register: Register,
) -> None:
    task_id = register.post()
    tasks, driver, rider = register.tasks, register.driver, register.world.riders[0]
    [seen] = tasks.open_tasks(driver, "wanli")
    assert (seen.first_name, seen.building, seen.day, seen.door) == (
        "王阿婆",
        "12号楼",
        MONDAY,
        None,
    )
    assert FULL_NAME not in seen.model_dump_json()
    assert "耳背" not in seen.model_dump_json()  # the care notes
    assert tasks.open_tasks(driver, "changzheng") == []
    assert tasks.open_tasks(driver, "wanli", kind=TaskKind.visit) == []
    assert tasks.open_tasks(driver, "wanli", team="另一个车队") == []

    taken = tasks.take(driver, task_id)
    assert (taken.state, taken.mine, taken.door) == (TaskState.taken, True, DOOR)
    assert tasks.open_tasks(rider, "wanli") == []  # taken: no longer open for others
    [mine] = tasks.my_tasks(driver)
    assert mine.door == DOOR
    assert tasks.my_tasks(rider) == []

    done = tasks.finish(driver, task_id, DoneIn(note="冰箱已搬到楼下，旧物回收已联系"))
    assert (done.state, done.door) == (TaskState.done, None)  # done: the door is no longer theirs
    assert done.done_at == register.platform.eldercare.clock()
    [line] = tasks.register(register.officer)
    assert (line.state, line.taken_by, line.taken_by_name, line.taken_by_worker_type) == (
        TaskState.done, driver.account_id, "货车司机老张", "truck_driver",
    )  # fmt: skip
    assert line.note == "冰箱已搬到楼下，旧物回收已联系"
    with register.platform.factory() as session:
        reads = session.scalars(
            select(ElderRead).where(ElderRead.account_id == driver.account_id)
        ).all()
    assert {r.purpose for r in reads} == {"volunteer"}
    assert {r.fields for r in reads} == {"first_name", "door,first_name"}


def test_taking_giving_back_and_finishing_follow_the_rule(register: Register) -> None:
    task_id = register.post()
    tasks, driver = register.tasks, register.driver
    rider = register.world.riders[0]
    with pytest.raises(Conflict):
        tasks.finish(driver, task_id, DoneIn())  # not taken yet
    tasks.take(driver, task_id)
    assert tasks.take(driver, task_id).mine  # a retry changes nothing
    with pytest.raises(Conflict):
        tasks.take(rider, task_id)
    with pytest.raises(Forbidden):
        tasks.give_back(rider, task_id)
    assert tasks.give_back(driver, task_id).state is TaskState.open
    assert _row(register, task_id).taken_by is None
    tasks.take(rider, task_id)
    tasks.finish(rider, task_id, DoneIn(note="已探访"))
    assert tasks.finish(rider, task_id, DoneIn(note="再发一次")).note == "已探访"  # a retry
    with pytest.raises(Conflict):
        tasks.give_back(rider, task_id)
    with pytest.raises(Conflict):
        tasks.take(driver, task_id)
    with pytest.raises(Forbidden):  # staff post tasks; they do not take them
        tasks.take(register.officer, task_id)


def test_a_task_whose_day_has_passed_cannot_be_taken(register: Register) -> None:
    task_id = register.post()
    later = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # Tuesday morning in Shanghai
    register.platform.eldercare.clock = lambda: later
    assert register.tasks.open_tasks(register.driver, "wanli") == []
    with pytest.raises(Conflict):
        register.tasks.take(register.driver, task_id)


def test_the_area_is_named_found_from_the_position_or_the_accounts(register: Register) -> None:
    tasks, driver = register.tasks, register.driver
    assert tasks.area(driver, "wanli") == "wanli"
    wanli = register.platform.district.get("wanli")
    assert wanli is not None
    assert tasks.area(driver, lon=wanli.lon, lat=wanli.lat) == "wanli"
    assert tasks.area(register.officer) == "wanli"
    for kwargs, field in (
        ({}, "subdistrict"),
        ({"subdistrict": "atlantis"}, "subdistrict"),
        ({"lon": 121.42}, "lon"),
        ({"lon": 0.0, "lat": 0.0}, "lon"),
    ):
        with pytest.raises(InvalidInput) as refused:
            tasks.area(driver, **kwargs)  # type: ignore[arg-type]
        assert refused.value.field == field


def test_of_riders_taking_one_task_at_once_exactly_one_wins(register: Register) -> None:
    task_id = register.post()
    riders = [register.driver, *register.world.riders, register.world.rider_outside]
    barrier = Barrier(len(riders))

    def take(rider: Principal) -> int | ServiceError:
        barrier.wait()
        try:
            return register.tasks.take(rider, task_id).id
        except ServiceError as lost:
            return lost

    with ThreadPoolExecutor(len(riders)) as pool:
        results = list(pool.map(take, riders))
    winners = [r for r, out in zip(riders, results, strict=True) if out == task_id]
    assert len(winners) == 1
    assert all(isinstance(out, Conflict) for out in results if out != task_id)
    assert _row(register, task_id).taken_by == winners[0].account_id


# -- the rule, and the service following it --------------------------------------------------

ACTORS = (1, 2, 3)
steps = st.lists(st.tuples(st.sampled_from(TaskAction), st.sampled_from(ACTORS)), max_size=12)


@given(steps)
def test_a_task_is_held_by_one_volunteer_and_stays_done(
    moves: list[tuple[TaskAction, int]],
) -> None:
    holding = Holding()
    for action, actor in moves:
        try:
            new = after(holding, action, actor)
        except (Conflict, Forbidden):
            continue
        if holding.done:
            assert new == holding  # done stays done, with whoever did it
        if new.taken_by not in (None, actor):
            assert new == holding  # nobody changes another's task
        if action is not TaskAction.give_back:  # given back, the task is no longer theirs
            assert after(new, action, actor) == new  # the same step again changes nothing
        holding = new
    assert holding.taken_by is not None or not holding.done


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(moves=steps)
def test_the_service_does_what_the_rule_says(
    register: Register, moves: list[tuple[TaskAction, int]]
) -> None:
    task_id = register.post()
    volunteers = {1: register.driver, 2: register.world.riders[0], 3: register.world.riders[1]}
    holding = Holding()  # in account ids
    for action, actor in moves:
        who = volunteers[actor]
        assert who.account_id is not None
        try:
            expected: Holding | type[ServiceError] = after(holding, action, who.account_id)
        except ServiceError as refused:
            expected = type(refused)
        outcome: Holding | type[ServiceError]
        try:
            if action is TaskAction.take:
                register.tasks.take(who, task_id)
            elif action is TaskAction.give_back:
                register.tasks.give_back(who, task_id)
            else:
                register.tasks.finish(who, task_id, DoneIn(note="好"))
        except ServiceError as refused:
            outcome = type(refused)
        else:
            row = _row(register, task_id)
            outcome = Holding(row.taken_by, row.done_at is not None)
        assert outcome == expected
        if isinstance(expected, Holding):
            holding = expected
