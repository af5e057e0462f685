"""Hotspots as files (CSV, XLSX): one row per (cell or named place, figure, period),
long-form like the overview's. Pure: they render `Hotspots` already scoped by who asked;
for a grid officer's file counts of 1 or 2 are written "<3" (`suppression`)."""

from __future__ import annotations

import csv
import io
from typing import Any

from gigcity.i18n import gettext
from gigcity.services.governance.dashboard import month_starts
from gigcity.services.governance.dashboard_files import N_SMALL_CELLS
from gigcity.services.governance.schemas import Hotspots
from gigcity.services.governance.suppression import suppress
from gigcity.services.spreadsheets import csv_safe

HEADER = ["kind", "ref", "name", "lat", "lon", "subdistrict", "figure", "period", "value"]
WINDOW = "window"
LAST = "last_30_days"
BEFORE = "previous_30_days"


def hotspot_rows(spots: Hotspots, *, small_cells: bool = False) -> list[list[Any]]:
    rows: list[list[Any]] = []
    sums: list[tuple[int, list[int]]] = []  # row numbers: a sum and its parts
    months = [m.strftime("%Y-%m") for m in month_starts(spots.since, spots.until)]
    for cell in spots.cells:
        ref = f"{cell.lat:.5f},{cell.lon:.5f}"
        head = ["cell", ref, "", cell.lat, cell.lon, cell.subdistrict or ""]
        first = len(rows)
        for figure, period, value in (
            ("complaints", WINDOW, cell.complaints),
            ("reports", WINDOW, cell.reports),
            ("answers", WINDOW, cell.answers),
            ("total", WINDOW, cell.total),
            ("total", LAST, cell.last_month),
            ("total", BEFORE, cell.month_before),
        ):
            rows.append([*head, figure, period, value])
        sums.append((first + 3, [first, first + 1, first + 2]))  # total = the three
    for place in spots.places:
        head = ["place", place.ref, place.name, place.lat, place.lon, place.subdistrict or ""]
        window = len(rows)
        rows.append([*head, "complaints", WINDOW, place.complaints])
        parts = []
        for month, n in zip(months, place.months, strict=False):
            parts.append(len(rows))
            rows.append([*head, "complaints", month, n])
        rows.append([*head, "complaints", LAST, place.last_month])
        rows.append([*head, "complaints", BEFORE, place.month_before])
        sums.append((window, parts))
    if small_cells:
        shown = suppress({k: int(r[-1]) for k, r in enumerate(rows)}, sums)
        for k, written in shown.items():
            rows[k][-1] = written
    return rows


def hotspots_csv(spots: Hotspots, *, small_cells: bool = False) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in hotspot_rows(spots, small_cells=small_cells):
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def hotspots_xlsx(spots: Hotspots, locale: str, *, small_cells: bool = False) -> bytes:
    import xlsxwriter  # only when a spreadsheet is asked for

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("hotspots")
    sheet.write_row(0, 0, HEADER, bold)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(hotspot_rows(spots, small_cells=small_cells), start=1):
        for c, cell in enumerate(row):
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                sheet.write_number(r, c, cell)
            else:
                sheet.write_string(r, c, str(csv_safe(cell)))
    if small_cells:
        book.add_worksheet("notes").write_string(0, 0, gettext(locale, N_SMALL_CELLS))
    book.close()
    return buffer.getvalue()


__all__ = ["hotspot_rows", "hotspots_csv", "hotspots_xlsx"]
