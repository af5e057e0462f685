"""Pay over HTTP: platforms report deliveries and activity, riders read their statements."""

from __future__ import annotations

import re
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


# -- in the reader's language; days with work; rest stretches ---------------------------------

LATIN_SENTENCE = re.compile(r"[A-Za-z][A-Za-z'-]*(?:[ ,;:]+[A-Za-z][A-Za-z'-]*)+")


def texts_of(body: dict[str, Any]) -> list[str]:
    """Every sentence and title of a statement a person reads."""
    out = [body["rulebook"]["title"], body["rulebook"]["label"]]
    for line in body["lines"]:
        out += [line["title"], line["clause_title"], line["text"]]
    for order in body["deliveries"]:
        out += [t for line in order["lines"] for t in (line["title"], line["clause_title"], line["text"])]  # fmt: skip
        out += [t for r in order["score"]["reasons"] for t in (r["clause_title"], r["text"])]
    for stretch in body["stretches"]:
        out += [stretch["clause_title"], stretch["text"]] + [r["text"] for r in stretch["reasons"]]
    return out


def test_a_statement_speaks_the_readers_language(
    client: TestClient, world: World, key: dict[str, str]
) -> None:
    report(client, key, delivery_json("L1", floor=6, has_lift=False))
    report(client, key, delivery_json("L2") | {"delivered_at": "2025-06-02T12:25:00+08:00"})
    day = {"date": DAY.isoformat()}
    rider = token(client, "rider")
    zh = client.get("/api/riders/me/statement", params=day, headers=rider).json()
    assert zh["rulebook"]["title"] == "普陀区外卖算法与劳动规则协议（2025）"
    assert zh["rulebook"]["label"] == "《普陀区外卖算法与劳动规则协议（2025）》第1版"
    assert zh["rulebook"]["ref"] == "putuo-2025@1"  # ids stay for programs
    l1 = zh["deliveries"][0]
    stairs = next(line for line in l1["lines"] if line["clause"] == "pricing.stairs")
    assert stairs["clause_title"] == "无电梯爬楼补贴"
    assert stairs["text"] == "无电梯爬楼5层，其中2层不计补贴，3层按每层¥0.50计"
    assert stairs["message"] == {
        "id": "pricing.stairs",
        "params": {"climbed": 5, "free": 2, "paid": 3, "rate_fen": 50},
    }
    late = zh["deliveries"][1]["score"]["reasons"]
    assert [r["text"] for r in late] == ["超时25分钟：-1分", "不罚款：超时一律不扣钱"]
    assert [r["clause_title"] for r in late] == ["超时送达扣分", "超时是否扣款"]
    for text in texts_of(zh):
        assert not LATIN_SENTENCE.search(text), text
    en = client.get("/api/riders/me/statement", params=day, headers={**rider, **EN}).json()
    assert (
        en["rulebook"]["title"] == "Putuo agreement on dispatch algorithms and labour rules (2025)"
    )
    stairs_en = next(line for line in en["deliveries"][0]["lines"] if line["clause"] == "pricing.stairs")  # fmt: skip
    assert (
        stairs_en["text"]
        == "Stairs: 5 floors climbed without a lift, 2 unpaid, 3 paid at ¥0.50 each"
    )
    assert stairs_en["clause_title"] == "Stairs without a lift"
    assert [r["text"] for r in en["deliveries"][1]["score"]["reasons"]] == [
        "Late by 25 min: -1",
        "No fine: lateness never costs money",
    ]
    # The locale mechanism's explicit choice wins over the header.
    chosen = client.get(
        "/api/riders/me/statement", params={**day, "lang": "zh"}, headers={**rider, **EN}
    ).json()
    assert chosen["rulebook"]["title"] == zh["rulebook"]["title"]


