"""A report's statuses and the steps between them (pure: no database).

submitted -> accepted | rejected; accepted -> dispatched -> in_progress -> resolved -> closed.
A report merged into another is rejected as a duplicate from whatever open status it had.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gigcity.i18n import N_


class Status(StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    rejected = "rejected"
    dispatched = "dispatched"
    in_progress = "in_progress"
    resolved = "resolved"
    closed = "closed"


class Action(StrEnum):
    submit = "submit"
    accept = "accept"
    reject = "reject"
    dispatch = "dispatch"
    start = "start"
    resolve = "resolve"
    close = "close"
    merge = "merge"  # this report was merged into another
    absorb = "absorb"  # another report was merged into this one
    same = "same"  # a rider said "same as this one"
    hold = "hold"
    release = "release"
    assign = "assign"
    reward = "reward"
    publish = "publish"  # an officer published an "after" photo
    unpublish = "unpublish"


class RejectReason(StrEnum):
    """Why a report was rejected; the reporter and the public (Open311) are told.

    `invalid` is the older catch-all (such reports are hidden from the public); officers
    now pick one of the others, `other` with their own words (`Report.reject_text`)."""

    duplicate = "duplicate"
    out_of_scope = "out_of_scope"
    not_found = "not_found"
    other = "other"
    invalid = "invalid"


# Open means someone still has to act: resolved reports wait to be closed.
OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.submitted, Status.accepted, Status.dispatched, Status.in_progress, Status.resolved}
)
# Statuses in which the work is not done, so the SLA clock is running.
UNRESOLVED: frozenset[Status] = frozenset(
    {Status.submitted, Status.accepted, Status.dispatched, Status.in_progress}
)


@dataclass(frozen=True, slots=True)
class Step:
    sources: frozenset[Status]
    target: Status


STEPS: dict[Action, Step] = {
    Action.accept: Step(frozenset({Status.submitted}), Status.accepted),
    Action.reject: Step(frozenset({Status.submitted}), Status.rejected),
    Action.dispatch: Step(frozenset({Status.accepted}), Status.dispatched),
    Action.start: Step(frozenset({Status.dispatched}), Status.in_progress),
    Action.resolve: Step(frozenset({Status.in_progress}), Status.resolved),
    Action.close: Step(frozenset({Status.resolved}), Status.closed),
    Action.merge: Step(OPEN_STATUSES, Status.rejected),
}

STATUS_LABELS: dict[Status, str] = {
    Status.submitted: N_("Submitted"),
    Status.accepted: N_("Accepted"),
    Status.rejected: N_("Rejected"),
    Status.dispatched: N_("Dispatched"),
    Status.in_progress: N_("In progress"),
    Status.resolved: N_("Resolved"),
    Status.closed: N_("Closed"),
}

REJECT_LABELS: dict[RejectReason, str] = {
    RejectReason.invalid: N_("not valid"),
    RejectReason.duplicate: N_("a duplicate"),
    RejectReason.out_of_scope: N_("not something the district handles"),
    RejectReason.not_found: N_("not found on site"),
    RejectReason.other: N_("another reason"),
}


def next_status(action: Action, current: Status) -> Status | None:
    """The status `action` leads to from `current`, or None when it is not allowed there."""
    step = STEPS.get(action)
    if step is None or current not in step.sources:
        return None
    return step.target


def is_open(status: Status) -> bool:
    return status in OPEN_STATUSES


def is_overdue(status: Status, due_at: datetime, now: datetime) -> bool:
    """Past its SLA deadline and still not resolved."""
    return status in UNRESOLVED and now > due_at


def open311_status(status: Status) -> str:
    """GeoReport v2 knows two statuses: open (reported) and closed (resolved)."""
    return "open" if status in UNRESOLVED else "closed"
