"""The integrity-measures plan: from the document an office receives to measures and steps.

Plans arrive as a Word table or as text extracted from a PDF (tab-separated cells). Both
become the same `RawTable` of rows of four cells — มาตรการ · ขั้นตอนหรือวิธีการ ·
ผู้รับผิดชอบ · การกำกับติดตาม — and one builder turns that into a `Plan`. The builder
survives what page breaks and line wraps do to a table: repeated headers, continuation rows
whose first cell is empty (more steps, or the rest of a step cut at the break), several
numbered steps in one cell, Thai digits, stray spaces inside Thai words. What it cannot
read with certainty (an unknown unit or cadence, a step out of order) is a `PlanError`
naming the row, never a guess.

`automation.plan_sheet.merge_plan` turns a Plan into the changes that bring the measures
sheet up to date without touching a cell staff own.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.schema import CADENCE, compact, normalize_header
from automation.thaidate import to_arabic_digits, to_thai_digits

if TYPE_CHECKING:
    from automation.settings import Settings

# The four columns, as the plan documents head them (the first is often longer:
# "มาตรการส่งเสริมคุณธรรมและความโปร่งใส", so headers are matched by their start).
HEADERS = ("มาตรการ", "ขั้นตอนหรือวิธีการ", "ผู้รับผิดชอบ", "การกำกับติดตาม")
HEADERS_EN = ("measure", "step", "responsible unit", "monitoring")

_D = "0-9๐-๙"
# A numbered step starts at the beginning of a cell or after a space: "๑." "๒)" "3.";
# a digit right after the mark is a decimal or "๑.๑" sub-number, not a new step.
STEP_MARK = re.compile(rf"(?:^|(?<=\s))([{_D}]{{1,2}})\s?[.)](?![{_D}])\s*")
MEASURE_MARK = re.compile(rf"^([{_D}]{{1,3}})\s?[.)](?![{_D}])\s*")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_YEAR = re.compile(r"(?:พ\.?ศ\.?|ปีงบประมาณ)(\d{4})")
_PAGE_NUMBER = re.compile(rf"^[-–—(\s]*(?:หน้า\s*)?[{_D}]+[-–—)\s]*$")


# ---------------------------------------------------------------- the plan


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


@dataclass(frozen=True)
class Step:
    no: int
    text: str


@dataclass
class Measure:
    no: int
    title: str
    unit: str  # the office's canonical unit name (settings.units)
    cadence: str  # a CADENCE key: "semiannual" | "year_end"
    steps: list[Step]
    where: Where = field(default=Where(), compare=False)


@dataclass
class Plan:
    fiscal_year: int
    measures: list[Measure]
    # Things worth telling the user that do not stop the import (the fiscal year given
    # on the command line differs from the title's, …), already in the user's language.
    problems: list[str] = field(default_factory=list)

    @property
    def step_count(self) -> int:
        return sum(len(m.steps) for m in self.measures)

    def as_json(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.fiscal_year,
            "measures": [
                {"no": m.no, "title": m.title, "unit": m.unit, "cadence": m.cadence,
                 "steps": [{"no": s.no, "text": s.text} for s in m.steps]}
                for m in self.measures
            ],
        }


def row_id(fiscal_year: int, measure_no: int, step_no: int) -> str:
    """The stable key of a step's row: re-importing finds the same row again."""
    return f"{fiscal_year}-{measure_no:02d}-{step_no:02d}"


# ---------------------------------------------------------------- errors

MESSAGES: dict[str, dict[str, str]] = {
    "file_missing": {"th": "ไม่พบไฟล์ {path}", "en": "{path}: file not found"},
    "file_type": {"th": "{path}: อ่านได้เฉพาะไฟล์ .txt (ข้อความจาก PDF) หรือ .docx — แปลงไฟล์ก่อน",
                  "en": "{path}: only .txt (text from a PDF) or .docx plans can be read; convert it first"},
    "unreadable": {"th": "{path}: เปิดไฟล์ไม่ได้ ({detail})", "en": "{path}: cannot be read ({detail})"},
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


def _text(key: str, lang: str, **params: Any) -> str:
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
        text = _text(self.key, lang, where=self.where.label(lang), **self.params).lstrip(": ")
        if len(self.problems) > 1:
            text += _text("more", lang, n=len(self.problems) - 1)
        return text

    def __str__(self) -> str:
        return self.message(self.lang)


def _headers_text() -> str:
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
                                headers=_headers_text())
            self.table.title_text.append(" ".join(cells))
            return
        if len(cells) > 4 and any(cells[4:]):
            raise PlanError("too_many_cells", where, self.lang, n=len(cells))
        cells = [*cells, "", "", "", ""][:4]
        self.table.rows.append(RawRow(where, cells, self.after_break))
        self.after_break = False

    def finish(self) -> RawTable:
        if not self.started:
            raise PlanError("no_table", None, self.lang, headers=_headers_text())
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


