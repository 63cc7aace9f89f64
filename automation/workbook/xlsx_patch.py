"""Writing an .xlsx file without harm: the package is patched, not re-saved.

A full load and save through a library drops what it does not understand (formulas' cached
results, parts of charts, extensions) and rewrites everything it does. Here every part of
the zip is copied as it was, except the ones the service owns:
- its own sheets (findings, summary), replaced whole;
- its own cell notes (automation.workbook.xlsx_notes);
- the cells it writes (plan- and service-owned columns, appended rows): just those `<c>`
  elements of the sheet's XML are replaced or inserted;
- styles.xml only gains a style it needs (automation.workbook.xlsx_styles);
- docProps/app.xml's sheet list gains a sheet it adds (automation.workbook.xlsx_app).
The new file is written by automation.workbook.xlsx_zip: an untouched part is copied as the
compressed bytes it is.
"""

from __future__ import annotations

import re
import time
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.workbook.base import WorkbookError
from automation.workbook.xlsx_app import app_part, with_sheet
from automation.workbook.xlsx_package import (
    NS_MAIN,
    NS_PKG_REL,
    NS_REL,
    Package,
    SheetPart,
    column_letters,
    column_number,
    damaged,
    resolve,
)
from automation.workbook.xlsx_scan import scan_sheet
from automation.workbook.xlsx_styles import Styles, cell_xml, xml_attr
from automation.workbook.xlsx_zip import ZipWriter

_M = f"{{{NS_MAIN}}}"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*?(/?)>')
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)\d+"[^>]*?(?:/>|>.*?</c>)', re.S)
_STYLE_ATTR = re.compile(rb'\bs="(\d+)"')
_SPANS = re.compile(rb'\s+spans="[^"]*"')


@dataclass(frozen=True)
class Splice:
    """A part as the package holds it with `insert` put in at byte `at`: the writer streams it
    from the old file, so a 100,000-row sheet that gains one element is never held whole."""

    part: str
    at: int
    insert: bytes


