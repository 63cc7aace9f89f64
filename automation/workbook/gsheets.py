"""The Google Sheets backend, over gspread's HTTP client.

A run costs a fixed handful of calls whatever the number of rows:
read  = one spreadsheets.get (sheet properties and existing notes) + one values:batchGet of
        raw values (unformatted, dates as day serials);
write = one :batchUpdate (grid size, notes, header format) + one values:batchUpdate (RAW),
        each skipped when there is nothing to change, so a repeated run writes nothing.
Every call is retried on 408/429/5xx, time-outs and dropped connections with exponential
backoff and jitter, honouring Retry-After, within a number of attempts and a total deadline
(gspread 6.2.1's own backoff never gives up). Every attempt first waits its turn under the
account's per-minute quota (automation.pacing, `[gsheets] max_requests_per_minute`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import requests
from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_URL, SPREADSHEET_VALUES_BATCH_URL
from gspread.utils import absolute_range_name, rowcol_to_a1

import automation.workbook.gsheets_messages as say
from automation.gsheets_transport import get_json
from automation.pacing import Pacer, shared_pacer
from automation.settings import ConfigError
from automation.workbook.base import (
    NOTE_MARK,
    CellNote,
    CellWrite,
    Changes,
    Grid,
    Workbook,
    WorkbookError,
    first_cell,
    match_titles,
)
from automation.workbook.gsheets_answers import DateCells, grid_from_values, read_metadata

if TYPE_CHECKING:
    from gspread.http_client import HTTPClient

    from automation.schema import SheetSchema
    from automation.settings import Settings

log = logging.getLogger(__name__)
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
RETRYABLE = {408, 429, 500, 502, 503, 504}
# Time-outs and connections that drop before or during the answer (ChunkedEncodingError is
# the answer cut off half-way: it is no ConnectionError).
DROPPED = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
T = TypeVar("T")
# Google indents every answer unless asked not to (the `prettyPrint` system parameter): a
# quarter to two thirds of a large read's bytes are that whitespace.
BARE = {"prettyPrint": "false"}


@dataclass
class RetryPolicy:
    max_attempts: int = 5
    deadline: float = 120.0
    base: float = 0.5
    cap: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Full-jitter exponential backoff, but never sooner than the server asked."""
        backoff = self.rng.uniform(0, min(self.cap, self.base * 2**attempt))
        return max(backoff, retry_after or 0.0)


def _short_auth_error(exc: Exception) -> str:
    """google-auth wraps urllib3's whole retry story into its message: keep the reason."""
    found = _ERRNO.search(str(exc))
    if found:
        return found.group(1).strip()
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:199] + "…"


class SheetsUnavailable(WorkbookError):
    """Google kept failing after every retry; nothing more was written."""


def _retry_after(exc: APIError) -> float | None:
    value = exc.response.headers.get("Retry-After") if exc.response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _status(exc: APIError) -> int:
    """The HTTP status. gspread reports -1 when the answer's body is not JSON (an empty 404
    from a wrong address, an HTML error page from a proxy); the response still has it."""
    code = getattr(exc.response, "status_code", None)
    return code if isinstance(code, int) and code > 0 else exc.code


def _has_google_error(exc: APIError) -> bool:
    return exc.code > 0  # gspread parsed Google's JSON error body


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def _describe(exc: Exception, lang: str = "en") -> str:
    """One short phrase: never the whole request URL with its query, nor urllib3's repr."""
    if isinstance(exc, APIError):
        status = _status(exc)
        if not _has_google_error(exc):
            return say.empty_answer(status, lang)
        return f"HTTP {status} {exc.error.get('status', '')} {exc.error.get('message', '')}".strip()
    if isinstance(exc, requests.Timeout):
        return say.no_answer_in_time(lang)
    if isinstance(exc, requests.ConnectionError):
        found = _ERRNO.search(str(exc))
        reason = found.group(1).strip() if found else "connection failed"
        return say.cannot_connect(_host(exc), reason, lang)
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}"


