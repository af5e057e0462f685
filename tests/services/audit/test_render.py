"""The audit as people read it: the HTML page (Chinese first), the PDF for the meeting,
findings.csv for a spreadsheet, and the files of a run."""

from __future__ import annotations

import csv
import io
import json
import re
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from gigcity.services.audit import render
from gigcity.services.audit.engine import AuditResult
from gigcity.services.audit.report_model import (
    AuditComparison,
    AuditReport,
    CheckChange,
    Finding,
)
from services.audit.audit_render_support import DAY1, PSEUDONYM, sample_report


def _comparison(report: AuditReport) -> AuditComparison:
    return AuditComparison(
        before=report.log.model_copy(update={"filename": "platform-april.jsonl"}),
        after=report.log,
        before_rulebook=report.rulebook,
        after_rulebook=report.rulebook,
        changes=(
            CheckChange(check="rest", clause="fatigue.continuous_work_limit_min",
                        before_rate=100.0, after_rate=98.75, before_breaches=0,
                        after_breaches=1, before_passed=True, after_passed=False,
                        change="worse"),
            CheckChange(check="bulky_pay", clause="pricing.bulky_fen", before_rate=90.0,
                        after_rate=100.0, before_breaches=3, after_breaches=0,
                        before_passed=False, after_passed=True, change="better"),
        ),
    )  # fmt: skip


def _row(page: str, title: str) -> str:
    """The summary table's row of the check titled `title`."""
    start = page.index(f"<strong>{title}</strong>")
    return page[page.rindex("<tr", 0, start) : page.index("</tr>", start)]


def test_the_chinese_page_tells_each_check_its_clause_and_result() -> None:
    page = render.report_html(sample_report(), "zh_CN")
    assert '<html lang="zh-CN">' in page
    assert "按《普陀 2025》（putuo-2025，第 1 版）检查决策日志 platform-may.jsonl.gz" in page
    assert "ab" * 32 in page  # the file's SHA-256, whole
    assert "未通过：适用的 3 项检查中有 2 项未通过。" in page
    rest = _row(page, "连续配送后须休息")
    assert "不通过" in rest
    assert "fatigue.continuous_work_limit_min" in rest
    assert "80 人天" in rest
    assert "98.8%" in rest
    assert "连续配送 240 分钟后，至少休息 20 分钟。" in rest  # what the rule requires
    bulky = _row(page, "大件订单足额支付大件补贴")
    assert "通过" in bulky
    assert "不通过" not in bulky
    weight = _row(page, "超重订单足额支付重量补贴")
    assert "不适用：规则手册对此没有要求" in weight
    assert "不通过" not in weight


def test_the_worst_cases_give_the_evidence_in_numbers_and_local_time() -> None:
    page = render.report_html(sample_report(), "zh_CN")
    worst = page[page.index("最严重的情况") :]
    assert "连续配送 275 分钟未休息（上限 240 分钟）；应在 14:00 休息，此后仍派出 3 单。" in worst
    assert "因超时被扣 500 分（超时 7 分钟）；规则只允许扣 0 分。" in worst
    assert "2026-05-12 10:00–14:35" in worst  # 02:00–06:35 UTC in Shanghai
    assert PSEUDONYM in worst
    assert "o-101, o-102, o-103" in worst
    assert "订单计酬" in page
    assert "pricing.base_fen" in page
    assert "not a time: &#x27;yesterday&#x27;" in page
    assert "无法读取、未纳入审计的行：2 行" in page


def test_the_english_page_and_the_staff_warning() -> None:
    page = render.report_html(sample_report(pseudonymised=False), "en")
    assert '<html lang="en">' in page
    assert "Failed: 2 of 3 applicable checks." in page
    assert "× Fail" in _row(page, "Rest after continuous delivery")
    assert "275 min of continuous delivery without the rest (limit 240 min)" in page
    assert "Staff only: riders are named by the platform&#x27;s ids." in page
    assert "rider-0042" in page


def test_the_page_stands_alone_and_fits_a_phone() -> None:
    page = render.report_html(sample_report(), "zh_CN")
    assert "<script" not in page
    assert "<link" not in page
    assert not re.search(r'\s(src|href)="(https?:)?//', page)  # nothing fetched
    assert 'name="viewport"' in page
    assert "@media (max-width: 40rem)" in page
    assert "@media print" in page
    # one trend chart per applicable check over the two days, and the bar chart
    assert page.count('id="trend-') >= 3
    assert "各项检查每天的达标率" in page
    assert "各项检查的违规数" in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "two charts share an element id"


def test_one_day_has_no_trend() -> None:
    report = sample_report()
    one_day = report.model_copy(update={"log": report.log.model_copy(update={"days": (DAY1,)})})
    page = render.report_html(one_day, "zh_CN")
    assert "各项检查每天的达标率" not in page
    assert "各项检查的违规数" in page


