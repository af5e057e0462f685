"""The volunteer tasks API: a task from staff to a truck driver and back into the register;
who may call (401, 403), each sub-district's own, bad input (422 naming the field), a task
taken by another (409), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.db.session import transaction
from gigcity.services.accounts import AccountCreate, Role, WorkerType, create_account
from gigcity.services.platform import Platform
from services.eldercare.eldercare_support import MONDAY, CareWorld, elder_in, make_care_world
from support import PASSWORD, token

BASE = "/api/eldercare/volunteer-tasks"


@pytest.fixture
def care(platform: Platform) -> tuple[CareWorld, int]:
    world = make_care_world(platform)
    elder = platform.eldercare.enrol(world.officer, elder_in(world))
    person = AccountCreate(
        username="truck", password=PASSWORD, display_name="货车司机老张", role=Role.rider,
        worker_type=WorkerType.truck_driver,
    )  # fmt: skip
    with transaction(platform.factory) as session:
        create_account(session, person, platform.district)
    return world, elder.id


def _task(elder_id: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "elder_id": elder_id, "kind": "carry_large_item", "title": "搬旧冰箱下楼",
        "day": MONDAY.isoformat(), "team": "货车司机爱心车队",
    }  # fmt: skip
    body.update(changes)
    return body


def test_from_the_register_to_a_truck_driver_and_back(
    client: TestClient, care: tuple[CareWorld, int]
) -> None:
    _, elder_id = care
    officer, driver, rider = (
        token(client, "officer"),
        token(client, "truck"),
        token(client, "rider0"),
    )
    r = client.post(BASE, json=_task(elder_id), headers=officer)
    assert r.status_code == 201, r.text
    task_id = r.json()["id"]
    assert r.json()["state"] == "open"

    r = client.get(f"{BASE}/open", params={"subdistrict": "wanli", "lang": "en"}, headers=driver)
    assert r.status_code == 200, r.text
    [seen] = r.json()
    assert (seen["first_name"], seen["building"], seen["day"], seen["door"]) == (
        "王阿婆", "12号楼", MONDAY.isoformat(), None,
    )  # fmt: skip
    assert seen["kind_text"] == "Carry a large item"
    assert "王秀英" not in r.text

    r = client.post(f"{BASE}/{task_id}/take", headers=driver)
    assert r.status_code == 200, r.text
    assert r.json()["door"].endswith("502室")
    assert client.post(f"{BASE}/{task_id}/take", headers=driver).status_code == 200  # a retry
    r = client.post(f"{BASE}/{task_id}/take", headers=rider)
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "其他志愿者" in r.json()["detail"]  # Chinese by default
    assert client.post(f"{BASE}/{task_id}/give-back", headers=rider).status_code == 403
    [mine] = client.get(f"{BASE}/mine", headers=driver).json()
    assert mine["id"] == task_id

    r = client.post(f"{BASE}/{task_id}/done", json={"note": "已搬到楼下"}, headers=driver)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "done"
    assert client.post(f"{BASE}/{task_id}/give-back", headers=driver).status_code == 409
    [line] = client.get(BASE, params={"state": "done"}, headers=officer).json()
    assert (line["taken_by_name"], line["taken_by_worker_type"], line["note"]) == (
        "货车司机老张", "truck_driver", "已搬到楼下",
    )  # fmt: skip
    assert client.get(BASE, params={"state": "open"}, headers=officer).json() == []


def test_who_may_call(client: TestClient, care: tuple[CareWorld, int]) -> None:
    _, elder_id = care
    officer, other = token(client, "officer"), token(client, "officer2")
    driver = token(client, "truck")
    task_id = client.post(BASE, json=_task(elder_id), headers=officer).json()["id"]
    for method, url in (
        ("post", BASE), ("get", BASE), ("get", f"{BASE}/open"), ("get", f"{BASE}/mine"),
        ("post", f"{BASE}/{task_id}/take"), ("post", f"{BASE}/{task_id}/give-back"),
        ("post", f"{BASE}/{task_id}/done"),
    ):  # fmt: skip
        assert client.request(method, url, json={}).status_code == 401, url
    assert client.post(BASE, json=_task(elder_id), headers=driver).status_code == 403
    assert client.get(BASE, headers=driver).status_code == 403
    assert client.post(BASE, json=_task(elder_id), headers=other).status_code == 403
    assert client.get(BASE, params={"subdistrict": "wanli"}, headers=other).status_code == 403
    assert client.get(BASE, headers=other).json() == []  # their own sub-district's: none
    assert (
        client.get(f"{BASE}/open", params={"subdistrict": "wanli"}, headers=officer).status_code
        == 403
    )
    assert client.post(f"{BASE}/{task_id}/take", headers=officer).status_code == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "dance"}, "kind"),
        ({"day": "2026-12-06"}, "day"),  # yesterday
        ({"day": "not a day"}, "day"),
        ({"elder_id": 999_999}, "elder_id"),
        ({"elder_id": 0}, "elder_id"),
        ({"team": "队" * 121}, "team"),
        ({"secret": 1}, "secret"),
    ],
)
def test_bad_tasks_are_422_naming_the_field(
    client: TestClient, care: tuple[CareWorld, int], changes: dict[str, Any], field: str
) -> None:
    _, elder_id = care
    body = {**_task(elder_id), **changes}
    r = client.post(BASE, json=body, headers=token(client, "officer"))
    assert r.status_code == 422, r.text
    assert field in r.text


def test_bad_areas_and_ids(client: TestClient, care: tuple[CareWorld, int]) -> None:
    _, elder_id = care
    officer, driver = token(client, "officer"), token(client, "truck")
    task_id = client.post(BASE, json=_task(elder_id), headers=officer).json()["id"]
    for params, field in (
        ({}, "subdistrict"),  # a driver bound to no sub-district must say where
        ({"subdistrict": "atlantis"}, "subdistrict"),
        ({"lon": 121.4}, "lon"),
        ({"lon": 121.4, "lat": 100}, "lat"),
        ({"lon": 10.0, "lat": 10.0}, "lon"),  # outside the district
        ({"subdistrict": "wanli", "kind": "dance"}, "kind"),
    ):
        r = client.get(f"{BASE}/open", params=params, headers=driver)
        assert r.status_code == 422, (params, r.text)
        assert field in r.text, (params, r.text)
    assert client.post(f"{BASE}/0/take", headers=driver).status_code == 422
    assert client.post(f"{BASE}/999999/take", headers=driver).status_code == 404
    assert client.post(f"{BASE}/{task_id}/done", json={}, headers=driver).status_code == 409
    client.post(f"{BASE}/{task_id}/take", headers=driver)
    r = client.post(f"{BASE}/{task_id}/done", json={"note": "x" * 501}, headers=driver)
    assert r.status_code == 422
    assert "note" in r.text
