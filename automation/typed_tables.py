"""Every column of a sheet typed once, right after reading: the values the stages read.

The backend reads raw cells (`automation.tables`); this step types each schema column with
`automation.cells.parse_cell`, once per distinct value of the column (a sheet of 100,000 rows
holds a handful of distinct statuses, dates or answers), and records what is wrong with each
cell as `Problem`s. Validation turns those problems into findings; deadlines, complaints,
satisfaction and the reports read the typed values and never parse a cell again.

What a stage reads from a cell:
- `value(i)`: the typed value, kept when the cell only has a warning (an alias still means its
  choice); None when blank or unreadable.
- `choice(i)`: a choice key, NOT_GIVEN for a blank cell, OTHER for a value not in the list.
- `lenient(i)` (date columns): the date even when its year is a BE year in a date cell, read
  as BE (validation names the era; progress and scores still place the row in its round).
- `problems(i)`: the cell's problems in the order validation reports them.

Typing is cached on the table (`SheetTable.derived`), so a table is typed once whatever number
of stages read it; the pipeline types every staff sheet right after reading.
"""

from __future__ import annotations

import datetime as dt
import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from automation.cells import (
    Parsed,
    Problem,
    content_problems,
    each_distinct,
    parse_cell,
    plain_value,
    shift_year,
)
from automation.schema import Column
from automation.tables import ROW, SheetTable, Tables
from automation.thaidate import DateParseError, parse_date, parse_datetime
from automation.validation_rules import DateImplausible, RequiredCell, WrongEra

T = TypeVar("T")
NOT_GIVEN, OTHER = "", "?"  # choice keys for a blank cell and for a value not in the list

# Cell types plain_value hands back unchanged: most cells skip the call.
_AS_IS = frozenset({str, int, bool, float, dt.datetime, dt.date, dt.time, type(None)})


def plain_values(values: list[Any]) -> list[Any]:
    """plain_value of each value (pandas' Timestamp/NaT/numpy undone), most cells as they are."""
    return [v if v.__class__ in _AS_IS else plain_value(v) for v in values]


@dataclass(frozen=True)
class TypedCell:
    """One distinct cell value typed for its column; shared by every row holding that value."""

    parsed: Parsed
    problems: tuple[Problem, ...] = ()  # what validation reports, in its order
    lenient: Any = None  # date columns: the date with a BE year read as BE


def type_cell(column: Column, raw: Any) -> TypedCell:
    """The per-cell definition: parse_cell, plus the problems validation reports for the cell."""
    parsed = parse_cell(column, raw)
    if parsed.blank:
        return TypedCell(parsed, (Problem(RequiredCell),) if column.required else ())
    problems = () if parsed.problem is None else (parsed.problem,)
    if column.type == "text":
        problems += tuple(content_problems(raw))
    lenient = parsed.value
    if column.type in ("date", "datetime") and parsed.value is None and parsed.problem is not None \
            and parsed.problem.rule in (WrongEra, DateImplausible):
        lenient = _be_date(column, raw)
    return TypedCell(parsed, problems, lenient)


def _be_date(column: Column, raw: Any) -> Any:
    """A date whose year is a BE year (validation's WrongEra / a far placeholder), as CE."""
    try:
        day = parse_datetime(raw) if column.type == "datetime" else parse_date(raw)
    except (DateParseError, ValueError, TypeError, OverflowError):
        return None
    if day.year <= 2400:
        return None
    if column.type == "datetime":  # a timestamp on 29 Feb of a BE year no leap year in CE: none
        try:
            return day.replace(year=day.year - 543)
        except ValueError:
            return None
    return shift_year(day, -543)


