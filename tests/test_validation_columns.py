"""Validation types a sheet column by column, each distinct value once: every cell must come
out exactly as typing it on its own (plain_value, then parse_cell) gives, and get exactly the
findings a cell-by-cell pass gives, whatever look-alike values the column mixes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from automation.cells import content_problems
from automation.schema import complaints_sheet
from automation.settings import Settings
from automation.tables import ROW, to_table
from automation.validation import SheetCheck, parse_cell, plain_value

TODAY = dt.date(2024, 4, 20)
# Equal as dict keys but not the same cell (1, 1.0, True, numpy's 1), blanks of every kind,
# pandas' wrappers, formula-like and over-long text, choices, aliases and misspellings.
CELL = st.sampled_from([
    None, "", "  ", float("nan"), pd.NaT, 1, 1.0, True, False, np.int64(1), np.float64(2.0), 0, -3, 2.5,
    "1", "๑", "C-2567-001", "=SUM(A1)", "+66812345678", "x" * 60_000, "โทรศัพท์", "โทรศัพ", "ไลน์",
    "กองช่าง", "กองโยธา", "ยุติเรื่อง", "เสร็จสิ้น", dt.date(2024, 1, 5), dt.datetime(2024, 1, 5, 9, 30),
    pd.Timestamp("2024-02-01"), "15/13/2567", "5/1/2567", dt.date(2567, 1, 5),
])  # fmt: skip


@given(rows=st.lists(st.lists(CELL, min_size=12, max_size=12), max_size=25))
@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_each_cell_is_typed_and_flagged_as_on_its_own(settings: Settings, rows: list[list[Any]]) -> None:
    layout = complaints_sheet(settings)
    sheet = to_table(layout, [layout.headers("th"), *rows])
    check = SheetCheck(sheet, TODAY, "th")
    check.type_cells()
    records = sheet.records()
    assert [r.number for r in check.rows] == [rec[ROW] for rec in records]
    flagged = set()
    for row, rec in zip(check.rows, records, strict=True):
        record = {k: plain_value(v) for k, v in rec.items()}
        assert repr(row.record) == repr(record)  # repr: the same types, NaN-safe
        for col in layout.columns:
            if col.key not in sheet.match.positions:
                continue
            parsed = parse_cell(col, record[col.key])
            assert row.cells[col.key] == parsed
            if parsed.blank:
                wanted = col.required
            else:
                wanted = parsed.problem is not None or (col.type == "text" and bool(content_problems(record[col.key])))
            if wanted:
                flagged.add((row.number, col.key))
    assert {(f.row, f.column_key) for f in check.found} == flagged
    order = [(f.row, [c.key for c in layout.columns].index(f.column_key)) for f in check.found]
    assert order == sorted(order)  # row by row, and in column order within a row
