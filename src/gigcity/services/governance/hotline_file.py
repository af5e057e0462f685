"""Reading a 12345 citizen-hotline export (CSV or XLSX) into rows, without a database.

The hotline's exports are what a district gets, not what it would choose: CSV in UTF-8 (with
or without a BOM) or GB18030, or an Excel workbook whose first rows may be a title; headers
in Chinese or English; times written half a dozen ways, or stored as Excel dates. This module
turns such a file into a stream of `HotlineRow`s and `Refusal`s (one per row that cannot be
taken, saying why) and leaves storing them to the caller. Problems with the whole file raise
`InvalidInput` when `read_hotline_file` is called, before any row is read.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import PurePath
from zoneinfo import ZoneInfo

import python_calamine

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_ROWS = 200_000
HEADER_SEARCH_ROWS = 10
"""The header row is looked for in this many rows at the top (exports put a title above)."""

MAX_LENGTH = {"record_id": 64, "address": 500, "category": 100, "content": 4_000}
"""Longest text of each field, in characters after whitespace is collapsed."""

EARLIEST_YEAR = 2000
FUTURE_SLACK = timedelta(days=1)
"""A time this far ahead of now is a typo, not a clock difference."""

Cell = str | int | float | bool | datetime | date | time | timedelta
"""What a cell can hold: CSV gives text only, a workbook also numbers and dates."""


@dataclass(frozen=True, slots=True)
class HotlineRow:
    """One hotline record as read. `line` is the row number the spreadsheet shows (the header
    row and any title rows above it counted); texts are stripped with whitespace collapsed."""

    line: int
    record_id: str | None
    received_at: datetime  # aware, UTC
    address: str
    category: str  # '' when the file has no category
    content: str


@dataclass(frozen=True, slots=True)
class Refusal:
    """A row that cannot be taken: the first problem found in it, as a msgid and parameters."""

    line: int
    field: str | None
    reason: str
    params: dict[str, str] = dataclass_field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Column:
    field: str
    names: tuple[str, ...]  # best first: when two headers match, the earlier name wins
    required: bool

    @property
    def label(self) -> str:
        """How a missing column is named to the reader: its Chinese and English header."""
        return f"{self.names[0]} / {self.field}"


COLUMNS = (
    _Column("record_id", ("工单编号", "工单号", "编号", "record_id", "id"), required=False),
    _Column(
        "received_at",
        ("受理时间", "来电时间", "登记时间", "时间", "received_at", "time"),
        required=True,
    ),
    _Column("address", ("事发地址", "地址", "诉求地址", "address"), required=True),
    _Column("category", ("诉求类别", "问题分类", "类别", "分类", "category"), required=False),
    _Column("content", ("诉求内容", "内容", "问题描述", "来电内容", "content"), required=True),
)


def read_hotline_file(
    data: bytes,
    filename: str,
    *,
    tz: ZoneInfo = SHANGHAI,
    max_rows: int = MAX_ROWS,
    now: datetime | None = None,
) -> Iterator[HotlineRow | Refusal]:
    """The records of a hotline export, one `HotlineRow` or `Refusal` per non-empty row.

    Naive times are read as local to `tz`. The file's format, encoding, header row and size
    are checked here, so `InvalidInput` comes from this call rather than from the iteration
    (only a CSV record the csv module cannot parse is found later). Rows are read as they are
    iterated; a workbook's first visible sheet is read, and calamine holds its cells meanwhile.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if not data:
        raise InvalidInput(N_("The file is empty."), field="file")
    table = _open_table(data, filename)
    header_line, columns, rows = _find_header(table)
    if (
        table.last_line_bound - header_line > max_rows
        and table.last_line() - header_line > max_rows
    ):
        raise InvalidInput(
            N_("The file has more than {max} rows: split it into smaller files."),
            field="file",
            max=max_rows,
        )
    limits = _TimeLimits(
        earliest=datetime(EARLIEST_YEAR, 1, 1, tzinfo=tz).astimezone(UTC),
        latest=now.astimezone(UTC) + FUTURE_SLACK,
        tz=tz,
    )
    return _read_rows(rows, columns, limits)


