"""Families: managers link a family account to an older person (made when new, consent
recorded, logged) and unlink it; the family then sees only its own older people — first
name, canteen, the coming meals with their menus — and may pause them or skip or add one
meal until the cut-off. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from gigcity.db.models import Elder, ElderContact, ElderRead, FamilyLink
from gigcity.services.accounts import Principal, Role, principal_for
from gigcity.services.eldercare import (
    ChangeIn,
    Dish,
    ElderIn,
    FamilyLinkIn,
    Meal,
    MenuIn,
    PauseIn,
)
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.platform import Platform
from services.eldercare.eldercare_support import (
    MONDAY,
    CareWorld,
    elder_in,
    enrol_with_meals,
    make_care_world,
)
from support import PASSWORD, add_account

TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def care(platform: Platform) -> CareWorld:
    return make_care_world(platform)


def _link(
    platform: Platform,
    world: CareWorld,
    elder_id: int,
    username: str = "daughter",
    **changes: object,
) -> Principal:
    body: dict[str, object] = {
        "username": username,
        "password": PASSWORD,
        "relation": "女儿",
        "consent_note": "老人本人当面同意，2026-12-01",
    }
    body.update(changes)
    made = platform.eldercare.link_family(
        world.officer, elder_id, FamilyLinkIn.model_validate(body)
    )
    from gigcity.db.models import Account

    with platform.factory() as session:
        account = session.get(Account, made.account_id)
        assert account is not None
        return principal_for(account)


def test_a_family_sees_its_older_person_and_the_next_meals_with_the_menu(
    platform: Platform, care: CareWorld
) -> None:
    elder = enrol_with_meals(platform, care)
    platform.eldercare.set_menu(
        care.officer, care.canteen_id, MONDAY, Meal.lunch,
        MenuIn(dishes=[Dish(name="南瓜粥"), Dish(name="清蒸鱼")]),
    )  # fmt: skip
    family = _link(platform, care, elder)
    assert family.role == Role.family
    [seen] = platform.eldercare.family_elders(family)
    assert (seen.id, seen.first_name, seen.canteen_name) == (elder, "王阿婆", "凯旋长者食堂")
    assert seen.lunch_cutoff == "09:00"
    first = seen.next_meals[0]
    assert (first.day, first.meal, first.status, first.dishes) == (
        MONDAY,
        Meal.lunch,
        "subscribed",
        ["南瓜粥", "清蒸鱼"],
    )
    assert [m.day for m in seen.next_meals] == [MONDAY, TUESDAY, MONDAY + timedelta(days=2)]
    # Nothing but the minimum: no name, door, health or contacts in the answer.
    assert set(seen.model_dump()) == {
        "id",
        "first_name",
        "canteen_name",
        "lunch_cutoff",
        "dinner_cutoff",
        "next_meals",
    }
    with platform.factory() as session:
        reads = list(session.scalars(select(ElderRead).where(ElderRead.role == "family")))
    assert [(r.elder_id, r.fields, r.purpose) for r in reads] == [(elder, "first_name", "family")]


def test_a_family_pauses_and_changes_only_its_own_older_person(
    platform: Platform, care: CareWorld
) -> None:
    elder = enrol_with_meals(platform, care)
    other = enrol_with_meals(platform, care, "赵桂兰")
    family = _link(platform, care, elder)
    pause = platform.eldercare.pause(
        family, elder, PauseIn(first_day=TUESDAY, last_day=TUESDAY, reason="hospital")
    )
    assert pause.resumes_on == TUESDAY + timedelta(days=1)
    platform.eldercare.change(family, elder, ChangeIn(day=MONDAY, meal=Meal.lunch, action="skip"))
    days = platform.eldercare.family_meals(family, elder, days=2)
    lunches = {m.day: m.status for m in days if m.meal is Meal.lunch}
    assert lunches == {MONDAY: "skipped", TUESDAY: "paused"}
    dinner = next(m for m in days if m.meal is Meal.dinner and m.day == MONDAY)
    assert (dinner.status, dinner.cutoff) == ("none", "14:00")
    assert dinner.changeable_until is not None  # a dinner may still be added today
    platform.eldercare.cancel_pause(family, elder, pause.id)
    assert [p.cancelled for p in platform.eldercare.pauses(family, elder)] == [True]
    for act in (
        lambda: platform.eldercare.planned(family, other, MONDAY),
        lambda: platform.eldercare.pauses(family, other),
        lambda: platform.eldercare.family_meals(family, other),
        lambda: platform.eldercare.pause(
            family, other, PauseIn(first_day=TUESDAY, last_day=TUESDAY, reason="travel")
        ),
        lambda: platform.eldercare.change(
            family, other, ChangeIn(day=TUESDAY, meal=Meal.lunch, action="skip")
        ),
        lambda: platform.eldercare.record(family, elder),  # the whole record: staff only
        lambda: platform.eldercare.subscribe(family, elder, None),  # type: ignore[arg-type]
    ):
        with pytest.raises(Forbidden):
            act()


def test_after_the_cut_off_a_family_cannot_change_that_meal(
    platform: Platform, care: CareWorld
) -> None:
    elder = enrol_with_meals(platform, care)
    family = _link(platform, care, elder)
    platform.eldercare.clock = lambda: datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # 09:30 local
    with pytest.raises(InvalidInput) as refused:
        platform.eldercare.change(
            family, elder, ChangeIn(day=MONDAY, meal=Meal.lunch, action="skip")
        )
    assert refused.value.field == "day"
    lunch = platform.eldercare.family_meals(family, elder, days=1)[0]
    assert (lunch.status, lunch.changeable_until) == ("subscribed", None)
    platform.eldercare.change(family, elder, ChangeIn(day=MONDAY, meal=Meal.dinner, action="add"))


def test_linking_makes_the_account_once_and_unlinking_stops_it_at_once(
    platform: Platform, care: CareWorld
) -> None:
    first = enrol_with_meals(platform, care)
    second = enrol_with_meals(platform, care, "赵桂兰")
    family = _link(platform, care, first)
    # The same account linked to a second older person: no password this time.
    body = {"username": "daughter", "relation": "女儿", "consent_note": "电话同意"}
    made = platform.eldercare.link_family(care.officer, second, FamilyLinkIn.model_validate(body))
    assert made.account_created is False
    assert [e.first_name for e in platform.eldercare.family_elders(family)] == ["王阿婆", "赵阿婆"]
    with pytest.raises(Conflict):  # linked already
        platform.eldercare.link_family(care.officer, second, FamilyLinkIn.model_validate(body))
    with pytest.raises(InvalidInput) as refused:  # an existing account keeps its password
        platform.eldercare.link_family(
            care.officer, second, FamilyLinkIn.model_validate({**body, "password": PASSWORD})
        )
    assert refused.value.field == "password"
    with pytest.raises(InvalidInput) as refused:  # a new account needs one
        platform.eldercare.link_family(
            care.officer, second, FamilyLinkIn.model_validate({**body, "username": "son"})
        )
    assert refused.value.field == "password"
    with pytest.raises(Conflict):  # a rider's account is not a family's
        platform.eldercare.link_family(
            care.officer, second, FamilyLinkIn.model_validate({**body, "username": "rider0"})
        )
    with pytest.raises(Forbidden):  # an officer of another sub-district
        platform.eldercare.link_family(
            care.other_officer, second, FamilyLinkIn.model_validate({**body, "username": "nephew"})
        )
    platform.eldercare.unlink_family(care.officer, second, made.account_id)
    with pytest.raises(NotFound):
        platform.eldercare.unlink_family(care.officer, second, made.account_id)
    with pytest.raises(Forbidden):
        platform.eldercare.pauses(family, second)
    assert [e.id for e in platform.eldercare.family_elders(family)] == [first]
    links = platform.eldercare.family_links(care.admin, second)
    assert [(link.username, link.revoked_at is not None) for link in links] == [("daughter", True)]
    # Linked again later: a new link, the old one kept as history.
    platform.eldercare.link_family(care.officer, second, FamilyLinkIn.model_validate(body))
    with platform.factory() as session:
        rows = list(session.scalars(select(FamilyLink).where(FamilyLink.elder_id == second)))
        purposes = list(
            session.scalars(
                select(ElderRead.purpose).where(ElderRead.elder_id == second).order_by(ElderRead.id)
            )
        )
    assert [r.revoked_at is None for r in rows] == [False, True]
    assert "电话" not in rows[0].consent_note_enc  # the consent note is stored encrypted
    assert platform.eldercare.cipher.decrypt(rows[0].consent_note_enc) == "电话同意"
    assert purposes.count("family_link") == 2
    assert purposes.count("family_unlink") == 1


def test_only_family_accounts_have_older_people(platform: Platform, care: CareWorld) -> None:
    with pytest.raises(Forbidden):
        platform.eldercare.family_elders(care.officer)
    lonely = add_account(platform, "lonely", Role.family)
    assert platform.eldercare.family_elders(lonely) == []
    with pytest.raises(InvalidInput):
        platform.eldercare.family_meals(lonely, 1, days=30)


def test_the_demo_family_is_linked_to_the_first_older_person_once(
    platform: Platform, care: CareWorld
) -> None:
    from gigcity.db.session import transaction
    from gigcity.services.demo.eldercare import EldercareDemo
    from gigcity.services.demo.eldercare_family import seed_family
    from support import principal

    demo = EldercareDemo.of(platform.eldercare)
    with transaction(platform.factory) as session:
        seed_family(session, demo)  # nobody enrolled yet: nothing to link
    with platform.factory() as session:
        assert session.scalar(select(FamilyLink.id)) is None
    elder = enrol_with_meals(platform, care)
    enrol_with_meals(platform, care, "赵桂兰")
    for _ in range(2):
        with transaction(platform.factory) as session:
            seed_family(session, demo)
    family = principal(platform, "family")
    assert family.role == Role.family
    assert [e.id for e in platform.eldercare.family_elders(family)] == [elder]


def _family_enrolment(care: CareWorld, **changes: object) -> ElderIn:
    """What a family sends: consent by the family, no riders (the committee names them)."""
    body: dict[str, object] = {
        "consent_by": "family",
        "consent_note": "母亲同意由女儿代为登记，2026-12-01 电话",
        "primary_rider_id": None,
        "backup_rider_id": None,
    }
    body.update(changes)
    return elder_in(care, **body)


def _stored(platform: Platform) -> tuple[int, int, int]:
    with platform.factory() as session:
        return (
            len(session.scalars(select(Elder)).all()),
            len(session.scalars(select(ElderContact)).all()),
            len(session.scalars(select(FamilyLink)).all()),
        )


def test_a_family_enrols_its_older_person_with_consent_and_is_linked(
    platform: Platform, care: CareWorld
) -> None:
    family = add_account(platform, "daughter", Role.family)
    seen = platform.eldercare.family_enrol(family, _family_enrolment(care))
    assert (seen.first_name, seen.canteen_name, seen.next_meals) == ("王阿婆", "凯旋长者食堂", [])
    assert [e.id for e in platform.eldercare.family_elders(family)] == [seen.id]
    # The family acts for them at once (here: their plan, empty until subscribed) ...
    planned = platform.eldercare.planned(family, seen.id, MONDAY, 1)
    assert [p.status for p in planned] == []
    # ... and the committee sees them, with no familiar rider yet, and the full record.
    [line] = platform.eldercare.elders(care.officer)
    assert (line.id, line.primary_rider_id, line.backup_rider_id) == (seen.id, None, None)
    record = platform.eldercare.record(care.officer, seen.id)
    assert (record.consent_by, record.door) == ("family", "万里街道某小区12号楼2单元502室")
    with platform.factory() as session:
        elder = session.get(Elder, seen.id)
        assert elder is not None
        assert elder.enrolled_by == family.account_id
        [link] = session.scalars(select(FamilyLink)).all()
        assert (link.account_id, link.granted_by) == (family.account_id, family.account_id)
        assert link.revoked_at is None
        purposes = {
            (r.account_id, r.purpose)
            for r in session.scalars(select(ElderRead).where(ElderRead.elder_id == seen.id))
        }
    assert (family.account_id, "family_link") in purposes


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent_by": "self"}, "consent_by"),
        ({"primary_rider_id": 0}, "primary_rider_id"),
        ({"backup_rider_id": 1}, "backup_rider_id"),
        ({"subsidy_category": "nobody"}, "subsidy_category"),  # the enrolment's own checks
        ({"canteen_id": 999}, "canteen_id"),
    ],
)
def test_a_family_enrolment_against_the_rules_stores_nothing(
    platform: Platform, care: CareWorld, changes: dict[str, object], field: str
) -> None:
    family = add_account(platform, "daughter", Role.family)
    if field.endswith("rider_id"):  # a real rider: refused all the same
        changes = {field: care.riders[changes[field]].account_id}  # type: ignore[index]
    before = _stored(platform)
    with pytest.raises((InvalidInput, NotFound)) as refused:
        platform.eldercare.family_enrol(family, _family_enrolment(care, **changes))
    assert refused.value.field == field
    assert _stored(platform) == before
    assert platform.eldercare.family_elders(family) == []


def test_a_failing_link_undoes_the_enrolment(
    platform: Platform, care: CareWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    family = add_account(platform, "daughter", Role.family)
    before = _stored(platform)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the log is down")

    monkeypatch.setattr("gigcity.services.eldercare.family.log_reads", broken)
    with pytest.raises(RuntimeError):
        platform.eldercare.family_enrol(family, _family_enrolment(care))
    assert _stored(platform) == before


def test_only_a_family_enrols_through_the_family_path_and_staff_enrol_as_before(
    platform: Platform, care: CareWorld
) -> None:
    with pytest.raises(Forbidden):
        platform.eldercare.family_enrol(care.officer, _family_enrolment(care))
    with pytest.raises(Forbidden):
        platform.eldercare.family_enrol(care.riders[0], _family_enrolment(care))
    family = add_account(platform, "daughter", Role.family)
    with pytest.raises(Forbidden):  # the staff's path stays the staff's
        platform.eldercare.enrol(family, elder_in(care))
    made = platform.eldercare.enrol(care.officer, elder_in(care))  # riders, consent by self
    assert (made.consent_by, made.primary_rider_id) == ("self", care.riders[0].account_id)
    assert _stored(platform)[2] == 0  # staff enrolment links no family
