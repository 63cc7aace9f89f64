"""Sheets API v4 operations on the in-memory model: spreadsheets.get, spreadsheets.values.*
and spreadsheets.batchUpdate. Each function takes the parsed request and returns the JSON
answer, or raises `ApiError` with Google's message. No locking or HTTP here.

Choices where Google's behaviour is unknown or out of scope are marked "Emulator:".
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from automation.sheets_emulator.grid import (
    MAX_COLUMNS,
    A1Range,
    ApiError,
    CellData,
    FieldTree,
    GridBox,
    RangeRule,
    SheetGrid,
    Spreadsheet,
    apply_field_mask,
    bad_request,
    cell_hyperlink,
    column_letters,
    extended_value,
    formatted_value,
    grid_limit_error,
    grid_range_box,
    hyperlink_formula,
    mask_paths,
    mask_wants,
    new_sheet_id,
    parse_field_mask,
    render_value,
    type_input,
)

Query = dict[str, list[str]]
SHEETS_URL = "https://docs.google.com/spreadsheets/d/%s/edit"
PROTECTED_MESSAGE = ("You are trying to edit a protected cell or object. Please contact the "
                     "spreadsheet owner to remove protection if you need to edit.")
DEFAULT_ROW_PX, DEFAULT_COLUMN_PX = 21, 100

VALUE_RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_RENDER = ("SERIAL_NUMBER", "FORMATTED_STRING")
DIMENSIONS = ("ROWS", "COLUMNS")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")


def query_one(query: Query, name: str, default: str | None = None) -> str | None:
    values = query.get(name)
    return values[-1] if values else default


def query_bool(query: Query, name: str) -> bool:
    return (query_one(query, name) or "").lower() in ("true", "1")


def query_enum(query: Query, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = query_one(query, name) or default
    if value not in allowed:
        snake = "".join("_" + ch.lower() if ch.isupper() else ch for ch in name)
        raise bad_request(f"Invalid value at '{snake}', \"{value}\"")
    return value


def field_mask(query: Query) -> FieldTree | None:
    mask = query_one(query, "fields")
    return parse_field_mask(mask) if mask else None


# ---------------------------------------------------------------------------- reading

def read_box(sheet: SheetGrid, box: GridBox, major: str, value_render: str,
             date_render: str) -> list[list[Any]]:
    """values.get's `values`: trailing empty cells and rows trimmed, blank middle rows []."""
    lines: dict[int, dict[int, Any]] = {}
    for (r, c), cell in sheet.cells.items():
        if box.contains(r, c) and cell.has_value():
            major_i, minor_i = (r - box.row0, c - box.col0) if major == "ROWS" else (
                c - box.col0, r - box.row0)
            lines.setdefault(major_i, {})[minor_i] = render_value(
                cell, sheet.number_format_at(r, c), value_render, date_render)
    if not lines:
        return []
    out: list[list[Any]] = [[] for _ in range(max(lines) + 1)]
    for i, line in lines.items():
        row: list[Any] = [""] * (max(line) + 1)
        for j, value in line.items():
            row[j] = value
        out[i] = row
    return out


def value_range(sheet: SheetGrid, box: GridBox, query: Query, prefix: str = "") -> dict[str, Any]:
    """A ValueRange; `prefix` "response" reads responseValueRenderOption & co."""
    major = query_enum(query, "majorDimension", DIMENSIONS, "ROWS")
    value_key = f"{prefix}ValueRenderOption" if prefix else "valueRenderOption"
    date_key = f"{prefix}DateTimeRenderOption" if prefix else "dateTimeRenderOption"
    value_render = query_enum(query, value_key, VALUE_RENDER, "FORMATTED_VALUE")
    date_render = query_enum(query, date_key, DATE_RENDER, "SERIAL_NUMBER")
    out: dict[str, Any] = {"range": box.a1(sheet.title), "majorDimension": major}
    values = read_box(sheet, box, major, value_render, date_render)
    if values:  # an empty range has no "values" key at all
        out["values"] = values
    return out


def values_get(ss: Spreadsheet, range_text: str, query: Query) -> dict[str, Any]:
    sheet, _, box = ss.resolve(range_text)
    return value_range(sheet, box, query)


def values_batch_get(ss: Spreadsheet, query: Query) -> dict[str, Any]:
    ranges = []
    for text in query.get("ranges", []):
        sheet, _, box = ss.resolve(text)
        ranges.append(value_range(sheet, box, query))
    return {"spreadsheetId": ss.spreadsheet_id, "valueRanges": ranges}


def sheet_properties_json(sheet: SheetGrid) -> dict[str, Any]:
    """Properties as Google answers them: zero frozen counts and false flags left out."""
    props = copy.deepcopy(sheet.properties)
    grid = props.get("gridProperties", {})
    for key in ("frozenRowCount", "frozenColumnCount"):
        if not grid.get(key):
            grid.pop(key, None)
    for key in [k for k, v in props.items() if v is False or v is None]:
        del props[key]
    return props


CELL_PARTS = ("userEnteredValue", "effectiveValue", "formattedValue", "userEnteredFormat",
              "hyperlink", "note", "dataValidation")
VALUE_PARTS = frozenset({"userEnteredValue", "effectiveValue", "formattedValue"})


