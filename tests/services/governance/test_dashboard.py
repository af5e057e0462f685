"""The district overview: every service's figure counted right on a small seeded year (per
local month and in total, per sub-district), and the boundary — a grid officer of A never
sees a number of B's, in a figure, a total, the map layer or an export; asking for B is
refused; district admins see both and the complaints placed in neither."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from gigcity.db.models import GovComplaint
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.governance.dashboard import month_starts
from gigcity.services.governance.dashboard_schemas import Figure
from gigcity.services.governance.suppression import suppress
from gigcity.services.platform import Platform
from services.governance.dashboard_support import (
    EXPECTED,
    HELD_FILED,
    NOW,
    POINTS,
    SINCE,
    TOPICS,
    UNPLACED,
    UNTIL,
    A,
    B,
    Seeded,
    seed_overview,
)

ADMIN = Principal(role=Role.admin, label="dash-admin")


@pytest.fixture
def seeded(platform: Platform) -> Seeded:
    platform.governance.clock = lambda: NOW
    return seed_overview(platform)


def _totals(area: object) -> dict[str, int]:
    figures = area.total  # type: ignore[attr-defined]
    return {f.value: figures.value(f) for f in Figure}


def test_an_admin_sees_every_figure_of_each_sub_district_and_the_district(
    platform: Platform, seeded: Seeded
) -> None:
    out = platform.governance.district_overview(ADMIN, SINCE, UNTIL)

    subs = {s.code: s for s in out.subdistricts}
    assert len(subs) == len(platform.district.subdistricts)
    for code in (A, B):
        assert _totals(subs[code]) == EXPECTED[code]
        assert {k: v for k, v in subs[code].total.complaints_by_topic.items() if v} == TOPICS[code]
        assert subs[code].service_points == POINTS[code]
    others = [s for s in out.subdistricts if s.code not in (A, B)]
    assert all(not any(_totals(s).values()) for s in others)
    district = _totals(out.total)
    for figure in Figure:
        extra = UNPLACED if figure == Figure.complaints else 0
        assert (
            district[figure.value] == EXPECTED[A][figure.value] + EXPECTED[B][figure.value] + extra
        )
    assert out.unplaced_complaints == UNPLACED
    assert out.subdistrict is None
    assert {s.figure: s.service for s in out.sources}[Figure.bed_nights] == "stays"


def test_figures_fall_in_their_local_month(platform: Platform, seeded: Seeded) -> None:
    out = platform.governance.district_overview(ADMIN, SINCE, UNTIL, A)
    months = {m.month: m.figures for m in out.total.months}
    assert list(months) == [date(2025, m, 1) for m in range(1, 13)]
    # Mar: the complaint at 00:30 on 1 March in Shanghai (still February in UTC) included.
    assert [months[date(2025, m, 1)].complaints for m in range(1, 13)] == [
        1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0,
    ]  # fmt: skip
    assert months[date(2025, 3, 1)].reports_filed == 4
    assert months[date(2025, 4, 1)].agreed_overdue == 1
    assert months[date(2025, 5, 1)].survey_answers == 3
    assert months[date(2025, 7, 1)].measures_cost_fen == 150_000
    assert months[date(2025, 8, 1)].relay_delivered == 2
    assert months[date(2025, 9, 1)].meals_delivered == 2
    assert months[date(2025, 10, 1)].bed_nights == 3
    assert months[date(2025, 10, 1)].volunteer_tasks_done == 1


def test_an_officer_sees_only_their_own_sub_district_and_no_held_report(
    platform: Platform, seeded: Seeded
) -> None:
    out = platform.governance.district_overview(seeded.officer_a, SINCE, UNTIL)

    assert out.subdistrict == A
    assert [s.code for s in out.subdistricts] == [A]
    want = dict(EXPECTED[A])
    want["reports_filed"] -= HELD_FILED
    want["reports_resolved"] -= HELD_FILED
    assert _totals(out.total) == want  # B's numbers are in no total either
    assert _totals(out.subdistricts[0]) == want
    assert out.total.service_points == POINTS[A]
    assert out.unplaced_complaints == 0
    # Asking for their own by name is the same answer.
    again = platform.governance.district_overview(seeded.officer_a, SINCE, UNTIL, A)
    assert again == out


def test_an_officer_asking_for_another_sub_district_is_refused_everywhere(
    platform: Platform, seeded: Seeded
) -> None:
    gov = platform.governance
    for call in (
        lambda: gov.district_overview(seeded.officer_a, SINCE, UNTIL, B),
        lambda: gov.overview_geojson(seeded.officer_a, SINCE, UNTIL, B),
        lambda: gov.overview_file(seeded.officer_a, "csv", SINCE, UNTIL, B),
        lambda: gov.overview_file(seeded.officer_a, "xlsx", SINCE, UNTIL, B),
    ):
        with pytest.raises(Forbidden):
            call()
    for who in (seeded.rider, Principal(role=Role.staff, label="x")):
        with pytest.raises(Forbidden):
            gov.district_overview(who, SINCE, UNTIL)


def test_exports_and_the_map_hold_the_officers_numbers_only(
    platform: Platform, seeded: Seeded
) -> None:
    gov = platform.governance
    layer = gov.overview_geojson(seeded.officer_a, SINCE, UNTIL)
    assert [f["id"] for f in layer["features"]] == [A]
    assert layer["features"][0]["properties"]["complaints"] == EXPECTED[A]["complaints"]
    assert layer["features"][0]["geometry"]["type"] == "Polygon"

    file = gov.overview_file(seeded.officer_a, "csv", SINCE, UNTIL, locale="en")
    rows = list(csv.DictReader(io.StringIO(file.body.decode("utf-8-sig"))))
    assert {r["subdistrict"] for r in rows} == {A}
    total = {r["figure"]: r["value"] for r in rows if r["month"] == "total"}
    assert total["complaints"] == str(EXPECTED[A]["complaints"])
    assert total["relay_delivered"] == "<3"  # 2: a small cell in an officer's file
    assert total["measures_cost_fen"] == "1500.00"  # in yuan
    assert total["complaints.parking"] == "<3"
    assert total["map_nearby"] == "5"

    book = load_workbook(io.BytesIO(gov.overview_file(seeded.officer_a, "xlsx", SINCE, UNTIL).body))
    sheet = list(book["overview"].iter_rows(values_only=True))
    assert {row[1] for row in sheet[1:]} == {A}
    xlsx_total = {row[5]: row[7] for row in sheet[1:] if row[0] == "total"}
    assert xlsx_total["meals_delivered"] == "<3"
    assert xlsx_total["bed_nights"] == EXPECTED[A]["bed_nights"]
    assert xlsx_total["measures_cost_fen"] == pytest.approx(1500.0)
    assert "<3" in str(book["notes"]["A1"].value)


def _file_values(
    platform: Platform, who: Principal, area: str | None
) -> dict[tuple[str, str], str]:
    file = platform.governance.overview_file(who, "csv", SINCE, UNTIL, area, locale="en")
    rows = csv.DictReader(io.StringIO(file.body.decode("utf-8-sig")))
    return {(r["month"], r["figure"]): r["value"] for r in rows}


def test_an_officers_file_hides_small_counts_and_what_would_give_them_away(
    platform: Platform, seeded: Seeded
) -> None:
    exact = _file_values(platform, ADMIN, A)  # an admin's file of A: exact
    shown = _file_values(platform, seeded.officer_a, None)
    assert exact.keys() == shown.keys()
    assert "<3" not in exact.values()
    assert "*" not in exact.values()
    people = ("complaints", "reports", "survey", "relay", "meals", "bed", "volunteer")
    hidden = 0
    for key, value in exact.items():
        if key[1].startswith("reports"):
            continue  # an admin's count held reports too
        if not key[1].startswith(people):
            assert shown[key] == value, key  # measures, meetings, map use, service points
        elif value in ("1", "2"):
            assert shown[key] == "<3", key
            hidden += 1
        else:
            assert shown[key] in (value, "*"), key
    assert hidden >= 10
    # No sum has exactly one cell hidden: months to the total, topics to the complaints.
    months = sorted({m for m, _ in shown if m != "total"})
    figures = {f for _, f in shown if f.startswith(people)}
    sums = [(("total", f), [(m, f) for m in months]) for f in figures]
    topics = [f for f in figures if f.startswith("complaints.")]
    sums += [((m, "complaints"), [(m, t) for t in topics]) for m in [*months, "total"]]
    for total, parts in sums:
        cells = [total, *parts]
        assert sum(1 for c in cells if shown[c] in ("<3", "*")) != 1, total


@pytest.mark.one_database  # pure
@given(st.lists(st.integers(0, 6), min_size=2, max_size=8), st.integers(0, 6))
def test_suppression_leaves_no_small_count_to_subtraction(parts: list[int], extra: int) -> None:
    values: dict[object, int] = dict(enumerate(parts)) | {"sum": sum(parts), "other": extra}
    shown = suppress(values, [("sum", list(range(len(parts))))])
    for key, value in values.items():
        if 0 < value < 3:
            assert shown[key] == "<3"
        elif shown[key] not in ("<3", "*"):
            assert shown[key] == value
    cells = ["sum", *range(len(parts))]
    assert sum(1 for c in cells if shown[c] in ("<3", "*")) != 1
    assert shown["other"] == ("<3" if 0 < extra < 3 else extra)


def test_hotspots_files_hide_small_counts_for_officers_only(
    platform: Platform, seeded: Seeded
) -> None:
    gov = platform.governance
    centre = platform.district.get(A)
    assert centre is not None
    with transaction(platform.factory) as session:  # 2 complaints at one spot, 4 at another
        for n, north in enumerate([0.0, 0.0, 0.01, 0.01, 0.01, 0.01]):
            session.add(
                GovComplaint(
                    fingerprint=f"spot-{n}", received_at=datetime(2025, 6, 2 + n, 4, tzinfo=UTC),
                    address="地址", content="内容", subdistrict=A, placed=True, topic="parking",
                    lat=centre.lat + north, lon=centre.lon,
                )
            )  # fmt: skip
    exact = gov.hotspots_file(ADMIN, "csv", since=SINCE, until=UNTIL, subdistrict=A)
    rows = list(csv.DictReader(io.StringIO(exact.body.decode("utf-8-sig"))))
    assert rows
    assert {r["subdistrict"] for r in rows} == {A}
    assert any(r["value"] in ("1", "2") for r in rows)
    theirs = gov.hotspots_file(seeded.officer_a, "csv", since=SINCE, until=UNTIL)
    hidden = list(csv.DictReader(io.StringIO(theirs.body.decode("utf-8-sig"))))
    assert [r["ref"] for r in hidden] == [r["ref"] for r in rows]
    for mine, admins in zip(hidden, rows, strict=True):
        if admins["value"] in ("1", "2"):
            assert mine["value"] == "<3"
        else:
            assert mine["value"] in (admins["value"], "*")
    book = load_workbook(
        io.BytesIO(gov.hotspots_file(seeded.officer_a, "xlsx", since=SINCE, until=UNTIL).body)
    )
    values = [row[-1] for row in book["hotspots"].iter_rows(min_row=2, values_only=True)]
    assert "<3" in values
    assert 1 not in values
    assert 2 not in values
    with pytest.raises(Forbidden):
        gov.hotspots_file(seeded.officer_a, "csv", since=SINCE, until=UNTIL, subdistrict=B)


def test_an_admins_export_has_each_sub_district_and_the_district(
    platform: Platform, seeded: Seeded
) -> None:
    file = platform.governance.overview_file(ADMIN, "csv", SINCE, UNTIL)
    rows = list(csv.DictReader(io.StringIO(file.body.decode("utf-8-sig"))))
    total = {(r["subdistrict"], r["figure"]): r["value"] for r in rows if r["month"] == "total"}
    assert total[(B, "reports_filed")] == "7"
    assert total[("*", "complaints")] == str(
        EXPECTED[A]["complaints"] + EXPECTED[B]["complaints"] + UNPLACED
    )
    assert "普陀区" in {r["subdistrict_name"] for r in rows}  # names in the reader's language


def test_a_window_starting_mid_month_reads_the_reports_day_rollups(
    platform: Platform, seeded: Seeded
) -> None:
    out = platform.governance.district_overview(ADMIN, date(2025, 3, 6), UNTIL, B)
    assert out.total.total.reports_resolved == EXPECTED[B]["reports_resolved"]
    assert out.total.total.reports_filed == EXPECTED[B]["reports_filed"]
    assert out.total.months[0].month == date(2025, 3, 1)


def test_a_window_inside_one_month_or_one_day(platform: Platform, seeded: Seeded) -> None:
    march = platform.governance.district_overview(ADMIN, date(2025, 3, 1), date(2025, 3, 31), A)
    assert [m.month for m in march.total.months] == [date(2025, 3, 1)]
    assert march.total.total.complaints == 2  # 00:30 on 1 March local, and 20 March
    day = platform.governance.district_overview(ADMIN, date(2025, 3, 20), date(2025, 3, 20), A)
    assert day.total.total.complaints == 1
    assert day.total.months[0].figures.complaints == 1


def test_the_window_is_at_most_a_year_and_in_order(platform: Platform, seeded: Seeded) -> None:
    gov = platform.governance
    with pytest.raises(InvalidInput):
        gov.district_overview(ADMIN, date(2025, 1, 1), date(2026, 1, 2))
    with pytest.raises(InvalidInput):
        gov.district_overview(ADMIN, date(2025, 5, 1), date(2025, 4, 1))
    with pytest.raises(InvalidInput):
        gov.district_overview(ADMIN, SINCE, UNTIL, "nowhere")
    default = gov.district_overview(ADMIN)
    assert default.until == NOW.date()
    assert default.since == date(2025, 1, 1)  # twelve local months to today
    assert len(default.total.months) == 12


def test_services_without_data_answer_zeros(platform: Platform) -> None:
    platform.governance.clock = lambda: NOW
    out = platform.governance.district_overview(ADMIN, SINCE, UNTIL)
    assert all(v == 0 for v in _totals(out.total).values())
    assert len(out.total.months) == 12


@given(
    since=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    length=st.integers(0, 365),
)
def test_months_cover_the_window_once(since: date, length: int) -> None:
    until = since + timedelta(days=length)
    months = month_starts(since, until)
    assert months[0] == since.replace(day=1)
    assert months[-1] == until.replace(day=1)
    assert all(m.day == 1 for m in months)
    assert all(a < b for a, b in pairwise(months))
    assert len(months) == (until.year - since.year) * 12 + until.month - since.month + 1
