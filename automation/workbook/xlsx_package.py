"""The .xlsx file as the zip package it is: its sheets, their parts, and what a quick scan of a
sheet's XML tells that a values reader does not (error results, merges, how far data reaches).

Nothing here loads a whole workbook: small parts (workbook.xml, rels, styles) are parsed
whole, sheet parts are streamed in chunks. Every way a file can fail to be a readable
workbook becomes one `WorkbookUnreadable` naming the file and what to do about it.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from automation.workbook.base import (
    WorkbookBadXml,
    WorkbookDamaged,
    WorkbookEncrypted,
    WorkbookLegacy,
    WorkbookMissing,
)

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 1 << 20

# XML 1.0 forbids these; Excel will not open a package holding them raw.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_FAR_COLUMN = re.compile(rb'<c\b[^>]*?\br="[A-Z]{3}\d')  # column AAA (703) or beyond
_ERROR_CELL = re.compile(rb'<c\b([^>]*?)\bt="e"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_HYPERLINK_FORMULA = re.compile(
    rb'<c\b([^>]*?)>\s*<f\b[^>]*>\s*(?:_xlfn\.)?HYPERLINK\(\s*&quot;((?:[^&<]|&(?!quot;))*)&quot;', re.S | re.I
)
_HYPERLINK = re.compile(rb"<hyperlink\b([^>]*)>")
_ATTR = re.compile(rb'\b([\w:]+)="([^"]*)"')
_MERGE = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def column_number(letters: str) -> int:
    """'A' -> 1, 'AB' -> 28."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class SheetPart:
    title: str
    part: str  # the zip member, e.g. xl/worksheets/sheet1.xml
    rel_id: str
    hidden: bool = False


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

    @property
    def sparse(self) -> bool:
        """Would a dense rectangle up to the last cell cost far more than the rows that exist?
        (A space typed in P1048576 makes a 40-row sheet a million rows tall.)"""
        return self.far_column or self.last_row > 2 * self.rows + 64


def _xml_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class Package:
    """An opened .xlsx package; use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.zip = _open_zip(self.path)
        try:
            self.names = set(self.zip.namelist())
            if "xl/workbook.xml" not in self.names:
                if "content.xml" in self.names or "mimetype" in self.names:
                    raise WorkbookLegacy(
                        f"{self.path}: เป็นไฟล์ OpenDocument (.ods) ที่ตั้งชื่อเป็น .xlsx "
                        "— เปิดไฟล์แล้วบันทึกเป็น (Save As) ชนิด Excel Workbook (.xlsx) แล้วสั่งใหม่"
                    )
                raise WorkbookDamaged(
                    f"{self.path}: ไฟล์ไม่ครบหรือเสียหาย (ไม่พบส่วน xl/workbook.xml) "
                    "— ใช้สำเนาที่ดีล่าสุด หรือเปิดใน Excel ให้ซ่อมแล้วบันทึกใหม่"
                )
            self.sheets = self._sheet_parts()
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def close(self) -> None:
        self.zip.close()

    # ------------------------------------------------------------------ parts

    def read(self, name: str, what: str | None = None) -> bytes:
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError) as exc:
            raise damaged(self.path, exc) from None

    def xml(self, name: str, what: str | None = None) -> ET.Element:
        data = self.read(name)
        try:
            return ET.fromstring(data)
        except ET.ParseError:
            raise bad_xml(self.path, what or name) from None

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """rId -> (type, target part) of a part's relationships; {} when it has none."""
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        if rels_name not in self.names:
            return {}
        out = {}
        for rel in self.xml(rels_name):
            if rel.get("TargetMode") == "External":
                continue
            out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], resolve(folder, rel.get("Target", "")))
        return out

    def _sheet_parts(self) -> list[SheetPart]:
        book = self.xml("xl/workbook.xml", "workbook.xml")
        rels = self.rels("xl/workbook.xml")
        out = []
        sheets = book.find(f"{{{NS_MAIN}}}sheets")
        for sheet in sheets if sheets is not None else []:
            rel_id = sheet.get(f"{{{NS_REL}}}id", "")
            kind, target = rels.get(rel_id, ("", ""))
            if kind != "worksheet" or target not in self.names:
                continue  # chart sheets and dialog sheets hold no cells
            out.append(SheetPart(sheet.get("name", ""), target, rel_id, sheet.get("state", "visible") != "visible"))
        return out

    def sheet(self, title: str) -> SheetPart | None:
        return next((s for s in self.sheets if s.title == title), None)

    # ------------------------------------------------------------------ sheet scan

    def scan(self, sheet: SheetPart) -> SheetScan:
        """One streamed pass over a sheet part: rows, reach, error results and merges; a
        control character in it is a damaged file (Excel itself refuses to open it)."""
        scan = SheetScan()
        carry = b""
        try:
            with self.zip.open(sheet.part) as stream:
                while True:
                    chunk = stream.read(CHUNK)
                    buf = carry + chunk
                    if not chunk:
                        self._scan_piece(buf, scan, sheet)
                        break
                    # Cut after the last complete row (or tag, past the rows) so that no
                    # element is split between two pieces.
                    cut = buf.rfind(b"</row>")
                    cut = cut + 6 if cut >= 0 else (buf.rfind(b">") + 1 if b"</sheetData>" in buf else 0)
                    self._scan_piece(buf[:cut], scan, sheet)
                    carry = buf[cut:]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise damaged(self.path, exc) from None
        if scan.link_ids:
            targets = self.external_rels(sheet.part)
            for cell, rel_id in scan.link_ids.items():
                if rel_id in targets:
                    scan.links.setdefault(cell, targets[rel_id])
        return scan

    def external_rels(self, part: str) -> dict[str, str]:
        """rId -> URL of a part's external relationships (inserted links)."""
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        if rels_name not in self.names:
            return {}
        return {rel.get("Id", ""): rel.get("Target", "") for rel in self.xml(rels_name)
                if rel.get("TargetMode") == "External"}

    def _scan_piece(self, piece: bytes, scan: SheetScan, sheet: SheetPart) -> None:
        if not piece:
            return
        if _CONTROL_BYTES.search(piece):
            raise bad_xml(self.path, f"ชีต '{sheet.title}'")
        scan.rows += piece.count(b"<row ") + piece.count(b"<row>")
        end = piece.rfind(b"<row ")
        if end >= 0:
            last = _ROW_NUMBER.match(piece, end)
            if last:
                scan.last_row = max(scan.last_row, int(last.group(1)))
        if not scan.far_column and _FAR_COLUMN.search(piece):
            scan.far_column = True
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

    def check_strings(self) -> None:
        """The shared strings hold every text cell: a control character there is damage."""
        if "xl/sharedStrings.xml" in self.names and _CONTROL_BYTES.search(self.read("xl/sharedStrings.xml")):
            raise bad_xml(self.path, "sharedStrings.xml")


