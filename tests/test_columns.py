"""Coding columns (automation.columns), reading grids into tables and typing distinct cells
(automation.typed_cells) give exactly what the per-cell definitions give: the table's cells
are the grid's cells (blank lines left out, a cell of spaces empty), two cells share a code
exactly when each_distinct would key them alike, and every quick typing path is type_cell."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from automation.columns import code_columns, code_values
from automation.schema import build_schema, complaints_sheet
from automation.settings import Settings
from automation.tables import ROW, to_table
from automation.typed_cells import plain_values, type_cell, type_distinct
from automation.workbook.base import CellError

FIXTURE = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Equal but not the same cell (1, 1.0, True, numpy's 1; "#N/A" and a formula's #N/A; 0.0 and
# -0.0; one instant in two time zones), blanks of every kind, and text of every sort.
UTC7 = dt.timezone(dt.timedelta(hours=7))
ODD = st.sampled_from([
    None, "", "  ", "\u200b", float("nan"), pd.NaT, 1, 1.0, True, False, 0, 0.0, -0.0, np.int64(1), np.float64(2.0),
    2.5, "1", "๑", "#N/A", CellError("#N/A"), CellError("#REF!"), "=SUM(A1)", "+66812345678", "@bansuan",
    "-", " ติดประกาศ ", "x" * 2001, "ก\x07", "a\u202eb", "มาก", dt.date(2024, 1, 5), dt.datetime(2024, 1, 5, 9, 30),
    dt.datetime(2024, 1, 5, 2, 30, tzinfo=dt.UTC), dt.datetime(2024, 1, 5, 9, 30, tzinfo=UTC7),
    pd.Timestamp("2024-02-01"), dt.datetime(2567, 1, 5, 8, 0), dt.date(2567, 1, 5), dt.time(9, 30), "15/3/2567",
])  # fmt: skip
TEXT = st.text(st.sampled_from("ก ข\u0e34\u0e48aZ1๑=+-@.,/\t\n\u200b\u00a0\x07\u202e#"), max_size=12)
CELL = st.one_of(ODD, TEXT, st.integers(-3, 3), st.dates(dt.date(2020, 1, 1), dt.date(2026, 1, 1)),
                 st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2026, 1, 1)))


def key(value: Any) -> Any:
    """each_distinct's key: a str by value, anything else by class and value."""
    return value if value.__class__ is str else (value.__class__, value)


def empty(value: Any) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and value != value)


@given(st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=30))
@hsettings(max_examples=300, deadline=None)
def test_codes_group_the_cells_as_each_distinct_keys_them_and_give_them_back_as_they_are(rows: list[list[Any]]) -> None:
    cells = np.empty((len(rows), 3), dtype=object)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cells[i, j] = value
    for j, coded in enumerate(code_columns(cells)):
        column = [row[j] for row in rows]
        assert repr(coded.raw().tolist()) == repr([None if empty(v) else v for v in column])
        for a, b in zip(column, coded.codes.tolist(), strict=True):
            assert (b < 0) == empty(a)
            if b >= 0:
                assert key(coded.uniques[b]) == key(a)
        codes = {}
        for a, b in zip(column, coded.codes.tolist(), strict=True):
            if b >= 0:
                assert codes.setdefault(key(a), b) == b  # one code per key...
        assert len(set(codes.values())) == len(codes) == len(coded.uniques)  # ...and one key per code


def test_an_unhashable_cell_is_its_own_distinct_cell() -> None:
    coded = code_values([[1], [1], "a", "a", None])
    assert coded.codes.tolist() == [0, 1, 2, 2, -1] and coded.raw().tolist() == [[1], [1], "a", "a", None]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def table_by_rows(layout: Any, grid: list[list[Any]]) -> tuple[list[int], dict[str, list[Any]]]:
    """The definition of reading a grid: blank rows out, a cell of spaces None, row by row."""
    table = to_table(layout, grid)  # only for the header row and the match it finds
    at = table.header_row - 1
    kept = [(n, row) for n, row in enumerate(grid[at + 1:], start=at + 2) if not all(_blank(v) for v in row)]
    columns = {}
    for column in layout.columns:
        index = table.match.positions.get(column.key)
        columns[column.key] = [None if index is None or index >= len(row) or _blank(row[index]) or empty(row[index])
                               else row[index] for _, row in kept]
    return [n for n, _ in kept], columns


@given(st.lists(st.lists(CELL, max_size=15), max_size=25), st.permutations(range(12)), st.integers(0, 2))
@hsettings(max_examples=150, **FIXTURE)
def test_a_table_holds_the_grids_cells_less_its_blank_lines(
    settings: Settings, rows: list[list[Any]], order: list[int], title_rows: int
) -> None:
    layout = complaints_sheet(settings)
    headers = layout.headers("th")
    header = [headers[i] for i in order[:10]] + ["หมายเหตุอื่น"]  # two columns missing, one unknown
    grid = [["ทะเบียนเรื่องร้องเรียน"]] * title_rows + [header, *rows]
    table = to_table(layout, grid)
    numbers, columns = table_by_rows(layout, grid)
    assert table.values(ROW) == numbers
    for column in layout.columns:
        assert repr(table.values(column.key)) == repr(columns[column.key]), column.key
        assert repr(table.coded(column.key).raw().tolist()) == repr(columns[column.key])


@given(st.lists(CELL, max_size=40))
@hsettings(max_examples=300, **FIXTURE)
def test_each_quick_typing_path_types_a_distinct_cell_as_type_cell_does(settings: Settings, values: list[Any]) -> None:
    for layout in build_schema(settings).staff_sheets:
        for column in layout.columns:
            typing = type_distinct(column, values)
            for d, value in enumerate(plain_values(values)):
                want = type_cell(column, value)
                cell = typing.cells[d]
                if cell is None:  # a quick path's clean cell
                    assert want.parsed.problem is None and not want.problems and want.lenient == want.parsed.value
                    assert not want.parsed.blank
                else:
                    assert cell == want
                assert repr(typing.values[d]) == repr(want.parsed.value)
                assert typing.blanks[d] == want.parsed.blank
