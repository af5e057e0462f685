"""A volunteer's certificate of hours: a one-page A4 PDF, Chinese first, whose total counts
only hours a team leader confirmed, with a verification code and a QR code to check it."""

from __future__ import annotations

import io
import re
import zlib
from datetime import date

import pytest
import segno

from gigcity.services.organisation.certificate import (
    Activity,
    Certificate,
    certificate_pdf,
    certificate_svg,
    duration_text,
)

CODE = "K7Q2-M9XD"
URL = "https://gigcity.example/verify/K7Q2-M9XD"


def activity(day: int, kind: str = "patrol", minutes: int = 60, *, confirmed: bool = True,
             title: str = "") -> Activity:  # fmt: skip
    return Activity(date(2026, 3, day), kind, minutes, confirmed,  # type: ignore[arg-type]
                    "王建国" if confirmed else None, title)  # fmt: skip


def certificate(*activities: Activity) -> Certificate:
    return Certificate(
        volunteer="张伟",
        team="桃浦“车轮上的志愿队”",
        first=date(2026, 3, 1),
        last=date(2026, 3, 31),
        activities=activities,
        issued_on=date(2026, 4, 2),
        verification_code=CODE,
        verification_url=URL,
    )


MARCH = certificate(
    activity(2, "patrol", 150, title="桃浦智创城园区夜间巡逻"),
    activity(9, "traffic_guidance", 120, title="真如地铁站晚高峰交通疏导"),
    activity(21, "carrying", 600, confirmed=False, title="为独居老人搬运衣柜"),
)


# --- reading the PDF back: its text runs through the fonts' ToUnicode maps ------------------


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    found = re.finditer(
        rb"(\d+) 0 obj\s*(<<.*?>>)\s*(?:stream\r?\n(.*?)\r?\nendstream|endobj)", pdf, re.S
    )
    return {int(m.group(1)): (m.group(2), m.group(3) or b"") for m in found}


def _to_unicode(cmap: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(rb"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(int(dst, 16) + i)
    return out


def pdf_lines(pdf: bytes) -> list[str]:
    """The text shown by each Tj/TJ of the PDF (cairo's output: CID fonts, hex strings; a
    wide gap in a TJ array is a space)."""
    objects = _objects(pdf)
    fonts: dict[str, dict[int, str]] = {}
    for head, _ in objects.values():
        for name, number in re.findall(rb"/(f-\d+-\d+) (\d+) 0 R", head):
            ref = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(number)][0])
            if ref:
                fonts[name.decode()] = _to_unicode(zlib.decompress(objects[int(ref[1])][1]))
    lines: list[str] = []
    for _, raw in objects.values():
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            continue
        cmap: dict[int, str] = {}
        ops = rb"/(f-\d+-\d+) [\d.]+ Tf|(\[[^\]]*\]\s*TJ|<[0-9a-fA-F\s]*>\s*Tj)"
        for op in re.finditer(ops, content):
            if op[1]:
                cmap = fonts[op[1].decode()]
                continue
            text = ""
            for hexes, shift in re.findall(rb"<([0-9a-fA-F\s]*)>|(-?[\d.]+)", op[2]):
                if shift:
                    text += " " if float(shift) < -100 else ""
                    continue
                hexes = re.sub(rb"\s", b"", hexes)
                text += "".join(cmap.get(int(hexes[i : i + 4], 16), "?")
                                for i in range(0, len(hexes), 4))  # fmt: skip
            lines.append(text)
    return lines


# --- the tests -------------------------------------------------------------------------------


