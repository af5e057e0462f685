"""The open alerts, live: a server-sent-events stream for the staff page.

The stream sends the open alerts (what `GET /api/eldercare/alerts` answers, oldest first, in
the caller's scope) at once and again whenever they change, a keep-alive comment after 15 s
of quiet, and ends when the client goes.
It wakes on PostgreSQL's NOTIFY through the worker's one `AlertWatch`, and on SQLite polls
the watch's mark every few seconds (see `services.eldercare.alert_watch`).

Browsers' `EventSource` cannot send the `Authorization` header and a token in the URL would
land in logs, so the page reads the stream with `fetch()`; the bearer header works as on
every other route.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.sse import KEEPALIVE_COMMENT, EventSourceResponse, format_sse_event
from starlette.concurrency import run_in_threadpool

from gigcity.api.eldercare import Manager
from gigcity.http.deps import PlatformDep
from gigcity.http.locale import locale_of
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.eldercare.alert_watch import AlertWatch
from gigcity.services.eldercare.base import require_manager, scope_subdistrict
from gigcity.services.errors import ServiceError
from gigcity.services.platform import Platform

router = APIRouter(prefix="/api/eldercare", tags=["eldercare"])

POLL_S = 3.0  # SQLite: how often the mark is read (tests make it shorter)
PING_S = 15.0  # a keep-alive comment after this long without an event
# A stream ends after this long and the page connects again: its token is checked anew, so
# a signed-out, expired or deactivated account stops receiving alerts within it.
LIFETIME_S = 600.0
RETRY_MS = 5000  # how long a client waits before it connects again
EVENT = "alerts"
_watch_lock = threading.Lock()


def watch_of(request: Request, platform: Platform) -> AlertWatch:
    """The worker's one watch (made at the first stream, kept on the app)."""
    state = request.app.state
    with _watch_lock:
        watch: AlertWatch | None = getattr(state, "eldercare_alert_watch", None)
        if watch is None:
            watch = AlertWatch(platform.engine, platform.factory)
            state.eldercare_alert_watch = watch
    return watch


def _scope(
    caller: Manager,
    subdistrict: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> str | None:
    """The sub-district the stream shows (None: all, for admins). Checked before the
    stream starts: once it has, an error can no longer be an answer."""
    if subdistrict is not None:
        require_manager(caller, subdistrict)
        return subdistrict
    return scope_subdistrict(caller)


Scope = Annotated[str | None, Depends(_scope)]


class StreamOnly(ServiceError):
    status = 406
    title = N_("Not acceptable")
    type_slug = "not-acceptable"


def _reads_events(request: Request, _caller: Manager) -> None:
    """The stream never ends: a client that does not read events (a plain GET, a crawler,
    a generated test) is told so (406) instead of waiting forever for the end of the
    answer. After the caller is checked: who may not read it is told that first."""
    accept = request.headers.get("accept", "")
    if "text/event-stream" not in accept.lower():
        raise StreamOnly(
            N_(
                "This answer is a stream of server-sent events: ask for it with the "
                "header Accept: text/event-stream."
            ),
            field="Accept",
        )


@router.get(
    "/alerts/stream",
    # Not `EventSourceResponse`: FastAPI takes that for a generator endpoint's events.
    response_class=StreamingResponse,
    dependencies=[Depends(_reads_events)],
    summary="Open alerts, live (server-sent events)",
    responses={
        200: {
            "description": "`event: alerts` whose `data` is the open alerts as JSON (as `GET "
            "/api/eldercare/alerts` answers them), at once and at every change; `: ping` "
            "comments in between",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    },
)
async def alert_stream(
    platform: PlatformDep, caller: Manager, scope: Scope, request: Request
) -> EventSourceResponse:
    """The open alerts oldest first, sent at once and again whenever one opens, takes a
    step or closes (each sending is logged as a read, like the list). Read it with the
    `Authorization` header and `Accept: text/event-stream` (e.g. `fetch()`); `EventSource`
    cannot send the first."""
    # Not a generator endpoint: FastAPI would document it with OpenAPI 3.2's `itemSchema`,
    # which a 3.1 document may not hold. The events are written here as FastAPI writes them.
    events = _events(platform, caller, scope, locale_of(request), watch_of(request, platform))
    return EventSourceResponse(
        events, headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )


async def _events(
    platform: Platform, caller: Principal, scope: str | None, locale: str, watch: AlertWatch
) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    changed = asyncio.Event()

    def wake() -> None:  # from the listener's thread
        loop.call_soon_threadsafe(changed.set)

    def read() -> str:
        alerts = platform.eldercare.alerts(caller, subdistrict=scope, locale=locale)
        return json.dumps([a.model_dump(mode="json") for a in alerts], ensure_ascii=False)

    async def quiet() -> bool:
        """Wait for a change (True), or PING_S of quiet (False)."""
        if watch.notifies:
            with anyio.move_on_after(PING_S):
                await changed.wait()
            return changed.is_set()
        waited = 0.0
        while waited < PING_S and not changed.is_set():  # SQLite: poll the mark
            await asyncio.sleep(POLL_S)
            waited += POLL_S
            if await run_in_threadpool(watch.mark, scope) != mark:
                return True
        return changed.is_set()

    ends = loop.time() + LIFETIME_S
    await run_in_threadpool(watch.watch, wake)
    try:
        sent = None
        mark = None if watch.notifies else await run_in_threadpool(watch.mark, scope)
        stale = True
        while loop.time() < ends:
            if stale:
                changed.clear()
                if not watch.notifies:
                    mark = await run_in_threadpool(watch.mark, scope)
                alerts = await run_in_threadpool(read)
                if alerts != sent:
                    yield format_sse_event(data_str=alerts, event=EVENT, retry=RETRY_MS)
                    sent = alerts
            stale = await quiet()
            if not stale:
                yield KEEPALIVE_COMMENT  # proxies close a connection that says nothing
    finally:
        with anyio.CancelScope(shield=True):  # the client went: stop waking this page
            await run_in_threadpool(watch.unwatch, wake)
