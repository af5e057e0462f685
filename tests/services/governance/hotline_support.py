"""Hotline exports made in the test: CSV in the encodings Chinese systems write, and XLSX
workbooks written by openpyxl (dates as dates, or as text, with or without a title row)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
"""The moment the tests import at: 2025-06-01 20:00 in Shanghai."""

HEADER = ("工单编号", "受理时间", "事发地址", "诉求类别", "诉求内容")
TITLE = "普陀区12345市民服务热线工单导出（2025年3月）"


def csv_bytes(
    rows: Iterable[Sequence[Any]],
    *,
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8",
    title: str | None = None,
    delimiter: str = ",",
) -> bytes:
    """A CSV file as an export writes it: an optional title line, the header, the rows."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if title is not None:
        writer.writerow([title])
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Iterable[Sequence[Any]],
    *,
    header: Sequence[str] = HEADER,
    title: str | None = None,
) -> bytes:
    """A workbook whose first sheet holds an optional title row, the header and the rows
    (openpyxl stores datetime values as Excel dates with a date format)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("工单")
    if title is not None:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def local(text: str) -> datetime:
    """A Shanghai wall-clock time ('2025-03-01 14:05') as the aware UTC time it is."""
    naive = datetime.strptime(text, "%Y-%m-%d %H:%M")
    return naive.replace(tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
