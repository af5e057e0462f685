"""The "three ones" on both databases: a letter reaches its organisation's members (or all),
opening it writes one receipt however often, and who has not read it is shown only to the
organisation's officers and admins, each member shown logged; learning progress only goes up
and is completed once; a book goes to the member whose code the desk was shown, once per
title (409 naming it), and who received one is membership data like the rest."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gigcity.db.models import MemberRead, OrgLetterRead
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal
from gigcity.services.day_clock import DayClock
from gigcity.services.demo.three_ones import RESOURCES, seed_three_ones
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.organisation.schemas import (
    CheckinPointIn,
    OrganisationIn,
    OrgKind,
    Sector,
)
from gigcity.services.organisation.three_ones import ThreeOnesService
from gigcity.services.organisation.three_ones_schemas import (
    HandoutIn,
    LetterIn,
    ResourceIn,
    ResourceKind,
)
from gigcity.services.platform import Platform
from services.organisation.org_support import StoppedClock
from support import ADMIN, World, principal

NOW = datetime(2026, 12, 17, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def clock() -> StoppedClock:
    return StoppedClock(NOW)


@pytest.fixture
def three(platform: Platform, clock: StoppedClock) -> ThreeOnesService:
    return ThreeOnesService(platform.factory, clock, platform.organisation.seal)


def _orgs(platform: Platform, world: World) -> tuple[int, int]:
    """Two organisations; rider and rider2 members of the first, registered at wanli."""
    org = platform.organisation
    first = org.create_organisation(
        ADMIN,
        OrganisationIn(
            name="万里站点党支部", kind=OrgKind.station_group, sector=Sector.instant_retail
        ),
    ).id
    second = org.create_organisation(
        ADMIN, OrganisationIn(name="长征党支部", kind=OrgKind.company_branch, sector=Sector.other)
    ).id
    point = org.set_checkin_point(
        ADMIN, CheckinPointIn(subdistrict="wanli", place_id=world.station_id, organisation_id=first)
    ).id
    org.register(principal(platform, "rider"), point)
    org.register(principal(platform, "rider2"), point)
    return first, second


def _reads(platform: Platform, purpose: str) -> list[tuple[int, int | None]]:
    seal = platform.organisation.seal
    with platform.factory() as session:
        rows = session.execute(
            select(MemberRead.member_enc, MemberRead.reader_id)
            .where(MemberRead.purpose == purpose)
            .order_by(MemberRead.id)
        )
        return [(seal.open(m), r) for m, r in rows]


def test_a_letter_is_read_once_and_its_receipts_are_for_officers_and_logged(
    platform: Platform, world: World, three: ThreeOnesService
) -> None:
    first, second = _orgs(platform, world)
    rider = principal(platform, "rider")
    officer = principal(platform, "officer")
    with pytest.raises(Forbidden):  # not (yet) an officer of it
        three.send_letter(officer, LetterIn(organisation_id=first, title="一封信", body="同志们好"))
    platform.organisation.add_officer(ADMIN, first, world.ids["officer"])
    letter = three.send_letter(
        officer, LetterIn(organisation_id=first, title="一封信", body="同志们好")
    )
    assert (letter.recipients, letter.read) == (2, 0)
    with pytest.raises(Forbidden):  # only admins write to all members
        three.send_letter(officer, LetterIn(title="致全体党员", body="……"))
    to_all = three.send_letter(ADMIN, LetterIn(title="致全体党员", body="……"))
    other = three.send_letter(ADMIN, LetterIn(organisation_id=second, title="别的支部", body="……"))

    mine = three.my_letters(rider)
    assert [m.title for m in mine] == ["致全体党员", "一封信"]  # not the other branch's
    assert all(m.read_at is None and m.body is None for m in mine)
    opened = three.open_letter(rider, letter.id)
    again = three.open_letter(rider, letter.id)
    assert opened.body == "同志们好"
    assert again.read_at == opened.read_at
    with pytest.raises(NotFound):  # not a letter to their organisation
        three.open_letter(rider, other.id)
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(OrgLetterRead)) == 1
    assert [m.read_at is not None for m in three.my_letters(rider)] == [False, True]
    assert three.my_letters(rider, "2026-11") == []

    receipts = three.receipts(officer, letter.id)
    assert (receipts.read, receipts.unread) == (1, 1)
    assert [m.display_name for m in receipts.members] == ["Li", "Wang"]  # unread first
    logged = sorted(_reads(platform, "letter_receipts"))
    assert logged == sorted((world.ids[n], world.ids["officer"]) for n in ("rider", "rider2"))
    with pytest.raises(Forbidden):
        three.receipts(officer, other.id)
    with pytest.raises(Forbidden):
        three.receipts(principal(platform, "staff"), to_all.id)
    assert [s.title for s in three.sent_letters(officer)] == ["一封信"]
    assert {s.title: s.read for s in three.sent_letters(ADMIN)}["一封信"] == 1
    with pytest.raises(Forbidden):  # a member's letters are their own
        three.my_letters(officer)


def test_a_rider_without_membership_gets_no_letters(
    platform: Platform, world: World, three: ThreeOnesService
) -> None:
    letter = three.send_letter(ADMIN, LetterIn(title="致全体党员", body="……"))
    assert letter.recipients == 0
    rider = principal(platform, "rider")
    assert three.my_letters(rider) == []
    with pytest.raises(NotFound):
        three.open_letter(rider, letter.id)
    with pytest.raises(InvalidInput):
        three.my_letters(rider, "2026-13")


def _resource(three: ThreeOnesService, title: str = "新就业群体党建读本") -> int:
    body = ResourceIn(title=title, kind=ResourceKind.article, body="……", minutes=15)
    return three.add_resource(ADMIN, body).id


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=6))
def test_progress_only_goes_up_and_completes_once(
    platform: Platform, world: World, three: ThreeOnesService, clock: StoppedClock, steps: list[int]
) -> None:
    rid = _resource(three)
    rider = principal(platform, "rider")
    completed: datetime | None = None
    for i, step in enumerate(steps):
        clock.at = NOW + timedelta(minutes=i)
        answer = three.set_progress(rider, rid, step)
        assert answer.percent == max(steps[: i + 1])
        if completed is None and answer.completed_at is not None:
            completed = answer.completed_at
        assert answer.completed_at == completed
    assert (completed is not None) == (100 in steps)
    if 100 in steps:
        assert completed == NOW + timedelta(minutes=steps.index(100))


def test_library_unpublish_and_members_progress_for_officers(
    platform: Platform, world: World, three: ThreeOnesService
) -> None:
    first, _ = _orgs(platform, world)
    rider = principal(platform, "rider")
    with pytest.raises(Forbidden):
        three.add_resource(rider, ResourceIn(title="x", kind=ResourceKind.video))
    a, b = _resource(three, "读本"), _resource(three, "微党课")
    three.set_progress(rider, a, 100)
    three.set_progress(rider, b, 50)
    mine = {r.title: r.percent for r in three.library(rider)}
    assert mine == {"读本": 100, "微党课": 50}
    assert all(r.percent is None for r in three.library(None))  # the public: no progress

    hidden = ResourceIn(title="微党课", kind=ResourceKind.article, published=False)
    three.update_resource(ADMIN, b, hidden)
    assert [r.title for r in three.library(rider)] == ["读本"]
    assert len(three.library(ADMIN)) == 2
    with pytest.raises(NotFound):
        three.set_progress(rider, b, 60)

    officer = principal(platform, "officer")
    with pytest.raises(Forbidden):
        three.members_progress(officer, first)
    platform.organisation.add_officer(ADMIN, first, world.ids["officer"])
    progress = three.members_progress(officer, first)
    assert progress.resources == 1
    by_name = {m.display_name: (m.completed, m.percent) for m in progress.members}
    assert by_name == {"Wang": (1, 100), "Li": (0, 0)}
    assert len(_reads(platform, "learning_progress")) == 2


def test_a_book_goes_once_per_title_to_the_member_whose_code_was_shown(
    platform: Platform, world: World, three: ThreeOnesService, clock: StoppedClock
) -> None:
    first, _ = _orgs(platform, world)
    rider = principal(platform, "rider")
    staff = principal(platform, "staff")
    code = three.book_code(rider)
    assert code.code.startswith(f"{world.ids['rider']}-")
    assert code.expires_at > NOW
    assert "<svg" in code.qr_svg

    given = three.give_book(
        staff, HandoutIn(code=code.code, title="习近平新时代中国特色社会主义思想学习纲要")
    )
    assert (given.display_name, given.place_id) == ("Wang", world.station_id)
    with pytest.raises(Conflict) as raised:
        three.give_book(
            staff, HandoutIn(code=code.code, title="习近平新时代中国特色社会主义思想学习纲要")
        )
    assert "Wang" in str(raised.value)
    assert "学习纲要" in str(raised.value)
    three.give_book(ADMIN, HandoutIn(code=code.code, title="党章"))
    assert len(three.my_books(rider)) == 2

    with pytest.raises(InvalidInput):  # a code made up
        three.give_book(staff, HandoutIn(code=f"{world.ids['rider2']}-123456", title="党章"))
    with pytest.raises(Forbidden):  # staff hand out at their own station only
        three.give_book(
            staff, HandoutIn(code=code.code, title="读本", place_id=world.other_station_id)
        )
    with pytest.raises(Forbidden):
        three.give_book(principal(platform, "officer"), HandoutIn(code=code.code, title="读本"))
    clock.at = NOW + timedelta(minutes=25)  # the code's window has passed
    with pytest.raises(InvalidInput):
        three.give_book(staff, HandoutIn(code=code.code, title="读本"))

    officer = principal(platform, "officer")
    with pytest.raises(Forbidden):
        three.handouts(officer, first)
    with pytest.raises(InvalidInput):
        three.handouts(officer, None)
    platform.organisation.add_officer(ADMIN, first, world.ids["officer"])
    assert len(three.handouts(officer, first)) == 2
    assert len(_reads(platform, "books")) == 1  # one member shown, logged once
    assert len(three.handouts(ADMIN, None)) == 2


def test_receipts_progress_and_books_hold_when_workers_race(
    platform: Platform, world: World, three: ThreeOnesService
) -> None:
    _orgs(platform, world)
    rider, staff = principal(platform, "rider"), principal(platform, "staff")
    letter = three.send_letter(ADMIN, LetterIn(title="致全体党员", body="……")).id
    rid = _resource(three)
    code = three.book_code(rider).code
    with ThreadPoolExecutor(max_workers=4) as pool:
        opened = list(pool.map(lambda _: three.open_letter(rider, letter), range(4)))
        list(pool.map(lambda p: three.set_progress(rider, rid, p), (30, 100, 60, 90)))
        given = list(
            pool.map(
                lambda _: _give_or_conflict(three, staff, HandoutIn(code=code, title="党章")),
                range(4),
            )
        )
    assert len({o.read_at for o in opened}) == 1
    assert three.library(rider)[0].percent == 100
    assert sorted(given) == ["conflict"] * 3 + ["given"]


def _give_or_conflict(three: ThreeOnesService, staff: Principal, body: HandoutIn) -> str:
    try:
        three.give_book(staff, body)
    except Conflict:
        return "conflict"
    return "given"


def test_the_demo_seeds_the_three_ones_once(platform: Platform, world: World) -> None:
    three = ThreeOnesService(
        platform.factory, DayClock("Asia/Shanghai"), platform.organisation.seal
    )  # the demo's "now"
    _orgs(platform, world)
    for _ in range(2):  # seeding again adds nothing
        with transaction(platform.factory) as session:
            seed_three_ones(session)
    rider = principal(platform, "rider")
    letters = three.my_letters(rider)
    assert len(letters) == 2
    assert sorted(m.read_at is None for m in letters) == [False, True]  # one opened
    library = three.library(rider)
    assert len(library) == len(RESOURCES)
    assert [r.percent for r in library] == [100, 40, 0, 0]
    assert [b.place_name for b in three.my_books(rider)] == ["万里驿站"]