def _cell_json(sheet: SheetGrid, row: int, col: int, parts: set[str]) -> dict[str, Any]:
    """A CellData with the `parts` asked for (the mask decides; computing the rest is waste)."""
    cell = sheet.cells.get((row, col))
    out: dict[str, Any] = {}
    if cell is not None and cell.has_value() and parts & {"userEnteredValue", "effectiveValue",
                                                          "formattedValue"}:
        number_format = sheet.number_format_at(row, col)
        out["userEnteredValue"] = extended_value(cell.value, cell.formula)
        link = hyperlink_formula(cell.formula)
        if cell.formula is None:  # Emulator: formulas are not evaluated, so no effectiveValue
            out["effectiveValue"] = extended_value(cell.value)
        elif link is not None:  # ... except HYPERLINK, which shows its label
            out["effectiveValue"] = {"stringValue": link[1]}
        out["formattedValue"] = formatted_value(cell, number_format)
    if "userEnteredFormat" in parts:
        user_format = sheet.format_at(row, col)
        if cell is not None and cell.number_format:
            user_format["numberFormat"] = cell.number_format
        if user_format:
            out["userEnteredFormat"] = user_format
    if "hyperlink" in parts and cell is not None and (cell.formula or cell.user_format or sheet.formats):
        link = cell_hyperlink(cell, sheet.format_at(row, col))
        if link:
            out["hyperlink"] = link
    if cell is not None and cell.note:
        out["note"] = cell.note
    if "dataValidation" in parts and (validation := sheet.validation_at(row, col)):
        out["dataValidation"] = validation
    return out


def grid_data(sheet: SheetGrid, box: GridBox, cell_mask: FieldTree | None = None,
              data_mask: FieldTree | None = None) -> dict[str, Any]:
    """One GridData: rowData trimmed like values (empty cells {}, empty rows {}). Trimming
    happens after the `fields` mask: asking for notes only gives rows as long as their last
    note, which is what gspread's get_notes expects. `data_mask` is the mask's GridData node:
    row and column metadata it leaves out are not computed."""
    parts = {p for p in CELL_PARTS if cell_mask is None or "*" in cell_mask or p in cell_mask}
    # Only cells that can show something under the mask: a read of notes and number formats
    # does not build (and mask away) a CellData for every one of 1,600,000 cells holding a value.
    values = bool(parts & VALUE_PARTS)
    formats = "userEnteredFormat" in parts
    links = "hyperlink" in parts
    spots = {key for key, cell in sheet.cell_items_in(box)
             if cell.note or (values and cell.has_value()) or (formats and (cell.user_format or cell.number_format))
             or (links and (cell.formula or cell.user_format))}
    rules = ((sheet.validations if "dataValidation" in parts else [])
             + (sheet.formats if "userEnteredFormat" in parts else []))
    for rule in rules:  # cells with only a format or a validation are cells too
        if rule.box.intersects(box):
            rows = range(max(rule.box.row0, box.row0), min(rule.box.row1, box.row1) + 1)
            cols = range(max(rule.box.col0, box.col0), min(rule.box.col1, box.col1) + 1)
            spots.update((r, c) for r in rows for c in cols)
    by_row: dict[int, dict[int, dict[str, Any]]] = {}
    for r, c in spots:
        data = apply_field_mask(_cell_json(sheet, r, c, parts), cell_mask)
        if data:
            by_row.setdefault(r, {})[c] = data
    out: dict[str, Any] = {}
    if box.row0:
        out["startRow"] = box.row0
    if box.col0:
        out["startColumn"] = box.col0
    if by_row:
        out["rowData"] = [
            {"values": [by_row[r].get(c, {}) for c in range(box.col0, max(by_row[r]) + 1)]}
            if r in by_row else {}
            for r in range(box.row0, max(by_row) + 1)]
    dims = sheet.dimension_properties
    if mask_wants(data_mask, "rowMetadata"):
        out["rowMetadata"] = [{"pixelSize": DEFAULT_ROW_PX, **dims["ROWS"].get(r, {})}
                              for r in range(box.row0, box.row1 + 1)]
    if mask_wants(data_mask, "columnMetadata"):
        out["columnMetadata"] = [{"pixelSize": DEFAULT_COLUMN_PX, **dims["COLUMNS"].get(c, {})}
                                 for c in range(box.col0, box.col1 + 1)]
    return out


def _mask_at(mask: FieldTree | None, path: tuple[str, ...]) -> FieldTree | None:
    """The mask's node at `path`: None (everything) without a mask or under a '*'."""
    node: FieldTree | None = mask
    for name in path:
        if node is None or "*" in node:
            return None
        node = node.get(name, {})
    return node


def get_spreadsheet(ss: Spreadsheet, query: Query) -> dict[str, Any]:
    """spreadsheets.get. As on Google, a `fields` mask overrides includeGridData: a mask that
    reaches sheets.data returns grid data even without includeGridData=true."""
    mask = field_mask(query)
    with_grid = mask_wants(mask, "sheets", "data") if mask is not None else query_bool(
        query, "includeGridData")
    data_mask, cell_mask = _mask_at(mask, ("sheets", "data")), _mask_at(mask, ("sheets", "data", "rowData", "values"))
    ranges: dict[int, list[GridBox]] = {}
    for text in query.get("ranges", []):
        sheet, _, box = ss.resolve(text)
        ranges.setdefault(sheet.sheet_id, []).append(box)
    sheets = []
    for sheet in ss.sheets:
        if ranges and sheet.sheet_id not in ranges:
            continue  # with ranges, only the sheets they touch are returned
        entry: dict[str, Any] = {"properties": sheet_properties_json(sheet)}
        if with_grid:
            entry["data"] = [grid_data(sheet, box, cell_mask, data_mask)
                             for box in ranges.get(sheet.sheet_id, [sheet.full_box()])]
        if sheet.protected_ranges:
            entry["protectedRanges"] = copy.deepcopy(sheet.protected_ranges)
        if sheet.merges:
            entry["merges"] = copy.deepcopy(sheet.merges)
        sheets.append(entry)
    out = {"spreadsheetId": ss.spreadsheet_id, "properties": copy.deepcopy(ss.properties),
           "sheets": sheets, "spreadsheetUrl": SHEETS_URL % ss.spreadsheet_id}
    return apply_field_mask(out, _cells_kept(mask))