def _host(exc: requests.RequestException) -> str:
    from urllib.parse import urlsplit

    url = getattr(exc.request, "url", None) or ""
    return urlsplit(url).netloc or "the server"


class GoogleSheetsWorkbook(Workbook):
    def __init__(
        self,
        spreadsheet_id: str,
        http: HTTPClient,
        *,
        client_email: str = "",
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        lang: str = "th",
    ) -> None:
        self.spreadsheet_id = spreadsheet_id
        self.lang = lang  # of the errors a person reads: Thai unless [run] language / --lang says en
        self.http = http
        self.client_email = client_email
        self.retry = retry or RetryPolicy()
        self.pacer = pacer or Pacer(0)  # none given: unpaced (tests, one-off tools)
        self.label = f"Google Sheets {spreadsheet_id}"
        self.api_calls = 0
        self._sheets: dict[str, dict[str, Any]] = {}  # title -> properties
        self._notes: dict[str, dict[tuple[int, int], str]] = {}  # title -> {(row, col): note}
        self._grids: dict[str, Grid] = {}  # title -> rows as last read or written
        self._sizes: dict[str, tuple[int, int]] = {}  # title -> (rows, columns) of a grid let go
        self._dates: dict[str, DateCells] = {}  # title -> cells formatted as dates
        self._merges: dict[str, list[tuple[int, int, int, int]]] = {}  # title -> merged ranges, 1-based
        self._links: dict[str, dict[tuple[int, int], str]] = {}  # title -> {(row, col): link address}

    # ------------------------------------------------------------------ set-up

    @classmethod
    def from_settings(cls, settings: Settings) -> GoogleSheetsWorkbook:
        from automation.gsheets_transport import http_client_for, quiet_offline_auth

        quiet_offline_auth()

        g = settings.gsheets
        if not g.spreadsheet_id:
            raise ConfigError(say.empty_id(settings.source, settings.run.language))
        creds, client_email = service_account(settings)
        http = http_client_for(g.api_base_url or None)(creds)
        http.set_timeout(g.timeout_seconds)
        return cls(
            g.spreadsheet_id,
            http,
            client_email=client_email,
            retry=RetryPolicy(max_attempts=g.max_attempts, deadline=g.deadline_seconds),
            # Google's quota is per account; the loopback emulator has none to respect.
            pacer=shared_pacer(client_email, 0 if g.api_base_url else g.max_requests_per_minute),
            lang=settings.run.language,
        )

    # ------------------------------------------------------------------ calls

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        started = self.retry.clock()
        attempt = 0
        kind = "read" if what.startswith("read") else "write"  # Google's two quotas
        while True:
            self.pacer.acquire(kind)  # every attempt counts against the per-minute quota
            self.api_calls += 1
            log.debug("Google Sheets API call %d: %s", self.api_calls, what)
            try:
                return fn()
            except APIError as exc:
                if _status(exc) not in RETRYABLE:
                    raise self._explain(exc, what) from None
                last: Exception = exc
                wait = self.retry.delay(attempt, _retry_after(exc))
            except DROPPED as exc:
                last, wait = exc, self.retry.delay(attempt, None)
            except Exception as exc:  # google-auth token errors and the like
                raise self._explain(exc, what) from None
            attempt += 1
            spent = self.retry.clock() - started
            if attempt >= self.retry.max_attempts or spent + wait > self.retry.deadline:
                raise SheetsUnavailable(say.gave_up(what, attempt, spent, _describe(last, self.lang),
                                                    isinstance(last, requests.ConnectionError), self.lang))
            # A retry is routine: logged for the service log and --verbose, not as a warning
            # on the terminal (the final line says what happened if every attempt fails).
            log.info("%s failed (%s); retry %d in %.1f s", what, _describe(last), attempt, wait)
            self.retry.sleep(wait)

    def _explain(self, exc: Exception, what: str) -> WorkbookError:
        sid, lang = self.spreadsheet_id, self.lang
        if isinstance(exc, APIError):
            code = _status(exc)
            if code == 404 and not _has_google_error(exc):
                return WorkbookError(say.not_sheets_api(sid, lang))
            if code == 403:
                return WorkbookError(say.not_shared(sid, self.client_email, lang))
            if code == 404:
                return WorkbookError(say.not_found(sid, lang))
            if code == 401:
                return WorkbookError(say.rejected_key(lang))
            return WorkbookError(say.refused(sid, what, _describe(exc, lang), lang))
        name = type(exc).__name__
        if "RefreshError" in name or "TransportError" in name:
            return WorkbookError(say.no_token(_short_auth_error(exc), lang))
        return WorkbookError(say.failed(sid, what, _describe(exc, lang), lang))

    # ------------------------------------------------------------------ read

    def _load_metadata(self) -> None:
        # Notes, and which cells are formatted as dates: UNFORMATTED_VALUE gives a date cell
        # as a bare day serial, and only its format says it is a date (as openpyxl reads it).
        # And links: a =HYPERLINK("url", "หลักฐาน") cell reads as its label, its address is
        # CellData.hyperlink (as is a link inserted on the cell), in this same call.
        fields = (
            "sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount,frozenRowCount)),merges,"
            "data(startRow,startColumn,rowData(values(note,hyperlink,userEnteredFormat(numberFormat(type))))))"
        )
        meta = self._call("read sheet list", lambda: get_json(
            self.http, SPREADSHEET_URL % self.spreadsheet_id, {"includeGridData": "true", "fields": fields, **BARE}))
        sheets = read_metadata(meta)
        self._sheets = {title: m.properties for title, m in sheets.items()}
        self._notes = {title: m.notes for title, m in sheets.items()}
        self._dates = {title: m.dates for title, m in sheets.items()}
        self._merges = {title: m.merges for title, m in sheets.items()}
        self._links = {title: m.links for title, m in sheets.items()}

    def _own(self, title: str) -> str:
        """The spreadsheet's own title for one of ours (a near miss: "มาตรการ ", "Form Responses 1")."""
        return match_titles([title], list(self._sheets)).get(title, title)

    def read(self, titles: list[str]) -> dict[str, Grid]:
        self._load_metadata()
        found = match_titles(titles, list(self._sheets))
        self.found_titles = {wanted: own for wanted, own in found.items() if wanted != own}
        present = [found[t] for t in titles if t in found]
        wanted_for = {own: wanted for wanted, own in found.items()}
        if not present:
            return {}
        params = {"ranges": [absolute_range_name(t) for t in present], "valueRenderOption": "UNFORMATTED_VALUE",
                  "dateTimeRenderOption": "SERIAL_NUMBER", "majorDimension": "ROWS", **BARE}
        answer = self._call("read values", lambda: get_json(
            self.http, SPREADSHEET_VALUES_BATCH_URL % self.spreadsheet_id, params))
        grids = {own: grid_from_values(block, self._dates.get(own, DateCells()), self._merges.get(own, []),
                                       self._links.get(own))
                 for own, block in zip(present, answer.get("valueRanges", []), strict=False)}
        # The tables only read a grid; the rows a write compares against are the same lists
        # (kept by the spreadsheet's own titles, as apply() addresses them).
        self._grids = grids
        return {wanted_for[own]: grid for own, grid in grids.items()}

    # ------------------------------------------------------------------ write

    def apply(self, changes: Changes) -> None:
        if changes.is_empty():
            return
        if not self._sheets:
            self._load_metadata()
        changes = self._on_own_titles(changes)
        requests_: list[dict[str, Any]] = []
        data: list[dict[str, Any]] = []
        for title, grid in changes.replace.items():
            requests_ += self._ensure_sheet(title, len(grid), max((len(r) for r in grid), default=1))
            old = self._grids.get(title)
            if old is not None and _same_grid(old, grid):
                continue  # a repeated run writes nothing
            data.append({"range": absolute_range_name(title, "A1"),
                         "values": _padded(grid, old if old is not None else self._sizes.get(title))})
        for w in changes.cells:
            if w.sheet not in self._sheets:
                raise WorkbookError(say.sheet_missing(self.spreadsheet_id, w.sheet, self.lang))
            requests_ += self._grow(w.sheet, w.row, w.col)
            data.append({"range": absolute_range_name(w.sheet, rowcol_to_a1(w.row, w.col)),
                         "values": [[_raw(w.value)]]})  # fmt: skip
            if isinstance(w.value, dt.date) and not self._is_date_cell(w.sheet, w.row, w.col):
                # RAW writes a date as its day serial: the cell shows a date (and reads back
                # as one) only with a date format, as an .xlsx date cell has.
                requests_.append({"updateCells": {
                    "range": {"sheetId": self._sheets[w.sheet]["sheetId"], "startRowIndex": w.row - 1,
                              "endRowIndex": w.row, "startColumnIndex": w.col - 1, "endColumnIndex": w.col},
                    "rows": [{"values": [_cell_data(w.value)]}], "fields": "userEnteredFormat.numberFormat"}})  # fmt: skip
        for title, notes in changes.notes.items():
            requests_ += self._note_requests(title, {(n.row, n.col): NOTE_MARK + n.text for n in notes})
        for title, rows in changes.append.items():
            if not rows:
                continue
            if title not in self._sheets:
                raise WorkbookError(say.sheet_missing(self.spreadsheet_id, title, self.lang))
            # appendCells rides in the same :batchUpdate: Google finds the last row with data
            # when it applies it (a row a person adds meanwhile is kept), adds grid rows as
            # needed, and applies the whole batch or nothing.
            requests_.append({"appendCells": {
                "sheetId": self._sheets[title]["sheetId"],
                "rows": [{"values": [_cell_data(v) for v in row]} for row in rows],
                "fields": "userEnteredValue,userEnteredFormat.numberFormat"}})  # fmt: skip
        if requests_:
            appended = {t: rows for t, rows in changes.append.items() if rows}
            sent = [0]

            def update() -> Any:
                # appendCells is not idempotent: when an earlier attempt's answer was lost the
                # batch may have been applied, and sending it again would add the rows twice.
                # The batch is atomic, so if the rows are there, all of it is.
                sent[0] += 1
                if sent[0] > 1 and appended and self._rows_present(appended):
                    return {}
                return self.http.batch_update(self.spreadsheet_id, {"requests": requests_})

            self._call("update sheets and notes", update)
        if data:
            self._call("write values", lambda: self.http.values_batch_update(
                self.spreadsheet_id, {"valueInputOption": "RAW", "data": data}))  # fmt: skip
        # Kept for a later apply: the grids just written, whole; of the other sheets only their
        # size (a later replace still blanks what they held beyond it). The staff sheets'
        # 100,000s of rows are the run's tables' own lists: a workbook its caller keeps must
        # not hold them past the run (nor make the collector look at them once more).
        for title, rows in self._grids.items():
            if title not in changes.replace:
                self._sizes[title] = (len(rows), max(map(len, rows), default=0))
        self._grids = {title: [list(r) for r in grid] for title, grid in changes.replace.items()}

    def _is_date_cell(self, title: str, row: int, col: int) -> bool:
        return (row - 1, col - 1) in self._dates.get(title, DateCells())

    def _rows_present(self, appended: dict[str, Grid]) -> bool:
        """Are all these rows in their sheets now? (One values:batchGet, on a retry only.)"""
        self.pacer.acquire("read")
        self.api_calls += 1
        titles = list(appended)
        answer = self.http.values_batch_get(
            self.spreadsheet_id, [absolute_range_name(t) for t in titles],
            params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER", **BARE})

        def trimmed(row: list[Any]) -> tuple[Any, ...]:
            values = [_raw(v) for v in row]
            while values and values[-1] == "":
                values.pop()
            return tuple(values)

        for title, block in zip(titles, answer.get("valueRanges", []), strict=False):
            there = {trimmed(r) for r in block.get("values", [])}
            if not all(trimmed(r) in there for r in appended[title]):
                return False
        return len(answer.get("valueRanges", [])) == len(titles)

    def _on_own_titles(self, changes: Changes) -> Changes:
        """The changes addressed to the spreadsheet's own sheet titles (near misses resolved),
        notes on a merged range moved to its first cell."""
        notes: dict[str, list[CellNote]] = {}
        for title, wanted in changes.notes.items():
            own = self._own(title)
            merges = self._merges.get(own, [])
            placed: dict[tuple[int, int], str] = {}
            for n in wanted:
                cell = first_cell(n.row, n.col, merges)
                placed[cell] = f"{placed[cell]}\n{n.text}" if cell in placed else n.text
            notes[own] = [CellNote(own, r, c, text) for (r, c), text in placed.items()]
        return Changes(
            replace={self._own(t): g for t, g in changes.replace.items()},
            cells=[CellWrite(self._own(w.sheet), w.row, w.col, w.value) for w in changes.cells],
            notes=notes,
            append={self._own(t): rows for t, rows in changes.append.items()},
        )

    def _ensure_sheet(self, title: str, rows: int, cols: int) -> list[dict[str, Any]]:
        if title in self._sheets:
            return self._grow(title, rows, cols)
        sheet_id = max((p["sheetId"] for p in self._sheets.values()), default=0) + 1
        props = {
            "sheetId": sheet_id,
            "title": title,
            "index": len(self._sheets),
            "gridProperties": {"rowCount": max(rows, 100), "columnCount": max(cols, 12),
                               "frozenRowCount": 1},
        }  # fmt: skip
        self._sheets[title] = props
        self._notes[title] = {}
        return [{"addSheet": {"properties": props}}, _bold_header(sheet_id, cols)]

    def _grow(self, title: str, rows: int, cols: int) -> list[dict[str, Any]]:
        """Google refuses to write past a sheet's grid, so make room first."""
        props = self._sheets[title]
        grid = props.setdefault("gridProperties", {})
        out = []
        if rows > grid.get("rowCount", 1000):
            out.append({"appendDimension": {"sheetId": props["sheetId"], "dimension": "ROWS",
                                            "length": rows - grid.get("rowCount", 1000)}})  # fmt: skip
            grid["rowCount"] = rows
        if cols > grid.get("columnCount", 26):
            out.append({"appendDimension": {"sheetId": props["sheetId"], "dimension": "COLUMNS",
                                            "length": cols - grid.get("columnCount", 26)}})  # fmt: skip
            grid["columnCount"] = cols
        return out

    def _note_requests(self, title: str, wanted: dict[tuple[int, int], str]) -> list[dict[str, Any]]:
        if title not in self._sheets:
            return []
        current = self._notes.get(title, {})
        sheet_id = self._sheets[title]["sheetId"]
        out = []
        for (r, c), note in sorted(current.items()):
            if note.startswith(NOTE_MARK) and (r, c) not in wanted:
                out.append(_note(sheet_id, r, c, ""))  # our note, problem fixed: remove it
        for (r, c), note in sorted(wanted.items()):
            existing = current.get((r, c))
            if existing == note or (existing and not existing.startswith(NOTE_MARK)):
                continue  # unchanged, or a person's note we must not cover
            out += self._grow(title, r, c)
            out.append(_note(sheet_id, r, c, note))
        self._notes[title] = {k: v for k, v in current.items() if not v.startswith(NOTE_MARK)}
        self._notes[title].update({k: v for k, v in wanted.items() if k not in self._notes[title]})
        return out

    # ------------------------------------------------------------------ provision

    def provision(self, layouts: list[SheetSchema], lang: str = "th") -> list[str]:
        """Add the missing sheets (headers, frozen header row, widths, dropdowns, the service's
        sheets protected with a warning) and give the sheets already there what they lack
        of that: a frozen header row, headers on a sheet that is still empty, dropdowns on
        choice columns that have none, the warning on a service sheet. Never a value or a
        validation someone set."""
        self._load_metadata()
        requests_: list[dict[str, Any]] = []
        data: list[dict[str, Any]] = []
        added = []
        existing = self._first_rows([layout.title for layout in layouts if layout.title in self._sheets])
        for layout in layouts:
            headers = layout.headers(lang)
            if layout.title in self._sheets:
                header, ruled, protected, empty = existing[layout.title]
                requests_ += self._complete_sheet(layout, lang, header, ruled, protected)
                if empty:  # a tab made by hand and left blank: it gets the headers
                    data.append({"range": absolute_range_name(layout.title, "A1"), "values": [headers]})
                continue
            requests_ += self._ensure_sheet(layout.title, 1000, len(headers))
            sheet_id = self._sheets[layout.title]["sheetId"]
            for c, col in enumerate(layout.columns):
                if col.type == "choice" and col.choices:
                    requests_.append(_dropdown(sheet_id, c, [ch.label(lang) for ch in col.choices]))
                requests_.append({"updateDimensionProperties": {
                    "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
                    "properties": {"pixelSize": col.width * 7}, "fields": "pixelSize"}})  # fmt: skip
            if layout.owner == "service":
                requests_.append(_warning_protection(sheet_id))
            data.append({"range": absolute_range_name(layout.title, "A1"), "values": [headers]})
            added.append(layout.title)
        if requests_:
            self._call("add sheets", lambda: self.http.batch_update(self.spreadsheet_id, {"requests": requests_}))
        if data:
            self._call("write headers", lambda: self.http.values_batch_update(
                self.spreadsheet_id, {"valueInputOption": "RAW", "data": data}))  # fmt: skip
        return added


    def _first_rows(self, titles: list[str]) -> dict[str, tuple[list[Any], list[bool], bool, bool]]:
        """Per existing sheet: its header row, which columns have a rule on row 2, whether it
        is protected, and whether rows 1-2 are blank. One spreadsheets.get (init only)."""
        if not titles:
            return {}
        fields = ("sheets(properties(title),protectedRanges(protectedRangeId),"
                  "data(rowData(values(formattedValue,dataValidation))))")
        meta = self._call("read header rows", lambda: self.http.fetch_sheet_metadata(
            self.spreadsheet_id, params={"ranges": [absolute_range_name(t, "1:2") for t in titles],
                                         "includeGridData": "true", "fields": fields, **BARE}))  # fmt: skip
        out: dict[str, tuple[list[Any], list[bool], bool, bool]] = {t: ([], [], False, True) for t in titles}
        for sheet in meta.get("sheets", []):
            rows = [r.get("values", []) for block in sheet.get("data", []) for r in block.get("rowData", [])]
            header = [cell.get("formattedValue") for cell in (rows[0] if rows else [])]
            ruled = ["dataValidation" in cell for cell in (rows[1] if len(rows) > 1 else [])]
            blank = not any(cell.get("formattedValue") not in (None, "") for row in rows for cell in row)
            out[sheet["properties"]["title"]] = (header, ruled, bool(sheet.get("protectedRanges")), blank)
        return out

    def _complete_sheet(self, layout: SheetSchema, lang: str, header: list[Any], ruled: list[bool],
                        protected: bool) -> list[dict[str, Any]]:
        from automation.schema import match_headers

        props = self._sheets[layout.title]
        sheet_id = props["sheetId"]
        out: list[dict[str, Any]] = []
        if not props.get("gridProperties", {}).get("frozenRowCount"):
            out.append({"updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount"}})  # fmt: skip
        positions = match_headers(layout, header).positions if any(header) else {
            c.key: i for i, c in enumerate(layout.columns)}  # an empty sheet gets the headers
        for col in layout.columns:
            index = positions.get(col.key)
            if col.type == "choice" and col.choices and index is not None and not (
                    index < len(ruled) and ruled[index]):
                out.append(_dropdown(sheet_id, index, [ch.label(lang) for ch in col.choices]))
        if layout.owner == "service" and not protected:
            out.append(_warning_protection(sheet_id))
        return out


