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
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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
    is_blank,
    parse_cell,
    plain_value,
    show_date,
    unhide,
)
from automation.findings import Finding, Rule
from automation.plan import row_id as plan_row_id
from automation.schema import Column, normalize_header
from automation.stage import RunContext, StageResult
from automation.tables import ROW, SheetTable
from automation.thaidate import BE_OFFSET, FiscalRound, fiscal_year_of, to_arabic_digits
from automation.typed_tables import TypedCell, plain_values, typed_table
from automation.validation_rules import (
    ClosedDateNotClosed,
    ClosedNeedsDate,
    ClosedNeedsOutcome,
    DateFuture,
    DateOrder,
    DoneDateNotDone,
    DoneNeedsDate,
    DoneNeedsEvidence,
    DuplicateColumn,
    DuplicateId,
    DuplicateResponse,
    DuplicateStep,
    FiscalYearImplausible,
    HeaderVariant,
    IdYearMismatch,
    LateMarkedOnTime,
    MissingColumn,
    MissingSheet,
    NoRatings,
    NumberOutOfPlan,
    OutsideFiscalYear,
    PlaceholderText,
    RowIdMismatch,
    SheetTitleVariant,
    WrongEra,
)

# Google Forms sometimes records one tap on "send" twice, seconds apart; two people giving
# identical answers within two minutes at one counter is rare enough to ask staff about.
DUPLICATE_WINDOW = dt.timedelta(minutes=2)
FISCAL_YEARS_BACK = 10  # measures sheets keep a few years of plans, not decades
MAX_PLAN_NUMBER = 99  # row ids give measures and steps two digits; no plan has a 100th measure
# What people type to fill a cell that wants text they do not have: it says nothing.
_PLACEHOLDER = re.compile(r"[-–—.…_?/\s]+|ไม่มี|ไม่ระบุ|n\s*/?\s*a|none|null|nil", re.IGNORECASE)
# "ดำเนินการแล้วเสร็จตามกำหนด": words that say a step was on time, unless a negation or
# "late" comes just before them ("ไม่ทันตามกำหนด", "ไม่เป็นไปตามกำหนด", "ล่าช้ากว่ากำหนด").
_ON_TIME = re.compile(r"ทันตามกำหนด|ทันกำหนด|ทันเวลา|ตามกำหนด(?:เวลา)?|ภายในกำหนด|ตรงเวลา|on\s+time", re.IGNORECASE)
_NOT_ON_TIME = re.compile(r"ไม่|ช้า|เกิน|หลัง|not\b|late", re.IGNORECASE)


def on_time_words(text: str) -> str | None:
    """The words in a result that claim the step was on time, or None."""
    for m in _ON_TIME.finditer(text):
        if not _NOT_ON_TIME.search(text[max(0, m.start() - 12):m.start()]):
            return m[0]
    return None


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


class RowValues(Mapping[str, Any]):
    """One row of a sheet read through its column lists: the row's cells as a mapping, with no
    dict per row (at 100,000s of rows that was a second copy of every cell)."""

    __slots__ = ("_columns", "_index")

    def __init__(self, columns: dict[str, list[Any]], index: int) -> None:
        self._columns, self._index = columns, index

    def __getitem__(self, key: str) -> Any:
        return self._columns[key][self._index]

    def get(self, key: str, default: Any = None) -> Any:
        column = self._columns.get(key)
        return default if column is None else column[self._index]

    def __contains__(self, key: object) -> bool:
        return key in self._columns

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        return repr(dict(self))


