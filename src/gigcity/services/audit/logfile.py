"""Reading a decision log (JSON Lines, CSV or Parquet, gzip or not) into typed frames, one
per kind, refusing the rows that cannot be read with their line, column and reason.

Everything is read as text first and then parsed column by column, so a bad value refuses
its row instead of failing the file, and a month of a district's decisions is parsed at
Polars' speed rather than row by row. Times become seconds since the epoch (Float64)."""

from __future__ import annotations

import gzip
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

import polars as pl

from gigcity.i18n import N_
from gigcity.services.audit.logformat import BY_NAME, COLUMN_NAMES, COLUMNS, Kind
from gigcity.services.audit.report_model import Refusal

REFUSALS_KEPT = 1000
_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_TRUE = ("true", "1", "yes", "t", "y")
_FALSE = ("false", "0", "no", "f", "n")
# Why a row is refused (msgids of the `messages` catalogue: the report shows them translated).
UNKNOWN_KIND = N_("not a kind of record the format knows")
NOT_READABLE = {
    "time": N_("not a time (ISO 8601, e.g. 2026-05-12T11:32:05+08:00)"),
    "integer": N_("not a whole number"),
    "number": N_("not a number"),
    "boolean": N_("not true or false"),
    "string": N_("not text"),
}
NOT_ALLOWED = N_("not one of the values the format allows")
BELOW_ZERO = N_("below zero")
REQUIRED = N_("required for this kind of record, but empty")
ENDS_BEFORE_START = N_("ends before it starts")


_JSON_TYPES: dict[str, type[pl.DataType]] = {
    "string": pl.String,
    "time": pl.String,
    "integer": pl.Int64,
    "number": pl.Float64,
    "boolean": pl.Boolean,
}
_JSON_SCHEMA = {c.name: _JSON_TYPES[c.type] for c in COLUMNS}


class LogFileError(ValueError):
    """The file cannot be read as a decision log at all (not one row of it)."""


@dataclass(frozen=True, slots=True)
class DecisionLog:
    filename: str
    sha256: str
    rows: int
    orders: pl.DataFrame
    trips: pl.DataFrame
    work: pl.DataFrame
    pay: pl.DataFrame
    events: pl.DataFrame
    days: tuple[date, ...]
    timezone: str = "Asia/Shanghai"
    refused: int = 0
    refusals: tuple[Refusal, ...] = field(default=())


def file_format(filename: str, data: bytes) -> tuple[str, bool]:
    """(jsonl | csv | parquet, gzipped) from the name, checked against the bytes."""
    name = PurePath(filename).name.lower()
    gzipped = data[:2] == _GZIP_MAGIC
    stem = name[:-3] if name.endswith(".gz") else name
    if stem.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl", gzipped
    if stem.endswith((".csv", ".txt")):
        return "csv", gzipped
    if stem.endswith(".parquet") or data[:4] == _PARQUET_MAGIC:
        return "parquet", gzipped
    raise LogFileError(
        f"{filename!r} is not a decision log: name it .jsonl, .csv or .parquet (gzip: add .gz)"
    )


def _raw_frame(data: bytes, fmt: str) -> tuple[pl.DataFrame, int]:
    """The file as a frame of all the format's columns (text, or Parquet's own types) and
    the line number of its first row."""
    text_schema = dict.fromkeys(COLUMN_NAMES, pl.String)
    try:
        if fmt == "jsonl":
            try:
                # Numbers read as numbers take a fraction of the memory of their text; a
                # value of the wrong type anywhere sends the whole file through as text,
                # where the row that has it is refused with its reason.
                return pl.read_ndjson(io.BytesIO(data), schema=_JSON_SCHEMA), 1
            except pl.exceptions.PolarsError:
                return pl.read_ndjson(io.BytesIO(data), schema=text_schema), 1
        if fmt == "csv":
            frame = pl.read_csv(
                io.BytesIO(data),
                infer_schema=False,
                encoding="utf8-lossy",
                truncate_ragged_lines=False,
            )
            if "kind" not in frame.columns:
                raise LogFileError("the CSV has no column 'kind' in its header row")
            missing = [c for c in COLUMN_NAMES if c not in frame.columns]
            frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)
            return frame.select(COLUMN_NAMES), 2
        frame = pl.read_parquet(io.BytesIO(data))
    except LogFileError:
        raise
    except Exception as error:
        raise LogFileError(f"the file cannot be read as {fmt}: {error}") from error
    if "kind" not in frame.columns:
        raise LogFileError("the Parquet file has no column 'kind'")
    missing = [c for c in COLUMN_NAMES if c not in frame.columns]
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)
    return frame.select(COLUMN_NAMES), 1


