"""Deadlines on exact dates across FY 2567: round 1 closing on 31 March, the fiscal year
changing on 1 October, 29 February, Songkran, substitution days and the office's own days off.
Every expected date is counted by hand in the comment beside it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from automation.cli import main
from automation.deadlines import DeadlineItem, DeadlineReport, compute_deadlines, stage
from automation.findings import RULES
from automation.pipeline import RunContext, RunSummary, run_once, summary_text
from automation.schema import build_schema
from automation.settings import Settings, load_settings
from automation.tables import Tables, to_table
from automation.workbook.xlsx import XlsxWorkbook

D = dt.date
SEMI, YEAR_END = "รอบ ๖ เดือนและประจำปี", "ณ สิ้นปีงบประมาณ"
NOT_STARTED, IN_PROGRESS, DONE, CANCELLED = "ยังไม่ดำเนินการ", "อยู่ระหว่างดำเนินการ", "ดำเนินการแล้ว", "ยกเลิก"


def step(fy: int = 2567, m: int = 1, s: int = 1, *, cadence: str = SEMI, status: Any = NOT_STARTED,
         unit: str = "กองคลัง", due: Any = None, **more: Any) -> dict[str, Any]:
    return {"row_id": f"{fy}-{m:02d}-{s:02d}", "fiscal_year": fy, "measure_no": m,
            "measure": f"มาตรการทดสอบที่ {m}", "step_no": s, "step": f"ขั้นตอนทดสอบที่ {s}", "unit": unit,
            "cadence": cadence, "due_date": due, "status": status, **more}


def complaint(cid: str, received: Any, *, category: str = "ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป",
              unit: str = "กองช่าง", status: str = "รับเรื่องแล้ว", ack: Any = None, closed: Any = None,
              **more: Any) -> dict[str, Any]:
    return {"complaint_id": cid, "received_date": received, "channel": "โทรศัพท์",
            "complainant": "นางมาลี ศรีสวัสดิ์", "contact": "089-765-4321", "subject": "ขอให้ซ่อมถนนหมู่ ๕",
            "category": category, "unit": unit, "status": status, "ack_date": ack, "closed_date": closed,
            **more}


def tables(settings: Settings, measures: list[dict[str, Any]] | None = None,
           complaints: list[dict[str, Any]] | None = None) -> Tables:
    """Tables as `load_tables` gives them, from rows typed as staff would type them."""
    schema = build_schema(settings)
    grids = {"measures": measures or [], "complaints": complaints or []}
    out = {}
    for key, layout in schema.sheets.items():
        if key in grids:
            grid = [layout.headers("th")] + [[r.get(c.key) for c in layout.columns] for r in grids[key]]
            out[key] = to_table(layout, grid)
        else:
            out[key] = to_table(layout, None)
    return Tables(out)


def tuned(settings: Settings, **deadlines: Any) -> Settings:
    """The shipped settings with some [deadlines] keys changed."""
    return load_settings(Path(settings.source), run__today=settings.run.today,
                         **{f"deadlines__{k}": v for k, v in deadlines.items()})


def only(report: DeadlineReport, kind: str, item_id: str) -> DeadlineItem:
    [item] = [i for i in report.items if i.kind == kind and i.item_id == item_id]
    return item


# ---------------------------------------------------------------- steps


def test_round_one_closes_on_31_march_and_is_late_on_1_april(settings: Settings) -> None:
    s = tuned(settings, report_grace_days=0)
    t = tables(s, [step(m=1, status=NOT_STARTED), step(m=2, status=IN_PROGRESS)])
    on_31 = compute_deadlines(s, t, D(2024, 3, 31))
    first = only(on_31, "step", "2567-01-01")
    assert (first.checkpoint, first.due_date, first.status, first.days_left) == ("round1", D(2024, 3, 31),
                                                                                 "due_soon", 0)
    on_1 = compute_deadlines(s, t, D(2024, 4, 1))
    first = only(on_1, "step", "2567-01-01")
    assert (first.status, first.days_late) == ("overdue", 1)
    # Started by 31 March: round 1 is met; what it owes now is the result on 30 September,
    # 182 days after 1 April (30 + 31 + 30 + 31 + 31 + 29).
    started = only(on_1, "step", "2567-02-01")
    assert (started.checkpoint, started.due_date, started.status, started.days_left) == (
        "year_end", D(2024, 9, 30), "ok", 182)


def test_a_cadence_typed_with_an_arabic_six_has_the_same_deadlines(settings: Settings) -> None:
    # "รอบ 6 เดือนและประจำปี" is the plan's "รอบ ๖ เดือนและประจำปี": round 1 + 30 days grace.
    t = tables(settings, [step(m=1, cadence="รอบ 6 เดือนและประจำปี"), step(m=2, cadence=SEMI)])
    report = compute_deadlines(settings, t, D(2024, 4, 20))
    typed, plan = only(report, "step", "2567-01-01"), only(report, "step", "2567-02-01")
    assert (typed.checkpoint, typed.due_date, typed.days_left) == ("round1", D(2024, 4, 30), 10)
    assert (plan.checkpoint, plan.due_date, plan.days_left) == ("round1", D(2024, 4, 30), 10)


def test_the_shipped_grace_moves_round_one_to_30_april(settings: Settings) -> None:
    assert settings.deadlines.report_grace_days == 30
    t = tables(settings, [step(status=NOT_STARTED)])
    # 31 March + 30 days = 30 April; on 20 April (the fixtures' today) 10 days are left.
    item = only(compute_deadlines(settings, t, D(2024, 4, 20)), "step", "2567-01-01")
    assert (item.due_date, item.status, item.days_left) == (D(2024, 4, 30), "due_soon", 10)
    assert only(compute_deadlines(settings, t, D(2024, 4, 30)), "step", "2567-01-01").status == "due_soon"
    late = only(compute_deadlines(settings, t, D(2024, 5, 1)), "step", "2567-01-01")
    assert (late.status, late.days_late) == ("overdue", 1)


def test_the_fiscal_year_changes_on_1_october(settings: Settings) -> None:
    s = tuned(settings, report_grace_days=0)
    t = tables(s, [step(2567, 1, cadence=YEAR_END, status=IN_PROGRESS), step(2568, 1, status=NOT_STARTED)])
    last_day = compute_deadlines(s, t, D(2024, 9, 30))
    assert only(last_day, "step", "2567-01-01").status == "due_soon"
    first_day = compute_deadlines(s, t, D(2024, 10, 1))
    old = only(first_day, "step", "2567-01-01")
    assert (old.status, old.days_late, old.due_date) == ("overdue", 1, D(2024, 9, 30))
    # FY 2568 has just begun: its round 1 ends 31 March 2025, 181 days after 1 October 2024
    # (30 to 31 Oct, +30 Nov, +31 Dec, +31 Jan, +28 Feb, +31 Mar).
    new = only(first_day, "step", "2568-01-01")
    assert (new.status, new.due_date, new.days_left) == ("ok", D(2025, 3, 31), 181)


@pytest.mark.parametrize("typed", ["29/02/2567", "๒๙ ก.พ. ๖๗", "2024-02-29", dt.datetime(2024, 2, 29)])
def test_a_step_due_on_29_february_is_late_on_1_march_without_grace(settings: Settings, typed: Any) -> None:
    t = tables(settings, [step(status=IN_PROGRESS, due=typed)])
    on_day = only(compute_deadlines(settings, t, D(2024, 2, 29)), "step", "2567-01-01")
    assert (on_day.checkpoint, on_day.due_date, on_day.status, on_day.days_left) == (
        "due_date", D(2024, 2, 29), "due_soon", 0)
    after = only(compute_deadlines(settings, t, D(2024, 3, 1)), "step", "2567-01-01")
    assert (after.status, after.days_late) == ("overdue", 1)


def test_due_soon_window_edges(settings: Settings) -> None:
    assert settings.deadlines.due_soon_days == 14
    # From 20 April 2024: 4 May is 14 days away (inside), 5 May is 15 (outside).
    t = tables(settings, [step(m=1, due="2024-05-04"), step(m=2, due="2024-05-05")])
    report = compute_deadlines(settings, t, D(2024, 4, 20))
    assert only(report, "step", "2567-01-01").status == "due_soon"
    assert only(report, "step", "2567-02-01").status == "ok"
    assert [i.item_id for i in report.due_soon if i.kind == "step"] == ["2567-01-01"]


def test_done_and_cancelled_steps_owe_nothing(settings: Settings) -> None:
    t = tables(settings, [step(2566, 1, s=1, status=DONE), step(2566, 1, s=2, status=CANCELLED),
                          step(2566, 2, status=IN_PROGRESS)])
    report = compute_deadlines(settings, t, D(2024, 4, 20))
    assert only(report, "step", "2566-01-01").status == "ok"
    assert only(report, "step", "2566-01-02").status == "ok"
    # FY 2566 ended 30 Sep 2023; + 30 days grace = 30 Oct 2023; 173 days before 20 April 2024
    # (1 + 30 Nov + 31 Dec + 31 Jan + 29 Feb + 31 Mar + 20 Apr).
    late = only(report, "step", "2566-02-01")
    assert (late.status, late.due_date, late.days_late) == ("overdue", D(2023, 10, 30), 173)


def test_unreadable_cells_are_left_to_validation_and_a_blank_status_counts_as_not_started(
    settings: Settings,
) -> None:
    t = tables(settings, [step(m=1, due="31/02/2567"), step(m=2, status="เสร็จไหม"),
                          step(m=3, fiscal_year="ปีนี้"), step(m=4, cadence="ทุกเดือน"),
                          step(m=5, status=None)])
    report = compute_deadlines(settings, t, D(2024, 5, 1))
    assert [i.item_id for i in report.items if i.kind == "step"] == ["2567-05-01"]
    assert only(report, "step", "2567-05-01").status == "overdue"


# ---------------------------------------------------------------- measures


def test_a_measure_with_no_step_started_by_round_one_is_flagged_as_a_measure(settings: Settings) -> None:
    s = tuned(settings, report_grace_days=0)
    t = tables(s, [step(m=3, s=1), step(m=3, s=2), step(m=4, s=1), step(m=4, s=2, status=IN_PROGRESS),
                   step(m=6, s=1, status=CANCELLED), step(m=6, s=2, status=CANCELLED)])
    report = compute_deadlines(s, t, D(2024, 4, 1))
    flagged = only(report, "measure", "2567-03")
    assert (flagged.status, flagged.checkpoint, flagged.days_late, flagged.unit) == ("overdue", "round1", 1,
                                                                                    "กองคลัง")
    assert only(report, "measure", "2567-04").status == "ok"  # one step started is enough
    assert only(report, "measure", "2567-06").status == "ok"  # all cancelled: nothing owed
    [finding] = [f for f in report.findings if f.row_id == "2567-03"]
    assert (finding.rule, finding.column, finding.column_key, finding.row) == ("overdue", "มาตรการ",
                                                                               "measure", 2)
    assert "ยังไม่มีขั้นตอนใดเริ่มดำเนินการ" in finding.message and "กองคลัง" in finding.message


def test_at_year_end_a_measure_needs_one_step_done(settings: Settings) -> None:
    s = tuned(settings, report_grace_days=0)
    t = tables(s, [step(m=1, s=1, status=IN_PROGRESS), step(m=1, s=2, status=IN_PROGRESS),
                   step(m=2, s=1, status=DONE), step(m=2, s=2, status=IN_PROGRESS)])
    report = compute_deadlines(s, t, D(2024, 10, 1))
    one = only(report, "measure", "2567-01")
    assert (one.status, one.checkpoint, one.due_date) == ("overdue", "year_end", D(2024, 9, 30))
    assert only(report, "measure", "2567-02").status == "ok"
    # The measure is fine but its unfinished step is still late on its own.
    assert only(report, "step", "2567-02-02").status == "overdue"


# ---------------------------------------------------------------- complaints


def test_calendar_and_working_day_limits(settings: Settings) -> None:
    t = tables(settings, complaints=[
        complaint("ร67-001", D(2024, 4, 1)),
        complaint("ร67-002", D(2024, 4, 1), category="การทุจริตและประพฤติมิชอบ"),
    ])
    report = compute_deadlines(settings, t, D(2024, 4, 1))
    general, corrupt = report.complaints
    # General: 3 and 15 calendar days -> 4 and 16 April.
    assert (general.basis, general.ack_due, general.close_due) == ("calendar", D(2024, 4, 4), D(2024, 4, 16))
    # Corruption: 1 and 30 working days. After Mon 1 April: Tue 2 April is the 1st.
    # 30th: April 2-5 (4), 9-11 (7), 17-19 (10), 22-26 (15), 29-30 (17); May 1 Labour Day off,
    # 2-3 (19), Mon 6 off (Coronation in lieu), 7-9 (22), Fri 10 Ploughing off, 13-17 (27),
    # 20-21 (29), Wed 22 Visakha off, Thu 23 May (30).
    assert (corrupt.basis, corrupt.ack_due, corrupt.close_due) == ("working", D(2024, 4, 2), D(2024, 5, 23))
    # The same general complaint on a working-day basis closes on 26 April (see test_workdays).
    working = tuned(settings, complaint_default={"ack_days": 3, "close_days": 15, "basis": "working"})
    [again, _] = compute_deadlines(working, t, D(2024, 4, 1)).complaints
    assert again.close_due == D(2024, 4, 26)
    # Days open count in the basis: by 20 April, 10 working days (2,3,4,5,9,10,11,17,18,19).
    later = compute_deadlines(settings, t, D(2024, 4, 20)).complaints
    assert (later[0].days_open, later[1].days_open) == (19, 10)


def test_closed_late_is_not_an_open_overdue_item(settings: Settings) -> None:
    t = tables(settings, complaints=[
        # received 1 March: close due 16 March; closed 20 March, 4 days late.
        complaint("ร67-010", "01/03/2567", status="ยุติเรื่อง", ack="02/03/2567", closed="20/03/2567"),
        # the same but still open on 20 April: 35 days late (15 in March + 20 in April).
        complaint("ร67-011", "01/03/2567", status="อยู่ระหว่างดำเนินการ", ack="02/03/2567"),
    ])
    report = compute_deadlines(settings, t, D(2024, 4, 20))
    closed, still_open = report.complaints
    assert (closed.closed, closed.closed_late, closed.closed_late_days, closed.days_to_close) == (True, True, 4, 19)
    assert only(report, "complaint", "ร67-010").status == "ok"
    assert (still_open.closed, still_open.acknowledged, still_open.closed_late) == (False, True, False)
    item = only(report, "complaint", "ร67-011")
    assert (item.status, item.checkpoint, item.due_date, item.days_late) == ("overdue", "close",
                                                                             D(2024, 3, 16), 35)
    [finding] = report.findings
    assert (finding.row_id, finding.row, finding.column, finding.unit, finding.severity) == (
        "ร67-011", 3, "วันที่ยุติเรื่อง", "กองช่าง", "error")
    assert "35 วัน" in finding.message and "กองช่าง" in finding.message
    assert "มาลี" not in finding.message + finding.suggestion  # never the complainant


def test_acknowledgement_due_soon_then_overdue(settings: Settings) -> None:
    assert settings.deadlines.complaint_due_soon_days == 2
    t = tables(settings, complaints=[complaint("ร67-020", D(2024, 4, 18))])
    # 18 April + 3 calendar days = 21 April.
    soon = only(compute_deadlines(settings, t, D(2024, 4, 19)), "complaint", "ร67-020")
    assert (soon.checkpoint, soon.due_date, soon.status, soon.days_left) == ("acknowledge", D(2024, 4, 21),
                                                                             "due_soon", 2)
    assert only(compute_deadlines(settings, t, D(2024, 4, 18)), "complaint", "ร67-020").status == "ok"
    late = compute_deadlines(settings, t, D(2024, 4, 22))
    assert (only(late, "complaint", "ร67-020").days_late, late.findings[0].column) == (1, "วันที่แจ้งรับเรื่อง")


def test_songkran_holds_the_acknowledgement_of_a_corruption_complaint(settings: Settings) -> None:
    # Received Thursday 11 April 2024; 1 working day: 12-16 April are off -> Wednesday 17 April.
    t = tables(settings, complaints=[complaint("ร67-030", "11 เม.ย. 2567", category="ทุจริต")])
    on_16 = only(compute_deadlines(settings, t, D(2024, 4, 16)), "complaint", "ร67-030")
    assert (on_16.due_date, on_16.status, on_16.days_left) == (D(2024, 4, 17), "due_soon", 1)
    on_18 = only(compute_deadlines(settings, t, D(2024, 4, 18)), "complaint", "ร67-030")
    assert (on_18.status, on_18.days_late) == ("overdue", 1)


def test_an_office_day_off_moves_a_working_day_deadline(settings: Settings) -> None:
    # Received Thursday 9 May 2024; Fri 10 May is a holiday, then the weekend: Monday 13 May,
    # unless the office is closed on 13 May, then Tuesday 14 May.
    t = tables(settings, complaints=[complaint("ร67-040", D(2024, 5, 9), category="ทุจริต")])
    assert compute_deadlines(settings, t, D(2024, 5, 9)).complaints[0].ack_due == D(2024, 5, 13)
    closed_13 = tuned(settings, office_days_off=[D(2024, 5, 13)])
    assert compute_deadlines(closed_13, t, D(2024, 5, 9)).complaints[0].ack_due == D(2024, 5, 14)


def test_a_substitution_day_moves_a_working_day_deadline(settings: Settings) -> None:
    # Received Friday 23 Feb 2024: Mon 26 Feb is Makha Bucha in lieu -> Tuesday 27 Feb.
    t = tables(settings, complaints=[complaint("ร67-050", D(2024, 2, 23), category="ทุจริต")])
    assert compute_deadlines(settings, t, D(2024, 2, 23)).complaints[0].ack_due == D(2024, 2, 27)


def test_a_complaint_with_an_unreadable_date_gets_no_deadline(settings: Settings) -> None:
    t = tables(settings, complaints=[complaint("ร67-060", "15/13/2567"),
                                     complaint("ร67-061", D(2024, 3, 1), status="ยุติเรื่อง", closed="32/03/2567")])
    report = compute_deadlines(settings, t, D(2024, 4, 20))
    assert report.items == [] and report.findings == []


# ---------------------------------------------------------------- report, CLI, run


def test_the_digest_lists_what_each_unit_owes_oldest_first(settings: Settings) -> None:
    t = tables(settings, [step(2566, 1, unit="กองช่าง", status=IN_PROGRESS), step(2567, 2, unit="สป.")],
               [complaint("ร67-070", D(2024, 3, 1), unit="กองช่าง"), complaint("ร67-071", D(2024, 4, 19))])
    report = compute_deadlines(settings, t, D(2024, 4, 20))
    owed = report.by_unit()
    assert list(owed) == ["กองช่าง", "สำนักงานปลัด อบต."]  # "สป." is an alias of the office's unit
    works = owed["กองช่าง"]
    # FY 2566 step due 30 Oct 2023; complaint acknowledgement due 4 March 2024; the new
    # complaint due 22 April is due soon.
    assert [(i.kind, i.item_id, i.status) for i in works] == [
        ("measure", "2566-01", "overdue"), ("step", "2566-01-01", "overdue"),
        ("complaint", "ร67-070", "overdue"), ("complaint", "ร67-071", "due_soon")]
    assert [i.due_date for i in works] == sorted(i.due_date for i in works)
    data = json.loads(json.dumps(report.as_json()))
    assert data["overdue"] == 3 and data["by_unit"]["กองช่าง"][0] == "2566-01"


def test_findings_are_in_english_when_asked(settings: Settings) -> None:
    t = tables(settings, [step(2566, 1, status=IN_PROGRESS)])
    report = compute_deadlines(settings, t, D(2024, 4, 20), lang="en")
    step_finding = next(f for f in report.findings if f.column_key == "status")
    assert step_finding.column == "Status"
    assert "173 days past the fiscal-year-end report deadline (30 October 2023)" in step_finding.message
    assert {"overdue", "due_soon"} <= set(RULES)


def test_deadlines_command_prints_json_items(settings: Settings, demo_workbook: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["deadlines", "--config", str(settings.source), "--today", "2024-04-20", "--json"])
    assert code == 0
    items = json.loads(capsys.readouterr().out)
    assert items and {"kind", "id", "unit", "due_date", "status", "days_late"} <= set(items[0])
    assert {i["status"] for i in items} <= {"overdue", "due_soon"}
    assert {"step", "complaint"} <= {i["kind"] for i in items if i["status"] == "overdue"}


def test_run_writes_overdue_findings_with_units(settings: Settings, demo_workbook: Path) -> None:
    summary = run_once(settings)
    stage_result = next(s for s in summary.stages if s.name == "deadlines")
    assert not stage_result.error and stage_result.figures["overdue"] > 0
    grid = XlsxWorkbook(demo_workbook).read([settings.sheets.findings])[settings.sheets.findings]
    header = grid[0]
    rows = [dict(zip(header, r, strict=False)) for r in grid[1:]]
    overdue = [r for r in rows if r["รหัสกฎ"] == "overdue"]
    assert {r["ชีต"] for r in overdue} == {settings.sheets.measures, settings.sheets.complaints}
    assert all(r["หน่วยงาน"] for r in overdue)


def test_the_stage_leaves_the_report_for_later_stages(settings: Settings) -> None:
    t = tables(settings, [step(2566, 1, status=IN_PROGRESS)])
    ctx = RunContext(settings, build_schema(settings), t, D(2024, 4, 20), "th")
    result = stage(ctx)
    assert isinstance(ctx.figures["deadlines"], DeadlineReport)
    assert result.figures["overdue"] == 2  # the step and its measure
    assert result.figures["overdue_by_unit"] == "กองคลัง 2"


@pytest.mark.parametrize(("lang", "line"), [
    ("th", "กำหนดเวลา: เกินกำหนด 3 รายการ (กองคลัง 2, กองช่าง 1) ใกล้ครบกำหนด 0 รายการ"),
    ("en", "deadlines: 3 overdue (กองคลัง 2, กองช่าง 1), 0 due soon"),
])
def test_the_run_summary_names_the_units_that_owe_overdue_items(settings: Settings, lang: str, line: str) -> None:
    # FY 2566's step (and so its measure) is 173 days late for กองคลัง; the complaint received
    # 1 March 2024 was due to be acknowledged on 4 March, for กองช่าง.
    t = tables(settings, [step(2566, 1, status=IN_PROGRESS)], [complaint("ร67-080", D(2024, 3, 1))])
    result = stage(RunContext(settings, build_schema(settings), t, D(2024, 4, 20), lang))
    summary = RunSummary(D(2024, 4, 20), "demo.xlsx", [result], result.findings, 0, 0, 0, 0.0, False)
    assert f"  - {line}\n" in summary_text(summary, lang)


def test_deadlines_command_prints_each_unit_oldest_first_with_thai_dates(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    schema = build_schema(settings)
    rows = {"measures": [step(2566, 1, status=IN_PROGRESS), step(2567, 2, unit="กองช่าง", due="2024-04-22",
                                                                    status=IN_PROGRESS)],
            "complaints": [complaint("ร67-090", D(2024, 3, 1))]}
    for key, records in rows.items():
        sheet = book.create_sheet(schema[key].title)
        sheet.append(schema[key].headers())
        for r in records:
            sheet.append([r.get(c.key) for c in schema[key].columns])
    settings.workbook_path.parent.mkdir(parents=True, exist_ok=True)
    book.save(settings.workbook_path)
    for lang, expected in [
        # [run] digits = "thai": dates and counts in Thai digits; ids and titles as typed.
        ("th", ["ณ วันที่ ๒๐ เมษายน ๒๕๖๗", "", "กองคลัง",
                # FY 2566 closed 30 Sep 2023 + 30 days grace: 30 Oct 2023 (BE 2566), 173 days ago
                "  เลยกำหนด     ๓๐/๑๐/๒๕๖๖  มาตรการ 2566-01  มาตรการทดสอบที่ 1  เลยมา ๑๗๓ วัน",
                "  เลยกำหนด     ๓๐/๑๐/๒๕๖๖  ขั้นตอน 2566-01-01  ขั้นตอนทดสอบที่ 1  เลยมา ๑๗๓ วัน", "", "กองช่าง",
                # received 1 March: acknowledgement due 4 March (3 calendar days), 47 days ago
                "  เลยกำหนด     ๐๔/๐๓/๒๕๖๗  เรื่องร้องเรียน ร67-090  ขอให้ซ่อมถนนหมู่ ๕  เลยมา ๔๗ วัน",
                "  ใกล้ครบกำหนด ๒๒/๐๔/๒๕๖๗  ขั้นตอน 2567-02-01  ขั้นตอนทดสอบที่ 1  อีก ๒ วัน", "",
                "เลยกำหนด ๓ รายการ ใกล้ครบกำหนด ๑ รายการ"]),
        ("en", ["As of 20 April 2024", "", "กองคลัง",
                "  overdue      2023-10-30  measure 2566-01  มาตรการทดสอบที่ 1  173 days late",
                "  overdue      2023-10-30  step 2566-01-01  ขั้นตอนทดสอบที่ 1  173 days late", "", "กองช่าง",
                "  overdue      2024-03-04  complaint ร67-090  ขอให้ซ่อมถนนหมู่ ๕  47 days late",
                "  due soon     2024-04-22  step 2567-02-01  ขั้นตอนทดสอบที่ 1  in 2 days", "",
                "overdue 3, due soon 1"]),
    ]:
        assert main(["deadlines", "--config", str(settings.source), "--today", "2024-04-20", "--lang", lang]) == 0
        assert capsys.readouterr().out.splitlines() == expected
    assert main(["deadlines", "--config", str(settings.source), "--today", "2024-04-20", "--json"]) == 0
    keys = ("kind", "id", "unit", "due_date", "status", "days_late")
    assert [tuple(i[k] for k in keys) for i in json.loads(capsys.readouterr().out)] == [
        ("measure", "2566-01", "กองคลัง", "2023-10-30", "overdue", 173),
        ("step", "2566-01-01", "กองคลัง", "2023-10-30", "overdue", 173),
        ("complaint", "ร67-090", "กองช่าง", "2024-03-04", "overdue", 47),
        ("step", "2567-02-01", "กองช่าง", "2024-04-22", "due_soon", 0),
    ]


def test_a_date_validation_cannot_trust_gets_no_deadline(settings: Settings) -> None:
    # 31/12/9999 ("no end date") and a BE year in a date cell are validation's findings; here
    # they must neither crash the stage (31 Dec 9999 + 3 days is past the calendar) nor give
    # a deadline in CE 2567. A fiscal year of a million is no year either.
    t = tables(settings, [step(m=1, due=dt.datetime(9999, 12, 31)), step(m=2, due=dt.datetime(2567, 4, 30)),
                          step(1_000_000, m=3), step(m=4, due="2024-04-22")],
               [complaint("ร67-100", dt.datetime(9999, 12, 31)),
                complaint("ร67-101", dt.datetime(9999, 12, 25), category="ทุจริต"),
                complaint("ร67-102", dt.datetime(2567, 3, 1)), complaint("ร67-103", D(2024, 4, 19))])
    report = compute_deadlines(settings, t, D(2024, 4, 20))
    assert sorted((i.kind, i.item_id) for i in report.items) == [
        ("complaint", "ร67-103"), ("measure", "2567-04"), ("step", "2567-04-01")]
    result = stage(RunContext(settings, build_schema(settings), t, D(2024, 4, 20), "th"))
    # due soon: the step on 22 April, its measure's round 1 on 30 April, the complaint's
    # acknowledgement on 22 April
    assert not result.error and result.figures["due_soon"] == 3


_any_cell = st.one_of(st.none(), st.dates(), st.datetimes(), st.integers(-(10**7), 10**7),
                      st.floats(allow_nan=True), st.text(max_size=12),
                      st.sampled_from(["31/12/9999", "15/03/2567", "29/02/2567", "๓๑ มี.ค. ๖๗", "ยุติเรื่อง"]))


@hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fy=_any_cell, due=_any_cell, status=_any_cell, received=_any_cell, ack=_any_cell, closed=_any_cell,
       category=st.sampled_from(["ทุจริต", "ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป", None, "อื่นๆ"]))
def test_no_cell_value_crashes_the_deadlines(settings: Settings, fy: Any, due: Any, status: Any, received: Any,
                                              ack: Any, closed: Any, category: Any) -> None:
    t = tables(settings, [{**step(due=due, status=status), "fiscal_year": fy}],
               [complaint("ร67-200", received, ack=ack, closed=closed, category=category)])
    report = compute_deadlines(settings, t, D(2024, 4, 20))
    for item in report.items:
        assert item.status in ("overdue", "due_soon", "ok") and item.days_late >= 0
