"""The validation rule catalogue: one small class per kind of mistake (the frictionless-py pattern).

Each rule has an id staff can search for, a severity, a Thai and English title, a message
template naming the sheet, row, column and value, and a suggested fix. The checks that raise
them live in `automation.validation`; this module is only the wording.
"""

from __future__ import annotations

from automation.findings import Rule

_WHERE_TH = "ชีต '{sheet}' แถว {row} ช่อง '{column}'"
_WHERE_EN = "Sheet '{sheet}' row {row}, '{column}'"


# ---------------------------------------------------------------- structure


class MissingSheet(Rule):
    id = "missing-sheet"
    title = {"th": "ไม่พบชีต", "en": "Sheet missing"}
    template = {
        "th": "ไม่พบชีต '{sheet}' ในสมุดงาน",
        "en": "The workbook has no sheet '{sheet}'",
    }
    fix = {
        "th": "เพิ่มชีตชื่อ '{sheet}' (คำสั่ง python main.py init) หรือแก้ชื่อชีตใน config/settings.toml",
        "en": "Add a sheet named '{sheet}' (python main.py init) or fix its title in settings",
    }


class MissingColumn(Rule):
    id = "missing-column"
    title = {"th": "ไม่พบหัวคอลัมน์", "en": "Column missing"}
    template = {
        "th": "ชีต '{sheet}' ไม่มีคอลัมน์ '{column}'",
        "en": "Sheet '{sheet}' has no column '{column}'",
    }
    fix = {
        "th": "เพิ่มหัวคอลัมน์ '{column}' ในแถวที่ 1 (ห้ามเปลี่ยนชื่อหัวคอลัมน์)",
        "en": "Add the header '{column}' in row 1 (do not rename headers)",
    }


class RequiredCell(Rule):
    id = "required"
    title = {"th": "ช่องที่ต้องกรอก", "en": "Required cell"}
    template = {
        "th": "ชีต '{sheet}' แถว {row} ช่อง '{column}' ว่าง ต้องกรอกข้อมูล",
        "en": "Sheet '{sheet}' row {row}: '{column}' is empty but required",
    }
    fix = {"th": "กรอก '{column}' ให้ครบ", "en": "Fill in '{column}'"}


# ---------------------------------------------------------------- cell types


class NotInteger(Rule):
    id = "int"
    title = {"th": "ไม่ใช่จำนวนเต็ม", "en": "Not a whole number"}
    template = {
        "th": _WHERE_TH + ": '{value}' ไม่ใช่ตัวเลขจำนวนเต็มตั้งแต่ 1 ขึ้นไป",
        "en": _WHERE_EN + ": '{value}' is not a whole number of 1 or more",
    }
    fix = {"th": "พิมพ์เป็นตัวเลขจำนวนเต็ม เช่น 3", "en": "Type a whole number, e.g. 3"}


class DateFormat(Rule):
    id = "date-format"
    title = {"th": "อ่านวันที่ไม่ได้", "en": "Not a date"}
    template = {
        "th": _WHERE_TH + ": '{value}' ไม่ใช่วันที่ที่อ่านได้",
        "en": _WHERE_EN + ": '{value}' is not a date",
    }
    fix = {
        "th": "พิมพ์วันที่แบบ วัน/เดือน/ปี พ.ศ. เช่น 15/03/2567 หรือ 15 มี.ค. 2567",
        "en": "Type the date as day/month/year, e.g. 15/03/2567 (BE) or 2024-03-15",
    }


class DateImpossible(Rule):
    id = "date-impossible"
    title = {"th": "วันที่ไม่มีอยู่จริง", "en": "Impossible date"}
    template = {
        "th": _WHERE_TH + ": '{value}' เป็นวันที่ที่ไม่มีในปฏิทิน (เช่น เดือนที่ 13 หรือ 31 กุมภาพันธ์)",
        "en": _WHERE_EN + ": '{value}' is not a day on the calendar (e.g. month 13 or 31 February)",
    }
    fix = {
        "th": "ตรวจสอบวันและเดือน โดยพิมพ์ตามลำดับ วัน/เดือน/ปี",
        "en": "Check the day and month, typed in the order day/month/year",
    }


class WrongEra(Rule):
    id = "wrong-era"
    title = {"th": "ปี พ.ศ./ค.ศ. สลับกัน", "en": "Year in the wrong era"}
    template = {
        "th": _WHERE_TH + ": '{value}' น่าจะพิมพ์ปี พ.ศ. กับ ค.ศ. สลับกัน ({detail})",
        "en": _WHERE_EN + ": '{value}' probably mixes up BE and CE years ({detail})",
    }
    fix = {
        "th": "แก้เป็น {corrected}",
        "en": "Change it to {corrected}",
    }


