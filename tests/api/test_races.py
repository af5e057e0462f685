"""Conflicting requests at the same moment, on SQLite and PostgreSQL: each read-check-write
is one atomic step, so exactly one of a set of conflicting requests changes anything and
the others are told it moved on (409) — never a double state change, a double payment or
a silently overwritten edit.

Real threads send the requests through one TestClient: its sync endpoints run in the app's
thread pool, each in its own database transaction, released together by a barrier.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from gigcity.db.models import Place, PlaceAudit, Report, ReportDailyCount, ReportEvent
from gigcity.services.places import PlaceUpdate
from gigcity.services.platform import Platform
from gigcity.services.reports import PhotoStore
from services.reports.reports_support import WANLI, database_url, setup_district
from support import ADMIN, World, token

__all__ = ["database_url"]  # the faster PostgreSQL reset of the reports tests


def race(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run every call at once (released together) and return the responses in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def ready(platform: Platform, world: World, tmp_path: Path) -> World:
    platform.reports.photos = PhotoStore(tmp_path / "photos")
    setup_district(platform, world)
    return world


def new_report(client: TestClient, rider: dict[str, str]) -> int:
    body = {
        "category": "fire_passage_blocked",
        "description": "stairwell blocked",
        "lon": WANLI[0],
        "lat": WANLI[1],
    }
    r = client.post("/api/reports", headers=rider, json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_accepts_and_rejects_at_once_make_one_step_and_one_payment(
    client: TestClient, platform: Platform, ready: World
) -> None:
    rider, admin = token(client, "rider"), token(client, "admin")
    report_id = new_report(client, rider)
    accept = lambda: client.post(f"/api/reports/{report_id}/accept", headers=admin, json={})  # noqa: E731
    reject = lambda: client.post(  # noqa: E731
        f"/api/reports/{report_id}/reject", headers=admin, json={"reason": "invalid"}
    )
    responses = race([accept, reject] * 50)  # 100 conflicting requests
    codes = Counter(r.status_code for r in responses)
    assert codes == {200: 1, 409: 99}, codes
    winner = next(r for r in responses if r.status_code == 200).json()

    with platform.factory() as session:
        report = session.get(Report, report_id)
        assert report is not None
        assert report.status == winner["status"]
        steps = session.scalars(
            select(ReportEvent.action)
            .where(ReportEvent.report_id == report_id)
            .where(ReportEvent.action.in_(["accept", "reject", "reward"]))
        ).all()
    if winner["status"] == "accepted":
        assert sorted(steps) == ["accept", "reward"]
    else:
        assert steps == ["reject"]
    paid = client.get("/api/reports/rewards/mine", headers=rider).json()
    payouts = [e for e in paid["entries"] if e["kind"] == "payout"]
    assert len(payouts) == (1 if winner["status"] == "accepted" else 0), paid
    assert paid["total_fen"] == sum(-e["amount_fen"] for e in payouts)


def test_many_accepts_count_once(client: TestClient, platform: Platform, ready: World) -> None:
    rider, admin = token(client, "rider"), token(client, "admin")
    report_id = new_report(client, rider)
    accept = lambda: client.post(f"/api/reports/{report_id}/accept", headers=admin, json={})  # noqa: E731
    codes = Counter(r.status_code for r in race([accept] * 24))
    assert codes == {200: 1, 409: 23}, codes
    with platform.factory() as session:
        accepts = session.scalar(
            select(func.count())
            .select_from(ReportEvent)
            .where(ReportEvent.report_id == report_id, ReportEvent.action == "accept")
        )
        counts = dict(
            session.execute(
                select(ReportDailyCount.status, func.sum(ReportDailyCount.count)).group_by(
                    ReportDailyCount.status
                )
            ).all()
        )
    assert accepts == 1
    assert counts.get("accepted") == 1
    assert counts.get("submitted", 0) == 0


def test_edits_of_one_version_keep_exactly_one(
    client: TestClient, platform: Platform, ready: World
) -> None:
    admin = token(client, "admin")
    place_id = ready.station_id
    version = client.get(f"/api/places/{place_id}").json()["version"]

    def edit(n: int) -> Callable[[], httpx.Response]:
        body = {"notes": f"edit {n}", "version": version}
        return lambda: client.patch(f"/api/places/{place_id}", headers=admin, json=body)

    responses = race([edit(n) for n in range(12)])
    codes = Counter(r.status_code for r in responses)
    assert codes == {200: 1, 409: 11}, codes
    winner = next(r for r in responses if r.status_code == 200).json()
    stored = client.get(f"/api/places/{place_id}").json()
    assert stored["version"] == version + 1
    assert stored["notes"] == winner["notes"]
    with platform.factory() as session:
        updates = session.scalar(
            select(func.count())
            .select_from(PlaceAudit)
            .where(PlaceAudit.place_id == place_id, PlaceAudit.action == "update")
        )
    assert updates == 1


def test_status_changes_at_once_all_land_in_turn(
    client: TestClient, platform: Platform, ready: World
) -> None:
    """Status changes carry no version: each is applied on the latest row in turn, so every
    change that was applied bumped the version once and wrote one audit entry (none lost)."""
    admin = token(client, "admin")
    place_id = ready.home_id
    before = client.get(f"/api/places/{place_id}").json()["version"]

    def beds(n: int) -> Callable[[], httpx.Response]:
        return lambda: client.put(
            f"/api/places/{place_id}/status", headers=admin, json={"beds_free": n}
        )

    responses = race([beds(n % 2) for n in range(10)])
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    after = client.get(f"/api/places/{place_id}").json()
    with platform.factory() as session:
        audits = session.scalar(
            select(func.count())
            .select_from(PlaceAudit)
            .where(PlaceAudit.place_id == place_id, PlaceAudit.action == "status")
        )
    assert audits is not None
    assert audits >= 1
    assert after["version"] - before == audits


def test_a_write_of_a_place_checks_the_version_it_read(platform: Platform, world: World) -> None:
    """The version is part of the UPDATE itself: a writer holding a stale copy (read before
    another writer moved the place on) changes nothing, whatever locks it did not take."""
    with platform.factory() as stale:
        place = stale.get(Place, world.station_id)
        assert place is not None
        stale.commit()  # SQLite: end the read snapshot; the copy stays loaded
        platform.places.update(ADMIN, world.station_id, PlaceUpdate(notes="first"))
        place.notes = "second"
        place.version += 1
        with pytest.raises(StaleDataError):
            stale.commit()
    assert platform.places.get(world.station_id).notes == "first"


def test_points_created_at_once_with_one_external_id_make_one(
    client: TestClient, platform: Platform, ready: World
) -> None:
    admin = token(client, "admin")
    body = {"name": "新站", "kind": "water", "lon": 121.40, "lat": 31.26, "external_id": "osm:1"}

    def create() -> httpx.Response:
        return client.post("/api/places", headers=admin, json=body)

    codes = Counter(r.status_code for r in race([create] * 12))
    assert codes == {201: 1, 409: 11}, codes
