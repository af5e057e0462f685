"""Keeping estates: who may add and change which estate, every change audited with the
document before and after, a stale version refused, zones computed when they are due."""

from __future__ import annotations

import threading

import pytest

from estate_support import CHANGZHENG, small_estate
from gigcity.db.models import EstateAudit
from gigcity.geo.estates import Zone, ZoneColour
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.estates import EstatesService

ADMIN = Principal(role=Role.admin, label="admin")
OFFICER = Principal(role=Role.officer, subdistrict="wanli", label="officer")
OTHER_OFFICER = Principal(role=Role.officer, subdistrict="changzheng", label="officer2")
RIDER = Principal(role=Role.rider, label="rider")


def property_of(estate_id: int) -> Principal:
    return Principal(role=Role.property, estate_id=estate_id, label="物业")


def test_an_admin_adds_an_estate_placed_in_its_sub_district_with_zones(
    estates: EstatesService,
) -> None:
    made = estates.create(ADMIN, small_estate())
    assert made.version == 1
    assert made.estate.subdistrict == "wanli"  # its centre's sub-district
    zoned = {ref for zone in made.estate.zones for ref in zone.buildings}
    assert zoned == {b.ref for b in made.estate.buildings}
    assert estates.get(made.id).estate == made.estate
    [entry] = estates.audit(ADMIN, made.id)
    assert entry.action == "create"
    assert entry.before is None
    assert entry.version == 1
    listed = estates.list()
    assert [(e.id, e.buildings, e.gates, e.subdistrict) for e in listed] == [
        (made.id, 9, 2, "wanli")
    ]


def test_officers_add_estates_only_in_their_sub_district(estates: EstatesService) -> None:
    made = estates.create(OFFICER, small_estate())
    assert made.estate.subdistrict == "wanli"
    with pytest.raises(Forbidden):
        estates.create(OTHER_OFFICER, small_estate("别的小区"))
    with pytest.raises(Forbidden):
        estates.create(property_of(made.id), small_estate("又一个"))
    with pytest.raises(Forbidden):
        estates.create(RIDER, small_estate("又一个"))
    # an explicit sub-district counts, not only the centre
    there = estates.create(OTHER_OFFICER, small_estate("长征小区", at=CHANGZHENG))
    assert there.estate.subdistrict == "changzheng"


def test_a_bad_document_is_refused_naming_the_field(estates: EstatesService) -> None:
    doc = small_estate().model_dump(mode="json")
    doc["gates"] = []
    with pytest.raises(InvalidInput) as raised:
        estates.create(ADMIN, doc)
    assert raised.value.field == "gates"
    doc = small_estate().model_dump(mode="json")
    doc["buildings"][0]["floors"] = 0
    with pytest.raises(InvalidInput) as raised:
        estates.create(ADMIN, doc)
    assert raised.value.field == "buildings.0.floors"
    doc = small_estate().model_dump(mode="json")
    doc["nodes"][0]["at"] = [float("nan"), 31.2]
    with pytest.raises(InvalidInput) as raised:
        estates.create(ADMIN, doc)
    assert raised.value.field == "nodes.0.at"
    with pytest.raises(InvalidInput) as raised:
        estates.create(ADMIN, small_estate(at=(91.4, 31.27)))  # a typo for 121.4
    assert raised.value.field == "boundary"
    with pytest.raises(InvalidInput) as raised:
        estates.create(ADMIN, small_estate(subdistrict="atlantis"))
    assert raised.value.field == "subdistrict"
    # hours the guide could not read would silently count as "always open"
    doc = small_estate().model_dump(mode="json")
    doc["gates"][1]["hours"] = "sometimes open"
    with pytest.raises(InvalidInput) as raised:
        estates.create(ADMIN, doc)
    assert raised.value.field == "gates.1.hours"
    doc = small_estate().model_dump(mode="json")
    doc["gates"][1]["hours"] = "Mo-Fr 07:00-22:00"
    doc["handoffs"][0]["hours"] = "7 to 10"
    with pytest.raises(InvalidInput) as raised:
        estates.create(ADMIN, doc)
    assert raised.value.field == "handoffs.0.hours"
    assert estates.count() == 0