def _parse_time(column: pl.Series, timezone: str) -> pl.Series:
    """Seconds since the epoch. The format's own way of writing a time (an offset with a
    colon, whole seconds) is parsed in one pass; only what that pass could not read goes
    through the slower normalising parser (a space for the T, Z, +0800, fractions, no
    offset), so a month of well-written times costs a fraction of a second a column."""
    dtype = column.dtype
    if isinstance(dtype, pl.Datetime):
        moment = (
            column.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
            if dtype.time_zone is None
            else column
        )
        return moment.dt.convert_time_zone("UTC").dt.epoch("us").cast(pl.Float64) / 1e6
    text = column.cast(pl.String)
    fast = text.str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", strict=False, time_zone="UTC")
    missed = fast.is_null() & text.is_not_null()
    if missed.any():
        slow = pl.DataFrame({"t": text.filter(missed)}).select(_slow_time("t", timezone))
        fast = fast.scatter(missed.arg_true(), slow.to_series())
    return fast.dt.epoch("us").cast(pl.Float64) / 1e6


def _slow_time(name: str, timezone: str) -> pl.Expr:
    text = (
        pl.col(name)
        .str.strip_chars()
        .str.replace(r"^(\d{4}-\d\d-\d\d) ", "${1}T")
        .str.replace(r"Z$", "+00:00")
        .str.replace(r"([+-]\d\d)(\d\d)$", "${1}:${2}")
    )
    aware = text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_zone="UTC")
    naive = (
        text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False)
        .dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
    )
    return pl.when(text.str.contains(r"[+-]\d\d:\d\d$")).then(aware).otherwise(naive)


def _parse_column(column: pl.Series, timezone: str) -> pl.Series:
    if BY_NAME[column.name].type == "time":
        return _parse_time(column, timezone).alias(column.name)
    frame = column.to_frame()
    return frame.select(_parse(column.name, column.dtype).alias(column.name)).to_series()


def _parse(name: str, dtype: pl.DataType) -> pl.Expr:
    column = BY_NAME[name]
    source = pl.col(name)
    if column.type == "boolean":
        if dtype == pl.Boolean:
            return source
        lowered = source.cast(pl.String).str.strip_chars().str.to_lowercase()
        return (
            pl.when(lowered.is_in(_TRUE))
            .then(True)
            .when(lowered.is_in(_FALSE))
            .then(False)
            .otherwise(None)
        )
    if column.type == "integer":
        if dtype.is_integer():
            return source.cast(pl.Int64)
        number = source.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
        whole = number.round(0) == number
        return pl.when(whole).then(number.cast(pl.Int64, strict=False)).otherwise(None)
    if column.type == "number":
        if dtype.is_numeric():
            return source.cast(pl.Float64)
        return source.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    text = source.cast(pl.String).str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text).otherwise(None)


def _first_problem(index: pl.Series, checks: list[tuple[pl.Series, str, str]]) -> pl.DataFrame:
    """index, field, reason of each row with a problem: the first check it fails."""
    schema = {"index": pl.Int64, "field": pl.String, "reason": pl.String}
    if not checks or index.len() == 0:
        return pl.DataFrame(schema=schema)
    flags = pl.DataFrame({f"c{i}": flag.fill_null(False) for i, (flag, _, _) in enumerate(checks)})
    first = flags.select(
        pl.coalesce([pl.when(pl.col(f"c{i}")).then(pl.lit(i)) for i in range(len(checks))]).alias(
            "problem"
        )
    )["problem"]
    bad = first.is_not_null()
    problem = first.filter(bad)
    fields = pl.Series([field for _, field, _ in checks])
    reasons = pl.Series([reason for _, _, reason in checks])
    return pl.DataFrame(
        {
            "index": index.filter(bad).cast(pl.Int64),
            "field": fields.gather(problem),
            "reason": reasons.gather(problem),
        },
        schema=schema,
    )