def _warning_protection(sheet_id: int) -> dict[str, Any]:
    return {"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": sheet_id}, "warningOnly": True,
        "description": "เขียนโดยระบบตรวจสอบอัตโนมัติ: การแก้ไขจะถูกเขียนทับในรอบถัดไป"}}}  # fmt: skip


def service_account(settings: Settings) -> tuple[Any, str]:
    """Credentials and the account's e-mail, from the key file in settings or the environment.

    Any problem is a ConfigError naming where the key came from and what to do.
    """
    from automation.gsheets_transport import service_account_credentials

    g, lang = settings.gsheets, settings.run.language
    env: str | None = None
    path = None
    try:
        if g.credentials_file:
            path = settings.resolve(g.credentials_file)
            if not path.is_file():
                raise ConfigError(say.key_file_missing(settings.source, str(g.credentials_file), path, lang))
            creds = service_account_credentials(path)
        elif os.environ.get(g.credentials_env):
            env = g.credentials_env
            creds = service_account_credentials(key_json=os.environ[g.credentials_env])
        else:
            raise ConfigError(say.no_credentials(settings.source, g.credentials_env, lang))
    except ValueError as exc:
        raise ConfigError(say.bad_key(settings.source, env, path, exc, lang)) from None
    return creds, creds.service_account_email


