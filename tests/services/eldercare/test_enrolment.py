"""Enrolling older people: sensitive fields never stored in the clear, each role sees the
minimum, every read by a person is logged, keys can be rotated."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from gigcity.db.models import Elder, ElderContact, ElderRead
from gigcity.services.eldercare import RidersIn, new_key
from gigcity.services.eldercare.base import DEV_KEY
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.field_keys import KeyRing
from gigcity.services.platform import Platform
from services.eldercare.eldercare_support import CareWorld, elder_in, make_care_world


@pytest.fixture
def care(platform: Platform) -> CareWorld:
    return make_care_world(platform)


def test_an_enrolment_keeps_name_door_health_and_contacts_encrypted(
    platform: Platform, care: CareWorld
) -> None:
    out = platform.eldercare.enrol(care.officer, elder_in(care))
    assert out.name == "王秀英"
    assert out.care.lives_alone
    assert out.contacts[1].name == "居委会张老师"
    with platform.engine.connect() as conn:
        stored = " ".join(
            str(v)
            for table in ("eldercare_elders", "eldercare_contacts")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
            for v in row
        )
    for secret in ("王秀英", "李明", "13800000001", "502室", "花生", "wheelchair", "签字"):
        assert secret not in stored
    assert "12号楼" in stored  # what planning needs stays readable


def test_staff_read_the_whole_record_and_the_read_is_logged(
    platform: Platform, care: CareWorld
) -> None:
    elder_id = platform.eldercare.enrol(care.officer, elder_in(care)).id
    record = platform.eldercare.record(care.admin, elder_id)
    assert record.door.endswith("502室")
    assert record.care.diet == ["soft", "low_salt"]
    reads = platform.eldercare.reads(care.officer, elder_id)
    assert [(r.account_id, r.purpose) for r in reads] == [(care.admin.account_id, "record")]
    assert "contacts" in reads[0].fields


def test_officers_of_another_subdistrict_and_riders_may_not_read_a_record(
    platform: Platform, care: CareWorld
) -> None:
    elder_id = platform.eldercare.enrol(care.officer, elder_in(care)).id
    for who in (care.other_officer, care.riders[0]):
        with pytest.raises(Forbidden):
            platform.eldercare.record(who, elder_id)
    with platform.factory() as session:
        assert session.scalars(select(ElderRead)).all() == []  # refused reads read nothing


def test_an_officer_enrols_only_in_their_own_subdistrict(
    platform: Platform, care: CareWorld
) -> None:
    with pytest.raises(Forbidden):
        platform.eldercare.enrol(care.other_officer, elder_in(care))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subsidy_category": "royalty"}, "subsidy_category"),
        ({"canteen_id": 999}, "canteen_id"),
        ({"estate_id": 999}, "estate_id"),
        ({"subdistrict": "atlantis"}, "subdistrict"),
    ],
)
def test_bad_enrolments_name_the_field_and_store_nothing(
    platform: Platform, care: CareWorld, changes: dict[str, object], field: str
) -> None:
    with pytest.raises((InvalidInput, NotFound, Forbidden)) as raised:
        platform.eldercare.enrol(care.admin, elder_in(care, **changes))
    assert getattr(raised.value, "field", field) == field
    with platform.factory() as session:
        assert session.scalars(select(Elder)).all() == []
        assert session.scalars(select(ElderContact)).all() == []


def test_a_rider_must_be_an_active_rider_account(platform: Platform, care: CareWorld) -> None:
    with pytest.raises(InvalidInput) as raised:
        platform.eldercare.enrol(
            care.admin, elder_in(care, primary_rider_id=care.officer.account_id)
        )
    assert raised.value.field == "primary_rider_id"


def test_the_list_shows_first_names_only_and_is_logged(platform: Platform, care: CareWorld) -> None:
    first = platform.eldercare.enrol(care.officer, elder_in(care)).id
    platform.eldercare.enrol(care.officer, elder_in(care, "赵桂兰"))
    listed = platform.eldercare.elders(care.officer)
    assert [e.first_name for e in listed] == ["王阿婆", "赵阿婆"]
    assert "name" not in listed[0].model_dump()
    assert "care" not in listed[0].model_dump()
    assert platform.eldercare.elders(care.other_officer) == []
    assert [r.purpose for r in platform.eldercare.reads(care.admin, first)] == ["list"]


def test_familiar_riders_are_set_and_an_enrolment_ends_once(
    platform: Platform, care: CareWorld
) -> None:
    elder_id = platform.eldercare.enrol(care.officer, elder_in(care)).id
    riders = RidersIn(
        primary_rider_id=care.riders[2].account_id, backup_rider_id=care.riders[0].account_id
    )
    out = platform.eldercare.set_riders(care.officer, elder_id, riders)
    assert out.primary_rider_id == care.riders[2].account_id
    platform.eldercare.end_enrolment(care.officer, elder_id)
    with pytest.raises(Conflict):
        platform.eldercare.end_enrolment(care.officer, elder_id)
    assert platform.eldercare.elders(care.officer) == []
    assert [e.id for e in platform.eldercare.elders(care.officer, active=False)] == [elder_id]


def test_rotating_keys_moves_every_field_to_the_new_key(
    platform: Platform, care: CareWorld
) -> None:
    elder_id = platform.eldercare.enrol(care.officer, elder_in(care)).id
    old = platform.eldercare.keys
    fresh = new_key()
    platform.eldercare.keys = KeyRing(
        platform.factory, fresh, "", dev_key=DEV_KEY, purpose="eldercare fields"
    )  # new key first, old after
    assert platform.eldercare.record(care.admin, elder_id).name == "王秀英"  # old still opens
    assert platform.eldercare.rotate_keys() == 5 + 2 * 2
    assert platform.eldercare.rotate_keys() == 0
    only_new = KeyRing(
        platform.factory, fresh, "x" * 40, dev_key=DEV_KEY, purpose="eldercare fields"
    )  # the dev key no longer needed
    platform.eldercare.keys = only_new
    assert platform.eldercare.record(care.admin, elder_id).contacts[0].phone == "13800000001"
    assert old is not only_new
