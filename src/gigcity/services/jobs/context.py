"""A job's request id: taken from the request that queued it, bound again while it runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gigcity.logs import bound_request_id, current_request_id
from gigcity.services.jobs.spec import REQUEST_ID_ARG, JobArgs


def tagged(args: dict[str, Any]) -> dict[str, Any]:
    """`args` with the current request's id (if any), to store with the job."""
    request_id = current_request_id()
    return {**args, REQUEST_ID_ARG: request_id} if request_id else args


@contextmanager
def job_context(args: JobArgs) -> Iterator[JobArgs]:
    """While the job runs, its log lines carry the request id it was queued with."""
    plain = {k: v for k, v in args.items() if k != REQUEST_ID_ARG}
    request_id = args.get(REQUEST_ID_ARG)
    if isinstance(request_id, str):
        with bound_request_id(request_id):
            yield plain
    else:
        yield plain