class RowParsed(RowValues):
    """The row's typed cells (Parsed), read through the typed table's columns."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Parsed:
        return self._columns[key][self._index].parsed  # type: ignore[no-any-return]

    def get(self, key: str, default: Any = None) -> Any:
        column = self._columns.get(key)
        return default if column is None else column[self._index].parsed


_NOTHING_FLAGGED: frozenset[str] = frozenset()


@dataclass(slots=True)
class RowCheck:
    number: int
    record: Mapping[str, Any]
    cells: Mapping[str, Parsed]
    row_id: str = ""
    unit: str = ""
    flagged: set[str] | frozenset[str] = _NOTHING_FLAGGED  # a set of its own once a cell is flagged

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
            if row.flagged is _NOTHING_FLAGGED:
                row.flagged = set()
            row.flagged.add(key)  # type: ignore[union-attr]

    def header(self, key: str) -> str:
        return shown_header(self.layout.column(key), self.lang)

    def present(self, key: str) -> bool:
        return key in self.table.match.positions

    def type_cells(self) -> None:
        """Required, type and content findings for every cell; builds `self.rows`. The cells
        were typed once, right after reading (automation.typed_tables): here each problem a
        cell carries becomes its finding, and only the rows with one are looked at closely."""
        typed = typed_table(self.table)
        columns = [c for c in self.layout.columns if self.present(c.key)]
        keys = list(self.table.frame.columns)
        values = {k: plain_values(self.table.values(k)) for k in keys}
        cells = {c.key: typed[c.key].cells for c in columns}
        to_check = self._cells_with_findings(columns, cells)
        for i, number in enumerate(values[ROW]):
            row = RowCheck(int(number), RowValues(values, i), RowParsed(cells, i))
            row.row_id, row.unit = self.row_id(row), self.row_unit(row)
            for col in to_check.get(i, ()):
                cell = cells[col.key][i]
                shown = None if cell.parsed.blank else row.record.get(col.key)
                for problem in cell.problems:
                    self.emit(problem, row, col.key, shown)
            self.rows.append(row)

    @staticmethod
    def _cells_with_findings(columns: list[Column], cells: dict[str, list[TypedCell]]) -> dict[int, list[Column]]:
        """Row index -> the columns, in schema order, whose cell gets a finding: most rows have
        none, and the row loop looks only at these."""
        out: dict[int, list[Column]] = {}
        for col in columns:
            for i, cell in enumerate(cells[col.key]):
                if cell.problems:
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
                if key not in row.flagged:  # a cell already found wrong is not named twice
                    self.emit(Problem(DuplicateId, {"first_row": first[ident]}), row, key, row.record.get(key))
            else:
                first[ident] = row.number

    def status_label(self, row: RowCheck, key: str = "status", choice_key: str | None = None) -> str:
        """The label of the row's status (or of `choice_key`) as staff read it in this language."""
        wanted = row.value(key) if choice_key is None else choice_key
        return next((c.label(self.lang) for c in self.layout.column(key).choices if c.key == wanted), "")

    def is_empty(self, row: RowCheck, key: str) -> bool:
        """Nothing in the cell, or only marks nobody sees (a zero-width space is not an outcome)."""
        parsed = row.cells.get(key)
        return row.record.get(key) is None or (parsed is not None and parsed.blank)

    def needs(self, row: RowCheck, rule: type[Rule], key: str, status_key: str = "status") -> None:
        if self.present(key) and self.is_empty(row, key) and key not in row.flagged:
            self.emit(Problem(rule, {"status": self.status_label(row, status_key)}), row, key, None)

    def needs_text(self, row: RowCheck, key: str, severity: str | None = None,
                   why: dict[str, str] | None = None) -> None:
        """A placeholder ("-", ".", "ไม่มี") where real text is wanted, on a cell with nothing else wrong."""
        if not self.present(key) or key in row.flagged or self.is_empty(row, key):
            return
        raw = row.record.get(key)
        if not isinstance(raw, str) or not _PLACEHOLDER.fullmatch(unhide(raw)[0].strip()):
            return
        col = self.layout.column(key)
        name = col.en.lower() if col.en != "Row ID" else col.en
        what = {"th": col.th, "en": f"{'an' if name[0] in 'aeiou' else 'a'} {name}"}
        params = {"what": what, "why": why or {"th": "", "en": ""}}
        self.emit(Problem(PlaceholderText, params, severity), row, key, raw)  # type: ignore[arg-type]

    def required_texts(self) -> None:
        """Required text columns (ids, measure, step, subject) holding only a placeholder."""
        keys = [c.key for c in self.layout.columns if c.required and c.type == "text" and self.present(c.key)]
        for row in self.rows:
            for key in keys:
                self.needs_text(row, key)


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
        check_plan_numbers(check, row)
        check_step_status(check, row)
    check.required_texts()
    if check.present("row_id"):
        check.check_duplicate_ids("row_id")
    check_duplicate_steps(check)
    for row in check.rows:
        check_row_id(check, row)


_PLAN_NUMBERS = {
    "measure_no": {"th": "เลขที่มาตรการ", "en": "a measure number"},
    "step_no": {"th": "เลขที่ขั้นตอน", "en": "a step number"},
}


def check_plan_numbers(check: SheetCheck, row: RowCheck) -> None:
    """A measure or step number far beyond any plan (10^30: a paste, an id, a phone number)."""
    for key, what in _PLAN_NUMBERS.items():
        number = row.clean(key)
        if isinstance(number, int) and number > MAX_PLAN_NUMBER:
            params = {"what": what, "limit": MAX_PLAN_NUMBER}
            check.emit(Problem(NumberOutOfPlan, params), row, key, row.record.get(key))


