"""The workbook interface and the values that cross it (grids, cell writes, notes).

The backends import this module; the package's face (`automation.workbook`) re-exports it
and chooses a backend.

Domain code sees grids of raw cell values and hands back `Changes`; only the backends know
openpyxl or gspread. A backend writes nothing but what `Changes` names: the service's own
sheets, cells of service-owned columns, and the service's own cell notes.
"""

from __future__ import annotations

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
