"""Cells for spreadsheets: what every CSV or XLSX export writes through."""

from __future__ import annotations

from typing import Any


def csv_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
