"""Reading a decision log: every format, gzip or not; a bad row is refused with its line,
column and reason and the rest is read; a file that is no log is refused as a whole."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, date, datetime

import polars as pl
import pytest

from gigcity.services.audit.logfile import LogFileError, read_log

CSV = (
    "kind,order,rider,placed_at,promised_at,weight_g,bulky\n"
    "order,o1,r1,2026-05-12 11:00:00,2026-05-12T11:30:00+08:00,12000,true\n"
    "order,o2,r1,yesterday,2026-05-12 11:30:00,300,false\n"
    "order,o3,r1,2026-05-12T03:00:00Z,2026-05-12 11:30:00,-1,false\n"
    "order,o4,r1,2026-05-12T11:00:00+0800,2026-05-12 11:30:00,,maybe\n"
    "parcel,o5,r1,2026-05-12 11:00:00,2026-05-12 11:30:00,1,false\n"
)


def test_csv_rows_that_cannot_be_read_are_refused_with_their_line() -> None:
    log = read_log(CSV.encode(), "day.csv")
    assert log.orders["order"].to_list() == ["o1"]
    assert [(r.line, r.field) for r in log.refusals] == [
        (3, "placed_at"),
        (4, "weight_g"),
        (5, "bulky"),
        (6, "kind"),
    ]
    assert log.refused == 4
    assert log.rows == 5
    # Local time without an offset is the district's (UTC+8): 11:00 there is 03:00 UTC.
    placed = datetime.fromtimestamp(log.orders["placed_at"][0], UTC)
    assert placed == datetime(2026, 5, 12, 3, 0, tzinfo=UTC)
    assert log.days == (date(2026, 5, 12),)


def test_gzip_and_parquet_read_the_same_rows() -> None:
    plain = read_log(CSV.encode(), "day.csv")
    zipped = read_log(gzip.compress(CSV.encode()), "day.csv.gz")
    assert zipped.orders.equals(plain.orders)
    frame = pl.DataFrame(
        {
            "kind": ["order"],
            "order": ["o1"],
            "placed_at": [datetime(2026, 5, 12, 3, 0, tzinfo=UTC)],
            "promised_at": [datetime(2026, 5, 12, 11, 30)],  # naive: local time
            "weight_g": [12000],
        }
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    log = read_log(buffer.getvalue(), "day.parquet")
    assert log.orders["placed_at"][0] == plain.orders["placed_at"][0]
    assert log.orders["promised_at"][0] - log.orders["placed_at"][0] == 1800
    assert log.sha256 != plain.sha256


@pytest.mark.parametrize(
    ("data", "name", "problem"),
    [
        (b"kind\n", "day.csv", "no rows"),
        (b"a,b\n1,2\n", "day.csv", "no column 'kind'"),
        (b"{}", "day.xlsx", "not a decision log"),
        (b"\x1f\x8b\x08broken", "day.jsonl.gz", "gzip"),
        (b'{"kind": "order"}\n', "day.jsonl", "no row could be read"),
        (b"PAR1 not really", "day.parquet", "cannot be read as parquet"),
    ],
)
def test_a_file_that_is_no_log_is_refused_whole(data: bytes, name: str, problem: str) -> None:
    with pytest.raises(LogFileError, match=problem):
        read_log(data, name)


def test_an_interval_that_ends_before_it_starts_is_refused() -> None:
    data = (
        b'{"kind":"work","rider":"r1","activity":"delivering",'
        b'"start_at":"2026-05-12T11:00:00","end_at":"2026-05-12T10:00:00"}\n'
        b'{"kind":"work","rider":"r1","activity":"rest",'
        b'"start_at":"2026-05-12T11:00:00","end_at":"2026-05-12T11:20:00"}\n'
    )
    log = read_log(data, "day.jsonl")
    assert [(r.line, r.field) for r in log.refusals] == [(1, "end_at")]
    assert log.work["activity"].to_list() == ["rest"]


def test_json_values_of_the_wrong_type_are_read_as_text_and_judged_row_by_row() -> None:
    lines = [
        '{"kind":"order","order":"o1","placed_at":"2026-05-12T11:00:00+08:00",'
        '"promised_at":"2026-05-12T11:30:00+08:00","weight_g":"12000","bulky":"yes"}',
        '{"kind":"order","order":"o2","placed_at":"2026-05-12T11:00:00+08:00",'
        '"promised_at":"2026-05-12T11:30:00+08:00","weight_g":"heavy"}',
        '{"kind":"order","order":"o3","placed_at":"2026-05-12T11:00:00+08:00",'
        '"promised_at":"2026-05-12T11:30:00+08:00","weight_g":300}',
    ]
    log = read_log("\n".join(lines).encode(), "day.jsonl")
    assert log.orders.select("order", "weight_g", "bulky").rows() == [
        ("o1", 12000, True),
        ("o3", 300, None),
    ]
    assert [(r.line, r.field) for r in log.refusals] == [(2, "weight_g")]
