"""Audit runs on the platform: an uploaded log is audited by the background job against the
rulebook in force, its report and findings kept pseudonymised; who may upload and read;
a broken file fails its run with the reason; progress; a rider's findings by their id."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from gigcity.db.models import AuditRun
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.audit import engine
from gigcity.services.audit.logwriter import log_bytes, log_frame
from gigcity.services.audit.pseudonym import pseudonym
from gigcity.services.audit.service import PSEUDONYM_LABEL
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.platform import Platform
from services.audit.platform_support import (
    CLEAN,
    FINED,
    finished,
    small_log,
    small_log_rows,
)
from services.pay_support import platform_key
from support import ADMIN

OFFICER = Principal(role=Role.officer, label="test-officer", subdistrict="wanli")
RIDER = Principal(role=Role.rider, account_id=None, label="test-rider")


def _prefix(platform: Platform, run_id: int) -> str:
    """Where a run's files are kept (beside the uploaded log)."""
    with platform.factory() as session:
        row = session.get(AuditRun, run_id)
        assert row is not None
        assert row.file_key is not None
        return row.file_key.rsplit("/", 1)[0]


def _kept_after_log(platform: Platform) -> dict[str, bytes | None]:
    """The files of the newest run."""
    with platform.factory() as session:
        run_id = session.scalars(select(AuditRun.id).order_by(AuditRun.id.desc())).first()
    assert run_id is not None
    kept = _kept(platform, run_id)
    kept.pop("log.jsonl")
    return kept


def _kept(platform: Platform, run_id: int) -> dict[str, bytes | None]:
    """The files a run may have in the file store, by name."""
    prefix = _prefix(platform, run_id)
    names = ("log.jsonl", "report.json", "findings.csv", "findings.parquet")
    return {name: platform.files.get(f"{prefix}/{name}") for name in names}


def test_an_uploaded_log_is_audited_in_the_background(platform: Platform) -> None:
    data = small_log()
    queued = platform.audit.start_run(ADMIN, "day.jsonl", data)
    assert queued.status in ("queued", "running", "done")
    run = finished(platform, ADMIN, queued)
    assert run.status == "done", run.error
    assert run.progress == 1.0
    assert (run.orders, run.riders, run.refused) == (2, 2, 0)
    assert (run.first_day, run.last_day) == (date(2025, 6, 2), date(2025, 6, 2))
    assert (run.rulebook_id, run.rulebook_version) == ("putuo-2025", 1)
    verdicts = {c.check: c for c in run.checks}
    assert verdicts["lateness_deductions"].passed is False
    assert verdicts["lateness_deductions"].breaches == 1
    assert run.checks_failed >= 1
    assert run.findings >= 1
    assert run.files is not None
    assert run.files.report_pdf.endswith("/report.pdf")

    report = platform.audit.report(ADMIN, run.id)
    assert report.log.sha256 == run.sha256
    assert report.pseudonymised is True
    # Nothing kept names a rider by the platform's id: the log is gone once read, the report
    # and findings carry pseudonyms, and so does the database.
    kept = _kept(platform, run.id)
    assert kept["log.jsonl"] is None
    assert kept["report.json"] is not None
    assert kept["findings.csv"] is not None
    for content in (kept["report.json"], kept["findings.csv"], kept["findings.parquet"]):
        assert content is not None
        assert FINED.encode() not in content
        assert CLEAN.encode() not in content
    with platform.factory() as session:
        stored = session.scalars(select(AuditRun)).one()
        columns = {c.key: getattr(stored, c.key) for c in AuditRun.__table__.columns}
    assert FINED not in json.dumps(columns, default=str)


def test_a_rider_is_found_by_the_platform_id_under_one_pseudonym(platform: Platform) -> None:
    first = finished(platform, ADMIN, platform.audit.start_run(ADMIN, "a.csv", small_log("csv")))
    second = finished(platform, ADMIN, platform.audit.start_run(ADMIN, "b.jsonl", small_log()))
    assert first.status == second.status == "done", (first.error, second.error)

    fined = platform.audit.rider_findings(OFFICER, first.id, FINED, "en")
    assert fined.rider.startswith("R-")
    assert FINED not in fined.rider
    lateness = [f for f in fined.findings if f.check == "lateness_deductions"]
    assert len(lateness) == 1
    assert lateness[0].orders == ["o-1"]
    assert lateness[0].rider == fined.rider
    assert lateness[0].evidence  # told in words
    # The same rider has the same pseudonym in another report; another rider another one.
    assert platform.audit.rider_findings(ADMIN, second.id, FINED, "en").rider == fined.rider
    clean = platform.audit.rider_findings(ADMIN, first.id, CLEAN, "en")
    assert clean.rider != fined.rider
    assert not [f for f in clean.findings if f.check == "lateness_deductions"]
    worst = platform.audit.report(ADMIN, first.id)
    riders = {f.rider for c in worst.checks for f in c.worst}
    assert fined.rider in riders


