"""One run end to end on the demo workbook, on both backends (a local .xlsx and Google Sheets
through the loopback emulator): findings written, staff data untouched."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation.cli import main
from automation.pipeline import RunContext, StageResult, run_once
from automation.schema import build_schema
from automation.settings import Settings, load_settings
from automation.sheets_emulator import SheetsEmulator
from automation.workbook.xlsx import XlsxWorkbook
from tests.conftest import TODAY
from tests.sheets_fixtures import SERVICE_EMAIL, service_account_key, sheets_emulator, sheets_emulator_session

__all__ = ["service_account_key", "sheets_emulator", "sheets_emulator_session"]  # fixtures used here


def snapshot(path: Path) -> dict[str, Any]:
    """Every sheet's values and notes, for comparing runs."""
    book = openpyxl.load_workbook(path)
    return {
        ws.title: (
            [[c.value for c in row] for row in ws.iter_rows()],
            {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment},
        )
        for ws in book.worksheets
    }


def staff_values(path: Path, settings: Settings) -> dict[str, Any]:
    snap = snapshot(path)
    return {layout.title: snap[layout.title][0] for layout in build_schema(settings).staff_sheets}


@dataclass
class Office:
    """The demo workbook on one backend: settings pointing at it, and ways to look inside."""

    settings: Settings
    snapshot: Callable[[], dict[str, Any]]  # every sheet's values and notes
    staff_values: Callable[[], dict[str, Any]]
    findings_rows: Callable[[], list[list[Any]]]


def _xlsx_office(settings: Settings, book: Path) -> Office:
    def findings() -> list[list[Any]]:
        return [list(r) for r in openpyxl.load_workbook(book)[settings.sheets.findings].iter_rows(values_only=True)]

    return Office(settings, lambda: snapshot(book), lambda: staff_values(book, settings), findings)


def _gsheets_office(settings: Settings, book: Path, emulator: SheetsEmulator, key: Path) -> Office:
    sid = emulator.import_xlsx(book, shared_with=[SERVICE_EMAIL], title="ITA อบต.บ้านสวน")
    text = settings.source.read_text(encoding="utf-8")
    for old, new in [('backend = "xlsx"', 'backend = "gsheets"'), ('spreadsheet_id = ""', f'spreadsheet_id = "{sid}"'),
                     ('# credentials_file = "/etc/automation/service-account.json"', f'credentials_file = "{key}"'),
                     ('api_base_url = ""', f'api_base_url = "{emulator.url}"')]:
        assert old in text, old
        text = text.replace(old, new)
    settings.source.write_text(text, encoding="utf-8")  # the settings file as a person would edit it
    gs = load_settings(settings.source, run__today=TODAY)
    staff = [layout.title for layout in build_schema(gs).staff_sheets]

    def snap() -> dict[str, Any]:
        return {t: (emulator.values(sid, t), emulator.notes(sid, t)) for t in emulator.sheet_titles(sid)}

    return Office(gs, snap, lambda: {t: emulator.values(sid, t) for t in staff},
                  lambda: emulator.values(sid, gs.sheets.findings))


@pytest.fixture(params=["xlsx", "gsheets"])
def office(request: pytest.FixtureRequest, settings: Settings, demo_workbook: Path) -> Office:
    if request.param == "xlsx":
        return _xlsx_office(settings, demo_workbook)
    emulator = request.getfixturevalue("sheets_emulator")
    return _gsheets_office(settings, demo_workbook, emulator, request.getfixturevalue("service_account_key"))


def test_a_run_writes_the_findings_sheet_and_leaves_staff_values_alone(office: Office) -> None:
    before = office.staff_values()
    summary = run_once(office.settings)
    assert summary.findings, "the demo plants mistakes, so a run must find some"
    rows = office.findings_rows()
    assert rows[0][:3] == ["ระดับ", "ชีต", "แถว"]
    assert len(rows) == len(summary.findings) + 1
    assert office.staff_values() == before