class Patch:
    """The parts a run changes, on top of an opened package."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.new: dict[str, bytes | Splice] = {}
        self.dropped: set[str] = set()
        self._styles: Styles | None = None
        self.formula_replaced = False  # a written cell held a formula: the calc chain is stale

    # ------------------------------------------------------------------ parts

    def data(self, name: str) -> bytes:
        new = self.new.get(name)
        if isinstance(new, Splice):
            old = self.pkg.read(name)
            return old[:new.at] + new.insert + old[new.at:]
        return new if new is not None else self.pkg.read(name)

    def exists(self, name: str) -> bool:
        return name in self.new or (name in self.pkg.names and name not in self.dropped)

    def put(self, name: str, data: bytes) -> None:
        self.new[name] = data
        self.dropped.discard(name)

    def changed(self) -> bool:
        if self.dropped & self.pkg.names:
            return True
        for name, data in self.new.items():
            if isinstance(data, Splice) or name not in self.pkg.names:
                return True
            # Size and CRC first: a part that differs is seldom inflated to be compared.
            info = self.pkg.zip.getinfo(name)
            if info.file_size != len(data) or info.CRC != zlib.crc32(data) or self.pkg.read(name) != data:
                return True
        return False

    def free_name(self, pattern: str) -> str:
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def add_rel(self, part: str, kind: str, target_part: str) -> str:
        """A relationship from `part` to `target_part`; returns its id."""
        folder, name = part.rsplit("/", 1)
        rels_name = f"{folder}/_rels/{name}.rels"
        if self.exists(rels_name):
            text = self.data(rels_name).decode("utf-8")
        else:
            text = f'{XML_HEAD}<Relationships xmlns="{NS_PKG_REL}"></Relationships>'
        ids = {int(n) for n in re.findall(r'Id="rId(\d+)"', text)}
        rel_id = f"rId{max(ids, default=0) + 1}"
        target = _relative(folder, target_part)
        rel = f'<Relationship Id="{rel_id}" Type="{REL_TYPE}{kind}" Target="{xml_attr(target)}"/>'
        text = _insert_before(text, "</Relationships>", rel, rels_name)
        self.put(rels_name, text.encode("utf-8"))
        return rel_id

    def content_type(self, part: str, kind: str) -> None:
        name = "[Content_Types].xml"
        text = self.data(name).decode("utf-8")
        if f'PartName="/{part}"' in text:
            return
        text = _insert_before(text, "</Types>", f'<Override PartName="/{xml_attr(part)}" ContentType="{kind}"/>', name)
        self.put(name, text.encode("utf-8"))

    def default_type(self, extension: str, kind: str) -> None:
        name = "[Content_Types].xml"
        text = self.data(name).decode("utf-8")
        if re.search(rf'Extension="{extension}"', text, re.I):
            return
        text = _insert_before(text, "</Types>", f'<Default Extension="{extension}" ContentType="{kind}"/>', name)
        self.put(name, text.encode("utf-8"))

    @property
    def styles(self) -> Styles:
        if self._styles is None:
            self._styles = Styles(self)
        return self._styles

    # ------------------------------------------------------------------ sheets

    def add_sheet(self, title: str) -> SheetPart:
        """A new empty worksheet part at the end of the workbook."""
        part = self.free_name("xl/worksheets/sheet{}.xml")
        self.put(part, f'{XML_HEAD}<worksheet xmlns="{NS_MAIN}"><sheetData/></worksheet>'.encode())
        rel_id = self.add_rel("xl/workbook.xml", "worksheet", part)
        self.content_type(part, CT_SHEET)
        book = self.data("xl/workbook.xml").decode("utf-8")
        ids = [int(n) for n in re.findall(r'<sheet\b[^>]*?\bsheetId="(\d+)"', book)]
        prefix = root_prefix(book, "workbook")
        rid = f'{prefix.group(1)}:id="{rel_id}"' if prefix else f'xmlns:r="{NS_REL}" r:id="{rel_id}"'
        element = f'<sheet name="{xml_attr(title)}" sheetId="{max(ids, default=0) + 1}" {rid}/>'
        if "</sheets>" in book:
            book = book.replace("</sheets>", element + "</sheets>", 1)
        else:
            book = re.sub(r"<sheets\s*/>", "<sheets>" + element + "</sheets>", book, count=1)
        self.put("xl/workbook.xml", book.encode("utf-8"))
        app = app_part(self.pkg)
        if app is not None and (listed := with_sheet(self.data(app), title, [s.title for s in self.pkg.sheets])):
            self.put(app, listed)  # the sheet list file managers show
        sheet = SheetPart(title, part, rel_id)
        self.pkg.sheets.append(sheet)
        return sheet

    def replace_sheet(self, title: str, grid: list[list[Any]]) -> None:
        """The service's own sheet, written whole: a header row in bold, a frozen first row and
        a filter. A person's column widths and view settings on it are kept."""
        sheet = self.pkg.sheet(title) or self.add_sheet(title)
        old = self.data(sheet.part).decode("utf-8")
        header_style = self.styles.header()
        rows = []
        width = max((len(r) for r in grid), default=0)
        for r, row in enumerate(grid, start=1):
            cells = "".join(
                cell_xml(f"{column_letters(c)}{r}", value, header_style if r == 1 else None, self.styles)
                for c, value in enumerate(row, start=1)
            )
            rows.append(f'<row r="{r}">{cells}</row>')
        views = _element(old, "sheetViews") or (
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        )
        cols = _element(old, "cols") or _fitted_cols(grid)
        last = f"{column_letters(max(width, 1))}{max(len(grid), 1)}"
        autofilter = f'<autoFilter ref="A1:{last}"/>' if grid else ""
        text = (
            f'{XML_HEAD}<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
            f'<dimension ref="A1:{last}"/>{views}<sheetFormatPr defaultRowHeight="15"/>{cols}'
            f'<sheetData>{"".join(rows)}</sheetData>'
            f"{autofilter}"
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            "</worksheet>"
        )
        self.put(sheet.part, text.encode("utf-8"))
        folder, name = sheet.part.rsplit("/", 1)
        rels = f"{folder}/_rels/{name}.rels"
        if self.exists(rels):
            self.dropped.add(rels)  # the old sheet's drawings and notes went with it
            self.new.pop(rels, None)

    def write_cells(self, sheet: SheetPart, writes: dict[tuple[int, int], Any]) -> None:
        """Just these cells of a staff sheet, each `<c>` replaced or inserted in its row."""
        if not writes:
            return
        data = self.data(sheet.part)
        start = data.find(b"<sheetData")
        if start < 0:
            raise WorkbookError(f"{self.pkg.path}: sheet '{sheet.title}' has no cell data part")
        open_end = data.index(b">", start) + 1
        if data[open_end - 2:open_end] == b"/>":  # <sheetData/>
            head, body, tail = data[:start] + b"<sheetData>", b"", b"</sheetData>" + data[open_end:]
        else:
            close = data.index(b"</sheetData>", open_end)
            head, body, tail = data[:open_end], data[open_end:close], data[close:]
        by_row: dict[int, dict[int, Any]] = {}
        for (r, c), value in writes.items():
            by_row.setdefault(r, {})[c] = value
        out = []
        pos = 0
        pending = sorted(by_row)
        i = 0
        for m in _ROW.finditer(body):
            number = int(m.group(1))
            while i < len(pending) and pending[i] < number:
                out.append(body[pos:m.start()])
                pos = m.start()
                out.append(self._row_xml(pending[i], b"", None, by_row[pending[i]]))
                i += 1
            if i < len(pending) and pending[i] == number:
                if m.group(2):  # <row .../>
                    end = m.end()
                    inner = b""
                else:
                    end = body.index(b"</row>", m.end()) + 6
                    inner = body[m.end():end - 6]
                out.append(body[pos:m.start()])
                out.append(self._row_xml(number, inner, m.group(0), by_row[number]))
                pos = end
                i += 1
        out.append(body[pos:])
        while i < len(pending):
            out.append(self._row_xml(pending[i], b"", None, by_row[pending[i]]))
            i += 1
        self.put(sheet.part, head + b"".join(out) + tail)

    def _row_xml(self, number: int, inner: bytes, start_tag: bytes | None, values: dict[int, Any]) -> bytes:
        cells: dict[int, bytes] = {}
        for m in _CELL.finditer(inner):
            cells[column_number(m.group(1).decode())] = m.group(0)
        for c, value in values.items():
            old = cells.get(c)
            style = None
            if old is not None:
                s = _STYLE_ATTR.search(old[: old.index(b">")])
                style = int(s.group(1)) if s else None
                self.formula_replaced |= b"<f" in old
            cells[c] = cell_xml(f"{column_letters(c)}{number}", value, style, self.styles, keep_empty=True).encode()
        if start_tag is None:
            start = f'<row r="{number}">'.encode()
        else:
            start = _SPANS.sub(b"", start_tag)
            if start.endswith(b"/>"):
                start = start[:-2].rstrip() + b">"
        return start + b"".join(cells[c] for c in sorted(cells)) + b"</row>"

    def after_cells(self, sheet: SheetPart) -> tuple[int, bytes]:
        """Where the elements after the cells begin in the sheet part, and those bytes: as the
        read's scan found them for a part the run has not changed; else looked for in it (the
        whole part when it has no plain end of its cells)."""
        if sheet.part not in self.new:
            found = scan_sheet(self.pkg, sheet)
            if found.tail is not None and found.size == self.pkg.zip.getinfo(sheet.part).file_size:
                return found.tail_at, found.tail
        data = self.data(sheet.part)
        for marker in (b"</sheetData>", b"<sheetData/>"):
            i = data.rfind(marker)
            if i >= 0:
                return i + len(marker), data[i + len(marker):]
        return 0, data

    def head(self, sheet: SheetPart) -> bytes:
        """The sheet part up to its cells (the root element and what precedes the cells)."""
        if sheet.part not in self.new:
            found = scan_sheet(self.pkg, sheet)
            if found.head is not None:
                return found.head
        data = self.data(sheet.part)
        i = data.find(b"<sheetData")
        return data[:i] if i >= 0 else data

    def insert(self, name: str, at: int, element: bytes) -> None:
        """`element` put into a part at byte `at`: a part the run has not changed yet is not
        read here but streamed from the old file as it is saved."""
        if name in self.new:
            data = self.data(name)
            self.put(name, data[:at] + element + data[at:])
        else:
            self.new[name] = Splice(name, at, element)
            self.dropped.discard(name)

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """rId -> (type, target part) of a part's relationships, as this patch has them."""
        folder, name = part.rsplit("/", 1)
        rels_name = f"{folder}/_rels/{name}.rels"
        if rels_name not in self.new:
            return self.pkg.rels(part)
        root = ET.fromstring(self.data(rels_name))
        return {rel.get("Id", ""): (rel.get("Type", "").rsplit("/", 1)[-1], resolve(folder, rel.get("Target", "")))
                for rel in root if rel.get("TargetMode") != "External"}

    # ------------------------------------------------------------------ save

    def drop_calc_chain(self) -> None:
        """Excel's list of formula cells, once a formula cell was overwritten with a value: a
        chain naming a cell that holds no formula makes Excel report the file as damaged, and
        Excel rebuilds a missing chain by itself."""
        name = "xl/calcChain.xml"
        if not self.exists(name):
            return
        self.dropped.add(name)
        rels = "xl/_rels/workbook.xml.rels"
        text = self.data(rels).decode("utf-8")
        text = re.sub(r'<Relationship\b[^>]*?Target="(?:/xl/)?calcChain\.xml"[^>]*/>', "", text)
        self.put(rels, text.encode("utf-8"))
        types = "[Content_Types].xml"
        text = self.data(types).decode("utf-8")
        text = re.sub(r'<Override\b[^>]*?PartName="/xl/calcChain\.xml"[^>]*/>', "", text)
        self.put(types, text.encode("utf-8"))

    def save(self, target: Path | str) -> None:
        """The patched package into `target`: parts in their original order, untouched ones
        copied as the compressed bytes they are, then the new ones."""
        if self.formula_replaced:
            self.drop_calc_chain()
        src = self.pkg.zip
        with ZipWriter(target) as out:
            for info in src.infolist():
                if info.filename in self.dropped:
                    continue
                new = self.new.get(info.filename)
                if new is None:
                    if out.copy(src, info):
                        continue
                    new = self.pkg.read(info.filename)  # not where the directory says: written anew
                self._write(out, info, new)
            now = time.localtime(time.time())[:6]
            for name, new in self.new.items():
                if name not in src.NameToInfo:
                    info = zipfile.ZipInfo(name, now)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    self._write(out, info, new)

    def _write(self, out: ZipWriter, info: zipfile.ZipInfo, new: bytes | Splice) -> None:
        if isinstance(new, bytes):
            out.write(info, new, len(new))
        else:
            out.write(info, self._spliced(new), self.pkg.zip.getinfo(new.part).file_size + len(new.insert))

    def _spliced(self, splice: Splice) -> Iterator[bytes]:
        try:
            with self.pkg.zip.open(splice.part) as stream:
                left = splice.at
                while left:
                    chunk = stream.read(min(left, 1 << 22))
                    if not chunk:
                        raise EOFError(splice.part)
                    left -= len(chunk)
                    yield chunk
                yield splice.insert
                while chunk := stream.read(1 << 22):
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise damaged(self.pkg.path, exc) from None


