"""A notice to one worker ("booking confirmed", "a bed was released to you", "your shower is
next", "a call-back is scheduled"): queued in the transaction of the change it tells of, so
it exists exactly when the change does, and delivered afterwards by the job queue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from gigcity.services.jobs import JobQueue, JobSpec, Retry

NOTIFY_JOB = JobSpec("notify.send", retry=Retry(attempts=4))
MAX_PARAM_LENGTH = 200  # a notice carries names and times, never a document


@dataclass(frozen=True, slots=True)
class Notice:
    """What to tell whom. `message` is an English msgid of the `messages` catalog with
    `{named}` parameters (translated into the reader's language when sent); `kind` names
    the event ("stays.booked") for filtering and the log; `url` is the page a tap opens."""

    account_id: int
    kind: str
    message: str
    params: Mapping[str, str | int] = field(default_factory=dict)
    url: str = "/"

    def as_args(self) -> dict[str, Any]:
        for name, value in self.params.items():
            if isinstance(value, str) and len(value) > MAX_PARAM_LENGTH:
                raise ValueError(f"notice parameter {name!r} is longer than {MAX_PARAM_LENGTH}")
        return {
            "account_id": self.account_id,
            "kind": self.kind,
            "message": self.message,
            "params": dict(self.params),
            "url": self.url,
        }

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> Notice:
        return cls(
            account_id=int(args["account_id"]),
            kind=str(args["kind"]),
            message=str(args["message"]),
            params=dict(args.get("params") or {}),
            url=str(args.get("url") or "/"),
        )


def queue_notice(session: Session, jobs: JobQueue, notice: Notice) -> None:
    """Queue `notice` in `session`'s transaction: sent after it commits, never if it rolls
    back."""
    jobs.defer(session, NOTIFY_JOB.name, **notice.as_args())
