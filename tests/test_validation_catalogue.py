"""The bad-input catalogue: each realistic mistake gets exactly one finding, in the right place.

Every case puts one mistake into an otherwise clean row (sheet row 3, after a clean row 2)
and asserts the single finding's sheet, row, column and rule. Clean rows must produce
nothing, and no value in any cell of any sheet may crash validation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from automation.findings import RULES, cell_notes, findings_grid
from automation.schema import Schema, build_schema
from automation.settings import load_settings
from automation.tables import to_table
from automation.validation import MAX_CELL_CHARS, validate_table
from automation.workbook.base import CellError

PROJECT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 4, 20)  # FY 2567, as tests/conftest.py pins it
SETTINGS = load_settings(PROJECT / "config" / "settings.toml", run__today=TODAY)
SCHEMA: Schema = build_schema(SETTINGS)
QUESTIONS = [q.key for q in SETTINGS.survey.questions]

CLEAN: dict[str, list[dict[str, Any]]] = {
    "measures": [
        {"row_id": "2567-01-01", "fiscal_year": 2567, "measure_no": 1,
         "measure": "การเผยแพร่ข้อมูลที่เกี่ยวข้องกับการใช้จ่ายงบประมาณให้บุคลากรทราบ", "step_no": 1,
         "step": "จัดทำมาตรการในการเผยแพร่ข้อมูล", "unit": "กองคลัง", "cadence": "รอบ ๖ เดือนและประจำปี",
         "due_date": "31/03/2567", "status": "ดำเนินการแล้ว", "done_date": "15/03/2567",
         "evidence_url": "https://www.example.go.th/ita/2567-01-01", "result": "ดำเนินการแล้วเสร็จตามแผน",
         "note": None},
        {"row_id": "2567-01-02", "fiscal_year": "๒๕๖๗", "measure_no": "1", "measure": "การเผยแพร่ข้อมูล",
         "step_no": 2.0, "step": "เผยแพร่ข้อมูลให้บุคลากรทราบ", "unit": "สำนักงานปลัด อบต.",
         "cadence": "ณ สิ้นปีงบประมาณ", "due_date": dt.datetime(2024, 9, 30), "status": "ดำเนินการแล้ว",
         "done_date": "๑ เม.ย. ๖๗", "evidence_url": "http://example.go.th/ita/2", "result": "แล้วเสร็จ",
         "note": "-"},
    ],
    "complaints": [
        {"complaint_id": "ร67-001", "received_date": "01/03/2567", "channel": "โทรศัพท์",
         "complainant": "สมชาย ใจดี", "contact": "081-234-5678",
         "subject": "ขอให้ซ่อมไฟฟ้าส่องสว่างถนนหมู่ ๓", "category": "ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป",
         "unit": "กองช่าง", "status": "ยุติเรื่อง", "ack_date": "02/03/2567", "closed_date": "10/03/2567",
         "outcome": "ดำเนินการแก้ไขแล้ว แจ้งผู้ร้องทราบ"},
        {"complaint_id": "ร67-002", "received_date": dt.date(2024, 3, 5), "channel": "Facebook/LINE",
         "complainant": "มาลี มีสุข", "contact": "+66 81 234 5678", "subject": "เจ้าหน้าที่พูดจาไม่สุภาพ",
         "category": "การให้บริการไม่เป็นธรรม/พฤติกรรมเจ้าหน้าที่", "unit": "สำนักงานปลัด อบต.",
         "status": "ยุติเรื่อง", "ack_date": "5 มี.ค. 2567", "closed_date": "2024-03-19",
         "outcome": "ตักเตือนเจ้าหน้าที่ แจ้งผู้ร้องทราบ"},
    ],
    "responses": [
        {"timestamp": dt.datetime(2024, 4, 1, 9, 0, 0), "service_point": "งานทะเบียนและบัตร",
         "gender": "หญิง", "age": "20-39 ปี", **{q: "มากที่สุด" for q in QUESTIONS},
         "comment": "บริการดีมาก"},
        {"timestamp": "2/4/2567 10:15:00", "service_point": "งานประปา", "gender": "ชาย", "age": "60 ปีขึ้นไป",
         **{q: v for q, v in zip(QUESTIONS, [4, "5", "๓", "มาก", "พึงพอใจมาก", "5 - มากที่สุด", 4, 4, 5, None],
                                 strict=True)},
         "comment": "@bansuan ติดต่อกลับทางไลน์"},
    ],
}


def grid_for(sheet: str, rows: list[dict[str, Any]]) -> list[list[Any]]:
    layout = SCHEMA[sheet]
    return [layout.headers(), *([row.get(c.key) for c in layout.columns] for row in rows)]


def findings_for(sheet: str, rows: list[dict[str, Any]], lang: str = "th") -> list[Any]:
    return validate_table(to_table(SCHEMA[sheet], grid_for(sheet, rows)), TODAY, lang)


@dataclass
class Case:
    sheet: str
    changes: dict[str, Any]  # cells of row 3 that differ from the clean row
    rule: str
    column: str  # the column key the finding must name
    row: int = 3
    note: str = ""
    extra: list[dict[str, Any]] = field(default_factory=list)  # more rows after row 3

    @property
    def id(self) -> str:
        return f"{self.sheet}-{self.rule}-{self.note or next(iter(self.changes), '')}"


def M(changes: dict[str, Any], rule: str, column: str | None = None, note: str = "") -> Case:
    return Case("measures", changes, rule, column or next(iter(changes)), note=note)


def C(changes: dict[str, Any], rule: str, column: str | None = None, note: str = "") -> Case:
    return Case("complaints", changes, rule, column or next(iter(changes)), note=note)


def R(changes: dict[str, Any], rule: str, column: str | None = None, note: str = "") -> Case:
    return Case("responses", changes, rule, column or next(iter(changes)), note=note)


LONG = "ข้อความที่วางซ้ำ " * (MAX_CELL_CHARS // 10)
NO_RATINGS = {q: None for q in QUESTIONS}

CASES: list[Case] = [
    # ---- measures: required
    *(M({key: None}, "required") for key in
      ("row_id", "fiscal_year", "measure_no", "measure", "step_no", "step", "unit", "cadence", "status")),
    M({"status": "   "}, "required", note="spaces only"),
    # ---- measures: whole numbers
    M({"fiscal_year": "สองห้าหกเจ็ด"}, "int"),
    M({"measure_no": "1ก"}, "int"),
    M({"step_no": 0}, "int", note="zero"),
    M({"step_no": -1}, "int", note="negative"),
    M({"step_no": "2.5"}, "int", note="fraction text"),
    M({"step_no": "๑.๕"}, "int", note="thai fraction"),
    M({"measure_no": True}, "int", note="boolean"),
    M({"measure_no": dt.date(2024, 1, 1)}, "int", note="date"),
    # ---- measures: fiscal year in the wrong era or implausible
    M({"fiscal_year": 2024}, "wrong-era", note="CE fiscal year"),
    M({"fiscal_year": "67"}, "wrong-era", note="short fiscal year"),
    M({"fiscal_year": 2550}, "fiscal-year", note="too old"),
    M({"fiscal_year": 3000}, "fiscal-year", note="far future"),
    # ---- measures: dates
    M({"due_date": "พรุ่งนี้"}, "date-format"),
    M({"due_date": "31/03"}, "date-format", note="no year"),
    M({"due_date": "มีนาคม 2567"}, "date-format", note="no day"),
    M({"done_date": "ไม่ทราบ"}, "date-format"),
    M({"due_date": "31/02/2567"}, "date-impossible"),
    M({"due_date": "32/01/2567"}, "date-impossible", note="day 32"),
    M({"done_date": "29/02/2566"}, "date-impossible", note="29 Feb in a common year"),
    M({"done_date": "15/13/2567"}, "date-impossible", note="month 13"),
    M({"done_date": dt.date(2567, 3, 15)}, "wrong-era", note="BE year in a date cell"),
    M({"due_date": dt.datetime(2567, 3, 31)}, "wrong-era", note="BE year in a datetime cell"),
    M({"done_date": "15/03/1481"}, "wrong-era", note="543 taken off twice"),
    M({"due_date": dt.date(1481, 3, 31)}, "wrong-era", note="CE date cell far back"),
    M({"done_date": "15/03/2010"}, "date-implausible"),
    M({"due_date": dt.date(1950, 1, 1)}, "date-implausible", note="1950"),
    M({"due_date": dt.date(9999, 12, 31)}, "date-implausible", note="placeholder 9999 is no era mix-up"),
    M({"done_date": "15/05/2567"}, "date-future"),
    M({"done_date": "01/04/2025"}, "date-future", note="future and outside the year: future only"),
    M({"due_date": "15/10/2567"}, "outside-fiscal-year"),
    M({"done_date": "15/09/2566"}, "outside-fiscal-year", note="before the year"),
    M({"due_date": "30/09/2566"}, "outside-fiscal-year", note="last day of the year before"),
    # ---- measures: evidence links
    M({"evidence_url": "ดูในแฟ้มกองคลัง"}, "url"),
    M({"evidence_url": "www.example.go.th/ita/1"}, "url", note="no scheme"),
    M({"evidence_url": "ftp://example.go.th/x"}, "url", note="ftp"),
    M({"evidence_url": "https://"}, "url", note="no host"),
    M({"evidence_url": "http://example"}, "url", note="host without a dot"),
    M({"evidence_url": "https://www.example.go.th/a b"}, "url", note="space inside"),
    M({"evidence_url": "example.com"}, "url", note="bare domain"),
    M({"evidence_url": "ดูแฟ้ม https://www.example.go.th/ita/1"}, "url", note="words beside the link"),
    M({"evidence_url": "https://a.go.th/1 www.example.go.th/2"}, "url", note="second link without scheme"),
    # ---- measures: choices
    M({"unit": "ฝ่ายไอที"}, "choice"),
    M({"status": "รออนุมัติ"}, "choice"),
    M({"cadence": "ทุกเดือน"}, "choice"),
    M({"status": "ดำเนนการแล้ว"}, "choice-typo", note="vowel missing"),
    M({"status": "ดำเนินการเเล้ว"}, "choice-typo", note="two เ for แ"),
    M({"unit": "กองคลง"}, "choice-typo", note="mai han-akat missing"),
    M({"unit": "กองช่าง่"}, "choice-typo", note="tone mark doubled"),
    M({"cadence": "ณ สิ้นปีงบประมาน"}, "choice-typo", note="wrong final letter"),
    M({"status": "ดำเนินการแล้ว "}, "choice-spacing", note="trailing space"),
    M({"status": " ดำเนินการแล้ว"}, "choice-spacing", note="leading space"),
    M({"unit": "กองคลัง  "}, "choice-spacing", note="two trailing spaces"),
    M({"unit": "สำนักงานปลัด  อบต."}, "choice-spacing", note="double space"),
    M({"cadence": "รอบ ๖ เดือน และประจำปี"}, "choice-spacing", note="PDF-wrap space"),
    M({"status": "done "}, "choice-spacing", note="English label in lower case"),
    M({"cadence": "รอบ 6 เดือนและประจำปี"}, "choice-spacing", note="Arabic digit for Thai"),
    M({"cadence": "รอบ 6 เดือน และประจำปี"}, "choice-spacing", note="Arabic digit and a PDF-wrap space"),
    M({"status": "DONE"}, "choice-spacing", note="upper case"),
    M({"unit": "สำนักปลัด"}, "choice-alias"),
    M({"unit": "กองการคลัง"}, "choice-alias", note="finance alias"),
    M({"unit": "สป."}, "choice-alias", note="abbreviation"),
    M({"status": "เสร็จแล้ว"}, "choice-alias", note="status alias"),
    M({"status": "in_progress", "done_date": None}, "choice-alias", note="status key"),
    # ---- measures: cross-field
    M({"done_date": None}, "done-needs-date"),
    M({"done_date": "  "}, "done-needs-date", note="spaces only"),
    M({"row_id": "2567-01-01"}, "duplicate-id"),
    M({"row_id": "2567-01-01 "}, "duplicate-id", note="trailing space"),
    M({"row_id": "๒๕๖๗-๐๑-๐๑"}, "duplicate-id", note="thai digits"),
    # ---- measures: a formula whose cached result is an error (the .xlsx reader's CellError)
    M({"step_no": CellError("#REF!")}, "formula-error", note="deleted reference"),
    M({"due_date": CellError("#VALUE!")}, "formula-error", note="date formula"),
    M({"result": CellError("#N/A")}, "formula-error", note="text column"),
    # ---- measures: suspicious content
    M({"result": "=SUM(A1:A3)"}, "formula-like"),
    M({"note": "+ติดต่อคุณสมชาย"}, "formula-like", note="plus"),
    M({"result": "-ดำเนินการแล้ว"}, "formula-like", note="minus"),
    M({"note": "=1+1"}, "formula-like", note="arithmetic"),
    M({"measure": "@SUM(1,2)"}, "formula-like", note="at sign"),
    M({"result": "ผลการดำเนินการ\x07"}, "control-chars"),
    M({"step": "ขั้นตอน\x00"}, "control-chars", note="NUL"),
    M({"note": LONG}, "too-long"),
    # ---- complaints: required
    *(C({key: None}, "required") for key in
      ("complaint_id", "received_date", "channel", "subject", "category", "unit", "status")),
    # ---- complaints: dates
    C({"received_date": "เมื่อวาน"}, "date-format"),
    C({"ack_date": "2/3"}, "date-format", note="no year"),
    C({"closed_date": "ยังไม่ยุติ"}, "date-format"),
    C({"received_date": "30/02/2567"}, "date-impossible"),
    C({"ack_date": "00/03/2567"}, "date-impossible", note="day 0"),
    C({"closed_date": "31/04/2567"}, "date-impossible", note="31 April"),
    C({"received_date": dt.date(2567, 3, 1)}, "wrong-era"),
    C({"ack_date": "02/03/3110"}, "wrong-era", note="543 added twice"),
    C({"closed_date": dt.datetime(1481, 3, 10)}, "wrong-era", note="543 taken off twice"),
    C({"received_date": "01/03/2555"}, "date-implausible"),
    C({"received_date": "01/05/2567"}, "date-future"),
    C({"closed_date": "30/04/2567"}, "date-future", note="closed tomorrow-ish"),
    C({"ack_date": "21/04/2567"}, "date-future", note="acknowledged tomorrow"),
    C({"ack_date": "28/02/2567"}, "date-order", note="acknowledged before received"),
    C({"closed_date": "29/02/2567"}, "date-order", note="closed before both"),
    C({"received_date": "20/03/2567"}, "date-order", note="received after both"),
    C({"closed_date": "01/03/2567"}, "date-order", note="closed before acknowledged"),
    # ---- complaints: status needs
    C({"closed_date": None}, "closed-needs-date"),
    C({"outcome": None}, "closed-needs-outcome"),
    C({"outcome": "   "}, "closed-needs-outcome", note="spaces only"),
    # ---- complaints: duplicate ids
    C({"complaint_id": "ร67-001"}, "duplicate-id"),
    C({"complaint_id": "ร๖๗-๐๐๑"}, "duplicate-id", note="thai digits"),
    # ---- complaints: choices
    C({"channel": "ไปรษณีย์อิเล็กทรอนิกส์"}, "choice"),
    C({"category": "อื่นๆ"}, "choice"),
    C({"status": "รอพิจารณา"}, "choice"),
    C({"unit": "อบจ."}, "choice"),
    C({"channel": "โทรศัพ"}, "choice-typo"),
    C({"channel": "เวบไซต์"}, "choice-typo", note="mai tai khu missing"),
    C({"category": "การจัดซื้อจัดจ้า"}, "choice-typo"),
    C({"status": "ยุติเรือง"}, "choice-typo", note="mai ek missing"),
    C({"channel": "โทรศัพท์ "}, "choice-spacing"),
    C({"status": "ยุติ เรื่อง"}, "choice-spacing", note="space inside"),
    C({"channel": "ไลน์"}, "choice-alias"),
    C({"category": "ทุจริต"}, "choice-alias"),
    C({"unit": "กองโยธา"}, "choice-alias", note="unit alias"),
    C({"status": "ยุติ"}, "choice-alias", note="status alias"),
    # ---- complaints: suspicious content
    C({"subject": '=IMPORTXML("http://example.com","//a")'}, "formula-like"),
    C({"subject": "+ด่วน ขอให้แก้ไข"}, "formula-like", note="plus"),
    C({"complainant": '=HYPERLINK("http://evil.example","คลิก")'}, "formula-like", note="hyperlink"),
    C({"contact": "@cmd|' /C calc'!A0"}, "formula-like", note="at sign before DDE"),
    C({"outcome": "-แจ้งแล้ว"}, "formula-like", note="minus"),
    C({"subject": "ร้องเรียน\x0bเรื่องถนน"}, "control-chars"),
    C({"complainant": "\x1bสมชาย"}, "control-chars", note="escape"),
    C({"subject": LONG}, "too-long"),
    # ---- responses
    R({"timestamp": None}, "required"),
    R({"service_point": None}, "required"),
    R({"timestamp": "ไม่ระบุ"}, "date-format"),
    R({"timestamp": "2024/13/45"}, "date-impossible", note="slashes year first, month 13"),
    R({"timestamp": "31/02/2567 10:00:00"}, "date-impossible"),
    R({"timestamp": "2024-03-15 25:00"}, "time-impossible", note="hour 25"),
    R({"timestamp": dt.datetime(2567, 4, 1, 9, 0)}, "wrong-era"),
    R({"timestamp": dt.datetime(2000, 1, 1, 9, 0)}, "date-implausible"),
    R({"timestamp": dt.datetime(2024, 4, 21, 8, 0)}, "date-future"),
    R({"q1": "ดีมาก"}, "likert"),
    R({"q2": 6}, "likert", note="six"),
    R({"q3": 0}, "likert", note="zero"),
    R({"q4": "5 - น้อยที่สุด"}, "likert", note="number and label disagree"),
    R({"q5": "ไม่แน่ใจ"}, "likert", note="not sure"),
    R({"q6": 2.5}, "likert", note="fraction"),
    R({"q10": "๖"}, "likert", note="thai six"),
    # a level digit that only starts a bigger number is no level: never read "15" as 1
    R({"q7": "15"}, "likert", note="fifteen"),
    R({"q8": "10"}, "likert", note="ten"),
    R({"q9": "3.5"}, "likert", note="fraction typed"),
    R({"q1": "๑๕"}, "likert", note="thai fifteen"),
    R({"q2": "4/10"}, "likert", note="out of ten"),
    R({"q3": "15/03/2567"}, "likert", note="a date"),
    R(NO_RATINGS, "no-ratings", "q1"),
    R({"service_point": "งานอื่น ๆ"}, "choice"),
    R({"gender": "ไม่บอก"}, "choice", note="gender"),
    R({"service_point": "งานทะเบียนและบัต"}, "choice-typo"),
    R({"comment": "=cmd|' /C calc'!A0"}, "formula-like"),
    R({"comment": "@SUM(1+1)"}, "formula-like", note="at sign"),
    R({"age": "=1+2"}, "formula-like", note="age"),
    R({"comment": "\x1b[31mบริการดี"}, "control-chars"),
    R({"comment": LONG}, "too-long"),
    # ---- issue 16: what a careful checker flags that was missed (each value as the issue
    # wrote it, then a variant). Row 3 of the clean sheet is done on ๑ เม.ย. ๖๗ with evidence.
    M({"status": "ยังไม่ดำเนินการ"}, "done-date-not-done", "done_date", note="not started with a done date"),
    M({"status": "อยู่ระหว่างดำเนินการ", "done_date": "10/04/2567"}, "done-date-not-done", "done_date",
      note="in progress with a done date"),
    C({"status": "รับเรื่องแล้ว"}, "closed-date-not-closed", "closed_date", note="received, closed date and outcome"),
    C({"status": "อยู่ระหว่างดำเนินการ", "outcome": None}, "closed-date-not-closed", "closed_date",
      note="in progress with a closed date only"),
    M({"evidence_url": None}, "done-needs-evidence"),
    M({"evidence_url": "\u200b"}, "done-needs-evidence", note="evidence only a zero-width space"),
    M({"evidence_url": "-"}, "done-needs-evidence", note="a dash for no evidence"),
    M({"done_date": "-"}, "done-needs-date", note="a dash for no date"),
    C({"outcome": "-"}, "placeholder-text", note="dash outcome"),
    C({"outcome": "."}, "placeholder-text", note="dot outcome"),
    M({"result": "ไม่มี"}, "placeholder-text", note="none result of a done step"),
    M({"result": "-"}, "placeholder-text", note="dash result of a done step"),
    C({"outcome": "N/A"}, "placeholder-text", note="N/A outcome"),
    M({"step": "-"}, "placeholder-text", note="required step text"),
    M({"step_no": 1}, "duplicate-step", note="step 1 twice in measure 1"),
    M({"step_no": "๑", "row_id": "2567-01-07"}, "duplicate-step", note="thai digit step twice"),
    M({"row_id": "2567-02-02"}, "row-id-mismatch", note="measure part"),
    M({"row_id": "2566-01-02"}, "row-id-mismatch", note="fiscal year part"),
    M({"row_id": "๒๕๖๗-๐๑-๐๓"}, "row-id-mismatch", note="step part in thai digits"),
    M({"step": "\u200b"}, "required", note="only a zero-width space"),
    C({"subject": "\u200b\ufeff "}, "required", note="zero-width and BOM only"),
    M({"result": "ดำเนินการแล้ว\u202eฟดหก"}, "control-chars", note="right-to-left override"),
    C({"subject": "\u2067ถนนชำรุด\u2069"}, "control-chars", note="bidi isolates"),
    M({"evidence_url": "https://www.example.go.th/\u200bita/1"}, "url", note="zero-width space in a link"),
    M({"evidence_url": "https://www.example.go.th/ita/1\u200e"}, "url", note="LRM after a link"),
    M({"measure_no": 10**30}, "number-range", note="ten to the thirty"),
    M({"step_no": "1000000"}, "number-range", note="a million steps"),
    M({"measure_no": 1e30}, "number-range", note="ten to the thirty as a float"),
    R({"timestamp": "15/03/2567 25:00:00"}, "time-impossible", note="25 o'clock as the form writes it"),
    R({"timestamp": "15/03/2567 เวลา 10.75 น."}, "time-impossible", note="minute 75"),
    # ---- issue 16: near-misses that had the wrong name
    M({"status": "ดำเนินการแล้ว\u200e"}, "hidden-marks", note="LRM in a status"),
    M({"unit": "กองคลัง\u200f"}, "hidden-marks", note="RLM in a unit"),
    M({"status": "\u202bดำเนินการแล้ว\u202c"}, "hidden-marks", note="RLE in a status"),
    M({"status": "ดำเนินการแล้ว\x07"}, "hidden-marks", note="bell in a status"),
    M({"status": "ด\u0e4d\u0e32เนินการแล้ว"}, "hidden-marks", note="sara am in two parts"),
    C({"unit": "กองช่าง\u200e"}, "hidden-marks", note="LRM in a complaint unit"),
    C({"status": "ยุติเรื่อง\u200b"}, "hidden-marks", note="zero-width space in a status"),
    M({"measure_no": "1\u200e"}, "hidden-marks", note="LRM in a number"),
    M({"due_date": 2567}, "date-year-only", note="BE year number"),
    M({"due_date": 2024}, "date-year-only", note="CE year number"),
    M({"done_date": "พ.ศ. 2567"}, "date-year-only", note="BE year text"),
    C({"received_date": "๒๕๖๗"}, "date-year-only", note="thai digit year"),
    R({"timestamp": 2567}, "date-year-only", note="a year as a timestamp"),
    M({"due_date": "31/12/9999"}, "date-implausible", note="placeholder typed as text"),
    M({"evidence_url": "https://www.example.go.th/ita/1 ดูหน้า 3"}, "url", note="link then words"),
    R({"q1": "มาก ที่สุด"}, "likert-spacing"),
    R({"q2": "น้อย ที่สุด"}, "likert-spacing", note="least"),
    R({"q3": "ปาน กลาง"}, "likert-spacing", note="moderate"),
    M({"done_date": "วันเสาร์ที่ 15 มีนาคม 2567"}, "date-weekday", note="15 March 2567 was a Friday"),
    M({"done_date": "วันจันทร์ที่ ๑ เม.ย. ๖๗\u200b"}, "hidden-marks", note="hidden mark in a date"),
    # ---- issue 16, beyond the list: a careful checker's cross-checks
    C({"complaint_id": "ร.012/2566"}, "id-year", note="id of 2566 received in 2567"),
    C({"complaint_id": "ร68-002"}, "id-year", note="short id year ahead"),
    M({"due_date": "31/03/2567", "done_date": "05/04/2567", "result": "ดำเนินการแล้วเสร็จตามกำหนด"},
      "late-on-time", "result"),
    M({"due_date": "31/03/2567", "done_date": "10/04/2567", "result": "แล้วเสร็จทันเวลา"}, "late-on-time", "result",
      note="in time"),
]

# Row 3 as a copy of row 2, sent again: the form's double submission.
DUPLICATE_CASES = [
    Case("responses", {"timestamp": dt.datetime(2024, 4, 1, 9, 0, 0)}, "duplicate-response", "timestamp",
         note="same second"),
    Case("responses", {"timestamp": dt.datetime(2024, 4, 1, 9, 1, 30)}, "duplicate-response", "timestamp",
         note="ninety seconds later"),
    Case("responses", {"timestamp": dt.datetime(2024, 4, 1, 9, 2, 0)}, "duplicate-response", "timestamp",
         note="two minutes later"),
]


def test_the_catalogue_has_over_100_cases_and_covers_every_cell_rule() -> None:
    assert len(CASES) + len(DUPLICATE_CASES) >= 100
    covered = {c.rule for c in [*CASES, *DUPLICATE_CASES]}
    import automation.validation  # noqa: F401  (fills the catalogue)

    # whole-sheet rules, tested in test_validation.py and test_validation_consistency.py
    structural = {"missing-sheet", "missing-column", "sheet-title", "header-variant", "duplicate-column"}
    validation_rules = {r for r, cls in RULES.items() if cls.__module__ == "automation.validation_rules"}
    assert validation_rules - structural <= covered


@pytest.mark.parametrize("sheet", ["measures", "complaints", "responses"])
def test_clean_rows_produce_no_findings(sheet: str) -> None:
    assert findings_for(sheet, CLEAN[sheet]) == []


def _apply(case: Case) -> list[dict[str, Any]]:
    first, second = CLEAN[case.sheet]
    return [first, {**second, **case.changes}, *case.extra]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_mistake_gets_exactly_one_finding_in_the_right_place(case: Case) -> None:
    found = findings_for(case.sheet, _apply(case))
    where = [(f.sheet, f.row, f.column_key, f.rule) for f in found]
    assert where == [(SCHEMA[case.sheet].title, case.row, case.column, case.rule)]
    finding = found[0]
    layout = SCHEMA[case.sheet]
    assert finding.column == layout.column(case.column).th
    assert finding.col_number == [c.key for c in layout.columns].index(case.column) + 1
    assert f"แถว {case.row}" in finding.message and layout.title in finding.message
    assert finding.suggestion


@pytest.mark.parametrize("case", DUPLICATE_CASES, ids=lambda c: c.id)
def test_the_same_submission_twice_is_found_on_the_second_row(case: Case) -> None:
    first = CLEAN["responses"][0]
    found = findings_for("responses", [first, {**first, **case.changes}])
    assert [(f.row, f.column_key, f.rule) for f in found] == [(3, case.column, case.rule)]
    assert "แถว 2" in found[0].message


def test_identical_answers_three_minutes_apart_are_two_people() -> None:
    first = CLEAN["responses"][0]
    later = {**first, "timestamp": first["timestamp"] + dt.timedelta(minutes=3)}
    assert findings_for("responses", [first, later]) == []


@pytest.mark.parametrize(
    ("sheet", "changes"),
    [
        ("measures", {"note": "-"}),
        ("measures", {"note": "--"}),
        ("measures", {"step_no": "-"}),  # not suspicious as text, but still not a number
        ("complaints", {"contact": "+66 81 234 5678"}),
        ("complaints", {"contact": "-"}),
        ("complaints", {"contact": "@bansuan"}),
        ("complaints", {"outcome": "แจ้งผลแล้ว\nตามหนังสือที่ ๑๒๓"}),  # a line break is normal
        ("measures", {"due_date": 45382}),  # a date serial: 31 Mar 2024
        ("measures", {"done_date": "15 มีนาคม พ.ศ. 2567"}),
        ("measures", {"done_date": "2024-03-15"}),
        ("measures", {"done_date": "วันศุกร์ที่ 15 มีนาคม 2567"}),  # issue 16: as letters write dates
        ("measures", {"done_date": "2567/03/15"}),  # issue 16: year first with slashes
        ("measures", {"done_date": "วันจันทร์ที่ ๑ เม.ย. ๖๗"}),  # 1 April 2024 was a Monday
        ("measures", {"done_date": "2567.03.15"}),
        ("measures", {"done_date": "05/04/2567", "due_date": "31/03/2567", "result": "แล้วเสร็จไม่ทันตามกำหนด"}),
        ("measures", {"status": "ยกเลิก", "evidence_url": None, "result": "-", "done_date": None}),
        ("measures", {"row_id": "ITA-67-02"}),  # the office's own id form is not the plan's
        ("measures", {"status": "อยู่ระหว่างดำเนินการ", "done_date": "-", "evidence_url": "-"}),  # "-": none yet
        ("complaints", {"complaint_id": "ร.012/2567"}),  # received 5 Mar 2567: its own year
        ("complaints", {"status": "ส่งต่อหน่วยงานอื่น"}),  # referred with a date: the referral's
        ("measures", {"fiscal_year": 2567.0}),
        ("measures", {"status": "Done"}),
        ("measures", {"evidence_url": "https://www.example.go.th/ita/1\nhttps://www.example.go.th/ita/2"}),
        ("measures", {"evidence_url": "https://www.example.go.th/ita/1, https://drive.google.com/file/d/x"}),
        ("responses", {"q1": "(5) มากที่สุด"}),
        ("responses", {"q2": 5.0}),
        ("responses", {"q3": "4/5"}),  # four out of five
        ("responses", {"q4": "4 จาก 5"}),
        ("responses", {"q7": "5 คะแนน"}),
        ("responses", {"gender": "อื่น ๆ"}),  # a form option that is an alias: not the office's to fix
        ("responses", {"service_point": "งานประปา "}),  # citizens' form values are not nagged about
    ],
)
def test_accepted_forms_are_not_findings(sheet: str, changes: dict[str, Any]) -> None:
    rows = [CLEAN[sheet][0], {**CLEAN[sheet][1], **changes}]
    found = findings_for(sheet, rows)
    if changes.get("step_no") == "-":
        assert [f.rule for f in found] == ["int"]  # only the type, never "formula-like"
    else:
        assert found == []


def test_last_years_plan_is_judged_against_its_own_fiscal_year() -> None:
    old = {**CLEAN["measures"][0], "row_id": "2560-01-01", "fiscal_year": 2560,
           "due_date": "31/03/2560", "done_date": "15/03/2560"}
    assert findings_for("measures", [CLEAN["measures"][0], old]) == []


def test_every_duplicate_after_the_first_is_named() -> None:
    first = CLEAN["complaints"][0]
    rows = [first, {**first}, {**first}]
    found = findings_for("complaints", rows)
    assert [(f.row, f.rule) for f in found] == [(3, "duplicate-id"), (4, "duplicate-id")]
    assert all("แถว 2" in f.message for f in found)


@pytest.mark.parametrize(("changes", "th", "en"), [
    ({"status": "ดำเนินการแล้ว "}, "มีช่องว่างเกินหรือขาด", "has extra or missing spaces"),
    ({"cadence": "รอบ 6 เดือนและประจำปี"}, "ใช้ตัวเลขต่างแบบจากรายการ (เลขไทย/เลขอารบิก)",
     "uses other digits than the list (Thai/Arabic)"),
    ({"status": "done"}, "ใช้ตัวพิมพ์เล็ก/ใหญ่ต่างจากรายการ", "differs from the list in upper/lower case"),
])
def test_a_near_miss_says_what_differs(changes: dict[str, Any], th: str, en: str) -> None:
    rows = [CLEAN["measures"][0], {**CLEAN["measures"][1], **changes}]
    [thai] = findings_for("measures", rows)
    [english] = findings_for("measures", rows, lang="en")
    value = next(iter(changes.values()))
    assert f"'{value}' {th} ระบบอ่านเป็น" in thai.message
    assert f"'{value}' {en}; read as" in english.message


@pytest.mark.parametrize(("link", "hint"), [
    ("ดูแฟ้ม https://www.example.go.th/ita/1", "ช่องนี้ใส่ได้เฉพาะลิงก์"),
    ("https://a.go.th/1 www.example.go.th/2", "เติม https:// ข้างหน้า: https://www.example.go.th/2"),
    ("ดูในแฟ้มกองคลัง", "ใส่ลิงก์ของหลักฐานที่เผยแพร่แล้ว"),
])
def test_a_link_finding_says_how_to_fix_it(link: str, hint: str) -> None:
    [finding] = findings_for("measures", [CLEAN["measures"][0], {**CLEAN["measures"][1], "evidence_url": link}])
    assert hint in finding.suggestion


def test_a_9999_placeholder_is_shown_as_typed() -> None:
    rows = [CLEAN["measures"][0], {**CLEAN["measures"][1], "due_date": dt.datetime(9999, 12, 31)}]
    [thai] = findings_for("measures", rows)
    [english] = findings_for("measures", rows, lang="en")
    assert "วันที่ 31/12/9999 ห่างจากวันนี้ เกิน 5 ปี" in thai.message
    assert "9999-12-31 is more than 5 years away from today" in english.message


def test_messages_are_english_with_lang_en() -> None:
    case = C({"channel": "โทรศัพ"}, "choice-typo")
    [finding] = findings_for("complaints", _apply(case), lang="en")
    assert finding.column == "Channel"
    assert "row 3" in finding.message and "'โทรศัพ'" in finding.message
    assert finding.suggestion == "Change it to 'โทรศัพท์ (Phone)'"


# ---------------------------------------------------------------- fuzzing

cell_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F), max_size=20),
    st.text(alphabet=st.sampled_from("\x00\x07\x0b\x1b\x7f\u200b\t\n =+-@/.:0123456789๐๑๒๓๔๕"), max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["15/13/2567", "31/02/2567", "มากที่สุด", "ดำเนินการแล้ว ", "=1+1", "ร67-001"]),
)


@pytest.mark.parametrize("sheet", ["measures", "complaints", "responses"])
@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_cell_value_crashes_validation_or_the_write_back(sheet: str, data: st.DataObject) -> None:
    layout = SCHEMA[sheet]
    width = len(layout.columns)
    rows = data.draw(st.lists(st.lists(cell_values, min_size=width, max_size=width), max_size=4))
    base = [[row.get(c.key) for c in layout.columns] for row in CLEAN[sheet]]
    grid = [layout.headers(), *base, *rows]
    found = validate_table(to_table(layout, grid), TODAY, "th")
    numbers = set(range(2, len(grid) + 1))
    for f in found:
        assert f.rule in RULES and f.row in numbers and f.message
    # What is written back must be writable: no control characters in any cell or note.
    for line in findings_grid(found):
        for value in line:
            assert not (isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value))
    for notes in cell_notes(found).values():
        assert all(not ILLEGAL_CHARACTERS_RE.search(n.text) for n in notes)


def test_a_fix_that_names_a_command_names_it_as_staff_type_it() -> None:
    """`./ita …`, as the README's first screen says: `python main.py` fails outside the .venv,
    and the findings sheet is where staff read these."""
    import automation.validation_rules  # noqa: F401  (registers the catalogue)

    for rule_id, rule in RULES.items():
        for words in (*rule.template.values(), *rule.fix.values()):
            assert "main.py" not in words, (rule_id, words)
    assert "./ita init" in RULES["missing-sheet"].fix["th"]
