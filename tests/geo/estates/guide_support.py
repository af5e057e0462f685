"""Small generated estates for the guide's tests: buildings on a grid of internal roads.

`grid_estate(rows, cols)` puts one building in each cell of a rows x cols grid of walkways
(`SPACING_M` apart), numbered row by row from the north-west ("1号楼", "2号楼", ...), each
with two unit entrances on its south side; gates sit in the middle of the north, south, west
and east edges. Coordinates are WGS-84 near Putuo.
"""

from __future__ import annotations

from gigcity.geo.coords import local_plane_factors
from gigcity.geo.estates import (
    Building,
    Entrance,
    Estate,
    Gate,
    LonLat,
    Parking,
    WalkNode,
    Walkway,
    WalkwayKind,
)

ORIGIN: LonLat = (121.43, 31.25)
SPACING_M = 60.0
KX, KY = local_plane_factors(ORIGIN[1])


def at(x_m: float, y_m: float) -> LonLat:
    """A point `x_m` east and `y_m` north of the origin."""
    return (ORIGIN[0] + x_m / KX, ORIGIN[1] + y_m / KY)


def grid_estate(
    rows: int = 4,
    cols: int = 5,
    *,
    ebikes_inside: bool = False,
    floors: int | None = 18,
    lift: bool | None = True,
    gates: tuple[Gate, ...] | None = None,
    parking: tuple[Parking, ...] = (),
    missing: frozenset[tuple[str, str]] = frozenset(),
) -> Estate:
    """`missing`: walkways left out, as pairs of node refs ("n0-0", "n0-1")."""
    width, height = cols * SPACING_M, rows * SPACING_M
    nodes = [
        WalkNode(ref=f"n{i}-{j}", at=at(i * SPACING_M, j * SPACING_M))
        for i in range(cols + 1)
        for j in range(rows + 1)
    ]
    ways = []
    for i in range(cols + 1):
        for j in range(rows + 1):
            for a, b in ((f"n{i}-{j}", f"n{i + 1}-{j}"), (f"n{i}-{j}", f"n{i}-{j + 1}")):
                ends = {n.ref for n in nodes}
                if b in ends and (a, b) not in missing:
                    ways.append(Walkway(a=a, b=b, kind=WalkwayKind.service))
    buildings = []
    number = 0
    for r in range(rows):  # row 0 is the northernmost
        for c in range(cols):
            number += 1
            x = (c + 0.5) * SPACING_M
            y = height - (r + 0.5) * SPACING_M
            buildings.append(
                Building(
                    ref=f"b{number}",
                    number=f"{number}号楼",
                    at=at(x, y),
                    footprint=(
                        at(x - 18, y - 8),
                        at(x + 18, y - 8),
                        at(x + 18, y + 8),
                        at(x - 18, y + 8),
                    ),
                    floors=floors,
                    lift=lift,
                    entrances=(
                        Entrance(ref=f"b{number}-u1", name="1单元", at=at(x - 9, y - 9)),
                        Entrance(ref=f"b{number}-u2", name="2单元", at=at(x + 9, y - 9)),
                    ),
                )
            )
    if gates is None:
        gates = (
            Gate(ref="gn", name="北门", at=at(width / 2, height + 5)),
            Gate(ref="gs", name="南门", at=at(width / 2, -5)),
            Gate(ref="gw", name="西门", at=at(-5, height / 2)),
            Gate(ref="ge", name="东门", at=at(width + 5, height / 2), ebikes_allowed=True),
        )
    return Estate(
        name="测试小区",
        name_en="Test estate",
        synthetic=True,
        ebikes_inside=ebikes_inside,
        boundary=(
            at(-10, -10),
            at(width + 10, -10),
            at(width + 10, height + 10),
            at(-10, height + 10),
        ),
        gates=gates,
        buildings=tuple(buildings),
        nodes=tuple(nodes),
        walkways=tuple(ways),
        parking=parking,
    )
