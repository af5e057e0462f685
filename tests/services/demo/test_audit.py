"""The demo's audit: one finished run of a synthetic day with breaches planted, seeded once
however often the demo starts."""

from __future__ import annotations

from gigcity.services.demo.audit import FILENAME, seed_demo_audit
from gigcity.services.platform import Platform
from support import ADMIN


def test_the_demo_has_one_finished_audit_with_breaches(platform: Platform) -> None:
    seed_demo_audit(platform)
    seed_demo_audit(platform)
    runs = platform.audit.list_runs(ADMIN, "zh_CN")
    assert [(r.filename, r.status) for r in runs] == [(FILENAME, "done")]
    run = runs[0]
    assert "合成" in run.filename  # marked synthetic
    assert run.rulebook_id == "putuo-2025"
    # Every clause of the agreement has a planted breach the page shows.
    assert run.checks_failed == run.checks_applicable == 11
    assert run.orders == 1000
