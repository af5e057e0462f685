"""`gigcity estates import|export|guide-pdf|list` on a fresh database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gigcity.cli import app

runner = CliRunner()

# A tiny estate in Wanli as OpenStreetMap has it: the estate's outline, a gate on it, one
# numbered building with a unit entrance, a footway from the gate to the building.
OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
 <node id="1" lat="31.2700" lon="121.3980"/>
 <node id="2" lat="31.2700" lon="121.4010"/>
 <node id="3" lat="31.2725" lon="121.4010"/>
 <node id="4" lat="31.2725" lon="121.3980"/>
 <node id="5" lat="31.2700" lon="121.3995"><tag k="barrier" v="gate"/><tag k="name" v="南门"/></node>
 <node id="11" lat="31.2710" lon="121.3990"/>
 <node id="12" lat="31.2710" lon="121.4000"/>
 <node id="13" lat="31.2716" lon="121.4000"/>
 <node id="14" lat="31.2716" lon="121.3990"/>
 <node id="15" lat="31.2710" lon="121.3995"><tag k="entrance" v="yes"/><tag k="ref" v="1"/></node>
 <node id="21" lat="31.2705" lon="121.3995"/>
 <way id="100">
  <nd ref="1"/><nd ref="5"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="landuse" v="residential"/><tag k="name" v="万里测试苑"/>
 </way>
 <way id="200">
  <nd ref="11"/><nd ref="15"/><nd ref="12"/><nd ref="13"/><nd ref="14"/><nd ref="11"/>
  <tag k="building" v="apartments"/><tag k="addr:housenumber" v="1"/><tag k="building:levels" v="6"/>
 </way>
 <way id="300">
  <nd ref="5"/><nd ref="21"/><nd ref="15"/>
  <tag k="highway" v="footway"/>
 </way>
</osm>
"""


def test_import_list_export_and_poster(env: Path) -> None:
    source = env / "wanli.osm"
    source.write_text(OSM, encoding="utf-8")
    result = runner.invoke(app, ["estates", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "created 1" in result.output
    again = runner.invoke(app, ["estates", "import", str(source)])
    assert again.exit_code == 0, again.output
    assert "unchanged 1" in again.output  # the same OSM way: the same estate

    listed = runner.invoke(app, ["estates", "list"])
    assert listed.exit_code == 0, listed.output
    assert "万里测试苑" in listed.output
    assert "wanli" in listed.output

    out = env / "estate.geojson"
    exported = runner.invoke(app, ["estates", "export", "1", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    stdout = runner.invoke(app, ["estates", "export", "1"])
    assert json.loads(stdout.stdout)["type"] == "FeatureCollection"

    pdf = env / "poster.pdf"
    made = runner.invoke(
        app,
        ["estates", "guide-pdf", "1", "-o", str(pdf), "--lang", "en",
         "--url-base", "https://gig.example.org/"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "https://gig.example.org/estates/1/guide" in made.output


def test_errors_are_said_plainly(env: Path) -> None:
    assert runner.invoke(app, ["estates", "export", "7"]).exit_code == 1
    bad = env / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["estates", "import", str(bad)])
    assert result.exit_code == 1
    assert "JSON" in result.output
    wrong = runner.invoke(app, ["estates", "guide-pdf", "1", "--url-base", "gig.example.org"])
    assert wrong.exit_code == 2
    unknown = runner.invoke(app, ["estates", "list", "--subdistrict", "atlantis"])
    assert unknown.exit_code == 1