def test_evidence_a_newer_engine_words_differently_still_shows_its_numbers() -> None:
    odd = Finding(check="rest", clause="fatigue.continuous_work_limit_min", day=DAY1,
                  severity=1.0, values={"stretch_min": 301})  # fmt: skip
    assert render.evidence(odd, "zh_CN") == '{"stretch_min": 301}'


def test_evidence_numbers_are_written_as_people_write_them() -> None:
    fine = Finding(check="lateness_deductions", clause="service_score.lateness_deducts_money",
                   day=DAY1, severity=200.0,
                   values={"deducted_fen": 200, "late_min": 13.0, "allowed_fen": 0})  # fmt: skip
    assert (
        render.evidence(fine, "zh_CN") == "因超时被扣 200 分（超时 13 分钟）；规则只允许扣 0 分。"
    )
    rest = Finding(check="rest", clause="fatigue.continuous_work_limit_min", day=DAY1,
                   severity=1.0, values={"continuous_min": 241.26, "limit_min": 240,
                                         "due": "14:00", "orders_after": 0})  # fmt: skip
    assert render.evidence(rest, "en").startswith("241.3 min of continuous delivery")


def test_what_changed_in_the_report_and_on_its_own_page() -> None:
    report = sample_report()
    comparison = _comparison(report)
    page = render.report_html(report, "zh_CN", comparison=comparison)
    changed = page[page.index("变化情况") :]
    assert "之前：platform-april.jsonl" in changed
    assert "变差" in changed
    assert "改善" in changed
    assert "100.0%" in changed
    assert "98.8%" in changed
    alone = render.comparison_html(comparison, "en")
    assert "<h1>Audit comparison</h1>" in alone
    assert "▼ worse" in alone
    assert "▲ better" in alone
    assert "Before: platform-april.jsonl, 2026-05-12 to 2026-05-13 (2 days)" in alone


def _pdf_streams(pdf: bytes) -> bytes:
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(out)


def test_the_pdf_has_its_pages_and_chinese_in_a_chinese_font() -> None:
    pages = render.report_pages(sample_report(), "zh_CN")
    pdf = render.pages_pdf(pages)  # what report_pdf prints
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == len(pages) == 2
    assert "第 2 页，共 2 页" in pages[1]
    assert any("× 不通过" in page for page in pages)
    assert b"NotoSansCJK" in pdf  # the font is embedded: no tofu on another machine
    # The text is text: the embedded font maps its glyphs back to 不, 通 and 过.
    cmaps = _pdf_streams(pdf).lower()
    for char in "不通过":
        assert f"<{ord(char):04x}>".encode() in cmaps


def _findings() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "check": ["rest", "on_route"],
            "clause": ["fatigue.continuous_work_limit_min", "combining.target_on_route_pct"],
            "day": [date(2026, 5, 12), date(2026, 5, 12)],
            "rider": ["R-3fa9c01b7e", None],
            "orders": [["o-1", "o-2"], []],
            "start": [datetime(2026, 5, 12, 2, 0, tzinfo=UTC), None],
            "end": [datetime(2026, 5, 12, 6, 35, tzinfo=UTC), None],
            "severity": [35.0, 2.5],
            "values": ['{"continuous_min": 275, "due": "14:00"}', '{"on_route_pct": 87.5}'],
        },
        schema_overrides={
            "orders": pl.List(pl.String),
            "start": pl.Datetime("us", "UTC"),
            "end": pl.Datetime("us", "UTC"),
        },
    )


def test_findings_csv_opens_in_excel_and_reads_back() -> None:
    data = render.findings_csv(_findings())
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(render.CSV_COLUMNS)
    assert rows[0]["orders"] == "o-1 o-2"
    assert rows[0]["start"] == "2026-05-12T10:00:00+08:00"
    assert rows[0]["end"] == "2026-05-12T14:35:00+08:00"
    assert float(rows[0]["severity"]) == 35.0
    assert json.loads(rows[0]["values"]) == {"continuous_min": 275, "due": "14:00"}
    assert rows[1]["rider"] == ""
    assert rows[1]["orders"] == ""
    assert rows[1]["start"] == ""
    empty = render.findings_csv(_findings().clear())
    assert empty.decode("utf-8-sig").strip() == ",".join(render.CSV_COLUMNS)


@pytest.mark.parametrize("compared", [False, True])
def test_write_outputs_writes_every_file(tmp_path: Path, compared: bool) -> None:
    report = sample_report()
    comparison = _comparison(report) if compared else None
    result = AuditResult(report=report, findings=_findings())
    paths = render.write_outputs(result, tmp_path / "out", "en", comparison=comparison)
    names = {p.name for p in paths.values()}
    expected = {"report.json", "report.html", "report.pdf", "findings.csv"}
    assert names == (expected | {"comparison.json"} if compared else expected)
    assert AuditReport.model_validate_json(paths["json"].read_text()) == report
    assert paths["pdf"].read_bytes().startswith(b"%PDF")
    assert ("What changed" in paths["html"].read_text()) is compared
    if compared:
        again = AuditComparison.model_validate_json(paths["comparison"].read_text())
        assert again == comparison
