"""Log lines: one JSON object each in production (ours, uvicorn's, libraries'), with the
request id when there is one, never a secret; readable lines in dev."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any, Literal

import pytest
import structlog

from gigcity.config import Mode, Settings
from gigcity.logs import bound_request_id, configure_logging, current_request_id

SECRET = "Vd8-kq3LrW0zPx7NbT2mYc5HfJ9sGa4Ue6Qi1Ko"


@pytest.fixture
def root_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    uvicorn = {n: logging.getLogger(n) for n in ("uvicorn", "uvicorn.error", "uvicorn.access")}
    saved = {n: (list(lg.handlers), lg.propagate) for n, lg in uvicorn.items()}
    httpx_level = logging.getLogger("httpx").level
    yield
    logging.getLogger("httpx").setLevel(httpx_level)
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, (old_handlers, propagate) in saved.items():
        uvicorn[name].handlers[:] = old_handlers
        uvicorn[name].propagate = propagate
    logging.captureWarnings(False)
    structlog.reset_defaults()


def _configured(
    fmt: Literal["auto", "json", "console"] = "auto", mode: Mode = "production"
) -> io.StringIO:
    stream = io.StringIO()
    settings = Settings(mode=mode, secret_key=SECRET, log_format=fmt, database_url="sqlite://")
    configure_logging(settings, stream=stream)
    return stream


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.usefixtures("root_logging")
def test_production_lines_are_json_with_the_request_id() -> None:
    stream = _configured()
    log = logging.getLogger("gigcity.somewhere")
    log.info("before any request")
    with bound_request_id("req-42") as bound:
        assert bound == current_request_id() == "req-42"
        log.warning("refused %s points", 3, extra={"subdistrict": "310107"})
    assert current_request_id() is None
    outside, inside = _lines(stream)
    assert outside["event"] == "before any request"
    assert "request_id" not in outside
    assert inside["event"] == "refused 3 points"
    assert inside["level"] == "warning"
    assert inside["logger"] == "gigcity.somewhere"
    assert inside["request_id"] == "req-42"
    assert inside["subdistrict"] == "310107"
    assert inside["timestamp"].endswith("Z")


@pytest.mark.usefixtures("root_logging")
def test_uvicorn_and_library_lines_are_json_too() -> None:
    # As if uvicorn's own logging config had run first: its handlers write plain text.
    logging.getLogger("uvicorn.error").addHandler(logging.StreamHandler(io.StringIO()))
    logging.getLogger("uvicorn.error").propagate = False
    stream = _configured()
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 123)
    logging.getLogger("sqlalchemy.pool").error("connection lost")
    lines = _lines(stream)
    assert [(line["logger"], line["event"]) for line in lines] == [
        ("uvicorn.error", "Started server process [123]"),
        ("sqlalchemy.pool", "connection lost"),
    ]


@pytest.mark.usefixtures("root_logging")
def test_an_error_with_its_traceback_is_one_json_line() -> None:
    stream = _configured()
    try:
        _ = 1 / 0
    except ZeroDivisionError:
        logging.getLogger("gigcity.api").exception("unhandled error")
    (line,) = _lines(stream)
    assert line["level"] == "error"
    assert "ZeroDivisionError" in line["exception"]


@pytest.mark.usefixtures("root_logging")
def test_secrets_passed_as_fields_are_redacted() -> None:
    stream = _configured()
    logging.getLogger("gigcity.x").info(
        "signed in", extra={"password": "hunter2", "access_token": "eyJ.x.y", "username": "li"}
    )
    (line,) = _lines(stream)
    assert "hunter2" not in stream.getvalue()
    assert "eyJ.x.y" not in stream.getvalue()
    assert line["password"] == line["access_token"] == "[redacted]"
    assert line["username"] == "li"


@pytest.mark.usefixtures("root_logging")
def test_urls_fetched_by_http_clients_are_not_logged() -> None:
    stream = _configured()
    logging.getLogger("httpx").info('HTTP Request: GET https://x.example/?phone=13800138000 "200"')
    logging.getLogger("httpx").warning("retrying")
    assert [line["event"] for line in _lines(stream)] == ["retrying"]


@pytest.mark.usefixtures("root_logging")
def test_configuring_again_does_not_write_lines_twice() -> None:
    _configured()
    stream = _configured()
    logging.getLogger("gigcity.x").info("once")
    assert len(_lines(stream)) == 1
    assert [h.get_name() for h in logging.getLogger().handlers].count("gigcity") == 1


@pytest.mark.usefixtures("root_logging")
def test_dev_mode_writes_readable_lines_and_json_can_be_asked_for() -> None:
    stream = _configured(mode="dev")
    with bound_request_id("abc"):
        logging.getLogger("gigcity.x").info("seeded %d points", 10)
    text = stream.getvalue()
    assert "seeded 10 points" in text
    assert "request_id=abc" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    stream = _configured(fmt="json", mode="dev")
    logging.getLogger("gigcity.x").info("as json")
    assert _lines(stream)[0]["event"] == "as json"


@pytest.mark.usefixtures("root_logging")
def test_the_level_setting_drops_lower_lines() -> None:
    stream = io.StringIO()
    settings = Settings(mode="production", secret_key=SECRET, log_level="WARNING")
    configure_logging(settings, stream=stream)
    logging.getLogger("gigcity.x").info("chatter")
    logging.getLogger("gigcity.x").warning("worth reading")
    assert [line["event"] for line in _lines(stream)] == ["worth reading"]
