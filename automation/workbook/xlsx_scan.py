"""What one streamed pass over a sheet's XML tells that a values reader does not: error
results, links, merges, how far the data reaches, and where the cells end (so that the
writer can add an element after them without reading the sheet again).

The pass costs a few byte searches per megabyte, each at C speed: the sheet of a 100,000-row
form is 140 MB of XML. Every regex starts with a literal (Python then skips ahead with a fast
literal search) or runs only on a piece that a plain `in` test has shown to hold a match.
Merges and inserted links are elements after the cells, so they are looked for only there.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from automation.workbook.xlsx_package import Package, SheetPart, bad_xml, column_number, damaged, has_control

CHUNK = 1 << 20

_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_FAR_REF = re.compile(rb'r="[A-Z]{3}\d')  # a reference at column AAA (703) or beyond
_FAR_COLUMN = re.compile(rb'<c\s[^>]*?\br="[A-Z]{3}\d')
_ERROR_CELL = re.compile(rb'<c\b([^>]*?)\bt="e"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_HYPERLINK_FORMULA = re.compile(
    rb'<c\b([^>]*?)>\s*<f\b[^>]*>\s*(?:_xlfn\.)?HYPERLINK\(\s*&quot;((?:[^&<]|&(?!quot;))*)&quot;', re.S | re.I
)
_HYPERLINK = re.compile(rb"<hyperlink\b([^>]*)>")
_ATTR = re.compile(rb'\b([\w:]+)="([^"]*)"')
_MERGE = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_CELLS_END = (b"</sheetData>", b"<sheetData/>")


@dataclass
class SheetScan:
    """What one streamed pass over a sheet's XML found."""

    rows: int = 0  # <row> elements
    last_row: int = 0  # 1-based number of the last <row>
    far_column: bool = False  # a cell at column AAA or beyond
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 1-based
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    # Cells that are links: =HYPERLINK("url", "label") or a link inserted on the cell.
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    link_ids: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> rId
    # The part around its cells: `head` is everything before <sheetData (the root element's
    # namespaces), `tail` everything after the cells end, starting at byte `tail_at` of the
    # part. None when the part has no plain <sheetData> (a prefixed one, say).
    head: bytes | None = None
    tail: bytes | None = None
    tail_at: int = 0
    size: int = 0  # bytes of the whole part

    @property
    def sparse(self) -> bool:
        """Would a dense rectangle up to the last cell cost far more than the rows that exist?
        (A space typed in P1048576 makes a 40-row sheet a million rows tall.)"""
        return self.far_column or self.last_row > 2 * self.rows + 64


def scan_sheet(pkg: Package, sheet: SheetPart) -> SheetScan:
    """The sheet's scan, made once per opened package (the writer asks again for merges and
    for where the cells end); a control character in the sheet is a damaged file."""
    found = pkg.scans.get(sheet.part)
    if found is None:
        found = pkg.scans[sheet.part] = _scan(pkg, sheet)
    return found


def _scan(pkg: Package, sheet: SheetPart) -> SheetScan:
    result = SheetScan()
    carry = b""
    at = 0  # where carry starts in the part
    tail: list[bytes] | None = None
    try:
        with pkg.zip.open(sheet.part) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if tail is not None:  # past the cells: the rest is kept whole
                    if not chunk:
                        break
                    tail.append(chunk)
                    continue
                buf = carry + chunk if carry else chunk
                if result.head is None and (start := buf.find(b"<sheetData")) >= 0:
                    result.head = buf[:start]
                if not chunk:
                    _cells(pkg, sheet, buf, result)
                    at += len(buf)
                    break
                # Cut after the last complete row, so that no cell is split between two pieces;
                # the end of the cells can only follow that row.
                cut = buf.rfind(b"</row>")
                cut = cut + 6 if cut >= 0 else 0
                end = _cells_end(buf, cut) if result.head is not None else -1
                if end >= 0:
                    _cells(pkg, sheet, buf[:end], result)
                    tail = [buf[end:]]
                    result.tail_at = at + end
                    continue
                _cells(pkg, sheet, buf[:cut], result)
                carry = buf[cut:]
                at += cut
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise damaged(pkg.path, exc) from None
    if tail is not None:
        result.tail = b"".join(tail)
        result.size = result.tail_at + len(result.tail)
        _after_cells(pkg, sheet, result.tail, result)
    else:  # no plain end of the cells: merges and links may be anywhere
        result.size = at
        _after_cells(pkg, sheet, pkg.read(sheet.part), result)
    if result.link_ids:
        targets = pkg.external_rels(sheet.part)
        for cell, rel_id in result.link_ids.items():
            if rel_id in targets:
                result.links.setdefault(cell, targets[rel_id])
    return result


