"""Monthly statements per funder and the exports: what the funders owe reconciles with the
meals delivered, cancelled and undelivered meals are kept but charged nothing, officers see
their own sub-district, and the CSV and XLSX files open in a spreadsheet as the same table."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import openpyxl
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from gigcity.app import create_app
from gigcity.db.models import ElderMeal, FunderMovement
from gigcity.db.session import transaction
from gigcity.services.accounts import Role
from gigcity.services.eldercare.funding import (
    Funder,
    MealCharge,
    MealStatus,
    monthly_statement,
    split,
)
from gigcity.services.eldercare.statement_schemas import StatementOut
from gigcity.services.eldercare.statements import (
    BOM,
    MEAL_COLUMNS,
    Statements,
    month_days,
    parse_month,
    yuan_text,
)
from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.platform import Platform
from services.eldercare.statement_support import (
    ADMIN,
    CHANGZHENG_OFFICER,
    RIDER,
    RULE,
    SECRET_NAME,
    STATES,
    WANLI_OFFICER,
    MealSpec,
    Place,
    add_meals,
    clear_meals,
    make_place,
    statements_service,
)
from support import add_account, token

MARCH = date(2026, 3, 1)


@pytest.fixture
def service(platform: Platform) -> Statements:
    return statements_service(platform)


@pytest.fixture
def place(platform: Platform) -> Place:
    return make_place(platform)


def a_month_of_meals(place: Place) -> list[MealSpec]:
    """March in both sub-districts, in every state, and a meal either side of March."""
    return [
        MealSpec(("wanli", "low_income"), date(2026, 3, 2), "lunch", "delivered", 1500),
        MealSpec(("wanli", "low_income"), date(2026, 3, 3), "lunch", "delivered", 1500),
        MealSpec(("wanli", "standard"), date(2026, 3, 2), "lunch", "delivered", 1500),
        MealSpec(("wanli", "over_80"), date(2026, 3, 2), "lunch", "cancelled", 1500),
        MealSpec(("wanli", "over_80"), date(2026, 3, 31), "dinner", "not_delivered", 1500),
        MealSpec(("wanli", "disabled"), date(2026, 3, 4), "lunch", "out", 1500),
        MealSpec(("changzheng", "disabled"), date(2026, 3, 2), "lunch", "delivered", 1200),
        MealSpec(("changzheng", "standard"), date(2026, 3, 5), "lunch", "ordered", 1500),
        MealSpec(("wanli", "low_income"), date(2026, 2, 28), "lunch", "delivered", 1500),
        MealSpec(("wanli", "low_income"), date(2026, 4, 1), "lunch", "delivered", 1500),
    ]


def funder(out: StatementOut, who: Funder) -> int:
    return next(line.owed_fen for line in out.funders if line.funder is who)


# -- the statement ----------------------------------------------------------------------
def test_the_statement_charges_delivered_meals_and_keeps_the_others(
    platform: Platform, service: Statements, place: Place
) -> None:
    add_meals(platform, place, a_month_of_meals(place))
    out = service.statement(ADMIN, MARCH)

    # 15-yuan low-income meal: subsidy 10, enterprise 2, charity 1.50, co-pay 1.50 (twice);
    # standard: subsidy 0, enterprise 2, charity 1.50 + 3.50 over the 8-yuan ceiling, co-pay
    # 8; a 12-yuan disabled meal: subsidy 6 (half), enterprise 2, charity 1.20, co-pay 2.80.
    assert funder(out, Funder.subsidy) == 2 * 1000 + 0 + 600
    assert funder(out, Funder.enterprise) == 4 * 200
    assert funder(out, Funder.charity) == 2 * 150 + 500 + 120
    assert funder(out, Funder.copay) == 2 * 150 + 800 + 280
    assert out.owed_fen == out.delivered_price_fen == 3 * 1500 + 1200
    assert out.reconciled
    assert out.differences == []
    assert out.meals.model_dump() == {
        "ordered": 1, "out": 1, "delivered": 4, "not_delivered": 1, "cancelled": 1, "total": 8,
    }  # fmt: skip
    by_category = {line.category: line for line in out.categories}
    assert by_category["low_income"].subsidy_fen == 2000
    assert by_category["low_income"].delivered == 2
    assert by_category["over_80"].subsidy_fen == 0
    assert by_category["over_80"].not_charged == 2
    assert by_category["disabled"].titles is not None
    assert by_category["disabled"].titles.zh_CN == "失能"
    assert out.funding_rules == ["test-meals-2026"]
    assert (out.first_day, out.last_day) == (date(2026, 3, 1), date(2026, 3, 31))


def test_a_month_without_meals_is_an_empty_reconciled_statement(
    service: Statements, place: Place
) -> None:
    out = service.statement(ADMIN, date(2026, 2, 1))
    assert out.reconciled
    assert out.owed_fen == 0
    assert out.meals.total == 0
    assert out.last_day == date(2026, 2, 28)


def test_officers_see_only_their_own_sub_district(
    platform: Platform, service: Statements, place: Place
) -> None:
    add_meals(platform, place, a_month_of_meals(place))
    wanli = service.statement(WANLI_OFFICER, MARCH)
    assert wanli.subdistrict == "wanli"
    assert wanli.meals.total == 6
    assert wanli.meals.delivered == 3
    assert wanli.owed_fen == 3 * 1500
    assert wanli.reconciled
    changzheng = service.statement(CHANGZHENG_OFFICER, MARCH)
    assert changzheng.owed_fen == 1200
    assert changzheng.meals.total == 2
    # An admin may narrow to a sub-district and gets the officer's figures.
    assert service.statement(ADMIN, MARCH, subdistrict="wanli") == wanli

    with pytest.raises(Forbidden):
        service.statement(WANLI_OFFICER, MARCH, subdistrict="changzheng")
    with pytest.raises(Forbidden):
        service.statement(RIDER, MARCH)
    with pytest.raises(Forbidden):
        service.meals_export(CHANGZHENG_OFFICER, MARCH, MARCH, "csv", subdistrict="wanli")


def test_a_canteen_statement_counts_only_its_meals(
    platform: Platform, service: Statements, place: Place
) -> None:
    add_meals(platform, place, a_month_of_meals(place))
    out = service.statement(ADMIN, MARCH, canteen_id=place.canteens["changzheng"])
    assert out.owed_fen == 1200
    assert out.meals.total == 2
    assert out.reconciled
    with pytest.raises(NotFound):
        service.statement(ADMIN, MARCH, canteen_id=999_999)


def test_a_ledger_that_does_not_match_the_meals_is_not_reconciled(
    platform: Platform, service: Statements, place: Place
) -> None:
    ids = add_meals(platform, place, a_month_of_meals(place))
    delivered, cancelled = ids[0], ids[3]
    with transaction(platform.factory) as session:
        session.execute(
            delete(FunderMovement).where(
                FunderMovement.meal_id == delivered, FunderMovement.funder == "enterprise"
            )
        )
        # A cancelled meal charged to the charity fund by mistake.
        session.add(
            FunderMovement(
                meal_id=cancelled, funder="charity", day=date(2026, 3, 2), amount_fen=150
            )
        )
    out = service.statement(ADMIN, MARCH)
    assert not out.reconciled
    lines = {line.funder: line for line in out.funders}
    assert lines[Funder.enterprise].difference_fen == -200
    assert lines[Funder.charity].difference_fen == 150
    assert {(d.meal_id, d.funder, d.split_fen, d.ledger_fen) for d in out.differences} == {
        (delivered, Funder.enterprise, 200, 0),
        (cancelled, Funder.charity, 0, 150),
    }
    assert not out.more_differences


meal_keys = st.tuples(
    st.sampled_from(["wanli", "changzheng"]),
    st.sampled_from(RULE.categories()),
    st.integers(0, 30),  # day of March
    st.sampled_from(["lunch", "dinner"]),
)
meal_sets = st.dictionaries(
    meal_keys,
    st.tuples(st.sampled_from(STATES), st.integers(0, 5000)),
    max_size=25,
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meals=meal_sets)
def test_any_month_reconciles_to_the_delivered_splits(
    platform: Platform,
    service: Statements,
    place: Place,
    meals: dict[tuple[str, str, int, str], tuple[str, int]],
) -> None:
    clear_meals(platform)
    specs = [
        MealSpec((sub, category), MARCH + timedelta(days=day), meal, state, price)
        for (sub, category, day, meal), (state, price) in meals.items()
    ]
    ids = add_meals(platform, place, specs)
    out = service.statement(ADMIN, MARCH)

    # The pure statement of the same meals (ordered and out meals are not yet charged).
    expected = monthly_statement(
        MealCharge(meal_id, MealStatus(spec.state), split(spec.price_fen, spec.elder[1], RULE))
        for meal_id, spec in zip(ids, specs, strict=True)
        if spec.state in {"delivered", "not_delivered", "cancelled"}
    )
    with platform.factory() as session:
        ledger: Counter[str] = Counter()
        for who, fen in session.execute(select(FunderMovement.funder, FunderMovement.amount_fen)):
            ledger[who] += fen
    for line in out.funders:
        assert line.owed_fen == line.delivered_fen == expected.totals[line.funder]
        assert line.owed_fen == ledger[line.funder.value]
    assert out.reconciled
    assert out.differences == []
    assert out.owed_fen == out.delivered_price_fen == expected.delivered_price_fen
    assert {c.category: c.subsidy_fen for c in out.categories if c.delivered} == dict(
        expected.subsidy_by_category.items()
    )
    states = Counter(spec.state for spec in specs)
    assert out.meals.model_dump() == {s: states[s] for s in STATES} | {"total": len(specs)}
    wanli = service.statement(WANLI_OFFICER, MARCH)
    assert wanli.meals.total == sum(1 for spec in specs if spec.elder[0] == "wanli")


@given(text=st.text(max_size=12))
def test_a_month_is_year_dash_month_or_an_error_naming_the_field(text: str) -> None:
    if re.fullmatch(r"\s*(2\d{3})-(0[1-9]|1[0-2])\s*", text, flags=re.ASCII):
        first = parse_month(text)
        assert first.day == 1
        assert text.strip() == first.strftime("%Y-%m")
    else:
        with pytest.raises(InvalidInput) as refused:
            parse_month(text)
        assert refused.value.field == "month"


@pytest.mark.parametrize("text", ["2026-3", "2026-00", "26-03", "2026-03-01", "二〇二六-03"])
def test_months_written_otherwise_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_month(text)


def test_month_days_and_yuan_text() -> None:
    assert month_days(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_days(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert [yuan_text(f) for f in (0, 5, 1250, 100000, -5)] == [
        "0.00", "0.05", "12.50", "1000.00", "-0.05",
    ]  # fmt: skip


# -- exports ----------------------------------------------------------------------------
def joined(chunks: Iterator[bytes]) -> bytes:
    return b"".join(chunks)


def csv_table(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM.encode("utf-8"))
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_table(data: bytes) -> list[list[str]]:
    """The workbook's cells as the CSV writes them (money with two decimals, ISO days)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = []
    header: list[str] = []
    for row in book.worksheets[0].iter_rows(values_only=True):
        if not header:
            header = [str(v) for v in row]
            rows.append(header)
            continue
        cells = []
        for name, value in zip(header, row, strict=True):
            if value is None:
                cells.append("")
            elif name.endswith("_yuan"):
                cells.append(f"{value:.2f}")
            elif hasattr(value, "date"):
                cells.append(value.date().isoformat())
            else:
                cells.append(str(value))
        rows.append(cells)
    return rows


