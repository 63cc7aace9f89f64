"""The local .xlsx backend (openpyxl): the embedded default, so the product runs offline."""

from __future__ import annotations

import glob
import hashlib
import os
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from automation.schema import SheetSchema
from automation.workbook.base import NOTE_MARK, Changes, Grid, Workbook, WorkbookError
from automation.workbook.xlsx_package import Package
from automation.workbook.xlsx_read import read_sheets

NOTE_AUTHOR = "automation"
TEMP_PREFIX = ".~automation-"  # the copy a save writes before swapping it in
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _set_text_safe(cell: Any, value: Any) -> None:
    """Write a value as data: text stays text even when it starts with '='."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


class XlsxWorkbook(Workbook):
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.label = str(self.path)
        self.api_calls = 0
        # The workbook read() parsed, with the file's digest then: apply() reuses it unless
        # someone has saved the file since (parsing a 100,000-row file takes tens of seconds).
        self._held: tuple[bytes, openpyxl.Workbook] | None = None

    def _digest(self) -> bytes:
        try:
            return hashlib.sha256(self.path.read_bytes()).digest()
        except OSError:
            return b""

    def _load(self, read_only: bool) -> openpyxl.Workbook:
        if not self.path.is_file():
            raise WorkbookError(
                f"{self.path}: workbook not found; run 'python main.py init --workbook "
                f"{self.path}' or 'python main.py demo' to create one"
            )
        try:
            return openpyxl.load_workbook(self.path, read_only=read_only, data_only=False)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as exc:
            raise WorkbookError(f"{self.path}: not a readable .xlsx file ({exc})") from None

    def read(self, titles: list[str]) -> dict[str, Grid]:
        with Package(self.path) as pkg:
            parts = {t: part for t in titles if (part := pkg.sheet(t)) is not None}
            return read_sheets(pkg, parts)

    def apply(self, changes: Changes) -> None:
        if changes.is_empty():
            return
        # A person may save the file while a run works: their save is never overwritten. The
        # workbook is the one read() parsed only if the file is still byte for byte the same,
        # and the new file replaces the old only if nobody saved in the meantime; otherwise
        # the changes are made again on what they saved.
        for _ in range(3):
            digest = self._digest()
            held, self._held = self._held, None
            book = held[1] if held is not None and held[0] == digest else self._load(read_only=False)
            if not self._change(book, changes):
                return  # the file already says all of it: a repeated run writes nothing
            if self._save_atomically(book, expected=digest):
                return
        raise WorkbookError(f"{self.path}: the file kept changing while the service saved it; run again")

    def _change(self, book: openpyxl.Workbook, changes: Changes) -> bool:
        """Make `changes` in `book`; False when it already held all of them."""
        changed = False
        for title, grid in changes.replace.items():
            if title not in book.sheetnames or not _same_values(book[title], grid):
                self._replace_sheet(book, title, grid)
                changed = True
        for write in changes.cells:
            if write.sheet not in book.sheetnames:
                raise WorkbookError(f"{self.path}: sheet '{write.sheet}' is missing")
            cell = book[write.sheet].cell(write.row, write.col)
            if type(cell.value) is not type(write.value) or cell.value != write.value:
                _set_text_safe(cell, write.value)
                changed = True
        for title, notes in changes.notes.items():
            if title in book.sheetnames:
                changed |= self._set_notes(book[title], {(n.row, n.col): n.text for n in notes})
        for title, rows in changes.append.items():
            if not rows:
                continue
            if title not in book.sheetnames:
                raise WorkbookError(f"{self.path}: sheet '{title}' is missing")
            sheet = book[title]
            start = _last_row_with_data(sheet) + 1
            for r, row in enumerate(rows, start=start):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        _set_text_safe(sheet.cell(r, c), value)
            changed = True
        return changed

    def _replace_sheet(self, book: openpyxl.Workbook, title: str, grid: Grid) -> None:
        if title in book.sheetnames:
            sheet = book[title]
            sheet.delete_rows(1, sheet.max_row)
        else:
            sheet = book.create_sheet(title)
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                _set_text_safe(sheet.cell(r, c), value)
        if grid:
            for c in range(1, len(grid[0]) + 1):
                sheet.cell(1, c).font = Font(bold=True)
                sheet.cell(1, c).fill = HEADER_FILL
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(grid[0]))}{max(len(grid), 1)}"

    @staticmethod
    def _set_notes(sheet: Any, wanted: dict[tuple[int, int], str]) -> bool:
        # Remove our own stale notes; a person's note is never touched or covered.
        changed = False
        for row in sheet.iter_rows():
            for cell in row:
                note = getattr(cell, "comment", None)
                if note is not None and note.author == NOTE_AUTHOR:
                    if (cell.row, cell.column) not in wanted:
                        cell.comment = None
                        changed = True
        for (r, c), text in wanted.items():
            for merged in sheet.merged_cells.ranges:  # a note on a merged range sits on its first cell
                if merged.min_row <= r <= merged.max_row and merged.min_col <= c <= merged.max_col:
                    r, c = merged.min_row, merged.min_col
                    break
            cell = sheet.cell(r, c)
            if cell.comment is not None and cell.comment.author != NOTE_AUTHOR:
                continue
            if cell.comment is not None and cell.comment.text == NOTE_MARK + text:
                continue
            comment = Comment(NOTE_MARK + text, NOTE_AUTHOR)
            comment.width, comment.height = 320, 120
            cell.comment = comment
            changed = True
        return changed

    def _save_atomically(self, book: openpyxl.Workbook, expected: bytes | None = None) -> bool:
        # A crash mid-save must leave the old file whole: write beside it, then swap. The copy
        # is hidden and not named .xlsx, so a half-written one left by a killed run is never
        # opened by mistake; the next save removes such leftovers once they are an hour old.
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{self.path.stem}-", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        try:
            book.save(tmp)
            if expected is not None and self._digest() != expected:
                Path(tmp).unlink(missing_ok=True)
                return False  # saved by someone else while we wrote: theirs stays
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for stale in self.path.parent.glob(f"{TEMP_PREFIX}{glob.escape(self.path.stem)}-*.tmp"):
            try:
                if stale.stat().st_mtime < time.time() - 3600:  # not another process's save in progress
                    stale.unlink()
            except OSError:
                pass
        return True

    def provision(self, layouts: list[SheetSchema], lang: str = "th") -> list[str]:
        if self.path.exists():
            book = self._load(read_only=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            book = openpyxl.Workbook()
            book.remove(book.active)
        added = []
        for layout in layouts:
            if layout.title in book.sheetnames:
                continue
            write_layout(book.create_sheet(layout.title), layout, lang)
            added.append(layout.title)
        if added:
            self._save_atomically(book)
        return added


def _last_row_with_data(sheet: Any) -> int:
    """The last row holding a value (0 for an empty sheet): openpyxl's max_row also counts
    rows that only carry formatting, such as a dropdown laid over rows 2-5000."""
    for r in range(sheet.max_row, 0, -1):
        if any(cell.value not in (None, "") for cell in sheet[r]):
            return r
    return 0


def _same_values(sheet: Any, grid: Grid) -> bool:
    """Does the sheet already hold exactly these values (blank and "" alike)?"""

    def trimmed(rows: Any) -> list[list[Any]]:
        out = [[None if v == "" else v for v in row] for row in rows]
        out = [row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)] for row in out]
        while out and not out[-1]:
            out.pop()
        return out

    return trimmed(sheet.iter_rows(values_only=True)) == trimmed(grid)


def write_layout(sheet: Any, layout: SheetSchema, lang: str = "th") -> None:
    """Headers, widths, a frozen header row and dropdowns for choice columns."""
    for c, col in enumerate(layout.columns, start=1):
        cell = sheet.cell(1, c, col.header(lang))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(c)].width = col.width
        names = [ch.label(lang).replace('"', "'") for ch in col.choices]
        if col.type == "choice" and names and not any("," in n for n in names):
            # An inline list cannot hold a comma (it would split one value in two) and Excel
            # takes at most 255 characters; beyond that, findings still name a wrong value.
            labels = ",".join(names)
            if len(labels) <= 250:
                rule = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
                rule.showErrorMessage = False  # warn through findings, never block staff
                letter = get_column_letter(c)
                rule.add(f"{letter}2:{letter}5000")
                sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