# ---------------------------------------------------------------- units and cadences


def _unit_key(text: str) -> str:
    key = compact(text).replace("องค์การบริหารส่วนตำบล", "อบต")
    return key.replace("อบต.", "อบต").rstrip(".")


def resolve_unit(text: str, settings: Settings) -> str | None:
    """The office's canonical unit for a name as a plan or a person spells it, or None."""
    wanted = _unit_key(text)
    if not wanted:
        return None
    for unit in settings.units:
        if any(_unit_key(name) == wanted for name in (unit.name, *unit.aliases)):
            return unit.name
    return None


def resolve_cadence(text: str) -> str | None:
    """"semiannual" (report at 6 months and at year end) or "year_end", whatever the line
    wraps did to the wording; None when the cell says something else."""
    choice = next((c for c in CADENCE if normalize_header(text) in
                   {normalize_header(n) for n in (c.th, c.en, c.key, *c.aliases)}), None)
    if choice:
        return choice.key
    key = to_thai_digits(compact(text))
    six_months = "๖เดือน" in key
    year = "ประจำปี" in key or "สิ้นปี" in key
    if six_months and year:
        return "semiannual"
    if year:
        return "year_end"
    return None


def cadence_label(key: str) -> str:
    return next(c.th for c in CADENCE if c.key == key)


# ---------------------------------------------------------------- building the plan


def split_steps(text: str) -> tuple[str, list[tuple[int, str]]]:
    """A cell's text before its first numbered step, and its numbered steps in order."""
    marks = list(STEP_MARK.finditer(text))
    if not marks:
        return text.strip(), []
    lead = text[: marks[0].start()].strip()
    steps = []
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(text)
        steps.append((int(to_arabic_digits(mark.group(1))), text[mark.end(): end].strip()))
    return lead, steps


@dataclass
class _Draft:
    no: int
    title: str
    where: Where
    unit: str
    cadence: str
    steps: list[list[Any]] = field(default_factory=list)  # [no, text]


def _join(old: str, more: str) -> str:
    """Text cut by a page break: the rest follows after the space a line wrap leaves."""
    return f"{old} {more}".strip() if more else old


def _add_steps(draft: _Draft, text: str, where: Where, lang: str) -> None:
    lead, steps = split_steps(text)
    if lead:
        if draft.steps:
            draft.steps[-1][1] = _join(draft.steps[-1][1], lead)  # the rest of a cut step
        elif steps and steps[0][0] == 1:
            raise PlanError("text_before_step", where, lang, measure=draft.no, text=lead[:40])
        else:
            draft.steps.append([1, lead])  # a measure with one step, unnumbered
    for no, step_text in steps:
        expected = len(draft.steps) + 1
        if no != expected:
            raise PlanError("step_order", where, lang, measure=draft.no, no=no, expected=expected)
        if not step_text:
            raise PlanError("empty_step", where, lang, measure=draft.no, no=no)
        draft.steps.append([no, step_text])


def _merge_cell(old: str, more: str) -> str:
    # A unit or cadence cut at a page break continues on the next page; one repeated
    # in full on the next page is the same cell again.
    if not more or compact(more) == compact(old):
        return old
    return _join(old, more)