class DateImplausible(Rule):
    id = "date-implausible"
    severity = "warning"  # old records exist; a person should look, nothing is certainly wrong
    title = {"th": "วันที่ไม่น่าเป็นไปได้", "en": "Implausible date"}
    template = {
        "th": _WHERE_TH + ": วันที่ {date} ห่างจาก{reference}เกิน {years} ปี",
        "en": _WHERE_EN + ": {date} is more than {years} years away from {reference}",
    }
    fix = {"th": "ตรวจสอบวัน เดือน และปีที่พิมพ์", "en": "Check the day, month and year typed"}


class DateFuture(Rule):
    id = "date-future"
    title = {"th": "วันที่ในอนาคต", "en": "Date in the future"}
    template = {
        "th": _WHERE_TH + ": วันที่ {date} ยังมาไม่ถึง (วันนี้ {today})",
        "en": _WHERE_EN + ": {date} is in the future (today is {today})",
    }
    fix = {
        "th": "ตรวจสอบวันที่ ต้องไม่เกินวันนี้ (ปี พ.ศ. = ค.ศ. + 543)",
        "en": "Check the date; it cannot be after today",
    }


class OutsideFiscalYear(Rule):
    id = "outside-fiscal-year"
    severity = "warning"
    title = {"th": "วันที่อยู่นอกปีงบประมาณ", "en": "Date outside the fiscal year"}
    template = {
        "th": _WHERE_TH + ": วันที่ {date} อยู่นอกปีงบประมาณ {fiscal_year} ({start} – {end})",
        "en": _WHERE_EN + ": {date} is outside fiscal year {fiscal_year} ({start} – {end})",
    }
    fix = {
        "th": "ตรวจสอบวันที่ หรือปีงบประมาณของแถวนี้",
        "en": "Check the date, or the row's fiscal year",
    }


class FiscalYearImplausible(Rule):
    id = "fiscal-year"
    title = {"th": "ปีงบประมาณไม่ถูกต้อง", "en": "Implausible fiscal year"}
    template = {
        "th": _WHERE_TH + ": ปีงบประมาณ '{value}' ไม่อยู่ในช่วงที่เป็นไปได้ ({low}–{high})",
        "en": _WHERE_EN + ": fiscal year '{value}' is outside the plausible range ({low}–{high})",
    }
    fix = {
        "th": "พิมพ์ปีงบประมาณเป็นปี พ.ศ. 4 หลัก เช่น {example}",
        "en": "Type the fiscal year as a 4-digit BE year, e.g. {example}",
    }


class NotUrl(Rule):
    id = "url"
    title = {"th": "ไม่ใช่ลิงก์", "en": "Not a link"}
    template = {
        "th": _WHERE_TH + ": '{value}' ไม่ใช่ลิงก์ที่เปิดได้ (ต้องขึ้นต้นด้วย http:// หรือ https://)",
        "en": _WHERE_EN + ": '{value}' is not a link (it must start with http:// or https://)",
    }
    fix = {"th": "{hint}", "en": "{hint}"}


class UnknownChoice(Rule):
    id = "choice"
    title = {"th": "ไม่ใช่ค่าที่เลือกได้", "en": "Not an allowed value"}
    template = {
        "th": _WHERE_TH + ": '{value}' ไม่ใช่ค่าที่เลือกได้ในช่องนี้",
        "en": _WHERE_EN + ": '{value}' is not one of the allowed values",
    }
    fix = {"th": "เลือกจากรายการ: {allowed}", "en": "Choose one of: {allowed}"}


class ChoiceTypo(Rule):
    id = "choice-typo"
    title = {"th": "สะกดไม่ตรงกับค่าที่กำหนด", "en": "Misspelt value"}
    template = {
        "th": _WHERE_TH + ": '{value}' สะกดไม่ตรงกับค่าที่กำหนด (ตกหรือเกินวรรณยุกต์/ตัวอักษร)",
        "en": _WHERE_EN + ": '{value}' is not spelt as an allowed value (a mark or letter missing or extra)",
    }
    fix = {"th": "แก้เป็น '{suggested}'", "en": "Change it to '{suggested}'"}


class ChoiceSpacing(Rule):
    id = "choice-spacing"
    severity = "warning"
    title = {"th": "ช่องว่างเกินในตัวเลือก", "en": "Extra spaces in a value"}
    template = {
        "th": _WHERE_TH + ": '{value}' {detail} ระบบอ่านเป็น '{suggested}' แต่ตัวกรองในชีตจะนับแยกกัน",
        "en": _WHERE_EN + ": '{value}' {detail}; read as '{suggested}', "
        "but sheet filters count it apart",
    }
    fix = {"th": "แก้เป็น '{suggested}' (เลือกจากรายการ)", "en": "Change it to '{suggested}' (pick from the list)"}