def test_the_meals_export_is_a_csv_excel_opens_with_ids_not_names(
    platform: Platform, service: Statements, place: Place
) -> None:
    rider = add_account(platform, "meal-rider", Role.rider)
    specs = a_month_of_meals(place)
    specs[0] = MealSpec(specs[0].elder, specs[0].day, "lunch", "delivered", 1500, rider.account_id)
    ids = add_meals(platform, place, specs)
    export = service.meals_export(ADMIN, date(2026, 3, 1), date(2026, 3, 31), "csv")
    assert export.filename == "meals-2026-03-01-2026-03-31.csv"
    data = joined(export.chunks)
    assert SECRET_NAME.encode() not in data
    assert b"401" not in data
    table = csv_table(data)
    assert table[0] == list(MEAL_COLUMNS)
    assert len(table) == 1 + 8
    first = dict(zip(table[0], table[1], strict=True))
    assert first["id"] == str(ids[0])
    assert first["day"] == "2026-03-02"
    assert first["price_yuan"] == "15.00"
    assert first["price_fen"] == "1500"
    assert (first["subsidy_yuan"], first["copay_yuan"]) == ("10.00", "1.50")
    assert first["rider_id"] == str(rider.account_id)
    assert first["by_primary"] == "yes"
    assert first["delivered_at"] == "2026-03-02T11:40:00+08:00"
    assert first["door_check"] == "seen_well"
    assert first["charged"] == "yes"
    assert first["canteen"] == "'=万里长者食堂"  # a formula-looking name is not run
    cancelled = next(r for r in table[1:] if r[table[0].index("state")] == "cancelled")
    assert cancelled[table[0].index("charged")] == "no"


