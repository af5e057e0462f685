"""Pay over HTTP: platforms report deliveries and activity, riders read their statements."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.services.platform import Platform
from services.pay_support import DAY, delivery_json, platform_key, putuo_version, spans
from support import World, token

EN = {"Accept-Language": "en"}


@pytest.fixture
def key(platform: Platform) -> dict[str, str]:
    secret, _ = platform_key(platform)
    return {"X-API-Key": secret, **EN}


def report(
    client: TestClient, key: dict[str, str], body: dict[str, Any], rider: str = "rider"
) -> Any:
    return client.post(f"/api/riders/{rider}/deliveries", json=body, headers=key)


def test_a_retried_delivery_is_stored_once(
    client: TestClient, world: World, key: dict[str, str]
) -> None:
    body = delivery_json("A1", floor=6, has_lift=False)
    first = report(client, key, body)
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True
    assert first.json()["rulebook"]["ref"] == "putuo-2025@1"
    assert first.json()["total_fen"] == 740
    retry = report(client, key, body)
    assert retry.status_code == 200
    assert retry.json()["created"] is False
    contradiction = report(client, key, delivery_json("A1", distance_m=9000))
    assert contradiction.status_code == 409
    assert contradiction.json()["field"] == "order.order_id"
    statement = client.get(
        "/api/riders/me/statement", params={"date": DAY.isoformat()}, headers=token(client, "rider")
    ).json()
    assert [d["order_id"] for d in statement["deliveries"]] == ["A1"]
    assert statement["order_pay_fen"] == 740


def test_concurrent_posts_of_one_order_store_it_once(
    client: TestClient, world: World, key: dict[str, str]
) -> None:
    body = delivery_json("RACE")
    barrier = threading.Barrier(3)
    codes: list[int] = []

    def post() -> None:
        barrier.wait()
        codes.append(report(client, key, body).status_code)

    threads = [threading.Thread(target=post) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 200, 201]
    statement = client.get(
        "/api/riders/me/statement", params={"date": DAY.isoformat()}, headers=token(client, "rider")
    ).json()
    assert len(statement["deliveries"]) == 1


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (
            {"order": {"distance_m": -1, "at": "2025-06-02T11:30:00+08:00"}},
            {"order.order_id", "order.distance_m"},
        ),
        ({"late_cause": "tired"}, {"late_cause"}),
        ({"delivered_at": "yesterday-ish"}, {"delivered_at"}),
        ({"extra": 1}, {"extra"}),
        ({"promised_at": None}, {"promised_at"}),
    ],
)
def test_bad_deliveries_are_422_naming_the_fields(
    client: TestClient, world: World, key: dict[str, str], change: dict[str, Any], fields: set[str]
) -> None:
    body = delivery_json("B1") | change
    r = report(client, key, body)
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == fields


def test_impossible_times_are_422_naming_the_field(
    client: TestClient, world: World, key: dict[str, str]
) -> None:
    early = delivery_json("T1") | {"delivered_at": "2025-06-02T11:00:00+08:00"}
    r = report(client, key, early)
    assert r.status_code == 422
    assert r.json()["field"] == "delivered_at"
    assert r.json()["detail"] == "The delivery time is before the order was accepted (order.at)."
    zh = report(client, {"X-API-Key": key["X-API-Key"]}, early).json()
    assert zh["detail"] == "送达时间早于接单时间（order.at）。"


def test_who_may_report_and_for_whom(client: TestClient, world: World, key: dict[str, str]) -> None:
    body = delivery_json("W1")
    assert report(client, {}, body).status_code == 401
    assert report(client, token(client, "admin"), body).status_code == 403
    assert report(client, token(client, "rider"), body).status_code == 403
    assert report(client, key, body, rider="nobody").status_code == 404
    assert report(client, key, body, rider="staff").status_code == 422
    bad_key = report(client, {"X-API-Key": "gck_not-a-key"}, body)
    assert bad_key.status_code == 401


def test_activity_reports_count_once_toward_the_hourly_minimum(
    client: TestClient, world: World, key: dict[str, str]
) -> None:
    body = spans(DAY, ("10:00", "12:00", "on_order"), ("11:00", "12:30", "on_order")).model_dump(
        mode="json"
    )
    first = client.post("/api/riders/rider/activity", json=body, headers=key)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "rider": "rider",
        "stored": 2,
        "already_reported": 0,
        "days": [DAY.isoformat()],
    }
    again = client.post("/api/riders/rider/activity", json=body, headers=key)
    assert (again.json()["stored"], again.json()["already_reported"]) == (0, 2)
    statement = client.get(
        "/api/riders/me/statement", params={"date": DAY.isoformat()}, headers=token(client, "rider")
    ).json()
    assert statement["active_s"] == int(2.5 * 3600)  # the overlap counted once
    assert statement["guaranteed_fen"] == statement["top_up_fen"] == 6250
    assert statement["total_yuan"] == "62.50"
    bad = client.post(
        "/api/riders/rider/activity",
        json={
            "spans": [
                {
                    "start": "2025-06-02T10:00:00+08:00",
                    "end": "2025-06-02T09:00:00+08:00",
                    "kind": "nap",
                }
            ]
        },
        headers=key,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"spans.0.kind"}
    empty = client.post("/api/riders/rider/activity", json={"spans": []}, headers=key)
    assert empty.status_code == 422


def test_a_statement_is_itemised_and_names_its_rulebook(
    client: TestClient, world: World, key: dict[str, str]
) -> None:
    report(client, key, delivery_json("S1", floor=6, has_lift=False))
    late = delivery_json("S2") | {
        "delivered_at": "2025-06-02T12:25:00+08:00",
        "late_cause": "merchant_delay",
    }
    report(client, key, late)
    client.post(
        "/api/riders/rider/activity",
        json=spans(DAY, ("11:00", "12:30", "on_order")).model_dump(mode="json"),
        headers=key,
    )
    r = client.get(
        "/api/riders/me/statement",
        params={"date": DAY.isoformat()},
        headers={**token(client, "rider"), **EN},
    )
    assert r.status_code == 200
    body = r.json()
    title = "Putuo agreement on dispatch algorithms and labour rules (2025)"
    assert body["rulebook"] == {
        "id": "putuo-2025",
        "version": 1,
        "ref": "putuo-2025@1",
        "title": title,
        "title_en": title,
        "title_zh": "普陀区外卖算法与劳动规则协议（2025）",
        "label": f"“{title}”, version 1",
    }
    assert body["pinned_at"] is not None
    # 1.5 h on orders at ¥25/h is ¥37.50; the two orders earned ¥13.30; the rest is topped up.
    assert [(line["clause"], line["order_id"], line["amount_fen"]) for line in body["lines"]] == [
        ("pricing", "S1", 740),
        ("pricing", "S2", 590),
        ("guarantee.hourly_minimum_fen", None, 3750 - 1330),
    ]
    lines = {(line["clause"], line["order_id"]): line for line in body["lines"]}
    top_up = lines[("guarantee.hourly_minimum_fen", None)]
    assert top_up["amount_fen"] == body["top_up_fen"] == 3750 - 1330
    assert top_up["amount_yuan"] == "24.20"
    assert top_up["title"] == "Hourly minimum top-up"
    assert body["total_fen"] == 3750
    assert body["total_yuan"] == "37.50"
    assert body["score_points"] == sum(d["score"]["points"] for d in body["deliveries"])
    s2 = body["deliveries"][1]
    assert s2["score"]["kind"] == "exempt_late_delivery"
    assert s2["score"]["late_s"] == 25 * 60
    assert s2["late_cause"] == "merchant_delay"
    assert [line["clause"] for line in s2["lines"]] == [
        "pricing.base_fare_fen",
        "pricing.distance_tiers",
    ]
    assert all(line["amount_yuan"] for line in s2["lines"])
    # Chinese titles by default.
    zh = client.get(
        "/api/riders/me/statement", params={"date": DAY.isoformat()}, headers=token(client, "rider")
    ).json()
    assert {line["title"] for line in zh["lines"]} == {"订单收入", "小时最低收入补足"}


def test_riders_see_only_their_own_statement_and_admins_any(
    client: TestClient, world: World
) -> None:
    day = {"date": DAY.isoformat()}
    rider, rider2, admin = (token(client, name) for name in ("rider", "rider2", "admin"))
    own = client.get(f"/api/riders/{world.ids['rider']}/statement", params=day, headers=rider)
    assert own.status_code == 200
    other = client.get(f"/api/riders/{world.ids['rider2']}/statement", params=day, headers=rider)
    assert other.status_code == 403
    assert (
        client.get("/api/riders/me/statement", params=day, headers=rider2).json()["username"]
        == "rider2"
    )
    assert (
        client.get(
            f"/api/riders/{world.ids['rider2']}/statement", params=day, headers=admin
        ).json()["username"]
        == "rider2"
    )
    assert client.get("/api/riders/me/statement", params=day).status_code == 401
    assert client.get("/api/riders/me/statement", params=day, headers=admin).status_code == 403
    assert (
        client.get(
            "/api/riders/me/statement", params=day, headers=token(client, "staff")
        ).status_code
        == 403
    )
    staff_id = world.ids["staff"]
    assert (
        client.get(f"/api/riders/{staff_id}/statement", params=day, headers=admin).status_code
        == 404
    )
    assert (
        client.get(
            "/api/riders/me/statement", params={"date": "02/06/2025"}, headers=rider
        ).status_code
        == 422
    )


def test_platforms_cannot_read_statements(
    client: TestClient, world: World, key: dict[str, str]
) -> None:
    r = client.get(f"/api/riders/{world.ids['rider']}/statement", headers=key)
    assert r.status_code == 403
    assert client.get("/api/riders/me/statement", headers=key).status_code == 403


def test_a_version_effective_tomorrow_leaves_todays_statement_alone(
    client: TestClient, platform: Platform, world: World
) -> None:
    today = platform.pay.clock.today()
    tomorrow = today + timedelta(days=1)
    published = client.post(
        "/api/rules",
        content=putuo_version(2).encode(),
        params={"effective_from": tomorrow.isoformat()},
        headers={**token(client, "admin"), "Content-Type": "application/yaml"},
    )
    assert published.status_code == 201
    rider = token(client, "rider")
    today_statement = client.get(
        "/api/riders/me/statement", params={"date": today.isoformat()}, headers=rider
    )
    assert today_statement.json()["rulebook"]["ref"] == "putuo-2025@1"
    # Without a date: today.
    assert client.get("/api/riders/me/statement", headers=rider).json()["day"] == today.isoformat()
    tomorrow_statement = client.get(
        "/api/riders/me/statement", params={"date": tomorrow.isoformat()}, headers=rider
    )
    assert tomorrow_statement.json()["rulebook"]["ref"] == "putuo-2025@2"
