"""What stages work out once per distinct cell (or per month) and spread to the rows with numpy
equals what working it out row by row gives.

TypedColumn.distinct / per_distinct_array (automation.typed_tables), SheetTable.values_at
(automation.tables) and satisfaction.month_counts replace Python loops over 100,000s of rows;
each is held here to the per-row definition it replaces, on generated columns.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from automation.cells import Parsed
from automation.satisfaction import month_counts
from automation.schema import Column, responses_sheet
from automation.settings import load_settings
from automation.tables import SheetTable
from automation.typed_tables import TypedCell, TypedColumn
from tests.conftest import PROJECT

POOL = [TypedCell(Parsed(v)) for v in (None, 1, 2, "a", "b", dt.date(2024, 1, 1))]
# Equal cells that are not the same object stay apart: the typing step shares one per raw value.
POOL += [TypedCell(Parsed(1)), TypedCell(Parsed("a"))]


def column_of(picks: list[int]) -> TypedColumn:
    return TypedColumn.of_cells(Column("k", "K", "text"), [POOL[i] for i in picks])


@given(picks=st.lists(st.integers(0, len(POOL) - 1), max_size=60))
def test_per_distinct_array_equals_the_result_worked_out_row_by_row(picks: list[int]) -> None:
    column = column_of(picks)
    first_row: dict[int, int] = {}
    for i, cell in enumerate(column.cells):
        first_row.setdefault(id(cell), i)

    def result(cell: TypedCell, i: int) -> Any:
        return (cell.parsed.value, i)

    want = [result(cell, first_row[id(cell)]) for cell in column.cells]
    assert column.per_distinct_array(result).tolist() == want
    assert column.per_distinct(result) == want
    distinct = column.distinct()
    assert [id(c) for c in distinct.cells] == list(first_row)  # in order of first appearance
    assert distinct.first.tolist() == list(first_row.values())
    assert [distinct.cells[k] for k in distinct.codes.tolist()] == column.cells
    assert all(distinct.cells[k] is cell for k, cell in zip(distinct.codes.tolist(), column.cells, strict=True))
    ints = column.per_distinct_array(lambda cell, _i: len(str(cell.parsed.value)), np.int8)
    assert ints.dtype == np.int8 and ints.tolist() == [len(str(c.parsed.value)) for c in column.cells]


@given(picks=st.lists(st.integers(0, len(POOL) - 1), max_size=60))
def test_per_first_row_equals_reading_each_cell_s_first_row(picks: list[int]) -> None:
    column = column_of(picks)
    first_row: dict[int, int] = {}
    for i, cell in enumerate(column.cells):
        first_row.setdefault(id(cell), i)
    want = [(column.value(first_row[id(cell)]), first_row[id(cell)]) for cell in column.cells]
    assert column.per_first_row(lambda i: (column.value(i), i)).tolist() == want
    firsts = column.per_first_row(lambda i: i, np.int64)
    assert firsts.dtype == np.int64 and firsts.tolist() == [first_row[id(cell)] for cell in column.cells]


def test_each_row_gets_the_first_row_of_its_distinct_cell() -> None:
    assert column_of([0, 1, 1]).per_distinct(lambda c, i: i) == [0, 1, 1]
    assert column_of([2, 2, 3]).per_distinct(lambda c, i: i) == [0, 0, 2]


CELL = st.sampled_from([None, "", "x", 1, 1.0, True, float("nan"), pd.NaT, pd.Timestamp("2024-01-02"),
                        np.int64(3), np.float64("nan"), dt.date(2024, 1, 1)])  # fmt: skip


@given(values=st.lists(CELL, max_size=30), data=st.data())
def test_values_at_gives_the_cells_values_gives(values: list[Any], data: Any) -> None:
    layout = responses_sheet(load_settings(PROJECT / "config" / "settings.toml"))
    frame = pd.DataFrame({"comment": pd.Series(values, dtype=object)})
    table = SheetTable(layout, present=True, frame=frame)
    rows = data.draw(st.lists(st.integers(0, max(len(values) - 1, 0)), max_size=10)) if values else []
    whole = table.values("comment")
    assert repr(table.values_at("comment", rows)) == repr([whole[i] for i in rows])  # repr: NaN == NaN
    assert repr(table.values_at("comment", np.array(rows, dtype=np.int64))) == repr([whole[i] for i in rows])
    assert table.values_at("no such column", rows) == [None] * len(rows)


@given(days=st.lists(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), max_size=40))
def test_month_counts_equal_counting_each_date_s_month(days: list[dt.date]) -> None:
    want = Counter(d.replace(day=1) for d in days)
    got = month_counts(np.array([d.toordinal() for d in days], dtype=np.int64))
    assert got == dict(want)
    assert all(type(m) is dt.date and type(c) is int for m, c in got.items())
