"""What the workbench API takes and gives: run requests, runs with progress, results."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gigcity.services.types import UtcDatetime

MAX_ORDERS = 20_000
"""Largest day a run may ask for over the API (a full day is a CLI or benchmark job)."""
RunStatus = Literal["queued", "running", "done", "failed", "interrupted"]
ScenarioName = Literal["putuo-weekday", "putuo-weekend", "putuo-rainy"]
RulebookName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules_a: RulebookName = Field("baseline-2024", description="Rulebook A (the reference)")
    rules_b: RulebookName = Field("putuo-2025", description="Rulebook B (the proposal)")
    scenario: ScenarioName = "putuo-weekday"
    seed: int = Field(0, ge=0, le=2_147_483_647)
    orders: int = Field(1_000, ge=50, le=MAX_ORDERS, description="Orders in the day")
    attribution: bool = Field(True, description="Switch one clause at a time from A to B")


class RunOut(BaseModel):
    id: int
    status: RunStatus
    rules_a: str
    rules_b: str
    scenario: str
    seed: int
    orders: int
    attribution: bool
    progress: float = Field(description="0 to 1")
    stage: str
    error: str | None
    requested_by: str
    created_at: UtcDatetime
    started_at: UtcDatetime | None
    finished_at: UtcDatetime | None
    result_url: str | None = Field(description="The comparison as JSON, once done")
    report_url: str | None = Field(description="The HTML report, once done")


class Plot(BaseModel):
    id: str
    title: str
    svg: str


class RunResult(BaseModel):
    id: int
    rulebooks: dict[str, str]
    scenario: dict[str, Any]
    yardstick: dict[str, Any]
    table: list[dict[str, Any]]
    attribution: dict[str, Any] | None
    plots: list[Plot]


class WorkbenchOptions(BaseModel):
    rulebooks: list[str]
    scenarios: list[str]
    max_orders: int
    may_start: bool = Field(
        description="Whether the caller may start runs (never on a platform without a simulator)"
    )
