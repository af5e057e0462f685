"""Monthly statements per funder and the exports of meals and statements (CSV, XLSX).

A statement is a handful of aggregate queries, never the month's rows in Python: the meals
of the month grouped by state and subsidy category (what the delivered meals' splits add up
to), and the funders' ledger grouped by funder (what each funder owes). The two reconcile
when every funder's ledger amount and line count equal the delivered meals' parts; only
when they do not is the meal-by-meal comparison run, to list the first differing meals.

Exports hold no names, doors or health: an older person is their id. Rows are read in
chunks and written as they come (CSV), or into a spreadsheet kept on disk by XlsxWriter's
constant-memory mode and then sent in chunks (XLSX), so a district's month stays small in
memory. Money is integer fen until a row is written, where it also gets yuan.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from gigcity.db.models import Canteen, Elder, ElderMeal, FunderMovement
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal
from gigcity.services.day_clock import as_utc
from gigcity.services.eldercare.base import (
    EldercareBase,
    get_canteen,
    require_manager,
    scope_subdistrict,
)
from gigcity.services.eldercare.funding import FUNDER_TEXTS, Funder
from gigcity.services.eldercare.statement_schemas import (
    CategoryLine,
    ExportFormat,
    FunderLine,
    MealCounts,
    MealDifference,
    MealState,
    StatementOut,
)
from gigcity.services.errors import InvalidInput
from gigcity.services.rulebooks import yuan_text
from gigcity.services.spreadsheets import csv_safe

MAX_EXPORT_DAYS = 366
MAX_DIFFERENCES = 100
EXPORT_CHUNK_ROWS = 5000
SHEET_ROWS = 1_000_000  # a worksheet holds 1,048,576 rows; more go on the next sheet
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA = "text/csv; charset=utf-8"
BOM = "\ufeff"  # so Excel (as set up in China) reads the CSV as UTF-8, not GBK

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")

STATE_TEXTS: dict[MealState, str] = {
    MealState.ordered: N_("Ordered"),
    MealState.out: N_("Out for delivery"),
    MealState.delivered: N_("Delivered"),
    MealState.not_delivered: N_("Not delivered"),
    MealState.cancelled: N_("Cancelled"),
}
STATEMENT_HEADER = (
    N_("Section"),
    N_("Item"),
    N_("Title"),
    N_("Meals"),
    N_("Amount (fen)"),
    N_("Amount (yuan)"),
    N_("Delivered meals' splits (fen)"),
    N_("Difference (fen)"),
)
SECTION_TEXTS = {
    "statement": N_("Statement"),
    "funder": N_("Funder"),
    "category": N_("Subsidy category"),
    "meals": N_("Meals"),
    "total": N_("Total"),
}

# The meals export's columns, as machine-readable ids (the spreadsheet's first row).
MEAL_COLUMNS = (
    "id", "day", "meal", "canteen_id", "canteen", "elder_id", "subdistrict",
    "subsidy_category", "funding_rule", "state", "charged",
    "price_yuan", "price_fen", "subsidy_yuan", "subsidy_fen", "enterprise_yuan",
    "enterprise_fen", "charity_yuan", "charity_fen", "copay_yuan", "copay_fen",
    "rider_id", "by_primary", "delivered_at", "door_check",
)  # fmt: skip
_YUAN_COLUMNS = frozenset(name for name in MEAL_COLUMNS if name.endswith("_yuan"))
_PARTS = (Funder.subsidy, Funder.enterprise, Funder.charity, Funder.copay)


def parse_month(text: str) -> date:
    """`YYYY-MM` as the month's first day, or InvalidInput naming the field `month`."""
    match = _MONTH.fullmatch(text.strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2999 and 1 <= month <= 12:
            return date(year, month, 1)
    raise InvalidInput(
        N_("The month must be written as year and month, such as 2026-03."), field="month"
    )


def month_days(month: date) -> tuple[date, date]:
    """The first and last day of the month that `month` falls in."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Export:
    """A file to send: its name, media type, and its bytes in chunks (read lazily)."""

    filename: str
    media_type: str
    chunks: Iterator[bytes]


def _part_column(funder: Funder) -> InstrumentedAttribute[int]:
    return {
        Funder.subsidy: ElderMeal.subsidy_fen,
        Funder.enterprise: ElderMeal.enterprise_fen,
        Funder.charity: ElderMeal.charity_fen,
        Funder.copay: ElderMeal.copay_fen,
    }[funder]


def _meal_filters(
    first: date, last: date, subdistrict: str | None, canteen_id: int | None
) -> list[ColumnElement[bool]]:
    """Which meals a statement or export covers: the days, and the older people's
    sub-district (as a semi-join, so the elders' table is never joined row by row)."""
    where = [ElderMeal.day >= first, ElderMeal.day <= last]
    if canteen_id is not None:
        where.append(ElderMeal.canteen_id == canteen_id)
    if subdistrict is not None:
        where.append(
            ElderMeal.elder_id.in_(select(Elder.id).where(Elder.subdistrict == subdistrict))
        )
    return where


class Statements(EldercareBase):
    # -- the statement ----------------------------------------------------------------
    def _scope(
        self, principal: Principal, subdistrict: str | None, canteen_id: int | None
    ) -> str | None:
        """The sub-district the caller sees (officers: their own; asking for another is
        refused), after checking the canteen exists."""
        require_manager(principal, subdistrict)
        scope = scope_subdistrict(principal) or subdistrict
        if canteen_id is not None:
            with self.factory() as session:
                get_canteen(session, canteen_id)
        return scope

    def statement(
        self,
        principal: Principal,
        month: date,
        canteen_id: int | None = None,
        subdistrict: str | None = None,
    ) -> StatementOut:
        """The month's statement per funder (managers: admins all, officers their own
        sub-district). The funders' amounts come from the ledger; they are checked against
        the splits of the meals delivered that month."""
        scope = self._scope(principal, subdistrict, canteen_id)
        first, last = month_days(month)
        where = _meal_filters(first, last, scope, canteen_id)
        with self.factory() as session:
            meal_groups = session.execute(self._meal_totals_query(where)).all()
            ledger_query = select(
                FunderMovement.funder, func.count(), func.sum(FunderMovement.amount_fen)
            ).where(FunderMovement.day >= first, FunderMovement.day <= last)
            if scope is not None or canteen_id is not None:
                ledger_query = ledger_query.where(
                    FunderMovement.meal_id.in_(select(ElderMeal.id).where(*where))
                )
            ledger = {
                str(funder): (int(lines), int(fen or 0))
                for funder, lines, fen in session.execute(
                    ledger_query.group_by(FunderMovement.funder)
                )
            }
            counts: Counter[str] = Counter()
            delivered_fen: Counter[Funder] = Counter()
            delivered_lines: Counter[Funder] = Counter()
            categories: dict[str, Counter[str]] = defaultdict(Counter)
            rules: set[str] = set()
            for row in meal_groups:
                state, category, rule, meals, price = row[:5]
                counts[state] += meals
                rules.add(rule)
                by_category = categories[category]
                if state == MealState.delivered:
                    for k, funder in enumerate(_PARTS):
                        delivered_fen[funder] += int(row[5 + k] or 0)
                        delivered_lines[funder] += int(row[9 + k] or 0)
                    by_category["delivered"] += meals
                    by_category["price_fen"] += int(price or 0)
                    by_category["subsidy_fen"] += int(row[5] or 0)
                elif state in (MealState.not_delivered, MealState.cancelled):
                    by_category["not_charged"] += meals
            funders = [
                FunderLine(
                    funder=funder,
                    owed_fen=ledger.get(funder.value, (0, 0))[1],
                    ledger_lines=ledger.get(funder.value, (0, 0))[0],
                    delivered_fen=delivered_fen[funder],
                    delivered_lines=delivered_lines[funder],
                    difference_fen=ledger.get(funder.value, (0, 0))[1] - delivered_fen[funder],
                )
                for funder in _PARTS
            ]
            extra = set(ledger) - {f.value for f in _PARTS}  # a funder no split has
            reconciled = not extra and all(
                line.difference_fen == 0 and line.ledger_lines == line.delivered_lines
                for line in funders
            )
            differences: list[MealDifference] = []
            if not reconciled:
                differences = self._differences(session, where, MAX_DIFFERENCES + 1)
        return StatementOut(
            month=first,
            first_day=first,
            last_day=last,
            subdistrict=scope,
            canteen_id=canteen_id,
            funding_rules=sorted(rules),
            funders=funders,
            meals=MealCounts(
                **{state.value: counts[state.value] for state in MealState},
                total=sum(counts.values()),
            ),
            categories=[
                CategoryLine(
                    category=category,
                    titles=self.funding.category_titles.get(category),
                    delivered=figures["delivered"],
                    not_charged=figures["not_charged"],
                    price_fen=figures["price_fen"],
                    subsidy_fen=figures["subsidy_fen"],
                )
                for category, figures in sorted(categories.items())
            ],
            delivered_price_fen=sum(f["price_fen"] for f in categories.values()),
            owed_fen=sum(fen for _, fen in ledger.values()),
            reconciled=reconciled,
            differences=differences[:MAX_DIFFERENCES],
            more_differences=len(differences) > MAX_DIFFERENCES,
        )

    @staticmethod
    def _meal_totals_query(where: Sequence[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
        """The month's meals grouped by state, category and rule: count, price, each part,
        and how many have a part for each funder (the ledger has a line for those only)."""
        return (
            select(
                ElderMeal.state,
                ElderMeal.subsidy_category,
                ElderMeal.funding_rule,
                func.count(),
                func.sum(ElderMeal.price_fen),
                *(func.sum(_part_column(f)) for f in _PARTS),
                *(func.sum(case((_part_column(f) > 0, 1), else_=0)) for f in _PARTS),
            )
            .where(*where)
            .group_by(ElderMeal.state, ElderMeal.subsidy_category, ElderMeal.funding_rule)
        )

    @staticmethod
    def _differences(
        session: Session, where: Sequence[ColumnElement[bool]], limit: int
    ) -> list[MealDifference]:
        """The first meals (by day, id) whose ledger lines differ from what they should be:
        the split's parts if delivered, nothing otherwise."""
        lines = {funder: aliased(FunderMovement) for funder in _PARTS}
        delivered = ElderMeal.state == MealState.delivered.value
        expected = {
            funder: case((delivered, _part_column(funder)), else_=literal(0)) for funder in _PARTS
        }
        ledger = {funder: func.coalesce(line.amount_fen, 0) for funder, line in lines.items()}
        query = select(
            ElderMeal.id,
            ElderMeal.day,
            ElderMeal.state,
            *(expected[f] for f in _PARTS),
            *(ledger[f] for f in _PARTS),
        ).select_from(ElderMeal)
        for funder, line in lines.items():
            query = query.outerjoin(
                line, and_(line.meal_id == ElderMeal.id, line.funder == funder.value)
            )
        query = (
            query.where(*where, or_(*(expected[f] != ledger[f] for f in _PARTS)))
            .order_by(ElderMeal.day, ElderMeal.id)
            .limit(limit)
        )
        found = []
        for row in session.execute(query):
            for k, funder in enumerate(_PARTS):
                split_fen, ledger_fen = int(row[3 + k]), int(row[7 + k])
                if split_fen != ledger_fen:
                    found.append(
                        MealDifference(
                            meal_id=row[0],
                            day=row[1],
                            state=MealState(row[2]),
                            funder=funder,
                            split_fen=split_fen,
                            ledger_fen=ledger_fen,
                        )
                    )
        return found

    # -- exports ----------------------------------------------------------------------
    def meals_export(
        self,
        principal: Principal,
        first: date,
        last: date,
        format: ExportFormat | str,
        canteen_id: int | None = None,
        subdistrict: str | None = None,
    ) -> Export:
        """One row per meal from `first` to `last` (at most 366 days): no names, doors or
        health, only ids. The rows are read when the chunks are."""
        kind = _export_format(format)
        if last < first:
            raise InvalidInput(N_("The last day must not be before the first day."), field="last")
        if (last - first).days + 1 > MAX_EXPORT_DAYS:
            raise InvalidInput(
                N_("An export covers at most {days} days."), field="last", days=MAX_EXPORT_DAYS
            )
        scope = self._scope(principal, subdistrict, canteen_id)
        rows = self._meal_rows(_meal_filters(first, last, scope, canteen_id))
        name = f"meals-{first.isoformat()}-{last.isoformat()}"
        if kind is ExportFormat.csv:
            return Export(f"{name}.csv", CSV_MEDIA, _csv_chunks(MEAL_COLUMNS, rows))
        return Export(f"{name}.xlsx", XLSX_MEDIA, _xlsx_chunks("meals", MEAL_COLUMNS, rows))

    def _meal_rows(self, where: Sequence[ColumnElement[bool]]) -> Iterator[list[Any]]:
        """The export's rows, in order of day and id, fetched EXPORT_CHUNK_ROWS at a time
        (a server-side cursor on PostgreSQL); money in fen, yuan filled in by the writer."""
        query = (
            select(
                ElderMeal.id,
                ElderMeal.day,
                ElderMeal.meal,
                ElderMeal.canteen_id,
                Canteen.name,
                ElderMeal.elder_id,
                Elder.subdistrict,
                ElderMeal.subsidy_category,
                ElderMeal.funding_rule,
                ElderMeal.state,
                ElderMeal.price_fen,
                ElderMeal.subsidy_fen,
                ElderMeal.enterprise_fen,
                ElderMeal.charity_fen,
                ElderMeal.copay_fen,
                ElderMeal.rider_id,
                ElderMeal.by_primary,
                ElderMeal.delivered_at,
                ElderMeal.door_check,
            )
            .join(Elder, Elder.id == ElderMeal.elder_id)
            .join(Canteen, Canteen.id == ElderMeal.canteen_id)
            .where(*where)
            .order_by(ElderMeal.day, ElderMeal.id)
            .execution_options(yield_per=EXPORT_CHUNK_ROWS)
        )
        local = self.day_clock.local

        def when(at: datetime | None) -> str:
            return local(as_utc(at)).isoformat(timespec="seconds") if at else ""

        with self.factory() as session:
            for chunk in session.execute(query).partitions():
                for r in chunk:
                    price, subsidy, enterprise, charity, copay = r[10:15]
                    yield [
                        r.id, r.day, r.meal, r.canteen_id, csv_safe(r.name), r.elder_id,
                        r.subdistrict, r.subsidy_category, r.funding_rule, r.state,
                        "yes" if r.state == MealState.delivered.value else "no",
                        price, price, subsidy, subsidy, enterprise, enterprise,
                        charity, charity, copay, copay,
                        r.rider_id or "",
                        "" if r.by_primary is None else ("yes" if r.by_primary else "no"),
                        when(r.delivered_at), r.door_check or "",
                    ]  # fmt: skip

    def statement_export(
        self,
        principal: Principal,
        month: date,
        format: ExportFormat | str,
        canteen_id: int | None = None,
        subdistrict: str | None = None,
        locale: str = "zh_CN",
    ) -> Export:
        """The month's statement as a spreadsheet: a line per funder, per subsidy category
        and per meal state, the totals and whether it reconciles; titles in `locale`."""
        kind = _export_format(format)
        out = self.statement(principal, month, canteen_id, subdistrict)
        header = [gettext(locale, text) for text in STATEMENT_HEADER]
        rows = statement_rows(out, locale)
        name = f"statement-{out.month.strftime('%Y-%m')}"
        if out.subdistrict:
            name += f"-{out.subdistrict}"
        if kind is ExportFormat.csv:
            return Export(f"{name}.csv", CSV_MEDIA, _csv_chunks(header, iter(rows), yuan=False))
        chunks = _xlsx_chunks("statement", header, iter(rows), yuan=False)
        return Export(f"{name}.xlsx", XLSX_MEDIA, chunks)


def _export_format(value: ExportFormat | str) -> ExportFormat:
    try:
        return ExportFormat(value)
    except ValueError:
        raise InvalidInput(N_("The format must be csv or xlsx."), field="format") from None


def statement_rows(out: StatementOut, locale: str) -> list[list[Any]]:
    """The statement as rows of STATEMENT_HEADER's columns (money in fen and yuan text)."""

    def text(msgid: str) -> str:
        return gettext(locale, msgid)

    def section(key: str) -> str:
        return text(SECTION_TEXTS[key])

    reconciled = text(N_("Reconciled")) if out.reconciled else text(N_("Not reconciled"))
    scope = out.subdistrict or text(N_("All sub-districts"))
    rows: list[list[Any]] = [
        [section("statement"), out.month.strftime("%Y-%m"), scope, "", "", "", "", ""],
        [section("statement"), "funding_rules", ", ".join(out.funding_rules), "", "", "", "", ""],
        [section("statement"), "reconciled", reconciled, "", "", "", "", ""],
    ]
    if out.canteen_id is not None:
        rows.insert(1, [section("statement"), "canteen_id", out.canteen_id, "", "", "", "", ""])
    for line in out.funders:
        rows.append(
            [
                section("funder"), line.funder.value, text(FUNDER_TEXTS[line.funder]),
                line.ledger_lines, line.owed_fen, yuan_text(line.owed_fen),
                line.delivered_fen, line.difference_fen,
            ]
        )  # fmt: skip
    for category in out.categories:
        title = category.titles
        name = category.category
        if title is not None:
            name = title.zh_CN if locale.startswith("zh") else title.en
        rows.append(
            [
                section("category"), category.category, name, category.delivered,
                category.subsidy_fen, yuan_text(category.subsidy_fen), "", "",
            ]
        )  # fmt: skip
    for state in MealState:
        count = getattr(out.meals, state.value)
        rows.append([section("meals"), state.value, text(STATE_TEXTS[state]), count] + [""] * 4)
    delivered_splits = sum(line.delivered_fen for line in out.funders)
    rows.append(
        [
            section("total"), "owed", text(N_("Owed by all funders")), out.meals.delivered,
            out.owed_fen, yuan_text(out.owed_fen), delivered_splits,
            out.owed_fen - delivered_splits,
        ]
    )  # fmt: skip
    rows.append(
        [
            section("total"), "delivered_price", text(N_("Price of the delivered meals")),
            out.meals.delivered, out.delivered_price_fen, yuan_text(out.delivered_price_fen),
            "", "",
        ]
    )  # fmt: skip
    return rows


# -- writers ---------------------------------------------------------------------------
def _csv_chunks(
    header: Sequence[str], rows: Iterator[list[Any]], *, yuan: bool = True
) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM, EXPORT_CHUNK_ROWS rows a chunk; yuan columns from their fen."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(header)
    yuan_at = [k for k, name in enumerate(header) if yuan and name in _YUAN_COLUMNS]
    for count, row in enumerate(rows, start=1):
        for k in yuan_at:
            row[k] = yuan_text(row[k])
        writer.writerow(row)
        if count % EXPORT_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx_chunks(
    title: str, header: Sequence[str], rows: Iterable[list[Any]], *, yuan: bool = True
) -> Iterator[bytes]:
    """An XLSX workbook written row by row to a temporary file (XlsxWriter's constant-memory
    mode keeps one row in memory), then read back in chunks. Yuan columns are numbers shown
    with two decimals; days are dates."""
    with tempfile.TemporaryFile() as file:
        _write_xlsx(file, title, header, rows, yuan)
        file.seek(0)
        while chunk := file.read(1 << 16):
            yield chunk


def _write_xlsx(
    file: IO[bytes], title: str, header: Sequence[str], rows: Iterable[list[Any]], yuan: bool
) -> None:
    import xlsxwriter  # only when a spreadsheet is asked for: not at every start-up

    book = xlsxwriter.Workbook(file, {"constant_memory": True})
    money = book.add_format({"num_format": "0.00"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    bold = book.add_format({"bold": True})
    yuan_at = {k for k, name in enumerate(header) if yuan and name in _YUAN_COLUMNS}
    sheet = None
    row_at = SHEET_ROWS
    sheets = 0
    for row in rows:
        if row_at >= SHEET_ROWS:
            sheets += 1
            sheet = book.add_worksheet(title if sheets == 1 else f"{title}-{sheets}")
            sheet.write_row(0, 0, header, bold)
            sheet.freeze_panes(1, 0)
            row_at = 0
        row_at += 1
        assert sheet is not None
        for k, value in enumerate(row):
            if k in yuan_at:
                sheet.write_number(row_at, k, value / 100, money)
            elif isinstance(value, date):
                sheet.write_datetime(row_at, k, value, day)
            elif isinstance(value, bool | int):
                sheet.write_number(row_at, k, int(value))
            elif value != "":
                sheet.write_string(row_at, k, str(value))
    if sheet is None:  # nothing to list: the header alone
        book.add_worksheet(title).write_row(0, 0, header, bold)
    book.close()
