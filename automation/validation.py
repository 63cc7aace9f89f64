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
import re
from collections import Counter
from typing import Any

from automation.cells import (
    MAX_CELL_CHARS,
    PLAUSIBLE_YEARS,
    Parsed,
    Problem,
    content_problems,
    is_blank,
    parse_cell,
    plain_value,
)
from automation.findings import Finding
from automation.plan import row_id as plan_row_id
from automation.schema import normalize_header
from automation.stage import RunContext, StageResult
from automation.tables import SheetTable
from automation.thaidate import BE_OFFSET, FiscalRound, fiscal_year_of, to_arabic_digits
from automation.validation_responses import check_responses
from automation.validation_rules import (
    ClosedDateNotClosed,
    ClosedNeedsDate,
    ClosedNeedsOutcome,
    DateOrder,
    DoneDateNotDone,
    DoneNeedsDate,
    DoneNeedsEvidence,
    DuplicateColumn,
    DuplicateStep,
    FiscalYearImplausible,
    HeaderVariant,
    IdYearMismatch,
    LateMarkedOnTime,
    MissingColumn,
    MissingSheet,
    NumberOutOfPlan,
    OutsideFiscalYear,
    RowIdMismatch,
    SheetTitleVariant,
    WrongEra,
)
from automation.validation_sheet import RowCheck, SheetCheck, shown_header, today_reference

FISCAL_YEARS_BACK = 10  # measures sheets keep a few years of plans, not decades
MAX_PLAN_NUMBER = 99  # row ids give measures and steps two digits; no plan has a 100th measure
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


def check_measures(check: SheetCheck) -> None:
    current = fiscal_year_of(check.today)
    low_fy, high_fy = current - FISCAL_YEARS_BACK, current + 1
    for row in check.rows:
        year = row.clean("fiscal_year")
        window = (check.today, check.today)
        reference = today_reference()
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
        check.check_dates(row, keys, check.today, check.today, today_reference(), future=keys)
        check_date_order(check, row, keys)
        status = row.value("status")
        if status == "closed":
            check.needs(row, ClosedNeedsDate, "closed_date")
            check.needs(row, ClosedNeedsOutcome, "outcome")
            if check.placeholder_at(row, "outcome"):  # the reason is worded only for a finding
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
    dates = [(k, day) for k in keys if (day := row.clean(k)) is not None]
    clashes = [(a, b) for i, a in enumerate(dates) for b in dates[i + 1:] if b[1] < a[1]]
    blamed: list[tuple[tuple[str, Any], tuple[str, Any], bool]] = []  # (cell, other, cell-is-later)
    while clashes:
        counts = Counter(cell[0] for pair in clashes for cell in pair)
        key = max(counts, key=lambda k: (counts[k], keys.index(k)))
        for a, b in [p for p in clashes if key in (p[0][0], p[1][0])]:
            blamed.append((b, a, True) if b[0] == key else (a, b, False))
        clashes = [p for p in clashes if key not in (p[0][0], p[1][0])]
    if not blamed:
        return
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
