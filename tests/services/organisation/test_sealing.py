"""Memberships sealed, on both databases: no table of the membership keeps a plain account
id (the raw rows are read), the blind index finds a rider's membership and its token opens
to the account; migration 0029 seals rows already there and goes back down; a changed
signing secret is followed by `reseal`; a transfer moves the one membership row, asked by
the member or the holding organisation's officer, and two officers accepting at once (on
PostgreSQL, two connections) end with one outcome."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import inspect, text

from gigcity.db.migrate import downgrade, upgrade
from gigcity.db.session import make_engine, make_sessionmaker
from gigcity.services.cipher import FieldDecryptError
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.organisation.schemas import CheckinPointIn, OrgKind, TransferStatus
from gigcity.services.organisation.sealing import MemberSeal
from gigcity.services.organisation.service import OrganisationService
from gigcity.services.organisation.three_ones_schemas import LetterIn
from gigcity.services.platform import Platform
from services.organisation.org_support import make_org
from support import ADMIN, World, principal

SEALED = {
    "org_memberships": ("account_key", "account_enc"),
    "org_member_reads": ("member_key", "member_enc"),
    "org_letter_reads": ("account_key", "account_enc"),
}


def _registered(platform: Platform, world: World) -> tuple[int, int, int]:
    """Two station groups; rider registered at the first's point. (first, second, point)."""
    first = make_org(platform, "万里驿站骑手联合党支部", OrgKind.station_group)
    second = make_org(platform, "桃浦某汽车租赁公司党支部", OrgKind.company_branch)
    point = platform.organisation.set_checkin_point(
        ADMIN, CheckinPointIn(subdistrict="wanli", place_id=world.station_id, organisation_id=first)
    ).id
    platform.organisation.register(principal(platform, "rider"), point)
    return first, second, point


def test_no_plain_account_id_is_stored_and_the_blind_index_finds_the_member(
    platform: Platform, world: World
) -> None:
    org, seal = platform.organisation, platform.organisation.seal
    first, _, point = _registered(platform, world)
    rider_id = world.ids["rider"]
    platform.three_ones.send_letter(ADMIN, LetterIn(organisation_id=first, title="信", body="好"))
    letter = platform.three_ones.my_letters(principal(platform, "rider"))[0]
    platform.three_ones.open_letter(principal(platform, "rider"), letter.id)

    columns = inspect(platform.engine)
    with platform.engine.connect() as conn:
        for table, (key_column, enc_column) in SEALED.items():
            names = {c["name"] for c in columns.get_columns(table)}
            assert not names & {"account_id", "member_id"}, table
            rows = conn.execute(text(f"SELECT {key_column}, {enc_column} FROM {table}")).all()
            assert rows, table
            for key, enc in rows:
                assert key == seal.key(rider_id)
                assert len(key) == 64
                assert enc != str(rider_id)
                assert seal.open(enc) == rider_id
    # The index is keyed: another rider, another key; the same rider, the same key.
    assert seal.key(rider_id) == seal.key(rider_id) != seal.key(world.ids["rider2"])
    assert seal.seal(rider_id) != seal.seal(rider_id)  # a fresh token each time
    held = org.my_membership(principal(platform, "rider"))
    assert held.account_id == rider_id
    assert held.checkin_point_id == point
    with pytest.raises(NotFound):
        org.my_membership(principal(platform, "rider2"))
    assert next(r.member_id for r in org.reads(ADMIN, rider_id)) == rider_id
    assert org.reads(ADMIN, world.ids["rider2"]) == []


def test_a_new_signing_secret_finds_nothing_until_resealed(
    platform: Platform, world: World
) -> None:
    first = make_org(platform, "万里驿站骑手联合党支部", OrgKind.station_group)
    point = platform.organisation.set_checkin_point(
        ADMIN, CheckinPointIn(subdistrict="wanli", place_id=world.station_id, organisation_id=first)
    ).id
    rider, rider2 = principal(platform, "rider"), principal(platform, "rider2")
    old = OrganisationService(platform.factory, platform.district, signing_secret="old secret")
    old.register(rider, point)
    old.register(rider2, point)
    new = OrganisationService(platform.factory, platform.district, signing_secret="new secret")
    with pytest.raises(NotFound):
        new.my_membership(rider)
    new.register(rider, point)  # before the reseal: a second row, under the new key
    with pytest.raises(FieldDecryptError):  # the old tokens need the old secret's key
        new.reseal()
    done = new.reseal("old secret")
    assert (done.memberships, done.duplicates) == (2, 1)
    assert done.reads == 3  # each registration's own read
    assert new.my_membership(rider).organisation_id == first
    members = new.members(ADMIN, first, "test")
    assert sorted(m.account_id for m in members) == sorted([rider.account_id, rider2.account_id])
    assert new.reseal().duplicates == 0  # again: nothing left to drop