def test_a_second_run_changes_nothing(office: Office) -> None:
    run_once(office.settings)
    first = office.snapshot()
    summary = run_once(office.settings)
    assert office.snapshot() == first
    assert summary.new_findings == 0


def test_a_failing_stage_is_reported_and_the_others_still_run(office: Office) -> None:
    def broken(ctx: RunContext) -> StageResult:
        raise RuntimeError("boom")

    def counting(ctx: RunContext) -> StageResult:
        return StageResult("counting", figures={"rows": len(ctx.tables["complaints"].frame)})

    summary = run_once(office.settings, stages=[broken, counting])
    assert summary.stages[0].error == "RuntimeError: boom"
    assert summary.stages[1].figures["rows"] > 0


def test_run_json_summary_has_counts_outputs_and_timings(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    settings = office.settings
    code = main(["run", "--once", "--json", "--config", str(settings.source), "--today", "2024-04-20"])
    data = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert data["today"] == "2024-04-20"
    assert data["findings"]["total"] == sum(data["findings"]["by_severity"].values())
    assert "validation" in data["stages"] and data["stages"]["validation"]["seconds"] >= 0
    assert data["written"] is True
    saved = json.loads((settings.output_dir / "run-summary.json").read_text(encoding="utf-8"))
    assert saved == data


def test_strict_exits_1_when_errors_exist(office: Office) -> None:
    assert main(["run", "--strict", "--config", str(office.settings.source)]) == 1


def test_dry_run_writes_nothing(office: Office) -> None:
    before = office.snapshot()
    assert main(["run", "--dry-run", "--config", str(office.settings.source)]) == 0
    assert office.snapshot() == before


def test_a_missing_sheet_becomes_a_finding_not_a_crash(settings: Settings) -> None:
    book = XlsxWorkbook(settings.workbook_path)
    schema = build_schema(settings)
    book.provision([schema["measures"], schema["responses"]])
    summary = run_once(settings)
    missing = [f for f in summary.findings if f.rule == "missing-sheet"]
    assert [f.sheet for f in missing] == [settings.sheets.complaints]
    assert "ไม่พบชีต" in missing[0].message


def test_the_embedded_workbook_is_built_when_missing(settings: Settings, tmp_path: Path) -> None:
    from automation.demo import build_demo_workbook

    path = build_demo_workbook(settings, tmp_path / "d.xlsx", seed=1)
    again = build_demo_workbook(settings, tmp_path / "e.xlsx", seed=1)
    assert snapshot(path) == snapshot(again)  # deterministic: same seed, same workbook


def test_the_summary_reads_in_thai_and_in_english(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from automation.pipeline import summary_text

    summary = run_once(settings, write=False)
    thai = summary_text(summary, "th")
    assert thai.startswith("ผลการตรวจสอบวันที่ 20 เมษายน 2567")
    assert "ตรวจสอบข้อมูล: พบ" in thai and "กำหนดเวลา: เกินกำหนด" in thai
    assert "ความพึงพอใจ" in thai and "ร่างรายงาน 2 ฉบับ" in thai
    # The round in words, never the JSON's key ("h1 2567") in the middle of Thai text.
    line = next(x for x in thai.splitlines() if "ความพึงพอใจ" in x)
    assert line.startswith("  - ความพึงพอใจ ปีงบประมาณ พ.ศ. 2567 รอบ 6 เดือน: ผู้ตอบ"), line
    english = summary_text(summary, "en")
    assert "deadlines:" in english and "overdue" in english
    assert "satisfaction fiscal year 2567 BE, 6-month round:" in english


def test_run_on_the_embedded_settings_builds_the_missing_workbook_first(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from automation.cli import ensure_workbook
    from automation.settings import DEFAULT_CONFIG
    from automation.workbook import WorkbookError

    book = tmp_path / "fresh" / "demo.xlsx"
    monkeypatch.setattr("automation.settings.EMBEDDED_DEMO_WORKBOOK", book)
    embedded = settings.model_copy(update={
        "source": DEFAULT_CONFIG.resolve(),
        "workbook": settings.workbook.model_copy(update={"path": book}),
    })
    ensure_workbook(embedded)
    assert "สร้างสมุดงานตัวอย่างแล้ว" in capsys.readouterr().err
    titles = [layout.title for layout in build_schema(settings).staff_sheets]
    grids = XlsxWorkbook(book).read(titles)
    assert set(grids) == set(titles) and all(len(grid) > 1 for grid in grids.values())
    # Another settings file never gets a demo workbook in place of its own, missing one,
    # nor does the shipped one at another path (a mistyped --workbook).
    for source in (settings.source, DEFAULT_CONFIG.resolve()):
        other = tmp_path / "other.xlsx"
        with pytest.raises(WorkbookError, match="workbook not found"):
            ensure_workbook(settings.model_copy(update={
                "source": source, "workbook": settings.workbook.model_copy(update={"path": other})}))
        assert not other.exists()


def test_the_summary_counts_google_api_calls_in_the_digits_the_office_writes(
    settings: Settings, demo_workbook: Path
) -> None:
    from dataclasses import replace

    from automation.pipeline import summary_text

    summary = replace(run_once(settings, write=False), api_calls=4)
    assert settings.run.digits == "thai"  # as shipped
    thai = summary_text(summary, "th", settings)
    assert "เรียกใช้ Google Sheets API: ๔ ครั้ง" in thai, thai
    arabic = settings.model_copy(update={"run": settings.run.model_copy(update={"digits": "arabic"})})
    assert "เรียกใช้ Google Sheets API: 4 ครั้ง" in summary_text(summary, "th", arabic)
    assert "Google Sheets API calls: 4" in summary_text(summary, "en", settings)


def test_a_failing_part_is_logged_first_in_thai_and_a_bug_keeps_its_traceback(
    office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    from automation.workbook import WorkbookError

    def broken(ctx: RunContext) -> StageResult:
        raise RuntimeError("boom")

    broken.__module__ = "automation.stages.deadlines"

    def known(ctx: RunContext) -> StageResult:
        raise WorkbookError("แผ่นงาน «มาตรการ» ว่าง")

    known.__module__ = "automation.stages.complaints"
    with caplog.at_level(logging.ERROR, logger="automation.pipeline"):
        summary = run_once(office.settings, stages=[broken, known])
    assert [s.error for s in summary.stages][:2] == ["RuntimeError: boom", "WorkbookError: แผ่นงาน «มาตรการ» ว่าง"]
    bug, problem = [r.getMessage() for r in caplog.records if r.name == "automation.pipeline"]
    first, *rest = bug.splitlines()
    assert first == ("ขั้นตอน «คำนวณกำหนดเวลา» (deadlines) ไม่สำเร็จ: RuntimeError: boom — ขั้นตอนอื่นของรอบนี้ทำต่อจนเสร็จ "
                     "ถ้าเกิดซ้ำให้ส่งบันทึกส่วนนี้ให้ผู้ดูแลระบบ (stage deadlines failed; the rest of the run went on)")
    assert rest[0].startswith("Traceback") and rest[-1] == "RuntimeError: boom"  # for the developer
    assert problem == ("ขั้นตอน «สถิติเรื่องร้องเรียน» (complaints) ไม่สำเร็จ: แผ่นงาน «มาตรการ» ว่าง — "
                       "ขั้นตอนอื่นของรอบนี้ทำต่อจนเสร็จ (stage complaints failed; the rest of the run went on)")
    caplog.clear()
    english = office.settings.model_copy(update={"run": office.settings.run.model_copy(update={"language": "en"})})
    with caplog.at_level(logging.ERROR, logger="automation.pipeline"):
        run_once(english, stages=[broken])
    (record,) = [r for r in caplog.records if r.name == "automation.pipeline"]
    assert record.getMessage().splitlines()[0] == "stage deadlines failed: RuntimeError: boom; the rest of the run went on"
