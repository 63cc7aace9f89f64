"""The emulator's data model: spreadsheets, sheet grids, cells, A1 ranges, and how a cell's
value is typed on input (RAW / USER_ENTERED) and rendered on output (FORMATTED_VALUE ...).

Everything here is plain data plus pure functions; locking and HTTP live in `server.py`,
the API operations in `api.py`. Indices are 0-based everywhere; ranges are inclusive boxes.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CellValue = str | int | float | bool

SHEETS_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Google's date serials
MAX_COLUMNS = 18278  # column ZZZ: the widest sheet Google allows

STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
    404: "NOT_FOUND", 408: "DEADLINE_EXCEEDED", 409: "ABORTED", 429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL", 501: "UNIMPLEMENTED", 502: "UNAVAILABLE", 503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class ApiError(Exception):
    """An answer in Google's error shape: {"error": {"code", "message", "status"[, "details"]}}."""

    def __init__(self, code: int, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": STATUS_BY_CODE.get(self.code, "UNKNOWN"),
        }
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


# ---------------------------------------------------------------------------- A1 notation

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})?\$?([0-9]+)?$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z0-9_]+$")
_CELL_LIKE_TITLE = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*|[0-9].*)$")


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = string.ascii_uppercase[rem] + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def quote_sheet_title(title: str) -> str:
    """The title as Google writes it in returned ranges: bare when it is plain ASCII word
    characters that cannot be read as a cell (Sheet1), else single-quoted with quotes doubled
    ('🌵 test 1', 'Jon''s Data', 'tab01'). Google does not document the rule; this matches every
    recorded answer. Non-ASCII titles (Thai) are quoted: clients must accept both forms."""
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE_TITLE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class GridBox:
    """A resolved rectangle on one sheet; all bounds inclusive and 0-based."""

    row0: int
    col0: int
    row1: int
    col1: int

    @property
    def rows(self) -> int:
        return self.row1 - self.row0 + 1

    @property
    def columns(self) -> int:
        return self.col1 - self.col0 + 1

    def contains(self, row: int, col: int) -> bool:
        return self.row0 <= row <= self.row1 and self.col0 <= col <= self.col1

    def intersects(self, other: GridBox) -> bool:
        return not (other.row1 < self.row0 or other.row0 > self.row1
                    or other.col1 < self.col0 or other.col0 > self.col1)

    def a1(self, title: str) -> str:
        start = f"{column_letters(self.col0)}{self.row0 + 1}"
        end = f"{column_letters(self.col1)}{self.row1 + 1}"
        cells = start if start == end else f"{start}:{end}"
        return f"{quote_sheet_title(title)}!{cells}"


@dataclass(frozen=True)
class A1Range:
    """A parsed A1 range. `sheet` None means "the first sheet"; a None bound is open
    (A:C has no rows, A2:Z no end row). `anchor` is a lone cell (A1), which writes treat as
    the top-left corner of however much data is sent."""

    text: str
    sheet: str | None
    row0: int | None = None
    col0: int | None = None
    row1: int | None = None
    col1: int | None = None
    anchor: bool = False

    @classmethod
    def parse(cls, text: str) -> A1Range:
        """Parse like Google: a quoted title, TITLE!CELLS, a bare range on the first sheet, or
        a bare sheet title. A bare string that reads as cells is cells even if a sheet has
        that title (Google does the same, which is why clients should always quote)."""
        if text.startswith("'"):
            title, rest = _split_quoted(text)
            if rest is None:
                raise bad_request(f"Unable to parse range: {text}")
            if rest == "":
                return cls(text, title)
            if not rest.startswith("!"):
                raise bad_request(f"Unable to parse range: {text}")
            return cls._with_cells(text, title, rest[1:])
        if "!" in text:
            title, _, cells = text.rpartition("!")
            return cls._with_cells(text, title, cells)
        bounds = _parse_cells(text)
        if bounds is not None:
            return cls(text, None, *bounds[:4], anchor=bounds[4])
        if text:
            return cls(text, text)
        raise bad_request(f"Unable to parse range: {text}")

    @classmethod
    def _with_cells(cls, text: str, title: str, cells: str) -> A1Range:
        bounds = _parse_cells(cells)
        if bounds is None or not title:
            raise bad_request(f"Unable to parse range: {text}")
        return cls(text, title, *bounds[:4], anchor=bounds[4])

    def resolve(self, row_count: int, column_count: int, title: str) -> GridBox:
        """Close open bounds against the grid; explicit bounds past it are an error, as on
        Google ("Range ('Sheet1'!A1001) exceeds grid limits ...")."""
        r0 = 0 if self.row0 is None else self.row0
        c0 = 0 if self.col0 is None else self.col0
        r1 = row_count - 1 if self.row1 is None else self.row1
        c1 = column_count - 1 if self.col1 is None else self.col1
        if self.row0 is not None and self.row1 is not None and r0 > r1:
            r0, r1 = r1, r0
        if self.col0 is not None and self.col1 is not None and c0 > c1:
            c0, c1 = c1, c0
        box = GridBox(r0, c0, max(r0, r1), max(c0, c1))
        if box.row1 >= row_count or box.col1 >= column_count:
            raise grid_limit_error(box, title, row_count, column_count)
        return box