def test_property_staff_change_their_own_estate_and_read_its_history(
    estates: EstatesService,
) -> None:
    mine = estates.create(ADMIN, small_estate())
    other = estates.create(ADMIN, small_estate("隔壁小区", at=(121.405, 31.275)))
    staff = property_of(mine.id)
    renamed = mine.estate.model_copy(update={"name": "测试小区（一期）"})
    changed = estates.update(staff, mine.id, mine.version, renamed)
    assert changed.version == 2
    assert changed.estate.name == "测试小区（一期）"
    history = estates.audit(staff, mine.id)
    assert [e.action for e in history] == ["update", "create"]
    assert history[0].changed == ["name"]
    assert history[0].before == {"name": "测试小区"}
    assert history[0].after == {"name": "测试小区（一期）"}
    assert history[0].actor == "物业"
    # the stored entry keeps only what changed, not the whole document twice
    with estates.factory() as session:
        stored = session.get(EstateAudit, history[0].id)
        assert stored is not None
        assert (stored.before, stored.after) == (history[0].before, history[0].after)
    with pytest.raises(Forbidden):
        estates.update(staff, other.id, other.version, other.estate)
    with pytest.raises(Forbidden):
        estates.audit(staff, other.id)
    moved = changed.estate.model_copy(update={"subdistrict": "changzheng"})
    with pytest.raises(Forbidden):  # not out of their officer's reach
        estates.update(staff, mine.id, changed.version, moved)
    with pytest.raises(Forbidden):
        estates.update(OTHER_OFFICER, mine.id, changed.version, changed.estate)
    with pytest.raises(Forbidden):
        estates.audit(RIDER, mine.id)
    with pytest.raises(Forbidden):
        estates.delete(staff, mine.id)


def test_a_change_from_a_stale_version_is_refused(estates: EstatesService) -> None:
    made = estates.create(ADMIN, small_estate())
    first = made.estate.model_copy(update={"name_en": "First"})
    estates.update(OFFICER, made.id, made.version, first)
    late = made.estate.model_copy(update={"name_en": "Late"})
    with pytest.raises(Conflict):
        estates.update(property_of(made.id), made.id, made.version, late)
    assert estates.get(made.id).estate.name_en == "First"
    assert len(estates.audit(ADMIN, made.id)) == 2  # the refused change left no trace


def test_two_writers_of_the_same_version_one_wins(estates: EstatesService) -> None:
    made = estates.create(ADMIN, small_estate())
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def write(name: str) -> None:
        start.wait()
        try:
            estates.update(
                ADMIN, made.id, made.version, made.estate.model_copy(update={"name_en": name})
            )
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(n,)) for n in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert estates.get(made.id).version == 2


def test_zones_are_computed_anew_when_buildings_change_under_them(
    estates: EstatesService,
) -> None:
    made = estates.create(ADMIN, small_estate(rows=4, cols=4))
    zones = made.estate.zones
    fewer = made.estate.buildings[:-1]
    kept = [
        Zone(
            colour=z.colour,
            buildings=tuple(r for r in z.buildings if r != made.estate.buildings[-1].ref),
        )
        for z in zones
    ]
    # buildings changed, zones as stored (minus the gone building): computed anew
    changed = estates.update(
        ADMIN,
        made.id,
        made.version,
        made.estate.model_copy(update={"buildings": fewer, "zones": tuple(kept)}),
    )
    assert {r for z in changed.estate.zones for r in z.buildings} == {b.ref for b in fewer}
    # zones given by hand are kept as given
    mine = (Zone(colour=ZoneColour.purple, buildings=tuple(b.ref for b in fewer)),)
    hand = estates.update(
        ADMIN, made.id, changed.version, changed.estate.model_copy(update={"zones": mine})
    )
    assert hand.estate.zones == mine
    # left empty: computed
    empty = estates.update(
        ADMIN, made.id, hand.version, hand.estate.model_copy(update={"zones": ()})
    )
    assert empty.estate.zones
    assert empty.estate.zones != mine


def test_an_admin_deletes_an_estate_and_its_history_stays(estates: EstatesService) -> None:
    made = estates.create(ADMIN, small_estate())
    estates.delete(ADMIN, made.id)
    with pytest.raises(NotFound):
        estates.get(made.id)
    assert [e.action for e in estates.audit(ADMIN, made.id)] == ["delete", "create"]
    with pytest.raises(NotFound):
        estates.audit(ADMIN, made.id + 1)


def test_the_external_id_is_unique(estates: EstatesService) -> None:
    estates.create(ADMIN, small_estate(external_id="osm:way/1"))
    with pytest.raises(Conflict):
        estates.create(ADMIN, small_estate("另一个", external_id="osm:way/1"))


def test_the_list_is_nearest_first_within_a_radius(estates: EstatesService) -> None:
    near = estates.create(ADMIN, small_estate("近的"))
    far = estates.create(ADMIN, small_estate("远的", at=CHANGZHENG))
    listed = estates.list(near=(121.3995, 31.2713))
    assert [e.id for e in listed] == [near.id, far.id]
    assert listed[0].distance_m is not None
    assert listed[0].distance_m < 100
    assert [e.id for e in estates.list(near=(121.3995, 31.2713), radius_m=1000)] == [near.id]
    assert [e.id for e in estates.list(subdistrict="changzheng")] == [far.id]
    with pytest.raises(InvalidInput):
        estates.list(subdistrict="atlantis")
    with pytest.raises(InvalidInput):
        estates.list(radius_m=100)