def check_step_status(check: SheetCheck, row: RowCheck) -> None:
    """What the status promises: a done step has a date, evidence and a result; a step not
    done has no done date; a result that says "on time" is not late."""
    status = row.value("status")
    if status == "done":
        check.needs(row, DoneNeedsDate, "done_date")
        check.needs(row, DoneNeedsEvidence, "evidence_url")
        why = {"th": f" เพราะสถานะเป็น '{check.status_label(row)}'",
               "en": f" because the status is '{check.status_label(row)}'"}
        check.needs_text(row, "result", "warning", why)
    elif status in ("not_started", "in_progress"):
        done = row.clean("done_date")
        if done is not None:
            params = {"date": done, "status": check.status_label(row),
                      "done": check.status_label(row, choice_key="done")}
            check.emit(Problem(DoneDateNotDone, params), row, "done_date", row.record.get("done_date"))
    done, due, result = row.clean("done_date"), row.clean("due_date"), row.clean("result")
    if done is not None and due is not None and done > due and isinstance(result, str):
        words = on_time_words(result)
        if words is not None:
            params = {"words": words, "done": done, "due": due}
            check.emit(Problem(LateMarkedOnTime, params), row, "result", row.record.get("result"))


def check_duplicate_steps(check: SheetCheck) -> None:
    """The same step number twice in one measure of one fiscal year: the later row is named.
    A row repeated whole is already a duplicate id (one mistake, one finding)."""
    first: dict[tuple[int, int, int], tuple[int, str]] = {}
    for row in check.rows:
        key = (row.clean("fiscal_year"), row.clean("measure_no"), row.clean("step_no"))
        if None in key:
            continue
        ident = to_arabic_digits(normalize_header(row.value("row_id") or ""))
        if key in first and (not ident or ident != first[key][1]):
            params = {"first_row": first[key][0], "measure_no": key[1], "fiscal_year": key[0]}
            check.emit(Problem(DuplicateStep, params), row, "step_no", row.record.get("step_no"))
        first.setdefault(key, (row.number, ident))  # type: ignore[arg-type]


_ROW_ID = re.compile(r"(\d{4})\s*-\s*(\d{1,3})\s*-\s*(\d{1,3})")
_ID_PARTS = ({"th": "ปีงบประมาณ", "en": "fiscal year"}, {"th": "เลขที่มาตรการ", "en": "measure"},
             {"th": "เลขที่ขั้นตอน", "en": "step"})


def check_row_id(check: SheetCheck, row: RowCheck) -> None:
    """A row id of the plan's form (2567-01-02) must name this row's fiscal year, measure and
    step: import-plan finds rows by it. Ids of another form are the office's own; a part
    that is itself wrong is already a finding and is not compared."""
    raw = row.clean("row_id")
    keys = ("fiscal_year", "measure_no", "step_no")
    values = [row.clean(k) for k in keys]
    if raw is None or any(k in row.flagged for k in keys) or None in values:
        return
    m = _ROW_ID.fullmatch(to_arabic_digits(normalize_header(raw)))
    if m is None:
        return
    wrong = [i for i, (part, value) in enumerate(zip(m.groups(), values, strict=True)) if int(part) != value]
    if wrong:
        parts = {lang: ", ".join(_ID_PARTS[i][lang] for i in wrong) for lang in ("th", "en")}
        params = {"parts": parts, "expected": plan_row_id(*values)}
        check.emit(Problem(RowIdMismatch, params), row, "row_id", row.record.get("row_id"))


_COMPLAINT_DATES = ("received_date", "ack_date", "closed_date")


def check_complaints(check: SheetCheck) -> None:
    keys = tuple(k for k in _COMPLAINT_DATES if check.present(k))
    for row in check.rows:
        check.check_dates(row, keys, check.today, check.today, _today_reference(), future=keys)
        check_date_order(check, row, keys)
        status = row.value("status")
        if status == "closed":
            check.needs(row, ClosedNeedsDate, "closed_date")
            check.needs(row, ClosedNeedsOutcome, "outcome")
            why = {"th": f" เพราะสถานะเป็น '{check.status_label(row)}'",
                   "en": f" because the status is '{check.status_label(row)}'"}
            check.needs_text(row, "outcome", None, why)
        elif status in ("received", "in_progress"):
            check_open_but_closed(check, row)
    check.required_texts()
    if check.present("complaint_id"):
        check.check_duplicate_ids("complaint_id")
        for row in check.rows:
            check_id_year(check, row)


