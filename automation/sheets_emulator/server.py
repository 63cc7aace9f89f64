"""The loopback HTTP server: OAuth token endpoint, Sheets v4 routes, fault injection, the
call log, the Python API (`SheetsEmulator`) and the command line (`main`).

All state sits behind one lock; every request holds it while it reads or changes the store.
"""

from __future__ import annotations

import argparse
import base64
import collections
import copy
import datetime as dt
import json
import logging
import os
import re
import secrets
import select
import socket
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote

import automation.sheets_emulator.api as api
from automation.sheets_emulator.grid import (
    ApiError,
    GridBox,
    RangeRule,
    SheetGrid,
    Spreadsheet,
    apply_field_mask,
    date_serial,
    hyperlink_formula,
    new_sheet_id,
    new_spreadsheet_id,
    type_input,
)

log = logging.getLogger("automation.sheets_emulator")

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
READ_SCOPES = {
    SHEETS_SCOPE, f"{SHEETS_SCOPE}.readonly", "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/drive.readonly", "https://www.googleapis.com/auth/drive.file",
}
WRITE_SCOPES = {SHEETS_SCOPE, "https://www.googleapis.com/auth/drive",
                "https://www.googleapis.com/auth/drive.file"}
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME = 3599
DEFAULT_OWNER = "office-owner@example.com"
DEMO_TITLE = "ITA demo (emulator)"
DEFAULT_EMAIL = "svc@demo.iam.gserviceaccount.com"

MISSING_CREDENTIALS = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project.")
INVALID_CREDENTIALS = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project.")
FAULT_MESSAGES = {
    408: "The request timed out. Please try again.",
    429: ("Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per "
          "minute per user' of service 'sheets.googleapis.com' for consumer "
          "'project_number:000000000000'."),
    500: "Internal error encountered.",
    502: "Bad Gateway.",
    503: "The service is currently unavailable.",
    504: "Deadline exceeded.",
}

# The spreadsheet properties Google answers for a new file (copied from the recordings).
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM", "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10,
                   "bold": False, "italic": False, "strikethrough": False, "underline": False,
                   "foregroundColorStyle": {"rgbColor": {}}},
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
THEME_COLORS = [
    ("TEXT", {}), ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
]


def default_properties(title: str, locale: str, time_zone: str) -> dict[str, Any]:
    return {
        "title": title, "locale": locale, "autoRecalc": "ON_CHANGE", "timeZone": time_zone,
        "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
        "spreadsheetTheme": {"primaryFontFamily": "Arial", "themeColors": [
            {"colorType": kind, "color": {"rgbColor": dict(rgb)}} for kind, rgb in THEME_COLORS]},
    }


