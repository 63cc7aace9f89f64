"""Every column of a sheet typed once, right after reading: the values the stages read.

The backend reads raw cells (`automation.tables`, which codes each column as its distinct cells
and a code per row: `automation.columns`); this step types each distinct cell of a column once
(`automation.typed_cells`: parse_cell, or a quicker path that gives the same), since a sheet of
100,000 rows holds a handful of distinct statuses, dates or answers, and records what is wrong
with each cell as `Problem`s. A row reads its typing through its code: no object per cell. Validation turns those problems into findings; deadlines, complaints,
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

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from automation.cells import Parsed, Problem
from automation.columns import Coded
from automation.schema import Column
from automation.tables import ROW, SheetTable, Tables
from automation.typed_cells import (
    DistinctTyping,
    TypedCell,
    clean_cell,
    plain_values,
    type_cell,
    type_distinct,
)

__all__ = ["NOT_GIVEN", "OTHER", "Distinct", "TypedCell", "TypedColumn", "TypedTable", "plain_values", "type_cell",
           "type_tables", "typed_table"]

T = TypeVar("T")
NOT_GIVEN, OTHER = "", "?"  # choice keys for a blank cell and for a value not in the list


class TypedColumn:
    """A column typed once per distinct cell: per row the index of its distinct cell (`codes`),
    per distinct cell its value, blankness and, unless it is clean, its TypedCell."""

    def __init__(self, column: Column, codes: np.ndarray, typing: DistinctTyping, present: bool = True) -> None:
        self.column = column
        self.codes = codes  # intp, one per row
        self.present = present  # the sheet has this column (an absent one types as all blank)
        self._values, self._blanks, self._cells = typing.values, typing.blanks, typing.cells
        self._at: list[int] | None = None  # codes as a list: a row's lookup without numpy's boxing
        self._distinct: Distinct | None = None  # distinct(), worked out on first use

    @classmethod
    def of_coded(cls, column: Column, coded: Coded, present: bool = True) -> TypedColumn:
        """Typed from the table's coded column: each distinct cell once, an empty cell as None."""
        typing = type_distinct(column, [*coded.uniques, None])
        codes = np.where(coded.codes < 0, len(coded.uniques), coded.codes)
        return cls(column, codes, typing, present)

    @classmethod
    def of_cells(cls, column: Column, cells: list[TypedCell], present: bool = True) -> TypedColumn:
        """From one TypedCell per row; rows holding the same TypedCell object share it (the
        per-cell definition types every row on its own: no row shares)."""
        codes, _ = pd.factorize(np.fromiter(map(id, cells), dtype=np.uint64, count=len(cells)))
        top = np.maximum.accumulate(codes)  # a cell's first row: where the running maximum reaches it
        first = np.flatnonzero(np.concatenate(([True], top[1:] > top[:-1])))
        own = [cells[i] for i in first.tolist()] if len(cells) else []
        typing = DistinctTyping([c.parsed.value for c in own], [c.parsed.blank for c in own], list(own))
        return cls(column, codes.astype(np.intp, copy=False), typing, present)

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def at(self) -> list[int]:
        if self._at is None:
            self._at = self.codes.tolist()
        return self._at

    def distinct_cell(self, d: int) -> TypedCell:
        cell = self._cells[d]
        if cell is None:
            cell = self._cells[d] = clean_cell(self._values[d])
        return cell

    @property
    def cells(self) -> list[TypedCell]:
        """One TypedCell per row, in sheet order (rows holding one value share it)."""
        return [self.distinct_cell(d) for d in self.at]

    def value(self, i: int) -> Any:
        return self._values[self.at[i]]

    def values(self) -> list[Any]:
        return self._per_row(self._values)

    def blank(self, i: int) -> bool:
        return self._blanks[self.at[i]]

    def problems(self, i: int) -> tuple[Problem, ...]:
        cell = self._cells[self.at[i]]
        return () if cell is None else cell.problems

    def choice(self, i: int) -> str:
        """The choice key, NOT_GIVEN for a blank cell, OTHER for a value not in the list."""
        d = self.at[i]
        if self._blanks[d]:
            return NOT_GIVEN
        value = self._values[d]
        return OTHER if value is None else value  # type: ignore[no-any-return]

    def choices(self) -> list[str]:
        keys = [NOT_GIVEN if blank else OTHER if value is None else value
                for value, blank in zip(self._values, self._blanks, strict=True)]
        return self._per_row(keys)

    def date(self, i: int) -> tuple[Any, bool]:
        """(date or None for a blank, readable?): an unreadable date is validation's finding."""
        d = self.at[i]
        value = self._values[d]
        return value, self._blanks[d] or value is not None

    def lenient(self, i: int) -> Any:
        d = self.at[i]
        cell = self._cells[d]
        return self._values[d] if cell is None else cell.lenient

    def lenients(self) -> list[Any]:
        return self._per_row([v if c is None else c.lenient for v, c in zip(self._values, self._cells, strict=True)])

    def parsed(self, i: int) -> Parsed:
        return self.distinct_cell(self.at[i]).parsed

    def with_problems(self) -> np.ndarray:
        """The rows (indices) whose cell has a problem for validation to report."""
        bad = [d for d, c in enumerate(self._cells) if c is not None and c.problems]
        return np.flatnonzero(np.isin(self.codes, bad)) if bad else np.zeros(0, dtype=np.intp)

    def distinct(self) -> Distinct:
        """The column's distinct cells in order of first appearance, with each one's first row
        and each row's index into them."""
        if self._distinct is None:
            first = np.full(len(self._values), len(self.codes), dtype=np.intp)
            first[self.codes[::-1]] = np.arange(len(self.codes) - 1, -1, -1, dtype=np.intp)  # the first row wins
            order = np.argsort(first, kind="stable")[: int(np.count_nonzero(first < len(self.codes)))]
            renumber = np.empty(len(self._values), dtype=np.intp)
            renumber[order] = np.arange(len(order), dtype=np.intp)
            self._distinct = Distinct([self.distinct_cell(d) for d in order.tolist()], first[order],
                                      renumber[self.codes])
        return self._distinct

    def per_distinct(self, result: Callable[[TypedCell, int], T]) -> list[T]:
        """result(cell, first row index) for each distinct cell, handed to every row holding it."""
        distinct = self.distinct()
        done = distinct.each(result)
        return list(map(done.__getitem__, distinct.codes.tolist()))

    def per_distinct_array(self, result: Callable[[TypedCell, int], Any], dtype: Any = object) -> np.ndarray:
        """per_distinct as a numpy array: result once per distinct cell, spread to the rows by
        one numpy take instead of a Python step per row."""
        distinct = self.distinct()
        done = distinct.each(result)
        values = np.fromiter(done, dtype=object, count=len(done)) if dtype is object else np.array(done, dtype=dtype)
        return values[distinct.codes]

    def per_first_row(self, value: Callable[[int], Any], dtype: Any = object) -> np.ndarray:
        """value(i) at the first row i of each distinct cell, spread to every row holding that
        cell by one numpy take; for a result read through the row accessors (value, date,
        choice, lenient), so no TypedCell is made (a column of 100,000 distinct timestamps)."""
        n = len(self.codes)
        first = np.full(len(self._values), n, dtype=np.intp)
        first[self.codes[::-1]] = np.arange(n - 1, -1, -1, dtype=np.intp)  # the first row wins
        used = np.flatnonzero(first < n)
        done = [value(i) for i in first[used].tolist()]
        per_distinct = np.empty(len(first), dtype=object) if dtype is object else np.zeros(len(first), dtype=dtype)
        per_distinct[used] = np.fromiter(done, dtype=object, count=len(done)) if dtype is object else done
        return per_distinct[self.codes]

    def _per_row(self, per_distinct: list[Any]) -> list[Any]:
        return list(map(per_distinct.__getitem__, self.at))