def test_the_migration_seals_rows_already_there_and_goes_back(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0028")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accounts (id, username, display_name, password_hash, role, active, "
                "created_at, token_generation) VALUES (7, 'r', 'R', 'x', 'rider', true, "
                "CURRENT_TIMESTAMP, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO org_memberships (account_id, checked_in_at, transfer_status) "
                "VALUES (7, CURRENT_TIMESTAMP, 'none')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO org_member_reads (at, member_id, role, purpose) "
                "VALUES (CURRENT_TIMESTAMP, 7, 'rider', 'own')"
            )
        )
    with pytest.raises(RuntimeError, match="gigcity db upgrade"):  # no keys handed in
        upgrade(engine)
    seals = {"member_seal": lambda conn: MemberSeal.on(conn, signing_secret="s")}
    upgrade(engine, attributes=seals)
    seal = MemberSeal(make_sessionmaker(engine), signing_secret="s")
    with engine.connect() as conn:
        key, enc = conn.execute(text("SELECT account_key, account_enc FROM org_memberships")).one()
        read = conn.execute(text("SELECT member_key, member_enc FROM org_member_reads")).one()
    assert key == read[0] == seal.key(7)
    assert seal.open(enc) == seal.open(read[1]) == 7
    downgrade(engine, "0028", attributes=seals)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT account_id FROM org_memberships")).scalar_one() == 7
        assert conn.execute(text("SELECT member_id FROM org_member_reads")).scalar_one() == 7
    engine.dispose()


def test_a_transfer_asked_by_the_holding_officer_moves_the_one_row(
    platform: Platform, world: World
) -> None:
    org = platform.organisation
    first, second, _ = _registered(platform, world)
    rider, officer = principal(platform, "rider"), principal(platform, "officer")
    member = org.my_membership(rider)
    with pytest.raises(Forbidden):  # not (yet) the holding organisation's officer
        org.transfer_member(officer, first, member.id, second, "transfer")
    org.add_officer(ADMIN, first, world.ids["officer"])
    with pytest.raises(InvalidInput) as same:
        org.transfer_member(officer, first, member.id, first, "transfer")
    assert same.value.field == "to_organisation_id"
    with pytest.raises(NotFound):  # the officer of `second` holds no such member
        org.transfer_member(ADMIN, second, member.id, first, "transfer")
    asked = org.transfer_member(officer, first, member.id, second, "transfer")
    assert (asked.transfer_status, asked.transfer_to_id) == (
        TransferStatus.transfer_out_requested,
        second,
    )
    # The receiving organisation sees it waiting among its members, the member can withdraw.
    assert [m.id for m in org.members(ADMIN, second, "test")] == [member.id]
    assert org.cancel_transfer(rider).transfer_status == TransferStatus.none
    with pytest.raises(Conflict):
        org.cancel_transfer(rider)
    org.request_transfer(rider, second)
    moved = org.accept_transfer(ADMIN, second, member.id, "accept")
    assert (moved.id, moved.organisation_id, moved.transfer_from_id) == (member.id, second, first)
    assert moved.transfer_status == TransferStatus.transferred_in
    assert org.members(officer, first, "test") == []
    assert [m.account_id for m in org.members(ADMIN, second, "test")] == [world.ids["rider"]]


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_officers_accepting_at_once_make_one_move(platform: Platform, world: World) -> None:
    org = platform.organisation
    first, second, _ = _registered(platform, world)
    rider = principal(platform, "rider")
    member = org.request_transfer(rider, second)
    barrier = threading.Barrier(2)

    def accept(_: int) -> str:
        barrier.wait()
        try:
            org.accept_transfer(ADMIN, second, member.id, "accept")
        except Conflict:
            return "409"
        return "moved"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(accept, range(2)))
    assert outcomes == ["409", "moved"]
    with platform.engine.connect() as conn:
        rows = conn.execute(text("SELECT organisation_id, transfer_from_id FROM org_memberships"))
        assert rows.all() == [(second, first)]

    # A member and the holding officer asking at once: one ask stands, the other is 409.
    org.add_officer(ADMIN, second, world.ids["officer"])
    barrier = threading.Barrier(2)

    def ask(who: int) -> str:
        barrier.wait()
        try:
            if who:
                org.request_transfer(rider, first)
            else:
                org.transfer_member(principal(platform, "officer"), second, member.id, first, "t")
        except Conflict:
            return "409"
        return "asked"

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(ask, range(2))) == ["409", "asked"]
