"""Validation of the staff sheets: every bad entry becomes one precise finding in plain Thai.

Two layers. `parse_cell` types one cell from its schema column and says what is wrong with
it, knowing nothing else: other modules reuse it to read typed values. The sheet checks then
add what needs the whole row or sheet: dates in order, plausible and not in the future,
statuses that need a date, duplicate ids and form submissions, suspicious text.

One mistake, one finding: a blank required cell is only "required"; a cell that failed to
parse takes no part in any cross-field rule; a date gets at most one date finding.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from automation.findings import Finding, Rule, Severity
from automation.likert import LikertError, parse_likert
from automation.pipeline import RunContext, StageResult
from automation.schema import Choice, Column, compact, normalize_header
from automation.tables import ROW, SheetTable
from automation.thaidate import (
    DateParseError,
    FiscalRound,
    be_year,
    fiscal_year_of,
    parse_date,
    parse_datetime,
    to_arabic_digits,
)
from automation.validation_rules import (
    ChoiceAlias,
    ChoiceSpacing,
    ChoiceTypo,
    ClosedNeedsDate,
    ClosedNeedsOutcome,
    ControlCharacters,
    DateFormat,
    DateFuture,
    DateImplausible,
    DateImpossible,
    DateOrder,
    DoneNeedsDate,
    DuplicateId,
    DuplicateResponse,
    FiscalYearImplausible,
    FormulaLike,
    MissingColumn,
    MissingSheet,
    NoRatings,
    NotInteger,
    NotLikert,
    NotUrl,
    OutsideFiscalYear,
    RequiredCell,
    TooLong,
    UnknownChoice,
    WrongEra,
)

MAX_CELL_CHARS = 2000  # longer text is almost always a paste gone wrong
PLAUSIBLE_YEARS = 5  # a date further than this from today (or the row's fiscal year) is suspect
# Google Forms sometimes records one tap on "send" twice, seconds apart; two people giving
# identical answers within two minutes at one counter is rare enough to ask staff about.
DUPLICATE_WINDOW = dt.timedelta(minutes=2)
FISCAL_YEARS_BACK = 10  # measures sheets keep a few years of plans, not decades
MAX_VALUE_CHARS = 500  # how much of a value the findings sheet repeats

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab and line breaks are fine
_PHONE_OR_NUMBER = re.compile(r"[+\-]?[\d\s().,/#*\-]*\d[\d\s().,/#*\-]*")
_DASHES = re.compile(r"[-–—\s]+")  # "-" alone means "none" in Thai forms
_HANDLE = re.compile(r"@[\w.\-]+")  # a LINE or Facebook id such as @bansuan
_THAI_MARKS = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")  # vowels above/below, tone marks


# ---------------------------------------------------------------- typing one cell


@dataclass(frozen=True)
class Problem:
    """What is wrong with a cell: a rule and the values its message needs.

    A param may be a date (shown per language) or {"th": ..., "en": ...}.
    """

    rule: type[Rule]
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None


@dataclass(frozen=True)
class Parsed:
    """A typed cell value; None when blank or when it cannot be trusted (see `problem`).

    Choices parse to the choice key, dates to `date`, timestamps to `datetime`, Likert to 5..1.
    A warning-level problem (extra spaces, an alias) keeps the value.
    """

    value: Any = None
    problem: Problem | None = None
    blank: bool = False


def is_blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and value != value)
        or type(value).__name__ == "NaTType"  # pandas' blank date
        or (isinstance(value, str) and not value.strip())
    )


def plain_value(value: Any) -> Any:
    """A cell value as the workbook gave it, undoing pandas' wrapping (Timestamp, NaT, numpy)."""
    if is_blank(value) and not isinstance(value, str):
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value


def parse_cell(column: Column, value: Any) -> Parsed:
    """Type one cell as its schema column says; never raises."""
    if is_blank(value):
        return Parsed(blank=True)
    parser = _PARSERS.get(column.type, _parse_text)
    return parser(column, value)


def _parse_text(column: Column, value: Any) -> Parsed:
    if isinstance(value, float) and value.is_integer():
        return Parsed(str(int(value)))
    if isinstance(value, dt.datetime):
        return Parsed(value.isoformat(sep=" "))
    if isinstance(value, dt.date):
        return Parsed(value.isoformat())
    return Parsed(str(value).strip())


def _parse_int(column: Column, value: Any) -> Parsed:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = to_arabic_digits(value).strip().replace(",", "")
        if re.fullmatch(r"\+?\d+(?:\.0*)?", text):
            number = int(float(text)) if len(text) < 18 else int(text.split(".")[0])
    if number is None or number < 1:
        return Parsed(problem=Problem(NotInteger))
    return Parsed(number)


