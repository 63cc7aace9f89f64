"""Complaint statistics for a round, from a small hand-made complaints sheet whose figures are
counted by hand below: counts by channel, category, status and unit, closed/open/overdue,
time to close in calendar or working days, and the corruption complaints on their own."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from automation.cli import main
from automation.complaints import ComplaintStats, complaint_statistics, stage
from automation.pipeline import RunContext
from automation.schema import build_schema
from automation.settings import Settings, load_settings
from automation.tables import SheetTable, Tables, to_table
from automation.thaidate import FiscalRound

D = dt.date
TODAY = D(2024, 4, 20)
H1 = FiscalRound(2567, "h1")
NAMES = ("นายสมชาย ใจดี", "นางมาลี ศรีสวัสดิ์", "081-234-5678", "somchai@example.com")

# complaint_id, received, channel, category, unit, status, ack, closed
ROWS: list[tuple[Any, ...]] = [
    # in round 1: received 2 Oct, closed 12 Oct = 10 days (limit 15 -> 17 Oct): on time
    ("ร67-001", D(2023, 10, 2), "โทรศัพท์", "ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป", "กองช่าง", "ยุติเรื่อง",
     D(2023, 10, 3), D(2023, 10, 12)),
    # received 15 Nov, closed 5 Dec = 20 days (due 30 Nov): closed 5 days late
    ("ร67-002", "15/11/2566", "เว็บไซต์", "ทั่วไป", "กองคลัง", "ยุติ", "16/11/2566", "05/12/2566"),
    # received 8 Jan, closed 12 Jan = 4 days; unit typed as an alias
    ("ร67-003", "8 ม.ค. 67", "ยื่นด้วยตนเอง", "การให้บริการไม่เป็นธรรม/พฤติกรรมเจ้าหน้าที่", "สป.", "ยุติเรื่อง",
     "9 ม.ค. 67", "12 ม.ค. 67"),
    # corruption, received 29 Feb, still open: 30 working days -> 17 April, so overdue on 20 April
    ("ร67-004", D(2024, 2, 29), "LINE", "การทุจริตและประพฤติมิชอบ", "สำนักงานปลัด อบต.", "อยู่ระหว่างดำเนินการ",
     D(2024, 3, 1), None),
    # received Sunday 31 March (last day of round 1), never acknowledged: due 3 April, overdue
    ("ร67-005", D(2024, 3, 31), "หนังสือ", "การจัดซื้อจัดจ้าง", "กองช่าง", "รับเรื่องแล้ว", None, None),
    # misspelt channel, no category, no unit; referred on 25 Jan = 5 days
    ("ร67-006", D(2024, 1, 20), "โทรศัพ", None, None, "ส่งต่อ", D(2024, 1, 21), D(2024, 1, 25)),
    # 1 April 2024 belongs to the annual round only; 30 Sep 2023 to FY 2566
    ("ร67-007", D(2024, 4, 1), "โทรศัพท์", "ทั่วไป", "กองคลัง", "รับเรื่องแล้ว", None, None),
    ("ร66-050", D(2023, 9, 30), "โทรศัพท์", "ทั่วไป", "กองคลัง", "ยุติเรื่อง", D(2023, 10, 2), D(2023, 10, 5)),
    # an impossible received date belongs to no round
    ("ร67-008", "15/13/2567", "โทรศัพท์", "ทั่วไป", "กองคลัง", "รับเรื่องแล้ว", None, None),
]


def complaints_table(settings: Settings, rows: list[tuple[Any, ...]] = ROWS) -> SheetTable:
    layout = build_schema(settings)["complaints"]
    grid: list[list[Any]] = [layout.headers("th")]
    for n, (cid, received, channel, category, unit, status, ack, closed) in enumerate(rows):
        record = {"complaint_id": cid, "received_date": received, "channel": channel,
                  "complainant": NAMES[n % 2], "contact": NAMES[2 + n % 2], "subject": "ขอให้ซ่อมถนน",
                  "category": category, "unit": unit, "status": status, "ack_date": ack, "closed_date": closed}
        grid.append([record.get(c.key) for c in layout.columns])
    return to_table(layout, grid)


def test_round_one_counts(settings: Settings) -> None:
    stats = complaint_statistics(settings, complaints_table(settings), H1, TODAY)
    # In round 1 (1 Oct 2023 - 31 Mar 2024): ร67-001 … ร67-006.
    assert stats.total == 6
    assert stats.by_channel == [("โทรศัพท์", 1), ("เว็บไซต์", 1), ("Facebook/LINE", 1), ("ยื่นด้วยตนเอง", 1),
                                ("หนังสือ", 1), ("ตู้รับความคิดเห็น", 0), ("ศูนย์ดำรงธรรม 1567", 0),
                                ("สายด่วน 1111", 0), ("อื่น ๆ", 1)]
    assert stats.by_category == [("การให้บริการไม่เป็นธรรม/พฤติกรรมเจ้าหน้าที่", 1),
                                 ("การทุจริตและประพฤติมิชอบ", 1), ("การจัดซื้อจัดจ้าง", 1),
                                 ("ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป", 2), ("ไม่ระบุ", 1)]
    assert stats.by_status == [("รับเรื่องแล้ว", 1), ("อยู่ระหว่างดำเนินการ", 1), ("ยุติเรื่อง", 3),
                               ("ส่งต่อหน่วยงานอื่น", 1)]
    assert stats.by_unit == [("สำนักงานปลัด อบต.", 2), ("กองคลัง", 1), ("กองช่าง", 2),
                             ("กองการศึกษา ศาสนาและวัฒนธรรม", 0), ("ทุกส่วนราชการ", 0), ("ไม่ระบุ", 1)]
    # Closed (or referred): 001, 002, 003, 006. Open: 004 (closing overdue), 005 (not acknowledged).
    assert (stats.closed, stats.open, stats.overdue) == (4, 2, 2)
    assert (stats.closed_on_time, stats.closed_late) == (3, 1)
    assert stats.unreadable == 1


def test_time_to_close_in_calendar_days(settings: Settings) -> None:
    stats = complaint_statistics(settings, complaints_table(settings), H1, TODAY)
    # 10, 20, 4, 5 calendar days: mean 39 / 4 = 9.75, median (5 + 10) / 2 = 7.5.
    assert stats.basis == "calendar"
    assert stats.mean_days_to_close == pytest.approx(9.75)
    assert stats.median_days_to_close == pytest.approx(7.5)


def test_time_to_close_in_working_days(settings: Settings) -> None:
    working = load_settings(Path(settings.source), run__today=TODAY, deadlines__complaint_default={
        "ack_days": 3, "close_days": 15, "basis": "working"})
    stats = complaint_statistics(working, complaints_table(working), H1, TODAY)
    # 001: 2 -> 12 Oct 2023: 3,4,5,6,9,10,11,12 = 8.
    # 002: 15 Nov -> 5 Dec 2023: 16,17, 20-24, 27-30, 1 Dec, 4 Dec = 13 (5 Dec is a holiday).
    # 003: 8 -> 12 Jan 2024: 9,10,11,12 = 4.   006: Sat 20 -> Thu 25 Jan: 22,23,24,25 = 4.
    assert stats.basis == "working"
    assert stats.mean_days_to_close == pytest.approx(29 / 4)
    assert stats.median_days_to_close == pytest.approx(6.0)
    # On working days 002's limit is 7 December (…, 4 Dec = 13, 6 Dec = 14, 7 Dec = 15): on time.
    assert (stats.closed_on_time, stats.closed_late) == (4, 0)


def test_corruption_complaints_are_counted_on_their_own(settings: Settings) -> None:
    stats = complaint_statistics(settings, complaints_table(settings), H1, TODAY)
    corruption = stats.corruption
    assert corruption is not None
    assert (corruption.total, corruption.closed, corruption.open, corruption.overdue) == (1, 0, 1, 1)
    assert corruption.basis == "working"  # the corruption category's own limits
    assert corruption.mean_days_to_close is None and corruption.median_days_to_close is None
    assert [c for c in corruption.by_category if c[1]] == [("การทุจริตและประพฤติมิชอบ", 1)]


def test_the_annual_round_and_the_previous_year(settings: Settings) -> None:
    table = complaints_table(settings)
    annual = complaint_statistics(settings, table, FiscalRound(2567, "annual"), TODAY)
    assert annual.total == 7  # round 1's six and ร67-007 of 1 April
    last_year = complaint_statistics(settings, table, FiscalRound(2566, "annual"), TODAY)
    assert (last_year.total, last_year.closed, last_year.mean_days_to_close) == (1, 1, 5.0)


def test_no_complainant_name_or_contact_in_the_statistics(settings: Settings) -> None:
    stats = complaint_statistics(settings, complaints_table(settings), H1, TODAY)
    text = json.dumps(stats.as_json(), ensure_ascii=False)
    for private in NAMES:
        assert private not in text
    assert json.loads(text)["corruption"]["total"] == 1


def test_english_labels(settings: Settings) -> None:
    stats = complaint_statistics(settings, complaints_table(settings), H1, TODAY, lang="en")
    assert stats.by_channel[-1] == ("Other", 1)
    assert stats.by_category[-1] == ("Not given", 1)


def test_an_empty_or_missing_sheet_gives_zeros(settings: Settings) -> None:
    layout = build_schema(settings)["complaints"]
    for table in (complaints_table(settings, []), to_table(layout, None)):
        stats = complaint_statistics(settings, table, H1, TODAY)
        assert (stats.total, stats.closed, stats.open, stats.mean_days_to_close) == (0, 0, 0, None)


def test_the_stage_reports_the_round_being_drafted(settings: Settings) -> None:
    schema = build_schema(settings)
    tables = Tables({k: (complaints_table(settings) if k == "complaints" else to_table(layout, None))
                     for k, layout in schema.sheets.items()})
    ctx = RunContext(settings, schema, tables, TODAY, "th")
    result = stage(ctx)
    stats = ctx.figures["complaints"]
    # On 20 April 2024 (within 30 days of 31 March) the report due is round 1 of FY 2567.
    assert isinstance(stats, ComplaintStats) and stats.round == H1
    assert (result.figures["total"], result.figures["overdue"]) == (6, 2)
    json.dumps(result.figures)  # JSON-able for the run summary


def test_complaints_command(settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["complaints", "--config", str(settings.source), "--round", "annual", "--fiscal-year", "2566",
                 "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["round"] == {"fiscal_year": 2566, "kind": "annual", "start": "2022-10-01", "end": "2023-09-30"}
    assert data["total"] == sum(row["count"] for row in data["by_channel"]) > 0
    assert main(["complaints", "--config", str(settings.source), "--today", "2024-04-20"]) == 0
    assert "ปีงบประมาณ พ.ศ. ๒๕๖๗ รอบ ๖ เดือน" in capsys.readouterr().out  # [run] digits = "thai"


@pytest.mark.parametrize(("argv", "round_"), [
    (["--round", "h1", "--fiscal-year", "2567"], FiscalRound(2567, "h1")),
    (["--round", "annual"], FiscalRound(2567, "annual")),  # on 2 Dec 2024: the year that closed
])
def test_complaints_of_a_named_round_are_the_reports_figures(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
    round_: FiscalRound,
) -> None:
    """Drafted months after the round closed, `complaints --round` states what the report states
    (as of the round's last day); without --round it is today's standing, and says so."""
    from automation.reports.figures import gather_figures
    from automation.schema import build_schema
    from automation.tables import load_tables
    from automation.workbook import open_workbook

    today = dt.date(2024, 12, 2)
    base = ["complaints", "--config", str(settings.source), "--today", today.isoformat()]
    assert main([*base, *argv, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    tables = load_tables(open_workbook(settings), build_schema(settings))
    report = gather_figures(settings, tables, round_, today).complaints
    assert report is not None and printed == json.loads(json.dumps(report.as_json()))
    assert printed["today"] == round_.end.isoformat()
    assert main([*base, *argv]) == 0
    assert f"ณ วันที่ {show_date_th(round_.end)}" in capsys.readouterr().out
    assert main([*base, "--lang", "en", *argv]) == 0
    assert f"(as of {round_.end.isoformat()})" in capsys.readouterr().out
    assert main(base) == 0  # the round due, as it stands today
    assert f"ณ วันที่ {show_date_th(today)}" in capsys.readouterr().out


def show_date_th(day: dt.date) -> str:
    from automation.cells import show_date
    from automation.thaidate import to_thai_digits

    return to_thai_digits(show_date(day, "th"))
