"""Sheets as tables: raw grids matched to the schema by header, as pandas DataFrames.

Values stay exactly as the workbook holds them (dates as dates or serials, text as typed);
automation.typed_tables types every column once, right after reading, recording each bad
cell's problem, so that a bad cell becomes a finding, not a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from automation.columns import Coded, code_columns, code_values
from automation.schema import HeaderMatch, Schema, SheetSchema, match_headers
from automation.workbook import Grid, Workbook

ROW = "_row"  # the sheet row number (1-based, as a person counts) kept beside each record
HEADER_SEARCH = 20  # title rows a staff sheet may have above its header row
T = TypeVar("T")


@dataclass
class SheetTable:
    layout: SheetSchema
    present: bool
    header: list[Any] = field(default_factory=list)
    match: HeaderMatch = field(default_factory=HeaderMatch)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    header_row: int = 1  # the sheet row holding the headers (title rows may sit above it)
    found_title: str | None = None  # the sheet's own title when it differs from the layout's
    # What the run derived from this table, computed once and shared by every stage that
    # reads it (automation.typed_tables, automation.run_figures): kept with the table, so a
    # new read starts afresh.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def title(self) -> str:
        return self.layout.title

    def once(self, name: str, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """compute() the first time `name` is asked for with these inputs, then the same value:
        how a figure is computed once per run and shared by every stage and output that reads
        it. Inputs that are not hashable (settings) count by identity and are kept alive with
        the value; a new frame (a caller replacing it) starts afresh."""
        if self.derived.get("_frame") is not self.frame:
            self.derived.clear()
            self.derived["_frame"] = self.frame
        key = (name, *(_memo_key(x) for x in inputs))
        hit = self.derived.get(key)
        if hit is not None:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        self.derived[key] = (inputs, value)
        return value

    def coded(self, key: str) -> Coded:
        """A schema column as its distinct cells and a code per row (automation.columns)."""
        return self.once("coded", (key,), lambda: code_values(self.values(key)))

    def column_number(self, key: str) -> int | None:
        """1-based position of a schema column in the sheet, for notes and cell writes."""
        index = self.match.positions.get(key)
        return None if index is None else index + 1

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts; an empty cell is always None (pandas may hold it as NaN)."""
        if not len(self.frame):
            return []
        # Column lists zipped row by row: several times quicker than to_dict("records") on
        # 100,000 rows, with the same plain Python values (tolist unboxes numpy ints).
        keys = list(self.frame.columns)
        columns = [self.frame[k].tolist() for k in keys]
        return [
            {k: (None if _missing(v) else v) for k, v in zip(keys, values, strict=True)}
            for values in zip(*columns, strict=True)
        ]

    def values(self, key: str) -> list[Any]:
        """One column as plain Python values, an empty cell None, exactly as in records();
        [None, ...] for a column the frame lacks. Column-wise typing needs no dict per row."""
        if key not in self.frame.columns:
            return [None] * len(self.frame)
        column = self.frame[key]
        values = column.tolist()
        # pandas' isna finds the candidates at C speed (it flags a superset of _missing's
        # values); _missing decides, so the values are exactly those records() gives.
        for i in column.isna().to_numpy().nonzero()[0]:
            if _missing(values[i]):
                values[i] = None
        return values

    def values_at(self, key: str, rows: Any) -> list[Any]:
        """values(key)[i] for each row index i in `rows` (a list or an integer array), without
        turning the whole column into a list: a few cells of 100,000 rows."""
        index = np.asarray(rows, dtype=np.intp)
        if key not in self.frame.columns:
            return [None] * len(index)
        column = self.frame[key].iloc[index]
        values = column.tolist()
        for i in column.isna().to_numpy().nonzero()[0]:  # as in values(): isna finds, _missing decides
            if _missing(values[i]):
                values[i] = None
        return values


