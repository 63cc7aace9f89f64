"""The local .xlsx backend: the embedded default, so the product runs offline.

Reading goes through python-calamine and the package's XML (automation.workbook.xlsx_read);
writing patches only the parts the service owns (automation.workbook.xlsx_patch), so that a
run never costs staff a formula's cached result, a chart, a note or a permission bit. Only a
brand-new workbook (init, demo) is made with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import errno
import glob
import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from automation.schema import SheetSchema
from automation.workbook.base import (
    Changes,
    Grid,
    Workbook,
    WorkbookBusy,
    WorkbookError,
    first_cell,
    match_titles,
)
from automation.workbook.xlsx_notes import set_notes
from automation.workbook.xlsx_package import Package, SheetPart, column_letters
from automation.workbook.xlsx_patch import Patch
from automation.workbook.xlsx_read import read_sheets
from automation.workbook.xlsx_scan import SheetScan, scan_sheet
from automation.workbook.xlsx_styles import cell_xml, xml_text

TEMP_PREFIX = ".~automation-"  # the copy a save writes before swapping it in
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass
class _Read:
    """What the last read learnt of the file, for the write that follows it: each sheet's
    scan (merges, where its cells end) and how many rows a person sees in it. Good only
    while the file is the one read (its digest): a person may save it in between."""

    digest: bytes
    scans: dict[str, SheetScan]  # by sheet part
    heights: dict[str, int]  # by sheet part


class XlsxWorkbook(Workbook):
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.label = str(self.path)
        self.api_calls = 0
        self._read: _Read | None = None

    def _digest(self) -> bytes:
        try:
            with open(self.path, "rb") as f:  # streamed: a 70 MB workbook is not held to be hashed
                return hashlib.file_digest(f, "sha256").digest()
        except OSError:
            return b""

    def read(self, titles: list[str]) -> dict[str, Grid]:
        # The digest is taken first: should a save land while the file is read, the write
        # finds another digest and reads again rather than trust what was read here.
        digest = self._digest()
        with Package(self.path) as pkg:
            found = match_titles(titles, [s.title for s in pkg.sheets])
            self.found_titles = {wanted: own for wanted, own in found.items() if wanted != own}
            parts = {wanted: part for wanted, own in found.items() if (part := pkg.sheet(own)) is not None}
            grids = read_sheets(pkg, parts)
            self._read = _Read(digest, dict(pkg.scans), {parts[t].part: len(g) for t, g in grids.items()})
            return grids

    # ------------------------------------------------------------------ write

    def apply(self, changes: Changes) -> None:
        if changes.is_empty():
            return
        # A person may save the file while a run works: their save is never overwritten. The
        # new file replaces the old only if nobody saved in the meantime; otherwise the
        # changes are made again on what they saved.
        for _ in range(3):
            self.check_writable()
            digest = self._digest()
            with Package(self.path) as pkg:
                seen = self._read if self._read is not None and self._read.digest == digest else None
                if seen is not None:  # the file as read: its scans hold, no sheet is scanned again
                    pkg.scans.update(seen.scans)
                patch = Patch(pkg)
                self._change(pkg, patch, changes, seen.heights if seen is not None else {})
                if not patch.changed():
                    return  # the file already says all of it: a repeated run writes nothing
                if self._swap_in(patch.save, expected=digest):
                    return
        raise WorkbookError(f"{self.path}: ไฟล์ถูกแก้ไขอยู่ตลอดระหว่างที่ระบบบันทึก — สั่งใหม่อีกครั้ง (the file kept changing)")

    def _change(self, pkg: Package, patch: Patch, changes: Changes, heights: dict[str, int]) -> None:
        def own(title: str) -> str:  # the sheet's own title, when it is a near miss of ours
            return match_titles([title], [s.title for s in pkg.sheets]).get(title, title)

        def sheet(title: str) -> SheetPart:
            part = pkg.sheet(own(title))
            if part is None:
                raise WorkbookError(f"{self.path}: ไม่พบชีต '{title}' (sheet '{title}' is missing)")
            return part

        for title, grid in changes.replace.items():
            patch.replace_sheet(own(title), grid)
        writes: dict[str, dict[tuple[int, int], Any]] = {}
        for w in changes.cells:
            writes.setdefault(w.sheet, {})[(w.row, w.col)] = w.value
        appends = {t: rows for t, rows in changes.append.items() if rows}
        for title in appends:
            sheet(title)
        for title in writes:
            sheet(title)
        # Cells written are compared with what they show (a repeated run writes nothing): those
        # sheets are read again. Rows are appended after the last row a person sees, known
        # from the read when the file is still the one read.
        again = {*writes, *(t for t in appends if sheet(t).part not in heights)}
        grids = read_sheets(pkg, {t: sheet(t) for t in again})
        for title, rows in appends.items():
            start = (len(grids[title]) if title in grids else heights[sheet(title).part]) + 1
            for r, row in enumerate(rows, start=start):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        writes.setdefault(title, {})[(r, c)] = value
        for title, cells in writes.items():
            grid = grids.get(title, [])  # appended rows only: nothing shows below the last row
            wanted = {cell: v for cell, v in cells.items() if not _shows(grid, cell, v)}
            patch.write_cells(sheet(title), wanted)
        for title, notes in changes.notes.items():
            part = pkg.sheet(own(title))
            if part is None:
                continue
            merges = scan_sheet(pkg, part).merges
            wanted: dict[tuple[int, int], str] = {}
            for n in notes:
                cell = first_cell(n.row, n.col, merges)
                wanted[cell] = f"{wanted[cell]}\n{n.text}" if cell in wanted else n.text
            set_notes(patch, part, wanted)

    def check_writable(self) -> None:
        """Nothing is written to a file open in an office program or marked read-only."""
        lock = office_lock(self.path)
        if lock is not None:
            raise WorkbookBusy(
                f"{self.path}: ไฟล์เปิดอยู่ในโปรแกรม Excel หรือ LibreOffice (พบ {lock.name}) ระบบจึงยังไม่บันทึก "
                "— ปิดไฟล์ใน Excel แล้วสั่งใหม่ (close the file in Excel and run again)"
            )
        if self.path.exists() and not (self.path.stat().st_mode & 0o222 and os.access(self.path, os.W_OK)):
            raise WorkbookBusy(
                f"{self.path}: ไฟล์ตั้งเป็นอ่านอย่างเดียว ระบบจึงยังไม่บันทึก — ปิดไฟล์ใน Excel และให้สิทธิ์แก้ไขไฟล์ "
                "(เอาเครื่องหมายอ่านอย่างเดียวออก) แล้วสั่งใหม่ (the file is read-only)"
            )
        if not os.access(self.path.parent, os.W_OK):
            raise WorkbookBusy(
                f"{self.path}: ระบบไม่มีสิทธิ์เขียนในโฟลเดอร์ {self.path.parent} — ให้สิทธิ์เขียนโฟลเดอร์นี้แล้วสั่งใหม่ "
                "(the folder is not writable)"
            )

    def _swap_in(self, write: Callable[[str], None], expected: bytes | None = None) -> bool:
        # A crash mid-save must leave the old file whole: write beside it, flush it to disk,
        # then swap. The copy is hidden and not named .xlsx, so a half-written one left by a
        # killed run is never opened by mistake; the next save removes such leftovers once
        # they are an hour old. The new file keeps the old one's permission bits and owner
        # (a shared folder's 0664 stays 0664); a new file follows the umask.
        try:
            fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{self.path.stem}-", suffix=".tmp", dir=self.path.parent)
        except OSError as exc:
            if not _refused(exc):
                raise
            raise self._busy(exc) from None
        os.close(fd)
        try:
            write(tmp)
            try:
                old = self.path.stat()
            except FileNotFoundError:
                old = None
            if old is not None:
                os.chmod(tmp, old.st_mode & 0o7777)
                try:
                    os.chown(tmp, old.st_uid, old.st_gid)
                except OSError:
                    pass  # only the owner's group may be given away by an ordinary user
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            if expected is not None and self._digest() != expected:
                Path(tmp).unlink(missing_ok=True)
                return False  # saved by someone else while we wrote: theirs stays
            self.check_writable()  # opened in Excel while we wrote
            try:
                os.replace(tmp, self.path)
            except OSError as exc:
                if not _refused(exc):
                    raise  # a full disk and the like: the caller reports it as it is
                raise self._busy(exc) from None
            _fsync_folder(self.path.parent)
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

    def _busy(self, exc: OSError) -> WorkbookBusy:
        return WorkbookBusy(
            f"{self.path}: บันทึกไฟล์ไม่ได้ ({exc.strerror or type(exc).__name__}) — ปิดไฟล์ใน Excel "
            "และตรวจสิทธิ์การเขียนโฟลเดอร์ แล้วสั่งใหม่ (the file cannot be written)"
        )

    # ------------------------------------------------------------------ new sheets

    def provision(self, layouts: list[SheetSchema], lang: str = "th") -> list[str]:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            book = openpyxl.Workbook()
            book.remove(book.active)
            for layout in layouts:
                write_layout(book.create_sheet(layout.title), layout, lang)
            self._swap_in(book.save)
            return [layout.title for layout in layouts]
        self.check_writable()
        with Package(self.path) as pkg:
            added = [layout for layout in layouts if pkg.sheet(layout.title) is None]
            if not added:
                return []
            patch = Patch(pkg)
            for layout in added:
                part = patch.add_sheet(layout.title)
                patch.put(part.part, layout_sheet_xml(layout, lang, patch.styles.header()).encode("utf-8"))
            self._swap_in(patch.save, expected=None)
        return [layout.title for layout in added]


def office_lock(path: Path) -> Path | None:
    """The lock file an office program keeps beside a workbook it has open: Excel's owner file
    (~$ plus the name, whose first two letters Excel drops for a long name) or LibreOffice's."""
    folder, name = path.parent, path.name
    for candidate in (f"~${name}", f"~${name[2:]}", f".~lock.{name}#"):
        lock = folder / candidate
        if lock.exists():
            return lock
    return None


