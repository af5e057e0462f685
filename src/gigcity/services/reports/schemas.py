"""The public shapes of snap-and-report: what comes in, and what each reader gets back."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gigcity.services.reports.categories import Category
from gigcity.services.reports.lifecycle import Action, RejectReason, Status
from gigcity.services.types import UtcDatetime

Lon = Annotated[float, Field(ge=-180, le=180, description="WGS-84 longitude")]
Lat = Annotated[float, Field(ge=-90, le=90, description="WGS-84 latitude")]
Note = Annotated[
    str,
    Field(max_length=2000, description="Internal: kept in the trail for officers and admins."),
]
PublicNote = Annotated[
    str,
    Field(
        max_length=2000,
        description="Shown to the reporter and published (Open311 `status_notes`); the last "
        "one given stays until another is.",
    ),
]
PhotoIds = Annotated[list[Annotated[int, Field(ge=1, le=2_147_483_647)]], Field(max_length=6)]
MAX_DESCRIPTION = 4000  # the Open311 limit


class ReportCreate(BaseModel):
    """A new report. Photos are uploaded first (`POST /api/reports/photos`) and named here."""

    model_config = ConfigDict(extra="forbid")
    category: Category
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION)] = ""
    lon: Lon
    lat: Lat
    address: Annotated[str, Field(max_length=300)] | None = None
    reference: (
        Annotated[str, Field(max_length=200, description="The merchant or building it is about.")]
        | None
    ) = None
    place_id: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None
    photo_ids: PhotoIds = []
    client_key: (
        Annotated[
            str,
            Field(
                min_length=8,
                max_length=64,
                pattern=r"^[A-Za-z0-9_\-]+$",
                description="Any unique string from the app: a retry with the same key returns "
                "the report already stored instead of filing it twice.",
            ),
        ]
        | None
    ) = None
    volunteer_activity_id: (
        Annotated[
            int,
            Field(
                ge=1,
                le=2_147_483_647,
                description="A volunteer on a team's activity (a patrol) credits the report to "
                "the team: only a volunteer signed up for it, while it is under way.",
            ),
        ]
        | None
    ) = None


class JoinIn(BaseModel):
    """ "Same as this one": the rider's photos and words join an open report. Only a rider
    standing near it may (within 300 m, or the category's duplicate radius if wider)."""

    model_config = ConfigDict(extra="forbid")
    lon: Lon = Field(description="Where the rider is (WGS-84 longitude).")
    lat: Lat = Field(description="Where the rider is (WGS-84 latitude).")
    category: Category | None = Field(
        default=None, description="What the rider is reporting; must be the report's category."
    )
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION)] = ""
    photo_ids: PhotoIds = []


class NoteIn(BaseModel):
    """An officer's step: an internal note for colleagues, a public one for everyone."""

    model_config = ConfigDict(extra="forbid")
    note: Note | None = None
    public_note: PublicNote | None = None


MAX_REJECT_TEXT = 300


class RejectIn(NoteIn):
    """Why the report is rejected; the reporter and the public are told the reason."""

    reason: RejectReason = Field(
        description="duplicate (name `duplicate_of`: it is merged into that report), "
        "out_of_scope (not something the district handles), not_found (nothing found on "
        "site), other (say why in `reason_text`); invalid is the older catch-all, whose "
        "reports are hidden from the public."
    )
    reason_text: Annotated[str, Field(max_length=MAX_REJECT_TEXT)] | None = Field(
        default=None,
        description="Required with the reason `other`, and only there: the officer's words, "
        "shown to the reporter and published.",
    )
    duplicate_of: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = Field(
        default=None, description="Required for duplicates: the report this one repeats."
    )


class DispatchIn(NoteIn):
    to: Annotated[str, Field(min_length=1, max_length=200, description="Who will fix it.")]


class ResolveIn(NoteIn):
    photo_ids: Annotated[
        list[Annotated[int, Field(ge=1, le=2_147_483_647)]],
        Field(min_length=1, max_length=6, description="After photos (uploaded first)."),
    ]


class MergeIn(NoteIn):
    into: Annotated[int, Field(ge=1, le=2_147_483_647)]


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    officer_id: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = Field(
        default=None, description="None sends the report to the district admins' queue."
    )


class PhotoOut(BaseModel):
    id: int
    kind: Literal["report", "after"]
    url: str
    thumb_url: str
    width: int
    height: int
    near_report_id: int | None = Field(
        default=None, description="Another report with a near-identical photo (staff only)."
    )
    published: bool = Field(
        default=False,
        description='An "after" photo an officer published: the public sees it, through '
        "signed URLs that expire within 15 minutes.",
    )


