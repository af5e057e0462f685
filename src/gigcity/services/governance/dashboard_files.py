"""The district overview as files: its map layer (GeoJSON) and its figures as rows for
CSV and XLSX. Pure: they render an `Overview` already scoped by who asked, so a file holds
exactly what the caller's JSON answer holds."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from gigcity.geo.district import District
from gigcity.i18n import N_, gettext
from gigcity.services.governance.dashboard_schemas import (
    FIGURE_TITLES,
    SOURCE_TITLES,
    SOURCES,
    AreaFigures,
    Figure,
    Figures,
    Overview,
    Source,
)
from gigcity.services.governance.suppression import SMALL, WITHHELD, suppress
from gigcity.services.governance.topics import TOPIC_TITLES, Topic
from gigcity.services.spreadsheets import csv_safe

CSV_MEDIA = "text/csv; charset=utf-8"
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "month", "subdistrict", "subdistrict_name", "service", "service_name", "figure",
    "figure_name", "value",
]  # fmt: skip
TOTAL = "total"  # the month column of a window's total
DISTRICT = "*"  # the sub-district column of the district's total
POINTS = "service_points"
# Figures that count what people did or received (suppressed when small in officers'
# files); measures, meetings and their items count what the district did, map use
# anonymous requests.
NOT_PEOPLE = {
    Figure.measures_started, Figure.measures_cost_fen, Figure.consultations_held,
    Figure.agreed_overdue, Figure.map_nearby, Figure.map_details,
}  # fmt: skip
N_SMALL_CELLS = N_(
    "<3: a count of 1 or 2, not shown so that nobody can be singled out; *: withheld so that "
    "a <3 cannot be worked out from a total."
)


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


def _figure_rows(
    month: str, code: str, name: str, figures: Figures, locale: str
) -> Iterator[list[Any]]:
    for figure in Figure:
        source = SOURCES[figure]
        value: Any = figures.value(figure)
        if figure == Figure.measures_cost_fen:
            value = _yuan(value)
        head = [month, code, name, source.value, gettext(locale, SOURCE_TITLES[source])]
        yield [*head, figure.value, gettext(locale, FIGURE_TITLES[figure]), value]
        if figure == Figure.complaints:
            for topic in Topic:
                title = gettext(locale, FIGURE_TITLES[figure]) + " · "
                title += gettext(locale, TOPIC_TITLES[topic])
                count = figures.complaints_by_topic.get(topic.value, 0)
                yield [*head, f"complaints.{topic.value}", title, count]


def _area_rows(area: AreaFigures, code: str, name: str, locale: str) -> Iterator[list[Any]]:
    for month in area.months:
        yield from _figure_rows(month.month.strftime("%Y-%m"), code, name, month.figures, locale)
    yield from _figure_rows(TOTAL, code, name, area.total, locale)
    places = gettext(locale, SOURCE_TITLES[Source.places])
    title = gettext(locale, N_("Service points on the map, today"))
    for kind, n in area.service_points.items():
        yield [TOTAL, code, name, Source.places.value, places, f"{POINTS}.{kind}", title, n]


def overview_rows(
    overview: Overview, district: District, locale: str, *, small_cells: bool = False
) -> list[list[Any]]:
    """One row per (month or the window's total, sub-district, figure): every number of
    the overview, long-form (a pivot table makes any cross-tab of it). `small_cells`:
    counts of people's records of 1 or 2 written "<3" (see `suppression`)."""
    rows: list[list[Any]] = []
    for area in overview.subdistricts:
        sub = district.get(area.code or "")
        name = sub.display_name(locale) if sub else (area.code or "")
        rows.extend(_area_rows(area, area.code or "", name, locale))
    if overview.subdistrict is None:  # the district's total, placed or not
        name = district.display_name(locale)
        rows.extend(_area_rows(overview.total, DISTRICT, name, locale))
    if small_cells:
        _suppress_rows(rows, [m.month.strftime("%Y-%m") for m in overview.total.months])
    return rows


def _people_figure(figure_id: str) -> bool:
    head = figure_id.split(".", 1)[0]
    return head in Figure.__members__ and Figure(head) not in NOT_PEOPLE


def _suppress_rows(rows: list[list[Any]], months: list[str]) -> None:
    """Write small counts of people's records as "<3", and withhold what would give them
    away by subtraction: months add up to the total, topics to the complaints."""
    values = {(r[0], r[1], r[5]): int(r[7]) for r in rows if _people_figure(str(r[5]))}
    codes = {code for _, code, _ in values}
    figures = {figure for _, _, figure in values}
    topics = [f"complaints.{t.value}" for t in Topic]
    sums: list[tuple[tuple[str, str, str], list[tuple[str, str, str]]]] = []
    for code in codes:
        for figure in figures:
            sums.append(((TOTAL, code, figure), [(m, code, figure) for m in months]))
        for month in [*months, TOTAL]:
            sums.append(((month, code, "complaints"), [(month, code, t) for t in topics]))
    shown = suppress(values, [(t, [p for p in ps if p in values]) for t, ps in sums if t in values])
    for r in rows:
        key = (r[0], r[1], r[5])
        if key in shown:
            r[7] = shown[key]


def overview_csv(
    overview: Overview, district: District, locale: str, *, small_cells: bool = False
) -> bytes:
    """UTF-8 with a BOM (spreadsheets read it as such); text cells through `csv_safe`."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in overview_rows(overview, district, locale, small_cells=small_cells):
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def overview_xlsx(
    overview: Overview, district: District, locale: str, *, small_cells: bool = False
) -> bytes:
    """The same rows as a sheet (numbers as numbers), and a second sheet naming the
    service each figure comes from (and, with `small_cells`, a note on "<3")."""
    import xlsxwriter  # only when a spreadsheet is asked for: not at every start-up

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "0.00"})
    sheet = book.add_worksheet("overview")
    sheet.write_row(0, 0, HEADER, bold)
    sheet.freeze_panes(1, 0)
    rows = overview_rows(overview, district, locale, small_cells=small_cells)
    for r, row in enumerate(rows, start=1):
        *text, value = row
        for c, cell in enumerate(text):
            sheet.write_string(r, c, str(csv_safe(cell)))
        if isinstance(value, int):
            sheet.write_number(r, len(text), value)
        elif value in (SMALL, WITHHELD):
            sheet.write_string(r, len(text), value)
        else:  # yuan, as written in the CSV
            sheet.write_number(r, len(text), float(value), money)
    sources = book.add_worksheet("sources")
    sources.write_row(0, 0, ["figure", "figure_name", "service", "service_name"], bold)
    for r, figure in enumerate(Figure, start=1):
        source = SOURCES[figure]
        names = [gettext(locale, FIGURE_TITLES[figure]), gettext(locale, SOURCE_TITLES[source])]
        sources.write_row(r, 0, [figure.value, names[0], source.value, names[1]])
    if small_cells:
        book.add_worksheet("notes").write_string(0, 0, gettext(locale, N_SMALL_CELLS))
    book.close()
    return buffer.getvalue()


def overview_geojson(overview: Overview, district: District) -> dict[str, Any]:
    """Each visible sub-district's cell with its window totals (RFC 7946, WGS-84)."""
    cells = {f["id"]: f["geometry"] for f in district.geojson()["features"]}
    features = []
    for area in overview.subdistricts:
        cell = cells.get(area.code or "")
        sub = district.get(area.code or "")
        if cell is None or sub is None:
            continue
        totals = area.total.model_dump()
        features.append(
            {
                "type": "Feature",
                "id": sub.code,
                "geometry": cell,
                "properties": {
                    "code": sub.code,
                    "name": sub.name,
                    "point": [sub.lon, sub.lat],
                    **totals,
                    POINTS: sum(area.service_points.values()),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "since": overview.since.isoformat(),
        "until": overview.until.isoformat(),
        "features": features,
    }
