"""/api/workbench for equal-service runs (a stand-in engine): who may start them, bad input
named by field, and a run from queued to done read in Chinese and English through the same
endpoints as a comparison."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import start_migrated
from gigcity.config import Settings
from gigcity.services.platform import Platform
from services.workbench_support import EQUAL_CALLS, OneDayEngine
from support import World, problem_fields, token

EN = {"Accept-Language": "en"}
RUNS = "/api/workbench/runs"
EQUAL = {"kind": "equal_service", "orders": 120}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def platform(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Platform]:
    """With a workbench engine that answers at once, in threads (the simulator's method is
    tested in tests/sim)."""
    start_migrated(settings.database_url, request)
    p = Platform.from_settings(settings, workbench_engine=OneDayEngine())
    p.workbench.pool = "thread"
    p.upgrade_database()
    yield p
    p.close()


def _done(client: TestClient, run: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while run["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, f"still {run['status']}: {run['stage']}"
        time.sleep(0.05)
        run = client.get(f"{RUNS}/{run['id']}", headers=headers).json()
    assert run["status"] == "done", run["error"]
    return run


@pytest.mark.one_database
def test_only_admins_and_platforms_start_equal_service_runs(
    client: TestClient, world: World
) -> None:
    assert client.post(RUNS, json=EQUAL).status_code == 401
    rider = token(client, "rider") | EN
    assert client.post(RUNS, json=EQUAL, headers=rider).status_code == 403
    assert client.post(RUNS, json=EQUAL, headers=token(client, "officer")).status_code == 403
    r = client.post(RUNS, json=EQUAL, headers=token(client, "admin"))
    assert r.status_code == 202, r.text
    assert r.json()["kind"] == "equal_service"
    assert client.get(f"{RUNS}/{r.json()['id']}", headers=rider).status_code == 200


@pytest.mark.one_database
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "fleet"}, "kind"),
        (EQUAL | {"seeds": 4}, "seeds"),
        (EQUAL | {"seeds": 0}, "seeds"),
        (EQUAL | {"target_undelivered": -1}, "target_undelivered"),
        (EQUAL | {"target_undelivered": 101}, "target_undelivered"),
        (EQUAL | {"target_p90_min": 0}, "target_p90_min"),
        (EQUAL | {"target_p90_min": "soon"}, "target_p90_min"),
        (EQUAL | {"who_gains": "perhaps"}, "who_gains"),
        (EQUAL | {"orders": 6000}, "orders"),
        (EQUAL | {"attribution": True}, "attribution"),
        ({"seeds": 2}, "seeds"),
        ({"who_gains": True}, "who_gains"),
        ({"target_p90_min": 30}, "target_p90_min"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    admin = token(client, "admin")
    r = client.post(RUNS, json=body, headers=admin | EN)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in problem_fields(r)
    zh = client.post(RUNS, json=body, headers=admin)
    assert zh.status_code == 422
    detail = zh.json()["detail"]
    assert re.search(r"[\u4e00-\u9fff]", detail), detail
    if "errors" not in zh.json():  # the service's own words (pydantic's name the field)
        assert not LATIN_WORD.search(detail), detail
    assert client.get(RUNS, headers=admin).json() == []  # nothing stored


def test_an_equal_service_run_goes_from_queued_to_done_and_reads_in_both_languages(
    client: TestClient, world: World
) -> None:
    EQUAL_CALLS.clear()
    admin = token(client, "admin")
    body = EQUAL | {"seed": 2, "seeds": 3, "target_undelivered": 0.5, "who_gains": True}
    r = client.post(RUNS, json=body, headers=admin)
    assert r.status_code == 202, r.text
    assert r.headers["location"] == f"{RUNS}/{r.json()['id']}"
    assert (r.json()["stage"], r.json()["stage_text"]) == ("queued", "排队等待中")
    run = _done(client, r.json(), admin)
    assert (run["kind"], run["seeds"], run["target_undelivered"], run["who_gains"]) == (
        "equal_service", 3, 0.5, True,
    )  # fmt: skip
    assert run["target_p90_min"] is None
    assert EQUAL_CALLS[-1]["target_undelivered_share"] == 0.005
    assert EQUAL_CALLS[-1]["target_p90_min"] is None

    rider = token(client, "rider")  # every party reads the answer
    zh = client.get(run["result_url"], headers=rider).json()
    en = client.get(run["result_url"], headers=rider | EN).json()
    assert zh["kind"] == en["kind"] == "equal_service"
    assert zh["attribution"] is None
    assert [row["key"] for row in zh["table"]] == [row["key"] for row in en["table"]]
    riders = zh["table"][0]
    assert (riders["key"], riders["label"], riders["unit_label"]) == ("riders", "所需骑手数", "人")
    assert riders["b_range"] == [11.0, 12.0]
    assert en["table"][0]["label"] == "Riders needed"
    assert zh["equal_service"]["sides"]["b"]["spread"]["max"] == 12
    assert zh["equal_service"]["seeds"] == [2, 3, 4]
    assert zh["rulebook_titles"]["b"] == "《普陀区外卖算法与劳动规则协议（2025）》第1版"
    assert zh["scenario"]["title"] == "普陀区工作日"
    assert [r["label"] for r in zh["who_gains"]["reasons"]] == ["工时减少：休息更多", "罚款更多"]
    assert en["who_gains"]["riders"][3] == {
        "key": "loses", "label": "earn less under B", "riders": 6, "lost": 90.0, "lost_mean": 15.0,
    }  # fmt: skip
    assert {p["lang"] for p in zh["plots"]} == {"zh_CN"}
    assert {p["lang"] for p in en["plots"]} == {"en"}
    report = client.get(run["report_url"], headers=rider)
    assert report.status_code == 200
    assert report.text == "<p>equal</p>"
    listed = client.get(RUNS, headers=rider).json()
    assert (listed[0]["id"], listed[0]["kind"]) == (run["id"], "equal_service")
