"""The demo's algorithm audit: one synthetic day of a platform's decisions (1,000 orders,
40 riders) with two breaches of each clause planted, audited like an upload, so the
audit page shows a finished run with its verdicts. Marked synthetic in its file name."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from gigcity.db.models import AuditRun
from gigcity.rules import load_rulebook
from gigcity.services.accounts import Principal, Role
from gigcity.services.audit.generate import plant_breaches, synthetic_log
from gigcity.services.audit.logwriter import log_bytes
from gigcity.services.platform import Platform

FILENAME = "平台决策日志-合成数据.jsonl"
ORDERS, RIDERS, SEED = 1000, 40, 2025


def seed_demo_audit(platform: Platform) -> None:
    """Audit the synthetic day (yesterday) unless a run is there already (~0.2 s)."""
    with platform.factory() as session:
        if session.scalar(select(AuditRun.id).limit(1)) is not None:
            return
    rulebook = load_rulebook("putuo-2025")
    day = platform.rulebooks.clock.today() - timedelta(days=1)
    log = synthetic_log(orders=ORDERS, riders=RIDERS, rulebook=rulebook, day=day, seed=SEED)
    log, _ = plant_breaches(log, rulebook, seed=SEED, per_check=2)
    admin = Principal(role=Role.admin, label="demo")
    platform.audit.start_run(admin, FILENAME, log_bytes(log, "jsonl"), wait=True)
