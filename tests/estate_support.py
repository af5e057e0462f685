"""Estates for tests, built here (no data files): a small grid estate (buildings with unit
entrances, a walking graph, two gates, parking and a hand-off point), a square estate with
the gates and hand-off points a test names, and `add_estate` to store one as a row."""

from __future__ import annotations

from datetime import date

from gigcity.db.models import Estate as EstateRow
from gigcity.db.session import transaction
from gigcity.geo.estates import (
    Building,
    Entrance,
    Estate,
    Gate,
    HandoffPoint,
    Measure,
    MeasureKind,
    Parking,
    WalkNode,
    Walkway,
    WalkwayKind,
)
from gigcity.services.platform import Platform

# Wanli sub-district's interior point (geo/data/putuo.json): the estate's centre.
WANLI = (121.3995, 31.2713)
CHANGZHENG = (121.3729, 31.2367)
STEP = 0.0006  # about 60 m between rows of buildings


def small_estate(
    name: str = "测试小区",
    *,
    at: tuple[float, float] = WANLI,
    rows: int = 3,
    cols: int = 3,
    external_id: str | None = None,
    subdistrict: str | None = None,
    trolleys: bool = True,
) -> Estate:
    """`rows` x `cols` buildings numbered 1号楼.. with two unit entrances each, on a grid of
    walkways; a south gate (riders' pass) and an east gate; e-bikes not ridden inside."""
    lon0, lat0 = at[0] - STEP * cols / 2, at[1] - STEP * rows / 2
    nodes: list[WalkNode] = []
    ways: list[Walkway] = []
    grid: dict[tuple[int, int], str] = {}
    for r in range(rows + 1):
        for c in range(cols + 1):
            ref = f"n{r}-{c}"
            grid[r, c] = ref
            nodes.append(WalkNode(ref=ref, at=(lon0 + c * STEP, lat0 + r * STEP)))
            if c:
                ways.append(Walkway(a=grid[r, c - 1], b=ref, kind=WalkwayKind.service))
            if r:
                ways.append(Walkway(a=grid[r - 1, c], b=ref))
    buildings = []
    number = 0
    for r in range(rows):
        for c in range(cols):
            number += 1
            x, y = lon0 + (c + 0.5) * STEP, lat0 + (r + 0.5) * STEP
            buildings.append(
                Building(
                    ref=f"b{number}",
                    number=f"{number}号楼",
                    at=(x, y),
                    floors=6,
                    lift=False,
                    entrances=(
                        Entrance(
                            ref=f"b{number}-u1", name="1单元", at=(x - STEP / 4, y - STEP / 2)
                        ),
                        Entrance(
                            ref=f"b{number}-u2", name="2单元", at=(x + STEP / 4, y - STEP / 2)
                        ),
                    ),
                )
            )
    south = (lon0 + STEP * cols / 2, lat0)
    east = (lon0 + STEP * cols, lat0 + STEP * rows / 2)
    ring = (
        (lon0 - STEP / 4, lat0 - STEP / 4),
        (lon0 + STEP * (cols + 0.25), lat0 - STEP / 4),
        (lon0 + STEP * (cols + 0.25), lat0 + STEP * (rows + 0.25)),
        (lon0 - STEP / 4, lat0 + STEP * (rows + 0.25)),
    )
    measures = (Measure(kind=MeasureKind.trolleys, since=date(2025, 1, 1)),) if trolleys else ()
    return Estate(
        name=name,
        name_en="Test Estate",
        subdistrict=subdistrict,
        external_id=external_id,
        boundary=ring,
        gates=(
            Gate(ref="g-south", name="南门", at=south, pedestrian=True, vehicle=True),
            Gate(ref="g-east", name="东门", at=east),
        ),
        buildings=tuple(buildings),
        nodes=(*nodes, WalkNode(ref="gs", at=south), WalkNode(ref="ge", at=east)),
        walkways=(
            *ways,
            Walkway(a="gs", b=grid[0, cols // 2]),
            Walkway(a="ge", b=grid[rows // 2, cols]),
        ),
        parking=(Parking(ref="p1", name="南门停车点", at=(south[0], south[1] - STEP / 3)),),
        handoffs=(HandoffPoint(ref="h1", name="接力点", at=(south[0] + STEP / 5, south[1])),),
        measures=measures,
    )


def square_estate(
    name: str,
    *,
    south: float,
    gates: tuple[Gate, ...],
    buildings: int = 0,
    handoffs: tuple[HandoffPoint, ...] = (),
    subdistrict: str | None = None,
    name_en: str = "",
) -> Estate:
    """A synthetic square estate 0.01° across, from 121.40 east and `south` north, with the
    `gates` and `handoffs` given and `buildings` buildings ("1号楼".. at 121.401 + n *
    0.0005) in a row across its middle, each with one unit entrance ("1单元") just north."""
    west, east, north, middle = 121.40, 121.41, south + 0.01, south + 0.005
    return Estate(
        name=name,
        name_en=name_en,
        subdistrict=subdistrict,
        synthetic=True,
        boundary=((west, south), (east, south), (east, north), (west, north)),
        gates=gates,
        buildings=tuple(
            Building(
                ref=f"b{n}",
                number=f"{n}号楼",
                at=(121.401 + n * 0.0005, middle),
                entrances=(
                    Entrance(
                        ref=f"b{n}-u1", name="1单元", at=(121.401 + n * 0.0005, middle + 0.0001)
                    ),
                ),
            )
            for n in range(1, buildings + 1)
        ),
        handoffs=handoffs,
    )


def add_estate(platform: Platform, estate: Estate) -> int:
    """Store `estate` as it is, straight into the estates table (no zones added, no audit),
    for the tests of what stands on an estate (gate passes, relay); the id."""
    lon, lat = estate.centre()
    with transaction(platform.factory) as session:
        row = EstateRow(
            name=estate.name,
            subdistrict=estate.subdistrict,
            lon=lon,
            lat=lat,
            synthetic=estate.synthetic,
            external_id=estate.external_id,
            document=estate.model_dump(mode="json"),
            version=1,
        )
        session.add(row)
        session.flush()
        return row.id
