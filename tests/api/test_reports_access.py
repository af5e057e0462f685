"""Who sees a report's photos, over HTTP (issue 14): its reporter, the officers of its
sub-district and admins; everyone else gets 404, as for a photo that does not exist. The
public sees an officer's "after" photo only once published, through signed URLs that
expire within 15 minutes. And why a report was rejected: the officer's reason, checked,
stored and told to the reporter and over Open311, in Chinese and English."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from gigcity.services.platform import Platform
from gigcity.services.reports import PhotoStore
from services.reports.reports_support import WANLI, database_url, jpeg, scene, setup_district
from support import World, token

__all__ = ["database_url"]  # the faster PostgreSQL reset of the reports tests
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture(autouse=True)
def _ready(platform: Platform, world: World, tmp_path: Path) -> None:
    platform.reports.photos = PhotoStore(tmp_path / "photos")
    setup_district(platform, world)


def _upload(client: TestClient, who: dict[str, str], seed: int) -> Any:
    r = client.post(
        "/api/reports/photos",
        headers=who,
        files={"file": ("p.jpg", jpeg(scene(seed=seed)), "image/jpeg")},
    )
    assert r.status_code == 201, r.text
    return r.json()


def _file(client: TestClient, who: dict[str, str], **fields: object) -> Any:
    body = {"category": "fire_passage_blocked", "description": "stairwell blocked"}
    body |= {"lon": WANLI[0], "lat": WANLI[1]} | fields
    r = client.post("/api/reports", headers=who, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _step(client: TestClient, who: dict[str, str], report_id: int, step: str, **body: Any) -> Any:
    r = client.post(f"/api/reports/{report_id}/{step}", headers=who, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def _open311(client: TestClient, report_id: int, lang: dict[str, str]) -> Any:
    r = client.get(f"/open311/v2/requests/{report_id}.json", headers=lang)
    assert r.status_code == 200, r.text
    return r.json()[0]


# -- photos -----------------------------------------------------------------------------------


def test_a_riders_photo_is_served_only_to_its_reporter_the_officer_and_admins(
    client: TestClient,
) -> None:
    rider, rider2 = token(client, "rider"), token(client, "rider2")
    officer, officer2 = token(client, "officer"), token(client, "officer2")
    admin = token(client, "admin")
    photo = _upload(client, rider, seed=1)
    staged = _upload(client, rider, seed=2)
    _file(client, rider, photo_ids=[photo["id"]])
    for url in (photo["url"], photo["thumb_url"]):
        for who in (rider, officer, admin):
            served = client.get(url, headers=who)
            assert served.status_code == 200, (url, who)
            assert served.content[:3] == b"\xff\xd8\xff"
            assert "Authorization" in served.headers["vary"]
        # Another rider, the officer of another sub-district, nobody signed in: 404, the
        # answer for a photo that does not exist (not 403, which would confirm it does).
        for who in (rider2, officer2, {}):
            refused = client.get(url, headers=who)
            assert refused.status_code == 404, (url, who)
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.content[:3] != b"\xff\xd8\xff"
    # A photo uploaded and not yet in a report: its uploader (and admins) only.
    assert client.get(staged["url"], headers=rider).status_code == 200
    assert client.get(staged["url"], headers=admin).status_code == 200
    for who in (rider2, officer, {}):
        assert client.get(staged["url"], headers=who).status_code == 404
    # A name never given out answers the same 404 as a photo one may not see.
    assert client.get("/api/reports/photos/" + "ab" * 16 + ".jpg", headers=rider).status_code == 404


def test_a_rider_who_joined_sees_their_own_photo_not_the_reporters(client: TestClient) -> None:
    rider, rider2 = token(client, "rider"), token(client, "rider2")
    photo = _upload(client, rider, seed=3)
    report = _file(client, rider, photo_ids=[photo["id"]])
    theirs = _upload(client, rider2, seed=4)
    here = {"lat": WANLI[1], "lon": WANLI[0]}
    joined = client.post(
        f"/api/reports/{report['id']}/same",
        headers=rider2,
        json=here | {"photo_ids": [theirs["id"]]},
    )
    assert joined.status_code == 200, joined.text
    assert [p["id"] for p in joined.json()["photos"]] == [theirs["id"]]
    assert client.get(photo["url"], headers=rider2).status_code == 404
    assert client.get(theirs["url"], headers=rider2).status_code == 200
    # The reporter sees both photos of their report, and may open both.
    mine = client.get(f"/api/reports/{report['id']}", headers=rider).json()
    assert {p["id"] for p in mine["photos"]} == {photo["id"], theirs["id"]}
    assert client.get(theirs["url"], headers=rider).status_code == 200


def _resolved_with_after_photo(client: TestClient) -> tuple[int, Any, Any]:
    """A report of the rider's, fixed by the officer with an "after" photo."""
    rider, officer = token(client, "rider"), token(client, "officer")
    before = _upload(client, rider, seed=5)
    report_id = _file(client, rider, photo_ids=[before["id"]])["id"]
    _step(client, officer, report_id, "accept")
    _step(client, officer, report_id, "dispatch", to="城运中心")
    _step(client, officer, report_id, "start")
    after = _upload(client, officer, seed=6)
    out = _step(client, officer, report_id, "resolve", photo_ids=[after["id"]])
    assert [p["id"] for p in out["after_photos"]] == [after["id"]]
    assert out["after_photos"][0]["published"] is False
    return report_id, before, after