def _raw(value: Any) -> Any:
    """A value as the Sheets API takes it with RAW: text stays text, dates become day serials."""

    from automation.thaidate import to_serial

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return to_serial(value.date()) + (value - dt.datetime.combine(value.date(), dt.time())).seconds / 86400
    if isinstance(value, dt.date):
        return to_serial(value)
    if isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def _cell_data(value: Any) -> dict[str, Any]:
    """One appended cell as CellData: text stays text (stringValue is never parsed, so a
    citizen's '=IMPORTXML(...)' is not a formula), dates are serials formatted as dates so
    that the next read gives them back as dates, as from an .xlsx."""

    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, dt.datetime):
        return {"userEnteredValue": {"numberValue": _raw(value)},
                "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm:ss"}}}
    if isinstance(value, dt.date):
        return {"userEnteredValue": {"numberValue": _raw(value)},
                "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "dd/mm/yyyy"}}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def _same_grid(old: Grid, new: Grid) -> bool:
    def norm(grid: Grid) -> list[list[Any]]:
        rows = [[_raw(v) for v in r] for r in grid]
        rows = [r[: max((i + 1 for i, v in enumerate(r) if v != ""), default=0)] for r in rows]
        while rows and not rows[-1]:
            rows.pop()
        return rows

    return norm(old) == norm(new)


def _padded(grid: Grid, old: Grid | tuple[int, int] | None) -> list[list[Any]]:
    """The new grid, with blanks over whatever the old one (or one of that size) had beyond it."""
    old_height, old_width = old if isinstance(old, tuple) else (len(old or []), max(map(len, old or []), default=0))
    width = max([len(r) for r in grid] + [old_width, 1])
    height = max(len(grid), old_height)
    rows = [[_raw(v) for v in r] + [""] * (width - len(r)) for r in grid]
    rows += [[""] * width for _ in range(height - len(grid))]
    return rows


def _note(sheet_id: int, row: int, col: int, text: str) -> dict[str, Any]:
    return {"updateCells": {
        "range": {"sheetId": sheet_id, "startRowIndex": row - 1, "endRowIndex": row,
                  "startColumnIndex": col - 1, "endColumnIndex": col},
        "rows": [{"values": [{"note": text}]}], "fields": "note"}}  # fmt: skip


def _bold_header(sheet_id: int, cols: int) -> dict[str, Any]:
    return {"repeatCell": {
        "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                  "endColumnIndex": cols},
        "cell": {"userEnteredFormat": {"textFormat": {"bold": True},
                                       "backgroundColor": {"red": 0.87, "green": 0.92, "blue": 0.97}}},
        "fields": "userEnteredFormat(textFormat,backgroundColor)"}}  # fmt: skip


def _dropdown(sheet_id: int, col: int, labels: list[str]) -> dict[str, Any]:
    return {"setDataValidation": {
        "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": col, "endColumnIndex": col + 1},
        "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in labels]},
                 "showCustomUi": True, "strict": False}}}  # fmt: skip
