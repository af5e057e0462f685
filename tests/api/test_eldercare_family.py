"""The family's part of the meals API: managers link and unlink family accounts; a family
account sees and changes only its own older people's meals, until the cut-off; who may call
what (401, 403), bad input (422, naming the field)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.services.accounts import Role
from gigcity.services.platform import Platform
from services.eldercare.eldercare_support import (
    MONDAY,
    CareWorld,
    elder_in,
    enrol_with_meals,
    make_care_world,
)
from support import PASSWORD, add_account, token

TUESDAY = MONDAY + timedelta(days=1)
pytestmark = pytest.mark.one_database  # HTTP answers; the service is tried on both databases


@pytest.fixture
def care(platform: Platform) -> CareWorld:
    return make_care_world(platform)


def _link_body(username: str = "daughter", **changes: Any) -> dict[str, Any]:
    body = {
        "username": username,
        "password": PASSWORD,
        "relation": "女儿",
        "consent_note": "老人本人当面同意",
    }
    body.update(changes)
    return body


def _linked(client: TestClient, elder: int, username: str = "daughter") -> dict[str, str]:
    r = client.post(
        f"/api/eldercare/elders/{elder}/family",
        json=_link_body(username),
        headers=token(client, "officer"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["account_created"] is True
    return token(client, username)


def test_a_family_pauses_skips_and_sees_its_older_persons_meals(
    client: TestClient, platform: Platform, care: CareWorld
) -> None:
    elder = enrol_with_meals(platform, care)
    family = _linked(client, elder)
    r = client.get("/api/eldercare/family/elders", headers=family)
    assert r.status_code == 200, r.text
    [seen] = r.json()
    assert (seen["id"], seen["first_name"], seen["next_meals"][0]["status"]) == (
        elder, "王阿婆", "subscribed"
    )  # fmt: skip
    base = f"/api/eldercare/elders/{elder}"
    body = {"first_day": str(TUESDAY), "last_day": str(TUESDAY), "reason": "travel"}
    r = client.post(f"{base}/pauses", json=body, headers=family)
    assert (r.status_code, r.json()["resumes_on"]) == (201, str(TUESDAY + timedelta(days=1)))
    r = client.post(
        f"{base}/changes",
        json={"day": str(MONDAY), "meal": "lunch", "action": "skip"},
        headers=family,
    )
    assert r.status_code == 200, r.text
    r = client.get(f"{base}/planned?first={MONDAY}&days=2", headers=family)
    assert [p["status"] for p in r.json()] == ["skipped", "paused"]
    r = client.get(f"/api/eldercare/family/elders/{elder}/meals?days=2", headers=family)
    assert [(m["meal"], m["status"]) for m in r.json()] == [
        ("lunch", "skipped"), ("dinner", "none"), ("lunch", "paused"), ("dinner", "none")
    ]  # fmt: skip
    pause = client.get(f"{base}/pauses", headers=family).json()[0]
    r = client.post(f"{base}/pauses/{pause['id']}/cancel", headers=family)
    assert (r.status_code, r.json()["cancelled"]) == (200, True)


def test_a_family_is_refused_another_familys_older_person_and_staff_pages(
    client: TestClient, platform: Platform, care: CareWorld
) -> None:
    mine = enrol_with_meals(platform, care)
    theirs = enrol_with_meals(platform, care, "赵桂兰")
    family = _linked(client, mine)
    _linked(client, theirs, "grandson")
    base = f"/api/eldercare/elders/{theirs}"
    change = {"day": str(TUESDAY), "meal": "lunch", "action": "skip"}
    pause = {"first_day": str(TUESDAY), "last_day": str(TUESDAY), "reason": "family"}
    for method, path, body in [
        ("get", f"{base}/planned?first={MONDAY}", None),
        ("get", f"{base}/pauses", None),
        ("post", f"{base}/pauses", pause),
        ("post", f"{base}/changes", change),
        ("get", f"/api/eldercare/family/elders/{theirs}/meals", None),
    ]:
        r = client.request(method, path, json=body, headers=family)
        assert r.status_code == 403, (path, r.text)
    assert client.get(f"/api/eldercare/elders/{mine}", headers=family).status_code == 403
    assert client.get("/api/eldercare/elders", headers=family).status_code == 403
    r = client.post(f"/api/eldercare/elders/{mine}/family", json=_link_body("x2y"), headers=family)
    assert r.status_code == 403
    r = client.put(
        f"/api/eldercare/elders/{mine}/subscription",
        json={"lunch": [0], "starts_on": str(MONDAY)},
        headers=family,
    )
    assert r.status_code == 403
    # Riders and officers of another sub-district are refused the family's endpoints.
    rider = token(client, "rider0")
    assert client.get("/api/eldercare/family/elders", headers=rider).status_code == 403
    assert client.get(f"{base}/planned?first={MONDAY}", headers=rider).status_code == 403
    other = token(client, "officer2")
    r = client.post(f"{base}/family", json=_link_body("niece"), headers=other)
    assert r.status_code == 403
    # Unlinked, the grandson's next request is refused at once.
    grandson = token(client, "grandson")
    links = client.get(f"{base}/family", headers=token(client, "officer")).json()
    # Times carry their zone, as the API document says ("date-time"), on every database.
    assert datetime.fromisoformat(links[0]["granted_at"]).utcoffset() is not None
    r = client.delete(f"{base}/family/{links[0]['account_id']}", headers=token(client, "admin"))
    assert r.status_code == 204
    assert client.get(f"{base}/pauses", headers=grandson).status_code == 403
    assert client.get("/api/eldercare/family/elders", headers=grandson).json() == []


@pytest.mark.parametrize(
    "path", ["/api/eldercare/family/elders", "/api/eldercare/family/elders/1/meals"]
)
def test_nobody_unsigned_gets_in(client: TestClient, care: CareWorld, path: str) -> None:
    assert client.get(path).status_code == 401
    assert client.post("/api/eldercare/elders/1/family", json=_link_body()).status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "a b"}, "username"),
        ({"password": "short"}, "password"),
        ({"password": "password123"}, "password"),  # a common one
        ({"consent_note": ""}, "consent_note"),
        ({"relation": "x" * 61}, "relation"),
        ({"role": "admin"}, "role"),
    ],
)
def test_bad_links_are_422_naming_the_field(
    client: TestClient, platform: Platform, care: CareWorld, changes: dict[str, Any], field: str
) -> None:
    elder = enrol_with_meals(platform, care)
    officer = token(client, "officer")
    r = client.post(
        f"/api/eldercare/elders/{elder}/family", json=_link_body(**changes), headers=officer
    )
    assert r.status_code == 422, r.text
    assert field in r.text
    assert client.get(f"/api/eldercare/elders/{elder}/family", headers=officer).json() == []
    r = client.delete(f"/api/eldercare/elders/{elder}/family/99", headers=officer)
    assert r.status_code == 404


def test_after_the_cut_off_the_change_is_refused_naming_the_day(
    client: TestClient, platform: Platform, care: CareWorld
) -> None:
    elder = enrol_with_meals(platform, care)
    family = _linked(client, elder)
    platform.eldercare.clock = lambda: datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # 09:30 local
    r = client.post(
        f"/api/eldercare/elders/{elder}/changes",
        json={"day": str(MONDAY), "meal": "lunch", "action": "skip"},
        headers=family,
    )
    assert r.status_code == 422
    assert "day" in r.text
    r = client.get(f"/api/eldercare/family/elders/{elder}/meals?days=1", headers=family)
    assert r.json()[0]["changeable_until"] is None
    r = client.get(f"/api/eldercare/family/elders/{elder}/meals?days=15", headers=family)
    assert r.status_code == 422


def _family_enrolment(care: CareWorld, **changes: Any) -> dict[str, Any]:
    """A whole enrolment as a family sends it: consent by the family, no riders."""
    body = elder_in(
        care,
        consent_by="family",
        consent_note="母亲同意由女儿代为登记",
        primary_rider_id=None,
        backup_rider_id=None,
    ).model_dump(mode="json")
    body.update(changes)
    return body


def test_a_family_enrols_its_older_person_and_the_committee_sees_them_without_riders(
    client: TestClient, platform: Platform, care: CareWorld
) -> None:
    add_account(platform, "daughter", Role.family)
    family = token(client, "daughter")
    r = client.post("/api/eldercare/family/elders", json=_family_enrolment(care), headers=family)
    assert r.status_code == 201, r.text
    seen = r.json()
    assert set(seen) == {
        "id", "first_name", "canteen_name", "lunch_cutoff", "dinner_cutoff", "next_meals"
    }  # fmt: skip
    assert client.get("/api/eldercare/family/elders", headers=family).json() == [seen]
    r = client.get("/api/eldercare/elders", headers=token(client, "officer"))
    [line] = r.json()
    assert (line["id"], line["primary_rider_id"], line["backup_rider_id"]) == (
        seen["id"],
        None,
        None,
    )


def test_family_enrolment_is_for_signed_in_family_accounts_only(
    client: TestClient, care: CareWorld
) -> None:
    body = _family_enrolment(care)
    assert client.post("/api/eldercare/family/elders", json=body).status_code == 401
    r = client.post("/api/eldercare/family/elders", json=body, headers=token(client, "rider0"))
    assert r.status_code == 403
    r = client.post("/api/eldercare/family/elders", json=body, headers=token(client, "officer"))
    assert r.status_code == 403  # staff enrol at POST /api/eldercare/elders


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent_by": "self"}, "consent_by"),
        ({"primary_rider_id": 1}, "primary_rider_id"),
        ({"backup_rider_id": 1}, "backup_rider_id"),
        ({"consent_note": ""}, "consent_note"),
        ({"subsidy_category": "nobody"}, "subsidy_category"),
    ],
)
def test_bad_family_enrolments_are_422_naming_the_field(
    client: TestClient, platform: Platform, care: CareWorld, changes: dict[str, Any], field: str
) -> None:
    add_account(platform, "daughter", Role.family)
    family = token(client, "daughter")
    r = client.post(
        "/api/eldercare/family/elders", json=_family_enrolment(care, **changes), headers=family
    )
    assert r.status_code == 422, r.text
    assert field in r.text
    assert client.get("/api/eldercare/family/elders", headers=family).json() == []
    assert client.get("/api/eldercare/elders", headers=token(client, "officer")).json() == []