def grid_limit_error(box: GridBox, title: str, row_count: int, column_count: int) -> ApiError:
    return bad_request(f"Range ({box.a1(title)}) exceeds grid limits. "
                       f"Max rows: {row_count}, max columns: {column_count}")


def _split_quoted(text: str) -> tuple[str, str | None]:
    """'It''s'!A1 -> ("It's", "!A1"); rest None when the closing quote is missing."""
    title, i = [], 1
    while i < len(text):
        if text[i] == "'":
            if i + 1 < len(text) and text[i + 1] == "'":
                title.append("'")
                i += 2
                continue
            return "".join(title), text[i + 1:]
        title.append(text[i])
        i += 1
    return "".join(title), None


def _parse_cells(cells: str) -> tuple[int | None, int | None, int | None, int | None, bool] | None:
    """A1 / A1:B2 / A:C / 2:5 / A2:Z / A1:1 -> (row0, col0, row1, col1, anchor), or None."""
    parts = cells.split(":")
    if len(parts) > 2 or not cells:
        return None
    parsed = []
    for part in parts:
        m = _CELL.match(part)
        if not m or not (m.group(1) or m.group(2)):
            return None
        col = column_index(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) - 1 if m.group(2) else None
        if row is not None and row < 0:
            return None
        parsed.append((row, col))
    if len(parsed) == 1:
        row, col = parsed[0]
        if row is None or col is None:  # "A" or "3" alone is not a range
            return None
        return row, col, row, col, True
    (r0, c0), (r1, c1) = parsed
    if (r0 is None and c1 is None) or (c0 is None and r1 is None):
        return None  # "A:1" or "1:A" mixes a column with a row
    return r0, c0, r1, c1, False


def grid_range_box(grid_range: dict[str, Any], row_count: int, column_count: int,
                   title: str) -> GridBox | None:
    """A GridRange (exclusive ends, missing = unbounded) as a box; None when empty."""
    r0 = int(grid_range.get("startRowIndex") or 0)
    c0 = int(grid_range.get("startColumnIndex") or 0)
    r1 = int(grid_range["endRowIndex"]) if grid_range.get("endRowIndex") is not None else row_count
    c1 = (int(grid_range["endColumnIndex"]) if grid_range.get("endColumnIndex") is not None
          else column_count)
    if r0 < 0 or c0 < 0 or r1 < r0 or c1 < c0:
        raise bad_request("Invalid range: start index must not be after end index.")
    if r1 == r0 or c1 == c0:
        return None
    box = GridBox(r0, c0, r1 - 1, c1 - 1)
    if r1 > row_count or c1 > column_count:
        raise grid_limit_error(box, title, row_count, column_count)
    return box


# ---------------------------------------------------------------------------- cells

@dataclass(slots=True)
class CellData:
    """One cell. `value` is what the cell holds (its unformatted value); a formula cell keeps
    its formula text in `formula` and, since the emulator does not evaluate formulas, shows
    that text as its value."""

    value: CellValue | None = None
    formula: str | None = None
    note: str | None = None
    number_format: dict[str, str] | None = None  # set by USER_ENTERED dates, percents ...
    user_format: dict[str, Any] | None = None  # userEnteredFormat written by updateCells

    def has_value(self) -> bool:
        return self.value is not None or self.formula is not None

    def is_blank(self) -> bool:
        return not (self.has_value() or self.note or self.number_format or self.user_format)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in (("value", self.value), ("formula", self.formula),
                                  ("note", self.note), ("numberFormat", self.number_format),
                                  ("userEnteredFormat", self.user_format)) if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CellData:
        return cls(data.get("value"), data.get("formula"), data.get("note"),
                   data.get("numberFormat"), data.get("userEnteredFormat"))


