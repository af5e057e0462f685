"""Hand-off points imported from OpenStreetMap through the estates service: their hours read
by the service's hours reader, out and in again as GeoJSON, and a newer extract that keeps
the points property staff added."""

from __future__ import annotations

import json
from datetime import datetime
from xml.sax.saxutils import quoteattr

import pytest

from gigcity.geo.estates import HandoffPoint, Measure, MeasureKind
from gigcity.services.accounts import Principal, Role
from gigcity.services.estates import EstatesService, export_geojson, import_estates
from gigcity.services.estates.hours import open_at

pytestmark = pytest.mark.one_database  # the import's rules, not the database's

ADMIN = Principal(role=Role.admin, label="admin")
LOCKER = {"amenity": "parcel_locker", "name": "丰巢快递柜", "opening_hours": "Mo-Su 07:00-22:00",
          "capacity": "30"}  # fmt: skip


def extract(locker: dict[str, str]) -> bytes:
    """A 200 m estate in Putuo with a gate, a parcel locker and a point marked for relay."""
    nodes = {
        1: (121.4400, 31.2500), 2: (121.4420, 31.2500), 3: (121.4420, 31.2520),
        4: (121.4400, 31.2520), 5: (121.4410, 31.2500), 6: (121.4405, 31.2505),
        7: (121.4415, 31.2515),
    }  # fmt: skip
    tags = {5: {"barrier": "gate", "name": "南门"}, 6: locker, 7: {"gigcity:handoff": "yes"}}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    for node_id, (lon, lat) in nodes.items():
        lines.append(f'<node id="{node_id}" lon="{lon}" lat="{lat}" version="1">')
        lines += [
            f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.get(node_id, {}).items()
        ]
        lines.append("</node>")
    lines.append('<way id="10" version="1">')
    lines += [f'<nd ref="{n}"/>' for n in (1, 5, 2, 3, 4, 1)]
    lines += ['<tag k="landuse" v="residential"/><tag k="name" v="接力花园"/></way>', "</osm>"]
    return "\n".join(lines).encode()


def test_imported_hand_off_points_keep_their_hours_and_shelf_and_go_out_and_in(
    estates: EstatesService,
) -> None:
    report = import_estates(estates, ADMIN, extract(LOCKER), "garden.osm")
    [item] = report.created
    stored = estates.get(item.id).estate  # type: ignore[arg-type]
    points = {h.ref: h for h in stored.handoffs}
    assert sorted(points) == ["h6", "h7"]
    locker = points["h6"]
    assert (locker.name, locker.shelf_capacity) == ("丰巢快递柜", 30)
    # The hours are the ones the relay point obeys: closed before seven, open at noon.
    assert not open_at(locker.hours, datetime(2026, 12, 3, 6, 30))
    assert open_at(locker.hours, datetime(2026, 12, 3, 12, 0))
    marked = points["h7"]
    assert (marked.name, marked.hours, marked.shelf_capacity) == ("接力点", "", 40)
    exported = json.dumps(export_geojson(estates, item.id)).encode()  # type: ignore[arg-type]
    again = import_estates(estates, ADMIN, exported, "garden.geojson")
    assert [i.id for i in again.unchanged] == [item.id]
    assert estates.get(item.id).estate.handoffs == stored.handoffs  # type: ignore[arg-type]


def test_a_newer_extract_updates_mapped_points_and_keeps_the_ones_staff_added(
    estates: EstatesService,
) -> None:
    [item] = import_estates(estates, ADMIN, extract(LOCKER), "garden.osm").created
    assert item.id is not None
    record = estates.get(item.id)
    desk = HandoffPoint(ref="desk", name="物业前台", at=(121.4411, 31.2503), shelf_capacity=12)
    relay = Measure(kind=MeasureKind.relay, since=datetime(2026, 6, 1).date())
    edited = record.estate.model_copy(
        update={"handoffs": (*record.estate.handoffs, desk), "measures": (relay,)}
    )
    estates.update(ADMIN, item.id, record.version, edited)
    same = import_estates(estates, ADMIN, extract(LOCKER), "garden.osm")
    assert [i.id for i in same.unchanged] == [item.id]
    newer = import_estates(estates, ADMIN, extract({**LOCKER, "capacity": "50"}), "garden.osm")
    assert [i.id for i in newer.updated] == [item.id]
    estate = estates.get(item.id).estate
    assert {h.ref: h.shelf_capacity for h in estate.handoffs} == {"h6": 50, "h7": 40, "desk": 12}
    assert estate.measures == (relay,)


def test_hours_the_reader_cannot_read_skip_the_estate_saying_which(
    estates: EstatesService,
) -> None:
    report = import_estates(
        estates, ADMIN, extract({**LOCKER, "opening_hours": "when the guard is in"}), "g.osm",
        locale="en",
    )  # fmt: skip
    assert not report.created
    [skipped] = report.skipped
    assert skipped.reason is not None
    assert "when the guard is in" in skipped.reason
    assert estates.count() == 0
