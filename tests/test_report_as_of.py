"""A closed round is reported as of its last day: the figures do not depend on the day the
report is drafted. Steps finished before and after the round's end, complaints closed before
and after it, and a complaint carried over from an earlier year; reports drafted on several
days, for round 1 and for the whole year, read from the .docx text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import docx
import pytest

from automation.reports import build_report
from automation.reports.linebreak import plain
from automation.schema import build_schema
from automation.settings import Settings
from automation.tables import Tables, to_table
from automation.thaidate import FiscalRound

D = dt.date
H1, ANNUAL = FiscalRound(2569, "h1"), FiscalRound(2569, "annual")  # 1 Oct 2025 – 31 Mar / 30 Sep 2026
DRAFTED = re.compile(r"^(จัดทำร่างเมื่อ|Drafted on).*$", re.M)

# measure_no, step_no, step, status, done_date, result
STEPS: list[tuple[Any, ...]] = [
    (1, 1, "จัดทำประกาศเจตนารมณ์ตามมาตรฐาน ISO 9001", "ดำเนินการแล้ว", D(2025, 12, 15), "ประกาศแล้ว"),
    (1, 2, "เผยแพร่ประกาศทางเว็บไซต์และหอกระจายข่าว", "ดำเนินการแล้ว", D(2026, 8, 10), "เผยแพร่เดือนสิงหาคม"),
    (2, 1, "จัดอบรมผู้รับผิดชอบงานบริการ", "อยู่ระหว่างดำเนินการ", None, ""),
    (2, 2, "สรุปผลการอบรมเสนอผู้บริหาร", "ดำเนินการแล้ว", D(2026, 10, 20), "เสนอแล้ว"),
    (3, 1, "ทบทวนคู่มือการปฏิบัติงาน", "ยังไม่ดำเนินการ", None, ""),
]
# complaint_id, received, status, ack, closed
COMPLAINTS: list[tuple[Any, ...]] = [
    ("ร69-001", D(2025, 11, 1), "ยุติเรื่อง", D(2025, 11, 2), D(2025, 11, 10)),
    # closed in May: open and overdue (due 16 Feb) when round 1 closed, closed by year end
    ("ร69-018", D(2026, 2, 1), "ยุติเรื่อง", D(2026, 2, 2), D(2026, 5, 15)),
    # received in FY 2568 and still open: carried over, never in this year's counts
    ("ร68-040", D(2025, 8, 1), "อยู่ระหว่างดำเนินการ", D(2025, 8, 2), None),
]


def tables_for(settings: Settings) -> Tables:
    schema = build_schema(settings)

    def grid(key: str, records: list[dict[str, Any]]) -> list[list[Any]]:
        layout = schema[key]
        return [layout.headers("th"), *([r.get(c.key) for c in layout.columns] for r in records)]

    steps = [{"row_id": f"2569-{m:02d}-{s:02d}", "fiscal_year": 2569, "measure_no": m,
              "measure": f"มาตรการที่ {m}", "step_no": s, "step": text, "unit": "สำนักงานปลัด อบต.",
              "cadence": "รอบ ๖ เดือนและประจำปี", "status": status, "done_date": done, "result": result}
             for m, s, text, status, done, result in STEPS]
    complaints = [{"complaint_id": cid, "received_date": received, "channel": "โทรศัพท์",
                   "subject": "ขอให้ซ่อมไฟฟ้าส่องสว่าง", "category": "ทั่วไป", "unit": "กองช่าง",
                   "status": status, "ack_date": ack, "closed_date": closed}
                  for cid, received, status, ack, closed in COMPLAINTS]
    return Tables({key: to_table(layout, grid(key, {"measures": steps, "complaints": complaints}[key])
                                 if key in ("measures", "complaints") else None)
                   for key, layout in schema.sheets.items()})


def drafted_text(settings: Settings, tables: Tables, round: FiscalRound, today: D, out: Path) -> str:
    document = docx.Document(str(build_report(settings, tables, round, today, out=out)))
    lines = [p.text for p in document.paragraphs]
    lines += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return plain("\n".join(lines))  # as a reader sees it: no invisible line-break marks


@pytest.mark.parametrize(("round", "days", "expected", "absent"), [
    (H1, [D(2026, 4, 2), D(2026, 5, 20), D(2026, 11, 1), D(2027, 6, 1)],
     ["ณ วันสิ้นรอบ (๓๑ มีนาคม ๒๕๖๙)", "ขั้นตอนที่ดำเนินการแล้ว ๑ จาก ๕ ขั้นตอน คิดเป็นร้อยละ ๒๐.๐๐",
      "ในรอบนี้มีเรื่องร้องเรียนทั้งหมด ๒ เรื่อง ยุติแล้ว ๑ เรื่อง อยู่ระหว่างดำเนินการ ๑ เรื่อง (เกินกำหนดเวลา ๑ เรื่อง)",
      "ยกมาจากปีงบประมาณก่อนที่ยังไม่ยุติ ๑ เรื่อง (เลขที่ ร68-040)", "ร69-018", "ISO 9001"],
     ["๑๐ สิงหาคม ๒๕๖๙", "เผยแพร่เดือนสิงหาคม", "๑๕ พฤษภาคม", "ร๖๙", "ISO ๙๐๐๑"]),
    (ANNUAL, [D(2026, 10, 1), D(2026, 11, 1), D(2027, 6, 1)],
     ["ณ วันสิ้นรอบ (๓๐ กันยายน ๒๕๖๙)", "ขั้นตอนที่ดำเนินการแล้ว ๒ จาก ๕ ขั้นตอน คิดเป็นร้อยละ ๔๐.๐๐",
      "ส่วนรอบก่อน (ปีงบประมาณ พ.ศ. ๒๕๖๙ รอบ ๖ เดือน) เมื่อสิ้นรอบดำเนินการแล้วร้อยละ ๒๐.๐๐",
      "ในรอบนี้มีเรื่องร้องเรียนทั้งหมด ๒ เรื่อง ยุติเรื่องแล้วทั้งหมด", "(เลขที่ ร68-040)",
      "ดำเนินการแล้ว (๑๐ สิงหาคม ๒๕๖๙)"],
     ["๒๐ ตุลาคม ๒๕๖๙", "เสนอแล้ว"]),
])
def test_a_closed_round_reads_the_same_whatever_day_it_is_drafted(
    settings: Settings, tmp_path: Path, round: FiscalRound, days: list[D], expected: list[str], absent: list[str],
) -> None:
    tables = tables_for(settings)
    texts = [drafted_text(settings, tables, round, day, tmp_path / f"{day}.docx") for day in days]
    for text in texts:
        assert [e for e in expected if e not in text] == []
        assert [a for a in absent if a in text] == []
    # Word for word the same report, whichever day it was drafted on.
    assert len({DRAFTED.sub("", t) for t in texts}) == 1


def test_a_round_still_running_is_marked_with_the_day_its_figures_reach(settings: Settings, tmp_path: Path) -> None:
    text = drafted_text(settings, tables_for(settings), ANNUAL, D(2026, 6, 1), tmp_path / "partial.docx")
    assert "ข้อมูลถึงวันที่ ๑ มิถุนายน ๒๕๖๙" in text
    # ร69-018 was closed on 15 May: by 1 June both complaints are closed; the August step is not done yet.
    assert "ขั้นตอนที่ดำเนินการแล้ว ๑ จาก ๕ ขั้นตอน" in text
    assert "ในรอบนี้มีเรื่องร้องเรียนทั้งหมด ๒ เรื่อง ยุติเรื่องแล้วทั้งหมด" in text


def test_none_is_said_in_words_not_as_a_zero(settings: Settings, tmp_path: Path) -> None:
    text = drafted_text(settings, tables_for(settings), H1, D(2026, 4, 2), tmp_path / "h1.docx")
    summary = text.split("๒. ผลการดำเนินการตามมาตรการ")[0]
    assert "ไม่มีขั้นตอนตามมาตรการที่เกินกำหนด" in summary
    assert "ไม่มีเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ" in summary
    assert "ไม่มีผู้ตอบแบบประเมินความพึงพอใจในรอบนี้" in summary  # not "๐ ราย … ค่าเฉลี่ย –"
    assert not re.search(r"(?<![๐-๙.,])๐ (ขั้นตอน|มาตรการ|เรื่อง|ราย)", summary)


def test_the_public_edition_counts_carried_over_complaints_without_listing_them(
    settings: Settings, tmp_path: Path
) -> None:
    """The public report gives counts, not rows about an individual complaint: the carried-over
    complaint is counted in the summary, but its row (received date, unit, days late) is not
    published."""
    tables = tables_for(settings)
    out = tmp_path / "public.docx"
    document = docx.Document(str(build_report(settings, tables, H1, D(2026, 4, 2), out=out, public=True)))
    text = plain("\n".join([p.text for p in document.paragraphs]
                           + [c.text for t in document.tables for row in t.rows for c in row.cells]))
    assert "ยกมาจากปีงบประมาณก่อนที่ยังไม่ยุติ ๑ เรื่อง" in text
    assert "เรื่องร้องเรียนที่รับไว้ก่อนปีงบประมาณนี้" not in text  # the table's introduction
    assert "๑ ส.ค. ๒๕๖๘" not in text and "๑ สิงหาคม ๒๕๖๘" not in text  # its received date
    internal = drafted_text(settings, tables, H1, D(2026, 4, 2), tmp_path / "internal.docx")
    assert "เรื่องร้องเรียนที่รับไว้ก่อนปีงบประมาณนี้" in internal
    assert "๑ ส.ค. ๒๕๖๘" in internal or "๑ สิงหาคม ๒๕๖๘" in internal