def resolve(folder: str, target: str) -> str:
    """A relationship target as a zip member name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _open_zip(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise WorkbookMissing(
            f"{path}: ไม่พบสมุดงาน — สั่ง ./ita init --workbook {path} "
            "หรือ ./ita demo เพื่อสร้าง (workbook not found)"
        )
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise damaged(path, exc) from None
    if head.startswith(OLE2_MAGIC):
        raw = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in raw or "EncryptedPackage".encode("utf-16-le") in raw:
            raise WorkbookEncrypted(
                f"{path}: ไฟล์ถูกตั้งรหัสผ่านไว้ ระบบอ่านไม่ได้ — เปิดใน Excel แล้วเอารหัสผ่านออก "
                "(บันทึกโดยไม่ใส่รหัสผ่าน) แล้วสั่งใหม่ (save it without a password)"
            )
        raise WorkbookLegacy(
            f"{path}: เป็นไฟล์ Excel รุ่นเก่า (.xls) ที่ตั้งชื่อเป็น .xlsx — เปิดใน Excel แล้วบันทึกเป็น "
            "(Save As) ชนิด Excel Workbook (.xlsx) แล้วสั่งใหม่ (save as .xlsx)"
        )
    if not head.startswith(b"PK"):
        raise WorkbookLegacy(
            f"{path}: ไม่ใช่ไฟล์ .xlsx (อาจเป็น CSV, HTML หรือไฟล์ชนิดอื่นที่ตั้งชื่อเป็น .xlsx) "
            "— เปิดในโปรแกรมตารางงานแล้วบันทึกเป็น (Save As) ชนิด Excel Workbook (.xlsx) (not an .xlsx file)"
        )
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise damaged(path, exc) from None


def damaged(path: Path, exc: BaseException) -> WorkbookDamaged:
    return WorkbookDamaged(
        f"{path}: ไฟล์เสียหายหรือคัดลอกมาไม่ครบ ({type(exc).__name__}) — เปิดใน Excel ให้ซ่อมแล้วบันทึกใหม่ "
        "หรือใช้สำเนาที่ดีล่าสุด (the file is damaged or incomplete)"
    )


def bad_xml(path: Path, where: str) -> WorkbookBadXml:
    return WorkbookBadXml(
        f"{path}: มีอักขระที่โปรแกรมตารางงานไม่ยอมรับอยู่ใน {where} (มักมาจากการคัดลอกจากโปรแกรมอื่น) "
        "— เปิดใน Excel หรือ LibreOffice ให้ซ่อมแล้วบันทึกใหม่ (damaged XML: let Excel repair it and save)"
    )