class Call(NamedTuple):
    """One request as the emulator saw it; `path` is percent-decoded, without the query.
    `body` holds the top-level scalar fields of a JSON body (`valueInputOption` ...): enough
    to check how a write was asked for, without keeping every value written."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: dict[str, Any] = {}

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class FaultRule:
    """A planned failure. `match` is a substring of "METHOD /path" (decoded or as sent);
    None matches every Sheets API request (/v4/...) but not /token. A rule with `status`
    answers that error (Google's body, plus Retry-After when given); `drop` closes the
    socket without an answer; `delay` waits first. Faulted requests change nothing unless
    `commit` is set, which applies the request and then fails it: the "write happened but
    the answer was lost" case. `cut` applies the request and sends half of the answer before
    closing the socket: a connection that drops mid-answer. A delay-only rule is a slow but
    normal answer; if the client has given up by then, the request is not applied."""

    match: str | None = None
    status: int | None = None
    retry_after: float | None = None
    drop: bool = False
    delay: float = 0.0
    times: int = 1
    commit: bool = False
    cut: bool = False

    def __post_init__(self) -> None:
        if self.status is not None and not 400 <= int(self.status) <= 599:
            raise ValueError(f"fault status must be an HTTP error code, not {self.status}")
        if self.times < 1 or self.delay < 0:
            raise ValueError("fault times must be >= 1 and delay >= 0")
        if self.status is None and not self.drop and not self.delay and not self.cut:
            raise ValueError("a fault needs a status, drop=True, cut=True or a delay")

    def matches(self, method: str, path: str, raw_path: str) -> bool:
        if self.match is None:
            return path.startswith("/v4/")
        return self.match in f"{method} {path}" or self.match in f"{method} {raw_path}"


@dataclass
class IssuedToken:
    email: str
    scopes: frozenset[str]
    expires_at: float


class Answer(NamedTuple):
    status: int
    body: Any
    headers: dict[str, str]


def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class SheetsEmulator:
    """A Google Sheets API v4 stand-in on loopback. Use as a context manager or call
    start()/stop(); point gspread at `url` (see automation.gsheets_transport) and make keys
    with `write_service_account_key`, whose token_uri is this emulator's /token."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 state_path: str | Path | None = None):
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.public_keys: dict[str, str] = {}  # client_email -> PEM; verified when present
        self._tokens: dict[str, IssuedToken] = {}
        self._faults: list[FaultRule] = []
        self._calls: list[Call] = []
        self._answering = 0.0  # seconds spent answering API requests (see answering_seconds)
        self.state_path = Path(state_path) if state_path else None
        if self.state_path and self.state_path.exists():
            self._load_state(json.loads(self.state_path.read_text(encoding="utf-8")))
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.emulator = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    # -- lifecycle
    def start(self) -> SheetsEmulator:
        if self._thread is None:
            # A short poll interval keeps stop() quick; the loop is idle otherwise.
            self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                            name="sheets-emulator", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._server.server_address[0]}:{self.port}"

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    # -- spreadsheets
    def create_spreadsheet(self, title: str = "Untitled spreadsheet",
                           sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                           shared_with: Iterable[str] = (), spreadsheet_id: str | None = None,
                           *, owner: str | None = DEFAULT_OWNER, locale: str = "en_US",
                           time_zone: str = "Etc/GMT") -> str:
        """A spreadsheet like one made in Drive: "Sheet1" (sheetId 0, 1000 x 26) unless
        `sheets` names the tabs. Values are stored as RAW input (text stays text); dates and
        datetimes become day serials with a date format. Returns the spreadsheet id."""
        with self.lock:
            sid = spreadsheet_id or new_spreadsheet_id()
            if sid in self.spreadsheets:
                raise ValueError(f"spreadsheet {sid} already exists")
            ss = Spreadsheet(sid, default_properties(title, locale, time_zone),
                             shared_with={e for e in shared_with}, owner=owner)
            for i, (sheet_title, rows) in enumerate((sheets or {"Sheet1": []}).items()):
                sheet_id = 0 if i == 0 else new_sheet_id({s.sheet_id for s in ss.sheets})
                height = max(1000, len(rows))
                width = max([26, *(len(row) for row in rows)])
                sheet = SheetGrid.new(sheet_id, sheet_title, i, height, width)
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        _store_plain(sheet, r, c, value)
                ss.sheets.append(sheet)
            self.spreadsheets[sid] = ss
            self._changed()
            return sid

    def delete_spreadsheet(self, spreadsheet_id: str) -> None:
        with self.lock:
            self.spreadsheets.pop(spreadsheet_id, None)
            self._changed()

    def share(self, spreadsheet_id: str, email: str) -> None:
        with self.lock:
            self._get(spreadsheet_id).shared_with.add(email)
            self._changed()

    def unshare(self, spreadsheet_id: str, email: str) -> None:
        with self.lock:
            self._get(spreadsheet_id).shared_with.discard(email)
            self._changed()

    def edit_cell(self, spreadsheet_id: str, sheet_title: str, row: int, col: int,
                  value: Any = ..., note: Any = ...) -> None:
        """Change one cell (0-based) the way a person would between API calls: `value` is
        stored as text/number as given (None or "" empties it), `note` replaces the note
        (None or "" removes it). Arguments left out are not touched."""
        with self.lock:
            sheet = self._sheet(spreadsheet_id, sheet_title)
            if value is not ...:
                cell = sheet.cell(row, col)
                cell.value = cell.formula = None
                _store_plain(sheet, row, col, value)
            if note is not ...:
                sheet.cell(row, col).note = note or None
            sheet.drop_if_blank(row, col)
            self._changed()

    def sheet_titles(self, spreadsheet_id: str) -> list[str]:
        with self.lock:
            return [s.title for s in self._get(spreadsheet_id).sheets]

    def values(self, spreadsheet_id: str, sheet_title: str) -> list[list[Any]]:
        """The sheet's values as stored (numbers as numbers, formula cells as their text),
        trimmed like the API: blanks inside are "", trailing blanks and rows dropped."""
        with self.lock:
            sheet = self._sheet(spreadsheet_id, sheet_title)
            return api.read_box(sheet, sheet.full_box(), "ROWS", "UNFORMATTED_VALUE",
                                "SERIAL_NUMBER")

    def notes(self, spreadsheet_id: str, sheet_title: str) -> dict[tuple[int, int], str]:
        """Cell notes by 0-based (row, column)."""
        with self.lock:
            sheet = self._sheet(spreadsheet_id, sheet_title)
            return {k: c.note for k, c in sorted(sheet.cells.items()) if c.note}

    def formulas(self, spreadsheet_id: str, sheet_title: str) -> dict[tuple[int, int], str]:
        """Cells that hold a live formula (written with USER_ENTERED or formulaValue)."""
        with self.lock:
            sheet = self._sheet(spreadsheet_id, sheet_title)
            return {k: c.formula for k, c in sorted(sheet.cells.items()) if c.formula}

    def sheet_properties(self, spreadsheet_id: str, sheet_title: str) -> dict[str, Any]:
        """sheets[].properties as spreadsheets.get answers them."""
        with self.lock:
            return api.sheet_properties_json(self._sheet(spreadsheet_id, sheet_title))

    def data_validations(self, spreadsheet_id: str, sheet_title: str
                         ) -> list[tuple[str, dict[str, Any] | None]]:
        """(A1 range, rule) in the order they were set; rule None means cleared."""
        with self.lock:
            sheet = self._sheet(spreadsheet_id, sheet_title)
            return [(v.box.a1(sheet.title), copy.deepcopy(v.rule)) for v in sheet.validations]

    def formats(self, spreadsheet_id: str, sheet_title: str) -> list[tuple[str, dict[str, Any]]]:
        """repeatCell formats as (A1 range, userEnteredFormat), oldest first."""
        with self.lock:
            sheet = self._sheet(spreadsheet_id, sheet_title)
            return [(f.box.a1(sheet.title), copy.deepcopy(f.rule or {})) for f in sheet.formats]

    def protected_ranges(self, spreadsheet_id: str, sheet_title: str) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self._sheet(spreadsheet_id, sheet_title).protected_ranges)

    def snapshot(self) -> dict[str, Any]:
        """The whole store as JSON-ready data (the --state file's content)."""
        with self.lock:
            return {"spreadsheets": [ss.to_json() for ss in self.spreadsheets.values()],
                    "publicKeys": dict(self.public_keys)}

    # -- faults and the call log
    def inject_fault(self, match: str | None = None, *, status: int | None = None,
                     retry_after: float | None = None, drop: bool = False, delay: float = 0.0,
                     times: int = 1, commit: bool = False, cut: bool = False) -> FaultRule:
        rule = FaultRule(match, status, retry_after, drop, delay, times, commit, cut)
        with self.lock:
            self._faults.append(rule)
        return rule

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    @property
    def faults(self) -> list[FaultRule]:
        with self.lock:
            return [copy.copy(f) for f in self._faults]

    @property
    def calls(self) -> list[Call]:
        with self.lock:
            return list(self._calls)

    @property
    def answering_seconds(self) -> float:
        """Seconds the emulator spent answering API requests (injected delays left out)."""
        with self.lock:
            return self._answering

    def _add_answering(self, seconds: float) -> None:
        with self.lock:
            self._answering += seconds

    def call_count(self, match: str | None = None) -> int:
        """Requests so far whose "METHOD /path" contains `match` (all when None)."""
        with self.lock:
            return sum(1 for c in self._calls if match is None or match in c.label)

    def call_counts(self) -> collections.Counter[str]:
        with self.lock:
            return collections.Counter(c.label for c in self._calls)

    def reset_calls(self) -> None:
        with self.lock:
            self._calls.clear()
            self._answering = 0.0

    # -- credentials
    def issue_token(self, email: str, scopes: Iterable[str] = (SHEETS_SCOPE,)) -> str:
        """An access token for `email` without the JWT dance (for raw HTTP tests)."""
        token = "ya29.emulator-" + secrets.token_urlsafe(24)
        with self.lock:
            self._tokens[token] = IssuedToken(email, frozenset(scopes),
                                              time.time() + TOKEN_LIFETIME)
        return token

    def expire_tokens(self) -> None:
        """Every issued token now answers 401 (google-auth then fetches a new one)."""
        with self.lock:
            self._tokens.clear()

    def register_public_key(self, client_email: str, public_key_pem: str) -> None:
        with self.lock:
            self.public_keys[client_email] = public_key_pem
            self._changed()

    def write_service_account_key(self, path: str | Path, client_email: str) -> Path:
        """Write a Google-style service-account key file (fresh RSA key) whose token_uri
        is this emulator; its public key is registered, so token requests are verified."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        info = {
            "type": "service_account", "project_id": "sheets-emulator",
            "private_key_id": secrets.token_hex(20), "private_key": private_pem,
            "client_email": client_email, "client_id": str(secrets.randbelow(10**21)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "", "universe_domain": "googleapis.com",
        }
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(info, indent=2), encoding="utf-8")
        path.chmod(0o600)
        self.register_public_key(client_email, public_pem)
        return path

    def adopt_service_account_key(self, path: str | Path) -> str:
        """Register the public half of an existing key file; returns its client_email."""
        from cryptography.hazmat.primitives import serialization

        info = json.loads(Path(path).read_text(encoding="utf-8"))
        key = serialization.load_pem_private_key(info["private_key"].encode(), password=None)
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        self.register_public_key(info["client_email"], public_pem)
        return str(info["client_email"])

    def import_xlsx(self, path: str | Path, shared_with: Iterable[str] = (),
                    title: str | None = None, spreadsheet_id: str | None = None) -> str:
        """Load an .xlsx workbook as a new spreadsheet: values (as RAW text/numbers, dates
        as serials), HYPERLINK formulas and links inserted on cells, cell comments as notes,
        frozen header rows, list dropdowns and merges."""
        import openpyxl

        book = openpyxl.load_workbook(path)
        sheets = {ws.title: [] for ws in book.worksheets}
        sid = self.create_spreadsheet(title or Path(path).stem, sheets, shared_with,
                                      spreadsheet_id)
        with self.lock:
            ss = self._get(sid)
            for ws, sheet in zip(book.worksheets, ss.sheets, strict=True):
                sheet.set_size(max(1000, ws.max_row), max(26, ws.max_column))
                for row in ws.iter_rows():
                    for cell in row:
                        if hyperlink_formula(cell.value if isinstance(cell.value, str) else None):
                            sheet.cell(cell.row - 1, cell.column - 1).formula = cell.value
                        else:  # other formulas stay their text: the emulator evaluates none of them
                            _store_plain(sheet, cell.row - 1, cell.column - 1, cell.value)
                        if cell.hyperlink is not None and cell.hyperlink.target:  # a link inserted on the cell
                            seeded = sheet.cell(cell.row - 1, cell.column - 1)
                            seeded.user_format = {**(seeded.user_format or {}),
                                                  "textFormat": {"link": {"uri": cell.hyperlink.target}}}
                        if cell.comment is not None:
                            sheet.cell(cell.row - 1, cell.column - 1).note = cell.comment.text
                if ws.freeze_panes:
                    frozen = int(re.sub(r"^[A-Z]+", "", str(ws.freeze_panes)) or 1) - 1
                    if frozen:
                        sheet.properties["gridProperties"]["frozenRowCount"] = frozen
                _import_dropdowns(ws, sheet)
                for merged in ws.merged_cells.ranges:
                    sheet.merges.append({"sheetId": sheet.sheet_id, "startRowIndex": merged.min_row - 1,
                                         "endRowIndex": merged.max_row, "startColumnIndex": merged.min_col - 1,
                                         "endColumnIndex": merged.max_col})
            self._changed()
        return sid

    # -- internals
    def _get(self, spreadsheet_id: str) -> Spreadsheet:
        ss = self.spreadsheets.get(spreadsheet_id)
        if ss is None:
            raise KeyError(f"no spreadsheet {spreadsheet_id!r} in the emulator")
        return ss

    def _sheet(self, spreadsheet_id: str, title: str) -> SheetGrid:
        sheet = self._get(spreadsheet_id).sheet_by_title(title)
        if sheet is None:
            raise KeyError(f"no sheet {title!r} in spreadsheet {spreadsheet_id!r}")
        return sheet

    def _changed(self) -> None:
        if self.state_path is None:
            return
        data = json.dumps(self.snapshot(), ensure_ascii=False, separators=(",", ":"))
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.state_path.parent, prefix=".sheets-state-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data)
        os.replace(tmp, self.state_path)  # a crash never leaves half a state file

    def _load_state(self, data: dict[str, Any]) -> None:
        self.spreadsheets = {s["spreadsheetId"]: Spreadsheet.from_json(s)
                             for s in data.get("spreadsheets", [])}
        self.public_keys = dict(data.get("publicKeys", {}))

    def _take_fault(self, method: str, path: str, raw_path: str) -> FaultRule | None:
        with self.lock:
            for rule in self._faults:
                if rule.matches(method, path, raw_path):
                    rule.times -= 1
                    if rule.times <= 0:
                        self._faults.remove(rule)
                    return rule
        return None

    def _record(self, method: str, path: str, query: dict[str, list[str]],
                body: bytes = b"") -> None:
        with self.lock:
            self._calls.append(Call(method, path, query, _scalar_fields(body)))

    # -- request handling (called from handler threads)
    def handle(self, method: str, raw_path: str, query: dict[str, list[str]], body: bytes,
               headers: Mapping[str, str]) -> Answer:
        path = unquote(raw_path)
        try:
            if path == "/token":
                if method != "POST":
                    raise ApiError(405, "Method not allowed.")
                return self._token(body)
            if path.startswith("/v4/spreadsheets"):
                return self._sheets(method, raw_path, query, body, headers)
            raise ApiError(404, f"The emulator does not serve {method} {path} "
                                "(only Sheets API v4 and /token; Drive is not emulated).")
        except ApiError as exc:
            extra = {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'} if (
                exc.code == 401) else {}
            return Answer(exc.code, exc.body(), extra)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # A body of the wrong shape (a string where a list belongs ...): Google says 400.
            return Answer(400, ApiError(400, f"Invalid JSON payload received. {exc!r}").body(), {})
        except Exception as exc:  # an emulator bug: answer 500 rather than drop the socket
            log.exception("emulator failure on %s %s", method, path)
            return Answer(500, ApiError(500, f"Emulator failure: {exc!r}").body(), {})

    def _token(self, body: bytes) -> Answer:
        def refuse(error: str, description: str) -> Answer:
            return Answer(400, {"error": error, "error_description": description}, {})

        form = parse_qs(body.decode("utf-8", "replace"))
        grant = (form.get("grant_type") or [""])[0]
        if grant != JWT_GRANT:
            return refuse("unsupported_grant_type", f"Invalid grant_type: {grant}")
        assertion = (form.get("assertion") or [""])[0]
        try:
            head_b64, payload_b64, signature_b64 = assertion.split(".")
            header = json.loads(_b64url_decode(head_b64))
            claims = json.loads(_b64url_decode(payload_b64))
            signature = _b64url_decode(signature_b64)
        except (ValueError, json.JSONDecodeError):
            return refuse("invalid_grant", "Invalid JWT: the assertion is not a signed JWT.")
        if header.get("alg") != "RS256" or not isinstance(claims, dict) or not claims.get("iss"):
            return refuse("invalid_grant", "Invalid JWT: RS256 and an 'iss' claim are required.")
        now = time.time()
        iat, exp = claims.get("iat"), claims.get("exp")
        if (not isinstance(iat, int | float) or not isinstance(exp, int | float)
                or exp < now or iat > now + 300 or exp - iat > 3600):
            return refuse("invalid_grant",
                          "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                          "reasonable timeframe. Check your iat and exp values in the JWT claim.")
        with self.lock:
            public_pem = self.public_keys.get(claims["iss"])
        if public_pem is not None and not _signature_ok(public_pem, assertion, signature):
            return refuse("invalid_grant", "Invalid JWT Signature.")
        scopes = str(claims.get("scope") or "").split()
        if not scopes:
            return refuse("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        # With domain-wide delegation ("sub") the caller is the impersonated user.
        token = self.issue_token(str(claims.get("sub") or claims["iss"]), scopes)
        return Answer(200, {"access_token": token, "expires_in": TOKEN_LIFETIME,
                            "token_type": "Bearer"}, {})

    def _caller(self, method: str, headers: Mapping[str, str]) -> str:
        auth = headers.get("Authorization") or ""
        if not auth.startswith("Bearer "):
            raise ApiError(401, MISSING_CREDENTIALS)
        with self.lock:
            token = self._tokens.get(auth[len("Bearer "):].strip())
        if token is None or token.expires_at < time.time():
            raise ApiError(401, INVALID_CREDENTIALS)
        needed = READ_SCOPES if method == "GET" else WRITE_SCOPES
        if not token.scopes & needed:
            raise ApiError(403, "Request had insufficient authentication scopes.")
        return token.email

    def _sheets(self, method: str, raw_path: str, query: dict[str, list[str]], body: bytes,
                headers: Mapping[str, str]) -> Answer:
        email = self._caller(method, headers)
        payload: dict[str, Any] = {}
        if body.strip():
            try:
                payload = json.loads(body)
            except json.JSONDecodeError as exc:
                raise ApiError(400, f"Invalid JSON payload received. {exc.msg}.") from exc
            if not isinstance(payload, dict):
                raise ApiError(400, "Invalid JSON payload received. Expected an object.")
        rest = raw_path[len("/v4/spreadsheets"):]
        if rest in ("", "/") and method == "POST":
            return Answer(200, self._create_from_api(payload, email), {})
        m = re.match(r"^/([^/:]+)(.*)$", rest)
        if not m:
            raise ApiError(404, "Requested entity was not found.")
        sid, tail = unquote(m.group(1)), m.group(2)
        with self.lock:
            ss = self.spreadsheets.get(sid)
            if ss is None:
                raise ApiError(404, "Requested entity was not found.")
            if not ss.can_access(email):
                raise ApiError(403, "The caller does not have permission")
            answer, changed = self._route(ss, method, tail, query, payload, email)
            if changed:
                self._changed()
        if "fields" in query and not (tail == "" and method == "GET"):
            answer = apply_field_mask(answer, api.field_mask(query))
        return Answer(200, answer, {})

    def _route(self, ss: Spreadsheet, method: str, tail: str, query: dict[str, list[str]],
               payload: dict[str, Any], email: str) -> tuple[dict[str, Any], bool]:
        fixed = {
            ("GET", ""): lambda: (api.get_spreadsheet(ss, query), False),
            ("POST", ":batchUpdate"): lambda: (self._batch_update(ss, payload, email), True),
            ("GET", "/values:batchGet"): lambda: (api.values_batch_get(ss, query), False),
            ("POST", "/values:batchUpdate"): lambda: (
                api.values_batch_update(ss, payload, email), True),
            ("POST", "/values:batchClear"): lambda: (
                api.values_batch_clear(ss, payload, email), True),
        }
        if (method, tail) in fixed:
            return fixed[(method, tail)]()
        if tail.startswith("/values/"):
            range_raw = tail[len("/values/"):]
            for suffix, verb in ((":append", "append"), (":clear", "clear")):
                if range_raw.endswith(suffix) and method == "POST":
                    text = unquote(range_raw[: -len(suffix)])
                    if verb == "append":
                        return api.values_append(ss, text, query, payload, email), True
                    return api.values_clear(ss, text, email), True
            text = unquote(range_raw)
            if method == "GET":
                return api.values_get(ss, text, query), False
            if method == "PUT":
                return api.values_update(ss, text, query, payload, email), True
        raise ApiError(404, "Requested entity was not found.")

    def _batch_update(self, ss: Spreadsheet, payload: dict[str, Any], email: str
                      ) -> dict[str, Any]:
        updated, answer = api.batch_update(ss, payload, email)
        self.spreadsheets[ss.spreadsheet_id] = updated
        return answer

    def _create_from_api(self, payload: dict[str, Any], email: str) -> dict[str, Any]:
        """spreadsheets.create: the caller owns the new file."""
        props = payload.get("properties") or {}
        titles = [(s.get("properties") or {}).get("title") or f"Sheet{i + 1}"
                  for i, s in enumerate(payload.get("sheets") or [{}])]
        sid = self.create_spreadsheet(props.get("title") or "Untitled spreadsheet",
                                      {t: [] for t in titles}, owner=email,
                                      locale=props.get("locale", "en_US"),
                                      time_zone=props.get("timeZone", "Etc/GMT"))
        with self.lock:
            return api.get_spreadsheet(self._get(sid), {})

    def control(self, method: str, path: str, body: bytes) -> Answer:
        """/_emulator/...: faults, calls, spreadsheets and state, without auth (loopback)."""
        payload = json.loads(body) if body.strip() else {}
        if path == "/_emulator/faults":
            if method == "POST":
                rules = payload.get("faults", [payload]) if isinstance(payload, dict) else payload
                try:
                    for rule in rules:
                        self.inject_fault(**rule)
                except (TypeError, ValueError) as exc:
                    return Answer(400, ApiError(400, f"Bad fault rule: {exc}").body(), {})
            elif method == "DELETE":
                self.clear_faults()
            return Answer(200, {"faults": [asdict(f) for f in self.faults]}, {})
        if path in ("/_emulator/calls", "/_emulator/calls:reset"):
            if method in ("DELETE", "POST"):
                self.reset_calls()
            calls = [c._asdict() for c in self.calls]
            return Answer(200, {"calls": calls, "counts": dict(self.call_counts()),
                                "answering_seconds": self.answering_seconds}, {})
        if path == "/_emulator/spreadsheets" and method == "POST":
            sid = self.create_spreadsheet(payload.get("title", "Untitled spreadsheet"),
                                          payload.get("sheets"), payload.get("sharedWith", []),
                                          payload.get("spreadsheetId"))
            return Answer(200, {"spreadsheetId": sid}, {})
        m = re.match(r"^/_emulator/spreadsheets/([^/]+)/share$", path)
        if m and method == "POST":
            try:
                self.share(m.group(1), payload["email"])
            except KeyError as exc:
                return Answer(404, ApiError(404, str(exc)).body(), {})
            return Answer(200, {"spreadsheetId": m.group(1)}, {})
        if path == "/_emulator/state" and method == "GET":
            return Answer(200, self.snapshot(), {})
        return Answer(404, ApiError(404, f"No emulator control at {method} {path}").body(), {})


def _scalar_fields(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    if not isinstance(payload, dict):
        return {}
    return {k: v for k, v in payload.items() if isinstance(v, str | int | float | bool)}


def _signature_ok(public_pem: str, assertion: str, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    signed = assertion.rsplit(".", 1)[0].encode()
    try:
        key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _store_plain(sheet: SheetGrid, row: int, col: int, value: Any) -> None:
    """Seed a cell as RAW input; dates become serials with a date format."""
    if value is None or value == "":
        return
    cell = sheet.cell(row, col)
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        cell.value = date_serial(value.replace(tzinfo=None))
        cell.number_format = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
    elif isinstance(value, dt.date):  # a datetime at midnight is a date (openpyxl's dates)
        cell.value = date_serial(dt.datetime(value.year, value.month, value.day))
        cell.number_format = {"type": "DATE", "pattern": "yyyy-mm-dd"}
    elif isinstance(value, str | int | float | bool):
        cell.value = type_input(value, user_entered=False).value
    else:
        cell.value = str(value)


def _import_dropdowns(ws: Any, sheet: SheetGrid) -> None:
    """openpyxl list validations ("a,b" or a range reference) as ONE_OF_LIST rules."""
    from openpyxl.utils.cell import range_boundaries

    for validation in getattr(ws.data_validations, "dataValidation", []):
        if validation.type != "list" or not validation.formula1:
            continue
        formula = str(validation.formula1)
        if formula.startswith('"'):
            condition = {"type": "ONE_OF_LIST", "values": [
                {"userEnteredValue": v} for v in formula.strip('"').split(",")]}
        else:
            condition = {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "=" + formula}]}
        for ref in str(validation.sqref).split():
            c0, r0, c1, r1 = range_boundaries(ref)
            box = GridBox(r0 - 1, c0 - 1, min(r1, sheet.row_count) - 1,
                          min(c1, sheet.column_count) - 1)
            rule = {"condition": condition, "strict": bool(validation.showErrorMessage),
                    "showCustomUi": True}
            sheet.validations.append(RangeRule(box, rule))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like Google; every answer has a length
    timeout = 120  # idle keep-alive connections do not hold a thread forever
    # One buffered write per answer and no Nagle: otherwise headers and body go out as two
    # segments and the client's delayed ACK costs ~40 ms per request.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server_version = "ESF"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _serve(self) -> None:
        emulator: SheetsEmulator = self.server.emulator  # type: ignore[attr-defined]
        raw_path, _, raw_query = self.path.partition("?")
        path = unquote(raw_path)
        query = parse_qs(raw_query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        method = self.command
        # Google's system parameter: answers are indented unless the caller asks for them bare.
        self._pretty = (query.get("prettyPrint") or ["true"])[-1].lower() != "false"
        if path.startswith("/_emulator/"):
            self._started = None  # control requests are not API work
            try:
                self._send(emulator.control(method, path, body))
            except (json.JSONDecodeError, AttributeError) as exc:
                self._send(Answer(400, ApiError(400, f"Bad control request: {exc}").body(), {}))
            return
        # The emulator's own time answering, counted once the answer is encoded and before it is
        # sent (a client reading the count afterwards sees its request in it); the delay a fault
        # injects is not the emulator's work. A benchmark tells the client's time from it.
        self._started, self._injected = time.perf_counter(), 0.0
        try:
            self._answer(emulator, method, path, raw_path, query, body)
        finally:
            if self._started is not None:  # dropped without an answer: count it now
                emulator._add_answering(time.perf_counter() - self._started - self._injected)
                self._started = None

    def _answer(self, emulator: SheetsEmulator, method: str, path: str, raw_path: str,
                query: dict[str, list[str]], body: bytes) -> None:
        emulator._record(method, path, query, body)
        log.info("%s %s", method, path)
        rule = emulator._take_fault(method, path, raw_path)
        if rule is not None:
            if rule.delay:
                time.sleep(rule.delay)
                self._injected = rule.delay
            if rule.cut:
                self._send(emulator.handle(method, raw_path, query, body, self.headers), cut=True)
                return
            if rule.status is None and not rule.drop:
                if self._peer_gone():  # the client timed out: do not apply the request
                    self.close_connection = True
                    return
            else:
                if rule.commit:
                    emulator.handle(method, raw_path, query, body, self.headers)
                if rule.drop:
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                self._send(_fault_answer(rule, method))
                return
        self._send(emulator.handle(method, raw_path, query, body, self.headers))

    def _peer_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _send(self, answer: Answer, cut: bool = False) -> None:
        if getattr(self, "_pretty", True):
            data = json.dumps(answer.body, ensure_ascii=False, indent=2).encode("utf-8")
        else:
            data = json.dumps(answer.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        started = getattr(self, "_started", None)
        if started is not None:
            self.server.emulator._add_answering(time.perf_counter() - started - self._injected)  # type: ignore[attr-defined]
            self._started = None
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "private")
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if cut:  # the promised length, half of it sent, then the line goes dead
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _fault_answer(rule: FaultRule, method: str) -> Answer:
    status = int(rule.status or 500)
    kind = "Read" if method == "GET" else "Write"
    message = FAULT_MESSAGES.get(status, "Injected fault.").format(kind=kind)
    headers = {}
    if rule.retry_after is not None:
        seconds = float(rule.retry_after)  # whole seconds as HTTP says; fractions for fast tests
        headers["Retry-After"] = str(int(seconds)) if seconds.is_integer() else f"{seconds:g}"
    return Answer(status, ApiError(status, message).body(), headers)


# ---------------------------------------------------------------------------- command line

def _demo_spreadsheet(emulator: SheetsEmulator, email: str) -> str:
    """The service's demo workbook (automation.demo) loaded into a spreadsheet; if that
    module cannot run, empty tabs named as in config/settings.toml."""
    for ss in emulator.spreadsheets.values():
        if ss.title == DEMO_TITLE:
            emulator.share(ss.spreadsheet_id, email)
            return ss.spreadsheet_id
    try:
        from automation.demo import build_demo_workbook
        from automation.settings import load_settings

        settings = load_settings()
        with tempfile.TemporaryDirectory() as tmp:
            book = build_demo_workbook(settings, Path(tmp) / "demo.xlsx")
            return emulator.import_xlsx(book, [email], title=DEMO_TITLE)
    except Exception as exc:  # the demo is a convenience: never block the emulator on it
        log.warning("demo workbook unavailable (%s); creating empty tabs instead", exc)
    titles = ["Sheet1"]
    config = Path(__file__).resolve().parents[2] / "config" / "settings.toml"
    if config.exists():
        import tomllib

        titles = list(tomllib.loads(config.read_text(encoding="utf-8")).get("sheets", {})
                      .values()) or titles
    return emulator.create_spreadsheet(DEMO_TITLE, {t: [] for t in titles}, [email])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m automation.sheets_emulator",
        description="Run a loopback Google Sheets API v4 emulator until Ctrl-C. Point the "
                    "service at it with [gsheets] api_base_url = the printed URL and the "
                    "printed key file as credentials.",
        epilog="example: python -m automation.sheets_emulator --port 8765 --state "
               "state/sheets.json --key-out state/sheets-key.json --create-demo")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    parser.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    parser.add_argument("--state", type=Path, metavar="FILE.json",
                        help="JSON file: loaded at start if present, rewritten on each change")
    parser.add_argument("--key-out", type=Path, metavar="KEY.json",
                        help="write a service-account key file for --email here (an existing "
                             "key file there is reused; default: a file in the temp folder)")
    parser.add_argument("--email", default=DEFAULT_EMAIL,
                        help="service-account e-mail for the key and the demo "
                             f"(default {DEFAULT_EMAIL})")
    parser.add_argument("--create-demo", action="store_true",
                        help="create (or reuse) a demo spreadsheet shared with --email")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(message)s")
    emulator = SheetsEmulator(args.host, args.port, state_path=args.state).start()
    try:
        print(f"Sheets emulator on {emulator.url}  (token endpoint {emulator.token_uri})")
        # Always a key: google-auth fetches tokens from the key file's token_uri, so only a
        # key that names this emulator can log in.
        key = args.key_out or Path(tempfile.gettempdir()) / f"sheets-emulator-{emulator.port}.json"
        email = args.email
        if key.exists():
            info = json.loads(key.read_text(encoding="utf-8"))
            if info.get("token_uri") != emulator.token_uri:
                info["token_uri"] = emulator.token_uri
                key.write_text(json.dumps(info, indent=2), encoding="utf-8")
            email = emulator.adopt_service_account_key(key)
        else:
            emulator.write_service_account_key(key, email)
        print(f"service-account key: {key.resolve()}  ({email})")
        if args.create_demo:
            sid = _demo_spreadsheet(emulator, email)
            print(f"spreadsheet id: {sid}  tabs: {', '.join(emulator.sheet_titles(sid))}")
        for sid, ss in emulator.spreadsheets.items():
            if not args.create_demo or ss.title != DEMO_TITLE:
                print(f"spreadsheet id: {sid}  ({ss.title})")
        if args.create_demo:
            # The whole settings block, ready to paste: without backend = "gsheets" a run
            # would quietly keep using the local .xlsx file.
            print("settings (config/settings.toml):\n"
                  '  [workbook]\n  backend = "gsheets"\n'
                  f'  [gsheets]\n  spreadsheet_id = "{sid}"\n'
                  f'  credentials_file = "{key.resolve()}"\n'
                  f'  api_base_url = "{emulator.url}"')
        else:
            print(f'settings: [gsheets] api_base_url = "{emulator.url}"; spreadsheet_id as above')
        print("Ctrl-C to stop.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0
