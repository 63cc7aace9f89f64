"""One staff sheet being checked: its rows, read through the typed table, and its findings.

`SheetCheck` turns the problems the typing step recorded into findings (each cell's, row by
row, in column order) and offers the sheet checks (automation.validation) what they share.
A row's `RowCheck` (its cells raw and typed, what is flagged in it) is made only when a
check looks at that row: at 100,000s of rows most are never looked at closely.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from automation.cells import Parsed, Problem, date_problem, display_value, show_date, unhide
from automation.findings import Finding, Rule
from automation.schema import Column, normalize_header
from automation.tables import ROW, SheetTable
from automation.thaidate import to_arabic_digits
from automation.typed_cells import plain_values
from automation.typed_tables import TypedTable, typed_table
from automation.validation_rules import DateFuture, DuplicateId, PlaceholderText

# What people type to fill a cell that wants text they do not have: it says nothing.
_PLACEHOLDER = re.compile(r"[-–—.…_?/\s]+|ไม่มี|ไม่ระบุ|n\s*/?\s*a|none|null|nil", re.IGNORECASE)


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



class SheetCells:
    """What a row reads its cells through: the table, its typing, the columns. Kept apart from
    SheetCheck, which holds the rows: a row pointing back at the check would be a cycle that
    only the garbage collector frees (the run's tables with it)."""

    def __init__(self, table: SheetTable) -> None:
        self.table = table
        self.typed: TypedTable = typed_table(table)
        self.keys = list(table.frame.columns)
        self.read = [c.key for c in table.layout.columns if c.key in table.match.positions]
        self.read_set = frozenset(self.read)
        self._columns: dict[str, tuple[list[Any], list[int]]] = {}
        self._typed_values: dict[str, tuple[list[Any], list[int]]] = {}

    def value(self, key: str, i: int) -> Any:
        """Row i's typed value in `key` (None for a column the sheet lacks): TypedColumn.value
        without its calls, as the checks read it some 100,000 times a large office."""
        column = self._typed_values.get(key)
        if column is None:
            if key not in self.read_set:
                return None
            typed = self.typed.columns[key]
            column = self._typed_values[key] = (typed._values, typed.at)
        values, at = column
        return values[at[i]]

    def raw_cell(self, key: str, i: int) -> Any:
        if key == ROW:
            return self.typed.rows[i]
        values, codes = self.raw_column(key)
        return values[codes[i]]

    def raw_column(self, key: str) -> tuple[list[Any], list[int]]:
        """A column's distinct cells (plain; None last) and each row's code, as lists: a row reads two."""
        column = self._columns.get(key)
        if column is None:
            coded = self.table.coded(key)
            if coded.cells is not None:
                column = self._columns[key] = (plain_values(coded.cells.tolist()), list(range(len(coded))))
            else:
                column = self._columns[key] = ([*plain_values(coded.uniques), None], coded.codes.tolist())
        return column


class RowCells(Mapping[str, Any]):
    """One row's cells as the workbook gave them (pandas' wrappers undone), read from the
    table's coded columns: no dict per row."""

    __slots__ = ("_check", "_index")

    def __init__(self, check: SheetCells, index: int) -> None:
        self._check, self._index = check, index

    def __getitem__(self, key: str) -> Any:
        if key not in self._check.keys:
            raise KeyError(key)
        return self._check.raw_cell(key, self._index)

    def get(self, key: str, default: Any = None) -> Any:
        return self._check.raw_cell(key, self._index) if key in self._check.keys else default

    def __contains__(self, key: object) -> bool:
        return key in self._check.keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._check.keys)

    def __len__(self) -> int:
        return len(self._check.keys)

    def __repr__(self) -> str:
        return repr(dict(self))


class RowParsed(Mapping[str, Parsed]):
    """One row's typed cells (Parsed) in the sheet's columns, read through the typed table."""

    __slots__ = ("_check", "_index")

    def __init__(self, check: SheetCells, index: int) -> None:
        self._check, self._index = check, index

    def __getitem__(self, key: str) -> Parsed:
        if key not in self._check.read_set:
            raise KeyError(key)
        return self._check.typed[key].parsed(self._index)

    def get(self, key: str, default: Any = None) -> Any:
        return self._check.typed[key].parsed(self._index) if key in self._check.read_set else default

    def value(self, key: str) -> Any:
        """The typed value of the row's cell in `key`; None for a column the sheet lacks."""
        return self._check.value(key, self._index)

    def __contains__(self, key: object) -> bool:
        return key in self._check.read_set

    def __iter__(self) -> Iterator[str]:
        return iter(self._check.read)

    def __len__(self) -> int:
        return len(self._check.read)


_NOTHING_FLAGGED: frozenset[str] = frozenset()


