"""The guide from the platform (every worker answers from the current version), and estates
in and out as files with a report of what became of each."""

from __future__ import annotations

import json

import pytest

from estate_support import CHANGZHENG, small_estate
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.estates import EstatesService, export_geojson, import_estates
from gigcity.services.platform import Platform

ADMIN = Principal(role=Role.admin, label="admin")
OFFICER = Principal(role=Role.officer, subdistrict="wanli", label="officer")


def test_the_guide_finds_a_building_by_its_number(estates: EstatesService) -> None:
    made = estates.create(ADMIN, small_estate())
    answer = estates.guide(made.id, "5号楼", unit="2")
    assert answer.building == "b5"
    assert answer.number == "5号楼"
    assert answer.entrance is not None
    assert answer.entrance.ref == "b5-u2"
    assert answer.zone is not None
    assert answer.zone.hex.startswith("#")
    assert answer.parking is not None  # e-bikes are not ridden inside: park, then walk
    assert answer.trolley
    assert not answer.ebikes_inside
    assert answer.walk_m > 0
    assert answer.walk_min >= 1
    assert answer.steps
    assert answer.approach is None  # no position given
    with pytest.raises(NotFound) as raised:
        estates.guide(made.id, "99")
    assert raised.value.field == "building"
    with pytest.raises(NotFound) as raised:
        estates.guide(made.id, "5", unit="9")
    assert raised.value.field == "unit"
    with pytest.raises(NotFound):
        estates.guide(made.id + 1, "5")


def test_the_gate_nearest_the_rider_wins_and_the_answer_says_how_it_was_timed(
    estates: EstatesService,
) -> None:
    made = estates.create(ADMIN, small_estate())
    east = made.estate.gate("g-east")
    south = made.estate.gate("g-south")
    assert east is not None
    assert south is not None
    from_east = estates.guide(made.id, "5", position=(east.at[0] + 0.004, east.at[1]), by="foot")
    south_west = (south.at[0] - 0.004, south.at[1] - 0.004)
    from_south = estates.guide(made.id, "5", position=south_west, by="foot")
    assert from_east.gate.ref == "g-east"
    assert from_south.gate.ref == "g-south"
    # the tests' platform has no street network: the straight line timed the approach
    assert from_east.approach == "straight_line"
    with pytest.raises(InvalidInput):
        estates.guide(made.id, "5", position=(200.0, 31.0))


def test_a_worker_never_answers_from_a_version_another_worker_replaced(
    platform: Platform,
) -> None:
    one = EstatesService(platform.factory, platform.district, platform.streets)
    two = EstatesService(platform.factory, platform.district, platform.streets)
    made = one.create(ADMIN, small_estate())
    assert two.guide(made.id, "1").number == "1号楼"  # compiled and kept by worker two
    renumbered = made.estate.model_copy(
        update={
            "buildings": tuple(
                b.model_copy(update={"number": "101号楼"}) if b.ref == "b1" else b
                for b in made.estate.buildings
            )
        }
    )
    changed = one.update(ADMIN, made.id, made.version, renumbered)
    answer = two.guide(made.id, "101")
    assert answer.number == "101号楼"
    assert answer.version == changed.version
    with pytest.raises(NotFound):
        two.guide(made.id, "1号楼")


def _file(estate_json: dict[str, object]) -> bytes:
    return json.dumps(estate_json, ensure_ascii=False).encode()


def test_geojson_goes_out_and_comes_back_in_updating_by_external_id(
    estates: EstatesService,
) -> None:
    made = estates.create(ADMIN, small_estate(external_id="survey:1"))
    exported = export_geojson(estates, made.id)
    again = import_estates(estates, ADMIN, _file(exported), "estate.geojson")
    assert again.format == "geojson"
    assert [i.id for i in again.unchanged] == [made.id]
    assert not again.created
    assert not again.updated
    assert not again.skipped
    # the same estate renamed in the file: updated in place
    stored = estates.get(made.id).estate
    renamed = export_geojson(estates, made.id)
    estates.update(ADMIN, made.id, 1, stored.model_copy(update={"name_en": "Changed"}))
    report = import_estates(estates, ADMIN, _file(renamed), "estate.geojson")
    assert [i.id for i in report.updated] == [made.id]
    assert estates.get(made.id).estate.name_en == "Test Estate"
    assert estates.audit(ADMIN, made.id)[0].action == "import"


def test_an_import_reports_what_it_skipped_and_why(estates: EstatesService) -> None:
    new = export_geojson_of(estates, small_estate("新小区", external_id="survey:2"))
    report = import_estates(estates, ADMIN, _file(new), "new.geojson", dry_run=True)
    assert [i.name for i in report.created] == ["新小区"]
    assert report.dry_run
    assert estates.count() == 0  # a dry run stores nothing
    far = export_geojson_of(estates, small_estate("长征的小区", at=CHANGZHENG))
    report = import_estates(estates, OFFICER, _file([new, far]), "two.geojson", locale="en")
    assert [i.name for i in report.created] == ["新小区"]
    [skipped] = report.skipped
    assert skipped.name == "长征的小区"
    assert skipped.index == 2
    assert skipped.reason is not None
    assert "sub-district" in skipped.reason
    # without an external id, a second estate of the same name is not added twice
    plain = export_geojson_of(estates, small_estate("无编号小区"))
    assert import_estates(estates, ADMIN, _file(plain), "a.geojson").created
    twice = import_estates(estates, ADMIN, _file(plain), "a.geojson")
    assert not twice.created
    assert twice.skipped


def test_files_that_are_not_estates_are_refused(estates: EstatesService) -> None:
    with pytest.raises(InvalidInput) as raised:
        import_estates(estates, ADMIN, b"{not json", "x.geojson")
    assert raised.value.field == "file"
    with pytest.raises(InvalidInput):
        import_estates(estates, ADMIN, b'{"type": "Point"}', "x.geojson")
    with pytest.raises(InvalidInput) as raised:
        import_estates(estates, ADMIN, b"abc", "x.txt")
    assert raised.value.field == "file"
    with pytest.raises(InvalidInput):
        import_estates(estates, ADMIN, b"<osm><node", "x.osm")
    with pytest.raises(Forbidden):
        import_estates(estates, Principal(role=Role.property, estate_id=1), b"{}", "x.geojson")


def export_geojson_of(estates: EstatesService, estate: object) -> dict[str, object]:
    from gigcity.geo.estates.geojson import estate_to_geojson

    return estate_to_geojson(estate)  # type: ignore[arg-type]


def test_an_osm_area_that_cannot_become_an_estate_is_reported(estates: EstatesService) -> None:
    # a named residential area with no gate and no street crossing its outline
    osm = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6">
  <node id="1" lat="31.2500" lon="121.4400"/>
  <node id="2" lat="31.2500" lon="121.4420"/>
  <node id="3" lat="31.2520" lon="121.4420"/>
  <node id="4" lat="31.2520" lon="121.4400"/>
  <way id="10">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="landuse" v="residential"/><tag k="name" v="无门小区"/>
  </way>
</osm>""".encode()
    report = import_estates(estates, ADMIN, osm, "area.osm")
    assert not report.created
    [skipped] = report.skipped
    assert skipped.name == "无门小区"
    assert skipped.reason is not None
    assert "OpenStreetMap" in skipped.reason
    assert estates.count() == 0
