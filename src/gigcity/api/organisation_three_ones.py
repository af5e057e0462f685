"""The "three ones" over HTTP (issue 20): the letter with its read receipts, the learning
library with members' progress and its QR code, and the books handed out.

A member reads their own letters, learning and books. Receipts, members' progress and who
received a book are membership data: answered to the organisation's officers and district
admins only, each member shown logged as a read (GET /api/organisation/reads)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from gigcity.http.deps import ACCOUNT_ROLES, Allow, PlatformDep, PublicCaller, RowId
from gigcity.services.accounts import Principal, Role
from gigcity.services.organisation.three_ones_schemas import (
    BookCodeOut,
    HandoutIn,
    HandoutOut,
    LearningProgressOut,
    LetterIn,
    LetterOut,
    MyBookOut,
    MyLetterOut,
    ProgressIn,
    ProgressOut,
    ReceiptsOut,
    ResourceIn,
    ResourceOut,
)

router = APIRouter(prefix="/api/organisation", tags=["organisation"])

Admin = Annotated[Principal, Depends(Allow(Role.admin, note="the district's social-work staff"))]
Member = Annotated[Principal, Depends(Allow(Role.rider, note="their own letters and learning"))]
Officer = Annotated[
    Principal,
    Depends(
        Allow(
            *ACCOUNT_ROLES,
            note="district admins, and an organisation's own officers for that organisation",
        )
    ),
]
BookGiver = Annotated[
    Principal, Depends(Allow(Role.staff, Role.admin, note="staff at their own station"))
]
Month = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
OrgId = Annotated[int, Query(ge=1, le=2_147_483_647)]


# -- letters ------------------------------------------------------------------------------


@router.post("/letters", status_code=201, response_model=LetterOut, summary="Send a letter")
def send_letter(platform: PlatformDep, caller: Officer, body: LetterIn) -> LetterOut:
    """To all members (`organisation_id` null: admins) or one organisation's (its officers)."""
    return platform.three_ones.send_letter(caller, body)


@router.get("/letters/sent", response_model=list[LetterOut], summary="Letters and read counts")
def sent_letters(platform: PlatformDep, caller: Officer) -> list[LetterOut]:
    return platform.three_ones.sent_letters(caller)


@router.get(
    "/letters/{letter_id}/receipts",
    response_model=ReceiptsOut,
    summary="Who has read a letter (each member shown is logged)",
)
def receipts(platform: PlatformDep, caller: Officer, letter_id: RowId) -> ReceiptsOut:
    return platform.three_ones.receipts(caller, letter_id)


@router.get("/letters/mine", response_model=list[MyLetterOut], summary="Your letters of a month")
def my_letters(platform: PlatformDep, caller: Member, month: Month = None) -> list[MyLetterOut]:
    return platform.three_ones.my_letters(caller, month)


@router.post(
    "/letters/{letter_id}/open",
    response_model=MyLetterOut,
    summary="Open a letter (its read receipt is written once)",
)
def open_letter(platform: PlatformDep, caller: Member, letter_id: RowId) -> MyLetterOut:
    return platform.three_ones.open_letter(caller, letter_id)


# -- learning -----------------------------------------------------------------------------


@router.get("/learning", response_model=list[ResourceOut], summary="The learning library")
def library(platform: PlatformDep, caller: PublicCaller) -> list[ResourceOut]:
    """Published resources (admins: all), with the signed-in caller's own progress."""
    return platform.three_ones.library(caller)


@router.post("/learning", status_code=201, response_model=ResourceOut)
def add_resource(platform: PlatformDep, caller: Admin, body: ResourceIn) -> ResourceOut:
    return platform.three_ones.add_resource(caller, body)


@router.put("/learning/{resource_id:int}", response_model=ResourceOut, summary="Edit or unpublish")
def update_resource(
    platform: PlatformDep, caller: Admin, resource_id: RowId, body: ResourceIn
) -> ResourceOut:
    return platform.three_ones.update_resource(caller, resource_id, body)


@router.put(
    "/learning/{resource_id:int}/progress",
    response_model=ProgressOut,
    summary="Your progress (only goes up; 100 = completed)",
)
def set_progress(
    platform: PlatformDep, caller: Member, resource_id: RowId, body: ProgressIn
) -> ProgressOut:
    return platform.three_ones.set_progress(caller, resource_id, body.percent)


@router.get(
    "/learning/progress",
    response_model=LearningProgressOut,
    summary="An organisation's members' progress (each member shown is logged)",
)
def members_progress(
    platform: PlatformDep, caller: Officer, organisation_id: OrgId
) -> LearningProgressOut:
    return platform.three_ones.members_progress(caller, organisation_id)


@router.get(
    "/learning/qr.svg",
    response_class=Response,
    summary="The learning QR code (SVG): opens the member's library",
    responses={200: {"content": {"image/svg+xml": {}}}},
)
def learning_qr(request: Request, platform: PlatformDep, caller: PublicCaller) -> Response:
    svg = platform.three_ones.learning_qr_svg(str(request.base_url))
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Disposition": 'inline; filename="learning-qr.svg"'},
    )


# -- books --------------------------------------------------------------------------------


@router.get("/books/code", response_model=BookCodeOut, summary="Your code to show at the desk")
def book_code(platform: PlatformDep, caller: Member) -> BookCodeOut:
    return platform.three_ones.book_code(caller)


@router.get("/books/mine", response_model=list[MyBookOut], summary="Books you received")
def my_books(platform: PlatformDep, caller: Member) -> list[MyBookOut]:
    return platform.three_ones.my_books(caller)


@router.post(
    "/books",
    status_code=201,
    response_model=HandoutOut,
    summary="Record a book handed to the member whose code was shown (409: had it already)",
)
def give_book(platform: PlatformDep, caller: BookGiver, body: HandoutIn) -> HandoutOut:
    return platform.three_ones.give_book(caller, body)


@router.get(
    "/books",
    response_model=list[HandoutOut],
    summary="Who received a book (each member shown is logged)",
)
def handouts(
    platform: PlatformDep,
    caller: Officer,
    organisation_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> list[HandoutOut]:
    """An organisation's members (its officers, admins); without one, everyone (admins)."""
    return platform.three_ones.handouts(caller, organisation_id)
