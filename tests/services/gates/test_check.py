"""The gate check on SQLite and PostgreSQL: a certified rider's rotating code opens once,
within its step or the one before; revocation and expiry apply at the very next check;
wrong gates, estates and codes are refused with their reason, and every answer is logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from estate_support import add_estate
from gigcity.db.models import GateDecision
from gigcity.services.accounts import Principal
from gigcity.services.errors import Forbidden
from gigcity.services.gates import CertificationIn, CheckIn
from gigcity.services.gates.codes import STEP_S, code_at_step, payload, step_of
from gigcity.services.platform import Platform
from services.gates.gates_support import START, Clock, Keys, estate_document, make_keys
from support import ADMIN, World, principal


@pytest.fixture
def keys(platform: Platform, estate: int) -> Keys:
    return make_keys(platform, estate)


@pytest.fixture
def rider(platform: Platform, world: World) -> Principal:
    return principal(platform, "rider")


def certify(
    platform: Platform, who: Principal = ADMIN, days: int = 30, rider: str = "rider"
) -> int:
    return platform.gates.certify(
        who, CertificationIn(rider=rider, valid_until=START + timedelta(days=days))
    ).id


def check(platform: Platform, keys: Keys, text: str, gate: str = "g1") -> str:
    return platform.gates.check(keys.gate, CheckIn(gate=gate, payload=text), "en").reason


def test_a_certified_riders_code_opens_once(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int
) -> None:
    certify(platform)
    shown = platform.gates.current_code(rider, estate)
    assert shown.payload == f"GCP1:{shown.pass_id}:{shown.code}"
    assert shown.qr_svg.startswith("<svg")
    assert shown.expires_in_s == STEP_S - 5
    answer = platform.gates.check(keys.gate, CheckIn(gate="g1", payload=shown.payload), "en")
    assert answer.allow
    assert answer.reason == "pass_ok"
    assert answer.rider_label == shown.label
    assert answer.rider_label.startswith("R-")
    assert check(platform, keys, shown.payload, gate="g2") == "code_used"  # a replay
    with platform.factory() as session:
        logged = session.scalars(select(GateDecision).order_by(GateDecision.id)).all()
    assert [(d.gate_ref, d.allowed, d.reason) for d in logged] == [
        ("g1", True, "pass_ok"),
        ("g2", False, "code_used"),
    ]
    assert {d.rider_id for d in logged} == {rider.account_id}


def test_the_previous_step_is_accepted_older_codes_are_expired(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int
) -> None:
    certify(platform)
    shown = platform.gates.current_code(rider, estate)
    clock.advance(seconds=STEP_S)  # the next step: the code read just before still opens
    assert check(platform, keys, shown.payload) == "pass_ok"
    older = platform.gates.current_code(rider, estate)
    clock.advance(seconds=2 * STEP_S)
    assert check(platform, keys, older.payload) == "code_expired"
    wrong = "000000" if shown.code != "000000" else "111111"
    assert check(platform, keys, payload(shown.pass_id, wrong)) == "code_wrong"


def test_revoking_the_certification_refuses_the_next_check(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int, world: World
) -> None:
    staff = principal(platform, "staff")
    certification = certify(platform, staff)
    first = platform.gates.current_code(rider, estate)
    assert check(platform, keys, first.payload) == "pass_ok"
    platform.gates.revoke_certification(staff, certification)
    clock.advance(seconds=STEP_S)
    secret_code = _code_now(platform, first.pass_id, clock)
    assert check(platform, keys, payload(first.pass_id, secret_code)) == "certification_revoked"
    with pytest.raises(Forbidden):
        platform.gates.current_code(rider, estate)


def test_revoking_a_pass_refuses_it_and_it_is_not_made_again(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int
) -> None:
    certify(platform)
    shown = platform.gates.current_code(rider, estate)
    platform.gates.revoke_pass(ADMIN, shown.pass_id)
    assert check(platform, keys, shown.payload) == "pass_revoked"
    with pytest.raises(Forbidden):
        platform.gates.current_code(rider, estate)


def test_an_expired_or_future_certification_does_not_open(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int
) -> None:
    certify(platform, days=1)
    shown = platform.gates.current_code(rider, estate)
    clock.advance(days=1)
    assert check(
        platform, keys, payload(shown.pass_id, _code_now(platform, shown.pass_id, clock))
    ) == ("certification_expired")
    platform.gates.certify(
        ADMIN,
        CertificationIn(
            rider="rider",
            valid_from=clock.now + timedelta(days=2),
            valid_until=clock.now + timedelta(days=9),
        ),
    )
    with pytest.raises(Forbidden):
        platform.gates.current_code(rider, estate)


def test_gates_and_estates_are_checked(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int
) -> None:
    certify(platform)
    other = add_estate(platform, estate_document("另一个小区"))
    elsewhere = platform.gates.current_code(rider, other)
    assert check(platform, keys, elsewhere.payload) == "wrong_estate"
    here = platform.gates.current_code(rider, estate)
    assert check(platform, keys, here.payload, gate="g3") == "gate_not_for_riders"
    assert check(platform, keys, here.payload, gate="g9") == "unknown_gate"
    assert check(platform, keys, "hello") == "malformed"
    assert check(platform, keys, "GCP1:99999:123456") == "unknown_pass"
    assert check(platform, keys, here.payload) == "pass_ok"  # none of the above used it up


def test_too_many_wrong_codes_lock_the_pass(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int
) -> None:
    certify(platform)
    shown = platform.gates.current_code(rider, estate)
    wrong = ["000000", "111111", "222222", "333333", "444444", "555555", "666666"]
    wrong = [c for c in wrong if c != shown.code][:6]
    reasons = [check(platform, keys, payload(shown.pass_id, code)) for code in wrong]
    assert reasons == ["code_wrong"] * 6  # the sixth within the minute locks the pass
    assert check(platform, keys, shown.payload) == "too_many_attempts"
    clock.advance(minutes=6)
    assert (
        check(platform, keys, payload(shown.pass_id, _code_now(platform, shown.pass_id, clock)))
        == "pass_ok"
    )


def test_decisions_are_read_by_the_estates_people_only(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int, world: World
) -> None:
    certify(platform)
    shown = platform.gates.current_code(rider, estate)
    check(platform, keys, shown.payload)
    officer = principal(platform, "officer")  # wanli, the estate's sub-district
    rows = platform.gates.decisions(officer, "zh_CN", estate_id=estate)
    assert [(r.gate, r.allow, r.rider_label) for r in rows] == [("g1", True, shown.label)]
    assert rows[0].reason_text == "已认证骑手，门禁通行证有效。"
    with pytest.raises(Forbidden):
        platform.gates.decisions(principal(platform, "officer2"), "en", estate_id=estate)


def _code_now(platform: Platform, pass_id: int, clock: Clock) -> str:
    from gigcity.db.models import GatePass

    with platform.factory() as session:
        held = session.get(GatePass, pass_id)
        assert held is not None
        return code_at_step(held.secret, step_of(clock.now.timestamp()))