def test_the_public_sees_an_after_photo_only_when_published_through_a_signed_url(
    client: TestClient, platform: Platform
) -> None:
    rider, officer, officer2 = (
        token(client, "rider"),
        token(client, "officer"),
        token(client, "officer2"),
    )
    report_id, before, after = _resolved_with_after_photo(client)
    # The reporter sees the officer's after photo of their report; the public nothing yet.
    assert client.get(after["url"], headers=rider).status_code == 200
    assert client.get(after["url"]).status_code == 404
    assert _open311(client, report_id, EN)["media_url"] in (None, "")
    path = f"/api/reports/{report_id}/photos/{after['id']}/published"
    # Only the officers of the report publish, and only photos taken after the fix.
    assert client.put(path, headers=officer2).status_code == 403
    riders_photo = f"/api/reports/{report_id}/photos/{before['id']}/published"
    refused = client.put(riders_photo, headers=officer | EN)
    assert refused.status_code == 422
    assert refused.json()["field"] == "photo_id"
    published = client.put(path, headers=officer)
    assert published.status_code == 200, published.text
    assert published.json()["after_photos"][0]["published"] is True
    assert published.json()["events"][-1]["action"] == "publish"

    media = _open311(client, report_id, EN)["media_url"]
    assert media.startswith(
        "http://testserver/api/reports/photos/" + after["url"].rsplit("/", 1)[1]
    )
    query = parse_qs(urlsplit(media).query)
    expires = int(query["exp"][0])
    now = platform.reports.clock().timestamp()
    assert now < expires <= now + 15 * 60
    served = client.get(media)  # nobody signed in
    assert served.status_code == 200
    assert served.content == client.get(after["url"], headers=rider).content
    # Staff are given the plain URL (they are signed in).
    staff_view = client.get(f"/api/reports/{report_id}", headers=token(client, "admin")).json()
    assert staff_view["after_photos"][0]["url"] == after["url"]

    url = urlsplit(media)
    sig = query["sig"][0]
    tampered = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    for bad in (
        f"{url.path}?exp={expires}&sig={tampered}",  # tampered signature
        f"{url.path}?exp={expires + 60}&sig={sig}",  # a later expiry, same signature
        f"{url.path}?exp={expires}",  # no signature
        # The signature of the published photo does not open the rider's photo.
        f"{before['url']}?exp={expires}&sig={sig}",
    ):
        assert client.get(bad).status_code == 404, bad
    # Expired: a quarter of an hour later the same URL is refused.
    start = platform.reports.clock()
    platform.reports.clock = lambda: start + timedelta(minutes=16)
    assert client.get(media).status_code == 404
    fresh = _open311(client, report_id, EN)["media_url"]
    assert fresh != media
    assert client.get(fresh).status_code == 200
    # A signed URL far in the future cannot be made even with a valid key: refused.
    far = int(platform.reports.clock().timestamp()) + 3600
    far_sig = platform.reports.photo_signer._mac(after["url"].rsplit("/", 1)[1], far)
    assert client.get(f"{url.path}?exp={far}&sig={far_sig}").status_code == 404
    # Taken back: even the URLs given out before stop working.
    assert client.delete(path, headers=officer).status_code == 200
    assert client.get(fresh).status_code == 404
    assert _open311(client, report_id, EN)["media_url"] in (None, "")
    assert client.get(after["url"], headers=rider).status_code == 200  # the reporter still


def test_other_riders_see_a_published_photo_through_signed_urls_only(client: TestClient) -> None:
    rider2, officer = token(client, "rider2"), token(client, "officer")
    report_id, before, after = _resolved_with_after_photo(client)
    client.put(f"/api/reports/{report_id}/photos/{after['id']}/published", headers=officer)
    # Another rider: the plain URL is refused, the published (signed) one is served; the
    # reporter's own photo stays out of reach.
    assert client.get(after["url"], headers=rider2).status_code == 404
    public = _open311(client, report_id, ZH)
    assert client.get(public["media_url"], headers=rider2).status_code == 200
    assert client.get(before["url"], headers=rider2).status_code == 404


