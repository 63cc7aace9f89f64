"""The office's fixed vocabulary: the choices staff pick from (statuses, cadences, channels,
complaint categories) and the severities of findings, in Thai and English.

Ground level: settings checks its keys against these and the schema builds columns from them;
this module imports nothing of the project.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    key: str
    th: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "th") -> str:
        return self.en if lang == "en" else self.th


STEP_STATUS = (
    Choice("not_started", "ยังไม่ดำเนินการ", "Not started", ("ยังไม่ได้ดำเนินการ",)),
    Choice("in_progress", "อยู่ระหว่างดำเนินการ", "In progress", ("กำลังดำเนินการ",)),
    Choice("done", "ดำเนินการแล้ว", "Done", ("ดำเนินการแล้วเสร็จ", "เสร็จแล้ว", "เสร็จสิ้น")),
    Choice("cancelled", "ยกเลิก", "Cancelled"),
)
CADENCE = (
    Choice("semiannual", "รอบ ๖ เดือนและประจำปี", "Every 6 months and yearly"),
    Choice("year_end", "ณ สิ้นปีงบประมาณ", "At fiscal-year end"),
)
CHANNELS = (
    Choice("phone", "โทรศัพท์", "Phone"),
    Choice("website", "เว็บไซต์", "Website"),
    Choice("social", "Facebook/LINE", "Facebook/LINE", ("เฟซบุ๊ก", "ไลน์", "Facebook", "LINE")),
    Choice("walk_in", "ยื่นด้วยตนเอง", "Walk-in", ("ด้วยตนเอง", "มาด้วยตนเอง")),
    Choice("letter", "หนังสือ", "Letter", ("จดหมาย", "หนังสือร้องเรียน")),
    Choice("box", "ตู้รับความคิดเห็น", "Suggestion box", ("ตู้รับเรื่องร้องเรียน",)),
    Choice("hotline_1567", "ศูนย์ดำรงธรรม 1567", "Damrongdhama 1567", ("1567", "ศูนย์ดำรงธรรม")),
    Choice("hotline_1111", "สายด่วน 1111", "PM's centre 1111", ("1111",)),
)
CATEGORIES = (
    Choice(
        "unfair_service",
        "การให้บริการไม่เป็นธรรม/พฤติกรรมเจ้าหน้าที่",
        "Unfair service or staff conduct",
    ),
    Choice("corruption", "การทุจริตและประพฤติมิชอบ", "Corruption and misconduct", ("ทุจริต",)),
    Choice("procurement", "การจัดซื้อจัดจ้าง", "Procurement", ("จัดซื้อจัดจ้าง",)),
    Choice(
        "general",
        "ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป",
        "General requests and suggestions",
        ("ข้อเสนอแนะ", "ทั่วไป", "ร้องขอความช่วยเหลือ"),
    ),
)
COMPLAINT_STATUS = (
    Choice("received", "รับเรื่องแล้ว", "Received", ("รับเรื่อง",)),
    Choice("in_progress", "อยู่ระหว่างดำเนินการ", "In progress", ("กำลังดำเนินการ",)),
    Choice("closed", "ยุติเรื่อง", "Closed", ("ยุติ", "ดำเนินการแล้วเสร็จ", "เสร็จสิ้น")),
    Choice("referred", "ส่งต่อหน่วยงานอื่น", "Referred elsewhere", ("ส่งต่อ",)),
)
GENDERS = (
    Choice("male", "ชาย", "Male"),
    Choice("female", "หญิง", "Female"),
    Choice("unspecified", "ไม่ระบุ", "Prefer not to say", ("อื่น ๆ", "อื่นๆ", "LGBTQ+")),
)
SEVERITIES = (
    Choice("error", "ต้องแก้ไข", "Error"),
    Choice("warning", "ควรตรวจสอบ", "Warning"),
    Choice("info", "แจ้งให้ทราบ", "Info"),
)