def test_the_pseudonym_key_comes_from_the_secret_key(platform: Platform) -> None:
    from gigcity.services.audit.service import AuditService

    def service(secret: str) -> AuditService:
        return AuditService(
            platform.factory,
            platform.files,
            None,
            platform.rulebooks,
            platform.rulebooks.clock,
            signing_secret=secret,
        )

    import hashlib
    import hmac

    key = hmac.new(b"s3cret-of-the-platform", PSEUDONYM_LABEL, hashlib.sha256).digest()
    assert service("s3cret-of-the-platform").pseudonym_of(FINED) == pseudonym(key, FINED)
    assert service("another").pseudonym_of(FINED) != pseudonym(key, FINED)
    # Without a secret (dev, demo): one key per database, the same for every service.
    assert service("").pseudonym_of(FINED) == platform.audit.pseudonym_of(FINED)


def test_who_may_upload_and_read(platform: Platform) -> None:
    _, audit_key = platform_key(platform, "eleme-audit", [Scope.audit])
    _, other_key = platform_key(platform, "meituan-audit", [Scope.audit])
    _, feed_key = platform_key(platform, "eleme-feed", [Scope.deliveries])
    for refused in (OFFICER, RIDER, feed_key):
        with pytest.raises(Forbidden):
            platform.audit.start_run(refused, "day.jsonl", small_log(), wait=True)

    pushed = platform.audit.start_run(audit_key, "pushed.jsonl", small_log(), wait=True)
    uploaded = platform.audit.start_run(ADMIN, "uploaded.jsonl", small_log(), wait=True)
    assert pushed.status == uploaded.status == "done", (pushed.error, uploaded.error)
    assert pushed.by_platform
    assert not uploaded.by_platform

    # A platform reads the runs it pushed, and no other's.
    assert [r.id for r in platform.audit.list_runs(audit_key, "en")] == [pushed.id]
    assert platform.audit.report(audit_key, pushed.id).log.filename == "pushed.jsonl"
    for hidden in (uploaded.id,):
        with pytest.raises(NotFound):
            platform.audit.get_run(audit_key, hidden, "en")
        with pytest.raises(NotFound):
            platform.audit.report(audit_key, hidden)
    assert platform.audit.list_runs(other_key, "en") == []
    with pytest.raises(NotFound):
        platform.audit.rider_findings(other_key, pushed.id, FINED, "en")
    # Staff read them all: admins and grid officers (read-only).
    assert {r.id for r in platform.audit.list_runs(ADMIN, "en")} == {pushed.id, uploaded.id}
    assert {r.id for r in platform.audit.list_runs(OFFICER, "en")} == {pushed.id, uploaded.id}
    assert platform.audit.report(OFFICER, pushed.id).pseudonymised
    for nobody in (RIDER, feed_key):
        with pytest.raises(Forbidden):
            platform.audit.list_runs(nobody, "en")
        with pytest.raises(Forbidden):
            platform.audit.report(nobody, pushed.id)

    # Only admins delete; the run's files go with it.
    for refused in (OFFICER, audit_key):
        with pytest.raises(Forbidden):
            platform.audit.delete_run(refused, pushed.id)
    pushed_prefix = _prefix(platform, pushed.id)
    assert platform.files.get(pushed_prefix + "/report.json") is not None
    platform.audit.delete_run(ADMIN, pushed.id)
    with pytest.raises(NotFound):
        platform.audit.get_run(ADMIN, pushed.id, "en")
    with platform.factory() as session:
        assert session.get(AuditRun, pushed.id) is None
    assert platform.files.get(pushed_prefix + "/report.json") is None


