"""Snap-and-report endpoints: photos, filing and following reports, officers' work, the
district's report settings, and the bonus pool."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from gigcity.api.openapi import media_response
from gigcity.api.problems import problem
from gigcity.api.ratelimit import check_rate, check_rates, client_ip
from gigcity.http.deps import Admin, Allow, AnyAccount, PlatformDep, PublicCaller, RowId
from gigcity.http.locale import locale_of
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.reports import (
    AssignIn,
    BanIn,
    BanOut,
    Category,
    CategoryOut,
    CategoryRuleIn,
    DispatchIn,
    JoinIn,
    LedgerEntryOut,
    MergeIn,
    MyRewards,
    NoteIn,
    PhotoOut,
    PoolOut,
    Queue,
    QueueScope,
    RejectIn,
    ReportCreate,
    ReportOut,
    ResolveIn,
    RouteIn,
    RouteOut,
    SimilarReport,
    Status,
    TopUpIn,
)
from gigcity.services.reports.photos import PhotosBusy

router = APIRouter(prefix="/api/reports", tags=["reports"])

Staff = Annotated[
    Principal,
    Depends(Allow(Role.officer, Role.admin, note="grid officers only within their sub-district")),
]
Reader = Annotated[
    Principal,
    Depends(
        Allow.accounts_and_platform(
            Scope.open311,
            note="reporters their own reports, officers their sub-district's, platforms the "
            "reports they filed",
        )
    ),
]

PHOTO_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": 'inline; filename="report-photo.jpg"',
    "Content-Security-Policy": "default-src 'none'; sandbox",
    # Kept by the reader's browser only, and apart for each signed-in caller (a shared
    # phone's next user does not get the last one's photos from its cache).
    "Cache-Control": "private, max-age=3600",
    "Vary": "Authorization, X-API-Key",
    "Referrer-Policy": "no-referrer",
}


def _limit_reports(request: Request, platform: PlatformDep, caller: Principal) -> None:
    rates = platform.reports.rates
    check_rates(
        request,
        platform,
        [
            ("report-account", str(caller.account_id), rates.reports_per_account),
            ("report-ip", client_ip(request), rates.reports_per_ip),
        ],
    )


# -- reference and photos -------------------------------------------------------------------


@router.get("/categories", response_model=list[CategoryOut], summary="What can be reported")
def categories(request: Request, platform: PlatformDep, _: PublicCaller) -> list[CategoryOut]:
    """Each category with its reward, SLA and duplicate radius, labelled in the reader's
    language."""
    return platform.reports.categories(locale_of(request))


@router.put("/categories/{category}", response_model=CategoryOut, summary="Set a category's rule")
def set_category_rule(
    platform: PlatformDep, caller: Admin, category: Category, body: CategoryRuleIn
) -> CategoryOut:
    return platform.reports.set_rule(caller, category, body)


@router.post("/photos", response_model=PhotoOut, status_code=201, summary="Upload a photo")
async def upload_photo(
    request: Request,
    platform: PlatformDep,
    caller: AnyAccount,
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP photo.")],
) -> PhotoOut | JSONResponse:
    """The photo is checked by its content (not its name), stripped of every metadata
    (EXIF, GPS), turned upright and stored under a name chosen by the server. Name its
    `id` in a report (or a resolution) within a day; unused photos are removed."""
    # The buckets may be a database statement: not on the event loop.
    await run_in_threadpool(
        check_rate,
        request,
        platform,
        "photo-account",
        str(caller.account_id),
        platform.reports.rates.photos_per_account,
    )
    limit = platform.reports.photo_limits.max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(
            N_("The photo is larger than {max} MB."), field="file", max=round(limit / 2**20, 1)
        )
    try:
        return await run_in_threadpool(platform.reports.stage_photo, caller, data)
    except PhotosBusy as busy:  # every decoding slot of this worker is taken: come back
        return problem(
            request,
            busy.status,
            gettext(locale_of(request), busy.message, **busy.params),
            slug=busy.type_slug,
            title=busy.title,
            headers={"Retry-After": str(busy.retry_after_s)},
        )


@router.get(
    "/photos/{name}",
    summary="A report photo",
    response_class=Response,
    responses=media_response(
        "image/jpeg", "The photo, without metadata", {"type": "string", "format": "binary"}
    ),
)
def photo(
    platform: PlatformDep,
    caller: Annotated[
        Principal | None,
        Depends(
            Allow.public_access(
                note="signed in: whoever uploaded the photo or filed its report, the grid "
                "officers of the report's sub-district and district admins; anyone: a "
                'published "after" photo with an unexpired signature (`exp`, `sig`); '
                "everyone else gets 404, as for a photo that does not exist"
            )
        ),
    ],
    name: str,
    exp: Annotated[
        int | None,
        Query(ge=0, le=2**40, description="Signed URLs: when the signature expires (Unix time)."),
    ] = None,
    sig: Annotated[
        str | None, Query(max_length=128, description="Signed URLs: the signature.")
    ] = None,
) -> Response:
    """A report's photo or thumbnail, without metadata. Reporters' photos may show faces
    and number plates: they are served only to those who may see them (nothing is
    blurred). Published "after" photos come with signed URLs that expire within 15 min."""
    data = platform.reports.serve_photo(caller, name, exp, sig)
    if data is None:
        raise NotFound(N_("There is no such photo."))
    return Response(data, media_type="image/jpeg", headers=PHOTO_HEADERS)


# -- filing and following -------------------------------------------------------------------


@router.get("/similar", response_model=list[SimilarReport], summary='"Same as this one?"')
def similar(
    platform: PlatformDep,
    caller: AnyAccount,
    category: Category,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    photo_id: Annotated[
        list[Annotated[int, Query(ge=1, le=2_147_483_647)]] | None,
        Query(max_length=6, description="Photos uploaded for the new report."),
    ] = None,
) -> list[SimilarReport]:
    """Open reports the new one may repeat: those with a near-identical photo, then open
    reports of the category within its duplicate radius, nearest first."""
    return platform.reports.similar(caller, category, lon, lat, photo_id)


@router.post("", response_model=ReportOut, status_code=201, summary="File a report")
def submit(
    request: Request, platform: PlatformDep, caller: AnyAccount, body: ReportCreate
) -> Response:
    """Category, description, location (WGS-84, from GPS or the map), optional merchant or
    building, and photos uploaded before. Send `client_key` so a retry cannot file twice."""
    _limit_reports(request, platform, caller)
    # The busiest write: serialised once here rather than validated again on the way out.
    out = platform.reports.submit(caller, body)
    return Response(out.model_dump_json(), status_code=201, media_type="application/json")


@router.get("/mine", response_model=list[ReportOut], summary="My reports")
def mine(
    platform: PlatformDep,
    caller: AnyAccount,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
    before_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> list[ReportOut]:
    """Reports I filed, joined ("same as this one") or that were merged with mine, newest
    first, each with every status change."""
    return platform.reports.mine(caller, limit, before_id)


@router.get("/queue", response_model=Queue, summary="Reports to act on")
def queue(
    platform: PlatformDep,
    caller: Staff,
    scope: Annotated[
        QueueScope | None,
        Query(
            description="Officers: mine (default) or subdistrict. Admins: district (default: "
            "reports no officer handles), held, subdistrict or all."
        ),
    ] = None,
    subdistrict: Annotated[str | None, Query(max_length=64)] = None,
    status: Status | None = None,
    category: Category | None = None,
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Queue:
    """Open reports, earliest deadline first, with how many there are and how many are
    overdue."""
    return platform.reports.queue(
        caller,
        scope,
        subdistrict=subdistrict,
        status=status,
        category=category,
        overdue_only=overdue,
        limit=limit,
    )


@router.get("/{report_id:int}", response_model=ReportOut, summary="One report")
def get_report(platform: PlatformDep, caller: Reader, report_id: RowId) -> ReportOut:
    return platform.reports.get(caller, report_id)


@router.post("/{report_id:int}/same", response_model=ReportOut, summary="Same as this one")
def same(
    request: Request,
    platform: PlatformDep,
    caller: AnyAccount,
    report_id: RowId,
    body: JoinIn,
) -> ReportOut:
    """Instead of filing a duplicate: be credited with this open report, adding your photos
    and words to it. Send where you are (`lat`, `lon`): only a report within 300 m (or its
    category's duplicate radius, if wider) may be joined; with `category`, it must be the
    report's. You then follow it as the public sees it, with what you added."""
    _limit_reports(request, platform, caller)
    return platform.reports.join(caller, report_id, body)


# -- officers' work -------------------------------------------------------------------------


@router.post("/{report_id:int}/accept", response_model=ReportOut, summary="Verify (accept)")
def accept(platform: PlatformDep, caller: Staff, report_id: RowId, body: NoteIn) -> ReportOut:
    """The report is valid: accepted, and its reporter earns the category's reward once
    (or when the pool is topped up, if it is short)."""
    return platform.reports.accept(caller, report_id, body)


@router.post("/{report_id:int}/reject", response_model=ReportOut, summary="Reject")
def reject(platform: PlatformDep, caller: Staff, report_id: RowId, body: RejectIn) -> ReportOut:
    """With the reason, which the reporter and the public are told: a duplicate (name
    `duplicate_of`: it is merged into that report), out of scope, not found on site, or
    another reason (say which in `reason_text`, at most 300 characters)."""
    return platform.reports.reject(caller, report_id, body)


@router.post("/{report_id:int}/dispatch", response_model=ReportOut, summary="Dispatch")
def dispatch(platform: PlatformDep, caller: Staff, report_id: RowId, body: DispatchIn) -> ReportOut:
    return platform.reports.dispatch(caller, report_id, body)


@router.post("/{report_id:int}/start", response_model=ReportOut, summary="Work has started")
def start(platform: PlatformDep, caller: Staff, report_id: RowId, body: NoteIn) -> ReportOut:
    return platform.reports.start(caller, report_id, body)


@router.post("/{report_id:int}/resolve", response_model=ReportOut, summary="Resolved")
def resolve(platform: PlatformDep, caller: Staff, report_id: RowId, body: ResolveIn) -> ReportOut:
    """With at least one photo taken after the fix (uploaded first)."""
    return platform.reports.resolve(caller, report_id, body)


@router.put(
    "/{report_id:int}/photos/{photo_id:int}/published",
    response_model=ReportOut,
    summary='Publish an "after" photo',
)
def publish_photo(
    platform: PlatformDep, caller: Staff, report_id: RowId, photo_id: RowId
) -> ReportOut:
    """The public (Open311 `media_url`) then sees this photo taken after the fix, through
    signed URLs that expire within 15 minutes. Nothing is blurred: publish only a photo
    without faces or number plates. Riders' photos cannot be published."""
    return platform.reports.publish_photo(caller, report_id, photo_id, True)


@router.delete(
    "/{report_id:int}/photos/{photo_id:int}/published",
    response_model=ReportOut,
    summary="Take a published photo back",
)
def unpublish_photo(
    platform: PlatformDep, caller: Staff, report_id: RowId, photo_id: RowId
) -> ReportOut:
    """Signed URLs given out before stop working at once."""
    return platform.reports.publish_photo(caller, report_id, photo_id, False)


@router.post("/{report_id:int}/close", response_model=ReportOut, summary="Close")
def close(platform: PlatformDep, caller: Staff, report_id: RowId, body: NoteIn) -> ReportOut:
    return platform.reports.close(caller, report_id, body)


@router.post("/{report_id:int}/merge", response_model=ReportOut, summary="Merge a duplicate")
def merge(platform: PlatformDep, caller: Staff, report_id: RowId, body: MergeIn) -> ReportOut:
    """This report repeats `into`: it is rejected as a duplicate and everyone credited with
    it is credited with `into`."""
    return platform.reports.merge(caller, report_id, body)


@router.post("/{report_id:int}/assign", response_model=ReportOut, summary="Send to an officer")
def assign(platform: PlatformDep, caller: Admin, report_id: RowId, body: AssignIn) -> ReportOut:
    return platform.reports.assign(caller, report_id, body)


@router.post("/{report_id:int}/release", response_model=ReportOut, summary="Release a held report")
def release(platform: PlatformDep, caller: Admin, report_id: RowId) -> ReportOut:
    """A report of an account under review goes on to its officer."""
    return platform.reports.release(caller, report_id)


# -- routes and reviews ---------------------------------------------------------------------


@router.get("/routes", response_model=list[RouteOut], summary="Which officer gets what")
def routes(platform: PlatformDep, caller: Admin) -> list[RouteOut]:
    return platform.reports.routes(caller)


@router.put("/routes", response_model=RouteOut, summary="Route a category to an officer")
def set_route(platform: PlatformDep, caller: Admin, body: RouteIn) -> RouteOut:
    """Reports of the category ("*" for all) in the sub-district go to the officer; without
    a route they go to the district admins' queue."""
    return platform.reports.set_route(caller, body)


@router.delete("/routes/{route_id:int}", status_code=204, summary="Remove a route")
def delete_route(platform: PlatformDep, caller: Admin, route_id: RowId) -> Response:
    platform.reports.delete_route(caller, route_id)
    return Response(status_code=204)


@router.get("/reviews", response_model=list[BanOut], summary="Accounts and keys under review")
def bans(platform: PlatformDep, caller: Admin) -> list[BanOut]:
    return platform.reports.bans(caller)


@router.post(
    "/reviews", response_model=BanOut, status_code=201, summary="Hold an account's reports"
)
def ban(platform: PlatformDep, caller: Admin, body: BanIn) -> BanOut:
    """New reports of the account (or integrator key) are held until an admin releases
    them; they earn no reward while it is under review."""
    return platform.reports.ban(caller, body)


@router.delete("/reviews/{ban_id:int}", status_code=204, summary="End a review")
def unban(platform: PlatformDep, caller: Admin, ban_id: RowId) -> Response:
    platform.reports.unban(caller, ban_id)
    return Response(status_code=204)


# -- rewards --------------------------------------------------------------------------------


@router.get("/rewards/pool", response_model=PoolOut, summary="The bonus pool")
def pool(platform: PlatformDep, caller: Admin) -> PoolOut:
    return platform.reports.rewards.pool(caller)


@router.post("/rewards/pool/top-up", response_model=PoolOut, summary="Top up the bonus pool")
def top_up(platform: PlatformDep, caller: Admin, body: TopUpIn) -> PoolOut:
    """Idempotent by `key`. Rewards waiting for money are paid from it, oldest first."""
    return platform.reports.rewards.top_up(caller, body.amount_fen, body.key, body.note)


@router.get("/rewards/ledger", response_model=list[LedgerEntryOut], summary="Pool movements")
def ledger(
    platform: PlatformDep,
    caller: Admin,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> list[LedgerEntryOut]:
    return platform.reports.rewards.ledger(caller, limit=limit, before_id=before_id)


@router.get("/rewards/mine", response_model=MyRewards, summary="My rewards")
def my_rewards(
    platform: PlatformDep,
    caller: Annotated[Principal, Depends(Allow(Role.rider))],
) -> MyRewards:
    return platform.reports.rewards.mine(caller)


__all__ = ["router"]