def _cells_kept(mask: FieldTree | None) -> FieldTree | None:
    """The mask for the whole answer, its rowData kept as grid_data made it: each cell was
    masked there already, and masking 100,000s of them twice costs seconds."""
    try:
        row_data = mask["sheets"]["data"]["rowData"]  # type: ignore[index]
    except (KeyError, TypeError):
        return mask
    if not isinstance(row_data, dict):
        return mask
    kept = copy.deepcopy(mask)
    kept["sheets"]["data"]["rowData"] = None  # type: ignore[index]
    return kept


# ---------------------------------------------------------------------------- writing values

def check_editable(ss: Spreadsheet, sheet: SheetGrid, box: GridBox, email: str) -> None:
    """Protected ranges (not warningOnly) refuse edits from anyone but their editors."""
    for protected in sheet.protected_ranges:
        if protected.get("warningOnly"):
            continue
        pbox = grid_range_box(protected.get("range", {}), sheet.row_count, sheet.column_count,
                              sheet.title)
        if pbox is None or not pbox.intersects(box):
            continue
        users = {u.lower() for u in protected.get("editors", {}).get("users", [])}
        if email.lower() not in users and email.lower() != (ss.owner or "").lower():
            raise bad_request(PROTECTED_MESSAGE)


def _check_value_rows(values: Any, field: str) -> list[list[Any]]:
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        message = (f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), "
                   f"{_proto_text(values)}")
        raise ApiError(400, message, [{
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": field, "description": message}]}])
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if value is not None and not isinstance(value, str | int | float | bool):
                raise bad_request(f"Invalid values[{i}][{j}]: {_proto_text(value)}")
    return values


def _proto_text(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value + '"'
    kind = "list_value" if isinstance(value, list) else "struct_value"
    return f"{kind} {value}"


class PlannedWrite:
    """A values write, checked against the grid before anything is changed, so that a
    multi-range write is all-or-nothing like on Google."""

    def __init__(self, ss: Spreadsheet, range_text: str, values: Any, major: str | None,
                 field: str, email: str):
        rows = _check_value_rows(values, field)
        if (major or "ROWS") == "COLUMNS":
            width = max((len(col) for col in rows), default=0)
            rows = [[col[i] if i < len(col) else None for col in rows] for i in range(width)]
        elif (major or "ROWS") != "ROWS":
            raise bad_request(f"Invalid value at '{field.rsplit('.', 1)[0]}.major_dimension', "
                              f"\"{major}\"")
        self.sheet, parsed, box = ss.resolve(range_text)
        self.rows = rows
        height = len(rows)
        width = max((len(row) for row in rows), default=0)
        if not parsed.anchor and height > box.rows:
            raise bad_request(f"Requested writing within range [{range_text}], but tried writing "
                              f"to row [{box.row0 + box.rows + 1}]")
        if not parsed.anchor and width > box.columns:
            raise bad_request(f"Requested writing within range [{range_text}], but tried writing "
                              f"to column [{column_letters(box.col0 + box.columns)}]")
        self.origin = (box.row0, box.col0)
        self.box = GridBox(box.row0, box.col0, box.row0 + max(height, 1) - 1,
                           box.col0 + max(width, 1) - 1)
        # Emulator: values.update and values.batchUpdate never grow the grid (Google answers
        # "exceeds grid limits" for a write past the last row/column); append does grow rows.
        if self.box.row1 >= self.sheet.row_count or self.box.col1 >= self.sheet.column_count:
            raise grid_limit_error(self.box, self.sheet.title, self.sheet.row_count,
                                   self.sheet.column_count)
        check_editable(ss, self.sheet, self.box, email)

    def apply(self, ss: Spreadsheet, user_entered: bool) -> dict[str, Any]:
        locale = str(ss.properties.get("locale", "en_US"))
        cells = 0
        rows_written: set[int] = set()
        cols_written: set[int] = set()
        for i, row in enumerate(self.rows):
            for j, raw in enumerate(row):
                if raw is None:  # null leaves the cell as it is
                    continue
                r, c = self.origin[0] + i, self.origin[1] + j
                typed = type_input(raw, user_entered, locale)
                cell = self.sheet.cell(r, c)
                cell.value, cell.formula = typed.value, typed.formula
                if typed.number_format:
                    cell.number_format = typed.number_format
                self.sheet.drop_if_blank(r, c)
                cells += 1
                rows_written.add(r)
                cols_written.add(c)
        out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
        if cells:
            out.update(updatedRange=self.box.a1(self.sheet.title), updatedRows=len(rows_written),
                       updatedColumns=len(cols_written), updatedCells=cells)
        self.written = (rows_written, cols_written)
        return out


def _input_option(value: Any) -> bool:
    if value is None:
        raise bad_request("'valueInputOption' is required but not specified")
    if value not in INPUT_OPTIONS:
        raise bad_request(f"Invalid value at 'value_input_option', \"{value}\"")
    return value == "USER_ENTERED"


def _with_values_in_response(plan: PlannedWrite, out: dict[str, Any], query: Query,
                             include: bool) -> dict[str, Any]:
    if include:
        out["updatedData"] = value_range(plan.sheet, plan.box, query, prefix="response")
    return out


def values_update(ss: Spreadsheet, range_text: str, query: Query, body: dict[str, Any],
                  email: str) -> dict[str, Any]:
    user_entered = _input_option(query_one(query, "valueInputOption"))
    if body.get("range") and body["range"] != range_text:
        raise bad_request(f"Requested range [{body['range']}] does not match the range in the "
                          f"URL [{range_text}].")
    plan = PlannedWrite(ss, range_text, body.get("values", []), body.get("majorDimension"),
                        "data.values", email)
    out = plan.apply(ss, user_entered)
    return _with_values_in_response(plan, out, query,
                                    query_bool(query, "includeValuesInResponse"))


def values_batch_update(ss: Spreadsheet, body: dict[str, Any], email: str) -> dict[str, Any]:
    user_entered = _input_option(body.get("valueInputOption"))
    data = body.get("data") or []
    plans = [PlannedWrite(ss, item.get("range", ""), item.get("values", []),
                          item.get("majorDimension"), f"data[{i}].values", email)
             for i, item in enumerate(data)]
    responses = []
    rows: set[tuple[int, int]] = set()
    cols: set[tuple[int, int]] = set()
    cells = 0
    for plan in plans:
        answer = plan.apply(ss, user_entered)
        if body.get("includeValuesInResponse"):
            render = {"responseValueRenderOption": [body.get("responseValueRenderOption")
                                                    or "FORMATTED_VALUE"],
                      "responseDateTimeRenderOption": [body.get("responseDateTimeRenderOption")
                                                       or "SERIAL_NUMBER"]}
            answer["updatedData"] = value_range(plan.sheet, plan.box, render, prefix="response")
        responses.append(answer)
        cells += answer.get("updatedCells", 0)
        rows.update((plan.sheet.sheet_id, r) for r in plan.written[0])
        cols.update((plan.sheet.sheet_id, c) for c in plan.written[1])
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if cells:
        # Google counts distinct rows and columns over the whole batch (two A:D rows -> 4 cols).
        out.update(totalUpdatedRows=len(rows), totalUpdatedColumns=len(cols),
                   totalUpdatedCells=cells,
                   totalUpdatedSheets=len({p.sheet.sheet_id for p in plans if p.written[0]}))
    out["responses"] = responses
    return out


def find_table(sheet: SheetGrid, parsed: A1Range, box: GridBox) -> GridBox | None:
    """The "table" values.append extends: the first run of consecutive rows holding a value,
    at or below the range's first row, in the range's columns (every column from its first
    one for a lone cell or a range without an end column). As on Google, a blank row ends
    the table, so appended rows can land in a gap above later data (and, with OVERWRITE,
    overwrite what follows the gap)."""
    explicit_end = parsed.col1 is not None and not parsed.anchor
    last_col = box.col1 if explicit_end else sheet.column_count - 1
    filled: dict[int, list[int]] = {}
    for (r, c), cell in sheet.cells.items():
        if r >= box.row0 and box.col0 <= c <= last_col and cell.has_value():
            filled.setdefault(r, []).append(c)
    if not filled:
        return None
    first = last = min(filled)
    while last + 1 in filled:
        last += 1
    cols = [c for r in range(first, last + 1) for c in filled[r]]
    return GridBox(first, min(cols), last, max(cols))


def values_append(ss: Spreadsheet, range_text: str, query: Query, body: dict[str, Any],
                  email: str) -> dict[str, Any]:
    """values.append: data goes below the table `find_table` finds, from its first column
    (at the range's first cell when there is no table). Rows are added when the sheet is too
    short, with OVERWRITE and INSERT_ROWS alike; writing past the last column is an error."""
    user_entered = _input_option(query_one(query, "valueInputOption"))
    insert = query_enum(query, "insertDataOption", ("OVERWRITE", "INSERT_ROWS"), "OVERWRITE")
    sheet, parsed, box = ss.resolve(range_text)
    rows = _check_value_rows(body.get("values", []), "data.values")
    if body.get("majorDimension") == "COLUMNS":
        width = max((len(col) for col in rows), default=0)
        rows = [[col[i] if i < len(col) else None for col in rows] for i in range(width)]
    table = find_table(sheet, parsed, box)
    if table is not None:
        start_row, start_col = table.row1 + 1, table.col0
    else:
        start_row, start_col = box.row0, box.col0
    height, width = len(rows), max((len(row) for row in rows), default=0)
    if start_col + width > sheet.column_count:
        target = GridBox(start_row, start_col, start_row + max(height, 1) - 1,
                         start_col + width - 1)
        raise grid_limit_error(target, sheet.title, sheet.row_count, sheet.column_count)
    check_editable(ss, sheet, GridBox(start_row, start_col, start_row + max(height, 1) - 1,
                                      start_col + max(width, 1) - 1), email)
    if insert == "INSERT_ROWS" and height and start_row < sheet.row_count:
        shift_dimension(sheet, "ROWS", start_row, height)
    elif start_row + height > sheet.row_count:
        sheet.set_size(rows=start_row + height)
    anchor = GridBox(start_row, start_col, start_row, start_col).a1(sheet.title)
    plan = PlannedWrite(ss, anchor, rows, "ROWS", "data.values", email)
    updates = plan.apply(ss, user_entered)
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if table is not None:
        out["tableRange"] = table.a1(sheet.title)
    out["updates"] = _with_values_in_response(plan, updates, query,
                                              query_bool(query, "includeValuesInResponse"))
    return out


def _clear_box(ss: Spreadsheet, text: str, email: str) -> tuple[SheetGrid, GridBox]:
    sheet, _, box = ss.resolve(text)
    check_editable(ss, sheet, box, email)
    return sheet, box


def _clear_values(sheet: SheetGrid, box: GridBox) -> None:
    # values.clear keeps notes, formats and validation: only values (and formulas) go.
    for r, c, cell in sheet.cells_in(box):
        cell.value = cell.formula = None
        sheet.drop_if_blank(r, c)


def values_clear(ss: Spreadsheet, range_text: str, email: str) -> dict[str, Any]:
    sheet, box = _clear_box(ss, range_text, email)
    _clear_values(sheet, box)
    return {"spreadsheetId": ss.spreadsheet_id, "clearedRange": box.a1(sheet.title)}


def values_batch_clear(ss: Spreadsheet, body: dict[str, Any], email: str) -> dict[str, Any]:
    targets = [_clear_box(ss, text, email) for text in body.get("ranges") or []]
    for sheet, box in targets:
        _clear_values(sheet, box)
    return {"spreadsheetId": ss.spreadsheet_id,
            "clearedRanges": [box.a1(sheet.title) for sheet, box in targets]}


# ---------------------------------------------------------------------------- batchUpdate

Handler = Callable[[Spreadsheet, dict[str, Any], str], dict[str, Any]]


def batch_update(ss: Spreadsheet, body: dict[str, Any], email: str
                 ) -> tuple[Spreadsheet, dict[str, Any]]:
    """spreadsheets.batchUpdate on a copy: the caller swaps it in only if every request
    succeeded, so a failing request leaves the spreadsheet untouched (Google is atomic too)."""
    requests = body.get("requests")
    if not isinstance(requests, list):
        raise bad_request("Invalid JSON payload received. 'requests' must be a list.")
    work = ss.copy()
    replies = []
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise bad_request(f"Invalid requests[{i}]: exactly one kind of request is required.")
        kind, payload = next(iter(request.items()))
        handler = REQUEST_HANDLERS.get(kind)
        if handler is None:
            message = (f"Invalid JSON payload received. Unknown name \"{kind}\" at "
                       f"'requests[{i}]': Cannot find field.")
            raise ApiError(400, message, [{
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": f"requests[{i}]", "description": message}]}])
        try:
            replies.append(handler(work, payload or {}, email))
        except ApiError as exc:
            if exc.message == PROTECTED_MESSAGE:
                raise
            raise ApiError(exc.code, f"Invalid requests[{i}].{kind}: {exc.message}") from exc
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise bad_request(f"Invalid requests[{i}].{kind}: {exc!r}") from exc
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        grid = {"includeGridData": ["true" if body.get("responseIncludeGridData") else "false"]}
        out["updatedSpreadsheet"] = get_spreadsheet(work, grid)
    return work, out


def _sheet(ss: Spreadsheet, sheet_id: Any) -> SheetGrid:
    sheet = ss.sheet_by_id(sheet_id)
    if sheet is None:
        raise bad_request(f"No grid with id: {sheet_id or 0}")
    return sheet


def _box(sheet: SheetGrid, grid_range: dict[str, Any]) -> GridBox | None:
    return grid_range_box(grid_range, sheet.row_count, sheet.column_count, sheet.title)


def _check_title(ss: Spreadsheet, title: Any, except_sheet: SheetGrid | None = None) -> str:
    if not isinstance(title, str) or not title.strip():
        raise bad_request("The sheet name cannot be empty.")
    for other in ss.sheets:
        if other is not except_sheet and other.title.casefold() == title.casefold():
            raise bad_request(f'A sheet with the name "{title}" already exists. '
                              "Please enter another name.")
    return title


def _check_grid(props: dict[str, Any]) -> None:
    grid = props.get("gridProperties", {})
    rows, cols = grid.get("rowCount"), grid.get("columnCount")
    if not isinstance(rows, int) or rows < 1 or not isinstance(cols, int) or cols < 1:
        raise bad_request("The grid must have at least one row and one column.")
    if cols > MAX_COLUMNS:
        raise bad_request(f"The number of columns must not exceed {MAX_COLUMNS}.")
    if grid.get("frozenRowCount", 0) >= rows:
        raise bad_request("You can't freeze all visible rows on the sheet.")
    if grid.get("frozenColumnCount", 0) >= cols:
        raise bad_request("You can't freeze all visible columns on the sheet.")


def _add_sheet(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    props = copy.deepcopy(p.get("properties") or {})
    n = len(ss.sheets) + 1
    while ss.sheet_by_title(f"Sheet{n}") is not None:
        n += 1
    title = _check_title(ss, props.get("title") or f"Sheet{n}")
    taken = {s.sheet_id for s in ss.sheets}
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = new_sheet_id(taken)
    elif int(sheet_id) in taken:
        raise bad_request(f"A sheet with the id {sheet_id} already exists.")
    grid = props.get("gridProperties") or {}
    sheet = SheetGrid.new(int(sheet_id), title, 0, int(grid.get("rowCount", 1000)),
                          int(grid.get("columnCount", 26)))
    for key, value in grid.items():
        sheet.properties["gridProperties"][key] = value
    for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
        if key in props:
            sheet.properties[key] = props[key]
    _check_grid(sheet.properties)
    index = min(max(int(props.get("index", len(ss.sheets))), 0), len(ss.sheets))
    ss.sheets.insert(index, sheet)
    ss.reindex()
    return {"addSheet": {"properties": sheet_properties_json(sheet)}}


def _delete_sheet(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    sheet = _sheet(ss, p.get("sheetId"))
    if len(ss.sheets) == 1:
        raise bad_request("You can't remove all the sheets in a document.")
    ss.sheets.remove(sheet)
    ss.reindex()
    return {}


def _set_path(target: dict[str, Any], path: tuple[str, ...], source: dict[str, Any]) -> None:
    """Copy source[path] into target[path]; a path missing from source is cleared (that is
    what a `fields` mask means)."""
    value: Any = source
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    node = target
    for name in path[:-1]:
        node = node.setdefault(name, {})
    if value is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = copy.deepcopy(value)


def _masked_update(target: dict[str, Any], source: dict[str, Any], fields: Any,
                   fixed: tuple[str, ...]) -> dict[str, Any]:
    if not fields:
        raise bad_request("At least one field must be updated; 'fields' is empty.")
    updated = copy.deepcopy(target)
    for path in mask_paths(parse_field_mask(str(fields))):
        if path == ("*",):
            for key in set(updated) | set(source):
                if key not in fixed:
                    _set_path(updated, (key,), source)
        elif path[0] not in fixed:
            _set_path(updated, path, source)
    return updated


def _update_sheet_properties(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    props = p.get("properties") or {}
    sheet = _sheet(ss, props.get("sheetId"))
    updated = _masked_update(sheet.properties, props, p.get("fields"), ("sheetId", "sheetType"))
    updated.setdefault("gridProperties", {})
    _check_title(ss, updated.get("title"), except_sheet=sheet)
    _check_grid(updated)
    index = updated.get("index", sheet.properties["index"])
    sheet.properties = updated
    sheet.set_size()  # drops cells that fell off a shrunk grid
    if index != ss.sheets.index(sheet):
        ss.sheets.remove(sheet)
        ss.sheets.insert(min(max(int(index), 0), len(ss.sheets)), sheet)
    ss.reindex()
    return {}


def _update_spreadsheet_properties(ss: Spreadsheet, p: dict[str, Any], email: str
                                   ) -> dict[str, Any]:
    updated = _masked_update(ss.properties, p.get("properties") or {}, p.get("fields"), ())
    if not updated.get("title"):
        raise bad_request("The spreadsheet title cannot be empty.")
    ss.properties = updated
    return {}


def shift_dimension(sheet: SheetGrid, dimension: str, at: int, delta: int) -> None:
    """Insert (delta > 0) or delete (delta < 0) rows/columns at `at`, moving cells along.
    Emulator: validations, formats and protected ranges do not move with them."""
    axis = 0 if dimension == "ROWS" else 1
    moved: dict[tuple[int, int], CellData] = {}
    for key, cell in sheet.cells.items():
        pos = key[axis]
        if delta < 0 and at <= pos < at - delta:
            continue
        if pos >= at:
            key = (key[0] + delta, key[1]) if axis == 0 else (key[0], key[1] + delta)
        moved[key] = cell
    sheet.cells = moved
    if axis == 0:
        sheet.properties["gridProperties"]["rowCount"] = sheet.row_count + delta
    else:
        sheet.properties["gridProperties"]["columnCount"] = sheet.column_count + delta


def _dimension_range(ss: Spreadsheet, p: dict[str, Any]) -> tuple[SheetGrid, str, int, int]:
    sheet = _sheet(ss, p.get("sheetId"))
    dimension = p.get("dimension")
    if dimension not in DIMENSIONS:
        raise bad_request(f"Invalid dimension: {dimension}")
    count = sheet.row_count if dimension == "ROWS" else sheet.column_count
    start = int(p.get("startIndex") or 0)
    end = int(p["endIndex"]) if p.get("endIndex") is not None else count
    if start < 0 or end < start:
        raise bad_request("Invalid dimension range: startIndex must be before endIndex.")
    return sheet, dimension, start, end


def _append_dimension(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    sheet = _sheet(ss, p.get("sheetId"))
    length = int(p.get("length") or 0)
    if length < 1 or p.get("dimension") not in DIMENSIONS:
        raise bad_request("length must be positive and dimension ROWS or COLUMNS.")
    if p["dimension"] == "ROWS":
        sheet.set_size(rows=sheet.row_count + length)
    else:
        sheet.set_size(columns=sheet.column_count + length)
    _check_grid(sheet.properties)
    return {}


def _insert_dimension(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(ss, p.get("range") or {})
    count = sheet.row_count if dimension == "ROWS" else sheet.column_count
    if start > count:
        raise bad_request(f"Cannot insert at index {start}: the sheet has only {count}.")
    shift_dimension(sheet, dimension, start, end - start)
    return {}


def _delete_dimension(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(ss, p.get("range") or {})
    count = sheet.row_count if dimension == "ROWS" else sheet.column_count
    if end > count:
        raise bad_request(f"Cannot delete beyond index {count}.")
    if start == 0 and end == count:
        noun = "rows" if dimension == "ROWS" else "columns"
        raise bad_request(f"You can't delete all the {noun} on the sheet.")
    check_editable(ss, sheet, GridBox(start, 0, end - 1, sheet.column_count - 1)
                   if dimension == "ROWS" else GridBox(0, start, sheet.row_count - 1, end - 1),
                   email)
    shift_dimension(sheet, dimension, start, start - end)
    return {}


def _update_dimension_properties(ss: Spreadsheet, p: dict[str, Any], email: str
                                 ) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(ss, p.get("range") or {})
    fields = p.get("fields")
    for i in range(start, end):
        current = sheet.dimension_properties[dimension].get(i, {})
        sheet.dimension_properties[dimension][i] = _masked_update(
            current, p.get("properties") or {}, fields, ())
    return {}


def _auto_resize_dimensions(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    _dimension_range(ss, p.get("dimensions") or {})  # validated; sizes are not computed
    return {}


def _extended_to_cell(cell: CellData, value: dict[str, Any] | None) -> None:
    value = value or {}
    cell.formula = value.get("formulaValue")
    if "stringValue" in value:
        cell.value = value["stringValue"] if value["stringValue"] != "" else None
    elif "numberValue" in value:
        cell.value = value["numberValue"]
    elif "boolValue" in value:
        cell.value = bool(value["boolValue"])
    else:
        cell.value = None


def _cell_fields(fields: Any) -> dict[str, FieldTree | None]:
    if not fields:
        raise bad_request("At least one field must be updated; 'fields' is empty.")
    tree = parse_field_mask(str(fields))
    if "*" in tree:
        return {"userEnteredValue": None, "userEnteredFormat": None, "note": None,
                "dataValidation": None}
    known = ("userEnteredValue", "userEnteredFormat", "note", "dataValidation")
    unknown = [name for name in tree if name not in known]
    if unknown:
        raise bad_request(f"Invalid field mask: {', '.join(unknown)} (the emulator stores "
                          f"{', '.join(known)})")
    return tree


def _write_cell(sheet: SheetGrid, r: int, c: int, data: dict[str, Any],
                fields: dict[str, FieldTree | None]) -> None:
    cell = sheet.cell(r, c)
    if "userEnteredValue" in fields:
        _extended_to_cell(cell, data.get("userEnteredValue"))
    if "note" in fields:
        cell.note = data.get("note") or None
    if "userEnteredFormat" in fields:
        sub = fields["userEnteredFormat"]
        given = data.get("userEnteredFormat") or {}
        if sub is None:
            cell.user_format = dict(given) or None
        else:
            merged = dict(cell.user_format or {})
            for key in sub:
                if key in given:
                    merged[key] = given[key]
                else:
                    merged.pop(key, None)
            cell.user_format = merged or None
    if "dataValidation" in fields:
        sheet.validations.append(RangeRule(GridBox(r, c, r, c), data.get("dataValidation")))
    sheet.drop_if_blank(r, c)


def _update_cells(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    fields = _cell_fields(p.get("fields"))
    rows = p.get("rows") or []
    if "range" in p:
        sheet = _sheet(ss, p["range"].get("sheetId"))
        box = _box(sheet, p["range"])
        if box is None:
            return {}
        origin = (box.row0, box.col0)
        check_editable(ss, sheet, box, email)
        # Cells of the range that `rows` does not reach are cleared for the given fields.
        for r, c, _ in sheet.cells_in(box):
            _write_cell(sheet, r, c, {}, {k: v for k, v in fields.items()
                                          if k != "dataValidation"})
        if "dataValidation" in fields:
            sheet.validations.append(RangeRule(box, None))
    elif "start" in p:
        start = p["start"]
        sheet = _sheet(ss, start.get("sheetId"))
        origin = (int(start.get("rowIndex") or 0), int(start.get("columnIndex") or 0))
        height = len(rows)
        width = max((len(row.get("values") or []) for row in rows), default=0)
        box = GridBox(origin[0], origin[1], origin[0] + max(height, 1) - 1,
                      origin[1] + max(width, 1) - 1)
        if box.row1 >= sheet.row_count or box.col1 >= sheet.column_count:
            raise grid_limit_error(box, sheet.title, sheet.row_count, sheet.column_count)
        check_editable(ss, sheet, box, email)
    else:
        raise bad_request("Either 'range' or 'start' is required.")
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            r, c = origin[0] + i, origin[1] + j
            if not box.contains(r, c):
                raise grid_limit_error(GridBox(r, c, r, c), sheet.title, sheet.row_count,
                                       sheet.column_count)
            _write_cell(sheet, r, c, data or {}, fields)
    return {}


def _append_cells(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    """appendCells: the rows go after the last row holding a value, rows are added to the
    grid as needed (Google: "inserting new rows into the sheet if necessary")."""
    fields = _cell_fields(p.get("fields"))
    sheet = _sheet(ss, p.get("sheetId"))
    rows = p.get("rows") or []
    if not rows:
        return {}
    start = max((r for (r, _), cell in sheet.cells.items() if cell.has_value()), default=-1) + 1
    width = max((len(row.get("values") or []) for row in rows), default=1)
    if width > sheet.column_count:
        sheet.set_size(columns=width)
    if start + len(rows) > sheet.row_count:
        sheet.set_size(rows=start + len(rows))
    _check_grid(sheet.properties)
    check_editable(ss, sheet, GridBox(start, 0, start + len(rows) - 1, max(width, 1) - 1), email)
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            _write_cell(sheet, start + i, j, data or {}, fields)
    return {}


def _repeat_cell(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    fields = _cell_fields(p.get("fields"))
    sheet = _sheet(ss, (p.get("range") or {}).get("sheetId"))
    box = _box(sheet, p.get("range") or {})
    if box is None:
        return {}
    check_editable(ss, sheet, box, email)
    data = p.get("cell") or {}
    if "userEnteredFormat" in fields:
        # Stored as one rule over the range (a whole-sheet format stays one entry).
        sub = fields["userEnteredFormat"]
        keys = ("*",) if sub is None else tuple(sub)
        given = dict(data.get("userEnteredFormat") or {})
        sheet.formats.append(RangeRule(box, given, keys))
        if "*" in keys or "numberFormat" in keys:
            for _, _, cell in sheet.cells_in(box):
                cell.number_format = None  # the later format wins over a typed-in one
    if "dataValidation" in fields:
        sheet.validations.append(RangeRule(box, data.get("dataValidation")))
    per_cell = {k: v for k, v in fields.items() if k in ("userEnteredValue", "note")}
    if per_cell:
        for r in range(box.row0, box.row1 + 1):
            for c in range(box.col0, box.col1 + 1):
                _write_cell(sheet, r, c, data, per_cell)
    return {}


def _set_data_validation(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    sheet = _sheet(ss, (p.get("range") or {}).get("sheetId"))
    box = _box(sheet, p.get("range") or {})
    rule = p.get("rule")
    if rule is not None and not (rule.get("condition") or {}).get("type"):
        raise bad_request("A data validation rule needs a condition with a type.")
    if box is not None:
        check_editable(ss, sheet, box, email)
        sheet.validations.append(RangeRule(box, copy.deepcopy(rule)))
    return {}


def _drop_nulls(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _drop_nulls(v) for k, v in data.items() if v is not None}
    return data


def _add_protected_range(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    protected = _drop_nulls(copy.deepcopy(p.get("protectedRange") or {}))
    grid_range = protected.get("range")
    if not isinstance(grid_range, dict):
        raise bad_request("A protected range needs a 'range'.")
    sheet = _sheet(ss, grid_range.get("sheetId"))
    _box(sheet, grid_range)
    protected["protectedRangeId"] = ss.next_protected_range_id
    ss.next_protected_range_id += 1
    if protected.get("warningOnly"):
        protected.pop("editors", None)
        can_edit = True
    else:
        editors = protected.setdefault("editors", {})
        users = list(editors.get("users") or [])
        if ss.owner and ss.owner not in users:
            users.append(ss.owner)  # Google always keeps the owner as an editor
        editors["users"] = users
        can_edit = email.lower() in {u.lower() for u in users}
    protected["requestingUserCanEdit"] = can_edit
    sheet.protected_ranges.append(protected)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}


def _delete_protected_range(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    wanted = int(p.get("protectedRangeId") or 0)
    for sheet in ss.sheets:
        for protected in sheet.protected_ranges:
            if protected.get("protectedRangeId") == wanted:
                sheet.protected_ranges.remove(protected)
                return {}
    raise bad_request(f"No protected range with id: {wanted}")


def _merge_cells(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    """mergeCells: as on Google, the merged range keeps only its top-left cell's value, and a
    merge may not overlap another."""
    grid_range = p.get("range") or {}
    sheet = _sheet(ss, grid_range.get("sheetId"))
    box = _box(sheet, grid_range)
    if box is None:
        raise bad_request("The range to merge is empty.")
    check_editable(ss, sheet, box, email)
    kind = p.get("mergeType") or "MERGE_ALL"
    if kind == "MERGE_ALL":
        boxes = [box]
    elif kind == "MERGE_ROWS":
        boxes = [GridBox(r, box.col0, r, box.col1) for r in range(box.row0, box.row1 + 1)]
    elif kind == "MERGE_COLUMNS":
        boxes = [GridBox(box.row0, c, box.row1, c) for c in range(box.col0, box.col1 + 1)]
    else:
        raise bad_request(f"Invalid value at 'mergeType': {kind!r}")
    for merge in sheet.merges:
        if _merge_box(sheet, merge).intersects(box):
            raise bad_request("You can't merge cells that are already merged; unmerge them first.")
    for b in boxes:
        if b.rows * b.columns < 2:
            continue
        for r, c, cell in sheet.cells_in(b):
            if (r, c) != (b.row0, b.col0):
                cell.value, cell.formula = None, None
                sheet.drop_if_blank(r, c)
        sheet.merges.append({"sheetId": sheet.sheet_id, "startRowIndex": b.row0, "endRowIndex": b.row1 + 1,
                             "startColumnIndex": b.col0, "endColumnIndex": b.col1 + 1})
    return {}


def _unmerge_cells(ss: Spreadsheet, p: dict[str, Any], email: str) -> dict[str, Any]:
    grid_range = p.get("range") or {}
    sheet = _sheet(ss, grid_range.get("sheetId"))
    box = _box(sheet, grid_range)
    if box is not None:
        sheet.merges = [m for m in sheet.merges if not _merge_box(sheet, m).intersects(box)]
    return {}


def _merge_box(sheet: SheetGrid, merge: dict[str, Any]) -> GridBox:
    found = _box(sheet, merge)
    assert found is not None
    return found


REQUEST_HANDLERS: dict[str, Handler] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "updateSpreadsheetProperties": _update_spreadsheet_properties,
    "appendDimension": _append_dimension,
    "insertDimension": _insert_dimension,
    "deleteDimension": _delete_dimension,
    "updateDimensionProperties": _update_dimension_properties,
    "autoResizeDimensions": _auto_resize_dimensions,
    "updateCells": _update_cells,
    "appendCells": _append_cells,
    "mergeCells": _merge_cells,
    "unmergeCells": _unmerge_cells,
    "repeatCell": _repeat_cell,
    "setDataValidation": _set_data_validation,
    "addProtectedRange": _add_protected_range,
    "deleteProtectedRange": _delete_protected_range,
}
