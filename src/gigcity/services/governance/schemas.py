"""What the governance service answers about complaints, imports, topic rules, measures,
their effect and hotspots."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from gigcity.services.types import UtcDatetime


class ImportStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class RowRefusal(BaseModel):
    line: int = Field(description="The row as the spreadsheet numbers it (header counted).")
    field: str | None
    reason: str = Field(description="Why the row was refused, in the caller's language.")


class ImportOut(BaseModel):
    id: int
    filename: str
    sha256: str
    status: ImportStatus
    rows_read: int
    accepted: int
    duplicates: int = Field(description="Records already kept (this file or an earlier one).")
    refused: int
    unplaced: int = Field(description="Accepted records no address matched: for a person.")
    refusals: list[RowRefusal] = Field(description="The first refused rows with the reason.")
    problem: str | None = Field(None, description="Why a failed import failed.")
    synthetic: bool
    at: UtcDatetime
    finished_at: UtcDatetime | None


class ComplaintOut(BaseModel):
    id: int
    record_id: str | None
    received_at: UtcDatetime
    address: str
    category: str
    content: str
    synthetic: bool
    placed: bool
    lat: float | None
    lon: float | None
    subdistrict: str | None
    place_name: str | None
    placed_how: str | None = Field(description="place, estate, road (coarse) or person.")
    topic: str | None = Field(description="The delivery topic; null: not delivery-related.")
    topic_title: str | None
    topic_rule: str | None = Field(description="The rule that fired.")
    topic_words: list[str] = Field(description="The words that made the rule fire.")


class ComplaintPage(BaseModel):
    total: int
    items: list[ComplaintOut]


class Placing(BaseModel):
    """Where a person puts a complaint no address matched: a map place, or a point."""

    place_id: int | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    name: str | None = Field(None, max_length=200, description="What the point is, if known.")
    remember_as: str | None = Field(
        None,
        max_length=100,
        description="With `place_id`: the place's name as this address writes it (e.g. "
        "真如环宇城MAX for 中海真如环宇城MAX), remembered as another name of the place; the "
        "records not yet placed that write it are placed at once, and later imports place "
        "them by themselves.",
    )


class PlacedOut(ComplaintOut):
    """The record placed, and how many others the remembered name placed with it."""

    also_placed: int = Field(
        0, description="Records not yet placed that the remembered name placed too."
    )


class AliasOut(BaseModel):
    """Another name of a map place, remembered from a placed record."""

    id: int
    alias: str
    place_id: int
    place_name: str
    created_at: UtcDatetime


class RuleIn(BaseModel):
    topic: str
    groups: list[list[str]] = Field(
        description="Every group needs one of its words in the text; at least one group."
    )
    exclude: list[str] = Field(default_factory=list)
    priority: int = Field(100, ge=0, le=10_000)
    active: bool = True


class RuleCreate(RuleIn):
    id: str = Field(min_length=1, max_length=40, description="Lower-case letters, digits, - _")


class RuleOut(RuleIn):
    id: str
    topic_title: str


class TryText(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class Reclassified(BaseModel):
    changed: int = Field(description="Complaints whose topic changed.")


class Classification(BaseModel):
    text: str
    words: list[str] = Field(description="The text as segmented.")
    topic: str | None
    topic_title: str | None
    rule: str | None
    matched: list[str]


class MeasureKind(StrEnum):
    parking_zones = "parking_zones"
    pickup_lifts = "pickup_lifts"
    rider_station = "rider_station"
    relay_delivery = "relay_delivery"
    night_lighting = "night_lighting"
    plan_board = "plan_board"
    other = "other"


class MeasureIn(BaseModel):
    kind: MeasureKind
    title: str = Field(min_length=1, max_length=200)
    place_id: int | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    place_name: str | None = Field(None, max_length=200)
    radius_m: int = Field(300, ge=50, le=3000, description="Complaints within it are counted.")
    started_on: date
    cost_yuan: float | None = Field(None, ge=0, le=1e9)
    note: str = Field("", max_length=2000)

    @field_validator("title")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()


class MeasureOut(BaseModel):
    id: int
    kind: MeasureKind
    kind_title: str
    title: str
    place_id: int | None
    place_name: str
    lat: float
    lon: float
    subdistrict: str
    radius_m: int
    started_on: date
    cost_yuan: float | None
    note: str
    synthetic: bool


Subject = Literal["complaints", "reports", "pickups"]


class EffectOut(BaseModel):
    measure: MeasureOut
    subject: Subject
    unit: Literal["relative", "minutes"] = Field(
        "relative",
        description="relative: `change` and its interval are shares (-0.85: 85 % fewer); "
        "minutes (pickup times): they are minutes (-4.0: four minutes quicker).",
    )
    period: str
    periods_before: int = Field(description="Periods before the measure (pickups: with data).")
    periods_after: int
    before_per_month: float = Field(
        description="Records a month before the measure (pickups: pickups sent a month)."
    )
    after_per_month: float
    before_mean_minutes: float | None = Field(
        None, description="Pickups only: the mean pickup time before the measure."
    )
    after_mean_minutes: float | None = None
    change: float = Field(
        description="The change the model puts on the measure (see `unit`): -0.85, or -4.0 min."
    )
    ci_low: float
    ci_high: float
    p_value: float
    sentence: str
    model: str
    warnings: list[str]
    series: list[dict[str, Any]] = Field(description="period, observed, fitted, counterfactual")
    synthetic: bool


class HotspotCell(BaseModel):
    lat: float = Field(description="The cell's centre.")
    lon: float
    subdistrict: str | None
    complaints: int
    reports: int
    answers: int
    total: int
    last_month: int
    month_before: int
    trend: float | None = Field(description="Change of the last month on the one before.")


class HotspotPlace(BaseModel):
    name: str
    ref: str
    lat: float
    lon: float
    subdistrict: str | None
    complaints: int
    last_month: int
    month_before: int
    trend: float | None
    months: list[int] = Field(description="Complaints per month of the window, oldest first.")


class Hotspots(BaseModel):
    since: date
    until: date
    cell_m: int
    subdistrict: str | None
    cells: list[HotspotCell]
    places: list[HotspotPlace]