def test_days_with_work_newest_first_and_the_days_around_a_statement(
    client: TestClient, world: World, key: dict[str, str]
) -> None:
    rider = token(client, "rider")
    empty = client.get("/api/riders/me/work-days", headers=rider)
    assert empty.status_code == 200
    assert empty.json() == {"account_id": world.ids["rider"], "latest": None, "days": []}
    for day in (DAY, DAY + timedelta(days=3)):
        report(client, key, delivery_json(f"W{day.day}", day))
    client.post(
        "/api/riders/rider/activity",
        json=spans(DAY + timedelta(days=5), ("09:00", "10:00", "waiting")).model_dump(mode="json"),
        headers=key,
    )
    days = [DAY + timedelta(days=n) for n in (5, 3, 0)]
    body = client.get("/api/riders/me/work-days", headers=rider).json()
    assert body["latest"] == days[0].isoformat()
    assert body["days"] == [d.isoformat() for d in days]
    assert client.get("/api/riders/me/work-days", params={"limit": 1}, headers=rider).json()[
        "days"
    ] == [days[0].isoformat()]
    middle = client.get(
        "/api/riders/me/statement", params={"date": days[1].isoformat()}, headers=rider
    ).json()
    assert (middle["previous_work_day"], middle["next_work_day"]) == (
        days[2].isoformat(),
        days[0].isoformat(),
    )
    quiet = client.get(
        "/api/riders/me/statement", params={"date": (DAY + timedelta(days=1)).isoformat()}, headers=rider
    ).json()  # fmt: skip
    assert quiet["deliveries"] == []
    assert quiet["stretches"] == []
    assert (quiet["previous_work_day"], quiet["next_work_day"]) == (
        days[2].isoformat(),
        days[1].isoformat(),
    )
    # Riders see only their own days; admins anyone's; bad limits are named.
    other = client.get(
        f"/api/riders/{world.ids['rider']}/work-days", headers=token(client, "rider2")
    )
    assert other.status_code == 403
    admin = client.get(
        f"/api/riders/{world.ids['rider']}/work-days", headers=token(client, "admin")
    )
    assert admin.json()["days"] == body["days"]
    assert client.get("/api/riders/me/work-days").status_code == 401
    bad = client.get("/api/riders/me/work-days", params={"limit": 0}, headers=rider)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")


def test_a_stretch_of_five_hours_twenty_without_a_rest_is_a_breach(
    client: TestClient, world: World, key: dict[str, str]
) -> None:
    activity = spans(
        DAY,
        ("08:30", "09:00", "waiting"),
        ("09:00", "11:00", "on_order"),
        ("11:10", "14:20", "on_order"),
        ("15:00", "16:00", "on_order"),
    )
    assert (
        client.post(
            "/api/riders/rider/activity", json=activity.model_dump(mode="json"), headers=key
        ).status_code
        == 200
    )
    day = {"date": DAY.isoformat()}
    body = client.get(
        "/api/riders/me/statement", params=day, headers={**token(client, "rider"), **EN}
    ).json()
    assert body["continuous_limit_min"] == 240
    assert body["min_rest_min"] == 20
    assert body["rest_rule"] == (
        "After 4 h of continuous work a rest of at least 20 min is due; "
        "no orders are dispatched during it."
    )
    assert body["breaches"] == 1
    first, second = body["stretches"]
    assert first["start"] == "2025-06-02T01:00:00Z"  # 09:00 in Shanghai
    assert first["end"] == "2025-06-02T06:20:00Z"
    assert first["minutes"] == 320
    assert first["limit_minutes"] == 240
    assert first["breach"] is True
    assert first["over_minutes"] == 80
    assert first["rest_due_at"] == "2025-06-02T05:00:00Z"  # 13:00
    assert first["rest_after_minutes"] == 40
    assert first["rest_owed"] is False
    assert first["clause"] == "fatigue.continuous_work_limit_min"
    assert first["clause_title"] == "Longest continuous work"
    assert first["text"].startswith("5 h 20 min of continuous work from 09:00 to 14:20")
    assert [r["clause"] for r in first["reasons"]] == [
        "fatigue.continuous_work_limit_min",
        "fatigue.min_rest_min",
    ]
    assert (second["minutes"], second["breach"], second["rest_after_minutes"]) == (60, False, None)
    zh = client.get("/api/riders/me/statement", params=day, headers=token(client, "rider")).json()
    assert zh["stretches"][0]["clause_title"] == "连续工作时长上限"
    assert zh["rest_rule"] == "连续工作4小时后，应至少休息20分钟，休息期间不派单。"
    assert zh["stretches"][0]["duration_text"] == "5小时20分钟"
    assert zh["stretches"][0]["text"] == (
        "09:00至14:20连续工作5小时20分钟，中间没有休息：超出240分钟（4小时）达1小时20分钟；"
        "本应在13:00休息20分钟"
    )
    assert zh["stretches"][0]["reasons"][1]["text"] == "14:20至15:00休息40分钟"