@dataclass
class TypedColumn:
    column: Column
    cells: list[TypedCell]  # one per row, in sheet order
    present: bool = True  # the sheet has this column (an absent one types as all blank)
    # distinct(), worked out on first use: (the cells list it was worked out from, the result)
    _distinct: tuple[list[TypedCell], Distinct] | None = field(default=None, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.cells)

    def value(self, i: int) -> Any:
        return self.cells[i].parsed.value

    def values(self) -> list[Any]:
        return [c.parsed.value for c in self.cells]

    def blank(self, i: int) -> bool:
        return self.cells[i].parsed.blank

    def problems(self, i: int) -> tuple[Problem, ...]:
        return self.cells[i].problems

    def choice(self, i: int) -> str:
        """The choice key, NOT_GIVEN for a blank cell, OTHER for a value not in the list."""
        parsed = self.cells[i].parsed
        if parsed.blank:
            return NOT_GIVEN
        return OTHER if parsed.value is None else parsed.value

    def choices(self) -> list[str]:
        return [_choice_key(c.parsed) for c in self.cells]

    def date(self, i: int) -> tuple[Any, bool]:
        """(date or None for a blank, readable?): an unreadable date is validation's finding."""
        parsed = self.cells[i].parsed
        return parsed.value, parsed.blank or parsed.value is not None

    def lenient(self, i: int) -> Any:
        return self.cells[i].lenient

    def distinct(self) -> Distinct:
        """The column's distinct cells (rows share one TypedCell per distinct raw value), in
        order of first appearance, with each one's first row and each row's index into them."""
        if self._distinct is None or self._distinct[0] is not self.cells:
            self._distinct = (self.cells, _distinct(self.cells))
        return self._distinct[1]

    def per_distinct(self, result: Callable[[TypedCell, int], T]) -> list[T]:
        """result(cell, first row index) for each distinct cell, handed to every row holding it."""
        done = self.distinct().each(result)
        return [done[k] for k in self.distinct().codes.tolist()]

    def per_distinct_array(self, result: Callable[[TypedCell, int], Any], dtype: Any = object) -> np.ndarray:
        """per_distinct as a numpy array: result once per distinct cell, spread to the rows by
        one numpy take instead of a Python step per row."""
        distinct = self.distinct()
        done = distinct.each(result)
        values = np.fromiter(done, dtype=object, count=len(done)) if dtype is object else np.array(done, dtype=dtype)
        return values[distinct.codes]


@dataclass(frozen=True)
class Distinct:
    cells: list[TypedCell]  # each distinct cell once, in order of first appearance
    first: np.ndarray  # intp: the row each first appears in
    codes: np.ndarray  # intp per row: its cell's index in `cells`

    def each(self, result: Callable[[TypedCell, int], T]) -> list[T]:
        return [result(cell, i) for cell, i in zip(self.cells, self.first.tolist(), strict=True)]


def _distinct(cells: list[TypedCell]) -> Distinct:
    # By identity: the typing step hands every row holding the same raw value the same cell.
    # pandas' factorize numbers them in order of first appearance, by hashing (no sort).
    ids = np.fromiter(map(id, cells), dtype=np.uint64, count=len(cells))
    codes, _ = pd.factorize(ids)
    # A cell's first row is where the running maximum of the codes first reaches its number.
    top = np.maximum.accumulate(codes)
    first = np.flatnonzero(np.concatenate(([True], top[1:] > top[:-1]))) if len(codes) else codes
    return Distinct([cells[i] for i in first.tolist()], first.astype(np.intp), codes.astype(np.intp, copy=False))


def _choice_key(parsed: Parsed) -> str:
    if parsed.blank:
        return NOT_GIVEN
    return OTHER if parsed.value is None else parsed.value


@dataclass
class TypedTable:
    # The table it was typed from, by weak reference: the typing is kept in the table's own
    # `derived`, and a strong reference back would make a cycle that only the garbage
    # collector could free (a run's 100,000s of cells kept until a full collection).
    source: weakref.ref[SheetTable]
    rows: list[int]  # sheet row numbers, in order
    columns: dict[str, TypedColumn] = field(default_factory=dict)

    @property
    def table(self) -> SheetTable:
        table = self.source()
        if table is None:
            raise ReferenceError("the table this typing was read from is gone")
        return table

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: str) -> TypedColumn:
        return self.columns[key]

    def raw(self, key: str) -> list[Any]:
        """The column's cells as the workbook gave them (pandas' wrappers undone)."""
        return plain_values(self.table.values(key))

    def raw_at(self, key: str, rows: Any) -> list[Any]:
        """raw(key)[i] for each row index i in `rows`, without the whole column."""
        return plain_values(self.table.values_at(key, rows))

    def likert_codes(self, key: str) -> np.ndarray:
        """int8 per row: 1..5 the level, 0 no answer, -1 an answer that is not a level."""
        return self.columns[key].per_distinct_array(lambda cell, _i: _likert_code(cell), np.int8)


def _likert_code(cell: TypedCell) -> int:
    if cell.parsed.blank:
        return 0
    return -1 if cell.parsed.value is None else int(cell.parsed.value)


def typed_table(table: SheetTable) -> TypedTable:
    """The table with every schema column typed; computed once per table and kept with it."""
    return table.once("typed", (), lambda: _typed(table))


def _typed(table: SheetTable) -> TypedTable:
    rows = [int(r) for r in table.values(ROW)] if ROW in table.frame.columns else []
    present = table.match.positions if table.present else {}
    typed = TypedTable(weakref.ref(table), rows)
    for column in table.layout.columns:
        raw = plain_values(table.values(column.key))
        typed.columns[column.key] = TypedColumn(
            column, each_distinct(raw, functools.partial(type_cell, column)), column.key in present)
    return typed


def type_tables(tables: Tables, keys: list[str]) -> dict[str, TypedTable]:
    """The run's typing step: the given sheets typed once, right after reading."""
    return {key: typed_table(tables[key]) for key in keys}
