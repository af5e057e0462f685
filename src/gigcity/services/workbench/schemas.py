"""What the workbench API takes and gives: run requests, runs with progress, results."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gigcity.services.types import UtcDatetime

MAX_ORDERS = 20_000
"""Largest day a run may ask for over the API (a full day is a CLI or benchmark job)."""
MAX_EQUAL_SERVICE_ORDERS = 5_000
"""Largest day an equal-service run may ask for: its search simulates the day some ten to
forty times (per seed and rulebook), so a larger one is a CLI or benchmark job."""
MAX_SEEDS = 3
RunStatus = Literal["queued", "running", "done", "failed", "interrupted"]
RunKind = Literal["compare", "equal_service"]
ScenarioName = Literal["putuo-weekday", "putuo-weekend", "putuo-rainy"]
RulebookName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules_a: RulebookName = Field("baseline-2024", description="Rulebook A (the reference)")
    rules_b: RulebookName = Field("putuo-2025", description="Rulebook B (the proposal)")
    scenario: ScenarioName = "putuo-weekday"
    seed: int = Field(0, ge=0, le=2_147_483_647)
    orders: int = Field(1_000, ge=50, le=MAX_ORDERS, description="Orders in the day")
    attribution: bool = Field(
        True, description="Switch one clause at a time from A to B (comparisons only)"
    )
    kind: RunKind = Field(
        "compare",
        description="compare: the same day and riders under A and B; equal_service: the "
        "fewest riders each rulebook needs for the same service, side by side",
    )
    seeds: int = Field(
        1, ge=1, le=MAX_SEEDS, description="Equal service: days searched, seed, seed + 1, …"
    )
    target_undelivered: float | None = Field(
        None,
        ge=0,
        le=100,
        description="Equal service: undelivered orders at most this % of the day's orders "
        "(none: rulebook A's own service on each day)",
    )
    target_p90_min: float | None = Field(
        None,
        gt=0,
        le=240,
        description="Equal service: click-to-door p90 at most this many minutes (none: "
        "rulebook A's own service on each day)",
    )
    who_gains: bool = Field(
        False, description="Equal service: compare every rider of both answers (who gains)"
    )


class RunOut(BaseModel):
    id: int
    kind: RunKind = "compare"
    status: RunStatus
    rules_a: str
    rules_b: str
    scenario: str
    seed: int
    orders: int
    attribution: bool
    progress: float = Field(description="0 to 1")
    stage: str = Field(
        description="Stage id, stable: queued, simulating, simulated:{done}:{total}:{a|b}, "
        "drawing, done"
    )
    stage_text: str = Field(description="The stage in the reader's language")
    error: str | None = Field(description="What went wrong, as recorded (technical)")
    error_text: str | None = Field(description="What went wrong, in the reader's language")
    rules_a_title: str = Field(
        description="Rulebook A's title and version, in the reader's language"
    )
    rules_b_title: str = Field(
        description="Rulebook B's title and version, in the reader's language"
    )
    scenario_title: str = Field(description="The day's title, in the reader's language")
    seeds: int = Field(1, description="Days (seeds) of an equal-service run")
    target_undelivered: float | None = Field(None, description="Equal service: the % given")
    target_p90_min: float | None = Field(None, description="Equal service: the minutes given")
    who_gains: bool = Field(False, description="Equal service: who gains asked for")
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
    lang: str | None = Field(None, description="The language of its words (none: English)")


class RunResult(BaseModel):
    id: int
    kind: RunKind = "compare"
    rulebooks: dict[str, str] = Field(description="Rulebook refs by side (a, b)")
    rulebook_titles: dict[str, str] = Field(description="Their titles, in the reader's language")
    scenario: dict[str, Any] = Field(description="The day; `title` in the reader's language")
    yardstick: dict[str, Any]
    table: list[dict[str, Any]] = Field(
        description="One row per measure: `key`, `unit` (stable), `label` and `unit_label` "
        "(the reader's language), `a`, `b`, `difference`"
    )
    attribution: dict[str, Any] | None = Field(
        description="Rows of switched `clauses` (paths) with their `title`; `labels` names "
        "each measure key in the reader's language"
    )
    plots: list[Plot] = Field(description="The plots with words in the reader's language")
    explained: list[dict[str, str]] = Field(
        default_factory=list,
        description="Each headline difference (`key`) with a `sentence` naming its largest "
        "cause (equal service: its larger part, the rules or the riders added), in the "
        "reader's language (none for runs stored before differences were explained)",
    )
    equal_service: dict[str, Any] | None = Field(
        None,
        description="Equal service: `seeds`, `target` (with `text`), each side's answer "
        "(`sides`: `met`, `riders`, `spread`, `largest_tried`, `per_seed`), `simulated_days`, "
        "and `split`: each difference as the rules' part (B on A's riders) plus the fleet's "
        "part (the riders B adds) — `measures` (`key`, `unit`, `label`, `unit_label`, `rules`, "
        "`fleet`, `difference`, `largest`), the columns' `labels`, `fleet` (riders and "
        "rider-hours added) and `added_days` (days simulated for the split only); null for "
        "runs stored before. The table's rows carry `a_range` and `b_range` over the days; "
        "`explained` then holds the split in sentences (`key` riders first: the fleet added)",
    )
    who_gains: dict[str, Any] | None = Field(
        None,
        description="Equal service with who gains: `distributions` (p10, p50, p90, Gini per "
        "side), `riders` (compared, gain, same, lose, only in one fleet) and `reasons` (who "
        "earns less, by main reason, with counts and yuan lost), each with its `label`",
    )


class Choice(BaseModel):
    id: str = Field(description="What a run request names")
    title: str = Field(description="What people read, in their language")


class WorkbenchOptions(BaseModel):
    rulebooks: list[Choice]
    scenarios: list[Choice]
    max_orders: int
    max_orders_equal_service: int = MAX_EQUAL_SERVICE_ORDERS
    max_seeds: int = MAX_SEEDS
    may_start: bool = Field(
        description="Whether the caller may start runs (never on a platform without a simulator)"
    )