def build_plan(
    table: RawTable,
    settings: Settings,
    fiscal_year: int | None = None,
    lang: str = "th",
    unit_fallback: str | None = None,
) -> Plan:
    """Measures and steps from the raw rows. `unit_fallback` (the demo only) stands in for
    a unit the settings do not know instead of stopping the import."""
    drafts: list[_Draft] = []
    for row in table.rows:
        first, steps_cell, unit_cell, cadence_cell = row.cells
        mark = MEASURE_MARK.match(first)
        if mark:
            no = int(to_arabic_digits(mark.group(1)))
            if drafts and no <= drafts[-1].no:
                raise PlanError("measure_order", row.where, lang, no=no, prev=drafts[-1].no)
            drafts.append(_Draft(no, first[mark.end():].strip(), row.where, unit_cell, cadence_cell))
        elif not drafts:
            key = "orphan_row" if not first else "measure_no_number"
            raise PlanError(key, row.where, lang, text=first[:60])
        elif first and row.after_break:
            drafts[-1].title = _join(drafts[-1].title, first)  # a title cut at a page break
        elif first:
            raise PlanError("measure_no_number", row.where, lang, text=first[:60])
        draft = drafts[-1]
        if not mark:
            draft.unit = _merge_cell(draft.unit, unit_cell)
            draft.cadence = _merge_cell(draft.cadence, cadence_cell)
        if steps_cell:
            _add_steps(draft, steps_cell, row.where, lang)

    if not drafts:
        # Importing nothing would list every row of the sheet as gone from the plan.
        raise PlanError("no_measures", None, lang)
    measures: list[Measure] = []
    problems: list[tuple[str, Where, dict[str, Any]]] = []
    for d in drafts:
        if not d.title:
            raise PlanError("no_title", d.where, lang, no=d.no)
        if not d.steps:
            raise PlanError("no_steps", d.where, lang, measure=d.no)
        unit = resolve_unit(d.unit, settings) or (unit_fallback if d.unit else None)
        if unit is None:
            problems.append(("unknown_unit" if d.unit else "missing_unit", d.where,
                             {"measure": d.no, "value": d.unit}))
        cadence = resolve_cadence(d.cadence)
        if cadence is None:
            problems.append(("unknown_cadence" if d.cadence else "missing_cadence", d.where,
                             {"measure": d.no, "value": d.cadence}))
        measures.append(Measure(d.no, d.title, unit or "", cadence or "",
                                [Step(no, text) for no, text in d.steps], d.where))
    if problems:
        key, where, params = problems[0]
        error = PlanError(key, where, lang, **params)
        error.problems = problems
        raise error

    notes: list[str] = []
    title_year = plan_title_year(table.title_text)
    if fiscal_year is None:
        if title_year is None:
            raise PlanError("no_fiscal_year", None, lang)
        fiscal_year = title_year
    elif title_year is not None and title_year != fiscal_year:
        notes.append(_text("fy_override", lang, used=fiscal_year, title=title_year))
    return Plan(fiscal_year, measures, notes)


def plan_title_year(lines: list[str]) -> int | None:
    """The BE fiscal year the plan's title names ("ประจำปี พ.ศ.๒๕๖๓"), if any."""
    for line in lines:
        for found in _YEAR.finditer(to_arabic_digits(compact(line))):
            year = int(found.group(1))
            if 2400 <= year < 2700:
                return year
    return None


def parse_plan(
    source: str | Path,
    settings: Settings,
    fiscal_year: int | None = None,
    lang: str = "th",
    unit_fallback: str | None = None,
) -> Plan:
    """A plan from a file (.txt or .docx, given as a Path) or from text (given as a str)."""
    if isinstance(source, str):
        return build_plan(read_text_rows(source, lang), settings, fiscal_year, lang, unit_fallback)
    path = Path(source)
    if not path.is_file():
        raise PlanError("file_missing", None, lang, path=path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from automation.plan_docx import read_docx_rows

        table = read_docx_rows(path, lang)
    elif suffix in (".txt", ".text", ".tsv"):
        table = read_text_rows(_read_text(path, lang), lang)
    else:
        raise PlanError("file_type", None, lang, path=path)
    return build_plan(table, settings, fiscal_year, lang, unit_fallback)


def _read_text(path: Path, lang: str) -> str:
    data = path.read_bytes()
    # UTF-8 first; Thai Windows (cp874/TIS-620) is what older extraction tools write.
    for encoding in ("utf-8-sig", "cp874"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanError("unreadable", None, lang, path=path, detail="not UTF-8 or TIS-620 text")


# ---------------------------------------------------------------- into the measures sheet


def plan_rows(plan: Plan) -> list[dict[str, Any]]:
    """The plan-owned cells of each step's row, keyed by schema column."""
    return [
        {"row_id": row_id(plan.fiscal_year, m.no, s.no), "fiscal_year": plan.fiscal_year,
         "measure_no": m.no, "measure": m.title, "step_no": s.no, "step": s.text,
         "unit": m.unit, "cadence": cadence_label(m.cadence)}
        for m in plan.measures
        for s in m.steps
    ]
