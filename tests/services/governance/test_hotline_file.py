"""Reading 12345 hotline exports: encodings, workbooks, headers, times, refusals, whole-file
problems, and the duplicate key across imports."""

from __future__ import annotations

import io
import string
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from gigcity.i18n import gettext
from gigcity.services.errors import InvalidInput
from gigcity.services.governance.hotline_file import (
    HotlineRow,
    Refusal,
    fingerprint,
    read_hotline_file,
    read_time,
)
from services.governance.hotline_support import (
    HEADER,
    NOW,
    TITLE,
    csv_bytes,
    local,
    xlsx_bytes,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECORDS = [
    ("GD20250301001", "2025-03-01 14:05", "长寿路100号", "噪音扰民", "夜间施工噪音很大"),
    ("GD20250301002", "2025-03-01 15:30", "武宁路200弄3号", "交通秩序", "外卖电动车占用人行道"),
]


def read(
    data: bytes, filename: str = "hotline.csv", **kwargs: object
) -> list[HotlineRow | Refusal]:
    return list(read_hotline_file(data, filename, now=NOW, **kwargs))  # type: ignore[arg-type]


def rows_of(results: list[HotlineRow | Refusal]) -> list[HotlineRow]:
    assert all(isinstance(r, HotlineRow) for r in results), results
    return [r for r in results if isinstance(r, HotlineRow)]


def only_refusal(results: list[HotlineRow | Refusal]) -> Refusal:
    assert len(results) == 1, results
    (refusal,) = results
    assert isinstance(refusal, Refusal), refusal
    return refusal


def expected_rows(first_line: int) -> list[HotlineRow]:
    return [
        HotlineRow(first_line + i, rid, local(when), address, category, content)
        for i, (rid, when, address, category, content) in enumerate(RECORDS)
    ]


# --- CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_the_encodings_chinese_exports_come_in(encoding: str) -> None:
    # The record-number column comes first, so a BOM left in place would hide it.
    assert read(csv_bytes(RECORDS, encoding=encoding)) == expected_rows(2)


def test_gb18030_with_its_own_byte_order_mark() -> None:
    data = "\ufeff".encode("gb18030") + csv_bytes(RECORDS, encoding="gb18030")
    assert read(data) == expected_rows(2)


def test_csv_with_a_title_line_above_the_header_counts_it_in_line_numbers() -> None:
    assert read(csv_bytes(RECORDS, title=TITLE, encoding="gb18030")) == expected_rows(3)


def test_tab_separated_text_is_read_too() -> None:
    data = csv_bytes(RECORDS, delimiter="\t", encoding="gb18030")
    assert read(data, "hotline.txt") == expected_rows(2)


def test_english_headers_in_any_case_and_spacing_without_optional_columns() -> None:
    data = csv_bytes(
        [("2025-03-01 14:05", "Changshou Rd 100", "Loud building work at night")],
        header=(" Received At ", "ADDRESS", "Content"),
    )
    assert read(data) == [
        HotlineRow(
            2,
            None,
            local("2025-03-01 14:05"),
            "Changshou Rd 100",
            "",
            "Loud building work at night",
        )
    ]


def test_the_better_named_column_wins_when_two_headers_match() -> None:
    data = csv_bytes(
        [("1", "2025-01-01 00:00", "2025-03-01 14:05", "长寿路", "噪音")],
        header=("编号", "时间", "受理时间", "地址", "内容"),
    )
    (row,) = rows_of(read(data))
    assert row.received_at == local("2025-03-01 14:05")
    assert row.record_id == "1"


def test_texts_are_stripped_and_inner_whitespace_collapsed() -> None:
    data = csv_bytes(
        [(" A 1 ", "2025-03-01 14:05", " 长寿路\u3000 100号\n", "  噪音 ", "夜间\t\t施工\r\n噪音")]
    )
    (row,) = rows_of(read(data))
    assert (row.record_id, row.address, row.category, row.content) == (
        "A 1",
        "长寿路 100号",
        "噪音",
        "夜间 施工 噪音",
    )


def test_empty_rows_are_skipped_and_later_line_numbers_stay_right() -> None:
    rows = [RECORDS[0], ("", "", "", "", ""), (), ("  ", "", "\u3000", "", ""), RECORDS[1]]
    results = read(csv_bytes(rows))
    assert [r.line for r in rows_of(results)] == [2, 6]


def test_a_quoted_newline_keeps_one_spreadsheet_row() -> None:
    rows = [("A", "2025-03-01 14:05", "长寿路", "", "第一行\n第二行"), RECORDS[1]]
    results = rows_of(read(csv_bytes(rows)))
    assert [(r.line, r.content) for r in results] == [(2, "第一行 第二行"), (3, RECORDS[1][4])]


# --- XLSX ------------------------------------------------------------------------------


def test_xlsx_with_date_cells_and_a_title_row() -> None:
    rows = [
        (rid, datetime.strptime(when, "%Y-%m-%d %H:%M"), address, category, content)
        for rid, when, address, category, content in RECORDS
    ]
    assert read(xlsx_bytes(rows, title=TITLE), "工单.xlsx") == expected_rows(3)


def test_xlsx_with_times_as_text() -> None:
    assert read(xlsx_bytes(RECORDS), "工单.xlsx") == expected_rows(2)


def test_xlsx_numbers_dates_and_serials() -> None:
    rows = [
        (20250301001, date(2025, 3, 1), "长寿路", "噪音", "施工"),
        (7, 45717.5, "武宁路", 12, "serial 45717.5 is 2025-03-01 12:00"),
    ]
    assert rows_of(read(xlsx_bytes(rows), "工单.xlsx")) == [
        HotlineRow(2, "20250301001", local("2025-03-01 00:00"), "长寿路", "噪音", "施工"),
        HotlineRow(
            3, "7", local("2025-03-01 12:00"), "武宁路", "12", "serial 45717.5 is 2025-03-01 12:00"
        ),
    ]


def test_xlsx_empty_rows_are_skipped() -> None:
    rows = [RECORDS[0], (None, None, None, None, None), (), RECORDS[1]]
    assert [r.line for r in rows_of(read(xlsx_bytes(rows, title=TITLE), "a.xlsx"))] == [3, 6]


def test_xlsx_line_numbers_count_blank_rows_above_the_header() -> None:
    data = xlsx_bytes([(), (), *RECORDS])  # header on row 1, blank rows 2-3
    assert read(data, "a.xlsx") == expected_rows(4)
    blank_top = xlsx_bytes(RECORDS, header=(), title=None)
    assert "missing" in file_error(blank_top, "a.xlsx").params


def test_a_sheet_starting_below_row_one_keeps_its_row_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["B3"] = TITLE
    for column, name in enumerate(("受理时间", "事发地址", "诉求内容"), start=2):
        sheet.cell(row=5, column=column, value=name)
        sheet.cell(row=6, column=column, value=("2025-03-01 14:05", "长寿路", "噪音")[column - 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read(buffer.getvalue(), "a.xlsx") == [
        HotlineRow(6, None, local("2025-03-01 14:05"), "长寿路", "", "噪音")
    ]


def test_the_first_visible_sheet_is_read() -> None:
    workbook = Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.append(["说明"])
    hidden.sheet_state = "hidden"
    shown = workbook.create_sheet("工单")
    shown.append(list(HEADER))
    for record in RECORDS:
        shown.append(list(record))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read(buffer.getvalue(), "a.xlsx") == expected_rows(2)


def test_a_workbook_saved_as_csv_is_read_as_the_workbook_it_is() -> None:
    assert read(xlsx_bytes(RECORDS), "export.csv") == expected_rows(2)


# --- times -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-01 14:05",
        "2025/3/1 14:05",
        "2025年3月1日 14:05",
        "2025年3月1日14时05分",
        "2025-03-01T14:05:00+08:00",
        "2025-03-01T06:05:00Z",
        "2025-03-01 07:05+0100",
        "２０２５－０３－０１　１４：０５",
    ],
)
def test_time_formats(text: str) -> None:
    assert read_time(text, SHANGHAI) == local("2025-03-01 14:05")


def test_seconds_are_kept() -> None:
    assert read_time("2025-03-01 14:05:33", SHANGHAI) == local("2025-03-01 14:05") + timedelta(
        seconds=33
    )


def test_naive_times_are_read_in_the_zone_given() -> None:
    data = csv_bytes([RECORDS[0]])
    (row,) = rows_of(read(data, tz=ZoneInfo("UTC")))
    assert row.received_at == datetime(2025, 3, 1, 14, 5, tzinfo=UTC)
    assert row.received_at.tzinfo is UTC


@pytest.mark.parametrize(
    "text", ["昨天下午", "2025-02-30 10:00", "2025-03-01 25:00", "14:05", "2025-03-01 14:05+25:00"]
)
def test_unreadable_times(text: str) -> None:
    assert read_time(text, SHANGHAI) is None


# --- refusals --------------------------------------------------------------------------


def refusal_for(*row: object, filename: str = "hotline.csv") -> Refusal:
    return only_refusal(read(csv_bytes([row]), filename))


def test_missing_time() -> None:
    r = refusal_for("A", "  ", "长寿路", "", "噪音")
    assert (r.line, r.field, r.reason) == (2, "received_at", "The time is missing.")


def test_unreadable_time_says_what_was_read() -> None:
    r = refusal_for("A", "上周三下午", "长寿路", "", "噪音")
    assert r.field == "received_at"
    assert r.params == {"value": "上周三下午"}
    assert gettext("zh_CN", r.reason, **r.params) == (
        "无法识别时间“上周三下午”：请写成 2025-03-01 14:05 这样的格式。"
    )


def test_time_more_than_a_day_ahead_is_refused_but_a_day_is_not() -> None:
    ahead = NOW.astimezone(SHANGHAI) + timedelta(days=1)
    within = read(csv_bytes([("A", ahead.strftime("%Y-%m-%d %H:%M"), "长寿路", "", "噪音")]))
    assert rows_of(within)[0].received_at == NOW + timedelta(days=1)
    later = (ahead + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")
    r = refusal_for("A", later, "长寿路", "", "噪音")
    assert (r.field, r.reason, r.params) == (
        "received_at",
        "The time {value} is more than a day in the future.",
        {"value": later},
    )


def test_time_before_2000_is_refused() -> None:
    r = refusal_for("A", "1999-12-31 23:59", "长寿路", "", "噪音")
    assert (r.field, r.params) == ("received_at", {"value": "1999-12-31 23:59"})
    assert "2000" in r.reason
    assert rows_of(read(csv_bytes([("A", "2000-01-01 00:00", "长寿路", "", "噪音")])))


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (("A", "2025-03-01 14:05", " ", "", "噪音"), "address", "The address is empty."),
        (("A", "2025-03-01 14:05", "长寿路", "", "\u3000"), "content", "The content is empty."),
    ],
)
def test_empty_address_or_content(row: tuple[str, ...], field: str, reason: str) -> None:
    r = refusal_for(*row)
    assert (r.field, r.reason) == (field, reason)


