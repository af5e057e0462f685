"""The concerns board on both databases (周二见): a rider's concern goes to the committee above
their organisation and nobody is told who raised it; "me too" counts once per rider; the
status follows only the allowed transitions (checked with hypothesis) and two officers
changing the same version cannot overwrite each other; only the committee's officers and
admins manage it (platforms may answer); meetings are on Tuesdays, one a day; a concern
becomes one workbench proposal, however many ask at once; the demo seeds its three concerns
once, quickly."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gigcity.db.models import Concern, ConcernMeeting, ConcernSupport, WorkbenchRun
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.demo.concerns import seed_concerns
from gigcity.services.demo.organisation import seed_organisation
from gigcity.services.errors import Conflict, Forbidden, InvalidInput
from gigcity.services.organisation.concerns import ConcernsService
from gigcity.services.organisation.concerns_schemas import (
    TRANSITIONS,
    AnswerIn,
    ConcernChange,
    ConcernIn,
    ConcernOut,
    ConcernStatus,
    MeetingChange,
    MeetingIn,
    ProposalIn,
    Topic,
)
from gigcity.services.organisation.schemas import (
    OrgKind,
)
from gigcity.services.platform import Platform
from gigcity.services.workbench import WorkbenchService
from services.organisation.org_support import StoppedClock, committee_tree, make_org
from services.workbench_support import OneDayEngine
from support import ADMIN, World, principal

TODAY = date(2026, 12, 3)  # a Thursday
TUESDAY = date(2026, 12, 8)
NOON = datetime(TODAY.year, TODAY.month, TODAY.day, 4, tzinfo=UTC)  # in Shanghai, of TODAY
PLATFORM = Principal(role=Role.platform, label="某平台", scopes=frozenset({Scope.workbench}))


@dataclass(frozen=True)
class Board:
    service: ConcernsService
    committee: int
    other_committee: int
    group: int  # a station group under `committee`, holding the riders' memberships
    rider: Principal
    rider2: Principal
    officer: Principal  # the grid officer, made the committee's officer


@pytest.fixture
def workbench(platform: Platform) -> Iterator[WorkbenchService]:
    service = WorkbenchService(
        platform.factory, platform.settings.database_url, engine=OneDayEngine(), pool="thread"
    )
    yield service
    service.close()


@pytest.fixture
def board(platform: Platform, world: World, workbench: WorkbenchService) -> Board:
    committee, group = committee_tree(platform, world)
    other = make_org(platform, "某网约车平台党委", OrgKind.platform_committee)
    rider, rider2 = principal(platform, "rider"), principal(platform, "rider2")
    service = ConcernsService(
        platform.factory, workbench, StoppedClock(NOON), platform.organisation.seal
    )
    officer = principal(platform, "officer")
    return Board(service, committee, other, group, rider, rider2, officer)


def _raise(
    board: Board, title: str = "老旧小区爬楼费", topic: Topic = Topic.stairs_weight
) -> ConcernOut:
    return board.service.raise_concern(board.rider, ConcernIn(title=title, topic=topic))


def _meeting(board: Board, day: date = TUESDAY, committee: int | None = None) -> int:
    body = MeetingIn(organisation_id=committee or board.committee, held_on=day, agenda="议程")
    return board.service.create_meeting(ADMIN, body).id


def _change(
    board: Board, concern: ConcernOut, caller: Principal | None = None, **kw: Any
) -> ConcernOut:
    body = ConcernChange(updated_at=concern.updated_at, **kw)
    return board.service.change(caller or board.officer, concern.id, body)


def test_a_riders_concern_goes_to_their_committee_and_me_too_counts_once(
    platform: Platform, board: Board
) -> None:
    mine = _raise(board)
    assert mine.organisation_id == board.committee  # the committee above the station group
    assert (mine.supporters, mine.supported, mine.mine) == (1, True, True)
    assert mine.status == ConcernStatus.open
    assert "raised_by_id" not in ConcernOut.model_fields  # nobody is told who raised it

    service = board.service
    with ThreadPoolExecutor(4) as pool:  # at once, as from several workers: once
        list(pool.map(lambda _: service.support(board.rider2, mine.id), range(4)))
    seen = service.support(board.rider2, mine.id)  # and again: still once
    assert (seen.supporters, seen.supported, seen.mine) == (2, True, False)
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(ConcernSupport)) == 2
    assert service.support(board.rider2, mine.id, on=False).supporters == 1
    assert service.concern(ADMIN, mine.id).supported is False

    other = service.raise_concern(
        board.rider,
        ConcernIn(title="网约车派单", topic=Topic.pay, organisation_id=board.other_committee),
    )
    assert other.organisation_name == "某网约车平台党委"
    with pytest.raises(InvalidInput) as refused:  # a station group is no committee
        service.raise_concern(
            board.rider, ConcernIn(title="x", topic=Topic.other, organisation_id=board.group)
        )
    assert refused.value.field == "organisation_id"
    with pytest.raises(Forbidden):
        service.raise_concern(principal(platform, "staff"), ConcernIn(title="x", topic=Topic.pay))
    with pytest.raises(Forbidden):
        service.support(ADMIN, mine.id)
    assert [c.id for c in service.concerns(board.rider2, topic=Topic.pay)] == [other.id]
    assert [c.id for c in service.concerns(board.rider2)] == [other.id, mine.id]


def test_a_rider_without_an_organisation_names_the_committee(
    platform: Platform, board: Board
) -> None:
    from support import add_account

    newcomer = add_account(platform, "newcomer", Role.rider)
    with pytest.raises(InvalidInput) as refused:
        board.service.raise_concern(newcomer, ConcernIn(title="休息点", topic=Topic.rest))
    assert refused.value.field == "organisation_id"


def _reach(
    board: Board, concern: ConcernOut, status: ConcernStatus, meeting: int
) -> dict[str, Any]:
    """What a change to `status` carries besides the status: a meeting, an answer."""
    if status == ConcernStatus.on_agenda:
        return {"meeting_id": meeting}
    if status in (ConcernStatus.answered, ConcernStatus.declined):
        return {"answer": "平台答复"}
    return {}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.sampled_from(list(ConcernStatus)), min_size=1, max_size=5))
def test_the_status_follows_only_the_allowed_transitions(
    board: Board, steps: list[ConcernStatus]
) -> None:
    found = board.service.meetings(ADMIN, board.committee)
    meeting = found[0].id if found else _meeting(board)  # one for all examples
    concern = _raise(board)
    for target in steps:
        allowed = target in TRANSITIONS[concern.status]
        try:
            after = _change(
                board, concern, status=target, **_reach(board, concern, target, meeting)
            )
        except Conflict:
            assert not allowed, (concern.status, target)
            continue
        assert allowed, (concern.status, target)
        assert after.status == target
        assert (after.closed_at is not None) == (
            target in (ConcernStatus.closed, ConcernStatus.declined)
        )
        if target == ConcernStatus.on_agenda:
            assert after.meeting_id == meeting
        if target == ConcernStatus.open:
            assert after.meeting_id is None
        concern = after


def test_two_officers_cannot_overwrite_each_other(platform: Platform, board: Board) -> None:
    seen = _raise(board)
    first = _change(board, seen, owner="平台骑手服务部")
    with pytest.raises(Conflict):  # the second officer saw the old version
        _change(board, seen, owner="平台调度算法组", caller=ADMIN)
    assert board.service.concern(ADMIN, seen.id).owner == "平台骑手服务部"
    assert _change(board, first, owner="平台调度算法组", caller=ADMIN).owner == "平台调度算法组"

    # At the same moment on several workers: exactly one change wins.
    fresh = board.service.concern(ADMIN, seen.id)
    owners = [f"负责人{i}" for i in range(4)]

    def attempt(owner: str) -> bool:
        try:
            _change(board, fresh, owner=owner, caller=ADMIN)
        except Conflict:
            return False
        return True

    with ThreadPoolExecutor(4) as pool:
        won = list(pool.map(attempt, owners))
    assert won.count(True) == 1
    assert board.service.concern(ADMIN, seen.id).owner == owners[won.index(True)]


def test_changes_need_a_meeting_and_an_answer_and_stay_with_the_committee(
    platform: Platform, board: Board
) -> None:
    concern = _raise(board)
    with pytest.raises(InvalidInput) as refused:
        _change(board, concern, status=ConcernStatus.on_agenda)
    assert refused.value.field == "meeting_id"
    elsewhere = _meeting(board, committee=board.other_committee)
    with pytest.raises(InvalidInput) as refused:
        _change(board, concern, meeting_id=elsewhere)
    assert refused.value.field == "meeting_id"
    meeting = _meeting(board)
    on = _change(board, concern, meeting_id=meeting, owner="平台", due_on=TODAY - timedelta(days=1))
    assert (on.status, on.meeting_on, on.overdue) == (ConcernStatus.on_agenda, TUESDAY, True)
    with pytest.raises(InvalidInput) as refused:
        _change(board, on, status=ConcernStatus.answered)
    assert refused.value.field == "answer"
    with pytest.raises(InvalidInput) as refused:
        _change(board, on, status=ConcernStatus.open, answer="答复")
    assert refused.value.field == "answer"

    staff = principal(platform, "staff")  # not the committee's officer
    with pytest.raises(Forbidden):
        _change(board, on, caller=staff, owner="x")
    with pytest.raises(Forbidden):
        board.service.answer(staff, on.id, AnswerIn(updated_at=on.updated_at, answer="x"))
    with pytest.raises(Forbidden):  # a platform answers, but changes nothing else
        _change(board, on, caller=PLATFORM, owner="x")
    answered = board.service.answer(
        PLATFORM, on.id, AnswerIn(updated_at=on.updated_at, answer="同意")
    )
    assert (answered.status, answered.answer, answered.overdue) == (
        ConcernStatus.answered,
        "同意",
        False,
    )
    assert answered.may_manage is False  # the platform's view
    assert board.service.concern(board.officer, on.id).may_manage is True
    assert board.service.concern(board.rider, on.id).may_manage is False
    closed = _change(board, answered, status=ConcernStatus.closed)
    with pytest.raises(Conflict):
        board.service.support(board.rider2, closed.id)
    assert [m.concerns for m in board.service.meetings(ADMIN, board.committee)] == [1]


def test_meetings_are_on_tuesdays_one_a_day_kept_by_the_committee(
    platform: Platform, board: Board
) -> None:
    service = board.service
    with pytest.raises(InvalidInput) as refused:
        service.create_meeting(ADMIN, MeetingIn(organisation_id=board.committee, held_on=TODAY))
    assert refused.value.field == "held_on"
    with pytest.raises(InvalidInput) as refused:
        service.create_meeting(ADMIN, MeetingIn(organisation_id=board.group, held_on=TUESDAY))
    assert refused.value.field == "organisation_id"
    with pytest.raises(Forbidden):
        service.create_meeting(
            board.officer, MeetingIn(organisation_id=board.other_committee, held_on=TUESDAY)
        )
    made = service.create_meeting(
        board.officer, MeetingIn(organisation_id=board.committee, held_on=TUESDAY, agenda="一、")
    )
    assert (made.held_on, made.agenda, made.may_manage) == (TUESDAY, "一、", True)
    with pytest.raises(Conflict):
        service.create_meeting(ADMIN, MeetingIn(organisation_id=board.committee, held_on=TUESDAY))
    changed = service.change_meeting(board.officer, made.id, MeetingChange(minutes="会议纪要"))
    assert (changed.agenda, changed.minutes) == ("一、", "会议纪要")
    with pytest.raises(Forbidden):
        service.change_meeting(board.rider, made.id, MeetingChange(agenda="x"))
    assert [m.may_manage for m in service.meetings(board.rider)] == [False]
    assert [c.may_manage for c in service.committees(board.officer)] == [True, False]


def _wait_done(platform: Platform, run_id: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        with platform.factory() as session:
            status = session.scalar(select(WorkbenchRun.status).where(WorkbenchRun.id == run_id))
        if status not in ("queued", "running"):
            assert status == "done"
            return
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_concern_becomes_one_workbench_proposal(platform: Platform, board: Board) -> None:
    concern = _raise(board, "取消超时扣款", Topic.deductions)
    with pytest.raises(Forbidden):  # officers read runs; admins and platforms start them
        board.service.propose(board.officer, concern.id, ProposalIn())
    proposed = board.service.propose(ADMIN, concern.id, ProposalIn(orders=60))
    assert proposed.run is not None
    assert proposed.run.page_url == f"/workbench?run={proposed.run.id}"
    with pytest.raises(Conflict):
        board.service.propose(PLATFORM, concern.id, ProposalIn())
    _wait_done(platform, proposed.run.id)
    done = board.service.concern(board.rider, concern.id).run
    assert done is not None
    assert done.report_url == f"/api/workbench/runs/{proposed.run.id}/report"
    with pytest.raises(InvalidInput) as refused:  # the workbench's own checks
        board.service.propose(ADMIN, _raise(board).id, ProposalIn(rules_b="putuo-2099"))
    assert refused.value.field == "rules_b"

    # Asked at the same moment: one run is linked, the others are told.
    racing = _raise(board, "交通管制绕行", Topic.detours)

    def attempt(_: int) -> int | None:
        try:
            out = board.service.propose(ADMIN, racing.id, ProposalIn(orders=60))
        except Conflict:
            return None
        assert out.run is not None
        return out.run.id

    with ThreadPoolExecutor(2) as pool:
        runs = [r for r in pool.map(attempt, range(2)) if r is not None]
    linked = board.service.concern(ADMIN, racing.id).run
    assert linked is not None
    assert runs == [linked.id]


def test_the_demo_seeds_three_concerns_once_quickly(platform: Platform, world: World) -> None:
    started = time.perf_counter()
    with transaction(platform.factory) as session:
        seed_organisation(session)
        seed_concerns(session)
    with transaction(platform.factory) as session:
        seed_concerns(session)  # again: nothing more
    assert time.perf_counter() - started < 1.0
    with platform.factory() as session:
        statuses = sorted(session.scalars(select(Concern.status)))
        days = list(session.scalars(select(ConcernMeeting.held_on)))
    assert statuses == ["answered", "on_agenda", "open"]
    assert len(days) == 2
    assert all(d.weekday() == 1 for d in days)
    service = platform.concerns
    board = service.concerns(principal(platform, "rider"))
    assert {c.title for c in board} == {"老旧小区爬楼费", "交通管制绕行谁来承担", "取消超时扣款"}
    assert next(c for c in board if c.status == ConcernStatus.open).overdue is True
    assert all(c.may_manage for c in service.concerns(principal(platform, "staff")))
