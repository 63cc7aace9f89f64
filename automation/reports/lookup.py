"""The public page's complaint status table: a citizen looks up their complaint by its number.

Only the number, the date received, the status and the date closed are shown: never the
subject, a name, a unit or the outcome (any of them can name a person). The status is one of
the register's four labels, judged from the row (a closed date closes it even if the status
was not updated); free text typed in the status cell is never shown. Corruption complaints
are left out unless `[complaint_form] public_corruption_status`, and then show the number and
status only. A number that does not look like a complaint number (spaces, more than 30
characters, something masking would change) is not shown either.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from automation.complaint_timelines import ComplaintTimeline, timelines_received
from automation.privacy import mask_pii
from automation.reports.figures import Numbers
from automation.settings import Settings
from automation.tables import Tables
from automation.thaidate import FiscalRound
from automation.vocabulary import COMPLAINT_STATUS

STATUS = {c.key: c for c in COMPLAINT_STATUS}
_ID = re.compile(r"[^\s]{1,30}")
WORDS = {
    "th": {"title": "ติดตามสถานะเรื่องร้องเรียน", "id": "เลขที่รับเรื่อง", "received": "วันที่รับเรื่อง",
           "status": "สถานะ", "closed": "วันที่ยุติเรื่อง",
           "how": "ค้นหาเลขที่รับเรื่องที่ได้รับทางอีเมลหรือจากเจ้าหน้าที่ (กด Ctrl+F หรือ ค้นหาในหน้า) "
                  "ตารางนี้แสดงเฉพาะเลขที่รับเรื่อง วันที่ และสถานะ ไม่แสดงชื่อผู้ร้องเรียน เรื่องที่ร้องเรียน "
                  "หรือผลการดำเนินการ",
           "corruption": "เรื่องร้องเรียนการทุจริตแสดงเฉพาะเลขที่รับเรื่องและสถานะ",
           "none": "ยังไม่มีเรื่องร้องเรียนในปีงบประมาณนี้"},
    "en": {"title": "Follow a complaint", "id": "Complaint no.", "received": "Received", "status": "Status",
           "closed": "Closed",
           "how": "Look up the number you were given (Ctrl+F, or Find in page). Only numbers, dates and "
                  "statuses are shown: never names, subjects or outcomes.",
           "corruption": "Corruption complaints show the number and status only.",
           "none": "No complaints yet this fiscal year."},
}


def _status(t: ComplaintTimeline) -> str:
    """One of the register's four statuses, as the row stands (never the cell's own text)."""
    if t.closed:
        return "referred" if t.status_key == "referred" else "closed"
    if t.acknowledged or t.status_key == "in_progress":
        return "in_progress"
    return "received"


def _shown_id(value: Any) -> str | None:
    text = str(value or "").strip()
    if not _ID.fullmatch(text) or mask_pii(text) != text:
        return None
    return text


def complaint_lookup(settings: Settings, tables: Tables, round: FiscalRound, today: dt.date,
                     num: Numbers) -> dict[str, Any]:
    """The rows of the status table: complaints received from the start of the page's fiscal
    year to `today`, as they stand today."""
    table = tables["complaints"]
    words = WORDS["en" if num.lang == "en" else "th"]
    start = FiscalRound(round.fiscal_year, "annual").start
    listed = settings.complaint_form.public_corruption_status
    rows = []
    timelines = timelines_received(settings, table, today, start, today) if table.present else []
    for t in sorted(timelines, key=lambda t: (t.received, str(t.complaint_id))):
        if not start <= t.received <= today:
            continue
        corrupt = t.category == "corruption"
        shown = _shown_id(t.complaint_id)
        if shown is None or (corrupt and not listed):
            continue
        status = STATUS[_status(t)].label(num.lang)
        rows.append({
            "id": shown,  # exactly as in the register and the acknowledgement: Ctrl+F must find it
            "received": "–" if corrupt else num.cell_date(t.received),
            "status": status,
            "closed": "–" if corrupt or not t.closed else num.cell_date(t.closed_date),
        })
    return {"t": words, "rows": rows, "corruption_listed": listed, "as_of": num.date(today)}