def fingerprint(row: HotlineRow) -> str:
    """A key that is the same for the same record in two imports: its record id if it has
    one, otherwise a hash of the minute it was received, its address and its content with
    width, case, whitespace and punctuation ignored."""
    if row.record_id:
        return "id:" + unicodedata.normalize("NFKC", row.record_id)
    minute = row.received_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    key = "\x1f".join((minute, _squeeze(row.address), _squeeze(row.content)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# --- the file as numbered rows ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Table:
    rows: Iterator[tuple[int, Sequence[Cell]]]
    last_line_bound: int  # cheap: at least the number of the last row
    last_line: Callable[[], int]  # exact, may cost a pass over the file


_XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_CSV_SUFFIXES = frozenset({".csv", ".txt", ""})
_ZIP_MAGIC = b"PK\x03\x04"
_DELIMITERS = (",", "\t")
_CHUNK = 1 << 20


def _open_table(data: bytes, filename: str) -> _Table:
    suffix = PurePath(filename).suffix.lower()
    is_zip = data.startswith(_ZIP_MAGIC)
    # A workbook saved under a .csv name is still read as the workbook it is.
    if is_zip and (suffix in _XLSX_SUFFIXES or suffix in _CSV_SUFFIXES):
        return _xlsx_table(data)
    if suffix in _CSV_SUFFIXES and b"\x00" not in data[:4096]:
        return _csv_table(data)
    raise InvalidInput(
        N_(
            "{filename} is not a CSV file or an Excel workbook (.xlsx): export the hotline records as one of these."
        ),
        field="file",
        filename=filename,
    )


def _xlsx_table(data: bytes) -> _Table:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [
            i
            for i, sheet in enumerate(workbook.sheets_metadata)
            if sheet.visible == python_calamine.SheetVisibleEnum.Visible
        ]
        sheet = workbook.get_sheet_by_index(visible[0] if visible else 0)
        workbook.close()  # the sheet keeps its cells; the copy of the zip can go
    except python_calamine.CalamineError as exc:
        raise InvalidInput(
            N_("The file cannot be read as an Excel workbook: {reason}."),
            field="file",
            reason=str(exc),
        ) from exc
    if sheet.start is None or sheet.end is None:
        raise InvalidInput(N_("The file is empty."), field="file")
    rows = sheet.iter_rows()
    first = next(rows, None)
    if first is None:
        raise InvalidInput(N_("The file is empty."), field="file")
    # python-calamine 0.9 yields from the sheet's row 1 even when the cells start lower;
    # were it to start at the first used row (which is never blank), number from there.
    first_line = sheet.start[0] + 1 if sheet.start[0] > 0 and not _blank_row(first) else 1
    last_line = sheet.end[0] + 1
    return _Table(
        rows=zip(itertools.count(first_line), itertools.chain([first], rows), strict=False),
        last_line_bound=last_line,
        last_line=lambda: last_line,
    )


def _csv_table(data: bytes) -> _Table:
    encoding = _csv_encoding(data)

    def records(delimiter: str) -> Iterator[tuple[int, Sequence[Cell]]]:
        text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        return enumerate(csv.reader(text, delimiter=delimiter), start=1)

    # Comma first; some systems export tab-separated text under a .csv or .txt name.
    delimiter = _DELIMITERS[0]
    for candidate in _DELIMITERS:
        try:
            top = list(itertools.islice(records(candidate), HEADER_SEARCH_ROWS))
        except csv.Error:
            continue  # not this delimiter; the chosen one reports its own errors
        if _header_in(row for _, row in top) is not None:
            delimiter = candidate
            break
    return _Table(
        rows=_csv_errors(records(delimiter)),
        # Every record ends at a newline or at the end (quoted fields may hold more).
        last_line_bound=data.count(b"\n") + 1,
        last_line=lambda: sum(1 for _ in _csv_errors(records(delimiter))),
    )


def _csv_errors(
    rows: Iterator[tuple[int, Sequence[Cell]]],
) -> Iterator[tuple[int, Sequence[Cell]]]:
    line = 0
    try:
        for line, row in rows:
            yield line, row
    except csv.Error as exc:
        raise InvalidInput(
            N_("The file cannot be read after row {line}: {reason}."),
            field="file",
            line=line,
            reason=str(exc),
        ) from exc


def _csv_encoding(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) if the whole file is valid UTF-8, else GB18030 (which covers
    GBK and GB2312): checked chunk by chunk so a large file is not held twice as text."""
    view = memoryview(data)
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(view), _CHUNK):
                decoder.decode(view[start : start + _CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise InvalidInput(
        N_("The file is neither UTF-8 nor GB18030 (GBK) text: save it as CSV in one of these."),
        field="file",
    )


# --- the header row --------------------------------------------------------------------


_HEADER_NOISE = re.compile(r"[\s_\-*:：\ufeff]+")  # \ufeff: a BOM GB18030 leaves in place
_HEADER_NAMES = {
    _HEADER_NOISE.sub("", name).casefold(): (column.field, rank)
    for column in COLUMNS
    for rank, name in enumerate(column.names)
}
_REQUIRED = tuple(c for c in COLUMNS if c.required)


def _header_key(cell: Cell) -> str:
    text = cell if isinstance(cell, str) else ""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _match_header(row: Sequence[Cell]) -> dict[str, int]:
    """Which cell of `row` holds each known column (by the best-ranked name, then leftmost)."""
    best: dict[str, tuple[int, int]] = {}
    for index, cell in enumerate(row):
        found = _HEADER_NAMES.get(_header_key(cell))
        if found is not None:
            name, rank = found
            if name not in best or (rank, index) < best[name]:
                best[name] = (rank, index)
    return {name: index for name, (_, index) in best.items()}


def _header_in(rows: Iterator[Sequence[Cell]]) -> dict[str, int] | None:
    for row in rows:
        columns = _match_header(row)
        if all(c.field in columns for c in _REQUIRED):
            return columns
    return None


def _required_in(columns: dict[str, int]) -> int:
    return sum(c.field in columns for c in _REQUIRED)


def _find_header(
    table: _Table,
) -> tuple[int, dict[str, int], Iterator[tuple[int, Sequence[Cell]]]]:
    """The header's line, its columns, and the rows below it."""
    top = list(itertools.islice(table.rows, HEADER_SEARCH_ROWS))
    closest: dict[str, int] = {}
    for position, (line, row) in enumerate(top):
        columns = _match_header(row)
        if all(c.field in columns for c in _REQUIRED):
            return line, columns, itertools.chain(top[position + 1 :], table.rows)
        if _required_in(columns) > _required_in(closest):
            closest = columns
    missing = ", ".join(c.label for c in _REQUIRED if c.field not in closest)
    raise InvalidInput(
        N_("No header row with the columns {missing} in the first {rows} rows of the file."),
        field="file",
        missing=missing,
        rows=HEADER_SEARCH_ROWS,
    )


# --- rows ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TimeLimits:
    earliest: datetime
    latest: datetime
    tz: ZoneInfo


_TOO_LONG = {
    "record_id": N_("The record number has {length} characters; at most {limit} are allowed."),
    "address": N_("The address has {length} characters; at most {limit} are allowed."),
    "category": N_("The category has {length} characters; at most {limit} are allowed."),
    "content": N_("The content has {length} characters; at most {limit} are allowed."),
}
_EMPTY = {
    "address": N_("The address is empty."),
    "content": N_("The content is empty."),
}


def _read_rows(
    rows: Iterator[tuple[int, Sequence[Cell]]], columns: dict[str, int], limits: _TimeLimits
) -> Iterator[HotlineRow | Refusal]:
    for line, cells in rows:
        if not _blank_row(cells):
            yield _read_row(line, cells, columns, limits)


def _read_row(
    line: int, cells: Sequence[Cell], columns: dict[str, int], limits: _TimeLimits
) -> HotlineRow | Refusal:
    def cell(name: str) -> Cell:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    raw_time = cell("received_at")
    if _blank(raw_time):
        return Refusal(line, "received_at", N_("The time is missing."))
    received_at = read_time(raw_time, limits.tz)
    if received_at is None:
        return Refusal(
            line,
            "received_at",
            N_("The time “{value}” cannot be read: write it like 2025-03-01 14:05."),
            {"value": _text(raw_time)[:40]},
        )
    if not limits.earliest <= received_at <= limits.latest:
        shown = {"value": received_at.astimezone(limits.tz).strftime("%Y-%m-%d %H:%M")}
        if received_at > limits.latest:
            reason = N_("The time {value} is more than a day in the future.")
        else:
            reason = N_("The time {value} is before the year 2000.")
        return Refusal(line, "received_at", reason, shown)

    texts = {name: _text(cell(name)) for name in ("address", "content", "category", "record_id")}
    for name, text in texts.items():
        if name in _EMPTY and not text:
            return Refusal(line, name, _EMPTY[name])
        if len(text) > MAX_LENGTH[name]:
            params = {"length": str(len(text)), "limit": str(MAX_LENGTH[name])}
            return Refusal(line, name, _TOO_LONG[name], params)
    return HotlineRow(
        line=line,
        record_id=texts["record_id"] or None,
        received_at=received_at,
        address=texts["address"],
        category=texts["category"],
        content=texts["content"],
    )


def _blank(cell: Cell) -> bool:
    return isinstance(cell, str) and not cell.strip()


def _blank_row(cells: Sequence[Cell]) -> bool:
    return all(_blank(cell) for cell in cells)


def _text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        text = str(int(cell))  # a workbook stores a record number 20250301001 as a float
    else:
        text = cell if isinstance(cell, str) else str(cell)
    return " ".join(text.split())


# --- times -----------------------------------------------------------------------------


_TIME = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*T?\s*(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{1,2})"
    r"(?:\s*[:分]\s*(?P<s>\d{1,2})(?:[.,](?P<f>\d{1,6}))?\s*秒?|\s*分)?)?"
    r"\s*(?P<z>Z|[+-]\d{2}(?::?\d{2})?)?"
)
_EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's leap-year bug kept)
_EXCEL_MAX_SERIAL = 2_958_466  # 10000-01-01


def read_time(cell: Cell, tz: ZoneInfo) -> datetime | None:
    """The aware UTC time a cell says, naive times read in `tz`; None if it says none.

    Text: 2025-03-01 14:05[:33], 2025/3/1 14:05, 2025年3月1日 14:05 (or 14时05分), a date
    alone (midnight), ISO 8601 with an offset; full-width digits and colons are fine. A
    workbook's cell may also be a date, a date and time, or an Excel serial number."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, datetime):
        moment = cell
    elif isinstance(cell, date):
        moment = datetime.combine(cell, time())
    elif isinstance(cell, int | float):
        if not 1 <= cell < _EXCEL_MAX_SERIAL:
            return None
        moment = _EXCEL_EPOCH + timedelta(seconds=round(cell * 86_400))
    elif isinstance(cell, str):
        parsed = _parse_time(cell)
        if parsed is None:
            return None
        moment = parsed
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _parse_time(text: str) -> datetime | None:
    match = _TIME.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    g = match.groupdict()
    try:
        return datetime(
            int(g["y"]),
            int(g["mo"]),
            int(g["d"]),
            int(g["h"] or 0),
            int(g["mi"] or 0),
            int(g["s"] or 0),
            int((g["f"] or "0").ljust(6, "0")),
            tzinfo=_offset(g["z"]),
        )
    except ValueError:  # 2025-02-30, 25:00 and the like
        return None


def _offset(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
    if minutes >= 24 * 60:
        raise ValueError(text)
    return timezone(timedelta(minutes=-minutes if text[0] == "-" else minutes))


# --- duplicates ------------------------------------------------------------------------


class _Kept(dict[int, int | None]):
    """A `str.translate` table that drops punctuation, whitespace and invisible characters
    and keeps the rest, filled in as characters are first seen."""

    def __missing__(self, code: int) -> int | None:
        char = chr(code)
        dropped = unicodedata.category(char)[0] in "PZ" or not char.isprintable()
        self[code] = None if dropped else code
        return self[code]


_KEPT = _Kept()


def _squeeze(text: str) -> str:
    """`text` without whitespace, punctuation and invisible characters, width and case
    folded: what differs between two typings of the same complaint. (Dropping first makes
    NFKC's work short; dropping again catches punctuation that NFKC spelled out.)"""
    return unicodedata.normalize("NFKC", text.translate(_KEPT)).casefold().translate(_KEPT)
