"""Estates for the last hundred metres: the model (gates, buildings, walkways, hand-off
points, measures) and, beside it, import/export, the seven-colour guide's zones and
wayfinding from a gate to a unit entrance."""

from gigcity.geo.estates.errors import EstateFormatError
from gigcity.geo.estates.model import (
    ZONE_HEX,
    Building,
    Entrance,
    Estate,
    Gate,
    HandoffPoint,
    LonLat,
    Measure,
    MeasureKind,
    Parking,
    WalkNode,
    Walkway,
    WalkwayKind,
    Zone,
    ZoneColour,
)

__all__ = [
    "ZONE_HEX",
    "Building",
    "Entrance",
    "Estate",
    "EstateFormatError",
    "Gate",
    "HandoffPoint",
    "LonLat",
    "Measure",
    "MeasureKind",
    "Parking",
    "WalkNode",
    "Walkway",
    "WalkwayKind",
    "Zone",
    "ZoneColour",
]