def check_open_but_closed(check: SheetCheck, row: RowCheck) -> None:
    """A complaint still received or in progress that has a closing date (and an outcome):
    the status was not updated, or the date belongs to another row."""
    closed = row.clean("closed_date")
    if closed is None:
        return
    outcome = check.present("outcome") and not check.is_empty(row, "outcome")
    and_outcome = {"th": " และมีผลการดำเนินการ" if outcome else "", "en": " (and an outcome)" if outcome else ""}
    params = {"date": closed, "status": check.status_label(row), "and_outcome": and_outcome,
              "closed": check.status_label(row, choice_key="closed")}
    check.emit(Problem(ClosedDateNotClosed, params), row, "closed_date", row.record.get("closed_date"))


# The year a complaint number carries: ร.012/2567, 012/67, ร67-001 (the demo's ร + fiscal year).
_ID_YEAR = (re.compile(r"(?<!\d)(25\d\d)(?!\d)"), re.compile(r"/\s*(\d{2})$"),
            re.compile(r"^[\u0e01-\u0e2e.\s]+(\d{2})\s*[-/]\s*\d+$"))


def id_year(ident: str) -> int | None:
    """The BE year written in a complaint id, or None when it carries none."""
    text = to_arabic_digits(normalize_header(ident))
    for pattern in _ID_YEAR:
        m = pattern.search(text)
        if m is not None:
            year = int(m[1])
            return year if year > 100 else 2500 + year
    return None


def check_id_year(check: SheetCheck, row: RowCheck) -> None:
    """An id's year must be the fiscal year or the BE calendar year the complaint was received
    in (registers number by either): ร.012/2567 received in fiscal year 2569 is a mistake."""
    ident, received = row.clean("complaint_id"), row.clean("received_date")
    if ident is None or received is None:
        return
    year = id_year(str(ident))
    calendar_year, fiscal_year = received.year + BE_OFFSET, fiscal_year_of(received)
    if year is None or year in (calendar_year, fiscal_year):
        return
    params = {"id_year": year, "date": received, "calendar_year": calendar_year, "fiscal_year": fiscal_year}
    check.emit(Problem(IdYearMismatch, params), row, "complaint_id", row.record.get("complaint_id"))


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
        if col.owner != "service"  # the service adds its own columns when it first needs them
    ] + duplicate_columns(table, lang) + near_misses(table, lang)


def near_misses(table: SheetTable, lang: str) -> list[Finding]:
    """A sheet or header read although its name is not exact: said once, as a warning."""
    layout = table.layout
    found = []
    if table.found_title:
        found.append(SheetTitleVariant.make(sheet=layout.title, found=table.found_title.strip() or table.found_title,
                                            lang=lang, sheet_key=layout.key))
    for key, typed in table.match.variants.items():
        col = layout.column(key)
        found.append(HeaderVariant.make(
            sheet=layout.title, row=table.header_row, column=shown_header(col, lang), value=typed, typed=typed,
            lang=lang, sheet_key=layout.key, column_key=key, col_number=table.column_number(key),
        ))
    return found


def column_letter(index: int) -> str:
    """A 0-based column position as the sheet names it: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def duplicate_columns(table: SheetTable, lang: str) -> list[Finding]:
    """A header that names a column already read (two "สถานะ"): only the first is read, and
    whatever staff type in the other is silently ignored, so they must be told which."""
    used = set(table.match.positions.values())
    found = []
    for col in table.layout.columns:
        read = table.match.positions.get(col.key)
        if read is None:
            continue
        names = {normalize_header(n) for n in (col.th, col.en, col.key)}
        names |= {n.replace(" ", "") for n in names}
        others = [i for i, cell in enumerate(table.header)
                  if i not in used and normalize_header(cell) and (normalize_header(cell) in names
                                                                    or normalize_header(cell).replace(" ", "") in names)]
        if not others:
            continue
        used.update(others)
        letters = [column_letter(i) for i in sorted([read, *others])]
        ignored = ", ".join(column_letter(i) for i in others)
        found.append(DuplicateColumn.make(
            sheet=table.layout.title, column=shown_header(col, lang), lang=lang, sheet_key=table.layout.key,
            column_key=col.key, letters=(" และ " if lang == "th" else " and ").join(letters),
            used=column_letter(read), ignored=ignored,
        ))
    return found


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
