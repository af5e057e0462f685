"""How many SQL statements one gate check sends, per kind of check, on SQLite and
PostgreSQL: on PostgreSQL each is a round trip on the busiest route, so a change that adds
one fails here. A worker keeps each pass's secret, yet a revocation made through any worker
refuses the very next check everywhere, and a secret that is not the stored one is never
trusted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from gigcity.db.models import Estate as EstateRow
from gigcity.db.models import GateDecision, GatePass
from gigcity.geo.estates import Estate
from gigcity.services.accounts import Principal
from gigcity.services.day_clock import as_utc
from gigcity.services.estates.guide import EstateCache
from gigcity.services.gates import CertificationIn, CheckIn, GatesService, OrderCodeIn
from gigcity.services.gates.codes import code_at_step, new_secret, payload, step_of
from gigcity.services.platform import Platform
from services.gates.gates_support import START, Clock, Keys, make_keys
from support import ADMIN, World, principal

# Statements of one check once the worker has seen the estate and the pass. SQLite counts
# its BEGIN IMMEDIATE (the write lock, taken first); PostgreSQL runs a check without one.
POSTGRES = {
    "valid": 1,  # standing, claim and log in one statement
    "replay": 2,  # the claim fails: the standing decides, then the log
    "wrong": 2,  # the one statement logs it, the guess is counted (a shared bucket)
    "unknown pass": 2,  # no secret held: the standing, then the log
    "closed gate": 1,
    "order code": 4,  # the code and its standing, the guess bucket's token taken and
    "order code used": 3,  # given back when it opens, the claim with the log
    "order code wrong": 3,
    "valid, pass new to the worker": 2,
}
SQLITE = {
    "valid": 4,
    "replay": 4,
    "wrong": 3,  # guesses are counted in memory (one process)
    "unknown pass": 3,
    "closed gate": 3,
    "order code": 4,
    "order code used": 3,
    "order code wrong": 3,
    "valid, pass new to the worker": 4,
}


@pytest.fixture
def keys(platform: Platform, estate: int, clock: Clock) -> Keys:
    for rider in ("rider", "rider2"):
        platform.gates.certify(
            ADMIN, CertificationIn(rider=rider, valid_until=START + timedelta(days=30))
        )
    return make_keys(platform, estate)


@pytest.fixture
def rider(platform: Platform, world: World) -> Principal:
    return principal(platform, "rider")


@contextmanager
def statements(platform: Platform) -> Iterator[list[str]]:
    """The SQL statements sent to the database inside the block."""
    sent: list[str] = []
    engine = platform.factory.kw["bind"]

    def note(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        sent.append(sql)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_statements_per_kind_of_check(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int, world: World
) -> None:
    gates = platform.gates
    shown = gates.current_code(rider, estate)
    clock.advance(seconds=30)
    gates.check(keys.gate, CheckIn(gate="g1", payload=shown.payload), "en")  # the worker sees both
    shown = gates.current_code(rider, estate)
    newcomer = gates.current_code(principal(platform, "rider2"), estate)

    def order_code(order: str) -> str:
        issued = OrderCodeIn(rider="rider", estate_id=estate, order_ref=order, minutes_valid=30)
        return gates.issue_order_code(keys.platform, issued).code

    order, other = order_code("o-1"), order_code("o-2")
    kinds: dict[str, dict[str, str]] = {
        "valid": {"gate": "g1", "payload": shown.payload},
        "replay": {"gate": "g2", "payload": shown.payload},
        "wrong": {"gate": "g1", "payload": payload(shown.pass_id, other_code(shown.code))},
        "unknown pass": {"gate": "g1", "payload": payload(999_999, "123456")},
        "closed gate": {"gate": "g3", "payload": shown.payload},
        "order code": {"gate": "g1", "code": order},
        "order code used": {"gate": "g2", "code": order},
        "order code wrong": {"gate": "g1", "code": f"{(int(other) + 1) % 10**8:08d}"},
        "valid, pass new to the worker": {"gate": "g1", "payload": newcomer.payload},
    }
    reasons: dict[str, str] = {}
    counts: dict[str, int] = {}
    for kind, shown_at_gate in kinds.items():
        with statements(platform) as sent:
            reasons[kind] = gates.check(keys.gate, CheckIn(**shown_at_gate), "en").reason
        counts[kind] = len(sent)
    assert reasons == {
        "valid": "pass_ok",
        "replay": "code_used",
        "wrong": "code_wrong",
        "unknown pass": "unknown_pass",
        "closed gate": "gate_not_for_riders",
        "order code": "order_code_ok",
        "order code used": "code_used",
        "order code wrong": "code_wrong",
        "valid, pass new to the worker": "pass_ok",
    }
    postgres = platform.factory.kw["bind"].dialect.name == "postgresql"
    assert counts == (POSTGRES if postgres else SQLITE)


def second_worker(platform: Platform, clock: Clock) -> GatesService:
    """Another worker's gate service on the same database (its own caches)."""
    return GatesService(
        platform.factory,
        platform.settings.timezone,
        rate_limit_store=platform.settings.rate_limit_store,
        clock=clock,
        estates=EstateCache(),
    )


