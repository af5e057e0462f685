"""Logs: every line one event, JSON in production (a readable line in dev and demo), with
the id of the request or job it belongs to.

The code base logs through the standard library (`logging.getLogger(__name__)`); so do
uvicorn and the libraries. `configure_logging` sends all of it through structlog's
`ProcessorFormatter`, so each line carries `timestamp`, `level`, `logger`, `event`,
`request_id` (inside a request, or a job queued by one) and any `extra=` fields.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from gigcity.config import Settings

_REQUEST_ID: ContextVar[str | None] = ContextVar("gigcity_request_id", default=None)
HANDLER_NAME = "gigcity"
# `extra=` keys whose values must never reach a log line, whoever passes them.
SECRET_WORDS = ("password", "secret", "token", "authorization", "api_key", "cookie")
_SECRET_KEY = re.compile("|".join(SECRET_WORDS), re.IGNORECASE)
# Not fields: uvicorn's copy of its message with terminal colours; the formatted message
# and time that another handler's formatter (pytest's, say) left on the record.
_DROPPED_EXTRAS = frozenset({"color_message", "message", "asctime"})
# Libraries that log every URL they fetch at INFO, query string included.
_CHATTY = ("httpx", "httpcore")


def current_request_id() -> str | None:
    """The id of the request (or of the request that queued the job) being handled."""
    return _REQUEST_ID.get()


@contextmanager
def bound_request_id(request_id: str) -> Iterator[str]:
    """Log lines written inside carry `request_id` (tasks and threads started inside too:
    they copy the context)."""
    token = _REQUEST_ID.set(request_id)
    try:
        yield request_id
    finally:
        _REQUEST_ID.reset(token)


def _add_request_id(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    request_id = _REQUEST_ID.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


def _redact_secrets(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    for key in event:
        if _SECRET_KEY.search(key):
            event[key] = "[redacted]"
    for key in _DROPPED_EXTRAS & event.keys():
        del event[key]
    return event


def _shared_processors() -> list[Processor]:
    """Run on every event, from structlog and from the standard library alike."""
    return [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        _add_request_id,
        _redact_secrets,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _renderer(settings: Settings, stream: TextIO) -> list[Processor]:
    wants_json = settings.log_format == "json" or (
        settings.log_format == "auto" and settings.mode == "production"
    )
    if wants_json:
        return [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    return [structlog.dev.ConsoleRenderer(colors=stream.isatty())]


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Send every log line (ours, uvicorn's, libraries') to `stream` (stderr) in the format
    and from the level the settings name. Calling it again replaces what it set up."""
    stream = stream or sys.stderr
    shared = _shared_processors()
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *_renderer(settings, stream),
            ],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    _route_uvicorn_to_root()
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    logging.captureWarnings(True)  # warnings become log lines too


def _route_uvicorn_to_root() -> None:
    """uvicorn's own handlers (if its logging config ran) would write plain text lines."""
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # The request-id middleware writes the access line: uvicorn's has the query string,
    # which may carry personal data (a phone number, a position).
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False


__all__ = [
    "bound_request_id",
    "configure_logging",
    "current_request_id",
]