class ChoiceAlias(Rule):
    id = "choice-alias"
    severity = "info"
    title = {"th": "ใช้ชื่อเรียกอื่นแทนชื่อมาตรฐาน", "en": "Alias instead of the standard name"}
    template = {
        "th": _WHERE_TH + ": '{value}' เป็นชื่อเรียกอื่นของ '{suggested}' ระบบอ่านเป็น '{suggested}'",
        "en": _WHERE_EN + ": '{value}' is another name for '{suggested}' and is read as it",
    }
    fix = {"th": "ใช้ชื่อมาตรฐาน '{suggested}'", "en": "Use the standard name '{suggested}'"}


class NotLikert(Rule):
    id = "likert"
    severity = "warning"
    title = {"th": "คำตอบไม่ใช่ระดับความพึงพอใจ", "en": "Not a satisfaction level"}
    template = {
        "th": _WHERE_TH + ": คำตอบ '{value}' ไม่ใช่ระดับความพึงพอใจ 1–5 จึงไม่นำไปคำนวณคะแนน",
        "en": _WHERE_EN + ": the answer '{value}' is not a 1–5 level, so it is left out of the scores",
    }
    fix = {
        "th": "ระดับที่ใช้ได้: มากที่สุด มาก ปานกลาง น้อย น้อยที่สุด หรือตัวเลข 5–1 (ตรวจสอบตัวเลือกในแบบฟอร์ม)",
        "en": "Allowed levels: มากที่สุด มาก ปานกลาง น้อย น้อยที่สุด or 5–1 (check the form's options)",
    }


# ---------------------------------------------------------------- cross-field


class DoneNeedsDate(Rule):
    id = "done-needs-date"
    title = {"th": "ดำเนินการแล้วแต่ไม่มีวันที่", "en": "Done without a date"}
    template = {
        "th": "ชีต '{sheet}' แถว {row}: สถานะ '{status}' แต่ช่อง '{column}' ว่าง",
        "en": "Sheet '{sheet}' row {row}: status is '{status}' but '{column}' is empty",
    }
    fix = {
        "th": "กรอก '{column}' หรือแก้สถานะให้ตรงกับความจริง",
        "en": "Fill in '{column}' or correct the status",
    }


class ClosedNeedsDate(Rule):
    id = "closed-needs-date"
    title = {"th": "ยุติเรื่องแล้วแต่ไม่มีวันที่ยุติ", "en": "Closed without a closing date"}
    template = {
        "th": "ชีต '{sheet}' แถว {row}: สถานะ '{status}' แต่ช่อง '{column}' ว่าง",
        "en": "Sheet '{sheet}' row {row}: status is '{status}' but '{column}' is empty",
    }
    fix = {
        "th": "กรอก '{column}' หรือแก้สถานะให้ตรงกับความจริง",
        "en": "Fill in '{column}' or correct the status",
    }


class ClosedNeedsOutcome(Rule):
    id = "closed-needs-outcome"
    title = {"th": "ยุติเรื่องแล้วแต่ไม่มีผลการดำเนินการ", "en": "Closed without an outcome"}
    template = {
        "th": "ชีต '{sheet}' แถว {row}: สถานะ '{status}' แต่ช่อง '{column}' ว่าง",
        "en": "Sheet '{sheet}' row {row}: status is '{status}' but '{column}' is empty",
    }
    fix = {
        "th": "สรุปผลการดำเนินการที่แจ้งผู้ร้องในช่อง '{column}'",
        "en": "Write the outcome told to the complainant in '{column}'",
    }


class DateOrder(Rule):
    id = "date-order"
    title = {"th": "ลำดับวันที่ไม่ถูกต้อง", "en": "Dates out of order"}
    template = {
        "th": _WHERE_TH + ": วันที่ {date} {relation} '{other_column}' ({other_date})",
        "en": _WHERE_EN + ": {date} is {relation} '{other_column}' ({other_date})",
    }
    fix = {"th": "ตรวจสอบวันที่ ลำดับต้องเป็น {order}", "en": "Check the dates; the order must be {order}"}


