"""A membership's transfer over HTTP: who may ask one for a member (the holding
organisation's officers and admins; 401 signed out, 403 anyone else), bad input (422 naming
`to_organisation_id`, 404 for a membership the organisation does not hold), the receiving
officer sees it waiting and takes it in, and the member may withdraw one asked (409 when
none waits). The services beneath are tried on both databases in
tests/services/organisation/test_sealing.py."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from support import World, problem_fields, token

EN = {"Accept-Language": "en"}
API = "/api/organisation"


@pytest.mark.one_database
def test_an_officer_asks_a_transfer_and_the_receiving_one_takes_it_in(
    client: TestClient, world: World
) -> None:
    t = {name: token(client, name) | EN for name in ("admin", "officer", "rider", "staff")}
    orgs = [
        client.post(
            f"{API}/organisations",
            json={"name": name, "kind": "station_group", "sector": "instant_retail"},
            headers=t["admin"],
        ).json()["id"]
        for name in ("万里驿站骑手联合党支部", "长征驿站骑手联合党支部")
    ]
    point = {"subdistrict": "wanli", "place_id": world.station_id, "organisation_id": orgs[0]}
    point_id = client.put(f"{API}/checkin-points", json=point, headers=t["admin"]).json()["id"]
    member = client.post(f"{API}/checkin-points/{point_id}/register", headers=t["rider"]).json()
    ask = f"{API}/organisations/{orgs[0]}/members/{member['id']}/transfer"
    body = {"to_organisation_id": orgs[1]}

    assert client.post(ask, json=body, headers=EN).status_code == 401
    for who in ("rider", "staff", "officer"):  # the officer is no officer of it yet
        assert client.post(ask, json=body, headers=t[who]).status_code == 403, who
    client.post(
        f"{API}/organisations/{orgs[0]}/officers",
        json={"account_id": world.ids["officer"]},
        headers=t["admin"],
    )
    for bad in ({}, {"to_organisation_id": 0}, {"to_organisation_id": "x"}):
        r = client.post(ask, json=bad, headers=t["officer"])
        assert r.status_code == 422, bad
        assert any(f.endswith("to_organisation_id") for f in problem_fields(r)), r.json()
    for bad in ({"to_organisation_id": orgs[0]}, {"to_organisation_id": 999_999}):
        r = client.post(ask, json=bad, headers=t["officer"])
        assert r.status_code == 422, bad
        assert problem_fields(r) >= {"to_organisation_id"}
    elsewhere = f"{API}/organisations/{orgs[1]}/members/{member['id']}/transfer"
    assert client.post(elsewhere, json=body, headers=t["admin"]).status_code == 404

    r = client.post(ask, json=body, headers=t["officer"])
    assert r.status_code == 200, r.text
    assert r.json()["transfer_status"] == "transfer_out_requested"
    assert client.post(ask, json=body, headers=t["officer"]).status_code == 409
    waiting = client.get(f"{API}/organisations/{orgs[1]}/members", headers=t["admin"]).json()
    assert [(m["id"], m["transfer_to_id"]) for m in waiting] == [(member["id"], orgs[1])]

    withdrawn = client.delete(f"{API}/me/transfer", headers=t["rider"])
    assert withdrawn.json()["transfer_status"] == "none"
    assert client.delete(f"{API}/me/transfer", headers=t["rider"]).status_code == 409
    assert client.delete(f"{API}/me/transfer", headers=t["staff"]).status_code == 403

    client.post(ask, json=body, headers=t["officer"])
    accept = f"{API}/organisations/{orgs[1]}/members/{member['id']}/accept"
    assert client.post(accept, headers=t["officer"]).status_code == 403  # not its officer
    moved = client.post(accept, headers=t["admin"]).json()
    assert (moved["organisation_id"], moved["transfer_from_id"]) == (orgs[1], orgs[0])
    assert client.get(f"{API}/me", headers=t["rider"]).json()["transfer_status"] == (
        "transferred_in"
    )
    assert client.get(f"{API}/organisations/{orgs[0]}/members", headers=t["officer"]).json() == []
