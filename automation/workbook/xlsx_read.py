"""Values of an .xlsx sheet as a person sees them.

python-calamine reads the values: formulas' cached results, dates as dates, no formula text.
A streamed scan of the sheet's XML adds what calamine does not say: cells whose formula result
is an error (calamine gives them as blank) and the merged ranges. A merged range's value
belongs to every cell of it; a cell with only formatting is empty; whitespace beyond the
last value is not data.

calamine builds a dense rectangle up to the sheet's last cell, so a space typed in P1048576
would cost a million rows; such a sheet is read by streaming its XML instead, keeping only
the cells that hold something.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from typing import Any

import python_calamine

from automation.workbook.base import CellError, Grid, fill_merges, put_links
from automation.workbook.xlsx_package import (
    NS_MAIN,
    Package,
    SheetPart,
    bad_xml,
    column_number,
    damaged,
)
from automation.workbook.xlsx_scan import SheetScan, scan_sheet

_M = f"{{{NS_MAIN}}}"
_DATE = dt.date
_DATETIME = dt.datetime
_FLOAT = float
_STR = str
_EXACT = 2**53  # beyond this a float is not an exact whole number of anything a person typed


def read_sheets(pkg: Package, titles: dict[str, SheetPart]) -> dict[str, Grid]:
    """Grid per wanted title (keys of `titles`), read from the given sheet parts."""
    if not titles:
        return {}
    pkg.check_strings()
    scans = {title: scan_sheet(pkg, part) for title, part in titles.items()}
    book: python_calamine.CalamineWorkbook | None = None
    grids: dict[str, Grid] = {}
    try:
        for title, part in titles.items():
            scan = scans[title]
            if scan.sparse:
                rows = _streamed(pkg, part)
            else:
                if book is None:
                    book = _calamine(pkg)
                rows = _dense(book, part.title, pkg)
            grids[title] = finish(rows, scan)
    finally:
        if book is not None:
            book.close()
    return grids


def _calamine(pkg: Package) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(pkg.path))
    except python_calamine.CalamineError as exc:
        raise damaged(pkg.path, exc) from None


def _dense(book: python_calamine.CalamineWorkbook, name: str, pkg: Package) -> list[list[Any]]:
    try:
        sheet = book.get_sheet_by_name(name)
        start = sheet.start
        if start is None:
            return []
        r0, c0 = start
        pad = [None] * c0
        rows: list[list[Any]] = [[] for _ in range(r0)]
        # One object per distinct text: calamine makes a new str per cell, and a form's
        # 1.26 million answers at 100,000 responses are 255 texts (108 MB -> 20 KB); every
        # table and figure after the read holds these same objects.
        keep = {}.setdefault
        for row in sheet.iter_rows():
            # One pass per cell at C-ish speed: blank '' -> None, whole floats -> int (as the
            # cell shows 3, not 3.0), dates -> datetime (as openpyxl and the Sheets backend give).
            values = [
                None if v == "" else
                keep(v, v) if v.__class__ is _STR else
                int(v) if v.__class__ is _FLOAT and v.is_integer() and -_EXACT < v < _EXACT else
                _DATETIME(v.year, v.month, v.day) if v.__class__ is _DATE else v
                for v in row
            ]
            rows.append(pad + values if c0 else values)
        return rows
    except python_calamine.CalamineError as exc:
        if isinstance(exc, python_calamine.XmlError):
            raise bad_xml(pkg.path, f"ชีต '{name}'") from None
        raise damaged(pkg.path, exc) from None


def finish(rows: list[list[Any]], scan: SheetScan) -> Grid:
    """Error results in, trailing blank rows and columns off, every row as wide as the data,
    merged ranges filled from their first cell."""
    for (r, c), text in scan.errors.items():
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = CellError(text)
    put_links(rows, scan.links)
    width = 0
    height = 0
    for i, row in enumerate(rows):
        j = len(row)
        while j:  # most rows end in a value: one look each
            v = row[j - 1]
            if v is not None and not (v.__class__ is _STR and not v.strip()):
                break
            j -= 1
        if j:
            height = i + 1
            if j > width:
                width = j
    rows = rows[:height]
    blank_row = None
    for i, row in enumerate(rows):
        if len(row) == width:
            continue
        if not row:
            if blank_row is None:
                blank_row = [None] * width
            rows[i] = list(blank_row)
        elif len(row) > width:
            rows[i] = row[:width]
        else:
            row.extend([None] * (width - len(row)))
    fill_merges(rows, scan.merges)
    return rows


# ---------------------------------------------------------------------- streamed, sparse


def _streamed(pkg: Package, part: SheetPart) -> list[list[Any]]:
    """Only the cells that hold a value, placed by their reference; rows in between share
    nothing but are filled in by `finish` once the data's real height is known."""
    strings = shared_strings(pkg)
    dates = date_styles(pkg)
    cells: dict[int, dict[int, Any]] = {}
    try:
        with pkg.zip.open(part.part) as stream:
            for _event, el in ET.iterparse(stream, events=("end",)):
                if el.tag != _M + "c":
                    if el.tag == _M + "row":
                        el.clear()
                    continue
                value = _cell_value(el, strings, dates)
                if value is not None and not (isinstance(value, str) and not value.strip()):
                    ref = el.get("r", "")
                    m = _REF.match(ref)
                    if m:
                        cells.setdefault(int(m.group(2)), {})[column_number(m.group(1))] = value
                el.clear()
    except ET.ParseError:
        raise bad_xml(pkg.path, f"ชีต '{part.title}'") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise damaged(pkg.path, exc) from None
    if not cells:
        return []
    rows: list[list[Any]] = [[] for _ in range(max(cells))]
    for r, values in cells.items():
        row = [None] * max(values)
        for c, v in values.items():
            row[c - 1] = v
        rows[r - 1] = row
    return rows


