"""Governance over HTTP: 12345 hotline imports (a background job with progress and a row
report), complaints and placing those no address matched, the topic rules staff edit,
measures and their evaluated effect, and hotspots. Grid officers see their own
sub-district only (asking for another: 403); district admins see all and import."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Path, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from gigcity.api.governance_params import Staff, Subdistrict, csv_answer
from gigcity.api.headers import attachment
from gigcity.api.openapi import media_response
from gigcity.api.uploads import read_upload
from gigcity.http.deps import Allow, PlatformDep, RowId
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.governance import (
    MAX_FILE_BYTES,
    AliasOut,
    Classification,
    ComplaintPage,
    EffectOut,
    Hotspots,
    ImportOut,
    MeasureIn,
    MeasureOut,
    PickupBatch,
    PickupReceipt,
    PlacedOut,
    Placing,
    Reclassified,
    RuleCreate,
    RuleIn,
    RuleOut,
    Subject,
    TryText,
)
from gigcity.services.governance.dashboard_files import XLSX_MEDIA
from gigcity.services.platform import Platform
from gigcity.services.spreadsheets import csv_safe

router = APIRouter(prefix="/api/governance", tags=["governance"])

MAX_UPLOAD_BYTES = MAX_FILE_BYTES  # the service checks the same

Admin = Annotated[Principal, Depends(Allow(Role.admin))]
PlatformCaller = Annotated[Principal, Depends(Allow(Role.platform, scope=Scope.deliveries))]
RuleId = Annotated[str, Path(min_length=1, max_length=40, description="The rule's id")]
Since = Annotated[date | None, Query(description="First local day.")]
Until = Annotated[date | None, Query(description="Last local day, included.")]


# -- imports -------------------------------------------------------------------------------


@router.post(
    "/imports",
    response_model=ImportOut,
    status_code=202,
    summary="Import 12345 hotline records (CSV or XLSX)",
)
async def import_hotline(
    request: Request,
    platform: PlatformDep,
    caller: Admin,
    file: Annotated[
        UploadFile, File(description="The hotline's export: .csv (UTF-8 or GB18030) or .xlsx")
    ],
) -> ImportOut:
    """The file is kept and read by a background job: follow `GET /imports/{id}` for its
    progress and, when done, the rows refused with the reason for each. Records already
    kept (from this file or an earlier one) are counted as duplicates and not stored again."""
    raw = await read_upload(file, MAX_UPLOAD_BYTES)
    out: ImportOut = await run_in_threadpool(
        platform.governance.start_import, caller, file.filename or "", raw
    )
    return platform.governance.get_import(caller, out.id, locale_of(request))


@router.get("/imports", response_model=list[ImportOut], summary="Every import, newest first")
def list_imports(
    request: Request,
    platform: PlatformDep,
    caller: Admin,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ImportOut]:
    """A page of the imports (`offset`: how many newer ones to skip), each with its counts
    and its refused rows."""
    return platform.governance.list_imports(caller, locale_of(request), limit, offset)


@router.get("/imports/{import_id}", response_model=ImportOut, summary="One import's progress")
def get_import(
    request: Request, platform: PlatformDep, caller: Admin, import_id: RowId
) -> ImportOut:
    return platform.governance.get_import(caller, import_id, locale_of(request))


@router.get(
    "/imports/{import_id}/refusals.csv",
    response_class=Response,
    responses=media_response("text/csv", "The refused rows: line, field, reason"),
    summary="The rows an import refused, as CSV",
)
def import_refusals(
    request: Request, platform: PlatformDep, caller: Admin, import_id: RowId
) -> Response:
    found = platform.governance.get_import(caller, import_id, locale_of(request))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["line", "field", "reason"])
    for refusal in found.refusals:
        writer.writerow([refusal.line, refusal.field or "", csv_safe(refusal.reason)])
    return csv_answer(f"import-{import_id}-refused.csv", buffer.getvalue())


# -- pickup times from the platforms -------------------------------------------------------


@router.post(
    "/pickups",
    response_model=PickupReceipt,
    summary="Send pickup times (platforms)",
)
def send_pickups(
    request: Request, platform: PlatformDep, caller: PlatformCaller, body: PickupBatch
) -> PickupReceipt:
    """How long pickups took, at a place of the map (`place_id`) or a point (`lat`, `lon`):
    at most 500 a batch. Only the time (to the minute), the point and the minutes are
    stored — nothing about the rider. A pickup whose `id` this key sent before counts as a
    duplicate and changes nothing; a row that cannot be read is refused with its position
    and the reason, and the rest is kept. Used to evaluate measures on pickup times."""
    return platform.governance.receive_pickups(caller, body, locale_of(request))


# -- complaints ----------------------------------------------------------------------------


@router.get("/complaints", response_model=ComplaintPage, summary="Complaints, newest first")
def list_complaints(
    request: Request,
    platform: PlatformDep,
    caller: Staff,
    subdistrict: Subdistrict = None,
    since: Since = None,
    until: Until = None,
    topic: Annotated[str | None, Query(max_length=16)] = None,
    delivery_only: bool = False,
    unplaced: Annotated[bool, Query(description="Only those no address matched.")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ComplaintPage:
    """Each with where it was placed (and how: a named place, an estate, a road — coarse —
    or by a person) and its delivery topic with the rule and the words that fired. Officers
    see the unplaced records whose address names their sub-district."""
    return platform.governance.complaints(
        caller,
        locale_of(request),
        subdistrict=subdistrict,
        since=since,
        until=until,
        topic=topic,
        delivery_only=delivery_only,
        unplaced=unplaced,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/complaints/{complaint_id}/place",
    response_model=PlacedOut,
    summary="Place a complaint on the map by hand",
)
def place_complaint(
    request: Request, platform: PlatformDep, caller: Staff, complaint_id: RowId, body: Placing
) -> PlacedOut:
    """At a place of the map (`place_id`) or a point (`lat`, `lon`, optional `name`). With
    `place_id` and `remember_as` (the place's name as the address writes it), the name is
    remembered for the place: the records waiting in the caller's area that write it are
    placed too (`also_placed`), and later imports place them by themselves. 409 when the
    name is already another place's."""
    return platform.governance.place_complaint(caller, complaint_id, body, locale_of(request))


@router.get(
    "/aliases",
    response_model=list[AliasOut],
    summary="Other names of map places, remembered from placed records",
)
def list_aliases(
    platform: PlatformDep,
    caller: Staff,
    place_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> list[AliasOut]:
    return platform.governance.aliases(caller, place_id)


@router.delete("/aliases/{alias_id}", status_code=204, summary="Forget a remembered name (admins)")
def forget_alias(platform: PlatformDep, caller: Admin, alias_id: RowId) -> Response:
    """Records it placed stay where they are; later imports no longer read it."""
    platform.governance.forget_alias(caller, alias_id)
    return Response(status_code=204)


@router.post(
    "/complaints/reclassify",
    response_model=Reclassified,
    summary="Sort every complaint again by the rules as they are now",
)
async def reclassify(platform: PlatformDep, caller: Admin) -> Reclassified:
    changed: int = await run_in_threadpool(platform.governance.reclassify, caller)
    return Reclassified(changed=changed)


# -- topic rules ---------------------------------------------------------------------------


@router.get("/topic-rules", response_model=list[RuleOut], summary="The topic rules")
def list_rules(request: Request, platform: PlatformDep, caller: Staff) -> list[RuleOut]:
    """In the order they are tried (priority, then id); the first that fires names the
    topic. A rule fires when every group has one of its words in the segmented text and
    none of the excluded words is there."""
    return platform.governance.rules(caller, locale_of(request))


@router.post("/topic-rules", response_model=RuleOut, status_code=201, summary="Add a rule")
def add_rule(request: Request, platform: PlatformDep, caller: Admin, body: RuleCreate) -> RuleOut:
    rule = RuleIn.model_validate(body.model_dump(exclude={"id"}))
    return platform.governance.save_rule(caller, body.id, rule, locale_of(request), new=True)


@router.put("/topic-rules/{rule_id}", response_model=RuleOut, summary="Change a rule")
def change_rule(
    request: Request,
    platform: PlatformDep,
    caller: Admin,
    rule_id: RuleId,
    body: RuleIn,
) -> RuleOut:
    return platform.governance.save_rule(caller, rule_id, body, locale_of(request), new=False)


@router.delete("/topic-rules/{rule_id}", status_code=204, summary="Remove a rule")
def remove_rule(platform: PlatformDep, caller: Admin, rule_id: RuleId) -> Response:
    platform.governance.delete_rule(caller, rule_id)
    return Response(status_code=204)


@router.post(
    "/topic-rules/try", response_model=Classification, summary="What the rules make of a text"
)
def try_rules(
    request: Request, platform: PlatformDep, caller: Staff, body: TryText
) -> Classification:
    return platform.governance.classify_text(caller, body.text, locale_of(request))


# -- hotspots ------------------------------------------------------------------------------


@router.get("/hotspots", response_model=Hotspots, summary="Where conflicts concentrate")
def hotspots(
    platform: PlatformDep,
    caller: Staff,
    subdistrict: Subdistrict = None,
    since: Since = None,
    until: Until = None,
    cell_m: Annotated[int, Query(ge=50, le=2000, description="The grid's cell, metres")] = 250,
) -> Hotspots:
    """Grid cells and named places ranked by delivery complaints, confirmed hazard reports
    and survey answers in the window (default: the last 365 days), each with the last 30
    days against the 30 before."""
    return platform.governance.hotspots(
        caller, since=since, until=until, subdistrict=subdistrict, cell_m=cell_m
    )


CellM = Annotated[int, Query(ge=50, le=2000, description="The grid's cell, metres")]


def _hotspots_file(
    platform: Platform,
    caller: Principal,
    request: Request,
    kind: Literal["csv", "xlsx"],
    since: date | None,
    until: date | None,
    subdistrict: str | None,
    cell_m: int,
) -> Response:
    found = platform.governance.hotspots_file(
        caller,
        kind,
        since=since,
        until=until,
        subdistrict=subdistrict,
        cell_m=cell_m,
        locale=locale_of(request),
    )
    return Response(
        found.body,
        media_type=found.media_type,
        headers={"Content-Disposition": attachment(found.filename)},
    )


@router.get(
    "/hotspots.csv",
    response_class=Response,
    responses=media_response("text/csv", "One row per cell or place, figure and period (BOM)"),
    summary="Hotspots as CSV",
)
def hotspots_csv(
    request: Request,
    platform: PlatformDep,
    caller: Staff,
    subdistrict: Subdistrict = None,
    since: Since = None,
    until: Until = None,
    cell_m: CellM = 250,
) -> Response:
    """The hotspots' cells and places, long-form: kind, ref, name, point, sub-district,
    figure, period (`window`, a month, `last_30_days`, `previous_30_days`) and value. In a
    grid officer's file, counts of 1 or 2 are written `<3` (and a count that would give one
    away by subtraction `*`); district admins' are exact."""
    return _hotspots_file(platform, caller, request, "csv", since, until, subdistrict, cell_m)


@router.get(
    "/hotspots.xlsx",
    response_class=Response,
    responses=media_response(XLSX_MEDIA, "The rows of the CSV, numbers as numbers"),
    summary="Hotspots as XLSX",
)
def hotspots_xlsx(
    request: Request,
    platform: PlatformDep,
    caller: Staff,
    subdistrict: Subdistrict = None,
    since: Since = None,
    until: Until = None,
    cell_m: CellM = 250,
) -> Response:
    """The CSV's rows as a sheet (and, in an officer's file, a note on `<3`)."""
    return _hotspots_file(platform, caller, request, "xlsx", since, until, subdistrict, cell_m)


# -- measures ------------------------------------------------------------------------------


@router.get("/measures", response_model=list[MeasureOut], summary="Measures taken")
def list_measures(
    request: Request, platform: PlatformDep, caller: Staff, subdistrict: Subdistrict = None
) -> list[MeasureOut]:
    return platform.governance.measures(caller, locale_of(request), subdistrict=subdistrict)


@router.post("/measures", response_model=MeasureOut, status_code=201, summary="Record a measure")
def add_measure(
    request: Request, platform: PlatformDep, caller: Staff, body: MeasureIn
) -> MeasureOut:
    """At a place of the map (`place_id`) or a point; officers in their own sub-district."""
    return platform.governance.add_measure(caller, body, locale_of(request))


@router.put("/measures/{measure_id}", response_model=MeasureOut, summary="Change a measure")
def change_measure(
    request: Request, platform: PlatformDep, caller: Staff, measure_id: RowId, body: MeasureIn
) -> MeasureOut:
    return platform.governance.change_measure(caller, measure_id, body, locale_of(request))


@router.delete("/measures/{measure_id}", status_code=204, summary="Remove a measure")
def remove_measure(platform: PlatformDep, caller: Staff, measure_id: RowId) -> Response:
    platform.governance.delete_measure(caller, measure_id)
    return Response(status_code=204)


SubjectQuery = Annotated[
    Subject,
    Query(
        description="complaints (delivery-related), reports (hazards) or pickups (the "
        "platforms' pickup times)"
    ),
]


@router.get(
    "/measures/{measure_id}/effect", response_model=EffectOut, summary="The measure's effect"
)
async def measure_effect(
    request: Request,
    platform: PlatformDep,
    caller: Staff,
    measure_id: RowId,
    subject: SubjectQuery = "complaints",
) -> EffectOut:
    """An interrupted time series of weekly counts within the measure's radius: a
    segmented Poisson regression (quasi-Poisson scale, Newey–West errors, the season
    accounted for) giving the change at the measure with its 95 % interval, and a sentence.
    For `pickups`: the weekly mean pickup time in a weighted linear segmented regression,
    the change in minutes (`unit`: minutes)."""
    out: EffectOut = await run_in_threadpool(
        platform.governance.effect, caller, measure_id, subject, locale_of(request)
    )
    return out


@router.get(
    "/measures/{measure_id}/effect.svg",
    response_class=Response,
    responses=media_response("image/svg+xml", "Observed, fitted and counterfactual counts"),
    summary="The effect's chart",
)
async def measure_effect_chart(
    request: Request,
    platform: PlatformDep,
    caller: Staff,
    measure_id: RowId,
    subject: SubjectQuery = "complaints",
) -> Response:
    svg: str = await run_in_threadpool(
        platform.governance.effect_svg, caller, measure_id, subject, locale_of(request)
    )
    return Response(svg, media_type="image/svg+xml")


@router.get(
    "/measures/{measure_id}/effect.pdf",
    response_class=Response,
    responses=media_response("application/pdf", "A one-page evaluation to print"),
    summary="The effect as a printable page",
)
async def measure_effect_pdf(
    request: Request,
    platform: PlatformDep,
    caller: Staff,
    measure_id: RowId,
    subject: SubjectQuery = "complaints",
) -> Response:
    pdf: bytes = await run_in_threadpool(
        platform.governance.effect_pdf, caller, measure_id, subject, locale_of(request)
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="measure-{measure_id}.pdf"'},
    )