@dataclass(slots=True)
class RowCheck:
    number: int
    record: Mapping[str, Any]
    cells: Mapping[str, Parsed]
    flagged: set[str] | frozenset[str] = _NOTHING_FLAGGED  # a set of its own once a cell is flagged

    def value(self, key: str) -> Any:
        """The typed value, even when it carries a warning (an alias still means its choice)."""
        cells = self.cells
        if cells.__class__ is RowParsed:  # straight from the typed column: no Parsed made
            return cells._check.value(key, cells._index)  # type: ignore[attr-defined]
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
        self.cells = SheetCells(table)
        self.typed, self.read = self.cells.typed, self.cells.read  # read: the columns the sheet has
        self._rows: dict[int, RowCheck] = {}
        self._all: list[RowCheck] | None = None

    def __len__(self) -> int:
        return len(self.typed)

    def row(self, i: int) -> RowCheck:
        """Row i (0-based, in sheet order) as the checks read it; made on first use."""
        row = self._rows.get(i)
        if row is None:
            # Its id and unit are worked out only for a finding (emit): a row read and found
            # sound (most of 100,000s) never needs them.
            row = self._rows[i] = RowCheck(self.typed.rows[i], RowCells(self.cells, i), RowParsed(self.cells, i))
        return row

    @property
    def rows(self) -> list[RowCheck]:
        """Every row, in sheet order."""
        if self._all is None:
            self._all = [self.row(i) for i in range(len(self))]
        return self._all

    def rows_at(self, indices: np.ndarray | list[int]) -> Iterator[RowCheck]:
        for i in np.asarray(indices, dtype=np.intp).tolist():
            yield self.row(i)

    def flagged(self, key: str) -> np.ndarray:
        """bool per row: a finding already names the row's cell in `key`."""
        mask = np.zeros(len(self), dtype=bool)
        mask[[i for i, row in self._rows.items() if key in row.flagged]] = True
        return mask

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
                row_id=self.row_id(row) if row else "",
                unit=self.row_unit(row) if row else "",
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
        """Required, type and content findings for every cell. The cells were typed once, right
        after reading (automation.typed_tables): each problem a cell carries becomes its
        finding, row by row and in column order within a row; only those rows are looked at."""
        rows, order = [np.zeros(0, dtype=np.intp)], [np.zeros(0, dtype=np.intp)]
        for j, key in enumerate(self.read):
            at = self.typed[key].with_problems()
            rows.append(at)
            order.append(np.full(len(at), j, dtype=np.intp))
        row_index, column_index = np.concatenate(rows), np.concatenate(order)
        sort = np.lexsort((column_index, row_index))
        for i, j in zip(row_index[sort].tolist(), column_index[sort].tolist(), strict=True):
            key, row = self.read[j], self.row(i)
            column = self.typed[key]
            shown = None if column.blank(i) else row.record.get(key)
            for problem in column.problems(i):
                self.emit(problem, row, key, shown)

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

    def placeholder_at(self, row: RowCheck, key: str) -> bool:
        """needs_text would name this cell: a placeholder in a cell with nothing else wrong."""
        if not self.present(key) or key in row.flagged or self.is_empty(row, key):
            return False
        raw = row.record.get(key)
        return isinstance(raw, str) and bool(_PLACEHOLDER.fullmatch(unhide(raw)[0].strip()))

    def needs_text(self, row: RowCheck, key: str, severity: str | None = None,
                   why: dict[str, str] | None = None) -> None:
        """A placeholder ("-", ".", "ไม่มี") where real text is wanted, on a cell with nothing else wrong."""
        if not self.present(key) or key in row.flagged or self.is_empty(row, key):
            return
        raw = row.record.get(key)
        if not _is_placeholder(raw):
            return
        col = self.layout.column(key)
        name = col.en.lower() if col.en != "Row ID" else col.en
        what = {"th": col.th, "en": f"{'an' if name[0] in 'aeiou' else 'a'} {name}"}
        params = {"what": what, "why": why or {"th": "", "en": ""}}
        self.emit(Problem(PlaceholderText, params, severity), row, key, raw)  # type: ignore[arg-type]

    def required_texts(self) -> None:
        """Required text columns (ids, measure, step, subject) holding only a placeholder."""
        keys = [c.key for c in self.layout.columns if c.required and c.type == "text" and self.present(c.key)]
        # Only a row holding a placeholder in one of them can be named: the placeholder test runs
        # once per distinct cell, and needs_text (the definition) only on those rows, in row order.
        candidates = np.zeros(len(self), dtype=bool)
        for key in keys:
            values, codes = self.cells.raw_column(key)
            hits = np.fromiter((_is_placeholder(v) for v in values), dtype=bool, count=len(values))
            if hits.any():
                candidates |= hits[np.asarray(codes, dtype=np.intp)]
        for row in self.rows_at(np.flatnonzero(candidates)):
            for key in keys:
                self.needs_text(row, key)


def _is_placeholder(raw: Any) -> bool:
    return isinstance(raw, str) and bool(_PLACEHOLDER.fullmatch(unhide(raw)[0].strip()))


def today_reference() -> dict[str, str]:
    return {"th": "วันนี้", "en": "today"}