def _parse_date(column: Column, value: Any) -> Parsed:
    try:
        day: dt.date = parse_datetime(value) if column.type == "datetime" else parse_date(value)
    except DateParseError as exc:
        return Parsed(problem=Problem(DateImpossible if exc.reason == "impossible" else DateFormat))
    except (ValueError, OverflowError, TypeError):
        return Parsed(problem=Problem(DateFormat))
    if day.year > 2400:  # a BE year in a real date cell: no office date is after CE 2400
        return Parsed(problem=wrong_era_date(day, shift_year(day, -543)))
    return Parsed(day)


def wrong_era_date(day: dt.date, corrected: dt.date | None) -> Problem:
    detail = {"th": f"อ่านได้เป็นปี ค.ศ. {day.year} ซึ่งเป็นไปไม่ได้", "en": f"read as CE year {day.year}"}
    fixed: Any = {"th": "วันที่ที่ถูกต้อง", "en": "the right date"}
    if corrected is not None:
        fixed = {
            "th": f"{_show_date(corrected, 'th')} (ตรงกับ ค.ศ. {_show_date(corrected, 'en')})",
            "en": f"{_show_date(corrected, 'en')} (BE {_show_date(corrected, 'th')})",
        }
    return Problem(WrongEra, {"detail": detail, "corrected": fixed})


def _parse_url(column: Column, value: Any) -> Parsed:
    text = str(value).strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    good_host = "." in host.strip(".") or host == "localhost"
    if parts and parts.scheme in ("http", "https") and good_host and not re.search(r"\s", text):
        return Parsed(text)
    if re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?", text):
        hint = {"th": f"เติม https:// ข้างหน้า: https://{text}", "en": f"Add https:// in front: https://{text}"}
    else:
        hint = {
            "th": "ใส่ลิงก์ของหลักฐานที่เผยแพร่แล้ว เช่น https://www.example.go.th/… "
            "(เอกสารในแฟ้มให้อัปโหลดขึ้นเว็บไซต์ก่อน)",
            "en": "Put the link of the published evidence, e.g. https://www.example.go.th/… "
            "(upload paper files to the website first)",
        }
    return Parsed(problem=Problem(NotUrl, {"hint": hint}))


def _label(choice: Choice) -> dict[str, str]:
    """How to name a choice in a suggestion: the value staff type, explained in English."""
    return {"th": choice.th, "en": choice.th if choice.th == choice.en else f"{choice.th} ({choice.en})"}


def _choice_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_choice(column: Column, value: Any) -> Parsed:
    text = _choice_text(value)
    for choice in column.choices:
        if text in (choice.th, choice.en):
            return Parsed(choice.key)
    citizen = column.owner == "citizen"  # a form's own options are not the office's to rename
    hit = column.choice_for(text)
    if hit is not None:
        label = _label(hit)
        if citizen:
            return Parsed(hit.key)
        if normalize_header(text) in (normalize_header(hit.th), normalize_header(hit.en)):
            return Parsed(hit.key, Problem(ChoiceSpacing, {"suggested": label}))
        severity: Severity = "warning" if column.key == "unit" else "info"  # units route findings
        return Parsed(hit.key, Problem(ChoiceAlias, {"suggested": label}, severity))
    names = {}
    for choice in column.choices:
        for name in (choice.th, choice.en, *choice.aliases):
            names.setdefault(compact(name), choice)
    wanted = compact(text)
    near = names.get(wanted)  # the right word with stray spaces inside it (a PDF wrap)
    if near is not None:
        label = _label(near)
        return Parsed(near.key, None if citizen else Problem(ChoiceSpacing, {"suggested": label}))
    bare = {_THAI_MARKS.sub("", name): choice for name, choice in names.items()}
    near = bare.get(_THAI_MARKS.sub("", wanted))
    if near is None and wanted:
        close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.75)
        near = names[close[0]] if close else None
    if near is not None:
        return Parsed(problem=Problem(ChoiceTypo, {"suggested": _label(near)}))
    allowed = {
        "th": ", ".join(c.th for c in column.choices),
        "en": ", ".join(_label(c)["en"] for c in column.choices),
    }
    return Parsed(problem=Problem(UnknownChoice, {"allowed": allowed}))


def _parse_likert(column: Column, value: Any) -> Parsed:
    try:
        level = parse_likert(value)
    except (LikertError, ValueError, OverflowError, TypeError):
        return Parsed(problem=Problem(NotLikert))
    return Parsed(level, blank=level is None)