@pytest.mark.parametrize(
    ("field", "column", "limit"),
    [("record_id", 0, 64), ("address", 2, 500), ("category", 3, 100), ("content", 4, 4_000)],
)
def test_texts_over_their_limit(field: str, column: int, limit: int) -> None:
    row = ["A", "2025-03-01 14:05", "长寿路", "噪音", "施工"]
    row[column] = "字" * limit
    assert rows_of(read(csv_bytes([row])))
    row[column] = "字" * (limit + 1)
    r = only_refusal(read(csv_bytes([row])))
    assert (r.field, r.params) == (field, {"length": str(limit + 1), "limit": str(limit)})
    assert f"最多允许 {limit} 个" in gettext("zh_CN", r.reason, **r.params)


def test_only_the_first_problem_of_a_row_is_reported() -> None:
    r = refusal_for("A", "", "", "", "")
    assert r.field == "received_at"


def test_refusals_do_not_stop_the_rows_after_them() -> None:
    rows = [RECORDS[0], ("B", "", "长寿路", "", "噪音"), RECORDS[1]]
    results = read(csv_bytes(rows))
    assert [type(r).__name__ for r in results] == ["HotlineRow", "Refusal", "HotlineRow"]
    assert [r.line for r in results] == [2, 3, 4]


# --- the whole file --------------------------------------------------------------------


