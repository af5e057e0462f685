"""What the estates service answers: list items, one estate with its version, the change
history, an import's report and the guide's answer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from gigcity.geo.estates import Estate
from gigcity.services.types import UtcDatetime

Approach = Literal["streets", "straight_line"]


class EstateSummary(BaseModel):
    """One estate in a list: enough to put it on a map and choose it."""

    id: int
    name: str
    name_en: str
    subdistrict: str | None
    lon: float
    lat: float
    synthetic: bool
    buildings: int
    gates: int
    distance_m: float | None = Field(
        default=None, description="From the position asked about (with lon and lat)."
    )


class EstateRecord(BaseModel):
    """An estate as stored: its document and the version to send back with a change."""

    id: int
    version: int
    updated_at: UtcDatetime
    estate: Estate


class EstateUpdate(BaseModel):
    """A whole new document for an estate (PUT), refused (409) when `version` is no longer
    the stored one. Zones left empty, or kept as stored while buildings or walkways changed,
    are computed anew."""

    version: int = Field(ge=1, le=2_147_483_647)
    estate: Estate


class AuditEntry(BaseModel):
    """One change: who, when, which parts of the document, with their values before and
    after (only the parts that changed)."""

    id: int
    estate_id: int
    actor: str
    action: str
    at: UtcDatetime
    version: int
    changed: list[str]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class ImportItem(BaseModel):
    """One estate of an imported file: what became of it, and why when it was skipped."""

    index: int = Field(description="Its place in the file, from 1.")
    name: str
    external_id: str | None = None
    id: int | None = Field(default=None, description="The stored estate (created or updated).")
    reason: str | None = None


class EstateImportReport(BaseModel):
    format: Literal["osm", "geojson"]
    dry_run: bool = False
    created: list[ImportItem] = []
    updated: list[ImportItem] = []
    unchanged: list[ImportItem] = []
    skipped: list[ImportItem] = []


class GuidePoint(BaseModel):
    ref: str
    name: str
    lon: float
    lat: float


class GuideZone(BaseModel):
    colour: str
    hex: str
    name: str


class GuideAnswer(BaseModel):
    """Find a building: the colour to follow, the best gate, where to leave the e-bike and
    the walk from there to the unit entrance, in the reader's language."""

    estate_id: int
    version: int
    building: str = Field(description="The building's ref.")
    number: str = Field(description="Its number as residents say it.")
    zone: GuideZone | None
    gate: GuidePoint
    parking: GuidePoint | None
    entrance: GuidePoint | None
    path: list[tuple[float, float]] = Field(description="[lon, lat] from the gate or parking.")
    walk_m: float
    walk_min: int
    ride_m: float
    trolley: bool = Field(description="A trolley can be borrowed today.")
    ebikes_inside: bool
    steps: list[str]
    total_min: int
    approach: Approach | None = Field(
        description="How the ride to the gates was timed: streets (the street router), "
        "straight_line (no street network here: distance at e-bike speed) or null (no "
        "position given)."
    )