_REF = re.compile(r"([A-Z]+)(\d+)")


def _cell_value(el: ET.Element, strings: list[str], dates: set[int]) -> Any:
    kind = el.get("t", "n")
    if kind == "inlineStr":
        node = el.find(_M + "is")
        return None if node is None else _text(node)
    v = el.find(_M + "v")
    if v is None or v.text is None:
        return None
    text = v.text
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            return None
    if kind in ("str", "inlineStr"):
        return text
    if kind == "b":
        return text == "1"
    if kind == "e":
        return None  # the scan puts CellError in
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    try:
        number = float(text)
    except ValueError:
        return text
    style = int(el.get("s", "0") or 0)
    if style in dates:
        return from_serial(number)
    if number.is_integer() and -_EXACT < number < _EXACT:
        return int(number)
    return number


def from_serial(serial: float) -> Any:
    """An Excel day serial (1900 system) as the datetime it shows."""
    try:
        day = dt.datetime(1899, 12, 30) + dt.timedelta(days=serial)
    except OverflowError:
        return serial
    if serial < 61:  # Excel's phantom 29 Feb 1900
        day += dt.timedelta(days=1)
    return day.replace(microsecond=0) if day.microsecond > 999_000 else day


def _text(node: ET.Element) -> str:
    """The text of a string item: its runs, without phonetic guides."""
    out = []
    for child in node.iter():
        if child.tag == _M + "t" and child.text:
            out.append(child.text)
        elif child.tag == _M + "rPh":
            break
    return "".join(out)


def shared_strings(pkg: Package) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in pkg.names:
        return []
    out = []
    try:
        with pkg.zip.open(name) as stream:
            for _event, el in ET.iterparse(stream, events=("end",)):
                if el.tag == _M + "si":
                    out.append("".join(t.text or "" for t in el.iter(_M + "t") if t is not None))
                    el.clear()
    except ET.ParseError:
        raise bad_xml(pkg.path, "sharedStrings.xml") from None
    return out


_BUILTIN_DATES = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def date_styles(pkg: Package) -> set[int]:
    """Indices of the cell styles whose number format shows a date or time."""
    name = "xl/styles.xml"
    if name not in pkg.names:
        return set()
    root = pkg.xml(name, "styles.xml")
    formats = {}
    for fmt in root.iter(_M + "numFmt"):
        code = _QUOTED.sub("", fmt.get("formatCode", "")).lower()
        formats[int(fmt.get("numFmtId", "0"))] = code != "general" and any(ch in code for ch in "dmyhs")
    xfs = root.find(_M + "cellXfs")
    out = set()
    for i, xf in enumerate(xfs if xfs is not None else []):
        number = int(xf.get("numFmtId", "0"))
        if number in _BUILTIN_DATES or formats.get(number):
            out.add(i)
    return out