def file_error(data: bytes, filename: str, **kwargs: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        # Not iterated: the file's problems are found by the call itself.
        read_hotline_file(data, filename, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == "file"
    return caught.value


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"%PDF-1.7 ...", "hotline.pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "hotline.xls"),
        (b"not a zip at all", "hotline.xlsx"),
        (b"PK\x03\x04 a zip", "hotline.docx"),
        (b"\x00\x01binary", "hotline.csv"),
    ],
)
def test_unknown_formats(data: bytes, filename: str) -> None:
    error = file_error(data, filename)
    assert error.params == {"filename": filename}
    assert gettext("zh_CN", error.message, **error.params).startswith(f"{filename} 不是 CSV")


def test_an_empty_file() -> None:
    assert file_error(b"", "hotline.csv").message == "The file is empty."


def test_a_corrupt_workbook() -> None:
    data = xlsx_bytes(RECORDS)
    error = file_error(data[: len(data) // 2], "hotline.xlsx")
    assert "workbook" in error.message


def test_text_in_no_known_encoding() -> None:
    error = file_error(csv_bytes(RECORDS) + b"\xff\xfe\xff", "hotline.csv")
    assert "GB18030" in error.message


def test_no_header_names_the_missing_columns() -> None:
    data = csv_bytes(RECORDS, header=("工单编号", "受理时间", "位置", "诉求类别", "诉求内容"))
    error = file_error(data, "hotline.csv")
    assert "事发地址" in error.params["missing"]
    assert "受理时间" not in error.params["missing"]


def test_the_header_is_only_looked_for_in_the_first_ten_rows() -> None:
    padding = "\r\n" * 10
    data = padding.encode() + csv_bytes(RECORDS)
    assert "missing" in file_error(data, "hotline.csv").params
    assert read(("\r\n" * 9).encode() + csv_bytes(RECORDS)) == expected_rows(11)


@pytest.mark.parametrize("maker", [csv_bytes, xlsx_bytes])
def test_more_rows_than_allowed(maker: object) -> None:
    rows = [RECORDS[0]] * 5
    data = maker(rows, title=TITLE)  # type: ignore[operator]
    filename = "a.csv" if maker is csv_bytes else "a.xlsx"
    assert len(read(data, filename, max_rows=5)) == 5
    error = file_error(data, filename, max_rows=4)
    assert error.params == {"max": 4}


def test_a_csv_whose_quoted_newlines_overstate_its_rows_is_counted_exactly() -> None:
    rows = [("A", "2025-03-01 14:05", "长寿路", "", "一\n二\n三\n四")] * 3
    assert len(read(csv_bytes(rows), max_rows=3)) == 3


def test_a_record_the_csv_module_cannot_parse_stops_the_import_there() -> None:
    # A field over the csv module's 131,072 characters is no export; found while iterating.
    rows = [RECORDS[0]] * 12 + [("A", "2025-03-01 14:05", "长寿路", "", "字" * 200_000)]
    results = read_hotline_file(csv_bytes(rows), "a.csv", now=NOW)
    with pytest.raises(InvalidInput) as caught:
        list(results)
    assert caught.value.params["line"] == 13


def test_rows_are_read_lazily() -> None:
    rows = [RECORDS[0]] * 1000
    results = read_hotline_file(csv_bytes(rows), "a.csv", now=NOW)
    first = next(results)
    assert isinstance(first, HotlineRow)
    assert first.line == 2


# --- duplicates ------------------------------------------------------------------------


def test_fingerprint_ignores_spacing_width_and_punctuation() -> None:
    a = HotlineRow(
        2, None, local("2025-03-01 14:05"), "长寿路100号", "噪音", "夜间施工，噪音很大！"
    )
    b = HotlineRow(
        9,
        None,
        local("2025-03-01 14:05") + timedelta(seconds=40),
        "长寿路 １００ 号",
        "",
        "夜间 施工 噪音很大。",
    )
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(
        HotlineRow(2, None, a.received_at, a.address, "", "夜间施工，噪音不大！")
    )
    assert fingerprint(a) != fingerprint(
        HotlineRow(2, None, local("2025-03-01 14:06"), a.address, "", a.content)
    )
    assert fingerprint(a) != fingerprint(
        HotlineRow(2, None, a.received_at, "长寿路101号", "", a.content)
    )


def test_fingerprint_is_the_record_id_when_there_is_one() -> None:
    a = HotlineRow(2, "GD001", local("2025-03-01 14:05"), "长寿路", "", "噪音")
    b = HotlineRow(5, "GD001", local("2025-03-02 09:00"), "武宁路", "", "别的")
    assert fingerprint(a) == fingerprint(b) == "id:GD001"


# --- properties ------------------------------------------------------------------------

# Any text but NUL (which marks a file as binary, not CSV) and lone surrogates.
CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")
TEXT = st.text(alphabet=CHARACTERS, max_size=40).filter(lambda s: s.split() != [])
WHEN = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2025, 5, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(
        st.tuples(WHEN, TEXT, st.text(CHARACTERS, max_size=10), TEXT), min_size=1, max_size=5
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    style=st.sampled_from(["%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H:%M"]),
)
def test_any_rows_written_to_csv_read_back_the_same(
    records: list[tuple[datetime, str, str, str]], encoding: str, style: str
) -> None:
    lines = [
        (when.strftime(style), address, category, content)
        for when, address, category, content in records
    ]
    data = csv_bytes(lines, header=("来电时间", "地址", "分类", "问题描述"), encoding=encoding)
    assert read(data) == [
        HotlineRow(
            line,
            None,
            when.replace(tzinfo=SHANGHAI).astimezone(UTC),
            " ".join(address.split()),
            " ".join(category.split()),
            " ".join(content.split()),
        )
        for line, (when, address, category, content) in enumerate(records, start=2)
    ]


NOISE = st.text(alphabet=" \t\u3000\n，。！、,.!-", max_size=3)


@settings(max_examples=200)
@given(
    address=st.text(
        alphabet=string.ascii_letters + string.digits + "长寿路号弄", min_size=1, max_size=20
    ),
    content=st.text(
        alphabet=string.ascii_letters + string.digits + "噪音施工夜间", min_size=1, max_size=40
    ),
    noise=st.lists(NOISE, min_size=60, max_size=60),
    seconds=st.integers(0, 59),
)
def test_fingerprint_is_stable_under_whitespace_and_punctuation(
    address: str, content: str, noise: list[str], seconds: int
) -> None:
    def sprinkle(text: str) -> str:
        return "".join(ch + noise[i % len(noise)] for i, ch in enumerate(text))

    when = local("2025-03-01 14:05")
    plain = HotlineRow(2, None, when, address, "", content)
    noisy = HotlineRow(
        3, None, when + timedelta(seconds=seconds), sprinkle(address), "", sprinkle(content)
    )
    assert fingerprint(plain) == fingerprint(noisy)
    assert fingerprint(plain) != fingerprint(HotlineRow(2, None, when, address, "", content + "了"))


@given(when=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_every_written_style_reads_back_to_the_minute(when: datetime) -> None:
    expected = when.replace(second=0, microsecond=0, tzinfo=SHANGHAI).astimezone(UTC)
    for text in (
        when.strftime("%Y-%m-%d %H:%M"),
        f"{when.year}/{when.month}/{when.day} {when.hour}:{when.minute:02d}",
        f"{when.year}年{when.month}月{when.day}日 {when.hour:02d}:{when.minute:02d}",
        when.replace(second=0, microsecond=0, tzinfo=SHANGHAI).isoformat(),
    ):
        assert read_time(text, SHANGHAI) == expected, text
