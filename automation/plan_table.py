"""The plan table as rows: what both readers (text from a PDF, a Word table) produce and the
errors that name a row.

`automation.plan` builds measures and steps from these rows; `automation.plan_docx` reads
Word files into them. Both import this module, so neither imports the other.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from automation.schema import compact, normalize_header

# The four columns, as the plan documents head them (the first is often longer:
# "มาตรการส่งเสริมคุณธรรมและความโปร่งใส", so headers are matched by their start).
HEADERS = ("มาตรการ", "ขั้นตอนหรือวิธีการ", "ผู้รับผิดชอบ", "การกำกับติดตาม")
HEADERS_EN = ("measure", "step", "responsible unit", "monitoring")

DIGITS = "0-9๐-๙"
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_PAGE_NUMBER = re.compile(rf"^[-–—(\s]*(?:หน้า\s*)?[{DIGITS}]+[-–—)\s]*$")

@dataclass(frozen=True)
class Where:
    """Where a row sits in the source: a line of a text file or a row of a Word table."""

    line: int | None = None
    table: int | None = None
    row: int | None = None

    def label(self, lang: str = "th") -> str:
        if self.line is not None:
            return f"line {self.line}" if lang == "en" else f"บรรทัด {self.line}"
        if self.table is not None:
            return (f"table {self.table}, row {self.row}" if lang == "en"
                    else f"ตารางที่ {self.table} แถว {self.row}")
        return ""



# ---------------------------------------------------------------- errors

MESSAGES: dict[str, dict[str, str]] = {
    "file_missing": {"th": "{path}: ไม่พบไฟล์ — ตรวจชื่อไฟล์และโฟลเดอร์ เช่น ./ita import-plan data/plan-2567.docx "
                           "(file not found)",
                     "en": "{path}: file not found"},
    "file_type": {"th": "{path}: อ่านได้เฉพาะไฟล์ .txt (ข้อความจาก PDF) หรือ .docx — แปลงไฟล์ก่อน",
                  "en": "{path}: only .txt (text from a PDF) or .docx plans can be read; convert it first"},
    "unreadable": {"th": "{path}: เปิดอ่านไฟล์ไม่ได้ ({detail}) — ตรวจว่าไฟล์ไม่เสียและเปิดใน Word ได้ "
                         "แล้วบันทึกใหม่เป็น .docx หรือส่งออกข้อความจาก PDF เป็น .txt แบบ UTF-8 (cannot be read)",
                   "en": "{path}: cannot be read ({detail})"},
    "no_table": {"th": "ไม่พบตารางแผนในไฟล์ ต้องมีหัวตาราง {headers}",
                 "en": "no plan table found; the table must be headed {headers}"},
    "wrong_columns": {"th": "{where}: คอลัมน์ไม่ตรงกับตารางแผน พบ «{found}» ต้องเป็น {headers}",
                      "en": "{where}: the columns are not the plan's: found «{found}», expected {headers}"},
    "too_many_cells": {"th": "{where}: แถวนี้มี {n} ช่อง แต่ตารางแผนมี 4 คอลัมน์",
                       "en": "{where}: this row has {n} cells; the plan table has 4 columns"},
    "not_a_row": {"th": "{where}: บรรทัดนี้ไม่ใช่แถวของตาราง (ไม่มีแท็บคั่นคอลัมน์): «{text}»",
                  "en": "{where}: not a table row (no tab between cells): «{text}»"},
    "orphan_row": {"th": "{where}: แถวต่อเนื่อง (ช่องมาตรการว่าง) มาก่อนมาตรการแรก",
                   "en": "{where}: a continuation row (empty measure cell) comes before the first measure"},
    "measure_no_number": {"th": "{where}: มาตรการไม่มีเลขลำดับ: «{text}»",
                          "en": "{where}: the measure has no number: «{text}»"},
    "measure_order": {"th": "{where}: มาตรการที่ {no} มาหลังมาตรการที่ {prev} (เลขต้องเรียงจากน้อยไปมาก)",
                      "en": "{where}: measure {no} comes after measure {prev} (numbers must increase)"},
    "no_title": {"th": "{where}: มาตรการที่ {no} ไม่มีชื่อมาตรการ", "en": "{where}: measure {no} has no title"},
    "text_before_step": {"th": "{where}: มาตรการที่ {measure} มีข้อความก่อนขั้นตอนที่ 1: «{text}»",
                         "en": "{where}: measure {measure} has text before step 1: «{text}»"},
    "step_order": {"th": "{where}: มาตรการที่ {measure} พบขั้นตอนที่ {no} ในที่ที่ควรเป็นขั้นตอนที่ {expected}",
                   "en": "{where}: measure {measure}: step {no} found where step {expected} should be"},
    "empty_step": {"th": "{where}: มาตรการที่ {measure} ขั้นตอนที่ {no} ไม่มีข้อความ",
                   "en": "{where}: measure {measure}, step {no} has no text"},
    "no_measures": {"th": "ตารางแผนมีแต่หัวตาราง ไม่มีมาตรการใดเลย — ตรวจว่าเลือกไฟล์ถูกต้อง",
                    "en": "the plan table has a header but no measures; check that this is the right file"},
    "no_steps": {"th": "{where}: มาตรการที่ {measure} ไม่มีขั้นตอนหรือวิธีการ",
                 "en": "{where}: measure {measure} has no steps"},
    "missing_unit": {"th": "{where}: มาตรการที่ {measure} ไม่ระบุผู้รับผิดชอบ",
                     "en": "{where}: measure {measure} names no responsible unit"},
    "unknown_unit": {"th": "{where}: มาตรการที่ {measure}: ไม่รู้จักหน่วยงาน «{value}» — "
                           "เพิ่มเป็น name หรือ aliases ของ [[units]] ใน settings.toml",
                     "en": "{where}: measure {measure}: unknown unit «{value}»; add it as a name or "
                           "alias under [[units]] in settings.toml"},
    "missing_cadence": {"th": "{where}: มาตรการที่ {measure} ไม่ระบุการกำกับติดตาม",
                        "en": "{where}: measure {measure} gives no monitoring cadence"},
    "unknown_cadence": {"th": "{where}: มาตรการที่ {measure}: ไม่รู้จักการกำกับติดตาม «{value}» — ต้องเป็น "
                              "…รอบ ๖ เดือนและประจำปี หรือ …ณ สิ้นปีงบประมาณ",
                        "en": "{where}: measure {measure}: unknown monitoring cadence «{value}»; expected "
                              "…รอบ ๖ เดือนและประจำปี (6-monthly and yearly) or …ณ สิ้นปีงบประมาณ (year end)"},
    "no_fiscal_year": {"th": "ไม่พบปีงบประมาณในชื่อแผน (เช่น «พ.ศ.๒๕๖๓») — ระบุด้วย --fiscal-year",
                       "en": "no fiscal year in the plan's title (such as «พ.ศ.๒๕๖๓»); give --fiscal-year"},
    "sheet_columns": {"th": "ชีต «{sheet}» ไม่มีคอลัมน์ {columns} ที่การนำเข้าแผนต้องใช้ — เพิ่มหัวคอลัมน์ก่อน",
                      "en": "sheet «{sheet}» lacks the column(s) {columns} the import writes; add the headers"},
    "more": {"th": " (และอีก {n} ปัญหา)", "en": " (and {n} more)"},
    "fy_override": {"th": "ใช้ปีงบประมาณ {used} ตามที่ระบุ (ชื่อแผนระบุปี {title})",
                    "en": "using fiscal year {used} as given (the plan's title says {title})"},
}


def plan_message(key: str, lang: str, **params: Any) -> str:
    return MESSAGES[key]["en" if lang == "en" else "th"].format(**params)


class PlanError(Exception):
    """A plan that cannot be imported as it is; the message names the row and the fix.

    `problems` lists every (key, where, params) found when several rows are wrong at once
    (unknown units and cadences are all collected before the import stops)."""

    def __init__(self, key: str, where: Where | None = None, lang: str = "th", **params: Any) -> None:
        self.key, self.where, self.params, self.lang = key, where or Where(), params, lang
        self.problems: list[tuple[str, Where, dict[str, Any]]] = [(key, self.where, params)]
        super().__init__(self.message(lang))

    def message(self, lang: str = "th") -> str:
        text = plan_message(self.key, lang, where=self.where.label(lang), **self.params).lstrip(": ")
        if len(self.problems) > 1:
            text += plan_message("more", lang, n=len(self.problems) - 1)
        return text

    def __str__(self) -> str:
        return self.message(self.lang)


def headers_text() -> str:
    return " · ".join(HEADERS)


# ---------------------------------------------------------------- raw rows


@dataclass
class RawRow:
    where: Where
    cells: list[str]  # exactly four, cleaned
    after_break: bool = False  # first row after a repeated header (a page break)


@dataclass
class RawTable:
    """The plan's rows in document order, and the text around the table (its title)."""

    rows: list[RawRow] = field(default_factory=list)
    title_text: list[str] = field(default_factory=list)