class EventOut(BaseModel):
    at: UtcDatetime
    action: Action
    from_status: Status | None
    to_status: Status | None
    actor_role: str
    actor_name: str | None = Field(default=None, description="Staff views only.")
    note: str | None = Field(
        description="Staff: the internal note. Others: only on their own entries (their "
        'words when they said "same as this one").'
    )
    public_note: str | None = Field(default=None, description="The step's public note.")
    other_report_id: int | None = Field(
        default=None, description="Merges: the report merged into, or merged in."
    )


class ReporterOut(BaseModel):
    account_id: int
    display_name: str
    how: Literal["original", "same", "merged"]
    joined_at: UtcDatetime


class ReportOut(BaseModel):
    """A report as its reporter, its officer or an admin sees it."""

    id: int
    category: Category
    description: str
    lon: float
    lat: float
    subdistrict: str
    subdistrict_name: str
    address: str | None
    reference: str | None
    status: Status
    is_open: bool
    overdue: bool
    held: bool
    reject_reason: RejectReason | None
    reject_text: str | None = Field(
        default=None, description='The officer\'s words when the reason is "other".'
    )
    merged_into_id: int | None
    status_note: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    due_at: UtcDatetime
    resolved_at: UtcDatetime | None
    closed_at: UtcDatetime | None
    photos: list[PhotoOut]
    after_photos: list[PhotoOut]
    events: list[EventOut]
    reporters_count: int
    my_part: Literal["original", "same", "merged"] | None = Field(
        default=None, description="How the caller is credited, when they are."
    )
    reward_status: Literal["none", "paid", "pending", "not_eligible"] | None = Field(
        default=None, description="Shown to the original reporter and staff."
    )
    reward_fen: int | None = None
    # Staff only:
    source: str | None = None
    assignee_id: int | None = None
    assignee_name: str | None = None
    dispatched_to: str | None = None
    reporters: list[ReporterOut] | None = None
    merged_reports: list[int] | None = None


class SimilarReport(BaseModel):
    """An open report the new one may repeat: "same as this one?"."""

    id: int
    category: Category
    status: Status
    description: str
    distance_m: float
    created_at: UtcDatetime
    thumb_url: str | None
    why: Literal["nearby", "photo"]


class QueueItem(BaseModel):
    id: int
    category: Category
    status: Status
    lon: float
    lat: float
    subdistrict: str
    description: str
    created_at: UtcDatetime
    due_at: UtcDatetime
    overdue: bool
    held: bool
    assignee_id: int | None
    thumb_url: str | None


class Queue(BaseModel):
    scope: Literal["mine", "subdistrict", "district", "held", "all"]
    total: int
    overdue: int
    items: list[QueueItem]


class CategoryOut(BaseModel):
    code: Category
    label: str
    description: str
    reward_fen: int
    sla_hours: int
    duplicate_radius_m: int
    reference_required: bool
    reference_hint: str


class CategoryRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reward_fen: Annotated[int, Field(ge=0, le=100_000_000)]
    sla_hours: Annotated[int, Field(ge=1, le=24 * 365)]
    duplicate_radius_m: Annotated[int, Field(ge=0, le=5000)]


class RouteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subdistrict: Annotated[str, Field(min_length=1, max_length=64)]
    category: Category | Literal["*"] = Field(description='A category, or "*" for all.')
    officer_id: Annotated[int, Field(ge=1, le=2_147_483_647)]


class RouteOut(BaseModel):
    id: int
    subdistrict: str
    category: str
    officer_id: int
    officer_name: str


class BanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account_id: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None
    api_key_id: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None
    reason: Annotated[str, Field(min_length=1, max_length=300)]


class BanOut(BaseModel):
    id: int
    account_id: int | None
    api_key_id: int | None
    reason: str
    created_at: UtcDatetime


class PoolOut(BaseModel):
    name: str
    budget_fen: int
    balance_fen: int
    paid_fen: int
    payouts: int
    pending: int = Field(description="Verified reports waiting for money in the pool.")
    ledger_sum_fen: int = Field(description="The sum of every ledger movement; = balance.")


class TopUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_fen: Annotated[int, Field(ge=1, le=10**13)]
    key: Annotated[
        str,
        Field(
            min_length=8,
            max_length=64,
            pattern=r"^[A-Za-z0-9_\-]+$",
            description="Unique per top-up: sending the same key again changes nothing.",
        ),
    ]
    note: Annotated[str, Field(max_length=300)] | None = None


class LedgerEntryOut(BaseModel):
    id: int
    at: UtcDatetime
    kind: Literal["top_up", "payout"]
    amount_fen: int
    balance_after_fen: int
    report_id: int | None
    account_id: int | None
    note: str | None


class MyRewards(BaseModel):
    total_fen: int
    pending_fen: int
    entries: list[LedgerEntryOut]
