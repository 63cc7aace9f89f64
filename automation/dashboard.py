"""The summary sheet (ภาพรวม): the figures staff and the coordinator look for first, written
into the workbook beside the findings so nobody has to open a report to see them.

Pure: figures in, a grid out. Rewritten whole each run by the service, like the findings.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from automation.findings import Finding
from automation.thaidate import format_date
from automation.workbook import Grid

if TYPE_CHECKING:
    from automation.complaints import ComplaintStats
    from automation.deadlines import DeadlineReport
    from automation.satisfaction import ScoreReport

WORDS = {
    "th": {
        "title": "สรุปผล ณ วันที่ {date} (ปรับปรุงอัตโนมัติทุกครั้งที่ระบบตรวจสอบ ห้ามแก้ไขชีตนี้)",
        "findings": "ผลการตรวจสอบข้อมูล",
        "severity": {"error": "ต้องแก้ไข", "warning": "ควรตรวจสอบ", "info": "แจ้งให้ทราบ"},
        "in_sheet": "ในชีต {sheet}",
        "owed": "งานที่เกินกำหนด / ใกล้ครบกำหนด (ตามหน่วยงาน)",
        "owed_row": "เกินกำหนด {overdue} รายการ ใกล้ครบกำหนด {due_soon} รายการ",
        "nothing_owed": "ไม่มีรายการเกินกำหนดหรือใกล้ครบกำหนด",
        "no_unit": "ไม่ระบุหน่วยงาน",
        "satisfaction": "ความพึงพอใจ {round}",
        "respondents": "ผู้ตอบแบบประเมิน",
        "overall": "ภาพรวม",
        "score": "ค่าเฉลี่ย {mean:.2f} ร้อยละ {percent:.2f} ระดับ{band}",
        "few": "ผู้ตอบน้อย ควรใช้ผลด้วยความระมัดระวัง",
        "no_answers": "ยังไม่มีคำตอบ",
        "complaints": "เรื่องร้องเรียน {round}",
        "received": "รับเรื่อง",
        "closed": "ยุติแล้ว",
        "open": "อยู่ระหว่างดำเนินการ",
        "late": "เกินกำหนด (ยังไม่ยุติ)",
        "corruption": "เรื่องทุจริตและประพฤติมิชอบ",
        "count": "{n} เรื่อง",
        "people": "{n} ราย",
        "items": "{n} รายการ",
        "header": ["หัวข้อ", "รายการ", "ค่า", "หมายเหตุ"],
    },
    "en": {
        "title": "Summary as of {date} (rewritten by the service on every check; do not edit)",
        "findings": "Data checks",
        "severity": {"error": "errors", "warning": "warnings", "info": "info"},
        "in_sheet": "in sheet {sheet}",
        "owed": "Overdue / due soon, by unit",
        "owed_row": "{overdue} overdue, {due_soon} due soon",
        "nothing_owed": "nothing overdue or due soon",
        "no_unit": "no unit given",
        "satisfaction": "Satisfaction, {round}",
        "respondents": "respondents",
        "overall": "overall",
        "score": "mean {mean:.2f}, {percent:.2f}%, {band}",
        "few": "few respondents: read with care",
        "no_answers": "no answers yet",
        "complaints": "Complaints, {round}",
        "received": "received",
        "closed": "closed",
        "open": "open",
        "late": "overdue (still open)",
        "corruption": "corruption and misconduct",
        "count": "{n}",
        "people": "{n}",
        "items": "{n}",
        "header": ["Topic", "Item", "Value", "Note"],
    },
}


def dashboard_grid(
    today: dt.date,
    findings: list[Finding],
    figures: dict[str, Any],
    lang: str = "th",
) -> Grid:
    """The summary sheet as rows of topic, item, value, note."""
    w = WORDS["en" if lang == "en" else "th"]
    grid: Grid = [w["header"], [w["title"].format(date=format_date(today, lang, "arabic")), "", "", ""]]
    grid += _findings_rows(findings, w)
    if (deadlines := figures.get("deadlines")) is not None:
        grid += _deadline_rows(deadlines, w)
    if (scores := figures.get("satisfaction")) is not None:
        grid += _score_rows(scores, w, lang)
    if (stats := figures.get("complaints")) is not None:
        grid += _complaint_rows(stats, w, lang)
    return grid


def _findings_rows(findings: list[Finding], w: dict[str, Any]) -> Grid:
    counts = Counter((f.sheet, f.severity) for f in findings)
    rows: Grid = [["", "", "", ""], [w["findings"], "", "", ""]]
    for sheet in sorted({s for s, _ in counts}):
        for severity in ("error", "warning", "info"):
            if counts[(sheet, severity)]:
                rows.append(["", w["severity"][severity], counts[(sheet, severity)], w["in_sheet"].format(sheet=sheet)])
    return rows


def _deadline_rows(report: DeadlineReport, w: dict[str, Any]) -> Grid:
    rows: Grid = [["", "", "", ""], [w["owed"], "", "", ""]]
    owed = report.by_unit()
    if not owed:
        return [*rows, ["", w["nothing_owed"], "", ""]]
    for unit, items in owed.items():
        overdue = sum(1 for i in items if i.status == "overdue")
        due_soon = len(items) - overdue
        rows.append(["", unit or w["no_unit"], overdue,
                     w["owed_row"].format(overdue=overdue, due_soon=due_soon)])  # fmt: skip
    return rows


def _score_rows(report: ScoreReport, w: dict[str, Any], lang: str) -> Grid:
    rows: Grid = [["", "", "", ""], [w["satisfaction"].format(round=report.round.label(lang, "arabic")), "", "", ""]]
    rows.append(["", w["respondents"], report.overall.respondents, w["people"].format(n=report.overall.respondents)])
    for group in [report.overall, *report.aspects]:
        label = w["overall"] if group.kind == "overall" else group.label
        if group.mean is None:
            rows.append(["", label, "", w["no_answers"]])
            continue
        note = w["score"].format(mean=group.mean, percent=group.percent, band=group.band)
        if group.small_n:
            note += f" ({w['few']})"
        rows.append(["", label, round(group.mean, 2), note])
    return rows


def _complaint_rows(stats: ComplaintStats, w: dict[str, Any], lang: str) -> Grid:
    rows: Grid = [["", "", "", ""], [w["complaints"].format(round=stats.round.label(lang, "arabic")), "", "", ""]]
    for key, value in (("received", stats.total), ("closed", stats.closed), ("open", stats.open),
                       ("late", stats.overdue)):  # fmt: skip
        rows.append(["", w[key], value, w["count"].format(n=value)])
    if stats.corruption is not None:
        rows.append(["", w["corruption"], stats.corruption.total, w["count"].format(n=stats.corruption.total)])
    return rows
