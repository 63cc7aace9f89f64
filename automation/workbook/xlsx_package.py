"""The .xlsx file as the zip package it is: its sheets and their parts.

Nothing here loads a whole workbook: small parts (workbook.xml, rels, styles) are parsed
whole; sheet parts are streamed (automation.workbook.xlsx_scan). Every way a file can fail to
be a readable workbook becomes one `WorkbookUnreadable` naming the file and what to do about it.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

# XML 1.0 forbids these; Excel will not open a package holding them raw.
CONTROL_BYTES = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))


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
            # Each sheet's scan (automation.workbook.xlsx_scan), made once per opened package.
            self.scans: dict[str, Any] = {}
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

    def external_rels(self, part: str) -> dict[str, str]:
        """rId -> URL of a part's external relationships (inserted links)."""
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        if rels_name not in self.names:
            return {}
        return {rel.get("Id", ""): rel.get("Target", "") for rel in self.xml(rels_name)
                if rel.get("TargetMode") == "External"}

    def check_strings(self) -> None:
        """The shared strings hold every text cell: a control character there is damage."""
        if "xl/sharedStrings.xml" in self.names and has_control(self.read("xl/sharedStrings.xml")):
            raise bad_xml(self.path, "sharedStrings.xml")


def has_control(data: bytes) -> bool:
    """Does the XML hold a byte XML forbids? (A translate at C speed, twice a regex's.)"""
    return len(data.translate(None, CONTROL_BYTES)) != len(data)


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