def _memo_key(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return value if isinstance(value, (str, int, float, tuple, type(None))) or _is_value(value) else ("id", id(value))


def _is_value(value: Any) -> bool:
    """Dates and frozen records (a FiscalRound) compare by value; other objects by identity."""

    params = getattr(value, "__dataclass_params__", None)
    return isinstance(value, dt.date) or bool(params and params.frozen)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and value != value)  # NaN


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def to_table(layout: SheetSchema, grid: Grid | None, found_title: str | None = None) -> SheetTable:
    if grid is None:
        return SheetTable(layout, present=False, frame=_empty_frame(layout))
    at = header_index(layout, grid)
    header = list(grid[at]) if grid else []
    match = match_headers(layout, header)
    body = grid[at + 1:]
    # The schema's columns, coded (automation.columns): the table keeps one object per distinct
    # cell, not the grid's own cells, and typing works once per distinct cell.
    coded = _coded(layout, match, body)
    for position, column in coded.items():  # a cell of only spaces is empty
        coded[position] = column.emptied(_blank_texts(column))
    # Blank lines between entries are normal in a staff sheet: they are left out. Only rows
    # empty in every column read can be blank, and only those are looked at whole.
    empty = np.ones(len(body), dtype=bool)
    for column in coded.values():
        empty &= column.codes < 0
    blank = [i for i in np.flatnonzero(empty).tolist() if all(_blank(v) for v in body[i])]
    kept = np.arange(len(body), dtype=np.intp)
    if blank:
        kept = np.delete(kept, blank)
        coded = {position: column.taken(kept) for position, column in coded.items()}
    columns: dict[str, Coded] = {}
    for c in layout.columns:
        index = match.positions.get(c.key)
        columns[c.key] = coded[index] if index is not None else Coded(np.full(len(kept), -1, dtype=np.intp), [])
    # dtype=object keeps every value as the workbook gave it: no datetime64 or NaT coercion.
    frame = pd.DataFrame({key: pd.Series(column.raw(), dtype=object, copy=False) for key, column in columns.items()})
    frame[ROW] = kept + (at + 2)
    table = SheetTable(layout, present=True, header=header, match=match, frame=frame, header_row=at + 1,
                       found_title=found_title)
    for key, column in columns.items():  # typing reads the codes made here
        table.once("coded", (key,), lambda column=column: column)  # type: ignore[misc]
    return table


def _blank_texts(column: Coded) -> list[int]:
    """The distinct cells of only spaces (or nothing at all)."""
    if not any(issubclass(c, str) for c in column.classes):
        return []
    uniques = column.uniques
    texts = np.arange(len(uniques)) if column.classes == {str} else \
        np.flatnonzero(np.fromiter(map(isinstance, uniques, repeat(str)), dtype=bool, count=len(uniques)))
    lengths = np.fromiter(map(len, map(str.strip, [uniques[i] for i in texts])), dtype=np.intp, count=len(texts))
    return texts[lengths == 0].tolist()  # type: ignore[no-any-return]


def _coded(layout: SheetSchema, match: HeaderMatch, body: Grid) -> dict[int, Coded]:
    """The columns read (by sheet position), coded together; timestamp columns (every cell
    its own) each on their own, where they would only slow the others' hashing."""
    alone = sorted({i for k, i in match.positions.items() if layout.column(k).type == "datetime"})
    together = sorted(set(match.positions.values()) - set(alone))
    coded = {}
    for group in ([together] if together else []) + [[i] for i in alone]:
        coded.update(zip(group, code_columns(_cells(body, group)), strict=True))
    return coded


def _cells(body: Grid, positions: list[int]) -> np.ndarray:
    """The cells of these columns, row by row (rows x columns); None beyond a short row."""
    width = max(positions) + 1
    if body and min(map(len, body)) < width:
        body = [row if len(row) >= width else [*row, *[None] * (width - len(row))] for row in body]
    # Only the cells wanted are touched: at 100,000s of rows each pass over every cell's
    # object costs more than the work done on it.
    pick = itemgetter(*positions)
    cells = np.fromiter(chain.from_iterable(map(pick, body)) if len(positions) > 1 else map(pick, body),
                        dtype=object, count=len(body) * len(positions))
    return cells.reshape(len(body), len(positions))


def header_index(layout: SheetSchema, grid: Grid) -> int:
    """The header row (0-based): the first of the top rows that names at least half of the
    layout's columns; failing that, the one naming the most (a title row above the headers,
    "แผนปฏิบัติการ … ประจำปี ๒๕๖๗" merged across, is passed over); row 1 when none names any."""
    enough = max(1, (len(layout.columns) + 1) // 2)
    best, best_found = 0, 0
    for index, row in enumerate(grid[:HEADER_SEARCH]):
        if not any(not _blank(v) for v in row):
            continue
        found = len(match_headers(layout, list(row)).positions)
        if found >= enough:
            return index
        if found > best_found:
            best, best_found = index, found
    return best


def _empty_frame(layout: SheetSchema) -> pd.DataFrame:
    return pd.DataFrame(columns=[*(c.key for c in layout.columns), ROW]).astype(object)


@dataclass
class Tables:
    sheets: dict[str, SheetTable]

    def __getitem__(self, key: str) -> SheetTable:
        return self.sheets[key]


def load_tables(workbook: Workbook, schema: Schema) -> Tables:
    """Every sheet of the schema, staff and service alike, in one read."""
    titles = [layout.title for layout in schema.sheets.values()]
    grids = workbook.read(titles)
    found = getattr(workbook, "found_titles", {})  # a wrapper (bench's timer) may not pass it on
    return Tables({key: to_table(layout, grids.get(layout.title), found.get(layout.title))
                   for key, layout in schema.sheets.items()})