def test_the_xlsx_export_matches_the_csv(
    platform: Platform, service: Statements, place: Place
) -> None:
    add_meals(platform, place, a_month_of_meals(place))
    first, last = date(2026, 2, 1), date(2026, 4, 30)
    as_csv = csv_table(joined(service.meals_export(ADMIN, first, last, "csv").chunks))
    export = service.meals_export(ADMIN, first, last, "xlsx")
    assert export.filename.endswith(".xlsx")
    assert xlsx_table(joined(export.chunks)) == as_csv
    assert len(as_csv) == 1 + 10


def test_officers_export_their_own_older_people_only(
    platform: Platform, service: Statements, place: Place
) -> None:
    add_meals(platform, place, a_month_of_meals(place))
    table = csv_table(
        joined(service.meals_export(CHANGZHENG_OFFICER, MARCH, date(2026, 3, 31), "csv").chunks)
    )
    column = table[0].index("subdistrict")
    assert [row[column] for row in table[1:]] == ["changzheng", "changzheng"]


def test_an_export_needs_a_sensible_window_and_format(service: Statements) -> None:
    with pytest.raises(InvalidInput) as backwards:
        service.meals_export(ADMIN, date(2026, 3, 2), date(2026, 3, 1), "csv")
    assert backwards.value.field == "last"
    with pytest.raises(InvalidInput) as too_long:
        service.meals_export(ADMIN, date(2025, 1, 1), date(2026, 1, 2), "csv")
    assert too_long.value.field == "last"
    with pytest.raises(InvalidInput) as pdf:
        service.meals_export(ADMIN, MARCH, MARCH, "pdf")
    assert pdf.value.field == "format"