def clean_text(value: Any) -> str:
    """Cell text without markup, invisible characters or runs of spaces (wording kept)."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = html.unescape(_TAG.sub(" ", text))
    text = _INVISIBLE.sub("", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def is_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    if len(filled) != 4:
        return False
    return all(
        compact(cell).startswith(compact(th)) or normalize_header(cell) == en
        for cell, th, en in zip(filled, HEADERS, HEADERS_EN, strict=True)
    )


class RowCollector:
    """Shared by both readers: headers mark page breaks, rows before the first header are
    the title unless they look like a table with the wrong columns."""

    def __init__(self, lang: str) -> None:
        self.table = RawTable()
        self.lang = lang
        self.started = False
        self.after_break = False

    def add(self, where: Where, cells: list[str]) -> None:
        cells = [clean_text(c) for c in cells]
        if is_header(cells):
            self.after_break = self.started
            self.started = True
            return
        if not any(cells):
            return
        if not self.started:
            if sum(bool(c) for c in cells) >= 2:  # a table row, but not under the plan's header
                raise PlanError("wrong_columns", where, self.lang, found=" | ".join(cells),
                                headers=headers_text())
            self.table.title_text.append(" ".join(cells))
            return
        if len(cells) > 4 and any(cells[4:]):
            raise PlanError("too_many_cells", where, self.lang, n=len(cells))
        cells = [*cells, "", "", "", ""][:4]
        self.table.rows.append(RawRow(where, cells, self.after_break))
        self.after_break = False

    def finish(self) -> RawTable:
        if not self.started:
            raise PlanError("no_table", None, self.lang, headers=headers_text())
        return self.table


def read_text_rows(text: str, lang: str = "th") -> RawTable:
    """The tab-separated text a PDF extraction gives: one table row per line."""
    rows = RowCollector(lang)
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if "\t" in line:
            rows.add(Where(line=number), line.split("\t"))
            continue
        clean = clean_text(line)
        if not clean:
            continue
        if not rows.started:
            rows.table.title_text.append(clean)
        elif _PAGE_NUMBER.match(clean) or clean in rows.table.title_text:
            continue  # a page number or the title repeated at the top of a page
        else:
            raise PlanError("not_a_row", Where(line=number), lang, text=clean[:60])
    return rows.finish()
