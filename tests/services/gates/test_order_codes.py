"""One-time order codes on SQLite and PostgreSQL: issued by a platform for a certified
rider, they open one gate once, for their order, at their estate, until they expire; two
gates using the same code (or pass code) at the same moment let exactly one through."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from estate_support import add_estate
from gigcity.db.models import GateOrderCode
from gigcity.services.errors import InvalidInput
from gigcity.services.gates import CertificationIn, CheckIn, OrderCodeIn
from gigcity.services.platform import Platform
from services.gates.gates_support import START, Clock, Keys, estate_document, make_keys
from support import ADMIN, World, principal


@pytest.fixture
def keys(platform: Platform, estate: int, clock: Clock) -> Keys:
    platform.gates.certify(
        ADMIN, CertificationIn(rider="rider", valid_until=START + timedelta(days=30))
    )
    return make_keys(platform, estate)


def issue(
    platform: Platform, keys: Keys, estate: int, order: str = "o-1", minutes: int = 30
) -> str:
    out = platform.gates.issue_order_code(
        keys.platform,
        OrderCodeIn(rider="rider", estate_id=estate, order_ref=order, minutes_valid=minutes),
    )
    assert len(out.code) == 8
    assert out.code.isdigit()
    return out.code


def check(platform: Platform, keys: Keys, code: str, order: str | None = None) -> str:
    return platform.gates.check(
        keys.gate, CheckIn(gate="g1", code=code, order_ref=order), "en"
    ).reason


def test_an_order_code_opens_once(platform: Platform, keys: Keys, estate: int) -> None:
    code = issue(platform, keys, estate)
    answer = platform.gates.check(
        keys.gate, CheckIn(gate="g2", code=f"{code[:4]} {code[4:]}"), "en"
    )
    assert answer.allow
    assert answer.reason == "order_code_ok"
    assert answer.order_ref == "o-1"
    assert check(platform, keys, code) == "code_used"
    with platform.factory() as session:
        stored = session.scalars(select(GateOrderCode)).one()
    assert stored.code_hash != code
    assert code not in stored.code_hash
    assert stored.used_gate == "g2"


def test_order_codes_expire_and_are_bound_to_their_order_and_estate(
    platform: Platform, keys: Keys, estate: int, clock: Clock
) -> None:
    code = issue(platform, keys, estate, minutes=10)
    assert check(platform, keys, code, order="o-2") == "order_mismatch"
    clock.advance(minutes=10)
    assert check(platform, keys, code) == "code_expired"
    other = add_estate(platform, estate_document("另一个小区"))
    elsewhere = issue(platform, keys, other)
    assert check(platform, keys, elsewhere) == "wrong_estate"
    assert check(platform, keys, "12") == "malformed"


def test_issuing_again_ends_the_earlier_code(platform: Platform, keys: Keys, estate: int) -> None:
    first = issue(platform, keys, estate)
    second = issue(platform, keys, estate)
    assert check(platform, keys, first) == "code_expired"
    assert check(platform, keys, second) == "order_code_ok"


def test_codes_are_only_for_certified_riders_and_revocation_applies(
    platform: Platform, keys: Keys, estate: int
) -> None:
    with pytest.raises(InvalidInput):
        platform.gates.issue_order_code(
            keys.platform, OrderCodeIn(rider="rider2", estate_id=estate, order_ref="o-9")
        )
    code = issue(platform, keys, estate)
    (certification,) = platform.gates.certifications(ADMIN, rider="rider")
    platform.gates.revoke_certification(ADMIN, certification.id)
    assert check(platform, keys, code) == "certification_revoked"


def test_guessing_order_codes_at_a_gate_is_slowed(
    platform: Platform, keys: Keys, estate: int
) -> None:
    code = issue(platform, keys, estate)
    guesses = [f"{n:08d}" for n in range(12) if f"{n:08d}" != code][:10]
    assert {check(platform, keys, g) for g in guesses} == {"code_wrong"}
    assert check(platform, keys, code) == "too_many_attempts"


def at_two_gates_at_once(platform: Platform, keys: Keys, **shown: str) -> list[bool]:
    """The same code (`code=` or `payload=`) shown four times at once, twice at each of
    two gates: whether each was let through."""
    barrier = threading.Barrier(4)

    def at_gate(gate: str) -> bool:
        barrier.wait()
        return platform.gates.check(keys.gate, CheckIn(gate=gate, **shown), "en").allow

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(at_gate, ["g1", "g2", "g1", "g2"]))


def test_two_gates_with_the_same_code_at_once_let_one_through(
    platform: Platform, keys: Keys, estate: int
) -> None:
    for round_ in range(5):
        code = issue(platform, keys, estate, order=f"race-{round_}")
        answers = at_two_gates_at_once(platform, keys, code=code)
        assert answers.count(True) == 1, answers


def test_two_gates_with_the_same_pass_code_at_once_let_one_through(
    platform: Platform, keys: Keys, estate: int, clock: Clock, world: World
) -> None:
    rider = principal(platform, "rider")
    for _ in range(3):
        clock.advance(seconds=30)
        shown = platform.gates.current_code(rider, estate).payload
        answers = at_two_gates_at_once(platform, keys, payload=shown)
        assert answers.count(True) == 1, answers
