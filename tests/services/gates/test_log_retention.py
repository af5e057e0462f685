"""The gate log's retention on SQLite and PostgreSQL: the daily retention job rolls
decisions older than 30 days into per-day counts and deletes them (the counts the log
readers see stay the same), and deletes one-time order codes that ended long ago."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from estate_support import add_estate
from gigcity.db.models import GateDecision, GateDecisionCount, GateOrderCode
from gigcity.services.gates import CertificationIn, CheckIn, OrderCodeIn
from gigcity.services.platform import RETENTION_JOB, Platform
from services.gates.gates_support import START, Clock, estate_document, make_keys
from support import ADMIN, World, principal


@pytest.mark.parametrize("batch", [2, 5000])
def test_old_decisions_become_daily_counts(
    platform: Platform, world: World, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr("gigcity.services.gates.log.ROLLUP_BATCH", batch)
    clock = Clock()
    platform.gates.clock = clock
    estate = add_estate(platform, estate_document())
    keys = make_keys(platform, estate)
    platform.gates.certify(
        ADMIN, CertificationIn(rider="rider", valid_until=START + timedelta(days=300))
    )
    rider = principal(platform, "rider")
    for day in range(3):  # a pass that opens and a wrong gate, each of three days
        shown = platform.gates.current_code(rider, estate)
        platform.gates.check(keys.gate, CheckIn(gate="g1", payload=shown.payload), "en")
        platform.gates.check(keys.gate, CheckIn(gate="g9", payload=shown.payload), "en")
        platform.gates.issue_order_code(
            keys.platform, OrderCodeIn(rider="rider", estate_id=estate, order_ref=f"o{day}")
        )
        clock.advance(days=1)
    first, last = date(2026, 12, 1), date(2026, 12, 31)
    before = platform.gates.counts(ADMIN, estate_id=estate, first=first, last=last)
    assert sum(c.count for c in before) == 6

    clock.advance(days=29)  # the first two days are now older than 30 days
    platform.run_job(RETENTION_JOB.name, {})
    with platform.factory() as session:
        left = session.scalar(select(func.count()).select_from(GateDecision))
        rolled = session.scalar(select(func.sum(GateDecisionCount.count)))
        codes = session.scalar(select(func.count()).select_from(GateOrderCode))
    assert (left, rolled, codes) == (2, 4, 1)
    after = platform.gates.counts(ADMIN, estate_id=estate, first=first, last=last)
    assert after == before
    assert {(c.day, c.gate, c.allow, c.reason) for c in after} == {
        (date(2026, 12, 3 + d), gate, gate == "g1", "pass_ok" if gate == "g1" else "unknown_gate")
        for d in range(3)
        for gate in ("g1", "g9")
    }
    platform.run_job(RETENTION_JOB.name, {})  # again: nothing more to roll up
    assert platform.gates.counts(ADMIN, estate_id=estate, first=first, last=last) == before