def test_revocation_through_one_worker_refuses_the_next_check_at_another(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int
) -> None:
    other = second_worker(platform, clock)
    certification = platform.gates.certifications(ADMIN, rider="rider")[0].id
    pass_id = platform.gates.current_code(rider, estate).pass_id
    secret = _secret(platform, pass_id)

    def at_other_worker() -> str:
        """A fresh code of the pass (as the rider's screen showed it) at the other worker."""
        clock.advance(seconds=30)
        shown = payload(pass_id, code_at_step(secret, step_of(clock.now.timestamp())))
        return other.check(keys.gate, CheckIn(gate="g1", payload=shown), "en").reason

    assert at_other_worker() == "pass_ok"  # the other worker now holds the secret
    platform.gates.revoke_certification(ADMIN, certification)
    assert at_other_worker() == "certification_revoked"
    platform.gates.certify(
        ADMIN, CertificationIn(rider="rider", valid_until=START + timedelta(days=30))
    )
    assert at_other_worker() == "pass_ok"
    platform.gates.revoke_pass(ADMIN, pass_id)
    assert at_other_worker() == "pass_revoked"


def _secret(platform: Platform, pass_id: int) -> str:
    with platform.factory() as session:
        held = session.get(GatePass, pass_id)
        assert held is not None
        return held.secret


def test_a_secret_held_by_a_worker_is_checked_against_the_stored_one(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int
) -> None:
    shown = platform.gates.current_code(rider, estate)
    assert platform.gates.check(keys.gate, CheckIn(gate="g1", payload=shown.payload), "en").allow
    # The stored secret changes under the worker's copy: codes of the old secret stop
    # opening at once and the new secret's codes open.
    old, new = _secret(platform, shown.pass_id), new_secret()
    with platform.factory() as session, session.begin():
        session.execute(update(GatePass).where(GatePass.id == shown.pass_id).values(secret=new))
    clock.advance(seconds=30)
    step = step_of(clock.now.timestamp())

    def check(secret: str) -> str:
        text = payload(shown.pass_id, code_at_step(secret, step))
        return platform.gates.check(keys.gate, CheckIn(gate="g2", payload=text), "en").reason

    if code_at_step(old, step) != code_at_step(new, step):  # 1 in 10^6 they agree
        assert check(old) in ("code_wrong", "code_expired")
    assert check(new) == "pass_ok"
    assert check(new) == "code_used"


def test_the_one_statement_logs_as_the_check_answers(
    platform: Platform, clock: Clock, keys: Keys, rider: Principal, estate: int
) -> None:
    """Every answer of a worker that holds the secret and the gates is logged with its
    rider, pass, gate, time and order reference, as the answer says; an estate edited
    meanwhile (a gate closed to riders) is seen at the next check."""
    shown = platform.gates.current_code(rider, estate)
    assert platform.gates.check(keys.gate, CheckIn(gate="g1", payload=shown.payload), "en").allow
    clock.advance(seconds=30)
    shown = platform.gates.current_code(rider, estate)
    wrong = payload(shown.pass_id, other_code(shown.code))
    sent = [
        CheckIn(gate="g2", payload=shown.payload, order_ref="MT-1"),
        CheckIn(gate="g1", payload=wrong),
        CheckIn(gate="g3", payload=shown.payload),
        CheckIn(gate="g1", payload=shown.payload),
    ]
    answers = [platform.gates.check(keys.gate, data, "en") for data in sent]
    assert [a.reason for a in answers] == [
        "pass_ok",
        "code_wrong",
        "gate_not_for_riders",
        "code_used",
    ]
    with platform.factory() as session, session.begin():
        stored = session.get(EstateRow, estate)
        assert stored is not None
        document = Estate.model_validate(stored.document)
        gates = tuple(g.model_copy(update={"riders_pass": g.ref != "g2"}) for g in document.gates)
        stored.document = document.model_copy(update={"gates": gates}).model_dump(mode="json")
        stored.version += 1
    clock.advance(seconds=30)
    shown = platform.gates.current_code(rider, estate)
    closed = platform.gates.check(keys.gate, CheckIn(gate="g2", payload=shown.payload), "en")
    assert closed.reason == "gate_not_for_riders"
    answers.append(closed)
    with platform.factory() as session:
        logged = {d.id: d for d in session.scalars(select(GateDecision))}
    for answer in answers:
        row = logged[answer.decision_id]
        assert (row.allowed, row.reason, as_utc(row.at)) == (answer.allow, answer.reason, answer.at)
    rows = [logged[a.decision_id] for a in answers]
    assert [r.gate_ref for r in rows] == ["g2", "g1", "g3", "g1", "g2"]
    assert [r.order_ref for r in rows] == ["MT-1", None, None, None, None]  # as sent
    pass_rows = [(r.rider_id, r.pass_id) for r in rows]
    mine = (rider.account_id, shown.pass_id)
    assert pass_rows == [mine, mine, (None, None), mine, (None, None)]
