"""Writing an .xlsx file without harm: the package is patched, not re-saved.

A full load and save through a library drops what it does not understand (formulas' cached
results, parts of charts, extensions) and rewrites everything it does. Here every part of
the zip is copied as it was, except the ones the service owns:
- its own sheets (findings, summary), replaced whole;
- its own cell notes: the sheet's comments part and the legacy VML drawing that shows them
  (a person's notes in them are kept as they were, element for element), with the rels and
  content types they need;
- the cells it writes (plan- and service-owned columns, appended rows): just those `<c>`
  elements of the sheet's XML are replaced or inserted;
- styles.xml only gains a style it needs (a date format, the bold header) when none fits.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from html import escape
from pathlib import Path
from typing import Any

from automation.workbook.base import NOTE_MARK, WorkbookError
from automation.workbook.xlsx_package import (
    NS_MAIN,
    NS_PKG_REL,
    NS_REL,
    Package,
    SheetPart,
    column_letters,
    column_number,
    resolve,
)

NOTE_AUTHOR = "automation"
_M = f"{{{NS_MAIN}}}"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
HEADER_FILL = "FFDDEBF7"

_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*?(/?)>')
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)\d+"[^>]*?(?:/>|>.*?</c>)', re.S)
_STYLE_ATTR = re.compile(rb'\bs="(\d+)"')
_SPANS = re.compile(rb'\s+spans="[^"]*"')
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_COMMENT = re.compile(r"<comment\b[^>]*>.*?</comment>|<comment\b[^>]*/>", re.S)
_SHAPE = re.compile(r"<v:shape\b.*?</v:shape>", re.S)
# Elements that follow <legacyDrawing> in a worksheet, in schema order.
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst")


def xml_text(value: str) -> str:
    """Text as XML character data: characters XML forbids become Excel's _xHHHH_ escapes."""
    return escape(_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value), quote=False)


def _attr(value: str) -> str:
    return escape(_ILLEGAL.sub("", value), quote=True)


def to_serial(value: dt.date) -> float:
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return float((value - dt.date(1899, 12, 30)).days)