def test_the_statement_export_lists_funders_categories_and_totals(
    platform: Platform, service: Statements, place: Place
) -> None:
    add_meals(platform, place, a_month_of_meals(place))
    export = service.statement_export(ADMIN, MARCH, "csv", locale="zh_CN")
    assert export.filename == "statement-2026-03.csv"
    table = csv_table(joined(export.chunks))
    lines = {(row[1]): row for row in table[1:]}
    assert lines["subsidy"][4:6] == ["2600", "26.00"]
    assert lines["owed"][4:8] == ["5700", "57.00", "5700", "0"]
    assert lines["low_income"][2] == "低保、低收入"
    assert lines["cancelled"][3] == "1"
    english = csv_table(joined(service.statement_export(ADMIN, MARCH, "csv", locale="en").chunks))
    assert english[0][0] == "Section"
    assert english[1][2] == "All sub-districts"
    xlsx = service.statement_export(ADMIN, MARCH, "xlsx", locale="zh_CN")
    book = openpyxl.load_workbook(io.BytesIO(joined(xlsx.chunks)), read_only=True)
    cells = [["" if v is None else str(v) for v in row] for row in book.worksheets[0].values]
    assert cells == table


# -- over HTTP --------------------------------------------------------------------------
@pytest.fixture
def api(platform: Platform, service: Statements) -> Iterator[TestClient]:
    platform.eldercare = service  # type: ignore[assignment]  (the statements part is enough)
    with TestClient(create_app(platform.settings, platform)) as client:
        yield client