def test_the_pdf_is_one_a4_page_in_a_chinese_font_with_hours_and_code() -> None:
    pdf = certificate_pdf(MARCH, "zh_CN")
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    assert b"NotoSansCJK" in pdf  # embedded: no tofu on the reader's machine
    lines = pdf_lines(pdf)
    assert lines[0] == "志愿服务时长证明"
    assert "4 小时 30 分钟" in lines  # 150 + 120 confirmed minutes
    assert "已确认的活动：2 项" in lines
    assert f"核验码：{CODE}" in lines
    assert URL in lines
    assert any("兹证明 张伟 作为桃浦“车轮上的志愿队”队员" in line for line in lines)
    assert "只计入队长确认的时长，尚待确认的时长不计入。" in lines
    assert any(line.endswith("王建国") for line in lines)  # who confirmed


def test_unconfirmed_hours_are_not_counted_nor_listed() -> None:
    assert MARCH.confirmed_minutes == 270
    assert MARCH.confirmed_hours == pytest.approx(4.5)
    lines = pdf_lines(certificate_pdf(MARCH, "zh_CN"))
    assert "14 小时 30 分钟" not in lines  # what counting the pending 10 hours would say
    assert not any("为独居老人搬运衣柜" in line for line in lines)
    assert "未计入：1 项活动（10 小时）尚待确认。" in lines
    # Only confirmed activities: the total and the note go away together.
    pending_only = certificate(activity(5, minutes=90, confirmed=False))
    svg = certificate_svg(pending_only, "zh_CN")
    assert pending_only.confirmed_minutes == 0
    assert "0 分钟" in svg
    assert "此期间没有已确认的活动。" in svg


def test_the_qr_code_opens_the_verification_url() -> None:
    svg = certificate_svg(MARCH, "zh_CN")
    buffer = io.BytesIO()
    segno.make(URL, error="m", micro=False).save(buffer, kind="svg", border=4, xmldecl=False)
    path = re.search(r' d="([^"]+)"', buffer.getvalue().decode())
    assert path is not None
    assert path[1] in svg
    other = io.BytesIO()
    segno.make(CODE, error="m", micro=False).save(other, kind="svg", border=4, xmldecl=False)
    wrong = re.search(r' d="([^"]+)"', other.getvalue().decode())
    assert wrong is not None
    assert wrong[1] not in svg


def test_english_on_request() -> None:
    svg = certificate_svg(MARCH, "en")
    assert "Certificate of volunteer hours" in svg
    assert "4 h 30 min" in svg
    assert "from March 1, 2026 to March 31, 2026" in svg
    assert f"Verification code: {CODE}" in svg
    assert "小时" not in svg


def test_a_long_year_stays_on_one_page_and_still_adds_up() -> None:
    many = [activity(1 + i % 31, "visit" if i % 3 else "patrol", 45, title=f"第 {i} 次")
            for i in range(90)]  # fmt: skip
    cert = certificate(*many)
    svg = certificate_svg(cert, "zh_CN")
    assert cert.confirmed_minutes == 90 * 45
    assert "67 小时 30 分钟" in svg  # the total: every confirmed activity
    shown = len(re.findall(r">2026-03-\d\d<", svg))
    assert 10 < shown < 90
    earlier = 90 - shown
    assert f"另有 {earlier} 项更早的已确认活动（{duration_text(earlier * 45, 'zh_CN')}）" in svg
    assert ">30<" in svg
    assert ">60<" in svg


def test_durations_are_exact_hours_and_minutes() -> None:
    assert duration_text(450, "zh_CN") == "7 小时 30 分钟"
    assert duration_text(120, "zh_CN") == "2 小时"
    assert duration_text(45, "zh_CN") == "45 分钟"
    assert duration_text(61, "en") == "1 h 1 min"


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Activity(date(2026, 3, 2), "patrol", 60, True, None), "confirmed_by"),
        (lambda: Activity(date(2026, 3, 2), "patrol", 0, False), "minutes"),
        (lambda: Activity(date(2026, 3, 2), "dancing", 60, False), "kind"),  # type: ignore[arg-type]
        (lambda: certificate(Activity(date(2026, 4, 1), "visit", 60, True, "李红")), "activities"),
    ],
)
def test_a_wrong_record_is_refused_by_its_field(make: object, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        make()  # type: ignore[operator]