class Patch:
    """The parts a run changes, on top of an opened package."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.new: dict[str, bytes] = {}
        self.dropped: set[str] = set()
        self._styles: Styles | None = None
        self.formula_replaced = False  # a written cell held a formula: the calc chain is stale

    # ------------------------------------------------------------------ parts

    def data(self, name: str) -> bytes:
        return self.new[name] if name in self.new else self.pkg.read(name)

    def exists(self, name: str) -> bool:
        return name in self.new or (name in self.pkg.names and name not in self.dropped)

    def put(self, name: str, data: bytes) -> None:
        self.new[name] = data
        self.dropped.discard(name)

    def changed(self) -> bool:
        if self.dropped & self.pkg.names:
            return True
        return any(name not in self.pkg.names or self.pkg.read(name) != data for name, data in self.new.items())

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
        rel = f'<Relationship Id="{rel_id}" Type="{REL_TYPE}{kind}" Target="{_attr(target)}"/>'
        text = _insert_before(text, "</Relationships>", rel, rels_name)
        self.put(rels_name, text.encode("utf-8"))
        return rel_id

    def content_type(self, part: str, kind: str) -> None:
        name = "[Content_Types].xml"
        text = self.data(name).decode("utf-8")
        if f'PartName="/{part}"' in text:
            return
        text = _insert_before(text, "</Types>", f'<Override PartName="/{_attr(part)}" ContentType="{kind}"/>', name)
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
        prefix = _root_prefix(book, "workbook")
        rid = f'{prefix.group(1)}:id="{rel_id}"' if prefix else f'xmlns:r="{NS_REL}" r:id="{rel_id}"'
        element = f'<sheet name="{_attr(title)}" sheetId="{max(ids, default=0) + 1}" {rid}/>'
        if "</sheets>" in book:
            book = book.replace("</sheets>", element + "</sheets>", 1)
        else:
            book = re.sub(r"<sheets\s*/>", "<sheets>" + element + "</sheets>", book, count=1)
        self.put("xl/workbook.xml", book.encode("utf-8"))
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

    # ------------------------------------------------------------------ notes

    def set_notes(self, sheet: SheetPart, wanted: dict[tuple[int, int], str]) -> None:
        """The service's notes on a sheet become exactly `wanted`; a person's notes stay as
        they were, and a cell holding one gets no service note."""
        rels = self.pkg.rels(sheet.part) if not self._rels_changed(sheet.part) else self._rels(sheet.part)
        comments_part = next((t for k, t in rels.values() if k == "comments"), None)
        sheet_xml = self.data(sheet.part).decode("utf-8")
        legacy = re.search(r'<legacyDrawing\b[^>]*?\b(?:\w+:)?id="([^"]+)"', sheet_xml)
        vml_part = None
        if legacy and legacy.group(1) in rels and rels[legacy.group(1)][0] == "vmlDrawing":
            vml_part = rels[legacy.group(1)][1]
        authors: list[str] = []
        kept: list[str] = []
        kept_cells: set[tuple[int, int]] = set()
        current: dict[tuple[int, int], str] = {}
        if comments_part and self.exists(comments_part):
            text = self.data(comments_part).decode("utf-8")
            authors = [_unescape(a) for a in re.findall(r"<author>(.*?)</author>", text, re.S)]
            authors += [""] * len(re.findall(r"<author\s*/>", text))
            for raw in _COMMENT.findall(text):
                ref = re.search(r'\bref="([A-Z]+)(\d+)"', raw)
                author = re.search(r'\bauthorId="(\d+)"', raw)
                if not ref:
                    continue
                cell = (int(ref.group(2)), column_number(ref.group(1)))
                body = _comment_text(raw)
                who = authors[int(author.group(1))] if author and int(author.group(1)) < len(authors) else ""
                if who == NOTE_AUTHOR or body.startswith(NOTE_MARK):
                    current[cell] = body
                else:
                    kept.append(raw)
                    kept_cells.add(cell)
        wanted_full = {cell: NOTE_MARK + text for cell, text in wanted.items() if cell not in kept_cells}
        if wanted_full == current:
            return  # the notes are already as wanted: nothing to write
        if NOTE_AUTHOR not in authors:
            authors.append(NOTE_AUTHOR)
            added_author = True
        else:
            added_author = False
        ours = authors.index(NOTE_AUTHOR)
        comments = "".join(kept) + "".join(
            f'<comment ref="{column_letters(c)}{r}" authorId="{ours}"><text><t xml:space="preserve">'
            f"{xml_text(text)}</t></text></comment>"
            for (r, c), text in sorted(wanted_full.items())
        )
        if comments_part and self.exists(comments_part):
            # The part is edited, not rebuilt: its root keeps the namespaces a person's notes use.
            new_comments = self.data(comments_part).decode("utf-8")
            if added_author:
                mine = f"<author>{NOTE_AUTHOR}</author>"
                if re.search(r"<authors\s*/>", new_comments):
                    new_comments = re.sub(r"<authors\s*/>", f"<authors>{mine}</authors>", new_comments, count=1)
                else:
                    new_comments = new_comments.replace("</authors>", mine + "</authors>", 1)
            if re.search(r"<commentList\s*/>", new_comments):
                new_comments = re.sub(r"<commentList\s*/>", f"<commentList>{comments}</commentList>", new_comments,
                                      count=1)
            else:
                start = new_comments.index(">", new_comments.index("<commentList")) + 1
                end = new_comments.rindex("</commentList>")
                new_comments = new_comments[:start] + comments + new_comments[end:]
        else:
            author_xml = "".join(f"<author>{xml_text(a)}</author>" for a in authors)
            new_comments = (
                f'{XML_HEAD}<comments xmlns="{NS_MAIN}"><authors>{author_xml}</authors>'
                f"<commentList>{comments}</commentList></comments>"
            )
        if comments_part is None:
            comments_part = self.free_name("xl/comments{}.xml")
            self.add_rel(sheet.part, "comments", comments_part)
            self.content_type(comments_part, CT_COMMENTS)
        self.put(comments_part, new_comments.encode("utf-8"))
        self._set_vml(sheet, vml_part, kept_cells, wanted_full)

    def _set_vml(self, sheet: SheetPart, vml_part: str | None, kept_cells: set[tuple[int, int]],
                 wanted: dict[tuple[int, int], str]) -> None:
        index = self.pkg.sheets.index(sheet) + 1
        if vml_part and self.exists(vml_part):
            text = self.data(vml_part).decode("utf-8", "replace")
            shapes = _SHAPE.findall(text)
            first = text.find("<v:shape ")
            end = text.rfind("</xml>")
            head = text[:first] if first >= 0 else text[:end]
            keep = []
            for shape in shapes:
                cell = _shape_cell(shape)
                if cell is None or cell in kept_cells or "ObjectType=\"Note\"" not in shape:
                    keep.append(shape)  # a person's note, or not a note at all (a control)
            numbers = [int(n) for n in re.findall(r'id="_x0000_s(\d+)"', text)]
            next_id = max(numbers, default=index * 1024) + 1
        else:
            head = (
                '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
                'xmlns:x="urn:schemas-microsoft-com:office:excel">'
                f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{index}"/></o:shapelayout>'
                '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
                'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
                '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            )
            keep = []
            next_id = index * 1024 + 1
        ours = [_note_shape(next_id + n, r, c) for n, (r, c) in enumerate(sorted(wanted))]
        text = head + "".join(keep) + "".join(ours) + "</xml>"
        if vml_part is None or not self.exists(vml_part):
            vml_part = self.free_name("xl/drawings/vmlDrawing{}.vml")
            rel_id = self.add_rel(sheet.part, "vmlDrawing", vml_part)
            self.default_type("vml", CT_VML)
            self._add_legacy_drawing(sheet, rel_id)
        self.put(vml_part, text.encode("utf-8"))

    def _add_legacy_drawing(self, sheet: SheetPart, rel_id: str) -> None:
        text = self.data(sheet.part).decode("utf-8")
        prefix = _root_prefix(text, "worksheet")
        rid = f'{prefix.group(1)}:id="{rel_id}"' if prefix else f'xmlns:r="{NS_REL}" r:id="{rel_id}"'
        element = f"<legacyDrawing {rid}/>"
        at = text.rfind("</worksheet>")
        for name in _AFTER_LEGACY:
            m = re.search(rf"<(?:\w+:)?{name}\b", text)
            if m:
                at = min(at, m.start())
        text = text[:at] + element + text[at:]
        self.put(sheet.part, text.encode("utf-8"))

    def _rels_changed(self, part: str) -> bool:
        folder, name = part.rsplit("/", 1)
        return f"{folder}/_rels/{name}.rels" in self.new

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        folder, name = part.rsplit("/", 1)
        root = ET.fromstring(self.new[f"{folder}/_rels/{name}.rels"])
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

    def save(self, target: Path) -> None:
        """The patched package into `target`: parts in their original order, untouched ones
        with their exact bytes, then the new ones."""
        if self.formula_replaced:
            self.drop_calc_chain()
        src = self.pkg.zip
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                if info.filename in self.dropped:
                    continue
                data = self.new.get(info.filename)
                if data is None:
                    data = self.pkg.read(info.filename)
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                out.writestr(copy, data)
            for name, data in self.new.items():
                if name not in src.NameToInfo:
                    out.writestr(name, data)


class Styles:
    """Cell styles the service may need, found in styles.xml or added to its end once."""

    def __init__(self, patch: Patch) -> None:
        self.patch = patch
        self._found: dict[str, int | None] = {}
        self._dates: set[int] | None = None

    def dates(self) -> set[int]:
        """The styles that already show a date (a cell keeps its own date format)."""
        if self._dates is None:
            from automation.workbook.xlsx_read import date_styles

            self._dates = date_styles(self.patch.pkg)
        return self._dates

    def _text(self) -> str:
        return self.patch.data("xl/styles.xml").decode("utf-8")

    def _xfs(self) -> list[ET.Element]:
        root = ET.fromstring(self.patch.data("xl/styles.xml"))
        xfs = root.find(_M + "cellXfs")
        return list(xfs) if xfs is not None else []

    def number(self, format_id: int) -> int:
        """A style showing a built-in number format (14: a date, 22: date and time)."""
        key = f"n{format_id}"
        if key not in self._found:
            if not self.patch.exists("xl/styles.xml"):
                return 0
            found = next((i for i, xf in enumerate(self._xfs()) if xf.get("numFmtId") == str(format_id)
                          and xf.get("fontId", "0") == "0" and xf.get("fillId", "0") == "0"), None)
            if found is None:
                found = self._add_xf(f'<xf numFmtId="{format_id}" fontId="0" fillId="0" borderId="0" xfId="0" '
                                     'applyNumberFormat="1"/>')
            self._found[key] = found
        return self._found[key]

    def header(self) -> int | None:
        """The bold header style on the pale blue the service has always used."""
        if "header" in self._found:
            return self._found["header"]
        if not self.patch.exists("xl/styles.xml"):
            return None
        root = ET.fromstring(self.patch.data("xl/styles.xml"))
        fonts = root.find(_M + "fonts")
        fills = root.find(_M + "fills")
        bold = {i for i, f in enumerate(fonts if fonts is not None else []) if f.find(_M + "b") is not None
                and f.find(_M + "b").get("val", "1") not in ("0", "false")}
        pale = {i for i, f in enumerate(fills if fills is not None else [])
                if any((c.get("rgb") or "").upper() == HEADER_FILL for c in f.iter(_M + "fgColor"))}
        found = next((i for i, xf in enumerate(self._xfs()) if int(xf.get("fontId", "0")) in bold
                      and int(xf.get("fillId", "0")) in pale), None)
        if found is None:
            font = self._add("fonts", '<font><b/><sz val="11"/><name val="Calibri"/></font>')
            fill = self._add("fills", f'<fill><patternFill patternType="solid"><fgColor rgb="{HEADER_FILL}"/>'
                                      '<bgColor indexed="64"/></patternFill></fill>')
            found = self._add_xf(f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0" '
                                 'applyFont="1" applyFill="1"/>')
        self._found["header"] = found
        return found

    def _add_xf(self, xf: str) -> int:
        return self._add("cellXfs", xf)

    def _add(self, container: str, element: str) -> int:
        text = self._text()
        m = re.search(rf"<{container}\b[^>]*?(/?)>", text)
        if m is None:
            raise WorkbookError(f"{self.patch.pkg.path}: styles.xml has no {container}")
        if m.group(1):  # <fonts count="0"/>
            text = text[: m.start()] + f'<{container} count="0"></{container}>' + text[m.end():]
            m = re.search(rf"<{container}\b[^>]*?>", text)
            assert m is not None
        close = text.index(f"</{container}>", m.end())
        count = len(re.findall(rf"<{container[:-1]}\b", text[m.end():close])) if container != "cellXfs" else \
            len(re.findall(r"<xf\b", text[m.end():close]))
        start_tag = re.sub(r'\bcount="\d+"', f'count="{count + 1}"', m.group(0))
        if "count=" not in start_tag:
            start_tag = start_tag[:-1] + f' count="{count + 1}">'
        text = text[: m.start()] + start_tag + text[m.end():close] + element + text[close:]
        self.patch.put("xl/styles.xml", text.encode("utf-8"))
        return count


def cell_xml(ref: str, value: Any, style: int | None, styles: Styles, keep_empty: bool = False) -> str:
    """One <c> element holding `value` as data: text is always text (never a formula)."""
    s = f' s="{style}"' if style is not None else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if (keep_empty or style is not None) else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)) and not (isinstance(value, float) and not math.isfinite(value)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, dt.date):
        fmt = 22 if isinstance(value, dt.datetime) and value.time() != dt.time() else 14
        date_style = style if style is not None and style in styles.dates() else styles.number(fmt)
        return f'<c r="{ref}" s="{date_style}"><v>{to_serial(value)!r}</v></c>'
    text = str(value)
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(text)}</t></is></c>'


def _note_shape(shape_id: int, row: int, col: int) -> str:
    return (
        f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
        f'margin-top:1.5pt;width:240pt;height:90pt;z-index:{shape_id % 1024};visibility:hidden" '
        'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
        '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:Anchor>{col}, 15, {max(row - 2, 0)}, 10, {col + 3}, 15, {row + 4}, 4</x:Anchor>"
        f"<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{col - 1}</x:Column>"
        "</x:ClientData></v:shape>"
    )


def _shape_cell(shape: str) -> tuple[int, int] | None:
    row = re.search(r"<x:Row>\s*(\d+)\s*</x:Row>", shape)
    col = re.search(r"<x:Column>\s*(\d+)\s*</x:Column>", shape)
    return (int(row.group(1)) + 1, int(col.group(1)) + 1) if row and col else None


def _comment_text(raw: str) -> str:
    return _unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", raw, re.S)))


def _unescape(text: str) -> str:
    import html

    text = html.unescape(text)
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _root_prefix(text: str, root: str) -> re.Match[str] | None:
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