def root_prefix(text: str, root: str) -> re.Match[str] | None:
    """The prefix the root element binds to the relationships namespace (declarations on
    other elements are out of scope for a new child)."""
    start = re.search(rf"<(?:\w+:)?{root}\b[^>]*>", text)
    return re.search(rf'xmlns:(\w+)="{re.escape(NS_REL)}"', start.group(0)) if start else None


# A new service sheet's columns are as wide as what they hold, within these bounds: at the
# default width (8.43) a finding's message showed its first ten letters and nothing else.
MIN_FITTED_WIDTH, MAX_FITTED_WIDTH = 8, 60


def _shown_length(value: Any) -> int:
    """Characters a reader sees across: Thai vowel and tone marks sit above or below a letter."""
    return sum(1 for ch in str(value) if unicodedata.category(ch) != "Mn")


def _fitted_cols(grid: list[list[Any]]) -> str:
    """`<cols>` for a service sheet the service adds: each column fitted to its longest value."""
    width = max((len(r) for r in grid), default=0)
    cols = []
    for c in range(width):
        longest = max((_shown_length(r[c]) for r in grid if c < len(r) and r[c] not in (None, "")), default=0)
        fitted = min(max(longest + 2, MIN_FITTED_WIDTH), MAX_FITTED_WIDTH)
        cols.append(f'<col min="{c + 1}" max="{c + 1}" width="{fitted}" customWidth="1"/>')
    return f"<cols>{''.join(cols)}</cols>" if cols else ""


def _element(text: str, name: str) -> str | None:
    m = re.search(rf"<{name}\b.*?</{name}>|<{name}\b[^>]*/>", text, re.S)
    return m.group(0) if m else None


def _insert_before(text: str, marker: str, element: str, part: str) -> str:
    at = text.rfind(marker)
    if at < 0:
        raise WorkbookError(f"{part}: no {marker}")
    return text[:at] + element + text[at:]


def _relative(folder: str, target: str) -> str:
    import posixpath

    return posixpath.relpath(target, folder)
