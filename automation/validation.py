"""Validation of the staff sheets: every bad entry becomes one precise finding in plain Thai.

Two layers. `automation.cells.parse_cell` types one cell from its schema column and says what
is wrong with it, knowing nothing else. The sheet checks here add what needs the whole row or
sheet: dates in order, plausible and not in the future, statuses that need a date or an
outcome, duplicate ids and form submissions.

One mistake, one finding: a blank required cell is only "required"; a cell that failed to
parse takes no part in any cross-field rule; a date gets at most one date finding.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from automation.cells import (
    MAX_CELL_CHARS,
    PLAUSIBLE_YEARS,
    Parsed,
    Problem,
    content_problems,
    date_problem,
    display_value,
    each_distinct,
    is_blank,
    parse_cell,
    plain_value,
    show_date,
)
from automation.findings import Finding, Rule
from automation.schema import Column, normalize_header
from automation.stage import RunContext, StageResult
from automation.tables import ROW, SheetTable
from automation.thaidate import FiscalRound, fiscal_year_of, to_arabic_digits
from automation.validation_rules import (
    ClosedNeedsDate,
    ClosedNeedsOutcome,
    DateFuture,
    DateOrder,
    DoneNeedsDate,
    DuplicateId,
    DuplicateResponse,
    FiscalYearImplausible,
    MissingColumn,
    MissingSheet,
    NoRatings,
    OutsideFiscalYear,
    RequiredCell,
    WrongEra,
)

# Google Forms sometimes records one tap on "send" twice, seconds apart; two people giving
# identical answers within two minutes at one counter is rare enough to ask staff about.
DUPLICATE_WINDOW = dt.timedelta(minutes=2)
FISCAL_YEARS_BACK = 10  # measures sheets keep a few years of plans, not decades


# ---------------------------------------------------------------- one sheet


def shown_header(column: Column, lang: str) -> str:
    """The header a finding names. A form question has no English header of its own (its
    English name is the config key, "q1"): staff find it by the question the form wrote."""
    if column.type == "likert":
        return column.th
    return column.header(lang)


def _render(value: Any, lang: str) -> Any:
    if isinstance(value, dict) and "th" in value:
        return value.get(lang, value["th"])
    if isinstance(value, dt.date):
        return show_date(value, lang)
    return value


@dataclass
class RowCheck:
    number: int
    record: dict[str, Any]
    cells: dict[str, Parsed]
    row_id: str = ""
    unit: str = ""
    flagged: set[str] = field(default_factory=set)

    def value(self, key: str) -> Any:
        """The typed value, even when it carries a warning (an alias still means its choice)."""
        parsed = self.cells.get(key)
        return None if parsed is None else parsed.value

    def clean(self, key: str) -> Any:
        """The typed value only when nothing at all was found in the cell."""
        return None if key in self.flagged else self.value(key)


class SheetCheck:
    """Checks one sheet and collects its findings."""

    def __init__(self, table: SheetTable, today: dt.date, lang: str) -> None:
        self.table = table
        self.layout = table.layout
        self.today = today
        self.lang = lang
        self.found: list[Finding] = []
        self.rows: list[RowCheck] = []

    def emit(self, problem: Problem, row: RowCheck | None = None, key: str = "", value: Any = None) -> None:
        col = self.layout.column(key) if key else None
        params = {k: _render(v, self.lang) for k, v in problem.params.items()}
        self.found.append(
            problem.rule.make(
                sheet=self.layout.title,
                row=row.number if row else None,
                column=shown_header(col, self.lang) if col else "",
                value=display_value(value),
                lang=self.lang,
                row_id=row.row_id if row else "",
                unit=row.unit if row else "",
                sheet_key=self.layout.key,
                column_key=key,
                col_number=self.table.column_number(key) if key else None,
                severity=problem.severity,
                **params,
            )
        )
        if row is not None and key:
            row.flagged.add(key)

    def header(self, key: str) -> str:
        return shown_header(self.layout.column(key), self.lang)

    def present(self, key: str) -> bool:
        return key in self.table.match.positions

    def type_cells(self) -> None:
        """Required, type and content findings for every cell; builds `self.rows`."""
        columns = [c for c in self.layout.columns if self.present(c.key)]
        keys = list(self.table.frame.columns)
        values = {k: _plain(self.table.values(k)) for k in keys}
        # Column by column, each distinct value typed once (Parsed is immutable): a form has
        # few distinct answers and a sheet few distinct choices, over 100,000s of rows.
        judged = {c.key: each_distinct(values[c.key], functools.partial(_judge, c)) for c in columns}
        to_check = self._cells_with_findings(columns, judged)
        col_keys = [c.key for c in columns]
        for i, row_values in enumerate(zip(*(values[k] for k in keys), strict=True)):
            record = dict(zip(keys, row_values, strict=True))
            cells = {key: judged[key][i][0] for key in col_keys}
            row = RowCheck(int(record[ROW]), record, cells)
            row.row_id, row.unit = self.row_id(row), self.row_unit(row)
            for col in to_check.get(i, ()):
                raw, parsed = record.get(col.key), cells[col.key]
                if parsed.blank:
                    if col.required:
                        self.emit(Problem(RequiredCell), row, col.key, None)
                    continue
                if parsed.problem is not None:
                    self.emit(parsed.problem, row, col.key, raw)
                if col.type == "text":
                    for problem in content_problems(raw):
                        self.emit(problem, row, col.key, raw)
            self.rows.append(row)

    @staticmethod
    def _cells_with_findings(columns: list[Column], judged: dict[str, list[tuple[Parsed, bool]]]
                             ) -> dict[int, list[Column]]:  # fmt: skip
        """Row index -> the columns, in schema order, whose cell gets a finding: most rows have
        none, and the row loop looks only at these."""
        out: dict[int, list[Column]] = {}
        for col in columns:
            for i, (_parsed, finds) in enumerate(judged[col.key]):
                if finds:
                    out.setdefault(i, []).append(col)
        return out

    def row_id(self, row: RowCheck) -> str:
        if self.layout.key == "responses":
            stamp = row.value("timestamp")
            raw = row.record.get("timestamp")
            if isinstance(stamp, dt.datetime):
                return stamp.isoformat(sep=" ", timespec="seconds")
            return "" if raw is None else str(display_value(raw))
        key = self.layout.id_column
        return "" if not key or row.value(key) is None else str(display_value(row.value(key)))

    def row_unit(self, row: RowCheck) -> str:
        if "unit" not in row.cells:
            return ""
        value = row.value("unit")
        raw = row.record.get("unit")
        return str(value) if value is not None else ("" if raw is None else str(display_value(str(raw).strip())))

    # ------------------------------------------------------------ shared cross-field checks

    def check_dates(self, row: RowCheck, keys: tuple[str, ...], low: dt.date, high: dt.date,
                    reference: dict[str, str], future: tuple[str, ...]) -> None:
        """At most one finding per date: implausible or wrong era first, then in the future."""
        for key in keys:
            day = row.clean(key)
            if day is None:
                continue
            problem = date_problem(day, low, high, reference)
            if problem is None and key in future:
                plain = day.date() if isinstance(day, dt.datetime) else day
                if plain > self.today:
                    problem = Problem(DateFuture, {"date": day, "today": self.today})
            if problem is not None:
                self.emit(problem, row, key, row.record.get(key))

    def check_duplicate_ids(self, key: str) -> None:
        first: dict[str, int] = {}
        for row in self.rows:
            value = row.value(key)
            if value is None:
                continue
            ident = to_arabic_digits(normalize_header(value))
            if ident in first:
                self.emit(Problem(DuplicateId, {"first_row": first[ident]}), row, key, row.record.get(key))
            else:
                first[ident] = row.number

    def needs(self, row: RowCheck, rule: type[Rule], key: str, status_key: str = "status") -> None:
        if self.present(key) and row.record.get(key) is None:
            status = self.layout.column(status_key).choices
            label = next((c.label(self.lang) for c in status if c.key == row.value(status_key)), "")
            self.emit(Problem(rule, {"status": label}), row, key, None)


def _judge(col: Column, raw: Any) -> tuple[Parsed, bool]:
    """The typed cell, and whether type_cells finds anything in it (the same tests it makes)."""
    parsed = parse_cell(col, raw)
    if parsed.blank:
        return parsed, col.required
    return parsed, parsed.problem is not None or (col.type == "text" and bool(content_problems(raw)))


# Cell types plain_value hands back unchanged: most cells skip the call.
_AS_IS = frozenset({str, int, bool, float, dt.datetime, dt.date, dt.time, type(None)})


def _plain(values: list[Any]) -> list[Any]:
    """plain_value of each value, as records() + plain_value gave them row by row."""
    return [v if v.__class__ in _AS_IS else plain_value(v) for v in values]


def _today_reference() -> dict[str, str]:
    return {"th": "วันนี้", "en": "today"}


def check_measures(check: SheetCheck) -> None:
    current = fiscal_year_of(check.today)
    low_fy, high_fy = current - FISCAL_YEARS_BACK, current + 1
    for row in check.rows:
        year = row.clean("fiscal_year")
        window = (check.today, check.today)
        reference = _today_reference()
        if year is not None and not low_fy <= year <= high_fy:
            guess = next((y for y in (year + 543, 2500 + year) if low_fy <= y <= high_fy), None)
            if guess is not None:
                detail = {"th": "ปีงบประมาณเป็นปี พ.ศ.", "en": "fiscal years are BE years"}
                params = {"detail": detail, "corrected": guess}
                check.emit(Problem(WrongEra, params), row, "fiscal_year", year)
            else:
                params = {"low": low_fy, "high": high_fy, "example": current}
                check.emit(Problem(FiscalYearImplausible, params), row, "fiscal_year", year)
            year = None
        fiscal = FiscalRound(year, "annual") if year is not None else None
        if fiscal is not None:
            window = (fiscal.start, fiscal.end)
            reference = {"th": f"ปีงบประมาณ {year}", "en": f"fiscal year {year}"}
        keys = tuple(k for k in ("due_date", "done_date") if check.present(k))
        check.check_dates(row, keys, *window, reference, future=("done_date",))
        if fiscal is not None:
            for key in keys:
                day = row.clean(key)
                if day is not None and not fiscal.contains(day):
                    params = {"date": day, "fiscal_year": year, "start": fiscal.start, "end": fiscal.end}
                    check.emit(Problem(OutsideFiscalYear, params), row, key, row.record.get(key))
        if row.value("status") == "done":
            check.needs(row, DoneNeedsDate, "done_date")
    if check.present("row_id"):
        check.check_duplicate_ids("row_id")


_COMPLAINT_DATES = ("received_date", "ack_date", "closed_date")


def check_complaints(check: SheetCheck) -> None:
    keys = tuple(k for k in _COMPLAINT_DATES if check.present(k))
    for row in check.rows:
        check.check_dates(row, keys, check.today, check.today, _today_reference(), future=keys)
        check_date_order(check, row, keys)
        if row.value("status") == "closed":
            check.needs(row, ClosedNeedsDate, "closed_date")
            check.needs(row, ClosedNeedsOutcome, "outcome")
    if check.present("complaint_id"):
        check.check_duplicate_ids("complaint_id")


def check_date_order(check: SheetCheck, row: RowCheck, keys: tuple[str, ...]) -> None:
    """received ≤ acknowledged ≤ closed, among dates with nothing else wrong.

    When one date is out of order with both others, only that date is named; otherwise the
    later of each clashing pair is.
    """
    dates = [(k, row.clean(k)) for k in keys if row.clean(k) is not None]
    clashes = [(a, b) for i, a in enumerate(dates) for b in dates[i + 1:] if b[1] < a[1]]
    blamed: list[tuple[tuple[str, Any], tuple[str, Any], bool]] = []  # (cell, other, cell-is-later)
    while clashes:
        counts = Counter(cell[0] for pair in clashes for cell in pair)
        key = max(counts, key=lambda k: (counts[k], keys.index(k)))
        for a, b in [p for p in clashes if key in (p[0][0], p[1][0])]:
            blamed.append((b, a, True) if b[0] == key else (a, b, False))
        clashes = [p for p in clashes if key not in (p[0][0], p[1][0])]
    order = {"th": " ≤ ".join(check.header(k) for k in keys), "en": " ≤ ".join(check.header(k) for k in keys)}
    done: set[str] = set()
    for cell, other, later in blamed:
        if cell[0] in done:
            continue
        done.add(cell[0])
        relation = {"th": "อยู่ก่อน" if later else "อยู่หลัง", "en": "before" if later else "after"}
        params = {"date": cell[1], "relation": relation, "other_column": check.header(other[0]),
                  "other_date": other[1], "order": order}
        check.emit(Problem(DateOrder, params), row, cell[0], row.record.get(cell[0]))


def check_responses(check: SheetCheck) -> None:
    ratings = [c.key for c in check.layout.columns if c.type == "likert" and check.present(c.key)]
    if check.present("timestamp"):
        now = check.today
        for row in check.rows:
            check.check_dates(row, ("timestamp",), now, now, _today_reference(), future=("timestamp",))
    scored = []
    for row in check.rows:
        if ratings and all(row.record.get(k) is None for k in ratings):
            check.emit(Problem(NoRatings), row, ratings[0], None)
        else:
            scored.append(row)
    check_duplicate_responses(check, scored)


@functools.lru_cache(maxsize=65536, typed=True)  # a form has few distinct answers, and 100,000s of rows
def _answer(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return to_arabic_digits(normalize_header(value))


def check_duplicate_responses(check: SheetCheck, rows: list[RowCheck]) -> None:
    """Identical answers with timestamps at most DUPLICATE_WINDOW apart: a form sent twice."""
    keys = [c.key for c in check.layout.columns if c.key != "timestamp" and check.present(c.key)]
    groups: dict[tuple[str, ...], list[RowCheck]] = {}
    for row in rows:
        if isinstance(row.clean("timestamp"), dt.datetime):
            groups.setdefault(tuple(_answer(row.record.get(k)) for k in keys), []).append(row)
    for group in groups.values():
        group.sort(key=lambda r: (r.value("timestamp"), r.number))
        for before, after in pairwise(group):
            gap = after.value("timestamp") - before.value("timestamp")
            if gap <= DUPLICATE_WINDOW:
                params = {"first_row": before.number, "seconds": int(gap.total_seconds())}
                check.emit(Problem(DuplicateResponse, params), after, "timestamp", after.record.get("timestamp"))


_SHEET_CHECKS = {"measures": check_measures, "complaints": check_complaints, "responses": check_responses}


# ---------------------------------------------------------------- the stage


def structure_findings(table: SheetTable, lang: str) -> list[Finding]:
    layout = table.layout
    if not table.present:
        return [MissingSheet.make(sheet=layout.title, lang=lang, sheet_key=layout.key)]
    return [
        MissingColumn.make(
            sheet=layout.title, column=shown_header(col, lang), lang=lang,
            sheet_key=layout.key, column_key=col.key, severity="error" if col.required else "warning",
        )
        for col in table.match.missing
    ]


def validate_table(table: SheetTable, today: dt.date, lang: str = "th") -> list[Finding]:
    """Every finding for one staff sheet."""
    found = structure_findings(table, lang)
    if not table.present:
        return found
    check = SheetCheck(table, today, lang)
    check.type_cells()
    extra = _SHEET_CHECKS.get(table.layout.key)
    if extra is not None:
        extra(check)
    return found + check.found


def validate_tables(ctx: RunContext) -> list[Finding]:
    found: list[Finding] = []
    for layout in ctx.schema.staff_sheets:
        found += validate_table(ctx.tables[layout.key], ctx.today, ctx.lang)
    return found


def stage(ctx: RunContext) -> StageResult:
    found = validate_tables(ctx)
    rows = {layout.key: len(ctx.tables[layout.key].frame) for layout in ctx.schema.staff_sheets}
    by_rule = dict(sorted(Counter(f.rule for f in found).items()))
    return StageResult("validation", found, {"rows": rows, "by_rule": by_rule})


__all__ = [  # parse_cell and friends live in automation.cells; re-exported for convenience
    "MAX_CELL_CHARS",
    "PLAUSIBLE_YEARS",
    "Parsed",
    "Problem",
    "content_problems",
    "is_blank",
    "parse_cell",
    "plain_value",
    "stage",
    "validate_table",
    "validate_tables",
]