def test_the_statement_over_http(platform: Platform, api: TestClient, place: Place) -> None:
    add_meals(platform, place, a_month_of_meals(place))
    add_account(platform, "boss", Role.admin)
    admin = token(api, "boss")
    r = api.get("/api/eldercare/statements/2026-03", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["owed_fen"] == 5700
    assert r.json()["reconciled"] is True

    bad = api.get("/api/eldercare/statements/2026-13", headers=admin)
    assert bad.status_code == 422
    assert bad.json()["field"] == "month"
    assert "2026-03" in bad.json()["detail"]

    as_csv = api.get("/api/eldercare/statements/2026-03.csv", headers=admin)
    assert as_csv.status_code == 200
    assert as_csv.content.startswith(BOM.encode())
    assert "statement-2026-03.csv" in as_csv.headers["content-disposition"]
    # A sub-district named in Chinese (or anything else a caller sends) goes into the file's
    # name percent-encoded (RFC 8187), with an ASCII fallback: never a server error.
    named = api.get(
        "/api/eldercare/statements/2026-03.csv", params={"subdistrict": '桃浦镇"\n'}, headers=admin
    )
    assert named.status_code == 200, named.text
    disposition = named.headers["content-disposition"]
    assert disposition.isascii()
    assert "filename*=UTF-8''statement-2026-03-%E6%A1%83%E6%B5%A6%E9%95%87%22%0A.csv" in disposition
    as_xlsx = api.get("/api/eldercare/statements/2026-03?format=xlsx", headers=admin)
    assert as_xlsx.status_code == 200
    assert as_xlsx.content[:2] == b"PK"

    meals = api.get(
        "/api/eldercare/meals/export",
        params={"first": "2026-03-01", "last": "2026-03-31", "format": "xlsx"},
        headers=admin,
    )
    assert meals.status_code == 200
    assert meals.content[:2] == b"PK"
    wrong = api.get(
        "/api/eldercare/meals/export", params={"first": "2026-03-01", "last": "soon"}, headers=admin
    )
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["query.last"]

    assert api.get("/api/eldercare/statements/2026-03").status_code == 401
    add_account(platform, "some-rider", Role.rider)
    rider = token(api, "some-rider")
    assert api.get("/api/eldercare/statements/2026-03", headers=rider).status_code == 403


def test_no_meal_row_outside_the_window_is_exported(
    platform: Platform, service: Statements, place: Place
) -> None:
    add_meals(platform, place, a_month_of_meals(place))
    table = csv_table(joined(service.meals_export(ADMIN, MARCH, date(2026, 3, 31), "csv").chunks))
    days = {row[1] for row in table[1:]}
    assert min(days) >= "2026-03-01"
    assert max(days) <= "2026-03-31"
    with platform.factory() as session:
        march = session.scalars(
            select(ElderMeal.id).where(ElderMeal.day.between(MARCH, date(2026, 3, 31)))
        ).all()
    assert sorted(int(row[0]) for row in table[1:]) == sorted(march)