@dataclass(frozen=True)
class Distinct:
    cells: list[TypedCell]  # each distinct cell once, in order of first appearance
    first: np.ndarray  # intp: the row each first appears in
    codes: np.ndarray  # intp per row: its cell's index in `cells`

    def each(self, result: Callable[[TypedCell, int], T]) -> list[T]:
        return [result(cell, i) for cell, i in zip(self.cells, self.first.tolist(), strict=True)]


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
        column = self.columns[key]
        per_distinct = [0 if blank else -1 if value is None else int(value)
                        for value, blank in zip(column._values, column._blanks, strict=True)]
        return np.array(per_distinct, dtype=np.int8)[column.codes]


def typed_table(table: SheetTable) -> TypedTable:
    """The table with every schema column typed; computed once per table and kept with it."""
    return table.once("typed", (), lambda: _typed(table))


def typed_column(table: SheetTable, column: Column) -> TypedColumn:
    """One schema column typed, each distinct cell once."""
    present = table.present and column.key in table.match.positions
    return TypedColumn.of_coded(column, table.coded(column.key), present)


def _typed(table: SheetTable) -> TypedTable:
    rows = [int(r) for r in table.values(ROW)] if ROW in table.frame.columns else []
    typed = TypedTable(weakref.ref(table), rows)
    for column in table.layout.columns:
        typed.columns[column.key] = typed_column(table, column)
    return typed


def type_tables(tables: Tables, keys: list[str]) -> dict[str, TypedTable]:
    """The run's typing step: the given sheets typed once, right after reading."""
    return {key: typed_table(tables[key]) for key in keys}
