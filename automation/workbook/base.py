"""The workbook interface and the values that cross it (grids, cell writes, notes).

The backends import this module; the package's face (`automation.workbook`) re-exports it
and chooses a backend.

Domain code sees grids of raw cell values and hands back `Changes`; only the backends know
openpyxl or gspread. A backend writes nothing but what `Changes` names: the service's own
sheets, cells of service-owned columns, and the service's own cell notes.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from automation.schema import SheetSchema

Grid = list[list[Any]]

# Notes the service writes start with this mark, so that it can remove its own notes once a
# problem is fixed and never touch a note a person wrote.
NOTE_MARK = "⚠ ระบบตรวจสอบ: "


class WorkbookError(Exception):
    """The workbook cannot be read or written; the message says what to do."""


class WorkbookMissing(WorkbookError):
    """No file at the configured path."""


class WorkbookBusy(WorkbookError):
    """Open in an office program (its lock file is beside it) or not writable now: nothing
    was written; the scheduled service tries again at its next check."""


class WorkbookUnreadable(WorkbookError):
    """The file is not a workbook the service can read (damaged, encrypted, another format)."""


class WorkbookDamaged(WorkbookUnreadable):
    """A cut-off copy or a broken zip package."""


class WorkbookBadXml(WorkbookUnreadable):
    """Characters no spreadsheet program accepts inside the package's XML."""


class WorkbookEncrypted(WorkbookUnreadable):
    """Saved with a password to open: the file is encrypted."""


class WorkbookLegacy(WorkbookUnreadable):
    """An old .xls (or another program's file) renamed .xlsx."""


class CellError(str):
    """A formula whose result is an error, as the cell shows it ("#REF!", "#N/A", ...).

    A str, so that it prints and compares as the person sees it; its own type, so that
    validation can tell it from text someone typed."""

    __slots__ = ()


# Marks nobody sees on a tab: zero-width spaces and joiners, BOM, soft hyphen, direction marks.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# The tab a Google Form fills is named in the form owner's language.
_FORM_RESPONSES = re.compile(r"^(?:form responses|การตอบแบบฟอร์ม|respuestas de formulario)\s*(\d+)$")


def title_key(title: str) -> str:
    """A sheet title as a person reads it: spacing, case, invisible marks and Thai digits
    ignored; "Form Responses 1" and "การตอบแบบฟอร์ม 1" are the same tab."""
    value = unicodedata.normalize("NFC", title)
    value = _INVISIBLE.sub("", value).replace("\u00a0", " ").translate(_THAI_DIGITS)
    value = re.sub(r"\s+", " ", value).strip().casefold()
    m = _FORM_RESPONSES.match(value)
    return f"form responses {int(m.group(1))}" if m else value


def match_titles(wanted: list[str], titles: list[str]) -> dict[str, str]:
    """Each wanted title -> the workbook's sheet for it: the sheet of that exact title, else
    the only sheet whose title differs just by spacing, case or invisible marks (or is the
    Google Form's English name). Two such sheets match neither: the finding asks which."""
    exact = set(titles)
    by_key: dict[str, list[str]] = {}
    for title in titles:
        by_key.setdefault(title_key(title), []).append(title)
    out = {}
    for title in wanted:
        if title in exact:
            out[title] = title
            continue
        near = [t for t in by_key.get(title_key(title), []) if t not in wanted]
        if len(near) == 1:
            out[title] = near[0]
    return out


def put_links(rows: Grid, links: dict[tuple[int, int], str]) -> None:
    """A link shown as a word ("หลักฐาน") is evidence at its address: the address is the
    cell's value (1-based cells; a cell showing an address or a non-text keeps it). Both
    backends read links through this one rule."""
    for (r, c), url in links.items():
        if r <= len(rows) and c <= len(rows[r - 1]):
            shown = rows[r - 1][c - 1]
            if isinstance(shown, str) and not isinstance(shown, CellError) and "://" not in shown:
                rows[r - 1][c - 1] = url


def fill_merges(rows: Grid, merges: list[tuple[int, int, int, int]]) -> None:
    """A merged range's value belongs to every cell of it (a measure's title merged over its
    steps is each step's measure), within the rows and columns the grid holds. Ranges are
    1-based and inclusive: (first row, first column, last row, last column)."""
    height = len(rows)
    for r1, c1, r2, c2 in merges:
        if r1 > height or c1 > len(rows[r1 - 1]):
            continue
        value = rows[r1 - 1][c1 - 1]
        if value is None or value == "":
            continue
        for r in range(r1, min(r2, height) + 1):
            row = rows[r - 1]
            for c in range(c1, min(c2, len(row)) + 1):
                if row[c - 1] is None or row[c - 1] == "":
                    row[c - 1] = value


def first_cell(row: int, col: int, merges: list[tuple[int, int, int, int]]) -> tuple[int, int]:
    """A note on a merged range sits on its first cell (the others cannot show one)."""
    for r1, c1, r2, c2 in merges:
        if r1 <= row <= r2 and c1 <= col <= c2:
            return r1, c1
    return row, col


ERROR_RESULTS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#ERROR!",
                           "#GETTING_DATA", "#SPILL!", "#CALC!"})


@dataclass(frozen=True)
class CellWrite:
    sheet: str  # sheet title
    row: int  # 1-based, as a person counts rows
    col: int  # 1-based
    value: Any


@dataclass(frozen=True)
class CellNote:
    sheet: str
    row: int
    col: int
    text: str  # without NOTE_MARK; the backend adds it


@dataclass
class Changes:
    """Everything one run writes, applied by the backend in as few calls as it can."""

    replace: dict[str, Grid] = field(default_factory=dict)  # service sheet title -> grid
    cells: list[CellWrite] = field(default_factory=list)  # plan/service-owned cells only
    # For each sheet title listed, the complete set of service notes wanted there now;
    # service notes not in the set are removed. Sheets not listed keep their notes.
    notes: dict[str, list[CellNote]] = field(default_factory=dict)
    # Sheet title -> rows to add after the last row holding data (rows the service owns, such
    # as complaints taken in from a form). The backend finds that row when it writes, not when
    # it read: a row a person added in between is kept and the new rows go below it. The
    # caller makes appends idempotent (each row carries its own key the next read can see).
    append: dict[str, Grid] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.replace or self.cells or self.notes or any(self.append.values()))


class Workbook(ABC):
    """A spreadsheet file or a Google spreadsheet."""

    label: str = "workbook"
    api_calls: int = 0  # remote calls made so far (0 for a local file)
    # Titles the last read() found under a near-miss name: wanted title -> the sheet's own.
    found_titles: dict[str, str] = {}

    @abstractmethod
    def read(self, titles: list[str]) -> dict[str, Grid]:
        """Raw values of the named sheets in one pass; a missing sheet is left out."""

    @abstractmethod
    def apply(self, changes: Changes) -> None:
        """Write all of `changes`, or nothing if it fails."""

    @abstractmethod
    def provision(self, layouts: list[SheetSchema], lang: str = "th") -> list[str]:
        """Add missing sheets with headers, frozen header rows and dropdowns; never touch
        existing data. Returns the titles of the sheets it added."""