def _cells_end(buf: bytes, after: int) -> int:
    """Where the elements after the cells begin in `buf` (just past </sheetData> or an empty
    <sheetData/>), or -1: looked for only after the last complete row."""
    for marker in _CELLS_END:
        i = buf.find(marker, after)
        if i >= 0:
            return i + len(marker)
    return -1


def _control(pkg: Package, sheet: SheetPart, piece: bytes) -> None:
    if has_control(piece):  # Excel will not open such a file (calamine would read it)
        raise bad_xml(pkg.path, f"ชีต '{sheet.title}'")


def _cells(pkg: Package, sheet: SheetPart, piece: bytes, scan: SheetScan) -> None:
    """Rows, reach, error results and HYPERLINK formulas in a piece of whole rows."""
    if not piece:
        return
    _control(pkg, sheet, piece)
    scan.rows += piece.count(b"<row")  # nothing else in the cells starts so (<rowBreaks follows them)
    end = piece.rfind(b"<row")
    if end >= 0:
        last = _ROW_NUMBER.match(piece, end)
        if last:
            scan.last_row = max(scan.last_row, int(last.group(1)))
    if not scan.far_column:
        scan.far_column = _far_column(piece)
    if b't="e"' in piece:
        for m in _ERROR_CELL.finditer(piece):
            ref = _REF.search(m.group(1) + b" " + m.group(2))
            value = _VALUE.search(m.group(3) or b"")
            if ref and value:
                col, row = column_number(ref.group(1).decode()), int(ref.group(2))
                scan.errors[(row, col)] = value.group(1).decode("utf-8", "replace")
    if b"YPERLINK(" in piece or b"yperlink(" in piece:
        for m in _HYPERLINK_FORMULA.finditer(piece):
            ref = _REF.search(m.group(1))
            if ref:
                url = html.unescape(m.group(2).decode("utf-8", "replace"))
                scan.links[(int(ref.group(2)), column_number(ref.group(1).decode()))] = url


def _far_column(piece: bytes) -> bool:
    """Is there a <c> at column AAA or beyond? A three-letter reference is rare; each one
    found is checked to be a cell's own r attribute."""
    for m in _FAR_REF.finditer(piece):
        start = piece.rfind(b"<", 0, m.start())
        if start >= 0 and _FAR_COLUMN.match(piece, start) and piece.find(b">", start, m.start()) < 0:
            return True
    return False


def _after_cells(pkg: Package, sheet: SheetPart, piece: bytes, scan: SheetScan) -> None:
    """Merged ranges and inserted links: elements that follow the cells."""
    if not piece:
        return
    _control(pkg, sheet, piece)
    if b"<hyperlink " in piece:
        for m in _HYPERLINK.finditer(piece):
            attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(m.group(1))}
            ref = re.fullmatch(r"([A-Z]+)(\d+)", attrs.get("ref", ""))
            if ref and attrs.get("r:id"):
                scan.link_ids[(int(ref.group(2)), column_number(ref.group(1)))] = attrs["r:id"]
    if b"<mergeCell" in piece:
        for m in _MERGE.finditer(piece):
            c1, r1 = column_number(m.group(1).decode()), int(m.group(2))
            if m.group(3):
                c2, r2 = column_number(m.group(3).decode()), int(m.group(4))
            else:
                c2, r2 = c1, r1
            scan.merges.append((r1, c1, r2, c2))
