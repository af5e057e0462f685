"""The "three ones" models: what callers send and what they are answered (letters, the
learning library, books)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

# -- letters ------------------------------------------------------------------------------


class LetterIn(BaseModel):
    organisation_id: int | None = Field(default=None, ge=1, le=2_147_483_647)  # None: all
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)


class LetterOut(BaseModel):
    """A letter as its sender (an officer or admin) sees it: how many have read it."""

    id: int
    organisation_id: int | None
    title: str
    body: str
    sent_at: datetime
    recipients: int  # the members it is for now
    read: int  # of them, how many opened it


class MyLetterOut(BaseModel):
    """A letter as a member sees it: opened or not (the body once opened)."""

    id: int
    organisation_id: int | None
    title: str
    sent_at: datetime
    read_at: datetime | None
    body: str | None  # only in the answer of opening it


class ReceiptOut(BaseModel):
    """A member the letter is for, and whether they opened it (membership data: logged)."""

    account_id: int
    display_name: str
    read_at: datetime | None


class ReceiptsOut(BaseModel):
    letter_id: int
    read: int
    unread: int
    members: list[ReceiptOut]  # who has not read first (at most 500)


# -- learning -----------------------------------------------------------------------------


class ResourceKind(StrEnum):
    article = "article"
    video = "video"
    audio = "audio"
    course = "course"


class ResourceIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    kind: ResourceKind
    url: str | None = Field(default=None, max_length=500, pattern=r"^(https?://|/)\S+$")
    body: str | None = Field(default=None, max_length=20_000)
    minutes: int = Field(default=10, ge=1, le=600)
    published: bool = True


class ResourceOut(ResourceIn):
    id: int
    percent: int | None = None  # the caller's own progress (a signed-in member)
    completed_at: datetime | None = None


class ProgressIn(BaseModel):
    percent: int = Field(ge=0, le=100)


class ProgressOut(BaseModel):
    resource_id: int
    percent: int
    completed_at: datetime | None


class MemberProgressOut(BaseModel):
    """One member's way through the library (membership data: logged)."""

    account_id: int
    display_name: str
    completed: int  # resources finished
    started: int  # resources begun (any progress)
    percent: int  # mean progress over the published library


class LearningProgressOut(BaseModel):
    organisation_id: int
    resources: int  # published resources
    members: list[MemberProgressOut]


# -- books --------------------------------------------------------------------------------


class BookCodeOut(BaseModel):
    """The short code a member shows (or reads out) to be handed a book."""

    code: str
    expires_at: datetime
    qr_svg: str


class HandoutIn(BaseModel):
    code: str = Field(min_length=3, max_length=32)
    title: str = Field(min_length=1, max_length=200)
    place_id: int | None = Field(default=None, ge=1, le=2_147_483_647)  # admins; staff: theirs


class HandoutOut(BaseModel):
    id: int
    account_id: int
    display_name: str
    title: str
    place_id: int | None
    place_name: str | None
    given_at: datetime


class MyBookOut(BaseModel):
    title: str
    place_name: str | None
    given_at: datetime
