"""The Sheets API's answers as the workbook interface's grids, notes and merged ranges.

A run reads a spreadsheet in two answers: spreadsheets.get (sheet properties, merged ranges,
and per cell only a note or a number format's type) and values:batchGet (raw values, dates as
day serials). At 100,000s of rows the work is in the per-cell parts, so: the metadata walk
visits only the cells the answer lists, a date cell is kept as two integers in arrays (not a
tuple in a set the collector must scan), and date serials become datetimes a column at a
time in numpy, exactly as openpyxl's `from_excel` makes them one by one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from automation.workbook.base import ERROR_RESULTS, CellError, Grid, fill_merges, put_links

DATE_TYPES = frozenset({"DATE", "DATE_TIME"})  # numberFormat types whose serials mean a day (and time)
# Serials converted in numpy: from 1900-03-01 (below it openpyxl shifts a day for Excel's
# 1900 leap year, and below 1 it gives a time of day) to one day before 9999-12-31 (so no
# millisecond can round past the last day a datetime holds). Anything else goes cell by cell.
_FIRST_PLAIN, _LAST_PLAIN = 60.0, 2958465.0
_EPOCH = np.datetime64("1899-12-30T00:00:00", "ms")


@dataclass
class DateCells:
    """The cells of one sheet formatted as dates, 0-based, as two parallel integer arrays."""

    rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    cols: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))

    def __contains__(self, cell: tuple[int, int]) -> bool:
        r, c = cell
        return bool(np.any((self.rows == r) & (self.cols == c)))

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class SheetMeta:
    """What spreadsheets.get tells of one sheet."""

    properties: dict[str, Any]
    notes: dict[tuple[int, int], str]  # (row, col), 1-based -> note
    dates: DateCells
    merges: list[tuple[int, int, int, int]]  # 1-based, inclusive
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col), 1-based -> address


def read_metadata(meta: dict[str, Any]) -> dict[str, SheetMeta]:
    """Each sheet of a spreadsheets.get answer by title."""
    out: dict[str, SheetMeta] = {}
    for sheet in meta.get("sheets", ()):
        props = sheet["properties"]
        size = props.get("gridProperties", {})
        merges = [  # GridRanges (0-based, ends exclusive) as 1-based inclusive
            (m.get("startRowIndex", 0) + 1, m.get("startColumnIndex", 0) + 1,
             m.get("endRowIndex", size.get("rowCount", 1000)), m.get("endColumnIndex", size.get("columnCount", 26)))
            for m in sheet.get("merges", ())
        ]
        notes, dates, links = _cells(sheet.get("data", ()))
        out[props["title"]] = SheetMeta(props, notes, dates, merges, links)
    return out


def _cells(blocks: Any) -> tuple[dict[tuple[int, int], str], DateCells, dict[tuple[int, int], str]]:
    """Notes, date-formatted cells and links (CellData.hyperlink: a =HYPERLINK formula's or a
    link inserted on the cell) of a sheet's GridData blocks. Most cells of the answer are `{}`
    (a cell with none of them) and most rows hold one date cell: one truth test each."""
    notes: dict[tuple[int, int], str] = {}
    links: dict[tuple[int, int], str] = {}
    rows: list[int] = []
    cols: list[int] = []
    for block in blocks:
        r0, c0 = block.get("startRow", 0), block.get("startColumn", 0)
        for r, row in enumerate(block.get("rowData", ()), r0):
            values = row.get("values")
            if not values:
                continue
            for c, cell in enumerate(values, c0):
                if not cell:
                    continue
                note = cell.get("note")
                if note:
                    notes[(r + 1, c + 1)] = note
                link = cell.get("hyperlink")
                if link:
                    links[(r + 1, c + 1)] = link
                user_format = cell.get("userEnteredFormat")
                if user_format and (user_format.get("numberFormat") or {}).get("type") in DATE_TYPES:
                    rows.append(r)
                    cols.append(c)
    return notes, DateCells(np.array(rows, np.int64), np.array(cols, np.int64)), links


def grid_from_values(block: dict[str, Any], dates: DateCells,
                     merges: list[tuple[int, int, int, int]] | None = None,
                     links: dict[tuple[int, int], str] | None = None) -> Grid:
    """One valueRange of the batchGet answer as a grid: the JSON decoder's own row lists, dates
    typed in place and short rows padded in place. No copy of a row or a cell: at 100,000s of
    rows the copies cost more than the decoding. A formula's error result ("#REF!") becomes a
    CellError; a link shown as a word is its address and a merged range's value fills every
    cell of it, as in the .xlsx backend."""
    rows: Grid = block.get("values", [])
    dates_from_serials(rows, dates)
    width = max(map(len, rows), default=0)
    for row in rows:
        if not ERROR_RESULTS.isdisjoint(row):  # a set test in C: rows without errors cost one pass
            row[:] = [CellError(v) if v.__class__ is str and v in ERROR_RESULTS else v for v in row]
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    put_links(rows, links or {})
    fill_merges(rows, merges or [])
    return rows


def dates_from_serials(rows: list[list[Any]], dates: DateCells) -> None:
    """Date-formatted cells' serials as datetimes, exactly as openpyxl reads the same cell from
    an .xlsx file (`from_excel`), so both backends hand validation (and the findings' "value
    found") the same thing. A number too large to be a date stays the number it is; text in a
    date-formatted cell stays text."""
    if not len(dates):
        return
    inside = dates.rows < len(rows)
    for c in np.unique(dates.cols[inside]).tolist():
        wanted = dates.rows[inside & (dates.cols == c)].tolist()
        at = [r for r in wanted if c < len(rows[r])]
        values = [rows[r][c] for r in at]
        numeric = [i for i, v in enumerate(values) if v.__class__ is float or v.__class__ is int]
        if not numeric:
            continue
        serials = np.array([values[i] for i in numeric], dtype=np.float64)
        converted = serials_as_datetimes(serials)
        for i, when in zip(numeric, converted, strict=True):
            if when is not None:
                rows[at[i]][c] = when
            else:  # outside the plain range: openpyxl's own rules, or the number as it is
                rows[at[i]][c] = _one_serial(values[i])


def serials_as_datetimes(serials: np.ndarray) -> list[dt.datetime | None]:
    """Each serial of the plain range as from_excel gives it; None for the others."""
    plain = (serials >= _FIRST_PLAIN) & (serials < _LAST_PLAIN)
    day, fraction = np.divmod(np.where(plain, serials, _FIRST_PLAIN), 1.0)
    # from_excel: round(fraction * SECS_PER_DAY * 1000) ms, ties to even, in the same order.
    millis = np.round(fraction * 86400.0 * 1000.0).astype(np.int64)
    stamps = _EPOCH + (day.astype(np.int64) * 86_400_000 + millis).astype("timedelta64[ms]")
    out: list[Any] = stamps.astype(object).tolist()
    if not plain.all():
        for i in np.flatnonzero(~plain).tolist():
            out[i] = None
    return out


def _one_serial(value: Any) -> Any:
    from openpyxl.utils.datetime import from_excel

    try:
        return from_excel(value)
    except (OverflowError, ValueError):
        return value
