"""Writing a decision log (gigcity-decision-log/1) held in memory as one typed Polars frame.

The frame has every column of `logformat.COLUMNS`, in that order, typed by the column's type;
a column a row's kind does not use is null. JSON Lines and CSV carry times as ISO 8601 with
the district's offset; a JSON line holds only the row's non-null columns, so every line
validates against `logformat.json_schema()`. Parquet keeps typed UTC timestamps. Everything
is column-wise (Polars expressions), so a day of a whole district writes in seconds.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal

import polars as pl

from gigcity.services.audit.logformat import COLUMNS, TIME_COLUMNS, Column, ColumnType, Kind

LogFormat = Literal["jsonl", "jsonl.gz", "csv", "csv.gz", "parquet"]
FORMATS: tuple[LogFormat, ...] = ("jsonl", "jsonl.gz", "csv", "csv.gz", "parquet")
DISTRICT_TIMEZONE = "Asia/Shanghai"

_DTYPES: dict[ColumnType, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "boolean": pl.Boolean(),
    "time": pl.Datetime("us", time_zone="UTC"),
}

SCHEMA: dict[str, pl.DataType] = {column.name: _DTYPES[column.type] for column in COLUMNS}
"""The in-memory log's columns and types, in the published order."""

GZIP_LEVEL = 1  # a whole district's day compresses 5x faster than at 6, and ~1.6x larger
# ISO 8601 with the offset; fractions of a second only when there are any.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%:z"


def empty_log() -> pl.DataFrame:
    """A log with no rows."""
    return pl.DataFrame(schema=SCHEMA)


def log_frame(rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """A log from row dicts (column -> value; a missing column is null). Naive datetimes are
    taken as UTC; give aware ones for anything else."""
    unknown = {name for row in rows for name in row} - SCHEMA.keys()
    if unknown:
        raise ValueError(f"not columns of the decision log: {', '.join(sorted(unknown))}")
    return pl.DataFrame([dict(row) for row in rows], schema=SCHEMA, orient="row")


def conform(log: pl.DataFrame) -> pl.DataFrame:
    """`log` with every published column, in order and typed (missing columns null)."""
    return log.select(
        (pl.col(name) if name in log.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in SCHEMA.items()
    )


def format_of(path: Path | str) -> LogFormat:
    """The format a file name asks for, by its suffix."""
    name = str(path).lower()
    for fmt in sorted(FORMATS, key=len, reverse=True):
        if name.endswith("." + fmt):
            return fmt
    raise ValueError(
        f"{path}: a decision log ends in one of " + ", ".join("." + f for f in FORMATS)
    )


def write_log(log: pl.DataFrame, path: Path, *, timezone: str = DISTRICT_TIMEZONE) -> Path:
    """Write `log` to `path` in the format its suffix names; returns `path`."""
    fmt = format_of(path)
    with path.open("wb") as out:
        _write(conform(log), fmt, out, timezone)
    return path


def log_bytes(log: pl.DataFrame, fmt: str, *, timezone: str = DISTRICT_TIMEZONE) -> bytes:
    """`log` in format `fmt` (one of `FORMATS`) as bytes, for an upload or a test."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown decision-log format {fmt!r}; one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    _write(conform(log), format_of("log." + fmt), buffer, timezone)
    return buffer.getvalue()


def _write(log: pl.DataFrame, fmt: LogFormat, out: IO[bytes], tz: str) -> None:
    compression: Literal["gzip", "uncompressed"] = "gzip" if fmt.endswith(".gz") else "uncompressed"
    level = GZIP_LEVEL if compression == "gzip" else None
    if fmt == "parquet":
        log.write_parquet(out)
    elif fmt.startswith("csv"):
        _with_local_times(log, tz).write_csv(out, compression=compression, check_extension=False)
    else:
        # One string column of whole JSON objects, written without quoting: one per line.
        json_lines(log, timezone=tz).to_frame().write_csv(
            out,
            include_header=False,
            quote_style="never",
            compression=compression,
            compression_level=level,
            check_extension=False,
        )


def _with_local_times(log: pl.DataFrame, tz: str) -> pl.DataFrame:
    return log.with_columns(
        pl.col(name).dt.convert_time_zone(tz).dt.strftime(_TIME_FORMAT) for name in TIME_COLUMNS
    )


def json_lines(log: pl.DataFrame, *, timezone: str = DISTRICT_TIMEZONE) -> pl.Series:
    """Each row as one JSON object of its non-null columns (a String series, in order).
    Built kind by kind from the columns the kind has: a pay line has 7, not 40."""
    log = conform(log).with_row_index("_row")
    parts = []
    for kind in Kind:
        rows = log.filter(pl.col("kind") == kind.value)
        if rows.is_empty():
            continue
        columns = [column for column in COLUMNS if kind in column.kinds]
        # Every member but the first (`kind`, never null) starts with its comma; an empty
        # string for a null keeps concat_str on its fast path (no null handling).
        members = [
            _json_member(column, rows, timezone, first=index == 0).fill_null("")
            for index, column in enumerate(columns)
        ]
        line = pl.concat_str([pl.lit("{"), *members, pl.lit("}")])
        parts.append(rows.select("_row", line.alias("line")))
    if not parts:
        return pl.Series("line", [], dtype=pl.String)
    # A row of no known kind (only from a hand-built frame) has no line.
    return pl.concat(parts).sort("_row")["line"]


def _json_member(column: Column, rows: pl.DataFrame, timezone: str, *, first: bool) -> pl.Expr:
    """`,"name":value`, or null where the row has no value (concat_str is null then)."""
    value = pl.col(column.name)
    key = ("" if first else ",") + f'"{column.name}":'
    if column.type == "time":
        local = value.dt.convert_time_zone(timezone).dt.strftime(_TIME_FORMAT)
        return pl.concat_str([pl.lit(key + '"'), local, pl.lit('"')])
    if column.type == "string":
        return pl.concat_str([pl.lit(key), _json_string(rows[column.name])])
    return pl.concat_str([pl.lit(key), value.cast(pl.String)])


def _json_string(values: pl.Series) -> pl.Expr:
    """A string column as JSON string literals: quotes and backslashes escaped cheaply, and
    the general encoder only for a column that holds control characters."""
    value = pl.col(values.name)
    if values.str.contains(r"[\x00-\x1f]").any():
        encoded = pl.struct(value).struct.json_encode()
        return pl.when(value.is_not_null()).then(
            encoded.str.slice(len(values.name) + 4).str.head(-1)
        )
    escaped = value.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
        '"', '\\"', literal=True
    )
    return pl.concat_str([pl.lit('"'), escaped, pl.lit('"')])