@dataclass
class RangeRule:
    """A rule laid over a box: a data validation (rule None clears) or a format."""

    box: GridBox
    rule: dict[str, Any] | None
    fields: tuple[str, ...] = ()  # for formats: which userEnteredFormat keys it sets ("*" = all)

    def to_json(self) -> dict[str, Any]:
        b = self.box
        return {"box": [b.row0, b.col0, b.row1, b.col1], "rule": self.rule,
                "fields": list(self.fields)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RangeRule:
        return cls(GridBox(*data["box"]), data.get("rule"), tuple(data.get("fields", ())))


def new_sheet_id(taken: set[int]) -> int:
    while True:  # Google's sheet ids are random positive 31-bit integers
        sheet_id = secrets.randbelow(2**31 - 2) + 1
        if sheet_id not in taken:
            return sheet_id


def new_spreadsheet_id() -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    return "1" + "".join(secrets.choice(alphabet) for _ in range(43))


@dataclass
class SheetGrid:
    """One tab. `properties` is kept in the API's own JSON shape (sheetId, title, index,
    sheetType, gridProperties{rowCount, columnCount, frozenRowCount ...}, hidden ...), so that
    updateSheetProperties can apply any `fields` mask to it directly."""

    properties: dict[str, Any]
    cells: dict[tuple[int, int], CellData] = field(default_factory=dict)
    validations: list[RangeRule] = field(default_factory=list)
    formats: list[RangeRule] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    dimension_properties: dict[str, dict[int, dict[str, Any]]] = field(
        default_factory=lambda: {"ROWS": {}, "COLUMNS": {}})
    merges: list[dict[str, Any]] = field(default_factory=list)  # GridRanges, as spreadsheets.get gives them

    @classmethod
    def new(cls, sheet_id: int, title: str, index: int, rows: int = 1000,
            columns: int = 26) -> SheetGrid:
        return cls({"sheetId": sheet_id, "title": title, "index": index, "sheetType": "GRID",
                    "gridProperties": {"rowCount": rows, "columnCount": columns}})

    @property
    def sheet_id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def row_count(self) -> int:
        return int(self.properties["gridProperties"]["rowCount"])

    @property
    def column_count(self) -> int:
        return int(self.properties["gridProperties"]["columnCount"])

    def set_size(self, rows: int | None = None, columns: int | None = None) -> None:
        grid = self.properties["gridProperties"]
        if rows is not None:
            grid["rowCount"] = rows
        if columns is not None:
            grid["columnCount"] = columns
        # Shrinking a sheet deletes what fell off it, as on Google.
        for key in [k for k in self.cells if k[0] >= self.row_count or k[1] >= self.column_count]:
            del self.cells[key]

    def full_box(self) -> GridBox:
        return GridBox(0, 0, self.row_count - 1, self.column_count - 1)

    def cell(self, row: int, col: int) -> CellData:
        found = self.cells.get((row, col))
        if found is None:
            found = self.cells[(row, col)] = CellData()
        return found

    def drop_if_blank(self, row: int, col: int) -> None:
        found = self.cells.get((row, col))
        if found is not None and found.is_blank():
            del self.cells[(row, col)]

    def cells_in(self, box: GridBox) -> list[tuple[int, int, CellData]]:
        """The stored cells inside `box`, by looking up each position of a small box or by
        scanning the cells for a big one, whichever is fewer steps."""
        if box.rows * box.columns <= len(self.cells):
            return [(r, c, cell) for r in range(box.row0, box.row1 + 1)
                    for c in range(box.col0, box.col1 + 1)
                    if (cell := self.cells.get((r, c))) is not None]
        return [(r, c, cell) for (r, c), cell in self.cell_items_in(box)]

    def cell_items_in(self, box: GridBox) -> Iterable[tuple[tuple[int, int], CellData]]:
        """The stored ((row, col), cell) pairs inside `box`, unordered; the whole grid's without
        a test per cell (no cell lies beyond the grid: shrinking it deletes them)."""
        if box.row0 <= 0 and box.col0 <= 0 and box.row1 >= self.row_count - 1 and box.col1 >= self.column_count - 1:
            return self.cells.items()
        if box.rows * box.columns <= len(self.cells):
            return [((r, c), cell) for r in range(box.row0, box.row1 + 1) for c in range(box.col0, box.col1 + 1)
                    if (cell := self.cells.get((r, c))) is not None]
        return [(key, cell) for key, cell in self.cells.items() if box.contains(*key)]

    def copy(self) -> SheetGrid:
        """A copy a batchUpdate can change freely. Cells are copied one level deep: their
        format dicts are replaced, never changed in place, so sharing them is safe."""
        return SheetGrid(
            copy.deepcopy(self.properties),
            {k: CellData(c.value, c.formula, c.note, c.number_format, c.user_format)
             for k, c in self.cells.items()},
            list(self.validations), list(self.formats), copy.deepcopy(self.protected_ranges),
            {dim: {i: dict(p) for i, p in props.items()}
             for dim, props in self.dimension_properties.items()},
            [dict(m) for m in self.merges])

    def validation_at(self, row: int, col: int) -> dict[str, Any] | None:
        found = None
        for rule in self.validations:  # later rules win, like later setDataValidation calls
            if rule.box.contains(row, col):
                found = rule.rule
        return found

    def format_at(self, row: int, col: int) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        cell = self.cells.get((row, col))
        if not self.formats:
            return dict(cell.user_format) if cell is not None and cell.user_format else merged
        for rule in self.formats:
            if rule.box.contains(row, col) and rule.rule is not None:
                if "*" in rule.fields:
                    merged = dict(rule.rule)
                else:
                    for key in rule.fields:
                        if key in rule.rule:
                            merged[key] = rule.rule[key]
                        else:
                            merged.pop(key, None)
        if cell is not None and cell.user_format:
            merged.update(cell.user_format)
        return merged

    def number_format_at(self, row: int, col: int) -> dict[str, str] | None:
        cell = self.cells.get((row, col))
        if cell is not None and cell.number_format:
            return cell.number_format
        if not self.formats and (cell is None or not cell.user_format):
            return None
        return self.format_at(row, col).get("numberFormat")

    def to_json(self) -> dict[str, Any]:
        return {
            "properties": self.properties,
            "cells": [[r, c, cell.to_json()] for (r, c), cell in sorted(self.cells.items())],
            "validations": [v.to_json() for v in self.validations],
            "formats": [f.to_json() for f in self.formats],
            "protectedRanges": self.protected_ranges,
            "dimensionProperties": {dim: {str(i): p for i, p in props.items()}
                                    for dim, props in self.dimension_properties.items()},
            "merges": self.merges,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SheetGrid:
        sheet = cls(data["properties"])
        sheet.cells = {(r, c): CellData.from_json(d) for r, c, d in data.get("cells", [])}
        sheet.validations = [RangeRule.from_json(v) for v in data.get("validations", [])]
        sheet.formats = [RangeRule.from_json(f) for f in data.get("formats", [])]
        sheet.protected_ranges = data.get("protectedRanges", [])
        sheet.merges = data.get("merges", [])
        dims = data.get("dimensionProperties", {})
        sheet.dimension_properties = {
            dim: {int(i): p for i, p in dims.get(dim, {}).items()} for dim in ("ROWS", "COLUMNS")}
        return sheet


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    properties: dict[str, Any]  # title, locale, timeZone ... in the API's JSON shape
    sheets: list[SheetGrid] = field(default_factory=list)
    shared_with: set[str] = field(default_factory=set)
    owner: str | None = None
    next_protected_range_id: int = 1

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    def can_access(self, email: str) -> bool:
        return email.lower() == (self.owner or "").lower() or email.lower() in {
            e.lower() for e in self.shared_with}

    def sheet_by_title(self, title: str) -> SheetGrid | None:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        folded = title.casefold()  # Google matches sheet names case-insensitively
        return next((s for s in self.sheets if s.title.casefold() == folded), None)

    def sheet_by_id(self, sheet_id: Any) -> SheetGrid | None:
        try:
            wanted = int(sheet_id or 0)
        except (TypeError, ValueError):
            return None
        return next((s for s in self.sheets if s.sheet_id == wanted), None)

    def copy(self) -> Spreadsheet:
        return Spreadsheet(self.spreadsheet_id, copy.deepcopy(self.properties),
                           [s.copy() for s in self.sheets], set(self.shared_with), self.owner,
                           self.next_protected_range_id)

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.properties["index"] = i

    def resolve(self, text: str) -> tuple[SheetGrid, A1Range, GridBox]:
        """An A1 string -> (sheet, parsed range, box on the grid) or 400 like Google."""
        parsed = A1Range.parse(text)
        if parsed.sheet is None:
            sheet = self.sheets[0]
        else:
            found = self.sheet_by_title(parsed.sheet)
            if found is None:
                raise bad_request(f"Unable to parse range: {text}")
            sheet = found
        return sheet, parsed, parsed.resolve(sheet.row_count, sheet.column_count, sheet.title)

    def to_json(self) -> dict[str, Any]:
        return {"spreadsheetId": self.spreadsheet_id, "properties": self.properties,
                "sharedWith": sorted(self.shared_with), "owner": self.owner,
                "nextProtectedRangeId": self.next_protected_range_id,
                "sheets": [s.to_json() for s in self.sheets]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Spreadsheet:
        return cls(data["spreadsheetId"], data["properties"],
                   [SheetGrid.from_json(s) for s in data.get("sheets", [])],
                   set(data.get("sharedWith", [])), data.get("owner"),
                   int(data.get("nextProtectedRangeId", 1)))


# ---------------------------------------------------------------------------- value input

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?(?:[eE][+-]?\d+)?$")
_PERCENT = re.compile(r"^([+-]?\d+(?:\.(\d+))?)\s*%$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class TypedInput:
    value: CellValue | None
    formula: str | None = None
    number_format: dict[str, str] | None = None


def date_serial(moment: dt.datetime) -> float | int:
    days = (moment - SHEETS_EPOCH).total_seconds() / 86400
    return int(days) if days.is_integer() else days


def type_input(raw: Any, user_entered: bool, locale: str = "en_US") -> TypedInput:
    """A JSON value from a values write, typed as Google would store it.

    RAW stores strings as strings. USER_ENTERED parses like typing into the UI: '=...' is a
    formula, "'text" is forced text, numbers (with thousands commas), percents, TRUE/FALSE
    and dates (ISO, and m/d/yyyy or d/m/yyyy by locale) become typed values."""
    if isinstance(raw, bool) or isinstance(raw, int | float):
        return TypedInput(raw)
    text = str(raw)
    if not user_entered or text == "":
        return TypedInput(text if text != "" else None)
    if text.startswith("="):
        return TypedInput(None, formula=text)
    if text.startswith("'"):
        return TypedInput(text[1:])
    probe = text.strip()
    if probe.upper() in ("TRUE", "FALSE"):
        return TypedInput(probe.upper() == "TRUE")
    m = _NUMBER.match(probe)
    if m and any(ch.isdigit() for ch in probe):
        number = float(probe.replace(",", ""))
        value: int | float = int(number) if number.is_integer() and abs(number) < 2**53 else number
        if "," in probe:
            decimals = len(m.group(1) or "")
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            return TypedInput(value, number_format={"type": "NUMBER", "pattern": pattern})
        return TypedInput(value)
    m = _PERCENT.match(probe)
    if m:
        decimals = len(m.group(2) or "")
        pattern = "0" + ("." + "0" * decimals if decimals else "") + "%"
        return TypedInput(float(m.group(1)) / 100,
                          number_format={"type": "PERCENT", "pattern": pattern})
    moment = _parse_date(probe, locale)
    if moment is not None:
        moment_value, has_time, pattern = moment
        kind = "DATE_TIME" if has_time else "DATE"
        return TypedInput(date_serial(moment_value),
                          number_format={"type": kind, "pattern": pattern})
    return TypedInput(text)


def _parse_date(text: str, locale: str) -> tuple[dt.datetime, bool, str] | None:
    try:
        m = _ISO_DATE.match(text)
        if m:
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if m.group(4) is None:
                return dt.datetime(y, mo, d), False, "yyyy-mm-dd"
            moment = dt.datetime(y, mo, d, int(m.group(4)), int(m.group(5)), int(m.group(6) or 0))
            return moment, True, "yyyy-mm-dd hh:mm:ss"
        m = _SLASH_DATE.match(text)
        if m:
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if locale.startswith("en_US"):
                return dt.datetime(y, a, b), False, "M/d/yyyy"
            return dt.datetime(y, b, a), False, "d/M/yyyy"
    except ValueError:
        return None
    return None


# ---------------------------------------------------------------------------- value output

def json_number(value: int | float) -> int | float:
    """Google writes whole doubles without a fraction (1, not 1.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def general_number(value: int | float) -> str:
    if isinstance(value, int) or (value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    if abs(value) >= 1e15 or abs(value) < 1e-9:
        mantissa, exponent = f"{value:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{exponent[0]}{int(exponent[1:])}"
    return f"{value:.10f}".rstrip("0").rstrip(".")


_DATE_TOKEN = re.compile(r'yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|"[^"]*"|\\.|.',
                         re.IGNORECASE)


def format_date(serial: float, pattern: str) -> str:
    moment = SHEETS_EPOCH + dt.timedelta(days=serial)
    tokens = _DATE_TOKEN.findall(pattern)
    out = []
    for i, token in enumerate(tokens):
        low = token.lower()
        if low in ("mm", "m"):
            # "m" is a minute right after an hour or right before seconds, else a month.
            prev = next((t.lower() for t in reversed(tokens[:i]) if t.isalpha()), "")
            nxt = next((t.lower() for t in tokens[i + 1:] if t.isalpha()), "")
            minute = prev in ("h", "hh") or nxt in ("s", "ss")
            number = moment.minute if minute else moment.month
            out.append(f"{number:02d}" if low == "mm" else str(number))
        elif low == "yyyy":
            out.append(f"{moment.year:04d}")
        elif low == "yy":
            out.append(f"{moment.year % 100:02d}")
        elif low == "mmmm":
            out.append(moment.strftime("%B"))
        elif low == "mmm":
            out.append(moment.strftime("%b"))
        elif low == "dddd":
            out.append(moment.strftime("%A"))
        elif low == "ddd":
            out.append(moment.strftime("%a"))
        elif low in ("dd", "d"):
            out.append(f"{moment.day:02d}" if low == "dd" else str(moment.day))
        elif low in ("hh", "h"):
            hour = moment.hour % 12 or 12 if "am/pm" in pattern.lower() else moment.hour
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("ss", "s"):
            out.append(f"{moment.second:02d}" if low == "ss" else str(moment.second))
        elif low == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        elif token.startswith('"'):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        else:
            out.append(token)
    return "".join(out)


_NUMBER_CORE = re.compile(r"[#0,]*0(?:\.(0+|#+))?|#[#,]*(?:\.(0+|#+))?")


def format_number(value: float, number_format: dict[str, str]) -> str:
    kind = number_format.get("type", "NUMBER")
    pattern = number_format.get("pattern", "")
    if kind in ("DATE", "TIME", "DATE_TIME"):
        return format_date(float(value), pattern or "M/d/yyyy")
    if kind == "TEXT":
        return general_number(value)
    if kind == "PERCENT":
        value = value * 100
    m = _NUMBER_CORE.search(pattern)
    if not m:
        return general_number(value) + ("%" if kind == "PERCENT" else "")
    fraction = m.group(1) or m.group(2) or ""
    decimals = len(fraction)
    body = f"{value:,.{decimals}f}" if "," in m.group(0) else f"{value:.{decimals}f}"
    if fraction.startswith("#"):
        body = body.rstrip("0").rstrip(".") if "." in body else body
    literal = re.compile(r'"([^"]*)"|\\(.)')
    prefix = literal.sub(lambda x: x.group(1) or x.group(2), pattern[:m.start()])
    suffix = literal.sub(lambda x: x.group(1) or x.group(2), pattern[m.end():])
    return f"{prefix}{body}{suffix}"


_HYPERLINK = re.compile(
    r'^=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)\s*$', re.I)


def hyperlink_formula(formula: str | None) -> tuple[str, str] | None:
    """=HYPERLINK("url"[, "label"]) with literal texts as (url, what the cell shows): the one
    formula the emulator evaluates, as Google does — the label, or the url without one."""
    m = _HYPERLINK.match(formula) if formula else None
    if m is None:
        return None
    url = m.group(1).replace('""', '"')
    label = m.group(2)
    return url, url if label is None else label.replace('""', '"')


def cell_hyperlink(cell: CellData, user_format: dict[str, Any]) -> str | None:
    """CellData.hyperlink: a HYPERLINK formula's address, or a link set on the whole cell
    (userEnteredFormat.textFormat.link)."""
    link = hyperlink_formula(cell.formula)
    if link is not None:
        return link[0]
    uri = ((user_format.get("textFormat") or {}).get("link") or {}).get("uri")
    return uri if isinstance(uri, str) and uri else None


def formatted_value(cell: CellData, number_format: dict[str, str] | None) -> str:
    if cell.formula is not None:
        link = hyperlink_formula(cell.formula)
        return link[1] if link else cell.formula  # not evaluated: the text stands for its result
    value = cell.value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return "#NUM!"
        return format_number(value, number_format) if number_format else general_number(value)
    return "" if value is None else str(value)


def render_value(cell: CellData, number_format: dict[str, str] | None, value_render: str,
                 date_render: str) -> Any:
    """One cell as values.get renders it for valueRenderOption / dateTimeRenderOption."""
    if value_render == "FORMATTED_VALUE":
        return formatted_value(cell, number_format)
    if cell.formula is not None:
        link = hyperlink_formula(cell.formula) if value_render != "FORMULA" else None
        return link[1] if link else cell.formula
    value = cell.value
    is_date = bool(number_format) and number_format.get("type") in ("DATE", "TIME", "DATE_TIME")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if is_date and date_render == "FORMATTED_STRING":
            return formatted_value(cell, number_format)
        return json_number(value)
    return "" if value is None else value


def extended_value(value: CellValue | None, formula: str | None = None) -> dict[str, Any]:
    """A cell value as an ExtendedValue: {"stringValue"} / {"numberValue"} / ..."""
    if formula is not None:
        return {"formulaValue": formula}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": json_number(value)}
    return {"stringValue": "" if value is None else str(value)}


# ---------------------------------------------------------------------------- field masks

FieldTree = dict[str, "FieldTree | None"]


def parse_field_mask(mask: str) -> FieldTree:
    """'sheets.data.rowData.values.note', 'sheets/properties/title',
    'sheets(properties(sheetId,title),data)' -> nested dict; a None leaf keeps everything."""
    compact = mask.replace(" ", "")
    tree, pos = _parse_mask_list(compact, 0, mask)
    if pos != len(compact):
        raise bad_request(f"Invalid field selection {mask}")
    return tree


_MASK_PATH = re.compile(r"[A-Za-z0-9_*@]+(?:[./][A-Za-z0-9_*@]+)*")


def _parse_mask_list(mask: str, pos: int, original: str) -> tuple[FieldTree, int]:
    tree: FieldTree = {}
    while True:
        m = _MASK_PATH.match(mask, pos)
        if not m:
            raise bad_request(f"Invalid field selection {original}")
        names = re.split(r"[./]", m.group(0))
        pos = m.end()
        sub: FieldTree | None = None
        if pos < len(mask) and mask[pos] == "(":
            sub, pos = _parse_mask_list(mask, pos + 1, original)
            if pos >= len(mask) or mask[pos] != ")":
                raise bad_request(f"Invalid field selection {original}")
            pos += 1
        for name in reversed(names):
            sub = {name: sub}
        _merge_masks(tree, sub or {})
        if pos < len(mask) and mask[pos] == ",":
            pos += 1
            continue
        return tree, pos


def _merge_masks(into: FieldTree, other: FieldTree) -> None:
    for name, child in other.items():
        if child is None:
            into[name] = None
        elif name not in into:
            into[name] = child
        elif into[name] is not None:
            _merge_masks(into[name], child)  # type: ignore[arg-type]


def mask_wants(tree: FieldTree | None, *path: str) -> bool:
    """Does the mask select anything at or under `path`?"""
    node: FieldTree | None = tree
    for name in path:
        if node is None or "*" in node:
            return True
        if name not in node:
            return False
        node = node[name]
    return True


def apply_field_mask(data: Any, tree: FieldTree | None) -> Any:
    if tree is None or "*" in tree:
        return data
    if isinstance(data, list):
        return [apply_field_mask(item, tree) for item in data]
    if not isinstance(data, dict):
        return data
    return {key: apply_field_mask(value, tree[key]) for key, value in data.items() if key in tree}


def mask_paths(tree: FieldTree, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for name, child in tree.items():
        if child is None or not child:
            paths.append((*prefix, name))
        else:
            paths.extend(mask_paths(child, (*prefix, name)))
    return paths