class DuplicateId(Rule):
    id = "duplicate-id"
    title = {"th": "รหัสซ้ำ", "en": "Duplicate id"}
    template = {
        "th": _WHERE_TH + ": '{value}' ซ้ำกับแถว {first_row}",
        "en": _WHERE_EN + ": '{value}' is already used in row {first_row}",
    }
    fix = {
        "th": "ให้เลขใหม่ที่ไม่ซ้ำ หรือลบแถวที่บันทึกซ้ำ",
        "en": "Give it a new, unused id, or delete the repeated row",
    }


class NoRatings(Rule):
    id = "no-ratings"
    severity = "warning"
    title = {"th": "แบบประเมินไม่มีคะแนน", "en": "Response without ratings"}
    template = {
        "th": "ชีต '{sheet}' แถว {row}: คำตอบนี้ไม่ได้ให้คะแนนความพึงพอใจเลยสักข้อ",
        "en": "Sheet '{sheet}' row {row}: this response rates nothing",
    }
    fix = {
        "th": "ตรวจสอบว่าเป็นการส่งแบบฟอร์มโดยไม่ตั้งใจหรือไม่ คำตอบนี้ไม่นำไปคำนวณคะแนน",
        "en": "Check whether the form was sent by mistake; this response is not scored",
    }


class DuplicateResponse(Rule):
    id = "duplicate-response"
    severity = "warning"
    title = {"th": "ส่งแบบประเมินซ้ำ", "en": "Same submission twice"}
    template = {
        "th": "ชีต '{sheet}' แถว {row}: คำตอบเหมือนแถว {first_row} ทุกข้อ และส่งห่างกัน {seconds} วินาที",
        "en": "Sheet '{sheet}' row {row}: every answer equals row {first_row}, sent {seconds} seconds apart",
    }
    fix = {
        "th": "หากเป็นการกดส่งซ้ำ ให้ลบแถวนี้ เพื่อไม่ให้นับคะแนนสองครั้ง",
        "en": "If the form was sent twice, delete this row so it is not counted twice",
    }


class FormulaError(Rule):
    id = "formula-error"
    title = {"th": "สูตรคำนวณผิดพลาด", "en": "Formula gives an error"}
    template = {
        "th": _WHERE_TH + ": สูตรในช่องนี้ให้ผลเป็น '{value}' แทนค่าที่ต้องการ",
        "en": _WHERE_EN + ": the formula in this cell results in '{value}' instead of a value",
    }
    fix = {
        "th": "แก้สูตรให้คำนวณได้ (#REF! มักเกิดจากลบแถวหรือคอลัมน์ที่สูตรอ้างถึง) หรือพิมพ์ค่าแทนสูตร",
        "en": "Fix the formula (#REF! usually means a row or column it used was deleted) or type the value",
    }


# ---------------------------------------------------------------- suspicious content


class FormulaLike(Rule):
    id = "formula-like"
    severity = "warning"
    title = {"th": "ข้อความคล้ายสูตร", "en": "Text that looks like a formula"}
    template = {
        "th": _WHERE_TH + ": '{value}' ขึ้นต้นด้วย '{char}' โปรแกรมตารางงานอาจตีความเป็นสูตร",
        "en": _WHERE_EN + ": '{value}' starts with '{char}' and may be treated as a formula",
    }
    fix = {
        "th": "ระบบเก็บไว้เป็นข้อความตามเดิม ตรวจสอบเนื้อหา และระวังเมื่อคัดลอกไปใช้ในไฟล์อื่น",
        "en": "It is kept as text; check the content and take care when copying it elsewhere",
    }


class ControlCharacters(Rule):
    id = "control-chars"
    severity = "warning"
    title = {"th": "มีอักขระที่มองไม่เห็น", "en": "Invisible control characters"}
    template = {
        "th": _WHERE_TH + ": '{value}' มีอักขระควบคุมที่มองไม่เห็น ({codes})",
        "en": _WHERE_EN + ": '{value}' holds invisible control characters ({codes})",
    }
    fix = {
        "th": "พิมพ์ข้อความนี้ใหม่ หรือลบอักขระที่มองไม่เห็นออก",
        "en": "Retype the text or delete the invisible characters",
    }


class TooLong(Rule):
    id = "too-long"
    severity = "warning"
    title = {"th": "ข้อความยาวผิดปกติ", "en": "Absurdly long text"}
    template = {
        "th": _WHERE_TH + ": ข้อความยาว {length} ตัวอักษร เกินกว่า {limit} ตัวอักษร",
        "en": _WHERE_EN + ": the text is {length} characters long, more than {limit}",
    }
    fix = {
        "th": "ตรวจสอบว่าวางข้อความผิดหรือไม่ และย่อให้สั้นลง",
        "en": "Check whether something was pasted by mistake, and shorten it",
    }
