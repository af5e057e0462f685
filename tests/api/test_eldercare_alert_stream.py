"""The live alerts stream: who may read it (401, 403), the caller's scope, and an alert made
while a page is connected reaching it — by NOTIFY on PostgreSQL, by polling on SQLite."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from gigcity.api import eldercare_alert_stream
from gigcity.app import create_app
from gigcity.services.platform import Platform
from services.eldercare.doorcheck_support import Meals, add_meal, enrol, make_meals
from support import token

URL = "/api/eldercare/alerts/stream"
EVENTS = {"Accept": "text/event-stream"}
WAIT_S = 15.0


@pytest.fixture
def wired(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, Meals]]:
    monkeypatch.setattr(eldercare_alert_stream, "POLL_S", 0.1)
    meals = make_meals(platform)
    platform.eldercare.clock = meals.clock
    meals.service = platform.eldercare
    with TestClient(create_app(platform.settings, platform)) as client:
        yield client, meals


class Events:
    """The `alerts` events of an open stream, read on a thread so that a test waits for
    the next one at most WAIT_S."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._events: queue.Queue[list[dict[str, Any]]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "", ""
        try:
            for line in self.response.iter_lines():
                if line.startswith("event:"):
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data += line.split(":", 1)[1].strip()
                elif not line and data:
                    if name == "alerts":
                        self._events.put(json.loads(data))
                    name, data = "", ""
        except Exception:  # the test closed the stream (httpx's or anyio's closed stream)
            pass

    def next(self) -> list[dict[str, Any]]:
        return self._events.get(timeout=WAIT_S)


def no_answer(meals: Meals, first_name: str = "秀英") -> int:
    meal_id = add_meal(meals, enrol(meals, first_name=first_name))
    check = meals.service.record_door_check(meals.primary, meal_id, "no_answer", "敲门无人")
    assert check.alert_id is not None
    return check.alert_id


def test_who_may_read_the_stream(wired: tuple[TestClient, Meals]) -> None:
    client, _ = wired
    r = client.get(URL, headers=EVENTS)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get(URL).status_code == 401  # who may not read it is told that first
    rider = {**token(client, "familiar"), **EVENTS}
    assert client.get(URL, headers=rider).status_code == 403
    other = {**token(client, "officer2"), **EVENTS}  # of changzheng
    assert client.get(URL, params={"subdistrict": "wanli"}, headers=other).status_code == 403


def test_a_client_that_does_not_read_events_is_told_so(wired: tuple[TestClient, Meals]) -> None:
    client, _ = wired
    officer = token(client, "officer")
    r = client.get(URL, headers={**officer, "Accept-Language": "zh-CN"})
    assert r.status_code == 406
    assert r.json()["field"] == "Accept"
    assert "text/event-stream" in r.json()["detail"]
    assert r.json()["title"] == "无法提供所请求的格式"


def test_each_sees_their_own_sub_district(wired: tuple[TestClient, Meals]) -> None:
    client, meals = wired
    alert_id = no_answer(meals)
    for username, expected in (("officer", [alert_id]), ("admin", [alert_id]), ("officer2", [])):
        with client.stream("GET", URL, headers={**token(client, username), **EVENTS}) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            first = Events(r).next()
            assert [a["id"] for a in first] == expected, username
    with client.stream("GET", URL, headers={**token(client, "officer"), **EVENTS}) as r:
        [alert] = Events(r).next()
    listed = client.get("/api/eldercare/alerts", headers=token(client, "officer")).json()
    assert alert == listed[0]  # the same AlertOut as the list
    assert (alert["first_name"], alert["door_check"]) == ("秀英", "no_answer")


def test_an_alert_made_while_connected_arrives(
    wired: tuple[TestClient, Meals], platform: Platform
) -> None:
    client, meals = wired
    older = no_answer(meals, "桂英")
    with client.stream("GET", URL, headers={**token(client, "officer"), **EVENTS}) as r:
        events = Events(r)
        assert [a["id"] for a in events.next()] == [older]
        watch = client.app.state.eldercare_alert_watch  # type: ignore[attr-defined]
        if watch.notifies:  # PostgreSQL: wait for the LISTEN, so the NOTIFY is what wakes
            deadline = time.monotonic() + WAIT_S
            while not watch.listening and time.monotonic() < deadline:
                time.sleep(0.05)
            assert watch.listening
        newer = no_answer(meals, "秀英")
        update = events.next()
        assert [a["id"] for a in update] == [older, newer]  # oldest first
        assert update[1]["first_name"] == "秀英"

        meals.service.take_step(meals.officer, newer, 0, "电话没人接")
        update = events.next()
        assert [s["index"] for s in update[1]["steps"]] == [0]
        meals.service.close_alert(meals.officer, older, "found_well")
        assert [a["id"] for a in events.next()] == [newer]
    if watch.notifies:  # the last page gone, the worker stops listening
        deadline = time.monotonic() + WAIT_S
        while watch.listening and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not watch.listening


def test_a_quiet_stream_sends_keep_alive_comments(
    wired: tuple[TestClient, Meals], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = wired
    monkeypatch.setattr(eldercare_alert_stream, "PING_S", 0.2)
    with client.stream("GET", URL, headers={**token(client, "officer"), **EVENTS}) as r:
        assert r.headers["cache-control"] == "no-cache"
        lines = r.iter_lines()
        assert next(lines) == "event: alerts"
        assert next(line for line in lines if line.startswith(":")) == ": ping"


def test_a_stream_ends_after_its_lifetime_for_the_token_to_be_checked_again(
    wired: tuple[TestClient, Meals], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = wired
    monkeypatch.setattr(eldercare_alert_stream, "LIFETIME_S", 0.5)
    monkeypatch.setattr(eldercare_alert_stream, "PING_S", 0.2)
    with client.stream("GET", URL, headers={**token(client, "officer"), **EVENTS}) as r:
        lines = list(r.iter_lines())  # returns: the answer ended
    assert lines[:2] == ["event: alerts", "data: []"]


def test_the_stream_is_documented(wired: tuple[TestClient, Meals]) -> None:
    client, _ = wired
    op = client.get("/openapi.json").json()["paths"][URL]["get"]
    assert op["operationId"] == "eldercare_alert_stream"
    assert "**Who may call:**" in op["description"]
    assert "text/event-stream" in op["responses"]["200"]["content"]
    assert "itemSchema" not in op["responses"]["200"]["content"]["text/event-stream"]