@pytest.mark.one_database
@pytest.mark.parametrize(
    ("filename", "data", "options", "field"),
    [
        ("day.jsonl", b"", {}, "file"),
        ("day.xlsx", b"x", {}, "file"),
        ("", b"x", {}, "file"),
        ("day.jsonl", b"x", {"rules": "no-such-rulebook"}, "rules"),
        ("day.jsonl", b"x", {"rules": "putuo-2025@99"}, "rules"),
        ("day.jsonl", b"x", {"rules": "putuo-2025@two"}, "rules"),
        ("day.jsonl", b"x", {"eta_tolerance_s": -1.0}, "eta_tolerance_s"),
        ("day.jsonl", b"x", {"eta_tolerance_s": 7200.0}, "eta_tolerance_s"),
    ],
)
def test_bad_uploads_are_refused_naming_the_field(
    platform: Platform, filename: str, data: bytes, options: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        platform.audit.start_run(ADMIN, filename, data, **options)
    assert caught.value.field == field
    assert platform.audit.list_runs(ADMIN, "en") == []  # nothing kept


def test_a_file_that_is_no_decision_log_fails_its_run_with_the_reason(platform: Platform) -> None:
    run = platform.audit.start_run(ADMIN, "notes.jsonl", b"this is not a log\n", wait=True)
    assert run.status == "failed"
    assert run.error is not None
    assert "decision log" in run.error
    zh = platform.audit.get_run(ADMIN, run.id, "zh_CN").error
    assert zh is not None
    assert "决策日志" in zh
    assert all(content is None for content in _kept(platform, run.id).values())
    with pytest.raises(Conflict):
        platform.audit.report(ADMIN, run.id)
    with pytest.raises(Conflict):
        platform.audit.findings_csv(ADMIN, run.id)


def test_the_rulebook_is_the_one_in_force_on_the_first_day_or_the_one_asked(
    platform: Platform,
) -> None:
    # The day before the agreement was signed: the shipped baseline was in force.
    rows = [
        {**row, **{k: v.replace(year=2024) for k, v in row.items() if k.endswith("_at")}}
        for row in small_log_rows()
    ]
    old = platform.audit.start_run(
        ADMIN, "2024.jsonl", log_bytes(log_frame(rows), "jsonl"), wait=True
    )
    assert (old.status, old.rulebook_id) == ("done", "baseline-2024"), old.error
    # Under the baseline, fines for lateness were allowed.
    assert {c.check: c for c in old.checks}["lateness_deductions"].passed is not False
    asked = platform.audit.start_run(
        ADMIN, "asked.jsonl", small_log(), rules="baseline-2024", wait=True
    )
    assert (asked.status, asked.rules_asked, asked.rulebook_id) == (
        "done",
        "baseline-2024",
        "baseline-2024",
    )


def test_progress_is_written_as_the_audit_goes(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[float] = []
    real = engine.audit

    def audit(*args: Any, progress: Any = None, **kwargs: Any) -> engine.AuditResult:
        for step in range(101):
            progress(step / 100)
            with platform.factory() as session:
                seen.append(session.scalars(select(AuditRun.progress)).one())
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "audit", audit)
    run = platform.audit.start_run(ADMIN, "day.jsonl", small_log(), wait=True)
    assert run.status == "done", run.error
    written = sorted(set(seen))
    assert written[0] > 0
    assert written[-1] > 0.9
    # At most one write every 5 %: about 20 writes for 101 calls, each a step up.
    assert 10 <= len(written) <= 21
    assert all(b - a >= 0.04 for a, b in itertools.pairwise(written))
    assert seen == sorted(seen)


def test_a_crash_mid_way_leaves_the_run_failed_and_nothing_half_written(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gigcity.services.audit import render

    kept_before: list[bool] = []

    def broken(findings: Any) -> bytes:
        # The report is kept by now: the failure must take it away again.
        kept_before.append(any(_kept_after_log(platform).values()))
        raise RuntimeError("disk full")

    monkeypatch.setattr(render, "findings_csv", broken)
    run = platform.audit.start_run(ADMIN, "day.jsonl", small_log(), wait=True)
    assert run.status == "failed"
    assert run.error is not None
    assert "unexpected" in run.error
    assert "disk full" not in run.error
    kept = _kept(platform, run.id)
    assert all(content is None for content in kept.values()), {k for k, v in kept.items() if v}
    assert (run.findings, run.checks, run.files) == (0, [], None)
    assert kept_before == [True]


def test_two_runs_compare(platform: Platform) -> None:
    before = platform.audit.start_run(ADMIN, "may.jsonl", small_log(), wait=True)
    rows = [row for row in small_log_rows() if row.get("line") != "deduction"]
    after = platform.audit.start_run(
        ADMIN, "june.jsonl", log_bytes(log_frame(rows), "jsonl"), wait=True
    )
    assert before.status == after.status == "done", (before.error, after.error)
    comparison = platform.audit.compare(OFFICER, before.id, after.id)
    changes = {c.check: c for c in comparison.changes}
    assert changes["lateness_deductions"].change == "better"
    with pytest.raises(NotFound):
        platform.audit.compare(ADMIN, before.id, 987654)


def test_a_run_not_done_has_no_report_yet(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        row = AuditRun(
            filename="waiting.jsonl", sha256="0" * 64, status="queued", eta_tolerance_s=120.0
        )
        session.add(row)
        session.flush()
        run_id = row.id
    run = platform.audit.get_run(OFFICER, run_id, "en")
    assert (run.status, run.progress, run.files) == ("queued", 0.0, None)
    for read in (
        lambda: platform.audit.report(ADMIN, run_id),
        lambda: platform.audit.findings_csv(ADMIN, run_id),
        lambda: platform.audit.rider_findings(ADMIN, run_id, FINED, "en"),
    ):
        with pytest.raises(Conflict) as caught:
            read()
        assert "not finished" in str(caught.value)


@pytest.mark.one_database
def test_a_log_spanning_a_change_of_rules_is_refused_naming_the_day(platform: Platform) -> None:
    # The days before and after putuo-2025 was signed (2025-04-25) in one file.
    def moved(row: dict[str, Any], day: int) -> dict[str, Any]:
        return {
            **row,
            **{k: v.replace(month=4, day=day) for k, v in row.items() if k.endswith("_at")},
        }

    rows = [moved(row, 24) for row in small_log_rows()] + [
        moved({**row, **{k: f"{v}-b" for k, v in row.items() if k in ("order", "trip")}}, 25)
        for row in small_log_rows()
    ]
    run = platform.audit.start_run(
        ADMIN, "april.jsonl", log_bytes(log_frame(rows), "jsonl"), wait=True
    )
    assert run.status == "failed"
    assert run.error is not None
    assert "2025-04-25" in run.error
    # With the rulebook chosen, the same file is audited against it.
    chosen = platform.audit.start_run(
        ADMIN, "april.jsonl", log_bytes(log_frame(rows), "jsonl"), rules="putuo-2025", wait=True
    )
    assert (chosen.status, chosen.rulebook_id) == ("done", "putuo-2025")


@pytest.mark.one_database
def test_with_the_district_streets_loaded_the_eta_check_rides_orders_with_points(
    platform: Platform,
) -> None:
    from gigcity.geo.streets.storage import sample_graph

    graph = sample_graph()
    far = int(abs(graph.node_lon - graph.node_lon[0]).argmax())
    points = {
        "pickup_lon": float(graph.node_lon[0]),
        "pickup_lat": float(graph.node_lat[0]),
        "dropoff_lon": float(graph.node_lon[far]),
        "dropoff_lat": float(graph.node_lat[far]),
        "eta_travel_s": 60.0,  # the platform says a minute across central Shanghai
    }
    rows = [
        # Promised in 6 minutes: the minute the platform counts plus the 5-minute buffer.
        {**row, **points, "promised_at": row["placed_at"] + timedelta(minutes=6)}
        if row["kind"] == "order"
        else row
        for row in small_log_rows()
    ]
    run = platform.audit.start_run(
        ADMIN, "points.jsonl", log_bytes(log_frame(rows), "jsonl"), wait=True
    )
    assert run.status == "done", run.error
    eta = {c.check: c for c in platform.audit.report(ADMIN, run.id).checks}["eta_honesty"]
    assert eta.requirement["streets_checked"] == 2
    assert eta.breaches == 2
    assert {f.values["estimate"] for f in eta.worst} == {"streets"}


def test_a_run_lost_with_its_server_is_shown_failed_not_running_forever(
    platform: Platform,
) -> None:
    run = platform.audit.start_run(ADMIN, "day.jsonl", small_log(), wait=True)
    now = platform.audit.clock.now()
    for beat, expected in (
        (now - timedelta(minutes=5), "running"),
        (now - timedelta(hours=1), None),
    ):
        with transaction(platform.factory) as session:
            row = session.get(AuditRun, run.id)
            assert row is not None
            row.status, row.heartbeat_at = "running", beat
        seen = platform.audit.get_run(ADMIN, run.id, "zh_CN")
        durable = platform.audit.jobs is not None and platform.audit.jobs.durable
        if expected is None:
            # Embedded mode: lost with the server; a durable queue runs it again instead.
            expected = "running" if durable else "failed"
        assert seen.status == expected
    if not durable:
        assert seen.error is not None
        assert "重新上传" in seen.error