def _problems(raw: pl.DataFrame, parsed: pl.DataFrame, kind: Kind) -> pl.DataFrame:
    """The refused rows of one kind (raw and parsed hold that kind's rows and columns)."""
    checks: list[tuple[pl.Series, str, str]] = []
    for column in COLUMNS:
        if column.name == "kind" or kind not in column.kinds:
            continue
        source, value = raw[column.name], parsed[column.name]
        had_value = source.is_not_null()
        if source.dtype == pl.String:
            had_value = had_value & (source.str.strip_chars().str.len_chars() > 0)
        checks.append((had_value & value.is_null(), column.name, NOT_READABLE[column.type]))
        if column.values is not None:
            allowed = value.is_not_null() & ~value.is_in(list(column.values))
            checks.append((allowed, column.name, NOT_ALLOWED))
        if column.minimum is not None:
            checks.append((value < column.minimum, column.name, BELOW_ZERO))
        if kind in column.required:
            checks.append((value.is_null(), column.name, REQUIRED))
    if kind in (Kind.work, Kind.traffic_control):
        checks.append((parsed["end_at"] < parsed["start_at"], "end_at", ENDS_BEFORE_START))
    return _first_problem(raw[_INDEX], checks)


def local_day(seconds: pl.Expr, timezone: str) -> pl.Expr:
    """The district's local day of a time in seconds since the epoch."""
    return (
        pl.from_epoch((seconds * 1e6).cast(pl.Int64), time_unit="us")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(timezone)
        .dt.date()
    )


_INDEX = "_index"
_FIRST_TIME = {
    Kind.order: "placed_at",
    Kind.trip: "assigned_at",
    Kind.work: "start_at",
    Kind.pay: "at",
    Kind.traffic_control: "start_at",
}


def _kind(
    raw: pl.DataFrame, kinds: pl.Series, kind: Kind, timezone: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of one kind, parsed, and those of them refused. Only the kind's own
    columns are parsed (a log's kinds share few), so memory stays near one copy of it."""
    columns = [c.name for c in COLUMNS if kind in c.kinds and c.name != "kind"]
    rows = raw.select(_INDEX, *columns).filter(kinds == kind.value)
    parsed = pl.DataFrame([_parse_column(rows[name], timezone) for name in columns])
    problems = _problems(rows, parsed, kind)
    if problems.height:
        parsed = parsed.filter(~rows[_INDEX].is_in(problems["index"]))
    day = local_day(pl.col(_FIRST_TIME[kind]), timezone)
    return parsed.with_columns(day=day), problems


def read_log(data: bytes, filename: str, *, timezone: str = "Asia/Shanghai") -> DecisionLog:
    fmt, gzipped = file_format(filename, data)
    sha = hashlib.sha256(data).hexdigest()
    if gzipped:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise LogFileError(f"the gzip stream is damaged: {error}") from error
    raw, first_line = _raw_frame(data, fmt)
    del data  # the decompressed text: as large again as the frame
    if raw.height == 0:
        raise LogFileError("the file has no rows")
    rows = raw.height
    raw = raw.with_row_index(_INDEX)
    kinds = _parse_column(raw["kind"], timezone)
    known = kinds.is_in([k.value for k in Kind]).fill_null(False)
    found = [_first_problem(raw[_INDEX], [(~known, "kind", UNKNOWN_KIND)])]
    frames: dict[Kind, pl.DataFrame] = {}
    for kind in Kind:
        frames[kind], refused = _kind(raw, kinds, kind, timezone)
        found.append(refused)
    del raw
    problems = pl.concat(found).sort("index")
    if problems.height == rows:
        raise LogFileError(
            f"no row could be read (line {first_line}: {problems['field'][0]} "
            f"{problems['reason'][0]})"
        )
    refusals = tuple(
        Refusal(line=int(index) + first_line, field=str(name), reason=str(reason))
        for index, name, reason in problems.head(REFUSALS_KEPT).iter_rows()
    )
    orders, trips, work = frames[Kind.order], frames[Kind.trip], frames[Kind.work]
    pay, events = frames[Kind.pay], frames[Kind.traffic_control]
    days = sorted(
        set(orders["day"].drop_nulls().unique().to_list())
        | set(work["day"].drop_nulls().unique().to_list())
    )
    return DecisionLog(
        filename=PurePath(filename).name,
        sha256=sha,
        rows=rows,
        orders=orders,
        trips=trips,
        work=work,
        pay=pay,
        events=events,
        days=tuple(days),
        timezone=timezone,
        refused=problems.height,
        refusals=refusals,
    )
