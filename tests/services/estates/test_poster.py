"""The gate poster: an A2 board with the plan, zones, gates, hand-off point and a QR code."""

from __future__ import annotations

import re
import zlib
from xml.etree import ElementTree

import pytest
import segno

from geo.estates.guide_support import at, grid_estate
from gigcity.geo.estates import Estate, HandoffPoint, Parking
from gigcity.geo.estates.zones import with_zones
from gigcity.services.estates.poster import poster_pdf, poster_svg
from gigcity.services.estates.wording import zone_name

SVG = "{http://www.w3.org/2000/svg}"
URL = "https://gigcity.example/estates/7/guide"


def estate() -> Estate:
    return grid_estate(
        6, 8, parking=(Parking(ref="p1", name="停车棚", at=at(240, -20)),)
    ).model_copy(
        update={
            "handoffs": (HandoffPoint(ref="h1", name="南门接力点", at=at(260, -8)),),
            "source": "gigcity",
        }
    )


def texts(root: ElementTree.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def qr_matrix(root: ElementTree.Element) -> list[list[bool]]:
    """The QR code's modules, read back from the path the poster drew (runs of dark
    modules, one unit per module, 4 modules of quiet zone)."""
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "qr")
    path = next(group.iter(f"{SVG}path")).get("d") or ""
    runs = [tuple(map(int, m)) for m in re.findall(r"M(\d+) (\d+)h(\d+)", path)]
    size = int(next(group.iter(f"{SVG}rect")).get("width") or 0) - 8
    matrix = [[False] * size for _ in range(size)]
    for x, y, width in runs:
        for c in range(x - 4, x - 4 + width):
            matrix[y - 4][c] = True
    return matrix


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_svg_holds_every_building_number_zone_and_gate(locale: str) -> None:
    zoned = with_zones(estate())
    root = ElementTree.fromstring(poster_svg(zoned, guide_url=URL, locale=locale, here="gs"))
    assert root.get("viewBox") == "0 0 420 594"  # A2 portrait in millimetres
    shown = texts(root)
    for b in zoned.buildings:
        assert b.number.removesuffix("号楼") in shown
    for gate in zoned.gates:
        assert any(t.startswith(gate.name) for t in shown)
    joined = "\n".join(shown)
    if locale == "zh_CN":
        for zone in zoned.zones:
            assert zone_name(zone, zoned, locale) in joined
        assert "测试小区七色楼栋导引图" in joined
        assert "示例数据：虚构的小区，并非实地测绘" in joined  # synthetic: marked as sample
        assert "接力点·南门接力点" in joined
        assert "您在这里" in joined
    else:
        assert "Test estate: seven-colour building guide" in joined
        assert "Orange zone: buildings" in joined
    # Colour is not the only cue: every zone's buildings carry a pattern of their own.
    fills = {
        p.get("data-zone"): p.get("fill")
        for p in root.iter(f"{SVG}polygon")
        if p.get("data-zone") is not None
    }
    assert len(set(fills.values())) == len(zoned.zones)
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert all(f"zone-{z.colour.value}" in patterns for z in zoned.zones)


def test_zones_are_computed_when_the_estate_has_none() -> None:
    bare = estate()
    assert bare.zones == ()
    root = ElementTree.fromstring(poster_svg(bare, guide_url=URL, locale="zh_CN"))
    assert any(p.get("data-zone") for p in root.iter(f"{SVG}polygon"))


def test_the_qr_code_leads_to_the_guide() -> None:
    root = ElementTree.fromstring(poster_svg(estate(), guide_url=URL, locale="zh_CN"))
    expected = [list(map(bool, row)) for row in segno.make(URL, error="m", micro=False).matrix]
    assert qr_matrix(root) == expected


def pdf_characters(pdf: bytes) -> set[str]:
    """The characters the PDF's fonts map back to text (their ToUnicode tables)."""
    found: set[str] = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            continue
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for hexcode in re.findall(rb"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", block):
                found.add(bytes.fromhex(hexcode.decode()).decode("utf-16-be"))
    return found


def test_the_pdf_prints_with_chinese_text() -> None:
    pdf = poster_pdf(estate(), guide_url=URL, locale="zh_CN")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) < 2_000_000
    assert b"NotoSansCJK" in pdf  # the CJK font is embedded
    assert set("测试小区七色楼栋导引图") <= pdf_characters(pdf)


def test_a_surveyed_estate_is_not_marked_as_sample_and_credits_its_source() -> None:
    surveyed = estate().model_copy(
        update={"synthetic": False, "source": "© OpenStreetMap contributors"}
    )
    joined = "\n".join(texts(ElementTree.fromstring(poster_svg(surveyed, guide_url=URL))))
    assert "示例数据" not in joined
    assert "来源：© OpenStreetMap contributors" in joined