def _refused(exc: OSError) -> bool:
    """Was the write refused (permissions, a read-only or locked file), rather than failed?"""
    return isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.ETXTBSY, errno.EBUSY)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _shows(grid: Grid, cell: tuple[int, int], value: Any) -> bool:
    """Does the cell already hold this value (so a repeated run writes nothing)?"""
    r, c = cell
    old = grid[r - 1][c - 1] if r <= len(grid) and c <= len(grid[r - 1]) else None
    if value is None or value == "":
        return old is None or old == ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return type(old) is type(value) and old == value


def layout_sheet_xml(layout: SheetSchema, lang: str, header_style: int | None) -> str:
    """A staff sheet added to an existing workbook: headers, widths, a frozen header row and
    dropdowns for choice columns, as `write_layout` lays out a new workbook."""
    from automation.workbook.xlsx_package import NS_MAIN

    headers = "".join(
        cell_xml(f"{column_letters(c)}1", col.header(lang), header_style, None)  # type: ignore[arg-type]
        for c, col in enumerate(layout.columns, start=1)
    )
    cols = "".join(
        f'<col min="{c}" max="{c}" width="{col.width}" customWidth="1"/>' for c, col in enumerate(layout.columns, 1)
    )
    rules = []
    for c, col in enumerate(layout.columns, start=1):
        labels = _dropdown(col, lang)
        if labels is not None:
            letter = column_letters(c)
            rules.append(f'<dataValidation type="list" allowBlank="1" showErrorMessage="0" sqref="{letter}2:{letter}5000">'
                         f"<formula1>{xml_text(labels)}</formula1></dataValidation>")
    validations = f'<dataValidations count="{len(rules)}">{"".join(rules)}</dataValidations>' if rules else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS_MAIN}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData><row r="1">{headers}</row></sheetData>'
        f"{validations}</worksheet>"
    )


def _dropdown(col: Any, lang: str) -> str | None:
    """The inline list of a choice column's values, or None when it cannot be one: an inline
    list cannot hold a comma (it would split one value in two) and Excel takes at most 255
    characters; beyond that, findings still name a wrong value."""
    names = [ch.label(lang).replace('"', "'") for ch in col.choices]
    if col.type != "choice" or not names or any("," in n for n in names):
        return None
    labels = ",".join(names)
    return f'"{labels}"' if len(labels) <= 250 else None


def write_layout(sheet: Any, layout: SheetSchema, lang: str = "th") -> None:
    """Headers, widths, a frozen header row and dropdowns for choice columns."""
    for c, col in enumerate(layout.columns, start=1):
        cell = sheet.cell(1, c, col.header(lang))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(c)].width = col.width
        labels = _dropdown(col, lang)
        if labels is not None:
            rule = DataValidation(type="list", formula1=labels, allow_blank=True)
            rule.showErrorMessage = False  # warn through findings, never block staff
            letter = get_column_letter(c)
            rule.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