# -- reject reasons ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "spam"}, "reason"),
        ({}, "reason"),
        ({"reason": "other"}, "reason_text"),
        ({"reason": "other", "reason_text": "   "}, "reason_text"),
        ({"reason": "other", "reason_text": "x" * 301}, "reason_text"),
        ({"reason": "not_found", "reason_text": "words for another reason"}, "reason_text"),
        ({"reason": "duplicate"}, "duplicate_of"),
    ],
)
def test_a_bad_reject_reason_is_refused_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    rider, officer = token(client, "rider"), token(client, "officer")
    report_id = _file(client, rider)["id"]
    r = client.post(f"/api/reports/{report_id}/reject", headers=officer | EN, json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    fields = [e["field"] for e in problem.get("errors", [])] + [problem.get("field")]
    assert field in fields, problem
    # Nothing changed.
    assert client.get(f"/api/reports/{report_id}", headers=rider).json()["status"] == "submitted"


def test_the_reporter_and_open311_are_told_why_a_report_was_rejected(client: TestClient) -> None:
    rider, officer = token(client, "rider"), token(client, "officer")
    cases = {
        "out_of_scope": ("不属于本区处理范围", "not something the district handles"),
        "not_found": ("现场未发现问题", "not found on site"),
    }
    for reason, (zh, en) in cases.items():
        report_id = _file(client, rider)["id"]
        out = _step(client, officer, report_id, "reject", reason=reason)
        assert out["status"] == "rejected"
        assert out["reject_reason"] == reason
        mine = client.get("/api/reports/mine", headers=rider).json()
        assert next(r for r in mine if r["id"] == report_id)["reject_reason"] == reason
        assert _open311(client, report_id, ZH)["status_notes"] == f"未采纳：{zh}。"
        assert _open311(client, report_id, EN)["status_notes"] == f"Rejected: {en}."
    # Another reason, in the officer's words, with a public note after it.
    report_id = _file(client, rider)["id"]
    words = "该通道属于小区物业，已转物业处理"
    out = _step(
        client,
        officer,
        report_id,
        "reject",
        reason="other",
        reason_text=f"  {words}  ",
        public_note="请联系物业。",
    )
    assert (out["reject_reason"], out["reject_text"]) == ("other", words)
    seen = client.get(f"/api/reports/{report_id}", headers=rider).json()
    assert seen["reject_text"] == words
    assert _open311(client, report_id, ZH)["status_notes"] == f"未采纳：{words}。 请联系物业。"
    assert _open311(client, report_id, EN)["status_notes"] == f"Rejected: {words}. 请联系物业。"
    # The rejection is the last step of the trail.
    staff = client.get(f"/api/reports/{report_id}", headers=officer).json()
    assert staff["events"][-1]["action"] == "reject"


def test_a_duplicate_is_rejected_by_merging_into_the_report_it_repeats(client: TestClient) -> None:
    rider, rider2, officer = (
        token(client, "rider"),
        token(client, "rider2"),
        token(client, "officer"),
    )
    keeper = _file(client, rider)["id"]
    duplicate = _file(client, rider2, description="the same stairwell")["id"]
    out = _step(client, officer, duplicate, "reject", reason="duplicate", duplicate_of=keeper)
    assert (out["reject_reason"], out["merged_into_id"]) == ("duplicate", keeper)
    assert _open311(client, duplicate, ZH)["status_notes"] == f"与请求 {keeper} 重复。"
    # rider2 is credited with the report theirs repeats.
    assert keeper in {r["id"] for r in client.get("/api/reports/mine", headers=rider2).json()}


def test_a_rider_following_the_report_gets_the_published_after_photo_signed(
    client: TestClient,
) -> None:
    rider, rider2, officer = (token(client, u) for u in ("rider", "rider2", "officer"))
    before = _upload(client, rider, seed=8)
    report_id = _file(client, rider, photo_ids=[before["id"]])["id"]
    here = {"lat": WANLI[1], "lon": WANLI[0]}
    assert client.post(f"/api/reports/{report_id}/same", headers=rider2, json=here).is_success
    _step(client, officer, report_id, "accept")
    _step(client, officer, report_id, "dispatch", to="城运中心")
    _step(client, officer, report_id, "start")
    after = _upload(client, officer, seed=9)
    _step(client, officer, report_id, "resolve", photo_ids=[after["id"]])
    seen = client.get(f"/api/reports/{report_id}", headers=rider2).json()
    assert (seen["photos"], seen["after_photos"]) == ([], [])  # nothing of the reporter's
    client.put(f"/api/reports/{report_id}/photos/{after['id']}/published", headers=officer)
    seen = client.get(f"/api/reports/{report_id}", headers=rider2).json()
    (shown,) = seen["after_photos"]
    assert shown["published"] is True
    for url in (shown["url"], shown["thumb_url"]):
        assert "exp=" in url and "sig=" in url  # noqa: PT018
        assert client.get(url).status_code == 200  # the link alone opens it, for a while
    # The reporter's view keeps the plain URL (they are signed in and may see it anyway).
    mine = client.get(f"/api/reports/{report_id}", headers=rider).json()
    assert mine["after_photos"][0]["url"] == after["url"]