_PARSERS = {
    "text": _parse_text,
    "int": _parse_int,
    "date": _parse_date,
    "datetime": _parse_date,
    "url": _parse_url,
    "choice": _parse_choice,
    "likert": _parse_likert,
}


def content_problems(value: Any) -> list[Problem]:
    """Suspicious text, citizen's or staff's: formula-like starts, control characters, length."""
    if not isinstance(value, str):
        return []
    found = []
    start = value.lstrip()
    if start[:1] in ("=", "+", "-", "@") and not (
        _PHONE_OR_NUMBER.fullmatch(start) or _DASHES.fullmatch(start) or _HANDLE.fullmatch(start)
    ):
        found.append(Problem(FormulaLike, {"char": start[0]}))
    controls = sorted(set(_CONTROL.findall(value)))
    if controls:
        found.append(Problem(ControlCharacters, {"codes": ", ".join(f"U+{ord(c):04X}" for c in controls)}))
    if len(value) > MAX_CELL_CHARS:
        found.append(Problem(TooLong, {"length": len(value), "limit": MAX_CELL_CHARS}))
    return found


def shift_year(day: dt.date, years: int) -> dt.date | None:
    """The same day `years` years away (29 Feb becomes 28 Feb); None beyond the calendar."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        try:
            return day.replace(year=day.year + years, day=28)
        except ValueError:
            return None


def date_problem(day: dt.date, low: dt.date, high: dt.date, reference: dict[str, str]) -> Problem | None:
    """A date implausibly far from [low, high]; when ±543 years brings it close, the era is wrong."""
    span = dt.timedelta(days=round(PLAUSIBLE_YEARS * 365.25))
    plain = day.date() if isinstance(day, dt.datetime) else day

    def far(d: dt.date) -> bool:
        return d < low - span or d > high + span

    if not far(plain):
        return None
    for years in (-543, 543):
        corrected = shift_year(day, years)
        if corrected is not None and not far(corrected.date() if isinstance(corrected, dt.datetime) else corrected):
            return wrong_era_date(day, corrected)
    return Problem(DateImplausible, {"date": day, "years": PLAUSIBLE_YEARS, "reference": reference})


# ---------------------------------------------------------------- one sheet


def _show_date(value: dt.date, lang: str) -> str:
    if isinstance(value, dt.datetime):
        clock = value.strftime(" %H:%M:%S") if value.time() != dt.time() else ""
        return _show_date(value.date(), lang) + clock
    if lang == "en":
        return value.isoformat()
    return f"{value.day:02d}/{value.month:02d}/{be_year(value.year)}"


def _render(value: Any, lang: str) -> Any:
    if isinstance(value, dict) and "th" in value:
        return value.get(lang, value["th"])
    if isinstance(value, dt.date):
        return _show_date(value, lang)
    return value


def _display(value: Any) -> Any:
    """The value as the findings sheet repeats it: visible, not too long, dates as dates."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, str):
        value = _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", value)
        if len(value) > MAX_VALUE_CHARS:
            value = value[: MAX_VALUE_CHARS - 1] + "…"
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
                column=col.header(self.lang) if col else "",
                value=_display(value),
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
        return self.layout.column(key).header(self.lang)

    def present(self, key: str) -> bool:
        return key in self.table.match.positions

    def type_cells(self) -> None:
        """Required, type and content findings for every cell; builds `self.rows`."""
        columns = [c for c in self.layout.columns if self.present(c.key)]
        for raw_record in self.table.records():
            record = {k: plain_value(v) for k, v in raw_record.items()}
            cells = {c.key: parse_cell(c, record.get(c.key)) for c in columns}
            row = RowCheck(int(record[ROW]), record, cells)
            row.row_id, row.unit = self.row_id(row), self.row_unit(row)
            for col in columns:
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

    def row_id(self, row: RowCheck) -> str:
        if self.layout.key == "responses":
            stamp = row.value("timestamp")
            raw = row.record.get("timestamp")
            if isinstance(stamp, dt.datetime):
                return stamp.isoformat(sep=" ", timespec="seconds")
            return "" if raw is None else str(_display(raw))
        key = self.layout.id_column
        return "" if not key or row.value(key) is None else str(_display(row.value(key)))

    def row_unit(self, row: RowCheck) -> str:
        if "unit" not in row.cells:
            return ""
        value = row.value("unit")
        raw = row.record.get("unit")
        return str(value) if value is not None else ("" if raw is None else str(raw).strip())

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
            sheet=layout.title, column=col.header(lang), lang=lang,
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


__all__ = [
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
