"""A deadline item (a step, a measure or a complaint owing something by a date) and the
finding that says it is overdue or due soon: what automation.deadlines produces for the plan's
steps and measures and for the complaints, in the words staff read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Literal

from automation.checkpoints import Status
from automation.findings import Finding, Rule
from automation.thaidate import format_date

Kind = Literal["step", "measure", "complaint"]


class Overdue(Rule):
    id = "overdue"
    severity = "error"
    title = {"th": "เลยกำหนด", "en": "Overdue"}
    template = {
        "th": "{item} {state} เลย{deadline} ({due}) มาแล้ว {days} วัน — ผู้รับผิดชอบ: {owner}",
        "en": "{item} {state}; {days_text} past the {deadline} ({due}) — responsible: {owner}",
    }
    fix = {"th": "{action}", "en": "{action}"}


class DueSoon(Rule):
    id = "due_soon"
    severity = "info"
    title = {"th": "ใกล้ครบกำหนด", "en": "Due soon"}
    template = {
        "th": "{item} {state} ครบ{deadline} ({due}) {when} — ผู้รับผิดชอบ: {owner}",
        "en": "{item} {state}; the {deadline} ({due}) is {when} — responsible: {owner}",
    }
    fix = {"th": "{action}", "en": "{action}"}


# Wording per checkpoint: what is missing, which deadline, and what to do.
_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "due_date": {
        "th": {"state": "ยังไม่แล้วเสร็จ", "deadline": "กำหนดแล้วเสร็จ",
               "action": "ดำเนินการให้แล้วเสร็จ แล้วเปลี่ยนสถานะเป็น 'ดำเนินการแล้ว' พร้อมวันที่และลิงก์หลักฐาน"},
        "en": {"state": "is not done", "deadline": "due date",
               "action": "Finish it, then set the status to Done with the date and an evidence link"},
    },
    "round1": {
        "th": {"state": "ยังไม่เริ่มดำเนินการ", "deadline": "กำหนดรายงานความก้าวหน้ารอบ ๖ เดือน",
               "action": "เริ่มดำเนินการและเปลี่ยนสถานะเป็น 'อยู่ระหว่างดำเนินการ' หรือ 'ดำเนินการแล้ว'"},
        "en": {"state": "has not started", "deadline": "6-month progress report deadline",
               "action": "Start it and set the status to In progress or Done"},
    },
    "year_end": {
        "th": {"state": "ยังไม่แล้วเสร็จ", "deadline": "กำหนดรายงานผล ณ สิ้นปีงบประมาณ",
               "action": "ดำเนินการให้แล้วเสร็จ แล้วเปลี่ยนสถานะเป็น 'ดำเนินการแล้ว' พร้อมวันที่และลิงก์หลักฐาน"},
        "en": {"state": "is not done", "deadline": "fiscal-year-end report deadline",
               "action": "Finish it, then set the status to Done with the date and an evidence link"},
    },
    "acknowledge": {
        "th": {"state": "ยังไม่แจ้งรับเรื่อง", "deadline": "กำหนดแจ้งรับเรื่อง",
               "action": "แจ้งผู้ร้องว่าได้รับเรื่องแล้ว และกรอก 'วันที่แจ้งรับเรื่อง'"},
        "en": {"state": "is not acknowledged", "deadline": "acknowledgement deadline",
               "action": "Tell the complainant it was received and fill in the Acknowledged date"},
    },
    "close": {
        "th": {"state": "ยังไม่ยุติเรื่อง", "deadline": "กำหนดแจ้งผลและยุติเรื่อง",
               "action": "แจ้งผลแก่ผู้ร้อง ยุติเรื่อง และกรอก 'วันที่ยุติเรื่อง'"},
        "en": {"state": "is not closed", "deadline": "closing deadline",
               "action": "Tell the complainant the outcome, close it and fill in the Closed date"},
    },
}
NO_UNIT = {"th": "ไม่ระบุหน่วยงาน", "en": "no unit given"}


@dataclass(frozen=True)
class DeadlineItem:
    kind: Kind
    item_id: str
    title: str
    unit: str  # the unit's configured name ("" when the sheet names none)
    due_date: dt.date
    status: Status
    days_late: int = 0  # calendar days past due_date (overdue items only)
    days_left: int | None = None  # calendar days until due_date (items still owed, not overdue)
    checkpoint: str = ""  # due_date | round1 | year_end | acknowledge | close
    sheet_key: str = ""
    row: int | None = None
    fiscal_year: int | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = data.pop("item_id")
        data["due_date"] = self.due_date.isoformat()
        return data


KIND_ORDER = {"measure": 0, "step": 1, "complaint": 2}  # a measure heads its own late steps


def oldest_first(items: list[DeadlineItem]) -> list[DeadlineItem]:
    return sorted(items, key=lambda i: (i.due_date, KIND_ORDER[i.kind], i.unit, i.item_id))


def short_text(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def make_finding(item: DeadlineItem, lang: str, *, label: str, state: str | None = None, **where: Any) -> Finding:
    lang = "en" if lang == "en" else "th"
    words = _WORDS[item.checkpoint][lang]
    rule: type[Rule] = Overdue if item.status == "overdue" else DueSoon
    days = item.days_late if item.status == "overdue" else (item.days_left or 0)
    if lang == "en":
        days_text = f"{days} day" + ("" if days == 1 else "s")
        when = "today" if days == 0 else f"in {days_text}"
    else:
        days_text = f"{days} วัน"
        when = "วันนี้" if days == 0 else f"ในอีก {days} วัน"
    return rule.make(
        lang=lang, unit=item.unit, sheet_key=item.sheet_key, item=label,
        state=state or words["state"], deadline=words["deadline"], action=words["action"],
        due=format_date(item.due_date, lang, "arabic"), days=days, days_text=days_text, when=when,
        owner=item.unit or NO_UNIT[lang], **where,
    )
